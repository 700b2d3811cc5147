"""Cleaning: merged values, archives, repairs, and the invariant that nothing is lost."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from segmenter_pme.audit import audit, clean, restore
from segmenter_pme.audit.clean import MOTIF_AVANT_FUSION, MOTIF_DOUBLON, MOTIF_INACTIF
from support.labelled import labelled_clients
from segmenter_pme.settings import Settings

TODAY = dt.date(2025, 6, 1)
SETTINGS = Settings(date_analyse=TODAY)

CLIENTS = pd.DataFrame(
    {
        "client_id": ["C1", "C2", "C3", "C4", "C5"],
        "raison_sociale": ["Ets. Dupont SARL", "DUPONT", "Garage du Lac", "Vieux Client", "Boulangerie Morin"],
        "code_postal": ["75001", "75001", "74000", "13001", "69001"],
        "email": [None, "x@dupont.fr", None, None, None],
        "secteur": ["Commerce", None, "Services", "Commerce", "Commerce"],
        "date_premier_achat": pd.to_datetime(["2019-01-01", "2018-03-01", "2021-01-01", "2015-01-01", "2024-01-01"]),
        "date_dernier_achat": pd.to_datetime(["2025-01-01", "2020-01-01", "2024-01-01", "2019-01-01", "2025-05-01"]),
        "nb_commandes": [3.0, 2.0, 1.0, 1.0, 4.0],
        "ca_total": [100.0, 200.0, 300.0, 70.0, 50.0],
    },
    index=[2, 3, 4, 5, 6],
)


def test_merge_values_and_archives():
    result = clean(CLIENTS, settings=SETTINGS)
    cleaned = result.clients
    # rows 2 and 3 are equally complete: the first is the principal; row 5 is inactive
    assert cleaned.index.tolist() == [2, 4, 6]
    merged = cleaned.loc[2]
    assert merged["client_id"] == "C1"
    assert merged["raison_sociale"] == "Ets. Dupont SARL"
    assert merged["email"] == "x@dupont.fr"  # missing on the principal, taken from the other row
    assert merged["secteur"] == "Commerce"
    assert merged["date_premier_achat"] == pd.Timestamp("2018-03-01")
    assert merged["date_dernier_achat"] == pd.Timestamp("2025-01-01")
    assert merged["nb_commandes"] == 5.0
    assert merged["ca_total"] == 300.0
    arch = result.archives
    assert arch[["ligne_origine", "motif", "fusionne_dans", "groupe"]].values.tolist() == [
        [2, MOTIF_AVANT_FUSION, 2, "D0001"],
        [3, MOTIF_DOUBLON, 2, "D0001"],
        [5, MOTIF_INACTIF, None, None],
    ]
    # the archived duplicate keeps its own, original values
    assert arch.iloc[1]["ca_total"] == 200.0 and arch.iloc[1]["raison_sociale"] == "DUPONT"
    assert arch.iloc[0]["ca_total"] == 100.0 and pd.isna(arch.iloc[0]["email"])
    assert arch.iloc[2]["raison"] == "Aucun achat depuis le 01/01/2019"
    assert (arch["date_archivage"] == pd.Timestamp(TODAY)).all()
    assert result.merges[["groupe", "principal"]].values.tolist() == [["D0001", 2]]
    assert result.merges["lignes"].tolist() == [[3]]
    assert (result.merged_rows, result.inactive_rows) == (1, 1)
    assert cleaned.dtypes.equals(CLIENTS.dtypes)


def test_threshold_and_inactive_switch():
    result = clean(CLIENTS, settings=SETTINGS, threshold=99, archive_inactive=False)
    assert result.clients.index.tolist() == [2, 3, 4, 5, 6]
    assert result.archives.empty


def test_merged_group_that_is_inactive_goes_to_archives_with_merged_values():
    clients = CLIENTS.copy()
    clients.loc[2, "date_dernier_achat"] = pd.Timestamp("2021-01-01")
    result = clean(clients, settings=SETTINGS)
    assert 2 not in result.clients.index
    inactive = result.archives[result.archives["motif"] == MOTIF_INACTIF].set_index("ligne_origine")
    assert inactive.loc[2, "ca_total"] == 300.0
    pd.testing.assert_frame_equal(restore(result).astype(object), clients.astype(object), check_dtype=False)


def test_repairs_are_applied():
    raw = CLIENTS.astype(object)
    raw.loc[4, "code_postal"] = 7400  # Excel dropped the zero of 07400
    clients = CLIENTS.copy()
    clients.loc[4, "code_postal"] = "7400"
    report = audit(clients, raw=raw, settings=SETTINGS)
    result = clean(clients, pairs=report.pairs, repairs=report.repairs, settings=SETTINGS)
    assert result.clients.loc[4, "code_postal"] == "07400"
    assert result.repairs["code"].tolist() == ["code_postal_zero_perdu"]


def _invariant(clients: pd.DataFrame, result) -> None:
    arch = result.archives
    moved = arch[arch["motif"].isin([MOTIF_DOUBLON, MOTIF_INACTIF])]["ligne_origine"].tolist()
    kept = result.clients.index.tolist()
    # every input row is either in the cleaned sheet or in Archives, never both, never twice
    assert sorted(kept + moved) == sorted(clients.index.tolist())
    assert len(set(kept) | set(moved)) == len(clients)
    # CA total unchanged: cleaned + inactive clients archived with their (merged) CA
    inactive_ca = arch.loc[arch["motif"] == MOTIF_INACTIF, "ca_total"].astype(float).sum()
    assert result.clients["ca_total"].sum() + inactive_ca == pytest.approx(clients["ca_total"].sum(), rel=1e-12)
    # every merged row names a row that exists in the cleaned sheet or among the inactive archives
    targets = set(kept) | set(arch.loc[arch["motif"] == MOTIF_INACTIF, "ligne_origine"])
    assert set(arch.loc[arch["motif"] == MOTIF_DOUBLON, "fusionne_dans"]) <= targets


def test_invariant_nothing_lost_on_labelled_base():
    clients = labelled_clients(1200, seed=4).drop(columns=["entite", "variation"])
    assert clients["ca_total"].notna().all()
    settings = Settings(date_analyse=dt.date(2025, 12, 31))
    result = clean(clients, settings=settings)
    assert result.merged_rows > 150 and result.inactive_rows > 50
    _invariant(clients, result)
    rebuilt = restore(result)
    pd.testing.assert_frame_equal(rebuilt.astype(object), clients.sort_index().astype(object), check_dtype=False)


def test_invariant_with_missing_amounts_and_lower_threshold():
    rng = np.random.default_rng(0)
    clients = labelled_clients(400, seed=9).drop(columns=["entite", "variation"])
    clients.loc[rng.choice(clients.index, 40, replace=False), "ca_total"] = np.nan
    result = clean(clients, settings=Settings(date_analyse=dt.date(2025, 12, 31)), threshold=80)
    arch = result.archives
    moved = arch[arch["motif"].isin([MOTIF_DOUBLON, MOTIF_INACTIF])]["ligne_origine"].tolist()
    assert sorted(result.clients.index.tolist() + moved) == sorted(clients.index.tolist())
    inactive_ca = arch.loc[arch["motif"] == MOTIF_INACTIF, "ca_total"].astype(float).sum()
    assert result.clients["ca_total"].sum() + inactive_ca == pytest.approx(clients["ca_total"].sum())
    pd.testing.assert_frame_equal(restore(result).astype(object), clients.sort_index().astype(object),
                                  check_dtype=False)


def test_a_low_threshold_reaches_weaker_pairs():
    clients = pd.DataFrame({"raison_sociale": ["Boulangerie Martin", "Boulangerie Morin"],
                            "code_postal": ["69001", "69001"], "ca_total": [1.0, 2.0]}, index=[2, 3])
    assert clean(clients, settings=SETTINGS).merged_rows == 0
    low = clean(clients, settings=SETTINGS, threshold=70)
    assert low.merged_rows == 1 and low.clients["ca_total"].tolist() == [3.0]
    report = audit(clients, settings=Settings(date_analyse=TODAY, seuil_doublons=70))
    assert report.counts == {"doublon": 1, "colonne_absente": 2}  # no sector, no last purchase


def test_a_merged_ca_is_a_sum_in_cents():
    # 1 000,01 + 10,06 as a float sum is 1010.0699999999999: written as such by the streamed copy (the
    # openpyxl copy writes 16 digits, 1010.07), one size of file showed another number than the other
    pair = pd.DataFrame({"client_id": ["A", "B"], "raison_sociale": ["Dupont SARL", "DUPONT"],
                         "code_postal": ["75001", "75001"], "ca_total": [1000.01, 10.06]}, index=[2, 3])
    assert 1000.01 + 10.06 != 1010.07
    merged = clean(pair, settings=SETTINGS).clients["ca_total"].tolist()
    assert merged == [1010.07]
