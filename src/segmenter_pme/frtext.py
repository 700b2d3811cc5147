"""French formatting of figures in sentences: 1 234,5 ; 12,5 % ; 31/12/2025 — the one place.

Thousands are separated by a narrow no-break space (U+202F), decimals by a
comma. Every sentence we write (core warnings, console, audit, Synthèse) goes
through these, so a count never reads « 3096 » on one line and « 3 096 » on
the next. No I/O.
"""

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


def fr_int(x: float) -> str:
    """A count: ``3096`` → ``"3 096"``."""
    return fr_number(int(x))


def fr_share(fraction: float, decimals: int = 1) -> str:
    """A share given as a fraction: ``0.185`` → ``"18,5 %"``."""
    return fr_number(100 * float(fraction), decimals) + " %"


def fr_eur(x: float, decimals: int = 0) -> str:
    """An amount: ``12345.6`` → ``"12 346 €"``."""
    return fr_number(float(x), decimals) + " €"
