"""R, F, M scores from 1 to 5 (SPEC §3).

Quintile mode: with n scored clients and w the number strictly worse on the
dimension, ``score = 1 + floor(5 w / n)`` — the Excel formula
``=1+ENT(5*NB.SI(plage;"<"&x)/NB(plage))``. Equal values get equal scores and
row order never matters.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .fr import fr_eur, fr_number

DIMENSIONS = {"R": "Récence (jours)", "F": "Commandes", "M": "CA total (€)"}


def _cuts_of_sorted(srt: np.ndarray) -> np.ndarray:
    """The 4 values of the sorted base that split it into the quintile scores of SPEC §3.

    ``1 + floor(5 w / n) > k`` ⇔ ``w ≥ ceil(k n / 5)`` ⇔ the value is strictly
    above the ``ceil(k n / 5)``-th smallest value — so four order statistics
    decide every score (numpy's vectorised sort beats a 4-way partition).
    """
    n = len(srt)
    return srt[[(k * n + 4) // 5 - 1 for k in range(1, 5)]]


def quintile_scores(values: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """SPEC §3 quintile score (int8, 1..5) of each value; ``values`` must have no NaN."""
    v = _numeric(values)
    return _quintile_scores(v, np.sort(v), higher_is_better)


def _numeric(values) -> np.ndarray:
    v = np.asarray(values)
    if v.dtype.kind == "u":
        v = v.astype("int64") if v.dtype.itemsize < 8 else v.astype("float64")
    return v if v.dtype.kind in "if" else v.astype("float64")


def _quintile_scores(v: np.ndarray, srt: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """quintile_scores of ``v`` given ``srt``, the same values sorted ascending."""
    out = np.ones(len(v), dtype=np.int8)
    if not len(v):
        return out
    # 1 + the number of cuts strictly below the value: four comparisons are
    # cheaper than a binary search per value. Lower is better (recency): the cuts
    # of -v are the mirrored order statistics, with the comparison reversed.
    if higher_is_better:
        for cut in _cuts_of_sorted(srt):
            out += v > cut
    else:
        for cut in _cuts_of_sorted(-srt[::-1]):
            out += v < -cut
    return out


def score_against(x: float, base: np.ndarray | list, higher_is_better: bool = True) -> int:
    """Score of one value against a base of values (the base need not contain it)."""
    b = np.asarray([v for v in np.asarray(base, dtype="float64").ravel() if v == v])
    if len(b) == 0:
        raise ValueError("base vide")
    w = int(np.sum(b < x)) if higher_is_better else int(np.sum(b > x))
    return int(1 + min(5 * w // len(b), 4))


def threshold_scores(values: np.ndarray, thresholds: tuple, dimension: str) -> np.ndarray:
    """Threshold mode. R: days ≤ t[0] → 5 … ≤ t[3] → 2, else 1; F and M: ≥ t[0] → 5 … ≥ t[3] → 2, else 1."""
    v = np.asarray(values, dtype="float64")
    t = np.asarray(thresholds, dtype="float64")
    if dimension == "R":
        return (5 - np.searchsorted(t, v, side="left")).astype(np.int8)
    return (1 + np.searchsorted(np.sort(t), v, side="right")).astype(np.int8)


class Scores(NamedTuple):
    """R, F, M scores of the scored clients, and their values sorted ascending
    (other steps — PMG ranks, Pareto, score boundaries — need the same order)."""

    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    sorted_values: tuple[np.ndarray, np.ndarray, np.ndarray]


def scores(
    recency: np.ndarray, orders: np.ndarray, amount: np.ndarray, *, mode: str = "quintiles",
    seuils_r=(30, 90, 180, 365), seuils_f=(10, 5, 3, 2), seuils_m=(10_000, 5_000, 2_000, 500),
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, F, M) scores of the scored clients (no missing values in the inputs)."""
    return score_all(recency, orders, amount, mode=mode, seuils_r=seuils_r, seuils_f=seuils_f,
                     seuils_m=seuils_m)[:3]


def score_all(
    recency: np.ndarray, orders: np.ndarray, amount: np.ndarray, *, mode: str = "quintiles",
    seuils_r=(30, 90, 180, 365), seuils_f=(10, 5, 3, 2), seuils_m=(10_000, 5_000, 2_000, 500),
) -> Scores:
    """:func:`scores`, with the sorted values of each dimension."""
    values = [_numeric(x) for x in (recency, orders, amount)]
    srt = tuple(np.sort(v) for v in values)
    if mode == "seuils":
        return Scores(
            threshold_scores(values[0], seuils_r, "R"),
            threshold_scores(values[1], tuple(sorted(seuils_f)), "F"),
            threshold_scores(values[2], tuple(sorted(seuils_m)), "M"),
            srt,
        )
    return Scores(
        _quintile_scores(values[0], srt[0], higher_is_better=False),
        _quintile_scores(values[1], srt[1], higher_is_better=True),
        _quintile_scores(values[2], srt[2], higher_is_better=True),
        srt,
    )


def boundaries(
    recency: np.ndarray, orders: np.ndarray, amount: np.ndarray,
    r: np.ndarray, f: np.ndarray, m: np.ndarray, *, mode: str, settings=None,
    sorted_values: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Bands actually used: columns Dimension, Score, Min, Max, Clients, Règle.

    ``sorted_values``: the three inputs sorted ascending (:attr:`Scores.sorted_values`),
    when the caller has them — each band is then read off the sorted values,
    since a score never goes down as the value gets better.
    """
    rows = []
    for i, (dim, values, scores) in enumerate((("R", recency, r), ("F", orders, f), ("M", amount, m))):
        scores = np.asarray(scores)
        # five comparisons of small integers are cheaper than a bincount (which widens them first)
        count = np.array([0] + [int(np.count_nonzero(scores == s)) for s in range(1, 6)])
        if sorted_values is not None:
            lows, highs = _bands_of_sorted(np.asarray(sorted_values[i], dtype="float64"), count, dim == "R")
        else:
            values = np.asarray(values, dtype="float64")
            # one pass per dimension for the 5 scores, instead of 5 masked copies
            scores = scores.astype(np.intp)
            lows = np.full(len(count), np.inf)
            highs = np.full(len(count), -np.inf)
            with np.errstate(invalid="ignore"):  # a NaN value gives a NaN bound, silently as min() did
                np.minimum.at(lows, scores, values)
                np.maximum.at(highs, scores, values)
        for s in range(5, 0, -1):
            lo = float(lows[s]) if count[s] else np.nan
            hi = float(highs[s]) if count[s] else np.nan
            rows.append((dim, s, lo, hi, int(count[s]), _rule_text(dim, s, lo, hi, mode, settings)))
    return pd.DataFrame(rows, columns=["Dimension", "Score", "Min", "Max", "Clients", "Règle"])


def _bands_of_sorted(srt: np.ndarray, count: np.ndarray, lower_is_better: bool) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each score 0..5, given the values sorted ascending.

    Along ascending values the scores run 1 → 5 (5 → 1 when lower is better), so
    each score holds a run of ``count[s]`` consecutive sorted values.
    """
    lows = np.full(len(count), np.nan)
    highs = np.full(len(count), np.nan)
    start = 0
    for s in (range(5, 0, -1) if lower_is_better else range(1, 6)):
        if count[s]:
            lows[s], highs[s] = srt[start], srt[start + count[s] - 1]
            start += count[s]
    return lows, highs


def _fmt(x: float, dim: str) -> str:
    if dim == "M":
        return fr_eur(x)
    return fr_number(x)


def _rule_text(dim: str, s: int, lo: float, hi: float, mode: str, settings) -> str:
    unit = {"R": " jours", "F": " commande(s)", "M": ""}[dim]
    if mode == "seuils" and settings is not None:
        if dim == "R":
            t = settings.seuils_r
            return (f"≤ {t[0]} jours" if s == 5 else f"{t[4 - s] + 1} à {t[5 - s]} jours" if s > 1
                    else f"> {t[3]} jours")
        t = settings.seuils_f if dim == "F" else settings.seuils_m
        u = " commandes" if dim == "F" else " €"
        return (f"≥ {_fmt(t[0], 'F')}{u}" if s == 5 else f"≥ {_fmt(t[5 - s], 'F')}{u}" if s > 1
                else f"< {_fmt(t[3], 'F')}{u}")
    if lo != lo:
        return "aucun client"
    if lo == hi:
        return f"{_fmt(lo, dim)}{unit}"
    return f"de {_fmt(lo, dim)} à {_fmt(hi, dim)}{unit}"
