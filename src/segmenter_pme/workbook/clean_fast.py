"""The cleaned copy of a big client sheet, streamed into the saved file (``FAST_ROWS`` in
:mod:`.audit_files`): only when its rows carry nothing of their own, else the openpyxl path."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..audit.clean import CleanResult
from ..errors import WorkbookError
from ..layout.cells import set_value
from . import files
from .archives import archive_rows, archives_sheet, format_archived, size_archives, user_widths
from .audit_copy import ARCHIVES, reduced_copy
from .audit_load import LoadedBase
from .clean_sheet import FORMULA_NAME, format_kept, kept_frame, resize_table


@dataclass
class SheetScan:
    """What the streamed copy needs to know of the client sheet's data rows, read from its XML."""

    #: Excel column → style index of its data cells (the same on every row; a column without any: absent)
    styles: dict[int, int | None]
    #: (Excel row, column) of the empty cells kept for their look (``<c r="E7" s="2"/>``)
    empty: set[tuple[int, int]] = field(default_factory=set)
    #: the sheet's part with only its top rows, for the reduced copy (``passthrough.PartCut``), cut in the
    #: same pass: not decompressed again (None: the reduced copy cuts it itself)
    cut: str | None = field(default=None, compare=False, repr=False)


def scan_sheet(base: LoadedBase) -> SheetScan | None:
    """The client sheet's data rows as the streamed path writes them, or None when they carry what only
    the openpyxl path moves: rows under the data, formulas, cells outside the table's columns, notes,
    links, row heights, a cell styled unlike the rest of its column."""
    from .passthrough import KEEP_ROWS

    data = base.data
    if not (base.kind != "csv" and ARCHIVES not in base.sheets and data.header_row + 1 <= KEEP_ROWS
            and data.total_row is None and data.last_used_row <= data.last_data_row):
        return None
    allowed = set(data.columns.values()) | set(data.output_columns.values())
    return scan_part(base.path, data.sheet, data.header_row, allowed)


#: every tag but a closing one, a value's (``<is>``, ``<t>``, ``<v>``) and a comment's, read in a piece whose digits are
#: taken out (``bytes.translate``): without their row numbers the tags of 100 000 rows come down to a few
#: dozen distinct ones, gathered as whole matches — not a tuple of groups per cell
_TAGS = re.compile(rb'<(?:[^/ivt!?]|[ivt]\w*:f\b)[^>]*>(?:</)?')
_DIGITS = b"0123456789"
#: a tag read by the scan: (name, the letters of its reference when it comes first, as Excel, LibreOffice and
#: openpyxl write it, the rest of the tag, with ``</`` when the element closes at once); another name: None.
#: A cell whose reference is not first has no letters here: the openpyxl path takes it.
_TAG = re.compile(rb'<(c|row|' + FORMULA_NAME + rb'|hyperlink)\b(?:\sr="([A-Z]*)")?([^>]*>(?:</)?)')
#: the style of the cells whose tag starts so (``<c r="E7" s="2"``), read in the piece as it is
_STYLED = re.compile(rb'<c r="([A-Z]+)\d*" s="(\d*)"')
#: a shape of such a cell, digits taken out
_STYLED_SHAPE = re.compile(rb'<c r="[A-Z]+" s=""')
#: the same tags with their digits, for a piece whose styled cells have their style elsewhere in the tag
_TAG_DIGITS = re.compile(rb'<(c|row|' + FORMULA_NAME + rb'|hyperlink)\b(?:\sr="([A-Z]*)\d+")?([^>]*>(?:</)?)')


_STYLE = re.compile(rb'\ss="(\d+)"')


_LOOK = re.compile(rb'\b(?:ht|hidden|customFormat)="')


#: a cell kept for its look alone (style, no value), wherever its attributes stand
_EMPTY_CELL = re.compile(rb'<c\b([^>]*?)\sr="([A-Z]+)(\d+)"([^>]*?)(?:/>|></c>)')


_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


_FIRST_ROWS = re.compile(rb'<row\b[^>]*>')


def _pieces(fh, size: int = 1 << 22):
    """The sheet's XML by pieces of about ``size`` bytes, each cut before a tag (a tag straddling two
    reads is read whole with the next piece)."""
    tail = b""
    while chunk := fh.read(size):
        block = tail + chunk
        cut = max(block.rfind(b"<c "), block.rfind(b"<row"))
        cut = len(block) if cut < 0 else cut
        yield block[:cut]
        tail = block[cut:]
    yield tail


def scan_part(path: Path, sheet: str, header_row: int, allowed: set[int], piece: int = 1 << 22) -> SheetScan | None:
    """:func:`scan_sheet` of the data rows (below ``header_row``) of sheet ``sheet`` of ``path``, whose columns
    ``allowed`` may hold cells; one pass over its XML read ``piece`` bytes at a time (C-level regular
    expressions: 100 000 rows in under a second), which also cuts the part for the reduced copy
    (:attr:`SheetScan.cut`)."""
    import zipfile

    from openpyxl.utils import column_index_from_string

    from . import fastsheet, saving
    from .passthrough import KEEP_ROWS, PartCut

    seen: set[tuple[bytes, bytes | None]] = set()
    empty: set[tuple[int, bytes]] = set()
    cutter = PartCut(KEEP_ROWS)
    try:
        with zipfile.ZipFile(path) as zf:
            part = fastsheet.sheet_part(zf, sheet)
            rels = part.rsplit("/", 1)[0] + "/_rels/" + part.rsplit("/", 1)[1] + ".rels"
            if rels in zf.namelist() and re.search(rb"/comments|/hyperlink", zf.read(rels)):
                return None
            with zf.open(part) as fh:
                if b"<worksheet" not in fh.read(2000):  # only unprefixed SpreadsheetML: tags matched without one
                    return None
            with zf.open(part) as fh:
                saving.fast_inflate(fh)
                started = False
                for body in _pieces(fh, piece):
                    cutter.feed(body)
                    if not started:  # the title and header rows are not data
                        for m in _FIRST_ROWS.finditer(body):
                            number = _ROW_NUMBER.search(m.group(0))
                            if number is None:
                                return None
                            if int(number.group(1)) > header_row:
                                body, started = body[m.start():], True
                                break
                        else:
                            continue
                    if not _scan_piece(body, seen, empty):
                        return None
    except Exception:
        return None  # when in doubt, the openpyxl path keeps everything
    styles: dict[int, int | None] = {}
    for letter, style in seen:
        col = column_index_from_string(letter.decode())
        value = int(style) if style else None
        if styles.setdefault(col, value) != value or col not in allowed:
            return None
    return SheetScan(styles, {(r, column_index_from_string(letter.decode())) for r, letter in empty},
                     cut=cutter.result())


def _scan_piece(body: bytes, seen: set, empty: set) -> bool:
    """Add the (letters, style) of the cells of ``body`` to ``seen`` and its empty styled cells to ``empty``;
    False when it holds what only the openpyxl path moves.

    Each distinct tag is read without its digits; the styles then come from the cells that have one, read
    with their digits (only those). 100 000 clients: scan_sheet 1,28 s → 1,03 s of CPU (cut included),
    median of 3, same run (``bench_audit_cli.py --only nettoyer --steps``), against one pass of a pattern
    with three groups over every tag.
    """
    styled = by_tag = styled_empty = False
    for shape in set(_TAGS.findall(body.translate(None, _DIGITS))):
        tag = _TAG.match(shape)
        if tag is None:  # another element (the sheet's settings after its rows)
            continue
        name, letters, rest = tag.groups()
        if name == b"row":
            if _LOOK.search(rest):  # a row's own height, hidden, or look
                return False
            continue
        if name != b"c" or not letters:  # a formula, a link, a cell without its reference first
            return False
        if b's="' not in rest:
            seen.add((letters, None))
            continue
        styled = True
        by_tag |= _STYLED_SHAPE.match(shape) is None  # its style not right after its reference
        styled_empty |= rest.endswith((b"/>", b"></"))
    if by_tag:  # each tag with its digits, as one pass did before
        for name, letters, rest in set(_TAG_DIGITS.findall(body)):
            if name == b"c" and letters:
                style = _STYLE.search(rest)
                seen.add((letters, style.group(1) if style else None))
    elif styled:
        seen.update((letters, style or None) for letters, style in set(_STYLED.findall(body)))
    if styled_empty:  # which cells, then
        empty.update((int(row), letter) for before, letter, row, after in _EMPTY_CELL.findall(body)
                     if _STYLE.search(before + after))
    return True


def clean_streamed(base: LoadedBase, result: CleanResult, target: Path, scan: SheetScan) -> Path | None:
    """The same cleaned copy as the openpyxl path, with the big sheets streamed by the workbook engine.

    A cell's look is its column's (``scan``), changed as the openpyxl path changes it for the kind of
    value written (:func:`_kind_styles`).
    """
    from . import fastsheet, passthrough, saving
    from .loading import load_openpyxl

    data = base.data
    keep_vba = base.kind == "xlsm" and target.suffix.lower() == ".xlsm"
    untouched = [n for n in base.sheets if n not in (ARCHIVES, "Qualité")]
    reduced, emptied = reduced_copy(base, untouched, target, cuts={data.sheet: scan.cut} if scan.cut else None)
    try:
        wb = load_openpyxl(reduced, base.kind, keep_vba=keep_vba, name=base.path.name)
    finally:
        reduced.unlink()
    if data.sheet not in emptied:
        raise WorkbookError(f"La feuille « {data.sheet} » n'a pas pu être lue pour le nettoyage rapide.")
    ws = wb[data.sheet]
    first = data.header_row + 1
    cells, text_cols, date_cols = kept_frame(base, result)
    out_cols = set(data.output_columns.values())
    row_at = {r: i for i, r in enumerate(cells.index)}
    empty_rows: dict[int, list[int]] = {}
    for r, col in scan.empty:
        if r in row_at:
            empty_rows.setdefault(col, []).append(row_at[r])
    for col, at in empty_rows.items():  # an empty cell kept for its look stays, as openpyxl moves it
        if col in cells.columns:
            values = cells[col].to_numpy(dtype=object, copy=True)
            values[[i for i in at if values[i] is None]] = fastsheet.EMPTY
            cells[col] = values
    styles = []
    for col in cells.columns:
        if col in out_cols:  # our columns are emptied (the next run recomputes them): their cells keep their look
            cells[col] = fastsheet.EMPTY if scan.styles.get(col) is not None else None

        def write(cell, value, col=col):
            set_value(cell, value)
            format_kept(cell, value, col, text_cols, date_cols)

        styles.append(_kind_styles(ws, col, scan.styles.get(col), write))
    date1904 = fastsheet.is_date1904(wb)  # the cells' dates in the workbook's date system
    inject = {data.sheet: fastsheet.injector(cells, first_row=first, styles=styles, date1904=date1904)}
    resize_table(ws, data, len(cells))
    if not result.archives.empty:
        headers, arch_rows = archive_rows(base, result)
        aws, _ = archives_sheet(wb, headers)
        size_archives(aws, headers, arch_rows, user_widths(ws, base, headers))
        user_start = len(headers) - len(data.columns)  # the user's columns follow our bookkeeping ones
        source_of = {user_start + k: col for k, col in enumerate(data.columns.values())}
        origins = result.archives["ligne_origine"].tolist()
        # a row still in the sheet (a principal before its merge) has no cells of its own to take along
        kept = np.flatnonzero(pd.Series(origins).isin(result.clients.index).to_numpy())
        by_column = [np.array(c, dtype=object) for c in zip(*arch_rows)] if arch_rows else []
        arch_styles = []
        for j, values in enumerate(by_column):
            if j in source_of:
                col = source_of[j]
                values[kept] = [fastsheet.Own(v) for v in values[kept]]
                for i, r in enumerate(origins) if scan.empty else ():
                    if values[i] is None and (r, col) in scan.empty:
                        values[i] = fastsheet.EMPTY
            arch_styles.append(_archive_styles(aws, ws, j + 1, scan.styles.get(source_of.get(j, 0))))
        frame = pd.DataFrame(dict(enumerate(by_column)), dtype=object)
        inject[ARCHIVES] = fastsheet.injector(frame, first_row=2, styles=arch_styles, date1904=date1904)
    inject.update(passthrough.injectors(base.path, [n for n in emptied if n != data.sheet]))
    return files.atomic_write(target, lambda tmp: saving.save_workbook(wb, tmp, inject), backup=True,
                              verify=files.verify_xlsx)


#: a value of each kind (:data:`fastsheet.KINDS`) to learn what the openpyxl path makes of a cell's look
_SAMPLES = {"text": "x", "quoted": "=x", "number": 1.5, "bool": True, "datetime": dt.datetime(2000, 1, 1, 1),
            "date": dt.date(2000, 1, 1), "other": "x"}


def _scratch(ws, col: int, style: int | None):
    """A cell of ``ws`` (not put in it) with the look of style index ``style`` of the workbook."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    cell = Cell(ws, row=1, column=col)
    if style is not None:
        cell._style = copy(ws.parent._cell_styles[style])
    return cell


def _style_id(cell) -> str:
    return str(cell.style_id) if cell.has_style else ""


def _kind_styles(ws, col: int, style: int | None, write) -> dict[str, str]:
    """The style index of a cell of column ``col`` (look ``style``) by the kind of value ``write`` puts in it."""
    out = {"empty": _style_id(_scratch(ws, col, style))}
    for kind, sample in _SAMPLES.items():
        cell = _scratch(ws, col, style)
        write(cell, sample)
        out[kind] = _style_id(cell)
    return out


def _archive_styles(aws, ws, col: int, source: int | None) -> dict[str, str]:
    """« Archives » column ``col``: the look of the original cells (``source``) when they have one, as
    :func:`archives.append_archives` gives it, else what writing each kind of value makes of it."""
    def write(cell, value):
        set_value(cell, value)
        format_archived(cell, value)

    own = _kind_styles(aws, col, None, write)
    original = _scratch(ws, col, source)
    looks = own if not original.has_style else {"": _style_id(original)}
    return looks | {"own " + kind: style for kind, style in own.items()}
