"""Profile columns computed by segment() on whole frames (SPEC §6)."""

import datetime as dt

import pandas as pd

from segmenter_pme import Settings, segment

S0 = Settings(date_analyse=dt.date(2025, 12, 31))


def _clients(**extra):
    n = len(next(iter(extra.values())))
    base = {
        "Entreprise": [f"E{i}" for i in range(n)],
        "Date dernier achat": ["01/12/2025"] * n,
        "Nombre commandes": [1] * n,
        "CA total": [100.0] * n,
    }
    return pd.DataFrame({**base, **extra})


def test_regions_from_postal_codes_of_every_kind():
    df = _clients(
        **{"Code postal": [75008, "1000", "20000", "20200", "97200", "97133", "98000", "01200", None, "ABC"],
           "Ville": ["Paris", "Bourg", "Ajaccio", "Bastia", "Fort-de-France", "Gustavia", "Monaco", "Éloise",
                     None, None]}
    )
    out = segment(df, settings=S0).output["Région"].tolist()
    assert out == ["Île-de-France", "Auvergne-Rhône-Alpes", "Corse", "Corse", "Martinique", "Hors France",
                   "Hors France", "Auvergne-Rhône-Alpes", "Inconnue", "Inconnue"]


def test_postal_exception_uses_the_commune_to_find_the_departement():
    df = _clients(**{"Code postal": ["01200", "01200"], "Ville": ["Éloise", "Bellegarde-sur-Valserine"]})
    feats = segment(df, settings=S0).features
    assert feats["departement"].tolist() == ["74", "01"]


def test_region_falls_back_to_departement_then_region_columns():
    df = _clients(**{"Département": ["13", None, "Finistère"], "Région": [None, "Rhône-Alpes", None]})
    out = segment(df, settings=S0).output["Région"].tolist()
    assert out == ["Provence-Alpes-Côte d'Azur", "Auvergne-Rhône-Alpes", "Bretagne"]


def test_foreign_country_is_hors_france_even_with_a_postal_code():
    df = _clients(**{"Code postal": ["75001", "75001"], "Pays": ["France", "Belgique"]})
    assert segment(df, settings=S0).output["Région"].tolist() == ["Île-de-France", "Hors France"]


def test_size_and_sector_columns():
    df = _clients(**{"Effectif": [3, 40, 800, 12000, None], "Code NAF": ["47.11F", "4120A", "6201Z", "5610A", None]})
    out = segment(df, settings=S0.replace(seuil_regroupement_secteurs=0)).output
    assert out["Taille"].tolist() == ["TPE", "PME", "ETI", "GE", "Non renseignée"]
    assert out["Segment Secteur"].tolist() == ["Commerce", "Construction", "Information et communication",
                                               "Hôtellerie-restauration", "Non renseigné"]
