"""The look of a big client sheet's data rows, read from its XML (``clean_fast.scan_part``): the streamed
cleaning writes each column's cells with one style, so anything a row or a cell carries of its own
(formula, link, height, another style) sends the sheet down the openpyxl path (None)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.workbook import passthrough
from segmenter_pme.workbook.clean_fast import SheetScan, scan_part

WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        # title and header: their looks are not the data's
        '<row r="1"><c r="A1" s="7" t="inlineStr"><is><t>Fichier</t></is></c></row>'
        '<row r="2"><c r="A2" s="1" t="inlineStr"><is><t>Code</t></is></c><c r="B2" s="1" t="inlineStr">'
        '<is><t>Date</t></is></c><c r="C2" s="1" t="inlineStr"><is><t>CA</t></is></c></row>')
TAIL = '</sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'


def row(r: int, *cells: str, attrs: str = "") -> str:
    return f'<row r="{r}"{attrs}>' + "".join(cells) + "</row>"


def data_rows(n: int = 6) -> list[str]:
    """Code as text (no style), date (style 2, a number or text), amount (style 3)."""
    return [row(r, f'<c r="A{r}" t="inlineStr"><is><t>C{r}</t></is></c>',
                f'<c r="B{r}" s="2"><v>{45000 + r}</v></c>' if r % 2 else
                f'<c r="B{r}" s="2" t="inlineStr"><is><t>0{r}/01/2024</t></is></c>',
                f'<c r="C{r}" s="3"><v>{r}.5</v></c>') for r in range(3, 3 + n)]


def sheet(tmp_path: Path, rows: list[str], *, head: str = HEAD, tail: str = TAIL) -> Path:
    path = tmp_path / "clients.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", RELS)
        zf.writestr("xl/worksheets/sheet1.xml", head + "".join(rows) + tail)
    return path


def scan(path: Path, piece: int = 1 << 22) -> SheetScan | None:
    return scan_part(path, "Clients", 2, {1, 2, 3}, piece)


PLAIN = SheetScan({1: None, 2: 2, 3: 3})


@pytest.mark.parametrize("piece", [1 << 22, 64, 7])
def test_each_column_has_its_one_style_whatever_the_reads(tmp_path, piece):
    # pieces of 64 or 7 bytes: every tag is cut by a read somewhere, and is read whole with the next piece
    assert scan(sheet(tmp_path, data_rows()), piece) == PLAIN


@pytest.mark.parametrize("piece", [1 << 22, 64])
def test_empty_cells_kept_for_their_look_are_found(tmp_path, piece):
    rows = data_rows()
    rows[1] = row(4, '<c r="A4" t="inlineStr"><is><t>C4</t></is></c>', '<c r="B4" s="2"/>', '<c r="C4" s="3"></c>')
    rows[3] = row(6, '<c r="A6"/>', '<c r="B6" s="2" />', '<c r="C6" s="3"><v>1</v></c>')
    assert scan(sheet(tmp_path, rows), piece) == SheetScan({1: None, 2: 2, 3: 3}, {(4, 2), (4, 3), (6, 2)})


@pytest.mark.parametrize("change", [
    ('<c r="C5" s="3"><v>5.5</v></c>', '<c r="C5" s="3"><f>C4+1</f><v>5.5</v></c>'),  # a formula
    ('<c r="C5" s="3"><v>5.5</v></c>', '<c r="C5" s="3"><f t="shared" ref="C5:C8" si="0"/><v>5.5</v></c>'),
    ('<c r="C5" s="3">', '<c r="C5" s="4">'),  # a cell styled unlike its column
    ('<c r="C5" s="3">', '<c r="C5">'),
    ('<c r="C5" s="3"><v>5.5</v></c>', '<c r="C5" s="3"><v>5.5</v></c><c r="D5"><v>1</v></c>'),  # beyond the table
    ('<c r="C5" s="3">', '<c s="3" r="C5">'),  # its reference not first: not read here
    ('<c r="C5" s="3">', '<c s="3">'),  # no reference
    ('<row r="5">', '<row r="5" ht="30" customHeight="1">'),  # a row's own height
    ('<row r="5">', '<row r="5" hidden="1">'),
    ('<row r="5">', '<row r="5" s="4" customFormat="1">'),
    (TAIL, '</sheetData><hyperlinks><hyperlink ref="A5" location="Autre!A1"/></hyperlinks></worksheet>'),
    # an Excel 2010 list validation pointing at another sheet: its formula is prefixed (xm:f)
    (TAIL, '</sheetData><extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations count="1">'
           '<x14:dataValidation type="list"><x14:formula1><xm:f>Listes!$A$1:$A$3</xm:f></x14:formula1>'
           '<xm:sqref>B3:B9</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>'),
])
def test_what_a_row_or_cell_carries_of_its_own_takes_the_openpyxl_path(tmp_path, change):
    xml = "".join(data_rows()) + TAIL
    assert change[0] in xml
    old, new = change
    assert scan(sheet(tmp_path, [xml.replace(old, new, 1)], tail="")) is None
    assert scan(sheet(tmp_path, [xml], tail="")) == PLAIN


def test_a_row_of_plain_height_with_spans_streams(tmp_path):
    rows = [r.replace('">', '" spans="1:3" customHeight="0">', 1) for r in data_rows()]
    assert scan(sheet(tmp_path, rows)) == PLAIN


def test_a_prefixed_sheet_takes_the_openpyxl_path(tmp_path):
    head = HEAD.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=").replace("<sheetData>", "<x:sheetData>")
    assert scan(sheet(tmp_path, [], head=head, tail="</x:sheetData></x:worksheet>")) is None


# ------------------------------------------------------------------ the scan against the plain reading

def plain_scan(xml: bytes, header_row: int, allowed: set[int]) -> SheetScan | None:
    """What the scan must find, read the simple way: every tag of the data rows with its digits, one at a time."""
    import re

    from openpyxl.utils import column_index_from_string

    tag = re.compile(rb'<(c|row|(?:\w+:)?f|hyperlink)\b(?:\sr="([A-Z]*)\d+")?([^>]*>(?:</)?)')
    first = next(m for m in re.finditer(rb'<row\b[^>]*\sr="(\d+)"', xml) if int(m.group(1)) > header_row)
    body, styles, empty = xml[first.start():], {}, set()
    for m in tag.finditer(body):
        name, letters, rest = m.groups()
        if name == b"row":
            if re.search(rb'\b(?:ht|hidden|customFormat)="', rest):
                return None
            continue
        if name != b"c" or not letters:
            return None
        style = re.search(rb'\ss="(\d+)"', rest)
        col = column_index_from_string(letters.decode())
        if col not in allowed or styles.setdefault(col, style and int(style.group(1))) != (style and int(style.group(1))):
            return None
    for m in re.finditer(rb'<c\b([^>]*?)\sr="([A-Z]+)(\d+)"([^>]*?)(?:/>|></c>)', body):
        if re.search(rb'\ss="(\d+)"', m.group(1) + m.group(4)):
            empty.add((int(m.group(3)), column_index_from_string(m.group(2).decode())))
    return SheetScan(styles, empty)


#: a data cell of column A, B or C as writers put it (its style first or not, none, empty, or a style digit
#: that differs), a row's look, a formula, a link: what the scan reads without the digits, then with them
CELLS = st.sampled_from([
    '<c r="{c}{r}" t="inlineStr"><is><t>Sté {r}</t></is></c>', '<c r="{c}{r}" s="2"><v>{r}.5</v></c>',
    '<c r="{c}{r}" s="12"><v>4{r}</v></c>', '<c r="{c}{r}" t="n" s="2"><v>1</v></c>', '<c r="{c}{r}" s="2"/>',
    '<c r="{c}{r}" s="2"></c>', '<c r="{c}{r}"/>', '<c r="{c}{r}" s=""><v>3</v></c>', '<c s="2" r="{c}{r}"/>',
    '<c r="{c}{r}" s="2"><f>A{r}*2</f><v>2</v></c>', '<c r="{c}{r}" t="inlineStr"><is><t>r="A1" s="9"</t></is></c>',
])


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(st.tuples(st.sampled_from("ABC"), CELLS), max_size=4), min_size=1, max_size=12),
       look=st.sampled_from(["", ' spans="1:3"', ' ht="30" customHeight="1"']), piece=st.sampled_from([7, 64, 1 << 22]))
def test_the_scan_finds_what_the_plain_reading_finds(tmp_path_factory, rows, look, piece):
    xml = "".join(row(r, *(cell.format(c=c, r=r) for c, cell in sorted(set(cells))), attrs=look if r == 5 else "")
                  for r, cells in enumerate(rows, start=3))
    path = sheet(tmp_path_factory.mktemp("scan"), [xml])
    expected = plain_scan((HEAD + xml + TAIL).encode(), 2, {1, 2, 3})
    got = scan(path, piece)
    assert got == expected
    if got is not None:  # the reduced copy's cut, made in the same pass: the part read again and cut
        with zipfile.ZipFile(path) as zf:
            assert got.cut == passthrough.cut_part(zf, "xl/worksheets/sheet1.xml", passthrough.KEEP_ROWS)
