"""The real extent of each sheet, and a sparse reader for the sheets whose extent is huge.

python-calamine allocates the whole rectangle from A1 to the last cell of a
sheet: one stray value in XFD1048576 asks for 17 billion cells (512 GB) and
the process dies (SIGABRT) — no exception to catch. The ``<dimension>`` tag
cannot be trusted (it lies either way), so the cells themselves are measured
first, cheaply: the last ``<row r=…>`` gives the height, and only cells past
column Z (two or three letters) are looked at for the width. A sheet whose
rectangle would pass :data:`MAX_CELLS` is read here instead: each row holds
only up to its own last cell (rows are ragged, as every reader of
``read_values`` accepts), so memory follows the cells that exist.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from pathlib import Path

from openpyxl.utils import column_index_from_string

from ..parsing import serial_epoch_days
from .saving import fast_inflate

#: above this many cells in a sheet's rectangle, calamine is not given the sheet (8.4 M is a full 1 048 575 × 8 sheet)
MAX_CELLS = 60_000_000

_ROW_R = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
#: a cell reference past column Z, when a space comes before the ``r`` (a row's r= holds digits
#: only, a formula's ref= has no space before r): the pattern starts with the literal ``r="``, which
#: the regex engine skips to, and the space is checked on the few matches (100 000 clients × 15
#: columns: sheet_extent 0.63 s → 0.40 s of CPU against the pattern starting with ``\s``, same run)
_WIDE = re.compile(rb'r="([A-Z]{2,3})\d')
_SPACE = frozenset(b" \t\n\r\f\v")  # what \s matches in a bytes pattern
_CHUNK = 1 << 22


def sheet_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) of the cells written in a worksheet part, from A1."""
    last_row, rows, widest = 0, 0, 26
    letters: set[bytes] = set()
    with zf.open(part) as fh:
        fast_inflate(fh)  # 100 000 clients (82 MB of XML): 0,44 s → 0,25 s of CPU, median of 3, same run
        tail = b""
        while chunk := fh.read(_CHUNK):
            block = tail + chunk
            cut = block.rfind(b"<")  # a tag cut by the chunk is read whole with the next one
            body, tail = block[:cut], block[cut:]
            rows += body.count(b"<row") + body.count(b":row ")
            # rows come in order: the chunk's last numbered row is its highest
            last, colon = body.rfind(b"<row"), body.rfind(b":row ")
            if colon > last:
                last = body.rfind(b"<", 0, colon)
            found = _ROW_R.findall(body, max(last, 0)) or _ROW_R.findall(body)
            if found:
                last_row = max(last_row, int(found[-1]))
            letters.update(_wide_columns(body))
        rows += tail.count(b"<row")
        found = _ROW_R.findall(tail)
        if found:
            last_row = max(last_row, int(found[-1]))
        letters.update(_wide_columns(tail))
    if letters:
        widest = max(column_index_from_string(x.decode()) for x in letters)
    # rows without r= are numbered one after the other
    return max(last_row, rows), widest


def _wide_columns(xml: bytes) -> set[bytes]:
    """Letters of the cell references past column Z in ``xml``."""
    return {m.group(1) for m in _WIDE.finditer(xml) if m.start() and xml[m.start() - 1] in _SPACE}


def huge_sheets(path: Path, parts: dict[str, str], scanned: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """The sheets (title → part) whose rectangle from A1 passes :data:`MAX_CELLS`: title → (rows, columns).
    ``scanned`` gets each part read to its end (its CRC then checked by zipfile)."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for title, part in parts.items():
            try:
                rows, cols = sheet_extent(zf, part)
            except KeyError:
                continue
            if scanned is not None:
                scanned.add(part)
            if rows * cols > MAX_CELLS:
                out[title] = (rows, cols)
    return out


# ------------------------------------------------------------------ the sparse reader

_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_ROW = re.compile(rb'<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)', re.S)
_ATTR = re.compile(rb'\b(r|t|s)="([^"]*)"')
_V = re.compile(rb'<(?:\w+:)?v>(.*?)</(?:\w+:)?v>', re.S)
_T = re.compile(rb'<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>', re.S)
_RPH = re.compile(rb'<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>', re.S)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"([A-Z]+)(\d+)")


def _text(raw: bytes) -> str:
    raw = _RPH.sub(b"", raw)  # phonetic runs are not part of the value
    text = html.unescape("".join(t.decode("utf-8") for t in _T.findall(raw)))
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    data = zf.read(name)
    return [_text(m.group(1) or b"") for m in re.finditer(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>",
                                                         data, re.S)]


def _date_styles(zf: zipfile.ZipFile) -> dict[int, bool]:
    """Style index → whether its number format is a date (as Excel shows the cell)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    try:
        data = zf.read("xl/styles.xml").decode("utf-8")
    except KeyError:
        return {}
    custom = {int(m.group(1)): html.unescape(m.group(2))
              for m in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', data)}
    xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", data, re.S)
    out = {}
    if xfs:
        for i, m in enumerate(re.finditer(r"<(?:\w+:)?xf\b([^>]*)", xfs.group(1))):
            fid = re.search(r'numFmtId="(\d+)"', m.group(1))
            fid = int(fid.group(1)) if fid else 0
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            out[i] = fid in range(14, 23) or fid in range(45, 48) or is_date_format(code)
    return out


def _from_serial(x: float, epoch: dt.datetime):
    if x < 1:
        seconds = round(x * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if epoch.year == 1899:  # the 1900 date system: serials under 60 a day later (60 is 28/02/1900), as calamine
        x = float(serial_epoch_days(x))
    when = epoch + dt.timedelta(days=x)
    when = when.replace(microsecond=0) if when.microsecond < 500 else when
    return when.date() if when.time() == dt.time(0) else when


def is_date1904(zf: zipfile.ZipFile) -> bool:
    """Whether the workbook counts its serials from 01/01/1904 (``<workbookPr date1904="1"/>``, an old Mac's)."""
    return re.search(rb'date1904="(1|true)"', zf.read("xl/workbook.xml")) is not None


def read_sparse(path: Path, part: str) -> list[list]:
    """The values of one worksheet part as calamine gives them, rows ragged (each up to its last cell)."""
    with zipfile.ZipFile(path) as zf:
        strings = _shared_strings(zf)
        dates = _date_styles(zf)
        epoch = dt.datetime(1904, 1, 1) if is_date1904(zf) else dt.datetime(1899, 12, 30)
        data = zf.read(part)
    rows: list[list] = []
    next_row = 1
    for rm in _ROW.finditer(data):
        attrs = dict(_ATTR.findall(rm.group(1)))
        r = int(attrs.get(b"r", next_row))
        next_row = r + 1
        cells: dict[int, object] = {}
        next_col = 1
        for cm in _CELL.finditer(rm.group(2) or b""):
            ca = dict(_ATTR.findall(cm.group(1)))
            ref = _REF.match(ca.get(b"r", b"").decode())
            col = column_index_from_string(ref.group(1)) if ref else next_col
            next_col = col + 1
            body = cm.group(2) or b""
            kind = ca.get(b"t", b"n")
            v = _V.search(body)
            if kind == b"inlineStr":
                value = _text(body)
            elif v is None or not v.group(1).strip():
                continue  # a formula never computed (no cached value) reads as empty, as with calamine
            elif kind == b"s":
                value = strings[int(v.group(1))]
            elif kind in (b"str", b"e"):
                value = "" if kind == b"e" else html.unescape(v.group(1).decode("utf-8"))
            elif kind == b"b":
                value = v.group(1).strip() == b"1"
            else:
                value = float(v.group(1))
                if dates.get(int(ca.get(b"s", b"0"))):
                    value = _from_serial(value, epoch)
            if value == "":
                continue
            cells[col] = value
        if not cells:
            continue
        if len(rows) < r - 1:
            rows.extend([()] * (r - 1 - len(rows)))  # one shared empty row: a million of them cost 8 MB
        row = [""] * max(cells)
        for col, value in cells.items():
            row[col - 1] = value
        rows.append(row)
    return rows
