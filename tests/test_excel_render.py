"""The xlwings renderer of the layout model, on the stand-in: same cells as the plan, in blocks."""

from __future__ import annotations

from support import fake_xlwings as fx
from segmenter_pme.excel import render
from segmenter_pme.layout.placement import plan
from segmenter_pme.layout.model import Cell, Chart, Column, SheetLayout, Table, Text, Title


def _layout(n_rows: int = 3) -> SheetLayout:
    rows = tuple((f"Segment {i}", Cell("545", number_format="@"), 10 * i, Cell("oui", choices=("oui", "non")))
                 for i in range(n_rows))
    table = Table(key="t", columns=(Column("Segment"), Column("Code"), Column("Clients", number_format="#,##0"),
                                    Column("Suivi")),
                  rows=rows, caption="Par segment", excel_name="Tab Segments")
    chart = Chart(key="c", kind="bar", title="Clients", source="t", categories="Segment", series=("Clients",))
    return SheetLayout(name="Synthèse", blocks=(Title("Synthèse"), Text.of("Une ligne de texte"), table, chart),
                       col_widths=((1, 30.0),), freeze="A3")


def test_values_formats_and_styles_follow_the_plan():
    book = fx.FakeBook()
    book.sheets.add("Clients")
    layout = _layout()
    sheet = render.render(book, layout)
    p = plan(layout)
    for cw in p.cells:
        got = sheet.range((cw.row, cw.col)).value
        want = cw.value
        if isinstance(want, (int, float)) and not isinstance(want, bool):
            want = float(want)
        assert got == want, cw.coordinate
        if cw.number_format:
            assert sheet.range((cw.row, cw.col)).number_format == cw.number_format
    code = next(cw for cw in p.cells if cw.value == "545")
    assert sheet.range((code.row, code.col)).value == "545"  # text format set before the value
    header = next(cw for cw in p.cells if cw.style == "header")
    assert sheet.range((header.row, header.col)).style_of("font_bold") is True
    assert sheet.range((header.row, header.col)).style_of("color") == (0x2F, 0x55, 0x97)
    assert sheet.range((header.row, header.col)).style_of("border_all") is not None
    assert sheet.tables and sheet.tables[0].name == "Tab_Segments"
    chart = sheet.charts[0]
    assert chart.chart_type == "bar_clustered" and chart.title == "Clients"
    assert chart.source is not None and chart.x_values is not None
    assert sheet.frozen_at == "A3" and sheet.show_gridlines is False
    validated = [k for k, v in sheet._styles.items() if "validation" in v]
    assert validated
    assert sheet.range((1, 1)).style_of("column_width") == 30.0


def test_rerender_replaces_the_sheet_at_its_place_and_keeps_table_names_unique():
    book = fx.FakeBook()
    for name in ("Clients", "Synthèse", "Qualité"):
        book.sheets.add(name, after=list(book.sheets)[-1]) if len(book.sheets) else book.sheets.add(name)
    render.render(book, _layout())
    render.render(book, _layout())
    assert [s.name for s in book.sheets] == ["Clients", "Synthèse", "Qualité"]
    assert [t.name for s in book.sheets for t in s.tables] == ["Tab_Segments"]


def test_number_of_calls_does_not_grow_with_rows():
    counts = []
    for n in (5, 500):
        book = fx.FakeBook()
        book.sheets.add("Clients")
        render.render(book, _layout(n))
        counts.append(dict(book.app.ops))
    assert counts[0] == counts[1]
    assert counts[0]["write"] == 1  # every value of the sheet in one block


def test_rectangles_cover_each_cell_once():
    cells = {(r, c): ("a" if c < 3 else "b") for r in range(1, 6) for c in range(1, 5)}
    cells[(3, 2)] = "z"
    rects = render.rectangles(cells)
    covered = {}
    for r1, c1, r2, c2, key in rects:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                assert (r, c) not in covered
                covered[(r, c)] = key
    assert covered == cells
    assert len(rects) <= 5


def test_links_are_hyperlink_formulas_in_the_single_block():
    rows = tuple((Cell("Aller à la cellule", style="link", link=f"'Clients'!C{r}"),) for r in range(2, 40))
    layout = SheetLayout(name="Qualité", blocks=(Table(key="q", columns=(Column("Lien", style="link"),), rows=rows),))
    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, layout)
    values = [v for v in sheet.used_range.value if isinstance(v, str) and v.startswith("=")]
    assert values[0] == "=HYPERLINK(\"#'Clients'!C2\",\"Aller à la cellule\")"
    assert len(values) == 38
    assert book.app.ops["write"] == 1 and "link" not in book.app.ops
    assert render.link_formula('#A"B', 'dit "oui"') == '=HYPERLINK("#A""B","dit ""oui""")'
    # a client name past Excel's 255 characters in a formula's text: the link shows its start
    assert render.link_formula("'Clients'!A2", "é" * 255) == f"=HYPERLINK(\"#'Clients'!A2\",\"{'é' * 255}\")"
    assert render.link_formula("'Clients'!A2", "x" * 300) == f"=HYPERLINK(\"#'Clients'!A2\",\"{'x' * 254}…\")"
