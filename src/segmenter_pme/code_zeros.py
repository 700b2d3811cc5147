"""Client codes whose leading zeros a number cell lost: « 0007 » typed as text, 7 typed as a number.

Excel reads a code typed as « 0007 » as the number 7 unless the cell is formatted as text: a column of
codes can then hold both. The analysis keeps them apart — two codes, two clients, as it keeps every
code as typed (:func:`canonical.code_keys`) — and this says so, once per code, on the first row of the
number and with how many lines have it, in « Qualité » (code ``code_zeros_perdus``): perhaps one client,
whose code is to be typed again with its zeros.
Nothing is merged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fr import fr_number
from .problems import WARNING, Issue, value_issues

_MESSAGE = ("Le code « {value} » est saisi comme un nombre{detail} comme du texte dans la même colonne : "
            "l'analyse les compte comme deux clients. Excel a peut-être retiré les zéros du début de ce code.")


def zero_twins(codes: pd.Series) -> pd.Series:
    """The number cells of ``codes`` (a column of client codes as read) that are, but for the leading
    zeros, a code typed as text in the same column: their text twin, on the number's row.

    ``[7, "0007", "C1"]`` → ``{0: "0007"}``. A column of text only (a CSV) or numbers only has none.
    """
    if codes.dtype != object or pd.api.types.infer_dtype(codes, skipna=True) in ("string", "empty", "integer",
                                                                                  "floating", "boolean"):
        return pd.Series([], dtype=object, index=codes.index[:0])
    values = codes.to_numpy(dtype=object)
    number = np.fromiter((isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                          for v in values), dtype=bool, count=len(values))
    text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    if not number.any() or not text.any():
        return pd.Series([], dtype=object, index=codes.index[:0])
    typed = pd.Series(values[text], dtype=object).str.strip()
    padded = typed[typed.str.fullmatch(r"0+[0-9]+")]
    if padded.empty:
        return pd.Series([], dtype=object, index=codes.index[:0])
    # the first text of each code without its zeros (« 0007 » before « 007 »)
    twin = dict(zip(padded.str.lstrip("0").replace("", "0")[::-1], padded[::-1]))
    whole = [f"{int(v)}" if v == v and float(v).is_integer() else None for v in values[number]]
    found = pd.Series([twin.get(w) for w in whole], index=codes.index[number], dtype=object)
    return found[found.notna()]


def zero_issues(codes: pd.Series, *, sheet: str | None, column: str | None) -> list[Issue]:
    """:func:`zero_twins` of a column of client codes as « Qualité » remarks: warnings, one per code (a client
    of 10 000 invoice lines is one remark, not 10 000), on its first number cell, saying on how many lines."""
    twins = zero_twins(codes)
    if twins.empty:
        return []
    # one text twin per code without its zeros: its number cells are one code
    first = ~pd.Series(twins.to_numpy(), dtype=object).duplicated().to_numpy()
    lines = twins.value_counts(sort=False)
    details = pd.Series([
        (f" sur {fr_number(int(lines[t]))} lignes (la première ici), et « {t} »" if lines[t] > 1 else f", et « {t} »")
        for t in twins[first]], index=twins.index[first], dtype=object)
    return value_issues("code_zeros_perdus", pd.Series(True, index=details.index), codes, sheet=sheet,
                        column=column, message=_MESSAGE, severity=WARNING, details=details)
