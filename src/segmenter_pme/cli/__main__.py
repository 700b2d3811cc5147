"""``python -m segmenter_pme.cli …`` is the ``segmenter`` command."""

from .root import main

main()
