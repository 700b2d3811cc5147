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
    ca = _filled(features["ca_total"])
    total_ca = float(ca.sum())
    nb = _filled(features["nb_commandes"])
    # the few rows of each dimension are put together in plain numpy and Python,
    # and the frame is built once: per-dimension pandas frames cost more than the sums
    dims, segs, clients, cas, cmds = [], [], [], [], []
    constant_sums = None
    any_dim = False
    for dim, col in DIMENSION_COLUMNS:
        if col not in features:
            continue
        any_dim = True
        values = features[col]
        if _single_label(values) and n:
            # a single label (invoice lines say nothing of sector, size, region):
            # the sums are those of every client, computed once
            labels = list(values.cat.categories)
            if constant_sums is None:
                constant_sums = (np.array([n]), np.array([total_ca]), np.array([nb.sum()]))
            cnt, s_ca, s_nb = constant_sums
        else:
            codes, labels = _codes(values)
            cnt, s_ca, s_nb = _sums(codes, ca, nb, len(labels))
        present = [i for i in range(len(labels)) if cnt[i] > 0]
        index_of = {}
        for i in present:
            index_of.setdefault(labels[i], i)
        wanted = list((orders or {}).get(dim, []))
        ordered = [index_of[s] for s in wanted if s in index_of]
        taken = {labels[i] for i in ordered}
        rest = [i for i in present if labels[i] not in taken]
        # decreasing client count, then CA; ties keep the label order (a stable sort)
        rest.sort(key=lambda i: (-cnt[i], -s_ca[i]))
        for i in ordered + rest:
            dims.append(dim)
            segs.append(str(labels[i]))
            clients.append(int(cnt[i]))
            cas.append(float(s_ca[i]))
            cmds.append(float(s_nb[i]))
    if not any_dim:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    cnt = np.asarray(clients, dtype="int64")
    # no row at all: the CA column stays int64, as np.bincount of nothing has always made it
    s_ca = np.asarray(cas, dtype="float64" if cas else "int64")
    s_nb = np.asarray(cmds, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        basket = np.where(s_nb > 0, s_ca / np.where(s_nb > 0, s_nb, 1), np.nan)
    return pd.DataFrame({
        "Dimension": pd.array(dims, dtype="str"),
        "Segment": pd.array(segs, dtype="str"),
        "Clients": cnt,
        "% base": cnt / n if n else np.zeros(len(cnt)),
        "CA": s_ca,
        "% CA": s_ca / total_ca if total_ca else np.zeros(len(cnt)),
        "Commandes": s_nb.astype("int64"),
        "Panier moyen": basket,
        "CA moyen": s_ca / cnt,
    })


def _filled(values: pd.Series) -> np.ndarray:
    """float64 values, missing ones as 0."""
    out = values.to_numpy(dtype="float64", na_value=np.nan)
    return np.nan_to_num(out, nan=0.0) if np.isnan(out).any() else out


def _single_label(values: pd.Series) -> bool:
    return (isinstance(values.dtype, pd.CategoricalDtype) and len(values.cat.categories) == 1
            and not values.hasnans)


def _sums(codes: np.ndarray, ca: np.ndarray, nb: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.bincount(codes, minlength=k), np.bincount(codes, weights=ca, minlength=k),
            np.bincount(codes, weights=nb, minlength=k))


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


def pareto(ca_scored: np.ndarray, is_gros: np.ndarray, sorted_ca: np.ndarray | None = None) -> Pareto:
    """The real Pareto of the base: share of clients that are Gros and their share of CA.

    Input: CA of the clients with at least one order and a mask of the Gros;
    ``sorted_ca``: the same CA sorted ascending, when the caller has it.
    """
    ca = np.asarray(ca_scored, dtype="float64")
    n = len(ca)
    srt = np.sort(ca) if sorted_ca is None else np.asarray(sorted_ca, dtype="float64")
    # largest first, credit notes beyond the purchases count as 0
    desc = np.clip(srt[::-1], 0, None)
    cum = np.concatenate(([0.0], np.cumsum(desc)))
    total = float(cum[-1])
    if n == 0 or total <= 0:
        curve = pd.DataFrame({"% clients": [0.0, 1.0], "% CA": [0.0, 1.0]})
        return Pareto(0.0, 0.0, "Aucun client avec des achats : pas de répartition du CA à montrer.", curve)
    g_clients = float(np.sum(is_gros)) / n
    g_ca = float(np.clip(ca[is_gros], 0, None).sum()) / total
    cum /= total
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
        cell = (5 - np.asarray(r, dtype=np.intp)) * 5 + (np.asarray(f, dtype=np.intp) - 1)
        grid += np.bincount(cell, minlength=25).reshape(5, 5)
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
