"""Layout placement on literal layouts: positions, totals, side charts, grouped writes."""

from __future__ import annotations

from segmenter_pme.layout.placement import plan
from segmenter_pme.layout.render_plan import TablePos, cells_by_coordinate, chart_rows, format_ranges, value_blocks
from segmenter_pme.layout.model import (
    FMT_EUR,
    Cell,
    Chart,
    ColorScale,
    Column,
    SheetLayout,
    Table,
    Text,
    Title,
)

from test_layout_sample import make_result


def _layout() -> SheetLayout:
    t = Table(
        key="t",
        caption="Ventes",
        columns=(Column("Segment", style="label"), Column("CA", FMT_EUR, total="sum"), Column("Note")),
        rows=(("A", 10.0, Cell("voir", style="link", link="'Clients'!C3")), ("B", 5, None)),
        total_label="Total",
        color_scale=ColorScale(1, 1),
        excel_name=None,
        note="Une note.",
    )
    return SheetLayout(
        name="Essai",
        blocks=(
            Title("Titre"),
            Text.of("ligne 1", "ligne 2", style="subtitle", span=3),
            t,
            Chart(key="g", kind="column", title="CA", source="t", categories="Segment", series=("CA",)),
            Table(key="u", columns=(Column("X"),), rows=((1,),), excel_name="Tx"),
        ),
        col_widths=((2, 20),),
        side_col=8,
    )


def test_blocks_are_stacked_with_spacing():
    p = plan(_layout())
    cells = cells_by_coordinate(p)
    assert cells["B1"].value == "Titre" and cells["B1"].style == "title"
    assert cells["B2"].value == "ligne 1" and cells["B3"].value == "ligne 2"
    assert cells["C2"].style == "subtitle" and cells["D3"].value is None  # the span
    pos: TablePos = p.positions["t"]
    # row 4 is the blank after the text, caption on 5, header on 6
    assert (pos.caption_row, pos.header_row, pos.first_row, pos.last_row, pos.total_row) == (5, 6, 7, 8, 9)
    assert cells["C9"].value == 15 and cells["C9"].number_format == FMT_EUR and cells["C9"].style == "total"
    assert cells["D7"].link == "'Clients'!C3" and cells["D7"].style == "link"
    assert cells["B10"].value == "Une note." and cells["B10"].style == "note"
    assert p.color_scales[0][0] == "C7:C8"
    u: TablePos = p.positions["u"]
    # « t » ends with its note on row 10, but the side chart beside it runs from row 5 to row
    # 5 + chart_rows − 1: « u » starts after it and a blank row (a block and its chart, one unit on paper)
    (chart,) = p.charts
    assert u.header_row == 5 + chart_rows(chart.chart) + 1 > 12
    assert [(t.name, t.ref) for t in p.tables] == [("Tx", f"B{u.header_row}:B{u.header_row + 1}")]


def test_side_chart_is_anchored_next_to_its_table_and_resolved():
    p = plan(_layout())
    (chart,) = p.charts
    assert chart.anchor == "H5"
    assert chart.categories.ref == "B7:B8"
    assert chart.series[0].values.ref == "C7:C8" and chart.series[0].title_cell == (6, 3)


def test_value_blocks_and_format_ranges_reproduce_every_cell():
    p = plan(_layout())
    last = {(c.row, c.col): c for c in p.cells}
    seen = {}
    for top, left, rows in value_blocks(p):
        for i, values in enumerate(rows):
            for j, v in enumerate(values):
                seen[(top + i, left + j)] = v
    assert seen == {k: c.value for k, c in last.items()}
    looks = {}
    for style, fmt, refs in format_ranges(p):
        for ref in refs:
            a, _, b = ref.partition(":")
            col = ord(a[0]) - 64
            r1, r2 = int(a[1:]), int((b or a)[1:])
            for r in range(r1, r2 + 1):
                looks[(r, col)] = (style, fmt)
    assert looks == {k: (c.style, c.number_format) for k, c in last.items()}


def test_synthese_grouped_writes_are_few():
    from segmenter_pme.layout import build_synthese

    p = plan(build_synthese(make_result()))
    assert len(value_blocks(p)) < 30  # one COM call per block for the xlwings renderer


def test_every_chart_kind_renders_with_openpyxl(tmp_path):
    import openpyxl

    from segmenter_pme.layout.render_openpyxl import render

    t = Table(key="t", columns=(Column("Mois"), Column("CA", FMT_EUR), Column("Marge", FMT_EUR)),
              rows=(("janvier", 10, 2), ("février", 12, 3), ("mars", 9, 1)))
    charts = tuple(
        Chart(key=k, kind=k, title=f"Graphique {k}", source="t", categories="Mois",
              series=("CA",) if k == "pie" else ("CA", "Marge"), place="flow")
        for k in ("column", "bar", "line", "pie", "scatter")
    )
    wb = openpyxl.Workbook()
    render(wb, SheetLayout(name="Graphiques", blocks=(t, *charts)))
    wb.save(tmp_path / "g.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "g.xlsx")["Graphiques"]
    assert sorted(c.tagname for c in ws._charts) == ["barChart", "barChart", "lineChart", "pieChart", "scatterChart"]
