"""Settings (SPEC §2–§5 « Paramètres »): defaults, validation, table round trip, French errors."""

from __future__ import annotations

import datetime as dt

import pytest

from segmenter_pme import Settings, SettingsError
from segmenter_pme.rules import DEFAULT_RULES, SegmentRule
from segmenter_pme.settings import SETTING_SPECS
from support.settings_rows import settings_of


def _read(rows: dict, start_row: int = 2) -> Settings:
    """Settings read from a « Paramètres » sheet whose first setting is at Excel row ``start_row``."""
    return settings_of(rows.items(), start_row)


def test_defaults_match_spec():
    s = Settings()
    assert s.date_analyse is None  # default: the day of the run
    assert s.mode_rfm == "quintiles"
    assert s.seuils_r == (30, 90, 180, 365)
    assert s.seuils_f == (10, 5, 3, 2)
    assert s.seuils_m == (10_000, 5_000, 2_000, 500)
    assert s.regles_segments == DEFAULT_RULES
    assert s.methode_pmg == "rang"
    assert (s.pmg_gros_pct, s.pmg_moyens_pct) == (20, 50)
    assert (s.pmg_gros_part_ca, s.pmg_moyens_part_ca) == (80, 95)
    assert s.croissance_potentiel == 1.5
    assert s.seuil_petit_segment == 5
    assert s.seuil_regroupement_secteurs == 5
    assert s.max_segments == 8


def test_default_round_trip():
    s = Settings()
    assert settings_of(s.to_table().itertuples(index=False)) == s


def test_modified_round_trip():
    s = Settings(
        date_analyse=dt.date(2024, 6, 30), mode_rfm="seuils", seuils_r=(15, 60, 120, 400),
        seuils_f=(12, 6, 4, 2), seuils_m=(20_000, 7_500.5, 1_000, 250), methode_pmg="part_ca",
        pmg_gros_pct=10, pmg_moyens_pct=40, pmg_gros_part_ca=70, pmg_moyens_part_ca=90,
        secteurs_prioritaires=("Industrie", "Hôtellerie-restauration"), croissance_potentiel=2.0,
        regles_segments=(SegmentRule("Top", (4, 5), (4, 5)), SegmentRule("Reste")),
        colonnes=(("ca_total", "Montant cumulé"),),
    )
    back = settings_of(s.to_table().itertuples(index=False))
    assert back == s


def test_to_table_shape_and_rows():
    t = Settings().to_table()
    assert list(t.columns) == ["Paramètre", "Valeur"]
    keys = t["Paramètre"].tolist()
    assert keys[: len(SETTING_SPECS)] == [spec.key for spec in SETTING_SPECS]
    assert [k for k in keys if k.startswith("segment_")] == [f"segment_{i}" for i in range(1, 9)]
    value = dict(zip(t["Paramètre"], t["Valeur"]))
    assert value["segment_1"] == "Champions : R>=4 ; F>=4 ; M>=4"
    assert value["seuils_r"] == "30 ; 90 ; 180 ; 365"
    assert value["date_analyse"] == ""


def test_every_setting_has_a_french_label_and_comment():
    for spec in SETTING_SPECS:
        assert spec.label and spec.comment and spec.expected, spec.key


@pytest.mark.parametrize(
    "key,value,attr,expected",
    [
        ("date_analyse", "31/12/2025", "date_analyse", dt.date(2025, 12, 31)),
        ("date_analyse", 46022, "date_analyse", dt.date(2025, 12, 31)),  # Excel serial
        ("date_analyse", dt.datetime(2025, 12, 31, 0, 0), "date_analyse", dt.date(2025, 12, 31)),
        ("date_analyse", "2025-12-31", "date_analyse", dt.date(2025, 12, 31)),
        ("date_analyse", "", "date_analyse", None),
        ("mode_rfm", "Seuils", "mode_rfm", "seuils"),
        ("mode_rfm", "quintile", "mode_rfm", "quintiles"),
        ("methode_pmg", "part du CA", "methode_pmg", "part_ca"),
        ("seuils_r", "10 ; 20 ; 30 ; 40", "seuils_r", (10, 20, 30, 40)),
        ("seuils_m", "10 000 ; 5 000 ; 2 000 ; 500,5", "seuils_m", (10_000, 5_000, 2_000, 500.5)),
        ("pmg_gros_pct", "25 %", "pmg_gros_pct", 25.0),
        ("pmg_gros_pct", 0.25, "pmg_gros_pct", 25.0),  # a cell formatted as % holds 0.25
        ("croissance_potentiel", "1,8", "croissance_potentiel", 1.8),
        ("secteurs_prioritaires", "Industrie ; Commerce", "secteurs_prioritaires", ("Industrie", "Commerce")),
        ("max_segments", "6", "max_segments", 6),
    ],
)
def test_reads_french_values(key, value, attr, expected):
    s = _read({key: value})
    assert getattr(s, attr) == expected


def test_an_empty_row_ends_the_table():
    """The note under the table (or anything after an empty row) is not read as a setting."""
    s = settings_of([("mode_rfm", "seuils"), (None, None), ("methode_pmg", "part_ca")])
    assert s.mode_rfm == "seuils" and s.methode_pmg == Settings().methode_pmg


def test_wrong_value_names_sheet_row_value_and_label():
    with pytest.raises(SettingsError) as exc:
        _read({"date_analyse": "", "mode_rfm": "bidule"}, start_row=4)
    msg = str(exc.value)
    assert "Paramètres!C5" in msg
    assert "« bidule »" in msg
    assert "Paramètres" in msg
    assert "Mode de calcul des scores RFM" in msg
    assert "quintiles ou seuils" in msg


def test_wrong_percentage_names_row():
    with pytest.raises(SettingsError) as exc:
        _read({"pmg_gros_pct": "cent vingt"}, start_row=9)
    assert "Paramètres!C9" in str(exc.value) and "« cent vingt »" in str(exc.value)


def test_wrong_threshold_count_names_row():
    with pytest.raises(SettingsError) as exc:
        _read({"seuils_f": "10 ; 5 ; 3"}, start_row=7)
    assert "Paramètres!C7" in str(exc.value) and "10 ; 5 ; 3" in str(exc.value)


def test_wrong_date_names_row():
    with pytest.raises(SettingsError) as exc:
        _read({"date_analyse": "31/02/2025"}, start_row=3)
    assert "Paramètres!C3" in str(exc.value) and "31/02/2025" in str(exc.value)


def test_unknown_key_names_row():
    with pytest.raises(SettingsError) as exc:
        _read({"mode_rmf": "seuils"}, start_row=6)
    msg = str(exc.value)
    assert "Paramètre inconnu « mode_rmf »" in msg and "Paramètres!A6" in msg


def test_bad_segment_rule_names_row():
    with pytest.raises(SettingsError) as exc:
        _read({"segment_1": "Champions : R>=9", "segment_2": "Autres :"}, start_row=20)
    assert "Paramètres!C20" in str(exc.value)


def test_segment_rows_sorted_by_number_and_blank_rows_skipped():
    s = _read({"segment_2": "Autres :", "segment_1": "Top : R>=4", "segment_3": ""})
    assert [r.name for r in s.regles_segments] == ["Top", "Autres"]


def test_uncovered_rules_raise_french_error():
    with pytest.raises(SettingsError) as exc:
        _read({"segment_1": "Top : R>=4"})
    assert "codes RFM ne sont couverts" in str(exc.value) and "Paramètres" in str(exc.value)


def test_colonne_rows_become_overrides():
    s = _read({"colonne_ca_total": "Montant cumulé", "colonne_nb_commandes": ""})
    assert s.column_overrides == {"ca_total": "Montant cumulé"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mode_rfm": "deciles"},
        {"methode_pmg": "abc"},
        {"seuils_r": (90, 30, 180, 365)},
        {"seuils_r": (30, 30, 180, 365)},
        {"seuils_f": (2, 3, 5, 10)},
        {"seuils_m": (500, 2000, 5000, 10000)},
        {"pmg_gros_pct": 60, "pmg_moyens_pct": 50},
        {"pmg_gros_pct": 0},
        {"pmg_moyens_pct": 100},
        {"pmg_gros_part_ca": 95, "pmg_moyens_part_ca": 80},
        {"regles_segments": (SegmentRule("Top", (4, 5)),)},
    ],
)
def test_invalid_settings_raise_settings_error(kwargs):
    with pytest.raises(SettingsError) as exc:
        Settings(**kwargs)
    assert str(exc.value)  # a sentence, not empty


def test_settings_is_frozen_and_replace_validates():
    s = Settings()
    with pytest.raises(Exception):
        s.mode_rfm = "seuils"  # type: ignore[misc]
    assert s.replace(mode_rfm="seuils").mode_rfm == "seuils"
    with pytest.raises(SettingsError):
        s.replace(pmg_gros_pct=80)


@pytest.mark.parametrize("text", ["31/12/25", "31-12-2025", "31.12.2025", "31/12/2025 00:00"])
def test_analysis_date_accepts_the_same_french_formats_as_the_data(text):
    """Assumption (SPEC silent): a date typed in « Paramètres » is read like a date of the data sheets."""
    s = _read({"date_analyse": text})
    assert s.date_analyse == dt.date(2025, 12, 31)
