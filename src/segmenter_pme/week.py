"""« Priorités de la semaine »: the guide's weekly routine as a call list per day (SPEC §9) — no I/O.

« Lundi matin : focus sur les Gros clients… Mardi : développement des
Moyens… Mercredi : prospection… » Each day has a theme (settings
``semaine_lundi`` … ``semaine_vendredi``, keys of :data:`THEMES`) that picks
and orders clients; the day's list keeps the first ``appels_par_jour`` of
them, per salesperson when the client table has a ``Commercial`` column. A
client is called at most once in the week (the first day that picks him).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .fr import fr_eur, fr_plural
from .parsing import days_between
from .lists import contacts, phone_for_people, segment_facts
from .result import SegmentationResult
from .settings import WEEK_DAYS

NO_SALESPERSON = "Sans commercial attitré"
COLUMNS = ("Jour", "Thème", "Commercial", "N°", "Code client", "Entreprise", "Contact", "Téléphone", "Email",
           "Pourquoi", "Segment RFM", "Segment PMG", "CA", "Dernier achat")


@dataclass(frozen=True)
class Theme:
    label: str
    #: (contacts, open quotes per client: :func:`_quotes_per_client`) → (mask of the clients picked, order: the
    #: best first)
    select: Callable[[pd.DataFrame, pd.DataFrame], tuple[np.ndarray, np.ndarray]]
    #: (the chosen contacts, open quotes per client) → why each is on the list (only the chosen rows are worded)
    why: Callable[[pd.DataFrame, pd.DataFrame], pd.Series]


def _eur(values: pd.Series) -> pd.Series:
    return pd.Series([fr_eur(v) if v == v else "" for v in values.to_numpy(dtype=float)],
                     index=values.index, dtype=object)


def _by_ca(c: pd.DataFrame) -> np.ndarray:
    return np.argsort(-c["ca_total"].fillna(0).to_numpy(), kind="stable")


_SHOWN_QUOTES = 3  # a reason names at most this many quotes, the newest


def _quotes_per_client(quotes: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per client of ``index``: ``n`` open quotes, ``total`` amount and ``texte`` (« D-12 du 01/12/2025, 600 € »…).

    ``quotes``: :attr:`SegmentationResult.open_quotes` (columns ``client``,
    ``numero``, ``date``, ``montant``).
    """
    q = quotes[quotes["client"].isin(index)].sort_values(["date", "montant"], ascending=False, kind="stable")
    one = (q["numero"].fillna("").map(lambda n: f"{n} " if n else "") + "du " + q["date"].dt.strftime("%d/%m/%Y")
           + ", " + _eur(q["montant"]))
    by = one.groupby(q["client"].to_numpy(), sort=False)
    per = pd.DataFrame({"n": by.size(), "total": q["montant"].groupby(q["client"].to_numpy(), sort=False).sum(),
                        "texte": by.agg(lambda t: " ; ".join(t.iloc[:_SHOWN_QUOTES])
                                        + (f" ; et {fr_plural(len(t) - _SHOWN_QUOTES, 'autre', 'autres')}"
                                           if len(t) > _SHOWN_QUOTES else ""))})
    per = per.reindex(index)
    per["n"] = per["n"].fillna(0).astype(int)
    per["total"] = per["total"].fillna(0.0)
    return per


def _gros(c: pd.DataFrame, quotes: pd.DataFrame) -> tuple:
    quoted = quotes["n"].reindex(c.index).to_numpy() > 0
    total = quotes["total"].reindex(c.index).to_numpy()
    # the clients with open quotes first (the largest sum first), then the Gros by CA
    order = np.lexsort((-c["ca_total"].fillna(0).to_numpy(), -total, ~quoted))
    return (c["segment_pmg"] == "Gros").to_numpy() | quoted, order


def _gros_why(c: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
    q = quotes.reindex(c.index)
    gros = "Gros client, " + _eur(c["ca_total"]) + " de CA"
    waiting = ("Devis en attente : " + q["texte"].fillna("")).where(q["n"] > 0, "")
    why = waiting.where(c["segment_pmg"] != "Gros", waiting + " — " + gros)
    return why.where(q["n"] > 0, gros)


def _prospects(c: pd.DataFrame, quotes: pd.DataFrame) -> tuple:
    prospect = (c["segment_rfm"] == "Prospect").to_numpy() & c["secteur_prioritaire"].to_numpy()
    potential = c["potentiel"].to_numpy()
    # the Petits à potentiel first (they already buy), by CA
    return prospect | potential, np.lexsort((-c["ca_total"].fillna(0).to_numpy(), ~potential))


def _prospects_why(c: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
    return ("Petit à potentiel : " + c["raison_potentiel"]).where(
        c["potentiel"], "Prospect du secteur " + c["secteur"].where(c["secteur"] != "", "non renseigné"))


def _segments(*names: str) -> Callable:
    def select(c: pd.DataFrame, quotes: pd.DataFrame) -> tuple:
        return c["segment_rfm"].isin(names).to_numpy(), _by_ca(c)
    return select


def _risk_why(verb: str) -> Callable:
    def why(c: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
        days = c["jours_sans_achat"].fillna(0).astype(int).astype(str)
        return c["segment_rfm"] + " : " + _eur(c["ca_total"]) + " de CA, plus d'achat depuis " + days + " jours — " + verb
    return why


def _nouveaux(c: pd.DataFrame, quotes: pd.DataFrame) -> tuple:
    latest = -c["date_dernier_achat"].fillna(pd.Timestamp(0)).to_numpy().astype("int64")
    return (c["segment_rfm"] == "Nouveaux").to_numpy(), np.argsort(latest, kind="stable")


def _nouveaux_why(c: pd.DataFrame, quotes: pd.DataFrame) -> pd.Series:
    when = c["date_dernier_achat"].dt.strftime("%d/%m/%Y").fillna("")
    return "Nouveau client, 1re commande le " + when + " : souhaitez-lui la bienvenue, proposez la 2e"


def _pmg(name: str) -> Callable:
    def select(c: pd.DataFrame, quotes: pd.DataFrame) -> tuple:
        return (c["segment_pmg"] == name).to_numpy(), _by_ca(c)
    return select


THEMES: dict[str, Theme] = {
    "gros": Theme("Gros clients et devis en attente", _gros, _gros_why),
    "moyens": Theme("Développement des Moyens : offre de montée en gamme", _pmg("Moyens"),
                    lambda c, q: "Moyen client (" + _eur(c["ca_total"]) + ") : proposez l'offre supérieure ou un "
                                 "produit complémentaire"),
    "prospects": Theme("Prospection : prospects et Petits à potentiel des secteurs prioritaires", _prospects,
                       _prospects_why),
    "a_risque": Theme("Clients à risque ou à réactiver, au plus gros CA", _segments("À risque", "À réactiver"),
                      _risk_why("appelez pour comprendre et relancer")),
    "nouveaux": Theme("Nouveaux clients à accueillir", _nouveaux, _nouveaux_why),
    "champions": Theme("Champions à remercier", _segments("Champions"),
                       lambda c, q: "Champion (" + _eur(c["ca_total"]) + ") : remerciez-le, demandez une "
                                    "recommandation"),
    "a_reactiver": Theme("Clients à réactiver", _segments("À réactiver"), _risk_why("offre de retour")),
}


def week_calls(result: SegmentationResult) -> pd.DataFrame:
    """The week's call lists: one row per call, columns :data:`COLUMNS`, in day, salesperson, rank order.

    Monday's open quotes are :attr:`SegmentationResult.open_quotes` (none
    without quote lines in the invoices).
    """
    settings = result.settings
    if result.features.empty:
        return pd.DataFrame(columns=COLUMNS)
    # who each client is (name, contact, phone…) only for the few called: a 1 M-line run has 350 000 clients
    # (build_priorites 0,74 s → 0,51 s of CPU, best of 3)
    c = segment_facts(result)
    # what the themes read besides the contacts, as columns (no sector given: every sector is a priority)
    c["jours_sans_achat"] = days_between(pd.Timestamp(result.analysis_date), c["date_dernier_achat"])
    priority = {sector.casefold() for sector in settings.secteurs_prioritaires}
    c["secteur_prioritaire"] = c["secteur"].str.casefold().isin(priority) if priority else True
    c["raison_potentiel"] = (result.features["potentiel"].astype(object).fillna("").astype(str)
                             if "potentiel" in result.features else "")
    quotes = _quotes_per_client(result.open_quotes, c.index)
    has_sales = "commercial" in result.client_columns
    sales = c["commercial"].where(c["commercial"] != "", NO_SALESPERSON) if has_sales else None
    taken = np.zeros(len(c), dtype=bool)
    n = settings.appels_par_jour
    frames = []
    days = []
    for day in WEEK_DAYS:
        key = getattr(settings, f"semaine_{day}")
        theme = THEMES[key]
        mask, order = theme.select(c, quotes)
        mask = np.asarray(mask, dtype=bool) & ~taken
        ranked = order[mask[order]]
        if has_sales:
            groups = pd.Series(sales.to_numpy()[ranked]).groupby(sales.to_numpy()[ranked], sort=True)
            chosen = np.concatenate([ranked[idx[:n]] for _, idx in groups.indices.items()]) if len(ranked) else ranked
            # salespeople in name order, the unassigned last; within each, the theme's order
            owner = sales.to_numpy()[chosen]
            rank_in = np.concatenate([np.arange(min(n, len(idx))) for _, idx in groups.indices.items()]) \
                if len(ranked) else np.array([], dtype=int)
            last = owner == NO_SALESPERSON
            sequence = np.lexsort((rank_in, owner, last))
            chosen, rank_in = chosen[sequence], rank_in[sequence]
        else:
            chosen = ranked[:n]
            rank_in = np.arange(len(chosen))
        taken[chosen] = True
        picked = c.iloc[chosen]
        why = theme.why(picked, quotes) if len(chosen) else pd.Series([], dtype=object)
        days.append(chosen)
        frames.append(pd.DataFrame({
            "Jour": day.capitalize(),
            "Thème": theme.label,
            "Commercial": sales.to_numpy()[chosen] if has_sales else "",
            "N°": rank_in + 1,
            "Pourquoi": why.to_numpy(),
            "Segment RFM": c["segment_rfm"].to_numpy()[chosen],
            "Segment PMG": c["segment_pmg"].to_numpy()[chosen],
            "CA": c["ca_total"].to_numpy()[chosen],
            "Dernier achat": c["date_dernier_achat"].to_numpy()[chosen],
        }))
    calls = pd.concat(frames, ignore_index=True)
    who = contacts(result, rows=np.concatenate(days))
    # a client known only by his code (invoice lines without names) is named by it
    name = who["raison_sociale"].where(who["raison_sociale"] != "", who["nom"])
    calls.insert(4, "Code client", who["client_id"].to_numpy())
    calls.insert(5, "Entreprise", name.where(name != "", who["client_id"]).to_numpy())
    calls.insert(6, "Contact", (who["prenom"] + " " + who["nom"]).str.strip().to_numpy())
    calls.insert(7, "Téléphone", phone_for_people(who).to_numpy())
    calls.insert(8, "Email", who["email"].to_numpy())
    return calls
