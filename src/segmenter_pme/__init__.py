"""segmenter-pme: client segmentation (RFM, Petits/Moyens/Gros, secteur, taille,
région) for French SMEs, from an Excel file or a billing-software export."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    InputDataError,
    MissingColumnError,
    SegmenterError,
    SettingsError,
    WorkbookError,
    WorkbookLockedError,
)
from .settings import Settings  # noqa: E402


def __getattr__(name: str):
    # segment() pulls in the whole core; keep `import segmenter_pme` light for the CLI and the add-in
    if name in ("segment", "SegmentationResult"):
        from . import pipeline, result

        return {"segment": pipeline.segment, "SegmentationResult": result.SegmentationResult}[name]
    if name in ("history", "HistoryResult"):
        from . import history_result, timeline

        return {"history": timeline.history, "HistoryResult": history_result.HistoryResult}[name]
    raise AttributeError(name)


__all__ = [
    "segment",
    "history",
    "Settings",
    "SegmentationResult",
    "HistoryResult",
    "SegmenterError",
    "InputDataError",
    "MissingColumnError",
    "SettingsError",
    "WorkbookError",
    "WorkbookLockedError",
]
