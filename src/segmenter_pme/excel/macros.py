"""What the buttons of the « Segmentation » ribbon tab run, on the workbook open in Excel.

``SegmenterRuban.bas`` calls, through xlwings' ``RunPython``::

    import segmenter_pme.excel.macros as m; m.segmenter()

Each macro reads the workbook in whole blocks (one read of each sheet's used
range), calls the same library as ``segmenter run`` and writes back in blocks
(one write per output block), so 10 000 clients cost the same number of Excel
calls as 100. Reading and writing are kept apart from the analysis: the core
never sees a cell address.

Errors: a :class:`~segmenter_pme.errors.SegmenterError` becomes one French
message box. Anything else is a bug, but ``RunPython`` would show it as a raw
Python traceback in a box; the boundary therefore also catches it, writes the
traceback to a log file and shows a French message pointing to that file.

The macros take the workbook as an optional argument so tests can pass the
stand-in of ``tests/support/fake_xlwings.py``; in Excel it is ``xw.Book.caller()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import re
import traceback
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from openpyxl.utils.cell import column_index_from_string

from .. import layout
from ..errors import InputDataError, SegmenterError, WorkbookError
from ..fields import OUTPUT_COLUMNS
from ..layout.cells import as_typed_text
from ..settings import Settings
from ..layout import history_run
from ..workbook import book_tables, reader, writer
from . import history_xl, render

TITLE = "Segmentation"


# --------------------------------------------------------------------- boundary


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def log_path() -> Path:
    base = os.environ.get("LOCALAPPDATA") or os.path.join(Path.home(), ".segmenter")
    return Path(base) / "segmenter-pme" / "erreurs.log"


def _log_bug() -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {dt.datetime.now():%Y-%m-%d %H:%M:%S}\n{traceback.format_exc()}\n")
    except OSError:
        pass
    return path


def macro(fn: Callable[[Any], str | None]) -> Callable[..., str | None]:
    """Run ``fn(book)`` with screen updating off; show its message, or the error, in one box."""

    @functools.wraps(fn)
    def run(book: Any = None) -> str | None:
        book = _caller() if book is None else book
        app = book.app
        try:
            app.screen_updating = False
            message = fn(book)
        except SegmenterError as err:
            app.alert(str(err), title=TITLE, mode="critical")
            return None
        except Exception:  # noqa: BLE001 - see module docstring: never a raw traceback in Excel
            path = _log_bug()
            app.alert(
                "Erreur inattendue pendant la segmentation : vos données n'ont pas été modifiées au-delà de ce "
                f"qui était déjà écrit. Le détail technique est dans le fichier {path} — envoyez-le au support.",
                title=TITLE, mode="critical",
            )
            return None
        finally:
            app.screen_updating = True
            app.status_bar = False
        if message:
            app.alert(message, title=TITLE, mode="info")
        return message

    return run


# --------------------------------------------------------------------- reading (blocks)


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


def _locator(values: dict[str, list[list[Any]]]) -> Callable[[str, str | None], str | None]:
    """``locate(sheet, header)`` → column letter of ``header`` in the first rows, for Qualité's links."""
    from ..layout.placement import col_letter

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
    """The workbook's values, settings and tables, read as ``segmenter run`` reads them (workbook/book_tables)."""
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
    """``segment()`` of the tables read, as ``segmenter run`` makes it: the reading's remarks in « Qualité »."""
    datas = {shape: d for shape, d in (("clients", reading.clients), ("factures", reading.invoices)) if d is not None}
    result, _notes = book_tables.segment_read(
        datas, reading.settings, book_tables.title_rows(reading.values, datas),
        advice="excel",  # in Excel a column is named in « Paramètres »
        how=lambda day: (f"indiquez {day:%d/%m/%Y} dans la cellule « Date d'analyse » de la feuille « Paramètres » "
                         "puis cliquez sur « Segmenter »"))
    return result


# --------------------------------------------------------------------- writing (blocks)


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


def write_columns(book: Any, reading: Reading, result) -> int:
    """Our SPEC §7 columns in the client sheet: one write per contiguous block of columns."""
    data = reading.clients
    sheet = book.sheets[data.sheet]
    existing = reading.values[data.sheet]
    hr = data.header_row
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
        for label in appended:
            src = result.clients.loc[label]
            for header, col in user_cols:
                if header in src.index:
                    block[row_map[label] - first_new][col - c1] = as_typed_text(writer.cell_value(src[header]))
        sheet.range((first_new, c1), (last_new, c2)).value = block

    columns = {col: (name, header) for name, (col, header) in plan.items()}
    for run in _runs(list(columns)):
        c1, c2 = run[0], run[-1]
        for col in run:
            name = columns[col][0]
            fmt = writer.FORMATS.get(name)
            if fmt:
                sheet.range((hr + 1, col), (last, col)).number_format = fmt
        block = [[columns[c][1] for c in run]]
        series = {c: out[columns[c][0]].tolist() if columns[c][0] in out.columns else None for c in run}
        position = {label: i for i, label in enumerate(out.index)}
        for row in range(hr + 1, last + 1):
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
        sheet.range((hr, c1), (last, c2)).value = block
        header = sheet.range((hr, c1), (hr, c2))
        header.font.bold = True
        header.color = (0xDD, 0xEB, 0xF7)
    for name, (col, text) in plan.items():
        sheet.range((hr, col)).column_width = writer.output_width(
            name, text, out[name].tolist() if name in out.columns else ())
        if name in writer.WRAPPED:
            sheet.range((hr + 1, col), (max(last, hr + 1), col)).wrap_text = True

    first_col, last_col = min(columns), max(columns)
    quoted = "'" + data.sheet.replace("'", "''") + "'"
    from ..layout.placement import col_letter

    book.names.add(reader.OUTPUT_NAME, f"={quoted}!${col_letter(first_col)}${hr}:${col_letter(last_col)}${hr}")
    if data.table is not None:
        table = next((t for t in sheet.tables if t.name == data.table.name), None)
        new_last_col = max(data.table.max_col, last_col)
        new_last_row = max(data.table.max_row, max(rows_of.values()) if not data.table.totals_rows else 0)
        if table is not None and (new_last_col, new_last_row) != (data.table.max_col, data.table.max_row):
            table.resize(sheet.range((data.table.min_row, data.table.min_col), (new_last_row, new_last_col)))
    return len(out)


def write_new_clients_sheet(book: Any, result) -> str:
    """A « Clients » sheet built from the invoice lines: one block of values, one Excel Table."""
    frame = result.clients
    title = "Clients"
    taken = {s.name.lower() for s in book.sheets}
    i = 1
    while title.lower() in taken:
        i += 1
        title = f"Clients (calculés {i})" if i > 2 else "Clients (calculés)"
    sheets = list(book.sheets)
    sheet = book.sheets.add(title, before=sheets[0]) if sheets else book.sheets.add(title)
    headers = [str(c) for c in frame.columns]
    n = len(frame)
    for j, name in enumerate(headers, start=1):
        fmt = writer.FORMATS.get(name)
        if fmt and n:
            sheet.range((2, j), (n + 1, j)).number_format = fmt
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
        from ..layout.placement import col_letter

        key_col = col_letter(min(reading.clients.columns.values()))
    layouts = layout.build_report_layouts(result, audit, existing_plan=plan_rows, locate=_locator(reading.values),
                                          history=history, clients_sheet=clients_sheet, key_col=key_col)
    names = [s.name for s in book.sheets]
    if history is not None and layout.EVOLUTION not in names and layout.SYNTHESE in names:
        # the dashboard goes right after the Synthèse (rendering keeps a sheet where it is)
        book.sheets.add(layout.EVOLUTION, after=book.sheets[layout.SYNTHESE])
    for sheet_layout in layouts:
        if only is None or sheet_layout.name in only:
            render.render(book, sheet_layout)


def _activate(book: Any, name: str) -> None:
    if name in book.sheets:
        book.sheets[name].activate()


# --------------------------------------------------------------------- the buttons


@macro
def segmenter(book: Any) -> str:
    """Segmenter: the full run (same columns and sheets as ``segmenter run``)."""
    from ..workbook.formula_template import MARKER

    if any(getattr(n, "name", "") == MARKER for n in book.names):
        # modele_formules.xlsx: its formulas are the segmentation, nothing to write over them
        return ("Ce classeur se segmente lui-même par formules : il se recalcule à chaque modification, "
                "rien n'a été remplacé. Voir « Synthèse » et « Mode d'emploi ».")
    reading = read_book(book)
    book.app.status_bar = "Segmentation : calcul…"
    result = analyse(reading)
    book.app.status_bar = "Segmentation : historique et campagnes…"
    c, f = reading.clients, reading.invoices
    hist, result = history_run.run_history(
        result, reading.kept, clients=c.frame if c is not None else None, invoices=f.frame if f is not None else None,
        clients_sheet=c.sheet if c is not None else "Clients", invoices_sheet=f.sheet if f is not None else "Factures")
    book.app.status_bar = "Segmentation : écriture des colonnes…"
    if reading.clients is not None:
        write_columns(book, reading, result)
        where = reading.clients.sheet
    else:
        where = write_new_clients_sheet(book, result)
    write_reports(book, reading, result, audit=audit_of(reading, result), history=hist, clients_sheet=where)
    history_xl.write_campaigns(book, hist, reading.kept, result.analysis_date)
    if f is None:  # without invoice lines each run keeps its snapshot
        history_xl.write_historique(book, hist, reading.kept, result.analysis_date)
    _activate(book, layout.SYNTHESE)
    n = len(result.output)
    alerts = f" {len(result.warnings)} point(s) d'attention dans la Synthèse." if result.warnings else ""
    return (f"Segmentation terminée : {n} clients dans « {where} ». Résultats dans les feuilles "
            f"{layout.SYNTHESE}, {layout.PLAN_ACTIONS} et {layout.QUALITE}.{alerts}")


def audit_of(reading: Reading, result):
    """The data audit behind « Qualité » — the one ``segmenter run`` makes (same checks, same invoice figures)."""
    from ..audit.sheet import audit_sheet

    if reading.clients is None:
        return None  # invoice lines alone: the core's remarks are all there is to audit
    return audit_sheet(reading.clients, reading.invoices, settings=result.settings, advice="excel")


@macro
def auditer(book: Any) -> str:
    """Auditer: refresh « Qualité » only; the client sheet is not touched."""
    reading = read_book(book)
    result = analyse(reading)
    write_reports(book, reading, result, audit=audit_of(reading, result), only=(layout.QUALITE,))
    _activate(book, layout.QUALITE)
    return f"Audit terminé : voir la feuille {layout.QUALITE}."


def _with_current_labels(reading: Reading, result):
    """``result`` whose summary counts the segment labels now in the sheet (the user may have edited them)."""
    from ..pipeline import NOT_CLASSIFIED
    from ..rules import PROSPECT
    from ..summary import DIMENSION_COLUMNS, summarize

    data = reading.clients
    if data is None or not data.output_columns:
        raise InputDataError(
            f"Aucune colonne de segmentation dans le classeur : cliquez d'abord sur « Segmenter », "
            f"puis « Synthèse » pour actualiser {layout.SYNTHESE} et {layout.PLAN_ACTIONS} après vos retouches."
        )
    values = reading.values[data.sheet]
    features = result.features.copy()
    rows_of, _ = excel_rows(data, result)

    def cell(row: int, col: int) -> Any:
        return values[row - 1][col - 1] if row - 1 < len(values) and col - 1 < len(values[row - 1]) else None

    for header, feature in DIMENSION_COLUMNS:
        col = data.output_columns.get(header)
        if col is None or feature not in features:
            continue
        current = pd.Series({label: cell(rows_of[label], col) for label in features.index if label in rows_of},
                            dtype=object).reindex(features.index)
        features[feature] = current.where(current.notna(), features[feature].astype(object))
    orders = {
        "Segment RFM": [r.name for r in result.settings.regles_segments] + [PROSPECT, NOT_CLASSIFIED],
        "Segment PMG": ["Gros", "Moyens", "Petits", PROSPECT, NOT_CLASSIFIED],
        "Segment Secteur": [],
    }
    return dataclasses.replace(result, features=features, summary=summarize(features, orders))


@macro
def synthese(book: Any) -> str:
    """Synthèse: refresh « Synthèse » and « Plan d'actions » from the segment columns as they are now."""
    reading = read_book(book)
    result = _with_current_labels(reading, analyse(reading))
    write_reports(book, reading, result, only=(layout.SYNTHESE, layout.PLAN_ACTIONS))
    _activate(book, layout.SYNTHESE)
    return f"{layout.SYNTHESE} et {layout.PLAN_ACTIONS} actualisés à partir des colonnes actuelles."


@macro
def parametres(book: Any) -> None:
    """Paramètres: create the sheet with the defaults, or show it when it exists (never overwrite)."""
    if layout.PARAMETRES not in book.sheets:
        render.render(book, layout.build_parametres(Settings()))
    _activate(book, layout.PARAMETRES)
    return None


@macro
def aide(book: Any) -> None:
    """Aide: create (or refresh) and show the « Mode d'emploi » sheet (never a user's sheet of that name)."""
    name = layout.build_mode_emploi().name
    folded = {s.name.casefold(): s for s in book.sheets}
    if name.casefold() in folded:
        sheet = folded[name.casefold()]
        layout.check_our_sheets({sheet.name: sheet_values(sheet)}, (name,))
    render.render(book, layout.build_mode_emploi())
    _activate(book, name)
    return None


def _saved_path(book: Any, what: str) -> Path:
    """Where the book is saved: the lists and cards are written beside it."""
    full = Path(str(getattr(book, "fullname", "") or ""))
    if not full.is_absolute() or not full.parent.is_dir():
        raise WorkbookError(f"Enregistrez d'abord le classeur : {what} sont écrites à côté de lui, dans son dossier.")
    return full


@macro
def listes(book: Any) -> str:
    """Listes: the e-mailing and CRM lists (plain CSV) in a folder beside the book — as ``segmenter listes``."""
    from ..lists import build_lists
    from ..workbook.lists_files import INDEX_NAME, default_folder, write_bundle

    full = _saved_path(book, "les listes")
    reading = read_book(book)
    book.app.status_bar = "Segmentation : listes…"
    result = analyse(reading)
    watch = None
    if reading.invoices is not None:  # « Clients à surveiller » needs the past, replayed from the invoice lines
        from ..timeline import history

        watch = history(clients=reading.clients.frame if reading.clients is not None else None,
                        invoices=reading.invoices.frame, settings=result.settings, result=result,
                        clients_sheet=reading.clients.sheet if reading.clients is not None else "Clients",
                        invoices_sheet=reading.invoices.sheet).watch
    bundle = build_lists(result, watch=watch)
    folder = default_folder(full)
    write_bundle(bundle, folder)
    missing = len(bundle.no_email.frame)
    return (f"{len(bundle.lists)} listes écrites dans le dossier « {folder} » (détail dans {INDEX_NAME}). "
            f"{missing} client(s) sans e-mail utilisable : à appeler, dans « {bundle.no_email.file_name} ».")


@macro
def fiches(book: Any) -> str:
    """Fiches: the segment cards as a PDF beside the book (with the user's Plan d'actions) — as ``segmenter fiches``."""
    from ..layout.cards import segment_cards
    from ..workbook.cards_pdf import default_pdf, write_cards_pdf

    full = _saved_path(book, "les fiches")
    reading = read_book(book)
    book.app.status_bar = "Segmentation : fiches segments…"
    result = analyse(reading)
    cards = segment_cards(result, layout.rows_from_values(reading.values.get(layout.PLAN_ACTIONS, [])))
    target = write_cards_pdf(cards, default_pdf(full), result.analysis_date, full.name)
    return f"{len(cards)} fiches segments (une page A4 chacune) écrites dans « {target} »."


#: the functions a ribbon button may call (``CommandePython`` in SegmenterRuban.bas)
BUTTONS = {"segmenter": segmenter, "auditer": auditer, "synthese": synthese, "listes": listes, "fiches": fiches,
           "parametres": parametres, "aide": aide}

__all__ = ["BUTTONS", "OUTPUT_COLUMNS", *BUTTONS]
