"""The client table of a file as the audit reads it (``segmenter audit`` / ``nettoyer``): workbook or CSV,
its « Paramètres », the invoice lines beside it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import headers as hdr
from ..audit.prepare import PreparedClients
from ..audit.sheet import prepare_sheet
from ..errors import MissingColumnError
from ..settings import Settings
from . import book_tables, control_chars, files, loading, long_cells, reader


@dataclass
class LoadedBase:
    path: Path
    kind: str  # xlsx | xlsm | csv
    prepared: PreparedClients
    data: reader.SheetData
    settings: Settings
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook, in order
    #: for a CSV: row of the table as we number it (the sheet « Clients » of a copy) → line of the file
    source_lines: dict[int, int] | None = None
    #: « Attention » sentences about the reading itself (control characters removed…)
    control_notes: list[str] = field(default_factory=list)
    #: the first rows of every sheet, to tell our « Qualité » from a sheet of the user's of that name
    heads: dict[str, list] = field(default_factory=dict)
    #: the sheet of invoice lines the purchase figures come from, if any
    invoices_sheet: str | None = None


def load_base(path: Path | str, *, sheet: str | None = None, analysis_date: dt.date | None = None,
              columns: dict[str, str] | None = None) -> LoadedBase:
    """Read the client table of ``path`` (.xlsx, .xlsm, French .csv), its settings and invoice lines."""
    from ..layout.parametres import read_settings as read_settings_rows
    from .csvio import read_french_csv

    path = Path(path)
    kind = files.file_kind(path, check_parts=False)  # checked by read_values below, as it reads
    settings = Settings()
    invoices = None
    sheets: list[str] = []
    source_lines = None
    notes: list = []  # remarks of the reading (Issue records), for « Qualité »
    control_notes: list[str] = []
    heads: dict[str, list] = {}
    if kind == "csv":
        csv_table = read_french_csv(path, Settings().with_columns(columns).column_overrides)
        frame, shape, mapping, notes = csv_table.frame, csv_table.shape, csv_table.mapping, csv_table.notes
        if shape != "clients":
            raise MissingColumnError(
                f"« {path.name} » contient des lignes de factures, pas un tableau de clients : l'audit porte sur "
                "le tableau des clients (une ligne par client)."
            )
        source_lines = dict(zip(range(2, 2 + len(frame)), (int(v) for v in frame.index)))
        # the remarks of the reading name the copy's sheet and rows, as the audit's findings do
        row_of = {line: row for row, line in source_lines.items()}
        notes = [dataclasses.replace(n, sheet="Clients", row=row_of.get(n.row)) for n in notes]
        cleaned = csv_table.cleaned_cells
        if cleaned:
            control_notes.append(control_chars.note(cleaned, f"« {path.name} »"))
        if csv_table.long_cells:
            control_notes.append(long_cells.note(list(csv_table.long_cells), f"« {path.name} »"))
        frame.index = pd.RangeIndex(2, 2 + len(frame))
        data = reader.SheetData(sheet="Clients", shape="clients", header_row=1, frame=frame,
                                columns={c: j for j, c in enumerate(frame.columns, start=1)}, mapping=mapping,
                                last_data_row=1 + len(frame), last_used_row=1 + len(frame), notes=notes)
    else:
        values = loading.read_values(path, check_parts=True)
        sheets = list(values)
        heads = {name: rows[:10] for name, rows in values.items()}
        if "Paramètres" in values:
            settings = read_settings_rows(values["Paramètres"])
        settings = settings.with_columns(columns)
        found = reader.locate(values, sheet=sheet, overrides=settings.column_overrides or None)
        if "clients" not in found:
            sheets = ", ".join(f"« {n} »" for n in values if n not in reader.OUR_SHEETS) or "aucune"
            raise MissingColumnError(
                f"Aucun tableau de clients trouvé dans « {path.name} » (feuilles examinées : {sheets}). Il faut une "
                "ligne d'en-têtes avec au moins le client (Nom, Entreprise ou Code client) et des colonnes comme "
                "Date dernier achat, Nombre commandes, CA total."
            )
        # the client table read by the front ends' one reading flow; without the Excel Tables, which only an
        # openpyxl load of the whole workbook would give
        data = book_tables.read_tables(
            values, {"clients": found["clients"]}, tables_of=lambda name: [],
            output_cells_of=lambda name, row: reader.output_header_cells_in_file(path, name, row),
            date1904=loading.date1904(path))["clients"]
        if data.control_chars:
            control_notes.append(control_chars.note(data.control_chars, f"Feuille « {data.sheet} »"))
        if data.long_cells:
            control_notes.append(long_cells.note(data.long_cells, f"Feuille « {data.sheet} »", workbook=True))
        if "factures" in found:
            # not required to hold lines, unlike a run's: the audit is of the clients
            inv_name, inv_guess = found["factures"]
            invoices = reader.read_table(values[inv_name], inv_name, inv_guess)
        if settings.column_overrides:
            # a column named in « Paramètres » or by --colonne is looked for among the columns read (not our
            # output columns), as segment() does in `segmenter segmente`: the same check, message and mapping
            for table in (data, invoices):
                if table is not None:
                    table.mapping = hdr.map_columns(list(table.frame.columns), table.shape, settings.column_overrides,
                                                    sheet=table.sheet)
    if analysis_date is not None:
        settings = settings.replace(date_analyse=analysis_date)
    prepared = prepare_sheet(data, invoices, settings=settings, csv=kind == "csv")
    return LoadedBase(path=path, kind=kind, prepared=prepared, data=data, settings=settings, sheets=sheets,
                      source_lines=source_lines, control_notes=control_notes, heads=heads,
                      invoices_sheet=invoices.sheet if prepared.derived is not None else None)
