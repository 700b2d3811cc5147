"""« Archives » of the cleaned copy: the rows taken out, with why and where they were merged, their
cells keeping the look, note and link they had."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..audit import formulas
from ..audit.clean import ARCHIVE_COLUMNS, MOTIF_INACTIF, CleanResult
from ..errors import WorkbookError
from ..layout.cells import set_value
from .audit_copy import ARCHIVES, cell_value, csv_cell, typed_cell, write_cell
from .audit_load import LoadedBase


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
    position = {label: k for k, label in enumerate(frame.index)}
    values = {h: frame[h].tolist() for h in user_headers if h in frame.columns}
    rows = []
    for rec in arch.to_dict("records"):
        r = rec["ligne_origine"]
        into = rec.get("fusionne_dans")
        into = None if into is None or (isinstance(into, float) and np.isnan(into)) else into
        who = names.get(into) if (names is not None and into is not None) else None
        conf = rec.get("confiance")
        row = [r, rec["motif"], into, who, rec.get("groupe"),
               None if conf is None or (isinstance(conf, float) and np.isnan(conf)) else int(conf),
               rec.get("raison"), cell_value(rec.get("date_archivage"))]
        # an inactive client that was the principal of a merge is archived with its merged values
        use_merged = rec["motif"] == MOTIF_INACTIF and r in merged_principals
        for h in user_headers:
            name = field_of.get(h)
            original = cell_formulas.get((r, data.columns[h]))
            if use_merged and name is not None:
                row.append(typed_cell(name, rec.get(name)))
            elif original is not None:
                row.append(formulas.FormulaText(formulas.formula_text(original)))
            elif base.kind == "csv":
                row.append(csv_cell(values[h][position[r]]) if h in values else None)
            else:
                row.append(cell_value(values[h][position[r]]) if h in values else None)
        rows.append([v if isinstance(v, formulas.FormulaText) else cell_value(v) for v in row])
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


def append_archives(wb, base: LoadedBase, result: CleanResult,
                     cell_formulas: dict[tuple[int, int], object] | None = None,
                     removed: dict[tuple[int, int], object] | None = None) -> None:
    """Rows taken out appended to « Archives »; their cells keep the look, note and link they had (``removed``)."""
    from copy import copy

    if result.archives.empty:
        return
    headers, rows = archive_rows(base, result, cell_formulas)
    ws, start = archives_sheet(wb, headers)
    user_start = len(headers) - len(base.data.columns) + 1  # the user's columns follow our bookkeeping ones
    user_cols = [(user_start + k, col) for k, col in enumerate(base.data.columns.values())]
    removed = removed or {}
    for i, (row, origin) in enumerate(zip(rows, result.archives["ligne_origine"].tolist())):
        for j, v in enumerate(row, start=1):
            c = write_cell(ws, start + i, j, v)
            if isinstance(v, dt.datetime):
                c.number_format = "dd/mm/yyyy"
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
