"""Printing « Synthèse »: blocks kept whole on their page, the chart data off paper, fitted, landscape, titled."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from segmenter_pme import Settings, segment
from segmenter_pme.demo import generate_demo
from segmenter_pme.layout.placement import plan
from segmenter_pme.layout.render_plan import TablePos, chart_rows
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


def _tables_and_side_chart(rows: int, tables: str, source: str, height_cm: float) -> SheetLayout:
    """A title, a table (columns A, B; ``rows`` rows) per letter of ``tables``, and a column chart of the
    table ``source`` in the side band."""
    data = tuple((f"L{i}", i / 100) for i in range(rows))
    return SheetLayout(name="S", blocks=(
        Title("Titre"),
        *(Table(key=key, columns=(Column("A"), Column("B")), rows=data) for key in tables),
        Chart(key="g", kind="column", title="G", source=source, categories="A", series=("B",), width_cm=8,
              height_cm=height_cm),
    ), landscape=True, print_title_rows=1, side_col=5)


def test_a_page_ends_above_a_side_chart_rather_than_through_it():
    p = plan(_tables_and_side_chart(12, "abc", source="b", height_cm=12))
    (_key, top, bottom), = _chart_spans(p)
    assert p.row_breaks and all(not (top <= b < bottom) for b in p.row_breaks)


@pytest.mark.parametrize("which", ["synthese", "messy"])
def test_no_chart_starts_on_the_first_row_of_a_page(which, request):
    # LibreOffice draws such a chart's frame at the foot of the page before too: a stray line there
    p = request.getfixturevalue(which)[-1]
    assert p.row_breaks
    assert not [(key, top) for key, top, _bottom in _chart_spans(p) if top - 1 in p.row_breaks]


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


def _chart_spans(p):
    out = []
    for ch in p.charts:
        top = int("".join(c for c in ch.anchor if c.isdigit()))
        out.append((ch.chart.key, top, top + chart_rows(ch.chart) - 1))
    return out


def _messy_result():
    """A messy base: long names and sectors, and many attention points, some long (a base too small for
    quintiles, a small segment, lines without client, after the analysis date, no sales)."""
    import pandas as pd

    sectors = ["Fabrication de machines et équipements pour l'industrie agroalimentaire et des boissons",
               "Commerce de gros interentreprises de fournitures et équipements industriels divers",
               "Travaux de construction spécialisés, installation électrique et plomberie-chauffage",
               "Hébergement touristique et autre hébergement de courte durée (gîtes et chambres d'hôtes)",
               "Boulangerie"]
    n = 28
    clients = pd.DataFrame({
        "Code client": [f"K{i:03d}" for i in range(n)],
        "Entreprise": [f"Établissements {i} de la Grande Vallée du Rhône et Associés" for i in range(n)],
        "Secteur": [sectors[i % len(sectors)] for i in range(n)],
    })
    lines = []
    for i in range(n - 10):
        for k in range(1 + i % 6):
            lines.append((f"K{i:03d}", dt.date(2025, 12, 31) - dt.timedelta(days=(i * 37 + k * 91) % 900),
                          f"F{i}-{k}", "Facture", 100.0 * (1 + (i * 7) % 40)))
    lines += [(None, dt.date(2025, 6, 1), "F-X", "Facture", 50.0), ("K001", dt.date(2026, 3, 1), "F-Y", "Facture", 9.0),
              ("K002", dt.date(2025, 3, 1), "BL-1", "Bon de livraison", 80.0)]
    invoices = pd.DataFrame(lines, columns=["Code client", "Date", "N° facture", "Type", "Montant HT"])
    return segment(clients, invoices, Settings(date_analyse=dt.date(2025, 12, 31)))


@pytest.fixture(scope="module")
def messy():
    result = _messy_result()
    layout = build_synthese(result)
    return result, layout, plan(layout)


@pytest.mark.parametrize("which", ["synthese", "messy"])
def test_no_page_break_cuts_a_side_chart(which, request):
    got = request.getfixturevalue(which)
    p = got[-1]
    assert p.row_breaks
    for key, top, bottom in _chart_spans(p):
        for b in p.row_breaks:
            assert not (top <= b < bottom), (key, top, bottom, b)


def test_a_side_chart_taller_than_its_block_keeps_the_next_block_below_it():
    p = plan(_tables_and_side_chart(3, "ab", source="a", height_cm=6))
    (_key, top, bottom), = _chart_spans(p)
    assert top == p.positions["a"].header_row
    assert p.positions["b"].header_row > bottom  # a block and its chart: one unit on paper


def test_long_attention_points_wrap_across_the_tables_width(messy):
    result, layout, p = messy
    assert len(result.warnings) >= 3 and max(len(w) for w in result.warnings) > 150
    rows = {cw.row for cw in p.cells if isinstance(cw.value, str) and cw.value.startswith("• ")}
    assert len(rows) == len(result.warnings)
    for r in rows:
        assert f"B{r}:H{r}" in p.merges
    # the 7 columns (30 + 6 × 15 wide) hold about 140 characters a line: the ~390 of the small base
    # warning take 3 lines, the row is that tall
    longest = max(rows, key=lambda r: len(next(cw.value for cw in p.cells if cw.row == r and cw.col == 2)))
    assert p.row_heights[longest] >= 3 * 10 * 1.3
    wide = {cw.col for cw in p.cells if cw.row in rows and cw.style == "warning_wrap"}
    assert wide == set(range(2, 9))


def test_the_add_in_prints_as_planned(synthese):
    from segmenter_pme.excel import render
    from support import fake_xlwings as fx

    layout, p = synthese
    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, layout)
    page = sheet._page
    absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", p.print_area)
    assert sheet.page_setup.print_area == absolute
    assert (page["Orientation"], page["PaperSize"], page["Zoom"], page["FitToPagesWide"], page["FitToPagesTall"]) \
        == (2, 9, False, 1, False)
    assert page["PrintTitleRows"] == "$1:$2" and page["CenterHorizontally"] is True
    # the page ends after each planned row: Excel's break is above the next one
    assert list(sheet._breaks) == [b + 1 for b in p.row_breaks]
    assert book.app.api.PrintCommunication is True  # back on once the page is set up


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_prints_the_messy_synthese_with_its_attention_points_whole(tmp_path, soffice, messy):
    import subprocess

    from segmenter_pme.layout.render_openpyxl import render

    result, layout, p = messy
    wb = openpyxl.Workbook()
    render(wb, layout)
    del wb["Sheet"]
    wb.save(tmp_path / "s.xlsx")
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(tmp_path / "s.xlsx")],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    for w in result.warnings:
        # every word of every point is on paper (not cut at the print area's edge)
        assert " ".join(f"• {w}".split()) in flat, w


def test_the_add_in_merges_each_attention_point_across_the_table(messy):
    from segmenter_pme.excel import render
    from support import fake_xlwings as fx

    result, layout, p = messy
    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, layout)
    rows = sorted({cw.row for cw in p.cells if isinstance(cw.value, str) and cw.value.startswith("• ")})
    assert [sheet.range((r, 8)).style_of("merged") for r in rows] == [f"B{r}:H{r}" for r in rows]
    assert sheet.range((rows[0], 2)).style_of("wrap_text") is True
