"""A placed sheet on paper: print area, page breaks that keep each block whole, repeated title rows.

:func:`print_plan` is the last step of :func:`placement.plan`; it only reads and
sets the printing fields of the :class:`RenderPlan` (docs/workbook.md, « Impression »).
"""

from __future__ import annotations

from .model import SheetLayout
from .render_plan import DEFAULT_COL_WIDTH, DEFAULT_ROW_PT, POINTS_PER_CM, RenderPlan, chart_rows, col_letter

# A4 landscape (portrait) inside the margins the renderers set, in points; a column
# width unit is about 5.6 points of paper at 100 %, a default row 15 points
_PAGE_PT = {True: (785.0, 485.0), False: (538.0, 730.0)}
_PT_PER_WIDTH_UNIT = 5.6


def print_plan(layout: SheetLayout, out: RenderPlan, spans: list[tuple[int, int, bool]]) -> None:
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
        bottom = top + chart_rows(ch.chart) - 1
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
        charts.append((top, top + chart_rows(ch.chart) - 1))
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
            # a chart starting on a page's first row has its frame drawn by LibreOffice at the foot of
            # the page before too (a faint line under the page's last block): when the row above the
            # chart is blank, the page ends there instead, and the chart starts a row into the next one
            if end - 1 >= page_start and any(top == end + 1 for top, _ in charts) \
                    and not any(f <= end <= t for f, t in charts + [(f, t) for f, t, _ in spans]):
                end -= 1
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
