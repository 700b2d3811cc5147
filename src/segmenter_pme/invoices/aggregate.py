"""Invoice lines → one row per client (SPEC §1).

Orders are distinct invoice numbers (else one line = one order); credit notes
(a document type saying avoir, or a negative amount) are not orders and are
netted from the CA. Lines dated after the analysis date are ignored.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import NamedTuple
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .worker import worker

_CREDIT = re.compile(r"(?i)avoir|cr[eé]dit|refund|rembours|retour|note de cr")
# documents of a « ventes » export that are not sales: counting a delivery note and
# its invoice would double the CA
_NOT_SALE = re.compile(r"(?i)devis|pro ?forma|bon de (commande|livraison)|\bbl\b|\bbc\b|quote|estimate|"
                       r"brouillon|draft|annul|cancel")
_NS_PER_DAY = 86_400 * 10**9
_YEAR_NS = 365 * _NS_PER_DAY
_EPOCH_DAYS = -200_000  # keeps day numbers positive for any plausible date


def document_kinds(types: pd.Series | None, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(credit note, not a sale) masks of the lines.

    Credit note: a type mentioning avoir / crédit / refund / retour, or a
    negative amount. Not a sale: a quote, pro forma, order or delivery note, a
    draft or a cancelled document.
    """
    neg = amounts < 0
    if types is None:
        return neg, np.zeros(len(amounts), dtype=bool)
    arrow = getattr(types.array, "_pa_array", None)
    if arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        credit, other = _arrow_document_kinds(arrow)
        return neg | credit, other
    codes, uniq = pd.factorize(types, use_na_sentinel=True)
    labels = [str(u) for u in uniq]
    credit = np.array([bool(_CREDIT.search(u)) for u in labels] + [False], dtype=bool)
    other = np.array([bool(_NOT_SALE.search(u)) and not _CREDIT.search(u) for u in labels] + [False], dtype=bool)
    return neg | credit[codes], other[codes]


def _arrow_document_kinds(arrow) -> tuple[np.ndarray, np.ndarray]:
    """(credit note, not a sale) masks from the document types, decided once per distinct type.

    A handful of distinct types, one of them on most lines (« Facture »): the
    lines of the first line's type are found by one comparison, and only the
    others are searched for their types — cheaper than numbering a million texts.
    """
    n = len(arrow)
    present = arrow.drop_null()
    if not len(present):
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    first = present[0].as_py()
    same = pc.fill_null(pc.equal(arrow, first), False).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~same)
    if len(rest) > n // 4:  # no type dominates: ask Arrow for every distinct one
        labels = [u for u in pc.unique(arrow).to_pylist() if u is not None]
        return _lines_with(arrow, [u for u in labels if _is_credit(u)]), \
            _lines_with(arrow, [u for u in labels if _is_not_sale(u)])
    others = arrow.take(pa.array(rest))
    labels = [u for u in pc.unique(others).to_pylist() if u is not None]
    masks = []
    for decide in (_is_credit, _is_not_sale):
        mask = same.copy() if decide(first) else np.zeros(n, dtype=bool)
        mask[rest] = _lines_with(others, [u for u in labels if decide(u)])
        masks.append(mask)
    return masks[0], masks[1]


def _is_credit(label: str) -> bool:
    return bool(_CREDIT.search(label))


def _is_not_sale(label: str) -> bool:
    return bool(_NOT_SALE.search(label)) and not _CREDIT.search(label)


def _lines_with(arrow, labels: list[str]) -> np.ndarray:
    """Mask of the lines whose text is one of ``labels`` (missing: False)."""
    if not labels:
        return np.zeros(len(arrow), dtype=bool)
    hit = pc.is_in(arrow, value_set=pa.array(labels, type=arrow.type)) if len(labels) > 3 else \
        functools.reduce(pc.or_, [pc.equal(arrow, u) for u in labels])
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _pandas_factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _hash_text(values: pd.Series):
    """``(polars Series, 64-bit hash of each value)`` of Arrow-backed text, or None."""
    if not _hash_worthy(values):
        return None
    import polars as pl

    try:
        ps = pl.from_arrow(values.array._pa_array)
    except Exception:  # pragma: no cover - a type polars does not read
        return None
    if not isinstance(ps, pl.Series) or ps.dtype != pl.String:
        return None
    return ps, ps.hash(seed=0).to_numpy().view(np.int64)


def _factorize_by_hash(values: pd.Series, hashed=None
                       ) -> tuple[np.ndarray, int, Callable[[], tuple[pd.Index, bool]]] | None:
    """``pd.factorize`` codes (and their count) of Arrow-backed text in about half the time, or None.

    Hashing a million strings is what costs: polars hashes the Arrow strings
    (in native code), and factorizing the 64-bit hashes is an integer hash
    table — much cheaper than a string one. Codes come out in order of first
    appearance, exactly as pd.factorize. The codes are returned as soon as they
    exist, so the caller can start its sums; the third item, a function to run
    next (in whichever thread is free), gives ``(uniques, same)``: the key of
    each code and whether every line has the key of its code. Two different keys
    sharing a hash would merge two clients; ``same`` checks a second 64-bit hash
    (comparing the strings themselves costs as much as the numbering): both must
    collide for two keys to be merged, odds of about n² / 2^129. When ``same``
    is False the caller uses pd.factorize. ``hashed``: :func:`_hash_text` of
    ``values``, when already made.
    """
    hashed = hashed if hashed is not None else _hash_text(values)
    if hashed is None:
        return None
    ps, h = hashed
    valid = None
    if ps.null_count():
        valid = ps.is_not_null().to_numpy()
        sub, hashes = _factorize_ints(h[valid])
        codes = np.full(len(h), -1, dtype=np.int64)
        codes[valid] = sub
    else:
        codes, hashes = _factorize_ints(h)
        codes = codes.astype(np.int64, copy=False)

    def keys() -> tuple[pd.Index, bool]:
        # codes are numbered 0, 1, 2… as keys first appear: a code's first line is
        # where the running maximum of the codes goes up
        run = np.maximum.accumulate(codes)
        new = np.empty(len(codes), dtype=bool)
        if len(codes):
            new[0] = codes[0] >= 0
            np.greater(run[1:], run[:-1], out=new[1:])
        first = np.flatnonzero(new)
        uniques = pd.Index(values.array.take(first))
        if not len(first):
            return uniques, True
        # a second, independent hash must be the same on every line of a code:
        # two keys merged by the first hash would also have to collide on this one
        h2 = ps.hash(seed=0x5E6_4E7).to_numpy().view(np.int64)
        same = h2[first][np.maximum(codes, 0)] == h2
        return uniques, bool(same.all() if valid is None else same[valid].all())

    return codes, len(hashes), keys


def _factorize_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of int64 values, with a hash table sized for half of them.

    pandas sizes the table for as many distinct values as there are values: for
    a million keys that is a table several times larger than the CPU caches, and
    numbering takes about twice as long as with a table that starts at half the
    size and grows if it must (measured with 50 000 to 900 000 distinct values).
    """
    return pd.factorize(values, size_hint=max(len(values) // 2, 1024))


def _hash_worthy(values: pd.Series) -> bool:
    # below this size pd.factorize is fast enough and the polars round trip is not worth it
    return len(values) >= 50_000 and hasattr(values.array, "_pa_array")



def aggregate_invoices(
    keys: pd.Series,
    dates: pd.Series,
    amounts: pd.Series,
    analysis_date: pd.Timestamp,
    *,
    numbers: pd.Series | None = None,
    types: pd.Series | None = None,
    key_codes: _KeyJob | None = None,
    key_check: Callable[[pd.Index], object] | None = None,
    capture: dict | None = None,
) -> tuple[pd.DataFrame, int]:
    """Aggregate invoice lines per client key.

    Input: aligned Series — ``keys`` (client key), ``dates`` (datetime64; a time
    of day is dropped from the first and last purchase), ``amounts`` (float,
    credit notes negative or flagged by ``types``), optional ``numbers``
    (invoice number) and ``types`` (document type).
    Output: ``(frame, n_after)`` where ``frame`` has one row per key with columns
    ``cle``, ``date_premier_achat``, ``date_dernier_achat``, ``nb_commandes``,
    ``ca_total``, ``ca_12m``, ``ca_12m_prec``, ``nb_lignes``; ``n_after`` counts the
    lines dated after ``analysis_date`` (ignored). Lines without key or date are
    left out. ``key_codes``: what :func:`start_key_codes` returned for these same
    ``keys``, when the caller started it earlier. ``key_check``: a function of
    the distinct keys (a pd.Index) whose answer is put in
    ``frame.attrs["key_check"]`` — on large Arrow keys it runs while the sums
    are made. ``capture``: a dict that receives the line-level facts the
    history replays (see :func:`_capture`).
    """
    pending = key_codes if key_codes is not None else start_key_codes(keys)
    lines = _line_facts(missing_mask(keys), dates, amounts, analysis_date, types)
    if pending is not None and numbers is not None:
        return _aggregate_numbered_in_two_threads(pending, keys, lines, numbers, key_check, capture)
    try:
        fast = pending.codes.result() if pending is not None else None
    except Exception:  # pragma: no cover - polars could not read the keys: pandas will
        fast = None
    if fast is not None:
        kcodes, k, key_texts = fast
        # two cores, two threads: the worker reads the keys' texts and checks them while
        # this thread makes the sums
        later = worker().submit(key_texts).result
        checked = worker().submit(lambda: key_check(later()[0])) if key_check is not None else None
        result = _per_client(kcodes, k, later, lines, None, capture=capture)
        if result is not None:
            if checked is not None:
                result[0].attrs["key_check"] = checked.result()
            return result
    kcodes, uniques = _pandas_factorize(keys)
    repeated = _repeated_purchase_lines(kcodes, lines, numbers) if numbers is not None else None
    frame, n_after = _per_client(kcodes, len(uniques), uniques, lines, repeated, capture=capture)
    if key_check is not None:
        frame.attrs["key_check"] = key_check(uniques)
    return frame, n_after


def _aggregate_numbered_in_two_threads(pending: _KeyJob, keys: pd.Series, lines: _Lines, numbers: pd.Series,
                                       key_check: Callable[[pd.Index], object] | None,
                                       capture: dict | None = None) -> tuple[pd.DataFrame, int]:
    """aggregate_invoices of large Arrow keys with invoice numbers.

    Two cores, two threads, two halves of the work: the worker, once it has
    numbered the keys, makes the per-client sums and reads the keys' texts;
    meanwhile this thread hashes the invoice numbers and finds the lines that may
    repeat an invoice, from the keys' hashes (no client codes needed), then
    counts them per client.
    """
    def codes_or_none():
        try:
            return pending.codes.result()
        except Exception:  # pragma: no cover - polars could not read the keys: pandas will
            return None

    def sums():
        fast = codes_or_none()
        return None if fast is None else _client_sums(fast[0], fast[1], lines)

    def texts():
        fast = codes_or_none()
        if fast is None:
            return None
        got = fast[2]()
        return got, (key_check(got[0]) if key_check is not None and got[1] else None)

    sums_job, texts_job = worker().submit(sums), worker().submit(texts)
    number_hashes = _hash_text(numbers)
    candidates = None
    key_hashes = pending.hashes.result()
    if number_hashes is not None and key_hashes is not None:
        rows = _purchase_rows(lines)
        candidates = _repeated_candidates(key_hashes[1][rows], lines.d[rows], number_hashes, rows)
    fast = codes_or_none()
    if fast is not None and texts_job.result() is not None:
        kcodes, k, _ = fast
        (uniques, same), checked = texts_job.result()
        if same:
            repeated = _repeated_purchase_lines(kcodes, lines, numbers, number_hashes, candidates)
            frame, n_after = _per_client(kcodes, k, uniques, lines, repeated, sums=sums_job, capture=capture)
            if key_check is not None:
                frame.attrs["key_check"] = checked
            return frame, n_after
    # a 64-bit collision between two keys, or keys polars could not read
    kcodes, uniques = _pandas_factorize(keys)
    repeated = _repeated_purchase_lines(kcodes, lines, numbers, number_hashes, candidates)
    frame, n_after = _per_client(kcodes, len(uniques), uniques, lines, repeated, capture=capture)
    if key_check is not None:
        frame.attrs["key_check"] = key_check(uniques)
    return frame, n_after


class _KeyJob(NamedTuple):
    """The worker's two jobs on the client keys: hashing them, then numbering them."""

    hashes: Future  # of _hash_text(keys)
    codes: Future  # of _factorize_by_hash(keys)


def start_key_codes(keys: pd.Series) -> _KeyJob | None:
    """Start hashing and numbering the keys in the worker thread; pass the result to aggregate_invoices.

    polars, numpy and pandas' integer hash table release the GIL, so the caller
    can read the dates and amounts meanwhile (nothing there needs key codes).
    None when the keys are better factorized by pandas on the spot.
    """
    if not _hash_worthy(keys):
        return None
    hashes = worker().submit(_hash_text, keys)
    # one thread, tasks in order: the hashes are there when the numbering starts
    return _KeyJob(hashes, worker().submit(lambda: _factorize_by_hash(keys, hashes.result())))


def missing_mask(values: pd.Series) -> np.ndarray | None:
    """Mask of the missing values, or None when there is none (Arrow knows without looking)."""
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is not None and arrow.null_count == 0:
        return None
    missing = values.isna().to_numpy()
    return missing if missing.any() else None


@dataclasses.dataclass
class _Lines:
    """What the lines say before they are grouped by client (see _line_facts)."""

    d: np.ndarray  # dates as int64 nanoseconds
    keep: np.ndarray | None  # lines that count (None: all of them)
    purchase: np.ndarray  # kept lines that are purchases (not credit notes)
    purchase_first: np.ndarray  # date of a purchase line, else the largest int64 (for a minimum)
    purchase_last: np.ndarray  # date of a purchase line, else NaT (for a maximum)
    kept_credit: np.ndarray  # positions of the kept credit-note lines
    dated: np.ndarray | None  # lines with a key and a date (None: all of them)
    sk: np.ndarray  # signed amounts of the kept lines
    window: np.ndarray  # 0 last 12 months, 1 the 12 before, 2 older, for the kept lines
    n_after: int
    n_not_sale: int


def _line_facts(no_key: np.ndarray | None, dates: pd.Series, amounts: pd.Series, analysis_date: pd.Timestamp,
                types: pd.Series | None) -> _Lines:
    # all of this runs while the worker thread is still numbering the keys
    d = dates.to_numpy(dtype="datetime64[ns]").view("int64")
    amt = amounts.to_numpy(dtype="float64", na_value=np.nan)
    end = pd.Timestamp(analysis_date).normalize().value + _NS_PER_DAY - 1
    nat = np.iinfo(np.int64).min
    after = d > end
    n_after = int(np.count_nonzero(after))
    if np.isnan(amt).any():
        amt = np.where(np.isnan(amt), 0.0, amt)
    credit, not_sale = document_kinds(types, amt)
    # each mask below is skipped when it would keep every line (the usual case)
    no_date = d == nat if np.any(d == nat) else None
    drop = [m for m in (no_key, no_date, after if n_after else None, not_sale if not_sale.any() else None)
            if m is not None]
    keep = ~np.logical_or.reduce(drop) if drop else None
    # a credit note typed as such but written positive still reduces the CA
    signed = np.where(credit & (amt > 0), -amt, amt) if types is not None else amt
    purchase = ~credit if keep is None else keep & ~credit
    kept_credit = np.flatnonzero(credit if keep is None else credit & keep)
    # lines that are not purchases get values a minimum / maximum never picks, so
    # the per-client extremes need no gather of the purchase lines
    purchase_first = np.where(purchase, d, np.iinfo(np.int64).max)
    purchase_last = np.where(purchase, d, nat)
    dk, sk = (d, signed) if keep is None else (d[keep], signed[keep])
    # calendar years, as a manager reads « the last 12 months »
    one_year = (pd.Timestamp(analysis_date).normalize() - pd.DateOffset(years=1)).value + _NS_PER_DAY - 1
    two_years = (pd.Timestamp(analysis_date).normalize() - pd.DateOffset(years=2)).value + _NS_PER_DAY - 1
    window = (dk <= one_year).view(np.uint8) + (dk <= two_years).view(np.uint8)
    dated = None
    if no_date is not None:
        dated = ~no_date if no_key is None else ~(no_date | no_key)
    return _Lines(d, keep, purchase, purchase_first, purchase_last, kept_credit, dated, sk, window, n_after,
                  int(not_sale.sum()))


class _Sums(NamedTuple):
    """Per-client figures of the lines (see _client_sums)."""

    ca: np.ndarray
    ca12: np.ndarray
    ca12p: np.ndarray
    nlines: np.ndarray
    orders: np.ndarray  # purchase lines; repeated invoice lines not yet taken off
    first: np.ndarray  # int64 ns, the largest int64 without purchase
    last: np.ndarray  # int64 ns, NaT without purchase
    dated: np.ndarray | None  # keys seen on a dated line (None: all)


def _client_sums(kcodes: np.ndarray, k: int, lines: _Lines) -> _Sums:
    """The sums, counts and extremes of the lines per client code."""
    nat = np.iinfo(np.int64).min
    kc = kcodes if lines.keep is None else kcodes[lines.keep]
    # cents, so that 0.1 + 0.2 and 0.3 are the same CA (equal values, equal scores); the CA
    # is summed on its own, line after line: adding up the three windows' sums would make
    # two clients with the same amounts differ in the last bit, and sometimes by a cent
    ca = np.round(np.bincount(kc, weights=lines.sk, minlength=k), 2)
    # one bincount over (client, window) bins instead of one masked bincount per window;
    # each bin still sums its lines in line order
    by_window = np.bincount(kc * 3 + lines.window, weights=lines.sk, minlength=3 * k)
    nlines = np.bincount(kc, minlength=k)
    orders = nlines.copy()
    if len(lines.kept_credit):
        orders -= np.bincount(kcodes[lines.kept_credit], minlength=k)
    first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(k, nat, dtype=np.int64)
    if k:
        # a line without a key (code -1) is never a purchase: its value changes nothing
        np.minimum.at(first, kcodes, lines.purchase_first)
        np.maximum.at(last, kcodes, lines.purchase_last)
    # a key seen only on lines without a date (a « Total » line) is no client;
    # every key is on some line, so with every line dated every key is dated
    dated = None if lines.dated is None else np.bincount(kcodes[lines.dated], minlength=k) > 0
    return _Sums(ca, np.round(by_window[0::3], 2), np.round(by_window[1::3], 2), nlines, orders, first, last,
                 dated)


def _per_client(kcodes: np.ndarray, k: int, uniques: pd.Index | Callable[[], tuple[pd.Index, bool]], lines: _Lines,
                repeated: np.ndarray | None, sums: Future | None = None, capture: dict | None = None
                ) -> tuple[pd.DataFrame, int] | None:
    """aggregate_invoices once the keys are numbered.

    ``uniques``: the key of each code, or a function giving ``(keys, same)``
    (see _factorize_by_hash) — None is returned when ``same`` says the numbering
    merged two keys. ``repeated``: the positions of the purchase lines that
    repeat an invoice already counted (:func:`_repeated_purchase_lines`).
    ``sums``: the worker's future of :func:`_client_sums`, when it makes them.
    """
    nat = np.iinfo(np.int64).min
    got = sums.result() if sums is not None else _client_sums(kcodes, k, lines)
    if callable(uniques):
        uniques, same = uniques()
        if not same:  # pragma: no cover - a 64-bit hash collision
            return None
    orders = got.orders - np.bincount(kcodes[repeated], minlength=k) if repeated is not None else got.orders
    has = orders > 0
    # the lines may carry a time of day (read_invoices leaves it: dropping it from a
    # million lines costs more than from the first and last purchase of each client)
    first = np.where(has, got.first - got.first % _NS_PER_DAY, nat)
    last = np.where(has, got.last - got.last % _NS_PER_DAY, nat)
    frame = pd.DataFrame(
        {
            "cle": uniques,
            "date_premier_achat": first.view("datetime64[ns]"),
            "date_dernier_achat": last.view("datetime64[ns]"),
            "nb_commandes": orders,
            "ca_total": got.ca,
            "ca_12m": got.ca12,
            "ca_12m_prec": got.ca12p,
            "nb_lignes": got.nlines,
        },
        copy=False,  # fresh arrays: no need to copy them into 2-D blocks
    )
    codes = None
    if got.dated is not None and not got.dated.all():
        frame = frame[got.dated].reset_index(drop=True)
        codes = np.flatnonzero(got.dated)
    if capture is not None:
        _capture(capture, kcodes, lines, repeated, codes)
    frame.attrs["hors_ventes"] = lines.n_not_sale
    return frame, lines.n_after


def _capture(capture: dict, kcodes: np.ndarray, lines: _Lines, repeated: np.ndarray | None,
             codes: np.ndarray | None) -> None:
    """What the history needs to replay the lines at any date, without reading them again.

    ``kcodes``: each line's client code (-1: no key); ``lines``: :class:`_Lines`
    (dates, kept lines, purchases, signed amounts); ``repeated``: positions of the
    purchase lines that repeat an invoice (not orders); ``codes``: the code of
    each row of the aggregated frame (None: row i is code i).
    """
    capture.update(kcodes=kcodes, lines=lines, repeated=repeated, codes=codes)


def _purchase_rows(lines: _Lines) -> np.ndarray:
    return np.arange(len(lines.d)) if lines.purchase.all() else np.flatnonzero(lines.purchase)


def _repeated_purchase_lines(kcodes: np.ndarray, lines: _Lines, numbers: pd.Series,
                             number_hashes=None, candidates: _Candidates | None = None) -> np.ndarray:
    """Positions of the purchase lines that repeat an invoice number already counted.

    Two lines are one order when they share client, day and number (the lines
    of one invoice share its client and its date in every export we know); a
    line without a number is an order of its own. ``number_hashes``:
    :func:`_hash_text` of ``numbers``; ``candidates``: what
    :func:`_repeated_candidates` found, when the caller has them.
    """
    rows = _purchase_rows(lines)
    if candidates is None:
        hashed = number_hashes if number_hashes is not None else _hash_text(numbers)
        if hashed is not None:
            candidates = _repeated_candidates(kcodes[rows], lines.d[rows], hashed, rows)
    if candidates is not None:
        got = _repeated_of_candidates(candidates, kcodes)
        if got is not None:
            return got
    days = lines.d[rows] // _NS_PER_DAY - _EPOCH_DAYS
    return _repeated_exact(kcodes[rows] * np.int64(1 << 20) + days, numbers, rows)


def _repeated_exact(pair: np.ndarray, numbers: pd.Series, rows: np.ndarray) -> np.ndarray:
    # only lines whose (client, date) is not unique are compared by number
    cand = pd.Series(pair).duplicated(keep=False).to_numpy()
    if not cand.any():
        return np.zeros(0, dtype=np.int64)
    sub_num = numbers.iloc[rows[cand]]
    ncodes, _ = pd.factorize(sub_num, use_na_sentinel=True)
    sub = pd.DataFrame({"p": pair[cand], "n": ncodes})
    # a line without a number is an order of its own
    dup = sub.duplicated().to_numpy() & (ncodes >= 0)
    return rows[cand][dup]


_MIX = np.int64(-7046029254386353131)  # 0x9E3779B97F4A7C15, the golden-ratio multiplier, as int64
_MIX2 = np.int64(-4658895280553007687)  # 0xBF58476D1CE4E5B9 (splitmix64), as int64


class _Candidates(NamedTuple):
    """Purchase lines that may repeat an invoice, numbered by their (client, day, number) hash."""

    rows: np.ndarray  # their positions among all the lines
    codes: np.ndarray  # the number of their hash, 0, 1, 2… in order of first appearance
    new: np.ndarray  # True on the first line of each hash
    days: np.ndarray  # their day
    h2: np.ndarray  # a second hash of their invoice number
    numbered: np.ndarray | None  # which have a number (None: all)


def _repeated_candidates(client: np.ndarray, dates: np.ndarray, hashed, rows: np.ndarray) -> _Candidates:
    """The purchase lines whose (client, day, number) hash is not unique.

    Input: for the purchase lines, an int64 that is the same for the same client
    (its code, or the hash of its key: this needs no numbering of the clients),
    their dates (int64 ns); :func:`_hash_text` of the whole number column and the
    positions of the purchase lines in it. Finding the lines whose hash occurs
    twice by a sort is cheaper than numbering a million hashes nearly all distinct.
    """
    import polars as pl

    ps, h1 = hashed
    days = dates // _NS_PER_DAY - _EPOCH_DAYS
    whole = len(rows) == len(ps)
    # integer overflow wraps: this is a hash mix, not arithmetic
    key = (client * _MIX) ^ (days * _MIX2) ^ (h1 if whole else h1[rows])
    # on the top 32 bits: half the bytes to sort; the few keys that only share those
    # bits are told apart by the numbering below
    top = (key >> 32).astype(np.int32)
    srt = np.sort(top)
    twice = srt[1:][srt[1:] == srt[:-1]]
    # lines whose key may be one of those: a table of 4 M flags indexed by the key's top
    # 22 bits (a Bloom filter with one hash) lets through every such line and about
    # len(twice) / 4 M of the others
    flags = np.zeros(1 << 22, dtype=bool)
    flags[(twice >> 10) + (1 << 21)] = True
    cand = np.flatnonzero(flags[(top >> 10) + (1 << 21)])
    codes, _ = _factorize_ints(key[cand])
    run = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    np.greater(run[1:], run[:-1], out=new[1:])
    sub = ps.gather(pl.Series(rows[cand]))
    h2 = sub.hash(seed=0x5E6_4E7).to_numpy().view(np.int64)
    # a line without a number is an order of its own
    numbered = sub.is_not_null().to_numpy() if sub.null_count() else None
    return _Candidates(rows[cand], codes, new, days[cand], h2, numbered)


def _repeated_of_candidates(c: _Candidates, kcodes: np.ndarray) -> np.ndarray | None:
    """Positions of the candidate lines that repeat the first line of their hash; None on a collision.

    Every line of a hash must have the client, the day and the second number
    hash of the hash's first line — else two invoices share a hash (odds about
    n² / 2^129) and the caller compares the texts.
    """
    kc = kcodes[c.rows]
    first = np.flatnonzero(c.new)
    if len(first):
        pair = kc * np.int64(1 << 20) + c.days
        if not ((pair[first][c.codes] == pair) & (c.h2[first][c.codes] == c.h2)).all():
            return None  # pragma: no cover - a collision
    repeated = ~c.new if c.numbered is None else ~c.new & c.numbered
    return c.rows[repeated]
