"""What every ``segmenter`` sub-command shares (kept apart from cli.py to avoid an import cycle)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer


class State:
    """Options of the root command (``segmenter --quiet …``), read by every sub-command's module."""

    quiet = False


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


def parse_columns(values: Optional[list[str]]) -> dict[str, str]:
    """``--colonne "CA total=Montant TTC"`` (repeatable) → canonical field → the user's header."""
    from .fields import CLIENT_FIELDS
    from .headers import field_of_label

    out: dict[str, str] = {}
    for value in values or ():
        label, sep, header = value.partition("=")
        if not sep or not label.strip() or not header.strip():
            raise typer.BadParameter(f"« {value} » : écrivez CHAMP=EN-TÊTE, par exemple --colonne \"CA total=Montant TTC\".")
        field = field_of_label(label)
        if field is None:
            known = ", ".join(f.label for f in CLIENT_FIELDS[:12])
            raise typer.BadParameter(f"champ « {label.strip()} » inconnu. Champs possibles : {known}, Date facture, "
                                     "Montant HT, Montant TTC…")
        out[field] = header.strip()
    return out


# options shared by run, audit and nettoyer: one wording, one place
FICHIER = typer.Argument(..., help="Classeur .xlsx / .xlsm ou export .csv (séparateur ;).")
DATE = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                    help="Date d'analyse (sinon « Paramètres » ou la date du jour).")
COLONNE = typer.Option(None, "--colonne", metavar='"CHAMP=EN-TÊTE"',
                       help='Colonne à utiliser pour un champ, si la détection se trompe : --colonne "CA total=Montant '
                            'TTC" (répétable). Enregistrée dans « Paramètres » du classeur écrit.')
