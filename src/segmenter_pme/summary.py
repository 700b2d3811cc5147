"""Per-segment summary, Pareto, R×F grid and the Synthèse warnings (SPEC §4, §5, §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fr import NBSP, fr_compact, fr_int, fr_plural, fr_share
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
    dims, segs, clients, ca_sums, cmds = [], [], [], [], []
    present_dims = [(dim, features[col]) for dim, col in DIMENSION_COLUMNS if col in features]
    sums = _dimension_sums([values for _, values in present_dims], ca, nb, total_ca)
    for (dim, _), (labels, cnt, s_ca, s_nb) in zip(present_dims, sums):
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
            ca_sums.append(float(s_ca[i]))
            cmds.append(float(s_nb[i]))
    if not present_dims:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    cnt = np.asarray(clients, dtype="int64")
    # no row at all: the CA column stays int64, as np.bincount of nothing has always made it
    s_ca = np.asarray(ca_sums, dtype="float64" if ca_sums else "int64")
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


_MAX_CELLS = 1 << 20


def _dimension_sums(columns: list[pd.Series], ca: np.ndarray, nb: np.ndarray, total_ca: float
                    ) -> list[tuple[list, np.ndarray, np.ndarray, np.ndarray]]:
    """(labels, clients, CA, orders) per label of each column.

    A column with one label (invoice lines say nothing of sector, size, region)
    sums to the totals. The other columns are counted together, one cell per
    combination of labels, and each column's sums are read off the cells: three
    passes over the clients instead of three per column.
    """
    n = len(ca)
    out: list = [None] * len(columns)
    coded = []
    for i, values in enumerate(columns):
        if n and _single_label(values):
            out[i] = (list(values.cat.categories), np.array([n]), np.array([total_ca]), np.array([nb.sum()]))
        else:
            coded.append((i, *_codes(values)))
    if not coded:
        return out
    sizes = [max(len(labels), 1) for _, _, labels in coded]
    if len(coded) > 1 and int(np.prod(sizes, dtype=np.float64)) <= _MAX_CELLS:
        # the first column's codes widened once, the others added in place in their own small type
        # (7 M clients: step summarize 0,29 s → 0,17 s of CPU, median of 9 interleaved rounds)
        cell = coded[0][1].astype(np.int64)
        for (_, codes, _), size in zip(coded[1:], sizes[1:]):
            cell *= size
            cell += codes
        cnt, s_ca, s_nb = (x.reshape(sizes) for x in _sums(cell, ca, nb, int(np.prod(sizes))))
        for axis, (i, _, labels) in enumerate(coded):
            others = tuple(a for a in range(len(sizes)) if a != axis)
            out[i] = (labels, cnt.sum(axis=others), s_ca.sum(axis=others), s_nb.sum(axis=others))
        return out
    for i, codes, labels in coded:
        out[i] = (labels, *_sums(codes, ca, nb, len(labels)))
    return out


def _sums(codes: np.ndarray, ca: np.ndarray, nb: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.bincount(codes, minlength=k), np.bincount(codes, weights=ca, minlength=k),
            np.bincount(codes, weights=nb, minlength=k))


def _codes(col: pd.Series) -> tuple[np.ndarray, list]:
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()  # int8 for a few labels: widened where a bincount needs it
        labels = list(col.cat.categories)
    else:
        codes, uniq = pd.factorize(col.astype(object), use_na_sentinel=True)
        labels = list(uniq)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes.astype(np.int64))
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
    points = np.unique(np.round(np.linspace(0, n, min(n, 100) + 1)).astype(int))
    at_points, total = _running_ca(srt, points)
    if n == 0 or total <= 0:
        curve = pd.DataFrame({"% clients": [0.0, 1.0], "% CA": [0.0, 1.0]})
        return Pareto(0.0, 0.0, "Aucun client avec des achats : pas de répartition du CA à montrer.", curve)
    g_clients = float(np.sum(is_gros)) / n
    g_ca = float(np.clip(ca[is_gros], 0, None).sum()) / total
    curve = pd.DataFrame({"% clients": points / n, "% CA": at_points / total})
    # the base is said: the PMG table's « % base » counts the prospects too
    sentence = (
        f"Vos clients « Gros » — {fr_share(g_clients, 0)} des {fr_int(n)} clients ayant commandé — réalisent "
        f"{fr_share(g_ca, 0)} de votre chiffre d'affaires."
    )
    return Pareto(g_clients * 100, g_ca * 100, sentence, curve)


# blocks of the running CA (_running_ca): 512 KB, in the CPU caches
PARETO_BLOCK = 1 << 16


def _running_ca(srt: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, float]:
    """The running CA of the clients largest first (credit notes beyond the purchases count as 0)
    after ``points`` clients each (``points``: ascending, from 0 to ``len(srt)``), and the total.

    The same sums, in the same order, as ``np.cumsum`` of the whole curve, one block at a time
    carrying the total over: only the 101 points are kept, not three arrays of a CA per client
    (20 M lines, 7 M clients: step pareto 0,41 s → 0,05 s of CPU, median of 3 interleaved rounds,
    bench_core.py --phases; client_frame, the step after it, then takes 0,12 s more: its fresh memory
    no longer comes from the arrays pareto freed).
    """
    n = len(srt)
    desc = srt[::-1]
    out = np.zeros(len(points))
    block = np.empty(min(n, PARETO_BLOCK))
    total = 0.0
    at = int(np.searchsorted(points, 0, side="right"))  # the running CA of no client is 0
    for start in range(0, n, PARETO_BLOCK):
        part = block[:min(PARETO_BLOCK, n - start)]
        np.clip(desc[start:start + len(part)], 0, None, out=part)
        if start:
            part[0] += total  # the block goes on from the total so far: each sum as in one cumsum
        np.cumsum(part, out=part)
        end = start + len(part)
        stop = int(np.searchsorted(points, end, side="right"))
        out[at:stop] = part[points[at:stop] - 1 - start]
        at = stop
        total = float(part[-1])
    return out, total


def rf_grid(r: np.ndarray, f: np.ndarray) -> pd.DataFrame:
    """Client counts per (Score R, Score F): index R 5..1, columns F 1..5."""
    grid = np.zeros((5, 5), dtype=np.int64)
    if len(r):
        # 0..24 fits in int8: the arithmetic stays on 1-byte values
        cell = (5 - np.asarray(r, dtype=np.int8)) * np.int8(5) + (np.asarray(f, dtype=np.int8) - np.int8(1))
        grid += np.bincount(cell, minlength=25).reshape(5, 5)
    return pd.DataFrame(grid, index=pd.Index([5, 4, 3, 2, 1], name="Score R"),
                        columns=pd.Index([1, 2, 3, 4, 5], name="Score F"))


def _threshold(x: float) -> str:
    return fr_compact(x)


def is_small_segment(share: float, threshold_pct: float) -> bool:
    """Under ``seuil_petit_segment`` as the user reads it: the share rounded to the 0,1 % shown (4,96 % is 5,0 %)."""
    return round(100 * float(share), 1) < threshold_pct


def segment_warnings(summary: pd.DataFrame, settings) -> list[str]:
    """SPEC §4 warnings: segments under the minimum share, more segments than advised."""
    out = []
    # a handful of rows: plain Python beats pandas filtering here
    rfm = [(seg, share, n) for dim, seg, share, n in zip(summary["Dimension"], summary["Segment"], summary["% base"],
                                                         summary["Clients"])
           if dim == "Segment RFM" and seg not in ("Prospect", "Non classé")]
    for seg, share, n in rfm:
        if is_small_segment(share, settings.seuil_petit_segment):
            out.append(
                f"Le segment « {seg} » ne pèse que {fr_share(share)} de la base "
                f"({fr_plural(n, 'client', 'clients')}) : moins de {_threshold(settings.seuil_petit_segment)}{NBSP}%, "
                "il ne justifie pas d'actions propres. Traitez-le avec un segment voisin."
            )
    if len(rfm) > settings.max_segments:
        out.append(
            f"{len(rfm)} segments RFM sont utilisés : au-delà de {settings.max_segments}, les actions se dispersent. "
            "Regroupez des segments dans « Paramètres »."
        )
    return out
