"""Issue 14 item 12 (part): « Qualité » of the second run equals the first when clients come from invoices.

The first run (invoice lines only) creates « Clients »; the second reads that
sheet as the client table and used to add an audit the first never showed.
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from .helpers import run_cli, write_csv, write_workbook

LINES = [["Code client", "Client", "Date", "N° facture", "Montant HT"]]
for i in range(24):
    code = f"C{i % 8}"
    name = {0: "Boulangerie Martin", 1: "Boulangerie Martin SARL", 2: "=1+1"}.get(i % 8, f"Société {i % 8}")
    LINES.append([code, name, dt.datetime(2022 if i % 8 == 7 else 2025, 1 + i % 12, 3), f"F{i:04d}",
                  100.0 + 13 * i])


def _qualite(path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Qualité"]
    return [r for r in ws.iter_rows(values_only=True)]


def test_second_run_on_invoices_says_what_the_first_said(tmp_path):
    p = write_workbook(tmp_path / "ventes.xlsx", LINES, sheet="Factures")
    run_cli("run", p, "--date", "2025-12-31")
    first = _qualite(p)
    assert any("Secteur" in str(v) for r in first for v in r)  # the audit of the clients made is there
    run_cli("run", p, "--date", "2025-12-31")
    assert _qualite(p) == first


def test_rerun_of_the_workbook_made_from_an_invoice_csv_says_the_same(tmp_path):
    rows = [LINES[0]] + [[c, n, d.strftime("%d/%m/%Y"), f, f"{m:.2f}".replace(".", ",")]
                         for c, n, d, f, m in LINES[1:]]
    p = write_csv(tmp_path / "ventes.csv", rows)
    run_cli("run", p, "--date", "2025-12-31")
    out = tmp_path / "ventes.xlsx"
    first = _qualite(out)
    run_cli("run", out, "--date", "2025-12-31")
    assert _qualite(out) == first
