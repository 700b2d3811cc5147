"""Campaign results (SPEC §8): who was targeted, who bought in the window, against the usual rate.

A bad row (no date, date after D, window ≤ 0, unknown target) gets a French
remark in its « Remarque » cell and an :class:`Issue` for « Qualité » — never
an exception: the user's other rows and the run go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from . import pmg as pmg_mod
from .fields import OUTPUT_COLUMNS
from .fr import fr_date
from .history_result import CAMPAIGN_INPUT_COLUMNS, CAMPAIGN_RESULT_COLUMNS, POTENTIAL
from .parsing import parse_amounts, parse_dates
from .problems import WARNING, Issue
from .refdata import fold
from .blank import is_blank

ALL_CLIENTS = "Tous les clients"
DONE = "terminée"


@dataclass
class Campaign:
    row: object
    name: str
    sent: pd.Timestamp | None
    target: str
    window: int
    remark: str = ""
    column: str | None = None  # the Campagnes column the remark is about

    @property
    def ok(self) -> bool:
        return not self.remark


def _columns(campaigns: pd.DataFrame) -> dict[str, str]:
    """Our input column → the user's header (matched whatever the case and accents)."""
    by_fold = {fold(c): c for c in campaigns.columns}
    out = {}
    for col in CAMPAIGN_INPUT_COLUMNS:
        key = fold(col)
        hit = by_fold.get(key) or next((h for f, h in by_fold.items() if f.startswith(key.split(" ")[0])
                                        and key.split(" ")[0] in ("campagne", "cible", "canal")), None)
        if hit is not None:
            out[col] = hit
    return out


def parse_campaigns(campaigns: pd.DataFrame | None, settings, analysis: pd.Timestamp
                    ) -> tuple[list[Campaign], dict[str, str]]:
    """The rows of « Campagnes » as :class:`Campaign` (blank rows left out); their remarks when bad."""
    if campaigns is None or not len(campaigns):
        return [], {}
    cols = _columns(campaigns)
    get = (lambda c: campaigns[cols[c]] if c in cols else pd.Series(None, index=campaigns.index, dtype=object))
    dates, _ = parse_dates(get("Date d'envoi").astype(object))
    windows, _ = parse_amounts(get("Fenêtre (jours)").astype(object))
    out = []
    for row in campaigns.index:
        raw_date, target, name = get("Date d'envoi").at[row], get("Cible").at[row], get("Campagne").at[row]
        raw_window = get("Fenêtre (jours)").at[row]
        if all(is_blank(v) for v in (raw_date, target, name)):
            continue
        sent = dates.at[row]
        sent = None if pd.isna(sent) else pd.Timestamp(sent).normalize()
        window = settings.fenetre_campagne if is_blank(raw_window) else windows.at[row]
        c = Campaign(row, "" if is_blank(name) else str(name).strip(), sent,
                     "" if is_blank(target) else str(target).strip(), 0)
        if is_blank(raw_window) or (window == window and float(window).is_integer() and window > 0):
            c.window = int(window)
        else:
            c.remark = (f"Fenêtre « {raw_window} » : indiquez un nombre entier de jours positif "
                        f"(vide = {settings.fenetre_campagne} jours).")
            c.column = cols.get("Fenêtre (jours)")
        if sent is None:
            c.remark = (f"Date d'envoi « {'' if is_blank(raw_date) else raw_date} » illisible ou absente : "
                        "écrivez-la JJ/MM/AAAA.")
            c.column = cols.get("Date d'envoi", "Date d'envoi")
        elif sent > analysis:
            c.remark = (f"Date d'envoi ({fr_date(sent)}) postérieure à la date d'analyse ({fr_date(analysis)}) : "
                        "la campagne sera mesurée par une analyse à une date ultérieure.")
            c.column = cols.get("Date d'envoi", "Date d'envoi")
        if c.ok and not c.target:
            c.remark = ("Cible vide : indiquez un segment RFM, Gros / Moyens / Petits, « Petits à potentiel », "
                        f"« {ALL_CLIENTS} » ou le titre d'une colonne de la feuille des clients.")
            c.column = cols.get("Cible", "Cible")
        out.append(c)
    return out, cols


class _Target:
    """Who a « Cible » designates: members of a snapshot, or the clients marked in a column."""

    def __init__(self, kind: str, index: int | None = None, marked: np.ndarray | None = None):
        self.kind, self.index, self.marked = kind, index, marked

    def members(self, s) -> np.ndarray:
        if self.kind == "column":
            return np.flatnonzero(self.marked)
        if self.kind == "all":
            return s.rows
        if self.kind == "rfm":
            return s.rows[s.rfm == self.index]
        if self.kind == "pmg":
            return s.rows[s.pmg == self.index]
        return s.rows[(s.pmg == pmg_mod.TIERS.index("Petits")) & s.potentiel]


def _resolve(target: str, settings, clients: pd.DataFrame | None, n_clients: int) -> _Target | None:
    f = fold(target)
    for i, rule in enumerate(settings.regles_segments):
        if fold(rule.name) == f:
            return _Target("rfm", i)
    for i, tier in enumerate(pmg_mod.TIERS):
        if fold(tier) == f:
            return _Target("pmg", i)
    if f == fold(POTENTIAL):
        return _Target("potentiel")
    if f in (fold(ALL_CLIENTS), "tous", "tout"):
        return _Target("all")
    if clients is not None:
        for col in clients.columns:
            if fold(col) == f and col not in OUTPUT_COLUMNS:
                values = clients[col]
                filled = values.notna().to_numpy() & ~values.astype("string").str.strip().isin(["", "0", "non", "Non",
                                                                                               "NON", "False"]).fillna(
                    False).to_numpy()
                marked = np.zeros(n_clients, dtype=bool)
                marked[: len(filled)] = filled
                return _Target("column", marked=marked)
    return None


def evaluate_campaigns(campaigns: pd.DataFrame | None, result, clients: pd.DataFrame | None, settings,
                       sheet: str, snap: Callable | None, rep, first: pd.Timestamp | None
                       ) -> tuple[pd.DataFrame, list[Issue]]:
    """:attr:`HistoryResult.campaigns` and the issues of the bad rows.

    ``snap(t)``: the snapshot at t; ``rep``: the replay (cumulative orders and
    CA per client and date) — both None without invoice lines.
    """
    if campaigns is None:
        return pd.DataFrame({c: [] for c in CAMPAIGN_INPUT_COLUMNS + CAMPAIGN_RESULT_COLUMNS}), []
    analysis = pd.Timestamp(result.analysis_date).normalize()
    parsed, _ = parse_campaigns(campaigns, settings, analysis)
    out = campaigns.copy()
    res = {c: pd.Series(np.nan, index=campaigns.index, dtype="float64") for c in CAMPAIGN_RESULT_COLUMNS[:6]}
    status = pd.Series("", index=campaigns.index, dtype=object)
    remark = pd.Series("", index=campaigns.index, dtype=object)
    issues = []
    n_clients = len(result.features)
    for c in parsed:
        target = None
        if c.ok:
            target = _resolve(c.target, settings, clients, n_clients)
            if target is None:
                names = " ; ".join(r.name for r in settings.regles_segments)
                c.remark = (f"Cible « {c.target} » inconnue : indiquez un segment RFM ({names}), Gros / Moyens / "
                            f"Petits, « {POTENTIAL} », « {ALL_CLIENTS} » ou le titre exact d'une colonne de la "
                            "feuille des clients (ses cellules non vides marquent les clients ciblés).")
                c.column = "Cible"
        if c.ok and rep is None:
            c.remark = ("Le suivi des campagnes demande des lignes de factures (la date de chaque achat) : "
                        "ajoutez une feuille de factures au classeur.")
        if not c.ok:
            remark.at[c.row] = c.remark
            issues.append(Issue("campagne_invalide", c.remark, WARNING, sheet, c.column, c.row, None))
            continue
        end = min(c.sent + pd.Timedelta(days=c.window), analysis)
        before = c.sent - pd.Timedelta(days=c.window)
        members = target.members(snap(c.sent))
        bought = rep.orders_at(end)[members] > rep.orders_at(c.sent)[members]
        n = len(members)
        res["Clients ciblés"].at[c.row] = n
        res["Acheteurs"].at[c.row] = int(bought.sum())
        res["CA généré"].at[c.row] = round(float((rep.ca_at(end)[members] - rep.ca_at(c.sent)[members]).sum()), 2)
        rate = bought.sum() / n if n else np.nan
        res["Taux de conversion"].at[c.row] = rate
        usual_members = target.members(snap(before))
        usual = rep.orders_at(c.sent)[usual_members] > rep.orders_at(before)[usual_members]
        habit = usual.sum() / len(usual_members) if len(usual_members) else np.nan
        res["Taux habituel"].at[c.row] = habit
        res["Effet (points)"].at[c.row] = round(100 * (rate - habit), 1) if rate == rate and habit == habit \
            else np.nan
        days = (analysis - c.sent).days
        status.at[c.row] = f"en cours (J+{days} / {c.window})" if c.sent + pd.Timedelta(days=c.window) > analysis \
            else DONE
        if first is not None and c.sent < first:
            remark.at[c.row] = (f"Envoi avant la première facture ({fr_date(first)}) : les chiffres de la campagne "
                                "ne sont pas significatifs.")
    for col in ("Clients ciblés", "Acheteurs"):
        out[col] = pd.array(res[col].round(), dtype="Int64")
    for col in ("Taux de conversion", "CA généré", "Taux habituel", "Effet (points)"):
        out[col] = res[col]
    out["Statut"] = status
    out["Remarque"] = remark
    return out, issues
