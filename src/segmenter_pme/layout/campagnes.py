"""« Campagnes »: the user's log of marketing campaigns, and our results to its right (SPEC §8).

The sheet is created once (title, one explanation line, the headers and one
grey example row that the run ignores). From then on the rows are the user's:
a run reads them (:func:`read_campaigns`) and writes only the cells of our
result columns (:func:`result_cells`), on the same rows — the user's cells are
never rewritten, reordered nor restyled. A bad row gets its remark in our
« Remarque » column (and in « Qualité »), never a failed run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pandas as pd

from ..headers import normalize_header
from ..history_result import CAMPAIGN_INPUT_COLUMNS, CAMPAIGN_RESULT_COLUMNS
from .render_plan import col_letter
from .model import FMT_DATE, FMT_EUR, FMT_INT, FMT_PCT, Cell, Column, SheetLayout, Table, Text, Title, plain
from ..blank import is_blank

SHEET = "Campagnes"
TITLE = "Campagnes marketing"
INPUT_HEADERS = CAMPAIGN_INPUT_COLUMNS
RESULT_HEADERS = CAMPAIGN_RESULT_COLUMNS
RESULT_FORMATS = {"Clients ciblés": FMT_INT, "Acheteurs": FMT_INT, "Taux de conversion": FMT_PCT,
                  "CA généré": FMT_EUR, "Taux habituel": FMT_PCT, "Effet (points)": '+0.0" pt";-0.0" pt";0.0" pt"'}
INPUT_FORMATS = {"Date d'envoi": FMT_DATE, "Fenêtre (jours)": FMT_INT, "Coût (€)": FMT_EUR}
#: a row whose campaign name starts so is the example we wrote: never read as a campaign
EXAMPLE_PREFIX = "Exemple"
EXPLANATION = (
    "Une ligne par envoi (e-mail, courrier, appel, salon…) : son nom, sa date d'envoi, son public et sa fenêtre "
    "en jours (30 si vide) ; canal et coût sont facultatifs.",
    "Public (« Cible ») : un segment RFM, Petits / Moyens / Gros, « Petits à potentiel », ou le titre d'une "
    "colonne de la feuille clients dont les cases remplies marquent les clients visés.",
    "Les colonnes à partir de « Clients ciblés » sont recalculées à chaque analyse ; la ligne grise est un "
    "exemple, ignoré. Vos lignes ne sont jamais modifiées.",
)
_HEADER_ROWS_SCANNED = 15


def _key(text: Any) -> str:
    return " ".join(normalize_header(text).replace("€", " ").replace("(", " ").replace(")", " ").split())


_INPUT_KEYS = {_key(h): h for h in INPUT_HEADERS} | {_key("Date"): "Date d'envoi", _key("Fenêtre"): "Fenêtre (jours)",
                                                    _key("Coût"): "Coût (€)", _key("Nom"): "Campagne"}
_RESULT_KEYS = {_key(h): h for h in RESULT_HEADERS}


@dataclass
class CampaignSheet:
    """What :func:`read_campaigns` found: where the headers are and the user's rows."""

    header_row: int  # 1-based
    input_cols: dict[str, int]  # our input header → 1-based column
    result_cols: dict[str, int]  # our result header → 1-based column (existing ones)
    frame: pd.DataFrame  # the user's campaigns: raw values, index = Excel row, columns = INPUT_HEADERS
    example_rows: list[int] = field(default_factory=list)
    last_row: int = 0  # last row holding anything under the header
    last_col: int = 0  # last column holding a header


def is_campaign_sheet(rows: Iterable[Sequence[Any]]) -> bool:
    """A sheet of the user's called « Campagnes » is ours to read when it has our headers (or is empty)."""
    rows = list(rows)
    if all(all(is_blank(v) for v in (r or ())) for r in rows):
        return True
    return read_campaigns(rows) is not None


def read_campaigns(rows: Iterable[Sequence[Any]]) -> CampaignSheet | None:
    """The campaigns of a sheet's values (rows of cells from A1); None without a header row.

    The header row is the first one (in the first 15) holding « Campagne »,
    « Date d'envoi » and « Cible », whatever their order and columns.
    """
    rows = [list(r or ()) for r in rows]
    header = None
    for i, cells in enumerate(rows[:_HEADER_ROWS_SCANNED]):
        found = {}
        for j, v in enumerate(cells, start=1):
            h = _INPUT_KEYS.get(_key(v)) if isinstance(v, str) else None
            if h and h not in found:
                found[h] = j
        if {"Campagne", "Date d'envoi", "Cible"} <= set(found):
            header = i + 1
            inputs = found
            break
    if header is None:
        return None
    head = rows[header - 1]
    results = {}
    for j, v in enumerate(head, start=1):
        h = _RESULT_KEYS.get(_key(v)) if isinstance(v, str) else None
        if h and h not in results:
            results[h] = j
    last_col = max((j for j, v in enumerate(head, start=1) if not is_blank(v)), default=0)
    records, index, examples = [], [], []
    last_row = header
    for r in range(header + 1, len(rows) + 1):
        cells = rows[r - 1]
        if any(not is_blank(v) for v in cells):
            last_row = r
        values = {h: (cells[c - 1] if c - 1 < len(cells) else None) for h, c in inputs.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        name = values.get("Campagne")
        if isinstance(name, str) and name.strip().startswith(EXAMPLE_PREFIX):
            examples.append(r)
            continue
        records.append({h: values.get(h) for h in INPUT_HEADERS})
        index.append(r)
    frame = pd.DataFrame(records, index=pd.Index(index, dtype="int64"), columns=list(INPUT_HEADERS))
    return CampaignSheet(header, inputs, results, frame, examples, last_row, last_col)


def result_columns(sheet: CampaignSheet) -> dict[str, int]:
    """Our result headers → columns: the existing ones kept, the missing ones after the last header."""
    cols = dict(sheet.result_cols)
    nxt = max([sheet.last_col, *sheet.input_cols.values(), *cols.values()]) + 1
    for h in RESULT_HEADERS:
        if h not in cols:
            cols[h] = nxt
            nxt += 1
    return cols


def result_cells(sheet: CampaignSheet, results: pd.DataFrame | None) -> list[tuple[int, int, Any, str | None]]:
    """``(row, col, value, number_format)`` of every cell of our result columns, header included.

    Rows of ``results`` (index = Excel row) get their values; every other row
    under the header (a campaign deleted, the example row) gets empty cells.
    """
    cols = result_columns(sheet)
    out: list[tuple[int, int, Any, str | None]] = [(sheet.header_row, c, h, None) for h, c in cols.items()]
    by_row = results.to_dict("index") if results is not None and len(results) else {}
    last = max([sheet.last_row, *by_row.keys()]) if by_row else sheet.last_row
    for r in range(sheet.header_row + 1, last + 1):
        rec = by_row.get(r, {})
        for h, c in cols.items():
            v = plain(rec.get(h)) if rec else None
            if r in sheet.example_rows and h == "Remarque":
                v = "Ligne d'exemple : ignorée par l'analyse."
            out.append((r, c, v, RESULT_FORMATS.get(h)))
    return out


def print_area(sheet: CampaignSheet, results: pd.DataFrame | None) -> str:
    """From the title to the last row and the last of our result columns: every campaign the user
    logged is printed, not only what the sheet held when it was created."""
    cells = result_cells(sheet, results)
    return f"A1:{col_letter(max(c for _, c, _, _ in cells))}{max(r for r, _, _, _ in cells)}"


def example_row(analysis_date: dt.date | None) -> tuple:
    sent = (analysis_date or dt.date.today()) - dt.timedelta(days=45)
    return (f"{EXAMPLE_PREFIX} : relance des clients À risque", sent, "À risque", 30, "E-mail", 150)


def build_campagnes(analysis_date: dt.date | None = None) -> SheetLayout:
    """The sheet as created the first time: title, explanation, headers, the grey example row."""
    example = example_row(analysis_date)
    cols = tuple(Column(h, INPUT_FORMATS.get(h), style="input") for h in INPUT_HEADERS) + tuple(
        Column(h, RESULT_FORMATS.get(h), style="cell") for h in RESULT_HEADERS)
    row = tuple(Cell(v, style="example") for v in example) + tuple(
        Cell("Ligne d'exemple : ignorée par l'analyse." if h == "Remarque" else None, style="example")
        for h in RESULT_HEADERS)
    widths = {1: 34, 2: 13, 3: 22, 4: 10, 5: 12, 6: 11, 7: 10, 8: 10, 9: 12, 10: 12, 11: 12, 12: 10, 13: 18, 14: 44}
    return SheetLayout(
        name=SHEET,
        blocks=(
            Title(TITLE),
            Text(EXPLANATION, style="note", space_after=0),
            Table(key="campagnes", columns=cols, rows=(row,), space_after=0),
        ),
        col_widths=tuple(widths.items()),
        left_col=1,
        tab_color="C55A11",
        freeze="B6",
        gridlines=True,
    )
