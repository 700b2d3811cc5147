"""Read a client file and segment it without writing anything — for the lists and the cards.

The same reading as ``segmenter segmente`` (settings of « Paramètres », header
detection, invoice lines), and the rows of « Plan d'actions » as the user left
them: the cards show the user's objective and actions, not ours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputDataError, MissingColumnError
from ..settings import Settings
from . import files, reader


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
    from .. import headers as hdr
    from ..layout.parametres import read_settings as read_settings_rows
    from ..layout.plan_actions import SHEET as PLAN, rows_from_values
    from .csvio import read_french_csv
    from .csv_job import csv_error
    from .book_tables import no_table_error
    from .previous import previous_workbook
    from .run_steps import default_output, segment_tables

    path = Path(path)
    kind = files.file_kind(path)
    if kind == "csv":
        table = read_french_csv(path, Settings().with_columns(columns).column_overrides)
        frame, shape, mapping, read_notes = table.frame, table.shape, table.mapping, table.notes
        settings, previous_plan, _ours = previous_workbook(default_output(path))
        settings = (settings or Settings()).with_columns(columns)
        if analysis_date is not None:
            settings = settings.replace(date_analyse=analysis_date)
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
    values = reader.read_values(path)
    settings = (read_settings_rows(values["Paramètres"]) if "Paramètres" in values else Settings()).with_columns(columns)
    if analysis_date is not None:
        settings = settings.replace(date_analyse=analysis_date)
    found = reader.locate(values, sheet=sheet, overrides=settings.column_overrides or None)
    if not found:
        raise no_table_error(path.name, [n for n in values if n not in reader.OUR_SHEETS])
    datas = {}
    for shape, (name, guess) in found.items():
        data = reader.read_table(values[name], name, guess)
        reader.require_data(data)
        datas[shape] = data
    if "clients" not in datas and "factures" not in datas:
        raise MissingColumnError(f"Aucun tableau de clients trouvé dans « {path.name} ».")
    try:
        result = segment_tables(datas.get("clients"), datas.get("factures"), settings)
    except MissingColumnError as err:
        # where a column can be named: the command, and « Paramètres » when the workbook has that sheet
        raise hdr.readvise(err, "both" if "Paramètres" in values else "cli") from None
    return Analysis(path, result, rows_from_values(values.get(PLAN, [])), datas.get("clients"), datas.get("factures"))
