"""Placement of a layout (the tiny layout engine): :class:`SheetLayout` → absolute positions and cell writes.

:func:`plan` stacks the blocks from row 1 down in the main band, floats the side
charts in the side band, and returns a :class:`RenderPlan`: a flat list of
:class:`CellWrite` ``(row, col, value, number_format, style, link)`` plus the
sheet-level objects (Excel Tables, colour scales, drop-down lists, charts with
resolved ranges, row heights). A renderer walks the plan; it never computes a
position itself, so the openpyxl and xlwings sheets cannot drift apart. The plan's
types, ``value_blocks`` and ``format_ranges`` are in :mod:`.render_plan`; the print
area and page breaks are set by :mod:`.print_pages`.

Writing a second renderer (xlwings)
-----------------------------------
1. ``p = plan(layout)``; clear or recreate the sheet ``p.name`` at its position.
2. Values: ``for top, left, rows in value_blocks(p): sheet.range((top, left)).value = rows``
   (one COM call per rectangle; dates are ``datetime.date``).
3. Looks: ``for style, fmt, refs in format_ranges(p)``: apply ``STYLES[style]``
   (font, fill, border, alignment) and ``number_format = fmt`` to each range.
4. Links: cells with ``CellWrite.link`` → ``add_hyperlink("#" + link, str(value))``.
5. ``p.col_widths`` (characters), ``p.row_heights`` (points), ``p.freeze``,
   ``p.gridlines``, ``p.tab_color``; ``p.tables`` → ``ListObjects.Add``;
   ``p.color_scales`` → ``FormatConditions.AddColorScale``; ``p.validations`` →
   ``Validation.Add(xlValidateList, …, ",".join(choices))``; ``p.charts`` →
   ``ChartObjects.Add`` at ``anchor`` with ``SeriesCollection.NewSeries`` per
   :class:`ChartSeries` (``values``, ``categories`` as ranges).
"""

from __future__ import annotations

from typing import Any

from .model import Cell, Chart, PageBreak, SheetLayout, Spacer, STYLES, Table, Text, Title, plain
from .print_pages import print_plan
from .render_plan import (
    DEFAULT_COL_WIDTH,
    DEFAULT_ROW_PT,
    CellWrite,
    ChartSeries,
    ExcelTable,
    PlacedChart,
    Range,
    RenderPlan,
    TablePos,
    Validation,
    chart_rows,
    col_letter,
)


def estimate_lines(text: Any, width: float, size: float) -> int:
    """Lines ``text`` takes wrapped in a cell ``width`` characters wide at ``size`` points."""
    if text is None:
        return 1
    s = str(text)
    # ~1.2 characters of body text per width unit at 10 pt (a unit is one digit of the
    # 11 pt default font); lines break between words, as Excel and LibreOffice wrap them:
    # a slight overestimate costs a blank line, an underestimate hides text
    per_line = max(1.0, width * 1.2 * 10.0 / max(size, 6))
    return sum(_wrapped_lines(part, per_line) for part in s.split("\n"))


def _wrapped_lines(text: str, per_line: float) -> int:
    """Lines of ``text`` wrapped greedily between words at ``per_line`` characters."""
    lines, used = 1, 0
    for word in text.split(" "):
        n = len(word)
        if used and used + 1 + n > per_line:
            lines, used = lines + 1, 0
        while n > per_line:  # a word longer than a line is cut by the renderer
            lines, n = lines + 1, n - int(per_line)
        used = used + 1 + n if used else n
    return lines


def plan(layout: SheetLayout) -> RenderPlan:
    """Position every block of ``layout``; pure and deterministic."""
    out = RenderPlan(
        name=layout.name,
        col_widths=dict(layout.col_widths),
        freeze=layout.freeze,
        gridlines=layout.gridlines,
        tab_color=layout.tab_color,
        landscape=layout.landscape,
        zoom=layout.zoom,
        print_title_rows=layout.print_title_rows,
        fit_width=layout.fit_width,
        print_scale=layout.print_scale,
        left_col=layout.left_col,
    )
    tables: dict[str, Table] = {}
    row = 1
    side: list[Chart] = []
    # a side chart sits beside its neighbour block and the main band goes on below it: a block
    # and its chart make one unit on paper, which a page break never cuts
    beside: dict[str, list[Chart]] = {}
    for b in layout.blocks:
        if isinstance(b, Chart) and b.place == "side":
            beside.setdefault(b.next_to or b.source, []).append(b)
    side_top: dict[str, int] = {}
    side_row = 1

    def width(col: int, span: int = 1) -> float:
        return sum(out.col_widths.get(c, DEFAULT_COL_WIDTH) for c in range(col, col + span))

    def grow(r: int, col: int, value: Any, style: str, span: int = 1) -> None:
        cell_style = STYLES[style]
        if not cell_style.wrap or value is None:
            return
        lines = estimate_lines(value, width(col, span), cell_style.size)
        if lines > 1:
            pt = lines * cell_style.size * 1.3 + 4
            out.row_heights[r] = max(out.row_heights.get(r, DEFAULT_ROW_PT), pt)

    def put(r: int, c: int, value: Any, fmt: str | None, style: str, link: str | None = None) -> None:
        out.cells.append(CellWrite(r, c, plain(value), fmt, style, link))
        grow(r, c, value, style)

    spans: list[tuple[int, int, bool]] = []  # (first row, last row, printed) of each main-band block
    for block in layout.blocks:
        c0 = layout.left_col
        top = row
        if isinstance(block, Title):
            put(row, c0, block.text, None, block.style)
            if block.height:
                out.row_heights[row] = block.height
            if block.key:
                out.positions[block.key] = row
            row += 1
        elif isinstance(block, Text):
            if block.key:
                out.positions[block.key] = row
            first = c0 + block.col_offset
            wrapped = STYLES[block.style].wrap and block.span > 1
            for line in block.lines:
                out.cells.append(CellWrite(row, first, plain(line), None, block.style, None))
                grow(row, first, line, block.style, block.span if wrapped else 1)
                for j in range(1, block.span):
                    put(row, first + j, None, None, block.style)
                if wrapped:  # a paragraph across the columns of the band, on screen and on paper
                    out.merges.append(f"{col_letter(first)}{row}:{col_letter(first + block.span - 1)}{row}")
                row += 1
        elif isinstance(block, Spacer):
            row += block.rows
        elif isinstance(block, PageBreak):
            if row > 1:
                out.page_breaks.append(row - 1)
        elif isinstance(block, Table):
            row = _place_table(block, row, c0 + block.col_offset, out, put)
            tables[block.key] = block
        elif isinstance(block, Chart):
            if block.place == "side":
                side.append(block)
                continue
            out.charts.append(_resolve_chart(block, f"{col_letter(c0)}{row}", tables, out))
            out.positions[block.key] = row
            row += chart_rows(block)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")
        key = getattr(block, "key", None)
        for chart in beside.get(key, ()) if key else ():
            chart_top = max(side_row, top)
            side_top[chart.key] = chart_top
            side_row = chart_top + chart_rows(chart) + 1
            row = max(row, side_row - 1)
        if row > top:
            spans.append((top, row - 1, getattr(block, "printed", True)))
        row += block.space_after

    # side charts, top-aligned with their neighbour and never overlapping each other
    for chart in side:
        if chart.key in side_top:
            top = side_top[chart.key]
            out.charts.append(_resolve_chart(chart, f"{col_letter(layout.side_col)}{top}", tables, out))
            out.positions[chart.key] = top
    # a chart whose neighbour comes after it in the blocks: below the others
    for chart in sorted((c for c in side if c.key not in side_top),
                        key=lambda ch: _top_of(out.positions[ch.next_to or ch.source])):
        top = max(side_row, _top_of(out.positions[chart.next_to or chart.source]))
        out.charts.append(_resolve_chart(chart, f"{col_letter(layout.side_col)}{top}", tables, out))
        out.positions[chart.key] = top
        side_row = top + chart_rows(chart) + 1
    out.last_row = max(row - 1, side_row - 1)
    print_plan(layout, out, spans)
    return out


def _top_of(pos: Any) -> int:
    if isinstance(pos, TablePos):
        return pos.caption_row or pos.header_row or pos.first_row
    return int(pos)


def _place_table(t: Table, row: int, c0: int, out: RenderPlan, put) -> int:
    caption_row = None
    if t.caption:
        caption_row = row
        put(row, c0, t.caption, None, "h2")
        # the h2 underline runs across the table's width
        for j in range(1, len(t.columns)):
            put(row, c0 + j, None, None, "h2")
        row += 1
    header_row = None
    if t.show_header:
        header_row = row
        for j, col in enumerate(t.columns):
            put(row, c0 + j, col.header, None, "header")
        row += 1
    first = row
    for values in t.rows:
        for j, col in enumerate(t.columns):
            v = values[j] if j < len(values) else None
            if isinstance(v, Cell):
                put(row, c0 + j, v.value, v.number_format or col.number_format, v.style or col.style, v.link)
                if v.choices:
                    out.validations.append(Validation(f"{col_letter(c0 + j)}{row}", v.choices, v.other_allowed))
            else:
                put(row, c0 + j, v, col.number_format, col.style)
        if t.row_height:
            out.row_heights[row] = t.row_height
        row += 1
    last = row - 1
    total_row = None
    if t.total_label is not None:
        total_row = row
        for j, col in enumerate(t.columns):
            if j == 0:
                value: Any = t.total_label
            elif col.total == "sum":
                value = sum(_num(r[j]) for r in t.rows if j < len(r))
            else:
                value = col.total
            put(row, c0 + j, value, col.number_format, "total")
        row += 1
    last_col = c0 + len(t.columns) - 1
    pos = TablePos(t.key, caption_row, header_row, first, last, total_row, c0, last_col)
    out.positions[t.key] = pos
    if t.excel_name and header_row is not None and total_row is None:
        # an Excel Table needs at least one data row
        end = max(last, first)
        out.tables.append(ExcelTable(t.excel_name, Range(header_row, c0, end, last_col).ref, t.excel_style))
    scales = ((t.color_scale,) if t.color_scale is not None else ()) + t.color_scales
    for scale in scales if t.rows else ():
        ref = Range(first, c0 + scale.first_col, last, c0 + scale.last_col).ref
        out.color_scales.append((ref, scale))
    if t.note:
        put(row, c0, t.note, None, "note")
        row += 1
    return row


def _num(v: Any) -> float:
    v = v.value if isinstance(v, Cell) else v
    v = plain(v)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0.0


def _resolve_chart(chart: Chart, anchor: str, tables: dict[str, Table], out: RenderPlan) -> PlacedChart:
    if chart.source not in tables:
        raise KeyError(f"chart {chart.key!r}: source table {chart.source!r} must come before it")
    t = tables[chart.source]
    pos: TablePos = out.positions[chart.source]
    last = max(pos.last_row, pos.first_row)
    cat_col = pos.column(chart.categories, t)
    cats = Range(pos.first_row, cat_col, last, cat_col)
    series = []
    titles = chart.series_titles or chart.series
    for header, title in zip(chart.series, titles):
        c = pos.column(header, t)
        # a legend name different from the header is written as a literal
        title_cell = (pos.header_row, c) if pos.header_row and title == header else None
        series.append(ChartSeries(title, title_cell, Range(pos.first_row, c, last, c)))
    return PlacedChart(chart, anchor, cats, tuple(series))


__all__ = ["estimate_lines", "plan"]
