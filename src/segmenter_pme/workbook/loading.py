"""Opening a workbook: every sheet's cell values through python-calamine (a huge used range read
sparsely, :mod:`.extent`), the whole workbook through openpyxl when we write into it."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from . import extent, files


def read_values(path: Path, *, check_parts: bool = False) -> dict[str, list[list[Any]]]:
    """All sheets' values, from A1 (``rows[0]`` is Excel row 1, ``rows[r][0]`` column A).

    ``check_parts``: every part of the workbook is also checked as :func:`files.file_kind` checks it, the
    worksheets by the scan of their extent, which reads them whole anyway — not decompressed twice
    (100 000 clients: ``file_kind`` 0,19 s → 0,00 s, with this reading 2,15 s → 1,93 s of CPU, median of 5,
    same run).
    """
    try:
        from python_calamine import CalamineWorkbook

        scanned: set[str] = set()
        try:
            huge = huge_sheets(path, scanned)
        except Exception:
            if check_parts:
                files.check_workbook_parts(path)  # names the damaged part, as file_kind does
            raise
        if check_parts:
            files.check_workbook_parts(path, read=scanned)
        book = CalamineWorkbook.from_path(str(path))
        out = {}
        for name in book.sheet_names:
            if name in huge:
                # calamine would allocate the whole rectangle up to the last cell (512 GB for XFD1048576)
                out[name] = extent.read_sparse(path, huge[name])
                continue
            sheet = book.get_sheet_by_name(name)
            out[name] = sheet.to_python(skip_empty_area=False) if sheet.height else []
        return out
    except WorkbookError:
        raise
    except Exception as err:  # calamine raises its own types for every broken file
        raise WorkbookError(
            f"Le classeur « {Path(path).name} » est illisible (structure interne endommagée). Ouvrez-le dans Excel "
            "pour le réparer ou l'enregistrer à nouveau au format .xlsx, puis relancez."
        ) from None


def date1904(path: Path) -> bool:
    """Whether the workbook at ``path`` counts its serials from 01/01/1904 (False for what is no .xlsx zip)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return extent.is_date1904(zf)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def huge_sheets(path: Path, scanned: set[str] | None = None) -> dict[str, str]:
    """Sheets (title → zip part) too wide × tall for calamine's rectangle (:mod:`.extent`): those
    :func:`read_values` reads sparsely; ``scanned`` gets the parts read whole to measure them."""
    import zipfile

    from .fastsheet import sheet_part

    parts = {}
    with zipfile.ZipFile(path) as zf:
        names = re.findall(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', zf.read("xl/workbook.xml").decode("utf-8"))
        for raw in names:
            title = _xml_unescape(raw)
            try:
                parts[title] = sheet_part(zf, title)
            except (KeyError, AttributeError):
                continue
    return {title: parts[title] for title in extent.huge_sheets(path, parts, scanned)}


def _xml_unescape(s: str) -> str:
    import html

    return html.unescape(s)


def read_values_of(path: Path, sheet: str, nrows: int | None = None) -> list[list[Any]]:
    """The values of one sheet (its first ``nrows`` rows; ``[]`` when there is no such sheet), as :func:`read_values`."""
    if nrows:
        # the first rows only: openpyxl streams the sheet and stops there (calamine would load it whole)
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if sheet not in wb.sheetnames:
                return []
            return [list(r) for r in wb[sheet].iter_rows(max_row=nrows, values_only=True)]
        finally:
            wb.close()
    from python_calamine import CalamineWorkbook

    huge = huge_sheets(path)
    if sheet in huge:
        return extent.read_sparse(path, huge[sheet])
    book = CalamineWorkbook.from_path(str(path))
    if sheet not in book.sheet_names:
        return []
    ws = book.get_sheet_by_name(sheet)
    return ws.to_python(skip_empty_area=False) if ws.height else []


def load_openpyxl(path: Path, kind: str, *, keep_vba: bool | None = None, name: str | None = None):
    import openpyxl

    name = name or Path(path).name
    keep_vba = (kind == "xlsm") if keep_vba is None else keep_vba
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (slicers, x14 validations): measured and documented
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=_has_rich_text(path))
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError, EOFError) as err:
        raise WorkbookError(
            f"Le classeur « {name} » n'a pas pu être ouvert (une de ses parties est illisible). "
            "Ouvrez-le dans Excel et enregistrez-le à nouveau au format .xlsx, puis relancez."
        ) from None
    except Exception as err:  # lxml / xml errors of a damaged part
        raise WorkbookError(
            f"Le classeur « {name} » est endommagé (contenu XML illisible). Ouvrez-le dans Excel pour le "
            "réparer, puis relancez."
        ) from None


def _has_rich_text(path: Path) -> bool:
    """Whether some shared string has formatting runs (parsing them all is slow, so only then)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
            if name is None:
                return False
            with zf.open(name) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    window = tail + chunk
                    if b"<r>" in window or b"<r " in window:
                        return True
                    tail = window[-3:]
    except (zipfile.BadZipFile, OSError):
        return False
    return False
