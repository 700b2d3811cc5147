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


def _bytes_of(texts: list[str]) -> np.ndarray:
    """The integers fixed_width_bytes makes of texts of one width (their bytes, zero-padded to 8)."""
    raw = np.zeros((len(texts), 8), dtype=np.uint8)
    for row, text in enumerate(texts):
        data = text.encode()
        raw[row, :len(data)] = np.frombuffer(data, dtype=np.uint8)
    return raw.view(np.int64).ravel()


def test_codes_made_of_a_prefix_and_digits_are_numbered_without_a_hash_table():
    texts = ["C12", "C05", "C12", "C19", "C05", "C10", "C11", "C13", "C14", "C15", "C16", "C17", "C18", "C00"] * 2
    numbered = keys.dense_codes(_bytes_of(texts))
    assert numbered is not None  # first digit 0–1 (2 values) × last digit 0–9: 20 numbers for 28 lines
    codes, distinct = numbered
    assert codes[:6].tolist() == [0, 1, 0, 2, 1, 3]
    assert codes.dtype == np.int64
    assert distinct.tolist() == _bytes_of(["C12", "C05", "C19", "C10", "C11", "C13", "C14", "C15", "C16", "C17",
                                           "C18", "C00"]).tolist()


def test_codes_spread_over_more_numbers_than_lines_are_left_to_the_hash_table():
    assert keys.dense_codes(_bytes_of(["A1", "Z9", "A1"])) is None  # 26 × 10 numbers for 3 lines
    codes, distinct = keys.dense_codes(_bytes_of(["X7"] * 5))  # one key
    assert codes.tolist() == [0] * 5 and distinct.tolist() == _bytes_of(["X7"]).tolist()


@settings(max_examples=80, deadline=None)
@given(alphabet=st.sampled_from(["0123456789", "01", "AB9", "abcdefghij", "ÀÉ"]), prefix=st.text("CF-", max_size=2),
       data=st.data())
def test_dense_codes_are_those_of_pandas(alphabet, prefix, data):
    """Whenever dense_codes numbers the keys, codes and distinct keys are pd.factorize's."""
    width = data.draw(st.integers(1, (8 - len(prefix)) // len(alphabet[0].encode())))
    texts = data.draw(st.lists(st.text(alphabet, min_size=width, max_size=width), min_size=1, max_size=30))
    lines = data.draw(st.integers(1, 4000))  # more lines: a wider range of numbers is allowed
    raw = _bytes_of([prefix + text for text in texts])[np.arange(lines) % len(texts)]
    raw = raw[np.random.default_rng(lines).permutation(lines)]
    expected_codes, expected_distinct = pd.factorize(raw)
    numbered = keys.dense_codes(raw)
    if numbered is None:
        return
    codes, distinct = numbered
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(distinct, expected_distinct)


def test_long_columns_of_codes_numbered_in_blocks_match_pandas(monkeypatch):
    """Lines beyond one block (and a last, partial one) and a lead character of few values."""
    monkeypatch.setattr(keys, "DENSE_BLOCK", 1000)
    rng = np.random.default_rng(3)
    texts = [f"K{n:07d}" for n in rng.integers(0, 2_000_000, 5_555)]
    raw = _bytes_of(texts)[rng.integers(0, len(texts), 4_000_000)]
    codes, distinct = keys.dense_codes(raw)
    expected_codes, expected_distinct = pd.factorize(raw)
    np.testing.assert_array_equal(codes, expected_codes)
    np.testing.assert_array_equal(distinct, expected_distinct)
