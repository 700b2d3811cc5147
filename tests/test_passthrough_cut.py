"""A sheet's top rows cut out of its part while it is read by pieces (``passthrough.cut_part``): the same
XML as cutting the whole text (``head_only``), whatever the size of the reads — a tag, ``</sheetData>``
or a multi-byte character cut by a read included."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.workbook import passthrough

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:B9"/>'
        '<sheetData>')
TAIL = '</sheetData><autoFilter ref="A1:B9"/><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'


def part(rows: int, text: str) -> bytes:
    body = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}" t="inlineStr"><is><t>{text}{r}</t></is></c>'
                   f'<c r="B{r}" s="1"><v>{r}.5</v></c></row>' for r in range(1, rows + 1))
    return (HEAD + body + TAIL).encode("utf-8")


def cut(xml: bytes, keep: int, read: int = 1 << 22) -> str | None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(buf) as zf:
        return passthrough.cut_part(zf, "xl/worksheets/sheet1.xml", keep, read)


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(0, 12), keep=st.integers(0, 14), read=st.integers(1, 300),
       text=st.sampled_from(["Société ", "Ets 🚚 ", "x", "</sheet"]))
def test_the_cut_is_the_whole_text_cut_whatever_the_reads(rows, keep, read, text):
    xml = part(rows, text.replace("<", "&lt;"))
    got = cut(xml, keep, read)
    assert got == passthrough.head_only(xml.decode("utf-8"), keep)
    assert got.count("<row ") == min(rows, keep)


def test_a_sheet_whose_rows_are_not_numbered_is_not_cut():
    assert cut(part(3, "x").replace(b'<row r="2"', b"<row"), 1) is None


def test_a_prefixed_sheet_is_not_cut():
    xml = part(3, "x").replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=").replace(b"</worksheet>", b"</x:worksheet>")
    assert cut(xml, 1) is None
