"""What a blank cell is — the one rule: nothing, a missing number or date (NaN, NaT, pd.NA), or text
made of spaces only. Imports no pandas at import time (``settings`` uses it)."""

from __future__ import annotations

from typing import Any

_MISSING_TYPES = ("NaTType", "NAType")  # pandas' NaT and NA, recognised without importing pandas


def is_blank(value: Any) -> bool:
    """True for ``None``, NaN, NaT, pd.NA and ``"  "``; False for ``0``, ``"0"``, ``False``."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in _MISSING_TYPES


def blank_mask(values):
    """:func:`is_blank` of each value of a Series, vectorised (a boolean Series)."""
    import pandas as pd

    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        return values.isna() | values.astype("string").str.strip().eq("").fillna(True)
    return values.isna()
