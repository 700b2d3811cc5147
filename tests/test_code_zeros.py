"""Client codes whose leading zeros a number cell lost (« 0007 » as text, 7 as a number, one column): two
clients for the analysis, said in « Qualité » (code_zeros_perdus), never merged."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from segmenter_pme import Settings, segment
from segmenter_pme.code_zeros import zero_issues, zero_twins
from segmenter_pme.problems import CATALOGUE, INVALID, WARNING

from hostile.helpers import run_cli, write_workbook

DAY = Settings(date_analyse=dt.date(2025, 12, 31))


def test_a_number_is_the_twin_of_a_text_code_with_leading_zeros():
    codes = pd.Series([7, "0007", "C1", 7.0, 8, " 008", "0007", 12, "12", 0, "000", 7.5, True], index=range(2, 15),
                      dtype=object)
    # 7 and 7.0 (a number cell) are « 0007 » without its zeros, 8 is « 008 » (spaces aside), 0 is « 000 »;
    # 12 has a text twin « 12 » without zeros: one code for the analysis already; 7.5 and VRAI are no codes
    assert zero_twins(codes).to_dict() == {2: "0007", 5: "0007", 6: "008", 11: "000"}


def test_columns_of_one_kind_have_no_twins():
    assert zero_twins(pd.Series(["0007", "7"], dtype=object)).empty  # a CSV: all text, as typed
    assert zero_twins(pd.Series(["0007", "7"], dtype="string")).empty
    assert zero_twins(pd.Series([7.0, 8.0])).empty
    assert zero_twins(pd.Series([7, None, "C1"], dtype=object)).empty  # no text code with zeros


def test_the_remark_names_both_codes_and_its_catalogue_entry_says_what_to_do():
    issues = zero_issues(pd.Series([7.0, "0007"], index=[4, 9], dtype=object), sheet="Clients", column="Code client")
    assert [(i.code, i.row, i.value, i.severity) for i in issues] == [("code_zeros_perdus", 4, 7.0, WARNING)]
    assert issues[0].message == (
        "Le code « 7 » est saisi comme un nombre, et « 0007 » comme du texte dans la même colonne : l'analyse les "
        "compte comme deux clients. Excel a peut-être retiré les zéros du début de ce code.")
    kind = CATALOGUE["code_zeros_perdus"]
    assert (kind.category, kind.severity) == (INVALID, WARNING)
    assert "zéros" in kind.action and "Texte" in kind.action


def test_the_analysis_keeps_two_clients_and_says_so():
    clients = pd.DataFrame({"Code client": [7, "0007", "C3"],
                            "Date dernier achat": ["01/03/2025", "01/06/2025", "01/07/2025"],
                            "Nombre commandes": [2, 1, 4], "CA total": [100, 200, 300]}, index=[2, 3, 4])
    result = segment(clients, settings=DAY)
    assert len(result.output) == 3  # not merged
    said = [i for i in result.issues if i.code == "code_zeros_perdus"]
    assert [(i.row, i.column) for i in said] == [(2, "Code client")]


def test_invoice_lines_say_it_too():
    lines = pd.DataFrame({"Code client": ["0007", 7.0, 7.0, "C2"],  # a number cell, as a workbook gives it
                          "Date": ["01/02/2025", "01/03/2025", "01/04/2025", "01/03/2025"],
                          "Montant HT": [100, 50, 20, 10]}, index=[2, 3, 4, 5])
    result = segment(invoices=lines, settings=DAY)
    assert len(result.output) == 3  # « 0007 », 7 and C2
    said = [i for i in result.issues if i.code == "code_zeros_perdus"]
    assert [i.row for i in said] == [3]  # one remark per code, on its first line
    assert said[0].message.startswith("Le code « 7 » est saisi comme un nombre sur 2 lignes (la première ici), et "
                                      "« 0007 » comme du texte dans la même colonne")


def test_a_code_on_many_lines_is_one_remark():
    # one client coded 7 on 10 000 lines, 8 on 3, and one « 0007 », one « 008 »: two remarks, not 10 003
    codes = pd.Series([7] * 10_000 + ["0007", 8.0, "008", 8, 8], index=range(2, 10_007), dtype=object)
    issues = zero_issues(codes, sheet="Factures", column="Code client")
    assert [(i.row, i.value) for i in issues] == [(2, 7), (10_003, 8.0)]
    assert "sur 10\u202f000 lignes (la première ici), et « 0007 »" in issues[0].message  # French thousands
    assert "sur 3 lignes (la première ici), et « 008 »" in issues[1].message


def test_a_workbook_run_lists_it_once_in_quality(tmp_path):
    src = write_workbook(tmp_path / "clients.xlsx", [
        ["Code client", "Nom", "Date dernier achat", "Nombre commandes", "CA total"],
        ["0007", "Société A", dt.datetime(2025, 3, 1), 3, 1200],
        [7, "Société A", dt.datetime(2025, 5, 1), 1, 300],
        ["C3", "Société C", dt.datetime(2025, 2, 10), 2, 800]])
    run_cli("segmente", src, "--date", "2025-06-01")
    wb = openpyxl.load_workbook(src)
    rows = [r for r in wb["Qualité"].iter_rows(values_only=True)
            if any(isinstance(v, str) and "zéros du début" in v for v in r)]
    assert len(rows) == 1
    assert rows[0][2] == "Avertissement" and rows[0][5:9] == ("Clients", "Code client", 3, 7)
    assert "Texte" in rows[0][4]  # the catalogue's action
    assert "codes client sans leurs zéros : 1" in "".join(str(v) for r in wb["Qualité"].iter_rows(values_only=True)
                                                          for v in r)
    # the user's cells are kept as they are: 7 stays a number, « 0007 » text
    ws = wb["Clients"]
    assert (ws["A2"].value, ws["A3"].value) == ("0007", 7)
