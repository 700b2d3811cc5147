"""« Qualité »: what is wrong in the data, where, and what to do.

Inputs
------
* ``issues``: the core's :class:`~segmenter_pme.problems.Issue` list
  (``result.issues``);
* ``audit`` (optional): any object with two frames — the :class:`AuditReport`
  protocol below — so the data-audit module can feed this sheet without this
  module importing it:

  - ``summary``: columns ``Catégorie`` (text), ``Score`` (0 to 100, 100 = no
    problem), ``Constat`` (a French sentence);
  - ``problems``: columns ``code``, ``sheet``, ``column``, ``row`` (Excel row
    number or empty), ``value``, ``message`` (what is wrong), ``action`` (what to
    do); an optional ``severity`` column (``erreur`` / ``avertissement`` /
    ``info``, default ``avertissement``).

``locate(sheet, column)`` (optional) returns the column letter of a header in
the user's workbook so each problem links to its cell (``'Clients'!C12``):
``None`` when the sheet is not in the workbook (no link), ``""`` when the sheet
is there but not the header (the link goes to column A of the row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Protocol, runtime_checkable

import pandas as pd

from ..problems import ERROR, INFO, WARNING, Issue
from .model import FMT_DATE, FMT_INT, Cell, Column, SheetLayout, Table, Text, Title, plain

SHEET = "Qualité"

Locator = Callable[[str, str | None], str | None]


@runtime_checkable
class AuditReport(Protocol):
    summary: pd.DataFrame
    problems: pd.DataFrame


# the core's messages already say what to do; this column says how urgent it is
_ACTION = {
    ERROR: "À corriger dans votre fichier avant de relancer l'analyse.",
    WARNING: "À vérifier ; corrigez si nécessaire, puis relancez l'analyse.",
    INFO: "Aucune correction obligatoire.",
}
_SEVERITY_LABEL = {ERROR: "Erreur", WARNING: "Avertissement", INFO: "Information"}
_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def _link(sheet: Any, column: Any, row: Any, locate: Locator | None) -> str | None:
    if not sheet or locate is None:
        return None
    letter = locate(str(sheet), None if column is None else str(column))
    if letter is None:
        return None  # the sheet is not in this workbook: a link would lead nowhere
    quoted = "'" + str(sheet).replace("'", "''") + "'"
    try:
        r = int(row)
    except (TypeError, ValueError):
        r = None
    if r is None or r < 1:
        return f"{quoted}!{letter or 'A'}1"
    return f"{quoted}!{letter or 'A'}{r}"


def _value(v: Any) -> Any:
    v = plain(v)
    if isinstance(v, dt.date):  # a date without a format would show as a serial number
        return Cell(v, number_format=FMT_DATE)
    if v is None or isinstance(v, (str, int, float)):
        return v
    return str(v)


def score_style(score: Any) -> str:
    """Fixed colour bands of a 0–100 quality score: ≥ 90 green, 70–89 orange, < 70 red."""
    if not isinstance(score, (int, float)):
        return "cell_center"
    return "score_good" if score >= 90 else ("score_watch" if score >= 70 else "score_bad")


def problem_rows(
    issues: Iterable[Issue], audit: AuditReport | None = None, locate: Locator | None = None
) -> list[tuple]:
    """One tuple per problem: (lien, gravité, problème, que faire, feuille, colonne, ligne, valeur).

    A problem the audit reports (same code, sheet, column and row) is listed once, in the audit's words.
    """
    records: list[tuple[int, tuple]] = []
    seen = set()
    if audit is not None and len(audit.problems):
        p = audit.problems
        seen = {(plain(c), plain(s), plain(col), plain(r))
                for c, s, col, r in zip(p["code"], p["sheet"], p["column"], p["row"])}
    for i in issues:
        if (i.code, i.sheet, i.column, plain(i.row)) in seen:
            continue
        link = _link(i.sheet, i.column, i.row, locate)
        records.append((_ORDER.get(i.severity, 1), (
            Cell("Aller à la cellule", style="link", link=link) if link else "",
            _SEVERITY_LABEL.get(i.severity, i.severity), i.message,
            _ACTION.get(i.severity, _ACTION[WARNING]),
            i.sheet or "", i.column or "", plain(i.row), _value(i.value),
        )))
    if audit is not None and len(audit.problems):
        df = audit.problems
        for rec in df.to_dict("records"):
            sev = rec.get("severity") or WARNING
            row = plain(rec.get("row"))
            link = _link(rec.get("sheet"), plain(rec.get("column")), row, locate)
            records.append((_ORDER.get(sev, 1), (
                Cell("Aller à la cellule", style="link", link=link) if link else "",
                _SEVERITY_LABEL.get(sev, sev), plain(rec.get("message")) or "",
                plain(rec.get("action")) or _ACTION.get(sev, _ACTION[WARNING]),
                plain(rec.get("sheet")) or "", plain(rec.get("column")) or "", row, _value(rec.get("value")),
            )))
    records.sort(key=lambda t: t[0])  # stable: errors first, then the original order
    return [r for _, r in records]


def build_qualite(
    issues: Iterable[Issue],
    audit: AuditReport | None = None,
    *,
    locate: Locator | None = None,
    analysis_date: dt.date | None = None,
) -> SheetLayout:
    issues = list(issues)
    rows = problem_rows(issues, audit, locate)
    n_err = sum(1 for r in rows if r[1] == _SEVERITY_LABEL[ERROR])
    n_warn = sum(1 for r in rows if r[1] == _SEVERITY_LABEL[WARNING])
    n_info = len(rows) - n_err - n_warn

    when = f"Analyse au {analysis_date:%d/%m/%Y}. " if analysis_date else ""
    blocks: list = [
        Title("Qualité des données"),
        Text.of(when + "Chaque ligne du tableau renvoie à la cellule concernée : cliquez sur « Aller à la cellule ».",
                style="subtitle"),
        Table(
            key="compteurs",
            caption="En résumé",
            columns=(Column("Indicateur", style="kpi_label"), Column("Nombre", FMT_INT, style="kpi_value")),
            rows=(
                ("Erreurs (à corriger)", n_err),
                ("Avertissements (à vérifier)", n_warn),
                ("Informations", n_info),
                ("Total (lignes ci-dessous)", n_err + n_warn + n_info),
            ),
            show_header=False,
        ),
    ]
    if audit is not None and len(audit.summary):
        s = audit.summary
        blocks.append(Table(
            key="scores",
            caption="Score par catégorie (100 = aucun problème)",
            columns=(Column("Catégorie", style="label_wrap"), Column("Score", '0 "/ 100"', style="cell_center"),
                     Column("Constat", style="cell_wrap")),
            rows=tuple((plain(category), Cell(plain(score), style=score_style(plain(score))), plain(finding))
                       for category, score, finding in zip(s["Catégorie"], s["Score"], s["Constat"])),
            note="Vert : 90 et plus ; orange : 70 à 89 ; rouge : moins de 70.",
        ))
    if not rows:
        blocks.append(Text.of("Aucun problème détecté dans vos données.", style="ok"))
    blocks.append(Table(
        key="problemes",
        caption="Détail des problèmes",
        columns=(
            Column("Lien", style="link"),
            Column("Gravité", style="cell"),
            Column("Problème", style="cell_wrap"),
            Column("Que faire", style="cell_wrap"),
            Column("Feuille", style="cell_wrap"),
            Column("Colonne", style="cell_wrap"),
            Column("Ligne", "0", style="cell_center"),
            Column("Valeur", style="cell_wrap"),
        ),
        rows=tuple(rows) if rows else (("", "", "", "", None, "", "", ""),),
        excel_name="Qualite",
        excel_style="TableStyleLight9",
    ))
    # the scores' « Constat » and the problems' « Problème » share the wide column D
    widths = {1: 2, 2: 30, 3: 14, 4: 62, 5: 44, 6: 14, 7: 20, 8: 8, 9: 20}
    return SheetLayout(
        name=SHEET,
        blocks=tuple(blocks),
        col_widths=tuple(widths.items()),
        tab_color="C00000" if n_err else ("FFC000" if n_warn else "70AD47"),
        side_col=12,
    )
