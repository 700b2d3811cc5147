"""Issue 14 item 1: the amounts written in the workbook made from a CSV are the amounts analysed.

A French-locale Google Sheets export (« , » separator, quoted decimal commas) gave
« 1234,56 » → 123456 in « CA total » while the analysis used 1234,56.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from segmenter_pme.workbook import run

from .helpers import column_values, run_cli, write_csv

DATE = dt.date(2025, 12, 31)

# (text with a decimal comma, text with a decimal point, value analysed)
AMOUNTS = [("1234,56", "1234.56", 1234.56), ("10,5", "10.5", 10.5), ("99,90", "99.90", 99.9),
           ("12 345,60", "12,345.60", 12345.6), ("7", "7", 7)]


@pytest.mark.parametrize("sep, decimal, quote_all", list(itertools.product([";", ",", "\t"], [",", "."],
                                                                            [False, True])))
def test_written_amounts_are_the_analysed_ones(tmp_path, sep, decimal, quote_all):
    rows = [["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total", "CA TTC"]]
    for i, (comma, point, _) in enumerate(AMOUNTS):
        text = comma if decimal == "," else point
        rows.append([f"C{i}", f"Client {i}", f"0{i + 1}/06/2025", i + 1, text, text])
    p = write_csv(tmp_path / "export.csv", rows, sep=sep, quote_all=quote_all)
    report = run(p, analysis_date=DATE)
    expected = [v for _, _, v in AMOUNTS]
    assert report.result.features["ca_total"].tolist() == pytest.approx(expected)  # what was analysed
    written = report.output
    assert column_values(written, "CA total") == pytest.approx(expected)
    assert column_values(written, "CA TTC") == pytest.approx(expected)  # a column the analysis does not use
    assert column_values(written, "Nombre commandes") == [1, 2, 3, 4, 5]


def test_smoke_hostile_csv_from_the_command_line(tmp_path):
    """The stop hook's smoke test: « , » separator, quoted decimal commas, formulas as names."""
    p = tmp_path / "hostile.csv"
    p.write_text('Code client,Entreprise,Secteur,Date dernier achat,Nombre commandes,CA total\n'
                 'A1,=1+1,=1+1,01/06/2025,3,"1234,56"\nA2,@SUM(1),Industrie,01/03/2025,1,"10,5"\n'
                 'A3,Normal,=1+1,01/01/2024,2,"99,90"\n', encoding="utf-8")
    run_cli("run", p, "--date", "2025-12-31")
    assert column_values(tmp_path / "hostile.xlsx", "CA total") == pytest.approx([1234.56, 10.5, 99.9])


def test_invoice_export_amounts_written_as_analysed(tmp_path):
    rows = [["Code client", "Client", "Date", "N° facture", "Montant HT"],
            ["C1", "Alpha", "01/06/2025", "F1", "1234,56"], ["C1", "Alpha", "02/06/2025", "F2", "10,5"],
            ["C2", "Beta", "03/06/2025", "F3", "1 000,25"]]
    p = write_csv(tmp_path / "ventes.csv", rows, sep=",")
    report = run(p, analysis_date=DATE)
    assert column_values(report.output, "Montant HT", "Factures") == pytest.approx([1234.56, 10.5, 1000.25])
    assert column_values(report.output, "CA total", "Clients") == pytest.approx([1245.06, 1000.25])
