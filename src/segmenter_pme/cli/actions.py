"""``segmenter listes`` and ``segmenter fiches``: from segments to action (SPEC §9) — thin over the library.

Registered on the root app by :func:`register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from ..fr import fr_int
from ..lists import FORMATS, WATCH
from .common import AS_FOUND, Reading, add_command, out, quiet, reading_options, sortie_option


@reading_options()
def listes(
    ctx: typer.Context,
    dossier: Optional[Path] = sortie_option(
        "Dossier où écrire les listes (sinon « NOM - listes » à côté du fichier).", metavar="<dossier>"),
    format: str = typer.Option("csv", "--format", "-f", metavar="<format>",
                               help="Format d'import : " + ", ".join(FORMATS) + "."),
    lecture: Reading = AS_FOUND,
) -> None:
    """Écrit une liste de contacts par segment (e-mailing, CRM), les clients sans e-mail et les tags CRM."""
    from ..workbook.lists_files import INDEX_NAME, export_lists

    report = export_lists(lecture.path, dossier, format.strip().lower(), **lecture.kwargs())
    if quiet(ctx):
        return
    table = Table(title=f"Listes au format {report.bundle.format.label}", title_justify="left")
    for col in ("Fichier", "Liste", "Contacts", "Sans e-mail (écartés)"):
        table.add_column(col, justify="right" if col not in ("Fichier", "Liste") else "left")
    for row in report.index.itertuples(index=False):
        table.add_row(row[0], row[1], fr_int(row[3]), fr_int(row[4]) if row[4] else "")
    out.print(table)
    missing = len(report.bundle.no_email.frame) if report.bundle.no_email is not None else 0
    if missing:
        out.print(f"{fr_int(missing)} client{'s' if missing > 1 else ''} sans e-mail utilisable : écarté"
                  f"{'s' if missing > 1 else ''} des listes d'e-mailing, à appeler (« {report.bundle.no_email.file_name} »).")
    if not any(x.segment == WATCH for x in report.bundle.lists):
        out.print(f"Pas de liste « {WATCH} » : il faut des lignes de factures pour comparer avec la période "
                  "précédente, et au moins un client qui a décroché.")
    out.print(Text.assemble("Dossier : ", (str(report.folder), "bold"), f" — le détail est dans « {INDEX_NAME} »."))


@reading_options()
def fiches(
    ctx: typer.Context,
    sortie: Optional[Path] = sortie_option(
        "Fichier PDF à écrire (sinon « NOM - fiches segments.pdf » à côté du fichier).", metavar="<chemin>"),
    lecture: Reading = AS_FOUND,
) -> None:
    """Écrit les fiches segments en PDF : une page A4 par segment pour l'équipe commerciale."""
    from ..workbook.cards_pdf import export_cards

    target, cards = export_cards(lecture.path, sortie, **lecture.kwargs())
    if not quiet(ctx):
        out.print(Text.assemble(f"{len(cards)} fiche{'s' if len(cards) > 1 else ''} segment{'s' if len(cards) > 1 else ''} "
                                "(une page chacune) : ", (str(target), "bold")))


def register(app: typer.Typer) -> None:
    """Add ``listes`` and ``fiches`` to the ``segmenter`` app."""
    add_command(app, "listes", listes)
    add_command(app, "fiches", fiches)
