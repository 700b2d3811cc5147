"""The root of the ``segmenter`` command: the typer app, its ``--quiet`` option, :func:`main`.

:func:`main` turns a :class:`SegmenterError` into one French paragraph on stderr and exit
code 1 (usage errors are typer's exit code 2). Each command group is a module of this
package with a ``register(app)`` function, imported here like any other module.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.text import Text

from ..errors import SegmenterError
from . import actions, addin, audit, french, segmentation
from .common import RootOptions, aliases_note, err, typer_app

app = typer_app("segmenter", "Segmentation clients (RFM, Petits/Moyens/Gros, secteur, taille, région) pour PME, "
                             "dans Excel.", epilog=aliases_note("segmente", "modele", "audite", "nettoie", "complement"))
french.install()


@app.callback()
def _root(ctx: typer.Context,
          quiet: bool = typer.Option(False, "--quiet", "-q", help="N'affiche rien sauf les erreurs (scripts).")):
    ctx.obj = RootOptions(quiet=quiet)


for _group in (segmentation, addin, audit, actions):
    _group.register(app)


def command_names() -> set[str]:
    """Every name the root command answers to (sub-apps included)."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return names | {g.name for g in app.registered_groups if g.name}


def main(argv: list[str] | None = None) -> int:
    """Entry point: one French paragraph and exit 1 for a user's mistake, exit 2 for a usage error.

    With ``argv`` (tests, other Python code) the exit code is returned; without,
    this is the process's command line and the process exits with it, however
    it was started (console script, ``python -m segmenter_pme``).
    """
    code = _main(argv)
    if argv is None:
        sys.exit(code)
    return code


_FILE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


def _french_args(args: list[str]) -> list[str]:
    """``-q`` anywhere (also after the verb) is the root option; ``segmenter FICHIER.xlsx`` is ``segmenter segmente``."""
    quiet = [a for a in args if a in ("-q", "--quiet")]
    args = quiet[:1] + [a for a in args if a not in ("-q", "--quiet")]
    first = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
    if first is not None and args[first] not in command_names():
        word = args[first]
        if word.lower().endswith(_FILE_SUFFIXES) or Path(word).is_file():
            args.insert(first, "segmente")
    return args


def _main(argv: list[str] | None) -> int:
    try:
        # standalone mode: typer prints usage errors itself and exits 2; --help exits 0
        app(args=_french_args(list(sys.argv[1:] if argv is None else argv)), prog_name="segmenter")
    except SegmenterError as error:
        # the message is plain text: never let rich read brackets in it as markup
        # soft_wrap: no line break inserted by rich, so a command in the message can be copied whole
        err.print(Text.assemble(("Erreur : ", "bold red"), error.message), highlight=False, soft_wrap=True)
        return 1
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
