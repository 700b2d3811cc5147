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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: the first characters (after spaces) that make a spreadsheet read a text as a formula — the one
#: rule for the CSV files and the workbook cells we write (layout.cells)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_SPACES = " \u00a0"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# the same rule as a regular expression, for Arrow (a "-" in a class must be escaped)
_CLASS = "".join("\\" + c if c in "-]^\\" else c for c in TRIGGERS)
RISKY_PATTERN = f"^[{_SPACES}]*[{_CLASS}]"


def looks_like_formula(value: object) -> bool:
    """True for a text a spreadsheet would run as a formula (see :data:`TRIGGERS`)."""
    return isinstance(value, str) and value.lstrip(_SPACES).startswith(TRIGGERS)


def neutralize(value: object) -> object:
    """``value`` itself, or ``"'" + value`` for a text a spreadsheet would run as a formula."""
    if looks_like_formula(value) and not E164.fullmatch(value):
        return "'" + value
    return value


def neutralize_series(values: pd.Series) -> pd.Series:
    """:func:`neutralize` on every text of a Series (other values untouched)."""
    if values.empty:
        return values
    cells = values.to_numpy(dtype=object)
    try:
        arr = pa.array(cells, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers among the texts: one cell at a time
        out = [neutralize(v) for v in cells]
        if all(a is b for a, b in zip(out, cells)):
            return values
        return pd.Series(out, index=values.index, name=values.name, dtype=object)
    # Arrow's regular expressions find the few risky cells; only those are rewritten
    risky = pc.match_substring_regex(arr, RISKY_PATTERN).fill_null(False).to_numpy(zero_copy_only=False)
    if not risky.any():
        return values
    risky &= ~pc.match_substring_regex(arr, "^" + E164.pattern + "$").fill_null(False).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(risky)
    if not len(at):
        return values
    out = cells.copy()
    out[at] = ["'" + v for v in out[at]]
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell of ``frame`` neutralised (a new frame; numbers and dates untouched)."""
    return frame.apply(neutralize_series) if len(frame.columns) else frame
