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


def _column_xml(values: pd.Series, letter: str, style: str) -> np.ndarray:
    """One ``<c>`` string per row ('' for an empty cell)."""
    s_attr = f' s="{style}"' if style else ""
    n = len(values)
    out = np.full(n, "", dtype=object)
    if pd.api.types.is_datetime64_any_dtype(values):
        mask = values.notna().to_numpy()
        serial = (values.to_numpy(dtype="datetime64[ns]")[mask] - _EXCEL_EPOCH) / np.timedelta64(1, "D")
        out[mask] = [f'{s_attr}><v>{float(x):.15g}</v></c>' for x in serial.tolist()]
        return out
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        mask = ~np.isnan(arr)
        out[mask] = [f'{s_attr}><v>{float(x)!r}</v></c>' if not float(x).is_integer() else f'{s_attr}><v>{int(x)}</v></c>'
                     for x in arr[mask].tolist()]
        return out
    vals = values.to_numpy(dtype=object)
    for i, v in enumerate(vals):
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, (dt.datetime, dt.date)):  # a mixed column keeps real dates as dates
            out[i] = f'{s_attr}><v>{_serial(v):.15g}</v></c>'
        elif isinstance(v, bool):
            out[i] = f'{s_attr} t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, (int, float, np.integer, np.floating)):
            x = float(v)
            out[i] = f'{s_attr}><v>{int(x) if x.is_integer() else repr(x)}</v></c>'
        else:
            text = _ILLEGAL.sub("", str(v))
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            out[i] = f'{s_attr} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    return out


def rows_xml(frame: pd.DataFrame, first_row: int, styles: list[str], chunk: int = 50_000):
    """Yield the ``<row>`` elements of ``frame`` starting at Excel row ``first_row``."""
    letters = [get_column_letter(j + 1) for j in range(frame.shape[1])]
    for start in range(0, len(frame), chunk):
        part = frame.iloc[start:start + chunk]
        cols = [_column_xml(part.iloc[:, j], letters[j], styles[j] if j < len(styles) else "")
                for j in range(part.shape[1])]
        lines = []
        for i in range(len(part)):
            r = first_row + start + i
            cells = "".join(f'<c r="{letters[j]}{r}"{col[i]}' for j, col in enumerate(cols) if col[i])
            lines.append(f'<row r="{r}">{cells}</row>')
        yield "".join(lines)


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
