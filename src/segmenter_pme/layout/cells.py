"""One rule for every cell we write from text: it is text, never a formula.

openpyxl turns any string starting with « = » into a formula, and Excel or
LibreOffice re-evaluate a cell starting with « = + - @ » as soon as the user
edits it. A client name « =HYPERLINK(…) », a sector « +cmd|… » or a CSV header
« =1+1 » read from the user's file must come back as the text they typed. Our
own formulas are written by assigning ``cell.value`` directly, on purpose.
What « looks like a formula » is the core's one rule (:mod:`..safe_text`),
the same as for the CSV files we write.
"""

from __future__ import annotations

import re
from typing import Any

from ..safe_text import looks_like_formula

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
    """``cell.value = value``, a string kept as text (type « s », quote prefix when it looks like a formula),
    cut to what an Excel cell holds (:func:`cut_to_cell`; openpyxl counts Python characters)."""
    if isinstance(value, str):
        value = cut_to_cell(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value) and not cell.quotePrefix:
            # what Excel itself stores for '=1+1 typed by hand: editing the cell keeps it text
            cell.quotePrefix = True
    return cell


_MONTH = r"(?:janv|f[ée]vr|mars|avr|mai|juin|juil|ao[uû]t|sept|oct|nov|d[ée]c|jan|feb|mar|apr|may|jun|jul|aug|sep|dec)[a-zéû.]*"
#: text that Excel reads as a value when it is typed, as through COM's ``Range.Value``: a number
#: (« 0007 », « 411000 », « 1,5 », « 1e5 », « 12 % », « 12 € »), a date or a time (« 01/02 », « 3-4 »,
#: « 12:30 », « 10:30 PM », « mars 2024 », « 1 janv. »), a boolean, an error value (« #N/A »). Wider than Excel's
#: own reading on purpose: a quote on a text that would have stayed text changes nothing.
READ_AS_VALUE = re.compile(
    r"[\s\u00a0]*(?:"
    r"[-+(€$£]*[\s\u00a0]*\d[\d\s\u00a0.,:/%€$£()eE+-]*(?i:[ap]m?)?[\s\u00a0]*"
    rf"|(?i:{_MONTH})[\s\-/.]+\d{{1,4}}[\s\u00a0]*"
    rf"|\d{{1,2}}[\s\-/.]+(?i:{_MONTH})(?:[\s\-/.]+\d{{1,4}})?(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?[\s\u00a0]*"
    r"|#.*"
    r"|(?i:vrai|faux|true|false)[\s\u00a0]*)")


def as_typed_text(value: Any) -> Any:
    """``value`` for a writer that types text the way a user does (xlwings ``Range.value``): a leading
    quote when Excel would otherwise run it as a formula or read it as a number, a date or a boolean
    (the client code « 0007 » must stay « 0007 », not become 7); cut to what a cell holds (:func:`cut_to_cell`)."""
    if isinstance(value, str):
        value = cut_to_cell(value)
        if looks_like_formula(value) or READ_AS_VALUE.fullmatch(value):
            return "'" + value
    return value
