"""Scores, named segments, PMG tiers and profile columns of the per-client features (SPEC §3–§6),
for :func:`pipeline.segment`."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from . import pmg as pmg_mod
from . import profile
from .parsing import days_between
from .problems import WARNING, Issue
from .rfm import score_all
from .rules import PROSPECT, lookup_by_code
from .settings import Settings

NOT_CLASSIFIED = "Non classé"


class Scored(NamedTuple):
    """The clients with a score (at least one order and a last purchase date)."""

    scored: np.ndarray  # mask over every client
    recency: np.ndarray  # days; then orders, CA, scores and PMG tier, of the scored clients only
    orders: np.ndarray
    ca: np.ndarray
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    tiers: np.ndarray
    sorted_values: tuple[np.ndarray, np.ndarray, np.ndarray]  # recency, orders, CA sorted ascending


def score(features: pd.DataFrame, settings: Settings, analysis: pd.Timestamp, issues: list[Issue],
          sheet: str, client_columns: dict) -> tuple[pd.DataFrame, Scored]:
    """The features with the score, segment and profile columns added, and the scored clients' figures.

    The columns are gathered in a dict and the frame is built once: inserting them one
    by one copies each array (1 M lines, 350 000 clients: step ``score`` 19,8 ms against
    22,9 ms, ``benchmarks/bench_core.py --phases --base aded5ab``).
    """
    cols = dict(features.items())
    idx = features.index
    last = features["date_dernier_achat"].to_numpy(dtype="datetime64[ns]")
    orders = features["nb_commandes"].to_numpy(dtype="float64")
    ca = features["ca_total"].to_numpy(dtype="float64")
    has_date = ~np.isnat(last)
    no_orders_known = np.isnan(orders)
    assumed = no_orders_known & has_date
    if assumed.any():
        issues.append(Issue("commandes_manquantes", f"{int(assumed.sum())} client(s) ont une date de dernier achat "
                            "mais pas de nombre de commandes : compté(s) pour 1 commande.", WARNING, sheet,
                            client_columns.get("nb_commandes"), None, None, int(assumed.sum())))
        orders = np.where(assumed, 1.0, orders)
        cols["nb_commandes"] = orders
    buyer = orders >= 1
    incomplete = buyer & ~has_date
    if incomplete.any():
        rows = features.index[incomplete]
        for row in rows[:200]:
            issues.append(Issue("date_dernier_achat_manquante", "Client avec des commandes mais sans date de dernier "
                                "achat : il n'est pas classé. Renseignez la date.", WARNING, sheet,
                                client_columns.get("date_dernier_achat"), row, None))
    no_ca = buyer & has_date & np.isnan(ca)
    if no_ca.any():
        issues.append(Issue("ca_manquant", f"{int(no_ca.sum())} client(s) avec des commandes n'ont pas de CA : "
                            "compté 0 €.", WARNING, sheet, client_columns.get("ca_total"), None, None,
                            int(no_ca.sum())))
        ca = np.where(no_ca, 0.0, ca)
        cols["ca_total"] = ca
    scored = buyer & has_date
    every = bool(scored.all())

    def of_scored(values: np.ndarray) -> np.ndarray:
        # most bases from invoice lines have only buyers: no gather then
        return values if every else values[scored]

    end = analysis.normalize().value
    days = np.maximum(days_between(end, of_scored(last)), 0)
    if every:
        rec = days
    else:
        rec = np.full(len(features), np.nan)
        rec[scored] = days
    n = len(features)
    r = np.zeros(n, dtype=np.int8)
    f = np.zeros(n, dtype=np.int8)
    m = np.zeros(n, dtype=np.int8)
    tiers = np.full(n, len(pmg_mod.TIERS), dtype=np.int8)
    ca_s, orders_s = of_scored(ca), of_scored(orders)
    got, tiers_s = score_buyers(days, orders_s, ca_s, settings)
    if every:
        r, f, m, tiers = got.r, got.f, got.m, tiers_s.copy()
    else:
        r[scored], f[scored], m[scored], tiers[scored] = got.r, got.f, got.m, tiers_s
    rules = settings.regles_segments
    names = [x.name for x in rules] + [PROSPECT, NOT_CLASSIFIED]
    code, seg_idx = segment_codes(r, f, m, rules)
    if incomplete.any():
        seg_idx[incomplete] = len(rules) + 1
        tiers[incomplete] = len(pmg_mod.TIERS) + 1
    tier_names = list(pmg_mod.TIERS) + [PROSPECT, NOT_CLASSIFIED]
    cols["recence"] = rec
    cols["score_r"] = r
    cols["score_f"] = f
    cols["score_m"] = m
    cols["code_rfm"] = code
    # the codes are ours and in range: pandas need not check 350 000 of them
    cols["segment_rfm"] = pd.Categorical.from_codes(seg_idx, names, validate=False)
    cols["segment_pmg"] = pd.Categorical.from_codes(tiers, tier_names, validate=False)
    profile_columns(cols, idx, settings, issues, sheet, client_columns)
    ca_12m = features["ca_12m"] if features["ca_12m"].notna().any() else None
    cols["potentiel"] = pmg_mod.potential_reasons(
        pd.Series(cols["segment_pmg"], index=idx), size=_series(cols["taille"], idx),
        sector=_series(cols["secteur"], idx), r=pd.Series(r, index=idx), f=pd.Series(f, index=idx),
        ca_12m=ca_12m, ca_12m_prev=features["ca_12m_prec"] if ca_12m is not None else None, settings=settings,
    )
    # copy=False: the arrays are fresh, the Series are shared copy-on-write
    scored_features = pd.DataFrame(cols, index=idx, copy=False)
    return scored_features, Scored(scored, days, orders_s, ca_s, got.r, got.f, got.m, tiers_s, got.sorted_values)


def _series(values, index: pd.Index) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values, index=index, copy=False)


def score_buyers(days: np.ndarray, orders: np.ndarray, ca: np.ndarray, settings: Settings):
    """(R, F, M scores with the sorted values, PMG tier codes) of the scored clients (SPEC §3, §5)."""
    got = score_all(days, orders, ca, mode=settings.mode_rfm, seuils_r=settings.seuils_r,
                    seuils_f=settings.seuils_f, seuils_m=settings.seuils_m)
    return got, pmg_mod.tier_codes(ca, settings, got.sorted_values[2])


def segment_codes(r: np.ndarray, f: np.ndarray, m: np.ndarray, rules) -> tuple[np.ndarray, np.ndarray]:
    """(Code RFM as a number, index of the named segment in ``rules``; Prospect where the scores are 0)."""
    # 0 for the unscored clients (no score is 0): Prospect
    code = r.astype(np.int16) * 100 + f * 10 + m
    return code, lookup_by_code(rules)[code]


def constant(label: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [label], validate=False)


def profile_columns(features: dict, idx: pd.Index, settings: Settings, issues: list[Issue], sheet: str,
                    client_columns: dict) -> None:
    """Adds the secteur, taille, région, département and SIRET check columns (SPEC §6) to ``features``,
    the columns of the clients (index ``idx``) by name."""
    n = len(idx)
    if not any(f in features for f in ("secteur", "code_naf", "effectif", "tranche_effectif", "code_postal",
                                    "departement", "region", "pays", "siret", "siren")):
        # invoice lines alone say nothing of the profile
        for col, label in (("secteur", profile.UNKNOWN_SECTOR), ("segment_secteur", profile.UNKNOWN_SECTOR),
                           ("taille", profile.UNKNOWN_SIZE), ("region", profile.UNKNOWN_REGION)):
            features[col] = constant(label, n)
        # all missing, without an object array of 350 000 pd.NA
        features["departement"] = pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string()))
        features["siret_valide"] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
        return
    features["secteur"] = profile.sectors(idx, secteur=features.get("secteur"), naf=features.get("code_naf"))
    features["segment_secteur"] = profile.group_small_sectors(_series(features["secteur"], idx),
                                                              settings.seuil_regroupement_secteurs)
    features["taille"] = profile.sizes(features.get("effectif"), features.get("tranche_effectif"), idx)
    features["region"], features["departement"] = profile.regions(
        idx, postal=features.get("code_postal"), ville=features.get("ville"), departement=features.get("departement"),
        region=features.get("region"), pays=features.get("pays"),
    )
    valid = pd.Series(pd.NA, index=idx, dtype="boolean")
    for field in ("siren", "siret"):
        if field in features:
            col = features[field]
            uniq = pd.unique(col.dropna())
            table = {u: profile.siret_is_valid(u) for u in uniq}
            v = col.map(table).astype("boolean")
            valid = v.where(v.notna(), valid)
            bad = (v == False).fillna(False)  # noqa: E712
            for row in idx[bad.to_numpy()][:200]:
                issues.append(Issue(f"{field}_invalide", f"Le {field.upper()} « {col.at[row]} » n'est pas valide "
                                    "(clé de contrôle fausse). Vérifiez-le sur annuaire-entreprises.data.gouv.fr.",
                                    WARNING, sheet, client_columns.get(field), row, col.at[row]))
    features["siret_valide"] = valid


