"""The placed sheet as data: what :func:`placement.plan` returns and a renderer walks.

A :class:`RenderPlan` is a flat list of :class:`CellWrite` ``(row, col, value,
number_format, style, link)`` plus the sheet-level objects (Excel Tables, colour
scales, drop-down lists, charts with resolved ranges, row heights, printing).
:func:`value_blocks` and :func:`format_ranges` regroup its cells into rectangles
and ranges for a renderer that pays per call (xlwings over COM).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .model import Chart, ColorScale, Table

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


def chart_rows(chart: Chart) -> int:
    """Rows of the default height a chart covers, the row below it included."""
    return math.ceil(chart.height_cm * POINTS_PER_CM / DEFAULT_ROW_PT) + 1


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
    "DEFAULT_COL_WIDTH",
    "DEFAULT_ROW_PT",
    "POINTS_PER_CM",
    "CellWrite",
    "ChartSeries",
    "ExcelTable",
    "PlacedChart",
    "Range",
    "RenderPlan",
    "TablePos",
    "Validation",
    "cells_by_coordinate",
    "chart_rows",
    "col_letter",
    "format_ranges",
    "value_blocks",
]
