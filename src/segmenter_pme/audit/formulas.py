"""The formulas of the client sheet through ``segmenter nettoie``.

Cleaning moves the kept rows up under the header. Their formulas are kept and
their references to the client sheet are adjusted as Excel does when rows are
deleted: a reference to a kept row follows that row, a range shrinks to the
kept rows it held, references to rows above the header or below the data, to
whole columns, to other sheets or to Table columns are left as they are. A
formula that names a row taken out (merged into another client, archived)
cannot be kept faithfully: :func:`move_formula` returns ``None`` and the caller
writes the value instead, with an « Attention » note.

Archived rows keep their formulas as text (``=H7*0.3``), so the original row
can be rebuilt by hand.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

_PART = re.compile(r"^(\$?)([A-Za-z]{1,3})?(\$?)([0-9]+)?$")


class FormulaText(str):
    """A formula to write as text (in « Archives »), not as a formula."""


def is_formula(value) -> bool:
    return isinstance(value, ArrayFormula) or (isinstance(value, str) and value.startswith("=") and len(value) > 1)


def formula_text(value) -> str:
    """The formula as the user would type it (``=H5*0.3``)."""
    if isinstance(value, ArrayFormula):
        text = value.text or ""
        return text if text.startswith("=") else "=" + text
    return str(value)


def sheet_formulas(ws, first_row: int, last_row: int, cols) -> dict[tuple[int, int], object]:
    """The formula cells of ``ws`` in rows ``first_row..last_row`` and columns ``cols``: (row, col) → value."""
    cols = sorted(set(cols))
    if not cols or last_row < first_row:
        return {}
    wanted = set(cols)
    out = {}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, min_col=cols[0], max_col=cols[-1]):
        for cell in row:
            if cell.column in wanted and cell.data_type == "f" and is_formula(cell.value):
                out[(cell.row, cell.column)] = cell.value
    return out


@dataclass
class RowMove:
    """Where the rows of the client sheet go: kept rows ``new[r]``, the others (in ``first..last``) removed."""

    sheet: str
    first: int  # first data row
    last: int  # last data row (rows below are not moved)
    new: dict[int, int]

    def __post_init__(self):
        self._kept = sorted(self.new)

    def single(self, r: int) -> int | None:
        if r < self.first or r > self.last:
            return r
        return self.new.get(r)

    def span(self, a: int, b: int) -> tuple[int, int] | None:
        """A row range as Excel shrinks it when the rows taken out are deleted (``None``: nothing left)."""
        lo, hi = (a, b) if a <= b else (b, a)
        kept = self._kept
        i = bisect.bisect_left(kept, lo)
        j = bisect.bisect_right(kept, hi) - 1
        inside = i <= j  # some kept row lies in the range
        if lo < self.first or lo > self.last:
            new_lo = lo
        elif inside:
            new_lo = self.new[kept[i]]
        elif hi > self.last:
            new_lo = self.last + 1
        else:
            return None
        if hi > self.last or hi < self.first:
            new_hi = hi
        elif inside:
            new_hi = self.new[kept[j]]
        elif lo < self.first:
            new_hi = self.first - 1
        else:
            return None
        return new_lo, new_hi


def _unquote(sheet: str) -> str:
    if sheet.startswith("'") and sheet.endswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


def _with_row(part: re.Match, row: int) -> str:
    d1, col, d2, _ = part.groups()
    return f"{d1}{col or ''}{d2}{row}"


def _move_ref(ref: str, move: RowMove, home: bool = True) -> str | None:
    if "[" in ref or "#REF!" in ref.upper():
        return ref  # Table references, other workbooks: row-independent or not ours
    prefix, addr = "", ref
    if "!" in ref:
        sheet, addr = ref.rsplit("!", 1)
        if ":" in sheet or _unquote(sheet) != move.sheet:
            return ref
        prefix = sheet + "!"
    elif not home:
        return ref  # a formula of another sheet: its own cells
    ends = addr.split(":")
    if len(ends) > 2:
        return ref
    parts = [_PART.match(e) for e in ends]
    if any(p is None or not (p.group(2) or p.group(4)) for p in parts):
        return ref  # a defined name, a function-like token: not a cell address
    rows = [int(p.group(4)) if p.group(4) else None for p in parts]
    if len(parts) == 1:
        if rows[0] is None:
            return ref
        r = move.single(rows[0])
        return None if r is None else prefix + _with_row(parts[0], r)
    if rows[0] is None or rows[1] is None:
        return ref  # whole columns
    new = move.span(rows[0], rows[1])
    if new is None:
        return None
    lo_part, hi_part = (parts[0], parts[1]) if rows[0] <= rows[1] else (parts[1], parts[0])
    return prefix + _with_row(lo_part, new[0]) + ":" + _with_row(hi_part, new[1])


def move_formula(value, move: RowMove, row: int, col: int, *, home: bool = True):
    """``value`` (a formula of cell (``row``, ``col``)) for the cell's new row, or ``None`` if it names a row removed.

    ``home=False``: the formula lives on another sheet (only its references to ``move.sheet`` move).
    """
    text = formula_text(value)
    try:
        tokens = Tokenizer(text).items
    except Exception:
        return None
    out = []
    for t in tokens:
        if t.type == Token.OPERAND and t.subtype == Token.RANGE:
            moved = _move_ref(t.value, move, home)
            if moved is None:
                return None
            out.append(moved)
        else:
            out.append(t.value)
    moved_text = "=" + "".join(out)
    if isinstance(value, ArrayFormula):
        here = f"{get_column_letter(col)}{row}"
        if (value.ref or here).replace("$", "") != here:
            return None  # an array formula spread over several cells
        return ArrayFormula(f"{get_column_letter(col)}{move.new[row]}", moved_text)
    return moved_text
