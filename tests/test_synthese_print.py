"""Printing « Synthèse »: blocks kept whole on their page, the chart data off paper, fitted, landscape, titled."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from segmenter_pme.layout.placement import TablePos, _chart_rows, plan
from segmenter_pme.layout.model import Chart, Column, SheetLayout, Table, Title
from segmenter_pme.layout.synthese import build_synthese


@pytest.fixture(scope="module")
def synthese():
    demo = generate_demo(600, dirty=False, duplicates=False)
    result = segment(demo.clients, demo.invoices, Settings(date_analyse=dt.date(2025, 12, 31)))
    layout = build_synthese(result)
    return layout, plan(layout)


def _spans(p):
    out = {}
    for key, pos in p.positions.items():
        if isinstance(pos, TablePos):
            out[key] = (pos.caption_row or pos.header_row or pos.first_row, max(pos.last_row, pos.total_row or 0))
    return out


def test_no_block_is_cut_by_a_page_break(synthese):
    layout, p = synthese
    assert p.row_breaks, "the Synthèse of a real base takes several pages"
    spans = _spans(p)
    for key, (first, last) in spans.items():
        for b in p.row_breaks:
            assert not (first <= b < last), (key, first, last, b)


def test_a_page_ends_above_a_side_chart_rather_than_through_it():
    rows = tuple((f"L{i}", i / 100) for i in range(12))
    layout = SheetLayout(name="S", blocks=(
        Title("Titre"),
        Table(key="a", columns=(Column("A"), Column("B")), rows=rows),
        Table(key="b", columns=(Column("A"), Column("B")), rows=rows),
        Table(key="c", columns=(Column("A"), Column("B")), rows=rows),
        Chart(key="g", kind="column", title="G", source="b", categories="A", series=("B",), width_cm=8,
              height_cm=12),
    ), landscape=True, print_title_rows=1, side_col=5)
    p = plan(layout)
    top = int("".join(c for c in p.charts[0].anchor if c.isdigit()))
    bottom = top + _chart_rows(p.charts[0].chart) - 1
    assert p.row_breaks and all(not (top <= b < bottom) for b in p.row_breaks)


def test_the_chart_data_is_out_of_the_print_area(synthese):
    _layout, p = synthese
    pareto_first, _ = _spans(p)["pareto"]
    last_printed = int("".join(c for c in p.print_area.split(":")[1] if c.isdigit()))
    assert last_printed < pareto_first
    assert p.print_title_rows == "1:2"


def test_charts_read_for_their_values_have_labels(synthese):
    layout, _p = synthese
    charts = {b.key: b for b in layout.blocks if getattr(b, "kind", None)}
    assert charts["g_rfm"].data_labels and charts["g_secteur"].data_labels
    assert not charts["g_pareto"].data_labels  # a curve is read for its shape


def test_a_block_taller_than_the_rest_of_the_page_starts_a_new_one():
    rows = tuple((f"L{i}", i) for i in range(30))
    layout = SheetLayout(name="S", blocks=(
        Title("Titre"),
        Table(key="a", columns=(Column("A"), Column("B")), rows=rows),
        Table(key="b", columns=(Column("A"), Column("B")), rows=rows),
    ), landscape=True, print_title_rows=1)
    p = plan(layout)
    first_b = p.positions["b"].header_row
    assert p.row_breaks == (first_b - 1,)


def test_the_saved_workbook_prints_as_planned(tmp_path, synthese):
    from segmenter_pme.layout.render_openpyxl import render

    layout, p = synthese
    wb = openpyxl.Workbook()
    render(wb, layout)
    wb.save(tmp_path / "s.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Synthèse"]
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$2"
    absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", p.print_area)
    assert ws.print_area == f"'Synthèse'!{absolute}"
    assert [b.id for b in ws.row_breaks.brk] == list(p.row_breaks)
