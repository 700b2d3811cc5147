"""The Pareto curve (SPEC §5): the running share of the CA, largest clients first, at 101 points —
summed block by block as one cumulative sum of the whole base would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme import summary


def test_curve_of_four_clients_by_hand():
    # largest first: 600, 300, 100, then a credit note beyond the purchases counted as 0; total 1 000
    got = summary.pareto(np.array([100.0, 300.0, -50.0, 600.0]), np.array([False, False, False, True]))
    assert got.curve["% clients"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert got.curve["% CA"].tolist() == [0.0, 0.6, 0.9, 1.0, 1.0]
    assert got.gros_clients_pct == 25.0 and got.gros_ca_pct == 60.0


def _curve_in_one_sum(ca: np.ndarray) -> tuple[list, float]:
    """The curve as the whole cumulative sum gives it."""
    n = len(ca)
    cum = np.concatenate(([0.0], np.cumsum(np.clip(np.sort(ca)[::-1], 0, None))))
    points = np.unique(np.round(np.linspace(0, n, min(n, 100) + 1)).astype(int))
    total = float(cum[-1])
    return ((cum[points] / total).tolist() if total > 0 else []), total


@settings(max_examples=80, deadline=None)
@given(cents=st.lists(st.integers(-10**6, 10**9), min_size=1, max_size=400), block=st.sampled_from([1, 2, 7, 64]))
def test_the_curve_is_that_of_one_cumulative_sum_whatever_the_blocks(cents, block):
    ca = np.asarray(cents, dtype=np.float64) / 100
    expected, total = _curve_in_one_sum(ca)
    gros = ca >= np.median(ca)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(summary, "PARETO_BLOCK", block)
        got = summary.pareto(ca, gros, np.sort(ca))
    if total <= 0:
        assert got.curve["% CA"].tolist() == [0.0, 1.0]
    else:
        assert got.curve["% CA"].tolist() == expected  # the same floats, not nearly
        assert got.gros_ca_pct == float(np.clip(ca[gros], 0, None).sum()) / total * 100
