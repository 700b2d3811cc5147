"""``history()``: the client base over time (SPEC §8, no I/O).

With invoice lines, the past is replayed (:mod:`replay`): one snapshot per
period boundary, scored by the rules of ``segment()``; the last one is
``segment()``'s own result. Without them, the stored snapshots of the
« Historique » sheet are compared (:mod:`stored_history`). The per-segment
figures are in :mod:`history_kpis`, campaigns in :mod:`campaigns`, the weak
signals and the Petits-à-potentiel check in :mod:`history_signals`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import history_kpis as kpis_mod
from .campaigns import evaluate_campaigns
from .fr import fr_date
from .history_result import (
    KPI_COLUMNS,
    PERIOD_COLUMNS,
    SIGNAL_COLUMNS,
    SNAPSHOT_FRAME_COLUMNS,
    SOURCE_INVOICES,
    SOURCE_NONE,
    SOURCE_SNAPSHOTS,
    WATCH_COLUMNS,
    HistoryResult,
    Lazy,
)
from .history_signals import potentiel_check, weak_signals
from .pipeline import run
from .replay import Profile, Replay, Snapshot, build_replay, snapshot_at, snapshot_of_result
from .result import LineFacts, SegmentationResult
from .settings import Settings
from .worker import worker

_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def history(
    clients: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    settings: Settings | None = None,
    snapshots: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    *,
    clients_sheet: str = "Clients",
    invoices_sheet: str = "Factures",
    campaigns_sheet: str = "Campagnes",
    result: SegmentationResult | None = None,
    today: dt.date | None = None,
) -> HistoryResult:
    """The history of the base: snapshots, per-segment KPIs, migrations, campaigns (SPEC §8).

    Same inputs and conventions as :func:`segmenter_pme.segment` (the user's
    headers; index labels are the Excel rows used in messages), plus:

    - ``snapshots``: the stored snapshots (sheet « Historique »), columns
      :data:`~segmenter_pme.history_result.SNAPSHOT_COLUMNS`; used only when
      there are no invoice lines.
    - ``campaigns``: the user's « Campagnes » rows, columns
      :data:`~segmenter_pme.history_result.CAMPAIGN_INPUT_COLUMNS` (raw cell
      values; index = Excel rows). A bad row gets a remark, never an exception.
    - ``result``: ``segment()``'s result on these same inputs and settings:
      it is not computed again. With invoice lines, it keeps the facts of the
      lines the replay needs (``result.line_facts``), so they are read once.

    With invoice lines the past is replayed: the snapshot at t is ``segment()``
    with analysis date t on the lines dated ≤ t, and the last one (at D) is
    ``segment()``'s output (``HistoryResult.segmentation``). Raises what
    ``segment()`` raises.
    """
    settings = settings or (result.settings if result is not None else Settings())
    if result is None:
        result = run(clients, invoices, settings, clients_sheet=clients_sheet, invoices_sheet=invoices_sheet,
                     today=today)
    if result.line_facts is not None:
        return _from_invoices(result, result.line_facts, settings, clients, campaigns, campaigns_sheet)
    from .stored_history import from_snapshots

    return from_snapshots(result, settings, snapshots, clients, campaigns, campaigns_sheet)


# ---------------------------------------------------------------- periods

def period_table(analysis: pd.Timestamp, kind: str, n: int, first: pd.Timestamp | None) -> pd.DataFrame:
    """The last ``n`` calendar quarters (or months) up to D, none ending before ``first``.

    Columns :data:`PERIOD_COLUMNS`; a period is (start, end]; the last ends at D
    and is partial when D is not the last day of its quarter (month).
    """
    if first is None:
        return pd.DataFrame({c: [] for c in PERIOD_COLUMNS})
    d = analysis.normalize()
    months = 3 if kind == "trimestre" else 1
    cur = pd.Timestamp(d.year, (d.month - 1) // months * months + 1, 1)
    rows = []
    for i in range(n):
        start_day = cur - pd.DateOffset(months=months * i)
        end = d if i == 0 else start_day + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        if end < first.normalize() and rows:
            break
        full_end = start_day + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        partial = end != full_end
        if kind == "trimestre":
            label = f"T{(start_day.month - 1) // 3 + 1} {start_day.year}"
        else:
            label = f"{_MONTHS[start_day.month - 1]} {start_day.year}"
        if partial:
            label += f" (au {end:%d/%m})"
        rows.append((label, start_day - pd.Timedelta(days=1), end, partial))
        if start_day <= first.normalize():
            break
    rows.reverse()
    return pd.DataFrame(rows, columns=list(PERIOD_COLUMNS))


# ---------------------------------------------------------------- from invoice lines

def _from_invoices(result: SegmentationResult, facts: LineFacts, settings: Settings, clients: pd.DataFrame | None,
                   campaigns: pd.DataFrame | None, campaigns_sheet: str) -> HistoryResult:
    feats = result.features
    analysis = pd.Timestamp(result.analysis_date).normalize()
    kept_d = facts.d if facts.keep is None else facts.d[facts.keep]
    first = pd.Timestamp(int(kept_d.min())).normalize() if len(kept_d) else None
    periods = period_table(analysis, settings.periode_historique, settings.nombre_periodes, first)
    camp_rows = kpis_mod.campaign_dates(campaigns, settings, analysis) if campaigns is not None else []
    bounds = [analysis] + list(periods["start"]) + list(periods["end"])
    pot_ref = analysis - pd.DateOffset(years=1)

    starts = set(periods["start"])

    def year_before(start, end):
        # the same dates a year earlier (for a partial last quarter, the same part of it), when
        # the history shown reaches them: its members are those of a snapshot already made
        a, b = start - pd.DateOffset(years=1), end - pd.DateOffset(years=1)
        return (a, b) if a in starts else None

    earlier = [year_before(s, e) for s, e in zip(periods["start"], periods["end"])]
    wanted = set(bounds) | {pot_ref} | set(camp_rows) | {t for pair in earlier if pair for t in pair}
    # the CA windows of « Petits à potentiel » at t
    windows = {t - pd.DateOffset(years=y) for t in wanted for y in (1, 2)}
    rep = build_replay(facts, feats, wanted, windows)
    current = snapshot_of_result(result)
    cache: dict[pd.Timestamp, Snapshot] = {analysis: current}
    # two cores: the worker thread scores every other period start (sorting releases the GIL)
    # while this thread scores the others and sums the periods already there
    starts = [t for t in periods["start"] if t != analysis]
    profile = Profile.of(feats, settings)
    later = {t: worker().submit(snapshot_at, rep, t, profile, settings) for t in starts[1::2]}

    def snap(t) -> Snapshot:
        t = pd.Timestamp(t).normalize()
        if t not in cache:
            cache[t] = later.pop(t).result() if t in later else snapshot_at(rep, t, profile, settings)
        return cache[t]

    kpi = kpis_mod.kpi_table(periods, snap, rep, settings, year_before=year_before)
    previous = snap(periods["start"].iloc[-1]) if len(periods) else None
    mig, mig_ca = kpis_mod.migrations(previous, current, feats, settings)
    prev_seg = kpis_mod.previous_segment(previous, current, result)
    watch = kpis_mod.watch_list(previous, current, result, settings)
    boundary_dates = sorted(set(periods["start"]) | set(periods["end"]))
    boundary_snaps = [snap(t) for t in boundary_dates]
    snaps = Lazy(lambda: snapshots_frame(boundary_snaps, result, settings))
    camp, camp_issues = evaluate_campaigns(campaigns, result, clients, settings, campaigns_sheet,
                                           lambda t: snap(t), rep, first)
    check = potentiel_check(snap(pot_ref), current, pot_ref, settings) if first is not None and first <= pot_ref \
        else None
    signals = weak_signals(result, settings)
    reach = (f"Historique reconstitué à partir des lignes de factures : {len(periods)} "
             f"{'trimestre' if settings.periode_historique == 'trimestre' else 'mois'}"
             f"{'s' if len(periods) > 1 and settings.periode_historique == 'trimestre' else ''}, "
             f"du {fr_date(periods['start'].iloc[0] + pd.Timedelta(days=1))} au {fr_date(analysis)}"
             + (f" (premières factures le {fr_date(first)})." if first is not None else ".")) if len(periods) else \
        "Pas de lignes de factures datées avant la date d'analyse : pas d'historique."
    changes = kpis_mod.changes(kpi, periods, mig, watch, settings)
    return HistoryResult(
        source=SOURCE_INVOICES if len(periods) else SOURCE_NONE, analysis_date=result.analysis_date,
        period_kind=settings.periode_historique, reach=reach, periods=periods, snapshots=snaps, kpis=kpi,
        migration=mig, migration_ca=mig_ca, previous_segment=prev_seg, watch=watch, campaigns=camp,
        potentiel_check=check, signals=signals, changes=changes, settings=settings, warnings=[], issues=camp_issues,
        segmentation=result,
    )


def client_keys(feats: pd.DataFrame) -> pd.Series:
    """Each client's key as text: its code, else its company name, else its name or e-mail."""
    key = pd.Series(pd.NA, index=feats.index, dtype="string")
    for col in ("email", "nom", "raison_sociale", "client_id"):
        if col in feats:
            key = feats[col].astype("string").where(feats[col].notna(), key)
    return key


def client_names(feats: pd.DataFrame) -> pd.Series:
    name = pd.Series(pd.NA, index=feats.index, dtype="string")
    for col in ("email", "nom", "raison_sociale"):
        if col in feats:
            name = feats[col].astype("string").where(feats[col].notna(), name)
    return name


def snapshots_frame(snaps: list[Snapshot], result: SegmentationResult, settings: Settings) -> pd.DataFrame:
    """The long form of :attr:`HistoryResult.snapshots`."""
    from .replay import pmg_names, rfm_names

    if not snaps:
        return pd.DataFrame({c: [] for c in SNAPSHOT_FRAME_COLUMNS})
    feats = result.features
    # Arrow text: taking 3 million keys is one native gather, without a category per client
    keys = client_keys(feats).astype("string[pyarrow]").array
    rows = np.concatenate([s.rows for s in snaps])
    dates = np.concatenate([np.full(len(s.rows), s.date.value, dtype=np.int64) for s in snaps])

    def cat(attr, names):
        return pd.Categorical.from_codes(np.concatenate([getattr(s, attr) for s in snaps]).astype(np.int16),
                                         names, validate=False)

    def score(attr):
        # small integers stay small: 3 million rows of int64 cost more to write than to compute
        v = np.concatenate([np.asarray(getattr(s, attr), dtype=np.int8) for s in snaps])
        return pd.arrays.IntegerArray(v, v == 0)

    orders = np.concatenate([np.asarray(s.orders, dtype=np.int32) for s in snaps])
    return pd.DataFrame({
        "period_end": dates.view("datetime64[ns]"),
        "key": keys.take(rows),
        "row": feats.index.to_numpy()[rows],
        "segment_rfm": cat("rfm", rfm_names(settings)),
        "segment_pmg": cat("pmg", pmg_names()),
        "potentiel": np.concatenate([s.potentiel for s in snaps]).astype(bool),
        "score_r": score("r"), "score_f": score("f"), "score_m": score("m"),
        "ca_total": np.concatenate([s.ca for s in snaps]),
        "orders": pd.arrays.IntegerArray(orders, np.zeros(len(orders), dtype=bool)),
        "last_purchase": np.concatenate([s.last for s in snaps]).view("datetime64[ns]"),
    }, columns=list(SNAPSHOT_FRAME_COLUMNS), copy=False)


def empty_frame(columns) -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in columns})


__all__ = ["history", "period_table", "client_keys", "snapshots_frame", "Replay", "KPI_COLUMNS", "SIGNAL_COLUMNS",
           "WATCH_COLUMNS", "SOURCE_SNAPSHOTS"]
