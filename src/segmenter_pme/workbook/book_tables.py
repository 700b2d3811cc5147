"""The tables of a workbook, found, read and segmented: the one reading flow of ``segmenter segmente`` on a
workbook (:mod:`.excel_job`) and of the ribbon's buttons (``excel/book_read.py``).

Each front end gets a sheet's values its own way (calamine on the file, xlwings
in Excel) and says where its Excel Tables and our output columns are; what is
done with them — refusing a sheet of the user's named like ours, finding the
tables, reading them, segmenting with the reading's remarks — is written here once.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from .. import headers as hdr
from ..analysis_date import add_stale_date_note, title_date
from ..errors import MissingColumnError
from ..layout import history_run
from . import control_chars, long_cells, reader
from .run_steps import segment_tables, with_issues

Values = dict[str, list[list[Any]]]


def check_sheets(values: Values) -> None:
    """Refuse (:class:`WorkbookError`) a sheet of the user's named like one we write.

    A « Synthèse » or « Paramètres » of the user's own is neither replaced nor
    read as our settings: checked before « Paramètres » is read.
    """
    from .. import layout

    layout.check_our_sheets(values, layout.REPORT_SHEETS)
    history_run.check_history_sheets(values)


def find_tables(values: Values, name: str, *, sheet: str | None = None, overrides=None) -> dict:
    """``{shape: (sheet, header guess)}`` of the workbook ``name``'s values; none at all is a
    :class:`MissingColumnError` naming the sheets looked at."""
    found = locate_tables(values, sheet, overrides)
    if not found:
        raise no_table_error(name, [n for n in values if n not in reader.OUR_SHEETS])
    return found


def read_tables(values: Values, found: dict, *, tables_of: Callable[[str], list],
                output_cells_of: Callable[[str, int], list[int]], date1904: bool = False
                ) -> dict[str, reader.SheetData]:
    """Each table ``found`` read (``{shape: SheetData}``); ``tables_of(sheet)`` gives its Excel Tables and
    ``output_cells_of(sheet, header_row)`` the columns of our output already in the client sheet.
    ``date1904``: the workbook counts its serials from 01/01/1904 (:func:`dates_of_1904`)."""
    datas: dict[str, reader.SheetData] = {}
    for shape, (name, guess) in found.items():
        ours = output_cells_of(name, guess.row + 1) if shape == "clients" else []
        data = reader.read_table(values[name], name, guess, tables=tables_of(name), our_cols=ours)
        reader.require_data(data)
        if date1904:
            dates_of_1904(data)
        datas[shape] = data
    return datas


#: the date columns of the tables, whose plain numbers are serials of the workbook's date system
_DATE_FIELDS = ("date_premier_achat", "date_dernier_achat", "date_facture")


def dates_of_1904(data: reader.SheetData) -> None:
    """The plain numbers (General cells) of ``data``'s date columns, in a workbook of the 1904 date system,
    made the dates they are there: the core reads a number as a serial of the 1900 system, four years
    earlier. Date cells come as dates already (calamine reads the workbook's system)."""
    from ..parsing import EXCEL_EPOCH, FIRST_DAY, LAST_DAY, serial_epoch_days

    for field in _DATE_FIELDS:
        header = data.mapping.get(field)
        if header is None or header not in data.frame.columns:
            continue
        col = data.frame[header].astype(object)
        number = np.fromiter((isinstance(v, (int, float, np.integer, np.floating))
                              and not isinstance(v, (bool, np.bool_)) and v == v for v in col.to_numpy()),
                             dtype=bool, count=len(col))
        if not number.any():
            continue
        serials = col.to_numpy()[number].astype("float64")
        days = np.floor(serial_epoch_days(serials, date1904=True))
        when = np.datetime64(EXCEL_EPOCH.date(), "D") + days.astype("int64").astype("timedelta64[D]")
        # a negative serial is no day of that system; one past what the analysis holds stays a number, refused
        ok = (serials >= 0) & (when >= FIRST_DAY) & (when <= LAST_DAY)
        values = col.to_numpy().copy()
        values[np.flatnonzero(number)[ok]] = [pd.Timestamp(d) for d in when[ok]]
        data.frame[header] = pd.Series(values, index=col.index, dtype=object)


def title_rows(values: Values, datas: dict[str, reader.SheetData]) -> list:
    """The rows above each table's header (« Export du 30/06/2025 »: the date an export was made)."""
    return [row for d in datas.values() for row in values.get(d.sheet, [])[:d.header_row - 1]]


def segment_read(datas: dict[str, reader.SheetData], settings, titles: list, *, advice: str,
                 how: Callable) -> tuple[Any, list[str]]:
    """``segment()`` of the tables read, and the « Attention » sentences about the reading.

    The reading's remarks (a Total row…) and the control characters taken out
    are said in « Qualité »; a missing column is advised where the front end
    lets one name it (``advice``, :func:`headers.readvise`); ``how(day)`` says
    how to analyse an old export at its own date.
    """
    clients, invoices = datas.get("clients"), datas.get("factures")
    try:
        result = segment_tables(clients, invoices, settings)
    except MissingColumnError as err:
        raise hdr.readvise(err, advice) from None
    add_stale_date_note(result, how, title_date(titles), sheet=(clients or invoices).sheet)
    notes = []
    for data in datas.values():
        if data.control_chars:
            notes.append(control_chars.note(data.control_chars, f"Feuille « {data.sheet} »"))
            result = with_issues(result, control_chars.issues(data.control_chars, data.sheet))
        if data.long_cells:  # in « Qualité » already (the reading's notes)
            notes.append(long_cells.note(data.long_cells, f"Feuille « {data.sheet} »", workbook=True))
    return result, notes


def no_table_error(name: str, sheets: list[str]) -> MissingColumnError:
    listed = ", ".join(f"« {s} »" for s in sheets) or "aucune"
    return MissingColumnError(
        f"Aucun tableau de clients ni de lignes de factures trouvé dans « {name} » (feuilles examinées : {listed}). "
        "Il faut une ligne d'en-têtes avec au moins le client (Nom, Entreprise ou Code client) et soit "
        "Date dernier achat, Nombre commandes et CA total, soit Date et Montant HT de chaque facture."
    )


def locate_tables(values, sheet, overrides):
    found = reader.locate(values, overrides=overrides)
    if sheet is not None:
        for shape, (name, guess) in reader.locate(values, sheet=sheet, overrides=overrides).items():
            found = {k: v for k, v in found.items() if v[0] != sheet}
            found[shape] = (name, guess)
    return found
