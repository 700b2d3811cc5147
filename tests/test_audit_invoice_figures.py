"""Qualité judges the data the analysis uses: purchase figures from the invoice lines count as present.

A client list without purchase columns plus a « Factures » sheet is fully
segmented; the audit of ``run``, ``audit``, ``nettoyer`` and the ribbon must not
say the purchase columns are missing nor that inactivity cannot be measured.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd

from segmenter_pme.workbook.audit_files import audit_file, clean_file
from support import fake_xlwings as fx
from segmenter_pme.excel import macros
from segmenter_pme.workbook import run

DAY = dt.date(2025, 6, 30)


def _book(path, codes=("C1", "C2", "C3")):
    # C1 buys often, C2 last bought in 2020 (inactive: > 3 years), C3 never bought (a prospect)
    clients = pd.DataFrame({"Code client": list(codes),
                            "Entreprise": ["Boulangerie Martin", "Garage Durand", "Cabinet Petit"],
                            "Secteur": ["Commerce", "Services", "Services"],
                            "Code postal": ["75011", "69003", "13001"]})
    invoices = pd.DataFrame({
        "Code client": ["C1", "C1", "C2"],
        "N° facture": ["F1", "F2", "F3"],
        "Date": [dt.datetime(2025, 5, 2), dt.datetime(2025, 6, 1), dt.datetime(2020, 3, 1)],
        "Montant HT": [1200.0, 800.0, 300.0],
    })
    with pd.ExcelWriter(path) as xw:
        clients.to_excel(xw, sheet_name="Clients", index=False)
        invoices.to_excel(xw, sheet_name="Factures", index=False)
    return path


def _scores(summary: pd.DataFrame) -> dict[str, tuple[int, str]]:
    return {c: (int(s), k) for c, s, k in summary[["Catégorie", "Score", "Constat"]].itertuples(index=False)}


def _check(scores: dict[str, tuple[int, str]]) -> None:
    assert scores["Complétude"][0] == 100
    assert "Colonne absente" not in scores["Complétude"][1]
    assert "d'après « Factures »" in scores["Complétude"][1]
    assert scores["Clients inactifs"][1].startswith("1 client sans achat depuis plus de 3 ans")
    assert "ne peut pas être mesurée" not in scores["Clients inactifs"][1]
    # the invoice-made fields have their own fill line, prospects counted as not needing a date
    fill = scores["Remplissage : Date dernier achat (d'après « Factures »)"]
    assert fill == (100, "2 fiches sur 3 d'après « Factures » ; 1 prospect (0 commande) n'en a pas besoin.")


def test_codes_of_another_case_or_with_spaces_are_matched_as_the_analysis_matches_them(tmp_path):
    # the client list says « c1 », « C2 » with spaces: the analysis takes them for C1 and C2, and so does the audit
    path = _book(tmp_path / "c.xlsx", codes=("c1", " C2 ", "C3"))
    report, _ = audit_file(path, analysis_date=DAY)
    _check(_scores(report.summary))
    assert report.problems["row"].tolist() == [3]
    assert run(path, analysis_date=DAY).result.output["Récence (jours)"].tolist()[:2] == [29, 1947]


def test_audit_command_judges_the_invoice_figures(tmp_path):
    report, _ = audit_file(_book(tmp_path / "c.xlsx"), analysis_date=DAY)
    _check(_scores(report.summary))
    assert set(report.problems["code"]) == {"client_inactif"}
    assert report.problems["row"].tolist() == [3]


def test_run_writes_the_same_judgement_in_qualite(tmp_path):
    path = _book(tmp_path / "c.xlsx")
    run(path, analysis_date=DAY, backup=False)
    ws = openpyxl.load_workbook(path, read_only=True)["Qualité"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    by_cat = {r[1]: (r[2], r[3]) for r in rows if len(r) > 3 and isinstance(r[1], str) and isinstance(r[2], int)}
    _check(by_cat)
    text = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "Ajoutez une colonne" not in text and "aucun client ne peut être segmenté" not in text


def test_nettoyer_archives_the_client_inactive_by_its_invoices(tmp_path):
    done = clean_file(_book(tmp_path / "c.xlsx"), analysis_date=DAY)
    assert done.result.inactive_rows == 1
    assert done.result.archives["ligne_origine"].tolist() == [3]


def test_ribbon_audit_is_the_run_audit(tmp_path):
    path = _book(tmp_path / "c.xlsx")
    book = fx.FakeBook("c.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        fx.fill(book.sheets.add(ws.title), [list(r) for r in ws.iter_rows(values_only=True)])
    reading = macros.read_book(book)
    result = macros.analyse(reading.__class__(reading.values, reading.settings.replace(date_analyse=DAY),
                                              reading.clients, reading.invoices))
    _check(_scores(macros.audit_of(reading, result).summary))


def test_a_client_column_completed_by_invoices_is_not_a_contradiction(tmp_path):
    # the demo's case: « Date dernier achat » blank for prospects and for a client the invoices date
    clients = pd.DataFrame({"Code client": ["C1", "C2", "C3"], "Entreprise": ["A", "B", "C"],
                            "Secteur": ["Commerce"] * 3, "Code postal": ["75011"] * 3,
                            "Date dernier achat": [dt.datetime(2025, 6, 1), None, None],
                            "Nombre commandes": [2, None, 0], "CA total": [2000.0, None, 0.0]})
    invoices = pd.DataFrame({"Code client": ["C2"], "Date": [dt.datetime(2025, 4, 1)], "Montant HT": [50.0]})
    path = tmp_path / "c.xlsx"
    with pd.ExcelWriter(path) as xw:
        clients.to_excel(xw, sheet_name="Clients", index=False)
        invoices.to_excel(xw, sheet_name="Factures", index=False)
    report, _ = audit_file(path, analysis_date=DAY)
    scores = _scores(report.summary)
    assert scores["Complétude"][0] == 100 and scores["Complétude"][1].startswith("Toutes les fiches")
    assert scores["Remplissage : Date dernier achat"] == (
        100, "1 fiche renseignée sur 3 ; 1 complétée d'après « Factures » ; 1 prospect (0 commande) n'en a pas "
             "besoin.")


def test_codes_match_through_spaces_and_numbers_whatever_the_columns_type():
    """« C1 » in a CSV's text column, 1042.0 typed as a number: the figures reach the client rows."""
    from segmenter_pme.audit.prepare import invoice_figures

    clients = pd.DataFrame({"client_id": ["C1", "1042", None, "C9"]}, index=[4, 5, 6, 7], dtype=object)
    lines = {"Code client": [" C1", "C1 ", "1042", None], "Date": ["02/05/2025", "01/06/2025", "01/03/2020",
                                                                  "01/01/2025"],
             "Montant HT": ["1200", "800", "300", "5"]}
    mapping = {"client_id": "Code client", "date_facture": "Date", "montant_ht": "Montant HT"}
    for codes in (pd.Series(lines["Code client"], dtype="str"), pd.Series(lines["Code client"], dtype=object),
                  pd.Series([1.0, 1.0, 1042.0, None], dtype=object)):
        invoices = pd.DataFrame({**lines, "Code client": codes})
        figures = invoice_figures(clients, invoices, mapping=mapping, analysis_date=DAY)
        ca = figures["ca_total"].tolist()
        if codes.iloc[0] == 1.0:  # numbers: 1 is no client, 1042 is
            assert pd.isna(ca[0]) and ca[1] == 300.0
        else:
            assert ca[:2] == [2000.0, 300.0]
        assert pd.isna(ca[2]) and pd.isna(ca[3])
