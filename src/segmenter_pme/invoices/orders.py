"""Orders: the purchase lines that repeat an invoice already counted are not orders.

Two lines are one order when they share client, day and invoice number (the
lines of one invoice share its client and its date in every export we know); a
line without a number is an order of its own.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .keys import SECOND_SEED, factorize_ints, hash_text
from .lines import NS_PER_DAY, Lines

EPOCH_DAYS = -200_000  # keeps day numbers positive for any plausible date
_MIX = np.int64(-7046029254386353131)  # 0x9E3779B97F4A7C15, the golden-ratio multiplier, as int64
_MIX2 = np.int64(-4658895280553007687)  # 0xBF58476D1CE4E5B9 (splitmix64), as int64


def repeated_purchase_lines(codes: np.ndarray, lines: Lines, numbers: pd.Series) -> np.ndarray:
    """Positions of the purchase lines that repeat an invoice number already counted.

    ``codes``: each line's client code (-1: no client). Arrow-backed numbers
    are hashed (see :func:`_candidates`); others, or a hash collision, are
    compared as texts.
    """
    hashed = hash_text(numbers)
    if hashed is not None:
        purchase = None if lines.purchase.all() else lines.purchase
        found = _repeated_of_candidates(_candidates(codes, lines.d, hashed, purchase), codes)
        if found is not None:
            return found
    rows = lines.purchase_rows()
    days = lines.d[rows] // NS_PER_DAY - EPOCH_DAYS
    return repeated_exact(codes[rows] * np.int64(1 << 20) + days, numbers, rows)


def repeated_exact(pair: np.ndarray, numbers: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The same, by texts: ``pair`` is (client, day) of the purchase lines ``rows``."""
    # only lines whose (client, date) is not unique are compared by number
    shared = pd.Series(pair).duplicated(keep=False).to_numpy()
    if not shared.any():
        return np.zeros(0, dtype=np.int64)
    number_codes, _ = pd.factorize(numbers.iloc[rows[shared]], use_na_sentinel=True)
    sub = pd.DataFrame({"p": pair[shared], "n": number_codes})
    # a line without a number is an order of its own
    repeated = sub.duplicated().to_numpy() & (number_codes >= 0)
    return rows[shared][repeated]


class _Candidates(NamedTuple):
    """Purchase lines that may repeat an invoice, numbered by their (client, day, number) hash."""

    rows: np.ndarray  # their positions among all the lines
    codes: np.ndarray  # the number of their hash, 0, 1, 2… in order of first appearance
    new: np.ndarray  # True on the first line of each hash
    days: np.ndarray  # their day
    second: np.ndarray  # a second hash of their invoice number
    numbered: np.ndarray | None  # which have a number (None: all)


def _candidates(client: np.ndarray, dates: np.ndarray, hashed, purchase: np.ndarray | None) -> _Candidates:
    """The purchase lines whose (client, day, number) hash is not unique.

    Input: the client code and the date (int64 ns) of every line; :func:`hash_text`
    of the number column; the mask of the purchase lines (None: all). Finding the
    lines whose hash occurs twice by a sort is cheaper than numbering a million
    hashes nearly all distinct. Every line is hashed and sorted, and only purchase
    lines go on: gathering the purchase lines' clients, dates and hashes first cost
    more (1 M lines, 3 % of credit notes: step repeated_purchase_lines 35,4 ms against
    40,6 ms, ``benchmarks/bench_core.py --phases``). A line that shares a hash only
    with a credit note stays alone in its hash below.
    """
    import polars as pl

    texts, number_hash = hashed
    days = dates // NS_PER_DAY
    days -= EPOCH_DAYS
    # integer overflow wraps: this is a hash mix, not arithmetic
    key = client * _MIX
    key ^= days * _MIX2
    key ^= number_hash
    # on the top 32 bits: half the bytes to sort; the few keys that only share those
    # bits are told apart by the numbering below
    top = (key >> 32).astype(np.int32)
    ordered = np.sort(top)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    # lines whose key may be one of those: a table of 4 M flags indexed by the key's top
    # 22 bits (a Bloom filter with one hash) lets through every such line and about
    # len(twice) / 4 M of the others
    flags = np.zeros(1 << 22, dtype=bool)
    flags[(twice >> 10) + (1 << 21)] = True
    hit = flags[(top >> 10) + (1 << 21)]
    if purchase is not None:
        hit &= purchase
    maybe = np.flatnonzero(hit)
    codes, _ = factorize_ints(key[maybe])
    running = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    np.greater(running[1:], running[:-1], out=new[1:])
    sub = texts.gather(pl.Series(maybe))
    second = sub.hash(seed=SECOND_SEED).to_numpy().view(np.int64)
    # a line without a number is an order of its own
    numbered = sub.is_not_null().to_numpy() if sub.null_count() else None
    return _Candidates(maybe, codes, new, days[maybe], second, numbered)


def _repeated_of_candidates(found: _Candidates, client_codes: np.ndarray) -> np.ndarray | None:
    """Positions of the candidate lines that repeat the first line of their hash; None on a collision.

    Every line of a hash must have the client, the day and the second number
    hash of the hash's first line — else two invoices share a hash (odds about
    n² / 2^129) and the caller compares the texts.
    """
    clients = client_codes[found.rows]
    first = np.flatnonzero(found.new)
    if len(first):
        pair = clients * np.int64(1 << 20) + found.days
        if not ((pair[first][found.codes] == pair) & (found.second[first][found.codes] == found.second)).all():
            return None  # pragma: no cover - a collision
    repeated = ~found.new if found.numbered is None else ~found.new & found.numbered
    return found.rows[repeated]
