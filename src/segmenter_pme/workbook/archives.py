"""« Archives » of the cleaned copy: the rows taken out, with why and where they were merged, their
cells keeping the look, note and link they had."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..audit import formulas
from ..audit.clean import ARCHIVE_COLUMNS, MOTIF_INACTIF, CleanResult
from ..errors import WorkbookError
from ..layout.cells import set_value
from .audit_copy import ARCHIVES, csv_cell, typed_cell, write_cell
from .audit_load import LoadedBase
from .writer import cell_values


def archive_rows(base: LoadedBase, result: CleanResult,
                  cell_formulas: dict[tuple[int, int], object] | None = None) -> tuple[list[str], list[list]]:
    """Headers and rows of « Archives »: the bookkeeping columns, then the user's columns with their cell values.

    A cell that held a formula gets the formula's text (``=H7*0.3``, written as
    text), so the original row can be rebuilt.
    """
    cell_formulas = cell_formulas or {}
    arch = result.archives
    data = base.data
    frame = data.frame
    columns = base.prepared.columns
    field_of = {h: f for f, h in columns.items()}
    user_headers = list(data.columns)
    book_headers = list(ARCHIVE_COLUMNS.values())
    name_field = next((f for f in ("raison_sociale", "nom", "client_id") if f in columns), None)
    headers = book_headers[:3] + ["Fusionné dans (client)"] + book_headers[3:] + user_headers
    merged_principals = set(result.merges["principal"]) if len(result.merges) else set()
    names = base.prepared.clients[name_field] if name_field else None
    # built column by column: « Archives » of 100 000 clients holds some 10 000 rows × 20 cells
    n = len(arch)

    def col(name: str) -> list:
        return arch[name].tolist() if name in arch.columns else [None] * n

    origins = col("ligne_origine")
    into = [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in col("fusionne_dans")]
    wanted = {v for v in into if v is not None}  # the principals' names only, not the whole base's
    name_of = names[names.index.isin(list(wanted))].to_dict() if names is not None else {}
    who = [name_of.get(v) if v is not None else None for v in into]
    conf = [None if v is None or (isinstance(v, float) and np.isnan(v)) else int(v) for v in col("confiance")]
    columns_out = [cell_values(values) for values in
                   (origins, col("motif"), into, who, col("groupe"), conf, col("raison"), col("date_archivage"))]
    # an inactive client that was the principal of a merge is archived with its merged values
    use_merged = [m == MOTIF_INACTIF and r in merged_principals for m, r in zip(col("motif"), origins)]
    positions = frame.index.get_indexer(origins)
    for h in user_headers:
        name = field_of.get(h)
        at = data.columns[h]
        if h not in frame.columns:
            cells = [None] * n
        elif base.kind == "csv":
            cells = [csv_cell(v) for v in frame[h].to_numpy(dtype=object)[positions]]
        else:
            cells = cell_values(frame[h].to_numpy(dtype=object)[positions])
        merged_values = col(name) if name is not None and any(use_merged) else None
        for i, r in enumerate(origins):
            original = cell_formulas.get((r, at))
            if use_merged[i] and merged_values is not None:
                cells[i] = typed_cell(name, merged_values[i])
            elif original is not None:
                cells[i] = formulas.FormulaText(formulas.formula_text(original))
        columns_out.append(cells)
    rows = [list(row) for row in zip(*columns_out)]
    return headers, rows


def archives_sheet(wb, headers: list[str]):
    """The « Archives » sheet (created with its header row) and the first free row."""
    from openpyxl.styles import Font, PatternFill

    if ARCHIVES in wb.sheetnames:
        ws = wb[ARCHIVES]
        existing = [c.value for c in ws[1]]
        if existing[: len(headers)] != headers:
            raise WorkbookError(
                f"La feuille « {ARCHIVES} » existe déjà avec d'autres colonnes : renommez-la avant de nettoyer."
            )
        return ws, ws.max_row + 1
    ws = wb.create_sheet(ARCHIVES)
    for j, h in enumerate(headers, start=1):
        c = set_value(ws.cell(1, j), h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
    ws.freeze_panes = "A2"
    return ws, 2


def size_archives(ws, headers: list[str], rows: list[list], user_widths: dict[int, float]) -> None:
    """Column widths of a new « Archives »: a user's column as wide as in the client sheet
    (``user_widths``: column of « Archives » → width), ours fitted to their header and values."""
    from openpyxl.utils import get_column_letter

    from .writer import output_width

    for j, header in enumerate(headers, start=1):
        width = user_widths.get(j)
        if width is None:
            # a date shows as dd/mm/yyyy, not as Python writes it
            values = [f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v for v in (row[j - 1] for row in rows)]
            width = output_width(header, header, values)
        ws.column_dimensions[get_column_letter(j)].width = width


def user_widths(ws, base: LoadedBase, headers: list[str]) -> dict[int, float]:
    """The widths the user gave their columns in the client sheet ``ws``, by column of « Archives »."""
    from openpyxl.utils import get_column_letter

    first = len(headers) - len(base.data.columns) + 1  # the user's columns follow our bookkeeping ones
    out = {}
    for k, col in enumerate(base.data.columns.values()):
        dim = ws.column_dimensions.get(get_column_letter(col))
        if dim is not None and dim.customWidth and dim.width:
            out[first + k] = dim.width
    return out


def format_archived(cell, value) -> None:
    """The number format of a cell of « Archives » written with ``value`` (before the original cell's look):
    a date as the French read it, whether the cell held a date or a date and time."""
    if isinstance(value, dt.date):
        cell.number_format = "dd/mm/yyyy"


def append_archives(wb, base: LoadedBase, result: CleanResult,
                     cell_formulas: dict[tuple[int, int], object] | None = None,
                     removed: dict[tuple[int, int], object] | None = None) -> None:
    """Rows taken out appended to « Archives »; their cells keep the look, note and link they had (``removed``)."""
    from copy import copy

    if result.archives.empty:
        return
    headers, rows = archive_rows(base, result, cell_formulas)
    ws, start = archives_sheet(wb, headers)
    if start == 2:  # a new « Archives »
        size_archives(ws, headers, rows, user_widths(wb[base.data.sheet], base, headers))
    user_start = len(headers) - len(base.data.columns) + 1  # the user's columns follow our bookkeeping ones
    user_cols = [(user_start + k, col) for k, col in enumerate(base.data.columns.values())]
    removed = removed or {}
    for i, (row, origin) in enumerate(zip(rows, result.archives["ligne_origine"].tolist())):
        for j, v in enumerate(row, start=1):
            format_archived(write_cell(ws, start + i, j, v), v)
        for j, col in user_cols:
            source = removed.get((origin, col))
            if source is None:
                continue
            c = ws.cell(start + i, j)
            if source.has_style:
                c._style = copy(source._style)  # same workbook: the style indices are valid here
            if source.comment is not None:
                note = source.comment
                source.comment = None  # a note belongs to one cell: unbound from the row that left
                c.comment = note
            if source.hyperlink is not None:
                link = copy(source.hyperlink)
                c.hyperlink = link
                c.hyperlink.ref = c.coordinate
