"""A run fills « Qualité » with the data audit (SPEC §7), not only the core's remarks."""

import datetime as dt

import openpyxl
import pandas as pd

from segmenter_pme.audit.checks import missing_needed
from segmenter_pme.workbook import run


def _write(path, clients: pd.DataFrame) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        clients.to_excel(xw, sheet_name="Clients", index=False)


def _qualite_rows(path):
    wb = openpyxl.load_workbook(path, read_only=True)
    return [[c for c in row if c is not None] for row in wb["Qualité"].iter_rows(values_only=True)]


def test_run_writes_the_duplicate_and_inactivity_audit(tmp_path):
    clients = pd.DataFrame({
        "Code client": ["C1", "C2", "C3", "C4"],
        "Entreprise": ["Boulangerie Martin SARL", "Boulangerie Martin", "Garage Durand", "Cabinet Petit"],
        "Email": ["contact@martin.fr", "contact@martin.fr", "g@durand.fr", "p@petit.fr"],
        "Date dernier achat": [dt.datetime(2025, 11, 1), dt.datetime(2025, 6, 1), dt.datetime(2019, 1, 1), None],
        "Nombre commandes": [5, 2, 1, 0],
        "CA total": [1000.0, 200.0, 50.0, 0.0],
    })
    path = tmp_path / "clients.xlsx"
    _write(path, clients)
    run(path, analysis_date=dt.date(2025, 12, 31), backup=False)
    rows = _qualite_rows(path)
    categories = {r[0]: r for r in rows if r and isinstance(r[0], str)}
    assert "Doublons" in categories and "Clients inactifs" in categories
    assert "1 fiches en double" in categories["Doublons"][2] or "1 fiche en double" in categories["Doublons"][2]
    assert "1 client" in categories["Clients inactifs"][2]


def test_a_prospect_is_not_incomplete_for_lack_of_purchase_date_or_ca():
    clients = pd.DataFrame({"nb_commandes": [0, 3], "date_dernier_achat": [pd.NaT, pd.NaT],
                            "ca_total": [None, 10.0], "secteur": ["Commerce"] * 2, "code_postal": ["75001"] * 2},
                           index=[2, 3])
    problems = missing_needed(clients, sheet="Clients")
    assert problems["row"].tolist() == [3]
    assert "Date dernier achat" in problems["message"].iloc[0]
