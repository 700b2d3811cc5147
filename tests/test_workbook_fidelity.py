"""What openpyxl cannot keep is detected before saving and said to the user (never silent)."""

from __future__ import annotations

import datetime as dt
import zipfile

from segmenter_pme.cli import main
from segmenter_pme.workbook import run
from segmenter_pme.workbook.fidelity import unsupported_content
from wbfactory import rich_workbook

SHAPE = (b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">'
         b'<xdr:twoCellAnchor><xdr:sp macro="" textlink=""><xdr:nvSpPr/></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>')


def with_parts(src, dst, parts: dict[str, bytes]):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def test_plain_workbook_loses_nothing(tmp_path):
    assert unsupported_content(rich_workbook(tmp_path / "a.xlsx")) == []


def test_detects_shapes_slicers_and_ribbon(tmp_path):
    src = rich_workbook(tmp_path / "a.xlsx")
    p = with_parts(src, tmp_path / "b.xlsx", {"xl/drawings/drawing9.xml": SHAPE,
                                              "xl/slicers/slicer1.xml": b"<slicers/>",
                                              "customUI/customUI14.xml": b"<customUI/>"})
    lost = unsupported_content(p)
    assert lost == ["des segments (slicers)", "un ruban personnalisé", "des formes ou zones de texte dessinées"]


def test_run_says_what_is_lost_and_where_the_original_is(tmp_path, capsys):
    src = rich_workbook(tmp_path / "a.xlsx")
    p = with_parts(src, tmp_path / "clients.xlsx", {"xl/slicers/slicer1.xml": b"<slicers/>"})
    report = run(p, analysis_date=dt.date(2025, 12, 31))
    assert len(report.warnings) == 1
    assert "segments (slicers)" in report.warnings[0] and "clients.sauvegarde.xlsx" in report.warnings[0]
    p2 = with_parts(src, tmp_path / "autre.xlsx", {"xl/slicers/slicer1.xml": b"<slicers/>"})
    assert main(["--quiet", "run", str(p2), "--date", "2025-12-31"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "Attention : Ce classeur contient des segments (slicers)" in err
