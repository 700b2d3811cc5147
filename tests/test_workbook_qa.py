"""Findings of the new-user QA pass: each with a real file and the exact French message or values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme import layout
from segmenter_pme.errors import WorkbookError
from segmenter_pme.workbook import run
from wbfactory import rich_workbook, write_french_csv

DATE = dt.date(2025, 12, 31)


def _foreign(name: str) -> str:
    return (f"La feuille « {name} » existe déjà dans votre classeur et n'a pas été créée par segmenter : "
            f"renommez-la (par exemple « {name} (perso) ») puis relancez.")


# ------------------------------------------------------------- 1. our sheets are recognised by their title


@pytest.mark.parametrize("name", ["Synthèse", "Qualité", "Paramètres", "Plan d'actions"])
def test_a_users_sheet_named_like_ours_is_refused_before_writing(tmp_path, name):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(name)
    ws["A1"] = "Mes notes de réunion"
    ws["A2"] = "Clé"  # even a cell that looks like ours does not make it our sheet
    ws["B2"] = 42
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == _foreign(name)
    assert path.read_bytes() == before
    assert not (tmp_path / "mine.sauvegarde.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx"]


def test_excel_ignores_case_in_sheet_names(tmp_path):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("SYNTHÈSE")["A1"] = "Synthèse de la segmentation clients"
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == _foreign("SYNTHÈSE")


def test_our_own_sheets_are_rebuilt_and_the_templates_count_as_ours(tmp_path):
    from segmenter_pme.workbook import build_template

    path = rich_workbook(tmp_path / "mine.xlsx")
    run(path, analysis_date=DATE)
    run(path, analysis_date=DATE)  # second run: the sheets are ours, found by their title
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.count("Synthèse") == 1
    assert wb["Synthèse"]["B1"].value == "Synthèse de la segmentation clients"
    assert wb["Paramètres"]["A1"].value == "Paramètres de l'analyse"
    # the blank template's « Paramètres » and « Mode d'emploi » are ours
    tpl = build_template(tmp_path / "modele.xlsx")
    wb = openpyxl.load_workbook(tpl)
    for j, v in enumerate(["C1", "Martin", "Boulangerie Martin", "Commerce", dt.date(2020, 1, 1),
                           dt.date(2025, 12, 1), 12, 9000.0], start=1):
        wb["Clients"].cell(2, j, v)
    wb.save(tpl)
    for name in ("Paramètres", "Mode d'emploi"):
        assert layout.is_our_sheet(name, wb[name].iter_rows(values_only=True))
    assert len(run(tpl, analysis_date=DATE).result.output) == 1


def test_an_empty_sheet_named_like_ours_holds_nothing_to_lose(tmp_path):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Qualité")
    wb.save(path)
    run(path, analysis_date=DATE)
    assert openpyxl.load_workbook(path)["Qualité"]["B1"].value == "Qualité des données"


def test_titles_are_those_the_builders_write(tmp_path):
    from segmenter_pme.layout.model import Title

    path = rich_workbook(tmp_path / "mine.xlsx")
    result = run(path, analysis_date=DATE).result
    layouts = [*layout.build_report_layouts(result), layout.build_mode_emploi()]
    titles = {lay.name: next(b.text for b in lay.blocks if isinstance(b, Title)) for lay in layouts}
    assert titles == layout.SHEET_TITLES


def test_a_users_parametres_is_not_read_as_settings_from_the_csv_path(tmp_path):
    csv = write_french_csv(tmp_path / "export.csv")
    out = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Paramètres"
    wb.active.append(["Clé", "Paramètre", "Valeur"])
    wb.active.append(["date_analyse", "Date", "pas une date"])
    wb.save(out)
    # not ours: a .xlsx of the same name is refused (its « Paramètres » never read)
    with pytest.raises(WorkbookError) as err:
        run(csv, analysis_date=DATE)
    assert "n'a pas été créé par segmenter" in err.value.message
    # with -o the user chose to replace it: its sheet is still not read as our settings
    report = run(csv, out, analysis_date=DATE)
    assert report.result.settings.date_analyse == DATE


def test_ribbon_macros_refuse_a_users_sheet_named_like_ours():
    from segmenter_pme.excel import fake_xlwings as fx
    from segmenter_pme.excel import macros

    book = fx.FakeBook("clients.xlsx")
    fx.fill(book.sheets.add("Clients"), [
        ["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"],
        ["C1", "Martin", dt.datetime(2025, 11, 1), 3, 1200.0],
        ["C2", "Durand", dt.datetime(2024, 11, 1), 1, 200.0],
    ])
    fx.fill(book.sheets.add("Paramètres"), [["Tarifs 2025"], ["Heure", 55]])
    assert macros.segmenter(book) is None
    assert book.app.alerts[-1][0] == _foreign("Paramètres")
    assert book.sheets["Paramètres"].range((1, 1)).value == "Tarifs 2025"
    assert "Synthèse" not in [s.name for s in book.sheets]

    book = fx.FakeBook("notes.xlsx")
    fx.fill(book.sheets.add("Mode d'emploi"), [["Comment remplir le devis"]])
    assert macros.aide(book) is None
    assert book.app.alerts[-1][0] == _foreign("Mode d'emploi")
