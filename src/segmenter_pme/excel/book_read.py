"""The workbook open in Excel read through xlwings in whole blocks (one read of each sheet's used range),
then found, read and segmented as ``segmenter segmente`` does it (``workbook/book_tables``)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable

from openpyxl.utils.cell import column_index_from_string

from .. import layout
from ..layout import history_run
from ..settings import Settings
from ..workbook import book_tables, reader


def sheet_values(sheet: Any) -> list[list[Any]]:
    """The sheet's values from A1 (``rows[0]`` is row 1), in one read of the used range."""
    used = sheet.used_range
    rows = used.options(ndim=2).value or []
    pad = [None] * (used.column - 1)
    return [[] for _ in range(used.row - 1)] + [pad + list(r) for r in rows]


def book_values(book: Any) -> dict[str, list[list[Any]]]:
    return {sheet.name: sheet_values(sheet) for sheet in book.sheets}


def _tables(sheet: Any) -> list[reader.TableInfo]:
    out = []
    for t in sheet.tables:
        rng = t.range
        h, w = rng.shape
        out.append(reader.TableInfo(t.name, rng.address.replace("$", ""), rng.column, rng.row,
                                    rng.column + w - 1, rng.row + h - 1, 1 if t.show_totals else 0))
    return out


_REFERS = re.compile(r"^=?'?(.+?)'?!\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$")


def _col(letters: str) -> int:
    return column_index_from_string(letters)


def _output_cells(book: Any, sheet: str, header_row: int) -> list[int]:
    """Our output columns as recorded by the last run (same defined name as the workbook engine)."""
    if reader.OUTPUT_NAME not in book.names:
        return []
    m = _REFERS.match(str(book.names[reader.OUTPUT_NAME].refers_to))
    if not m or m.group(1).replace("''", "'") != sheet or int(m.group(3)) != header_row:
        return []
    return list(range(_col(m.group(2)), _col(m.group(4)) + 1))


def locator(values: dict[str, list[list[Any]]]) -> Callable[[str, str | None], str | None]:
    """``locate(sheet, header)`` → column letter of ``header`` in the first rows, for Qualité's links."""
    from ..layout.render_plan import col_letter

    def locate(sheet: str, header: str | None) -> str | None:
        if sheet not in values:
            return None
        if header is None:
            return "A"
        for row in values[sheet][: reader.SCAN_ROWS]:
            for j, v in enumerate(row):
                if isinstance(v, str) and v.strip() == str(header).strip():
                    return col_letter(j + 1)
        return None

    return locate


@dataclasses.dataclass
class Reading:
    """Everything a macro needs, read in blocks: values, settings, the tables found."""

    values: dict[str, list[list[Any]]]
    settings: Settings
    clients: reader.SheetData | None
    invoices: reader.SheetData | None
    kept: history_run.HistoryInputs | None = None  # « Campagnes » and « Historique » as the user left them


def read_book(book: Any) -> Reading:
    """The workbook's values, settings and tables, read as ``segmenter segmente`` reads them (workbook/book_tables)."""
    book.app.status_bar = "Segmentation : lecture du classeur…"
    values = book_values(book)
    book_tables.check_sheets(values)  # before « Paramètres » is read: a sheet of the user's is not our settings
    settings = Settings()
    if layout.PARAMETRES in values:
        settings = layout.read_settings_rows(values[layout.PARAMETRES])
    found = book_tables.find_tables(values, book.name, overrides=settings.column_overrides or None)
    datas = book_tables.read_tables(values, found, tables_of=lambda name: _tables(book.sheets[name]),
                                    output_cells_of=lambda name, row: _output_cells(book, name, row))
    return Reading(values, settings, datas.get("clients"), datas.get("factures"), history_run.read_inputs(values))


def analyse(reading: Reading):
    """``segment()`` of the tables read, as ``segmenter segmente`` makes it: the reading's remarks in « Qualité »."""
    datas = {shape: d for shape, d in (("clients", reading.clients), ("factures", reading.invoices)) if d is not None}
    result, _notes = book_tables.segment_read(
        datas, reading.settings, book_tables.title_rows(reading.values, datas),
        advice="excel",  # in Excel a column is named in « Paramètres »
        how=lambda day: (f"indiquez {day:%d/%m/%Y} dans la cellule « Date d'analyse » de la feuille « Paramètres » "
                         "puis cliquez sur « Segmenter »"))
    return result
