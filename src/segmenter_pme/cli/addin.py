"""``segmenter addin build | install | remove | status`` — thin over :mod:`segmenter_pme.addin`."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import typer_app

app = typer_app("addin", "Complément Excel « Segmentation » (segmenter.xlam) : construire, installer, supprimer, état.")


def _say(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


@app.command("build")
def build_cmd(
    dossier: Path = typer.Argument(Path("addin"), help="Dossier de sortie (créé au besoin)."),
) -> None:
    """Construit segmenter.xlam (et sa variante d'autotest) à partir des sources, octet pour octet identique."""
    from ..addin import build

    report = build.build(dossier)
    _say([f"Écrit : {p}" for p in report.files])


@app.command("install")
def install_cmd() -> None:
    """Installe le complément pour cet utilisateur (XLSTART sous Windows, démarrage d'Excel sous macOS)."""
    from ..addin import install

    _say(install.install())


@app.command("remove")
def remove_cmd() -> None:
    """Supprime le complément installé."""
    from ..addin import install

    _say(install.remove())


@app.command("status")
def status_cmd() -> None:
    """Dit si le complément est installé, où, et avec quel Python."""
    from ..addin import install

    _say(install.status())


def register(root: typer.Typer) -> None:
    """Add ``addin …`` to the ``segmenter`` app."""
    root.add_typer(app, name="addin")
