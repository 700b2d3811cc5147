"""The Arrow fast paths of parse_dates / parse_amounts give exactly what the careful parser gives (issue 16)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.parsing import clean_text, parse_amounts, parse_dates

dates = st.one_of(
    st.builds(lambda d, m, y: f"{d:02d}/{m:02d}/{y:04d}", st.integers(0, 35), st.integers(0, 14), st.integers(1, 2999)),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", st.integers(1, 31), st.integers(1, 12), st.integers(0, 99)),
    st.sampled_from(["", " ", "abc", "2025-12-31", " 05/06/2023", "45000", "31.12.2025", "+1/02/2025",
                     "1/02/2025", "٣١/١٢/٢٠٢٥"]),
)
amounts = st.one_of(
    st.builds(lambda i, f, sep, neg: f"{'-' if neg else ''}{i}{sep}{f}" if f is not None else f"{'-' if neg else ''}{i}",
              st.integers(0, 10**12), st.one_of(st.none(), st.integers(0, 999)), st.sampled_from([",", "."]),
              st.booleans()),
    st.sampled_from(["", "abc", "1 234,56 €", "(12,5)", "12,5-", "1.234.567,8", "inf", "NaN", "1e400",
                     "--1", "1,2,3", "١٢"]),
)


def _same(fast, slow):
    assert fast[0].equals(slow[0])
    assert [(i.code, i.row, i.value, i.message) for i in fast[1]] == \
           [(i.code, i.row, i.value, i.message) for i in slow[1]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), dates), min_size=1, max_size=30))
def test_dates_fast_path_equals_careful_parser(values):
    arrow = pd.Series(values, index=range(2, 2 + len(values)), dtype="str")
    _same(parse_dates(arrow, column="Date"), parse_dates(arrow.astype(object), column="Date"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), amounts), min_size=1, max_size=30))
def test_amounts_fast_path_equals_careful_parser(values):
    arrow = pd.Series(values, index=range(2, 2 + len(values)), dtype="str")
    _same(parse_amounts(arrow, column="CA"), parse_amounts(arrow.astype(object), column="CA"))


def test_an_impossible_day_is_not_rolled_over_by_the_fast_path():
    text = pd.Series(["31/12/2025", "31/02/2025"], index=[2, 3], dtype="str")
    assert type(text.array).__name__ == "ArrowStringArray"  # what a CSV read gives: the fast path's input
    values, issues = parse_dates(text)
    assert values.tolist() == [pd.Timestamp("2025-12-31"), pd.NaT]
    assert [(i.code, i.row) for i in issues] == [("date_impossible", 3)]


def test_the_fast_path_keeps_the_series_name():
    assert parse_amounts(pd.Series(["1,5", "2"], name="CA", dtype="str"))[0].name == "CA"
    assert parse_dates(pd.Series(["01/02/2025"], name="Date", dtype="str"))[0].name == "Date"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.sampled_from(
    ["a", "é", " ", "  ", "\t", "\n", "\u00a0", "\u202f", "\u2009", "\u3000", "\x1c", "\x85", "\u200b", "x y"]),
    max_size=8).map("".join)), max_size=30))
def test_clean_text_is_the_python_regex_on_every_value(values):
    """The fast path (regex only where a value has another space or two together) changes nothing."""
    s = pd.Series(values, dtype=object)
    slow = s.astype("string").str.replace(r"[\s\u00a0\u202f\u2009]+", " ", regex=True).str.strip()
    assert clean_text(s).equals(slow.where(slow != ""))


def test_leap_days_and_repeated_texts_on_the_fast_path():
    """Each distinct text is read once: repeats must still get their own row in a message."""
    text = pd.Series(["29/02/2024", "29/02/2023", "29/02/1900", "29/02/2000", "29/02/2023", None, "29/02/2024"],
                     index=range(2, 9), dtype="str")
    values, issues = parse_dates(text)
    assert values.tolist() == [pd.Timestamp("2024-02-29"), pd.NaT, pd.NaT, pd.Timestamp("2000-02-29"), pd.NaT,
                               pd.NaT, pd.Timestamp("2024-02-29")]
    assert [(i.code, i.row, i.value) for i in issues] == [
        ("date_impossible", 3, "29/02/2023"), ("date_impossible", 4, "29/02/1900"),
        ("date_impossible", 6, "29/02/2023")]


def test_a_slice_of_an_arrow_column_reads_its_own_values():
    text = pd.Series(["01/01/2020", "02/01/2020", "31/12/2199", "01/01/2200", "31/12/1699"], dtype="str")
    values, issues = parse_dates(text.iloc[2:])
    # years outside 1700–2199 go to the careful parser, which reads them too
    assert values.tolist() == [pd.Timestamp("2199-12-31"), pd.Timestamp("2200-01-01"), pd.Timestamp("1699-12-31")]
    assert values.index.tolist() == [2, 3, 4] and issues == []


def test_a_serial_past_what_a_date_holds_is_unreadable_not_wrapped_round():
    """200000 as a number or as text would overflow datetime64[ns] into a wrong 1863 date."""
    for values in (pd.Series([200000.0, 45000.0]), pd.Series(["200000", "45000"], dtype="str")):
        parsed, issues = parse_dates(values, column="Date")
        assert parsed.isna().tolist() == [True, False]
        assert [(i.code, i.row) for i in issues] == [("date_illisible", 0)]
