"""A hand-built SegmentationResult for the layout tests (no dependency on the core pipeline).

``make_result()`` derives a coherent summary, R×F grid, boundaries and Pareto
curve from a small deterministic client list, so the sheets look like a real run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmenter_pme.problems import ERROR, INFO, WARNING, Issue
from segmenter_pme.result import Pareto, SegmentationResult
from segmenter_pme.rules import segment_of_code
from segmenter_pme.settings import Settings

ANALYSIS_DATE = dt.date(2025, 12, 31)
SECTORS = ("Industrie", "Commerce", "Construction", "Services professionnels", "Hôtellerie-restauration")
REGIONS = ("Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Hauts-de-France")


def _quintile(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    n = len(values)
    if higher_is_better:
        worse = np.array([(values < v).sum() for v in values])
    else:
        worse = np.array([(values > v).sum() for v in values])
    return 1 + np.floor(5 * worse / n).astype(int)


def make_clients(n: int = 240, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    orders = rng.geometric(0.3, n)
    orders[: n // 12] = 0  # prospects
    recency = rng.integers(3, 900, n)
    ca = np.round(orders * rng.lognormal(6.3, 0.9, n), 2)
    return pd.DataFrame({
        "Entreprise": [f"Société {i:03d}" for i in range(n)],
        "recence": recency, "nb_commandes": orders, "ca_total": ca,
        "secteur": [SECTORS[i % len(SECTORS)] if i % 17 else "Agriculture" for i in range(n)],
        "taille": np.where(np.arange(n) % 9 == 0, "ETI", np.where(np.arange(n) % 3 == 0, "PME", "TPE")),
        "region": [REGIONS[i % len(REGIONS)] for i in range(n)],
    }, index=pd.RangeIndex(2, n + 2))


def _summary(df: pd.DataFrame) -> pd.DataFrame:
    n, ca_total = len(df), df["ca_total"].sum()
    rows = []
    for dim, col in (("Segment RFM", "seg"), ("Segment PMG", "pmg"), ("Segment Secteur", "secteur"),
                     ("Taille", "taille"), ("Région", "region")):
        for seg, part in df.groupby(col, sort=False):
            orders = part["nb_commandes"].sum()
            rows.append({
                "Dimension": dim, "Segment": seg, "Clients": len(part), "% base": len(part) / n,
                "CA": part["ca_total"].sum(), "% CA": part["ca_total"].sum() / ca_total,
                "Commandes": int(orders),
                "Panier moyen": part["ca_total"].sum() / orders if orders else np.nan,
                "CA moyen": part["ca_total"].mean(),
            })
    return pd.DataFrame(rows)


def make_result(settings: Settings | None = None, n: int = 240) -> SegmentationResult:
    settings = settings or Settings(date_analyse=ANALYSIS_DATE)
    df = make_clients(n)
    buyers = df["nb_commandes"] > 0
    b = df[buyers]
    r = _quintile(b["recence"].to_numpy(), False)
    f = _quintile(b["nb_commandes"].to_numpy(), True)
    m = _quintile(b["ca_total"].to_numpy(), True)
    df["seg"] = "Prospect"
    df.loc[buyers, "seg"] = [segment_of_code(f"{x}{y}{z}", settings.regles_segments) for x, y, z in zip(r, f, m)]
    higher = np.array([(b["ca_total"].to_numpy() > v).sum() for v in b["ca_total"]]) / len(b)
    df["pmg"] = ""
    df.loc[buyers, "pmg"] = np.where(higher < 0.2, "Gros", np.where(higher < 0.5, "Moyens", "Petits"))
    df.loc[~buyers, "pmg"] = "Prospect"
    summary = _summary(df)
    grid = pd.DataFrame(0, index=pd.Index([5, 4, 3, 2, 1], name="Score R"),
                        columns=pd.Index([1, 2, 3, 4, 5], name="Score F"))
    for x, y in zip(r, f):
        grid.loc[x, y] += 1
    bounds = []
    for dim, scores, vals, unit in (("R", r, b["recence"], "jours"), ("F", f, b["nb_commandes"], "commandes"),
                                    ("M", m, b["ca_total"], "€")):
        for s in (5, 4, 3, 2, 1):
            v = vals[scores == s]
            lo, hi = (v.min(), v.max()) if len(v) else (np.nan, np.nan)
            bounds.append({"Dimension": dim, "Score": s, "Min": lo, "Max": hi, "Clients": int(len(v)),
                           "Règle": f"de {lo:,.0f} à {hi:,.0f} {unit}".replace(",", "\u202f") if len(v) else "—"})
    ca_sorted = np.sort(b["ca_total"].to_numpy())[::-1]
    cum = np.cumsum(ca_sorted) / ca_sorted.sum()
    xs = np.arange(1, len(cum) + 1) / len(cum)
    curve = pd.DataFrame({"% clients": np.concatenate(([0], xs)), "% CA": np.concatenate(([0], cum))})
    gros = summary[(summary["Dimension"] == "Segment PMG") & (summary["Segment"] == "Gros")].iloc[0]
    gros_clients = gros["Clients"] / len(b)
    gros_ca = gros["% CA"]
    sentence = (f"Vos {gros_clients:.0%} Gros clients réalisent {gros_ca:.0%} du CA.").replace("%", "\u00a0%")
    issues = [
        Issue("date_illisible", "Date illisible « 32/13/2025 » : écrivez-la au format JJ/MM/AAAA.", ERROR,
              "Clients", "Date dernier achat", 12, "32/13/2025"),
        Issue("montant_negatif", "CA négatif (-120) : vérifiez s'il s'agit d'un avoir.", WARNING,
              "Clients", "CA total", 40, -120.0),
        Issue("achats_posterieurs", "3 achats postérieurs à la date d'analyse ont été ignorés.", INFO,
              "Factures", None, None, None, 3),
    ]
    output = pd.DataFrame({"Segment RFM": df["seg"], "Segment PMG": df["pmg"],
                           "Potentiel": np.where((df["pmg"] == "Petits") & (df["taille"] == "ETI"),
                                                 "Grande entreprise", "")}, index=df.index)
    return SegmentationResult(
        clients=df, output=output, features=df, summary=summary, boundaries=pd.DataFrame(bounds),
        rf_grid=grid, pareto=Pareto(gros_clients * 100, gros_ca * 100, sentence, curve),
        warnings=["Le segment « Perdus » représente moins de 5 % de la base : il ne justifie pas d'actions propres.",
                  "3 achats postérieurs à la date d'analyse (31/12/2025) ont été ignorés."],
        issues=issues, settings=settings, analysis_date=ANALYSIS_DATE,
    )


def test_sample_result_is_coherent():
    res = make_result()
    rfm = res.summary[res.summary["Dimension"] == "Segment RFM"]
    assert rfm["Clients"].sum() == 240
    assert abs(rfm["% CA"].sum() - 1) < 1e-9
    assert int(res.rf_grid.to_numpy().sum()) == int((res.clients["nb_commandes"] > 0).sum())
