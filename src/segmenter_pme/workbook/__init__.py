"""Workbook engine: read a client workbook or a French CSV, write our columns and sheets, save safely.

Public entry points:

* :func:`run` — the whole job on a file (``segmenter segmente``);
* :func:`build_template` / :func:`build_demo_workbook` — the files of ``workbook_templates/``;
* :mod:`.files` — file-type checks, Excel lock file, atomic save with backup.
"""

from __future__ import annotations

from .engine import RunReport, default_output, run
from .files import backup_path, check_not_open, file_kind, lock_files
from .templates import build_demo_workbook, build_template

__all__ = [
    "RunReport",
    "run",
    "default_output",
    "build_template",
    "build_demo_workbook",
    "backup_path",
    "check_not_open",
    "file_kind",
    "lock_files",
]
