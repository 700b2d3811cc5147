"""Write the SPEC §7 columns into the user's client sheet, in place.

Our columns go on the user's header row, to the right of the user's columns;
on a rerun they are found again (hidden defined name, else their headers) and
overwritten, never duplicated. Nothing else of the sheet is touched except what
makes our columns part of the user's structure: an Excel Table or an
autofilter over the header row grows to include them.
"""

from __future__ import annotations

import datetime as dt
import math
from copy import copy
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from ..fields import OUTPUT_COLUMNS
from ..layout.cells import set_value
from . import our_cells, streamed_clients
from .reader import OUTPUT_NAME, SheetData, calc_header

FMT_INT = "#,##0"
FMT_EUR = '#,##0.00 "€"'
FMT_DATE = "dd/mm/yyyy"
FMT_TEXT = "@"

FORMATS = {"Récence (jours)": FMT_INT, "Score R": "0", "Score F": "0", "Score M": "0", "Code RFM": FMT_TEXT}
WIDTHS = {"Récence (jours)": 11, "Score R": 8, "Score F": 8, "Score M": 8, "Code RFM": 9, "Segment RFM": 17,
           "Segment PMG": 12, "Segment Secteur": 24, "Taille": 8, "Région": 26, "Potentiel": 40}
#: widest an output column gets (characters); the reasons of « Potentiel » wrap within it
_MAX_WIDTHS = {"Potentiel": 50, "Segment Secteur": 34, "Région": 30}
_MAX_WIDTH = 26
#: output columns whose text wraps in the cell rather than overflowing or being cut
WRAPPED = ("Potentiel",)


def output_width(name: str, header: str, values=()) -> float:
    """Width of one of our columns: its header (+ the filter button) and its longest value, capped."""
    longest = 0
    # distinct values only: a column of 350 000 segment names has a dozen (5.2 s → 0.1 s on a 1 M-line CSV)
    for v in pd.unique(pd.Series(list(values) if not hasattr(values, "dtype") else values, dtype=object)):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        text = f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
        longest = max(longest, len(text))
    need = max(len(str(header)) + 3, longest + 2, 6)
    return float(min(need, _MAX_WIDTHS.get(name, _MAX_WIDTH)))
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")  # our columns are computed: a light blue tells them apart


def plan_output_columns(data: SheetData, user_headers: set[str]) -> dict[str, tuple[int, str]]:
    """Output name → (Excel column, header text): existing columns reused, new ones after the rest."""
    plan: dict[str, tuple[int, str]] = {}
    taken = set(data.columns.values()) | set(data.output_columns.values()) | set(data.header_cols)
    next_col = max(taken, default=0) + 1
    if data.table is not None and not data.output_columns:
        next_col = max(next_col, data.table.max_col + 1)
    for name in OUTPUT_COLUMNS:
        if name in data.output_columns:
            plan[name] = (data.output_columns[name], data.output_headers.get(name, name))
            continue
        # a user column already called « Région » keeps its name; ours says it is computed
        header = calc_header(name) if name in user_headers else name
        plan[name] = (next_col, header)
        next_col += 1
    return plan


EXCEL_MAX_COLUMNS = 16_384  # XFD


def _check_width(data: SheetData, plan: dict[str, tuple[int, str]]) -> None:
    """Refuse before writing anything when our columns would pass Excel's last column."""
    last = max((col for col, _ in plan.values()), default=0)
    if last > EXCEL_MAX_COLUMNS:
        from ..errors import WorkbookError

        free = EXCEL_MAX_COLUMNS - (last - len(plan))
        raise WorkbookError(
            f"La feuille « {data.sheet} » est utilisée jusqu'à la colonne XFD, la dernière (une feuille Excel compte "
            f"au plus 16 384 colonnes) : il n'y a pas la place pour les {len(plan)} colonnes de la segmentation à "
            f"droite de vos colonnes ({max(free, 0)} libres). Supprimez les colonnes vides ou inutiles à droite du "
            "tableau (ligne des en-têtes), puis relancez. Rien n'a été écrit."
        )


def cell_value(v: Any) -> Any:
    """A value as the cell written — ours, or the user's written back (cleaned copy, « Archives »): blanks
    (None, NaN, NaT, NA) None, pandas and numpy values as Python ones, the types a cell holds (text,
    numbers, booleans, dates, times, durations) as they are, anything else as text."""
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    if isinstance(v, (str, int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta)):
        return v
    if pd.isna(v):
        return None
    return str(v)


#: the types :func:`cell_value` gives back as they are (a blank aside)
_AS_IS = frozenset({type(None), str, int, float, bool, dt.date, dt.datetime, dt.time, dt.timedelta})


def cell_values(values) -> list:
    """:func:`cell_value` of each value (a sequence of scalars): a column holding only those types at once,
    the blanks found in C; another one value by value. With :func:`audit_copy.typed_cells` and the kinds of
    a column at once (``fastsheet._kinds``), 100 000 clients: clean_streamed 2,15 s → 1,88 s of CPU, median
    of 5, same run (``bench_audit_cli.py --only nettoyer --steps --base 2e79c21``)."""
    arr = values if isinstance(values, np.ndarray) and values.dtype == object else \
        np.fromiter(values, dtype=object, count=len(values))
    if not set(map(type, arr)) <= _AS_IS:
        return [cell_value(v) for v in arr]
    out = arr.copy()
    out[pd.isna(arr)] = None  # None and NaN, the only blanks of those types
    return out.tolist()


def put_output(cell, name: str, v: Any) -> None:
    """One value of our output column ``name`` into ``cell``: value, type, number format, alignment.

    The one rule for the cells openpyxl writes and for the streamed rows of a big client sheet
    (:mod:`.streamed_clients` applies it to a scratch cell styled like the cell it replaces).
    """
    v = cell_value(v)
    if name == "Code RFM" and v is not None and not isinstance(v, str):
        v = str(int(v)) if isinstance(v, (int, float)) else str(v)
    set_value(cell, v)  # « Segment Secteur » is the user's sector text: text, never a formula
    fmt = FORMATS.get(name)
    if fmt and cell.number_format != fmt:
        cell.number_format = fmt
    if name in WRAPPED and v is not None and not cell.alignment.wrap_text:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_outputs(wb, data: SheetData, result, *, row_map: dict[int, int] | None = None,
                  names: pd.Series | None = None, stream=None) -> dict[str, int]:
    """Write ``result.output`` (and the appended clients) into ``data.sheet``; returns our columns.

    ``stream`` (a :class:`.streamed_clients.ClientStream`): openpyxl holds only the sheet's first rows;
    the cells of the rows below are planned for the stream instead of written here.
    """
    ws = wb[data.sheet]
    hr = data.header_row
    user_headers = set(data.columns)
    plan = plan_output_columns(data, user_headers)
    _check_width(data, plan)
    out = result.output
    row_map = row_map or {}
    if stream is not None and row_map:
        raise ValueError("clients appended under a streamed sheet")  # the engine takes the openpyxl path then
    _check_free(ws, data, plan, max([data.last_data_row, *(row_map.get(lb, lb) for lb in out.index)]),
                stream.taken if stream is not None else None)

    # header cells, styled like the user's header so the table reads as one
    model = ws.cell(hr, data.last_user_col) if data.last_user_col else None
    for name, (col, header) in plan.items():
        c = set_value(ws.cell(hr, col), header)
        if model is not None and model.has_style:
            c.font, c.border, c.alignment = copy(model.font), copy(model.border), copy(model.alignment)
            c.fill = copy(model.fill) if model.fill is not None and model.fill.fill_type else _HEADER_FILL
        else:
            c.font, c.fill = Font(bold=True), _HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(col)
        dim = ws.column_dimensions[letter]
        # our columns are sized to what they hold; a width the user gave one of them is kept if wider
        width = output_width(name, header, out[name].tolist() if name in out.columns else ())
        if name not in data.output_columns or dim.width is None or not dim.customWidth or dim.width < width:
            _own_width(ws, letter, width)

    # appended clients (found only in the invoices): the user's key columns get their values too
    appended = [label for label in out.index if label not in data.frame.index]
    name_header = (getattr(result, "client_columns", None) or {}).get("raison_sociale")
    for label in appended:
        row = row_map.get(label, label)
        src = result.clients.loc[label]
        for header, col in data.columns.items():
            if header in src.index:
                v = cell_value(src[header])
                if v is None and header == name_header and names is not None and label in names.index:
                    v = cell_value(names.at[label])
                if v is not None:
                    cell = set_value(ws.cell(row, col), v)
                    _format_like_above(ws, cell, row, col, data.header_row)

    cols = [(name, plan[name][0]) for name in OUTPUT_COLUMNS if name in out.columns]
    labels = list(out.index)
    written = {row_map.get(label, label) for label in labels}
    last_row = max([data.last_data_row, *written])
    here = out if stream is None else out[out.index.to_numpy() <= stream.cut]  # the stream writes the others
    for name, col in cols:
        for label, v in zip(here.index, here[name].tolist()):
            put_output(ws.cell(row_map.get(label, label), col), name, v)

    end = max(ws.max_row, last_row) if stream is None else min(max(ws.max_row, last_row), stream.cut)
    if stream is not None:
        new = {col for col, _ in plan.values() if col not in set(data.output_columns.values())}
        stream.plan(ws, out, [our_cells.Column(name, col, col in new) for name, col in cols], put_output,
                    header_row=hr, last_row=last_row, total_row=data.total_row,
                    conflict=lambda r, c: _taken_error(data, new, r, c))
    # rows that held a client on the previous run but not now: clear our cells, not theirs;
    # below the data, stop at the first row where our columns are empty (what follows is not ours)
    for r in range(data.header_row + 1, end + 1):
        if r in written or (data.total_row is not None and r == data.total_row):
            continue
        filled = [c for c in (ws._cells.get((r, col)) for _, col in cols) if c is not None and c.value is not None]
        if r > last_row and not filled:
            if stream is not None:
                stream.stopped = True  # nor in the streamed rows below
            break
        for c in filled:
            c.value = None

    first_col = min(col for col, _ in plan.values())
    last_col = max(col for col, _ in plan.values())
    record_output_name(wb, data.sheet, hr, first_col, last_col)
    _grow_table(ws, data, plan, last_row)
    _grow_autofilter(ws, data, last_col, last_row)
    if ws.freeze_panes is None:
        ws.freeze_panes = f"A{hr + 1}"
    return {name: col for name, (col, _) in plan.items()}


def _own_width(ws, letter: str, width: float) -> None:
    """Set one column's width, splitting a ``<col min max>`` range that also covers the user's columns."""
    from openpyxl.utils import column_index_from_string

    idx = column_index_from_string(letter)
    for key, dim in list(ws.column_dimensions.items()):
        if key != letter and dim.min is not None and dim.max is not None and dim.min <= idx <= dim.max \
                and dim.min != dim.max:
            lo, hi = dim.min, dim.max
            for j in range(lo, hi + 1):  # one <col> per column: ours can then differ from the rest
                other = ws.column_dimensions[get_column_letter(j)]
                if other is not dim:
                    other.width, other.hidden, other.outlineLevel = dim.width, dim.hidden, dim.outlineLevel
                    other._style = copy(dim._style)
                other.min = other.max = j
            break
    dim = ws.column_dimensions[letter]
    dim.width = width
    dim.min = dim.max = idx


def new_output_columns(data: SheetData) -> set[int]:
    """The columns our output takes that were not ours on the previous run (they must be free)."""
    existing = set(data.output_columns.values())
    return {col for col, _ in plan_output_columns(data, set(data.columns)).values() if col not in existing}


def _check_free(ws, data: SheetData, plan, last_row: int, below: tuple[int, int] | None = None) -> None:
    """Refuse to write our new columns over anything of the user's (notes beside the table…).

    ``below``: the first such cell in the rows openpyxl did not load (a streamed sheet).
    """
    existing = set(data.output_columns.values())
    new_cols = {col for col, _ in plan.values() if col not in existing}
    if not new_cols:
        return
    lo, hi = min(new_cols), max(new_cols)
    taken = sorted((r, c) for (r, c), cell in ws._cells.items()
                   if lo <= c <= hi and c in new_cols and data.header_row <= r <= last_row
                   and cell.value is not None)
    if below is not None and below[0] <= last_row:
        taken.append(below)
    if taken:
        raise _taken_error(data, new_cols, *taken[0])


def _taken_error(data: SheetData, new_cols: set[int], r: int, c: int):
    from ..errors import WorkbookError

    lo, hi = min(new_cols), max(new_cols)
    return WorkbookError(
        f"segmenter doit écrire ses {len(new_cols)} colonnes de résultats dans la feuille « {data.sheet} », "
        f"à droite de vos colonnes (de {get_column_letter(lo)} à {get_column_letter(hi)}), mais la cellule "
        f"{get_column_letter(c)}{r} n'est pas vide. Déplacez ce contenu ou insérez {len(new_cols)} colonnes "
        "vides après votre tableau, puis relancez : rien n'a été modifié."
    )


def _format_like_above(ws, cell, row, col, header_row) -> None:
    above = ws._cells.get((row - 1, col))
    if above is not None and row - 1 > header_row and above.has_style:
        cell.number_format = above.number_format
        cell.font = copy(above.font)
        cell.alignment = copy(above.alignment)
    elif isinstance(cell.value, (dt.date, dt.datetime)):
        cell.number_format = FMT_DATE


def record_output_name(wb, sheet: str, hr: int, first_col: int, last_col: int) -> None:
    quoted = "'" + sheet.replace("'", "''") + "'"
    ref = f"{quoted}!${get_column_letter(first_col)}${hr}:${get_column_letter(last_col)}${hr}"
    dn = DefinedName(OUTPUT_NAME, attr_text=ref, hidden=True)
    if OUTPUT_NAME in wb.defined_names:
        del wb.defined_names[OUTPUT_NAME]
    wb.defined_names[OUTPUT_NAME] = dn


def _grow_table(ws, data: SheetData, plan, last_row: int) -> None:
    """Make the user's Excel Table include our columns (and the appended clients)."""
    if data.table is None:
        return
    from openpyxl.worksheet.table import TableColumn
    from openpyxl.worksheet.filters import AutoFilter

    table = ws.tables[data.table.name]
    t = data.table
    our_cols = sorted(col for col, _ in plan.values())
    new_max_col = max(t.max_col, our_cols[-1])
    # a table must be one rectangle: only grow when our columns sit right after it
    if our_cols[0] > t.max_col + 1 and not (t.min_col <= our_cols[0] <= t.max_col):
        return
    new_max_row = t.max_row
    if t.totals_rows == 0:
        new_max_row = max(t.max_row, last_row)
    existing = {c.name for c in table.tableColumns}
    next_id = max((c.id for c in table.tableColumns), default=0) + 1
    headers = {col: header for col, header in plan.values()}
    cols = list(table.tableColumns)
    for col in range(t.max_col + 1, new_max_col + 1):
        name = headers.get(col) or ws.cell(t.min_row, col).value or f"Colonne{col}"
        name = str(name)
        if name in existing:
            name = f"{name} {col}"
            set_value(ws.cell(t.min_row, col), name)
        cols.append(TableColumn(id=next_id, name=name))
        existing.add(name)
        next_id += 1
    table.tableColumns = cols
    ref = f"{get_column_letter(t.min_col)}{t.min_row}:{get_column_letter(new_max_col)}{new_max_row}"
    table.ref = ref
    if table.autoFilter is not None:
        table.autoFilter.ref = f"{get_column_letter(t.min_col)}{t.min_row}:{get_column_letter(new_max_col)}" \
                               f"{new_max_row - t.totals_rows}"
    elif t.totals_rows == 0:
        table.autoFilter = AutoFilter(ref=ref)


def _grow_autofilter(ws, data: SheetData, last_col: int, last_row: int) -> None:
    if data.table is not None or not ws.auto_filter.ref:
        return
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ws.auto_filter.ref)
    except ValueError:
        return
    if min_row != data.header_row:
        return
    end_row = max(max_row, last_row if data.total_row is None else max_row)
    ws.auto_filter.ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max(max_col, last_col))}{end_row}"


def make_table(name: str, ref: str, headers: list[str], style: str = "TableStyleMedium2"):
    """An Excel Table with its columns named now: left to openpyxl, naming them at save time
    materialises every cell of the range (slow on streamed sheets)."""
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    table.tableColumns = [TableColumn(id=i, name=str(h)) for i, h in enumerate(headers, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    return table
