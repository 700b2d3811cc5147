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

from typing import Any

from ..safe_text import looks_like_formula


def set_value(cell, value: Any):
    """``cell.value = value``, a string kept as text (type « s », quote prefix when it looks like a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value) and not cell.quotePrefix:
            # what Excel itself stores for '=1+1 typed by hand: editing the cell keeps it text
            cell.quotePrefix = True
    return cell


def as_typed_text(value: Any) -> Any:
    """``value`` for a writer that types text the way a user does (xlwings ``Range.value``): a leading quote."""
    return "'" + value if looks_like_formula(value) else value
