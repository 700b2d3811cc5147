"""A workbook in the 1904 date system (made on an old Mac, ``<workbookPr date1904="1"/>``): every date we
read and write counts from the workbook's epoch (parsing.serial_epoch_days / epoch_days_serial)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from segmenter_pme.parsing import epoch_days_serial, serial_epoch_days

from hostile.helpers import run_cli


def test_the_1904_serials_count_from_01_01_1904():
    # 01/01/1904 is 1 462 days after 30/12/1899 (1900: 2 days, then 4 years of 365 + 1900 not leap → 1 460)
    assert serial_epoch_days([0, 1, 41000.5], date1904=True).tolist() == [1462, 1463, 42462.5]
    assert epoch_days_serial([1462, 1463, 42462.5], date1904=True).tolist() == [0, 1, 41000.5]
    # no 29/02/1900 in that system: serial 59 is 59 days after 01/01/1904
    assert serial_epoch_days(np.array([59.0]), date1904=True).tolist() == [1521]


def _mac_book(path, rows, date_rows=()):
    """A 1904 workbook at ``path``: a « Clients » sheet of ``rows`` under the usual headers, the date column of
    ``date_rows`` (Excel rows) formatted as dates."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Nom", "Date dernier achat", "Nombre commandes", "CA total"])
    for row in rows:
        ws.append(row)
    for r in date_rows:
        ws.cell(r, 3).number_format = "DD/MM/YYYY"
    wb.save(path)


def _mac_workbook(path):
    days = [dt.datetime(2025, 1, 3), dt.datetime(2025, 2, 14), dt.datetime(2025, 5, 28), dt.datetime(2024, 11, 30)]
    _mac_book(path, [[f"C{i}", f"Soc {i}", day, i + 1, 1000 * (i + 1)] for i, day in enumerate(days)],
              date_rows=range(2, 2 + len(days)))
    return days


def test_a_1904_workbook_keeps_its_dates_run_after_run(tmp_path):
    path = tmp_path / "mac.xlsx"
    days = _mac_workbook(path)
    for _ in range(2):  # a date written in the other system would move four years on each run
        run_cli("segmente", path, "--date", "2025-06-01")
        wb = openpyxl.load_workbook(path)
        assert wb.epoch == CALENDAR_MAC_1904
        assert [wb["Clients"].cell(r, 3).value for r in range(2, 6)] == days
        hist = wb["Historique"]
        rows = [r for r in hist.iter_rows(values_only=True) if r and r[1] in ("C0", "C1", "C2", "C3")]
        assert {r[0] for r in rows} == {dt.datetime(2025, 6, 1)}
        assert len(rows) == 4


def test_plain_numbers_of_a_1904_workbook_are_its_dates(tmp_path):
    # General cells holding serials (as a Mac export may): 44000 is 19/06/2024 in the 1904 system, 18/06/2020 in 1900's
    path = tmp_path / "mac.xlsx"
    _mac_book(path, [["C1", "Soc 1", 44000, 2, 1000], ["C2", "Soc 2", dt.datetime(2025, 1, 3), 1, 500]],
              date_rows=[3])
    assert dt.date(1904, 1, 1) + dt.timedelta(days=44000) == dt.date(2024, 6, 19)
    run_cli("segmente", path, "--date", "2025-06-01")
    hist = openpyxl.load_workbook(path)["Historique"]
    last = {r[1]: r[9] for r in hist.iter_rows(values_only=True) if r and r[1] in ("C1", "C2")}
    assert last == {"C1": dt.datetime(2024, 6, 19), "C2": dt.datetime(2025, 1, 3)}
