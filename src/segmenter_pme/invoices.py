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
    codes, uniq = pd.factorize(types, use_na_sentinel=True)
    labels = [str(u) for u in uniq]
    credit = np.array([bool(_CREDIT.search(u)) for u in labels] + [False], dtype=bool)
    other = np.array([bool(_NOT_SALE.search(u)) and not _CREDIT.search(u) for u in labels] + [False], dtype=bool)
    return neg | credit[codes], other[codes]


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
    if np.isnan(amt).any():
        amt = np.where(np.isnan(amt), 0.0, amt)
    credit, not_sale = document_kinds(types, amt)
    keep = (kcodes >= 0) & (d != nat) & ~after & ~not_sale
    all_kept = bool(keep.all())
    # a credit note typed as such but written positive still reduces the CA
    signed = np.where(credit & (amt > 0), -amt, amt) if types is not None else amt
    purchase = ~credit if all_kept else keep & ~credit

    kc, dk, sk = (kcodes, d, signed) if all_kept else (kcodes[keep], d[keep], signed[keep])
    # cents, so that 0.1 + 0.2 and 0.3 are the same CA (equal values, equal scores)
    ca = np.round(np.bincount(kc, weights=sk, minlength=k), 2)
    nlines = np.bincount(kc, minlength=k)
    # calendar years, as a manager reads « the last 12 months »
    one_year = (pd.Timestamp(analysis_date).normalize() - pd.DateOffset(years=1)).value + _NS_PER_DAY - 1
    two_years = (pd.Timestamp(analysis_date).normalize() - pd.DateOffset(years=2)).value + _NS_PER_DAY - 1
    y1 = dk > one_year
    y2 = ~y1 & (dk > two_years)
    ca12 = np.round(np.bincount(kc, weights=np.where(y1, sk, 0.0), minlength=k), 2)
    ca12p = np.round(np.bincount(kc, weights=np.where(y2, sk, 0.0), minlength=k), 2)

    pc = kcodes[purchase]
    pd_ = d[purchase]
    first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(k, nat, dtype=np.int64)
    np.minimum.at(first, pc, pd_)
    np.maximum.at(last, pc, pd_)
    orders = np.bincount(pc, minlength=k)
    if numbers is not None:
        orders -= _repeated_invoice_lines(pc, pd_, numbers, np.flatnonzero(purchase), k)
    has = orders > 0
    first[~has] = nat
    last[~has] = nat
    # a key seen only on lines without a date (a « Total » line) is no client
    dated = np.bincount(kcodes[(kcodes >= 0) & (d != nat)], minlength=k) > 0
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
    if not dated.all():
        frame = frame[dated].reset_index(drop=True)
    frame.attrs["hors_ventes"] = int(not_sale.sum())
    return frame, n_after


def _repeated_invoice_lines(kcodes: np.ndarray, days: np.ndarray, numbers: pd.Series, rows: np.ndarray,
                            k: int) -> np.ndarray:
    """Per client, how many purchase lines repeat an invoice number already counted.

    The lines of one invoice share its client and its date in every export we
    know, so only lines whose (client, date) is not unique are compared by
    number — hashing a million invoice numbers would cost more than all the rest.
    """
    pair = pd.Series(kcodes * np.int64(1 << 20) + (days // _NS_PER_DAY - _EPOCH_DAYS))
    cand = pair.duplicated(keep=False).to_numpy()
    if not cand.any():
        return np.zeros(k, dtype=np.int64)
    sub_num = numbers.iloc[rows[cand]]
    ncodes, _ = pd.factorize(sub_num, use_na_sentinel=True)
    sub = pd.DataFrame({"p": pair.to_numpy()[cand], "n": ncodes})
    # a line without a number is an order of its own
    dup = sub.duplicated().to_numpy() & (ncodes >= 0)
    return np.bincount(kcodes[cand][dup], minlength=k)


def credit_note_mask(types: pd.Series | None, amounts: np.ndarray) -> np.ndarray:
    """True for credit notes: a type mentioning avoir / crédit / refund, or a negative amount."""
    return document_kinds(types, np.asarray(amounts, dtype="float64"))[0]
