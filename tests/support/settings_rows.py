"""The values of a « Paramètres » sheet holding given settings, for ``layout.parametres.read_settings``."""

from __future__ import annotations

from typing import Any, Iterable

from segmenter_pme.layout.parametres import HEADERS, KEY_COL, VALUE_COL, read_settings
from segmenter_pme.settings import Settings


def sheet_rows(pairs: Iterable[tuple[str, Any]], first_row: int = 2) -> list[tuple]:
    """Rows of cell values (from Excel row 1): the table's header, then one row per ``(key, value)``,
    the first at Excel row ``first_row`` (≥ 2)."""
    rows: list[tuple] = [()] * (first_row - 2) + [HEADERS]
    for key, value in pairs:
        cells = [None] * max(KEY_COL, VALUE_COL)
        cells[KEY_COL - 1], cells[VALUE_COL - 1] = key, value
        rows.append(tuple(cells))
    return rows


def settings_of(pairs: Iterable[tuple[str, Any]], first_row: int = 2) -> Settings:
    """:class:`Settings` read, by the one parser of « Paramètres », from ``(key, value)`` rows."""
    return read_settings(sheet_rows(pairs, first_row))
