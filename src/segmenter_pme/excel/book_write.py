"""What the ribbon's buttons write into the open workbook, in blocks (one write per output block): our
columns in the client sheet, a « Clients » sheet made from invoice lines, the report sheets."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import layout
from ..layout.cells import as_typed_text
from ..workbook import reader, writer
from ..workbook.created_clients import clients_table, column_width, free_title
from . import render
from .book_read import Reading, locator


def _runs(cols: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for c in sorted(cols):
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _output_value(name: str, v: Any) -> Any:
    v = writer.cell_value(v)
    if name == "Code RFM" and v is not None and not isinstance(v, str):
        v = str(int(v))
    return as_typed_text(v)  # « Segment Secteur » and names are the user's text: never a formula


def excel_rows(data: reader.SheetData, result) -> tuple[dict, dict]:
    """``(row of each client, row of each appended client)``: clients found only in the
    invoices go below the table, where the workbook engine puts them."""
    from ..workbook.excel_job import append_rows

    appended = [label for label in result.output.index if label not in data.frame.index]
    row_map = append_rows(data, appended)
    return {label: row_map.get(label, label) for label in result.output.index}, row_map


def write_columns(book: Any, reading: Reading, result, names: pd.Series | None = None) -> int:
    """Our SPEC §7 columns in the client sheet: one write per contiguous block of columns.

    ``names`` (:func:`~segmenter_pme.workbook.created_clients.client_names`): the company name of the
    clients found only in the invoice lines, written in the client sheet's name column of their row.
    """
    data = reading.clients
    sheet = book.sheets[data.sheet]
    existing = reading.values[data.sheet]
    header_row = data.header_row
    plan = writer.plan_output_columns(data, set(data.columns))
    out = result.output
    rows_of, row_map = excel_rows(data, result)
    appended = list(row_map)
    by_row = {row: label for label, row in rows_of.items()}
    last = max([data.last_data_row, len(existing), *rows_of.values()])

    # the user's key columns for clients found only in the invoices (rows are consecutive)
    if appended:
        first_new, last_new = min(row_map.values()), max(row_map.values())
        user_cols = sorted(data.columns.items(), key=lambda kv: kv[1])
        c1, c2 = user_cols[0][1], user_cols[-1][1]
        block = [[None] * (c2 - c1 + 1) for _ in range(last_new - first_new + 1)]
        name_header = (getattr(result, "client_columns", None) or {}).get("raison_sociale")
        for label in appended:
            src = result.clients.loc[label]
            for header, col in user_cols:
                if header in src.index:
                    v = writer.cell_value(src[header])
                    if v is None and header == name_header and names is not None and label in names.index:
                        v = writer.cell_value(names.at[label])
                    block[row_map[label] - first_new][col - c1] = as_typed_text(v)
        sheet.range((first_new, c1), (last_new, c2)).value = block

    columns = {col: (name, header) for name, (col, header) in plan.items()}
    for run in _runs(list(columns)):
        c1, c2 = run[0], run[-1]
        for col in run:
            name = columns[col][0]
            fmt = writer.FORMATS.get(name)
            if fmt:
                sheet.range((header_row + 1, col), (last, col)).number_format = fmt
        block = [[columns[c][1] for c in run]]
        series = {c: out[columns[c][0]].tolist() if columns[c][0] in out.columns else None for c in run}
        position = {label: i for i, label in enumerate(out.index)}
        for row in range(header_row + 1, last + 1):
            label = by_row.get(row)
            line = []
            for c in run:
                if label is not None and series[c] is not None:
                    line.append(_output_value(columns[c][0], series[c][position[label]]))
                elif row == data.total_row:
                    # a Total row of the user's is theirs: keep what they had under our columns
                    cur = existing[row - 1] if row - 1 < len(existing) else []
                    line.append(as_typed_text(cur[c - 1]) if c - 1 < len(cur) else None)
                else:
                    line.append(None)  # a client of the previous run that is gone: clear our cells only
            block.append(line)
        sheet.range((header_row, c1), (last, c2)).value = block
        header = sheet.range((header_row, c1), (header_row, c2))
        header.font.bold = True
        header.color = (0xDD, 0xEB, 0xF7)
    for name, (col, text) in plan.items():
        sheet.range((header_row, col)).column_width = writer.output_width(
            name, text, out[name].tolist() if name in out.columns else ())
        if name in writer.WRAPPED:
            sheet.range((header_row + 1, col), (max(last, header_row + 1), col)).wrap_text = True

    first_col, last_col = min(columns), max(columns)
    quoted = "'" + data.sheet.replace("'", "''") + "'"
    from ..layout.render_plan import col_letter

    book.names.add(reader.OUTPUT_NAME,
                   f"={quoted}!${col_letter(first_col)}${header_row}:${col_letter(last_col)}${header_row}")
    if data.table is not None:
        table = next((t for t in sheet.tables if t.name == data.table.name), None)
        new_last_col = max(data.table.max_col, last_col)
        new_last_row = max(data.table.max_row, max(rows_of.values()) if not data.table.totals_rows else 0)
        if table is not None and (new_last_col, new_last_row) != (data.table.max_col, data.table.max_row):
            table.resize(sheet.range((data.table.min_row, data.table.min_col), (new_last_row, new_last_col)))
    return len(out)


def write_new_clients_sheet(book: Any, result, names: pd.Series | None = None) -> str:
    """A « Clients » sheet built from the invoice lines (the one ``segmenter segmente`` makes: the
    clients named as their lines name them): one block of values, one Excel Table."""
    frame = clients_table(result, names)
    title = free_title(s.name for s in book.sheets)
    sheets = list(book.sheets)
    sheet = book.sheets.add(title, before=sheets[0]) if sheets else book.sheets.add(title)
    headers = [str(c) for c in frame.columns]
    n = len(frame)
    for j, name in enumerate(headers, start=1):
        fmt = writer.FORMATS.get(name)
        if fmt and n:
            sheet.range((2, j), (n + 1, j)).number_format = fmt
        sheet.range((1, j)).column_width = column_width(name, frame.iloc[:, j - 1])
    block = [[as_typed_text(h) for h in headers]] + [[_output_value(h, v) for h, v in zip(headers, row)] for row in frame.itertuples(index=False)]
    sheet.range((1, 1), (n + 1, len(headers))).value = block
    sheet.tables.add(source=sheet.range((1, 1), (max(n + 1, 2), len(headers))),
                     name=render.unique_table_name(book, "TableClients"))
    return title


def write_reports(book: Any, reading: Reading, result, audit=None, only: tuple[str, ...] | None = None,
                  history=None, clients_sheet: str = "Clients") -> None:
    book.app.status_bar = "Segmentation : écriture des feuilles de synthèse…"
    plan_rows = layout.rows_from_values(reading.values.get(layout.PLAN_ACTIONS, []))
    key_col = "A"
    if reading.clients is not None and reading.clients.columns:
        from ..layout.render_plan import col_letter

        key_col = col_letter(min(reading.clients.columns.values()))
    layouts = layout.build_report_layouts(result, audit, existing_plan=plan_rows, locate=locator(reading.values),
                                          history=history, clients_sheet=clients_sheet, key_col=key_col)
    names = [s.name for s in book.sheets]
    if history is not None and layout.EVOLUTION not in names and layout.SYNTHESE in names:
        # the dashboard goes right after the Synthèse (rendering keeps a sheet where it is)
        book.sheets.add(layout.EVOLUTION, after=book.sheets[layout.SYNTHESE])
    for sheet_layout in layouts:
        if only is None or sheet_layout.name in only:
            render.render(book, sheet_layout)


def activate(book: Any, name: str) -> None:
    if name in book.sheets:
        book.sheets[name].activate()
