"""``segmenter complement construit | installe | desinstalle | etat`` — thin over :mod:`segmenter_pme.addin`.

Former names, still accepted: ``segmenter addin build | install | remove | status``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from .common import add_command, add_group, aliases_note, typer_app

app = typer_app("complement", "Complément Excel « Segmentation » (segmenter.xlam) : construire, installer, désinstaller, "
                              "état.", epilog=aliases_note("construit", "installe", "desinstalle", "etat"))


def _say(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


def build_cmd(
    dossier: Path = typer.Argument(Path("addin"), help="Dossier de sortie (créé au besoin)."),
) -> None:
    """Construit segmenter.xlam (et sa variante d'autotest) à partir des sources, octet pour octet identique."""
    from ..addin import build

    report = build.build(dossier)
    _say([f"Écrit : {p}" for p in report.files])


def install_cmd() -> None:
    """Installe le complément pour cet utilisateur (XLSTART sous Windows, démarrage d'Excel sous macOS)."""
    from ..addin import install

    _say(install.install())


def remove_cmd() -> None:
    """Désinstalle le complément (supprime le complément installé)."""
    from ..addin import install

    _say(install.remove())


def status_cmd() -> None:
    """Dit si le complément est installé, où, et avec quel Python."""
    from ..addin import install

    _say(install.status())


for _name, _function in (("construit", build_cmd), ("installe", install_cmd), ("desinstalle", remove_cmd),
                         ("etat", status_cmd)):
    add_command(app, _name, _function)


def register(root: typer.Typer) -> None:
    """Add ``complement …`` (and ``addin …``) to the ``segmenter`` app."""
    add_group(root, "complement", app)
