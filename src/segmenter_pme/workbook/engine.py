"""A run on a file (``segmenter segmente``): check the paths, take the file's lock, do the Excel or the CSV job.

The jobs are :mod:`.excel_job` (a workbook updated in place) and :mod:`.csv_job`
(a new workbook beside the export); :mod:`.run_steps` holds what they share.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import WorkbookError
from . import files
from .csv_job import run_csv
from .excel_job import run_excel
from .run_steps import Progress, RunReport, default_output

__all__ = ["Progress", "RunReport", "default_output", "run"]


def _noop(_: str) -> None:
    pass


def run(path: Path | str, output: Path | str | None = None, *, analysis_date: dt.date | None = None,
        sheet: str | None = None, progress: Progress | None = None, backup: bool = True,
        columns: dict[str, str] | None = None) -> RunReport:
    """Segment the clients of ``path`` (.xlsx, .xlsm or French .csv) and save the workbook.

    Without ``output`` an Excel input is updated in place (the previous version
    kept as ``NOM.sauvegarde.xlsx``) and a CSV gives ``NOM.xlsx`` beside it.
    ``columns``: canonical field → the user's header (``--colonne``), over
    « Paramètres »' choices and kept there.
    """
    path = Path(path)
    progress = progress or _noop
    kind = files.file_kind(path)
    target = Path(output) if output is not None else default_output(path)
    if output is not None and target.is_dir():
        example = files.shell_quote(target / default_output(Path(path.name)).name)
        raise WorkbookError(
            f"« {target} » est un dossier : l'option -o attend le nom du classeur à écrire, par exemple : "
            f"segmenter segmente {files.shell_quote(path)} -o {example}"
        )
    if kind == "csv" and sheet is not None:
        raise WorkbookError(
            f"« {path.name} » est un fichier CSV : il ne contient qu'un seul tableau, l'option --feuille ne "
            "s'applique qu'à un classeur Excel. Relancez sans --feuille."
        )
    if target.suffix.lower() not in files.EXCEL_SUFFIXES:
        raise WorkbookError(
            f"Le fichier de sortie « {target.name} » doit avoir l'extension .xlsx (ou .xlsm pour garder les macros)."
        )
    if target.suffix.lower() == ".xlsm" and kind != "xlsm":
        raise WorkbookError(
            f"« {target.name} » : l'extension .xlsm est réservée aux classeurs avec macros ; "
            f"« {path.name} » n'en a pas. Choisissez un nom en .xlsx."
        )
    if kind != "csv":
        files.check_not_open(path)
    files.check_not_open(target)
    if output is not None and not target.parent.exists():
        try:
            target.parent.mkdir(parents=True)
        except OSError as err:
            raise WorkbookError(f"Impossible de créer le dossier « {target.parent} » : {files.os_reason(err)}.") from None
    # one run at a time on a file: a second one would back up the first one's output, losing the original
    with files.run_lock(path, target):
        if kind == "csv":
            return run_csv(path, target, analysis_date, progress, backup, explicit=output is not None,
                            columns=columns)
        from . import formula_template

        if formula_template.is_formula_template_file(path):
            # this workbook segments itself: its formulas are checked against Python, never replaced
            return formula_template.run_report(path, analysis_date)
        return run_excel(path, target, kind, analysis_date, sheet, progress, backup, columns)
