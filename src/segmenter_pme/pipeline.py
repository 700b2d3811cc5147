"""``segment()``: the one entry point of the core (SPEC §1–§7, no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from . import pmg as pmg_mod
from . import profile
from .errors import InputDataError
from .fields import SEGMENT_COLUMNS
from .fr import fr_int
from .headers import map_columns
from .problems import CATALOGUE, WARNING, Issue
from .canonical import (
    InvoiceClients,
    fold_series,
    invoice_key,
    needs_strip,
    norm_code,
    raise_errors,
    read_client_table,
    read_invoices,
    strip_previous_output,
)
from .result import LineFacts, SegmentationResult
from .rfm import boundaries as rfm_boundaries
from .rfm import score_all
from .rules import PROSPECT, lookup_by_code
from .settings import Settings
from .summary import pareto, rf_grid, segment_warnings, summarize

NOT_CLASSIFIED = "Non classé"
SMALL_BASE = 25  # below, quintile scores mostly reflect who happens to be in the file
_NS_PER_DAY = 86_400 * 10**9


def segment(
    clients: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    settings: Settings | None = None,
    *,
    clients_sheet: str = "Clients",
    invoices_sheet: str = "Factures",
    today: dt.date | None = None,
) -> SegmentationResult:
    """Segment a client table and/or invoice lines.

    Input: ``clients`` (one row per client, the user's headers) and/or
    ``invoices`` (one row per invoice or credit note). Index labels are the row
    numbers used in messages. Output: a :class:`SegmentationResult` whose
    ``clients`` frame carries the columns of :data:`SEGMENT_COLUMNS`.

    Raises :class:`MissingColumnError` when a needed column is absent and
    :class:`InputDataError` when values of the analysis columns cannot be read.
    """
    return run(clients, invoices, settings, clients_sheet=clients_sheet, invoices_sheet=invoices_sheet,
               today=today)


def run(clients: pd.DataFrame | None, invoices: pd.DataFrame | None, settings: Settings | None, *,
        clients_sheet: str, invoices_sheet: str, today: dt.date | None) -> SegmentationResult:
    """:func:`segment`. With invoice lines, the result keeps what the history needs to
    replay them (:class:`~segmenter_pme.result.LineFacts`)."""
    settings = settings or Settings()
    if clients is None and invoices is None:
        raise InputDataError("Aucune donnée : fournissez un tableau de clients ou des lignes de factures.")
    analysis = settings.date_analyse or today or dt.date.today()
    analysis_ts = pd.Timestamp(analysis)
    issues: list[Issue] = []
    warnings: list[str] = []
    overrides = settings.column_overrides

    client_columns: dict = {}
    table = None
    if clients is not None:
        clients = strip_previous_output(clients)
        client_columns = map_columns(list(clients.columns), "clients", overrides, sheet=clients_sheet)
        table = read_client_table(clients, client_columns, clients_sheet, invoices is not None, issues)

    invoice_columns: dict = {}
    from_invoices = None
    capture: dict | None = None
    if invoices is not None:
        capture = {}
        invoice_columns = map_columns(list(invoices.columns), "factures", overrides, sheet=invoices_sheet)
        from_invoices = read_invoices(invoices, invoice_columns, invoices_sheet, analysis_ts, issues,
                                      by=invoice_key(invoices, invoice_columns, table), capture=capture,
                                      quote_days=settings.devis_jours)
        n_after = from_invoices.n_after
        if n_after:
            warnings.append(
                f"{fr_int(n_after)} ligne(s) de facture datée(s) après la date d'analyse ({analysis:%d/%m/%Y}) "
                "ont été ignorées."
            )
            issues.append(Issue("achat_apres_date_analyse", warnings[-1], WARNING, invoices_sheet,
                                invoice_columns.get("date_facture"), None, None, n_after))

    raise_errors(issues)
    features, new_rows, agg_rows = _combine(table, from_invoices, clients)
    open_quotes = _client_quotes(table, from_invoices, agg_rows, features.index) if from_invoices is not None \
        else None
    facts = None
    if capture is not None and "lines" in capture:
        capture["feature_rows"] = agg_rows
        facts = LineFacts.of(capture)
    del capture
    n_future = _apply_analysis_date(features, analysis_ts)
    if n_future:
        msg = (f"{fr_int(n_future)} client(s) ont une date de dernier achat postérieure à la date d'analyse "
               f"({analysis:%d/%m/%Y}) : leur récence est comptée à 0 jour.")
        warnings.append(msg)
        issues.append(Issue("achat_apres_date_analyse", msg, WARNING, clients_sheet,
                            client_columns.get("date_dernier_achat"), None, None, n_future))

    scoring = _score(features, settings, analysis_ts, issues, clients_sheet, client_columns)
    warnings += _notable(issues, features)
    n_scored = len(scoring.ca)
    small_base: tuple[str, ...] = ()
    if settings.mode_rfm == "quintiles" and 0 < n_scored < SMALL_BASE:
        # five groups of a handful of clients say little: a client who bought last month can be R = 2
        # said first, in plain words: with a handful of buyers one client can be both « Perdus » and « Gros »
        small_base = ((
            f"Base trop petite pour des segments parlants : seulement {fr_int(n_scored)} "
            f"client{'s' if n_scored > 1 else ''} avec des achats (il en faut au moins {SMALL_BASE}). Les scores "
            "comparent les clients entre eux ; si peu, un même client peut se retrouver à la fois dans « Perdus » "
            "et dans « Gros ». Lisez les segments avec prudence, ou passez « mode_rfm » à « seuils » dans « Paramètres » "
            "pour des bornes fixes (30 jours, 10 commandes, 10 000 €…)."),)
    if analysis > dt.date.today():
        warnings.append(f"La date d'analyse ({analysis:%d/%m/%Y}) est dans le futur : vérifiez-la (« Paramètres » "
                        "ou option --date), les récences en dépendent.")
    summary = summarize(features, {
        "Segment RFM": [r.name for r in settings.regles_segments] + [PROSPECT, NOT_CLASSIFIED],
        "Segment PMG": list(pmg_mod.TIERS) + [PROSPECT, NOT_CLASSIFIED],
        "Segment Secteur": [],
    })
    output = _output_frame(features, scoring.scored)
    pareto_curve = pareto(scoring.ca, scoring.tiers == pmg_mod.TIERS.index("Gros"), scoring.sorted_values[2])
    bounds = rfm_boundaries(scoring.recency, scoring.orders, scoring.ca, scoring.r, scoring.f, scoring.m,
                            mode=settings.mode_rfm, settings=settings, sorted_values=scoring.sorted_values)
    grid = rf_grid(scoring.r, scoring.f)
    full = _client_frame(clients, output, features, new_rows, client_columns, invoice_columns)
    warnings = list(small_base) + segment_warnings(summary, settings) + warnings
    return SegmentationResult(
        clients=full, output=output, features=features, summary=summary, boundaries=bounds, rf_grid=grid,
        pareto=pareto_curve, warnings=warnings, issues=issues, settings=settings, analysis_date=analysis,
        client_columns=client_columns, invoice_columns=invoice_columns, line_facts=facts,
        **({"open_quotes": open_quotes} if open_quotes is not None else {}),
    )


# ---------------------------------------------------------------- reading

# remarks worth a line in the terminal and in the Synthèse, not only in « Qualité »
_NOTABLE = {code for code, kind in CATALOGUE.items() if kind.notable}


def _notable(issues: list[Issue], features: pd.DataFrame) -> list[str]:
    out = [i.message for i in issues if i.code in _NOTABLE and i.row is None]
    unclassified = int((features["segment_rfm"] == NOT_CLASSIFIED).sum())
    if unclassified:
        out.append(f"{fr_int(unclassified)} client(s) avec des commandes mais sans date de dernier achat ne peuvent pas "
                   "être segmentés : complétez cette date (la liste est dans « Qualité »).")
    return out


# ---------------------------------------------------------------- combining

ANALYSIS_FIELDS = ("date_premier_achat", "date_dernier_achat", "nb_commandes", "ca_total")


def _combine(table: pd.DataFrame | None, from_invoices: InvoiceClients | None, clients: pd.DataFrame | None
             ) -> tuple[pd.DataFrame, pd.Index, np.ndarray | None]:
    """Features per client; returns the frame, the index labels of clients added from
    invoices and, for each row of the frame, its row in ``from_invoices.clients`` (-1: none;
    None without invoices)."""
    if from_invoices is None:
        features = table.copy()
        features["source"] = "clients"
        features["ca_12m"] = np.nan
        features["ca_12m_prec"] = np.nan
        return _ensure(features), pd.Index([]), None
    billed, by = from_invoices.clients, from_invoices.by
    by_id = by == "id"
    if table is None:
        idx = pd.RangeIndex(len(billed))
        # one constructor call: inserting the columns one by one copies the frame each time
        cols = {"client_id": billed["cle"].array} if by_id else {"raison_sociale": billed["nom_affiche"].to_numpy()}
        billed = billed.set_axis(idx)
        for field in ANALYSIS_FIELDS + ("ca_12m", "ca_12m_prec"):
            # already in the dtypes _ensure wants (order counts as float, as from a client table);
            # Series, not arrays: the frame shares their memory and copies on a write (copy on write)
            cols[field] = billed[field].astype("float64") if field == "nb_commandes" else billed[field]
        # a one-label categorical: a text column of 350 000 « factures » costs more than the sums
        cols["source"] = _constant("factures", len(idx))
        # copy=False: one block per column, without gathering the float columns in one 2-D block
        return _ensure(pd.DataFrame(cols, index=idx, copy=False)), idx, np.arange(len(idx))
    table_keys, invoice_keys = _match_keys(table, from_invoices)
    pos = pd.Index(invoice_keys).get_indexer(table_keys.astype("string"))
    features = table.copy()
    features["source"] = "clients"
    hit = pos >= 0
    for field in ANALYSIS_FIELDS + ("ca_12m", "ca_12m_prec"):
        vals = billed[field].to_numpy()[pos[hit]]
        if field not in features:
            features[field] = np.nan if field not in ("date_premier_achat", "date_dernier_achat") else pd.NaT
        col = features[field].to_numpy(copy=True) if field not in ("date_premier_achat", "date_dernier_achat") \
            else features[field].to_numpy(dtype="datetime64[ns]", copy=True)
        col = col.astype("float64") if field in ("nb_commandes", "ca_total", "ca_12m", "ca_12m_prec") else col
        col[hit] = vals
        features[field] = col
    # a client of the table with no invoice line and no figures of its own bought nothing
    nothing = ~hit & features["nb_commandes"].isna().to_numpy() & features["date_dernier_achat"].isna().to_numpy()
    features.loc[nothing, "nb_commandes"] = 0.0
    features.loc[nothing & features["ca_total"].isna().to_numpy(), "ca_total"] = 0.0
    unmatched = np.setdiff1d(np.arange(len(billed)), pos[hit])
    new_idx = pd.Index([])
    if len(unmatched):
        start = _next_label(table.index)
        new_idx = pd.RangeIndex(start, start + len(unmatched)) if start is not None else pd.RangeIndex(len(unmatched))
        extra = pd.DataFrame(index=new_idx)
        if by_id:
            extra["client_id"] = billed["cle"].to_numpy()[unmatched]
        else:
            extra["raison_sociale"] = billed["nom_affiche"].to_numpy()[unmatched]
        for field in ANALYSIS_FIELDS + ("ca_12m", "ca_12m_prec"):
            extra[field] = billed[field].to_numpy()[unmatched]
        extra["source"] = "factures"
        features = pd.concat([features, extra])
    return _ensure(features), new_idx, np.concatenate([np.where(hit, pos, -1), unmatched])


def _match_keys(table: pd.DataFrame, from_invoices) -> tuple[pd.Series, pd.Series]:
    """(key of each client of the table, key of each client of the invoices), written alike."""
    by = from_invoices.by
    if by == "id":
        table_keys = norm_code(table["client_id"]) if "client_id" in table else pd.Series(pd.NA, index=table.index)
    elif by == "email" and "email" in table:
        table_keys = table["email"].astype("string").str.strip().str.lower()
    else:
        name_col = table["raison_sociale"] if "raison_sociale" in table else table.get("nom")
        table_keys = fold_series(name_col)
    invoice_keys = from_invoices.clients["cle"].astype("string")
    if by == "id" and len(invoice_keys) and needs_strip(invoice_keys, upper=True):
        invoice_keys = norm_code(invoice_keys)
    return table_keys, invoice_keys


def _client_quotes(table: pd.DataFrame | None, from_invoices, agg_rows: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """The open quotes with their client's label in the features (``index``) instead of the invoice key.

    A client is found by the key that matched him to the invoices; a quote of a
    key that is no client of the analysis (only quotes, no client table) is left out.
    """
    quotes = from_invoices.quotes
    if quotes.empty:
        return quotes.rename(columns={"cle": "client"}).assign(client=pd.Series(dtype=object))
    billed_keys = from_invoices.clients["cle"].astype("string")
    if table is None:
        keys = billed_keys.to_numpy(dtype=object)[agg_rows]
    else:
        table_keys, invoice_keys = _match_keys(table, from_invoices)
        keys = np.concatenate([table_keys.astype("string").to_numpy(dtype=object),
                               invoice_keys.to_numpy(dtype=object)[agg_rows[len(table):]]])
    quote_keys = quotes["cle"].astype("string")
    if from_invoices.by == "id":
        quote_keys = norm_code(quote_keys)
    keys = pd.Index(keys, dtype="string")
    first = ~keys.duplicated() & keys.notna()  # a client written twice in the table: the first
    pos = keys[first].get_indexer(quote_keys)
    found = pos >= 0
    out = quotes[found].drop(columns="cle")
    out.insert(0, "client", index[first][pos[found]])
    return out.reset_index(drop=True)


def _next_label(index: pd.Index):
    if len(index) == 0:
        return 0
    if pd.api.types.is_integer_dtype(index.dtype):
        return int(index.max()) + 1
    return None


def _ensure(features: pd.DataFrame) -> pd.DataFrame:
    for field in ("date_premier_achat", "date_dernier_achat"):
        if field not in features:
            features[field] = pd.NaT
        if features[field].dtype != "datetime64[ns]":
            features[field] = features[field].astype("datetime64[ns]")
    for field in ("nb_commandes", "ca_total", "ca_12m", "ca_12m_prec"):
        if field not in features:
            features[field] = np.nan
        if features[field].dtype != "float64":
            features[field] = pd.to_numeric(features[field], errors="coerce").astype("float64")
    return features


def _apply_analysis_date(features: pd.DataFrame, analysis: pd.Timestamp) -> int:
    last = features["date_dernier_achat"]
    first = features["date_premier_achat"]
    # plain numpy for the usual answer « none » (NaT compares as the smallest integer)
    if not np.any(last.to_numpy().view("int64") > analysis.value):
        return 0
    future = last > analysis
    # no purchase at all before the analysis date: a prospect at that date
    all_after = future & (first > analysis)
    features.loc[all_after, ["nb_commandes", "ca_total"]] = 0.0
    features.loc[all_after, ["date_premier_achat", "date_dernier_achat"]] = pd.NaT
    return int(future.sum())


# ---------------------------------------------------------------- scoring

class _Scored(NamedTuple):
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


def _score(features: pd.DataFrame, settings: Settings, analysis: pd.Timestamp, issues: list[Issue],
           sheet: str, client_columns: dict) -> _Scored:
    """Adds the score, segment and profile columns; returns the scored clients' figures."""
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
        features["nb_commandes"] = orders
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
        features["ca_total"] = ca
    scored = buyer & has_date
    every = bool(scored.all())

    def of_scored(values: np.ndarray) -> np.ndarray:
        # most bases from invoice lines have only buyers: no gather then
        return values if every else values[scored]

    end = analysis.normalize().value
    days = np.maximum((end - of_scored(last).view("int64")) // _NS_PER_DAY, 0).astype("float64")
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
    features["recence"] = rec
    features["score_r"] = r
    features["score_f"] = f
    features["score_m"] = m
    features["code_rfm"] = code
    # the codes are ours and in range: pandas need not check 350 000 of them
    features["segment_rfm"] = pd.Categorical.from_codes(seg_idx, names, validate=False)
    features["segment_pmg"] = pd.Categorical.from_codes(tiers, tier_names, validate=False)
    _profile(features, settings, issues, sheet, client_columns)
    pot = pmg_mod.potential_reasons(
        features["segment_pmg"], size=features["taille"], sector=features["secteur"],
        r=pd.Series(r, index=features.index), f=pd.Series(f, index=features.index),
        ca_12m=features["ca_12m"] if features["ca_12m"].notna().any() else None,
        ca_12m_prev=features["ca_12m_prec"] if features["ca_12m"].notna().any() else None, settings=settings,
    )
    features["potentiel"] = pot
    return _Scored(scored, days, orders_s, ca_s, got.r, got.f, got.m, tiers_s, got.sorted_values)


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


def _constant(label: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [label], validate=False)


def _profile(features: pd.DataFrame, settings: Settings, issues: list[Issue], sheet: str, client_columns: dict) -> None:
    idx = features.index
    n = len(idx)
    if not any(f in features for f in ("secteur", "code_naf", "effectif", "tranche_effectif", "code_postal",
                                    "departement", "region", "pays", "siret", "siren")):
        # invoice lines alone say nothing of the profile
        for col, label in (("secteur", profile.UNKNOWN_SECTOR), ("segment_secteur", profile.UNKNOWN_SECTOR),
                           ("taille", profile.UNKNOWN_SIZE), ("region", profile.UNKNOWN_REGION)):
            features[col] = _constant(label, n)
        # all missing, without an object array of 350 000 pd.NA
        features["departement"] = pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string()))
        features["siret_valide"] = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
        return
    features["secteur"] = profile.sectors(idx, secteur=features.get("secteur"), naf=features.get("code_naf"))
    features["segment_secteur"] = profile.group_small_sectors(features["secteur"], settings.seuil_regroupement_secteurs)
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


# ---------------------------------------------------------------- output

_CODES = [f"{c}" for c in range(1000)]


def _cat(s: pd.Series) -> pd.Series | pd.Categorical:
    # few distinct labels: a categorical avoids one Python string object per client; the
    # Series itself, not its array, so that the frames share it copy-on-write (a write to
    # result.features must not show in result.output)
    return s if isinstance(s.dtype, pd.CategoricalDtype) else pd.Categorical(s.to_numpy(dtype=object))


def _int_array(values: np.ndarray, mask: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.asarray(values, dtype="int64"), np.asarray(mask, dtype=bool))


def _output_frame(features: pd.DataFrame, scored: np.ndarray) -> pd.DataFrame:
    unscored = ~scored
    rec = features["recence"].to_numpy()
    codes = features["code_rfm"].to_numpy(dtype="int16")
    code_txt = pd.Categorical.from_codes(np.where(scored, codes, np.int16(-1)), _CODES, validate=False) \
        if len(codes) else pd.Categorical([])
    with np.errstate(invalid="ignore"):  # NaN (no recency) becomes any integer, hidden by the mask
        days = rec.astype("int64")
    days[unscored] = 0  # what the mask hides, kept clean for code that reads the raw values
    out = pd.DataFrame(
        {
            SEGMENT_COLUMNS[0]: _int_array(days, unscored),
            SEGMENT_COLUMNS[1]: _int_array(features["score_r"].to_numpy(), unscored),
            SEGMENT_COLUMNS[2]: _int_array(features["score_f"].to_numpy(), unscored),
            SEGMENT_COLUMNS[3]: _int_array(features["score_m"].to_numpy(), unscored),
            SEGMENT_COLUMNS[4]: code_txt,
            SEGMENT_COLUMNS[5]: features["segment_rfm"],
            SEGMENT_COLUMNS[6]: features["segment_pmg"],
            SEGMENT_COLUMNS[7]: _cat(features["segment_secteur"]),
            SEGMENT_COLUMNS[8]: _cat(features["taille"]),
            SEGMENT_COLUMNS[9]: _cat(features["region"]),
            SEGMENT_COLUMNS[10]: _cat(features["potentiel"]),
        },
        index=features.index,
        copy=False,  # fresh arrays: no need to copy them into 2-D blocks
    )
    return out


def _client_frame(clients: pd.DataFrame | None, output: pd.DataFrame, features: pd.DataFrame, new_rows: pd.Index,
                  client_columns: dict, invoice_columns: dict) -> pd.DataFrame:
    """The user's rows (own columns untouched) + clients found only in invoices, then the output columns."""
    if clients is None:
        key_label = "Code client" if "client_id" in features else "Entreprise"
        # whole numbers or missing: the nullable array is built directly (astype checks every value)
        orders = features["nb_commandes"].to_numpy(dtype="float64")
        missing = np.isnan(orders)
        with np.errstate(invalid="ignore"):  # NaN becomes any integer, hidden by the mask
            whole = orders.astype("int64")
        # one constructor over Series: the frame shares their memory (copy on write)
        base = pd.DataFrame({
            key_label: features["client_id" if "client_id" in features else "raison_sociale"],
            "Date premier achat": features["date_premier_achat"],
            "Date dernier achat": features["date_dernier_achat"],
            "Nombre commandes": pd.Series(pd.arrays.IntegerArray(whole, missing), index=features.index),
            "CA total": features["ca_total"],
        }, index=features.index, copy=False)
    elif len(new_rows):
        extra = pd.DataFrame(index=new_rows, columns=clients.columns, dtype=object)
        for field in ("client_id", "raison_sociale") + ANALYSIS_FIELDS:
            if field in client_columns and field in features:
                extra[client_columns[field]] = features.loc[new_rows, field].to_numpy()
        if "raison_sociale" not in client_columns and "nom" in client_columns and "raison_sociale" in features:
            extra[client_columns["nom"]] = features.loc[new_rows, "raison_sociale"].to_numpy()
        base = pd.concat([clients, extra])
    else:
        base = clients
    return pd.concat([base, output], axis=1)
