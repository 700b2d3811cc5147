"""The kind of each value of a streamed column (``fastsheet.kind_codes``), which picks its cell's look:
in columns of text, of numbers or of anything, blanks among them, values wrapped in ``Own`` included."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.layout.cells import needs_quote
from segmenter_pme.workbook import fastsheet
from segmenter_pme.workbook.fastsheet import EMPTY, KINDS, Own


class Code(str):
    """A str subclass (as ``formulas.FormulaText``): text all the same."""


def expected(v) -> str:
    """One value's kind, as a reader of the rules would say it."""
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
        return "none"
    if v is EMPTY:
        return "empty"
    if isinstance(v, str):
        return "quoted" if needs_quote(v) else "text"
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(v, dt.datetime):
        return "datetime"
    if isinstance(v, dt.date):
        return "date"
    return "other"


BLANKS = st.sampled_from([None, float("nan"), pd.NaT, pd.NA, np.float64("nan")])
TEXT = st.one_of(st.text(max_size=6), st.sampled_from(["=A1", "+33 6", "-5", "@x", "C0001", " ", "0007", "VRAI", "mars 2024"]),
                 st.builds(Code, st.sampled_from(["x", "=1"])), st.builds(np.str_, st.text(max_size=3)))
NUMBERS = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.builds(np.int64, st.integers(-9, 9)),
                    st.builds(np.float32, st.floats(-1e3, 1e3)), st.builds(np.int32, st.integers(-9, 9)))
OTHERS = st.one_of(st.booleans(), st.builds(np.bool_, st.booleans()), st.datetimes(), st.dates(),
                   st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1700, 1, 1))), st.just(EMPTY),
                   st.builds(Own, st.one_of(TEXT, NUMBERS)), st.just(b"x"))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.one_of(TEXT, BLANKS), max_size=12), st.lists(st.one_of(NUMBERS, BLANKS), max_size=12),
                 st.lists(st.one_of(TEXT, NUMBERS, OTHERS, BLANKS), max_size=12)))
def test_each_value_has_its_kind_whatever_the_column(values):
    column = np.empty(len(values), dtype=object)
    column[:] = values
    kinds, unwrapped = fastsheet.kind_codes(column)
    own = len(KINDS)
    got = [("own " if k >= own else "") + KINDS[k % own] for k in kinds]
    assert got == [("own " if isinstance(v, Own) else "") + expected(v.value if isinstance(v, Own) else v)
                   for v in values]
    assert [u is (v.value if isinstance(v, Own) else v) for u, v in zip(unwrapped, values)] == [True] * len(values)


def test_a_column_of_text_with_blanks():
    column = np.array(["a", None, "=SOMME(A1)", float("nan"), "0007"], dtype=object)
    assert [KINDS[k] for k in fastsheet.kind_codes(column)[0]] == ["text", "none", "quoted", "none", "quoted"]


def test_a_column_of_numbers_with_blanks():
    column = np.array([1, 2.5, None, np.int64(3), float("nan")], dtype=object)
    assert [KINDS[k] for k in fastsheet.kind_codes(column)[0]] == ["number", "number", "none", "number", "none"]
