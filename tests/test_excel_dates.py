"""Dates as Excel reads them: two-digit years (00–29 → 20xx, 30–99 → 19xx) and serial numbers under 61
(Excel's fictitious 29/02/1900 is serial 60), read and written by one rule (parsing/dates.py)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

from segmenter_pme import Settings, segment
from segmenter_pme.parsing import epoch_days_serial, parse_dates, serial_epoch_days
from segmenter_pme.workbook import extent, fastsheet, saving

from hostile.helpers import run_cli, write_csv, write_workbook


def _days(series: pd.Series) -> list:
    return [None if pd.isna(v) else v.strftime("%d/%m/%Y") for v in series]


# --------------------------------------------------------------------------- two-digit years


def test_two_digit_years_are_read_as_excel_reads_them():
    s = pd.Series(["15/03/36", "15/03/29", "15/03/30", "01/01/00", "15-03-99", "15.03.2036", "5/3/75 10:30"],
                  index=range(2, 9))
    out, issues = parse_dates(s, sheet="Clients", column="Date")
    assert _days(out) == ["15/03/1936", "15/03/2029", "15/03/1930", "01/01/2000", "15/03/1999", "15/03/2036",
                          "05/03/1975"]
    # read in the 1900s: said, row by row, with the day read; never an error (the value is read)
    assert [(i.code, i.row, i.severity) for i in issues] == [
        ("date_annee_deux_chiffres", 2, "avertissement"), ("date_annee_deux_chiffres", 4, "avertissement"),
        ("date_annee_deux_chiffres", 6, "avertissement"), ("date_annee_deux_chiffres", 8, "avertissement")]
    assert issues[0].message == (
        "L'année de la date « 15/03/36 » n'a que deux chiffres : elle est lue comme Excel la lit, le 15/03/1936. "
        "Si c'est une autre année, saisissez la date avec l'année sur quatre chiffres (JJ/MM/AAAA).")
    assert "le 05/03/1975" in issues[3].message


def test_a_two_digit_year_of_an_impossible_day_is_one_error():
    out, issues = parse_dates(pd.Series(["31/02/45"], index=[5]))
    assert _days(out) == [None]
    assert [(i.code, i.row) for i in issues] == [("date_impossible", 5)]


def test_a_purchase_read_in_the_past_century_is_named_in_quality(tmp_path):
    src = write_csv(tmp_path / "clients.csv", [
        ["Code client", "Nom", "Date dernier achat", "Nombre commandes", "CA total"],
        ["C1", "Société A", "01/03/2025", "3", "1 200"],
        ["C2", "Société B", "15/03/36", "1", "300"],
        ["C3", "Société C", "10/02/25", "2", "800"]])
    run_cli("segmente", src, "--date", "2025-06-01")
    wb = openpyxl.load_workbook(tmp_path / "clients.xlsx")
    rows = [r for r in wb["Qualité"].iter_rows(values_only=True)
            if any(isinstance(v, str) and "n'a que deux chiffres" in v for v in r)]
    assert len(rows) == 1  # « 10/02/25 » is 2025, as Excel reads it: nothing to say
    assert "le 15/03/1936" in rows[0][3] and rows[0][5:8] == ("Clients", "Date dernier achat", 3)
    ws = wb["Clients"]
    header = [c.value for c in ws[1]]
    # scored on the day read — 89 years without a purchase — and named above, never silently
    assert ws.cell(3, header.index("Récence (jours)") + 1).value == (dt.date(2025, 6, 1) - dt.date(1936, 3, 15)).days


def test_a_two_digit_year_read_in_the_future_is_named_as_a_purchase_after_the_analysis_date():
    clients = pd.DataFrame({"Code client": ["A", "B"], "Date dernier achat": ["01/03/2025", "15/03/29"],
                            "Nombre commandes": [2, 1], "CA total": [100, 200]})
    result = segment(clients, settings=Settings(date_analyse=dt.date(2025, 12, 31)))
    assert [i.code for i in result.issues if i.code == "achat_apres_date_analyse"] == ["achat_apres_date_analyse"]


def test_settings_read_a_two_digit_year_as_excel_does():
    from segmenter_pme.settings import SETTING_SPECS

    parse = next(spec.parse for spec in SETTING_SPECS if spec.key == "date_analyse")
    assert parse("15/03/05") == dt.date(2005, 3, 15)


def test_an_analysis_date_read_in_the_1900s_is_refused_naming_its_cell():
    # « 01/06/36 » is the 01/06/1936 for Excel: every client's recency would be 0, the run going on
    from segmenter_pme.errors import SettingsError
    from support.settings_rows import settings_of

    with pytest.raises(SettingsError) as exc:
        settings_of([("date_analyse", "01/06/36")], 4)
    assert str(exc.value) == ("La date d'analyse « 01/06/36 » n'a que deux chiffres d'année : Excel la lit comme le "
                              "01/06/1936. Saisissez l'année sur quatre chiffres (JJ/MM/AAAA). (cellule Paramètres!C4)")
    assert settings_of([("date_analyse", "01/06/26")], 4).date_analyse == dt.date(2026, 6, 1)


# --------------------------------------------------------------------------- serial numbers


def test_serials_under_60_are_the_days_excel_shows():
    # Excel: 1 = 01/01/1900, 59 = 28/02/1900, 60 = 29/02/1900 (no such day), 61 = 01/03/1900
    s = pd.Series([1, 2, 59, 59.75, 61, 45000], index=range(2, 8), dtype="float64")
    out, issues = parse_dates(s)
    assert _days(out) == ["01/01/1900", "02/01/1900", "28/02/1900", "28/02/1900", "01/03/1900", "15/03/2023"]
    assert issues == []
    assert list(serial_epoch_days([1, 59, 60, 61])) == [2, 60, 60, 61]
    assert list(epoch_days_serial([2, 60, 61, 45000])) == [1, 59, 61, 45000]


@pytest.mark.parametrize("cells", [pd.Series([60.0, 61.0], index=[4, 5]),
                                   pd.Series([60, "01/02/2024"], index=[4, 5], dtype=object)])
def test_serial_60_is_no_day_and_the_message_says_why(cells):
    out, issues = parse_dates(cells, sheet="Clients", column="Date")
    assert pd.isna(out[4])
    assert [(i.code, i.row, i.severity) for i in issues] == [("date_illisible", 4, "erreur")]
    assert issues[0].message == ("La valeur « 60 » est, pour Excel, le 29/02/1900 : un jour qui n'a jamais existé. "
                                 "Saisissez la vraie date au format JJ/MM/AAAA.")


def test_a_workbook_cell_holding_60_stops_the_run_naming_it(tmp_path):
    src = write_workbook(tmp_path / "clients.xlsx", [
        ["Code client", "Date dernier achat", "Nombre commandes", "CA total"],
        ["C1", dt.datetime(2025, 3, 1), 3, 1200],
        ["C2", 60, 1, 300]])
    run_cli("segmente", src, "--date", "2025-06-01", code=1,
            mentions=["29/02/1900", "colonne « Date dernier achat »", "ligne 3"])


def test_a_date_cell_before_march_1900_is_said_naming_it(tmp_path):
    # calamine gives a date cell holding 59 or 60 (Excel's 29/02/1900) alike as 28/02/1900: never silent
    cells = pd.Series([dt.datetime(1900, 2, 28), dt.datetime(2025, 3, 1), dt.datetime(1900, 1, 30)], index=[2, 3, 4],
                      dtype=object)
    for s in (cells, cells.astype("datetime64[ns]")):
        out, issues = parse_dates(s, sheet="Clients", column="Date")
        assert _days(out) == ["28/02/1900", "01/03/2025", "30/01/1900"]  # read as given
        assert [(i.code, i.row, i.value, i.severity) for i in issues] == [
            ("date_avant_1900", 2, "28/02/1900", "avertissement"), ("date_avant_1900", 4, "30/01/1900", "avertissement")]
        assert "29/02/1900" in issues[0].message
    wb = Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Date dernier achat", "Nombre commandes", "CA total"])
    ws.append(["C1", dt.datetime(2025, 3, 1), 3, 1200])
    ws.append(["C2", 60, 1, 300])
    ws["B3"].number_format = "DD/MM/YYYY"
    wb.save(tmp_path / "s60.xlsx")
    run_cli("segmente", tmp_path / "s60.xlsx", "--date", "2025-06-01")
    quality = openpyxl.load_workbook(tmp_path / "s60.xlsx")["Qualité"]
    said = [r for r in quality.iter_rows(values_only=True) if any(isinstance(v, str) and "est d'avant le 01/03/1900" in v
                                                                  for v in r)]
    assert len(said) == 1 and said[0][-2:] == (3, "28/02/1900")


def test_streamed_dates_before_march_1900_are_written_as_excel_and_openpyxl_write_them(tmp_path):
    days = [dt.datetime(1900, 1, 1), dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1), dt.datetime(2025, 1, 31)]
    frame = pd.DataFrame({"date": pd.to_datetime(days), "mixte": pd.Series([d.date() for d in days], dtype=object)})
    wb = Workbook()
    ws = wb.active
    ws.append(["date", "mixte"])
    ws.append(["x", "x"])
    for j in (1, 2):
        ws.cell(2, j).number_format = "DD/MM/YYYY"
    path = tmp_path / "dates.xlsx"
    saving.save_workbook(wb, path, {ws.title: fastsheet.injector(frame, first_row=2, ws=ws)})
    back = openpyxl.load_workbook(path).active
    assert [back.cell(r, 1).value for r in range(2, 6)] == days
    assert [back.cell(r, 2).value for r in range(2, 6)] == days
    # the serials themselves, as Excel counts them
    import re
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert re.findall(r'<c r="A\d+"[^>]*><v>([^<]*)</v>', xml) == ["1", "59", "61", "45688"]


def test_the_sparse_reading_gives_what_calamine_gives(tmp_path):
    from python_calamine import CalamineWorkbook

    wb = Workbook()
    ws = wb.active
    for r, v in enumerate([1, 59, 60, 61, 15.5, 45688], start=1):
        ws.cell(r, 1, v).number_format = "DD/MM/YYYY"
    path = tmp_path / "serials.xlsx"
    wb.save(path)
    calamine = [row[0] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()]
    sparse = [row[0] for row in extent.read_sparse(path, "xl/worksheets/sheet1.xml")]
    assert sparse == calamine == [dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 2, 28),
                                  dt.date(1900, 3, 1), dt.datetime(1900, 1, 15, 12), dt.date(2025, 1, 31)]


def test_cell_functions_read_serials_by_the_same_rule():
    from segmenter_pme.excel import udfs

    # serial 1 is 01/01/1900, a day after an analysis date of 31/12/1899 (the count from 30/12/1899 said 31/12):
    # no date of the range is on or before it
    assert udfs.RFM_R(1.0, [1.0, 61.0], dt.datetime(1899, 12, 31)) == \
        "#Plage des dates : aucune valeur utilisable dans la plage"
    assert udfs.RFM_R(1.0, [1.0, 61.0], dt.datetime(1900, 1, 1)) == 1
    said = udfs.RFM_R(60.0, [60.0, 61.0], dt.datetime(2025, 1, 1))
    assert said.startswith("#") and "29/02/1900" in said
