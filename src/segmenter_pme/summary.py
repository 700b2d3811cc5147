"""Per-segment summary, Pareto, R×F grid and the Synthèse warnings (SPEC §4, §5, §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .result import Pareto

SUMMARY_COLUMNS = ["Dimension", "Segment", "Clients", "% base", "CA", "% CA", "Commandes", "Panier moyen", "CA moyen"]
DIMENSION_COLUMNS = (
    ("Segment RFM", "segment_rfm"),
    ("Segment PMG", "segment_pmg"),
    ("Segment Secteur", "segment_secteur"),
    ("Taille", "taille"),
    ("Région", "region"),
)


def summarize(features: pd.DataFrame, orders: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """One row per (dimension, segment).

    Input: ``features`` with ``ca_total``, ``nb_commandes`` and the label columns
    ``segment_rfm``, ``segment_pmg``, ``segment_secteur``, ``taille``, ``region``.
    ``orders`` gives the display order of segments per dimension (others follow
    by decreasing client count). Output columns: :data:`SUMMARY_COLUMNS`;
    percentages are fractions.
    """
    n = len(features)
    ca = features["ca_total"].fillna(0.0).astype("float64")
    nb = features["nb_commandes"].fillna(0).astype("float64")
    total_ca = float(ca.sum())
    frames = []
    for dim, col in DIMENSION_COLUMNS:
        if col not in features:
            continue
        codes, labels = _codes(features[col])
        k = len(labels)
        agg = pd.DataFrame(
            {"Clients": np.bincount(codes, minlength=k), "CA": np.bincount(codes, weights=ca.to_numpy(), minlength=k),
             "Commandes": np.bincount(codes, weights=nb.to_numpy(), minlength=k)},
            index=pd.Index(labels, dtype=object),
        )
        agg = agg[agg["Clients"] > 0]
        wanted = list((orders or {}).get(dim, []))
        ordered = [s for s in wanted if s in agg.index]
        rest = agg.drop(index=ordered).sort_values(["Clients", "CA"], ascending=False).index.tolist()
        agg = agg.loc[ordered + rest]
        agg.insert(0, "Segment", agg.index.astype(str))
        agg.insert(0, "Dimension", dim)
        agg["% base"] = agg["Clients"] / n if n else 0.0
        agg["% CA"] = agg["CA"] / total_ca if total_ca else 0.0
        agg["Panier moyen"] = np.where(agg["Commandes"] > 0, agg["CA"] / agg["Commandes"].where(agg["Commandes"] > 0, 1), np.nan)
        agg["CA moyen"] = agg["CA"] / agg["Clients"]
        frames.append(agg)
    if not frames:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    out = pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS]
    out["Clients"] = out["Clients"].astype("int64")
    out["Commandes"] = out["Commandes"].astype("int64")
    return out


def _codes(col: pd.Series) -> tuple[np.ndarray, list]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        labels = list(col.cat.categories)
    else:
        codes, uniq = pd.factorize(col.astype(object), use_na_sentinel=True)
        labels = list(uniq)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels = labels + ["—"]
    return codes, labels


def pareto(ca_scored: np.ndarray, is_gros: np.ndarray) -> Pareto:
    """The real Pareto of the base: share of clients that are Gros and their share of CA.

    Input: CA of the clients with at least one order and a mask of the Gros.
    """
    ca = np.asarray(ca_scored, dtype="float64")
    n = len(ca)
    total = float(np.clip(ca, 0, None).sum())
    if n == 0 or total <= 0:
        curve = pd.DataFrame({"% clients": [0.0, 1.0], "% CA": [0.0, 1.0]})
        return Pareto(0.0, 0.0, "Aucun client avec des achats : pas de répartition du CA à montrer.", curve)
    g_clients = float(np.sum(is_gros)) / n
    g_ca = float(np.clip(ca[is_gros], 0, None).sum()) / total
    srt = np.sort(np.clip(ca, 0, None))[::-1]
    cum = np.concatenate(([0.0], np.cumsum(srt))) / total
    pts = np.unique(np.round(np.linspace(0, n, min(n, 100) + 1)).astype(int))
    curve = pd.DataFrame({"% clients": pts / n, "% CA": cum[pts]})
    sentence = (
        f"Vos {_pct(g_clients)} de clients « Gros » réalisent {_pct(g_ca)} de votre chiffre d'affaires."
    )
    return Pareto(g_clients * 100, g_ca * 100, sentence, curve)


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %".replace(".", ",")


def rf_grid(r: np.ndarray, f: np.ndarray) -> pd.DataFrame:
    """Client counts per (Score R, Score F): index R 5..1, columns F 1..5."""
    grid = np.zeros((5, 5), dtype=np.int64)
    if len(r):
        np.add.at(grid, (5 - np.asarray(r, dtype=int), np.asarray(f, dtype=int) - 1), 1)
    return pd.DataFrame(grid, index=pd.Index([5, 4, 3, 2, 1], name="Score R"),
                        columns=pd.Index([1, 2, 3, 4, 5], name="Score F"))


def segment_warnings(summary: pd.DataFrame, settings) -> list[str]:
    """SPEC §4 warnings: segments under the minimum share, more segments than advised."""
    out = []
    rfm = summary[(summary["Dimension"] == "Segment RFM") & ~summary["Segment"].isin(["Prospect", "Non classé"])]
    small = rfm[rfm["% base"] * 100 < settings.seuil_petit_segment]
    for _, row in small.iterrows():
        out.append(
            f"Le segment « {row['Segment']} » ne pèse que {row['% base'] * 100:.1f} % de la base ".replace(".", ",", 1)
            + f"({row['Clients']} client{'s' if row['Clients'] > 1 else ''}) : moins de {settings.seuil_petit_segment:g} %, il ne justifie pas "
            "d'actions propres. Traitez-le avec un segment voisin."
        )
    if len(rfm) > settings.max_segments:
        out.append(
            f"{len(rfm)} segments RFM sont utilisés : au-delà de {settings.max_segments}, les actions se dispersent. "
            "Regroupez des segments dans « Paramètres »."
        )
    return out
