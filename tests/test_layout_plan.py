"""merge_action_plan and the plan rows, on literal data."""

from __future__ import annotations

from segmenter_pme.layout.plan_actions import (ABSENT, NEW, NOTE, STATUSES, merge_action_plan, rows_from_values,
                                               segment_rows)
from segmenter_pme.layout.plan_defaults import TEXT_COLUMNS, default_texts

from test_layout_sample import make_result


def _new(segment, clients, share=0.1, family="Segment RFM"):
    return {"Famille": family, "Segment": segment, "Clients": clients, "% base": share, **default_texts(segment),
            "Message clé": "", "Responsable": "", "Échéance": None, "Statut": "À faire"}


def test_first_run_takes_the_defaults_in_analysis_order():
    rows = merge_action_plan([], [_new("Champions", 10), _new("Perdus", 3)])
    assert [r["Segment"] for r in rows] == ["Champions", "Perdus"]
    assert rows[0]["Actions recommandées"].startswith("Avantages exclusifs")
    assert rows[0][NOTE] == "" and rows[1][NOTE] == ""
    assert rows[0]["Statut"] == "À faire" and rows[0]["Responsable"] == ""


def test_user_texts_survive_and_counts_are_updated():
    existing = [
        {"Famille": "Segment RFM", "Segment": "Champions", "Clients": 10, "% base": 0.1,
         "Description": "Nos VIP", "Objectif": "Garder", "Actions recommandées": "Déjeuner annuel",
         "Canal": "Visite", "Cadence": "Annuelle", "Indicateurs": "", "Statut": "", "Responsable": "Julie"},
    ]
    rows = merge_action_plan(existing, [_new("champions ", 42, 0.25)])
    assert len(rows) == 1
    row = rows[0]
    assert row["Clients"] == 42 and row["% base"] == 0.25
    assert row["Actions recommandées"] == "Déjeuner annuel"
    assert row["Indicateurs"] == ""  # emptied by the user: stays empty
    assert row["Responsable"] == "Julie"  # the user's own column
    assert row["Segment"] == "Champions"  # the user's spelling is kept


def test_new_segment_is_appended_and_flagged():
    existing = [{"Segment": "Champions", "Clients": 1, "Actions recommandées": "X"}]
    rows = merge_action_plan(existing, [_new("Nouveaux", 5), _new("Champions", 2)])
    assert [r["Segment"] for r in rows] == ["Champions", "Nouveaux"]  # the user's order, then the new one
    assert rows[1][NOTE] == NEW and rows[1]["Statut"] == "À faire"
    assert rows[1]["Objectif"] == default_texts("Nouveaux")["Objectif"]
    assert rows[0]["Objectif"] == default_texts("Champions")["Objectif"]  # a missing column is filled


def test_vanished_segment_is_kept_and_marked():
    existing = [
        {"Segment": "Champions", "Clients": 9, "% base": 0.3, "Actions recommandées": "A", "Statut": ""},
        {"Segment": "Perdus", "Clients": 4, "% base": 0.1, "Actions recommandées": "Ma relance", "Statut": ""},
    ]
    rows = merge_action_plan(existing, [_new("Champions", 11)])
    perdus = rows[1]
    assert perdus["Segment"] == "Perdus" and perdus[NOTE] == ABSENT and perdus["Statut"] == ""
    assert perdus["Clients"] == 0 and perdus["% base"] == 0.0
    assert perdus["Actions recommandées"] == "Ma relance"
    # it comes back: the mark goes away, the text stays
    again = merge_action_plan(rows, [_new("Champions", 11), _new("Perdus", 2)])
    assert again[1][NOTE] == "" and again[1]["Clients"] == 2 and again[1]["Actions recommandées"] == "Ma relance"


def test_rows_without_segment_are_kept_untouched():
    note = {"Segment": None, "Description": "Réunion commerciale le 3 mars"}
    rows = merge_action_plan([note], [_new("Champions", 1)])
    assert rows[0] == note and rows[1]["Segment"] == "Champions"


def test_merge_is_pure():
    existing = [{"Segment": "Champions", "Clients": 1}]
    new = [_new("Champions", 2)]
    merge_action_plan(existing, new)
    assert existing == [{"Segment": "Champions", "Clients": 1}] and new[0]["Clients"] == 2


def test_rows_from_values_finds_the_header_and_stops_at_the_first_empty_row():
    values = [
        ("Plan d'actions par segment",),
        (None,),
        (None, "Famille", "Segment", "Clients", "Actions recommandées", "Description"),
        (None, "Segment RFM", "Champions", 3, "Appeler", None),
        (None, None, None, None, None, None),
        (None, "x", "Perdus", 1, "ignoré", None),
    ]
    rows = rows_from_values(values)
    assert rows == [{"Famille": "Segment RFM", "Segment": "Champions", "Clients": 3,
                     "Actions recommandées": "Appeler", "Description": ""}]
    assert rows_from_values([("rien",), ("à lire",)]) == []
    assert rows_from_values([("Segment", "Total"), ("Champions", 3)]) == []  # not a plan table
    renamed = [("Famille", "Segment", "Clients", "Nos actions"), ("Segment RFM", "Perdus", 2, "Relancer")]
    assert rows_from_values(renamed)[0]["Nos actions"] == "Relancer"


def test_segment_rows_cover_rfm_then_pmg_without_duplicate_prospect():
    rows = segment_rows(make_result())
    names = [r["Segment"] for r in rows]
    assert names[:8] == ["Champions", "À réactiver", "Montée en gamme", "Nouveaux", "Fidèles", "Prometteurs",
                         "À risque", "Perdus"]
    assert names[8] == "Prospect"
    assert names[9:] == ["Gros", "Moyens", "Petits", "Petits à potentiel"]
    assert all(r[c] for r in rows for c in ("Description", "Objectif", "Actions recommandées", "Canal",
                                               "Cadence", "Indicateurs"))
    potentiel = rows[-1]
    assert potentiel["Clients"] > 0  # from the Potentiel output column


def test_unknown_segment_gets_a_generic_row_naming_its_rule():
    texts = default_texts("Dormeurs", "R<=2 ; F>=3")
    assert set(texts) == set(TEXT_COLUMNS)
    assert "R<=2 ; F>=3" in texts["Description"]


def test_follow_up_columns_are_the_users():
    import datetime as dt

    existing = [{"Famille": "Segment RFM", "Segment": "Champions", "Clients": 3, "Statut": "En cours (Anne)",
                 "Responsable": "Anne", "Échéance": dt.datetime(2026, 1, 15), "Message clé": "Merci !",
                 NOTE: ""}]
    row = merge_action_plan(existing, [_new("Champions", 7)])[0]
    assert (row["Statut"], row["Responsable"], row["Échéance"], row["Message clé"]) == (
        "En cours (Anne)", "Anne", dt.datetime(2026, 1, 15), "Merci !")
    assert row["Clients"] == 7


def test_a_plan_written_before_the_remark_column_loses_only_our_remarks():
    old = [{"Segment": "Champions", "Clients": 1, "Statut": NEW}, {"Segment": "Perdus", "Statut": "Fait"}]
    rows = merge_action_plan(old, [_new("Champions", 2), _new("Perdus", 1)])
    assert [r["Statut"] for r in rows] == ["", "Fait"]
    assert STATUSES == ("À faire", "En cours", "Fait")
