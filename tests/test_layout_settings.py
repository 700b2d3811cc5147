"""« Paramètres »: written, edited like a user would, read back; a wrong value names its cell."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from segmenter_pme.errors import SettingsError
from segmenter_pme.layout import read_settings, write_settings_sheet
from segmenter_pme.layout.parametres import read_settings as read_rows
from segmenter_pme.layout.parametres import setting_items
from segmenter_pme.rules import SegmentRule
from segmenter_pme.settings import DEFAULT_SETTINGS, SETTING_SPECS, Settings


def _sheet(settings: Settings, tmp_path=None):
    wb = openpyxl.Workbook()
    write_settings_sheet(wb, settings)
    if tmp_path is not None:
        wb.save(tmp_path / "p.xlsx")
        wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    return wb, wb["Paramètres"]


def _row_of(ws, key):
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == key:
            return row[0].row
    raise AssertionError(key)


def test_read_settings_is_none_without_the_sheet():
    assert read_settings(openpyxl.Workbook()) is None


def test_default_settings_round_trip(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    assert read_settings(wb) == DEFAULT_SETTINGS


def test_custom_settings_round_trip(tmp_path):
    rules = (
        SegmentRule("Top", r=(4, 5), f=(4, 5)),
        SegmentRule("Dormeurs", r=(1, 2)),
        SegmentRule("Autres"),
    )
    s = Settings(date_analyse=dt.date(2025, 6, 30), mode_rfm="seuils", seuils_r=(15, 60, 120, 400),
                 seuils_m=(20_000, 8_000, 2_500, 750.5), regles_segments=rules, methode_pmg="part_ca",
                 pmg_gros_pct=25, secteurs_prioritaires=("Industrie", "Construction"), croissance_potentiel=1.25,
                 max_segments=6, colonnes=(("ca_total", "Total HT 2025"), ("client_id", "N° tiers")))
    wb, ws = _sheet(s, tmp_path)
    back = read_settings(wb)
    # the mapping is listed in field order in the sheet: compare it as a mapping
    assert back.column_overrides == s.column_overrides
    assert back.replace(colonnes=s.colonnes) == s


def test_every_setting_has_a_row_with_label_default_and_comment(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    header = next(r for r in ws.iter_rows() if r[0].value == "Clé")
    assert [c.value for c in header[:5]] == ["Clé", "Paramètre", "Valeur", "Valeur par défaut", "Commentaire"]
    for spec in SETTING_SPECS:
        r = _row_of(ws, spec.key)
        assert ws.cell(r, 2).value == spec.label
        assert ws.cell(r, 5).value == spec.comment
        assert ws.cell(r, 3).fill.fgColor.rgb.endswith("FFF2CC")  # an input cell
    assert ws.cell(_row_of(ws, "seuils_r"), 3).value == "30 ; 90 ; 180 ; 365"
    assert ws.cell(_row_of(ws, "segment_1"), 3).value == "Champions : R>=4 ; F>=4 ; M>=4"
    assert ws.cell(_row_of(ws, "segment_1"), 5).value == "8 codes RFM sur 125"
    assert ws.cell(_row_of(ws, "colonne_ca_total"), 3).value is None


def test_drop_down_lists_for_the_two_choices(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"C{_row_of(ws, 'mode_rfm')}"] == '"quintiles,seuils"'
    assert lists[f"C{_row_of(ws, 'methode_pmg')}"] == '"rang,part_ca"'


def test_user_edits_are_read(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    ws.cell(_row_of(ws, "date_analyse"), 3).value = dt.datetime(2024, 12, 31)
    ws.cell(_row_of(ws, "mode_rfm"), 3).value = "Seuils"
    ws.cell(_row_of(ws, "pmg_gros_pct"), 3).value = 0.15  # typed as 15 % in a percent cell
    ws.cell(_row_of(ws, "seuils_m"), 3).value = "12 000 ; 6 000 ; 2 000 ; 500"
    s = read_settings(wb)
    assert s.date_analyse == dt.date(2024, 12, 31) and s.mode_rfm == "seuils"
    assert s.pmg_gros_pct == pytest.approx(15) and s.seuils_m == (12000, 6000, 2000, 500)


def test_an_inserted_rule_row_is_read_in_key_order(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    r = _row_of(ws, "segment_8")
    ws.insert_rows(r + 1)
    ws.cell(r + 1, 1).value = "segment_9"
    ws.cell(r + 1, 3).value = "Autres :"
    ws.cell(r, 3).value = "Perdus : R<=2 ; F=1 ; M<=2"
    s = read_settings(wb)
    assert [x.name for x in s.regles_segments][-2:] == ["Perdus", "Autres"]


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("pmg_gros_pct", "beaucoup", "Paramètres!C{row}"),
        ("mode_rfm", "décile", "Paramètres!C{row}"),
        ("date_analyse", "31/02/2025", "Paramètres!C{row}"),
        ("seuils_r", "365 ; 180 ; 90 ; 30", "Paramètres!C{row}"),  # wrong alone: checked by Settings
        ("max_segments", "", "Paramètres!C{row}"),
        ("segment_3", "Montée en gamme R>=4", "Paramètres!C{row}"),
    ],
)
def test_a_wrong_value_names_its_cell(tmp_path, key, value, expected):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    row = _row_of(ws, key)
    ws.cell(row, 3).value = value
    with pytest.raises(SettingsError) as err:
        read_settings(wb)
    assert expected.format(row=row) in str(err.value)


def test_values_wrong_only_together_name_both_cells(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    g, m = _row_of(ws, "pmg_gros_pct"), _row_of(ws, "pmg_moyens_pct")
    ws.cell(g, 3).value = 30
    ws.cell(m, 3).value = 25
    with pytest.raises(SettingsError) as err:
        read_settings(wb)
    assert f"Paramètres!C{g}" in str(err.value) and f"Paramètres!C{m}" in str(err.value)


def test_rules_that_leave_codes_uncovered_name_the_rule_cells(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    first, last = _row_of(ws, "segment_1"), _row_of(ws, "segment_8")
    ws.cell(last, 3).value = None  # the « Perdus » rule removed: codes R<=2, F=1, M<=3 uncovered
    with pytest.raises(SettingsError) as err:
        read_settings(wb)
    assert f"Paramètres!C{first}:C{last - 1}" in str(err.value)


def test_unknown_key_names_the_key_cell(tmp_path):
    wb, ws = _sheet(DEFAULT_SETTINGS, tmp_path)
    row = _row_of(ws, "max_segments")
    ws.cell(row, 1).value = "max_segment"
    with pytest.raises(SettingsError, match=f"Paramètres!A{row}"):
        read_settings(wb)


def test_reader_works_on_plain_rows():
    rows = [
        ("Paramètres de l'analyse",),
        (),
        ("Clé", "Paramètre", "Valeur"),
        ("mode_rfm", "Mode", "seuils"),
        ("max_segments", "Max", 6),
        (None,),
        ("Note libre : ignorée", None, "n'importe quoi"),
    ]
    assert setting_items(rows) == [("mode_rfm", "seuils", 4), ("max_segments", 6, 5)]
    assert read_rows(rows) == Settings(mode_rfm="seuils", max_segments=6)
