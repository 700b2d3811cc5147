"""The suite's own helpers catch what they are meant to catch (a helper that cannot fail checks nothing)."""

from __future__ import annotations

import openpyxl
import pytest

from .helpers import (HOSTILE_TEXTS, assert_cells_kept, assert_french_error, hostile_formulas, run_cli, snapshot,
                      write_csv, write_workbook)


def test_snapshot_sees_a_changed_value_type_and_format(tmp_path):
    p = write_workbook(tmp_path / "a.xlsx", [["Code client", "Nom"], ["C1", "=1+1"], ["C2", 3]])
    before = snapshot(p)
    assert before[("Clients", "B2")] == ("=1+1", "s", "General")
    wb = openpyxl.load_workbook(p)
    wb["Clients"]["B2"].data_type = "f"
    wb["Clients"]["B3"].number_format = "0.00"
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(AssertionError, match="B2.*\n.*B3"):
        assert_cells_kept(before, tmp_path / "b.xlsx")
    assert_cells_kept(before, p)


def test_hostile_formulas_found_only_in_formula_cells(tmp_path):
    p = write_workbook(tmp_path / "a.xlsx", [["Nom"], *[[t] for t in HOSTILE_TEXTS]])
    assert hostile_formulas(p) == []
    q = write_workbook(tmp_path / "b.xlsx", [["Nom"], *[[t] for t in HOSTILE_TEXTS]], as_text=False)
    # openpyxl makes a formula of a string starting with « = » only
    assert len(hostile_formulas(q)) == sum(t.startswith("=") for t in HOSTILE_TEXTS) == 2


def test_run_cli_checks_code_and_french(tmp_path):
    res = run_cli("run", tmp_path / "absent.xlsx", code=1, mentions=["absent.xlsx"])
    assert res.code == 1
    with pytest.raises(AssertionError, match="anglais"):
        assert_french_error("Erreur : the file is not readable")
    with pytest.raises(AssertionError):
        run_cli("run", tmp_path / "absent.xlsx", code=0)


def test_write_csv_quotes_like_a_spreadsheet(tmp_path):
    p = write_csv(tmp_path / "a.csv", [["Nom", "CA"], ["A", "10,5"]], sep=",")
    assert p.read_bytes() == b'Nom,CA\r\nA,"10,5"\r\n'


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_evaluates_a_formula_and_keeps_a_text(tmp_path, lo):
    p = write_workbook(tmp_path / "a.xlsx", [["Texte", "Formule"], ["=1+1", "=1+1"]])
    wb = openpyxl.load_workbook(p)
    wb["Clients"]["B2"].data_type = "f"
    wb.save(p)
    csvs = lo.sheets_as_csv(p, tmp_path / "csv")
    assert csvs == {"Clients": "Texte,Formule\n=1+1,2\n"}
    assert hostile_formulas(lo.convert(p, "xlsx", tmp_path / "lo")) == ["Clients!B2 = =1+1"]
