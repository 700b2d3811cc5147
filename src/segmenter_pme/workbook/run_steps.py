"""What the Excel job and the CSV job of a run share: the report, segment, audit, history, advice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..settings import Settings
from . import files, history_io, reader


Progress = Callable[[str], None]


@dataclass
class RunReport:
    """What a run did: where the result is, and the analysis itself."""

    input: Path
    output: Path
    backup: Path | None
    result: object  # SegmentationResult
    clients_sheet: str
    invoices_sheet: str | None
    created_clients_sheet: bool = False
    appended_clients: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    #: French sentences about the file itself (content openpyxl cannot keep…)
    warnings: list[str] = field(default_factory=list)
    #: the client base over time (``HistoryResult``): « Évolution », « Ce qui a changé »
    history: object = None


def default_output(path: Path) -> Path:
    path = Path(path)
    return path.with_suffix(".xlsx") if path.suffix.lower() in files.CSV_SUFFIXES else path


def settings_with_date(settings: Settings | None, analysis_date: dt.date | None) -> Settings:
    settings = settings or Settings()
    if analysis_date is not None:
        settings = settings.replace(date_analyse=analysis_date)
    return settings


def segment_tables(clients: reader.SheetData | None, invoices: reader.SheetData | None, settings: Settings):
    """``segment()`` of the tables read, with what the reading set aside said in « Qualité »."""
    import dataclasses

    from ..pipeline import segment

    result = segment(
        clients=clients.frame if clients is not None else None,
        invoices=invoices.frame if invoices is not None else None,
        settings=settings,
        clients_sheet=clients.sheet if clients is not None else "Clients",
        invoices_sheet=invoices.sheet if invoices is not None else "Factures",
    )
    notes = [n for data in (clients, invoices) if data is not None for n in data.notes]
    return dataclasses.replace(result, issues=[*notes, *result.issues]) if notes else result


def add_mode_emploi(wb) -> None:
    """« Mode d'emploi », as the template has it, when the workbook has no sheet of that name (never replaced)."""
    from .. import layout

    if not any(name.lower() == "mode d'emploi" for name in wb.sheetnames):
        layout.write_mode_emploi(wb)


def date_advice(path: Path, target: Path, sheet: str | None, *, csv: bool) -> Callable[[dt.date], str]:
    """How to analyse at another date, for the file just run: its exact command, or « Paramètres »."""

    def how(day: dt.date) -> str:
        command = f"segmenter segmente {files.shell_quote(path)}"
        if sheet is not None:
            command += f" --feuille {files.shell_quote(sheet)}"
        if Path(target) != default_output(path):
            command += f" -o {files.shell_quote(target)}"
        command += f" --date {day:%Y-%m-%d}"
        if csv:
            return f"relancez « {command} »"
        return (f"indiquez {day:%d/%m/%Y} dans la cellule « Date d'analyse » de la feuille « Paramètres » puis "
                f"relancez la segmentation (bouton « Segmenter », ou « {command} »)")

    return how


def watch_rows(hist, rows: dict):
    """``hist`` whose « Clients à surveiller » point at the rows the clients are written on.

    A client of the user's table is on the row its label says; one found only in
    the invoices is appended below it, and a sheet made from invoices starts on row 2.
    """
    watch = getattr(hist, "watch", None)
    if not rows or watch is None or "row" not in watch.columns or watch.empty:
        return hist
    import dataclasses

    moved = watch.assign(row=watch["row"].map(lambda lb: rows.get(lb, lb)))
    return dataclasses.replace(hist, watch=moved)


def write_history_sheets(wb, hist, kept, analysis_date, inject, snapshots: bool) -> None:
    history_io.write_campaigns(wb, hist, kept, analysis_date)
    if snapshots:  # without invoice lines the past is what each run stores
        history_io.write_historique(wb, hist, kept, analysis_date, inject)


def with_issues(result, issues: list):
    import dataclasses

    return dataclasses.replace(result, issues=list(result.issues) + list(issues))


def quality_audit(clients, invoices, settings, progress, csv: bool = False, advice: str | None = None):
    """The data audit for « Qualité » (SPEC §7): duplicates, inactive clients, completeness, invalid values.

    For a CSV it is the audit ``segmenter audite`` makes of that CSV
    (``workbook.audit_files.load_base``): every value of a CSV is text, so a date
    written as text is no Excel damage there.
    """
    if clients is None:
        return None  # invoice lines alone: the core's remarks are all there is to audit
    progress("Audit de la qualité des données")
    from ..audit.sheet import audit_sheet

    return audit_sheet(clients, invoices, settings=settings, csv=csv, advice=advice)


EXCEL_MAX_ROWS = 1_048_576
