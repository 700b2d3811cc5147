"""What each line is: a sale, a credit note (avoir) or another document (devis, bon de livraison…).

The rules are the two patterns below; every front end reads document types
through :func:`document_kinds`.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CREDIT_NOTE = re.compile(r"(?i)avoir|cr[eé]dit|refund|rembours|retour|note de cr")
# documents of a « ventes » export that are not sales: counting a delivery note and
# its invoice would double the CA
NOT_A_SALE = re.compile(r"(?i)devis|pro ?forma|bon de (commande|livraison)|\bbl\b|\bbc\b|quote|estimate|"
                        r"brouillon|draft|annul|cancel")


# a quote (devis) that is still open, unless its type says it was settled one way or the other
_QUOTE = re.compile(r"(?i)devis|quote|estimate")
_SETTLED_QUOTE = re.compile(r"(?i)refus|annul|cancel|perdu|lost|expir|d[eé]clin|reject|"
                            r"(accept|sign|factur|gagn)[ée]e?s?\b|accepted|signed|invoiced|transform|\bwon\b")


def quote_lines(types: pd.Series | None) -> np.ndarray | None:
    """Mask of the quote lines not settled (« Devis », « Devis envoyé »), or None when no line is one.

    They are among the « not a sale » lines of :func:`document_kinds`; a quote
    whose type says refused, cancelled, lost, expired, accepted, signed or
    invoiced is settled, and a credit note is no quote.
    """
    if types is None:
        return None
    labels = [u for u in types.dropna().unique() if _QUOTE.search(str(u)) and not _SETTLED_QUOTE.search(str(u))
              and not CREDIT_NOTE.search(str(u))]
    return types.isin(labels).to_numpy(dtype=bool) if labels else None


def is_credit_note(label: str) -> bool:
    return bool(CREDIT_NOTE.search(label))


def is_not_a_sale(label: str) -> bool:
    return bool(NOT_A_SALE.search(label)) and not CREDIT_NOTE.search(label)


def document_kinds(types: pd.Series | None, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(credit note, not a sale) masks of the lines.

    Credit note: a type mentioning avoir / crédit / refund / retour, or a
    negative amount. Not a sale: a quote, pro forma, order or delivery note, a
    draft or a cancelled document.
    """
    negative = amounts < 0
    if types is None:
        return negative, np.zeros(len(amounts), dtype=bool)
    arrow = getattr(types.array, "_pa_array", None)
    if arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        credit, other = _arrow_document_kinds(arrow)
        return negative | credit, other
    codes, distinct = pd.factorize(types, use_na_sentinel=True)
    labels = [str(u) for u in distinct]
    credit = np.array([is_credit_note(u) for u in labels] + [False], dtype=bool)
    other = np.array([is_not_a_sale(u) for u in labels] + [False], dtype=bool)
    return negative | credit[codes], other[codes]


def _arrow_document_kinds(arrow) -> tuple[np.ndarray, np.ndarray]:
    """(credit note, not a sale) masks from the document types, decided once per distinct type.

    A handful of distinct types, one of them on most lines (« Facture »): the
    lines of the first line's type are found by one comparison, and only the
    others are searched for their types — cheaper than numbering a million texts.
    """
    n = len(arrow)
    present = arrow.drop_null()
    if not len(present):
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    first = present[0].as_py()
    same = pc.fill_null(pc.equal(arrow, first), False).to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~same)
    if len(rest) > n // 4:  # no type dominates: ask Arrow for every distinct one
        labels = [u for u in pc.unique(arrow).to_pylist() if u is not None]
        return _lines_with(arrow, [u for u in labels if is_credit_note(u)]), \
            _lines_with(arrow, [u for u in labels if is_not_a_sale(u)])
    others = arrow.take(pa.array(rest))
    labels = [u for u in pc.unique(others).to_pylist() if u is not None]
    masks = []
    for decide in (is_credit_note, is_not_a_sale):
        mask = same.copy() if decide(first) else np.zeros(n, dtype=bool)
        mask[rest] = _lines_with(others, [u for u in labels if decide(u)])
        masks.append(mask)
    return masks[0], masks[1]


def _lines_with(arrow, labels: list[str]) -> np.ndarray:
    """Mask of the lines whose text is one of ``labels`` (missing: False)."""
    if not labels:
        return np.zeros(len(arrow), dtype=bool)
    hit = pc.is_in(arrow, value_set=pa.array(labels, type=arrow.type)) if len(labels) > 3 else \
        functools.reduce(pc.or_, [pc.equal(arrow, u) for u in labels])
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
