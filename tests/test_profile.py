"""Profile segments (SPEC §6): secteur, taille, région, SIREN/SIRET."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.profile import (
    group_small_sectors,
    region_of,
    regions,
    sector_of_naf,
    sectors,
    siret_is_valid,
    size_class,
    sizes,
)
from segmenter_pme.refdata import departements
from segmenter_pme.refdata import regions as official_regions

D0 = dt.date(2025, 12, 31)

# ------------------------------------------------------------------ secteur


@pytest.mark.parametrize("code", ["47.11F", "4711F", "47.11f", " 47.11 F ", "47", "4711"])
def test_naf_retail_is_commerce(code):
    assert sector_of_naf(code) == "Commerce"


@pytest.mark.parametrize(
    "code,group",
    [
        ("01.11Z", "Agriculture"), ("03.11Z", "Agriculture"),
        ("08.11Z", "Industrie"), ("10.71C", "Industrie"), ("35.11Z", "Industrie"), ("38.11Z", "Industrie"),
        ("41.20A", "Construction"), ("43.21A", "Construction"),
        ("45.20A", "Commerce"), ("46.90Z", "Commerce"),
        ("49.41A", "Transport et logistique"), ("52.10B", "Transport et logistique"),
        ("55.10Z", "Hôtellerie-restauration"), ("56.10A", "Hôtellerie-restauration"),
        ("62.01Z", "Information et communication"), ("58.11Z", "Information et communication"),
        ("64.19Z", "Finance et immobilier"), ("68.20A", "Finance et immobilier"),
        ("69.20Z", "Services professionnels"), ("70.22Z", "Services professionnels"),
        ("81.21Z", "Services professionnels"),
        ("84.11Z", "Public, enseignement et santé"), ("85.59A", "Public, enseignement et santé"),
        ("86.21Z", "Public, enseignement et santé"),
        ("90.01Z", "Autres services"), ("96.02A", "Autres services"), ("94.99Z", "Autres services"),
    ],
)
def test_naf_section_groups(code, group):
    assert sector_of_naf(code) == group


@pytest.mark.parametrize("code", [None, float("nan"), "", "ABC", "00.00Z", "4"])
def test_naf_unreadable(code):
    assert sector_of_naf(code) is None


def test_sector_column_first_then_naf():
    idx = pd.RangeIndex(4)
    got = sectors(idx, secteur=pd.Series(["  commerce ", None, "COMMERCE", "Commerce"]),
                  naf=pd.Series(["62.01Z", "62.01Z", None, None]))
    assert got.tolist() == ["Commerce", "Information et communication", "Commerce", "Commerce"]


def test_sector_unknown():
    got = sectors(pd.RangeIndex(1), secteur=None, naf=pd.Series(["??"]))
    assert got.tolist() == ["Non renseigné"]


def test_sector_spelling_variants_unified():
    got = sectors(pd.RangeIndex(3), secteur=pd.Series(["Hôtellerie", "hotellerie", "Hôtellerie"]), naf=None)
    assert got.tolist() == ["Hôtellerie"] * 3


def test_small_sectors_grouped_under_five_percent():
    labels = pd.Series(["A"] * 90 + ["B"] * 6 + ["C"] * 2 + ["D"] * 2)
    got = group_small_sectors(labels, 5.0)
    assert got.value_counts().to_dict() == {"A": 90, "B": 6, "Autres secteurs": 4}


def test_sector_at_exactly_five_percent_is_kept():
    labels = pd.Series(["A"] * 87 + ["B"] * 5 + ["C"] * 4 + ["D"] * 4)
    got = group_small_sectors(labels, 5.0)
    assert got.value_counts().to_dict() == {"A": 87, "B": 5, "Autres secteurs": 8}


def test_single_small_sector_is_not_renamed():
    """Assumption (SPEC silent): grouping one lone sector would only hide its name."""
    labels = pd.Series(["A"] * 97 + ["B"] * 3)
    assert group_small_sectors(labels, 5.0).tolist() == labels.tolist()


def test_segment_secteur_groups_small_sectors_in_pipeline():
    n = 50
    df = pd.DataFrame({
        "Code client": [f"C{i}" for i in range(n)],
        "Date dernier achat": ["01/06/2025"] * n,
        "Nombre commandes": [1] * n,
        "CA total": [100] * n,
        "Secteur": ["Commerce"] * 46 + ["Industrie"] * 2 + ["Agriculture", "Transport et logistique"],
    })
    out = segment(df, settings=Settings(date_analyse=D0)).output
    assert out["Segment Secteur"].astype(str).value_counts().to_dict() == {"Commerce": 46, "Autres secteurs": 4}


# ------------------------------------------------------------------ taille

@pytest.mark.parametrize(
    "value,expected",
    [
        (0, "TPE"), (1, "TPE"), (9, "TPE"), (9.5, "TPE"),
        (10, "PME"), (249, "PME"),
        (250, "ETI"), (4999, "ETI"),
        (5000, "GE"), (120000, "GE"),
        ("10 à 19 salariés", "PME"), ("250 salariés", "ETI"), ("5 000", "GE"),
        (None, "Non renseignée"), (float("nan"), "Non renseignée"), ("", "Non renseignée"), ("inconnu", "Non renseignée"),
    ],
)
def test_size_from_headcount(value, expected):
    assert size_class(value, band_code=False if not isinstance(value, str) else None) == expected


@pytest.mark.parametrize(
    "code,expected",
    [
        ("00", "TPE"), ("01", "TPE"), ("02", "TPE"), ("03", "TPE"),
        ("11", "PME"), ("12", "PME"), ("21", "PME"), ("22", "PME"), ("31", "PME"),
        ("32", "ETI"), ("41", "ETI"), ("42", "ETI"), ("51", "ETI"),
        ("52", "GE"), ("53", "GE"),
        ("NN", "Non renseignée"),
        (3, "TPE"), (11, "PME"), (52, "GE"),  # band codes read back as numbers by Excel
    ],
)
def test_size_from_sirene_band_code(code, expected):
    assert size_class(code, band_code=True) == expected


def test_band_code_guessed_from_two_character_text():
    assert size_class("03") == "TPE"
    assert size_class("NN") == "Non renseignée"


def test_sizes_band_column_wins_over_headcount():
    idx = pd.RangeIndex(3)
    got = sizes(pd.Series([5, 300, None]), pd.Series(["52", None, "11"]), idx)
    assert got.tolist() == ["GE", "ETI", "PME"]


# ------------------------------------------------------------------ région

@pytest.mark.parametrize(
    "cp,region",
    [
        ("75001", "Île-de-France"),
        ("13001", "Provence-Alpes-Côte d'Azur"),
        ("69003", "Auvergne-Rhône-Alpes"),
        ("1000", "Auvergne-Rhône-Alpes"),  # lost leading zero
        (1000, "Auvergne-Rhône-Alpes"),
        ("20000", "Corse"), ("20100", "Corse"), ("20200", "Corse"), ("20600", "Corse"),
        ("97100", "Guadeloupe"), ("97200", "Martinique"), ("97300", "Guyane"), ("97400", "La Réunion"),
        ("97600", "Mayotte"),
        ("97133", "Hors France"),  # Saint-Barthélemy
        ("97150", "Hors France"),  # Saint-Martin
        ("97500", "Hors France"),  # Saint-Pierre-et-Miquelon
        ("98000", "Hors France"),  # Monaco
        ("98800", "Hors France"),  # Nouvelle-Calédonie
        ("00100", "Inconnue"),
        ("ABCDE", "Inconnue"),
        (None, "Inconnue"),
    ],
)
def test_region_of_postal_code(cp, region):
    assert region_of(cp) == region


def test_corsica_departements():
    idx = pd.RangeIndex(4)
    reg, dep = regions(idx, postal=pd.Series(["20000", "20167", "20200", "20600"]))
    assert dep.tolist() == ["2A", "2A", "2B", "2B"]
    assert reg.tolist() == ["Corse"] * 4


def test_drom_departements():
    idx = pd.RangeIndex(5)
    _, dep = regions(idx, postal=pd.Series(["97110", "97200", "97300", "97400", "97600"]))
    assert dep.tolist() == ["971", "972", "973", "974", "976"]


@pytest.mark.parametrize(
    "cp,ville,dep,region",
    [
        ("01200", "Éloise", "74", "Auvergne-Rhône-Alpes"),
        ("01200", "ELOISE", "74", "Auvergne-Rhône-Alpes"),
        ("01200", "Bellegarde-sur-Valserine", "01", "Auvergne-Rhône-Alpes"),
        ("01410", "Lajoux", "39", "Bourgogne-Franche-Comté"),
        ("05110", "Claret", "04", "Provence-Alpes-Côte d'Azur"),
        ("13780", "Riboux", "83", "Provence-Alpes-Côte d'Azur"),
        ("21340", "Change", "71", "Bourgogne-Franche-Comté"),
        ("33220", "Fougueyrolles", "24", "Nouvelle-Aquitaine"),
        ("37160", "Buxeuil", "86", "Nouvelle-Aquitaine"),
        ("42620", "Saint-Pierre-Laval", "03", "Auvergne-Rhône-Alpes"),
        ("52100", "Sapignicourt", "51", "Grand Est"),
        ("94390", "Paray-Vieille-Poste", "91", "Île-de-France"),
    ],
)
def test_cp_exceptions(cp, ville, dep, region):
    reg, d = regions(pd.RangeIndex(1), postal=pd.Series([cp]), ville=pd.Series([ville]))
    assert d.iloc[0] == dep
    assert reg.iloc[0] == region
    assert region_of(cp, ville) == region


def test_region_fallbacks_departement_then_region_then_country():
    idx = pd.RangeIndex(6)
    reg, dep = regions(
        idx,
        postal=pd.Series([None, None, None, "75001", None, None], dtype=object),
        departement=pd.Series(["33", "Gironde", None, None, 2, None], dtype=object),
        region=pd.Series([None, None, "Bretagne", None, None, "Rhône-Alpes"], dtype=object),
        pays=pd.Series(["France", "", None, "Belgique", "FR", None], dtype=object),
    )
    assert reg.tolist() == ["Nouvelle-Aquitaine", "Nouvelle-Aquitaine", "Bretagne", "Hors France",
                            "Hauts-de-France", "Auvergne-Rhône-Alpes"]
    assert dep.iloc[0] == "33" and dep.iloc[1] == "33" and dep.iloc[4] == "02"


def test_eighteen_official_regions():
    names = set(official_regions().values())
    assert len(names) == 18
    assert {r for _, r in departements().values()} == names


# ------------------------------------------------------------------ SIREN / SIRET

@pytest.mark.parametrize(
    "value,valid",
    [
        ("732829320", True),  # SIREN, Luhn ok
        ("732829321", False),
        ("73282932000074", True),  # SIRET, Luhn ok
        ("73282932000075", False),
        ("732 829 320 00074", True),
        ("356000000", True),  # La Poste SIREN
        ("35600000049837", True),  # La Poste SIRET: fails Luhn, digit sum multiple of 5
        ("35600000049838", False),
        (3.5600000000048e13, True),  # SIRET read back from a float
        (73282932000074, True),
        ("12345", False),
        (None, False),
        (float("nan"), False),
    ],
)
def test_siret_validity(value, valid):
    assert siret_is_valid(value) is valid


def test_invalid_siret_reported_in_pipeline():
    df = pd.DataFrame({"Code client": ["A", "B"], "Date dernier achat": ["01/06/2025"] * 2,
                       "Nombre commandes": [1, 1], "CA total": [10, 20],
                       "SIRET": ["73282932000074", "73282932000075"]}, index=[2, 3])
    r = segment(df, settings=Settings(date_analyse=D0))
    bad = [i for i in r.issues if i.code == "siret_invalide"]
    assert [(i.row, i.value) for i in bad] == [(3, "73282932000075")]
    assert r.features["siret_valide"].tolist() == [True, False]


# ------------------------------------------------------------------ through segment()

def test_profile_columns_in_pipeline():
    df = pd.DataFrame({
        "Code client": ["A", "B", "C", "D", "E"],
        "Date dernier achat": ["01/06/2025"] * 5,
        "Nombre commandes": [1] * 5,
        "CA total": [10, 20, 30, 40, 50],
        "Code NAF": ["47.11F", "4711F", "62.01Z", "41.20A", "55.10Z"],
        "Effectif": [3, 12, 300, 6000, None],
        "Code postal": ["75001", 1000, "20100", "97133", "20200"],
    })
    out = segment(df, settings=Settings(date_analyse=D0, seuil_regroupement_secteurs=0)).output
    assert out["Segment Secteur"].astype(str).tolist() == [
        "Commerce", "Commerce", "Information et communication", "Construction", "Hôtellerie-restauration"]
    assert out["Taille"].astype(str).tolist() == ["TPE", "PME", "ETI", "GE", "Non renseignée"]
    assert out["Région"].astype(str).tolist() == [
        "Île-de-France", "Auvergne-Rhône-Alpes", "Corse", "Hors France", "Corse"]


@pytest.mark.parametrize("text,expected", [("moins de 10 salariés", "TPE"), ("Moins de 250", "PME"),
                                           ("< 10", "TPE"), ("plus de 5 000 salariés", "GE")])
def test_size_from_french_headcount_phrases(text, expected):
    """Assumption (SPEC silent): « moins de 10 salariés » means fewer than 10, i.e. a TPE.

    Free-text headcounts such as « moins de 10 » are common in hand-kept files;
    reading the number alone (10 → PME) inverts their meaning.
    """
    assert size_class(text) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(alphabet="0123456789", min_size=9, max_size=14),
    st.from_regex(r"35600000\d{6}", fullmatch=True),
    st.sampled_from(["", "abc", "٣١٢٣٤٥٦٧٨", "73282932000074", "35600000000048", "732829320", "12345678 ",
                     "732829320\x00", "７３２８２９３２０", " 732829320"]),
), max_size=40))
def test_vectorised_identifier_check_equals_stdnum(values):
    from stdnum.fr import siren as std_siren, siret as std_siret

    from segmenter_pme.profile import identifiers_are_valid

    for length, std in ((9, std_siren), (14, std_siret)):
        # the audit's rule: `length` digits (any script, as re's \d) and stdnum's check
        expected = [re.fullmatch(r"\d{%d}" % length, v) is not None and bool(std.is_valid(v)) for v in values]
        assert identifiers_are_valid(np.array(values, dtype=object), length).tolist() == expected
