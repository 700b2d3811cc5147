"""The user's values as the cells written back (cleaned copy, « Archives »), a column at once: the same values
and types as one by one (``writer.cell_value``, ``audit_copy.typed_cell``), blanks and odd types included."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.audit.formulas import FormulaText
from segmenter_pme.workbook.audit_copy import TEXT_FIELDS, typed_cell, typed_cells
from segmenter_pme.workbook.writer import cell_value, cell_values

BLANKS = st.sampled_from([None, float("nan"), pd.NaT, pd.NA, np.float64("nan"), np.float32("nan"),
                          np.datetime64("NaT"), decimal.Decimal("NaN")])
TEXT = st.one_of(st.text(max_size=5), st.builds(FormulaText, st.sampled_from(["=A1", "x"])), st.builds(np.str_, st.text(max_size=3)))
NUMBERS = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.builds(np.int64, st.integers(-9, 9)),
                    st.builds(np.float64, st.floats(-1e3, 1e3)), st.booleans(), st.builds(np.bool_, st.booleans()))
OTHERS = st.one_of(st.datetimes(), st.dates(), st.times(), st.timedeltas(),
                   st.builds(pd.Timestamp, st.datetimes(min_value=dt.datetime(1700, 1, 1))), st.just(b"x"))
COLUMNS = st.one_of(st.lists(st.one_of(TEXT, BLANKS), max_size=10), st.lists(st.one_of(NUMBERS, BLANKS), max_size=10),
                    st.lists(st.one_of(TEXT, NUMBERS, OTHERS, BLANKS), max_size=10))


def same(got: list, expected: list) -> bool:
    return [type(v) for v in got] == [type(v) for v in expected] and all(
        a is b or a == b or (a != a and b != b) for a, b in zip(got, expected))


@settings(max_examples=300, deadline=None)
@given(COLUMNS)
def test_a_column_at_once_is_each_value_one_by_one(values):
    column = np.empty(len(values), dtype=object)
    column[:] = values
    assert same(cell_values(column), [cell_value(v) for v in values])
    assert same(cell_values(values), [cell_value(v) for v in values])  # a list as well


@pytest.mark.filterwarnings("ignore:Discarding nonzero nanoseconds")  # a NumPy NaN made a date, both ways
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["date_premier_achat", "nb_commandes", "ca_total", "nom", *TEXT_FIELDS]),
       st.lists(st.one_of(st.integers(0, 99), st.floats(0, 1e4), st.sampled_from(["75001", "Dupont"]),
                          st.datetimes(min_value=dt.datetime(1900, 1, 1)), BLANKS), max_size=10))
def test_a_field_at_once_is_each_value_one_by_one(field, values):
    try:
        expected = [typed_cell(field, v) for v in values]
    except (TypeError, ValueError) as err:  # a value the field cannot hold: the same error at once
        with pytest.raises(type(err)):
            typed_cells(field, values)
        return
    assert same(typed_cells(field, values), expected)


def test_text_with_blanks():
    column = np.array(["Dupont", None, float("nan"), "", FormulaText("=A1")], dtype=object)
    assert cell_values(column) == ["Dupont", None, None, "", "=A1"]
    assert type(cell_values(column)[4]) is FormulaText
    assert cell_values([1, np.int64(2), 2.5, float("nan")]) == [1, 2, 2.5, None]
    assert [type(v) for v in cell_values([np.int64(2), pd.Timestamp("2024-01-02")])] == [int, dt.datetime]
