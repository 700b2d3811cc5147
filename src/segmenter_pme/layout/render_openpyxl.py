"""Render a :class:`~segmenter_pme.layout.model.SheetLayout` into an openpyxl workbook.

The sheet is rebuilt from scratch at the position it had (a report sheet is
ours: the only user content we keep, the action plan's texts, is read before and
merged into the layout by the builder). Everything positional comes from
:func:`segmenter_pme.layout.placement.plan`.
"""

from __future__ import annotations

import re
from copy import copy

from openpyxl.chart import BarChart, LineChart, PieChart, Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.chart.text import Text as ChartText
from openpyxl.chart.title import Title as ChartTitle
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from .cells import set_value
from .placement import plan
from .render_plan import PlacedChart, RenderPlan, col_letter
from .model import GREY_LINE, STYLES, CellStyle, SheetLayout

FONT_NAME = "Calibri"

_thin = Side(style="thin", color=GREY_LINE)
_navy = Side(style="thin", color="1F3864")
_BORDERS = {
    None: Border(),
    "box": Border(left=_thin, right=_thin, top=_thin, bottom=_thin),
    "bottom": Border(bottom=_navy),
    "top": Border(top=_navy),
    "top_bottom": Border(left=_thin, right=_thin, top=_navy, bottom=_navy),
}


class _StyleCache:
    """openpyxl style objects per style name, built once (they are immutable)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple] = {}

    def get(self, name: str) -> tuple:
        if name not in self._cache:
            style: CellStyle = STYLES[name]
            font = Font(name=FONT_NAME, size=style.size, bold=style.bold, italic=style.italic, color=style.color,
                        underline="single" if style.underline else None)
            fill = PatternFill("solid", fgColor=style.fill) if style.fill else PatternFill()
            align = Alignment(horizontal=style.h_align, vertical=style.v_align, wrap_text=style.wrap,
                              indent=style.indent)
            self._cache[name] = (font, fill, _BORDERS[style.border], align)
        return self._cache[name]


def replace_sheet(wb: Workbook, name: str) -> Worksheet:
    """An empty sheet called ``name`` at the position of the existing one (or at the end)."""
    if name in wb.sheetnames:
        old = wb[name]
        index = wb.index(old)
        was_active = wb.active is old
        wb.remove(old)
        ws = wb.create_sheet(name, index)
        if was_active:
            wb.active = index
            # the removed sheet carried the selected-tab flag; without it Excel shows no selected tab
            ws.sheet_view.tabSelected = True
        return ws
    return wb.create_sheet(name)


def render(wb: Workbook, layout: SheetLayout) -> Worksheet:
    """Create or rebuild ``layout.name`` in ``wb``; returns the worksheet."""
    p = plan(layout)
    ws = replace_sheet(wb, layout.name)
    render_plan(ws, p)
    return ws


def render_plan(ws: Worksheet, p: RenderPlan) -> None:
    styles = _StyleCache()
    for col, width in p.col_widths.items():
        ws.column_dimensions[col_letter(col)].width = width
    # each cell's style ids, reused from the first cell that had the same style, format and value kind:
    # openpyxl hashes every style object it is given (81 000 cells of a 1 M-line run: 3.8 s → 0.2 s)
    done: dict[tuple, StyleArray] = {}
    for cw in p.cells:
        cell = ws.cell(row=cw.row, column=cw.col)
        if cw.value is not None:
            set_value(cell, cw.value)  # our layouts hold no formula: a user's text shown here stays text
        # a date value or a quote prefix is in _style (None: no style yet)
        key = (cell._style and tuple(cell._style), cw.style, cw.number_format)
        if key in done:
            cell._style = copy(done[key])
        else:
            font, fill, border, align = styles.get(cw.style)
            cell.font, cell.fill, cell.border, cell.alignment = font, fill, border, align
            if cw.number_format:
                cell.number_format = cw.number_format
            done[key] = copy(cell._style)
        if cw.link:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=cw.link, display=str(cw.value or ""))
    for ref in p.merges:
        ws.merge_cells(ref)
    for r, h in p.row_heights.items():
        ws.row_dimensions[r].height = h
    ws.sheet_view.showGridLines = p.gridlines
    if p.zoom:
        ws.sheet_view.zoomScale = p.zoom
    if p.freeze:
        ws.freeze_panes = p.freeze
    if p.tab_color:
        ws.sheet_properties.tabColor = p.tab_color
    ws.page_setup.orientation = "landscape" if p.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if p.fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = p.print_scale
        ws.print_title_cols = f"{col_letter(p.left_col)}:{col_letter(p.left_col)}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if p.print_area:
        ws.print_area = p.print_area
    if p.print_title_rows:
        ws.print_title_rows = p.print_title_rows
    if p.row_breaks:
        from openpyxl.worksheet.pagebreak import Break

        for r in p.row_breaks:
            ws.row_breaks.append(Break(id=r))

    taken = _table_names(ws.parent)
    for t in p.tables:
        name = _unique_name(t.name, taken)
        taken.add(name.lower())
        xt = XlTable(displayName=name, ref=t.ref)
        xt.tableStyleInfo = TableStyleInfo(name=t.style, showRowStripes=True, showColumnStripes=False)
        ws.add_table(xt)
    for ref, scale in p.color_scales:
        if scale.mid_color:
            rule = ColorScaleRule(start_type="min", start_color=scale.start_color,
                                  mid_type="percentile", mid_value=50, mid_color=scale.mid_color,
                                  end_type="max", end_color=scale.end_color)
        else:
            rule = ColorScaleRule(start_type="min", start_color=scale.start_color,
                                  end_type="max", end_color=scale.end_color)
        ws.conditional_formatting.add(ref, rule)
    for v in p.validations:
        validation = DataValidation(type="list", formula1='"' + ",".join(v.choices) + '"', allow_blank=False)
        validation.error, validation.errorTitle, validation.prompt = v.error_message, v.error_title, v.prompt
        if v.other_allowed:
            # the list proposes; a precision such as « En cours (Anne) » is still the user's to type
            validation.errorStyle = "information"
        validation.showErrorMessage = True
        validation.showInputMessage = True
        ws.add_data_validation(validation)
        validation.add(v.ref)
    for pc in p.charts:
        ws.add_chart(_chart(ws, pc), pc.anchor)


def _table_names(wb: Workbook) -> set[str]:
    names = set()
    for sheet in wb.worksheets:
        names.update(n.lower() for n in sheet.tables.keys())
    return names


def _unique_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name) or "Tableau"
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate, i = f"{base}_{i}", i + 1
    return candidate


def _ref(ws: Worksheet, r) -> Reference:
    return Reference(ws, min_col=r.first_col, min_row=r.first_row, max_col=r.last_col, max_row=r.last_row)


def _title(text: str, size: float, bold: bool = True, color: str = "1F3864") -> ChartTitle:
    # the default chart title (18 pt in LibreOffice, 14 pt in Excel) dwarfs a 10 pt report
    props = CharacterProperties(sz=int(size * 100), b=bold, solidFill=color)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return ChartTitle(tx=ChartText(rich=RichText(p=[para])), overlay=False)


def _axis_text(size: float = 8) -> RichText:
    props = CharacterProperties(sz=int(size * 100), solidFill="404040")
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _chart(ws: Worksheet, pc: PlacedChart):
    spec = pc.chart
    if spec.kind == "scatter":
        chart = ScatterChart()
        chart.scatterStyle = "line"
        xref = _ref(ws, pc.categories)
        for i, s in enumerate(pc.series):
            ser = Series(_ref(ws, s.values), xref, title=s.title)
            ser.marker.symbol = "none"
            ser.smooth = False
            ser.graphicalProperties.line.solidFill = spec.colors[i % len(spec.colors)]
            ser.graphicalProperties.line.width = 28575  # 2.25 pt
            chart.series.append(ser)
        chart.x_axis.scaling.min = 0
        if spec.x_max is not None:
            chart.x_axis.scaling.max = spec.x_max
        if spec.x_format:
            chart.x_axis.number_format = spec.x_format
        chart.x_axis.majorGridlines = None
    else:
        if spec.kind in ("column", "bar"):
            chart = BarChart()
            chart.type = "col" if spec.kind == "column" else "bar"
            chart.grouping = "clustered"
            chart.gapWidth = 60
            chart.overlap = -10
        elif spec.kind == "line":
            chart = LineChart()
        else:
            chart = PieChart()
        for i, s in enumerate(pc.series):
            if s.title_cell:
                r, c = s.title_cell
                chart.add_data(Reference(ws, min_col=c, min_row=r, max_row=s.values.last_row), titles_from_data=True)
            else:
                chart.add_data(_ref(ws, s.values), titles_from_data=False)
                chart.series[-1].tx = SeriesLabel(v=s.title)
            ser = chart.series[-1]
            color = spec.colors[i % len(spec.colors)]
            if spec.kind == "line":
                ser.graphicalProperties.line.solidFill = color
                ser.smooth = False
            elif spec.kind != "pie":
                ser.graphicalProperties.solidFill = color
                ser.graphicalProperties.line.solidFill = color
        chart.set_categories(_ref(ws, pc.categories))
    chart.title = _title(spec.title, 11)
    chart.width = spec.width_cm
    chart.height = spec.height_cm
    chart.style = 2
    if spec.kind != "pie":
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        if spec.x_title:
            chart.x_axis.title = _title(spec.x_title, 8, bold=False, color="404040")
        if spec.y_title:
            chart.y_axis.title = _title(spec.y_title, 8, bold=False, color="404040")
        chart.x_axis.txPr = _axis_text()
        chart.y_axis.txPr = _axis_text()
        if spec.kind == "bar":
            # Excel draws bar categories bottom-up; reverse so the chart reads like the table
            chart.x_axis.scaling.orientation = "maxMin"
            chart.y_axis.crosses = "max"
        if spec.y_format:
            chart.y_axis.number_format = spec.y_format
        chart.y_axis.scaling.min = 0
        if spec.y_max is not None:
            chart.y_axis.scaling.max = spec.y_max
    if spec.data_labels:
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
            setattr(chart.dataLabels, flag, False)
        if spec.y_format:
            chart.dataLabels.numFmt = spec.y_format
    if len(pc.series) > 1 or spec.kind == "pie":
        chart.legend.position = "b"
    else:
        chart.legend = None
    return chart
