"""A small, faithful stand-in for the xlwings objects the macros and the renderer use.

This module *is* the declaration of the xlwings subset the add-in relies on:
if :mod:`segmenter_pme.excel.macros` or :mod:`segmenter_pme.excel.render`
needs anything else from xlwings, it must be added here first, with the same
name, signature and behaviour as xlwings 0.37.8 — so the tests on Linux run
exactly the code Excel will run.

Behaviours copied from Excel through xlwings (the ones our code depends on):

* values read back as Excel stores them: numbers are ``float``; an empty cell
  is ``None``; a text that looks like a number becomes a number unless the
  cell's number format is text (``"@"``) — which is why formats go before values;
* ``range.value`` of one cell is a scalar, of one row or column a flat list,
  of a block a list of rows; ``range.options(ndim=2).value`` is always a list
  of rows; writing a list of rows fills from the range's top-left cell;
* ``sheet.used_range`` spans from the first to the last non-empty cell (``A1``
  for an empty sheet).

Every value read and write is counted in :attr:`FakeApp.ops`, so tests can
check that the work is done in whole blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any, Iterator

from openpyxl.utils.cell import column_index_from_string

_ADDRESS = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def col_number(letters: str) -> int:
    return column_index_from_string(letters)


from segmenter_pme.layout.render_plan import col_letter as col_letters  # noqa: E402


def _parse_cell(ref: str) -> tuple[int, int]:
    m = _ADDRESS.match(ref.strip().upper())
    if not m:
        raise ValueError(f"adresse invalide : {ref}")
    return int(m.group(2)), col_number(m.group(1))


class FakeFormula(str):
    """A string Excel would have taken for a formula (written through ``Range.value`` without a quote)."""


def _excel_value(value: Any, number_format: str | None) -> Any:
    """What Excel stores for a value written through COM."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.startswith("'"):
        return value[1:] or None  # Excel's quote prefix: the rest is text, as typed
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return FakeFormula(value)
    if isinstance(value, str) and number_format != "@":
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value
    return value


class FakeApp:
    def __init__(self) -> None:
        self.ops: Counter[str] = Counter()
        self.alerts: list[tuple[str, str | None]] = []
        self.screen_updating = True
        self.status_bar: str | bool = False
        self.books: list[FakeBook] = []
        self.api = _ComApp()

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str | None:
        self.alerts.append((prompt, title))
        return "ok"


class _ComApp:
    """Excel's COM ``Application`` (Windows): what the renderer sets on it."""

    def __init__(self) -> None:
        # False while page setup properties are set: Excel then does not ask the printer after each one
        self.PrintCommunication = True


class _ComPageSetup:
    """Excel's COM ``PageSetup`` (Windows): every property set is recorded, as the value Excel keeps."""

    def __init__(self, sheet: "FakeSheet") -> None:
        object.__setattr__(self, "_sheet", sheet)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._sheet._page[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._sheet.book.app.ops["format"] += 1
        self._sheet._page[name] = value


class _PageSetup:
    """xlwings' ``Sheet.page_setup``: the print area, and the COM object behind it."""

    def __init__(self, sheet: "FakeSheet") -> None:
        self._sheet = sheet

    @property
    def api(self) -> _ComPageSetup:
        return _ComPageSetup(self._sheet)

    @property
    def print_area(self) -> str | None:
        return self._sheet._page.get("PrintArea") or None

    @print_area.setter
    def print_area(self, value: str | None) -> None:
        # Excel keeps an absolute address: « A1:T99 » reads back « $A$1:$T$99 »
        self._sheet._page["PrintArea"] = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", value or "")


class _HPageBreaks(list):
    def Add(self, Before: "_ComRange") -> None:  # noqa: N802,N803 - Excel's names
        # a break above the row of ``Before``: the page ends after the row before it
        self.append(Before.Row)


class _ComSheet:
    """Excel's COM ``Worksheet`` (Windows): its horizontal page breaks."""

    def __init__(self, sheet: "FakeSheet") -> None:
        self.HPageBreaks = sheet._breaks


class _ComRange:
    def __init__(self, rng: "FakeRange") -> None:
        self.Row, self.Column = rng.row, rng.column


class _Font:
    def __init__(self, rng: "FakeRange") -> None:
        self._rng = rng

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if name not in ("bold", "italic", "size", "color", "name"):
            raise AttributeError(name)
        self._rng._style("font_" + name, value)


class _Borders:
    def __init__(self, rng: "FakeRange") -> None:
        self._rng = rng

    def set(self, which: str = "all", *, line_style: str | None = None, weight: str | None = None,
            color: Any = None) -> None:
        self._rng._style("border_" + which, (line_style, weight, color))


class _Validation:
    def __init__(self, rng: "FakeRange") -> None:
        self._rng = rng

    def set_list(self, source: Any, *, in_cell_dropdown: bool = True) -> None:
        # Excel's default alert: stop (another value is refused)
        self._rng._style("validation", tuple(source))
        self._rng._style("validation_alert", "stop")

    @property
    def api(self) -> "_ComValidation":
        return _ComValidation(self._rng)


class _ComValidation:
    """Excel's COM ``Validation`` object (Windows), as much of it as the renderer uses.

    ``AlertStyle`` is read-only in Excel: only ``Modify`` (or ``Add``) sets it.
    Each read or write is recorded on the range's cells (``validation_`` + name).
    """

    _ALERTS = {1: "stop", 2: "warning", 3: "information"}  # XlDVAlertStyle
    _TEXTS = ("InputMessage", "ErrorTitle", "ErrorMessage")

    def __init__(self, rng: "FakeRange") -> None:
        object.__setattr__(self, "_rng", rng)

    @property
    def Formula1(self) -> str:  # noqa: N802 - Excel's name
        # what xlwings gave Excel: the choices joined by the list separator (« ; » in French Excel)
        return ";".join(self._rng.style_of("validation"))

    @property
    def AlertStyle(self) -> int:  # noqa: N802 - Excel's name
        return {v: k for k, v in self._ALERTS.items()}[self._rng.style_of("validation_alert")]

    def Modify(self, Type: int, AlertStyle: int = 1, Operator: int | None = None,  # noqa: N802,N803
               Formula1: str | None = None, Formula2: str | None = None) -> None:
        assert Type == 3, "only lists (xlValidateList) are used"
        self._rng._style("validation", tuple(Formula1.split(";")))
        self._rng._style("validation_alert", self._ALERTS[AlertStyle])

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._TEXTS:
            raise AttributeError(f"Validation.{name} cannot be set")
        self._rng._style("validation_" + name, value)


class _ConditionalFormats:
    def __init__(self, rng: "FakeRange") -> None:
        self._rng = rng

    def add_color_scale(self, colors, *, thresholds=None, threshold_type="number") -> None:
        self._rng._style("color_scale", tuple(colors))


class _Rows:
    def __init__(self, rng: "FakeRange") -> None:
        self._rng = rng

    def autofit(self) -> None:
        self._rng._style("row_autofit", True)


class _Options:
    def __init__(self, rng: "FakeRange", ndim: int | None) -> None:
        self._rng, self._ndim = rng, ndim

    @property
    def value(self) -> Any:
        return self._rng._read(self._ndim)

    @value.setter
    def value(self, data: Any) -> None:
        self._rng.value = data


class FakeRange:
    def __init__(self, sheet: "FakeSheet", r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet = sheet
        self.row, self.column = min(r1, r2), min(c1, c2)
        self._r2, self._c2 = max(r1, r2), max(c1, c2)
        self._areas = [self]

    # geometry
    @property
    def shape(self) -> tuple[int, int]:
        return (self._r2 - self.row + 1, self._c2 - self.column + 1)

    @property
    def last_cell(self) -> "FakeRange":
        return FakeRange(self.sheet, self._r2, self._c2, self._r2, self._c2)

    @property
    def address(self) -> str:
        a = f"${col_letters(self.column)}${self.row}"
        b = f"${col_letters(self._c2)}${self._r2}"
        return a if a == b else f"{a}:{b}"

    def cells_iter(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self._r2 + 1):
            for c in range(self.column, self._c2 + 1):
                yield r, c

    # values
    def options(self, convert: Any = None, **options: Any) -> _Options:
        return _Options(self, options.get("ndim"))

    def _read(self, ndim: int | None) -> Any:
        self.sheet.book.app.ops["read"] += 1
        rows = [[self.sheet._cells.get((r, c)) for c in range(self.column, self._c2 + 1)]
                for r in range(self.row, self._r2 + 1)]
        if ndim == 2:
            return rows
        h, w = self.shape
        if h == 1 and w == 1:
            return rows[0][0]
        if h == 1:
            return rows[0]
        if w == 1:
            return [r[0] for r in rows]
        return rows

    @property
    def value(self) -> Any:
        return self._read(None)

    @value.setter
    def value(self, data: Any) -> None:
        self.sheet.book.app.ops["write"] += 1
        if not isinstance(data, (list, tuple)):
            rows = [[data] * self.shape[1]] * self.shape[0] if self.shape != (1, 1) else [[data]]
        elif data and isinstance(data[0], (list, tuple)):
            rows = data
        else:
            rows = [list(data)]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                key = (self.row + i, self.column + j)
                stored = _excel_value(v, self.sheet._formats.get(key))
                if stored is None:
                    self.sheet._cells.pop(key, None)
                else:
                    self.sheet._cells[key] = stored

    @property
    def api(self) -> _ComRange:
        return _ComRange(self)

    def merge(self, across: bool = False) -> None:
        self.sheet.book.app.ops["format"] += 1
        for r in range(self.row, self._r2 + 1) if across else (self.row,):
            last = self._r2 if not across else r
            ref = f"{col_letters(self.column)}{r}:{col_letters(self._c2)}{last}"
            for key in FakeRange(self.sheet, r, self.column, last, self._c2).cells_iter():
                self.sheet._styles.setdefault(key, {})["merged"] = ref

    def clear_contents(self) -> None:
        self.sheet.book.app.ops["write"] += 1
        for key in self.cells_iter():
            self.sheet._cells.pop(key, None)

    # formatting: recorded per cell, counted per call
    def _style(self, name: str, value: Any) -> None:
        self.sheet.book.app.ops["format"] += 1
        for key in self.cells_iter():
            self.sheet._styles.setdefault(key, {})[name] = value

    @property
    def number_format(self) -> str | None:
        return self.sheet._formats.get((self.row, self.column))

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.book.app.ops["format"] += 1
        for key in self.cells_iter():
            self.sheet._formats[key] = fmt

    def __setattr__(self, name: str, value: Any) -> None:
        styled = ("color", "horizontal_alignment", "vertical_alignment", "wrap_text", "column_width", "row_height")
        if name in styled:
            self._style(name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def rows(self) -> "_Rows":
        return _Rows(self)

    @property
    def borders(self) -> _Borders:
        return _Borders(self)

    @property
    def data_validation(self) -> _Validation:
        return _Validation(self)

    @property
    def conditional_formats(self) -> _ConditionalFormats:
        return _ConditionalFormats(self)

    def add_hyperlink(self, address: str, text_to_display: str | None = None, screen_tip: str | None = None) -> None:
        self.sheet.book.app.ops["link"] += 1
        self.sheet._links[(self.row, self.column)] = address
        if text_to_display is not None:
            self.sheet._cells[(self.row, self.column)] = text_to_display

    def style_of(self, name: str) -> Any:
        """Test helper (not xlwings): a recorded formatting attribute of the top-left cell."""
        return self.sheet._styles.get((self.row, self.column), {}).get(name)


class FakeTable:
    def __init__(self, sheet: "FakeSheet", rng: FakeRange, name: str, style: str, show_totals: bool = False) -> None:
        self.sheet, self.range, self.name = sheet, rng, name
        self.table_style = style
        self.show_totals = show_totals

    def resize(self, range: FakeRange) -> None:
        self.sheet.book.app.ops["format"] += 1
        self.range = range


class _Tables(list):
    def __init__(self, sheet: "FakeSheet") -> None:
        super().__init__()
        self._sheet = sheet

    def add(self, source: FakeRange | None = None, name: str | None = None, source_type=None, link_source=None,
            has_headers: bool = True, destination=None, table_style_name: str = "TableStyleMedium2") -> FakeTable:
        taken = {t.name for s in self._sheet.book.sheets for t in s.tables}
        if name in taken:
            raise ValueError(f"nom de tableau déjà pris : {name}")
        table = FakeTable(self._sheet, source, name or f"Tableau{len(taken) + 1}", table_style_name)
        self.append(table)
        self._sheet.book.app.ops["format"] += 1
        return table


class FakeChart:
    def __init__(self, charts: "_Charts", left: float, top: float, width: float, height: float) -> None:
        self._charts = charts
        self.left, self.top, self.width, self.height = left, top, width, height
        self.chart_type: str | None = None
        self.source: FakeRange | None = None
        self.x_values: FakeRange | None = None
        self.title: str | None = None
        self.anchor: FakeRange | None = None
        self.name = f"Graphique {len(charts) + 1}"

    def set_source_data(self, source: FakeRange, plot_by: str | None = None) -> None:
        self.source = source

    def set_x_axis_values(self, source: FakeRange) -> None:
        self.x_values = source

    def delete(self) -> None:
        self._charts.remove(self)


class _Charts(list):
    def __init__(self, sheet: "FakeSheet") -> None:
        super().__init__()
        self._sheet = sheet

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211,
            chart_type: str | None = None, source: FakeRange | None = None, plot_by: str | None = None,
            name: str | None = None, anchor: FakeRange | None = None, style: int | None = 227) -> FakeChart:
        chart = FakeChart(self, left, top, width, height)
        chart.anchor = anchor
        self.append(chart)
        self._sheet.book.app.ops["chart"] += 1
        return chart


class _FreezePanes:
    def __init__(self, sheet: "FakeSheet") -> None:
        self._sheet = sheet

    def freeze_at(self, frozen_range: str) -> None:
        self._sheet.frozen_at = frozen_range


class FakeSheet:
    def __init__(self, book: "FakeBook", name: str) -> None:
        self.book, self.name = book, name
        self._cells: dict[tuple[int, int], Any] = {}
        self._formats: dict[tuple[int, int], str] = {}
        self._styles: dict[tuple[int, int], dict[str, Any]] = {}
        self._links: dict[tuple[int, int], str] = {}
        self.tables = _Tables(self)
        self.charts = _Charts(self)
        self.freeze_panes = _FreezePanes(self)
        self.frozen_at: str | None = None
        self.show_gridlines = True
        self.visible = True
        self._page: dict[str, Any] = {}
        self._breaks = _HPageBreaks()

    @property
    def page_setup(self) -> _PageSetup:
        return _PageSetup(self)

    @property
    def api(self) -> _ComSheet:
        return _ComSheet(self)

    @property
    def index(self) -> int:
        return self.book.sheets._items.index(self) + 1

    def range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        if isinstance(cell1, str) and "," in cell1:
            # a multi-area address, as Excel's Range("A1:A5,C1:C5")
            parts = [self.range(part) for part in cell1.split(",")]
            first = parts[0]
            union = FakeRange(self, first.row, first.column, first._r2, first._c2)
            union._areas = parts
            return union
        if isinstance(cell1, str) and ":" in cell1:
            a, b = cell1.split(":")
            (r1, c1), (r2, c2) = _parse_cell(a), _parse_cell(b)
        else:
            r1, c1 = _parse_cell(cell1) if isinstance(cell1, str) else cell1
            r2, c2 = (r1, c1) if cell2 is None else (_parse_cell(cell2) if isinstance(cell2, str) else cell2)
        return FakeRange(self, r1, c1, r2, c2)

    def __getitem__(self, ref: str) -> FakeRange:
        return self.range(ref)

    @property
    def used_range(self) -> FakeRange:
        if not self._cells:
            return FakeRange(self, 1, 1, 1, 1)
        rows = [r for r, _ in self._cells]
        cols = [c for _, c in self._cells]
        return FakeRange(self, min(rows), min(cols), max(rows), max(cols))

    def clear(self) -> None:
        self.book.app.ops["write"] += 1
        self._cells.clear()
        self._formats.clear()
        self._styles.clear()
        self._links.clear()
        self.tables.clear()

    def activate(self) -> None:
        self.book.active_sheet = self

    def delete(self) -> None:
        self.book.sheets._items.remove(self)


class _Sheets:
    def __init__(self, book: "FakeBook") -> None:
        self._book = book
        self._items: list[FakeSheet] = []

    def __iter__(self) -> Iterator[FakeSheet]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: str | int) -> FakeSheet:
        if isinstance(key, int):
            return self._items[key]
        for sheet in self._items:
            if sheet.name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    def __contains__(self, name: str) -> bool:
        return any(s.name.lower() == name.lower() for s in self._items)

    def add(self, name: str | None = None, before: FakeSheet | None = None, after: FakeSheet | None = None) -> FakeSheet:
        sheet = FakeSheet(self._book, name or f"Feuil{len(self._items) + 1}")
        if before is not None:
            self._items.insert(self._items.index(before), sheet)
        elif after is not None:
            self._items.insert(self._items.index(after) + 1, sheet)
        else:
            self._items.insert(0, sheet)  # like Excel: a new sheet goes before the active one
        return sheet


class FakeName:
    def __init__(self, name: str, refers_to: str) -> None:
        self.name, self.refers_to = name, refers_to


class _Names:
    def __init__(self) -> None:
        self._items: dict[str, FakeName] = {}

    def add(self, name: str, refers_to: str) -> FakeName:
        self._items[name.lower()] = FakeName(name, refers_to)
        return self._items[name.lower()]

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._items

    def __getitem__(self, name: str) -> FakeName:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[FakeName]:
        return iter(list(self._items.values()))


class FakeBook:
    _caller: "FakeBook | None" = None

    def __init__(self, name: str = "Classeur1.xlsx", app: FakeApp | None = None) -> None:
        self.name = name
        self.fullname = name  # a saved book's full path (xlwings ``Book.fullname``); a new one has its name only
        self.app = app or FakeApp()
        self.app.books.append(self)
        self.sheets = _Sheets(self)
        self.names = _Names()
        self.active_sheet: FakeSheet | None = None

    @classmethod
    def caller(cls) -> "FakeBook":
        if cls._caller is None:
            raise RuntimeError("aucun classeur appelant (set_mock_caller)")
        return cls._caller

    def set_mock_caller(self) -> None:
        FakeBook._caller = self


class FakeXlwings:
    """What ``import xlwings as xw`` gives the macros: only ``xw.Book`` is used."""

    Book = FakeBook


def fill(sheet: FakeSheet, rows: list[list[Any]], top: int = 1, left: int = 1) -> None:
    """Test helper: put values as a user would have typed them (not counted as a macro write)."""
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None and v != "":
                sheet._cells[(top + i, left + j)] = _excel_value(v, None) if not isinstance(v, str) else v
