"""history() (SPEC §8): settings of the history."""

from __future__ import annotations

import pytest

from segmenter_pme import Settings, SettingsError
from support.settings_rows import settings_of


def test_history_settings_round_trip_through_parametres():
    table = Settings().to_table()
    values = dict(zip(table["Paramètre"], table["Valeur"]))
    assert values["periode_historique"] == "trimestre"
    assert values["nombre_periodes"] == 8
    assert values["fenetre_campagne"] == 30
    rows = [(k, v) for k, v in values.items()]
    rows = [(k, {"periode_historique": "Mensuel", "nombre_periodes": "12", "fenetre_campagne": "45",
                 "signal_croissance": "25 %", "signal_ca_par_client": "2,5"}.get(k, v)) for k, v in rows]
    s = settings_of(rows)
    assert (s.periode_historique, s.nombre_periodes, s.fenetre_campagne) == ("mois", 12, 45)
    assert (s.signal_croissance, s.signal_ca_par_client) == (25.0, 2.5)


@pytest.mark.parametrize("key,value", [("periode_historique", "semaine"), ("nombre_periodes", "0"),
                                       ("fenetre_campagne", "-3")])
def test_bad_history_settings_are_a_french_message(key, value):
    with pytest.raises(SettingsError) as err:
        settings_of([(key, value)], first_row=7)
    assert "Paramètres" in err.value.message


# ---------------------------------------------------------------- a tiny base computed by hand

import datetime as dt  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from segmenter_pme import history, segment  # noqa: E402
from segmenter_pme.history_result import NEW_CLIENTS, NOT_YET_CLIENT  # noqa: E402

D = dt.date(2025, 11, 15)


def _lines():
    # A: 05/01 100, 10/04 200, 02/11 300 · B: 15/02 50, 20/08 80 · C: 01/10 1000 · D: 10/11 40
    return pd.DataFrame({
        "Code client": ["A", "A", "B", "B", "C", "A", "D"],
        "Date": ["05/01/2025", "10/04/2025", "15/02/2025", "20/08/2025", "01/10/2025", "02/11/2025", "10/11/2025"],
        "Montant HT": [100, 200, 50, 80, 1000, 300, 40],
    }, index=range(2, 9))


def _kpi(h, dim, segment_, label):
    k = h.kpis
    row = k[(k["dimension"] == dim) & (k["segment"] == segment_) & (k["period_label"] == label)]
    assert len(row) == 1
    return row.iloc[0]


def test_quarters_members_retention_evolution_by_hand():
    h = history(invoices=_lines(), settings=Settings(date_analyse=D))
    assert h.source == "factures"
    # never before the first invoice line (05/01/2025); the last quarter is cut at D
    assert list(h.periods["label"]) == ["T1 2025", "T2 2025", "T3 2025", "T4 2025 (au 15/11)"]
    assert list(h.periods["partial"]) == [False, False, False, True]
    assert h.periods["start"].iloc[1] == pd.Timestamp("2025-03-31")
    # at 31/03: A (1 order, 100 €, 85 days) and B (1 order, 50 €, 44 days) → A = 113 Perdus, B = 311 Prometteurs;
    # A Gros (nobody above), B Petits (1 of 2 above: 50 % is not < 50 %)
    t2 = _kpi(h, "RFM", "Perdus", "T2 2025")
    assert (t2["clients"], t2["ca"], t2["retention"]) == (1, 200.0, 1.0)  # A bought 200 on 10/04
    t2p = _kpi(h, "RFM", "Prometteurs", "T2 2025")
    assert (t2p["clients"], t2p["ca"], t2p["retention"]) == (1, 0.0, 0.0)
    assert _kpi(h, "PMG", "Gros", "T2 2025")["ca"] == 200.0
    # T1: nobody was a client at 31/12/2024; A and B are new (150 €)
    new1 = _kpi(h, "RFM", NEW_CLIENTS, "T1 2025")
    assert (new1["clients"], new1["ca"]) == (2, 150.0)
    assert _kpi(h, "RFM", "Champions", "T1 2025")["clients"] == 0
    assert np.isnan(_kpi(h, "RFM", "Champions", "T1 2025")["retention"])
    # at 30/06: A = 333 Fidèles, B = 111 Perdus; in T3 B bought 80 → Perdus' CA 80 against 200 in T2: −60 %
    t3 = _kpi(h, "RFM", "Perdus", "T3 2025")
    assert (t3["clients"], t3["ca"], t3["retention"]) == (1, 80.0, 1.0)
    assert t3["evolution_ca"] == pytest.approx(80 / 200 - 1)
    assert _kpi(h, "PMG", "Gros", "T3 2025")["evolution_ca"] == pytest.approx(-1.0)
    assert np.isnan(_kpi(h, "PMG", "Petits", "T3 2025")["evolution_ca"])  # 0 € in T2: no ratio
    # T4 (au 15/11): A (Perdus at 30/09) bought 300; C and D are new (1 040 €)
    assert _kpi(h, "RFM", "Perdus", "T4 2025 (au 15/11)")["ca"] == 300.0
    new4 = _kpi(h, "RFM", NEW_CLIENTS, "T4 2025 (au 15/11)")
    assert (new4["clients"], new4["ca"]) == (2, 1040.0)
    assert h.kpis["evolution_ca_n1"].isna().all()  # less than a year of history
    assert set(h.kpis["dimension"]) == {"RFM", "PMG", "Potentiel"}


def test_history_of_a_segmentation_does_not_segment_again(monkeypatch):
    from segmenter_pme import timeline

    s = Settings(date_analyse=D)
    seg = segment(invoices=_lines(), settings=s)
    fresh = history(invoices=_lines(), settings=s)

    def no_second_segmentation(*args, **kwargs):
        raise AssertionError("segment() called again")

    monkeypatch.setattr(timeline, "run", no_second_segmentation)
    h = history(invoices=_lines(), settings=s, result=seg)
    assert h.segmentation is seg  # the last snapshot is segment()'s own output
    pd.testing.assert_frame_equal(h.kpis, fresh.kpis)
    pd.testing.assert_frame_equal(h.snapshots, fresh.snapshots)
    pd.testing.assert_frame_equal(h.migration["RFM"], fresh.migration["RFM"])


def test_migration_matrix_previous_segment_and_snapshots_by_hand():
    h = history(invoices=_lines(), settings=Settings(date_analyse=D))
    m = h.migration["RFM"]
    # at 30/09: A = 113 Perdus, B = 311 Prometteurs; at D: A 343 Fidèles, B 132 À risque, C 214 À réactiver,
    # D 411 Nouveaux
    expected = {("Perdus", "Fidèles"): 1, ("Prometteurs", "À risque"): 1, (NOT_YET_CLIENT, "À réactiver"): 1,
                (NOT_YET_CLIENT, "Nouveaux"): 1}
    for (r, c), v in expected.items():
        assert m.loc[r, c] == v
    assert int(m.to_numpy().sum()) == 4
    assert list(m.index)[-1] == NOT_YET_CLIENT
    assert "Prospect" not in m.columns
    # CA of the last 12 months of each cell (all lines are within 12 months of D)
    assert h.migration_ca["RFM"].loc["Perdus", "Fidèles"] == 600.0
    pmg = h.migration["PMG"]
    assert pmg.loc["Gros", "Moyens"] == 1 and pmg.loc[NOT_YET_CLIENT, "Gros"] == 1
    assert list(h.previous_segment) == ["Perdus", "Prometteurs", NOT_YET_CLIENT, NOT_YET_CLIENT]
    s = h.snapshots
    assert s is h.snapshots  # made once, on first read
    at_q3 = s[s["period_end"] == pd.Timestamp("2025-09-30")].set_index("key")
    assert at_q3.loc["B", "orders"] == 2 and at_q3.loc["B", "ca_total"] == 130.0
    assert at_q3.loc["A", "last_purchase"] == pd.Timestamp("2025-04-10")
    assert set(s["period_end"]) == {pd.Timestamp(x) for x in ("2025-03-31", "2025-06-30", "2025-09-30",
                                                              "2025-11-15")}
    assert len(h.watch) == 0  # A was Gros at 30/09 but is Fidèles now
    assert 3 <= len(h.changes) <= 5
    assert h.changes[0].startswith("T4 2025 (au 15/11) : 1\u202f340\u00a0€ de CA (trimestre en cours)")
    assert "50,0\u00a0% des 2 clients" in h.changes[1]  # A ordered, B did not
    assert h.changes[2].startswith("2 nouveaux clients ce trimestre (1\u202f040\u00a0€")


def test_evolution_against_the_same_quarter_a_year_earlier():
    # B: 01/01/2024 50, 10/05/2024 100 · A: 10/05/2024 100, 10/05/2025 150
    inv = pd.DataFrame({"Code client": ["B", "B", "A", "A"],
                        "Date": ["01/01/2024", "10/05/2024", "10/05/2024", "10/05/2025"],
                        "Montant HT": [50, 100, 100, 150]})
    h = history(invoices=inv, settings=Settings(date_analyse=dt.date(2025, 6, 30)))
    assert h.periods["label"].iloc[0] == "T1 2024" and h.periods["label"].iloc[-1] == "T2 2025"
    # at 31/03/2024 B alone (111 Perdus) bought 100 in T2 2024; at 31/03/2025 A = 111 Perdus (B = 133 À risque)
    # bought 150 in T2 2025: +50 %
    assert _kpi(h, "RFM", "Perdus", "T2 2024")["ca"] == 100.0
    assert _kpi(h, "RFM", "Perdus", "T2 2025")["evolution_ca_n1"] == pytest.approx(0.5)
    assert _kpi(h, "RFM", "À risque", "T2 2025")["clients"] == 1


def test_campaigns_by_hand_and_bad_rows_get_a_remark():
    clients = pd.DataFrame({"Code client": ["A", "B", "C", "D"], "Relance mail": [None, "x", "", "x"]},
                           index=range(2, 6))
    camp = pd.DataFrame({
        "Campagne": ["Tous", "Perdus", "Mail", "Mauvaise cible", "Future", "Fenêtre", None],
        "Date d'envoi": ["01/10/2025", "30/09/2025", "15/08/2025", "01/09/2025", "01/12/2025", "01/09/2025", None],
        "Cible": ["Tous les clients", "perdus", "Relance mail", "Les VIP", "Perdus", "Perdus", None],
        "Fenêtre (jours)": [60, 30, None, 30, 30, -5, None],
        "Canal": ["E-mail"] * 6 + [None],
        "Coût (€)": [100, 50, 0, 0, 0, 0, None],
    }, index=range(4, 11))
    h = history(clients=clients, invoices=_lines(), settings=Settings(date_analyse=D), campaigns=camp)
    c = h.campaigns
    assert list(c.index) == list(camp.index)
    assert list(c["Canal"].iloc[:6]) == ["E-mail"] * 6  # the user's cells kept
    # « Tous les clients » sent 01/10: A, B, C have ordered by then; A buys on 02/11 (C's order is the 01/10 itself);
    # window cut at D. Usual rate: members at 02/08 (A, B), B bought on 20/08 → 1/2
    r = c.loc[4]
    assert (r["Clients ciblés"], r["Acheteurs"], r["CA généré"]) == (3, 1, 300.0)
    assert r["Taux de conversion"] == pytest.approx(1 / 3) and r["Taux habituel"] == pytest.approx(0.5)
    assert r["Effet (points)"] == pytest.approx(-16.7)
    assert r["Statut"] == "en cours (J+45 / 60)"
    # « Perdus » at 30/09 = {A}, no order before 30/10
    r = c.loc[5]
    assert (r["Clients ciblés"], r["Acheteurs"], r["Taux de conversion"], r["Statut"]) == (1, 0, 0.0, "terminée")
    # column target: B and D marked (D not yet a client); default window 30 → B bought 80 on 20/08
    r = c.loc[6]
    assert (r["Clients ciblés"], r["Acheteurs"], r["CA généré"], r["Taux habituel"]) == (2, 1, 80.0, 0.0)
    assert r["Effet (points)"] == pytest.approx(50.0)
    for row, word in ((7, "inconnue"), (8, "postérieure"), (9, "Fenêtre")):
        assert word in c.loc[row, "Remarque"]
        assert pd.isna(c.loc[row, "Clients ciblés"])
    assert c.loc[10, "Remarque"] == "" and pd.isna(c.loc[10, "Clients ciblés"])  # blank row left alone
    assert {(i.sheet, i.row) for i in h.issues} == {("Campagnes", 7), ("Campagnes", 8), ("Campagnes", 9)}


def test_without_invoice_lines_movements_come_from_stored_snapshots():
    clients = pd.DataFrame({"Code client": ["A", "B", "C"],
                            "Date dernier achat": ["01/12/2025", "01/08/2025", "20/12/2025"],
                            "Nombre commandes": [6, 2, 1], "CA total": [6000, 300, 150]}, index=range(2, 5))
    first = history(clients=clients, settings=Settings(date_analyse=dt.date(2025, 12, 31)))
    assert first.source == "aucun" and "Historique" in first.reach
    stored = pd.DataFrame({
        "analysis_date": ["30/09/2025"] * 2 + ["15/12/2025"],  # the last one is less than 28 days old: not used
        "key": ["A", "B", "A"], "segment_rfm": ["Champions", "Fidèles", "Perdus"],
        "segment_pmg": ["Gros", "Petits", "Gros"], "score_r": [5, 4, 1], "score_f": [5, 3, 1], "score_m": [5, 2, 1],
        "ca_total": [5000, 300, 5000], "orders": [5, 2, 5], "last_purchase": ["15/09/2025", "01/08/2025",
                                                                                "15/09/2025"],
    })
    stored["analysis_date"] = pd.to_datetime(stored["analysis_date"], dayfirst=True)
    stored["last_purchase"] = pd.to_datetime(stored["last_purchase"], dayfirst=True)
    h = history(clients=clients, settings=Settings(date_analyse=dt.date(2025, 12, 31)), snapshots=stored)
    assert h.source == "historique"
    # members at 30/09: A Champions, B Fidèles; A bought since (01/12 > 30/09), B did not (01/08)
    champ = _kpi(h, "RFM", "Champions", h.periods["label"].iloc[-1])
    assert (champ["clients"], champ["retention"], champ["ca"]) == (1, 1.0, 1000.0)
    assert _kpi(h, "RFM", "Fidèles", h.periods["label"].iloc[-1])["retention"] == 0.0
    assert _kpi(h, "RFM", NEW_CLIENTS, h.periods["label"].iloc[-1])["clients"] == 1  # C
    m = h.migration["RFM"]
    assert m.loc[NOT_YET_CLIENT].sum() == 1 and m.loc["Champions"].sum() == 1 and m.loc["Fidèles"].sum() == 1
    assert list(h.previous_segment.iloc[:2]) == ["Champions", "Fidèles"]


# ---------------------------------------------------------------- properties

from hypothesis import HealthCheck, Phase, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

E2E = hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                phases=[Phase.explicit, Phase.reuse, Phase.generate])
DAY0 = dt.date(2023, 9, 1)
line = st.tuples(
    st.integers(min_value=0, max_value=7),  # client
    st.integers(min_value=0, max_value=805),  # days after DAY0 (up to D = 15/11/2025)
    st.integers(min_value=-20_000, max_value=300_000).map(lambda c: c / 100),  # amount, € (negative: credit note)
    st.integers(min_value=0, max_value=3),  # invoice number (lines may repeat one)
)


def _frame(rows):
    return pd.DataFrame({
        "Code client": [f"K{c}" for c, _, _, _ in rows],
        "Date": [pd.Timestamp(DAY0 + dt.timedelta(days=d)) for _, d, _, _ in rows],
        "N° facture": [f"F{n}" for _, _, _, n in rows],
        "Montant HT": [a for _, _, a, _ in rows],
    })


def _by_key(result):
    out = result.clients.set_index("Code client")
    return out[out["Segment RFM"] != "Prospect"]


@E2E
@given(st.lists(line, min_size=1, max_size=40), st.sampled_from(["trimestre", "mois"]))
def test_every_snapshot_is_segment_at_its_date_and_the_last_is_segment(rows, kind):
    inv = _frame(rows)
    s = Settings(date_analyse=D, periode_historique=kind, nombre_periodes=6)
    h = history(invoices=inv, settings=s)
    for t, snap in h.snapshots.groupby("period_end"):
        sub = inv[inv["Date"] <= t]
        expected = _by_key(segment(invoices=sub, settings=s.replace(date_analyse=t.date())))
        got = snap.set_index("key")
        assert sorted(got.index) == sorted(expected.index)
        got = got.loc[expected.index]
        assert list(got["segment_rfm"].astype(str)) == list(expected["Segment RFM"].astype(str))
        assert list(got["segment_pmg"].astype(str)) == list(expected["Segment PMG"].astype(str))
        for ours, theirs in (("score_r", "Score R"), ("score_f", "Score F"), ("score_m", "Score M"),
                             ("orders", "Nombre commandes")):
            assert list(got[ours].astype(int)) == list(expected[theirs].astype(int))
        assert list(got["ca_total"]) == list(expected["CA total"])
        assert list(got["last_purchase"]) == list(pd.to_datetime(expected["Date dernier achat"]))
        assert list(got["potentiel"]) == list(expected["Potentiel"].astype(str) != "")
    if len(h.snapshots):  # the last snapshot is at D (and was compared with segment() above)
        assert h.snapshots["period_end"].max() == pd.Timestamp(D)


@E2E
@given(st.lists(line, min_size=1, max_size=40),
       st.lists(st.sampled_from(["Commerce de gros", "Industrie", "Transports"]), min_size=8, max_size=8),
       st.lists(st.sampled_from([5, 60, 400, 6000]), min_size=8, max_size=8))
def test_with_a_client_profile_every_snapshot_is_segment_at_its_date(rows, sectors, staff):
    # « à potentiel » for a large company or a priority sector comes from today's profile, in every snapshot
    inv = _frame(rows)
    clients = pd.DataFrame({"Code client": [f"K{i}" for i in range(8)], "Secteur": sectors, "Effectif": staff},
                           index=range(2, 10))
    s = Settings(date_analyse=D, secteurs_prioritaires=("Commerce de gros",))
    h = history(clients=clients, invoices=inv, settings=s)
    for t, snap in h.snapshots.groupby("period_end"):
        expected = _by_key(segment(clients=clients, invoices=inv[inv["Date"] <= t],
                                   settings=s.replace(date_analyse=t.date())))
        got = snap.set_index("key")
        assert sorted(got.index) == sorted(expected.index)
        got = got.loc[expected.index]
        assert list(got["segment_rfm"].astype(str)) == list(expected["Segment RFM"].astype(str))
        assert list(got["segment_pmg"].astype(str)) == list(expected["Segment PMG"].astype(str))
        assert list(got["potentiel"]) == list(expected["Potentiel"].astype(str) != "")


@E2E
@given(st.lists(line, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_matrices_sum_to_the_snapshots_and_replay_ignores_row_order(rows, rnd):
    inv = _frame(rows)
    s = Settings(date_analyse=D)
    h = history(invoices=inv, settings=s)
    if not len(h.periods):
        return
    prev = h.snapshots[h.snapshots["period_end"] == h.periods["start"].iloc[-1]]
    cur = segment(invoices=inv, settings=s).output
    for dim, col, ours in (("RFM", "Segment RFM", "segment_rfm"), ("PMG", "Segment PMG", "segment_pmg")):
        m = h.migration[dim]
        sizes = prev[ours].astype(str).value_counts()
        for seg in m.index:
            assert m.loc[seg].sum() == (sizes.get(seg, 0) if seg != NOT_YET_CLIENT else
                                        int((cur[col] != "Prospect").sum()) - len(prev))
        now = cur[col].astype(str).value_counts()
        for seg in m.columns:
            assert m[seg].sum() == now.get(seg, 0)
    order = list(inv.index)
    rnd.shuffle(order)
    again = history(invoices=inv.loc[order], settings=s)
    pd.testing.assert_frame_equal(again.kpis, h.kpis)
    for dim in ("RFM", "PMG"):
        pd.testing.assert_frame_equal(again.migration[dim], h.migration[dim])
    key = ["period_end", "key"]
    a = again.snapshots.assign(key=again.snapshots["key"].astype(str)).drop(columns="row").sort_values(key)
    b = h.snapshots.assign(key=h.snapshots["key"].astype(str)).drop(columns="row").sort_values(key)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


# ---------------------------------------------------------------- potentiel check and weak signals by hand

def test_petits_a_potentiel_checked_on_the_past_by_hand():
    # 31/12/2024: P1..P10 bought 10, 20 … 100 € once in 2024 → Gros P10, P9; Moyens P8, P7, P6; Petits P5..P1.
    # P1, P2 are in the priority sector (à potentiel), P3..P5 are not. In 2025 P1 buys 1 000 € → Gros at D.
    codes = [f"P{i}" for i in range(1, 11)]
    clients = pd.DataFrame({"Code client": codes,
                            "Secteur": ["Commerce", "Commerce"] + ["Industrie"] * 8}, index=range(2, 12))
    inv = pd.DataFrame({"Code client": codes + ["P1"],
                        "Date": [f"{10 + i:02d}/06/2024" for i in range(10)] + ["10/06/2025"],
                        "Montant HT": [10 * i for i in range(1, 11)] + [1000]})
    s = Settings(date_analyse=dt.date(2025, 12, 31), secteurs_prioritaires=("Commerce",))
    check = history(clients=clients, invoices=inv, settings=s).potentiel_check
    assert check.reference_date == pd.Timestamp("2024-12-31")
    assert (check.potential, check.potential_up, check.potential_share) == (2, 1, 0.5)
    assert (check.others, check.others_up, check.others_share) == (3, 0, 0.0)
    assert "50,0" in check.sentence and "0,0" in check.sentence
    # under 12 months of history: no check
    assert history(invoices=inv.iloc[[10]],  # the 2025 line alone
                   settings=Settings(date_analyse=dt.date(2025, 12, 31))).potentiel_check is None


def test_weak_signals_by_hand():
    # Industrie × Bretagne: 5 clients, 1 000 € in the last 12 months each, 300 € the year before (+233 %);
    # Commerce × Occitanie: 7 clients, 100 € both years. Base: 5 700 € against 2 200 € (+159 %):
    # Industrie grows 74 points more than the base (≥ 30), and its CA per client (1 000 €) is 2,1 × the
    # base's (475 €): growth is the stronger reason (74 / 30 > 2,1 / 2)
    codes = [f"I{i}" for i in range(5)] + [f"C{i}" for i in range(7)]
    clients = pd.DataFrame({"Code client": codes, "Secteur": ["Industrie"] * 5 + ["Commerce"] * 7,
                            "Code postal": ["35000"] * 5 + ["31000"] * 7}, index=range(2, 14))
    inv = pd.DataFrame({"Code client": codes * 2, "Date": ["15/06/2025"] * 12 + ["15/06/2024"] * 12,
                        "Montant HT": [1000] * 5 + [100] * 7 + [300] * 5 + [100] * 7})
    sig = history(clients=clients, invoices=inv, settings=Settings(date_analyse=dt.date(2025, 12, 31))).signals
    assert len(sig) == 1  # Secteur × Taille: the size is unknown, never a signal
    r = sig.iloc[0]
    assert (r["axis"], r["secteur"], r["group"], r["clients"], r["reason"]) == \
        ("Secteur × Région", "Industrie", "Bretagne", 5, "croissance")
    assert r["growth"] == pytest.approx(1000 / 300 - 1) and r["base_growth"] == pytest.approx(5700 / 2200 - 1)
    assert r["ca_per_client"] == 1000 and r["base_ca_per_client"] == pytest.approx(475)
    assert "+233,3" in r["sentence"] and "+159,1" in r["sentence"]
    # a stricter threshold: only the CA per client remains
    s = Settings(date_analyse=dt.date(2025, 12, 31), signal_croissance=80)
    r = history(clients=clients, invoices=inv, settings=s).signals.iloc[0]
    assert r["reason"] == "ca_par_client" and "2,1 ×" in r["sentence"]
