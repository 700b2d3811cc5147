"""``python -m segmenter_pme …`` is the ``segmenter`` command."""

from .cli import main

main()
