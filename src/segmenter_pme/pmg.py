"""Petits / Moyens / Gros tiers (SPEC §5) and « Petits à potentiel »."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fr import fr_decimal
from .refdata import fold

TIERS = ("Gros", "Moyens", "Petits")


def tier_codes(ca: np.ndarray, settings, sorted_ca: np.ndarray | None = None) -> np.ndarray:
    """Tier index (0 Gros, 1 Moyens, 2 Petits) of each client with at least one order.

    Rank method: with w clients of strictly higher CA and s = w / n, Gros if
    s < pmg_gros_pct, Moyens if s < pmg_moyens_pct, else Petits. CA-share
    method: c = share of the CA made by clients of strictly higher CA; Gros if
    c < pmg_gros_part_ca, Moyens if c < pmg_moyens_part_ca. Equal CA, equal tier.
    ``sorted_ca``: the same CA sorted ascending, when the caller has it.
    """
    v = np.asarray(ca, dtype="float64")
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    if settings.methode_pmg == "part_ca":
        pos = np.clip(v, 0, None)
        total = pos.sum()
        if total <= 0:
            return np.full(n, 2, dtype=np.int8)
        srt = np.sort(pos) if sorted_ca is None else np.clip(sorted_ca, 0, None)
        cum = np.concatenate(([0.0], np.cumsum(srt)))
        higher = total - cum[np.searchsorted(srt, pos, side="right")]
        share = higher / total
        lim = (settings.pmg_gros_part_ca / 100, settings.pmg_moyens_part_ca / 100)
    else:
        return _rank_tiers(v, settings.pmg_gros_pct / 100, settings.pmg_moyens_pct / 100, sorted_ca)
    return np.where(share < lim[0] - 1e-12, 0, np.where(share < lim[1] - 1e-12, 1, 2)).astype(np.int8)


def _rank_tiers(v: np.ndarray, gros: float, moyens: float, srt: np.ndarray | None = None) -> np.ndarray:
    # w / n < p ⇔ w ≤ m with m = ceil(n p) − 1 ⇔ the CA is at least the (m+1)-th largest:
    # two order statistics decide every tier (numpy's vectorised sort is quicker than
    # two partitions)
    n = len(v)
    out = np.full(n, 2, dtype=np.int8)
    srt = np.sort(v) if srt is None else srt
    for p in (moyens, gros):
        m = int(np.ceil(n * (p - 1e-12))) - 1
        if m < 0:
            continue
        # each threshold passed is one tier up (Gros's threshold is above Moyens's)
        out -= v >= srt[n - 1 - min(m, n - 1)]
    return out


def _take(s: pd.Series, idx: np.ndarray) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.asarray(s.cat.categories, dtype=object)
        return np.append(cats, None)[s.cat.codes.to_numpy()[idx]]
    return s.iloc[idx].to_numpy(dtype=object)


def _labels_where(mask: np.ndarray, s: pd.Series, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of ``s[idx]`` where ``mask``, '' elsewhere."""
    if not mask.any():  # the usual case for size or sector: no factorizing of 100 000 ''
        return np.zeros(len(mask), dtype=np.int64), np.array([""], dtype=object)
    return pd.factorize(np.where(mask, _take(s, idx), ""))


def _isin_at(s: pd.Series, idx: np.ndarray, values: list) -> np.ndarray:
    """``np.isin(s[idx], values)``, decided once per category when ``s`` is categorical."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        hit = np.append(np.isin(np.asarray(s.cat.categories, dtype=object), values), False)
        if not hit.any():
            return np.zeros(len(idx), dtype=bool)
        return hit[s.cat.codes.to_numpy()[idx]]
    return np.isin(_take(s, idx), values)


def tier_against(x: float, base, settings) -> str:
    """Tier of one CA against the CA of a base of clients (rank or CA-share method)."""
    b = np.asarray([v for v in np.asarray(base, dtype="float64").ravel() if v == v])
    if len(b) == 0:
        raise ValueError("base vide")
    values = np.append(b, x)
    return TIERS[int(tier_codes(values, settings)[-1])]


def profile_reasons(size: pd.Series, sector: pd.Series, idx: np.ndarray, settings) -> tuple[np.ndarray, np.ndarray]:
    """For the rows ``idx``: (a large company — ETI or GE —, a priority sector): the reasons of
    « Petits à potentiel » that the client's profile gives, whatever its purchases."""
    big = _isin_at(size, idx, ["ETI", "GE"])
    prio = np.zeros(len(idx), dtype=bool)
    if settings.secteurs_prioritaires:
        sector_p = _take(sector, idx)
        wanted = {fold(s) for s in settings.secteurs_prioritaires}
        distinct = pd.unique(sector_p)
        hits = {u for u in distinct if isinstance(u, str) and fold(u) in wanted}
        prio = np.isin(sector_p, list(hits)) if hits else prio
    return big, prio


def buying_reasons(r: np.ndarray, f: np.ndarray, ca_12m: np.ndarray | None, ca_12m_prev: np.ndarray | None,
                   settings) -> tuple[np.ndarray, np.ndarray]:
    """(buys often and recently — R ≥ 4 and F ≥ 4 —, CA of the last 12 months ≥ « croissance_potentiel »
    × the 12 before): the reasons of « Petits à potentiel » that the purchases give."""
    rf = (r >= 4) & (f >= 4)
    grow = np.zeros(len(rf), dtype=bool)
    if ca_12m is not None and ca_12m_prev is not None:
        # a client with nothing the year before is new, not growing
        grow = (ca_12m_prev > 0) & (ca_12m >= settings.croissance_potentiel * ca_12m_prev)
    return rf, grow


def potential_reasons(
    tiers: pd.Series,
    *,
    size: pd.Series,
    sector: pd.Series,
    r: pd.Series,
    f: pd.Series,
    ca_12m: pd.Series | None,
    ca_12m_prev: pd.Series | None,
    settings,
) -> pd.Series:
    """Text of the reasons that make a Petit « à potentiel » ('' for the others).

    Input Series share one index: ``tiers`` (Gros/Moyens/Petits or missing),
    ``size`` (TPE/PME/ETI/GE…), ``sector`` (sector label), ``r``/``f`` (scores),
    ``ca_12m`` / ``ca_12m_prev`` (CA of the last 12 months and the 12 before,
    from invoice lines, or None).
    """
    if isinstance(tiers.dtype, pd.CategoricalDtype) and "Petits" in tiers.cat.categories:
        petit = tiers.cat.codes.to_numpy() == tiers.cat.categories.get_loc("Petits")
    else:
        petit = (tiers == "Petits").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(tiers), dtype=np.int32)
    if not petit.any():
        return pd.Series(pd.Categorical.from_codes(out, [""]), index=tiers.index)
    idx = np.flatnonzero(petit)
    # reasons are few distinct combinations: build each text once, then gather
    big, prio = profile_reasons(size, sector, idx, settings)
    cur = prev = None
    if ca_12m is not None and ca_12m_prev is not None:
        prev = ca_12m_prev.to_numpy(dtype="float64", na_value=np.nan)[idx]
        cur = ca_12m.to_numpy(dtype="float64", na_value=np.nan)[idx]
    rf, grow = buying_reasons(r.to_numpy()[idx], f.to_numpy()[idx], cur, prev, settings)
    any_reason = big | prio | rf | grow
    if not any_reason.any():
        return pd.Series(pd.Categorical.from_codes(out, [""]), index=tiers.index)
    sel = np.flatnonzero(any_reason)
    # labels are fetched for the clients with a reason only (the others are most)
    size_codes, size_labels = _labels_where(big[sel], size, idx[sel])
    sector_codes, sector_labels = _labels_where(prio[sel], sector, idx[sel])
    bits = rf[sel].astype(np.int64) + 2 * grow[sel]
    combo = bits + 4 * (size_codes + len(size_labels) * sector_codes.astype(np.int64))
    codes, combos = pd.factorize(combo)
    uniques = [(size_labels[(c // 4) % len(size_labels)], sector_labels[(c // 4) // len(size_labels)],
                bool(c & 1), bool(c & 2)) for c in combos]
    growth = fr_decimal(settings.croissance_potentiel)
    texts = []
    for b, p_, rf_, g in uniques:
        parts = []
        if b:
            parts.append(f"Grande entreprise ({b}) pour un petit compte")
        if p_:
            parts.append(f"Secteur prioritaire ({p_})")
        if rf_:
            parts.append("Achète souvent et récemment (R≥4, F≥4)")
        if g:
            parts.append(f"CA des 12 derniers mois ≥ {growth} × celui des 12 mois d'avant")
        texts.append(" ; ".join(parts))
    out[idx[sel]] = codes + 1
    return pd.Series(pd.Categorical.from_codes(out, [""] + texts, validate=False), index=tiers.index)
