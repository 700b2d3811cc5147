"""« Historique »: one snapshot of the base per analysis, when there are no invoice lines (SPEC §8).

Each run appends the snapshot at its analysis date (a rerun at the same date
replaces those rows, never duplicates them); the next run reads them back and
passes them to :func:`segmenter_pme.history` as ``snapshots``. The sheet is
ours: title, one note, then a header row and the rows, as the Excel Table
``tbl_historique`` (for the user's pivot tables).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Sequence

import pandas as pd

from ..history_result import SNAPSHOT_COLUMNS
from ..blank import is_blank
from ..parsing import parse_dates

SHEET = "Historique"
TITLE = "Historique des analyses"
NOTE = ("Une photo de la base à chaque analyse (sans lignes de factures, c'est la mémoire des mouvements "
        "entre segments). Ne modifiez pas ces lignes ; une nouvelle analyse à la même date remplace les siennes.")
#: French header of each stored column, in SNAPSHOT_COLUMNS order
HEADERS = ("Date d'analyse", "Client", "Segment RFM", "Segment PMG", "Score R", "Score F", "Score M", "CA total",
           "Nombre commandes", "Date dernier achat")
HEADER_ROW = 3
TABLE_NAME = "tbl_historique"
FORMATS = {"Date d'analyse": "dd/mm/yyyy", "Date dernier achat": "dd/mm/yyyy", "CA total": '#,##0.00 "€"',
           "Nombre commandes": "#,##0", "Score R": "0", "Score F": "0", "Score M": "0", "Client": "@"}
WIDTHS = {"Date d'analyse": 13, "Client": 28, "Segment RFM": 18, "Segment PMG": 13, "CA total": 14,
          "Nombre commandes": 11, "Date dernier achat": 13}


def read_snapshots(rows: Iterable[Sequence[Any]]) -> pd.DataFrame | None:
    """The stored snapshots (columns :data:`SNAPSHOT_COLUMNS`), None when the sheet has no header row of ours.

    The header row is found by its texts (the first 10 rows), so a user who
    inserted a line above it loses nothing; reading stops at the first empty row.
    """
    rows = [list(r or ()) for r in rows]
    header = None
    for i, cells in enumerate(rows[:10]):
        texts = [str(v).strip() if isinstance(v, str) else v for v in cells]
        if all(h in texts for h in HEADERS):
            header = i
            cols = [texts.index(h) for h in HEADERS]
            break
    if header is None:
        return None
    records = []
    for cells in rows[header + 1:]:
        if all(is_blank(v) for v in cells):
            break
        records.append([cells[c] if c < len(cells) else None for c in cols])
    frame = pd.DataFrame(records, columns=list(SNAPSHOT_COLUMNS))
    # a date the analysis cannot hold (past 11/04/2262) is dropped as an unreadable one, never wrapped round
    # read by the one rule of dates (a text « 15/03/36 » is 1936, as Excel reads it); the unreadable ones dropped
    frame["analysis_date"] = parse_dates(frame["analysis_date"].astype(object))[0]
    frame["last_purchase"] = parse_dates(frame["last_purchase"].astype(object))[0]
    frame["key"] = frame["key"].map(lambda v: None if is_blank(v) else str(v).strip())
    for c in ("score_r", "score_f", "score_m", "orders"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("Int64")
    frame["ca_total"] = pd.to_numeric(frame["ca_total"], errors="coerce")
    return frame[frame["analysis_date"].notna() & frame["key"].notna()].reset_index(drop=True)


def snapshot_at(history: Any, analysis_date: dt.date) -> pd.DataFrame:
    """The rows to store for this run: ``history.snapshots`` at D, in :data:`SNAPSHOT_COLUMNS`."""
    snaps = history.snapshots
    cols = list(SNAPSHOT_COLUMNS)
    if snaps is None or len(snaps) == 0:
        return pd.DataFrame(columns=cols)
    at = snaps[pd.to_datetime(snaps["period_end"]) == pd.Timestamp(analysis_date)]
    out = at.rename(columns={"period_end": "analysis_date"})
    return out.reindex(columns=cols).reset_index(drop=True)


def merged(stored: pd.DataFrame | None, current: pd.DataFrame, analysis_date: dt.date) -> pd.DataFrame:
    """Stored snapshots without those of ``analysis_date``, then ``current``: oldest date first."""
    cols = list(SNAPSHOT_COLUMNS)
    parts = []
    if stored is not None and len(stored):
        parts.append(stored[pd.to_datetime(stored["analysis_date"]) != pd.Timestamp(analysis_date)][cols])
    if len(current):
        parts.append(current[cols])
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)
    out["analysis_date"] = pd.to_datetime(out["analysis_date"])
    return out.sort_values("analysis_date", kind="stable").reset_index(drop=True)


def sheet_frame(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The snapshots with the sheet's French headers and plain cell values (dates as dates)."""
    out = snapshots[list(SNAPSHOT_COLUMNS)].copy()
    out.columns = list(HEADERS)
    for h in ("Date d'analyse", "Date dernier achat"):
        out[h] = pd.to_datetime(out[h], errors="coerce").dt.date.astype(object)
        out[h] = out[h].where(out[h].notna(), None)
    return out
