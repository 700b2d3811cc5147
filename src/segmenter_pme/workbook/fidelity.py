"""What openpyxl cannot carry through a save, found before we save, so the user is told.

openpyxl (the only pure-Python writer that edits a workbook in place) drops
drawing shapes, form controls, slicers, timelines, sparklines, threaded
comments and the « x14 » extensions of validations and conditional formats,
and the custom ribbon of an .xlsm. Cells, formulas, styles, tables, filters,
ordinary validations and conditional formats, charts, images, notes, defined
names and macros are kept (tests/test_workbook_run.py checks them).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_PARTS = (
    ("xl/slicers/", "des segments (slicers)"),
    ("xl/slicerCaches/", "des segments (slicers)"),
    ("xl/timelines/", "des chronologies"),
    ("xl/ctrlProps/", "des contrôles de formulaire (boutons, cases à cocher)"),
    ("xl/threadedComments/", "des commentaires en fil de discussion (les notes simples sont gardées)"),
    ("customUI/", "un ruban personnalisé"),
)
_SHEET_MARKS = (
    (b"sparklineGroup", "des graphiques sparkline"),
    (b"x14:dataValidation", "des validations de données étendues (listes vers une autre feuille, Excel 2010+)"),
    (b"x14:conditionalFormatting", "des mises en forme conditionnelles étendues (barres de données, Excel 2010+)"),
)
_DRAWING_MARKS = (b"<xdr:sp>", b"<xdr:sp ", b"<xdr:grpSp", b"<xdr:cxnSp", b"<xdr:sp\n")


def unsupported_content(path: Path) -> list[str]:
    """French names of what would be lost, in the order found (empty when nothing)."""
    found: list[str] = []

    def add(what: str) -> None:
        if what not in found:
            found.append(what)

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for prefix, what in _PARTS:
                if any(n.startswith(prefix) for n in names):
                    add(what)
            for name in names:
                if name.startswith("xl/drawings/") and name.endswith(".xml") and "/_rels/" not in name:
                    data = zf.read(name)
                    if any(m in data for m in _DRAWING_MARKS):
                        add("des formes ou zones de texte dessinées")
                elif name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name:
                    for mark, what in _scan(zf, name):
                        add(what)
    except (zipfile.BadZipFile, OSError):
        return []
    return found


def _scan(zf: zipfile.ZipFile, name: str):
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            window = tail + chunk
            for mark, what in _SHEET_MARKS:
                if mark in window:
                    yield mark, what
            tail = window[-64:]


def warning_text(lost: list[str], backup: Path | None) -> str:
    where = f" ; la version d'origine est gardée dans « {backup.name} »" if backup is not None else ""
    return (
        "Ce classeur contient " + ", ".join(lost) + ", que segmenter ne sait pas réécrire : ces éléments "
        f"ne figurent pas dans le fichier enregistré{where}. Vos cellules, formules, tableaux, graphiques "
        "et images sont conservés."
    )
