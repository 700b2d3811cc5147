"""Is the analysis date believable? An old export analysed at today's date ages every client.

A file exported on 30/06/2025 and segmented in December without a date makes
every Champion « 150 jours » old and nothing looks wrong. When the newest
purchase is more than ``Settings.ecart_date_analyse`` days before the analysis
date, :func:`add_stale_date_note` says so in ``result.warnings`` (console,
Synthèse) and ``result.issues`` (Qualité), suggesting the date of the export
found in a title row, else the newest purchase. How to set the date depends on
the front end (``--date``, the « Paramètres » cell, the ribbon): ``how(date)``
writes that part of the sentence. No I/O.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

import pandas as pd

from .parsing import date_in_text
from .problems import WARNING, Issue

CODE = "date_analyse_eloignee"


def title_date(rows: Iterable[Iterable[object]]) -> dt.date | None:
    """The first date written in the rows above a table's headers (« Export clients du 30/06/2025 »)."""
    for row in rows:
        for value in row or ():
            found = date_in_text(value)
            if found is not None:
                return found
    return None


def newest_purchase(result) -> dt.date | None:
    """The latest purchase of the base (None without any)."""
    dates = result.features["date_dernier_achat"] if "date_dernier_achat" in result.features else None
    if dates is None:
        return None
    newest = pd.to_datetime(dates, errors="coerce").max()
    return None if pd.isna(newest) else newest.date()


def stale_date_note(result, how: Callable[[dt.date], str], title: dt.date | None = None) -> str | None:
    """The French sentence when the newest purchase is far before the analysis date, else None.

    ``title``: a date found in a title row; suggested when it falls between the
    newest purchase and the analysis date (the export's own date).
    """
    newest = newest_purchase(result)
    analysis = result.analysis_date
    if newest is None or analysis is None:
        return None
    gap = (analysis - newest).days
    if gap <= result.settings.ecart_date_analyse:
        return None
    if title is not None and newest <= title < analysis:
        suggestion, why = title, f"la date du titre du fichier, {title:%d/%m/%Y}"
    else:
        suggestion, why = newest, f"la date du dernier achat, {newest:%d/%m/%Y}"
    return (f"Le dernier achat du fichier date du {newest:%d/%m/%Y}, {gap} jours avant la date d'analyse "
            f"({analysis:%d/%m/%Y}) : toutes les récences en sont allongées et des clients actifs paraissent "
            f"perdus. Si le fichier est un export plus ancien, analysez à {why} : {how(suggestion)}.")


def add_stale_date_note(result, how: Callable[[dt.date], str], title: dt.date | None = None,
                        sheet: str | None = None) -> str | None:
    """Put :func:`stale_date_note` first in ``result.warnings`` and in ``result.issues``; returns it."""
    note = stale_date_note(result, how, title)
    if note is not None:
        result.warnings.insert(0, note)
        result.issues.append(Issue(CODE, note, WARNING, sheet, None, None, None))
    return note
