"""« Qualité » of a « Clients » sheet made from invoice lines: the audit that reuses the sheet's own figures
(``created_clients_audit``) says exactly what the audit that aggregates every invoice line again says."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from segmenter_pme.workbook import csv_job, excel_job, run, run_steps

DATE = dt.date(2025, 12, 31)
NAMES = ["Boulangerie Martin", "Garage Dupont", "Menuiserie Leroy", "Transports Moreau", "Cabinet Bernard",
         "Hôtel du Lac", "Imprimerie Petit", "Fleurs Roux", "Plomberie Girard", "Café de la Gare",
         "Pharmacie Lemoine", "Librairie Faure", "Charcuterie Blanc", "Électricité Mercier", "Vins Fournier",
         "Coiffure Lambert", "Optique Bonnet", "Boucherie Fontaine", "Pressing Chevalier", "Auto-école Robin"]


def _lines(code=lambda i: f"C{i:03d}") -> list[str]:
    rows = ["Code client;Client;Date;N° facture;Type;Montant HT"]
    for i in range(60):
        kind = "Avoir" if i % 17 == 16 else "Facture"
        amount = f"-{30 + i},50" if kind == "Avoir" else f"{100 + 7 * i},{i % 100:02d}"
        # two lines of one invoice, old clients (inactive), twin names under two codes (duplicates)
        rows.append(f"{code(i % 23)};{NAMES[i % 20]};{1 + i % 28:02d}/{1 + i % 12:02d}/{2019 + i % 7};"
                    f"F{i // 2:05d};{kind};{amount}")
    rows += [
        f"{code(90)};Garage Seul;03/03/2025;A00001;Avoir;-80,00",  # a credit note only: no purchase, CA < 0
        f"{code(91)};Devis Client;04/04/2025;D00001;Devis;500,00",  # a quote is no sale
        f"{code(92)};Après Date;05/01/2026;F99999;Facture;70,00",  # after the analysis date
        ";Sans Code;06/06/2025;F88888;Facture;40,00",  # a line without a client
        "Total;;;;;9999,00",  # a « Total » line of a report
    ]
    return rows


def _object_data(data):
    """The created sheet's table as a reading gives it (object cells, None for blanks): the general path's input."""
    frame = data.frame.astype(object).where(data.frame.notna(), None)
    return dataclasses.replace(data, frame=frame)


def _general(result, data, invoices, settings, progress):
    return run_steps.quality_audit(_object_data(data), invoices, settings, progress)


def _qualite(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(row) for row in wb["Qualité"].iter_rows(values_only=True)]


def _count_aggregations(monkeypatch) -> list:
    from segmenter_pme.audit import prepare

    calls = []
    real = prepare.invoice_figures
    monkeypatch.setattr(prepare, "invoice_figures", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


@pytest.mark.parametrize("code,aggregated", [(lambda i: f"C{i:03d}", 0), (lambda i: f"c{i:03d}", 1),
                                             (lambda i: f" C{i:03d}", 1)],
                         ids=["codes", "lower-case codes (general path)", "spaced codes (general path)"])
def test_csv_created_clients_quality_is_the_general_audits(tmp_path, monkeypatch, code, aggregated):
    src = tmp_path / "ventes.csv"
    src.write_bytes(("\r\n".join(_lines(code)) + "\r\n").encode("cp1252"))
    calls = _count_aggregations(monkeypatch)
    fast = run(src, tmp_path / "rapide.xlsx", analysis_date=DATE)
    assert fast.created_clients_sheet and len(calls) == aggregated
    monkeypatch.setattr(csv_job, "created_clients_audit", _general)
    slow = run(src, tmp_path / "general.xlsx", analysis_date=DATE)
    got, expected = _qualite(fast.output), _qualite(slow.output)
    assert got == expected
    said = " ".join(str(v) for row in got for v in row if v is not None)
    # the report did find things: inactive clients, a negative CA, duplicate names
    assert "sans achat depuis plus de" in said and "CA total négatif" in said and "Doublon" in said


def test_workbook_created_clients_quality_is_the_general_audits(tmp_path, monkeypatch):
    header, *rows = _lines()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Factures"
    ws.append(header.split(";"))
    for line in rows:
        values = line.split(";")
        if values[2]:
            values[2] = dt.datetime.strptime(values[2], "%d/%m/%Y")
        values[5] = float(values[5].replace(",", "."))
        ws.append([v if v != "" else None for v in values])
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    wb.save(first)
    wb.save(second)
    calls = _count_aggregations(monkeypatch)
    fast = run(first, analysis_date=DATE)
    assert fast.created_clients_sheet and not calls
    monkeypatch.setattr(excel_job, "created_clients_audit", _general)
    run(second, analysis_date=DATE)
    assert _qualite(first) == _qualite(second)
