"""French formatting of figures in sentences — the one place: 1 234,5 ; 12,5 % ; 31/12/2025.

Thousands are separated by a narrow no-break space (U+202F), decimals by a
comma, and a unit (€, %) follows a no-break space (U+00A0), so that a line
never breaks between a figure and its unit. Every sentence we write (core
warnings, console, audit, Synthèse, history) goes through these, so a count
never reads « 3096 » on one line and « 3 096 » on the next. No I/O.
"""

from __future__ import annotations

NBSP = "\u00a0"  # before €, %, « : » … (French typography)
THIN_NBSP = "\u202f"  # between thousands


def fr_number(x: float, decimals: int = 0) -> str:
    """``1234.56`` → ``"1 234,6"`` with ``decimals=1``: narrow no-break space for thousands, decimal comma."""
    return f"{x:,.{decimals}f}".replace(",", THIN_NBSP).replace(".", ",")


def fr_int(x: float) -> str:
    """A count: ``3096`` → ``"3 096"``."""
    return fr_number(int(x))


def fr_compact(x: float, decimals: int = 1) -> str:
    """No decimals for a whole value: ``3.0`` → ``"3"``, ``2.5`` → ``"2,5"``."""
    return fr_number(x, 0 if float(x).is_integer() else decimals)


def fr_decimal(x: float) -> str:
    """A setting as the user typed it, shortest form: ``1.5`` → ``"1,5"``, ``2.0`` → ``"2"``."""
    return f"{x:g}".replace(".", ",")


def fr_eur(x: float, decimals: int = 0) -> str:
    """An amount: ``12345.6`` → ``"12 346 €"``."""
    return fr_number(float(x), decimals) + NBSP + "€"


def fr_share(fraction: float, decimals: int = 1) -> str:
    """A share given as a fraction: ``0.185`` → ``"18,5 %"``."""
    return fr_number(100 * float(fraction), decimals) + NBSP + "%"


def fr_pct(part: float, whole: float) -> str:
    """``part`` as a share of ``whole``: ``(37, 200)`` → ``"18,5 %"`` (``"0 %"`` of nothing)."""
    return fr_number(100 * part / whole, 1) + NBSP + "%" if whole else "0" + NBSP + "%"


def fr_signed_share(fraction: float, decimals: int = 1) -> str:
    """A change: ``0.125`` → ``"+12,5 %"``, ``-0.03`` → ``"−3,0 %"`` (a true minus sign)."""
    return ("+" if fraction >= 0 else "−") + fr_share(abs(fraction), decimals)


def fr_date(d) -> str:
    """``31/12/2025``."""
    import pandas as pd  # not at import time: `import segmenter_pme` loads no pandas

    return pd.Timestamp(d).strftime("%d/%m/%Y")


def fr_plural(count: int, one: str, many: str) -> str:
    """``"1 client"``, ``"0 client"``, ``"3 096 clients"`` (French: 0 and 1 are singular)."""
    return f"{fr_int(count)} {one if count <= 1 else many}"


_GLUE = ((" :", NBSP + ":"), (" ;", NBSP + ";"), (" %", NBSP + "%"), (" €", NBSP + "€"), (" ?", NBSP + "?"),
         (" !", NBSP + "!"), ("« ", "«" + NBSP), (" »", NBSP + "»"), ("≥ ", "≥" + NBSP))


def no_break(text: str) -> str:
    """French typography of a whole sentence: no-break spaces before « : ; % € ? ! » and inside « … »."""
    for plain, glued in _GLUE:
        text = text.replace(plain, glued)
    return text
