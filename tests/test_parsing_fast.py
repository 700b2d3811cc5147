"""The Arrow fast paths of parse_dates / parse_amounts give exactly what the careful parser gives (issue 16)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.parsing import (FIRST_DAY, LAST_DAY, clean_text, date_in_text, day_series, in_date_range,
                                  parse_amounts, parse_dates)

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


# ------------------------------------------------ dates an analysis cannot hold (past 11/04/2262)

_FAR = "hors des dates que l'analyse sait lire"


@pytest.mark.parametrize("value,shown", [
    ("31/12/3000", "31/12/3000"),
    ("1/1/3000", "1/1/3000"),
    ("31.12.3000 10:30", "31.12.3000 10:30"),
    ("3000-01-01", "3000-01-01"),
    ("5 novembre 3000", "5 novembre 3000"),
    ("lundi 1er décembre 3000", "lundi 1er décembre 3000"),
    ("01/01/0099", "01/01/0099"),  # four digits: the year 99, not 2099
    (dt.datetime(3000, 1, 1), "01/01/3000"),  # a cell typed 01/01/3000, as openpyxl / calamine give it
    (dt.date(3000, 1, 1), "01/01/3000"),
    (pd.Timestamp("3000-01-01"), "01/01/3000"),
    (np.datetime64("3000-01-01"), "01/01/3000"),
    (dt.datetime(1600, 1, 1, tzinfo=dt.timezone.utc), "01/01/1600"),
])
def test_a_date_no_analysis_holds_is_unreadable_never_wrapped_round(value, shown):
    """Before: 31/12/3000 came back as 1831-11-22 00:50:52, with no issue."""
    for s in (pd.Series(["01/06/2025", value], index=[7, 8], dtype=object),
              pd.Series(["01/06/2025", value], index=[7, 8], dtype="str") if isinstance(value, str) else None):
        if s is None:
            continue
        parsed, issues = parse_dates(s, sheet="Clients", column="Date dernier achat")
        assert parsed.tolist()[0] == pd.Timestamp("2025-06-01") and pd.isna(parsed[8])
        assert [(i.code, i.row, i.sheet, i.column, i.value) for i in issues] == \
               [("date_illisible", 8, "Clients", "Date dernier achat", shown)]
        assert f"« {shown} »" in issues[0].message and _FAR in issues[0].message


@pytest.mark.parametrize("keep_time", [False, True])
@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_a_datetime_column_past_2262_is_unreadable_not_a_traceback(unit, keep_time):
    s = pd.Series(np.array(["3000-01-01", "2025-06-01T10:00", "NaT"], dtype=f"datetime64[{unit}]"), index=[4, 5, 6])
    for col in (s, s.dt.tz_localize("Europe/Paris")):
        parsed, issues = parse_dates(col, keep_time=keep_time)
        assert parsed.dtype == "datetime64[ns]"
        assert parsed.isna().tolist() == [True, False, True]
        assert parsed[5] == pd.Timestamp("2025-06-01 10:00" if keep_time else "2025-06-01")
        assert [(i.code, i.row, i.value) for i in issues] == [("date_illisible", 4, "01/01/3000")]


def test_the_first_and_last_days_pandas_holds():
    text = ["11/04/2262", "12/04/2262", "22/09/1677", "21/09/1677"]
    for s in (pd.Series(text, dtype="str"), pd.Series(text, dtype=object),
              pd.Series([dt.datetime(2262, 4, 11, 23, 59), dt.date(2262, 4, 12), dt.date(1677, 9, 22),
                         dt.datetime(1677, 9, 21, 12)], dtype=object)):
        parsed, issues = parse_dates(s)
        assert parsed.tolist()[0] == pd.Timestamp("2262-04-11") and parsed.tolist()[2] == pd.Timestamp("1677-09-22")
        assert parsed.isna().tolist() == [False, True, False, True]
        assert [(i.code, i.row) for i in issues] == [("date_illisible", 1), ("date_illisible", 3)]
    # a time of day past 23:47:16 on the last day: the day kept, the time dropped, never wrapped round
    late = pd.Series(pd.to_datetime(["2262-04-11 23:59"]).as_unit("us"))
    parsed, issues = parse_dates(late, keep_time=True)
    assert parsed.tolist() == [pd.Timestamp("2262-04-11")] and issues == []
    assert FIRST_DAY == np.datetime64("1677-09-22") and LAST_DAY == np.datetime64("2262-04-11")
    assert in_date_range(dt.date(2262, 4, 11)) and not in_date_range(dt.date(2262, 4, 12))


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
       st.sampled_from(["{d:02d}/{m:02d}/{y:04d}", "{d}/{m}/{y:04d}", "{d:02d}-{m:02d}-{y:04d}",
                        "{y:04d}-{m:02d}-{d:02d}", "{d} {month} {y:04d}"]),
       st.booleans())
def test_a_day_month_year_text_is_that_date_or_reported(day, form, arrow):
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    text = form.format(d=day.day, m=day.month, y=day.year, month=months[day.month - 1])
    parsed, issues = parse_dates(pd.Series(["01/06/2025", text], dtype="str" if arrow else object))
    if pd.isna(parsed[1]):
        assert [(i.code, i.row, i.value) for i in issues] == [("date_illisible", 1, text)]
        assert not in_date_range(day)
    else:
        assert parsed[1] == pd.Timestamp(day) and issues == []


def test_a_title_date_past_2262_is_no_analysis_date():
    assert date_in_text("Export clients du 01/01/3000") is None
    assert date_in_text("Export du 01/01/3000, mis à jour le 02/01/2025") == dt.date(2025, 1, 2)
    assert date_in_text(dt.datetime(3000, 1, 1)) is None and date_in_text(dt.date(2262, 4, 11)) == dt.date(2262, 4, 11)


def test_history_dates_past_2262_are_dropped_not_wrapped_round():
    dates = pd.to_datetime(pd.Series([dt.datetime(3000, 1, 1), dt.datetime(2025, 6, 1, 10)], dtype=object))
    assert day_series(dates).tolist()[1] == pd.Timestamp("2025-06-01") and pd.isna(day_series(dates)[0])
