"""Text that a spreadsheet must not read as a formula (OWASP « CSV injection »).

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel or LibreOffice when the file is opened —
``=HYPERLINK(…)`` in a company name is enough. Such a cell gets a leading
apostrophe, which the spreadsheet shows as text. Spaces before the sign count
too (some spreadsheets trim them). The one exception is a phone number in
E.164 form (``+33612345678``): e-mailing tools require the ``+``, and digits
after it are no formula.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
E164 = re.compile(r"\+[1-9]\d{6,14}")


def neutralize(value: object) -> object:
    """``value`` itself, or ``"'" + value`` for a text a spreadsheet would run as a formula."""
    if not isinstance(value, str):
        return value
    if value.lstrip(" \u00a0").startswith(TRIGGERS) and not E164.fullmatch(value):
        return "'" + value
    return value


def neutralize_series(values: pd.Series) -> pd.Series:
    """:func:`neutralize` on every text of a Series (other values untouched)."""
    if values.empty:
        return values
    # a plain loop: most cells are safe and one startswith per cell beats any string kernel here
    cells = values.to_numpy(dtype=object)
    out = [neutralize(v) for v in cells]
    if all(a is b for a, b in zip(out, cells)):
        return values
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of ``frame`` neutralised (a new frame; numbers and dates untouched)."""
    return frame.apply(neutralize_series) if len(frame.columns) else frame
