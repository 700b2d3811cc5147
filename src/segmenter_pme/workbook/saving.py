"""openpyxl's save, with some sheets' cells supplied by us as XML while the archive is written.

Two uses: the user's untouched sheets get their original cells back
(:mod:`.passthrough`), and big data sheets made from a CSV are streamed
(:mod:`.fastsheet`). Doing it inside the save, rather than rewriting the
saved archive, compresses every part once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zipfile
from concurrent import futures
from pathlib import Path
from typing import Callable, Iterable

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from ..worker import worker

#: receives the sheet XML openpyxl wrote and yields the XML to store instead (text, or UTF-8 bytes / buffers)
Injector = Callable[[str], Iterable[str | bytes | memoryview]]

try:  # ISA-L's deflate (python-isal): the same format as zlib's, 3-5× faster at the same size
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - optional: zlib writes the same archive, slower
    _isal = None
#: what a damaged deflate stream raises, besides zlib.error, when ISA-L reads it
INFLATE_ERRORS: tuple[type[Exception], ...] = (_isal.error,) if _isal is not None else ()
if _isal is not None:
    # zipfile checks every part it writes and reads back with CRC-32 (its module's ``crc32``): ISA-L's is the
    # same checksum, 5× faster — a 1 M-line CSV run sends 1,26 GB through it, 0,39 → 0,07 s of CPU
    zipfile.crc32 = _isal.crc32

_SHEETDATA = re.compile(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
COMPRESSLEVEL = 1  # 3× faster than zlib's default for ~15 % larger files; worth it on big workbooks


def split_sheetdata(xml: str) -> tuple[str, str, str]:
    """(before, sheetData element, after) of a worksheet's XML."""
    m = _SHEETDATA.search(xml)
    if m is None:
        raise ValueError("sheetData absent")
    return xml[: m.start()], m.group(0), xml[m.end():]


class _Writer(ExcelWriter):
    def __init__(self, workbook, archive, inject: dict[str, Injector]):
        super().__init__(workbook, archive)
        self._inject = inject

    def write_worksheet(self, ws):
        injector = self._inject.get(ws.title)
        if injector is None or self.workbook.write_only:
            return super().write_worksheet(ws)
        # same steps as ExcelWriter.write_worksheet, with the XML passed through the injector
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws)
        writer.write()
        ws._rels = writer._rels
        with open(writer.out, encoding="utf-8") as fh:
            xml = fh.read()
        with self._archive.open(ws.path[1:], "w", force_zip64=True) as out:
            fast_deflate(out)
            write_behind(out, (chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in injector(xml)))
        self.manifest.append(ws)
        writer.cleanup()


def write_behind(out, chunks: Iterable[bytes | memoryview]) -> None:
    """``out.write`` each chunk, the compression of one overlapping the making of the next.

    Deflate, CRC and Arrow's kernels let go of the GIL: on two cores a 1 M-line CSV run takes
    8.05 s instead of 9.15 s written in turn (``bench_workbook.py --only csv --base main --rounds 3``,
    quiet machine, medians). The writes go to the package's one background thread
    (:func:`~segmenter_pme.worker.worker`), in order; where no thread can start (Pyodide) each runs
    at once, in turn.
    """
    pending = None
    try:
        for chunk in chunks:
            if pending is not None:
                pending.result()  # at most one chunk waits: memory stays that of two chunks
            pending = worker().submit(out.write, chunk)
    except BaseException:
        if pending is not None:
            futures.wait([pending])  # the caller closes the entry: no write may still be under way
        raise
    if pending is not None:
        pending.result()


def fast_deflate(entry) -> None:
    """Compress a zip entry just opened for writing with ISA-L rather than zlib (when installed).

    The big sheets are most of a big workbook's bytes: on the 1 M-line run's « Factures »
    (339 MB of XML) zlib level 1 takes 6.3 s, ISA-L's default level 1.2 s for a smaller file.
    """
    if _isal is not None and entry._zinfo.compress_type == zipfile.ZIP_DEFLATED:
        entry._compressor = _isal.compressobj(_isal.ISAL_DEFAULT_COMPRESSION, _isal.DEFLATED, -15)


def fast_inflate(entry) -> None:
    """Decompress a zip entry just opened for reading with ISA-L rather than zlib (when installed)."""
    if _isal is not None and entry._compress_type == zipfile.ZIP_DEFLATED:
        entry._decompressor = _isal.decompressobj(-15)


def save_workbook(wb, filename: Path | str, inject: dict[str, Injector] | None = None) -> None:
    archive = zipfile.ZipFile(filename, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSLEVEL)
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
    try:
        _Writer(wb, archive, inject or {}).save()
    except BaseException:
        # a full disk: the file is let go of before the caller deletes it (Windows refuses to delete an
        # open file), and its end record, which cannot be written either, is not tried again at exit
        with contextlib.suppress(Exception):
            archive.close()
        raise
