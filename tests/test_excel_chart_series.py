"""The xlwings renderer plots exactly the series of the layout's charts."""

import datetime as dt

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from support import fake_xlwings as fx
from segmenter_pme.excel import render
from segmenter_pme.layout import build_synthese
from segmenter_pme.layout.placement import plan


def test_rfm_chart_source_is_one_area_per_series_and_skips_the_columns_between():
    demo = generate_demo(300, seed=3)
    result = segment(demo.clients, demo.invoices, Settings(date_analyse=dt.date(2025, 12, 31)))
    layout = build_synthese(result)
    book = fx.FakeBook()
    book.sheets.add("Clients")
    render.render(book, layout)
    sheet = book.sheets["Synthèse"]
    placed = plan(layout).charts
    assert len(sheet.charts) == len(placed)
    for chart, pc in zip(sheet.charts, placed):
        areas = chart.source._areas
        assert len(areas) == len(pc.series)
        for area, series in zip(areas, pc.series):
            assert (area.column, area._c2) == (series.values.first_col, series.values.last_col)
            assert area._r2 == series.values.last_row
