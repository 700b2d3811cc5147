"""Data audit (« Auditer ») and cleaning (« Nettoyer ») of a client base.

Library entry points, on client frames with canonical columns whose index labels
are Excel row numbers:

- :func:`audit` → :class:`AuditReport` (``summary``, ``problems`` for the
  « Qualité » sheet; ``duplicates``, ``pairs``, ``inactive``, ``completeness``,
  ``repairs``);
- :func:`clean` → :class:`CleanResult` (cleaned table, « Archives », merges);
  :func:`restore` rebuilds the original rows from it.
"""

from .clean import CleanResult, clean, restore
from .report import AuditReport, audit

__all__ = ["AuditReport", "CleanResult", "audit", "clean", "restore"]
