"""The layout model: a report sheet as plain, frozen data.

A :class:`SheetLayout` is a list of blocks stacked from top to bottom in one
column band (``left_col``), plus charts that either sit in the flow or float in a
side band to the right of the table they illustrate. Nothing here knows about
openpyxl or xlwings: :mod:`segmenter_pme.layout.placement` turns a layout into
absolute positions and plain cell writes, and each renderer (openpyxl, xlwings)
only maps those onto its own API.

Conventions a renderer must follow
----------------------------------
* Rows and columns are 1-based, like Excel.
* ``number_format`` strings are **invariant** Excel codes (``#,##0 "€"``,
  ``0.0 %``, ``dd/mm/yyyy``): that is what openpyxl's ``number_format`` and
  xlwings' ``Range.number_format`` (``NumberFormat``, not ``NumberFormatLocal``)
  expect; a French Excel displays them as ``1 234 €``, ``12,5 %``, ``31/12/2025``.
* ``style`` is a name in :data:`STYLES`; the renderer turns a :class:`CellStyle`
  into its own font / fill / border / alignment objects.
* Colours are ``RRGGBB`` hex strings without ``#``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable, Literal

# ---------------------------------------------------------------- formats

FMT_TEXT = "@"
FMT_INT = "#,##0"
FMT_EUR = '#,##0 "€"'
FMT_PCT = "0.0 %"
FMT_PCT0 = "0 %"
FMT_DATE = "dd/mm/yyyy"
FMT_DAYS = '#,##0 "j"'

# ---------------------------------------------------------------- palette

NAVY = "1F3864"
BLUE = "2F5597"
BLUE_LIGHT = "DDEBF7"
GREY_TEXT = "595959"
GREY_LINE = "BFBFBF"
INPUT_YELLOW = "FFF2CC"
AMBER = "FFE699"
WARN_TEXT = "833C0B"
GREEN_SCALE = "63BE7B"
WHITE = "FFFFFF"


@dataclass(frozen=True)
class CellStyle:
    """A named cell style, renderer-neutral.

    ``border``: ``None``, ``"bottom"``, ``"top"`` (a total row), ``"box"`` (thin
    grey around the cell) or ``"top_bottom"``.
    """

    bold: bool = False
    italic: bool = False
    size: float = 10
    color: str | None = None
    fill: str | None = None
    h_align: Literal["left", "center", "right"] | None = None
    v_align: Literal["top", "center", "bottom"] = "center"
    wrap: bool = False
    border: str | None = None
    indent: int = 0
    underline: bool = False


STYLES: dict[str, CellStyle] = {
    "title": CellStyle(bold=True, size=16, color=NAVY),
    "subtitle": CellStyle(size=10, color=GREY_TEXT, italic=True),
    "h2": CellStyle(bold=True, size=12, color=NAVY, border="bottom"),
    "text": CellStyle(),
    "text_wrap": CellStyle(wrap=True, v_align="top"),
    "strong": CellStyle(bold=True, size=11, color=NAVY),
    "note": CellStyle(italic=True, size=9, color=GREY_TEXT),
    "warning": CellStyle(color=WARN_TEXT, fill="FCE4D6"),
    "warning_wrap": CellStyle(color=WARN_TEXT, fill="FCE4D6", wrap=True, v_align="top"),
    "ok": CellStyle(color="375623", fill="E2EFDA"),
    "header": CellStyle(bold=True, color=WHITE, fill=BLUE, wrap=True, h_align="center", border="box"),
    "cell": CellStyle(border="box", v_align="top"),
    "cell_wrap": CellStyle(border="box", wrap=True, v_align="top"),
    "cell_bold": CellStyle(border="box", bold=True, v_align="top"),
    "cell_center": CellStyle(border="box", h_align="center", v_align="top"),
    "cell_center_wrap": CellStyle(border="box", h_align="center", wrap=True),
    "label": CellStyle(bold=True, border="box", fill=BLUE_LIGHT, v_align="top"),
    "label_wrap": CellStyle(bold=True, border="box", fill=BLUE_LIGHT, wrap=True, v_align="top"),
    "input": CellStyle(border="box", fill=INPUT_YELLOW, h_align="left"),
    "input_wrap": CellStyle(border="box", fill=INPUT_YELLOW, wrap=True, v_align="top", h_align="left"),
    "key": CellStyle(size=8, color=GREY_TEXT, border="box", v_align="top"),
    "cell_top": CellStyle(border="box", v_align="top"),
    "cell_left_wrap": CellStyle(border="box", wrap=True, v_align="top", h_align="left"),
    "total": CellStyle(bold=True, fill=BLUE_LIGHT, border="top_bottom"),
    "link": CellStyle(color="0563C1", border="box", v_align="top", underline=True),
    "example": CellStyle(italic=True, color="808080", fill="F2F2F2", border="box"),
    "kpi_label": CellStyle(color=GREY_TEXT, border="bottom"),
    # quality scores in fixed bands: ≥ 90 good, 70–89 to watch, < 70 bad (never a relative colour scale)
    "score_good": CellStyle(bold=True, border="box", h_align="center", v_align="top", color="375623", fill="C6EFCE"),
    "score_watch": CellStyle(bold=True, border="box", h_align="center", v_align="top", color="7F4F00", fill="FFD699"),
    "score_bad": CellStyle(bold=True, border="box", h_align="center", v_align="top", color="9C0006", fill="FFC7CE"),
    "kpi_value": CellStyle(bold=True, size=12, color=NAVY, border="bottom", h_align="right"),
}


# ---------------------------------------------------------------- cells and columns


@dataclass(frozen=True)
class Cell:
    """A table value with per-cell overrides (style, format, link, choices).

    ``link`` is an in-workbook location such as ``'Clients'!C12`` (no ``#``);
    ``choices`` turns the cell into a drop-down list (data validation);
    with ``other_allowed`` the list proposes and another text is still accepted
    (« En cours (Anne) » in a Statut cell), after an information message.
    """

    value: Any
    style: str | None = None
    number_format: str | None = None
    link: str | None = None
    choices: tuple[str, ...] | None = None
    other_allowed: bool = False


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str | None = None
    style: str = "cell"
    total: Any = None  # "sum", a literal value, or None (empty total cell)


@dataclass(frozen=True)
class ColorScale:
    """Two- or three-colour scale over the table's data cells in columns ``first_col..last_col`` (0-based in the table)."""

    first_col: int
    last_col: int
    start_color: str = WHITE
    end_color: str = GREEN_SCALE
    mid_color: str | None = None


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Title:
    text: str
    style: str = "title"
    height: float | None = 24
    space_after: int = 0
    key: str | None = None


@dataclass(frozen=True)
class Text:
    """One row per line, written in the first column of the band.

    Unwrapped text overflows into the empty cells to its right, which is how an
    Excel user writes a sentence on a report; use a ``*_wrap`` style (and a wide
    column) for paragraphs — the engine then estimates the row height.
    """

    lines: tuple[str, ...]
    style: str = "text"
    space_after: int = 1
    key: str | None = None
    col_offset: int = 0
    #: the style (fill, border) runs over this many columns; the text overflows into them — or, with
    #: a wrapping style, is a paragraph across them (merged cells, the row as tall as its lines)
    span: int = 1

    @staticmethod
    def of(*lines: str, style: str = "text", space_after: int = 1, key: str | None = None, span: int = 1) -> "Text":
        return Text(tuple(lines), style=style, space_after=space_after, key=key, span=span)


@dataclass(frozen=True)
class Table:
    """A header row, data rows, an optional total row.

    ``rows`` hold plain values or :class:`Cell`. ``caption`` is written on the row
    above the header (style ``h2``). ``excel_name`` makes it an Excel Table
    (filter buttons, banded rows) — only without a total row and with unique text
    headers. ``col_offset`` shifts the table right of the band's first column.
    """

    key: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    caption: str | None = None
    total_label: str | None = None  # when set, a total row is written
    show_header: bool = True
    excel_name: str | None = None
    excel_style: str = "TableStyleMedium2"
    color_scale: ColorScale | None = None
    color_scales: tuple[ColorScale, ...] = ()  # more scales, each over its own columns (one per period…)
    note: str | None = None  # a small line under the table
    space_after: int = 1
    col_offset: int = 0
    row_height: float | None = None  # explicit height for data rows (else estimated)
    printed: bool = True  # False: data behind a chart, left out of the print area (placed last)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


ChartKind = Literal["column", "bar", "line", "pie", "scatter"]


@dataclass(frozen=True)
class Chart:
    """A native chart over a :class:`Table` of the same sheet.

    ``categories``: header of the category column (for ``scatter``: the x values);
    ``series``: headers of the plotted columns. ``place="side"`` floats the chart
    in the side band, top-aligned with the block ``next_to`` (default: the source);
    ``place="flow"`` reserves rows in the main band.
    """

    key: str
    kind: ChartKind
    title: str
    source: str
    categories: str
    series: tuple[str, ...]
    series_titles: tuple[str, ...] | None = None  # legend names; default: the column headers
    x_title: str | None = None
    y_title: str | None = None
    y_format: str | None = None
    x_format: str | None = None
    y_max: float | None = None
    x_max: float | None = None
    data_labels: bool = False
    place: Literal["side", "flow"] = "side"
    next_to: str | None = None
    width_cm: float = 16.0
    height_cm: float = 7.5
    colors: tuple[str, ...] = (BLUE, "ED7D31", "A5A5A5", "FFC000")
    space_after: int = 1


@dataclass(frozen=True)
class Spacer:
    rows: int = 1
    key: str | None = None
    space_after: int = 0


@dataclass(frozen=True)
class PageBreak:
    """A printed page ends here: the next block starts a new page."""

    key: str | None = None
    space_after: int = 0


Block = Title | Text | Table | Chart | Spacer | PageBreak


@dataclass(frozen=True)
class SheetLayout:
    """A whole report sheet.

    ``col_widths`` maps a 1-based column index to a width in Excel characters.
    ``side_col`` is where side charts start (1-based column).
    """

    name: str
    blocks: tuple[Block, ...]
    col_widths: tuple[tuple[int, float], ...] = ()
    tab_color: str | None = None
    freeze: str | None = None
    gridlines: bool = False
    left_col: int = 2
    side_col: int = 11
    landscape: bool = True
    zoom: int | None = None
    print_title_rows: int = 0  # the first rows repeated at the top of every printed page
    #: printed one page wide (shrunk to fit); False for a sheet too wide to read shrunk: it prints at
    #: ``print_scale`` % over several pages, the band's first column repeated on each
    fit_width: bool = True
    print_scale: int = 70

    def block(self, key: str) -> Block:
        for b in self.blocks:
            if getattr(b, "key", None) == key:
                return b
        raise KeyError(key)


# ---------------------------------------------------------------- value helpers


def plain(value: Any) -> Any:
    """A value a renderer can write: numpy/pandas scalars → Python, NaN/NaT → None."""
    if value is None:
        return None
    if isinstance(value, Cell):
        return value
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if hasattr(value, "item") and not isinstance(value, (str, bytes, dt.date)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def rows_of(records: Iterable[Iterable[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(plain(v) for v in rec) for rec in records)
