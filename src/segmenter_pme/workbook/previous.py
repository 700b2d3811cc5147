"""The workbook a previous run made from a CSV: its settings, action plan and history rows, and the
user's edits in it that a rerun on the CSV would not keep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..layout import history_run
from . import loading, reader


def _plain(v):
    """A cell value for comparison: blanks as None, whole floats as int, midnight datetimes as dates."""
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, dt.date)):
        v = v.item()
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def lost_edits(target: Path, sheet: str, new_headers: list[str], new_frame: pd.DataFrame | None) -> list[str]:
    """What the client sheet of the workbook made last time holds that the new one will not.

    Columns the user added (a header the CSV does not have, or cells under no
    header) and — ``new_frame`` given — cells whose value differs from the CSV.
    Without ``new_frame`` only the first rows are read (a 350 000-client sheet
    costs memory and seconds for what its header row already says).
    """
    try:
        # a client sheet made from invoice lines is rebuilt whole: its header row says what the user added
        values = loading.read_values_of(target, sheet, None if new_frame is not None else reader.SCAN_ROWS)
    except Exception:
        return []
    if not values:
        return []
    header = [reader.header_text(v) for v in values[0]]
    body = values[1:]
    known = set(new_headers)
    out = []
    added = [h for h in header if h and h not in known and h not in reader.OUR_HEADERS]
    if added:
        out.append(("colonne ajoutée : " if len(added) == 1 else "colonnes ajoutées : ")
                   + ", ".join(f"« {h} »" for h in added))
    width = len(header)
    loose = sum(1 for r in body for j, v in enumerate(r) if (j >= width or header[j] is None) and _plain(v) is not None)
    if loose:
        out.append(f"{loose} cellule{'s' if loose > 1 else ''} hors du tableau")
    if new_frame is not None:
        rows = [r for r in body if any(_plain(v) is not None for v in r)]
        changed = 0
        for j, h in enumerate(header):
            if h is None or h not in new_frame.columns:
                continue
            new = [_plain(v) for v in new_frame[h].tolist()]
            old = [_plain(r[j]) if j < len(r) else None for r in rows]
            changed += sum(a != b for a, b in zip(old, new))
        extra = len(rows) - len(new_frame)
        if changed:
            out.append(f"{changed} cellule{'s' if changed > 1 else ''} modifiée{'s' if changed > 1 else ''}")
        if extra > 0:
            out.append(f"{extra} ligne{'s' if extra > 1 else ''} ajoutée{'s' if extra > 1 else ''}")
    return out


def previous_history_rows(target: Path) -> dict[str, list[tuple]]:
    """The « Campagnes » and « Historique » rows of the workbook a previous run made from this CSV."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(target, read_only=True, data_only=True)
    except Exception:
        return {}
    try:
        return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
                for name in (history_run.CAMPAGNES, history_run.HISTORIQUE) if name in wb.sheetnames}
    finally:
        wb.close()


def previous_workbook(target: Path):
    """Settings and action-plan rows of the workbook a previous run made from this CSV, if any.

    A CSV cannot hold « Paramètres » nor « Plan d'actions »: the user edits them
    in the .xlsx we wrote, so a rerun on the CSV reads them back from there.
    """
    if not target.exists():
        return None, [], False
    import openpyxl

    from .. import layout

    try:
        wb = openpyxl.load_workbook(target, read_only=True, data_only=True)
    except Exception:
        return None, [], False  # damaged or not a workbook: not ours
    try:
        def mine(name: str) -> bool:
            return name in wb.sheetnames and layout.is_our_sheet(name, wb[name].iter_rows(values_only=True))

        # only our own sheets are read back: a sheet of the user's named « Paramètres » is not our settings
        settings = layout.read_settings(wb) if mine(layout.PARAMETRES) else None
        plan = []
        if mine(layout.PLAN_ACTIONS):
            plan = [tuple(r) for r in wb[layout.PLAN_ACTIONS].iter_rows(values_only=True)]
        ours = mine(layout.PARAMETRES) or reader.OUTPUT_NAME in wb.defined_names
        return settings, plan, ours
    finally:
        wb.close()
