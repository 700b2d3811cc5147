"""Exceptions of segmenter-pme.

Front ends (CLI, ribbon, cell functions) catch :class:`SegmenterError` only and
show its French message; anything else is a bug.
"""

from __future__ import annotations


class SegmenterError(Exception):
    """Base of every error a user can cause. ``str(err)`` is a French sentence."""

    def __init__(self, message: str, *, issues: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: the :class:`segmenter_pme.problems.Issue` records behind the error, if any
        self.issues = list(issues or [])

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class InputDataError(SegmenterError):
    """The user's data cannot be used as it is (missing column, bad value...)."""


class MissingColumnError(InputDataError):
    """A column the analysis needs is not in the sheet."""


class SettingsError(SegmenterError):
    """A value of the settings (``Paramètres``) is wrong."""


class WorkbookError(SegmenterError):
    """The file cannot be opened, read or written as a workbook."""


class WorkbookLockedError(WorkbookError):
    """The workbook is open in Excel (lock file ``~$NAME`` present)."""


class AddinError(SegmenterError):
    """Building or installing the Excel add-in failed."""
