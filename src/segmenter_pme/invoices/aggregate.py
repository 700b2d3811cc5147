"""Invoice lines → one row per client key: orders, CA net of credit notes, first and last purchase,
both 12-month CAs (SPEC §1).

One thread: a background thread that numbered the keys while the dates were
read bought nothing measurable (``benchmarks/bench_core.py``, 1 M lines:
0,45 s without it against 0,50 s with it; issue 12), and xlwings Lite runs no
threads.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pandas as pd

from .keys import factorize_by_hash, missing_mask, pandas_factorize
from .lines import NAT, NS_PER_DAY, Lines, line_facts
from .orders import repeated_purchase_lines


@dataclasses.dataclass(frozen=True)
class InvoiceAggregate:
    """What :func:`aggregate_invoices` returns.

    ``clients``: one row per key with columns ``cle``, ``date_premier_achat``,
    ``date_dernier_achat``, ``nb_commandes``, ``ca_total``, ``ca_12m``,
    ``ca_12m_prec``, ``nb_lignes`` (a key seen only on lines without a date — a
    « Total » line — is no client). ``keys``: every distinct key, those of
    undated lines included. ``n_after``: lines dated after the analysis date
    (ignored); ``n_not_sale``: quotes, orders, delivery notes… (ignored).
    """

    clients: pd.DataFrame
    keys: pd.Index
    n_after: int
    n_not_sale: int


def aggregate_invoices(
    keys: pd.Series,
    dates: pd.Series,
    amounts: pd.Series,
    analysis_date: pd.Timestamp,
    *,
    numbers: pd.Series | None = None,
    types: pd.Series | None = None,
    capture: dict | None = None,
) -> InvoiceAggregate:
    """Aggregate invoice lines per client key.

    Input: aligned Series — ``keys`` (client key), ``dates`` (datetime64; a time
    of day is dropped from the first and last purchase), ``amounts`` (float,
    credit notes negative or flagged by ``types``), optional ``numbers``
    (invoice number) and ``types`` (document type). Lines without key or date
    are left out. ``capture``: a dict that receives the line-level facts the
    history replays (see :func:`_capture`).
    """
    lines = line_facts(missing_mask(keys), dates, amounts, analysis_date, types)
    hashed = factorize_by_hash(keys)
    if hashed is not None:
        codes, n_keys, distinct_keys = hashed
        distinct, same = distinct_keys()
        if not same:  # a 64-bit collision on both hashes: tests force it
            hashed = None
    if hashed is None:
        codes, distinct = pandas_factorize(keys)
        n_keys = len(distinct)
    repeated = repeated_purchase_lines(codes, lines, numbers) if numbers is not None else None
    return _per_client(codes, n_keys, distinct, lines, repeated, capture)


class _Sums(NamedTuple):
    """Per-client figures of the lines (see _client_sums)."""

    ca: np.ndarray
    ca_12m: np.ndarray
    ca_12m_before: np.ndarray
    n_lines: np.ndarray
    orders: np.ndarray  # purchase lines; repeated invoice lines not yet taken off
    first: np.ndarray  # day (int32, days since 1970), LATEST_DAY without purchase
    last: np.ndarray  # day (int32), EARLIEST_DAY without purchase
    dated: np.ndarray | None  # keys seen on a dated line (None: all)


def _client_sums(codes: np.ndarray, n_keys: int, lines: Lines) -> _Sums:
    """The sums, counts and extremes of the lines per client code."""
    kept_codes = codes if lines.keep is None else codes[lines.keep]
    # cents, so that 0.1 + 0.2 and 0.3 are the same CA (equal values, equal scores); the CA
    # is summed on its own, line after line: adding up the three windows' sums would make
    # two clients with the same amounts differ in the last bit, and sometimes by a cent
    ca = np.bincount(kept_codes, weights=lines.sk, minlength=n_keys)
    np.round(ca, 2, out=ca)
    n_lines = np.bincount(kept_codes, minlength=n_keys)
    # one bincount over (client, window) bins instead of one masked bincount per window;
    # each bin still sums its lines in line order. The bins are written over the codes when
    # those are a copy: every array of 20 M lines not made is 160 MB of memory the system
    # need not hand over (see _extremes). Measured together with the windows gathered as bytes (lines.py) and
    # the dates taken in place (ed40dc5): aggregate_invoices at 20 M lines 3,96 s against 5,09 s of CPU, of
    # which system time 1,50 s against 2,54 s — not each alone
    cells = np.multiply(kept_codes, 3, out=kept_codes if lines.keep is not None else None)
    cells += lines.window
    by_window = np.bincount(cells, weights=lines.sk, minlength=3 * n_keys)
    del cells, kept_codes
    orders = n_lines.copy()
    if len(lines.kept_credit):
        orders -= np.bincount(codes[lines.kept_credit], minlength=n_keys)
    first, last = _extremes(codes, n_keys, lines)
    # a key seen only on lines without a date (a « Total » line) is no client;
    # every key is on some line, so with every line dated every key is dated
    dated = None if lines.dated is None else np.bincount(codes[lines.dated], minlength=n_keys) > 0
    return _Sums(ca, np.round(by_window[0::3], 2), np.round(by_window[1::3], 2), n_lines, orders, first, last,
                 dated)


LATEST_DAY, EARLIEST_DAY = np.iinfo(np.int32).max, np.iinfo(np.int32).min  # days no minimum / maximum picks


def _extremes(codes: np.ndarray, n_keys: int, lines: Lines) -> tuple[np.ndarray, np.ndarray]:
    """First and last purchase day (days since 1970, int32) of each client code: LATEST_DAY and
    EARLIEST_DAY without purchase.

    In days, not nanoseconds: a day is all a first or last purchase keeps (the time of
    day is dropped), and ``minimum.at`` / ``maximum.at`` take less time on 4-byte values
    (20 M lines, both extremes and their dates at midnight: 0,39 s against 0,65 s of CPU,
    7 interleaved rounds). Lines that are no purchase get a day a minimum (then a maximum)
    never picks, in one array of days written twice; a line without a key (code -1) is
    never a purchase: its value changes nothing.
    """
    first = np.full(n_keys, LATEST_DAY, dtype=np.int32)
    last = np.full(n_keys, EARLIEST_DAY, dtype=np.int32)
    if not n_keys:
        return first, last
    days = np.empty(len(lines.d), dtype=np.int32)
    # the floor, as for dates before 1970; undated lines (NaT) wrap round, and are no purchase
    np.floor_divide(lines.d, NS_PER_DAY, out=days, casting="unsafe")
    others = ~lines.purchase
    some = bool(others.any())
    if some:
        days[others] = LATEST_DAY
    np.minimum.at(first, codes, days)
    if some:
        days[others] = EARLIEST_DAY
    np.maximum.at(last, codes, days)
    return first, last


def _per_client(codes: np.ndarray, n_keys: int, distinct: pd.Index, lines: Lines, repeated: np.ndarray | None,
                capture: dict | None) -> InvoiceAggregate:
    """aggregate_invoices once the keys are numbered; ``repeated``: the positions of the
    purchase lines that repeat an invoice already counted."""
    sums = _client_sums(codes, n_keys, lines)
    orders = sums.orders - np.bincount(codes[repeated], minlength=n_keys) if repeated is not None else sums.orders
    bought = orders > 0
    # days, as _extremes found them (the lines may carry a time of day)
    first, last = _nanoseconds(sums.first, bought), _nanoseconds(sums.last, bought)
    frame = pd.DataFrame(
        {
            "cle": distinct,
            "date_premier_achat": first.view("datetime64[ns]"),
            "date_dernier_achat": last.view("datetime64[ns]"),
            "nb_commandes": orders,
            "ca_total": sums.ca,
            "ca_12m": sums.ca_12m,
            "ca_12m_prec": sums.ca_12m_before,
            "nb_lignes": sums.n_lines,
        },
        copy=False,  # fresh arrays: no need to copy them into 2-D blocks
    )
    rows_codes = None
    if sums.dated is not None and not sums.dated.all():
        frame = frame[sums.dated].reset_index(drop=True)
        rows_codes = np.flatnonzero(sums.dated)
    if capture is not None:
        _capture(capture, codes, lines, repeated, rows_codes)
    return InvoiceAggregate(frame, distinct, lines.n_after, lines.n_not_sale)


def _nanoseconds(days: np.ndarray, bought: np.ndarray) -> np.ndarray:
    """Days (int32) as int64 nanoseconds at midnight, NAT where not ``bought``."""
    nanoseconds = days.astype(np.int64)
    nanoseconds *= NS_PER_DAY
    nanoseconds[~bought] = NAT
    return nanoseconds


def _capture(capture: dict, codes: np.ndarray, lines: Lines, repeated: np.ndarray | None,
             rows_codes: np.ndarray | None) -> None:
    """What the history needs to replay the lines at any date, without reading them again.

    ``codes``: each line's client code (-1: no key); ``lines``: :class:`Lines`
    (dates, kept lines, purchases, signed amounts); ``repeated``: positions of the
    purchase lines that repeat an invoice (not orders); ``rows_codes``: the code
    of each row of the aggregated frame (None: row i is code i).
    """
    capture.update(kcodes=codes, lines=lines, repeated=repeated, codes=rows_codes)
