"""Audit and cleaning of a workbook or CSV file: read with the workbook engine, write a cleaned copy.

- :func:`audit_file` reads the client table (and the invoice lines, if any) and
  returns the :class:`~segmenter_pme.audit.report.AuditReport`; with ``output``
  it also writes a copy of the workbook with the « Qualité » sheet.
- :func:`clean_file` writes a cleaned copy — never the input: in the client
  sheet the kept rows move up (merged values and Excel repairs written in), and
  every row taken out goes to « Archives » with the reason and the row it was
  merged into. Running it again appends to the same « Archives ».

Reading is :mod:`.audit_load`; the copy (open, cells, save) :mod:`.audit_copy`;
the client sheet rewritten :mod:`.clean_sheet`, « Archives » :mod:`.archives`,
a big sheet streamed :mod:`.clean_fast`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..audit.clean import CleanResult, clean
from ..audit.report import AuditReport
from ..audit.sheet import audit_prepared
from . import files
from .archives import append_archives
from .audit_copy import check_output, default_clean_output, open_copy, save_copy
from .audit_load import LoadedBase, load_base
from .clean_fast import clean_streamed, scan_sheet
from .clean_sheet import client_formulas, other_sheets_notes, rewrite_clients

#: from this many client rows, the cleaned sheet and « Archives » are streamed
#: into the saved file instead of going cell by cell through openpyxl
FAST_ROWS = 20_000


@dataclass
class CleanRun:
    """What :func:`clean_file` did."""

    input: Path
    output: Path
    report: AuditReport
    result: CleanResult
    kept: int
    archived: int
    #: the previous version of ``output``, saved before it was replaced (``NOM.nettoye.sauvegarde.xlsx``)
    backup: Path | None = None
    #: what could not be kept as it was (« Attention : … » sentences): formulas turned into values…
    notes: list[str] = field(default_factory=list)


def _audit(base: LoadedBase) -> AuditReport:
    report = audit_prepared(base.prepared, base.settings, derived_from=base.invoices_sheet,
                            advice="both" if "Paramètres" in base.sheets else "cli")
    report.source_lines = base.source_lines
    report.control_notes = list(base.control_notes)
    return report


def audit_file(path: Path | str, *, sheet: str | None = None, analysis_date: dt.date | None = None,
               output: Path | str | None = None, columns: dict[str, str] | None = None
               ) -> tuple[AuditReport, Path | None]:
    """Audit the client table of ``path``; with ``output``, write a copy with the « Qualité » sheet.

    An existing ``output`` is first saved as ``NOM.sauvegarde.xlsx`` (:func:`files.backup_path`).
    """
    base = load_base(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    report = _audit(base)
    written = None
    if output is not None:
        target = check_output(base.path, Path(output), audit=True)
        from ..layout import QUALITE, check_our_sheets

        # the copy gets our « Qualité »: a sheet of the user's with that name is not replaced (as `run` refuses)
        check_our_sheets(base.heads, [QUALITE])
        with files.run_lock(base.path, target):
            wb = open_copy(base, target)
            _write_qualite(wb, base, report)
            save_copy(wb, target, backup=True)
        written = target
    return report, written


def clean_file(path: Path | str, output: Path | str | None = None, *, sheet: str | None = None,
               analysis_date: dt.date | None = None, threshold: float | None = None,
               archive_inactive: bool = True, columns: dict[str, str] | None = None) -> CleanRun:
    """Write a cleaned copy of ``path`` (default ``NOM.nettoye.xlsx``); the input is never modified."""
    base = load_base(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    target = check_output(base.path, Path(output) if output is not None else default_clean_output(base.path))
    if threshold is not None:
        # the audit's pairs must reach down to the threshold asked on the command line
        base.settings = base.settings.replace(seuil_doublons=threshold)
    report = _audit(base)
    p = base.prepared
    result = clean(p.clients, pairs=report.pairs, repairs=report.repairs, settings=base.settings,
                   threshold=threshold, archive_inactive=archive_inactive, derived=p.derived)
    # what the reading set aside (a Total row, empty extra CSV fields): the copy has no « Qualité » to say it
    # (long cells: said once, by the reading's sentence among the control notes)
    notes: list[str] = [f"{n.where()[:1].upper()}{n.where()[1:]} : {n.message}" if n.where() else n.message
                        for n in base.data.notes if n.code != "cellule_trop_longue"]
    notes += ["Attention : " + n for n in base.control_notes]
    with files.run_lock(base.path, target):
        scan = scan_sheet(base) if len(p.clients) >= FAST_ROWS else None
        if scan is not None:
            backup = clean_streamed(base, result, target, scan)
        else:
            wb = open_copy(base, target)
            cell_formulas = client_formulas(wb, base)
            removed = rewrite_clients(wb, base, result, cell_formulas, notes)
            append_archives(wb, base, result, cell_formulas, removed)
            backup = save_copy(wb, target, backup=True)
    if base.kind != "csv":
        notes += other_sheets_notes(base, result)
    return CleanRun(input=base.path, output=target, report=report, result=result,
                    kept=len(result.clients), archived=len(p.clients) - len(result.clients),
                    backup=backup, notes=notes)



def _write_qualite(wb, base: LoadedBase, report: AuditReport) -> None:
    from openpyxl.utils import get_column_letter

    from ..layout.qualite import build_qualite
    from ..layout.render_openpyxl import render

    header_col = {h: get_column_letter(c) for h, c in base.data.columns.items()}

    def locate(sheet: str, header: str | None) -> str | None:
        if sheet not in wb.sheetnames:
            return None
        if header is None:
            return "A"
        return header_col.get(header, "") if sheet == base.data.sheet else ""

    # what the reading set aside (a Total row, empty extra CSV fields) is said with the audit's findings
    render(wb, build_qualite(base.data.notes, report, locate=locate, analysis_date=report.analysis_date))

