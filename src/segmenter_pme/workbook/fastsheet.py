"""Stream a big data sheet into a workbook saved by openpyxl.

openpyxl keeps every cell as an object: a million invoice lines would take
minutes and gigabytes. So openpyxl writes the sheet with its header and one
styled sample row (that puts the styles, frozen pane, widths and filter in the
file), and we then replace that sheet's rows by streamed XML. Strings are
written inline (``t="inlineStr"``) so the shared-string table openpyxl wrote
stays valid; each cell reuses the style index of the sample cell of its column.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from itertools import repeat
from typing import NamedTuple
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter

from ..layout.cells import cut_to_cell, needs_quote, needs_quote_mask
from ..parsing import NS_PER_DAY, PY_SPACES, as_nanoseconds, days_between, epoch_days_serial
from . import long_cells
from .saving import split_sheetdata

_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ILLEGAL_RE2 = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}]"
_ESCAPED_RE2 = r"[&<>\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}]"
# Python's ``\s`` on text, for RE2: a value starting or ending with one needs xml:space="preserve"
_SPACE = f"[{PY_SPACES}]"


def sheet_part(zf: zipfile.ZipFile, title: str) -> str:
    """Zip path of the worksheet called ``title``."""
    wb_xml = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", wb_xml):
        tag = m.group(0)
        name = re.search(r'name="([^"]*)"', tag).group(1)
        if _unescape(name) == title:
            rid = re.search(r'r:id="([^"]*)"|\bid="([^"]*)"', tag)
            rid = rid.group(1) or rid.group(2)
            for rel in re.finditer(r"<Relationship\b[^>]*>", rels):
                if f'Id="{rid}"' in rel.group(0):
                    target = re.search(r'Target="([^"]*)"', rel.group(0)).group(1)
                    return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(title)


def _unescape(s: str) -> str:
    return s.replace("&apos;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def is_date1904(wb) -> bool:
    """Whether an openpyxl workbook counts its dates from 01/01/1904 (a workbook made on an old Mac)."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    return wb.epoch == CALENDAR_MAC_1904


def _serial(v: dt.date, date1904: bool = False) -> float:
    if not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day)
    if v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    return float(epoch_days_serial((v - dt.datetime(1899, 12, 30)).total_seconds() / 86400, date1904))


def _serials(stamps: np.ndarray, date1904: bool = False) -> np.ndarray:
    """Excel's serial numbers of datetime64[ns] values: whole days since 30/12/1899, counted in days
    (a difference in nanoseconds overflows past 2191 and numpy wraps it round), the time as a fraction;
    before 01/03/1900 one less (:func:`parsing.epoch_days_serial`, Excel's 29/02/1900), or in the
    workbook's 1904 date system (``date1904``)."""
    return epoch_days_serial(days_between(stamps, _EXCEL_EPOCH) + (stamps.view("int64") % NS_PER_DAY) / NS_PER_DAY,
                             date1904)


def _bodies(values: pd.Series, s_attr: str, q_attr: str | None = None, date1904: bool = False) -> pa.Array:
    """What follows ``<c r="A2"`` in each row's cell, built column-wise by Arrow (null: no cell); ``q_attr``:
    the style of a text that needs Excel's quote mark (:func:`layout.cells.needs_quote`), when it differs."""
    return _join(*_body_parts(values, s_attr, q_attr, date1904))


def _body_parts(values: pd.Series, s_attr: str, q_attr: str | None = None, date1904: bool = False
                ) -> list[str | pa.Array]:
    """:func:`_bodies` as the pieces to join (texts and Arrow arrays; a null in an array: no cell), so that
    :func:`rows_xml` joins a whole row at once."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        # a category's XML is built once, then repeated (Segment RFM, Région… on every row)
        codes = values.cat.codes.to_numpy()
        return [_bodies(pd.Series(values.cat.categories), s_attr, q_attr, date1904).take(pa.array(codes, mask=codes < 0))]
    if pd.api.types.is_datetime64_any_dtype(values):
        mask = values.notna().to_numpy()
        serial = _serials(values.to_numpy(dtype="datetime64[ns]")[mask], date1904)
        return [f"{s_attr}><v>", _spread(_numbers(serial), mask), "</v></c>"]
    if pd.api.types.is_bool_dtype(values):
        mask = values.notna().to_numpy()
        truth = pa.array(values.to_numpy(dtype=object)[mask].astype(bool))
        return [f'{s_attr} t="b"><v>', _spread(pc.if_else(truth, _text("1"), _text("0")), mask), "</v></c>"]
    if pd.api.types.is_numeric_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        mask = ~np.isnan(arr)
        return [f"{s_attr}><v>", _spread(_numbers(arr[mask]), mask), "</v></c>"]
    if _all_text(values) if values.dtype == object else pd.api.types.is_string_dtype(values):
        t = pa.array(values.astype("str") if values.dtype == object else values, from_pandas=True)
        return _text_parts(pc.cast(t.combine_chunks() if isinstance(t, pa.ChunkedArray) else t, pa.large_string()),
                           s_attr, q_attr)
    body = _mixed(values, s_attr, q_attr, date1904)
    return [pa.array(body, type=pa.large_string(), mask=body == "")]


def _text_bodies(t: pa.Array, s_attr: str, q_attr: str | None = None) -> pa.Array:
    """:func:`_bodies` of text (an empty text: no cell); a text that needs Excel's quote mark takes the style
    ``q_attr`` when given, as :func:`layout.cells.set_value` marks it on the openpyxl path."""
    return _join(*_text_parts(t, s_attr, q_attr))


# bytes that may start or end a text Python's ``\s`` sees a space at: the ASCII ones, and any byte of a
# non-ASCII character (the other spaces are all beyond ASCII)
_EDGE_BYTES = np.zeros(256, dtype=bool)
_EDGE_BYTES[[ord(c) for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "]] = True
_EDGE_BYTES[0x80:] = True


def _text_parts(t: pa.Array, s_attr: str, q_attr: str | None = None) -> list[str | pa.Array]:
    """:func:`_text_bodies` as the pieces to join.

    The tests that find the rare texts (something to escape, a space at either end) read Arrow's bytes with
    numpy first; RE2 runs only when a byte says it may match: the rows of a 1 M-line CSV run's « Clients »
    and « Factures », 0,83 → 0,68 s and 0,97 → 0,61 s of CPU (medians of 3, same run)."""
    t = long_cells.cut_array(t)[0]  # what openpyxl does too: a longer cell is a damaged file for Excel
    offsets, data = _text_buffers(t)
    if t.null_count or not np.diff(offsets).all():
        t = pc.if_else(pc.equal(t, ""), pa.scalar(None, pa.large_string()), t)
    # most columns have nothing to escape: with the integers-only case of _numbers, the rows of a
    # 1 M-line run's two sheets take 17-21 % less CPU (2.24 → 1.87 s and 1.78 → 1.40 s, one run)
    escape_them = bool(_may_escape(data)) and pc.any(pc.match_substring_regex(t, _ESCAPED_RE2)).as_py()
    if escape_them:
        t = pc.replace_substring_regex(t, _ILLEGAL_RE2, "")
    attr: str | pa.Array = s_attr
    if q_attr is not None and q_attr != s_attr:
        quote = needs_quote_mask(t)  # the text as the cell holds it
        if quote.any():
            attr = pc.if_else(pa.array(quote), _text(q_attr), _text(s_attr))
    if escape_them:
        for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            t = pc.replace_substring(t, char, entity)
        offsets, data = _text_buffers(t)
    spaced = _spaced_at_an_end(t, offsets, data)
    open_t = "<t>" if spaced is None else pc.if_else(pa.array(spaced), _text('<t xml:space="preserve">'), _text("<t>"))
    return [attr, ' t="inlineStr"><is>', open_t, t, "</t></is></c>"]


def _text_buffers(t: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of each text, the bytes they point into) of a large_string array, read in place."""
    offsets = np.frombuffer(t.buffers()[1], dtype=np.int64)[t.offset:t.offset + len(t) + 1] if len(t) else \
        np.zeros(1, dtype=np.int64)
    data = t.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data[offsets[0]:offsets[-1]]


def _may_escape(data: np.ndarray) -> bool:
    """Whether these UTF-8 bytes hold « & < > » or a control character (the tab and line breaks included):
    where the exact test of ``_ESCAPED_RE2`` must run."""
    return bool(len(data)) and bool((data < 0x20).any() or (data == 0x26).any() or (data == 0x3C).any()
                                    or (data == 0x3E).any())


def _spaced_at_an_end(t: pa.Array, offsets: np.ndarray, data: np.ndarray) -> np.ndarray | None:
    """Which texts start or end with a space as Python's ``\\s`` sees it (they need xml:space="preserve"),
    or None when none does. The first and last byte of each text first; the regular expression on the
    texts one of them leaves in doubt only."""
    start, end = offsets[:-1] - offsets[0], offsets[1:] - offsets[0]
    filled = np.flatnonzero(end > start)
    if not len(filled):
        return None
    maybe = filled[_EDGE_BYTES[data[start[filled]]] | _EDGE_BYTES[data[end[filled] - 1]]]
    if t.null_count and len(maybe):  # a null's bytes are no text
        maybe = maybe[t.is_valid().to_numpy(zero_copy_only=False)[maybe]]
    if not len(maybe):
        return None
    found = pc.match_substring_regex(t.take(pa.array(maybe)), f"^{_SPACE}|{_SPACE}$").to_numpy(zero_copy_only=False)
    if not found.any():
        return None
    spaced = np.zeros(len(t), dtype=bool)
    spaced[maybe[found]] = True
    return spaced


def _text(s: str) -> pa.Scalar:
    return pa.scalar(s, pa.large_string())


def _join(*parts) -> pa.Array:
    """Element-wise concatenation (a null part gives a null: no cell); neighbouring texts are joined first
    (each scalar costs Arrow's kernel about what an array does)."""
    merged: list = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    return pc.binary_join_element_wise(*(_text(p) if isinstance(p, str) else p for p in merged), _text(""))


def _spread(present: pa.Array, mask: np.ndarray) -> pa.Array:
    """``present`` (one value per True of ``mask``) at its rows, nulls elsewhere."""
    if mask.all():
        return present
    index = np.cumsum(mask) - 1
    return present.take(pa.array(np.maximum(index, 0), mask=~mask))


def _all_text(values: pd.Series) -> bool:
    # text and missing values only (« Code RFM »): the text path, not the cell-by-cell one
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _numbers(arr: np.ndarray) -> pa.Array:
    """Shortest exact text of each number (integers without ``.0``), as Python's ``repr``, vectorised."""
    arr = np.asarray(arr, dtype="float64")
    whole = (arr == np.floor(arr)) & (np.abs(arr) < 1e15)
    if whole.all():  # counts, days, dates without a time: no float to write
        out = pc.cast(pa.array(arr.astype(np.int64)), pa.large_string())
    else:
        out = pc.if_else(pa.array(whole),
                         pc.cast(pa.array(np.where(whole, arr, 0).astype(np.int64)), pa.large_string()),
                         pc.cast(pa.array(np.where(whole, 0.5, arr)), pa.large_string()))
    # Arrow's shortest text is Python's repr from 1e-4 to 1e10 (no exponent); beyond, repr it is
    other = ~whole & ~((np.abs(arr) >= 1e-4) & (np.abs(arr) < 1e10))
    if other.any():
        text = out.to_numpy(zero_copy_only=False).astype(object)
        text[other] = [repr(float(x)) for x in arr[other]]
        out = pa.array(text, type=pa.large_string())
    return out


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _mixed(values: pd.Series, s_attr: str, q_attr: str | None = None, date1904: bool = False) -> np.ndarray:
    """Cell by cell, for columns mixing dates, numbers and text (dirty user data)."""
    vals = values.to_numpy(dtype=object)
    out = np.full(len(vals), "", dtype=object)
    for i, v in enumerate(vals):
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, (dt.datetime, dt.date)):  # a mixed column keeps real dates as dates
            out[i] = f"{s_attr}><v>{_num_text(_serial(v, date1904))}</v></c>"
        elif isinstance(v, (bool, np.bool_)):
            out[i] = f'{s_attr} t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out[i] = f"{s_attr}><v>{_num_text(float(v))}</v></c>"
        else:
            text = _ILLEGAL.sub("", cut_to_cell(str(v)))
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            attr = q_attr if q_attr is not None and needs_quote(text) else s_attr
            out[i] = f'{attr} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    return out


class Quoted(NamedTuple):
    """A column's style index (``base``) and that of its texts Excel must keep as text (``quoted``: the same
    look with Excel's quote mark, :func:`layout.cells.needs_quote`)."""

    base: str
    quoted: str


def sample_styles(ws, row: int, columns: int) -> list[Quoted]:
    """The :class:`Quoted` styles of each of the first ``columns`` columns, from the look of its cell on
    ``row`` of ``ws`` (the styled sample row openpyxl writes), whatever quote mark that cell has itself."""
    from copy import copy

    from openpyxl.cell.cell import Cell

    out = []
    for col in range(1, columns + 1):
        sample = ws._cells.get((row, col))
        ids = []
        for quote in (False, True):
            cell = Cell(ws, row=row, column=col)
            if sample is not None:
                cell._style = copy(sample._style)
            cell.quotePrefix = quote
            ids.append(str(cell.style_id) if cell.has_style else "")
        out.append(Quoted(*ids))
    return out


def rows_xml(frame: pd.DataFrame, first_row: int, styles: list[str | Quoted | dict[str, str]], chunk: int = 100_000,
             *, date1904: bool = False):
    """Yield the ``<row>`` elements of ``frame`` starting at Excel row ``first_row``, by chunks (UTF-8 buffers).

    ``styles[j]``: the style index of column ``j``'s cells, a :class:`Quoted` pair (its texts that need
    Excel's quote mark take the second), or a dict giving it by the kind of value (:func:`kind_codes`: a
    cell's look may depend on what it holds, as when openpyxl writes it). ``date1904``: the workbook counts
    its dates from 01/01/1904 (:data:`parsing.DATE1904_OFFSET`).
    """
    letters = [get_column_letter(j + 1) for j in range(frame.shape[1])]
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start:start + chunk]
        rows = pc.cast(pa.array(np.arange(first_row + start, first_row + start + len(part))), pa.large_string())
        pieces = ['<row r="', rows, '">']
        for j in range(part.shape[1]):
            style = styles[j] if j < len(styles) else ""
            if isinstance(style, dict):
                body = [_bodies_by_kind(part.iloc[:, j], style, date1904)]
            elif isinstance(style, Quoted):
                body = _body_parts(part.iloc[:, j], _attr(style.base), _attr(style.quoted), date1904)
            else:
                body = _body_parts(part.iloc[:, j], f' s="{style}"' if style else "", date1904=date1904)
            cell = [f'<c r="{letters[j]}', rows, '"', *body]
            if any(not isinstance(p, str) and p.null_count for p in body):
                # an empty value has no cell: its nulls must not take the rest of its row with them
                pieces.append(pc.fill_null(_join(*cell), ""))
            else:
                # one join of the whole row, its texts merged (each scalar costs the kernel what an array does),
                # not one per cell then one per row: the rows of a 1 M-line CSV run's two sheets, 1,24 → 0,83 s
                # and 1,43 → 0,97 s of CPU (medians of 3, same run, before the byte tests of _text_parts)
                pieces.extend(cell)
        yield _buffer(_join(*pieces, "</row>"))


def _attr(style: str) -> str:
    return f' s="{style}"' if style else ""


def _buffer(lines: pa.Array) -> memoryview:
    """The concatenation of an Arrow string array without nulls: its data buffer, as is (not copied)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=lines.offset * 8)
    return memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]


def injector(frame: pd.DataFrame, first_row: int, styles: list[str | Quoted | dict[str, str]] | None = None, *,
             ws=None, date1904: bool | None = None):
    """For :func:`saving.save_workbook`: the sheet's rows from ``first_row`` down become ``frame``'s values.

    The row ``first_row`` of ``ws`` (the sheet openpyxl writes) is the styled sample: each column's cells
    take its look, with Excel's quote mark on the texts that need it (:func:`sample_styles`) — unless
    ``styles`` gives them (as :func:`rows_xml` takes them). Dates are written in the workbook's date system:
    ``ws``'s (openpyxl's ``wb.epoch``) unless ``date1904`` says it.
    """
    if styles is None and ws is None:
        raise TypeError("fastsheet.injector: the sheet whose sample row gives the styles, or the styles")
    if date1904 is None:
        if ws is None:
            raise TypeError("fastsheet.injector: the sheet, or its workbook's date system (date1904)")
        date1904 = is_date1904(ws.parent)

    def inject(xml: str):
        head, body, tail = split_sheetdata(xml)
        kept = [m.group(0) for m in re.finditer(r'<row r="(\d+)".*?</row>', body, re.S) if int(m.group(1)) < first_row]
        # at saving time: the sample's look is final (a quoted look made now is written with the styles, after the sheets)
        looks = styles if styles is not None else sample_styles(ws, first_row, frame.shape[1])
        last_row = first_row + len(frame) - 1
        last_col = get_column_letter(max(frame.shape[1], 1))
        head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_col}{max(last_row, 1)}"/>', head)
        tail = re.sub(r'(<autoFilter ref=")([A-Z]+\d+):([A-Z]+)\d+"',
                      lambda m: f'{m.group(1)}{m.group(2)}:{m.group(3)}{last_row}"', tail)
        yield head + "<sheetData>" + "".join(kept)
        yield from rows_xml(frame, first_row, looks, date1904=date1904)
        yield "</sheetData>" + tail

    return inject


class _Empty:
    """A cell kept for its look alone: written with its style and no value (``<c r="B7" s="3"/>``)."""

    def __repr__(self) -> str:
        return "EMPTY"


EMPTY = _Empty()


class Own:
    """A value whose cell takes the look of its own kind (``styles["own " + kind]``), not its column's."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

#: kinds of cell values, by Python type (:func:`kind_codes`); a str subclass is text too
KINDS = ("none", "empty", "text", "quoted", "number", "bool", "datetime", "date", "other")
_OWN = len(KINDS)  # + a kind: the value was wrapped in Own
_KIND_OF_TYPE = {type(None): 0, _Empty: 1, str: 2, float: 4, int: 4, np.float64: 4, np.int64: 4, bool: 5,
                 np.bool_: 5, dt.datetime: 6, pd.Timestamp: 6, dt.date: 7, Own: _OWN}


def kind_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The index in :data:`KINDS` of each value (plus ``len(KINDS)`` for a value wrapped in :class:`Own`) and
    the values unwrapped. « quoted » is text Excel must keep as text with its quote mark (a formula, a
    number, a date, a boolean when the cell is edited: :func:`layout.cells.needs_quote`), NaN and NaT are
    « none »."""
    return _kinds(values)[:2]


def _kinds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, pa.Array | None]:
    """:func:`kind_codes`, and the texts (kinds text and quoted, wrapped or not) as one Arrow array, in order."""
    get = _KIND_OF_TYPE.get
    types = set(map(type, values))
    alone = types - {type(None)}
    if len(alone) == 1 and get(next(iter(alone))) in (2, 4):
        # a column of text or of numbers, blanks among them (the usual one): its kinds at once
        kinds = np.full(len(values), get(next(iter(alone))), dtype=np.int8)
        if type(None) in types:
            kinds[pd.isna(values)] = 0  # None, or a number's NaN (as below)
        own = np.zeros(0, dtype=np.intp)
    else:
        kinds = np.fromiter(map(get, map(type, values), repeat(8)), dtype=np.int8, count=len(values))
        own = np.flatnonzero(kinds == _OWN)
    if len(own):
        values = values.copy()
        values[own] = [v.value for v in values[own]]
        kinds[own] = np.fromiter((get(type(v), 8) for v in values[own]), dtype=np.int8, count=len(own))
    for i in np.flatnonzero(kinds == 8):  # subclasses and the rare types, one by one
        v = values[i]
        kinds[i] = (0 if v is pd.NaT or v is pd.NA else 2 if isinstance(v, str) else 5 if isinstance(v, np.bool_)
                    else 4 if isinstance(v, (int, float, np.integer, np.floating))
                    else 6 if isinstance(v, dt.datetime) else 7 if isinstance(v, dt.date) else 8)
    numbers = np.flatnonzero(kinds == 4)
    if len(numbers):
        nan = pd.isna(pd.Series(values[numbers], dtype=object)).to_numpy()
        kinds[numbers[nan]] = 0
    text = np.flatnonzero(kinds == 2)
    texts = None
    if len(text):
        texts = pa.array(values[text], pa.large_string())
        kinds[text[needs_quote_mask(texts)]] = 3
    if len(own):
        kinds[own] += _OWN
    return kinds, values, texts


def _bodies_by_kind(values: pd.Series, styles: dict[str, str], date1904: bool = False) -> pa.Array:
    """:func:`_bodies` of each kind of value with that kind's style (``styles[kind]``, else ``styles[""]``;
    ``styles["own " + kind]`` for a value wrapped in :class:`Own`)."""
    kinds, vals, texts = _kinds(values.to_numpy(dtype=object))
    text_at = np.flatnonzero((kinds % _OWN == 2) | (kinds % _OWN == 3))  # where the texts stand
    order = np.argsort(kinds, kind="stable")
    parts = []
    for code in np.unique(kinds):
        at = np.flatnonzero(kinds == code)
        kind = KINDS[code % _OWN]
        key = "own " + kind if code >= _OWN else kind
        style = styles.get(key, styles.get("", ""))
        s_attr = f' s="{style}"' if style else ""
        if kind == "none":
            parts.append(pa.nulls(len(at), pa.large_string()))
        elif kind == "empty":
            parts.append(pa.array([f"{s_attr}/>" if s_attr else None] * len(at), pa.large_string()))
        elif kind in ("text", "quoted"):
            parts.append(_text_bodies(texts if len(at) == len(texts) else texts.take(np.searchsorted(text_at, at)),
                                      s_attr))
        elif kind == "number":
            parts.append(_bodies(pd.Series(vals[at].astype(float)), s_attr))
        elif kind == "bool":
            parts.append(_bodies(pd.Series(vals[at].astype(bool)), s_attr))
        else:
            parts.append(_dates(vals[at], s_attr, date1904) if kind in ("datetime", "date") else None)
            if parts[-1] is None:  # rare types, dates with a time of day or out of range: one at a time
                parts[-1] = pa.array(_mixed(pd.Series(vals[at], dtype=object), s_attr, date1904=date1904),
                                     pa.large_string())
    if not parts:
        return pa.nulls(0, pa.large_string())
    joined = pa.concat_arrays([p.cast(pa.large_string()) for p in parts])
    joined = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.large_string()), joined)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return joined.take(pa.array(inverse))


def _dates(values: np.ndarray, s_attr: str, date1904: bool = False) -> pa.Array | None:
    """Whole days as their serial numbers, built column-wise; None when one has a time of day (its
    serial is then :func:`_serial`'s, one at a time) or lies outside what numpy's nanoseconds hold."""
    try:
        stamps, outside = as_nanoseconds(pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(), keep_time=True)
    except (ValueError, TypeError, OverflowError):
        return None
    if outside.any():  # « 01/01/3000 »: a cast to nanoseconds would write 1830
        return None
    if (stamps.view("int64") % NS_PER_DAY).any():
        return None
    return _join(f"{s_attr}><v>", _numbers(epoch_days_serial(days_between(stamps, _EXCEL_EPOCH), date1904)), "</v></c>")

