"""Cell functions of the add-in (xlwings UDFs): ``=RFM_SCORE(…)``, ``=REGION(…)``…

Each function is a one-line wrapper over the core. What comes from Excel is
converted at the boundary by the ``_…`` converters below (which reuse the
core's French parsing and raise :class:`~segmenter_pme.errors.InputDataError`),
and :func:`_cell` turns a :class:`~segmenter_pme.errors.SegmenterError` into a
readable ``#…`` text: a formula must show why it cannot answer, never a
traceback and never a silently wrong number.

The French docstrings become Excel's function help (``Application.MacroOptions``,
registered when the add-in opens), the ``doc`` of each argument its help line.
Function names are in capitals because Excel shows them that way anyway.
In quintile mode only (SPEC §3): the threshold mode lives in ``Paramètres``,
which a cell function does not read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import numpy as np
import pandas as pd

from .. import parsing, pmg, profile, rfm, rules
from ..errors import InputDataError, SegmenterError
from ..problems import ERROR
from ..settings import Settings
from .xlwings_compat import udf_decorators
from ..blank import is_blank

func, arg, ret = udf_decorators()

CATEGORY = "Segmentation"
_BASE = "plage de toute la base (une colonne)"


# ----------------------------------------------------------- boundary conversion


def _cell(core: Callable[..., Any], *args: Any) -> Any:
    """Result of ``core(*args)``, or ``#message`` when the input cannot be used."""
    try:
        return core(*args)
    except SegmenterError as err:
        return "#" + str(err)


def _column(values: Any) -> list:
    """A range as a flat list (xlwings gives a scalar for a one-cell range)."""
    if isinstance(values, (list, tuple)):
        flat: list = []
        for v in values:
            flat.extend(v if isinstance(v, (list, tuple)) else [v])
        return flat
    return [values]


def _raise_first(issues: list, what: str, single: bool = False) -> None:
    if issues:
        issue = issues[0]
        where = f" (valeur n° {issue.row})" if isinstance(issue.row, int) and not single else ""
        raise InputDataError(f"{what}{where} : {issue.message}")


def _dates(values: list, what: str) -> pd.Series:
    s = pd.Series([None if is_blank(v) else v for v in values], index=range(1, len(values) + 1), dtype=object)
    if s.notna().any() and all(isinstance(v, (dt.date, dt.datetime)) for v in s.dropna()):
        s = pd.to_datetime(s)
    out, issues = parsing.parse_dates(s)
    # a year of two digits is read as Excel reads it (a warning elsewhere, which a cell cannot show)
    _raise_first([i for i in issues if i.severity == ERROR], what, single=len(values) == 1)
    return out


def _numbers(values: list, what: str, counts: bool = False) -> pd.Series:
    s = pd.Series([None if is_blank(v) else v for v in values], index=range(1, len(values) + 1), dtype=object)
    out, issues = (parsing.parse_counts if counts else parsing.parse_amounts)(s)
    _raise_first(issues, what, single=len(values) == 1)
    return out


def _one(value: Any, convert: Callable[[list, str], pd.Series], what: str, missing: str = "manquant") -> Any:
    if is_blank(value):
        raise InputDataError(f"{what} {missing}")
    return convert([value], what).iloc[0]


def _analysis_date(value: Any) -> pd.Timestamp:
    if is_blank(value):
        return pd.Timestamp(dt.date.today())
    return _one(value, _dates, "Date d'analyse", "manquante")


def _own_recency(last: Any, analysis: Any) -> float:
    day = _analysis_date(analysis)
    own = _one(last, _dates, "Date du dernier achat", "manquante")
    if own > day:
        raise InputDataError(f"Achat du {own:%d/%m/%Y} postérieur à la date d'analyse ({day:%d/%m/%Y})")
    return float(parsing.days_between(day, own))


def _base_recency(base_dates: Any, analysis: Any) -> np.ndarray:
    day = _analysis_date(analysis)
    base = _dates(_column(base_dates), "Plage des dates")
    base = base[base.notna() & (base <= day)]
    return parsing.days_between(day, base)


def _nonempty(base: np.ndarray, what: str) -> np.ndarray:
    if len(base) == 0:
        raise InputDataError(f"{what} : aucune valeur utilisable dans la plage")
    return base


def _aligned(*ranges: tuple[Any, str]) -> list[list]:
    columns = [_column(values) for values, _ in ranges]
    if len({len(c) for c in columns}) > 1:
        detail = ", ".join(f"{what} : {len(c)}" for c, (_, what) in zip(columns, ranges))
        raise InputDataError(f"Les plages n'ont pas le même nombre de lignes ({detail})")
    return columns


# ----------------------------------------------------------- core calls (one per function)


def _score_r(last: Any, base_dates: Any, analysis: Any) -> int:
    base = _nonempty(_base_recency(base_dates, analysis), "Plage des dates")
    return rfm.score_against(_own_recency(last, analysis), base, higher_is_better=False)


def _score_f(orders: Any, base_orders: Any) -> int:
    base = _numbers(_column(base_orders), "Plage des commandes", counts=True)
    base = base[base >= 1].to_numpy()
    return rfm.score_against(_one(orders, lambda v, w: _numbers(v, w, True), "Nombre de commandes"),
                             _nonempty(base, "Plage des commandes"))


def _scored_rows(base_dates: Any, base_orders: Any, base_ca: Any, analysis: Any) -> pd.DataFrame:
    """Rows of the base that are scored clients (≥ 1 order, a purchase date not after the analysis date)."""
    d, o, c = _aligned((base_dates, "dates"), (base_orders, "commandes"), (base_ca, "CA"))
    day = _analysis_date(analysis)
    frame = pd.DataFrame({
        "date": _dates(d, "Plage des dates"),
        "orders": _numbers(o, "Plage des commandes", counts=True),
        "ca": _numbers(c, "Plage des CA"),
    })
    keep = (frame["orders"] >= 1) & frame["date"].notna() & (frame["date"] <= day) & frame["ca"].notna()
    frame = frame[keep]
    if frame.empty:
        raise InputDataError("Aucun client avec au moins une commande dans les plages")
    frame["recency"] = parsing.days_between(day, frame["date"])
    return frame


def _score_m(ca: Any, base_ca: Any, base_orders: Any = None) -> int:
    amount = _one(ca, _numbers, "CA total")
    base = _numbers(_column(base_ca), "Plage des CA")
    if not is_blank(base_orders) and base_orders is not None:
        (c, o) = _aligned((base_ca, "CA"), (base_orders, "commandes"))
        orders = _numbers(o, "Plage des commandes", counts=True)
        base = base[(orders >= 1).to_numpy()]
    return rfm.score_against(amount, _nonempty(base.dropna().to_numpy(), "Plage des CA"))


def _rfm_code(last: Any, orders: Any, ca: Any, base_dates: Any, base_orders: Any, base_ca: Any,
              analysis: Any) -> str:
    n = _one(orders, lambda v, w: _numbers(v, w, True), "Nombre de commandes")
    if n < 1:
        return ""  # a prospect has no RFM code; RFM_SEGMENT("") gives « Prospect »
    base = _scored_rows(base_dates, base_orders, base_ca, analysis)
    r = rfm.score_against(_own_recency(last, analysis), base["recency"].to_numpy(), higher_is_better=False)
    f = rfm.score_against(n, base["orders"].to_numpy())
    m = rfm.score_against(_one(ca, _numbers, "CA total"), base["ca"].to_numpy())
    return f"{r}{f}{m}"


def _segment(code: Any) -> str:
    if is_blank(code):
        return rules.PROSPECT
    try:
        return rules.segment_of_code(code)
    except ValueError as err:  # the core's own wording of a bad code
        raise InputDataError(f"Code RFM « {code} » invalide : trois chiffres de 1 à 5, par exemple 545") from err


def _tier(ca: Any, base_ca: Any) -> str:
    base = _numbers(_column(base_ca), "Plage des CA").dropna().to_numpy()
    return pmg.tier_against(_one(ca, _numbers, "CA total"), _nonempty(base, "Plage des CA"), Settings())


def _known(value: Any, core: Callable[[Any], Any], unknown: Any, what: str) -> Any:
    if is_blank(value):
        raise InputDataError(f"{what} manquant")
    result = core(value)
    if result is None or result == unknown:
        raise InputDataError(f"{what} non reconnu : « {value} »")
    return result


def _siret(value: Any) -> bool:
    if is_blank(value):
        raise InputDataError("SIRET ou SIREN manquant")
    return profile.siret_is_valid(value)


# ----------------------------------------------------------- the cell functions


@func(category=CATEGORY)
@arg("date_dernier_achat", doc="Date du dernier achat du client.")
@arg("nb_commandes", doc="Nombre de commandes du client (0 = prospect).")
@arg("ca_total", doc="CA total net du client, en euros.")
@arg("plage_dates", ndim=1, doc=f"Dates du dernier achat : {_BASE}.")
@arg("plage_commandes", ndim=1, doc=f"Nombres de commandes : {_BASE}, mêmes lignes.")
@arg("plage_ca", ndim=1, doc=f"CA totaux : {_BASE}, mêmes lignes.")
@arg("date_analyse", doc="Facultatif : date d'analyse (par défaut aujourd'hui).")
def RFM_SCORE(date_dernier_achat, nb_commandes, ca_total, plage_dates, plage_commandes, plage_ca, date_analyse=None):
    """Code RFM à trois chiffres (R, F, M de 1 à 5, 5 = meilleur) d'un client, par quintiles de toute la base ; vide pour un prospect."""
    return _cell(_rfm_code, date_dernier_achat, nb_commandes, ca_total, plage_dates, plage_commandes, plage_ca, date_analyse)


@func(category=CATEGORY)
@arg("date_dernier_achat", doc="Date du dernier achat du client.")
@arg("plage_dates", ndim=1, doc=f"Dates du dernier achat : {_BASE}.")
@arg("date_analyse", doc="Facultatif : date d'analyse (par défaut aujourd'hui).")
def RFM_R(date_dernier_achat, plage_dates, date_analyse=None):
    """Score de récence R (1 à 5, 5 = achat le plus récent) d'un client par rapport à toute la base."""
    return _cell(_score_r, date_dernier_achat, plage_dates, date_analyse)


@func(category=CATEGORY)
@arg("nb_commandes", doc="Nombre de commandes du client.")
@arg("plage_commandes", ndim=1, doc=f"Nombres de commandes : {_BASE} (les 0 sont des prospects, ignorés).")
def RFM_F(nb_commandes, plage_commandes):
    """Score de fréquence F (1 à 5, 5 = le plus de commandes) d'un client par rapport à toute la base."""
    return _cell(_score_f, nb_commandes, plage_commandes)


@func(category=CATEGORY)
@arg("ca_total", doc="CA total net du client, en euros.")
@arg("plage_ca", ndim=1, doc=f"CA totaux : {_BASE}.")
@arg("plage_commandes", ndim=1, doc="Facultatif : nombres de commandes, mêmes lignes, pour ignorer les prospects.")
def RFM_M(ca_total, plage_ca, plage_commandes=None):
    """Score de montant M (1 à 5, 5 = le plus gros CA) d'un client par rapport à toute la base."""
    return _cell(_score_m, ca_total, plage_ca, plage_commandes)


@func(category=CATEGORY)
@arg("code_rfm", doc="Code RFM à trois chiffres, par exemple 545 (vide = prospect).")
def RFM_SEGMENT(code_rfm):
    """Nom du segment RFM d'un code (Champions, Fidèles, À risque…), selon les 8 règles par défaut."""
    return _cell(_segment, code_rfm)


@func(category=CATEGORY)
@arg("ca_total", doc="CA total net du client, en euros.")
@arg("plage_ca", ndim=1, doc=f"CA totaux des clients ayant commandé : {_BASE}.")
def PMG(ca_total, plage_ca):
    """Petits, Moyens ou Gros : Gros = 20 % des clients au plus fort CA, Moyens = les 30 % suivants, Petits = le reste."""
    return _cell(_tier, ca_total, plage_ca)


@func(category=CATEGORY)
@arg("effectif", doc="Effectif salarié (ex. 12) ou code de tranche SIRENE (ex. 11).")
def TAILLE_ENTREPRISE(effectif):
    """Taille de l'entreprise : TPE (< 10 salariés), PME (10 à 249), ETI (250 à 4 999) ou GE (5 000 et plus)."""
    return _cell(_known, effectif, profile.size_class, profile.UNKNOWN_SIZE, "Effectif")


@func(category=CATEGORY)
@arg("code_postal", doc="Code postal français (5 chiffres ; 1000 est lu 01000).")
def REGION(code_postal):
    """Région française (18 régions officielles) d'un code postal, ou Hors France."""
    return _cell(_known, code_postal, profile.region_of, profile.UNKNOWN_REGION, "Code postal")


@func(category=CATEGORY)
@arg("code_naf", doc="Code APE / NAF, par exemple 47.11F ou 4711F.")
def SECTEUR_NAF(code_naf):
    """Grand secteur d'activité (Industrie, Commerce, Construction…) d'un code APE / NAF rév. 2."""
    return _cell(_known, code_naf, profile.sector_of_naf, None, "Code NAF")


@func(category=CATEGORY)
@arg("siret", doc="Numéro SIRET (14 chiffres) ou SIREN (9 chiffres).")
def SIRET_VALIDE(siret):
    """VRAI si le numéro SIRET ou SIREN est valide (clé de Luhn, exception de La Poste), FAUX sinon."""
    return _cell(_siret, siret)


#: every cell function, in the order of the function wizard
FUNCTIONS = (RFM_SCORE, RFM_R, RFM_F, RFM_M, RFM_SEGMENT, PMG, TAILLE_ENTREPRISE, REGION, SECTEUR_NAF, SIRET_VALIDE)
