"""Placement of a layout (the tiny layout engine): :class:`SheetLayout` → absolute positions and cell writes.

:func:`plan` stacks the blocks from row 1 down in the main band, floats the side
charts in the side band, and returns a :class:`RenderPlan`: a flat list of
:class:`CellWrite` ``(row, col, value, number_format, style, link)`` plus the
sheet-level objects (Excel Tables, colour scales, drop-down lists, charts with
resolved ranges, row heights). A renderer walks the plan; it never computes a
position itself, so the openpyxl and xlwings sheets cannot drift apart.

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

import math
from dataclasses import dataclass, field
from typing import Any

from .model import (
    Cell,
    Chart,
    ColorScale,
    Column,
    PageBreak,
    SheetLayout,
    Spacer,
    STYLES,
    Table,
    Text,
    Title,
    plain,
)

DEFAULT_ROW_PT = 15.0
DEFAULT_COL_WIDTH = 9.0
POINTS_PER_CM = 28.35


def col_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(frozen=True)
class Range:
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def ref(self) -> str:
        a = f"{col_letter(self.first_col)}{self.first_row}"
        b = f"{col_letter(self.last_col)}{self.last_row}"
        return a if a == b else f"{a}:{b}"

    @property
    def abs_ref(self) -> str:
        a = f"${col_letter(self.first_col)}${self.first_row}"
        b = f"${col_letter(self.last_col)}${self.last_row}"
        return a if a == b else f"{a}:{b}"


@dataclass(frozen=True)
class CellWrite:
    row: int
    col: int
    value: Any
    number_format: str | None
    style: str
    link: str | None = None

    @property
    def coordinate(self) -> str:
        return f"{col_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class TablePos:
    """Where a table landed. ``header_row`` is None for a table without header."""

    key: str
    caption_row: int | None
    header_row: int | None
    first_row: int
    last_row: int  # last data row (== first_row - 1 when the table is empty)
    total_row: int | None
    first_col: int
    last_col: int

    def column(self, header: str, table: Table) -> int:
        return self.first_col + table.headers.index(header)

    @property
    def data(self) -> Range:
        return Range(self.first_row, self.first_col, self.last_row, self.last_col)

    @property
    def whole(self) -> Range:
        top = self.header_row or self.first_row
        return Range(top, self.first_col, self.total_row or self.last_row, self.last_col)


@dataclass(frozen=True)
class ChartSeries:
    title: str
    title_cell: tuple[int, int] | None  # (row, col) of the header cell for a live title, else use ``title``
    values: Range


@dataclass(frozen=True)
class PlacedChart:
    chart: Chart
    anchor: str  # top-left cell, e.g. "K4"
    categories: Range
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True)
class ExcelTable:
    name: str
    ref: str
    style: str


@dataclass(frozen=True)
class Validation:
    """A drop-down list; with ``other_allowed`` it proposes and another text is kept.

    Both renderers show the same words: an information alert (Excel and
    LibreOffice: OK keeps the text typed, Cancel takes it back) when another
    text is allowed, a stop alert otherwise.
    """

    ref: str
    choices: tuple[str, ...]
    other_allowed: bool = False

    @property
    def prompt(self) -> str:
        return "Valeurs possibles : " + ", ".join(self.choices)

    @property
    def error_title(self) -> str:
        return "Valeur non prévue"

    @property
    def error_message(self) -> str:
        if self.other_allowed:
            return "Valeurs proposées : " + ", ".join(self.choices) + ". Votre texte est gardé tel quel."
        return "Choisissez une valeur de la liste : " + ", ".join(self.choices) + "."


@dataclass
class RenderPlan:
    name: str
    cells: list[CellWrite] = field(default_factory=list)
    col_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    tables: list[ExcelTable] = field(default_factory=list)
    color_scales: list[tuple[str, ColorScale]] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)  # « B14:H14 »: a wrapped text across its columns
    charts: list[PlacedChart] = field(default_factory=list)
    positions: dict[str, Any] = field(default_factory=dict)  # key → TablePos or first row (int)
    freeze: str | None = None
    gridlines: bool = False
    tab_color: str | None = None
    landscape: bool = True
    zoom: int | None = None
    last_row: int = 0
    #: printing: the area (« A1:S60 », without the chart data), the rows a page ends after
    #: (each block kept whole on its page), the rows repeated on every page (« 1:2 »)
    print_area: str | None = None
    row_breaks: tuple[int, ...] = ()
    page_breaks: list[int] = field(default_factory=list)  # a page ends after each of these rows
    print_title_rows: str | None = None
    fit_width: bool = True
    print_scale: int = 70
    left_col: int = 1


def _estimate_lines(text: Any, width: float, size: float) -> int:
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


def _chart_rows(chart: Chart) -> int:
    return math.ceil(chart.height_cm * POINTS_PER_CM / DEFAULT_ROW_PT) + 1


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
        st = STYLES[style]
        if not st.wrap or value is None:
            return
        lines = _estimate_lines(value, width(col, span), st.size)
        if lines > 1:
            pt = lines * st.size * 1.3 + 4
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
            row += _chart_rows(block)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"unknown block {block!r}")
        key = getattr(block, "key", None)
        for chart in beside.get(key, ()) if key else ():
            chart_top = max(side_row, top)
            side_top[chart.key] = chart_top
            side_row = chart_top + _chart_rows(chart) + 1
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
        side_row = top + _chart_rows(chart) + 1
    out.last_row = max(row - 1, side_row - 1)
    _print_plan(layout, out, spans)
    return out


# A4 landscape (portrait) inside the margins the renderers set, in points; a column
# width unit is about 5.6 points of paper at 100 %, a default row 15 points
_PAGE_PT = {True: (785.0, 485.0), False: (538.0, 730.0)}
_PT_PER_WIDTH_UNIT = 5.6


def _print_plan(layout: SheetLayout, out: RenderPlan, spans: list[tuple[int, int, bool]]) -> None:
    """Print area without the chart data, a page break before a block that would be cut, repeated title rows."""
    if not spans:
        return
    printed = [s for s in spans if s[2]]
    last_row = max((s[1] for s in printed), default=out.last_row)
    first_hidden = min((s[0] for s in spans if not s[2]), default=None)
    last_col = max((cw.col for cw in out.cells if cw.row <= last_row), default=layout.left_col)
    width_pt = sum(out.col_widths.get(c, DEFAULT_COL_WIDTH) for c in range(1, last_col + 1)) * _PT_PER_WIDTH_UNIT
    for ch in out.charts:
        top = int("".join(ch_ for ch_ in ch.anchor if ch_.isdigit()))
        if first_hidden is not None and top >= first_hidden:
            continue
        bottom = top + _chart_rows(ch.chart) - 1
        last_row = max(last_row, bottom if first_hidden is None else min(bottom, first_hidden - 1))
        col = _col_index("".join(c for c in ch.anchor if c.isalpha()))
        left_pt = sum(out.col_widths.get(c, DEFAULT_COL_WIDTH) for c in range(1, col)) * _PT_PER_WIDTH_UNIT
        right_pt = left_pt + ch.chart.width_cm * POINTS_PER_CM
        width_pt = max(width_pt, right_pt)
        while sum(out.col_widths.get(c, DEFAULT_COL_WIDTH) for c in range(1, last_col + 1)) * _PT_PER_WIDTH_UNIT \
                < right_pt:
            last_col += 1
    out.print_area = f"A1:{col_letter(last_col)}{last_row}"
    if layout.print_title_rows:
        out.print_title_rows = f"1:{layout.print_title_rows}"
    page_w, page_h = _PAGE_PT[layout.landscape]
    scale = min(1.0, page_w / width_pt) if width_pt else 1.0  # fitted to the page width
    titles = sum(out.row_heights.get(r, DEFAULT_ROW_PT) for r in range(1, layout.print_title_rows + 1))

    def height(r1: int, r2: int) -> float:
        return sum(out.row_heights.get(r, DEFAULT_ROW_PT) for r in range(r1, r2 + 1))

    charts = []
    for ch in out.charts:
        top = int("".join(c for c in ch.anchor if c.isdigit()))
        charts.append((top, top + _chart_rows(ch.chart) - 1))
    breaks: list[int] = []
    page_start = 1
    explicit = sorted(out.page_breaks)  # PageBreak blocks: a page ends there whatever its fill
    for first, last, shown in spans:
        if not shown or last > last_row:
            break
        while explicit and explicit[0] < first:
            end = explicit.pop(0)
            if end >= page_start:
                breaks.append(end)
                page_start = end + 1
        # the repeated title rows take room on every page after the first
        room = page_h / scale - (titles if breaks else 0.0)
        # a page holding only the title rows is not ended: the block starts there, whatever its size
        if first > max(page_start, layout.print_title_rows + 1) \
                and height(page_start, first - 1) + height(first, last) > room:
            end = _break_above(first - 1, charts + [(f, t) for f, t, _ in spans])
            if end < page_start or height(page_start, end) < 0.4 * room:
                # side charts overlapping down the page would leave it almost empty: keep the
                # blocks whole and let a chart run over the break
                end = _break_above(first - 1, [(f, t) for f, t, _ in spans])
            if end >= page_start:
                breaks.append(end)
                page_start = end + 1
    out.row_breaks = tuple(breaks)


def _break_above(end: int, spans: list[tuple[int, int]]) -> int:
    """The last row at or above ``end`` that cuts none of ``spans`` (first row, last row) in two."""
    while True:
        cut = [top for top, bottom in spans if top <= end < bottom]
        if not cut:
            return end
        end = min(cut) - 1


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch.upper()) - 64
    return n


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
    for cs in scales if t.rows else ():
        ref = Range(first, c0 + cs.first_col, last, c0 + cs.last_col).ref
        out.color_scales.append((ref, cs))
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


def value_blocks(p: RenderPlan) -> list[tuple[int, int, list[list[Any]]]]:
    """The plan's values as rectangles ``(top_row, left_col, rows_of_values)``.

    A COM renderer (xlwings) writes each rectangle in one call instead of one
    call per cell. Consecutive rows covering the same columns form a rectangle;
    later writes to a cell win, as in :attr:`RenderPlan.cells`.
    """
    grid: dict[int, dict[int, Any]] = {}
    for c in p.cells:
        grid.setdefault(c.row, {})[c.col] = c.value
    runs: list[tuple[int, int, list[Any]]] = []  # (row, first col, values) per contiguous run
    for r in sorted(grid):
        cols = sorted(grid[r])
        start = prev = cols[0]
        for col in cols[1:] + [None]:
            if col is not None and col == prev + 1:
                prev = col
                continue
            runs.append((r, start, [grid[r][k] for k in range(start, prev + 1)]))
            if col is not None:
                start = prev = col
    blocks: list[tuple[int, int, list[list[Any]]]] = []
    for r, c, vals in runs:
        if blocks:
            top, left, rows = blocks[-1]
            if left == c and top + len(rows) == r and len(rows[0]) == len(vals):
                rows.append(vals)
                continue
        blocks.append((r, c, [vals]))
    return blocks


def format_ranges(p: RenderPlan) -> list[tuple[str, str | None, list[str]]]:
    """``(style, number_format, [ranges])``: every cell of the plan grouped by its look.

    Within a group, cells of one column on consecutive rows are merged into one
    range (``C5:C14``), so a renderer formats a whole table column at once.
    """
    last: dict[tuple[int, int], tuple[str, str | None]] = {}
    for c in p.cells:
        last[(c.row, c.col)] = (c.style, c.number_format)
    groups: dict[tuple[str, str | None], dict[int, list[int]]] = {}
    for (r, col), look in sorted(last.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        groups.setdefault(look, {}).setdefault(col, []).append(r)
    out = []
    for (style, fmt), cols in groups.items():
        refs = []
        for col, rows in sorted(cols.items()):
            start = prev = rows[0]
            for r in rows[1:] + [None]:
                if r is not None and r == prev + 1:
                    prev = r
                    continue
                refs.append(Range(start, col, prev, col).ref)
                if r is not None:
                    start = prev = r
        out.append((style, fmt, refs))
    return out


def cells_by_coordinate(p: RenderPlan) -> dict[str, CellWrite]:
    """The plan's cell writes keyed by ``"B4"`` — handy in tests and renderers."""
    return {c.coordinate: c for c in p.cells}


__all__ = [
    "CellWrite",
    "ChartSeries",
    "Column",
    "ExcelTable",
    "PlacedChart",
    "Range",
    "RenderPlan",
    "TablePos",
    "Validation",
    "cells_by_coordinate",
    "col_letter",
    "format_ranges",
    "plan",
    "value_blocks",
]
