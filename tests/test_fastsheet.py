"""Big sheets streamed as XML (workbook/fastsheet.py): the values read back are the frame's, every kind of cell."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
import zlib

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from segmenter_pme.workbook import fastsheet, files, saving


def _saved(tmp_path, frame: pd.DataFrame):
    wb = Workbook()
    ws = wb.active
    ws.title = "Données"
    ws.append([str(c) for c in frame.columns])
    ws.append(["x"] * frame.shape[1])  # the styled sample row, replaced by the stream
    for j, dtype in enumerate(frame.dtypes, start=1):
        if pd.api.types.is_datetime64_any_dtype(dtype):
            ws.cell(2, j).number_format = "DD/MM/YYYY"
    path = tmp_path / "big.xlsx"
    saving.save_workbook(wb, path, {"Données": fastsheet.injector(frame, first_row=2, ws=ws)})
    return path


def test_every_kind_of_value_reads_back(tmp_path):
    texts = ["Dupont & Fils <SARL>", " espace devant", "espace derrière ", "a\nb ", "insécable\u00a0", "",
             None, "ok\x01ctrl", "=SOMME(A1)"]
    n = len(texts)
    frame = pd.DataFrame({
        "texte": pd.Series(texts, dtype=object),
        "arrow": pd.Series(texts, dtype="str"),
        "categorie": pd.Categorical(["Petits", "Gros", None, "Petits", "Moyens", "Gros", "Petits", None, "Gros"]),
        "entier": pd.array([1, None, 3, -4, 0, 10**12, 7, 8, None], dtype="Int64"),
        "montant": [85.35, np.nan, 0.1 + 0.2, 1e-7, 1e20, -2.5, 1234567.891, 3.0, 1e-4],
        "date": pd.to_datetime(["2024-01-31 00:00", None, "1900-03-01 00:00", "2025-12-31 13:30", "2000-02-29 00:00", None,
                                "2024-06-01 00:00", "2024-06-02 00:00", "2024-06-03 00:00"]),
        "booleen": pd.array([True, False, None, True, True, False, None, True, False], dtype="boolean"),
        "mixte": pd.Series([dt.date(2024, 5, 1), 12, "texte", None, 2.5, True, "  ", np.nan, "fin"], dtype=object),
    })
    ws = openpyxl.load_workbook(_saved(tmp_path, frame))["Données"]
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=1 + n, max_col=frame.shape[1])]
    for i in range(n):
        text = None if texts[i] in (None, "") else texts[i].replace("\x01", "")
        assert got[i][0] == text and got[i][1] == text
        cat = frame["categorie"].iloc[i]
        assert got[i][2] == (None if pd.isna(cat) else cat)
        ent = frame["entier"].iloc[i]
        assert got[i][3] == (None if pd.isna(ent) else int(ent))
        m = frame["montant"].iloc[i]
        assert (got[i][4] is None) if math.isnan(m) else got[i][4] == m
        d = frame["date"].iloc[i]
        assert got[i][5] == (None if pd.isna(d) else d.to_pydatetime())
        b = frame["booleen"].iloc[i]
        assert got[i][6] == (None if pd.isna(b) else bool(b))
    assert [r[7] for r in got] == [45413, 12, "texte", None, 2.5, True, "  ", None, "fin"]
    # text that looks like a formula stays text
    assert ws.cell(10, 1).data_type == "s"
    with zipfile.ZipFile(tmp_path / "big.xlsx") as zf:
        xml = zf.read(fastsheet.sheet_part(zf, "Données")).decode("utf-8")
    assert '<dimension ref="A1:H10"/>' in xml
    assert '<c r="A5" t="inlineStr"><is><t xml:space="preserve">a\nb </t></is></c>' in xml


def _xml(frame: pd.DataFrame) -> str:
    return b"".join(bytes(c) for c in fastsheet.rows_xml(frame, 1, [])).decode("utf-8")


def test_whitespace_test_is_pythons():
    """The values written with xml:space="preserve" are those Python's str.isspace() calls spaces at an end,
    once the characters XML cannot hold are left out."""
    chars = [chr(c) for c in range(0x3100) if not (0xD800 <= c <= 0xDFFF)]
    for texts in ([f"x{c}" for c in chars], [f"{c}x" for c in chars]):  # Arrow's text path
        xml = _xml(pd.DataFrame({"t": pd.Series(texts, dtype="str")}))
        opened = re.findall(r'<row r="\d+"><c r="A\d+" t="inlineStr"><is><t( xml:space="preserve")?>', xml)
        written = [re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", t) for t in texts]
        assert len(opened) == len(texts)
        assert [bool(o) for o in opened] == [t[:1].isspace() or t[-1:].isspace() for t in written]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=True, width=64), min_size=1, max_size=40))
def test_numbers_are_written_as_python_writes_them(values):
    """Integers without ``.0`` (up to 10^15), others as Python's repr: column-wise by Arrow for a column of
    numbers, cell by cell for a column mixing kinds of values."""
    expected = [str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v) for v in values]
    numbers = pd.DataFrame({"n": values, "mixte": pd.Series(values, dtype=object)})
    cells = re.findall(r'<c r="([AB])\d+"><v>([^<]*)</v></c>', _xml(numbers))
    assert [v for col, v in cells if col == "A"] == expected
    assert [v for col, v in cells if col == "B"] == expected


# texts that take each branch of the column-wise path: escaping, control characters, spaces at an end (ASCII
# or not), Excel's quote mark (numbers, dates, formulas, a leading apostrophe), non-ASCII bytes, empty texts
_TEXTS = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list("aZé€ 0-1,:/&<>'=+\t\n\r\x01\x1f\u00a0\u2003\u3000\U0001F600")), max_size=8),
    st.sampled_from(["", "Dupont & Fils", " x", "x ", "0007", "mars 2024", "VRAI", "=1+1", "'abc", "C0042"]),
    st.text(max_size=6),
)


def _cells(xml: str) -> dict[tuple[str, int], str]:
    """Each cell of streamed rows, by (column letter, row): what follows its reference."""
    return {(col, int(row)): body for col, row, body in re.findall(r'<c r="([A-Z]+)(\d+)"(.*?</c>)', xml, re.S)}


_QUOTED = fastsheet.Quoted("1", "2")


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=30))
def test_text_cells_by_arrow_are_those_written_one_by_one(texts):
    """The column-wise text path (byte tests before RE2) writes each cell as the cell-by-cell path (a column
    mixing kinds of values) does: « & < > » escaped, control characters left out, xml:space on a space at an
    end, the quote-mark style on a text Excel would read as a value; an empty text has no cell."""
    frame = pd.DataFrame({"arrow": pd.Series([*texts, None], dtype="str"),
                          "one_by_one": pd.Series([*(t or None for t in texts), 1], dtype=object)})
    cells = _cells(b"".join(bytes(c) for c in fastsheet.rows_xml(frame, 1, [_QUOTED, _QUOTED])).decode())
    for row in range(1, len(texts) + 1):
        assert cells.get(("A", row)) == cells.get(("B", row))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_TEXTS, st.one_of(st.none(), st.floats(-1e6, 1e6)), st.one_of(st.none(), st.integers(-99, 99)),
                          st.sampled_from([None, "Petits", "Gros & Cie", " "])), min_size=1, max_size=25))
def test_rows_joined_at_once_hold_each_cell_and_no_empty_one(rows):
    """A row is joined once from its cells' pieces: each cell is the one its column streamed alone writes,
    and a missing value leaves its cell out, and no other."""
    texts, numbers, counts, cats = (list(c) for c in zip(*rows))
    frame = pd.DataFrame({"t": pd.Series(texts, dtype="str"), "n": pd.Series(numbers, dtype="float64"),
                          "c": pd.array(counts, dtype="Int64"), "k": pd.Categorical(cats)})
    styles = [fastsheet.Quoted("", "8"), fastsheet.Quoted("3", "9"), fastsheet.Quoted("", "8"), fastsheet.Quoted("4", "5")]
    got = b"".join(bytes(c) for c in fastsheet.rows_xml(frame, 5, styles, chunk=7)).decode()
    alone = [_cells(b"".join(bytes(c) for c in fastsheet.rows_xml(frame[[col]], 5, [style])).decode())
             for col, style in zip(frame.columns, styles)]
    expected = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{letter}{r}"{cells[("A", r)]}' for letter, cells in zip("ABCD", alone) if ("A", r) in cells)
        + "</row>" for r in range(5, 5 + len(frame)))
    assert got == expected


def test_big_frame_rows_are_numbered_across_chunks(tmp_path):
    frame = pd.DataFrame({"code": [f"C{i}" for i in range(25)], "ca": np.arange(25) * 1.5})
    xml = b"".join(c.encode() if isinstance(c, str) else bytes(c)
                   for c in fastsheet.rows_xml(frame, 7, ["3", ""], chunk=10)).decode()
    rows = re.findall(r'<row r="(\d+)"><c r="A\1" s="3" t="inlineStr"><is><t>C(\d+)</t></is></c>'
                      r'<c r="B\1"><v>([\d.]+)</v></c></row>', xml)
    assert [(int(r), int(c), v) for r, c, v in rows] == [(7 + i, i, f"{i * 1.5:g}") for i in range(25)]


def test_streamed_sheet_is_deflated_by_isal_and_reads_back(tmp_path):
    pytest.importorskip("isal")
    frame = pd.DataFrame({"code": [f"C{i:06d}" for i in range(30_000)], "ca": np.arange(30_000) / 7})
    path = _saved(tmp_path, frame)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(fastsheet.sheet_part(zf, "Données"))
        assert info.compress_type == zipfile.ZIP_DEFLATED
        xml = zf.read(info)  # zlib inflates what ISA-L deflated; the CRC is checked
        # each part's checksum as zlib computes it (zipfile's is ISA-L's: saving.py)
        assert all(zlib.crc32(zf.read(part)) == part.CRC for part in zf.infolist())
    assert xml.count(b"<row ") == 1 + 30_000  # the header row and the 30 000 streamed rows
    ws = openpyxl.load_workbook(path, read_only=True)["Données"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("C000000", 0) and rows[-1] == ("C029999", 29_999 / 7) and len(rows) == 30_000
    files.verify_xlsx(path)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 2**32 - 1))
def test_zipfiles_checksum_is_zlibs(data, start):
    """The CRC-32 zipfile writes and checks (ISA-L's once :mod:`saving` is imported, when installed) is zlib's."""
    assert zipfile.crc32(data, start) == zlib.crc32(data, start)
    assert zipfile.crc32(memoryview(data)[1:], start) == zlib.crc32(data[1:], start)


def test_a_date_cell_past_2262_is_written_as_typed_not_wrapped_round(tmp_path):
    """A user's cell typed 01/01/3000, copied into a streamed sheet, keeps its serial: the cast to nanoseconds
    wraps it round to 1830 (written right before only because that wrapped value is not at midnight)."""
    frame = pd.DataFrame({"mixte": pd.Series([dt.datetime(3000, 1, 1), dt.date(2024, 5, 1), "x"], dtype=object)})
    ws = openpyxl.load_workbook(_saved(tmp_path, frame))["Données"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [(dt.date(3000, 1, 1) - dt.date(1899, 12, 30)).days, 45413, "x"]
