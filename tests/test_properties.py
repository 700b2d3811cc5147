"""Property tests (hypothesis) of the scores and tiers (SPEC §3, §5)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.pmg import tier_codes
from segmenter_pme.rfm import quintile_scores, threshold_scores
from segmenter_pme.rfm import scores as rfm_scores

D0 = dt.date(2025, 12, 31)
# segment() costs ~50 ms: few examples for the end-to-end properties, more for the numpy core
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# no shrinking end to end: a failure is reported at once instead of after minutes of segment() calls
E2E = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow],
               phases=[Phase.explicit, Phase.reuse, Phase.generate])
E2E_SMALL = settings(E2E, max_examples=5)

client = st.tuples(
    st.integers(min_value=0, max_value=1500),  # recency (days)
    st.integers(min_value=1, max_value=30),  # orders
    st.integers(min_value=-50_000, max_value=2_000_000).map(lambda c: c / 100),  # CA €
)
bases = st.lists(client, min_size=0, max_size=25)
modes = st.sampled_from(["quintiles", "seuils"])
methods = st.sampled_from(["rang", "part_ca"])


def _frame(rows):
    return pd.DataFrame(
        {
            "Code client": [f"C{i}" for i in range(len(rows))],
            "Date dernier achat": [D0 - dt.timedelta(days=d) for d, _, _ in rows],
            "Nombre commandes": [o for _, o, _ in rows],
            "CA total": [c for _, _, c in rows],
        },
        columns=["Code client", "Date dernier achat", "Nombre commandes", "CA total"],
    )


def _run(rows, mode="quintiles", method="rang"):
    df = _frame(rows)
    r = segment(df, settings=Settings(date_analyse=D0, mode_rfm=mode, methode_pmg=method))
    return r.clients.set_index("Code client")


SCORES = ["Score R", "Score F", "Score M"]
RESULT_COLS = ["Récence (jours)", "Score R", "Score F", "Score M", "Code RFM", "Segment RFM", "Segment PMG"]


def _core_scores(rows, mode):
    rec = np.array([d for d, _, _ in rows], dtype=float)
    orders = np.array([o for _, o, _ in rows], dtype=float)
    ca = np.array([c for _, _, c in rows], dtype=float)
    return [x.astype(int).tolist() for x in rfm_scores(rec, orders, ca, mode=mode)]


def _check_invariants(rows, r, f, m):
    for vals in (r, f, m):
        assert all(1 <= v <= 5 for v in vals)
    for k, sc in enumerate((r, f, m)):
        by_value: dict = {}
        for row, score in zip(rows, sc):
            by_value.setdefault(row[k], set()).add(score)
        assert all(len(v) == 1 for v in by_value.values()), "equal values, equal scores"
    for i, a in enumerate(rows):
        for j, b in enumerate(rows):
            if a[0] < b[0]:
                assert r[i] >= r[j], "fewer days, R not lower"
            if a[1] > b[1]:
                assert f[i] >= f[j], "more orders, F not lower"
            if a[2] > b[2]:
                assert m[i] >= m[j], "more CA, M not lower"


@FAST
@given(rows=bases, mode=modes)
def test_core_scores_in_range_equal_and_monotonic(rows, mode):
    r, f, m = _core_scores(rows, mode)
    assert len(r) == len(rows)
    _check_invariants(rows, r, f, m)


@E2E
@given(rows=bases, mode=modes)
def test_segment_scores_in_range_equal_monotonic_and_code(rows, mode):
    out = _run(rows, mode)
    assert len(out) == len(rows)
    r, f, m = (out[c].astype(int).tolist() for c in SCORES)
    _check_invariants(rows, r, f, m)
    assert out["Code RFM"].astype(str).tolist() == [f"{a}{b}{c}" for a, b, c in zip(r, f, m)]
    assert not (out["Segment RFM"].astype(str) == "Prospect").any()


@E2E
@given(rows=bases, mode=modes, method=methods, data=st.data())
def test_row_order_never_changes_a_result(rows, mode, method, data):
    perm = data.draw(st.permutations(range(len(rows))))
    a = _run(rows, mode, method)
    shuffled = [rows[i] for i in perm]
    df = _frame(shuffled)
    df["Code client"] = [f"C{i}" for i in perm]  # same client keeps its code
    b = segment(df, settings=Settings(date_analyse=D0, mode_rfm=mode, methode_pmg=method)).clients
    b = b.set_index("Code client").loc[a.index]
    for col in RESULT_COLS:
        assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), col


@FAST
@given(rows=st.lists(client, min_size=1, max_size=20), data=st.data(), mode=modes)
def test_improving_one_client_never_lowers_its_scores(rows, data, mode):
    i = data.draw(st.integers(0, len(rows) - 1))
    d, o, c = rows[i]
    better = (
        max(0, d - data.draw(st.integers(0, 400))),
        o + data.draw(st.integers(0, 10)),
        c + data.draw(st.integers(0, 100_000)),
    )
    before = [x[i] for x in _core_scores(rows, mode)]
    after = [x[i] for x in _core_scores(rows[:i] + [better] + rows[i + 1:], mode)]
    for b, a, dim in zip(before, after, "RFM"):
        assert a >= b, dim


@FAST
@given(values=st.lists(st.integers(-1000, 1000), min_size=1, max_size=40), higher=st.booleans())
def test_quintile_scores_match_formula(values, higher):
    n = len(values)
    expected = [1 + (5 * sum(1 for y in values if (y < x if higher else y > x))) // n for x in values]
    assert quintile_scores(np.array(values), higher_is_better=higher).tolist() == expected


@FAST
@given(values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40))
def test_quintile_score_distribution_is_balanced_for_distinct_values(values):
    vals = sorted(set(values))
    got = quintile_scores(np.array(vals)).tolist()
    assert got == sorted(got)
    n = len(vals)
    for s in range(1, 6):
        # each score holds at most ceil(n / 5) distinct values
        assert got.count(s) <= -(-n // 5)


@FAST
@given(days=st.lists(st.integers(0, 2000), min_size=1, max_size=30))
def test_threshold_r_matches_spec_bands(days):
    def spec(d):
        return 5 if d <= 30 else 4 if d <= 90 else 3 if d <= 180 else 2 if d <= 365 else 1
    assert threshold_scores(np.array(days), (30, 90, 180, 365), "R").tolist() == [spec(d) for d in days]


@FAST
@given(ca=st.lists(st.integers(-100, 10_000).map(float), min_size=1, max_size=30), method=methods)
def test_pmg_monotonic_and_ties(ca, method):
    tiers = tier_codes(np.array(ca), Settings(methode_pmg=method)).tolist()
    for i, a in enumerate(ca):
        for j, b in enumerate(ca):
            if a == b:
                assert tiers[i] == tiers[j]
            if a > b:
                assert tiers[i] <= tiers[j]  # 0 = Gros is best


@E2E_SMALL
@given(n=st.integers(0, 20), value=client, mode=modes, method=methods)
def test_never_fails_on_all_equal_clients(n, value, mode, method):
    out = _run([value] * n, mode, method)
    assert len(out) == n
    for col in SCORES:
        assert out[col].nunique() <= 1
    assert out["Segment PMG"].nunique() <= 1


@FAST
@given(rows=st.lists(client, min_size=0, max_size=25))
def test_all_one_time_buyers_have_f_one(rows):
    rows = [(d, 1, c) for d, _, c in rows]
    assert _core_scores(rows, "quintiles")[1] == [1] * len(rows)


@E2E_SMALL
@given(rows=st.lists(client, min_size=0, max_size=25))
def test_all_one_time_buyers_have_f_one_end_to_end(rows):
    rows = [(d, 1, c) for d, _, c in rows]
    out = _run(rows)
    assert (out["Score F"].astype(int) == 1).all()


@E2E_SMALL
@given(value=client, mode=modes, method=methods)
def test_one_client(value, mode, method):
    out = _run([value], mode, method)
    assert len(out) == 1
    assert out["Segment RFM"].iloc[0] != "Prospect"
    if mode == "quintiles":
        assert out[SCORES].iloc[0].astype(int).tolist() == [1, 1, 1]
    if method == "rang":
        assert out["Segment PMG"].iloc[0] == "Gros"


@E2E
@given(rows=bases, n_prospects=st.integers(0, 5))
def test_prospects_never_change_buyers_results(rows, n_prospects):
    a = _run(rows)
    df = _frame(rows)
    extra = pd.DataFrame({"Code client": [f"P{i}" for i in range(n_prospects)],
                          "Date dernier achat": [None] * n_prospects,
                          "Nombre commandes": [0] * n_prospects, "CA total": [0.0] * n_prospects})
    both = pd.concat([df, extra], ignore_index=True)
    b = segment(both, settings=Settings(date_analyse=D0)).clients.set_index("Code client")
    for col in RESULT_COLS:
        assert b.loc[a.index, col].astype(str).tolist() == a[col].astype(str).tolist()
    assert (b.loc[[f"P{i}" for i in range(n_prospects)], "Segment RFM"] == "Prospect").all()


@E2E_SMALL
@given(rows=bases)
def test_segment_pmg_matches_rank_rule(rows):
    out = _run(rows)
    ca = [c for _, _, c in rows]
    n = len(ca)
    expected = []
    for x in ca:
        s = sum(1 for y in ca if y > x) / n
        expected.append("Gros" if s < 0.2 else "Moyens" if s < 0.5 else "Petits")
    assert out["Segment PMG"].astype(str).tolist() == expected


invoice_line = st.tuples(
    st.sampled_from(["C1", "C2", "C3", "C4"]),
    st.integers(0, 900),  # days before the analysis date (negative = after it)
    st.sampled_from(["F1", "F2", "F3", "F4", "F5", None]),
    st.integers(-20_000, 200_000).map(lambda c: c / 100),
)


@E2E
@given(lines=st.lists(invoice_line, min_size=1, max_size=20), data=st.data())
def test_invoice_line_order_never_changes_a_result(lines, data):
    perm = data.draw(st.permutations(range(len(lines))))

    def run(ls):
        inv = pd.DataFrame({
            "Code client": [k for k, _, _, _ in ls],
            "Date": [D0 - dt.timedelta(days=d) for _, d, _, _ in ls],
            "N° facture": [f"{k}-{n}" if n else None for k, _, n, _ in ls],
            "Montant HT": [a for _, _, _, a in ls],
        })
        r = segment(invoices=inv, settings=Settings(date_analyse=D0))
        return r.clients.set_index("Code client").sort_index()

    a = run(lines)
    b = run([lines[i] for i in perm])
    for col in RESULT_COLS + ["Nombre commandes"]:
        assert a[col].astype(str).tolist() == b[col].astype(str).tolist(), col
    assert a["CA total"].round(2).tolist() == b["CA total"].round(2).tolist()


@FAST
@given(values=st.lists(st.integers(-500, 5000).map(float), min_size=1, max_size=30), higher=st.booleans(),
       data=st.data())
def test_cell_function_score_against_equals_whole_base_score(values, higher, data):
    """The cell functions (score of one value against the base) give the same answer as segment()."""
    from segmenter_pme.rfm import score_against

    i = data.draw(st.integers(0, len(values) - 1))
    assert score_against(values[i], values, higher) == quintile_scores(np.array(values), higher)[i]


@FAST
@given(values=st.lists(st.integers(-500, 5000).map(float), min_size=2, max_size=30), method=methods,
       data=st.data())
def test_cell_function_tier_against_equals_whole_base_tier(values, method, data):
    from segmenter_pme.pmg import TIERS, tier_against

    i = data.draw(st.integers(0, len(values) - 1))
    s = Settings(methode_pmg=method)
    others = values[:i] + values[i + 1:]
    assert tier_against(values[i], others, s) == TIERS[tier_codes(np.array(values), s)[i]]


@E2E
@given(lines=st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D", "E"]),
                                st.sampled_from([0.1, 0.2, 0.3, 0.7, 1.1, 2.2, 3.3])), min_size=1, max_size=25))
def test_equal_ca_in_cents_from_invoice_lines_gives_equal_m_and_tier(lines):
    """Sums of cents (0,10 + 0,20 = 0,30) compare as amounts, not as binary floats."""
    inv = pd.DataFrame({"Code client": [k for k, _ in lines], "Date": ["01/06/2025"] * len(lines),
                        "Montant HT": [a for _, a in lines]})
    out = segment(invoices=inv, settings=Settings(date_analyse=D0)).clients
    cents = (out["CA total"] * 100).round().astype(int).tolist()
    for i in range(len(out)):
        for j in range(len(out)):
            if cents[i] == cents[j]:
                assert out["Score M"].iloc[i] == out["Score M"].iloc[j]
                assert out["Segment PMG"].iloc[i] == out["Segment PMG"].iloc[j]
