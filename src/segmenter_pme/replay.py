"""Replaying the invoice lines at past dates (SPEC §8): the snapshot at t.

The lines are read once, by ``segment()``, which keeps their facts (``LineFacts``). Here
they are grouped once per (client, date interval) — the intervals between the
dates asked for —, then accumulated along the dates: the orders, the CA and the
last purchase of every client at every date, without going back to the lines.
The snapshot at t is then scored by the same functions as ``segment()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import pmg as pmg_mod
from .scoring import NOT_CLASSIFIED, score_buyers, segment_codes
from .result import LineFacts, SegmentationResult
from .rules import PROSPECT

_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min
_NO_DAY = np.iinfo(np.int32).min


@dataclass
class Replay:
    """Per client (rows of ``features``): the figures of the lines dated up to a day included —
    orders and last purchase at each of ``dates``, CA at each of ``ca_dates`` (both ascending,
    midnight; ``ca_dates`` holds ``dates``)."""

    dates: pd.DatetimeIndex
    orders: np.ndarray  # (dates, clients) int64
    last: np.ndarray  # (dates, clients) int32 days since 1970, last purchase day, int32 min without
    ca_dates: pd.DatetimeIndex
    ca: np.ndarray  # (ca_dates, clients) float64, net (round to the cent where read, as segment() does)
    has_lines: np.ndarray  # per client: figures from invoice lines (else from the client table)

    def orders_at(self, date) -> np.ndarray:
        return self.orders[self._row("dates", date)]

    def last_at(self, date) -> np.ndarray:
        return self.last[self._row("dates", date)]

    def ca_at(self, date) -> np.ndarray:
        return self.ca[self._row("ca_dates", date)]

    def _row(self, which: str, date) -> int:
        pos = self.__dict__.get("_" + which)
        if pos is None:  # a dict: asked hundreds of times, DatetimeIndex.get_loc costs more than the sums
            pos = self.__dict__["_" + which] = {t: i for i, t in enumerate(getattr(self, which).asi8)}
        return pos[pd.Timestamp(date).value]


def _day_index(dates) -> pd.DatetimeIndex:
    # nanoseconds whatever the unit of the dates given: they are compared with the lines' int64 ns
    return pd.DatetimeIndex(sorted({pd.Timestamp(d).normalize() for d in dates})).as_unit("ns")


def build_replay(facts: LineFacts, features: pd.DataFrame, dates, ca_dates=()) -> Replay:
    """The cumulative figures of every client at every date of ``dates``, and its CA at the
    dates of ``ca_dates`` too (the CA windows of « Petits à potentiel »).

    A client known only from the client table (no invoice line) has figures as
    of its last purchase only: it enters the replay at that date, with them.
    """
    dates = _day_index(dates)
    ca_dates = _day_index(set(dates) | {pd.Timestamp(d) for d in ca_dates})
    kcodes = facts.kcodes
    k = int(kcodes.max()) + 1 if len(kcodes) else 0
    # the interval of each line: the first date at or after its day. Date-major cells: the
    # running sums along the dates then add whole rows of clients at a time
    span = np.searchsorted(ca_dates.asi8 + _NS_PER_DAY - 1, facts.d, side="left")
    cell = span * np.int64(k) + kcodes
    ca = _running(np.bincount(cell if facts.keep is None else cell[facts.keep], weights=facts.sk,
                              minlength=k * len(ca_dates))[:k * len(ca_dates)].reshape(len(ca_dates), k), np.add)
    # orders and last purchase at the fewer ``dates`` only: an interval of ``ca_dates`` belongs to the
    # first of ``dates`` at or after it (past the last one: to none)
    to_date = np.append(np.searchsorted(dates.asi8, ca_dates.asi8, side="left"), len(dates))
    size = k * len(dates)
    purchase = np.flatnonzero(facts.purchase)
    cell = to_date[span[purchase]] * np.int64(k) + kcodes[purchase]
    orders_cells = np.bincount(cell, minlength=size + k)  # + k: the lines after the last date, if any
    if facts.repeated is not None and len(facts.repeated):
        # in place: a second array of every cell costs more (fresh memory) than these few lines
        np.subtract.at(orders_cells, to_date[span[facts.repeated]] * np.int64(k) + kcodes[facts.repeated], 1)
    # days, not nanoseconds: half the memory to fill (the time of day is dropped, as segment() does)
    last_cells = np.full(size + k, _NO_DAY, dtype=np.int32)
    np.maximum.at(last_cells, cell, (facts.d[purchase] // _NS_PER_DAY).astype(np.int32))
    orders = _running(orders_cells[:size].reshape(len(dates), k), np.add)
    last = _running(last_cells[:size].reshape(len(dates), k), np.maximum)
    # clients' rows: features row → aggregated row → code
    agg_rows = facts.feature_rows
    codes = facts.codes
    has_lines = agg_rows >= 0
    identity = codes is None and len(agg_rows) == k and bool(np.array_equal(agg_rows, np.arange(k)))
    if not identity:
        code_of_agg = np.arange(k) if codes is None else codes
        rows_code = np.where(has_lines, code_of_agg[np.maximum(agg_rows, 0)], 0)
        ca, orders, last = ca[:, rows_code], orders[:, rows_code], last[:, rows_code]
    if not has_lines.all():
        _table_clients(features, ~has_lines, dates, ca_dates, orders, ca, last)
    return Replay(dates, orders, last, ca_dates, ca, has_lines)


def _running(cells: np.ndarray, op) -> np.ndarray:
    # row after row, in place: numpy's accumulate along the first axis of a wide array is
    # several times slower than these whole-row operations
    for i in range(1, len(cells)):
        op(cells[i - 1], cells[i], out=cells[i])
    return cells


def _table_clients(features: pd.DataFrame, rows: np.ndarray, dates: pd.DatetimeIndex, ca_dates: pd.DatetimeIndex,
                   orders: np.ndarray, ca: np.ndarray, last: np.ndarray) -> None:
    idx = np.flatnonzero(rows)
    f_last = features["date_dernier_achat"].to_numpy(dtype="datetime64[ns]").view("int64")[idx]
    f_orders = features["nb_commandes"].to_numpy(dtype="float64", na_value=np.nan)[idx]
    f_ca = features["ca_total"].to_numpy(dtype="float64", na_value=np.nan)[idx]
    buyer = (f_last != _NAT) & (np.nan_to_num(f_orders) >= 1)

    def present(at: pd.DatetimeIndex) -> np.ndarray:
        return buyer[None, :] & (f_last[None, :] <= at.asi8[:, None])

    orders[:, idx] = np.where(present(dates), np.nan_to_num(f_orders).astype(np.int64)[None, :], 0)
    ca[:, idx] = np.where(present(ca_dates), np.nan_to_num(f_ca)[None, :], 0.0)
    last[:, idx] = np.where(present(dates), (f_last // _NS_PER_DAY).astype(np.int32)[None, :], _NO_DAY)


@dataclass
class Snapshot:
    """The clients with at least one order at ``date`` and their segments (SPEC §8).

    ``rows``: their positions in ``features``; the other arrays are aligned on
    ``rows``. ``rfm``: index in the settings' rules (then Prospect, Non classé);
    ``pmg``: index in ``pmg.TIERS`` (then Prospect, Non classé).
    """

    date: pd.Timestamp
    rows: np.ndarray
    rfm: np.ndarray
    pmg: np.ndarray
    potentiel: np.ndarray
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    ca: np.ndarray
    orders: np.ndarray
    last: np.ndarray  # int64 ns
    n_clients: int  # len(features)

    def groups(self, dim: str) -> np.ndarray:
        """Per client of ``features``: its RFM segment, PMG tier, or Potentiel group (0 à potentiel,
        1 other Petits) in this snapshot, -1 when not in it (or not a Petit). Kept once made."""
        cache = self.__dict__.setdefault("_groups", {})
        if dim not in cache:
            if dim == "RFM":
                v = self.rfm
            elif dim == "PMG":
                v = self.pmg
            else:
                v = np.where(self.pmg == pmg_mod.TIERS.index("Petits"), np.where(self.potentiel, 0, 1), -1)
            cache[dim] = self.full(np.asarray(v, dtype=np.int16), -1)
        return cache[dim]

    def full(self, values: np.ndarray, fill) -> np.ndarray:
        """``values`` spread over every client of ``features`` (``fill`` for the others)."""
        out = np.full(self.n_clients, fill, dtype=np.asarray(values).dtype if fill is not None else object)
        out[self.rows] = values
        return out


@dataclass
class Profile:
    """What « Petits à potentiel » reads of today's profile, decided once for every snapshot."""

    fixed: np.ndarray  # per client of ``features``: a reason from its profile (large company, priority sector)
    with_ca12: bool  # the base has CA windows (invoice lines): the growth reason applies
    n: int

    @classmethod
    def of(cls, features: pd.DataFrame, settings) -> "Profile":
        big, priority = pmg_mod.profile_reasons(features["taille"], features["secteur"], np.arange(len(features)),
                                            settings)
        return cls(big | priority, bool(features["ca_12m"].notna().any()), len(features))


def snapshot_at(rep: Replay, date, profile: Profile, settings) -> Snapshot:
    """The segmentation of SPEC §3–§5 at ``date`` from the lines dated up to it."""
    date = pd.Timestamp(date).normalize()
    orders = rep.orders_at(date)
    rows = np.flatnonzero(orders >= 1)
    last_day = rep.last_at(date)[rows]
    ca = np.round(rep.ca_at(date)[rows], 2)
    days = np.maximum(date.value // _NS_PER_DAY - last_day, 0)
    # small integers sort several times faster than floats, to the same scores
    days = days.astype(np.int16) if len(days) and days.max() <= np.iinfo(np.int16).max else days
    got, tiers = score_buyers(days, orders[rows].astype(np.int32), ca, settings)
    _, segments = segment_codes(got.r, got.f, got.m, settings.regles_segments)
    potential = _potential(rep, rows, date, profile, tiers, got.r, got.f, settings)
    return Snapshot(date, rows, segments.astype(np.int16), tiers.astype(np.int16), potential, got.r, got.f, got.m, ca,
                    orders[rows], last_day.astype(np.int64) * _NS_PER_DAY, profile.n)


def _potential(rep: Replay, rows: np.ndarray, date: pd.Timestamp, profile: Profile, tiers: np.ndarray,
               r: np.ndarray, f: np.ndarray, settings) -> np.ndarray:
    """« Petits à potentiel » at ``date``: the profile is today's, the CA windows those of ``date``."""
    petit = np.flatnonzero(tiers == pmg_mod.TIERS.index("Petits"))
    out = np.zeros(len(rows), dtype=bool)
    if not len(petit):
        return out
    sub = rows[petit]
    cur = prev = None
    if profile.with_ca12:
        # calendar years, as segment() counts « the last 12 months »; no window for a client of the table
        now, y1, y2 = (rep.ca_at(t)[sub] for t in (date, date - pd.DateOffset(years=1),
                                                   date - pd.DateOffset(years=2)))
        cur, prev = np.round(now - y1, 2), np.round(y1 - y2, 2)
        if not rep.has_lines.all():
            lines = rep.has_lines[sub]
            cur, prev = np.where(lines, cur, np.nan), np.where(lines, prev, np.nan)
    rf, grow = pmg_mod.buying_reasons(r[petit], f[petit], cur, prev, settings)
    out[petit] = profile.fixed[sub] | rf | grow
    return out


def snapshot_of_result(result: SegmentationResult) -> Snapshot:
    """The snapshot at D, as ``segment()`` made it (clients with at least one order, and Non classé)."""
    features = result.features
    rfm = features["segment_rfm"].cat.codes.to_numpy().astype(np.int16)
    names = list(features["segment_rfm"].cat.categories)
    rows = np.flatnonzero(rfm != names.index(PROSPECT))
    marked = features["potentiel"]
    potential = marked.cat.codes.to_numpy()[rows] > 0 if isinstance(marked.dtype, pd.CategoricalDtype) \
        else (marked.astype("string").fillna("") != "").to_numpy()[rows]
    last = features["date_dernier_achat"].to_numpy(dtype="datetime64[ns]").view("int64")[rows]
    return Snapshot(
        pd.Timestamp(result.analysis_date), rows, rfm[rows],
        features["segment_pmg"].cat.codes.to_numpy().astype(np.int16)[rows], potential,
        *(features[score].to_numpy()[rows] for score in ("score_r", "score_f", "score_m")),
        features["ca_total"].to_numpy(dtype="float64", na_value=np.nan)[rows],
        np.nan_to_num(features["nb_commandes"].to_numpy(dtype="float64", na_value=np.nan)[rows]).astype(np.int64),
        last, len(features))


def rfm_names(settings) -> list[str]:
    return [r.name for r in settings.regles_segments] + [PROSPECT, NOT_CLASSIFIED]


def pmg_names() -> list[str]:
    return list(pmg_mod.TIERS) + [PROSPECT, NOT_CLASSIFIED]
