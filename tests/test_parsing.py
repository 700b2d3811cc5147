"""French value parsing (SPEC §1): dates, amounts, counts, postal codes, SIREN/SIRET."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from segmenter_pme.parsing import (
    clean_text,
    parse_amounts,
    parse_counts,
    parse_dates,
    parse_identifiers,
    parse_postal_codes,
)
from segmenter_pme.problems import ERROR, INFO, WARNING

T = pd.Timestamp


def _one_date(value):
    vals, issues = parse_dates(pd.Series([value], dtype=object), sheet="Clients", column="Date")
    return vals.iloc[0], issues


# ------------------------------------------------------------------ dates

@pytest.mark.parametrize(
    "value,expected",
    [
        ("31/12/2025", T("2025-12-31")),
        ("1/2/2025", T("2025-02-01")),  # 1 February, French order
        ("05/04/2025", T("2025-04-05")),  # 5 April, never 4 May
        ("31-12-25", T("2025-12-31")),
        ("31.12.2025", T("2025-12-31")),
        ("31.12.2025 14:30", T("2025-12-31")),
        ("2025-12-31", T("2025-12-31")),
        ("2025-12-31T08:15:00", T("2025-12-31")),
        ("2025-12-31 23:59:59+01:00", T("2025-12-31")),
        ("2025-12-31 23:59:59 +0100", T("2025-12-31")),  # Shopify « Created at »: the date as written
        ("2025-03-01 10:15:00 -0500", T("2025-03-01")),
        ("29/02/2024", T("2024-02-29")),
        (45658, T("2025-01-01")),  # Excel serial
        (45658.75, T("2025-01-01")),  # a time of day does not move the date
        ("45658", T("2025-01-01")),  # serial stored as text
        (dt.date(2025, 3, 4), T("2025-03-04")),
        (dt.datetime(2025, 3, 4, 17, 45), T("2025-03-04")),
    ],
)
def test_dates_accepted(value, expected):
    got, issues = _one_date(value)
    assert got == expected
    assert issues == []


def test_dates_datetime_column_dropped_time():
    s = pd.Series(pd.to_datetime(["2025-01-02 13:00", "2025-03-04 00:00"]))
    vals, issues = parse_dates(s)
    assert vals.tolist() == [T("2025-01-02"), T("2025-03-04")]
    assert issues == []


def test_dates_numeric_column_of_serials():
    vals, issues = parse_dates(pd.Series([45658.0, 45659.0, np.nan]))
    assert vals.iloc[:2].tolist() == [T("2025-01-01"), T("2025-01-02")]
    assert pd.isna(vals.iloc[2])
    assert issues == []


@pytest.mark.parametrize("value", ["31/02/2025", "29/02/2025", "32/01/2025", "15/13/2025", "2025-02-30"])
def test_impossible_date_is_an_error_naming_row_and_value(value):
    s = pd.Series(["01/01/2025", value], index=[7, 8], dtype=object)
    vals, issues = parse_dates(s, sheet="Clients", column="Date dernier achat")
    assert pd.isna(vals.loc[8])
    assert len(issues) == 1
    issue = issues[0]
    assert issue.code == "date_impossible"
    assert issue.severity == ERROR
    assert issue.row == 8 and issue.value == value
    assert issue.sheet == "Clients" and issue.column == "Date dernier achat"
    assert f"« {value} »" in issue.message
    assert "feuille « Clients »" in issue.where() and "ligne 8" in issue.where()


@pytest.mark.parametrize("value", ["bientôt", "12/2025", "hier"])
def test_unreadable_date_is_an_error(value):
    _, issues = _one_date(value)
    assert [i.code for i in issues] == ["date_illisible"]
    assert issues[0].severity == ERROR and issues[0].value == value


def test_blank_dates_are_missing_without_issue():
    vals, issues = parse_dates(pd.Series([None, "", "   ", np.nan], dtype=object))
    assert vals.isna().all()
    assert issues == []


# ------------------------------------------------------------------ amounts

@pytest.mark.parametrize(
    "value,expected",
    [
        ("1 234,56 €", 1234.56),
        ("1\u00a0234,56\u00a0€", 1234.56),  # non-breaking space (Excel FR)
        ("1\u202f234,56\u202f€", 1234.56),  # narrow non-breaking space
        ("1 234 567,89", 1234567.89),
        ("(123,45)", -123.45),
        ("123,45-", -123.45),
        ("-123,45", -123.45),
        ("1.234,56", 1234.56),
        ("1.234.567", 1234567.0),
        ("1234.56", 1234.56),
        ("12,5", 12.5),
        ("€ 99", 99.0),
        ("100 EUR", 100.0),
        ("0", 0.0),
        (12.5, 12.5),
        (7, 7.0),
    ],
)
def test_amounts_accepted(value, expected):
    vals, issues = parse_amounts(pd.Series([value], dtype=object))
    assert vals.iloc[0] == pytest.approx(expected)
    assert issues == []


def test_amounts_numeric_column_passes_through():
    vals, issues = parse_amounts(pd.Series([1.5, -2.0, np.nan]))
    assert vals.iloc[:2].tolist() == [1.5, -2.0] and pd.isna(vals.iloc[2])
    assert issues == []


def test_unreadable_amount_is_an_error_naming_row_and_value():
    s = pd.Series(["10", "douze euros", ""], index=[3, 4, 5], dtype=object)
    vals, issues = parse_amounts(s, sheet="Clients", column="CA total")
    assert vals.loc[3] == 10 and pd.isna(vals.loc[4]) and pd.isna(vals.loc[5])
    assert [(i.code, i.row, i.value, i.severity) for i in issues] == [("montant_illisible", 4, "douze euros", ERROR)]
    assert "« douze euros »" in issues[0].message


# ------------------------------------------------------------------ counts

def test_counts():
    s = pd.Series(["3", 4, "12", "", "2,0"], dtype=object)
    vals, issues = parse_counts(s)
    assert vals.iloc[[0, 1, 2, 4]].tolist() == [3, 4, 12, 2]
    assert pd.isna(vals.iloc[3])
    assert issues == []


def test_negative_and_unreadable_counts_are_errors():
    s = pd.Series(["-1", "beaucoup"], index=[10, 11], dtype=object)
    vals, issues = parse_counts(s, sheet="Clients", column="Nombre commandes")
    codes = {(i.code, i.row, i.severity) for i in issues}
    assert ("nombre_negatif", 10, ERROR) in codes
    assert ("nombre_illisible", 11, ERROR) in codes
    assert vals.isna().all()


def test_decimal_count_is_a_warning():
    vals, issues = parse_counts(pd.Series(["3,4"], dtype=object))
    assert vals.iloc[0] == 3
    assert [(i.code, i.severity) for i in issues] == [("nombre_decimal", WARNING)]


# ------------------------------------------------------------------ postal codes

@pytest.mark.parametrize(
    "value,expected,repaired",
    [
        ("75001", "75001", False),
        (75001, "75001", False),
        (75001.0, "75001", False),
        ("75001.0", "75001", False),
        (1000, "01000", True),  # Excel dropped the leading zero
        ("1000", "01000", True),
        ("01000", "01000", False),
        (" 13 001 ", "13001", False),
        ("F-75001", "75001", False),
        ("20100", "20100", False),
        ("97133", "97133", False),
    ],
)
def test_postal_codes(value, expected, repaired):
    codes, rep, _ = parse_postal_codes(pd.Series([value], dtype=object))
    assert codes.iloc[0] == expected
    assert bool(rep.iloc[0]) is repaired


def test_lost_zero_is_reported_once_as_info():
    _, _, issues = parse_postal_codes(pd.Series([1000, "1200", "75001"], dtype=object))
    assert [(i.code, i.severity, i.count) for i in issues] == [("code_postal_zero_perdu", INFO, 2)]


@pytest.mark.parametrize("value", ["ABC", "2A000", "123", "750011"])
def test_invalid_postal_code_is_a_warning_and_missing(value):
    codes, _, issues = parse_postal_codes(pd.Series([value], index=[9], dtype=object), sheet="S", column="CP")
    assert pd.isna(codes.iloc[0])
    assert [(i.code, i.severity, i.row, i.value) for i in issues] == [("code_postal_invalide", WARNING, 9, value)]


# ------------------------------------------------------------------ SIREN / SIRET

@pytest.mark.parametrize(
    "value,expected",
    [
        (3.5600000000048e13, "35600000000048"),  # shown as 3,56E+13 in Excel, digits intact
        (35600000000048, "35600000000048"),
        ("35600000000048", "35600000000048"),
        ("356 000 000 00048", "35600000000048"),
        ("356.000.000.00048", "35600000000048"),
        (5.5212022200013e12, "05521202220001"),  # leading zero restored (13 digits as a number)
    ],
)
def test_siret_read_back(value, expected):
    digits, _, issues = parse_identifiers(pd.Series([value], dtype=object), "siret")
    assert digits.iloc[0] == expected
    assert issues == []


def test_siret_float_flagged_as_number():
    _, was_float, _ = parse_identifiers(pd.Series([3.5600000000048e13, "35600000000048"], dtype=object), "siret")
    assert was_float.tolist() == [True, False]


def test_siret_scientific_text_lost_digits_is_reported():
    digits, _, issues = parse_identifiers(pd.Series(["3,56E+13"], index=[4], dtype=object), "siret")
    assert pd.isna(digits.iloc[0])
    assert [(i.code, i.row) for i in issues] == [("siret_tronque", 4)]


def test_siren_wrong_length_reported():
    digits, _, issues = parse_identifiers(pd.Series(["12345"], dtype=object), "siren")
    assert pd.isna(digits.iloc[0])
    assert [i.code for i in issues] == ["siren_format"]


def test_siren_from_number():
    digits, _, _ = parse_identifiers(pd.Series([356000000], dtype=object), "siren")
    assert digits.iloc[0] == "356000000"


# ------------------------------------------------------------------ text

def test_clean_text_spaces_of_any_kind():
    s = pd.Series(["  Dupont\u00a0 SARL ", "", None, "A\u202fB"], dtype=object)
    assert clean_text(s).tolist()[0] == "Dupont SARL"
    assert pd.isna(clean_text(s).iloc[1]) and pd.isna(clean_text(s).iloc[2])
    assert clean_text(s).iloc[3] == "A B"


def test_py_spaces_is_python_whitespace_for_every_character():
    """PY_SPACES in a class matches exactly the characters Python's ``\\s`` matches, in Arrow's RE2 and in ``re``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from segmenter_pme.parsing.text import PY_SPACES

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    arrow = pc.match_substring_regex(pa.array(chars), f"^[{PY_SPACES}]$").to_pylist()
    python = [re.fullmatch(r"\s", c) is not None for c in chars]
    spelt = [re.fullmatch(f"[{PY_SPACES}]", c) is not None for c in chars]
    assert [c for c, a, p in zip(chars, arrow, python) if a != p] == []
    assert spelt == python
    assert sum(python) == 29  # the list is not empty by mistake


def test_postal_codes_and_siret_read_every_kind_of_space():
    from segmenter_pme.parsing import parse_identifiers, parse_postal_codes

    codes, _, _ = parse_postal_codes(pd.Series(["F-75 001", "fr\u00a013\u202f001", "69\u2007002", "1\u200a000",
                                                "F 6'9003", "FX 75001"]))
    assert codes.tolist() == ["75001", "13001", "69002", "01000", "69003", pd.NA]
    digits, _, _ = parse_identifiers(pd.Series(["552\u00a0100\u202f554\t00017", "552.100.554-00017",
                                                "552\u3000100 554 00017"]))
    assert digits.tolist() == ["55210055400017"] * 3
