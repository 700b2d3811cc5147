"""How invoice lines find their client (SPEC §1) and which remarks reach the terminal."""

import datetime as dt

import numpy as np
import pandas as pd

from segmenter_pme import Settings, segment

S0 = Settings(date_analyse=dt.date(2025, 12, 31))


def test_client_codes_match_without_spaces_or_case():
    clients = pd.DataFrame({"Code client": ["CLI001", "CLI002"], "Entreprise": ["A", "B"]})
    inv = pd.DataFrame({"Code client": ["cli001 ", "CLI001", "Cli002"], "Date": ["01/11/2025"] * 3,
                        "Montant HT": [10, 20, 30]})
    r = segment(clients, inv, settings=S0)
    assert len(r.clients) == 2
    assert r.features["nb_commandes"].tolist() == [2, 1]
    assert r.features["ca_total"].tolist() == [30, 30]


def test_a_whole_float_code_is_its_int():
    # a frame given to the API as built: the int 7 and the float 7.0 (a number read from Excel) are one client
    inv = pd.DataFrame({"Code client": pd.Series([7, 7.0, 8, np.int64(8), 9.5], dtype=object),
                        "Date": ["01/11/2025", "02/11/2025", "03/11/2025", "04/11/2025", "05/11/2025"],
                        "Montant HT": [10, 20, 30, 40, 50]})
    r = segment(None, inv, settings=S0)
    assert r.clients["Code client"].astype(str).tolist() == ["7", "8", "9.5"]
    assert r.features["nb_commandes"].tolist() == [2, 2, 1]
    assert r.features["ca_total"].tolist() == [30, 70, 50]
    # and a client table's code 7 (int) is found by invoice lines that say 7.0
    clients = pd.DataFrame({"Code client": pd.Series([7, "A1"], dtype=object), "Entreprise": ["Sept", "Un"]})
    inv2 = pd.DataFrame({"Code client": pd.Series([7.0, 7, "A1"], dtype=object), "Date": ["01/11/2025"] * 3,
                         "Montant HT": [10, 20, 30]})
    r = segment(clients, inv2, settings=S0)
    assert r.features["ca_total"].tolist() == [30, 30]


def test_shopify_orders_without_company_are_keyed_by_email():
    inv = pd.DataFrame({
        "Name": ["#1001", "#1002", "#1003", "#1004"],
        "Email": ["ana@x.fr", "Ana@X.fr ", "bob@y.fr", "cle@z.fr"],
        "Created at": ["2025-03-01 10:15:00 +0100", "2025-06-01 10:15:00 +0200", "2025-07-01 09:00:00 +0200",
                       "2025-08-01 09:00:00 +0200"],
        "Total": ["120.00", "80.00", "50.00", "20.00"],
        "Billing Company": [None, None, "Bob SARL", None],
    })
    r = segment(invoices=inv, settings=S0)
    assert len(r.clients) == 3
    assert not [i for i in r.issues if i.code == "ligne_sans_client"]
    names = sorted(r.features["raison_sociale"].astype(str))
    assert names == ["Bob SARL", "ana@x.fr", "cle@z.fr"]
    ana = r.features[r.features["raison_sociale"] == "ana@x.fr"].iloc[0]
    assert ana["nb_commandes"] == 2 and ana["ca_total"] == 200


def test_ignored_lines_and_non_sales_are_said_in_the_warnings():
    inv = pd.DataFrame({"Code client": ["A", None, "A"], "Date": ["01/02/2025"] * 3,
                        "Type": ["Facture", "Facture", "Devis"], "Montant HT": [10, 20, 30]})
    r = segment(invoices=inv, settings=S0)
    assert any("sans client" in w for w in r.warnings)
    assert any("ne sont pas des ventes" in w for w in r.warnings)


def test_an_analysis_date_in_the_future_is_warned():
    df = pd.DataFrame({"Entreprise": ["A"], "Date dernier achat": ["01/01/2025"], "Nombre commandes": [1],
                       "CA total": [10]})
    r = segment(df, settings=Settings(date_analyse=dt.date.today() + dt.timedelta(days=400)))
    assert any("dans le futur" in w for w in r.warnings)
    assert not any("dans le futur" in w for w in segment(df, settings=S0).warnings)


def test_a_small_base_in_quintile_mode_is_warned():
    df = pd.DataFrame({"Entreprise": list("ABC"), "Date dernier achat": ["15/11/2025", "31/12/2025", "01/01/2024"],
                       "Nombre commandes": [12, 1, 3], "CA total": [12000, 450, 100]})
    assert any("Base trop petite" in w for w in segment(df, settings=S0).warnings)
    assert not any("Base trop petite" in w for w in segment(df, settings=S0.replace(mode_rfm="seuils")).warnings)
