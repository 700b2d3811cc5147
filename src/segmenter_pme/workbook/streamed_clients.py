"""A big client sheet: its rows streamed back at save time, with our columns put into each one.

openpyxl keeps every cell as a Python object: a client sheet of 1 048 575 rows × 8 columns took
21.8 GB and ten minutes only so that we could add our columns (issue 14). From
:data:`STREAM_ROWS` rows on, the client sheet goes the way of the untouched sheets
(:mod:`.passthrough`): openpyxl loads a copy holding its rows down to the header — and
everything around the cells (columns, tables, filters, validations, conditional formats, merged
cells, notes, links) — and :mod:`.writer` writes our headers, widths, table and filter into it
exactly as for a small sheet. While openpyxl saves, the rows below the header come back from the
original file as they are, with our cells put into them:

* a row whose cells all lie left of our columns gets ours after them (the usual case, one string
  per row built column-wise for blocks of rows);
* a row that has cells in our columns (a rerun, a column the user formatted) is merged cell by
  cell: each of our cells keeps the style of the one it replaces, with our number format, as
  the openpyxl path does (:func:`writer.put_output`); our cells of rows that no longer hold a
  client are emptied, as :func:`writer.write_outputs` does; a value of the user's in a new column
  of ours stops the run (the same message);
* shared strings become inline strings and the attributes openpyxl cannot keep are dropped
  (:func:`passthrough.clean_cells`), as for the untouched sheets.

The openpyxl path stays for what this one does not do (:func:`streamable` and the engine say
when): sheets of fewer rows (it costs little there), XML written with prefixes or without row
numbers, clients appended under the table from the invoices, a client sheet chosen only after
« Paramètres » was read.

Our cells themselves are made by :mod:`.our_cells`. This module stays one piece (some 430 lines):
:class:`ClientStream` is the one loop over the original rows, whose fast and careful ways
(:meth:`ClientStream.usual_rows`, :meth:`ClientStream._merge`) share its reading state.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import range_boundaries

from . import passthrough, writer
from .fastsheet import sheet_part
from .our_cells import Column, OurCells
from .saving import split_sheetdata

#: from this many rows under the header, the client sheet's rows are streamed; below, openpyxl loads
#: the sheet in a fraction of a second, the path small workbooks have always taken (the suite runs both)
STREAM_ROWS = 2_000
CHUNK_CHARS = 1 << 23  # characters of the original sheet read at a time

_ROW = re.compile(r'<row\b([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_ROW_R = re.compile(r'\sr="(\d+)"')
_ROW_NUMBERS = re.compile(r'<row r="(\d+)"')
_CELL_STYLE = re.compile(r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?')
_SPANS = re.compile(r'\sspans="[^"]*"')
_CELL = re.compile(r'<c\b([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_CELL_REF = re.compile(r'\sr="([A-Z]{1,3})\d+"')
_CELL_S = re.compile(r'\ss="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="([^"]*)"\s*/>')
_FILLED = ("<v", "<f", "<is")


def streamable(path: Path, sheet: str, rows: int) -> bool:
    """Whether the rows of ``sheet`` (``rows`` of them under the header) are to be streamed.

    Only for big sheets written in plain SpreadsheetML with numbered rows and cells (what Excel,
    LibreOffice and openpyxl write): anything else goes through openpyxl, which reads it all.
    """
    if rows < STREAM_ROWS:
        return False
    try:
        with zipfile.ZipFile(path) as zf, zf.open(sheet_part(zf, sheet)) as fh:
            head = fh.read(1 << 18).decode("utf-8", errors="replace")
    except (KeyError, AttributeError, OSError, zipfile.BadZipFile):
        return False
    start = head.find("<sheetData>")
    if "<worksheet" not in head[:2000] or start < 0:
        return False
    sample = head[start:]
    rows_tags = re.findall(r"<row\b[^>]*>", sample)
    cells = re.findall(r"<c\b[^>]*>", sample)
    return bool(rows_tags) and all(_ROW_R.search(t) for t in rows_tags) and all(_CELL_REF.search(t) for t in cells)


class ClientStream(OurCells):
    """The client sheet ``sheet`` of ``path``: rows past ``cut`` streamed, our cells put in.

    ``cut``: the header row. openpyxl loads and writes the rows down to it (titles, header: the
    reduced copy's), every row below is streamed.
    """

    def __init__(self, path: Path, sheet: str, cut: int):
        self.path = Path(path)
        self.sheet = sheet
        self.cut = cut
        with zipfile.ZipFile(self.path) as zf:
            self.part = sheet_part(zf, sheet)
        #: first cell of the user's (row, column) under the cut in a new column of ours (:func:`note_taken`)
        self.taken: tuple[int, int] | None = None
        self.height = 0
        #: the rows openpyxl wrote already met a row below the data without cells of ours: nothing more to empty
        self.stopped = False

    # ------------------------------------------------------------------ before writing

    def note_taken(self, rows: list[list[Any]], new_cols: set[int], header_row: int, last_row: int) -> None:
        """Remember the first value of the user's under the cut in ``new_cols`` (the calamine rows)."""
        self.height = len(rows)
        if not new_cols:
            return
        lo = min(new_cols)
        for i in range(max(header_row, self.cut), min(last_row, len(rows))):
            row = rows[i]
            if len(row) < lo:
                continue
            for c in sorted(new_cols):
                v = row[c - 1] if c - 1 < len(row) else None
                if v is not None and not (isinstance(v, str) and not v.strip()):
                    self.taken = (i + 1, c)
                    return

    def plan(self, ws, out: pd.DataFrame, columns: list[Column], put: Callable, *, header_row: int,
             last_row: int, total_row: int | None, conflict: Callable[[int, int], Exception]) -> None:
        """What the streamed rows get: ``out``'s values (index = Excel rows) in ``columns``.

        ``put(cell, name, value)`` writes one of our values into an openpyxl cell (value, type,
        number format, alignment): the streamed cells are made by it, on a scratch cell that
        starts with the style of the cell it replaces.
        """
        self.ws = ws
        self.columns = sorted(columns, key=lambda c: c.col)
        self.by_col = {c.col: c for c in self.columns}
        self.first_col = min(self.by_col, default=0)
        self.put = put
        self.header_row, self.last_row, self.total_row = header_row, last_row, total_row
        self.conflict = conflict
        below = out.index.to_numpy() > self.cut
        self.out = out.loc[below, [c.name for c in self.columns]]
        self.rows = self.out.index.to_numpy(dtype=np.int64)
        if len(self.rows) and (np.diff(self.rows) <= 0).any():
            order = np.argsort(self.rows, kind="stable")
            self.out, self.rows = self.out.iloc[order], self.rows[order]
        self._frags: dict[tuple, str] = {}
        self._letters = {get_column_letter(c): c for c in range(1, 16_385)}
        cols = [c.col for c in self.columns]
        #: our columns of last time, side by side: a rerun's rows may keep their layout (see _splice)
        self._rerun = bool(cols) and not any(c.new for c in self.columns) and cols == list(range(cols[0], cols[-1] + 1))
        self._beyond = re.compile(f'<c r="{_letters_from(self.first_col)}[0-9]') if self.first_col else re.compile("$^")

    # ------------------------------------------------------------------ saving

    def injector(self):
        """For :func:`saving.save_workbook`: openpyxl's rows up to the cut, then the original ones with ours."""

        def inject(xml: str):
            try:
                head, body, tail = split_sheetdata(xml)
            except ValueError:  # openpyxl's own write was cut short: kept so, the check after saving says it
                yield xml
                return
            with zipfile.ZipFile(self.path) as zf:
                sst = passthrough.shared_strings(zf)
                with zf.open(self.part) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8")
                    buf = ""
                    while (start := buf.find("<sheetData")) < 0 or buf.find(">", start) < 0:
                        chunk = text.read(CHUNK_CHARS)
                        if not chunk:
                            break
                        buf += chunk
                    start = buf.find("<sheetData")
                    yield self._head(head, buf[:max(start, 0)])
                    yield "<sheetData>" + "".join(m.group(0) for m in _ROW.finditer(body) if _row_number(m) <= self.cut)
                    if start >= 0:
                        close = buf.index(">", start)
                        buf = "" if buf[close - 1] == "/" else buf[close + 1:]
                        yield from self._rows(text, buf, sst)
                    yield "</sheetData>" + tail
            # new style arrays were added while the rows were made: openpyxl writes the styles after the sheets

        return inject

    def _head(self, head: str, original_head: str) -> str:
        """openpyxl's part before ``<sheetData>``, its ``<dimension>`` covering the original's, our columns and rows."""
        refs = [m.group(1) for m in _DIMENSION.finditer(original_head)] + [m.group(1) for m in _DIMENSION.finditer(head)]
        bounds = []
        for ref in refs:
            try:
                bounds.append(range_boundaries(ref if ":" in ref else f"{ref}:{ref}"))
            except (ValueError, TypeError):
                continue
        last_col = max([c.col for c in self.columns] + [b[2] or 1 for b in bounds] + [1])
        last_row = max([self.height, self.last_row] + [b[3] or 1 for b in bounds])
        ref = f"A1:{get_column_letter(last_col)}{last_row}"
        if _DIMENSION.search(head):
            return _DIMENSION.sub(f'<dimension ref="{ref}"/>', head, count=1)
        return head

    def _rows(self, text, buf: str, sst: list[str]):
        """The original rows past the cut, cleaned, with our cells."""
        self._k = 0  # next of :attr:`rows` to write
        self._block_start, self._line, self._values = 0, None, {}
        self._next_check = max(self.last_row, self.cut) + 1
        self._clearing = not self.stopped
        finished = False
        while not finished:
            end = buf.find("</sheetData>")
            if end >= 0:
                body, finished = buf[:end], True
            else:
                chunk = text.read(CHUNK_CHARS)
                if not chunk:
                    body, finished = buf, True
                else:
                    buf += chunk
                    cut = buf.rfind("<row")
                    if cut <= 0:
                        continue
                    body, buf = buf[:cut], buf[cut:]
            out = self._splice(passthrough.clean_cells(body, sst))
            if out:
                yield out
        rest = self._missing(None)
        if rest:
            yield rest

    def _splice(self, body: str) -> str:
        """The rows of ``body`` with our cells: one tight loop, as it runs for every row of the sheet."""
        fast = self.usual_rows(body)
        if fast is not None:
            return fast
        out = []
        append = out.append
        rows, n = self.rows, len(self.rows)
        first_col, letters = self.first_col, self._letters
        for m in _ROW.finditer(body):
            attrs = m.group(1)
            if attrs.startswith(' r="'):
                r = int(attrs[4:attrs.index('"', 4)])
            else:
                found = _ROW_R.search(attrs)
                r = int(found.group(1)) if found else 0
            if r <= self.cut:
                continue
            k = self._k
            if k < n and rows[k] < r:
                append(self._missing(r))
                k = self._k
            if k >= n or rows[k] != r:
                append(self._other(m, r))
                continue
            self._line_of(k)
            i = k - self._block_start
            self._k = k + 1
            content = m.group(2) or ""
            if "spans" in attrs:  # the row's span hint would leave our cells out
                attrs = _SPANS.sub("", attrs)
            # the usual row: its last cell lies left of our columns, ours go after it
            j = content.rfind("<c")
            if j < 0:
                append(f"<row{attrs}>{content}{self._line[i]}</row>")
                continue
            if content.startswith('<c r="', j):
                ref = content[j + 6:j + 9]
                col = letters.get(ref.rstrip("0123456789\""))
                if col is not None and col < first_col:
                    append(f"<row{attrs}>{content}{self._line[i]}</row>")
                    continue
            if self._rerun:
                # a rerun: the row ends with our cells of last time; when each has the style ours get
                # now (the usual case), the new ones simply take their place
                start = content.find(f'<c r="{self.columns[0].letter}{r}"')
                if start >= 0:
                    old, line = content[start:], self._line[i]
                    cells = _CELL_STYLE.findall(old)
                    if len(cells) == old.count("<c") and cells == _CELL_STYLE.findall(line):
                        append(f"<row{attrs}>{content[:start]}{line}</row>")
                        continue
            values = {c.col: writer.cell_value(self._values[c.name][i]) for c in self.columns}
            append(f"<row{attrs}>{self._merge(content, r, values)[0]}</row>")
        return "".join(out)

    def usual_rows(self, body: str) -> str | None:
        """The fast way: ``body`` with our cells when it is the usual run of rows, else None.

        Input: ``body``, whole ``<row>`` elements of the original sheet (cleaned) that follow the rows
        already written. Output: the same rows with our cells in each, or None — then
        :meth:`_splice` takes them one by one. Usual: every row numbered (``r`` first), each the next
        client's row, every cell with its reference and left of our columns. Then our cells go before
        each ``</row>`` by C-level string operations: a million rows cost about a second, not ten.
        """
        n = body.count("<row")
        if not n or n != body.count("</row>"):
            return None
        nums = _ROW_NUMBERS.findall(body)
        k = self._k
        if len(nums) != n or k + n > len(self.rows):
            return None
        got = np.array(nums, dtype=np.int64)
        if got[0] <= self.cut or not np.array_equal(got, self.rows[k:k + n]):
            return None
        if body.count("<c") != body.count('<c r="') or self._beyond.search(body):
            return None
        if "spans=" in body:  # the rows' span hints would leave our cells out
            body = _SPANS.sub("", body)
        pieces = body.split("</row>")
        out: list[str] = [""] * (3 * n + 1)
        out[0:3 * n:3] = pieces[:n]
        out[1:3 * n:3] = self._lines(k, n)
        out[2:3 * n:3] = ["</row>"] * n
        out[3 * n] = pieces[n]
        self._k = k + n
        return "".join(out)

    def _missing(self, r: int | None) -> str:
        """Rows of ours that the original sheet does not have (before row ``r``; all that are left when None)."""
        out = []
        while self._k < len(self.rows) and (r is None or self.rows[self._k] < r):
            out.append(f'<row r="{self.rows[self._k]}">{self._line_of(self._k)}</row>')
            self._k += 1
        return "".join(out)

    def _last_col(self, content: str) -> int | None:
        """Column of the row's last cell, None when it cannot be told without parsing every cell."""
        i = content.rfind("<c")
        if i < 0:
            return 0
        if not content.startswith('<c r="', i):
            return None
        return self._letters.get(content[i + 6:i + 9].rstrip('0123456789"'))

    def _other(self, m: re.Match, r: int) -> str:
        """A row that holds no client: our cells there are emptied, as :func:`writer.write_outputs` does —
        below the data, until the first row without any (what follows is not ours)."""
        content = m.group(2) or ""
        if r == self.total_row:
            if r == self._next_check:
                self._next_check += 1
            return m.group(0)
        if r > self.last_row:
            if not self._clearing:
                return m.group(0)
            if r != self._next_check:  # a row without any cell came first
                self._clearing = False
                return m.group(0)
        last = self._last_col(content) if content else 0
        if last is not None and last < self.first_col:
            if r > self.last_row:
                self._clearing = False
            return m.group(0)
        merged, filled = self._merge(content, r, None)
        if r > self.last_row:
            if filled:
                self._next_check = r + 1
            else:
                self._clearing = False
        return m.group(0) if merged is content else f"<row{m.group(1)}>{merged}</row>"

    def _merge(self, content: str, r: int, values: dict[int, Any] | None) -> tuple[str, bool]:
        """The row's cells with ours put in (``values``: column → value) or emptied (``values`` None),
        and whether one of ours held a value."""
        cells: list[tuple[int, str]] = []
        seen = set()
        col = 0
        changed = any_filled = False
        for cm in _CELL.finditer(content):
            attrs = cm.group(1)
            ref = _CELL_REF.search(attrs)
            col = column_index_from_string(ref.group(1)) if ref else col + 1
            column = self.by_col.get(col)
            if column is None:
                cells.append((col, cm.group(0)))
                continue
            seen.add(col)
            inner = cm.group(2) or ""
            filled = any(t in inner for t in _FILLED)
            any_filled = any_filled or filled
            if column.new and filled and self.header_row < r <= self.last_row:
                raise self.conflict(r, col)
            s = _CELL_S.search(attrs)
            base = int(s.group(1)) if s else None
            if values is not None:
                frag = self._fragment(column, values[col], base)
                cells.append((col, f'<c r="{column.letter}{r}"{frag}' if frag else ""))
                changed = True
            elif filled and self._clearing:
                style = f' s="{base}"' if base is not None else ""
                cells.append((col, f'<c r="{column.letter}{r}"{style}/>'))
                changed = True
            else:
                cells.append((col, cm.group(0)))
        if values is not None:
            for c, column in self.by_col.items():
                if c not in seen:
                    frag = self._fragment(column, values[c], None)
                    if frag:
                        cells.append((c, f'<c r="{column.letter}{r}"{frag}'))
                        changed = True
        if not changed:
            return content, any_filled
        cells.sort(key=lambda t: t[0])
        return "".join(x for _, x in cells), any_filled


def _letters_from(col: int) -> str:
    """A regular expression of the column letters from ``col`` on (« I » → I to Z, then AA to XFD)."""
    def span(lo: str) -> str:
        return f"[{lo}-Z]"

    letters = get_column_letter(col)
    nxt = lambda ch: chr(ord(ch) + 1)  # noqa: E731
    if len(letters) == 1:
        return f"(?:{span(letters)}|[A-Z]{{2,3}})"
    if len(letters) == 2:
        a, b = letters
        alts = ["[A-Z]{3}", f"{a}{span(b)}"] + ([f"{span(nxt(a))}[A-Z]"] if a != "Z" else [])
        return "(?:" + "|".join(alts) + ")"
    a, b, c = letters
    alts = [f"{a}{b}{span(c)}"] + ([f"{a}{span(nxt(b))}[A-Z]"] if b != "Z" else []) \
        + ([f"{span(nxt(a))}[A-Z]{{2}}"] if a != "Z" else [])
    return "(?:" + "|".join(alts) + ")"


def _row_number(m: re.Match) -> int:
    r = _ROW_R.search(m.group(1))
    return int(r.group(1)) if r else 0
