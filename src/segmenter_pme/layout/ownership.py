"""Which sheets named like ours were written by segmenter (and may be rebuilt).

Sheets are matched by name *and* by the title our layout writes at the top
(row 1, column A or B): a sheet of the user's that happens to be called
« Synthèse » or « Paramètres » is never replaced nor read as our settings.
An empty sheet holds nothing to lose and counts as ours.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..errors import WorkbookError
from .evolution import SHEET as EVOLUTION
from .fiches import SHEET as FICHES
from .fiches import TITLE as FICHES_TITLE
from .historique import SHEET as HISTORIQUE
from .historique import TITLE as HISTORIQUE_TITLE
from .mode_emploi import SHEET as MODE_EMPLOI
from .priorites import SHEET as PRIORITES
from .priorites import TITLE as PRIORITES_TITLE
from .parametres import SHEET as PARAMETRES
from .plan_actions import SHEET as PLAN_ACTIONS
from .qualite import SHEET as QUALITE
from .synthese import SHEET as SYNTHESE
from ..blank import is_blank

#: the title each builder writes first (tests/test_workbook_qa.py checks them against the builders)
SHEET_TITLES = {
    SYNTHESE: "Synthèse de la segmentation clients",
    PLAN_ACTIONS: "Plan d'actions par segment",
    FICHES: FICHES_TITLE,
    PRIORITES: PRIORITES_TITLE,
    QUALITE: "Qualité des données",
    PARAMETRES: "Paramètres de l'analyse",
    MODE_EMPLOI: "Mode d'emploi",
    EVOLUTION: "Évolution des segments dans le temps",
    HISTORIQUE: HISTORIQUE_TITLE,
}

_TOP_ROWS = 3
_TOP_COLS = 3


def is_our_sheet(name: str, rows: Iterable[Iterable[Any]]) -> bool:
    """Whether the sheet ``name`` (its values from A1, row by row) is one segmenter wrote.

    True when its title is ours (in the first rows, columns A to C) or when the
    sheet is empty; a name that is not one of our sheets is never ours.
    """
    title = SHEET_TITLES.get(name)
    if title is None:
        return False
    empty = True
    for i, row in enumerate(rows):
        cells = list(row or ())
        if i < _TOP_ROWS and any(isinstance(v, str) and v.strip() == title for v in cells[:_TOP_COLS]):
            return True
        if empty and any(not is_blank(v) for v in cells):
            empty = False
        if i >= _TOP_ROWS and not empty:
            return False
    return empty


def foreign_sheet_error(name: str, *others: str) -> WorkbookError:
    if not others:
        return WorkbookError(
            f"La feuille « {name} » existe déjà dans votre classeur et n'a pas été créée par segmenter : "
            f"renommez-la (par exemple « {name} (perso) ») puis relancez."
        )
    names = [f"« {n} »" for n in (name, *others)]
    listed = ", ".join(names[:-1]) + " et " + names[-1]
    return WorkbookError(
        f"Les feuilles {listed} existent déjà dans votre classeur et n'ont pas été créées par segmenter : "
        f"renommez-les (par exemple « {name} (perso) ») puis relancez."
    )


def check_our_sheets(values: Mapping[str, Iterable[Iterable[Any]]], names: Iterable[str] | None = None) -> None:
    """Refuse (:class:`WorkbookError`) when a sheet named like one of ours (``names``) is the user's.

    ``values`` maps each sheet name to its rows of values from A1 (calamine,
    xlwings or openpyxl ``iter_rows(values_only=True)``).
    """
    folded = {str(n).casefold(): n for n in values}
    foreign = []
    for name in (SYNTHESE, PLAN_ACTIONS, FICHES, PRIORITES, QUALITE, PARAMETRES, MODE_EMPLOI) if names is None else names:
        actual = folded.get(name.casefold())
        if actual is None:
            continue
        # Excel sheet names ignore case: « SYNTHÈSE » would clash with ours, and is not ours
        if actual != name or not is_our_sheet(name, values[actual]):
            foreign.append(actual)
    if foreign:  # all of them at once: one rename round, not one per run
        raise foreign_sheet_error(*foreign)
