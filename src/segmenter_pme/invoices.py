"""Invoice lines → one row per client (SPEC §1).

Orders are distinct invoice numbers (else one line = one order); credit notes
(a document type saying avoir, or a negative amount) are not orders and are
netted from the CA. Lines dated after the analysis date are ignored.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_CREDIT = re.compile(r"(?i)avoir|cr[eé]dit|refund|rembours|retour|note de cr")
_NS_PER_DAY = 86_400 * 10**9
_YEAR_NS = 365 * _NS_PER_DAY


def credit_note_mask(types: pd.Series | None, amounts: np.ndarray) -> np.ndarray:
    """True for credit notes: a type mentioning avoir / crédit / refund, or a negative amount."""
    neg = amounts < 0
    if types is None:
        return neg
    codes, uniq = pd.factorize(types, use_na_sentinel=True)
    flagged = np.array([bool(_CREDIT.search(str(u))) for u in uniq] + [False], dtype=bool)
    if not flagged.any():
        return neg
    return neg | flagged[codes]


def _factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def aggregate_invoices(
    keys: pd.Series,
    dates: pd.Series,
    amounts: pd.Series,
    analysis_date: pd.Timestamp,
    *,
    numbers: pd.Series | None = None,
    types: pd.Series | None = None,
) -> tuple[pd.DataFrame, int]:
    """Aggregate invoice lines per client key.

    Input: aligned Series — ``keys`` (client key), ``dates`` (datetime64),
    ``amounts`` (float, credit notes negative or flagged by ``types``),
    optional ``numbers`` (invoice number) and ``types`` (document type).
    Output: ``(frame, n_after)`` where ``frame`` has one row per key with columns
    ``cle``, ``date_premier_achat``, ``date_dernier_achat``, ``nb_commandes``,
    ``ca_total``, ``ca_12m``, ``ca_12m_prec``, ``nb_lignes``; ``n_after`` counts the
    lines dated after ``analysis_date`` (ignored). Lines without key or date are
    left out.
    """
    kcodes, uniques = _factorize(keys)
    k = len(uniques)
    d = dates.to_numpy(dtype="datetime64[ns]").view("int64")
    amt = amounts.to_numpy(dtype="float64", na_value=np.nan)
    end = pd.Timestamp(analysis_date).normalize().value + _NS_PER_DAY - 1
    nat = np.iinfo(np.int64).min
    after = d > end
    n_after = int(np.count_nonzero(after))
    keep = (kcodes >= 0) & (d != nat) & ~after
    all_kept = bool(keep.all())
    if np.isnan(amt).any():
        amt = np.where(np.isnan(amt), 0.0, amt)
    credit = credit_note_mask(types, amt)
    # a credit note typed as such but written positive still reduces the CA
    signed = np.where(credit & (amt > 0), -amt, amt) if types is not None else amt
    purchase = ~credit if all_kept else keep & ~credit

    kc, dk, sk = (kcodes, d, signed) if all_kept else (kcodes[keep], d[keep], signed[keep])
    ca = np.bincount(kc, weights=sk, minlength=k)
    nlines = np.bincount(kc, minlength=k)
    y1 = dk > end - _YEAR_NS
    y2 = ~y1 & (dk > end - 2 * _YEAR_NS)
    ca12 = np.bincount(kc, weights=np.where(y1, sk, 0.0), minlength=k)
    ca12p = np.bincount(kc, weights=np.where(y2, sk, 0.0), minlength=k)

    pc = kcodes[purchase]
    pd_ = d[purchase]
    first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(k, nat, dtype=np.int64)
    np.minimum.at(first, pc, pd_)
    np.maximum.at(last, pc, pd_)
    if numbers is not None:
        ncodes, nuniq = _factorize(numbers)
        orders = _count_orders(pc, ncodes[purchase], k, len(nuniq))
    else:
        orders = np.bincount(pc, minlength=k)
    has = orders > 0
    first[~has] = nat
    last[~has] = nat
    frame = pd.DataFrame(
        {
            "cle": uniques,
            "date_premier_achat": first.view("datetime64[ns]"),
            "date_dernier_achat": last.view("datetime64[ns]"),
            "nb_commandes": orders,
            "ca_total": ca,
            "ca_12m": ca12,
            "ca_12m_prec": ca12p,
            "nb_lignes": nlines,
        }
    )
    return frame, n_after


def _count_orders(kcodes: np.ndarray, ncodes: np.ndarray, k: int, n_numbers: int) -> np.ndarray:
    has_num = ncodes >= 0
    # lines without a number count as one order each
    orders = np.bincount(kcodes[~has_num], minlength=k)
    kc, nc = kcodes[has_num], ncodes[has_num]
    if len(nc) == 0:
        return orders
    lo = np.full(n_numbers, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(n_numbers, -1, dtype=np.int64)
    np.minimum.at(lo, nc, kc)
    np.maximum.at(hi, nc, kc)
    used = hi >= 0
    if np.array_equal(lo[used], hi[used]):
        # the usual case: an invoice number belongs to one client
        return orders + np.bincount(lo[used], minlength=k)
    pairs = np.unique(kc * np.int64(n_numbers) + nc)
    return orders + np.bincount(pairs // n_numbers, minlength=k)
