"""One rule for every cell we write from text: it is text, never a formula.

openpyxl turns any string starting with « = » into a formula, and Excel or
LibreOffice re-evaluate a cell starting with « = + - @ » as soon as the user
edits it. A client name « =HYPERLINK(…) », a sector « +cmd|… » or a CSV header
« =1+1 » read from the user's file must come back as the text they typed. Our
own formulas are written by assigning ``cell.value`` directly, on purpose.
What « looks like a formula » is the core's one rule (:mod:`..safe_text`),
the same as for the CSV files we write. A text Excel would read as a number,
a date or a boolean when the cell is edited (the client code « 0007 ») gets the
quote mark too (:func:`needs_quote`), in the cells openpyxl writes and in the
sheets we stream (:func:`needs_quote_mask`, the same rule on Arrow arrays).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..parsing.text import PY_SPACES
from ..safe_text import RISKY_PATTERN, looks_like_formula

#: the most characters an Excel cell holds, counted as Excel counts them: UTF-16 code units, where an
#: emoji or a rare CJK character (outside Unicode's first plane) is two — a longer cell is a « damaged »
#: workbook for Excel, which offers to repair it
MAX_CHARS = 32_767
#: a text of at most this many (Python) characters fits whatever they are: each is one or two units
_ALWAYS_FITS = MAX_CHARS // 2


def excel_length(text: str) -> int:
    """The length of ``text`` as Excel counts it (``NBCAR`` / ``LEN``): UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_to_cell(text: str) -> str:
    """``text``, or its start that an Excel cell holds (:data:`MAX_CHARS` units), a character never split in two."""
    if len(text) <= _ALWAYS_FITS:
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * MAX_CHARS:
        return text
    units = units[:2 * MAX_CHARS]
    if 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:  # the first half of a pair: the pair goes
        units = units[:-2]
    return units.decode("utf-16-le", "surrogatepass")


def set_value(cell, value: Any):
    """``cell.value = value``, a string kept as text (type « s », Excel's quote mark when editing the cell would
    make it a formula, a number, a date or a boolean: :func:`needs_quote`), cut to what an Excel cell holds (:func:`cut_to_cell`; openpyxl counts Python characters)."""
    if isinstance(value, str):
        value = cut_to_cell(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if not cell.quotePrefix and needs_quote(value):
            # what Excel itself stores for '=1+1 or '0007 typed by hand: editing the cell keeps it text
            cell.quotePrefix = True
    return cell


#: the spaces of Python's ``\s``, written out: the one pattern below runs in Python and in Arrow's RE2 alike
_SP = PY_SPACES
_MONTH = r"(?:janv|f[ée]vr|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[ée]c|jan|feb|mar|apr|may|jun|jul|aug|sep|dec)[a-zéû.]*"
_READ = (
    f"[{_SP}]*(?:"
    rf"[-+(€$£]*[{_SP}]*[0-9][0-9{_SP}.,:/%€$£()eE+-]*(?i:[ap]m?)?[{_SP}]*"
    rf"|(?i:{_MONTH})[{_SP}\-/.]+[0-9]{{1,4}}[{_SP}]*"
    rf"|[0-9]{{1,2}}[{_SP}\-/.]+(?i:{_MONTH})(?:[{_SP}\-/.]+[0-9]{{1,4}})?"
    rf"(?:[{_SP}]+[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?)?[{_SP}]*"
    r"|#.*"
    r"|'(?s:.*)"
    rf"|(?i:vrai|faux|true|false)[{_SP}]*)")
#: text that Excel reads as a value when it is typed, as through COM's ``Range.Value``: a number
#: (« 0007 », « 411000 », « 1,5 », « 1e5 », « 12 % », « 12 € »), a date or a time (« 01/02 », « 3-4 »,
#: « 12:30 », « 10:30 PM », « mars 2024 », « 1 janv. »), a boolean, an error value (« #N/A »). Wider than Excel's
#: own reading on purpose: a quote on a text that would have stayed text changes nothing. A text that starts
#: with an apostrophe (« 'abc » from a CSV) too: typed again, Excel takes that apostrophe for its quote mark.
READ_AS_VALUE = re.compile(_READ)
#: :func:`needs_quote` for Arrow's RE2 (the same pattern: ``$`` is the end of the text there)
QUOTED_RE2 = f"{RISKY_PATTERN}|^(?:{_READ})$"


def needs_quote(value: Any) -> bool:
    """True for a text Excel would not keep as text when the user edits its cell (or types it): one it would
    run as a formula (:func:`safe_text.looks_like_formula`) or read as a number, a date or a boolean
    (:data:`READ_AS_VALUE`). Such a cell gets Excel's quote mark (the ``quotePrefix`` style, what typing
    ``'0007`` makes)."""
    return isinstance(value, str) and (looks_like_formula(value) or READ_AS_VALUE.fullmatch(value) is not None)


# What a text must start with (after nothing) to be able to need a quote, read off its bytes: most texts of a
# big sheet (names, codes « C0042 », « FA-2025-… ») are told apart there, and RE2 runs on the rest only.
# Any byte of a non-ASCII character counts (the spaces, € and £, a letter RE2 folds to ASCII such as « ſ »).
_FIRST_BYTES = np.zeros(256, dtype=bool)
_FIRST_BYTES[[ord(c) for c in "0123456789-+($#=@'\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "]] = True
_FIRST_BYTES[0x80:] = True
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32  # ASCII letters lowered; the bytes of other characters kept
#: the first three bytes, ASCII letters lowered, of the words READ_AS_VALUE reads at the start of a text
_WORD_STARTS = np.array(sorted({
    int.from_bytes(bytes(_LOWER[b] for b in w.encode()[:3]), "big")
    for word in ("jan", "fév", "fev", "feb", "mar", "avr", "apr", "mai", "may", "jui", "jun", "jul", "aoû", "aou",
                 "aug", "sep", "oct", "nov", "déc", "dec", "vra", "fau", "fal", "tru")
    for w in (word, word.upper())}), dtype=np.int64)
# looked up by their first two bytes (most texts are told apart there), then the third
_PAIRS = np.unique(_WORD_STARTS >> 8)
_PAIR_ID = np.full(1 << 16, len(_PAIRS), dtype=np.int64)  # the last row of _THIRD: no word starts so
_PAIR_ID[_PAIRS] = np.arange(len(_PAIRS))
_THIRD = np.zeros((len(_PAIRS) + 1, 256), dtype=bool)
_THIRD[np.searchsorted(_PAIRS, _WORD_STARTS >> 8), _WORD_STARTS & 0xFF] = True
_WORD_BYTES = np.zeros(256, dtype=bool)
_WORD_BYTES[[ord(c) for c in "jfmasondvtJFMASONDVT"]] = True


def needs_quote_mask(texts) -> np.ndarray:
    """:func:`needs_quote` of each value of an Arrow string array (null: False), as a boolean array.

    The first bytes of each text first (numpy on Arrow's buffers); the regular expression runs only on
    the texts that start like a number, a sign, a space, a month or a boolean — for a million names or
    invoice numbers, tens of milliseconds instead of a few hundred.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if not pa.types.is_large_string(texts.type):
        texts = texts.cast(pa.large_string())
    n = len(texts)
    out = np.zeros(n, dtype=bool)
    data = texts.buffers()[2]
    if not n or data is None:
        return out
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset:texts.offset + n + 1]
    data = np.frombuffer(data, dtype=np.uint8)
    start, length = offsets[:-1], np.diff(offsets)
    filled = None  # every text has a first byte (no null, no empty text: the usual column)
    if texts.null_count or not length.all():
        filled = np.flatnonzero(length > 0)
        start, length = start[filled], length[filled]
    first = data[start]
    maybe = _FIRST_BYTES[first]
    # a month and a number, or a boolean, take at least four bytes (« mai 1 », « vrai »)
    word = np.flatnonzero(_WORD_BYTES[first] & (length >= 4))
    if len(word):
        at = start[word]
        pair = _PAIR_ID[(_LOWER[first[word]].astype(np.int64) << 8) | _LOWER[data[at + 1]]]
        maybe[word] = _THIRD[pair, _LOWER[data[at + 2]]]
    some = np.flatnonzero(maybe) if filled is None else filled[maybe]
    if not len(some):
        return out
    if texts.null_count:  # a null's bytes are no text
        some = some[texts.is_valid().to_numpy(zero_copy_only=False)[some]]
    picked = texts.take(pa.array(some))
    out[some] = pc.match_substring_regex(picked, QUOTED_RE2).to_numpy(zero_copy_only=False)
    return out


def as_typed_text(value: Any) -> Any:
    """``value`` for a writer that types text the way a user does (xlwings ``Range.value``): a leading
    quote when Excel would otherwise run it as a formula or read it as a number, a date or a boolean
    (the client code « 0007 » must stay « 0007 », not become 7); cut to what a cell holds (:func:`cut_to_cell`)."""
    if isinstance(value, str):
        value = cut_to_cell(value)
        if needs_quote(value):
            return "'" + value
    return value
