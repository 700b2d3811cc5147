"""Our output cells of a big client sheet's streamed rows (:mod:`.streamed_clients`), as XML.

Each distinct value of one of our columns over a cell of a given style is made once by
:func:`writer.put_output` on a scratch cell — the one rule for our cells, openpyxl's or streamed —
and its XML reused; the cells of a block of rows are then joined by Arrow, one string per row.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

from . import writer

BLOCK_ROWS = 50_000  # rows whose cells of ours are built at once


@dataclass
class Column:
    """One of our output columns as the streamed rows get it."""

    name: str
    col: int
    #: not one of ours on the previous run: a value of the user's in it stops the run
    new: bool

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)


class OurCells:
    """Our cells of the rows :attr:`rows` (Excel rows) holding the values of :attr:`out`, in :attr:`columns`;
    the stream that writes them sets those, the sheet ``ws`` and ``put`` (see :meth:`ClientStream.plan`)."""

    ws: Any
    out: pd.DataFrame
    rows: np.ndarray
    columns: list[Column]
    put: Any
    _frags: dict[tuple, str]
    _line: list[str] | None = None
    _block_start: int = 0
    _values: dict[str, np.ndarray]

    def _fragment(self, column: Column, value: Any, base: int | None) -> str:
        """Our cell of ``column`` holding ``value`` over a cell of style ``base``, after ``<c r="…"``."""
        key = (column.col, base, type(value), value)
        frag = self._frags.get(key)
        if frag is None:
            cell = Cell(self.ws, row=1, column=column.col)
            if base is not None:
                cell._style = copy(self.ws.parent._cell_styles[base])
            self.put(cell, column.name, value)
            frag = self._frags[key] = cell_xml(cell)
        return frag

    def _block(self, start: int) -> tuple[list[str], dict[str, np.ndarray]]:
        """Our cells, one string per row, of the rows ``start`` … ``start + BLOCK_ROWS`` of :attr:`rows`.

        Each distinct value of a column is turned into XML once; the rows' strings are then
        assembled by Arrow (a Python loop over a million rows × 12 columns would take seconds).
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        part = self.out.iloc[start:start + BLOCK_ROWS]
        rows = pa.array(self.rows[start:start + BLOCK_ROWS]).cast(pa.string())
        cells, values = [], {}
        for column in self.columns:
            series = part[column.name]
            codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
            frags = [self._fragment(column, writer.cell_value(u), None) for u in uniques] + [self._fragment(column, None, None)]
            codes[codes < 0] = len(frags) - 1
            frag = pa.array(frags, pa.string()).take(pa.array(codes))
            cell = pc.binary_join_element_wise(f'<c r="{column.letter}', rows, '"', frag, "")
            cells.append(pc.if_else(pc.equal(frag, ""), "", cell))
            values[column.name] = series.to_numpy(dtype=object)
        line = pc.binary_join_element_wise(*cells, "") if cells else pa.array([""] * len(part))
        return line.to_pylist(), values

    def _lines(self, k: int, n: int) -> list[str]:
        """Our cells of the rows ``k`` … ``k + n`` of :attr:`rows`, across blocks."""
        out: list[str] = []
        while n > 0:
            self._line_of(k)
            i = k - self._block_start
            take = min(n, len(self._line) - i)
            out.extend(self._line[i:i + take])
            k, n = k + take, n - take
        return out

    def _line_of(self, k: int) -> str:
        if self._line is None or not (self._block_start <= k < self._block_start + len(self._line)):
            self._block_start = k - k % BLOCK_ROWS
            self._line, self._values = self._block(self._block_start)
        return self._line[k - self._block_start]


def cell_xml(cell) -> str:
    """What openpyxl writes for ``cell`` after ``<c r="…"``; ``""`` for an empty cell without style."""
    style = f' s="{cell.style_id}"' if cell.has_style else ""
    value = cell._value
    if value is None:
        return f"{style}/>" if style else ""
    if value == "":  # an empty text keeps its type, as openpyxl writes it
        return f'{style} t="inlineStr"></c>'
    if cell.data_type == "s":
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{style} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if cell.data_type == "b":
        return f'{style} t="b"><v>{safe_string(value)}</v></c>'
    return f'{style} t="n"><v>{safe_string(value)}</v></c>'
