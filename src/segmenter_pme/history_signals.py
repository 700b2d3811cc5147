"""Weak signals and the Petits-à-potentiel check on the user's own past (SPEC §8)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import pmg as pmg_mod
from .fr import fr_date, fr_eur, fr_number, fr_share, fr_signed_share
from .history_result import SIGNAL_COLUMNS, PotentielCheck
from .profile import OTHER_SECTORS, UNKNOWN_REGION, UNKNOWN_SECTOR, UNKNOWN_SIZE
from .replay import Snapshot

MAX_SIGNALS = 5
# unknown values, and the small sectors grouped together, say nothing of a group worth a look
_UNKNOWN = {UNKNOWN_REGION, UNKNOWN_SECTOR, UNKNOWN_SIZE, OTHER_SECTORS, "Inconnue", "Non renseigné",
            "Non renseignée", ""}


def potentiel_check(before: Snapshot, current: Snapshot, reference: pd.Timestamp, settings) -> PotentielCheck:
    """Of the Petits of the snapshot at D − 12 months, the share now Moyens or Gros: à potentiel vs the others."""
    petit = before.pmg == pmg_mod.TIERS.index("Petits")
    now = current.groups("PMG")
    up = (now == pmg_mod.TIERS.index("Gros")) | (now == pmg_mod.TIERS.index("Moyens"))
    figures = []  # (Petits, grown to Moyens or Gros, share grown): à potentiel, then the others
    for group in (petit & before.potentiel, petit & ~before.potentiel):
        rows = before.rows[group]
        n, grown = len(rows), int(up[rows].sum())
        figures.append((n, grown, grown / n if n else np.nan))
    (n_pot, grown_pot, share_pot), (n_other, grown_other, share_other) = figures
    when = fr_date(reference)
    if not n_pot:
        sentence = f"Aucun Petit n'était « à potentiel » le {when} : rien à vérifier sur vos 12 derniers mois."
    else:
        sentence = (f"Des {fr_number(n_pot)} Petits « à potentiel » du {when}, {fr_number(grown_pot)} "
                    f"({fr_share(share_pot)}) sont aujourd'hui Moyens ou Gros, contre "
                    f"{fr_share(share_other) if n_other else '—'} des autres Petits "
                    f"({fr_number(grown_other)} sur {fr_number(n_other)}).")
        if n_other and share_pot == share_pot and share_other == share_other:
            sentence += (" Le signal « à potentiel » a bien annoncé une croissance." if share_pot > share_other else
                         " Le signal « à potentiel » n'a pas fait mieux que le hasard : revoyez ses critères "
                         "dans « Paramètres ».")
    return PotentielCheck(reference, n_pot, grown_pot, share_pot, n_other, grown_other, share_other, sentence)


def weak_signals(result, settings) -> pd.DataFrame:
    """Groups Segment Secteur × Région and × Taille of at least ``signal_taille_min`` clients whose CA of the
    last 12 months grew ``signal_croissance`` points more than the base's, or whose CA per client is
    ``signal_ca_par_client`` × the base's; at most 5, strongest first."""
    feats = result.features
    buyer = ~feats["segment_rfm"].isin(["Prospect"]).to_numpy()
    ca12 = feats["ca_12m"].to_numpy(dtype="float64", na_value=np.nan)
    with_lines = not np.isnan(ca12).all()
    if with_lines:
        cur = np.nan_to_num(ca12)
        prev = np.nan_to_num(feats["ca_12m_prec"].to_numpy(dtype="float64", na_value=np.nan))
        what = "sur 12 mois"
    else:  # without invoice lines: CA total, and no growth
        cur = np.nan_to_num(feats["ca_total"].to_numpy(dtype="float64", na_value=np.nan))
        prev = np.zeros(len(cur))
        what = "(CA total)"
    base_n = int(buyer.sum())
    if not base_n:
        return pd.DataFrame({c: [] for c in SIGNAL_COLUMNS})
    base_cur, base_prev = cur[buyer].sum(), prev[buyer].sum()
    base_growth = base_cur / base_prev - 1 if with_lines and base_prev > 0 else np.nan
    base_cpc = base_cur / base_n
    s_codes, s_names = _codes(feats["segment_secteur"], buyer)
    found = []
    for axis, col in (("Secteur × Région", "region"), ("Secteur × Taille", "taille")):
        g_codes, g_names = _codes(feats[col], buyer)
        # one bincount per figure over the (sector, group) pairs, instead of a groupby of texts
        pair = s_codes * len(g_names) + g_codes
        size = len(s_names) * len(g_names)
        counts = np.bincount(pair, minlength=size)
        sums_cur = np.bincount(pair, weights=cur[buyer], minlength=size)
        sums_prev = np.bincount(pair, weights=prev[buyer], minlength=size)
        for p in np.flatnonzero(counts):
            s, g = s_names[p // len(g_names)], g_names[p % len(g_names)]
            r = {"n": int(counts[p]), "cur": float(sums_cur[p]), "prev": float(sums_prev[p])}
            if r["n"] < settings.signal_taille_min or s in _UNKNOWN or g in _UNKNOWN:
                continue
            growth = r["cur"] / r["prev"] - 1 if r["prev"] > 0 else np.nan
            cpc = r["cur"] / r["n"]
            excess = (growth - base_growth) * 100 if growth == growth and base_growth == base_growth else np.nan
            strength, reason = 0.0, None
            if excess == excess and excess >= settings.signal_croissance:
                strength, reason = excess / settings.signal_croissance, "croissance"
            if base_cpc > 0 and cpc >= settings.signal_ca_par_client * base_cpc:
                ratio = cpc / base_cpc / settings.signal_ca_par_client
                if ratio > strength:
                    strength, reason = ratio, "ca_par_client"
            if reason is None:
                continue
            who = f"{s} × {g} ({fr_number(r['n'])} clients)"
            if reason == "croissance":
                sentence = (f"{who} : CA des 12 derniers mois {fr_signed_share(growth)}, contre {fr_signed_share(base_growth)} pour "
                            "l'ensemble de la base — un groupe qui décolle.")
            else:
                sentence = (f"{who} : {fr_eur(cpc)} de CA par client {what}, "
                            f"{fr_number(cpc / base_cpc, 1)} × celui de la base ({fr_eur(base_cpc)}).")
            found.append((strength, (axis, s, g, int(r["n"]), float(r["cur"]), float(r["prev"]) if with_lines
                                     else np.nan, growth, base_growth, cpc, base_cpc, reason, sentence)))
    found.sort(key=lambda t: (-t[0], t[1][0], t[1][1], t[1][2]))
    return pd.DataFrame([f[1] for f in found[:MAX_SIGNALS]], columns=list(SIGNAL_COLUMNS))


def _codes(s: pd.Series, mask: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Integer codes of ``s[mask]`` and their labels ('' for missing)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()[mask].astype(np.int64)
        names = [str(c) for c in s.cat.categories] + [""]
        return np.where(codes < 0, len(names) - 1, codes), names
    codes, labels = pd.factorize(s[mask].astype("string").fillna(""))
    return codes.astype(np.int64), [str(u) for u in labels]
