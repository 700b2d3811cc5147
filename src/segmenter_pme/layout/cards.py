"""« Fiches segments »: one card per segment for the sales team (SPEC §9) — data only, no I/O.

A card says who the clients of a segment are in plain words (portrait, rule,
size, share of CA, typical basket and frequency, top sectors and regions),
what to do (objective, three actions, channel, cadence, indicators — taken
from the « Plan d'actions » rows, so the user's edits show) and names its 10
largest clients. The sheet (:mod:`.fiches`) and the PDF
(:mod:`.workbook.cards_pdf`) draw the same cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..fr import NBSP, fr_decimal
from ..result import SegmentationResult
from ..rules import PROSPECT, SegmentRule

TOP_CLIENTS = 10
TOP_GROUPS = 3


@dataclass
class SegmentCard:
    family: str  # Segment RFM | Segment PMG
    name: str
    portrait: str
    rule: str
    clients: int
    share_base: float  # 0..1
    share_ca: float  # 0..1
    ca: float
    basket: float | None  # CA per order
    frequency: float | None  # orders per client
    top_sectors: list[tuple[str, float]]  # (sector, share of the segment's clients 0..1)
    top_regions: list[tuple[str, float]]
    objective: str = ""
    actions: list[str] = field(default_factory=list)
    channel: str = ""
    cadence: str = ""
    indicators: str = ""
    key_message: str = ""
    owner: str = ""
    #: Code client, Entreprise, CA, Dernier achat (datetime), Commercial ("" when unknown)
    top_clients: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------- rules in words

_WORDS = {
    "R": {"high": "a acheté récemment", "low": "n'a plus acheté depuis longtemps", "mid": "récence moyenne"},
    "F": {"high": "commande souvent", "low": "commande rarement", "mid": "fréquence moyenne", "one": "une seule commande"},
    "M": {"high": "gros montant d'achats", "low": "petit montant d'achats", "mid": "montant moyen"},
}


def rule_in_words(rule: SegmentRule) -> str:
    """``Champions : R>=4 ; F>=4 ; M>=4`` → « a acheté récemment, commande souvent, gros montant d'achats (R≥4, F≥4, M≥4) »."""
    words, marks = [], []
    for dim, (lo, hi) in zip("RFM", (rule.r, rule.f, rule.m)):
        if (lo, hi) == (1, 5):
            continue
        if dim == "F" and (lo, hi) == (1, 1):
            words.append(_WORDS[dim]["one"])
        elif lo >= 4:
            words.append(_WORDS[dim]["high"])
        elif hi <= 2:
            words.append(_WORDS[dim]["low"])
        else:
            words.append(_WORDS[dim]["mid"])
        marks.append(f"{dim}={lo}" if lo == hi else f"{dim}≥{lo}" if hi == 5 else f"{dim}≤{hi}" if lo == 1
                     else f"{dim} de {lo} à {hi}")
    if not words:
        return "tous les clients que les règles précédentes n'ont pas classés"
    text = ", ".join(words)
    return f"{text[0].upper()}{text[1:]} ({', '.join(marks)})"


def _pct(x: float) -> str:
    return fr_decimal(x) + NBSP + "%"


def pmg_rule_in_words(name: str, settings) -> str:
    if name == "Petits à potentiel":
        growth = fr_decimal(settings.croissance_potentiel)
        return ("Petits comptes qui peuvent grandir : grande entreprise (ETI, GE), secteur prioritaire, achats "
                f"récents et fréquents (R≥4, F≥4) ou CA des 12 derniers mois ≥ {growth} × l'année d'avant")
    if settings.methode_pmg == "part_ca":
        return {"Gros": f"Les plus gros clients qui font ensemble {_pct(settings.pmg_gros_part_ca)} du CA",
                "Moyens": f"Les clients suivants, jusqu'à {_pct(settings.pmg_moyens_part_ca)} du CA",
                "Petits": "Les autres clients qui ont acheté"}.get(name, "")
    return {"Gros": f"Les {_pct(settings.pmg_gros_pct)} de clients au plus gros CA",
            "Moyens": f"Les clients suivants, jusqu'à {_pct(settings.pmg_moyens_pct)} des clients",
            "Petits": "Les autres clients qui ont acheté"}.get(name, "")


# ---------------------------------------------------------------- cards

def _norm(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def split_actions(text: str, n: int = 3) -> list[str]:
    """« A ; B ; C ; D » → ["A", "B", "C ; D"]: at most ``n`` actions, none lost."""
    parts = [p.strip() for p in re.split(r"\s*;\s*|\n+", str(text or "")) if p.strip()]
    if len(parts) > n:
        parts = parts[: n - 1] + [" ; ".join(parts[n - 1:])]
    return [p[0].upper() + p[1:] for p in parts]


def _top(values: pd.Series, n: int) -> list[tuple[str, float]]:
    counts = values[values != ""].value_counts()
    total = len(values) or 1
    return [(str(k), int(v) / total) for k, v in counts.head(n).items()]


def _text(s: pd.Series | None, index: pd.Index) -> pd.Series:
    if s is None:
        return pd.Series("", index=index, dtype=object)
    obj = s.astype(object)
    return obj.where(obj.notna(), "").astype(str)


def _top_clients(result: SegmentationResult, rows: np.ndarray) -> pd.DataFrame:
    """Code client, Entreprise (else the contact's name, else the code) and Commercial of the clients at
    positions ``rows`` — worded for the ten shown, not for every client (350 000 clients: build_fiches
    0,68 s → 0,44 s of CPU, best of 3)."""
    feats = result.features.iloc[rows]
    idx = feats.index
    codes = _text(feats.get("client_id"), idx)
    names = _text(feats.get("raison_sociale"), idx)
    fallback = _text(feats.get("nom"), idx).where(names == "", names)
    header = result.client_columns.get("commercial")
    return pd.DataFrame({
        "Code client": codes.str.replace(r"^(\d+)\.0$", r"\1", regex=True).to_numpy(),
        "Entreprise": fallback.where(fallback != "", codes).to_numpy(),
        "Commercial": (_text(result.clients[header].reindex(idx), idx).to_numpy()
                       if header and header in result.clients.columns else ""),
    })


def segment_cards(result: SegmentationResult, plan_rows: Sequence[dict[str, Any]] = ()) -> list[SegmentCard]:
    """One card per RFM segment with clients (rule order, then Prospect), per PMG tier and for the Petits à potentiel.

    ``plan_rows``: the rows of « Plan d'actions » as read from the sheet
    (:func:`segmenter_pme.layout.plan_actions.rows_from_values`); segments
    missing there get the default texts.
    """
    from .plan_actions import merge_action_plan, segment_rows

    feats = result.features
    if feats.empty or "ca_total" not in feats.columns:
        return []
    idx = feats.index
    plan = {_norm(r.get("Segment")): r for r in merge_action_plan(plan_rows, segment_rows(result))}
    ca = pd.to_numeric(feats["ca_total"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    orders = pd.to_numeric(feats.get("nb_commandes"), errors="coerce")
    orders = orders.fillna(0).to_numpy(dtype=float) if orders is not None else np.zeros(len(idx))
    total_ca = float(ca.sum()) or 1.0
    n_total = len(idx) or 1
    rfm = _text(feats.get("segment_rfm"), idx).to_numpy(dtype=object)
    pmg = _text(feats.get("segment_pmg"), idx).to_numpy(dtype=object)
    potential = (_text(feats.get("potentiel"), idx) != "").to_numpy() & (pmg == "Petits")
    sectors = _text(feats.get("segment_secteur", feats.get("secteur")), idx)
    regions = _text(feats.get("region"), idx)
    last = pd.to_datetime(feats.get("date_dernier_achat"), errors="coerce")
    rules = {r.name: r for r in result.settings.regles_segments}

    wanted: list[tuple[str, str, np.ndarray]] = []
    rfm_names = [r.name for r in result.settings.regles_segments] + [PROSPECT]
    rfm_names += [n for n in pd.unique(rfm) if n and n not in rfm_names]
    wanted += [("Segment RFM", n, rfm == n) for n in rfm_names]
    wanted += [("Segment PMG", n, pmg == n) for n in ("Gros", "Moyens", "Petits")]
    wanted.append(("Segment PMG", "Petits à potentiel", potential))

    cards = []
    for family, name, mask in wanted:
        n = int(mask.sum())
        if not n:
            continue
        seg_ca = float(ca[mask].sum())
        seg_orders = float(orders[mask].sum())
        if family == "Segment RFM":
            rule = (rule_in_words(rules[name]) if name in rules
                    else "Clients sans achat : aucune commande ni CA" if name == PROSPECT else "")
        else:
            rule = pmg_rule_in_words(name, result.settings)
        row = plan.get(_norm(name), {})
        order = np.flatnonzero(mask)
        order = order[np.argsort(-ca[order], kind="stable")[:TOP_CLIENTS]]
        top = _top_clients(result, order).assign(
            CA=ca[order], **{"Dernier achat": last.to_numpy()[order] if last is not None else pd.NaT})
        top = top[["Code client", "Entreprise", "CA", "Dernier achat", "Commercial"]]
        cards.append(SegmentCard(
            family=family, name=name, portrait=str(row.get("Description") or ""), rule=rule, clients=n,
            share_base=n / n_total, share_ca=seg_ca / total_ca, ca=seg_ca,
            basket=seg_ca / seg_orders if seg_orders else None, frequency=seg_orders / n if n else None,
            top_sectors=_top(sectors[mask], TOP_GROUPS), top_regions=_top(regions[mask], TOP_GROUPS),
            objective=str(row.get("Objectif") or ""), actions=split_actions(row.get("Actions recommandées")),
            channel=str(row.get("Canal") or ""), cadence=str(row.get("Cadence") or ""),
            indicators=str(row.get("Indicateurs") or ""), key_message=str(row.get("Message clé") or ""),
            owner=str(row.get("Responsable") or ""), top_clients=top,
        ))
    return cards
