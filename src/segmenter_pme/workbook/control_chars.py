"""Control characters (\\x01, ESC…) in the user's text: taken out on reading, and said.

An .xlsx cannot hold them (openpyxl refuses them with ``IllegalCharacterError``)
and they print garbage in a terminal. They come from billing software exports
and copy-pastes from other programs; they are never meaningful in a client
file, so they are removed from the values we analyse and write, and every
cleaned cell is named (file or sheet, column, row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np
import pandas as pd

#: what openpyxl (and the XML of a worksheet) refuses: C0 controls but tab, line feed and carriage return
PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_CONTROL = re.compile(PATTERN)
# an ANSI escape sequence (ESC [ 31 m) goes whole, not only its ESC
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Cleaned:
    row: object
    column: str
    value: str  # the value as read, with its control characters shown as \x01


def strip(text: str) -> str:
    return _CONTROL.sub("", _ANSI.sub("", text))


def shown(text: str) -> str:
    """The value with its control characters made visible (« Be\\x01ta »), a long one by its start."""
    from ..problems import quoted

    return quoted(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text))


def has_control(values: list) -> np.ndarray:
    """Which values are text holding a control character.

    The usual column holds none: its texts, joined by line feeds (a character a cell may hold), are searched
    once, and only a column where that finds one is searched value by value, by Arrow's regex (100 000
    clients × 15 columns: 0,28 s → 0,19 s of CPU, median of 5, same run).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = np.fromiter(map(isinstance, values, repeat(str)), dtype=bool, count=len(values))
    out = np.zeros(len(values), dtype=bool)
    if not texts.any() or _CONTROL.search("\n".join(compress(values, texts))) is None:
        return out
    idx = np.flatnonzero(texts)
    arr = pa.array([values[i] for i in idx], type=pa.large_string())
    out[idx] = pc.match_substring_regex(arr, PATTERN).to_numpy(zero_copy_only=False)
    return out


def control_bytes(text) -> set[int]:
    """The byte values below a space in the UTF-8 text of an Arrow string array (chunked or not).

    In UTF-8 a byte below 0x80 is always that ASCII character, so this says which control characters
    the text holds — by numpy on Arrow's buffers, several times faster than a regular expression.
    """
    import pyarrow as pa

    found: set[int] = set()
    for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
        buffers = chunk.buffers()
        if not len(chunk) or buffers[2] is None:
            continue
        wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
        offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
        data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[chunk.offset]:offsets[chunk.offset + len(chunk)]]
        low = data[data < 0x20]
        if low.size:
            found.update(np.unique(low).tolist())
    return found


#: the bytes of tab, line feed and carriage return: control characters a cell may hold
_ALLOWED = {0x09, 0x0A, 0x0D}


def clean_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Cleaned]]:
    """``frame`` with control characters removed from its text cells and headers, and the cells cleaned."""
    found: list[Cleaned] = []
    renamed = {}
    for col in frame.columns:
        if isinstance(col, str) and _CONTROL.search(col):
            renamed[col] = strip(col).strip() or "Colonne"
            found.append(Cleaned(None, renamed[col], col))
    if renamed:
        frame = frame.rename(columns=renamed)
    changed = {}
    for col in frame.columns:
        s = frame[col]
        if not (pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)):
            continue
        data = getattr(s.array, "_pa_array", None)
        if data is not None:
            # Arrow text (a CSV read): the regex on Arrow's own buffers, no Python list of a million
            # values (1 M lines × 6 columns: 13 s → 0.6 s on a loaded machine)
            import pyarrow.compute as pc

            if not control_bytes(data) - _ALLOWED:  # the usual export: no regex at all
                continue
            hit = pc.match_substring_regex(data, PATTERN)
            mask = pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
            values = s.tolist()
        else:
            values = s.tolist()
            mask = has_control(values)
            if not mask.any():
                continue
        new = np.array(values, dtype=object)
        for i in np.flatnonzero(mask):
            original = values[i]
            found.append(Cleaned(frame.index[i], str(col), original))
            new[i] = strip(original) or None
        changed[col] = pd.Series(new, index=frame.index, dtype=s.dtype)
    if changed:
        frame = frame.copy()
        for col, s in changed.items():
            frame[col] = s
    return frame, found


def issues(found: list[Cleaned], sheet: str):
    """The cleaned cells as « Qualité » remarks (one per cell, the value shown with its control characters)."""
    from ..problems import Issue

    return [Issue("caractere_controle", f"Caractères de contrôle invisibles retirés de « {shown(c.value)} ».",
                  sheet=sheet, column=c.column, row=c.row, value=shown(c.value))
            for c in found if c.row is not None]


def note(found: list[Cleaned], where: str, line_word: str = "ligne") -> str | None:
    """One French sentence naming the cleaned cells (the first five), or None."""
    if not found:
        return None
    cells = [c for c in found if c.row is not None]
    headers = [c for c in found if c.row is None]
    parts = []
    for c in cells[:5]:
        parts.append(f"colonne « {c.column} », {line_word} {c.row} (« {shown(c.value)} »)")
    more = len(cells) - 5
    if more > 0:
        parts.append(f"et {more} autre{'s' if more > 1 else ''}")
    for c in headers:
        parts.append(f"en-tête « {shown(c.value)} »")
    n = len(found)
    what = "1 valeur contenait" if n == 1 else f"{n} valeurs contenaient"
    return (f"{where} : {what} des caractères de contrôle invisibles (\\x01, Échap…), qu'un classeur Excel ne peut "
            f"pas contenir ; ils ont été retirés : {' ; '.join(parts)}. Corrigez la source si ces valeurs "
            "doivent rester identiques.")
