"""The ``segmenter`` command (typer + rich) — thin over the library, one module per command group.

* :mod:`.root` — the app, ``--quiet``, :func:`main` (the console script and ``python -m``);
* :mod:`.common` — what every command shares: ``--quiet`` in the typer context, the file,
  ``--date`` and ``--colonne`` options, the consoles;
* :mod:`.segmentation` — ``segmente``, ``demo``, ``modele`` (formerly ``run``, ``template``);
* :mod:`.audit` — ``audite``, ``nettoie`` (formerly ``audit``, ``nettoyer``);
* :mod:`.actions` — ``listes``, ``fiches``;
* :mod:`.addin` — ``complement construit | installe | desinstalle | etat`` (formerly ``addin …``);
* :mod:`.french` — typer's own usage errors and help headings in French.
"""

from .root import app, main

__all__ = ["app", "main"]
