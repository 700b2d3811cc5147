"""What the buttons of the « Segmentation » ribbon tab run, on the workbook open in Excel.

``SegmenterRuban.bas`` calls, through xlwings' ``RunPython``::

    import segmenter_pme.excel.macros as m; m.segmenter()

Each macro reads the workbook in whole blocks (one read of each sheet's used
range), calls the same library as ``segmenter segmente`` and writes back in blocks
(one write per output block), so 10 000 clients cost the same number of Excel
calls as 100. Reading and writing are kept apart from the analysis: the core
never sees a cell address.

Errors: a :class:`~segmenter_pme.errors.SegmenterError` becomes one French
message box. Anything else is a bug, but ``RunPython`` would show it as a raw
Python traceback in a box; the boundary therefore also catches it, writes the
traceback to a log file and shows a French message pointing to that file.

Reading is :mod:`.book_read`, writing :mod:`.book_write`; this module is the
boundary and the buttons. The macros take the workbook as an optional argument so tests can pass the
stand-in of ``tests/support/fake_xlwings.py``; in Excel it is ``xw.Book.caller()``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import traceback
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .. import layout
from ..errors import InputDataError, SegmenterError, WorkbookError
from ..fields import OUTPUT_COLUMNS
from ..layout import history_run
from ..settings import Settings
from ..workbook.created_clients import client_names, created_clients_audit, created_clients_data, with_client_names
from . import history_xl, render
from .book_read import Reading, analyse, read_book, sheet_values
from .book_write import activate, excel_rows, write_columns, write_new_clients_sheet, write_reports

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


# --------------------------------------------------------------------- the buttons


@macro
def segmenter(book: Any) -> str:
    """Segmenter: the full run (same columns and sheets as ``segmenter segmente``)."""
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
    # clients found only in the invoice lines are named as the lines name them (as by `segmenter segmente`)
    appended = c is None or not result.output.index.isin(c.frame.index).all()
    names = client_names(result, f.frame) if appended and f is not None else None
    if c is not None:
        write_columns(book, reading, result, names)
        where = c.sheet
    else:
        where = write_new_clients_sheet(book, result, names)
    result = with_client_names(result, names)
    if c is not None:
        audit = audit_of(reading, result)
    else:  # the « Clients » sheet just made is audited, as `segmenter segmente` audits it
        audit = created_clients_audit(result, created_clients_data(result, where, names), f, result.settings,
                                      lambda step: setattr(book.app, "status_bar", f"Segmentation : {step.lower()}…"),
                                      advice="excel")
    write_reports(book, reading, result, audit=audit, history=hist, clients_sheet=where)
    history_xl.write_campaigns(book, hist, reading.kept, result.analysis_date)
    if f is None:  # without invoice lines each run keeps its snapshot
        history_xl.write_historique(book, hist, reading.kept, result.analysis_date)
    activate(book, layout.SYNTHESE)
    n = len(result.output)
    alerts = f" {len(result.warnings)} point(s) d'attention dans la Synthèse." if result.warnings else ""
    return (f"Segmentation terminée : {n} clients dans « {where} ». Résultats dans les feuilles "
            f"{layout.SYNTHESE}, {layout.PLAN_ACTIONS} et {layout.QUALITE}.{alerts}")


def audit_of(reading: Reading, result):
    """The data audit behind « Qualité » — the one ``segmenter segmente`` makes (same checks, same invoice figures)."""
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
    activate(book, layout.QUALITE)
    return f"Audit terminé : voir la feuille {layout.QUALITE}."


def _with_current_labels(reading: Reading, result):
    """``result`` whose summary counts the segment labels now in the sheet (the user may have edited them)."""
    from ..scoring import NOT_CLASSIFIED
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
    activate(book, layout.SYNTHESE)
    return f"{layout.SYNTHESE} et {layout.PLAN_ACTIONS} actualisés à partir des colonnes actuelles."


@macro
def parametres(book: Any) -> None:
    """Paramètres: create the sheet with the defaults, or show it when it exists (never overwrite)."""
    if layout.PARAMETRES not in book.sheets:
        render.render(book, layout.build_parametres(Settings()))
    activate(book, layout.PARAMETRES)
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
    activate(book, name)
    return None


def _saved_path(book: Any, what: str) -> Path:
    """Where the book is saved: the lists and cards are written beside it."""
    full = Path(str(getattr(book, "fullname", "") or ""))
    if not full.is_absolute() or not full.parent.is_dir():
        raise WorkbookError(f"Enregistrez d'abord le classeur : {what} sont écrites à côté de lui, dans son dossier.")
    return full


def _saved_analysis(book: Any, what: str, status: str):
    """What Listes and Fiches start from: the saved book's path and its analysis — tables read, segmented,
    the user's « Plan d'actions » — as ``segmenter listes`` and ``fiches`` make it (workbook/analysis)."""
    from ..workbook.analysis import Analysis

    full = _saved_path(book, what)
    reading = read_book(book)
    book.app.status_bar = status
    plan_rows = layout.rows_from_values(reading.values.get(layout.PLAN_ACTIONS, []))
    return full, Analysis(full, analyse(reading), plan_rows, reading.clients, reading.invoices)


@macro
def listes(book: Any) -> str:
    """Listes: the e-mailing and CRM lists (plain CSV) in a folder beside the book — as ``segmenter listes``."""
    from ..lists import build_lists
    from ..workbook.lists_files import INDEX_NAME, default_folder, write_bundle

    full, analysis = _saved_analysis(book, "les listes", "Segmentation : listes…")
    # « Clients à surveiller » needs the past, replayed from the invoice lines
    bundle = build_lists(analysis.result, watch=analysis.watch())
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

    full, analysis = _saved_analysis(book, "les fiches", "Segmentation : fiches segments…")
    cards = segment_cards(analysis.result, analysis.plan_rows)
    target = write_cards_pdf(cards, default_pdf(full), analysis.result.analysis_date, full.name)
    return f"{len(cards)} fiches segments (une page A4 chacune) écrites dans « {target} »."


#: the functions a ribbon button may call (``CommandePython`` in SegmenterRuban.bas)
BUTTONS = {"segmenter": segmenter, "auditer": auditer, "synthese": synthese, "listes": listes, "fiches": fiches,
           "parametres": parametres, "aide": aide}

__all__ = ["BUTTONS", "OUTPUT_COLUMNS", *BUTTONS]
