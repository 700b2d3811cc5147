"""Carry the user's untouched sheets through an openpyxl round trip byte for byte (cells).

openpyxl loads every cell as an object (slow on big invoice sheets) and
rewrites what it understands, dropping some cell-level details (value
metadata, phonetic runs, unknown attributes). For the sheets we do not write
into, we let openpyxl load a copy whose ``<sheetData>`` keeps only the top
rows — it still sees and rewrites everything else of the sheet (columns,
filters, tables, validations, conditional formats, drawings) — and while it
saves (:func:`saving.save_workbook`), the original ``<sheetData>`` goes back
in. Shared strings are turned into inline strings,
because openpyxl rewrites the shared-string table; style indices stay valid
because openpyxl keeps the cell formats (``cellXfs``) in their original order.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

from .fastsheet import sheet_part
from .saving import split_sheetdata

_SHEETDATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
_DIMENSION = re.compile(r"<dimension\b[^>]*/>")
_SST_CELL = re.compile(r'<c\b([^>]*?)\st="s"([^>]*)>\s*<v>(\d+)</v>\s*</c>')
_SI = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_META_ATTR = re.compile(r'\s(?:cm|vm)="\d+"')


def _plain(xml: str) -> bool:
    # only unprefixed SpreadsheetML (what Excel, LibreOffice and openpyxl write) is handled
    return "<worksheet" in xml[:2000] and ("<sheetData>" in xml or "<sheetData/>" in xml)


def reduced_copy(src: Path, sheets: list[str], folder: Path) -> tuple[Path, list[str]]:
    """A copy of ``src`` whose listed sheets keep only their top rows; returns it and the sheets cut."""
    fd, tmp = tempfile.mkstemp(prefix=".reduit.", suffix=src.suffix, dir=folder)
    os.close(fd)
    emptied = []
    with zipfile.ZipFile(src) as zin:
        parts = {}
        for title in sheets:
            try:
                parts[sheet_part(zin, title)] = title
            except (KeyError, AttributeError):
                continue
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename in parts:
                    xml = data.decode("utf-8")
                    head = _head_only(xml) if _plain(xml) else None
                    if head is not None:
                        data = head.encode("utf-8")
                        emptied.append(parts[item.filename])
                zout.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return Path(tmp), emptied


_ROW = re.compile(r"<row\b[^>]*>")
_ROW_NUM = re.compile(r'\sr="(\d+)"')
KEEP_ROWS = 30  # header area others read (locating columns for links), cheap to load


def _head_only(xml: str) -> str | None:
    """``xml`` with only the first :data:`KEEP_ROWS` rows in ``<sheetData>``; None if rows are unnumbered."""
    m = _SHEETDATA.search(xml)
    if m is None:
        return None
    data = m.group(0)
    cut = None
    for row in _ROW.finditer(data):
        num = _ROW_NUM.search(row.group(0))
        if num is None:
            return None
        if int(num.group(1)) > KEEP_ROWS:
            cut = row.start()
            break
    if cut is None:
        return xml
    return xml[: m.start()] + data[:cut] + "</sheetData>" + xml[m.end():]


def _shared_strings(zin: zipfile.ZipFile) -> list[str]:
    name = next((n for n in zin.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    xml = zin.read(name).decode("utf-8")
    return [m.group(1) or "" for m in _SI.finditer(xml)]


def injectors(original: Path, sheets: list[str]) -> dict:
    """For :func:`saving.save_workbook`: put back the original cells of ``sheets`` of ``original``."""
    if not sheets:
        return {}
    with zipfile.ZipFile(original) as zorig:
        sst = _shared_strings(zorig)
        parts = {title: sheet_part(zorig, title) for title in sheets}

    def make(title: str):
        def inject(xml: str):
            with zipfile.ZipFile(original) as zorig:
                orig_xml = zorig.read(parts[title]).decode("utf-8")
            orig_head, data, _ = split_sheetdata(orig_xml)
            del orig_xml
            data = _SST_CELL.sub(lambda m: _inline(m, sst), data)
            data = _drop_prefixed_attributes(data)
            # openpyxl drops xl/metadata.xml: references to it would make Excel repair the file
            data = _META_ATTR.sub("", data)
            head, _, tail = split_sheetdata(xml)
            dim = _DIMENSION.search(orig_head)
            if dim is not None:
                head = _DIMENSION.sub(lambda _m: dim.group(0), head, count=1)
            yield head
            yield data
            yield tail

        return inject

    return {title: make(title) for title in sheets}


_PREFIXED_ATTR = re.compile(r'\s(?!xml:)[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*="[^"]*"')
_ROW_TAG = re.compile(r"<row\b[^>]*>")
_C_TAG = re.compile(r"<c\b[^>]*>")


def _drop_prefixed_attributes(data: str) -> str:
    """Remove ``x14ac:dyDescent`` and the like from rows and cells.

    Their prefixes are declared on the original ``<worksheet>`` element, not on
    the one openpyxl writes: left in, the part would not even be well-formed.
    They are rendering hints (row text descent) that Excel recomputes.
    """
    if not _PREFIXED_ATTR.search(data, 0, 200_000) and ":" not in data.replace("xml:space", ""):
        return data
    data = _ROW_TAG.sub(lambda m: _PREFIXED_ATTR.sub("", m.group(0)), data)
    if re.search(r"<c\b[^>]*\s(?!xml:)[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*=", data):
        data = _C_TAG.sub(lambda m: _PREFIXED_ATTR.sub("", m.group(0)), data)
    return data


def _inline(m: re.Match, sst: list[str]) -> str:
    idx = int(m.group(3))
    inner = sst[idx] if idx < len(sst) else ""
    return f'<c{m.group(1)} t="inlineStr"{m.group(2)}><is>{inner}</is></c>'
