"""Petits / Moyens / Gros (SPEC §5): rank and CA-share methods, Pareto, « Petits à potentiel »."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme.pmg import TIERS, potential_reasons, tier_against, tier_codes

D0 = dt.date(2025, 12, 31)
RANG = Settings()
PART = Settings(methode_pmg="part_ca")


def _tiers(ca, settings=RANG):
    return [TIERS[i] for i in tier_codes(np.asarray(ca, dtype=float), settings)]


def _spec_rank_tiers(ca, gros=20, moyens=50):
    n = len(ca)
    out = []
    for x in ca:
        s = sum(1 for y in ca if y > x) / n
        out.append("Gros" if s < gros / 100 else "Moyens" if s < moyens / 100 else "Petits")
    return out


# ------------------------------------------------------------------ rank method

def test_rank_method_twenty_thirty_fifty_split():
    ca = [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]
    assert _tiers(ca) == ["Gros"] * 2 + ["Moyens"] * 3 + ["Petits"] * 5


def test_rank_method_five_clients():
    # s = 0, .2, .4, .6, .8 → Gros, Moyens (s = 20 % is not < 20 %), Moyens, Petits, Petits
    assert _tiers([50, 40, 30, 20, 10]) == ["Gros", "Moyens", "Moyens", "Petits", "Petits"]


def test_rank_method_equal_ca_same_tier():
    ca = [500, 500, 500, 100, 100, 50, 50, 50, 50, 10]
    got = _tiers(ca)
    assert got == _spec_rank_tiers(ca)
    assert got[:3] == ["Gros"] * 3  # three tied at the top: all Gros (w = 0)
    for x in set(ca):
        assert len({t for t, c in zip(got, ca) if c == x}) == 1


def test_rank_method_all_equal_all_gros():
    assert _tiers([42.0] * 7) == ["Gros"] * 7


def test_rank_method_single_client_is_gros():
    assert _tiers([1.0]) == ["Gros"]


def test_rank_method_custom_percentages():
    s = Settings(pmg_gros_pct=10, pmg_moyens_pct=40)
    ca = list(range(100, 0, -10))
    assert _tiers(ca, s) == ["Gros"] + ["Moyens"] * 3 + ["Petits"] * 6


def test_rank_method_random_against_oracle():
    rng = np.random.default_rng(7)
    for _ in range(20):
        ca = list(rng.integers(-5, 30, size=rng.integers(1, 25)).astype(float))
        assert _tiers(ca) == _spec_rank_tiers(ca)


def test_tier_codes_empty():
    assert tier_codes(np.array([]), RANG).tolist() == []


# ------------------------------------------------------------------ CA-share method

def test_ca_share_method_80_95():
    # cumulated share before each client: 0, 50, 80, 90, 95, 98 %
    assert _tiers([50, 30, 10, 5, 3, 2], PART) == ["Gros", "Gros", "Moyens", "Moyens", "Petits", "Petits"]


def test_ca_share_method_equal_ca_same_tier():
    assert _tiers([25, 25, 25, 25], PART) == ["Gros"] * 4
    got = _tiers([40, 20, 20, 10, 10], PART)
    assert got[1] == got[2] and got[3] == got[4]


def test_ca_share_method_custom_shares():
    s = Settings(methode_pmg="part_ca", pmg_gros_part_ca=50, pmg_moyens_part_ca=90)
    assert _tiers([50, 30, 10, 5, 3, 2], s) == ["Gros", "Moyens", "Moyens", "Petits", "Petits", "Petits"]


def test_ca_share_method_negative_or_zero_ca_is_petit():
    got = _tiers([100, 0, -20], PART)
    assert got[0] == "Gros" and got[1:] == ["Petits", "Petits"]
    assert _tiers([0, 0], PART) == ["Petits", "Petits"]


def test_tier_against():
    base = [100, 90, 80, 70, 60, 50, 40, 30, 20]
    assert tier_against(1000, base, RANG) == "Gros"
    assert tier_against(1, base, RANG) == "Petits"
    assert tier_against(75, base, RANG) == "Moyens"  # 3 higher of 10 → 30 %
    with pytest.raises(ValueError):
        tier_against(1, [], RANG)


# ------------------------------------------------------------------ through segment()

def _clients(ca, **extra):
    n = len(ca)
    data = {
        "Code client": [f"C{i}" for i in range(n)],
        "Date dernier achat": extra.pop("dates", ["01/06/2025"] * n),
        "Nombre commandes": extra.pop("orders", [1] * n),
        "CA total": ca,
    }
    data.update(extra)
    return pd.DataFrame(data, index=range(2, 2 + n))


def test_segment_pmg_column_and_prospects():
    df = _clients([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100, 0],
                  orders=[1] * 10 + [0], dates=["01/06/2025"] * 10 + [None])
    out = segment(df, settings=Settings(date_analyse=D0)).output
    assert out["Segment PMG"].astype(str).tolist() == (["Gros"] * 2 + ["Moyens"] * 3 + ["Petits"] * 5
                                                        + ["Prospect"])


def test_pareto_sentence_states_real_shares():
    df = _clients([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100])
    p = segment(df, settings=Settings(date_analyse=D0)).pareto
    assert p.gros_clients_pct == pytest.approx(20.0)
    assert p.gros_ca_pct == pytest.approx(1900 / 5500 * 100)
    assert "20\u00a0%" in p.sentence and "35\u00a0%" in p.sentence
    assert "Gros" in p.sentence
    assert p.curve["% CA"].iloc[-1] == pytest.approx(1.0)
    assert p.curve["% clients"].is_monotonic_increasing and p.curve["% CA"].is_monotonic_increasing


# ------------------------------------------------------------------ Petits à potentiel

def test_potential_reasons_each_kind():
    # 10 clients, CA 10 000 … 1 000: the last five are Petits (threshold mode to control R and F)
    n = 10
    ca = [10000 - 1000 * i for i in range(n)]
    df = _clients(
        ca,
        dates=["01/01/2024"] * 8 + ["20/12/2025", "01/01/2024"],
        orders=[1] * 8 + [6, 1],
        Effectif=[6000, 5, 5, 5, 5, 300, 5, 5, 5, 5],
        **{"Tranche effectif": [None, None, None, None, None, None, "52", None, None, None]},
        Secteur=["Commerce", "Commerce", "Industrie", "Industrie", "Commerce", "Industrie",
                 "Commerce", "Hôtellerie-restauration", "Commerce", "Industrie"],
    )
    s = Settings(date_analyse=D0, mode_rfm="seuils", secteurs_prioritaires=("hotellerie restauration",))
    out = segment(df, settings=s).output
    pot = out["Potentiel"].astype(str).tolist()
    tiers = out["Segment PMG"].astype(str).tolist()
    assert tiers == ["Gros"] * 2 + ["Moyens"] * 3 + ["Petits"] * 5
    assert pot[0] == ""  # a GE that is already Gros has no « potentiel »
    assert pot[1:5] == [""] * 4
    assert pot[5] == "Grande entreprise (ETI) pour un petit compte"
    assert pot[6] == "Grande entreprise (GE) pour un petit compte"
    assert pot[7] == "Secteur prioritaire (Hôtellerie-restauration)"
    assert pot[8] == "Achète souvent et récemment (R≥4, F≥4)"
    assert pot[9] == ""  # a Petit without any reason


def test_potential_several_reasons_joined():
    tiers = pd.Series(["Petits", "Petits", "Gros"])
    got = potential_reasons(
        tiers, size=pd.Series(["GE", "TPE", "GE"]), sector=pd.Series(["Commerce", "Commerce", "Commerce"]),
        r=pd.Series([5, 1, 5]), f=pd.Series([4, 1, 5]),
        ca_12m=pd.Series([300.0, 100.0, 0.0]), ca_12m_prev=pd.Series([100.0, 100.0, 0.0]),
        settings=Settings(secteurs_prioritaires=("Commerce",)),
    )
    assert got.tolist()[0] == (
        "Grande entreprise (GE) pour un petit compte ; Secteur prioritaire (Commerce) ; "
        "Achète souvent et récemment (R≥4, F≥4) ; CA des 12 derniers mois ≥ 1,5 × celui des 12 mois d'avant"
    )
    assert got.tolist()[1] == "Secteur prioritaire (Commerce)"
    assert got.tolist()[2] == ""


def test_potential_growth_from_invoice_lines():
    rows = []
    # three big clients, one order each in 2025
    for k, amount in (("B1", 30000), ("B2", 20000), ("B3", 10000)):
        rows.append((k, "01/06/2025", amount))
    rows += [("G1", "01/06/2024", 100), ("G1", "01/06/2025", 150)]  # × 1.5 exactly → potential
    rows += [("G2", "01/06/2024", 100), ("G2", "01/06/2025", 149)]  # × 1.49 → no
    rows += [("G3", "01/06/2025", 50)]  # nothing the year before: new, not growing
    inv = pd.DataFrame(rows, columns=["Code client", "Date", "Montant HT"])
    r = segment(invoices=inv, settings=Settings(date_analyse=D0, mode_rfm="seuils"))
    out = r.clients.set_index("Code client")
    assert out.loc[["G1", "G2", "G3"], "Segment PMG"].astype(str).tolist() == ["Petits"] * 3
    assert out.loc["G1", "Potentiel"] == "CA des 12 derniers mois ≥ 1,5 × celui des 12 mois d'avant"
    assert out.loc["G2", "Potentiel"] == ""
    assert out.loc["G3", "Potentiel"] == ""


def test_potential_growth_factor_is_a_setting():
    tiers = pd.Series(["Petits"])
    kw = dict(size=pd.Series(["TPE"]), sector=pd.Series(["X"]), r=pd.Series([1]), f=pd.Series([1]),
              ca_12m=pd.Series([180.0]), ca_12m_prev=pd.Series([100.0]))
    assert potential_reasons(tiers, settings=Settings(croissance_potentiel=2.0), **kw).iloc[0] == ""
    got = potential_reasons(tiers, settings=Settings(croissance_potentiel=1.8), **kw).iloc[0]
    assert got == "CA des 12 derniers mois ≥ 1,8 × celui des 12 mois d'avant"


def test_no_growth_reason_without_invoice_lines():
    tiers = pd.Series(["Petits"])
    got = potential_reasons(tiers, size=pd.Series(["TPE"]), sector=pd.Series(["X"]), r=pd.Series([1]),
                            f=pd.Series([1]), ca_12m=None, ca_12m_prev=None, settings=RANG)
    assert got.iloc[0] == ""
