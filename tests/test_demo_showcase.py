"""The demo a new user opens is a showcase: no warning made by the demo data itself; real files keep them."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from segmenter_pme.workbook.templates import DEMO_DATE, demo_frames


def test_the_demo_frames_have_no_line_after_the_date_and_every_segment_over_5_percent():
    demo = demo_frames()
    assert (pd.to_datetime(demo.invoices["Date"]) > pd.Timestamp(DEMO_DATE)).sum() == 0
    result = segment(demo.clients, demo.invoices, Settings(date_analyse=DEMO_DATE))
    rfm = result.summary[result.summary["Dimension"] == "Segment RFM"]
    named = rfm[~rfm["Segment"].isin(["Prospect", "Non classé"])]
    assert (named["% base"] >= 0.05).all(), named[["Segment", "% base"]].to_dict("list")
    assert not [w for w in result.warnings if "ne pèse que" in w or "après la date d'analyse" in w]


def test_other_bases_keep_the_lines_after_the_date_that_exercise_the_warning():
    demo = generate_demo(600, reference_date=dt.date(2025, 12, 31))
    assert (pd.to_datetime(demo.invoices["Date"]) > pd.Timestamp(2025, 12, 31)).sum() > 0
    result = segment(demo.clients, demo.invoices, Settings(date_analyse=dt.date(2025, 12, 31)))
    assert any("après la date d'analyse" in w for w in result.warnings)
