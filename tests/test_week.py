"""« Priorités de la semaine »: who is called which day, by hand, per salesperson; the sheet; the settings."""

from __future__ import annotations

import openpyxl
import pytest

from segmenter_pme import Settings, SettingsError, segment
from segmenter_pme.layout.priorites import build_priorites
from segmenter_pme.week import NO_SALESPERSON, week_calls

from support.settings_rows import settings_of
from test_lists import D0, _base


def _calls(df=None, **settings):
    result = segment(_base() if df is None else df, settings=Settings(date_analyse=D0, **settings))
    return result, week_calls(result)


def test_the_guides_week_by_hand_per_salesperson():
    # C1 Champions/Gros (Anne), C2 Champions/Moyens (Bruno), C3 Fidèles/Moyens (Anne),
    # C4 À risque/Petits à potentiel (Bruno), C5 Perdus/Petits (none), C6 Prospect (Anne)
    _, calls = _calls()
    got = [(r["Jour"], r["Commercial"], r["N°"], r["Code client"]) for _, r in calls.iterrows()]
    assert got == [("Lundi", "Anne", 1, "C1"),
                   ("Mardi", "Anne", 1, "C3"), ("Mardi", "Bruno", 1, "C2"),
                   ("Mercredi", "Anne", 1, "C6"), ("Mercredi", "Bruno", 1, "C4")]
    # C4 is À risque too, but already called on Wednesday: Thursday has nobody left
    monday = calls.iloc[0]
    assert monday["Pourquoi"] == "Gros client, 12\u202f000\u00a0€ de CA"
    assert monday["Téléphone"] == "06 12 34 56 78" and monday["Email"] == "anne@alpha.fr"
    assert monday["Contact"] == "Anne Le Gall"
    assert calls.iloc[4]["Pourquoi"] == "Petit à potentiel : Grande entreprise (GE) pour un petit compte"
    assert calls.iloc[3]["Pourquoi"] == "Prospect du secteur Commerce"


def test_list_length_and_themes_are_settings():
    _, calls = _calls(appels_par_jour=1, semaine_lundi="champions", semaine_jeudi="a_risque")
    monday = calls[calls["Jour"] == "Lundi"]
    assert monday[["Commercial", "Code client"]].values.tolist() == [["Anne", "C1"], ["Bruno", "C2"]]
    assert monday["Thème"].iloc[0] == "Champions à remercier"
    assert calls[calls["Jour"] == "Mardi"]["Code client"].tolist() == ["C3"]  # C2 was called on Monday


def test_without_a_salesperson_column_one_list_and_unassigned_last():
    _, calls = _calls(_base().drop(columns=["Commercial"]))
    assert set(calls["Commercial"]) == {""}
    assert calls[calls["Jour"] == "Mardi"]["Code client"].tolist() == ["C2", "C3"]  # by CA
    df = _base()
    df.loc[2, "Commercial"] = None
    _, calls = _calls(df, semaine_lundi="champions")
    assert calls[calls["Jour"] == "Lundi"]["Commercial"].tolist() == ["Bruno", NO_SALESPERSON]


def test_themes_are_checked_and_read_in_french():
    with pytest.raises(SettingsError, match="Thème inconnu « golf » pour le lundi"):
        Settings(semaine_lundi="golf")
    assert settings_of([("semaine_jeudi", "À risque")]).semaine_jeudi == "a_risque"


def test_sheet_one_block_per_salesperson_and_day(tmp_path):
    from segmenter_pme.layout.placement import plan
    from segmenter_pme.layout.render_plan import cells_by_coordinate

    result, calls = _calls()
    layout = build_priorites(result, calls)
    cells = cells_by_coordinate(plan(layout))
    texts = [c.value for c in cells.values() if isinstance(c.value, str)]
    assert "Commercial : Anne" in texts and "Commercial : Bruno" in texts
    assert "Lundi — Gros clients et devis en attente" in texts
    assert texts.count("Aucun client pour ce thème cette semaine.") == 2 * 5 - 5  # 10 day blocks, 5 filled


def test_run_writes_the_sheet(tmp_path):
    from segmenter_pme.workbook import run
    from wbfactory import rich_workbook

    book = rich_workbook(tmp_path / "clients.xlsx")
    run(book, analysis_date=D0)
    ws = openpyxl.load_workbook(book)["Priorités de la semaine"]
    assert ws["B1"].value == "Priorités de la semaine"
    captions = [c.value for c in ws["B"] if isinstance(c.value, str) and " — " in c.value and c.row > 3]
    assert [c.split(" — ")[0] for c in captions] == ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"]


def test_a_client_known_only_by_its_code_is_named_by_it():
    import pandas as pd

    invoices = pd.DataFrame({"Code client": ["K1", "K2", "K1"], "Date": pd.to_datetime(["2025-11-02", "2025-10-01",
                                                                                     "2025-12-01"]),
                             "Montant HT": [900.0, 120.0, 400.0]})
    calls = week_calls(segment(invoices=invoices, settings=Settings(date_analyse=D0)))
    assert len(calls) and (calls["Entreprise"] == calls["Code client"]).all()
    assert set(calls["Code client"]) <= {"K1", "K2"}
