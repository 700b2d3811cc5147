"""The stand-in of xlwings is faithful: every name it offers exists in xlwings 0.37.8 with the same parameters.

The macros and the renderer are tested against the stand-in only; this test is
what makes that meaningful — a method the stand-in has and xlwings lacks (or
calls differently) would make tests pass and Excel fail.
"""

from __future__ import annotations

import inspect
import re

import pytest

xw = pytest.importorskip("xlwings")
import xlwings.main as xm  # noqa: E402

from support import fake_xlwings as fx  # noqa: E402

PAIRS = [
    (fx.FakeApp, xm.App),
    (fx.FakeBook, xm.Book),
    (fx._Sheets, xm.Sheets),
    (fx.FakeSheet, xm.Sheet),
    (fx.FakeRange, xm.Range),
    (fx._Options, xm.Range),
    (fx._Font, xm.Font),
    (fx._Rows, xm.RangeRows),
    (fx._Borders, xm.Borders),
    (fx._Validation, xm.DataValidation),
    (fx._ConditionalFormats, xm.ConditionalFormats),
    (fx._Tables, xm.Tables),
    (fx.FakeTable, xm.Table),
    (fx._Charts, xm.Charts),
    (fx.FakeChart, xm.Chart),
    (fx._Names, xm.Names),
    (fx.FakeName, xm.Name),
    (fx._FreezePanes, xm.FreezePanes),
]
#: helpers of the stand-in that are not part of the xlwings API (documented as test helpers)
HELPERS = {"style_of", "cells_iter", "ops", "alerts", "active_sheet", "frozen_at", "source", "x_values", "anchor",
           "table_style", "books", "sheet"}
#: attributes set through __setattr__ on a range / a font
RANGE_SETTABLE = ("color", "horizontal_alignment", "vertical_alignment", "wrap_text", "column_width", "row_height",
                  "number_format", "value")
FONT_SETTABLE = ("bold", "italic", "size", "color", "name")


def _public(cls) -> set[str]:
    """Public class members plus the attributes ``__init__`` assigns (``self.x = …``, ``self.a, self.b = …``)."""
    names = {n for n in vars(cls) if not n.startswith("_")}
    init = vars(cls).get("__init__")
    if inspect.isfunction(init):
        for line in inspect.getsource(init).splitlines():
            target = line.strip().split("=")[0] if "=" in line else ""
            names |= set(re.findall(r"self\.([a-z]\w*)", target))
    return names - HELPERS


@pytest.mark.parametrize("fake, real", PAIRS, ids=[f.__name__ for f, _ in PAIRS])
def test_every_public_name_exists_in_xlwings(fake, real):
    missing = [n for n in _public(fake) if not hasattr(real, n) and not (real is xm.Sheets and n == "add")]
    assert missing == []


@pytest.mark.parametrize("fake, real", PAIRS, ids=[f.__name__ for f, _ in PAIRS])
def test_methods_take_the_same_parameters(fake, real):
    for name, member in vars(fake).items():
        if name.startswith("_") or name in HELPERS or not inspect.isfunction(member):
            continue
        target = getattr(real, name)
        if isinstance(target, property):
            continue
        fake_params = [p for p in inspect.signature(member).parameters if p != "self"]
        real_params = [p for p in inspect.signature(target).parameters if p != "self"]
        assert real_params[: len(fake_params)] == fake_params, (fake.__name__, name, real_params)


def test_settable_properties_are_settable_in_xlwings():
    for name in RANGE_SETTABLE:
        prop = getattr(xm.Range, name)
        assert isinstance(prop, property) and prop.fset is not None, name
    for name in FONT_SETTABLE:
        prop = getattr(xm.Font, name)
        assert isinstance(prop, property) and prop.fset is not None, name
    for name in ("screen_updating", "status_bar"):
        assert getattr(xm.App, name).fset is not None
    assert xm.Sheet.show_gridlines.fset is not None
    assert xm.Chart.chart_type.fset is not None and xm.Chart.title.fset is not None


def test_sheets_add_signature():
    assert list(inspect.signature(xm.Sheets.add).parameters)[1:4] == ["name", "before", "after"]


def test_book_caller_is_a_classmethod_in_both():
    assert isinstance(inspect.getattr_static(xm.Book, "caller"), classmethod)
    assert isinstance(inspect.getattr_static(fx.FakeBook, "caller"), classmethod)


def test_excel_like_value_semantics():
    book = fx.FakeBook()
    sheet = book.sheets.add("S")
    sheet.range("A1").value = [[1, "545", None], ["x", 2.5, True]]
    assert sheet.range("A1").value == 1.0  # numbers come back as floats
    assert sheet.range("B1").value == 545.0  # a numeric text becomes a number in a General cell
    sheet.range("C1").number_format = "@"
    sheet.range("C1").value = "545"
    assert sheet.range("C1").value == "545"  # but not in a text cell
    assert sheet.range("A1:C1").value == [1.0, 545.0, "545"]
    assert sheet.range("A1:A2").value == [1.0, "x"]
    assert sheet.range("A1:B2").value == [[1.0, 545.0], ["x", 2.5]]
    assert sheet.range("A1").options(ndim=2).value == [[1.0]]
    assert sheet.used_range.address == "$A$1:$C$2"
    assert book.app.ops["read"] == 7 and book.app.ops["write"] == 2
