"""Client keys numbered as pd.factorize does (codes in order of first appearance), whichever hash table
numbers them, and the distinct keys given back as the text they were."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.invoices import keys
from segmenter_pme.invoices.keys import fixed_width_ints, number_keys, texts_of_ints

TABLES = {"pandas": 10**12, "arrow": 0}  # keys.ARROW_FROM: which table numbers the values


@pytest.mark.parametrize("table", TABLES)
def test_codes_follow_the_first_appearance_of_each_value(table, monkeypatch):
    monkeypatch.setattr(keys, "ARROW_FROM", TABLES[table])
    codes, distinct = number_keys(np.array([50, -3, 50, 9, -3, 2**63 - 1], dtype=np.int64))
    assert codes.tolist() == [0, 1, 0, 2, 1, 3]
    assert codes.dtype == np.int64
    assert distinct.tolist() == [50, -3, 9, 2**63 - 1]


@pytest.mark.parametrize("table", TABLES)
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(-(2**63), 2**63 - 1) | st.integers(-3, 3), max_size=60))
def test_both_tables_number_as_pandas_does(table, values):
    ints = np.array(values, dtype=np.int64)
    expected_codes, expected_distinct = pd.factorize(ints)
    real = keys.ARROW_FROM
    keys.ARROW_FROM = TABLES[table]  # not monkeypatch: hypothesis runs the examples in one test call
    try:
        codes, distinct = number_keys(ints)
    finally:
        keys.ARROW_FROM = real
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(distinct, expected_distinct)


def _repeated(texts: list[str], dtype) -> pd.Series:
    # fixed_width_ints takes only columns worth the trouble (50 000 values or more)
    return pd.Series(np.resize(np.array(texts, dtype=object), 60_000)).astype(dtype)


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", pd.ArrowDtype(__import__("pyarrow").string())])
def test_distinct_fixed_width_keys_come_back_as_their_text(dtype):
    values = _repeated(["C02", "A10", "C02", "É1", "A10"], dtype)  # « É1 »: 3 bytes, as « C02 »
    ints = fixed_width_ints(values)
    assert ints is not None
    codes, distinct = number_keys(ints)
    assert codes[:5].tolist() == [0, 1, 0, 2, 1]
    got = texts_of_ints(distinct, values)
    pd.testing.assert_index_equal(got, pd.Index(["C02", "A10", "É1"], dtype=dtype), exact=True)


@settings(max_examples=40, deadline=None)
@given(width=st.integers(1, 8), data=st.data())
def test_distinct_keys_of_any_width_are_those_of_pandas(width, data):
    alphabet = st.sampled_from("AZaz09 -_.\x00\x7f")
    texts = data.draw(st.lists(st.text(alphabet, min_size=width, max_size=width), min_size=1, max_size=20))
    values = _repeated(texts, "str")
    codes, distinct = number_keys(fixed_width_ints(values))
    expected_codes, expected_distinct = pd.factorize(values)
    np.testing.assert_array_equal(codes, expected_codes)
    pd.testing.assert_index_equal(texts_of_ints(distinct, values), pd.Index(expected_distinct), exact=True)
