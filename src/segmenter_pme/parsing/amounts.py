"""French amounts and order counts read, vectorised: ``1 234,56 €``, ``1.234,56``, ``(123,45)``, ``123,45-``."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..problems import ERROR, WARNING, Issue, value_issues
from .text import SPACES, arrow_text


def parse_amounts(
    s: pd.Series, *, sheet: str | None = None, column: str | None = None
) -> tuple[pd.Series, list[Issue]]:
    """Amounts from numbers and French text: ``1 234,56 €``, ``1.234,56``, ``(123,45)``, ``123,45-``.

    Any space kind (normal, non-breaking, narrow) is a thousands separator;
    ``,`` is the decimal mark unless ``.`` comes after it. Output: float64.
    Unreadable text is a ``montant_illisible`` error.
    """
    column = column or (str(s.name) if s.name is not None else None)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64"), []
    data = arrow_text(s)
    if data is not None:
        fast, read = _usual_text_amounts(data)
        if read.all():
            return pd.Series(fast, index=s.index, name=s.name), []
        if read.any():
            rest, issues = parse_amounts(s[~read], sheet=sheet, column=column)
            fast[~read] = rest.to_numpy(dtype="float64")
            return pd.Series(fast, index=s.index, name=s.name), issues
    obj = s.astype(object)
    is_str = obj.map(lambda v: isinstance(v, str))
    num = pd.to_numeric(obj.where(~is_str), errors="coerce").astype("float64")
    if is_str.any():
        txt = obj[is_str].astype("string").str.strip()
        t = txt.str.replace(r"(?i)€|eur(?:os?)?|\$", "", regex=True)
        t = t.str.replace(SPACES, "", regex=True)
        neg = t.str.match(r"^\(.*\)$") | t.str.match(r"^[^-].*-$")
        t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True).str.replace(r"^(.*[^-])-$", r"\1", regex=True)
        has_c = t.str.contains(",", regex=False)
        has_d = t.str.contains(".", regex=False)
        last_c = t.str.rfind(",")
        last_d = t.str.rfind(".")
        comma_dec = has_c & (~has_d | (last_c > last_d)) & (t.str.count(",") == 1)
        dot_thousands = has_d & ((t.str.count(r"\.") > 1) | comma_dec)
        t = t.where(~dot_thousands, t.str.replace(".", "", regex=False))
        t = t.where(~(has_c & ~comma_dec), t.str.replace(",", "", regex=False))
        t = t.str.replace(",", ".", regex=False)
        vals = pd.to_numeric(t.where(t != ""), errors="coerce").astype("float64")
        # « inf », « 1e400 » are no amount anyone typed: unreadable, as « NaN » is (never an infinite CA)
        vals = vals.where(np.isfinite(vals))
        vals = vals.where(~neg.fillna(False), -vals)
        num[is_str] = vals.to_numpy()
        blank = (txt == "").fillna(True)
        bad_idx = vals.index[(vals.isna() & ~blank).to_numpy()]
    else:
        bad_idx = []
    bad = pd.Series(False, index=s.index)
    bad[bad_idx] = True
    bad |= ~is_str & obj.notna() & num.isna() & ~obj.map(lambda v: isinstance(v, float))
    return num, value_issues(
        "montant_illisible", bad, obj, sheet=sheet, column=column, severity=ERROR,
        message="La valeur « {value} » n'est pas un montant lisible. Saisissez un nombre, par exemple 1 234,56.",
    )


def _usual_text_amounts(data) -> tuple[np.ndarray, np.ndarray]:
    """Amounts of the text values in the usual forms ``1234``, ``-11,77``, ``11.77``, read by Arrow's kernels.

    Returns ``(float64 values, read)``; anything else (spaces, €, thousands
    separators, ``(x)``, ``x-``) is left to the careful parser. 1 M values
    (``benchmarks/bench_parsing.py``, loaded machine): 7.6 s through it alone,
    0.30 s this way — 1.9 × a bare comma-to-dot cast.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    read = pc.fill_null(pc.match_substring_regex(data, r"^-?\d{1,15}(?:[.,]\d+)?$"), False)
    text = pc.if_else(read, pc.replace_substring(data, ",", "."), pa.scalar("0", data.type))
    values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False).copy()
    return values, read.to_numpy(zero_copy_only=False)


def parse_counts(
    s: pd.Series, *, sheet: str | None = None, column: str | None = None
) -> tuple[pd.Series, list[Issue]]:
    """Order counts: whole numbers ≥ 0 (text allowed). Errors: ``nombre_illisible``, ``nombre_negatif``."""
    column = column or (str(s.name) if s.name is not None else None)
    vals, issues = parse_amounts(s, sheet=sheet, column=column)
    issues = [
        dataclasses.replace(i, code="nombre_illisible",
                            message=i.message.replace("un montant lisible", "un nombre de commandes lisible")
                            .replace("1 234,56", "12"))
        for i in issues
    ]
    neg = vals < 0
    frac = vals.notna() & (vals != np.floor(vals))
    issues += value_issues("nombre_negatif", neg, s, sheet=sheet, column=column, severity=ERROR,
                           message="Le nombre de commandes « {value} » est négatif. Corrigez la cellule.")
    issues += value_issues("nombre_decimal", frac, s, sheet=sheet, column=column, severity=WARNING,
                           message="Le nombre de commandes « {value} » n'est pas entier : il est arrondi.")
    # half up, as a person rounds (2,5 → 3), not to the even number
    return np.floor(vals.where(~neg) + 0.5), issues
