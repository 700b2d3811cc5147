"""Read a client file and segment it without writing anything — for the lists and the cards.

The same reading as ``segmenter segmente``: a workbook goes through the one reading
flow of :mod:`.book_tables` (our sheets checked, settings of « Paramètres », tables
found, read and segmented), a CSV through the CSV job's reading; and the rows of
« Plan d'actions » as the user left them: the cards show the user's objective and
actions, not ours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputDataError
from ..settings import Settings
from . import files, loading, reader


@dataclass
class Analysis:
    path: Path
    result: object  # SegmentationResult
    plan_rows: list[dict] = field(default_factory=list)
    clients: reader.SheetData | None = None
    invoices: reader.SheetData | None = None

    def watch(self):
        """``history(…).watch`` (« Clients à surveiller »), or ``None`` without invoice lines to replay."""
        if self.invoices is None:
            return None
        from ..timeline import history

        return history(clients=self.clients.frame if self.clients is not None else None,
                       invoices=self.invoices.frame, settings=self.result.settings, result=self.result,
                       clients_sheet=self.clients.sheet if self.clients is not None else "Clients",
                       invoices_sheet=self.invoices.sheet).watch


def analyse_file(path: Path | str, *, sheet: str | None = None, analysis_date: dt.date | None = None,
                 columns: dict[str, str] | None = None) -> Analysis:
    """Segment the clients of ``path`` (.xlsx, .xlsm, French .csv); nothing is written.

    ``columns``: canonical field → the user's header (``--colonne``), over « Paramètres »' choices, as
    for ``segmenter segmente``; a column not found is said with what works for this input.
    """
    from ..layout.parametres import SHEET as PARAMETRES, read_settings as read_settings_rows
    from ..layout.plan_actions import SHEET as PLAN, rows_from_values
    from . import book_tables
    from .csvio import read_french_csv
    from .csv_job import csv_error
    from .previous import previous_workbook
    from .run_steps import date_advice, default_output, segment_tables, settings_with_date

    path = Path(path)
    kind = files.file_kind(path)
    if kind == "csv":
        table = read_french_csv(path, Settings().with_columns(columns).column_overrides)
        frame, shape, mapping, read_notes = table.frame, table.shape, table.mapping, table.notes
        settings, previous_plan, _ours = previous_workbook(default_output(path))
        settings = settings_with_date(settings, analysis_date).with_columns(columns)
        data = reader.SheetData(sheet=path.name, shape=shape, header_row=1, frame=frame,
                                columns={c: j for j, c in enumerate(frame.columns, start=1)}, mapping=mapping,
                                last_data_row=int(frame.index[-1]), last_used_row=int(frame.index[-1]),
                                notes=read_notes)
        try:
            result = segment_tables(data if shape == "clients" else None, data if shape == "factures" else None, settings)
        except InputDataError as err:
            raise csv_error(err, path.name) from None  # a CSV has no « Paramètres »: --colonne is the way
        return Analysis(path, result, rows_from_values(previous_plan), data if shape == "clients" else None,
                        data if shape == "factures" else None)
    values = loading.read_values(path)
    book_tables.check_sheets(values)  # before « Paramètres » is read: a sheet of the user's is not our settings
    settings = read_settings_rows(values[PARAMETRES]) if PARAMETRES in values else None
    settings = settings_with_date(settings, analysis_date).with_columns(columns)
    found = book_tables.find_tables(values, path.name, sheet=sheet, overrides=settings.column_overrides or None)
    # nothing is written, so the workbook is not opened: no Excel Table bounds, no output columns of ours to skip
    datas = book_tables.read_tables(values, found, tables_of=lambda name: [], output_cells_of=lambda name, row: [],
                                    date1904=loading.date1904(path))
    # where a column can be named: the command, and « Paramètres » when the workbook has that sheet
    result, _notes = book_tables.segment_read(
        datas, settings, book_tables.title_rows(values, datas), advice="both" if PARAMETRES in values else "cli",
        how=date_advice(path, default_output(path), sheet, csv=False))
    return Analysis(path, result, rows_from_values(values.get(PLAN, [])), datas.get("clients"), datas.get("factures"))
