"""« Campagnes » and « Historique » in an openpyxl workbook (the sheets the user keeps over time).

« Campagnes » is created once from its layout; after that only the cells of our
result columns are written, so the user's rows keep their values, order and
looks. « Historique » is ours: rebuilt on every run from the stored snapshots
plus this run's, its rows streamed at save time (it grows with every run).
"""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Font, PatternFill

from ..layout import campagnes, historique
from ..layout.render_plan import col_letter
from ..layout.history_run import HistoryInputs
from ..layout.render_openpyxl import FONT_NAME, render, replace_sheet
from . import fastsheet, writer

_OUR_FILL = PatternFill("solid", fgColor="DDEBF7")  # our computed columns, as in the client sheet


def write_campaigns(wb, hist, inputs: HistoryInputs, analysis_date: dt.date) -> None:
    """Create « Campagnes » (first run) or refresh our result columns beside the user's rows."""
    sheet = inputs.campaigns
    if campagnes.SHEET not in wb.sheetnames or sheet is None:
        ws = render(wb, campagnes.build_campagnes(analysis_date))
        return
    ws = wb[campagnes.SHEET]
    results = hist.campaigns if hist is not None else None
    ws.print_area = campagnes.print_area(sheet, results)
    for row, col, value, fmt in campagnes.result_cells(sheet, results):
        cell = ws.cell(row, col)
        if row == sheet.header_row:
            cell.value = value
            cell.font = Font(name=FONT_NAME, bold=True)  # without a name LibreOffice falls back to a serif
            cell.fill = _OUR_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            dim = ws.column_dimensions[col_letter(col)]
            if not dim.customWidth:
                dim.width = 30 if value == "Remarque" else 13
            continue
        if value is None and cell.value is None:
            continue  # nothing there, nothing to clear: no cell created
        cell.value = value
        if fmt and cell.number_format != fmt:
            cell.number_format = fmt
        if col == max(campagnes.result_columns(sheet).values()):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_historique(wb, hist, inputs: HistoryInputs, analysis_date: dt.date, inject: dict) -> None:
    """Rebuild « Historique »: stored snapshots of other dates, then this run's; rows streamed at save."""
    frame = historique.sheet_frame(historique.merged(inputs.snapshots, historique.snapshot_at(hist, analysis_date),
                                                     analysis_date))
    ws = replace_sheet(wb, historique.SHEET)
    ws["A1"] = historique.TITLE
    ws["A1"].font = Font(bold=True, size=16, color="1F3864")
    ws["A2"] = historique.NOTE
    ws["A2"].font = Font(italic=True, size=9, color="595959")
    header_row = historique.HEADER_ROW
    for j, name in enumerate(historique.HEADERS, start=1):
        c = ws.cell(header_row, j, name)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="2F5597")
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[col_letter(j)].width = historique.WIDTHS.get(name, 9)
        sample = ws.cell(header_row + 1, j)
        if name in historique.FORMATS:
            sample.number_format = historique.FORMATS[name]
        if len(frame):
            sample.value = writer.cell_value(frame.iloc[0, j - 1])
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    last = header_row + max(1, len(frame))
    ws.add_table(writer.make_table(historique.TABLE_NAME, f"A{header_row}:{col_letter(len(historique.HEADERS))}{last}",
                                   list(historique.HEADERS)))
    if len(frame):
        inject[historique.SHEET] = fastsheet.injector(frame, first_row=header_row + 1, ws=ws)
