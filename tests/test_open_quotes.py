"""Monday's open quotes (issue 10, SPEC §9): which quotes are « en cours », by hand; in every front end."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme import Settings, SettingsError, segment
from segmenter_pme.invoices import quote_lines
from segmenter_pme.invoices.documents import is_not_a_sale
from segmenter_pme.invoices.quotes import open_quotes
from segmenter_pme.week import week_calls

from support.settings_rows import settings_of

D0 = dt.date(2025, 12, 31)
T = pd.Timestamp
NNBSP, NBSP = "\u202f", "\u00a0"  # French thousands separator, the space before « € »


@pytest.mark.parametrize("doc_type,is_open", [
    ("Devis", True), ("Devis envoyé", True), ("Devis à signer", True), ("Quote", True), ("Estimate", True),
    ("Devis en attente d'acceptation", True),
    ("Facture", False), ("Avoir", False), ("Avoir sur devis", False), ("Bon de commande", False),
    ("Devis refusé", False), ("Devis annulé", False), ("Devis accepté", False), ("DEVIS SIGNEE", False),
    ("Devis facturé", False), ("Devis perdu", False), ("Devis expiré", False), ("Devis transformé en facture", False),
])
def test_a_quote_line_is_one_whose_type_says_quote_and_not_settled(doc_type, is_open):
    mask = quote_lines(pd.Series(["Facture", doc_type, None]))
    assert (mask is not None and bool(mask[1])) == is_open
    assert quote_lines(pd.Series(["Facture", "Avoir"])) is None and quote_lines(None) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["devis", "Devis", "DEVIS", "quote", "Estimate", "envoyé", "refusé", "signé",
                                 "avoir", "facture", "en cours", "bon de commande", "pro forma", " ", "à"]),
                min_size=1, max_size=4).map(" ".join))
def test_every_open_quote_type_is_a_type_that_is_no_sale(doc_type):
    """read_invoices looks for quotes only when some line is no sale: an open quote's type always is one."""
    assert quote_lines(pd.Series([doc_type])) is None or is_not_a_sale(doc_type)


def _open(lines: list[tuple], days: int = 90) -> list[tuple]:
    df = pd.DataFrame(lines, columns=["cle", "date", "numero", "type", "montant"])
    types = df["type"]
    quote = quote_lines(types)
    sale = types.eq("Facture").to_numpy()
    got = open_quotes(df["cle"], pd.to_datetime(df["date"], dayfirst=True), df["montant"].astype(float),
                      df["numero"], quote, sale, T(D0), days)
    return [(r.cle, r.numero if r.numero is not pd.NA else None, r.date.strftime("%d/%m/%Y"), r.montant)
            for r in got.itertuples()]


def test_open_quotes_by_hand():
    lines = [
        ("A", "10/12/2025", "D1", "Devis", 3000),       # open: no invoice of A since
        ("A", "01/12/2025", "F1", "Facture", 10000),
        ("B", "15/10/2025", "D2", "Devis", 1500),       # B was invoiced on 01/11 after it: signed
        ("B", "01/11/2025", "F3", "Facture", 2000),
        ("C", "20/11/2025", "D3", "Devis", 1000),       # two lines of one quote: 1 400
        ("C", "20/11/2025", "D3", "Devis", 400),
        ("C", "01/12/2025", "D6", "Devis", 600),        # a second open quote of C, newer
        ("D", "01/08/2025", "D4", "Devis", 5000),       # 152 days old: cold
        ("E", "01/12/2025", "D5", "Devis refusé", 2000),  # settled by its type
        ("F", "05/12/2025", "D7", "Devis", 900),        # an invoice carries its number, even dated before
        ("F", "04/12/2025", "D7", "Facture", 900),
        ("G", "02/01/2026", "D8", "Devis", 700),        # after the analysis date
        ("H", "15/12/2025", None, "Devis", 200),        # no number: one quote per client and day
        ("H", "15/12/2025", None, "Devis", 300),
        ("H", "16/12/2025", None, "Devis", 50),
        (None, "15/12/2025", "D9", "Devis", 80),        # no client
    ]
    assert _open(lines) == [
        ("A", "D1", "10/12/2025", 3000.0),
        ("C", "D6", "01/12/2025", 600.0),
        ("C", "D3", "20/11/2025", 1400.0),
        ("H", None, "16/12/2025", 50.0),
        ("H", None, "15/12/2025", 500.0),
    ]
    # « devis_jours »: 31/12 − 21 days = 10/12, the age of D1; C's quotes are 30 and 41 days old
    assert [q[:2] for q in _open(lines, days=21)] == [("A", "D1"), ("H", None), ("H", None)]
    assert [q[:2] for q in _open(lines, days=20)] == [("H", None), ("H", None)]


def test_an_invoice_the_same_day_as_the_quote_settles_it():
    assert _open([("A", "10/12/2025", "D1", "Devis", 300), ("A", "10/12/2025", "F1", "Facture", 300)]) == []
    assert _open([("A", "10/12/2025", "D1", "Devis", 300), ("A", "09/12/2025", "F1", "Facture", 300)]) == \
        [("A", "D1", "10/12/2025", 300.0)]


def _base():
    clients = pd.DataFrame({
        "Code client": ["C1", "C2", "C3", "C4", "C5"],
        "Entreprise": ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon"],
        "Email": ["a@alpha.fr", "b@beta.fr", "c@gamma.fr", "d@delta.fr", "e@epsilon.fr"],
        "Téléphone": ["06 12 34 56 78"] * 5,
        "Secteur": ["Commerce"] * 5,
    })
    invoices = pd.DataFrame([
        ("C1", "01/12/2025", "F1", "Facture", 10000), ("C1", "15/06/2025", "F2", "Facture", 8000),
        ("C1", "10/12/2025", "D1", "Devis", 3000),
        ("C2", "01/11/2025", "F3", "Facture", 2000), ("C2", "15/10/2025", "D2", "Devis", 1500),
        ("c3 ", "01/09/2025", "F4", "Facture", 500),  # a code written carelessly is the same client
        ("C3", "20/11/2025", "D3", "Devis", 1000), ("C3", "20/11/2025", "D3", "Devis", 400),
        ("C3", "01/12/2025", "D6", "Devis", 600),
        ("C4", "01/12/2025", "D4", "Devis", 5000),  # a prospect of the table with only a quote
        ("C5", "05/12/2025", "F5", "Facture", 700), ("C5", "01/12/2025", "D5", "Devis refusé", 2000),
        ("C9", "10/12/2025", "D9", "Devis", 800),  # a prospect known only by its quote: a client of the analysis
    ], columns=["Code client", "Date", "N° pièce", "Type", "Montant HT"])
    return clients, invoices


def test_monday_calls_the_open_quotes_first_with_number_date_and_amount():
    clients, invoices = _base()
    result = segment(clients, invoices, Settings(date_analyse=D0))
    assert [(c, n, d.strftime("%d/%m/%Y"), m) for c, n, d, m in result.open_quotes.itertuples(index=False)] == [
        (0, "D1", "10/12/2025", 3000.0), (2, "D6", "01/12/2025", 600.0), (2, "D3", "20/11/2025", 1400.0),
        (3, "D4", "01/12/2025", 5000.0), (5, "D9", "10/12/2025", 800.0)]
    assert result.features.loc[5, "client_id"] == "C9" and result.features.loc[5, "segment_rfm"] == "Prospect"
    calls = week_calls(result)
    monday = calls[calls["Jour"] == "Lundi"]
    # by the sum of their open quotes: Delta 5 000, Alpha 3 000, Gamma 2 000, C9 800; then the Gros left
    # (none: C1 is the one Gros of 4 buyers, already called)
    assert monday["Code client"].tolist() == ["C4", "C1", "C3", "C9"]
    assert monday["Pourquoi"].tolist() == [
        f"Devis en attente : D4 du 01/12/2025, 5{NNBSP}000{NBSP}€",
        f"Devis en attente : D1 du 10/12/2025, 3{NNBSP}000{NBSP}€ — Gros client, 18{NNBSP}000{NBSP}€ de CA",
        f"Devis en attente : D6 du 01/12/2025, 600{NBSP}€ ; D3 du 20/11/2025, 1\u202f400{NBSP}€",
        f"Devis en attente : D9 du 10/12/2025, 800{NBSP}€",
    ]
    # the refused quote and C2's quote, invoiced since, are said to be no sales (the open ones serve)
    notes = [i.message for i in result.issues if i.code == "document_hors_vente"]
    assert notes == ["2 ligne(s) ne sont pas des ventes (devis, bons de commande ou de livraison, pro forma, "
                     "brouillons, annulations) : elles sont ignorées."]


def test_without_quote_lines_monday_is_the_gros_clients():
    clients, invoices = _base()
    invoices = invoices[invoices["Type"] == "Facture"]
    result = segment(clients, invoices, Settings(date_analyse=D0))
    assert result.open_quotes.empty
    monday = week_calls(result).query("Jour == 'Lundi'")
    assert monday["Pourquoi"].tolist() == [f"Gros client, 18{NNBSP}000{NBSP}€ de CA"]


def test_more_than_three_open_quotes_name_the_three_newest():
    clients, _ = _base()
    invoices = pd.DataFrame([("C1", f"{d:02d}/12/2025", f"D{d}", "Devis", 100 * d) for d in (1, 2, 3, 4, 5)],
                            columns=["Code client", "Date", "N° pièce", "Type", "Montant HT"])
    result = segment(clients, invoices, Settings(date_analyse=D0))
    why = week_calls(result).query("Jour == 'Lundi'")["Pourquoi"].tolist()
    assert why == [f"Devis en attente : D5 du 05/12/2025, 500{NBSP}€ ; D4 du 04/12/2025, 400{NBSP}€ ; "
                   f"D3 du 03/12/2025, 300{NBSP}€ ; et 2 autres"]


def test_the_age_of_an_open_quote_is_a_setting():
    assert Settings().devis_jours == 90
    assert settings_of([("devis_jours", "30")]).devis_jours == 30
    with pytest.raises(SettingsError, match="entre 1 et 3650 jours"):
        Settings(devis_jours=0)
    clients, invoices = _base()
    result = segment(clients, invoices, Settings(date_analyse=D0, devis_jours=25))
    assert result.open_quotes["numero"].tolist() == ["D1", "D9"]  # 21 days old; D4 and D6 are 30


def _book(tmp_path):
    clients, invoices = _base()
    path = tmp_path / "base.xlsx"
    with pd.ExcelWriter(path) as xw:
        clients.to_excel(xw, sheet_name="Clients", index=False)
        invoices.to_excel(xw, sheet_name="Factures", index=False)
    return path, clients, invoices


def _monday(rows) -> list[str]:
    """The « Pourquoi » texts of Monday's block of a « Priorités de la semaine » sheet's rows."""
    rows = [[v for v in r] for r in rows]
    start = next(i for i, r in enumerate(rows) if any(isinstance(v, str) and v.startswith("Lundi — ") for v in r))
    out = []
    for r in rows[start + 1:]:
        if any(isinstance(v, str) and v.startswith("Mardi — ") for v in r):
            break
        out += [v for v in r if isinstance(v, str) and v.startswith("Devis en attente")]
    return out


def test_segmenter_run_puts_the_quotes_on_monday(tmp_path):
    from segmenter_pme.cli import main

    path, _, _ = _book(tmp_path)
    assert main(["run", str(path), "--date", "31/12/2025", "-q"]) == 0
    ws = openpyxl.load_workbook(path)["Priorités de la semaine"]
    texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "5 devis en cours (de moins de 90 jours, sans facture du client depuis) : leurs clients sont appelés " \
           "en premier, avec le numéro, la date et le montant du devis." in texts
    assert _monday(ws.iter_rows(values_only=True)) == [
        f"Devis en attente : D4 du 01/12/2025, 5{NNBSP}000{NBSP}€",
        f"Devis en attente : D1 du 10/12/2025, 3{NNBSP}000{NBSP}€ — Gros client, 18{NNBSP}000{NBSP}€ de CA",
        f"Devis en attente : D6 du 01/12/2025, 600{NBSP}€ ; D3 du 20/11/2025, 1\u202f400{NBSP}€",
        f"Devis en attente : D9 du 10/12/2025, 800{NBSP}€",
    ]


def test_the_ribbon_puts_the_quotes_on_monday():
    from segmenter_pme.excel import macros, render
    from segmenter_pme.layout.parametres import build_parametres
    from support import fake_xlwings as fx
    from test_excel_macros import _rows

    clients, invoices = _base()
    invoices = invoices.assign(Date=pd.to_datetime(invoices["Date"], dayfirst=True))
    book = fx.FakeBook("base.xlsx")
    sheet = book.sheets.add("Clients")
    fx.fill(sheet, _rows(clients))
    fx.fill(book.sheets.add("Factures", after=sheet), _rows(invoices))
    render.render(book, build_parametres(Settings(date_analyse=D0)))  # the sheet a first run leaves
    assert macros.segmenter(book)
    rows = book.sheets["Priorités de la semaine"].used_range.options(ndim=2).value
    assert _monday(rows)[:2] == [f"Devis en attente : D4 du 01/12/2025, 5{NNBSP}000{NBSP}€",
                                 f"Devis en attente : D1 du 10/12/2025, 3{NNBSP}000{NBSP}€ — Gros client, "
                                 f"18{NNBSP}000{NBSP}€ de CA"]


def test_the_demo_has_open_quotes_on_monday():
    from segmenter_pme.workbook.templates import DEMO_DATE, demo_frames

    demo = demo_frames(600)
    quotes = demo.invoices[demo.invoices["Type"] == "Devis"]
    assert len(quotes) == 7 and quotes["Date"].between(T(2025, 12, 1), T(DEMO_DATE)).all()
    result = segment(demo.clients, demo.invoices, Settings(date_analyse=DEMO_DATE))
    assert len(result.open_quotes) == 7
    assert not any("ne sont pas des ventes" in w for w in result.warnings)  # the quotes serve: no remark
    monday = week_calls(result).query("Jour == 'Lundi'")
    quoted = monday[monday["Pourquoi"].str.startswith("Devis en attente : DE-2025-")]
    assert len(quoted) == 7 and quoted.index.tolist() == list(monday.index[:7])
    assert set(quoted["Segment PMG"]) == {"Gros", "Prospect"}
    assert np.isin(["Gros"], monday["Segment PMG"]).all()


def test_only_the_quotes_not_in_progress_are_said_to_be_ignored():
    clients, _ = _base()
    invoices = pd.DataFrame([("C1", "01/12/2025", "F1", "Facture", 900), ("C1", "10/12/2025", "D1", "Devis", 300),
                             ("C1", "10/12/2025", "D1", "Devis", 200), ("C2", "01/03/2025", "D2", "Devis", 50),
                             ("C2", "01/06/2025", "B1", "Bon de livraison", 50)],
                            columns=["Code client", "Date", "N° pièce", "Type", "Montant HT"])
    result = segment(clients, invoices, Settings(date_analyse=D0))
    assert result.open_quotes["numero"].tolist() == ["D1"]
    # D1's two lines serve on Monday; the cold D2 and the delivery note are no sales, and ignored
    assert [i.count for i in result.issues if i.code == "document_hors_vente"] == [2]
