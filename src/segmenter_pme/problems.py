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


def shown(v: Any) -> Any:
    """A cell's value as a message quotes it: « -3 », not « -3.0 »; a time alone as the date Excel gives it."""
    import datetime as dt

    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.time):
        # Excel's day 0 (a time without a date, or a date typed as 31/12/1899) is 31/12/1899
        return "31/12/1899" + ("" if v == dt.time(0) else f" {v:%H:%M}")
    return v


def value_issues(
    code: str,
    mask: pd.Series,
    values: pd.Series,
    *,
    sheet: str | None,
    column: str | None,
    message: str,
    severity: str = WARNING,
    limit: int = 200,
) -> list[Issue]:
    """One issue per flagged row (up to ``limit``), then one issue counting the rest.

    ``message`` may use ``{value}`` and ``{row}``.
    """
    rows = mask[mask.fillna(False).astype(bool)].index
    out = []
    for row in rows[:limit]:
        v = values.at[row]
        out.append(Issue(code, message.format(value=shown(v), row=row), severity, sheet, column, row, v))
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
