"""What each invoice line says before the lines are grouped by client: kept or not, purchase or
credit note, signed amount, 12-month window."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .documents import document_kinds

NS_PER_DAY = 86_400 * 10**9
NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds
NEVER = np.iinfo(np.int64).max  # a date no minimum picks


@dataclasses.dataclass
class Lines:
    """What the lines say before they are grouped by client (see line_facts)."""

    d: np.ndarray  # dates as int64 nanoseconds (short names: the history's replay reads these fields)
    keep: np.ndarray | None  # lines that count (None: all of them)
    purchase: np.ndarray  # kept lines that are purchases (not credit notes)
    kept_credit: np.ndarray  # positions of the kept credit-note lines
    dated: np.ndarray | None  # lines with a key and a date (None: all of them)
    sk: np.ndarray  # signed amounts of the kept lines
    window: np.ndarray  # 0 last 12 months, 1 the 12 before, 2 older, for the kept lines
    n_after: int  # lines dated after the analysis date
    n_not_sale: int  # quotes, delivery notes… (see documents)

    def purchase_rows(self) -> np.ndarray:
        return np.arange(len(self.d)) if self.purchase.all() else np.flatnonzero(self.purchase)


def line_facts(no_key: np.ndarray | None, dates: pd.Series, amounts: pd.Series, analysis_date: pd.Timestamp,
               types: pd.Series | None) -> Lines:
    nanoseconds = dates.to_numpy(dtype="datetime64[ns]").view("int64")
    amount = amounts.to_numpy(dtype="float64", na_value=np.nan)
    end = pd.Timestamp(analysis_date).normalize().value + NS_PER_DAY - 1
    after = nanoseconds > end
    n_after = int(np.count_nonzero(after))
    if np.isnan(amount).any():
        amount = np.where(np.isnan(amount), 0.0, amount)
    credit, not_sale = document_kinds(types, amount)
    # each mask below is skipped when it would keep every line (the usual case)
    no_date = nanoseconds == NAT if np.any(nanoseconds == NAT) else None
    drop = [m for m in (no_key, no_date, after if n_after else None, not_sale if not_sale.any() else None)
            if m is not None]
    keep = ~np.logical_or.reduce(drop) if drop else None
    # a credit note typed as such but written positive still reduces the CA; most are written negative, and
    # their amounts are then taken as they are, not copied (20 M lines with types: step line_facts 0,46 s →
    # 0,39 s of CPU, median of 5 interleaved rounds)
    signed = amount
    if types is not None:
        positive_credit = credit & (amount > 0)
        if positive_credit.any():
            signed = np.where(positive_credit, -amount, amount)
    purchase = ~credit if keep is None else keep & ~credit
    kept_credit = np.flatnonzero(credit if keep is None else credit & keep)
    kept_amounts = signed if keep is None else signed[keep]
    # calendar years, as a manager reads « the last 12 months »
    day = pd.Timestamp(analysis_date).normalize()
    one_year = (day - pd.DateOffset(years=1)).value + NS_PER_DAY - 1
    two_years = (day - pd.DateOffset(years=2)).value + NS_PER_DAY - 1
    # the windows of every line, then of the kept ones: a gather of bytes, not of 8-byte dates (with the
    # fewer line-sized arrays of aggregate._client_sums: 3,96 s against 5,09 s of CPU at 20 M lines)
    window = (nanoseconds <= one_year).view(np.uint8) + (nanoseconds <= two_years).view(np.uint8)
    if keep is not None:
        window = window[keep]
    dated = None
    if no_date is not None:
        dated = ~no_date if no_key is None else ~(no_date | no_key)
    return Lines(nanoseconds, keep, purchase, kept_credit, dated, kept_amounts,
                 window, n_after, int(not_sale.sum()))
