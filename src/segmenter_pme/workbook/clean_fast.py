"""The cleaned copy of a big client sheet, streamed into the saved file (``FAST_ROWS`` in
:mod:`.audit_files`): only when its rows carry nothing of their own, else the openpyxl path."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from ..audit import formulas
from ..audit.clean import CleanResult
from ..errors import WorkbookError
from ..layout.cells import set_value
from . import files
from .archives import archive_rows, archives_sheet
from .audit_copy import ARCHIVES, reduced_copy
from .audit_load import LoadedBase
from .clean_sheet import FORMULA_TAG, kept_rows, resize_table


def fast_possible(base: LoadedBase) -> bool:
    """Streaming rewrites every row under the header: only when nothing else lives there."""
    from .passthrough import KEEP_ROWS

    data = base.data
    return (base.kind != "csv" and ARCHIVES not in base.sheets and data.header_row + 1 <= KEEP_ROWS
            and data.total_row is None and data.last_used_row <= data.last_data_row
            and not _has_formulas(base.path, data.sheet)
            and rows_look_alike(base.path, data.sheet, data.header_row))


_CELL_TAG = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>')


_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')


_ROW_TAG = re.compile(rb'<row r="(\d+)"([^>]*)>')


_ROW_LOOK = re.compile(rb'\b(?:ht|hidden|customFormat)="')


def rows_look_alike(path: Path, sheet: str, header_row: int) -> bool:
    """Whether the data rows carry nothing of their own: no note, hyperlink, row height, nor a cell
    styled unlike the rest of its column. Only then may the streamed path write every row with the
    first row's look; otherwise the openpyxl path moves each row with what it carries."""
    import zipfile

    from . import fastsheet

    try:
        with zipfile.ZipFile(path) as zf:
            part = fastsheet.sheet_part(zf, sheet)
            rels = part.rsplit("/", 1)[0] + "/_rels/" + part.rsplit("/", 1)[1] + ".rels"
            if rels in zf.namelist() and re.search(rb"/comments|/hyperlink", zf.read(rels)):
                return False
            styles: dict[bytes, bytes] = {}
            with zf.open(part) as fh:
                tail = b""
                while chunk := fh.read(1 << 22):
                    block = tail + chunk
                    # a tag may straddle two chunks: from the last one on, it is read with the next chunk
                    cut = max(block.rfind(b"<c "), block.rfind(b"<row"))
                    cut = len(block) if cut < 0 else cut
                    body, tail = block[:cut], block[cut:]
                    if b"<hyperlink" in body:
                        return False
                    for row, attrs in _ROW_TAG.findall(body):
                        if int(row) > header_row and _ROW_LOOK.search(attrs):
                            return False
                    for letter, row, attrs in _CELL_TAG.findall(body):
                        if int(row) <= header_row:
                            continue
                        m = _STYLE_ATTR.search(attrs)
                        style = m.group(1) if m else b""
                        if styles.setdefault(letter, style) != style:
                            return False
                if b"<hyperlink" in tail:
                    return False
    except Exception:
        return False  # when in doubt, the openpyxl path keeps everything
    return True


def _has_formulas(path: Path, sheet: str) -> bool:
    """Whether the sheet's XML holds a formula (the streamed rows are values only: formulas take the openpyxl path)."""
    import zipfile

    from . import fastsheet

    try:
        with zipfile.ZipFile(path) as zf:
            with zf.open(fastsheet.sheet_part(zf, sheet)) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    block = tail + chunk
                    if FORMULA_TAG.search(block):
                        return True
                    tail = block[-8:]
    except Exception:
        return True  # when in doubt, the openpyxl path keeps everything
    return False


def clean_streamed(base: LoadedBase, result: CleanResult, target: Path) -> Path | None:
    """The same cleaned copy as the openpyxl path, with the big sheets streamed by the workbook engine."""
    from . import fastsheet, passthrough
    from .reader import load_openpyxl

    data = base.data
    keep_vba = base.kind == "xlsm" and target.suffix.lower() == ".xlsm"
    untouched = [n for n in base.sheets if n not in (ARCHIVES, "Qualité")]
    reduced, emptied = reduced_copy(base, untouched, target)
    try:
        wb = load_openpyxl(reduced, base.kind, keep_vba=keep_vba, name=base.path.name)
    finally:
        reduced.unlink()
    if data.sheet not in emptied:
        raise WorkbookError(f"La feuille « {data.sheet} » n'a pas pu être lue pour le nettoyage rapide.")
    ws = wb[data.sheet]
    first = data.header_row + 1
    rows, text_cols, date_cols = kept_rows(base, result)
    # the first data row is the styled sample each column's cells copy
    for col in text_cols:
        ws.cell(first, col).number_format = "@"
    for col in date_cols:
        ws.cell(first, col).number_format = "dd/mm/yyyy"
    width = len(rows[0]) if rows else 1
    clients = pd.DataFrame(rows, columns=range(width), dtype=object)
    inject = {data.sheet: fastsheet.injector(clients, first_row=first)}
    resize_table(ws, data, len(rows))
    if not result.archives.empty:
        headers, arch_rows = archive_rows(base, result)
        aws, _ = archives_sheet(wb, headers)
        sample = arch_rows[0]
        for j, v in enumerate(sample, start=1):
            c = set_value(aws.cell(2, j), str(v) if isinstance(v, formulas.FormulaText) else v)
            if isinstance(v, dt.datetime):
                c.number_format = "dd/mm/yyyy"
        inject[ARCHIVES] = fastsheet.injector(pd.DataFrame(arch_rows, dtype=object), first_row=2)
    inject.update(passthrough.injectors(base.path, [n for n in emptied if n != data.sheet]))

    from . import saving

    return files.atomic_write(target, lambda tmp: saving.save_workbook(wb, tmp, inject), backup=True,
                              verify=files.verify_xlsx)
