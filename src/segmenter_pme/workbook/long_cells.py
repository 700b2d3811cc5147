"""Text longer than an Excel cell can hold (32 767 characters): cut on reading, and said.

A workbook with a longer cell is « damaged » for Excel, which offers to repair it and
truncates the cell (XlsxWriter issue #812, fastexcel #318). A CSV export can hold such
a value (a long note, a pasted e-mail thread): the value keeps its first 32 767
characters — what Excel itself keeps — and every cut cell is named in « Qualité ».
Characters are counted as Excel counts them (:func:`layout.cells.excel_length`: an emoji is
two), the one rule of :mod:`layout.cells`. The check runs on Arrow's buffers: the byte length
of every value first (no UTF-8 decoding; a UTF-16 unit takes at least one byte), the characters
of the values that may be too long, then the UTF-16 length of the few over 16 383 characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..layout.cells import MAX_CHARS, cut_to_cell, excel_length
from ..problems import quoted
from . import control_chars

#: how much of a cut value a message quotes
_QUOTED = 40


@dataclass(frozen=True)
class Cut:
    row: object  # the frame's index label (a CSV: its line)
    column: str
    start: str  # the value's first characters, as a message quotes them
    length: int  # characters of the whole value, as Excel counts them (UTF-16 units)
    line: int | None = None  # the line of the file where the value's record starts, when it differs from ``row``


def cut_array(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray, list[tuple[str, int]]]:
    """``values`` with every text cut to :data:`MAX_CHARS`, the positions cut and their (start, length).

    ``values`` is returned as is (no copy) when nothing is too long — the usual file.
    """
    none = np.zeros(0, dtype=np.int64)
    if not len(values):
        return values, none, []
    longest = pc.max(pc.binary_length(values)).as_py()
    if longest is None or longest <= MAX_CHARS:  # a UTF-16 unit is at least one byte
        return values, none, []
    # a value of at most 16 383 characters fits whatever they are: only longer ones are counted in UTF-16
    maybe = pc.fill_null(pc.greater(pc.utf8_length(values), MAX_CHARS // 2), False)
    at, found, cuts = [], [], []
    for i in np.flatnonzero(maybe.to_numpy(zero_copy_only=False)):
        text = values[int(i)].as_py()
        length = excel_length(text)
        if length > MAX_CHARS:
            at.append(int(i))
            # the start quoted without control characters (taken out of the cell later): a message cell cannot hold them
            found.append((quoted(control_chars.strip(text[:_QUOTED + 8]), _QUOTED), length))
            cuts.append(cut_to_cell(text))
    if not at:
        return values, none, []
    chunked = isinstance(values, pa.ChunkedArray)
    flat = values.combine_chunks() if chunked else values
    mask = np.zeros(len(flat), dtype=bool)
    mask[at] = True
    cut = pc.replace_with_mask(flat, pa.array(mask), pa.array(cuts, type=flat.type))
    return (pa.chunked_array([cut]) if chunked else cut), np.array(at, dtype=np.int64), found


def issues(found: list[Cut], name: str):
    """The cut cells of the file ``name`` as « Qualité » remarks (one per cell)."""
    from ..fr import fr_int
    from ..problems import Issue

    out = []
    for c in found:
        line = c.line if c.line is not None else c.row
        out.append(Issue(
            "cellule_trop_longue",
            f"La valeur de la ligne {line} du fichier « {name} », colonne « {c.column} » (« {c.start} »), compte "
            f"{fr_int(c.length)} caractères : une cellule Excel en contient au plus {fr_int(MAX_CHARS)}. Elle garde ses "
            f"{fr_int(MAX_CHARS)} premiers caractères ; raccourcissez cette valeur dans le logiciel d'où vient le "
            "fichier si la suite compte, puis exportez à nouveau.",
            sheet=name, column=c.column, row=c.row, value=f"{c.start} ({fr_int(c.length)} caractères)"))
    return out


def note(found: list[Cut], where: str, *, workbook: bool = False) -> str | None:
    """One French sentence naming the long cells (the first five) of ``where`` (« « ventes.csv » », « Feuille
    « Ventes » »), or None. ``workbook``: cells of the user's workbook, left as they are."""
    from ..fr import fr_int

    if not found:
        return None
    parts = [f"ligne {c.line if c.line is not None else c.row}, colonne « {c.column} » (« {c.start} », "
             f"{fr_int(c.length)} caractères)" for c in found[:5]]
    if len(found) > 5:
        parts.append(f"et {len(found) - 5} autre{'s' if len(found) > 6 else ''}")
    one = len(found) == 1
    what = ("1 cellule dépasse" if one else f"{len(found)} cellules dépassent") if workbook else (
        "1 valeur dépasse" if one else f"{len(found)} valeurs dépassent")
    head = f"{where} : {what} les {fr_int(MAX_CHARS)} caractères qu'une cellule Excel peut contenir"
    if workbook:
        return (f"{head}, et Excel dira ce classeur endommagé : {' ; '.join(parts)}. "
                f"{'Elle est laissée telle quelle' if one else 'Elles sont laissées telles quelles'} ; les feuilles "
                f"que segmenter crée en gardent les {fr_int(MAX_CHARS)} premiers caractères. "
                f"{'Raccourcissez-la' if one else 'Raccourcissez-les'}.")
    return (f"{head} : {' ; '.join(parts)}. {'Elle' if one else 'Chacune'} garde ses {fr_int(MAX_CHARS)} premiers "
            f"caractères dans le classeur ; raccourcissez {'cette valeur' if one else 'ces valeurs'} dans "
            "le logiciel d'où vient le fichier si la suite compte.")


def sheet_cells(frame) -> list[Cut]:
    """The texts of a sheet's table (``frame``, index = Excel rows) longer than an Excel cell holds.

    Excel never saves one; another tool can. The user's cell is left as it is — we never change a cell of
    theirs — and the sheets we make from it (« Clients » from invoice lines…) keep its first characters,
    as openpyxl and :mod:`fastsheet` write them.
    """
    found: list[Cut] = []
    for col in frame.columns:
        values = frame[col].to_numpy(dtype=object)
        try:  # a column of text (and blanks): one conversion in C; a number or a date stops it at once
            idx = np.arange(len(values))
            texts = pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            idx = np.flatnonzero(np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values)))
            if not len(idx):
                continue
            texts = pa.array(values[idx].tolist(), type=pa.large_string())
        _, at, cut = cut_array(texts)
        found.extend(Cut(frame.index[idx[i]], str(col), start, n) for i, (start, n) in zip(at, cut))
    return found


def sheet_issues(found: list[Cut], sheet: str):
    """The long cells of a workbook's sheet as « Qualité » remarks (one per cell)."""
    from ..fr import fr_int
    from ..problems import Issue

    return [Issue(
        "cellule_trop_longue",
        f"La cellule de la ligne {c.row}, colonne « {c.column} » (« {c.start} »), compte {fr_int(c.length)} "
        f"caractères : une cellule Excel en contient au plus {fr_int(MAX_CHARS)}, et Excel dira ce classeur "
        f"endommagé. Votre cellule est laissée telle quelle ; les feuilles que segmenter crée en gardent les "
        f"{fr_int(MAX_CHARS)} premiers caractères. Raccourcissez-la.",
        sheet=sheet, column=c.column, row=c.row, value=f"{c.start} ({fr_int(c.length)} caractères)")
        for c in found]
