"""Rows the reading sets aside, for a workbook sheet and a CSV export alike: a trailing « Total » row
(:func:`split_total_row`, the one rule) and CSV lines longer than the header — and the remarks
« Qualité » shows about them."""

from __future__ import annotations

import re

import pandas as pd

from ..blank import is_blank
from ..problems import WARNING, Issue

_TOTAL = re.compile(r"^\s*(sous[- ]?)?totau?x?\b|^\s*total\b", re.IGNORECASE)


def total_row_note(sheet: str, row: int, values: pd.Series, *, in_file: bool = False) -> Issue:
    """The remark in « Qualité » for a last row set aside as the table's total (it is not counted).

    ``in_file``: a CSV line, not copied into the workbook — said in the message, with no row to link to.
    """
    label = next((v for v in values if isinstance(v, str) and any(ch.isalpha() for ch in v)), None)
    column = next((str(h) for h, v in values.items() if v is label), None)
    where = f"La ligne {int(row)} du fichier" if in_file else "La dernière ligne du tableau"
    return Issue(
        "ligne_total", f"{where} (« {label} ») est lue comme une ligne de total : elle n'est pas comptée comme un "
        "client. Si c'est un client, donnez-lui son code client ou ôtez le mot « Total » du début de la cellule.",
        WARNING, sheet=sheet, column=column, row=None if in_file else int(row), value=label)


def long_lines_notes(sheet: str, lines) -> list[Issue]:
    """Remarks in « Qualité » for CSV lines longer than the header whose extra fields were empty (dropped)."""
    return [Issue("ligne_trop_longue", f"La ligne {ln} du fichier a {n} champs, plus que la ligne d'en-têtes : les "
                  "champs en trop étaient vides et ont été ignorés (un séparateur en fin de ligne).", WARNING,
                  sheet=sheet, row=int(ln), value=f"{n} champs") for ln, n in lines]


#: a cell that is only a total's label: « Total », « TOTAL : », « Total général », « Sous-total 2025 », « Totaux »
_TOTAL_LABEL = re.compile(r"^\s*(sous[- ]?)?(total|totaux)(\s+(g[ée]n[ée]ral|clients?|ht|ttc|\d{4}))*\s*:?\s*$",
                          re.IGNORECASE)
_KEY_FIELDS = ("client_id", "siret", "siren", "raison_sociale", "nom", "email")
_SUM_FIELDS = ("ca_total", "montant_ht", "montant_ttc", "nb_commandes")


def split_total_row(frame: pd.DataFrame, mapping: dict | None = None) -> tuple[pd.DataFrame, int | None]:
    """``frame`` without a trailing « Total » line, and that line's label (None when there is none).

    The rule for every source (workbook sheet, CSV export): the last row is a
    total when its first cell holding letters starts with ``Total``, ``Totaux``
    or ``Sous-total`` *and* it looks like a total — no client key in it (its
    key cells empty or holding only the label, « Total général ») or, when
    ``mapping`` names amount columns, an amount that is the sum of the rows
    above. « TOTAL ENERGIES MARKETING FRANCE » with its own code and amounts is
    a client.
    """
    if not len(frame):
        return frame, None
    last = frame.index[-1]
    row = frame.loc[last]
    first_text = next((v for v in row if isinstance(v, str) and any(ch.isalpha() for ch in v)), None)
    if first_text is None or not _TOTAL.match(first_text):
        return frame, None
    if mapping is None or _no_client_key(row, mapping) or _sums_rows_above(frame, mapping):
        return frame.drop(index=last), int(last)
    return frame, None


def _no_client_key(row: pd.Series, mapping: dict) -> bool:
    keys = [mapping[f] for f in _KEY_FIELDS if isinstance(mapping.get(f), str) and mapping[f] in row.index]
    if not keys:  # nothing identifies a client here: the label decides, as it always did
        return True
    for h in keys:
        v = row[h]
        if is_blank(v) or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, str) and _TOTAL_LABEL.match(v):
            continue
        return False
    return True


def _sums_rows_above(frame: pd.DataFrame, mapping: dict) -> bool:
    from ..parsing import parse_amounts

    for f in _SUM_FIELDS:
        h = mapping.get(f)
        if not isinstance(h, str) or h not in frame.columns:
            continue
        values, _ = parse_amounts(frame[h])
        last, above = values.iloc[-1], values.iloc[:-1].sum()
        if len(values) > 2 and pd.notna(last) and above != 0 and abs(last - above) < 0.01 + 1e-9 * abs(above):
            return True
    return False
