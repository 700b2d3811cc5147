"""Against a real Microsoft Excel (Windows or macOS): skipped anywhere else.

Runs the same macros as tests/test_excel_macros.py, but on real xlwings
objects, and calls into the built add-in's VBA, which proves Excel compiled it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme.fields import OUTPUT_COLUMNS

pytestmark = pytest.mark.excel

ADDIN = Path(__file__).resolve().parents[1] / "addin" / "segmenter.xlam"


@pytest.fixture(scope="module")
def excel():
    if sys.platform not in ("win32", "darwin"):
        pytest.skip("Microsoft Excel n'existe que sous Windows et macOS")
    xw = pytest.importorskip("xlwings")
    try:
        app = xw.App(visible=False, add_book=False)
    except Exception as err:  # no Excel installed, or no licence
        pytest.skip(f"Excel indisponible : {err}")
    app.display_alerts = False
    try:
        yield app
    finally:
        app.quit()


@pytest.fixture
def demo_book(excel, tmp_path):
    from segmenter_pme.demo import generate_demo

    demo = generate_demo(500, dirty=False, duplicates=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(list(demo.clients.columns))
    for row in demo.clients.itertuples(index=False):
        ws.append([None if v != v else v for v in row])
    path = tmp_path / "demo.xlsx"
    wb.save(path)
    book = excel.books.open(path)
    yield book
    book.close()


def test_addin_vba_compiles_and_runs_in_excel(excel):
    addin = excel.books.open(ADDIN)
    try:
        command = excel.macro("'segmenter.xlam'!SegmenterRuban.CommandePython")("segmenter")
        assert command == "import segmenter_pme.excel.macros as m; m.segmenter()"
    finally:
        addin.close()


def test_segmenter_macro_on_real_excel(demo_book):
    from segmenter_pme.excel import macros

    message = macros.segmenter(demo_book)
    assert message and message.startswith("Segmentation terminée")
    header = demo_book.sheets["Clients"].range("A1").expand("right").value
    assert header[-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    assert "Synthèse" in [s.name for s in demo_book.sheets]


@pytest.mark.skipif(sys.platform != "win32", reason="les fonctions Python dans les cellules n'existent que sous Windows")
def test_rfm_score_formula_computes(excel, demo_book):
    addin = excel.books.open(ADDIN)
    try:
        sheet = demo_book.sheets["Clients"]
        sheet["Z2"].formula = "=RFM_SCORE(F2,G2,H2,F$2:F$501,G$2:G$501,H$2:H$501)"
        excel.calculate()
        value = sheet["Z2"].value
        assert isinstance(value, str) and (value == "" or len(value) == 3 or value.startswith("#"))
    finally:
        addin.close()
