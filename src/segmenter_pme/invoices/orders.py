"""Orders: the purchase lines that repeat an invoice already counted are not orders.

Two lines are one order when they share client, day and invoice number (the
lines of one invoice share its client and its date in every export we know); a
line without a number is an order of its own.
"""

from __future__ import annotations

import sys
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
    are hashed (see :func:`_repeated_by_hash`); others, or a hash collision, are
    compared as texts.
    """
    hashed = hash_text(numbers)
    if hashed is not None:
        found = _repeated_by_hash(codes, lines, hashed)
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


def _repeated_by_hash(client: np.ndarray, lines: Lines, hashed) -> np.ndarray | None:
    """:func:`repeated_purchase_lines` from the 64-bit hash of each number (:func:`hash_text`); None
    when two numbers share a hash (the caller then compares the texts).

    Each line gets a hash of its (client, day, number). Exports list an invoice's
    lines one after the other: a purchase line whose hash is its predecessor's
    (a purchase too) repeats it — checked on the client, the day and the text.
    Among the other lines, the « heads », those whose hash is unique cannot repeat
    an invoice; the others are found by :func:`_candidates`. 20 M lines of
    ``benchmarks/bench_core.py`` (an invoice's lines together): repeated_purchase_lines 2,08 s →
    0,88 s of CPU (user + system), median of 3 interleaved rounds, same run; the same lines
    shuffled (no line follows its invoice): 2,94 s → 2,71 s.
    """
    import polars as pl

    texts, number_hash = hashed
    purchase = None if lines.purchase.all() else lines.purchase
    numbered = texts.is_not_null().to_numpy() if texts.null_count() else None
    # integer overflow wraps: this is a hash mix, not arithmetic
    key = client * _MIX
    days = lines.d // NS_PER_DAY
    days *= _MIX2
    key ^= days
    del days
    key ^= number_hash
    follows = np.zeros(len(key), dtype=bool)
    np.equal(key[1:], key[:-1], out=follows[1:])
    for mask in (purchase, numbered):  # both lines purchases with a number
        if mask is not None:
            follows[1:] &= mask[:-1]
            follows &= mask
    at = np.flatnonzero(follows)
    if len(at):
        before = at - 1
        same = (client[at] == client[before]) & (lines.d[at] // NS_PER_DAY == lines.d[before] // NS_PER_DAY)
        if not (same.all() and (texts.gather(pl.Series(at)) == texts.gather(pl.Series(before))).all()):
            return None  # pragma: no cover - a collision
    heads = ~follows
    for mask in (purchase, numbered):
        if mask is not None:
            heads &= mask
    found = _candidates(key, heads, texts, lines.d)
    repeated = _repeated_of_candidates(found, client)
    if repeated is None:
        return None  # pragma: no cover - a collision
    follows[repeated] = True
    return np.flatnonzero(follows)


def _candidates(key: np.ndarray, heads: np.ndarray, texts, dates: np.ndarray) -> _Candidates:
    """The lines of ``heads`` whose ``key`` (the hash of client, day and number) another head shares.

    Finding the heads whose hash occurs twice by a sort is cheaper than numbering
    millions of hashes nearly all distinct.
    """
    import polars as pl

    # on the top 32 bits (the odd int32 of each int64 on a little-endian machine: no shifted
    # copy): half the bytes to sort; the few keys that only share those bits are told apart
    # by the numbering below
    high = key.view(np.int32)[1::2] if sys.byteorder == "little" else key.view(np.int32)[0::2]
    top = high[heads]
    ordered = np.sort(top)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    del ordered
    # heads whose key may be one of those: a table of 4 M flags indexed by the key's top
    # 22 bits (a Bloom filter with one hash) lets through every such line and about
    # len(twice) / 4 M of the others
    flags = np.zeros(1 << 22, dtype=bool)
    flags[(twice >> 10) + (1 << 21)] = True
    top >>= 10
    top += 1 << 21
    hit = np.zeros(len(key), dtype=bool)
    hit[heads] = flags[top]
    del top
    maybe = np.flatnonzero(hit)
    codes, _ = factorize_ints(key[maybe])
    running = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    np.greater(running[1:], running[:-1], out=new[1:])
    second = texts.gather(pl.Series(maybe)).hash(seed=SECOND_SEED).to_numpy().view(np.int64)
    return _Candidates(maybe, codes, new, dates[maybe] // NS_PER_DAY - EPOCH_DAYS, second, None)


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
