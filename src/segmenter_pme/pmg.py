"""Petits / Moyens / Gros tiers (SPEC §5) and « Petits à potentiel »."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .refdata import fold
from .rfm import strictly_lower_counts

TIERS = ("Gros", "Moyens", "Petits")


def tier_codes(ca: np.ndarray, settings) -> np.ndarray:
    """Tier index (0 Gros, 1 Moyens, 2 Petits) of each client with at least one order.

    Rank method: with w clients of strictly higher CA and s = w / n, Gros if
    s < pmg_gros_pct, Moyens if s < pmg_moyens_pct, else Petits. CA-share
    method: c = share of the CA made by clients of strictly higher CA; Gros if
    c < pmg_gros_part_ca, Moyens if c < pmg_moyens_part_ca. Equal CA, equal tier.
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
        srt = np.sort(pos)
        cum = np.concatenate(([0.0], np.cumsum(srt)))
        higher = total - cum[np.searchsorted(srt, pos, side="right")]
        share = higher / total
        lim = (settings.pmg_gros_part_ca / 100, settings.pmg_moyens_part_ca / 100)
    else:
        share = strictly_lower_counts(-v) / n
        lim = (settings.pmg_gros_pct / 100, settings.pmg_moyens_pct / 100)
    return np.where(share < lim[0] - 1e-12, 0, np.where(share < lim[1] - 1e-12, 1, 2)).astype(np.int8)


def tier_against(x: float, base, settings) -> str:
    """Tier of one CA against the CA of a base of clients (rank or CA-share method)."""
    b = np.asarray([v for v in np.asarray(base, dtype="float64").ravel() if v == v])
    if len(b) == 0:
        raise ValueError("base vide")
    values = np.append(b, x)
    return TIERS[int(tier_codes(values, settings)[-1])]


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
    petit = (tiers == "Petits").fillna(False).to_numpy(dtype=bool)
    out = np.full(len(tiers), "", dtype=object)
    if not petit.any():
        return pd.Series(out, index=tiers.index)
    parts: list[np.ndarray] = []
    big = size.isin(["ETI", "GE"]).fillna(False).to_numpy(dtype=bool)
    parts.append(np.where(big, "Grande entreprise (" + size.fillna("").astype(str).to_numpy(dtype=object)
                          + ") pour un petit compte", ""))
    if settings.secteurs_prioritaires:
        wanted = {fold(s) for s in settings.secteurs_prioritaires}
        folded = sector.fillna("").astype(str).map(fold)
        hit = folded.isin(wanted).to_numpy(dtype=bool)
        parts.append(np.where(hit, "Secteur prioritaire (" + sector.fillna("").astype(str).to_numpy(dtype=object) + ")", ""))
    rf = ((r >= 4) & (f >= 4)).fillna(False).to_numpy(dtype=bool)
    parts.append(np.where(rf, "Achète souvent et récemment (R≥4, F≥4)", ""))
    if ca_12m is not None and ca_12m_prev is not None:
        prev = ca_12m_prev.to_numpy(dtype="float64", na_value=np.nan)
        cur = ca_12m.to_numpy(dtype="float64", na_value=np.nan)
        # a client with nothing the year before is new, not growing
        grow = (prev > 0) & (cur >= settings.croissance_potentiel * prev)
        ratio = np.divide(cur, prev, out=np.zeros_like(cur), where=prev > 0)
        txt = np.array([f"CA des 12 derniers mois × {x:.1f} sur un an".replace(".", ",") if g else ""
                        for x, g in zip(ratio, grow)], dtype=object)
        parts.append(txt)
    for i in np.flatnonzero(petit):
        out[i] = " ; ".join(p[i] for p in parts if p[i])
    return pd.Series(out, index=tiers.index)
