"""French formatting of figures in sentences: 1 234,5 ; 12,5 % ; 31/12/2025."""

from __future__ import annotations

import pandas as pd


def fr_number(x: float, decimals: int = 0) -> str:
    """French formatting: narrow no-break space for thousands, decimal comma."""
    text = f"{x:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def fr_pct(part: float, whole: float) -> str:
    return fr_number(100 * part / whole, 1) + " %" if whole else "0 %"


def fr_date(d) -> str:
    return pd.Timestamp(d).strftime("%d/%m/%Y")
