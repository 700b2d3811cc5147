"""Problems as data: every issue found while reading or analysing the data.

An :class:`Issue` has a stable ``code`` (for tests, filters and docs), where it is
(sheet, column, row — the row is the label of the frame's index, which the
workbook engine sets to the Excel row number), the offending value and a French
message saying what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

ERROR = "erreur"
WARNING = "avertissement"
INFO = "info"

# summary categories of the audit (« Qualité »), in the order it shows them
DUPLICATES, INACTIVE, COMPLETENESS, INVALID, EXCEL_DAMAGE = (
    "Doublons", "Clients inactifs", "Complétude", "Valeurs invalides", "Dégâts Excel")
CATEGORIES = (DUPLICATES, INACTIVE, COMPLETENESS, INVALID, EXCEL_DAMAGE)


@dataclass(frozen=True)
class Kind:
    """What a problem code means wherever it is shown.

    - ``category``: the audit's summary category, ``None`` for a remark only the analysis makes;
    - ``severity``: the severity « Qualité » shows when the audit lists the code (a remark of the
      analysis carries the severity it was raised with);
    - ``action``: what to do about a value the analysis cannot read (audit problems built from
      checks carry their own action, written where they are found);
    - ``notable``: repeated, once for the whole file, in the summary of a run;
    - ``scored``: a wrong value, counted in its category's score; ``False`` for a value read but worth
      checking (a two-digit year, a code without its zeros): listed, said apart, never lowering the score;
    - ``label``: how the audit's summary counts it, in the plural (« dates illisibles : 3 »), for the
      codes of « Valeurs invalides ».
    """

    category: str | None = None
    severity: str = WARNING
    action: str | None = None
    notable: bool = False
    scored: bool = True
    label: str | None = None


#: every problem code raised anywhere (tests/test_problem_codes.py checks the sources against it)
CATALOGUE: dict[str, Kind] = {
    # the audit
    "doublon": Kind(DUPLICATES),
    "doublon_possible": Kind(DUPLICATES, INFO),
    "client_inactif": Kind(INACTIVE, INFO),
    "champ_manquant": Kind(COMPLETENESS),
    "colonne_absente": Kind(COMPLETENESS),
    "siren_invalide": Kind(INVALID, label="SIREN"),
    "siret_invalide": Kind(INVALID, label="SIRET"),
    "email_invalide": Kind(INVALID, label="e-mails"),
    "code_postal_invalide": Kind(INVALID, label="codes postaux"),
    "date_future": Kind(INVALID, label="dates futures"),
    "dates_inversees": Kind(INVALID, label="dates inversées"),
    "ca_negatif": Kind(INVALID, label="CA négatifs"),
    "commandes_incoherentes": Kind(INVALID, label="nombres de commandes contredits par les factures"),
    # what Excel damaged and « Nettoyer » repairs is information
    "code_postal_zero_perdu": Kind(EXCEL_DAMAGE, INFO),
    "siret_nombre": Kind(EXCEL_DAMAGE, INFO),
    "siren_nombre": Kind(EXCEL_DAMAGE, INFO),
    "date_texte": Kind(EXCEL_DAMAGE, INFO),
    # values the analysis cannot read (parsing/), listed by the audit too
    "date_illisible": Kind(INVALID, label="dates illisibles",
                           action="Saisissez la date au format JJ/MM/AAAA (ou comme une date Excel)."),
    "date_impossible": Kind(INVALID, label="dates impossibles",
                            action="Corrigez la date : ce jour n'existe pas (jour et mois inversés ?)."),
    # read (as Excel reads it) but perhaps not the year meant: a warning, listed by the audit too
    "date_annee_deux_chiffres": Kind(INVALID, label="dates à l'année sur deux chiffres", scored=False,
                                     action="Vérifiez l'année ; saisissez la date avec l'année sur quatre "
                                            "chiffres (JJ/MM/AAAA)."),
    # a code typed as a number and the same code with its leading zeros typed as text: two clients, never merged
    "code_zeros_perdus": Kind(INVALID, label="codes client sans leurs zéros", scored=False,
                              action="Si c'est le même client, ressaisissez ce code avec ses zéros dans une "
                                     "cellule au format Texte (ou précédé d'une apostrophe : '0007), puis "
                                     "relancez ; sinon, rien à faire : ce sont bien deux clients."),
    # a date cell before 01/03/1900: a number typed in a date column, perhaps Excel's 29/02/1900 (serial 60)
    "date_avant_1900": Kind(INVALID, label="dates d'avant le 01/03/1900",
                            action="Saisissez la vraie date au format JJ/MM/AAAA."),
    "montant_illisible": Kind(INVALID, label="montants illisibles",
                              action="Saisissez un montant en chiffres, par exemple 1 234,56."),
    "nombre_illisible": Kind(INVALID, label="nombres de commandes illisibles",
                             action="Saisissez un nombre entier de commandes."),
    "nombre_negatif": Kind(INVALID, label="nombres de commandes négatifs",
                           action="Saisissez un nombre de commandes positif (0 pour un prospect)."),
    "nombre_decimal": Kind(INVALID, label="nombres de commandes non entiers",
                           action="Saisissez un nombre entier de commandes."),
    # remarks of the analysis only (canonical.py, pipeline.py, workbook/reader.py, workbook/control_chars.py,
    # workbook/long_cells.py, campaigns.py)
    "ligne_sans_client": Kind(notable=True),
    "document_hors_vente": Kind(notable=True),
    "commandes_manquantes": Kind(notable=True),
    "ca_manquant": Kind(notable=True),
    "montant_ttc_utilise": Kind(notable=True),
    "date_manquante": Kind(),
    "date_dernier_achat_manquante": Kind(),
    "achat_apres_date_analyse": Kind(),
    "ligne_total": Kind(),
    "ligne_trop_longue": Kind(),
    "caractere_controle": Kind(),
    "cellule_trop_longue": Kind(),
    "siren_tronque": Kind(),
    "siret_tronque": Kind(),
    "siren_format": Kind(),
    "siret_format": Kind(),
    "campagne_invalide": Kind(),
}


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    severity: str = WARNING
    sheet: str | None = None
    column: str | None = None
    row: Any = None
    value: Any = None
    count: int = 1

    def where(self) -> str:
        """French location, e.g. ``feuille « Clients », colonne « CA total », ligne 12``."""
        parts = []
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return asdict(self)


#: the most characters of a text a message quotes (a cell may hold 32 767: a message is not its copy)
QUOTED_MAX = 200


def quoted(text: str, limit: int = QUOTED_MAX) -> str:
    """``text``, or its first ``limit`` characters and « … » when it is longer."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def shown(v: Any) -> Any:
    """A cell's value as a message quotes it: « -3 », not « -3.0 »; a time alone as the date Excel gives it; a
    long text by its start (:func:`quoted`)."""
    import datetime as dt

    if isinstance(v, str):
        return quoted(v)

    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.time):
        # Excel's day 0 (a time without a date, or a date typed as 31/12/1899) is 31/12/1899
        return "31/12/1899" + ("" if v == dt.time(0) else f" {v:%H:%M}")
    return v


#: rows :func:`value_issues` names one by one; the others are counted in one remark
ROWS_NAMED = 200


def value_issues(
    code: str,
    mask: pd.Series,
    values: pd.Series,
    *,
    sheet: str | None,
    column: str | None,
    message: str,
    severity: str = WARNING,
    limit: int = ROWS_NAMED,
    details: pd.Series | None = None,
) -> list[Issue]:
    """One issue per flagged row (up to ``limit``), then one issue counting the rest.

    ``message`` may use ``{value}``, ``{row}`` and ``{detail}`` (the row's value in ``details``, needed for
    the first ``limit`` flagged rows only).
    """
    rows = mask[mask.fillna(False).astype(bool)].index
    out = []
    for row in rows[:limit]:
        v = values.at[row]
        detail = details.at[row] if details is not None else ""
        out.append(Issue(code, message.format(value=shown(v), row=row, detail=detail), severity, sheet, column, row, v))
    if len(rows) > limit:
        out.append(
            Issue(
                code,
                f"… et {len(rows) - limit} autres lignes avec le même problème.",
                severity,
                sheet,
                column,
                None,
                None,
                len(rows) - limit,
            )
        )
    return out
