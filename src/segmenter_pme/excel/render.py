"""Render a :class:`~segmenter_pme.layout.model.SheetLayout` into an open workbook through xlwings.

The second renderer of the shared layout model (the first is
:mod:`segmenter_pme.layout.render_openpyxl`): positions come from
:func:`segmenter_pme.layout.placement.plan`, so both produce the same sheet.
Each COM call costs about a millisecond, so the work is done in blocks: all
values of a sheet in one write, and formats / styles once per rectangle of
cells that share them, never once per cell.

Uses only the xlwings subset declared in ``tests/support/fake_xlwings.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from openpyxl.utils.cell import column_index_from_string

from ..layout.cells import as_typed_text
from ..layout.placement import plan
from ..layout.render_plan import POINTS_PER_CM, PlacedChart, RenderPlan, TablePos, Validation, col_letter
from ..layout.model import GREY_LINE, STYLES, SheetLayout, Table

_CHART_TYPES = {
    "column": "column_clustered",
    "bar": "bar_clustered",
    "line": "line",
    "pie": "pie",
    "scatter": "xy_scatter_lines_no_markers",
}
_BORDER_SIDES = {
    "box": ("all",),
    "bottom": ("edge_bottom",),
    "top": ("edge_top",),
    "top_bottom": ("edge_top", "edge_bottom"),
}


_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _cell_of(ref: str) -> tuple[int, int]:
    m = _CELL.match(ref)
    return int(m.group(2)), _col(m.group(1))


def _col(letters: str) -> int:
    return column_index_from_string(letters)


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def replace_sheet(book: Any, name: str) -> Any:
    """An empty sheet ``name`` where the old one was (or after the last sheet).

    Deleted and added again rather than cleared: clearing leaves Excel Tables,
    charts and conditional formats behind.
    """
    sheets = list(book.sheets)
    old = next((s for s in sheets if s.name.lower() == name.lower()), None)
    if old is None:
        return book.sheets.add(name, after=sheets[-1]) if sheets else book.sheets.add(name)
    position = sheets.index(old)
    old.delete()
    remaining = list(book.sheets)
    if position < len(remaining):
        return book.sheets.add(name, before=remaining[position])
    return book.sheets.add(name, after=remaining[-1])


def render(book: Any, layout: SheetLayout) -> Any:
    """Create or rebuild ``layout.name`` in ``book``; returns the sheet."""
    p = plan(layout)
    sheet = replace_sheet(book, layout.name)
    render_plan(sheet, p, layout)
    return sheet


def rectangles(cells: dict[tuple[int, int], Any]) -> list[tuple[int, int, int, int, Any]]:
    """Cover cells with rectangles of equal keys: vertical runs per column, then merged across columns."""
    runs: dict[tuple[int, int, Any], list[int]] = defaultdict(list)
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    for c, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1 and cells[(r, c)] == cells[(start, c)]:
                prev = r
                continue
            runs[(start, prev, cells[(start, c)])].append(c)
            if r is not None:
                start = prev = r
    out = []
    for (r1, r2, key), cols in runs.items():
        cols.sort()
        first = last = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == last + 1:
                last = c
                continue
            out.append((r1, first, r2, last, key))
            if c is not None:
                first = last = c
    return sorted(out, key=lambda t: (t[0], t[1]))


def _apply_style(rng: Any, name: str) -> None:
    style = STYLES[name]
    # the sheet was just created: only what differs from Excel's defaults costs a call
    if style.bold:
        rng.font.bold = True
    if style.italic:
        rng.font.italic = True
    rng.font.size = style.size
    if style.color:
        rng.font.color = _rgb(style.color)
    if style.fill:
        rng.color = _rgb(style.fill)
    if style.h_align:
        rng.horizontal_alignment = style.h_align
    rng.vertical_alignment = style.v_align
    if style.wrap:
        rng.wrap_text = True
    sides = list(_BORDER_SIDES.get(style.border or "", ()))
    if sides and sides != ["all"] and rng.shape[0] > 1:
        # a per-cell top/bottom line is also a line between the rows of the rectangle
        sides.append("inside_horizontal")
    for side in sides:
        rng.borders.set(side, line_style="continuous", weight="thin", color=_rgb(GREY_LINE))


def link_formula(target: str, text: Any) -> str:
    """An in-workbook link as a ``HYPERLINK`` formula (invariant English syntax, as ``Range.value`` expects)."""
    def quoted(value: Any) -> str:
        return '"' + str(value).replace('"', '""') + '"'

    shown = str(text if text is not None else "")
    if len(shown) > FORMULA_TEXT_MAX:  # Excel refuses a formula holding a longer text: the link shows its start
        shown = shown[:FORMULA_TEXT_MAX - 1] + "…"
    return f"=HYPERLINK({quoted('#' + target.lstrip('#'))},{quoted(shown)})"


#: the longest text a formula may hold in quotes (Excel's limit; a client name can be longer)
FORMULA_TEXT_MAX = 255


def unique_table_name(book: Any, name: str) -> str:
    taken = {t.name.lower() for s in book.sheets for t in s.tables}
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "Tableau"
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate, i = f"{base}_{i}", i + 1
    return candidate


def _row_heights(sheet: Any, p: RenderPlan, layout: SheetLayout | None) -> None:
    """Planned heights, in runs of equal height; the body of a table whose heights the
    engine only estimated from wrapped text is left to Excel's AutoFit instead — one
    call per table, where a long « Qualité » list would otherwise cost one per run."""
    autofit: list[tuple[int, int, int, int]] = []
    if layout is not None:
        for key, pos in p.positions.items():
            if not isinstance(pos, TablePos) or pos.last_row < pos.first_row:
                continue
            block = next((b for b in layout.blocks if getattr(b, "key", None) == key), None)
            if isinstance(block, Table) and block.row_height is None:
                autofit.append((pos.first_row, pos.first_col, pos.last_row, pos.last_col))
    fitted = {r for r1, _, r2, _ in autofit for r in range(r1, r2 + 1)}
    heights = {(row, 1): height for row, height in p.row_heights.items() if row not in fitted}
    for r1, _, r2, _, height in rectangles(heights) if heights else ():
        sheet.range((r1, 1), (r2, 1)).row_height = height
    for r1, c1, r2, c2 in autofit:
        if any(r in p.row_heights for r in range(r1, r2 + 1)):
            sheet.range((r1, c1), (r2, c2)).rows.autofit()


def render_plan(sheet: Any, p: RenderPlan, layout: SheetLayout | None = None) -> None:
    if p.cells:
        last_row = max(cw.row for cw in p.cells)
        last_col = max(cw.col for cw in p.cells)
        formats = {(cw.row, cw.col): cw.number_format for cw in p.cells if cw.number_format}
        # number formats first: a text cell ("@") must be text before "545" lands in it
        for r1, c1, r2, c2, fmt in rectangles(formats):
            sheet.range((r1, c1), (r2, c2)).number_format = fmt
        grid: list[list[Any]] = [[None] * last_col for _ in range(last_row)]
        for cw in p.cells:
            grid[cw.row - 1][cw.col - 1] = link_formula(cw.link, cw.value) if cw.link else as_typed_text(cw.value)
        # one write for the whole sheet, links included: « Qualité » can hold thousands of
        # links, and one Hyperlinks.Add per cell would cost a COM call each
        sheet.range((1, 1), (last_row, last_col)).value = grid
        styles = {(cw.row, cw.col): cw.style for cw in p.cells if cw.style and cw.style != "text"}
        for r1, c1, r2, c2, style in rectangles(styles):
            _apply_style(sheet.range((r1, c1), (r2, c2)), style)
    for col, width in sorted(p.col_widths.items()):
        sheet.range((1, col)).column_width = width
    _row_heights(sheet, p, layout)
    sheet.show_gridlines = p.gridlines
    if p.freeze:
        sheet.freeze_panes.freeze_at(p.freeze)
    for t in p.tables:
        sheet.tables.add(source=sheet.range(t.ref), name=unique_table_name(sheet.book, t.name),
                         table_style_name=t.style)
    for ref, scale in p.color_scales:
        colors = [scale.start_color] + ([scale.mid_color] if scale.mid_color else []) + [scale.end_color]
        sheet.range(ref).conditional_formats.add_color_scale(["#" + c for c in colors])
    single: dict[tuple[int, int], Validation] = {}
    for v in p.validations:
        m = _CELL.match(v.ref)
        if m:
            single[(int(m.group(2)), _col(m.group(1)))] = Validation("", tuple(v.choices), v.other_allowed)
        else:
            _validate(sheet.range(v.ref), v)
    for r1, c1, r2, c2, v in rectangles(single) if single else ():
        _validate(sheet.range((r1, c1), (r2, c2)), v)
    # one call per run of rows merged alike (across: each row is a merged cell of its own)
    rows = {}
    for ref in p.merges:
        a, b = ref.split(":")
        (r, c1), (_, c2) = _cell_of(a), _cell_of(b)
        rows[(r, c1)] = c2
    for r1, c1, r2, _, c2 in rectangles(rows) if rows else ():
        sheet.range((r1, c1), (r2, c2)).merge(across=True)
    for pc in p.charts:
        _chart(sheet, pc)
    _page_setup(sheet, p)


# Excel's constants (XlPageOrientation, XlPaperSize)
_XL_PORTRAIT, _XL_LANDSCAPE, _XL_PAPER_A4 = 1, 2, 9


def _page_setup(sheet: Any, p: RenderPlan) -> None:
    """Printing as the openpyxl renderer writes it: A4, orientation, fitted to the width (or a scale),
    centred, the print area without the chart data, the title rows on every page, the page breaks.

    xlwings sets the print area; the rest is Excel's ``PageSetup`` and ``HPageBreaks``, through
    the COM objects (Windows). Each PageSetup property talks to the printer driver unless
    ``PrintCommunication`` is off — seconds for a handful of properties otherwise.
    """
    if p.print_area:
        sheet.page_setup.print_area = p.print_area
    try:
        ps, app = sheet.page_setup.api, sheet.book.app.api
        app.PrintCommunication = False
    except AttributeError:  # macOS: AppleScript has no PageSetup of this shape; the print area is set
        return
    try:
        ps.PaperSize = _XL_PAPER_A4
        ps.Orientation = _XL_LANDSCAPE if p.landscape else _XL_PORTRAIT
        if p.fit_width:
            ps.Zoom = False
            ps.FitToPagesWide, ps.FitToPagesTall = 1, False
        else:
            ps.Zoom = p.print_scale
            ps.PrintTitleColumns = f"${col_letter(p.left_col)}:${col_letter(p.left_col)}"
        ps.CenterHorizontally = True
        ps.LeftMargin = ps.RightMargin = 0.4 * 72  # points, as the 0.4 inch of the openpyxl renderer
        if p.print_title_rows:
            first, last = p.print_title_rows.split(":")
            ps.PrintTitleRows = f"${first}:${last}"
    finally:
        app.PrintCommunication = True
    breaks = sheet.api.HPageBreaks
    for r in p.row_breaks:
        # a page ends after row r: the break is above row r + 1
        breaks.Add(Before=sheet.range((r + 1, 1)).api)


# Excel's constants (XlDVType, XlDVAlertStyle, XlFormatConditionOperator)
_XL_VALIDATE_LIST, _XL_ALERT_INFORMATION, _XL_BETWEEN = 3, 3, 1


def _validate(rng: Any, v: Validation) -> None:
    """A drop-down list on ``rng``, with the openpyxl renderer's words and alert.

    xlwings sets the list (with Excel's stop alert) but can only read the alert
    style; Excel's ``Validation.AlertStyle`` is read-only too and is changed by
    ``Modify`` — through the COM object, as the chart series names are.
    """
    validation = rng.data_validation
    validation.set_list(list(v.choices))
    api = validation.api
    try:
        if v.other_allowed:
            # the list proposes; « En cours (Anne) » is still the user's to type (OK keeps it)
            api.Modify(Type=_XL_VALIDATE_LIST, AlertStyle=_XL_ALERT_INFORMATION, Operator=_XL_BETWEEN,
                       Formula1=api.Formula1)
        api.InputMessage, api.ErrorTitle, api.ErrorMessage = v.prompt, v.error_title, v.error_message
    except AttributeError:  # macOS: the same through AppleScript, as xlwings' own Mac code does
        from appscript import k  # noqa: PLC0415 - macOS only

        if v.other_allowed:
            api.modify(type=k.validate_list, alert_style=k.valid_alert_information,
                       operator=k.operator_between, formula1=api.formula1.get())
        for name, text in (("input_message", v.prompt), ("error_title", v.error_title),
                           ("error_message", v.error_message)):
            getattr(api, name).set(text)


def _chart(sheet: Any, pc: PlacedChart) -> Any:
    spec = pc.chart
    chart = sheet.charts.add(width=spec.width_cm * POINTS_PER_CM, height=spec.height_cm * POINTS_PER_CM,
                             anchor=sheet.range(pc.anchor))
    chart.chart_type = _CHART_TYPES.get(spec.kind, "column_clustered")
    # one area per series: the columns between two plotted ones (a « CA » between « % base »
    # and « % CA ») must not become a series of their own
    areas = []
    for s in pc.series:
        top = s.title_cell[0] if s.title_cell else s.values.first_row
        areas.append(_ref(top, s.values.first_col, s.values.last_row, s.values.last_col))
    chart.set_source_data(sheet.range(",".join(areas)))
    chart.set_x_axis_values(sheet.range(pc.categories.ref))
    chart.title = spec.title
    _name_series(chart, [s.title for s in pc.series if not s.title_cell])
    return chart


def _ref(r1: int, c1: int, r2: int, c2: int) -> str:
    return f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"


def _name_series(chart: Any, titles: list[str]) -> None:
    """Literal legend names (« Part des clients ») where the layout gives no header cell.

    The BSD part of xlwings has no series API: on Windows the COM chart takes the
    names; elsewhere the legend keeps the column headers, which say the same.
    """
    if not titles:
        return
    try:
        collection = chart.api[1].SeriesCollection()
        for i, title in enumerate(titles, start=1):
            collection.Item(i).Name = title
    except Exception:  # noqa: BLE001 - macOS / stand-in: header names stay
        pass
