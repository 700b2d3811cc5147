"""``segmenter addin build | install | remove | status`` — mounted in :mod:`segmenter_pme.cli`."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    name="addin",
    help="Complément Excel « Segmentation » (segmenter.xlam) : construire, installer, supprimer, état.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
