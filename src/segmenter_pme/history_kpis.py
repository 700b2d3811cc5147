"""Per-segment figures over the periods, migrations, « Clients à surveiller », « Ce qui a changé » (SPEC §8)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from . import pmg as pmg_mod
from .fr import fr_eur, fr_number, fr_share, fr_signed_share
from .history_result import (
    KPI_COLUMNS,
    NEW_CLIENTS,
    NOT_YET_CLIENT,
    OTHER_SMALL,
    POTENTIAL,
    WATCH_COLUMNS,
)
from .scoring import NOT_CLASSIFIED
from .replay import Replay, Snapshot, pmg_names, rfm_names
from .rules import PROSPECT

# « Clients à surveiller »: were one of these, are now one of those (SPEC §8)
WAS_GOOD_RFM = ("Champions", "Fidèles")
WAS_GOOD_PMG = ("Gros",)
NOW_BAD_RFM = ("À risque", "À réactiver", "Perdus")


def campaign_dates(campaigns: pd.DataFrame | None, settings, analysis: pd.Timestamp) -> list[pd.Timestamp]:
    """The dates at which campaigns need a snapshot or a cumulative figure."""
    from .campaigns import parse_campaigns

    out = []
    for c in parse_campaigns(campaigns, settings, analysis)[0]:
        if c.ok:
            out += [c.sent - pd.Timedelta(days=c.window), c.sent, min(c.sent + pd.Timedelta(days=c.window), analysis)]
    return out


def _names(dim: str, settings) -> list[str]:
    if dim == "RFM":
        return rfm_names(settings)[: len(settings.regles_segments)]
    if dim == "PMG":
        return list(pmg_mod.TIERS)
    return [POTENTIAL, OTHER_SMALL]


def _period_figures(a, b, snap: Callable, delta: Callable, settings) -> dict:
    """(dimension, segment) → (members, CA in (a, b], share of members who ordered) for the period (a, b]."""
    before, after = snap(a), snap(b)
    ca_d, bought = delta(a, b, before.rows)
    n_rfm, n_pmg = len(rfm_names(settings)), len(pmg_names())
    # one joint code per member — (RFM segment, PMG tier, à potentiel) — so that each figure is one
    # bincount over the members, summed afterwards per dimension
    code = (before.rfm.astype(np.int64) * n_pmg + before.pmg) * 2 + before.potentiel
    size = n_rfm * n_pmg * 2
    shape = (n_rfm, n_pmg, 2)
    n = np.bincount(code, minlength=size).reshape(shape)
    ca = np.bincount(code, weights=ca_d, minlength=size).reshape(shape)
    kept = np.bincount(code[bought], minlength=size).reshape(shape)
    petits = pmg_mod.TIERS.index("Petits")
    per_dim = {
        "RFM": [x.sum(axis=(1, 2))[: len(settings.regles_segments)] for x in (n, ca, kept)],
        "PMG": [x.sum(axis=(0, 2))[: len(pmg_mod.TIERS)] for x in (n, ca, kept)],
        # à potentiel first, then the other Petits
        "Potentiel": [x[:, petits, ::-1].sum(axis=0) for x in (n, ca, kept)],
    }
    out = {}
    for dim, (members, ca_sums, ordered) in per_dim.items():
        for i, name in enumerate(_names(dim, settings)):
            out[dim, name] = (int(members[i]), round(float(ca_sums[i]), 2),
                              float(ordered[i] / members[i]) if members[i] else np.nan)
    was = np.zeros(before.n_clients, dtype=bool)
    was[before.rows] = True
    new = after.rows[~was[after.rows]]
    new_ca = round(float(delta(a, b, new)[0].sum()), 2) if len(new) else 0.0
    for dim in ("RFM", "PMG", "Potentiel"):
        out[dim, NEW_CLIENTS] = (len(new), new_ca, np.nan)
    return out


def kpi_table(periods: pd.DataFrame, snap: Callable[[pd.Timestamp], Snapshot], rep: Replay | None,
              settings, *, delta: Callable | None = None, year_before: Callable | None = None) -> pd.DataFrame:
    """:attr:`HistoryResult.kpis` over ``periods``.

    ``delta(a, b, rows)`` gives, for the clients ``rows`` (positions in
    ``features``), (net CA in (a, b], whether they ordered in (a, b]); by
    default from the replay.
    ``year_before(start, end)``: the period (a', b') one year earlier, or None
    when the history does not reach it.
    """
    if delta is None:
        def delta(a, b, rows):
            ca_a, ca_b, orders_a, orders_b = rep.ca_at(a), rep.ca_at(b), rep.orders_at(a), rep.orders_at(b)
            if 4 * len(rows) > len(ca_a):  # most clients: two whole rows, then one gather, cost less
                return (ca_b - ca_a)[rows], (orders_b > orders_a)[rows]
            return ca_b[rows] - ca_a[rows], orders_b[rows] > orders_a[rows]

    figures = [_period_figures(p.start, p.end, snap, delta, settings) for p in periods.itertuples(index=False)]
    records = []
    for i, p in enumerate(periods.itertuples(index=False)):
        earlier = year_before(p.start, p.end) if year_before is not None else None
        old = None
        if earlier is not None:
            same = [k for k, q in enumerate(periods.itertuples(index=False)) if (q.start, q.end) == earlier]
            old = figures[same[0]] if same else _period_figures(earlier[0], earlier[1], snap, delta, settings)
        for key, (n, ca, ret) in figures[i].items():
            prev = figures[i - 1][key][1] if i else None
            year_before_ca = old[key][1] if old is not None else None
            records.append((key[0], key[1], p.label, p.start, p.end, n, ca, ret,
                            ca / prev - 1 if prev and prev > 0 else np.nan,
                            ca / year_before_ca - 1 if year_before_ca and year_before_ca > 0 else np.nan))
    frame = pd.DataFrame(records, columns=list(KPI_COLUMNS))
    frame["clients"] = frame["clients"].astype("int64")
    order = {d: i for i, d in enumerate(("RFM", "PMG", "Potentiel"))}
    frame["_d"] = frame["dimension"].map(order)
    frame = frame.sort_values(["_d"], kind="stable").drop(columns="_d").reset_index(drop=True)
    return frame


def _matrix(prev_idx: np.ndarray, cur_idx: np.ndarray, rows: list[str], cols: list[str],
            weights: np.ndarray | None) -> pd.DataFrame:
    cells = np.bincount(prev_idx * len(cols) + cur_idx, weights=weights, minlength=len(rows) * len(cols))
    m = cells.reshape(len(rows), len(cols))
    m = np.round(m, 2) if weights is not None else m.astype(np.int64)
    return pd.DataFrame(m, index=pd.Index(rows, name="Segment précédent"),
                        columns=pd.Index(cols, name="Segment actuel"))


def migrations(previous: Snapshot | None, current: Snapshot, feats: pd.DataFrame, settings,
               *, weights: np.ndarray | None = None, gone: np.ndarray | None = None
               ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Client counts and CA of the last 12 months from the previous snapshot to D, RFM and PMG.

    ``weights``: per client of ``features``, the CA to sum (default: CA of the
    last 12 months, else CA total). ``gone``: clients of the previous snapshot
    no longer in the file (stored snapshots only) — a column « Plus dans le fichier ».
    """
    if weights is None:
        ca12 = feats["ca_12m"].to_numpy(dtype="float64", na_value=np.nan)
        total = feats["ca_total"].to_numpy(dtype="float64", na_value=np.nan)
        weights = np.nan_to_num(np.where(np.isnan(ca12), total, ca12))
    counts, cas = {}, {}
    for dim, names in (("RFM", rfm_names(settings)), ("PMG", pmg_names())):
        keep_rows = [i for i, name in enumerate(names) if name != PROSPECT]
        rows = [names[i] for i in keep_rows] + [NOT_YET_CLIENT]
        cols = [names[i] for i in keep_rows]
        if gone is not None:
            cols = cols + ["Plus dans le fichier"]
        idx = np.flatnonzero(current.groups(dim) >= 0 if gone is None else (current.groups(dim) >= 0) | gone)
        # segment index → row or column of the matrix; the last slot is read for -1 (not in the snapshot)
        remap_p, remap_c = np.full(len(names) + 1, -1), np.full(len(names) + 1, -1)
        remap_p[keep_rows] = remap_c[keep_rows] = np.arange(len(keep_rows))
        remap_p[-1], remap_c[-1] = len(rows) - 1, len(cols) - 1
        prev_full = previous.groups(dim) if previous is not None else np.full(current.n_clients, -1, dtype=np.int16)
        p = remap_p[prev_full[idx]]
        c = remap_c[current.groups(dim)[idx]]
        counts[dim] = _matrix(p, c, rows, cols, None)
        cas[dim] = _matrix(p, c, rows, cols, weights[idx])
        # Non classé (orders without a date) only when some client is
        for label in (NOT_CLASSIFIED,):
            if label in counts[dim].index and counts[dim].loc[label].sum() == 0:
                counts[dim] = counts[dim].drop(index=label)
                cas[dim] = cas[dim].drop(index=label)
            if label in counts[dim].columns and counts[dim][label].sum() == 0:
                counts[dim] = counts[dim].drop(columns=label)
                cas[dim] = cas[dim].drop(columns=label)
    return counts, cas


def previous_segment(previous: Snapshot | None, current: Snapshot, result) -> pd.Series:
    """« Segment RFM précédent » of every client of ``segment()``'s ``clients``."""
    names = rfm_names(result.settings)
    n = current.n_clients
    prev = previous.groups("RFM") if previous is not None else np.full(n, -1, dtype=np.int16)
    labels = names + [NOT_YET_CLIENT]
    code = np.where(prev >= 0, prev, np.where(current.groups("RFM") >= 0, len(names), names.index(PROSPECT)))
    return pd.Series(pd.Categorical.from_codes(code, labels, validate=False), index=result.clients.index,
                     name="Segment RFM précédent")


def watch_list(previous: Snapshot | None, current: Snapshot, result, settings) -> pd.DataFrame:
    """« Clients à surveiller »: were Champions, Fidèles or Gros, now À risque, À réactiver or Perdus."""
    from .timeline import client_keys, client_names

    feats = result.features
    if previous is None:
        return pd.DataFrame({c: [] for c in WATCH_COLUMNS})
    rnames, pnames = rfm_names(settings), pmg_names()
    prev_r, prev_p = previous.groups("RFM"), previous.groups("PMG")
    cur_r, cur_p = current.groups("RFM"), current.groups("PMG")

    def among(names, wanted):  # a table of the segment indexes, its last slot read for -1
        table = np.zeros(len(names) + 1, dtype=bool)
        table[[names.index(x) for x in wanted if x in names]] = True
        return table

    was = among(rnames, WAS_GOOD_RFM)[prev_r] | among(pnames, WAS_GOOD_PMG)[prev_p]
    idx = np.flatnonzero(was & among(rnames, NOW_BAD_RFM)[cur_r])
    # the few columns the keys and names are made of, for the few clients listed
    few = pd.DataFrame({c: feats[c].take(idx) for c in ("email", "nom", "raison_sociale", "client_id") if c in feats},
                       index=feats.index[idx])
    r_lab = np.array(rnames, dtype=object)
    p_lab = np.array(pnames, dtype=object)
    out = pd.DataFrame({
        "key": client_keys(few).to_numpy(dtype=object, na_value=None),
        "name": client_names(few).to_numpy(dtype=object, na_value=None),
        "row": feats.index.to_numpy()[idx],
        "previous_rfm": r_lab[prev_r[idx]], "segment_rfm": r_lab[cur_r[idx]],
        "previous_pmg": p_lab[prev_p[idx]], "segment_pmg": p_lab[cur_p[idx]],
        "ca_total": feats["ca_total"].to_numpy(dtype="float64", na_value=np.nan)[idx],
        "ca_12m": feats["ca_12m"].to_numpy(dtype="float64", na_value=np.nan)[idx],
        "last_purchase": feats["date_dernier_achat"].to_numpy(dtype="datetime64[ns]")[idx],
    }, columns=list(WATCH_COLUMNS))
    return out.sort_values(["ca_total", "row"], ascending=[False, True], kind="stable").reset_index(drop=True)


def changes(kpi: pd.DataFrame, periods: pd.DataFrame, mig: dict[str, pd.DataFrame], watch: pd.DataFrame,
            settings) -> list[str]:
    """3 to 5 French sentences « Ce qui a changé ce trimestre », with figures."""
    if not len(periods):
        return []
    word = "trimestre" if settings.periode_historique == "trimestre" else "mois"
    last = periods.iloc[-1]
    label = last["label"]
    rfm = kpi[(kpi["dimension"] == "RFM") & (kpi["period_label"] == label)]
    seg = rfm[rfm["segment"] != NEW_CLIENTS]
    new = rfm[rfm["segment"] == NEW_CLIENTS].iloc[0]
    out = []
    members = int(seg["clients"].sum())
    ca = float(seg["ca"].sum()) + float(new["ca"])
    sent = f"{label} : {fr_eur(ca)} de CA"
    if last["partial"]:
        # a part of a quarter against a whole one would read as a fall: no ratio
        sent += f" ({word} en cours)"
    elif len(periods) > 1:
        prev = kpi[(kpi["dimension"] == "RFM") & (kpi["period_label"] == periods.iloc[-2]["label"])]
        prev_ca = float(prev["ca"].sum())
        if prev_ca > 0:
            sent += f", {fr_signed_share(ca / prev_ca - 1)} par rapport au {word} précédent"
    out.append(sent + ".")
    if members:
        kept = float((seg["retention"].fillna(0) * seg["clients"]).sum()) / members
        out.append(f"Taux de rétention : {fr_share(kept)} des {fr_number(members)} clients du début "
                   f"du {word} ont commandé depuis.")
    if int(new["clients"]):
        out.append(f"{fr_number(int(new['clients']))} nouveau{'x' if new['clients'] > 1 else ''} "
                   f"client{'s' if new['clients'] > 1 else ''} ce {word} ({fr_eur(float(new['ca']))} de CA).")
    m = mig["RFM"].drop(index=NOT_YET_CLIENT, errors="ignore")
    moved = m.copy()
    for name in moved.index:
        if name in moved.columns:
            moved.loc[name, name] = 0
    if int(moved.to_numpy().sum()):
        i, j = np.unravel_index(int(np.argmax(moved.to_numpy())), moved.shape)
        n = int(moved.iat[i, j])
        out.append(f"Plus grand mouvement : {fr_number(n)} client{'s' if n > 1 else ''} "
                   f"« {moved.index[i]} » {'sont passés' if n > 1 else 'est passé'} « {moved.columns[j]} ».")
    if len(watch):
        out.append(f"{fr_number(len(watch))} client{'s' if len(watch) > 1 else ''} à surveiller (anciens Champions, "
                   f"Fidèles ou Gros devenus À risque, À réactiver ou Perdus), {fr_eur(float(watch['ca_total'].sum()))} "
                   "de CA total : voir « Évolution ».")
    return out[:5]
