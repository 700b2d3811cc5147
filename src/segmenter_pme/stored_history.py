"""History without invoice lines: the snapshots each run stored in « Historique » (SPEC §8).

The current run is compared with the latest stored snapshot at least 28 days
older, that one with the latest at least 28 days older than it, and so on (up
to the number of periods of « Paramètres »). A period runs from one snapshot
to the next; rétention = share of its members whose « Date dernier achat » is
after the snapshot's date; its CA = the growth of their « CA total ».
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import history_kpis as kpis_mod
from .campaigns import evaluate_campaigns
from .fr import fr_date
from .history_result import PERIOD_COLUMNS, SNAPSHOT_COLUMNS, SOURCE_NONE, SOURCE_SNAPSHOTS, HistoryResult
from .history_signals import potentiel_check, weak_signals
from .parsing import day_series
from .replay import Snapshot, pmg_names, rfm_names, snapshot_of_result

MIN_GAP_DAYS = 28


def from_snapshots(result, settings, snapshots: pd.DataFrame | None, clients, campaigns, campaigns_sheet: str
                   ) -> HistoryResult:
    from .timeline import client_keys, snapshots_frame

    feats = result.features
    analysis = pd.Timestamp(result.analysis_date).normalize()
    current = snapshot_of_result(result)
    keys = client_keys(feats).to_numpy(dtype=object, na_value=None)
    # a key twice in the file (two rows with one code): its first row
    pos_of_key = pd.Series(np.arange(len(keys)), index=pd.Index(keys, dtype=object))
    pos_of_key = pos_of_key[~pos_of_key.index.duplicated()]
    stored = _read(snapshots)
    dates = []
    if len(stored):
        avail = sorted(set(stored["analysis_date"]), reverse=True)
        limit = analysis - pd.Timedelta(days=MIN_GAP_DAYS)
        for d in avail:
            if d <= limit and len(dates) < settings.nombre_periodes:
                dates.append(d)
                limit = d - pd.Timedelta(days=MIN_GAP_DAYS)
    dates.reverse()
    snaps = {analysis: current}
    for d in dates:
        snaps[d] = _snapshot(stored[stored["analysis_date"] == d], d, pos_of_key, len(feats), settings)
    bounds = dates + [analysis]
    periods = pd.DataFrame([(f"du {fr_date(a)} au {fr_date(b)}", a, b, False) for a, b in zip(bounds, bounds[1:])],
                           columns=list(PERIOD_COLUMNS))
    last_now = feats["date_dernier_achat"].to_numpy(dtype="datetime64[ns]").view("int64")
    ca_now = np.nan_to_num(feats["ca_total"].to_numpy(dtype="float64", na_value=np.nan))

    def figures(t):
        s = snaps[t]
        if t == analysis:
            return ca_now, last_now
        ca = np.zeros(len(feats))
        last = np.full(len(feats), np.iinfo(np.int64).min)
        ca[s.rows], last[s.rows] = s.ca, s.last
        return ca, last

    def delta(a, b, rows):
        ca_a, _ = figures(a)
        ca_b, last_b = figures(b)
        return np.round(ca_b[rows] - ca_a[rows], 2), last_b[rows] > (a + pd.Timedelta(days=1)).value - 1

    def year_before(start, end):
        for a, b in zip(bounds, bounds[1:]):
            if abs((a - (start - pd.DateOffset(years=1))).days) <= 15 and \
                    abs((b - (end - pd.DateOffset(years=1))).days) <= 15:
                return a, b
        return None

    kpis = kpis_mod.kpi_table(periods, lambda t: snaps[pd.Timestamp(t)], None, settings, delta=delta,
                             year_before=year_before)
    previous = snaps[dates[-1]] if dates else None
    migration, mig_ca = kpis_mod.migrations(previous, current, feats, settings)
    prev_seg = kpis_mod.previous_segment(previous, current, result)
    watch = kpis_mod.watch_list(previous, current, result, settings)
    camp, camp_issues = evaluate_campaigns(campaigns, result, clients, settings, campaigns_sheet, None, None, None)
    pot_ref = analysis - pd.DateOffset(years=1)
    older = [d for d in dates if d <= pot_ref]
    check = potentiel_check(snaps[older[-1]], current, older[-1], settings) if older else None
    warnings = []
    if len(stored):
        gone = ~stored["key"].isin(pd.Index(keys)) & stored["analysis_date"].isin(dates[-1:])
        if gone.any():
            warnings.append(f"{int(gone.sum())} client(s) du relevé du {fr_date(dates[-1])} ne sont plus dans le "
                            "fichier : ils ne comptent pas dans les mouvements.")
    if dates:
        reach = (f"Historique tiré de la feuille « Historique » (relevés enregistrés à chaque analyse, sans lignes de "
                 f"factures) : {len(dates)} relevé(s) antérieur(s), depuis le {fr_date(dates[0])}.")
    else:
        reach = ("Pas encore d'historique : ce relevé est enregistré dans la feuille « Historique » ; les mouvements "
                 f"apparaîtront à la prochaine analyse, au moins {MIN_GAP_DAYS} jours plus tard (ou ajoutez vos "
                 "lignes de factures pour reconstituer le passé).")
    return HistoryResult(
        source=SOURCE_SNAPSHOTS if dates else SOURCE_NONE, analysis_date=result.analysis_date,
        period_kind=settings.periode_historique, reach=reach, periods=periods,
        snapshots=snapshots_frame([snaps[d] for d in bounds], result, settings), kpis=kpis, migration=migration,
        migration_ca=mig_ca, previous_segment=prev_seg, watch=watch, campaigns=camp, potentiel_check=check,
        signals=weak_signals(result, settings),
        changes=kpis_mod.changes(kpis, periods, migration, watch, settings) if dates else [], settings=settings,
        warnings=warnings, issues=camp_issues, segmentation=result)


def _read(snapshots: pd.DataFrame | None) -> pd.DataFrame:
    if snapshots is None or not len(snapshots):
        return pd.DataFrame({c: [] for c in SNAPSHOT_COLUMNS})
    missing = [c for c in SNAPSHOT_COLUMNS if c not in snapshots.columns]
    if missing:
        raise KeyError(f"snapshots: columns {missing} missing")
    # « potentiel » (optional): a stored snapshot may say which Petits were « à potentiel »
    out = snapshots[list(SNAPSHOT_COLUMNS) + [c for c in ("potentiel",) if c in snapshots.columns]].copy()
    # a date past 11/04/2262 would wrap round in nanoseconds: it is dropped as any unreadable one
    out["analysis_date"] = day_series(pd.to_datetime(out["analysis_date"], errors="coerce"))
    out["last_purchase"] = day_series(pd.to_datetime(out["last_purchase"], errors="coerce"))
    out["key"] = out["key"].astype("string")
    return out[out["analysis_date"].notna() & out["key"].notna()]


def _snapshot(rows: pd.DataFrame, date: pd.Timestamp, pos_of_key: pd.Series, n: int, settings) -> Snapshot:
    rows = rows.drop_duplicates("key", keep="last")
    pos = pos_of_key.reindex(rows["key"].astype(object)).fillna(-1).to_numpy().astype(np.int64)
    rows, pos = rows[pos >= 0], pos[pos >= 0]
    rnames, pnames = rfm_names(settings), pmg_names()
    r_idx = pd.Index(rnames).get_indexer(rows["segment_rfm"].astype(object))
    p_idx = pd.Index(pnames).get_indexer(rows["segment_pmg"].astype(object))
    # a segment renamed since in « Paramètres »: the client counts, as « Non classé »
    r_idx = np.where(r_idx >= 0, r_idx, rnames.index("Non classé"))
    p_idx = np.where(p_idx >= 0, p_idx, pnames.index("Non classé"))
    buyer = r_idx != rnames.index("Prospect")

    def num(col, kind):
        return pd.to_numeric(rows[col], errors="coerce").fillna(0).to_numpy()[buyer].astype(kind)

    last = rows["last_purchase"].to_numpy(dtype="datetime64[ns]").view("int64")[buyer]
    pot = rows["potentiel"].astype("string").fillna("").str.strip().isin(["", "0", "False", "Non", "non"]) \
        .to_numpy() if "potentiel" in rows else np.ones(len(rows), dtype=bool)
    return Snapshot(date, pos[buyer], r_idx[buyer].astype(np.int16), p_idx[buyer].astype(np.int16), ~pot[buyer], num("score_r", np.int8), num("score_f", np.int8),
                    num("score_m", np.int8), num("ca_total", "float64"), num("orders", np.int64), last, n)
