"""The analysis date is said, and an old export analysed at today's date is caught with the fix to apply."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.analysis_date import CODE, title_date
from segmenter_pme.cli import main
from support import fake_xlwings as fx
from segmenter_pme.excel import macros
from segmenter_pme.parsing import date_in_text, parse_dates
from segmenter_pme.workbook import run


def _title_workbook(path, title="Export clients du 30/06/2025", last=dt.datetime(2025, 6, 24)):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append([title])
    ws.append([])
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    for i in range(30):
        ws.append([f"C{i}", f"Entreprise {i}", last - dt.timedelta(days=7 * i), 1 + i % 4, 100.0 * (i + 1)])
    wb.save(path)
    return path


def _synthese_text(path) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)["Synthèse"]
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)


@pytest.mark.parametrize("text, expected", [
    ("Export clients du 30/06/2025", dt.date(2025, 6, 30)),
    ("Extraction au 5 nov. 2025 à 10h12", dt.date(2025, 11, 5)),
    ("État au mercredi 1er octobre 2025", dt.date(2025, 10, 1)),
    ("fichier-2025-06-30", dt.date(2025, 6, 30)),
    ("Clients 2025", None),
    ("du 31/02/2025", None),
    (dt.datetime(2025, 3, 1, 12), dt.date(2025, 3, 1)),
    (45000, None),
])
def test_a_date_is_found_in_a_title(text, expected):
    assert date_in_text(text) == expected


def test_title_rows_give_their_first_date():
    assert title_date([["Suivi clients"], [None, "Export du 5 novembre 2025"], ["01/01/2020"]]) == dt.date(2025, 11, 5)
    assert title_date([]) is None


def test_french_long_dates_are_parsed():
    values = pd.Series(["5 novembre 2025", "5 nov. 2025", "lundi 1er décembre 2025", "1 Août 2024",
                        "31 févr. 2025", "5 truc 2025"], index=range(2, 8))
    dates, issues = parse_dates(values, sheet="Clients", column="Dernier achat")
    assert dates.tolist()[:4] == [pd.Timestamp(2025, 11, 5), pd.Timestamp(2025, 11, 5), pd.Timestamp(2025, 12, 1),
                                  pd.Timestamp(2024, 8, 1)]
    assert [(i.code, i.row) for i in issues] == [("date_impossible", 6), ("date_illisible", 7)]


def test_old_export_without_date_is_flagged_with_the_title_date_and_the_fix(tmp_path, capsys):
    path = _title_workbook(tmp_path / "export.xlsx")
    assert main(["run", str(path), "--date", "2025-12-02"]) == 0
    out = capsys.readouterr().out
    assert "Date d'analyse : 02/12/2025 (option --date)" in out
    text = _synthese_text(path)
    assert text.splitlines()[1].startswith("Analyse au 02/12/2025")
    note = next(line for line in text.splitlines() if "Le dernier achat du fichier" in line)
    assert "24/06/2025, 161 jours avant la date d'analyse (02/12/2025)" in note
    assert "la date du titre du fichier, 30/06/2025" in note
    assert "cellule « Date d'analyse » de la feuille « Paramètres »" in note
    assert f"segmenter segmente {path} --date 2025-06-30" in note
    # the console keeps the command on one line, to be copied whole
    assert f"segmenter segmente {path} --date 2025-06-30" in out
    qualite = openpyxl.load_workbook(path, read_only=True)["Qualité"]
    assert any(r and any(isinstance(v, str) and "Le dernier achat du fichier" in v for v in r)
               for r in qualite.iter_rows(values_only=True))


def test_without_a_title_date_the_newest_purchase_is_suggested(tmp_path):
    path = _title_workbook(tmp_path / "export.xlsx", title="Fichier clients")
    report = run(path, analysis_date=dt.date(2025, 12, 2), backup=False)
    note = report.result.warnings[0]
    assert "analysez à la date du dernier achat, 24/06/2025" in note and "--date 2025-06-24" in note
    assert [i.code for i in report.result.issues if i.code == CODE] == [CODE]


def test_a_recent_file_has_no_note(tmp_path):
    path = _title_workbook(tmp_path / "export.xlsx")
    report = run(path, analysis_date=dt.date(2025, 9, 22), backup=False)  # 90 days after the last purchase
    assert not any("Le dernier achat du fichier" in w for w in report.result.warnings)


def test_a_csv_gets_the_command_only(tmp_path):
    path = tmp_path / "export.csv"
    lines = ["Export clients du 30/06/2025;;;;", "Code client;Entreprise;Date dernier achat;Nombre commandes;CA total"]
    lines += [f"C{i};Entreprise {i};{1 + i % 28:02d}/0{1 + i % 6}/2025;{1 + i % 4};{100 * (i + 1)},50" for i in range(30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(path, analysis_date=dt.date(2025, 12, 2), backup=False)
    note = report.result.warnings[0]
    assert note.endswith(f"relancez « segmenter segmente {path} --date 2025-06-30 ».")
    assert "Paramètres" not in note


def test_the_ribbon_points_to_the_parametres_cell(tmp_path):
    book = fx.FakeBook("export.xlsx")
    wb = openpyxl.load_workbook(_title_workbook(tmp_path / "export.xlsx"))
    fx.fill(book.sheets.add("Clients"), [list(r) for r in wb["Clients"].iter_rows(values_only=True)])
    reading = macros.read_book(book)
    reading.settings = reading.settings.replace(date_analyse=dt.date(2025, 12, 2))
    note = macros.analyse(reading).warnings[0]
    assert note.endswith("indiquez 30/06/2025 dans la cellule « Date d'analyse » de la feuille « Paramètres » puis "
                         "cliquez sur « Segmenter ».")
