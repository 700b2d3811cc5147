"""What every ``segmenter`` sub-command shares (kept apart from cli.py to avoid an import cycle)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer


def parse_date(value: Optional[str]) -> Optional[dt.date]:
    """``--date`` as AAAA-MM-JJ or JJ/MM/AAAA; anything else is a usage error (exit 2)."""
    if value is None:
        return None
    from .settings import DATE_ANALYSE_MAX, DATE_ANALYSE_MIN

    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            date = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not DATE_ANALYSE_MIN <= date <= DATE_ANALYSE_MAX:
            raise typer.BadParameter(f"date « {value} » hors limites : choisissez une date entre le "
                                     f"{DATE_ANALYSE_MIN:%d/%m/%Y} et le {DATE_ANALYSE_MAX:%d/%m/%Y}.")
        return date
    raise typer.BadParameter(f"date « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2025-12-31.")


# options shared by run, audit and nettoyer: one wording, one place
FICHIER = typer.Argument(..., help="Classeur .xlsx / .xlsm ou export .csv (séparateur ;).")
DATE = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                    help="Date d'analyse (sinon « Paramètres » ou la date du jour).")
