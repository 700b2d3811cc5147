"""Invoice lines → clients (SPEC §1, §2): orders, credit notes, analysis date, combination."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.invoices import aggregate_invoices, document_kinds

D0 = dt.date(2025, 12, 31)
S0 = Settings(date_analyse=D0)
T = pd.Timestamp


def _agg(rows, numbers=True, types=False, analysis=D0):
    df = pd.DataFrame(rows, columns=["cle", "date", "montant", "numero", "type"])
    got = aggregate_invoices(
        df["cle"], pd.to_datetime(df["date"]), df["montant"].astype(float), pd.Timestamp(analysis),
        numbers=df["numero"] if numbers else None, types=df["type"] if types else None,
    )
    return got.clients.set_index("cle"), got.n_after


def test_first_last_purchase_orders_and_ca():
    f, n_after = _agg([
        ("A", "2025-03-01", 100, "F1", "Facture"),
        ("A", "2025-01-15", 50, "F2", "Facture"),
        ("A", "2025-06-30", 25, "F3", "Facture"),
        ("B", "2025-02-01", 10, "F4", "Facture"),
    ])
    assert n_after == 0
    assert f.loc["A", "date_premier_achat"] == T("2025-01-15")
    assert f.loc["A", "date_dernier_achat"] == T("2025-06-30")
    assert f.loc["A", "nb_commandes"] == 3
    assert f.loc["A", "ca_total"] == 175
    assert f.loc["B", "nb_commandes"] == 1 and f.loc["B", "ca_total"] == 10


def test_multi_line_invoice_is_one_order():
    f, _ = _agg([
        ("A", "2025-03-01", 100, "F1", "Facture"),
        ("A", "2025-03-01", 40, "F1", "Facture"),
        ("A", "2025-03-01", 60, "F1", "Facture"),
        ("A", "2025-04-01", 10, "F2", "Facture"),
    ])
    assert f.loc["A", "nb_commandes"] == 2
    assert f.loc["A", "ca_total"] == 210
    assert f.loc["A", "nb_lignes"] == 4


def test_without_invoice_numbers_each_line_is_an_order():
    f, _ = _agg([("A", "2025-03-01", 100, None, None), ("A", "2025-03-01", 40, None, None)], numbers=False)
    assert f.loc["A", "nb_commandes"] == 2


def test_lines_without_number_count_one_order_each_beside_numbered_ones():
    f, _ = _agg([("A", "2025-03-01", 100, "F1", None), ("A", "2025-03-01", 5, "F1", None),
                 ("A", "2025-04-01", 40, None, None)])
    assert f.loc["A", "nb_commandes"] == 2


def test_credit_note_by_type_is_netted_and_not_an_order():
    f, _ = _agg([
        ("A", "2025-03-01", 100, "F1", "Facture"),
        ("A", "2025-05-01", 30, "AV1", "Avoir"),  # written positive: still reduces the CA
    ], types=True)
    assert f.loc["A", "nb_commandes"] == 1
    assert f.loc["A", "ca_total"] == 70
    # a credit note is not a purchase: last purchase stays the invoice
    assert f.loc["A", "date_dernier_achat"] == T("2025-03-01")


def test_credit_note_by_negative_amount_is_netted_and_not_an_order():
    f, _ = _agg([
        ("A", "2025-03-01", 100, "F1", None),
        ("A", "2025-05-01", -30, "F2", None),
    ])
    assert f.loc["A", "nb_commandes"] == 1
    assert f.loc["A", "ca_total"] == 70
    assert f.loc["A", "date_dernier_achat"] == T("2025-03-01")


def test_client_with_only_credit_notes_has_no_order():
    f, _ = _agg([("A", "2025-03-01", -50, "AV1", "Avoir")], types=True)
    assert f.loc["A", "nb_commandes"] == 0
    assert f.loc["A", "ca_total"] == -50
    assert pd.isna(f.loc["A", "date_dernier_achat"]) and pd.isna(f.loc["A", "date_premier_achat"])


@pytest.mark.parametrize("label", ["Avoir", "AVOIR", "avoir client", "Note de crédit", "Credit note", "Remboursement"])
def test_credit_note_types(label):
    assert document_kinds(pd.Series([label]), np.array([10.0]))[0].tolist() == [True]


@pytest.mark.parametrize("label", ["Facture", "FA", "Facture d'acompte", None])
def test_invoice_types_are_not_credit_notes(label):
    assert document_kinds(pd.Series([label], dtype=object), np.array([10.0]))[0].tolist() == [False]


def test_lines_after_analysis_date_ignored_and_counted():
    f, n_after = _agg([
        ("A", "2025-12-31", 100, "F1", None),  # the analysis day itself counts
        ("A", "2026-01-01", 1000, "F2", None),
        ("B", "2026-02-01", 50, "F3", None),
    ])
    assert n_after == 2
    assert f.loc["A", "nb_commandes"] == 1 and f.loc["A", "ca_total"] == 100
    assert f.loc["A", "date_dernier_achat"] == T("2025-12-31")
    assert f.loc["B", "nb_commandes"] == 0 and f.loc["B", "ca_total"] == 0


def test_ca_of_last_12_months_and_the_12_before():
    f, _ = _agg([
        ("A", "2025-01-01", 300, "F1", None),  # last 12 months
        ("A", "2025-12-31", 100, "F2", None),  # last 12 months
        ("A", "2024-12-31", 200, "F3", None),  # 12 months before
        ("A", "2024-06-01", 50, "F4", None),  # 12 months before
        ("A", "2023-06-01", 999, "F5", None),  # older
    ])
    assert f.loc["A", "ca_12m"] == 400
    assert f.loc["A", "ca_12m_prec"] == 250
    assert f.loc["A", "ca_total"] == 1649


def test_twelve_months_before_are_calendar_months_across_a_leap_year():
    """Analysis 31/12/2025: the 12 months before the last 12 are 01/01/2024–31/12/2024.

    2024 is a leap year (366 days); a purchase on 01/01/2024 belongs to that
    period as a French user reads « les 12 mois d'avant ».
    """
    f, _ = _agg([("A", "2024-01-01", 50, "F1", None), ("A", "2023-12-31", 7, "F2", None)])
    assert f.loc["A", "ca_12m_prec"] == 50


def test_last_12_months_in_a_leap_year_start_on_first_of_january():
    """Analysis 31/12/2024: the last 12 months are 01/01/2024–31/12/2024 (366 days)."""
    f, _ = _agg([("A", "2024-01-01", 80, "F1", None)], analysis=dt.date(2024, 12, 31))
    assert f.loc["A", "ca_12m"] == 80
    assert f.loc["A", "ca_12m_prec"] == 0


# ------------------------------------------------------------------ through segment()

def _invoices():
    return pd.DataFrame(
        {
            "Code client": ["C1", "C1", "C1", "C2", "C2", "C3", "C1"],
            "Date": ["01/01/2025", "01/01/2025", "01/06/2025", "01/03/2025", "05/03/2025", "01/02/2026",
                     "10/06/2025"],
            "N° facture": ["F1", "F1", "F2", "F3", "A1", "F4", "A2"],
            "Type": ["Facture", "Facture", "Facture", "Facture", "Avoir", "Facture", "Facture"],
            "Montant HT": ["100,00", "50", "200", "300", "100", "999", "-30"],
        },
        index=range(2, 9),
    )


def test_segment_from_invoices_only():
    r = segment(invoices=_invoices(), settings=S0)
    f = r.features.set_index("client_id")
    assert f.loc["C1", "nb_commandes"] == 2
    assert f.loc["C1", "ca_total"] == 320
    assert f.loc["C1", "date_premier_achat"] == T("2025-01-01")
    assert f.loc["C1", "date_dernier_achat"] == T("2025-06-01")
    assert f.loc["C2", "nb_commandes"] == 1 and f.loc["C2", "ca_total"] == 200
    # C3 bought only after the analysis date: a prospect at that date
    assert f.loc["C3", "nb_commandes"] == 0
    out = r.clients.set_index("Code client")
    assert out.loc["C3", "Segment RFM"] == "Prospect"
    assert out.loc["C1", "Récence (jours)"] == (D0 - dt.date(2025, 6, 1)).days


def test_segment_warns_about_lines_after_analysis_date():
    r = segment(invoices=_invoices(), settings=S0)
    hits = [w for w in r.warnings if "après la date d'analyse" in w]
    assert len(hits) == 1
    assert hits[0].startswith("1 ligne")
    assert "31/12/2025" in hits[0]
    assert any(i.code == "achat_apres_date_analyse" and i.count == 1 for i in r.issues)


def test_client_table_and_invoices_combined_invoice_only_clients_appended():
    clients = pd.DataFrame({"Code client": ["C1", "C9"], "Entreprise": ["Alpha", "Zeta"],
                            "Ville": ["Paris", "Lyon"]}, index=[5, 6])
    r = segment(clients, _invoices(), settings=S0)
    full = r.clients
    # the user's rows first, labels and columns untouched, then the new clients with the next labels
    assert full.index.tolist() == [5, 6, 7, 8]
    assert full.loc[[5, 6], "Entreprise"].tolist() == ["Alpha", "Zeta"]
    assert full.loc[[5, 6], "Ville"].tolist() == ["Paris", "Lyon"]
    assert sorted(full.loc[[7, 8], "Code client"].tolist()) == ["C2", "C3"]
    seg = dict(zip(full["Code client"], full["Segment RFM"].astype(str)))
    assert seg["C9"] == "Prospect"  # in the table, no invoice
    assert seg["C3"] == "Prospect"
    assert seg["C1"] != "Prospect" and seg["C2"] != "Prospect"
    f = r.features.set_index("client_id")
    assert f.loc["C1", "ca_total"] == 320
    assert set(f["source"]) == {"clients", "factures"}
    assert f.loc["C2", "source"] == "factures" and f.loc["C1", "source"] == "clients"


def test_invoices_override_client_table_values():
    """When both are given, the invoice lines are the source of orders and CA."""
    clients = pd.DataFrame({"Code client": ["C1"], "Date dernier achat": ["01/01/2020"],
                            "Nombre commandes": [99], "CA total": [1.0]})
    r = segment(clients, _invoices(), settings=S0)
    f = r.features.set_index("client_id")
    assert f.loc["C1", "nb_commandes"] == 2
    assert f.loc["C1", "ca_total"] == 320
    assert f.loc["C1", "date_dernier_achat"] == T("2025-06-01")


def test_invoices_matched_by_company_name_when_no_code():
    """Without a client code the key is the company name, whatever its case and accents."""
    inv = pd.DataFrame({"Client": ["Société Dupont", "SOCIETE DUPONT", "Martin SA"],
                        "Date": ["01/02/2025", "01/03/2025", "01/04/2025"],
                        "Montant TTC": [120, 240, 60]})
    clients = pd.DataFrame({"Entreprise": ["societe dupont", "Martin SA", "Sans achat"]})
    r = segment(clients, inv, settings=S0)
    f = r.features
    assert f["nb_commandes"].fillna(0).tolist() == [2, 1, 0]
    assert f["ca_total"].fillna(0).tolist() == [360, 60, 0]
    assert r.clients["Segment RFM"].astype(str).iloc[2] == "Prospect"
    assert len(r.clients) == 3  # nobody appended


def test_total_lines_and_blank_lines_ignored():
    inv = pd.DataFrame({"Code client": ["C1", "C1", None, "Total"],
                        "Date": ["01/02/2025", "01/03/2025", None, None],
                        "Montant HT": [100, 50, None, 150]})
    r = segment(invoices=inv, settings=S0)
    f = r.features.set_index("client_id")
    assert list(f.index) == ["C1"]
    assert f.loc["C1", "ca_total"] == 150


def test_invoice_codes_with_stray_spaces_are_one_client():
    inv = pd.DataFrame({"Code client": ["C1", " C1 ", "C1 "], "Date": ["01/02/2025"] * 3,
                        "N° facture": ["F1", "F2", "F3"], "Montant HT": [1, 2, 3]})
    r = segment(invoices=inv, settings=S0)
    assert len(r.clients) == 1
    assert r.features["nb_commandes"].iloc[0] == 3


@pytest.mark.parametrize("keys, upper, expected", [
    (["C1", "C2"], True, False),
    (["C1", "c2"], True, True),  # a lower-case letter
    (["C1", "c2"], False, False),
    ([" C1", "C2"], False, True),
    (["C1", "C2 "], False, True),
    (["C1", "C2\x1c"], False, True),  # Arrow trims \x1c-\x1f as str.strip does
    (["\x01C1", "C2"], False, False),  # a control character is no space
    (["", "C2"], True, False),
    (["C1", None], True, False),
    (["É1", "C2"], True, False),
    (["é1", "C2"], True, True),  # a lower-case letter beyond ASCII
    (["C1\xa0", "C2"], False, True),  # a no-break space
])
def test_keys_needing_a_trim_or_upper_case_are_found(keys, upper, expected):
    """needs_strip reads ASCII keys off the Arrow buffers: same answer as the Arrow kernels, whole,
    sliced or in several chunks."""
    import pyarrow as pa

    from segmenter_pme.canonical import needs_strip

    whole = pd.Series(["X"] + keys, dtype="str")
    assert needs_strip(whole.iloc[1:], upper=upper) is expected
    chunked = pa.chunked_array([pa.array(keys[:1], pa.large_string()), pa.array(keys[1:], pa.large_string())])
    assert needs_strip(pd.Series(pd.arrays.ArrowStringArray(chunked)), upper=upper) is expected
    assert needs_strip(pd.Series(keys, dtype=object), upper=upper) is expected


def test_numeric_client_codes_match_text_codes():
    clients = pd.DataFrame({"Code client": [411001.0, 411002.0], "Entreprise": ["A", "B"]})
    inv = pd.DataFrame({"Code client": ["411001", "411002"], "Date": ["01/02/2025"] * 2, "Montant HT": [10, 20]})
    r = segment(clients, inv, settings=S0)
    assert len(r.clients) == 2
    assert r.features["ca_total"].tolist() == [10, 20]


def test_table_clients_without_invoices_have_zero_orders_and_sane_summary():
    """A client of the table with no invoice line has 0 orders and 0 € (not garbage)."""
    inv = pd.DataFrame({"Code client": ["C1"], "Date": ["01/02/2025"], "Montant HT": [10]})
    clients = pd.DataFrame({"Code client": ["C1", "C9"], "Entreprise": ["A", "B"]})
    r = segment(clients, inv, settings=S0)
    f = r.features.set_index("client_id")
    assert f.loc["C9", "nb_commandes"] == 0
    assert f.loc["C9", "ca_total"] == 0 or pd.isna(f.loc["C9", "ca_total"])
    summ = r.summary
    prospect = summ[(summ["Dimension"] == "Segment RFM") & (summ["Segment"] == "Prospect")].iloc[0]
    assert prospect["Commandes"] == 0
    assert (summ["Commandes"] >= 0).all()
    region = summ[summ["Dimension"] == "Région"].iloc[0]
    assert region["Commandes"] == 1


def test_equal_ca_in_cents_gives_equal_m_score_and_tier():
    """SPEC §3/§5: equal values → equal scores. 0,10 € + 0,20 € is the same CA as 0,30 €.

    A CA summed from invoice lines must be compared as an amount in euros and
    cents, not as a binary float (0.1 + 0.2 = 0.30000000000000004).
    """
    inv = pd.DataFrame({"Code client": ["A", "A", "B", "C", "D", "E"], "Date": ["01/06/2025"] * 6,
                        "N° facture": ["F1", "F2", "F3", "F4", "F5", "F6"],
                        "Montant HT": ["0,10", "0,20", "0,30", "100", "200", "300"]})
    out = segment(invoices=inv, settings=S0).clients.set_index("Code client")
    assert out.loc["A", "CA total"] == pytest.approx(0.30)
    assert out.loc["A", "Score M"] == out.loc["B", "Score M"]
    assert out.loc["A", "Segment PMG"] == out.loc["B", "Segment PMG"]


def test_ttc_used_when_no_ht_column_and_reported():
    inv = pd.DataFrame({"Code client": ["A", "A"], "Date": ["01/02/2025", "01/03/2025"],
                        "Montant TTC": ["1 200,00 €", "(240,00)"]})
    r = segment(invoices=inv, settings=S0)
    assert r.features["ca_total"].iloc[0] == pytest.approx(960.0)
    assert r.features["nb_commandes"].iloc[0] == 1  # the (240,00) line is a credit note
    assert any(i.code == "montant_ttc_utilise" for i in r.issues)


def test_ht_preferred_over_ttc():
    inv = pd.DataFrame({"Code client": ["A"], "Date": ["01/02/2025"], "Montant TTC": [120], "Montant HT": [100]})
    r = segment(invoices=inv, settings=S0)
    assert r.features["ca_total"].iloc[0] == 100
    assert r.invoice_columns["montant_ht"] == "Montant HT"


def test_negative_credit_note_typed_avoir_is_not_counted_twice():
    f, _ = _agg([("A", "2025-03-01", 100, "F1", "Facture"), ("A", "2025-04-01", -30, "AV1", "Avoir")], types=True)
    assert f.loc["A", "ca_total"] == 70
    assert f.loc["A", "nb_commandes"] == 1


def test_invoice_dates_as_excel_serials_and_french_amounts():
    inv = pd.DataFrame({"Code client": ["A", "A"], "Date": [45658, 45689],  # 01/01/2025, 01/02/2025
                        "N° facture": ["F1", "F2"], "Montant HT": ["1\u202f000,50", "1.000,50"]})
    r = segment(invoices=inv, settings=S0)
    f = r.features.iloc[0]
    assert f["date_premier_achat"] == T("2025-01-01") and f["date_dernier_achat"] == T("2025-02-01")
    assert f["ca_total"] == pytest.approx(2001.0)


def test_table_clients_without_invoices_keep_their_table_values():
    """docs/regles.md: invoices prevail for the clients they have; the others keep the table's values."""
    clients = pd.DataFrame({"Code client": ["C1", "C9", "C8"],
                            "Date dernier achat": ["01/01/2020", "01/11/2025", None],
                            "Nombre commandes": [99, 3, None], "CA total": [1.0, 500.0, None]})
    inv = pd.DataFrame({"Code client": ["C1"], "Date": ["01/06/2025"], "Montant HT": [10]})
    r = segment(clients, inv, settings=S0)
    f = r.features.set_index("client_id")
    assert f.loc["C9", "nb_commandes"] == 3
    assert f.loc["C9", "ca_total"] == 500
    assert f.loc["C9", "date_dernier_achat"] == T("2025-11-01")
    assert f.loc["C1", "nb_commandes"] == 1 and f.loc["C1", "ca_total"] == 10
    out = r.clients.set_index("Code client")
    assert out.loc["C9", "Segment RFM"] != "Prospect"
    assert out.loc["C8", "Segment RFM"] == "Prospect"
    assert f["nb_commandes"].fillna(0).min() >= 0


def test_shopify_orders_export_multi_line_orders():
    """Shopify orders_export.csv: one row per line item, « Total » only on the first row of an order,
    « Created at » written ``2025-03-01 10:15:00 +0100``."""
    inv = pd.DataFrame({
        "Name": ["#1001", "#1001", "#1002"],
        "Email": ["achat@acme.fr"] * 3,
        "Created at": ["2025-03-01 10:15:00 +0100", "2025-03-01 10:15:00 +0100", "2025-04-01 09:00:00 +0200"],
        "Total": ["120.00", "", "80.00"],
        "Billing Company": ["ACME", "ACME", "ACME"],
    })
    r = segment(invoices=inv, settings=S0)
    f = r.features.iloc[0]
    assert len(r.features) == 1
    assert f["nb_commandes"] == 2
    assert f["ca_total"] == 200
    assert f["date_dernier_achat"] == T("2025-04-01")


@pytest.mark.parametrize("doc_type", ["Devis", "Bon de commande", "Bon de livraison", "Proforma"])
def test_documents_that_are_not_invoices_are_not_sales(doc_type):
    """Assumption (SPEC: invoice lines are invoices or credit notes): a « documents de vente »
    export from Sage or EBP also lists quotes, orders and delivery notes; they are not sales
    (a delivery note is invoiced later: counting both would double the CA)."""
    inv = pd.DataFrame({"Code client": ["A", "A"], "Date": ["01/02/2025", "01/03/2025"],
                        "N° pièce": ["FA1", "X1"], "Type Document": ["Facture", doc_type],
                        "Montant HT": [100, 999]})
    f = segment(invoices=inv, settings=S0).features.iloc[0]
    assert f["nb_commandes"] == 1
    assert f["ca_total"] == 100
    assert f["date_dernier_achat"] == T("2025-02-01")


def _big_lines(n: int = 60_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = pd.Series([f"C{i:05d}" for i in rng.integers(0, 9_000, n)], dtype=object)
    keys[rng.random(n) < 0.01] = None
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1_100, n), unit="D")
    # few numbers per client and day: multi-line invoices, a number reused another day, lines without number
    numbers = pd.Series([f"F{i}" for i in rng.integers(0, 40_000, n)], dtype=object)
    same = rng.random(n) < 0.2
    numbers[same] = numbers.shift(1)[same]
    keys[same] = keys.shift(1)[same]
    days = pd.Series(days).where(~same, pd.Series(days).shift(1)).to_numpy()
    numbers[rng.random(n) < 0.02] = None
    amounts = np.round(rng.normal(200, 150, n), 2)
    types = pd.Series(np.where(rng.random(n) < 0.03, "Avoir", "Facture"), dtype=object)
    return pd.DataFrame({"cle": keys, "date": days, "montant": amounts, "numero": numbers, "type": types})


@pytest.mark.parametrize("with_types", [False, True])
def test_large_arrow_frames_take_the_hash_path_and_agree_with_pandas(with_types, monkeypatch):
    """Above 50 000 lines, Arrow text keys and invoice numbers are numbered through polars hashes;
    the clients, their order and every figure must be those of the plain pandas path."""
    from segmenter_pme.invoices import aggregate, orders

    df = _big_lines()
    got = []
    calls = {"exact": 0, "pandas": 0}
    exact, pandas_codes = orders.repeated_exact, aggregate.pandas_factorize

    def count(name, fn):
        def wrapped(*a, **k):
            calls[name] += 1
            return fn(*a, **k)
        return wrapped

    monkeypatch.setattr(orders, "repeated_exact", count("exact", exact))
    monkeypatch.setattr(aggregate, "pandas_factorize", count("pandas", pandas_codes))
    for dtype in ("object", "str"):
        result = aggregate_invoices(
            df["cle"].astype(dtype), pd.to_datetime(df["date"]), df["montant"], pd.Timestamp(D0),
            numbers=df["numero"].astype(dtype), types=df["type"].astype(dtype) if with_types else None,
        )
        frame = result.clients.assign(cle=result.clients["cle"].astype(object))
        got.append((frame, result.n_after))
    assert calls == {"exact": 1, "pandas": 1}  # the object frame only: the Arrow one took the hash path
    (plain, n1), (fast, n2) = got
    assert n1 == n2
    pd.testing.assert_frame_equal(plain, fast)
    assert (plain["nb_commandes"] < plain["nb_lignes"]).any()  # repeated numbers were found


@pytest.mark.parametrize("width", [3, 8])
def test_codes_of_one_width_are_numbered_from_their_bytes_as_pandas_does(width):
    """Client codes all of one length, up to 8 bytes, are numbered as the integers of their bytes:
    same clients, same order, same figures as the pandas path; other codes are not."""
    from segmenter_pme.invoices.keys import fixed_width_ints

    df = _big_lines().dropna(subset=["cle"])
    codes = df["cle"].str[-width:].str.rjust(width, "0")  # « C01234 » → « 234 » or « 00C01234 »
    assert codes.str.len().eq(width).all()
    got = []
    for dtype in ("object", "str"):
        result = aggregate_invoices(codes.astype(dtype), pd.to_datetime(df["date"]), df["montant"],
                                    pd.Timestamp(D0), numbers=df["numero"].astype(dtype))
        got.append(result.clients.assign(cle=result.clients["cle"].astype(object)))
    assert fixed_width_ints(codes.astype("str")) is not None
    pd.testing.assert_frame_equal(got[0], got[1])
    assert fixed_width_ints((codes + np.where(np.arange(len(codes)) % 2, "", "x")).astype("str")) is None
    assert fixed_width_ints(pd.concat([codes, pd.Series([None])]).astype("str")) is None


@pytest.mark.parametrize("numbers", [False, True])
def test_a_hash_collision_between_two_keys_falls_back_to_pandas(numbers, monkeypatch):
    """If the second hash ever disagreed (two keys sharing the first), the clients come from pd.factorize."""
    from segmenter_pme.invoices import aggregate

    df = _big_lines()
    keys = df["cle"].astype("str")

    def run():
        return aggregate_invoices(keys, pd.to_datetime(df["date"]), df["montant"], pd.Timestamp(D0),
                                  numbers=df["numero"].astype("str") if numbers else None)

    expected = run()
    real = aggregate.factorize_by_hash
    calls = []

    def colliding(values):
        codes, k, texts = real(values)
        calls.append(len(values))
        return codes, k, lambda: (texts()[0], False)

    monkeypatch.setattr(aggregate, "factorize_by_hash", colliding)
    got = run()
    assert calls == [len(keys)]
    pd.testing.assert_frame_equal(got.clients, expected.clients)
    assert list(got.keys) == list(expected.keys) and len(expected.keys) == len(expected.clients)


def test_times_of_day_in_invoice_dates_are_dropped_from_purchases_and_recency():
    """Exports with timestamps (e-shops): the lines keep their time until each client's first and last
    purchase is known; those are days, and one invoice over two hours is one order."""
    lines = pd.DataFrame({
        "Code client": ["A", "A", "A", "B"],
        "Date": pd.to_datetime(["2025-12-30 14:00", "2025-12-30 16:45", "2025-06-01 09:30", "2025-12-31 23:59"]),
        "N° facture": ["F1", "F1", "F2", "F3"],
        "Montant HT": [100.0, 50.0, 10.0, 20.0],
    })
    res = segment(invoices=lines, settings=S0).clients.set_index("Code client")
    assert res.loc["A", "Date dernier achat"] == T("2025-12-30")
    assert res.loc["A", "Date premier achat"] == T("2025-06-01")
    assert res.loc["A", "Nombre commandes"] == 2
    assert res.loc["A", "Récence (jours)"] == 1
    # the last minute of the analysis date is still that day
    assert res.loc["B", "Date dernier achat"] == T("2025-12-31") and res.loc["B", "Récence (jours)"] == 0


@pytest.mark.parametrize("types", [
    ["Facture"] * 36 + ["Avoir", "Devis", None, "avoir client"],   # one type on most lines
    ["Avoir"] * 36 + ["Facture", None, "Bon de livraison", "Note de crédit"],  # the first line's type: credit notes
    ["Devis"] * 36 + ["Facture", "Avoir", None, "Devis"],          # mostly not sales
    ["Facture", "Avoir", "Devis", "Facture", "Note de crédit", "Avoir", "BL", "Facture", None, "Proforma"] * 4,
    [None] * 40,
    [None] + ["Facture"] * 39,
])
def test_document_kinds_from_arrow_text_match_the_generic_path(types):
    from segmenter_pme.invoices import document_kinds

    amounts = np.where(np.arange(len(types)) % 7 == 3, -5.0, 10.0)
    arrow = document_kinds(pd.Series(types, dtype="str"), amounts)
    generic = document_kinds(pd.Series(types, dtype=object), amounts)
    assert arrow[0].tolist() == generic[0].tolist()
    assert arrow[1].tolist() == generic[1].tolist()
    credit = [t is not None and ("voir" in t or "crédit" in t) for t in types]
    assert arrow[0].tolist() == [c or a < 0 for c, a in zip(credit, amounts)]
    not_sale = [t is not None and t.startswith(("Devis", "Bon de", "BL", "Proforma")) for t in types]
    assert arrow[1].tolist() == not_sale


def test_same_amounts_give_the_same_ca_whatever_their_12_month_window():
    """Two clients with the same lines in the same order: the same CA to the cent, although
    their lines fall in different 12-month windows (the CA is not the sum of the windows' sums)."""
    amounts = [170.164, 128.557, 191.974]
    lines = pd.DataFrame({
        "Code client": ["A"] * 3 + ["B"] * 3,
        # A: the 2nd line a year earlier than the others; B: every line in the last 12 months
        "Date": pd.to_datetime(["2025-06-01", "2024-06-01", "2025-07-01", "2025-06-01", "2025-06-15", "2025-07-01"]),
        "Montant HT": amounts * 2,
    })
    feats = segment(invoices=lines, settings=S0).features.set_index("client_id")
    assert feats.loc["A", "ca_total"] == feats.loc["B", "ca_total"] == 490.70


@pytest.mark.parametrize("n", [3, 60_000])
def test_invoice_lines_without_any_client_give_an_empty_result_and_a_warning(n):
    lines = pd.DataFrame({
        "Code client": pd.Series([None] * n, dtype="str"),
        "Date": pd.Timestamp("2025-06-01"),
        "Montant HT": 10.0,
    })
    res = segment(invoices=lines, settings=S0)
    assert len(res.output) == 0
    assert any("sans client" in w for w in res.warnings)


def test_codes_with_a_trailing_control_character_are_the_same_client():
    """str.strip removes \\x1c-\\x1f (copy-pasted exports): « C1\\x1f » is « C1 »."""
    lines = pd.DataFrame({"Code client": ["C1", "C1\x1f", "c1 "], "Date": pd.to_datetime(["2025-01-01"] * 3),
                          "Montant HT": [1.0, 2.0, 3.0]})
    res = segment(invoices=lines, settings=S0)
    assert len(res.output) == 1 and res.features["ca_total"].tolist() == [6.0]


def test_writing_to_the_features_does_not_change_the_output():
    lines = pd.DataFrame({"Code client": ["A", "B"], "Date": pd.to_datetime(["2025-01-01", "2025-06-01"]),
                          "Montant HT": [100.0, 5.0]})
    res = segment(invoices=lines, settings=S0)
    before = res.output.copy(), res.clients.copy()
    first = res.features.index[0]
    res.features.loc[first, "segment_rfm"] = "Prospect"
    res.features.loc[first, "segment_pmg"] = "Prospect"
    pd.testing.assert_frame_equal(res.output, before[0])
    pd.testing.assert_frame_equal(res.clients, before[1])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]),
                               st.integers(-40_000, 20_454),  # days since 1970: 1860 to 2026
                               st.integers(0, 86_399),  # second of the day
                               st.integers(-500, 2_000)),  # cents; negative: a credit note
                     min_size=1, max_size=40),
       codes_of_one_width=st.booleans())
@example(rows=[("A", 0, 0, 0), ("B", 20_454, 0, 0)], codes_of_one_width=False)  # B only after the analysis date
def test_per_client_figures_are_those_of_a_pandas_groupby(rows, codes_of_one_width):
    """First and last purchase (days, time dropped, before 1970 too), orders, CA and line counts per
    client, without invoice numbers: as a plain pandas groupby of the lines dated up to the analysis
    date gives them — a client whose lines all come after it is listed with none (no purchase, 0 lines);
    60 000 lines so that the keys take the fast numbering paths."""
    lines = pd.DataFrame(rows, columns=["cle", "day", "second", "cents"])
    lines = lines.iloc[np.arange(60_000) % len(lines)].reset_index(drop=True)
    if codes_of_one_width:
        lines["cle"] = "C00" + lines["cle"]
    dates = pd.to_datetime(lines["day"], unit="D") + pd.to_timedelta(lines["second"], unit="s")
    amounts = lines["cents"] / 100
    got = aggregate_invoices(lines["cle"].astype("str"), dates, amounts, pd.Timestamp(D0)).clients

    kept = lines.assign(date=dates, amount=amounts)[dates < pd.Timestamp(D0) + pd.Timedelta(days=1)]
    purchases = kept[kept["amount"] >= 0]
    by = kept.groupby("cle", sort=False)
    expected = pd.DataFrame({
        "date_premier_achat": purchases.groupby("cle")["date"].min().dt.floor("D"),
        "date_dernier_achat": purchases.groupby("cle")["date"].max().dt.floor("D"),
        "nb_commandes": by["amount"].apply(lambda a: int((a >= 0).sum())),
        "ca_total": by["amount"].sum().round(2),
        "nb_lignes": by.size(),
    })
    got = got.set_index(got["cle"].astype(object)).drop(columns=["cle", "ca_12m", "ca_12m_prec"])
    assert list(got.index) == list(lines["cle"].unique())  # clients in order of first appearance
    expected = expected.reindex(got.index).fillna({"nb_commandes": 0, "ca_total": 0.0, "nb_lignes": 0})
    pd.testing.assert_series_equal(got["nb_commandes"], expected["nb_commandes"], check_names=False,
                                   check_dtype=False, check_index_type=False)
    pd.testing.assert_series_equal(got["nb_lignes"], expected["nb_lignes"], check_names=False, check_dtype=False,
                                   check_index_type=False)
    np.testing.assert_allclose(got["ca_total"], expected["ca_total"], atol=0.005)
    for column in ("date_premier_achat", "date_dernier_achat"):
        assert got[column].tolist() == expected[column].astype("datetime64[ns]").tolist()
