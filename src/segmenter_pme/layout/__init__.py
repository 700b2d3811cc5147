"""The report sheets (Synthèse, Plan d'actions, Fiches segments, Priorités de la semaine, Qualité,
Paramètres, Mode d'emploi).

Each sheet is built as data (:mod:`.model`, by the ``build_*`` functions), placed
by :mod:`.placement` and written by a renderer — :mod:`.render_openpyxl` here, the
xlwings one in the add-in. The workbook engine only needs the four functions
below.

    write_report_sheets(wb, result, audit=None)  # every report sheet but Mode d'emploi
    write_settings_sheet(wb, settings)           # Paramètres only (a fresh template)
    read_settings(wb) -> Settings | None         # None when there is no Paramètres sheet
    write_mode_emploi(wb)

Every sheet is rebuilt in place (same name, same position); a second run never
adds a copy. The user's texts of « Plan d'actions » are read first and kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from .placement import plan
from .render_plan import RenderPlan, format_ranges, value_blocks
from .evolution import SHEET as EVOLUTION
from .evolution import build_evolution
from .fiches import SHEET as FICHES
from .fiches import build_fiches
from .priorites import SHEET as PRIORITES
from .priorites import build_priorites
from .mode_emploi import build_mode_emploi
from .model import SheetLayout
from .ownership import SHEET_TITLES, check_our_sheets, foreign_sheet_error, is_our_sheet
from .parametres import SHEET as PARAMETRES
from .parametres import build_parametres
from .parametres import read_settings as read_settings_rows
from .plan_actions import SHEET as PLAN_ACTIONS
from .plan_actions import build_plan_actions, merge_action_plan, rows_from_values
from .qualite import SHEET as QUALITE
from .qualite import AuditReport, build_qualite
from .synthese import SHEET as SYNTHESE
from .synthese import build_synthese

if TYPE_CHECKING:  # openpyxl stays out of the import path of the xlwings side
    from openpyxl.workbook.workbook import Workbook

    from ..history_result import HistoryResult
    from ..result import SegmentationResult
    from ..settings import Settings

REPORT_SHEETS = (SYNTHESE, PLAN_ACTIONS, FICHES, PRIORITES, QUALITE, PARAMETRES)


def build_report_layouts(
    result: "SegmentationResult",
    audit: AuditReport | None = None,
    *,
    existing_plan: list[dict] = (),
    locate: Callable[[str, str | None], str | None] | None = None,
    history: "HistoryResult | None" = None,
    clients_sheet: str = "Clients",
    key_col: str = "A",
) -> list[SheetLayout]:
    """The report layouts, in sheet order — what every renderer draws.

    With ``history`` (:func:`segmenter_pme.history`), « Évolution » follows
    « Synthèse », whose « Ce qui a changé » block links to it.
    """
    layouts = [build_synthese(result, changes=_changes(history))]
    if history is not None:
        layouts.append(build_evolution(history, result, clients_sheet=clients_sheet, key_col=key_col))
    return layouts + [
        build_plan_actions(result, existing_plan),
        build_fiches(result, existing_plan),
        build_priorites(result),
        build_qualite(result.issues, audit, locate=locate, analysis_date=result.analysis_date),
        build_parametres(result.settings),
    ]


def _changes(history: "HistoryResult | None") -> tuple[str, list[str]] | None:
    if history is None:
        return None
    when = "ce mois-ci" if history.period_kind == "mois" else "ce trimestre"
    return when, list(history.changes)


def _header_locator(wb: "Workbook") -> Callable[[str, str | None], str | None]:
    """``locate(sheet, header)`` → column letter of ``header`` in the first 30 rows of ``sheet``.

    ``None`` when the workbook has no such sheet, ``""`` when the header is not found.
    """
    from openpyxl.utils import get_column_letter

    cache: dict[str, dict[str, str]] = {}

    def locate(sheet: str, header: str | None) -> str | None:
        if sheet not in wb.sheetnames:
            return None
        if header is None:
            return "A"
        if sheet not in cache:
            found: dict[str, str] = {}
            ws = wb[sheet]
            if not hasattr(ws, "iter_rows"):  # chartsheet
                cache[sheet] = found
            else:
                for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
                    for cell in row:
                        if isinstance(cell.value, str) and cell.value.strip():
                            found.setdefault(cell.value.strip(), get_column_letter(cell.column))
                cache[sheet] = found
        return cache[sheet].get(str(header).strip(), "")

    return locate


def existing_plan_rows(wb: "Workbook") -> list[dict]:
    if PLAN_ACTIONS not in wb.sheetnames:
        return []
    return rows_from_values(wb[PLAN_ACTIONS].iter_rows(values_only=True))


def write_report_sheets(wb: "Workbook", result: "SegmentationResult", audit: AuditReport | None = None, *,
                        history: "HistoryResult | None" = None, clients_sheet: str = "Clients",
                        key_col: str = "A") -> None:
    """Create or refresh Synthèse, (Évolution,) Plan d'actions, Qualité and Paramètres in ``wb`` (openpyxl)."""
    from .render_openpyxl import render

    layouts = build_report_layouts(result, audit, existing_plan=existing_plan_rows(wb), locate=_header_locator(wb),
                                   history=history, clients_sheet=clients_sheet, key_col=key_col)
    new_evolution = EVOLUTION not in wb.sheetnames
    for layout in layouts:
        render(wb, layout)
    if history is not None and new_evolution and SYNTHESE in wb.sheetnames:
        # a first run with history: the dashboard sits right after the Synthèse, not at the end
        wb.move_sheet(EVOLUTION, wb.sheetnames.index(SYNTHESE) + 1 - wb.sheetnames.index(EVOLUTION))


def write_settings_sheet(wb: "Workbook", settings: "Settings") -> None:
    from .render_openpyxl import render

    render(wb, build_parametres(settings))


def write_mode_emploi(wb: "Workbook") -> None:
    from .render_openpyxl import render

    render(wb, build_mode_emploi())


def read_settings(wb: "Workbook") -> "Settings | None":
    """Settings of the « Paramètres » sheet, None when the workbook has none.

    Raises :class:`~segmenter_pme.errors.SettingsError` naming the cell of a wrong value.
    """
    if PARAMETRES not in wb.sheetnames:
        return None
    ws = wb[PARAMETRES]
    if not is_our_sheet(PARAMETRES, ws.iter_rows(values_only=True)):
        raise foreign_sheet_error(PARAMETRES)
    return read_settings_rows(ws.iter_rows(values_only=True))


__all__ = [
    "AuditReport",
    "FICHES",
    "PRIORITES",
    "EVOLUTION",
    "build_evolution",
    "REPORT_SHEETS",
    "RenderPlan",
    "SHEET_TITLES",
    "SheetLayout",
    "build_mode_emploi",
    "build_parametres",
    "build_plan_actions",
    "build_qualite",
    "build_report_layouts",
    "build_synthese",
    "check_our_sheets",
    "foreign_sheet_error",
    "is_our_sheet",
    "existing_plan_rows",
    "format_ranges",
    "merge_action_plan",
    "plan",
    "read_settings",
    "read_settings_rows",
    "rows_from_values",
    "value_blocks",
    "write_mode_emploi",
    "write_report_sheets",
    "write_settings_sheet",
]
