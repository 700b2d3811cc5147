"""From the user's sheet to the audit's frames: header mapping, core parsing, raw cells, invoice orders."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmenter_pme.audit import audit
from segmenter_pme.audit.prepare import invoice_orders, prepare_clients
from segmenter_pme.settings import Settings

USER = pd.DataFrame({
    "Code client": [1.0, "C2", 3],
    "Société": ["Ets Dupont SARL", "Dupont", "X"],
    "CP": [1000, "75001", "ABCDE"],
    "SIRET": [73282932000074.0, "3,56E+13", None],
    "Dernier achat": ["31/12/2024", pd.Timestamp("2025-01-01"), 45000],
    "CA": ["1 234,50 €", 12.0, None],
    "Nb commandes": [2, "3", None],
}, index=[5, 6, 7], dtype=object)


def test_prepare_maps_and_parses():
    p = prepare_clients(USER)
    assert p.columns == {"client_id": "Code client", "raison_sociale": "Société", "code_postal": "CP",
                         "siret": "SIRET", "date_dernier_achat": "Dernier achat", "ca_total": "CA",
                         "nb_commandes": "Nb commandes"}
    c = p.clients
    assert c.index.tolist() == [5, 6, 7]
    assert c["client_id"].tolist() == ["1", "C2", "3"]
    assert c["code_postal"].tolist() == ["01000", "75001", "ABCDE"]  # a wrong code stays visible to the audit
    assert c["siret"].tolist()[0] == "73282932000074" and pd.isna(c["siret"].iloc[1])
    assert c["date_dernier_achat"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2025-01-01"),
                                                pd.Timestamp("2023-03-15")]
    assert c["ca_total"].tolist()[:2] == [1234.5, 12.0] and np.isnan(c["ca_total"].iloc[2])
    assert p.raw.loc[5, "code_postal"] == 1000 and p.raw.loc[6, "siret"] == "3,56E+13"


def test_prepared_frames_feed_the_audit():
    p = prepare_clients(USER)
    report = audit(p.clients, raw=p.raw, settings=Settings(date_analyse=dt.date(2025, 6, 1)),
                   sheet="Clients", columns=p.columns)
    got = set(zip(report.problems["code"], report.problems["row"], report.problems["column"]))
    assert {("code_postal_zero_perdu", 5, "CP"), ("siret_nombre", 5, "SIRET"), ("date_texte", 5, "Dernier achat"),
            ("siret_invalide", 6, "SIRET"), ("code_postal_invalide", 7, "CP")} <= got


def test_invoice_orders_by_code_and_by_name():
    p = prepare_clients(USER)
    inv = pd.DataFrame({"Code client": ["1", "1", "1", "C2", "C2"],
                        "Date": ["01/01/2024", "02/01/2024", "02/01/2024", "03/01/2024", "04/01/2024"],
                        "N° facture": ["F1", "F2", "F2", "F3", "A1"],
                        "Type": ["Facture", "Facture", "Facture", "Facture", "Avoir"],
                        "Montant HT": [10, 20, 5, 30, -5]})
    # F2 on two lines is one order; the credit note is no order
    assert invoice_orders(p.clients, inv, analysis_date=dt.date(2025, 6, 1)).tolist()[:2] == [2.0, 1.0]
    by_name = pd.DataFrame({"Client": ["DUPONT", "Dupont"], "Date": ["01/01/2024", "02/02/2024"],
                            "Montant HT": [1, 2]})
    orders = invoice_orders(p.clients, by_name, analysis_date=dt.date(2025, 6, 1))
    assert orders.loc[6] == 2.0 and np.isnan(orders.loc[5])


def test_date_cells_of_a_workbook_are_read_as_each_value_would_be():
    """Datetime objects (a time of day, a time zone, blanks) read at once give what value-by-value gives."""
    cells = [pd.Timestamp("2024-01-05 13:30"), None, dt.datetime(2023, 2, 1), pd.NaT,
             dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)]
    for values in (cells[:4], cells, [cells[4], pd.Timestamp("2021-01-01", tz="Europe/Paris")]):
        frame = pd.DataFrame({"Code client": [f"C{i}" for i in range(len(values))],
                              "Date dernier achat": pd.Series(values, dtype=object)}, index=range(5, 5 + len(values)))
        got = prepare_clients(frame).clients["date_dernier_achat"]
        one_by_one = [prepare_clients(frame.iloc[[i]]).clients["date_dernier_achat"].iloc[0]
                      for i in range(len(values))]
        assert [str(v) for v in got] == [str(v) for v in one_by_one]  # NaT compares unequal to itself
    assert prepare_clients(pd.DataFrame({"Code client": ["C1"], "Date dernier achat": [
        pd.Timestamp("2024-01-05 13:30")]}, dtype=object)).clients["date_dernier_achat"].iloc[0] == \
        pd.Timestamp("2024-01-05")


def test_text_columns_are_text_whatever_the_cells_hold():
    # a column of text only is taken as it is; one with a number, a date or a boolean in it gets their str()
    frame = pd.DataFrame({
        "Société": ["  Dupont  SA ", None, "Martin", float("nan")],
        "Ville": [75, "Lyon", True, dt.date(2024, 1, 2)],
        "Secteur": [None, None, None, None],
    }, index=[2, 3, 4, 5], dtype=object)
    p = prepare_clients(frame)
    assert p.clients["raison_sociale"].tolist() == ["Dupont SA", None, "Martin", None]
    assert p.clients["ville"].tolist() == ["75", "Lyon", "True", "2024-01-02"]
    assert p.clients["secteur"].tolist() == [None, None, None, None]
