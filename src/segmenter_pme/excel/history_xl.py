"""« Campagnes » and « Historique » through xlwings (the ribbon's Segmenter), as ``workbook.history_io`` does
with openpyxl: the user's campaign rows are never written, only our result columns, one column per call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..layout import campagnes, historique
from ..layout.render_plan import col_letter
from ..layout.history_run import HistoryInputs
from ..workbook import writer
from . import render


def write_campaigns(book: Any, hist, inputs: HistoryInputs, analysis_date: dt.date) -> None:
    if inputs.campaigns is None or campagnes.SHEET not in [s.name for s in book.sheets]:
        render.render(book, campagnes.build_campagnes(analysis_date))
        return
    sheet = book.sheets[campagnes.SHEET]
    by_col: dict[int, dict[int, Any]] = {}
    formats: dict[int, str | None] = {}
    for row, col, value, fmt in campagnes.result_cells(inputs.campaigns, hist.campaigns):
        by_col.setdefault(col, {})[row] = value
        formats[col] = fmt or formats.get(col)
    for col, cells in by_col.items():
        top, bottom = min(cells), max(cells)
        if formats[col] and bottom > top:
            sheet.range((top + 1, col), (bottom, col)).number_format = formats[col]
        sheet.range((top, col), (bottom, col)).value = [[cells.get(r)] for r in range(top, bottom + 1)]
        head = sheet.range((top, col))
        head.font.bold = True
        head.color = (0xDD, 0xEB, 0xF7)


def write_historique(book: Any, hist, inputs: HistoryInputs, analysis_date: dt.date) -> None:
    frame = historique.sheet_frame(historique.merged(inputs.snapshots, historique.snapshot_at(hist, analysis_date),
                                                     analysis_date))
    sheet = render.replace_sheet(book, historique.SHEET)
    header_row = historique.HEADER_ROW
    n = len(frame)
    for j, name in enumerate(historique.HEADERS, start=1):
        if name in historique.FORMATS and n:
            sheet.range((header_row + 1, j), (header_row + n, j)).number_format = historique.FORMATS[name]
    sheet.range((1, 1)).value = historique.TITLE
    sheet.range((1, 1)).font.bold = True
    sheet.range((2, 1)).value = historique.NOTE
    body = [[writer.cell_value(v) for v in rec] for rec in frame.itertuples(index=False)]
    sheet.range((header_row, 1), (header_row + n, len(historique.HEADERS))).value = [list(historique.HEADERS)] + body
    last = f"{col_letter(len(historique.HEADERS))}{header_row + max(n, 1)}"
    sheet.tables.add(source=sheet.range(f"A{header_row}:{last}"),
                     name=render.unique_table_name(book, historique.TABLE_NAME))
