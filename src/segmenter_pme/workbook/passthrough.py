"""Carry the user's untouched sheets through an openpyxl round trip byte for byte (cells).

openpyxl loads every cell as an object (slow on big invoice sheets) and
rewrites what it understands, dropping some cell-level details (value
metadata, phonetic runs, unknown attributes). For the sheets we do not write
into, we let openpyxl load a copy whose ``<sheetData>`` is empty — it still
sees and rewrites everything else of the sheet (columns, filters, tables,
validations, conditional formats, drawings) — and after it saved, we put the
original ``<sheetData>`` back. Shared strings are turned into inline strings,
because openpyxl rewrites the shared-string table; style indices stay valid
because openpyxl keeps the cell formats (``cellXfs``) in their original order.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from .fastsheet import sheet_part

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


def restore(saved: Path, original: Path, sheets: list[str]) -> None:
    """Put the original cells of ``sheets`` (from ``original``) back into ``saved``, in place."""
    if not sheets:
        return
    with zipfile.ZipFile(original) as zorig, zipfile.ZipFile(saved) as zsaved:
        sst = _shared_strings(zorig)
        has_meta = "xl/metadata.xml" in zsaved.namelist()
        replacements = {}
        for title in sheets:
            orig_xml = zorig.read(sheet_part(zorig, title)).decode("utf-8")
            data = _SHEETDATA.search(orig_xml).group(0)
            data = _SST_CELL.sub(lambda m: _inline(m, sst), data)
            if not has_meta:
                # openpyxl drops xl/metadata.xml: references to it would make Excel repair the file
                data = _META_ATTR.sub("", data)
            dim = _DIMENSION.search(orig_xml)
            part = sheet_part(zsaved, title)
            new_xml = zsaved.read(part).decode("utf-8")
            new_xml = _SHEETDATA.sub(lambda _m: data, new_xml, count=1)
            if dim is not None:
                new_xml = _DIMENSION.sub(lambda _m: dim.group(0), new_xml, count=1)
            replacements[part] = new_xml.encode("utf-8")
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=Path(saved).parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = replacements.get(item.filename)
                zout.writestr(item, data if data is not None else zin.read(item.filename),
                              compress_type=zipfile.ZIP_DEFLATED)
        shutil.copymode(saved, tmp)
        os.replace(tmp, saved)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _inline(m: re.Match, sst: list[str]) -> str:
    idx = int(m.group(3))
    inner = sst[idx] if idx < len(sst) else ""
    return f'<c{m.group(1)} t="inlineStr"{m.group(2)}><is>{inner}</is></c>'
