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
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from .saving import split_sheetdata

_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def _serial(v: dt.date) -> float:
    if not isinstance(v, dt.datetime):
        v = dt.datetime(v.year, v.month, v.day)
    if v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400


def _cells(values: pd.Series, letter: str, style: str, rows: np.ndarray) -> np.ndarray:
    """The ``<c>`` element of each row (``""`` for an empty cell), built column-wise."""
    s_attr = f' s="{style}"' if style else ""
    n = len(values)
    body = np.full(n, "", dtype=object)
    if pd.api.types.is_datetime64_any_dtype(values):
        mask = values.notna().to_numpy()
        serial = (values.to_numpy(dtype="datetime64[ns]")[mask] - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        body[mask] = f"{s_attr}><v>" + _numbers(serial) + "</v></c>"
    elif pd.api.types.is_bool_dtype(values):
        mask = values.notna().to_numpy()
        body[mask] = [f'{s_attr} t="b"><v>{int(bool(v))}</v></c>' for v in values.to_numpy()[mask]]
    elif pd.api.types.is_numeric_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        mask = ~np.isnan(arr)
        body[mask] = f"{s_attr}><v>" + _numbers(arr[mask]) + "</v></c>"
    elif pd.api.types.is_string_dtype(values) and (values.dtype != object or _all_text(values)):
        text = values if values.dtype != object else values.astype("str")
        mask = (text.notna() & (text != "")).to_numpy(dtype=bool)
        t = text[mask]
        t = t.str.replace(_ILLEGAL.pattern, "", regex=True).str.replace("&", "&amp;", regex=False) \
             .str.replace("<", "&lt;", regex=False).str.replace(">", "&gt;", regex=False)
        spaced = t.str.match(r"^\s|.*\s$").to_numpy(dtype=bool)
        open_t = np.where(spaced, '<t xml:space="preserve">', "<t>").astype(object)
        body[mask] = f'{s_attr} t="inlineStr"><is>' + open_t + t.to_numpy(dtype=object) + "</t></is></c>"
    else:
        body = _mixed(values, s_attr)
    mask = body != ""
    out = np.full(n, "", dtype=object)
    out[mask] = f'<c r="{letter}' + rows[mask] + '"' + body[mask]
    return out


def _all_text(values: pd.Series) -> bool:
    return bool(values.map(lambda v: isinstance(v, str), na_action="ignore").fillna(True).all())


def _numbers(arr: np.ndarray) -> np.ndarray:
    """Shortest exact text of each number (integers without ``.0``), vectorised."""
    arr = np.asarray(arr, dtype="float64")
    out = np.empty(len(arr), dtype=object)
    whole = (arr == np.floor(arr)) & (np.abs(arr) < 1e15)
    out[whole] = arr[whole].astype(np.int64).astype(str).astype(object)
    out[~whole] = pd.Series(arr[~whole]).astype(str).to_numpy(dtype=object)
    return out


def _num_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def _mixed(values: pd.Series, s_attr: str) -> np.ndarray:
    """Cell by cell, for columns mixing dates, numbers and text (dirty user data)."""
    vals = values.to_numpy(dtype=object)
    out = np.full(len(vals), "", dtype=object)
    for i, v in enumerate(vals):
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, (dt.datetime, dt.date)):  # a mixed column keeps real dates as dates
            out[i] = f"{s_attr}><v>{_num_text(_serial(v))}</v></c>"
        elif isinstance(v, (bool, np.bool_)):
            out[i] = f'{s_attr} t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, (int, float, np.integer, np.floating)):
            out[i] = f"{s_attr}><v>{_num_text(float(v))}</v></c>"
        else:
            text = _ILLEGAL.sub("", str(v))
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            out[i] = f'{s_attr} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    return out


def rows_xml(frame: pd.DataFrame, first_row: int, styles: list[str], chunk: int = 100_000):
    """Yield the ``<row>`` elements of ``frame`` starting at Excel row ``first_row``, by chunks."""
    letters = [get_column_letter(j + 1) for j in range(frame.shape[1])]
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start:start + chunk]
        rows = np.arange(first_row + start, first_row + start + len(part)).astype(str).astype(object)
        line = '<row r="' + rows + '">'
        for j in range(part.shape[1]):
            line = line + _cells(part.iloc[:, j], letters[j], styles[j] if j < len(styles) else "", rows)
        yield "".join((line + "</row>").tolist())


def injector(frame: pd.DataFrame, first_row: int):
    """For :func:`saving.save_workbook`: the sheet's rows from ``first_row`` down become ``frame``'s values.

    The row ``first_row`` that openpyxl wrote is the styled sample: each column's
    cells take its style index.
    """

    def inject(xml: str):
        head, body, tail = split_sheetdata(xml)
        kept, styles = [], []
        for m in re.finditer(r'<row r="(\d+)".*?</row>', body, re.S):
            r = int(m.group(1))
            if r < first_row:
                kept.append(m.group(0))
            elif r == first_row:
                by_letter = {}
                for letter, attrs in re.findall(r'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>)', m.group(0)):
                    sm = re.search(r'\bs="(\d+)"', attrs)
                    by_letter[letter] = sm.group(1) if sm else ""
                styles = [by_letter.get(get_column_letter(j + 1), "") for j in range(frame.shape[1])]
        last_row = first_row + len(frame) - 1
        last_col = get_column_letter(max(frame.shape[1], 1))
        head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_col}{max(last_row, 1)}"/>', head)
        tail = re.sub(r'(<autoFilter ref=")([A-Z]+\d+):([A-Z]+)\d+"',
                      lambda m: f'{m.group(1)}{m.group(2)}:{m.group(3)}{last_row}"', tail)
        yield head + "<sheetData>" + "".join(kept)
        yield from rows_xml(frame, first_row, styles)
        yield "</sheetData>" + tail

    return inject
