"""RFM scores (SPEC §3): quintile formula, threshold mode, Code RFM order, boundaries."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme import rfm

D0 = dt.date(2025, 12, 31)


def _spec_quintile(values, higher_is_better=True):
    """Independent oracle: 1 + floor(5 w / n), w = strictly worse count."""
    n = len(values)
    out = []
    for x in values:
        w = sum(1 for y in values if (y < x if higher_is_better else y > x))
        out.append(1 + (5 * w) // n)
    return out


def _clients(recency_days, orders, ca, analysis=D0):
    """Literal client table: last purchase = analysis date - recency days."""
    return pd.DataFrame(
        {
            "Code client": [f"C{i}" for i in range(len(orders))],
            "Date dernier achat": [(analysis - dt.timedelta(days=int(d))).strftime("%d/%m/%Y") for d in recency_days],
            "Nombre commandes": list(orders),
            "CA total": list(ca),
        },
        index=range(2, 2 + len(orders)),
    )


# ------------------------------------------------------------------ quintile formula

def test_quintile_ten_distinct_values():
    got = rfm.quintile_scores(np.arange(1, 11), higher_is_better=True).tolist()
    assert got == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quintile_five_values_one_per_score():
    assert rfm.quintile_scores(np.array([10.0, 20, 30, 40, 50])).tolist() == [1, 2, 3, 4, 5]


def test_quintile_ties_use_strictly_worse_count():
    # w = 0, 0, 2, 3 → 1 + floor(0), 1, 1 + floor(10/4) = 3, 1 + floor(15/4) = 4
    assert rfm.quintile_scores(np.array([10, 10, 20, 30])).tolist() == [1, 1, 3, 4]


def test_quintile_recency_reversed_fewer_days_is_better():
    # days 0, 10, 10, 100 → w (strictly more days) = 3, 1, 1, 0
    assert rfm.quintile_scores(np.array([0, 10, 10, 100]), higher_is_better=False).tolist() == [4, 2, 2, 1]


def test_quintile_all_equal_gives_one():
    assert rfm.quintile_scores(np.array([7.5] * 6)).tolist() == [1] * 6


def test_quintile_single_client_scores_one():
    """n = 1, w = 0 → 1 + floor(0) = 1 (the formula, applied literally)."""
    assert rfm.quintile_scores(np.array([123.0])).tolist() == [1]


def test_quintile_empty_input():
    assert rfm.quintile_scores(np.array([], dtype=float)).tolist() == []


def test_quintile_floats_with_large_range_match_oracle():
    vals = [0.01, 1e9, 3.5, 3.5, -20.0, 1e9, 77.7]
    assert rfm.quintile_scores(np.array(vals)).tolist() == _spec_quintile(vals)
    assert rfm.quintile_scores(np.array(vals), higher_is_better=False).tolist() == _spec_quintile(vals, False)


def test_quintile_negative_ca_scores_lowest():
    """A net-negative CA (more credit notes than invoices) is the worst M."""
    assert rfm.quintile_scores(np.array([-50.0, 0.0, 100.0, 200.0, 300.0])).tolist() == [1, 2, 3, 4, 5]


def test_score_against_base():
    base = [10, 20, 30, 40]
    assert rfm.score_against(25, base) == 1 + (5 * 2) // 4
    assert rfm.score_against(5, base) == 1
    assert rfm.score_against(1000, base) == 5  # never above 5 even outside the base
    assert rfm.score_against(5, base, higher_is_better=False) == 5
    assert rfm.score_against(25, base, higher_is_better=False) == 1 + (5 * 2) // 4


def test_score_against_empty_base_raises():
    with pytest.raises(ValueError):
        rfm.score_against(1, [])


# ------------------------------------------------------------------ through segment()

def test_segment_quintiles_exact_on_literal_frame():
    df = _clients([0, 30, 91, 213, 730], [12, 6, 3, 2, 1], [12000, 6000, 2500, 800, 100])
    out = segment(df, settings=Settings(date_analyse=D0)).output
    assert out["Récence (jours)"].tolist() == [0, 30, 91, 213, 730]
    assert out["Score R"].tolist() == [5, 4, 3, 2, 1]
    assert out["Score F"].tolist() == [5, 4, 3, 2, 1]
    assert out["Score M"].tolist() == [5, 4, 3, 2, 1]
    assert out["Code RFM"].astype(str).tolist() == ["555", "444", "333", "222", "111"]


def test_code_rfm_is_r_then_f_then_m():
    # R best, F worst, M middle → 5 1 3 … must read "513"-like R-F-M, never reversed
    df = _clients([1, 50, 100, 200, 300], [1, 2, 3, 4, 5], [300, 100, 500, 200, 400])
    out = segment(df, settings=Settings(date_analyse=D0)).output
    r, f, m = out["Score R"].tolist(), out["Score F"].tolist(), out["Score M"].tolist()
    assert (r[0], f[0], m[0]) == (5, 1, 3)
    assert out["Code RFM"].astype(str).tolist() == [f"{a}{b}{c}" for a, b, c in zip(r, f, m)]
    assert out["Code RFM"].astype(str).iloc[0] == "513"


def test_all_one_time_buyers_all_f_equals_one():
    df = _clients([1, 2, 3, 4, 5, 6], [1] * 6, [10, 20, 30, 40, 50, 60])
    out = segment(df, settings=Settings(date_analyse=D0)).output
    assert out["Score F"].tolist() == [1] * 6


def test_ties_equal_scores_in_segment():
    df = _clients([10, 10, 10, 40], [2, 2, 5, 5], [100, 100, 100, 900])
    out = segment(df, settings=Settings(date_analyse=D0)).output
    assert out["Score R"].tolist() == [2, 2, 2, 1]  # w = 1,1,1,0 of 4 (strictly more days)
    assert out["Score F"].tolist() == [1, 1, 3, 3]
    assert out["Score M"].tolist() == [1, 1, 1, 4]


def test_prospects_not_counted_in_quintiles():
    """Adding prospects (0 orders) must not move any buyer's score."""
    base = _clients([0, 30, 91, 213, 730], [12, 6, 3, 2, 1], [12000, 6000, 2500, 800, 100])
    with_prospects = pd.concat([
        base,
        pd.DataFrame({"Code client": ["P1", "P2", "P3"], "Date dernier achat": [None, "", None],
                      "Nombre commandes": [0, 0, None], "CA total": [0, None, 0]}, index=[10, 11, 12]),
    ])
    a = segment(base, settings=Settings(date_analyse=D0)).output
    b = segment(with_prospects, settings=Settings(date_analyse=D0)).output
    for col in ("Score R", "Score F", "Score M", "Code RFM"):
        assert b.loc[a.index, col].astype(str).tolist() == a[col].astype(str).tolist()
    assert b.loc[[10, 11, 12], "Segment RFM"].astype(str).tolist() == ["Prospect"] * 3


# ------------------------------------------------------------------ threshold mode

def test_threshold_r_boundaries_default():
    days = np.array([0, 30, 31, 90, 91, 180, 181, 365, 366, 5000])
    assert rfm.threshold_scores(days, (30, 90, 180, 365), "R").tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_threshold_f_boundaries_default():
    orders = np.array([1, 2, 3, 4, 5, 9, 10, 11, 100])
    got = rfm.scores(np.zeros(9), orders, np.zeros(9), mode="seuils")[1].tolist()
    assert got == [1, 2, 3, 3, 4, 4, 5, 5, 5]


def test_threshold_m_boundaries_default():
    ca = np.array([0, 499.99, 500, 1999.99, 2000, 4999.99, 5000, 9999.99, 10000, 1e7])
    got = rfm.scores(np.zeros(10), np.ones(10), ca, mode="seuils")[2].tolist()
    assert got == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_threshold_mode_through_segment_boundaries():
    days = [30, 31, 90, 91, 180, 181, 365, 366]
    orders = [1, 2, 3, 4, 5, 9, 10, 11]
    ca = [499.99, 500, 1999.99, 2000, 4999.99, 5000, 9999.99, 10000]
    df = _clients(days, orders, ca)
    out = segment(df, settings=Settings(date_analyse=D0, mode_rfm="seuils")).output
    assert out["Récence (jours)"].tolist() == days
    assert out["Score R"].tolist() == [5, 4, 4, 3, 3, 2, 2, 1]
    assert out["Score F"].tolist() == [1, 2, 3, 3, 4, 4, 5, 5]
    assert out["Score M"].tolist() == [1, 2, 2, 3, 3, 4, 4, 5]


def test_threshold_mode_custom_bands():
    s = Settings(date_analyse=D0, mode_rfm="seuils", seuils_r=(7, 14, 28, 56), seuils_f=(20, 10, 4, 2),
                 seuils_m=(1000, 500, 100, 10))
    df = _clients([7, 8, 57], [20, 4, 1], [1000, 99.99, 9.99])
    out = segment(df, settings=s).output
    assert out["Score R"].tolist() == [5, 4, 1]
    assert out["Score F"].tolist() == [5, 3, 1]
    assert out["Score M"].tolist() == [5, 2, 1]


def test_threshold_mode_does_not_depend_on_other_clients():
    one = segment(_clients([45], [4], [2500]), settings=Settings(date_analyse=D0, mode_rfm="seuils")).output
    many = segment(_clients([45, 1, 900], [4, 50, 1], [2500, 1e6, 1]),
                   settings=Settings(date_analyse=D0, mode_rfm="seuils")).output
    assert one.iloc[0][["Score R", "Score F", "Score M"]].tolist() == [4, 3, 3]
    assert many.iloc[0][["Score R", "Score F", "Score M"]].tolist() == [4, 3, 3]


# ------------------------------------------------------------------ boundaries shown in Synthèse

def test_boundaries_quintile_min_max_per_score():
    df = _clients([0, 30, 91, 213, 730], [12, 6, 3, 2, 1], [12000, 6000, 2500, 800, 100])
    b = segment(df, settings=Settings(date_analyse=D0)).boundaries
    assert list(b.columns) == ["Dimension", "Score", "Min", "Max", "Clients", "Règle"]
    assert len(b) == 15
    m5 = b[(b["Dimension"] == "M") & (b["Score"] == 5)].iloc[0]
    assert (m5["Min"], m5["Max"], m5["Clients"]) == (12000.0, 12000.0, 1)
    r1 = b[(b["Dimension"] == "R") & (b["Score"] == 1)].iloc[0]
    assert (r1["Min"], r1["Max"]) == (730.0, 730.0)
    assert b["Clients"].sum() == 15  # 5 clients × 3 dimensions


def test_boundaries_threshold_mode_texts_state_the_bands():
    df = _clients([0, 100], [1, 12], [100, 20000])
    b = segment(df, settings=Settings(date_analyse=D0, mode_rfm="seuils")).boundaries
    rule = {(d, s): t for d, s, t in zip(b["Dimension"], b["Score"], b["Règle"])}
    assert rule[("R", 5)] == "≤ 30 jours"
    assert rule[("R", 4)] == "31 à 90 jours"
    assert rule[("R", 1)] == "> 365 jours"
    assert "10" in rule[("F", 5)] and rule[("F", 5)].startswith("≥")
    assert rule[("F", 1)].startswith("<") and "2" in rule[("F", 1)]
    assert rule[("M", 5)].replace("\u202f", " ") == "≥ 10 000 €"
    assert rule[("M", 1)].replace("\u202f", " ") == "< 500 €"
