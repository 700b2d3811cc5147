"""Days between two dates pandas holds (22/09/1677 – 11/04/2262) are counted in days, never from a
nanosecond difference: past 292 years that overflows int64 — pandas raises, numpy silently wraps round
(a purchase of 1700 had Récence 0, « Champions »-recent; a date of 2200 was written as serial -103929)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme import segment
from segmenter_pme.parsing import days_between
from segmenter_pme.settings import Settings
from segmenter_pme.workbook import fastsheet

STAMPS = st.datetimes(min_value=dt.datetime(1677, 9, 22), max_value=dt.datetime(2262, 4, 10, 23, 59, 59))


@settings(max_examples=300, deadline=None)
@given(STAMPS, STAMPS)
def test_days_between_is_pythons_whole_days(later, earlier):
    expected = (later - earlier).days  # Python's datetime has no overflow: the oracle
    got = days_between(pd.Timestamp(later), pd.Series([pd.Timestamp(earlier)]))
    assert got.tolist() == [float(expected)]


@settings(max_examples=200, deadline=None)
@given(STAMPS, st.lists(st.one_of(st.none(), STAMPS), min_size=1, max_size=6))
def test_one_date_against_many_either_way_is_pythons_whole_days(one, many):
    """One date (an analysis date, Excel's epoch) against an array, on either side; a missing date
    gives NaN."""
    series = pd.Series(pd.to_datetime(pd.Series(many, dtype=object)), dtype="datetime64[ns]")
    np.testing.assert_array_equal(days_between(pd.Timestamp(one), series),
                                  [np.nan if m is None else float((one - m).days) for m in many])
    np.testing.assert_array_equal(days_between(series.to_numpy(), pd.Timestamp(one)),
                                  [np.nan if m is None else float((m - one).days) for m in many])


def test_days_between_by_hand():
    day = pd.Timestamp("2025-12-31")
    dates = pd.Series(pd.to_datetime(["1700-03-15", "2025-12-30 15:00", None, "2025-12-31"], format="mixed"))
    # 15/03/1700 → 31/12/2025: 325 years, 79 of them leap (1704…2024, not 1800 nor 1900), + 291 days
    assert days_between(day, dates)[[0, 1, 3]].tolist() == [325 * 365 + 79 + 291, 0.0, 0.0]
    assert np.isnan(days_between(day, dates)[2])
    assert float(days_between(day, pd.Timestamp("2025-12-01 08:00"))) == 29.0


def test_a_purchase_three_centuries_old_is_the_least_recent():
    clients = pd.DataFrame({"Code client": ["A", "B"],
                            "Date dernier achat": [dt.datetime(1700, 3, 15), dt.datetime(2025, 1, 1)],
                            "Nombre commandes": [1, 2], "CA total": [100.0, 200.0]}, index=[2, 3])
    out = segment(clients=clients, settings=Settings(date_analyse=dt.date(2025, 12, 31))).output
    assert out.loc[2, "Récence (jours)"] == 118_995
    assert out.loc[2, "Score R"] < out.loc[3, "Score R"]


def test_excel_serials_of_far_dates():
    stamps = np.array(["1900-03-01", "2025-06-30T12:00", "2200-01-01", "2262-04-11"], dtype="datetime64[ns]")
    frame = pd.DataFrame({"Date": stamps})
    rows = b"".join(bytes(chunk) for chunk in fastsheet.rows_xml(frame, 2, [""])).decode()
    assert [float(v) for v in re.findall(r"<v>([^<]*)</v>", rows)] == [61.0, 45838.5, 109575.0, 132320.0]


def test_a_client_file_with_a_purchase_of_1700_is_segmented_audited_and_cleaned(tmp_path):
    from segmenter_pme.workbook.audit_files import audit_file, clean_file
    from segmenter_pme.workbook.engine import run

    csv = tmp_path / "clients.csv"
    csv.write_text("Code client;Entreprise;Date dernier achat;Nombre commandes;CA total\n"
                   "C1;Alpha;15/03/1700;1;100\nC2;Beta;01/06/2025;3;900,5\n", encoding="utf-8")
    report = run(csv, analysis_date=dt.date(2025, 12, 31))  # raised OverflowError in the audit's inactive clients
    assert report.result.output.loc[2, "Récence (jours)"] == 118_995
    audit, _ = audit_file(csv, analysis_date=dt.date(2025, 12, 31))
    assert audit.inactive["jours"].tolist() == [118_995]
    cleaned = clean_file(csv, tmp_path / "propre.xlsx", analysis_date=dt.date(2025, 12, 31))
    assert cleaned.archived == 1
