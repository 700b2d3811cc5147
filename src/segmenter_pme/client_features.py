"""The per-client features a run scores: the client table's rows, the invoice lines' figures
matched to them by key, the clients found only in invoices (SPEC §1), for :func:`pipeline.segment`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .canonical import InvoiceClients, fold_series, needs_strip, norm_code
from .scoring import constant

ANALYSIS_FIELDS = ("date_premier_achat", "date_dernier_achat", "nb_commandes", "ca_total")


def combine(table: pd.DataFrame | None, from_invoices: InvoiceClients | None, clients: pd.DataFrame | None
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
        cols["source"] = constant("factures", len(idx))
        # copy=False: one block per column, without gathering the float columns in one 2-D block
        return _ensure(pd.DataFrame(cols, index=idx, copy=False)), idx, np.arange(len(idx))
    table_keys, invoice_keys = match_keys(table, from_invoices)
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


def match_keys(table: pd.DataFrame, from_invoices) -> tuple[pd.Series, pd.Series]:
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


def client_quotes(table: pd.DataFrame | None, from_invoices, agg_rows: np.ndarray, index: pd.Index
                  ) -> pd.DataFrame | None:
    """The open quotes with their client's label in the features (``index``) instead of the invoice key
    (None when no invoice line is a quote).

    A client is found by the key that matched him to the invoices; a quote of a
    key that is no client of the analysis (only quotes, no client table) is left out.
    """
    quotes = from_invoices.quotes
    if quotes is None:
        return None
    if quotes.empty:
        return quotes.rename(columns={"cle": "client"}).assign(client=pd.Series(dtype=object))
    billed_keys = from_invoices.clients["cle"].astype("string")
    if table is None:
        keys = billed_keys.to_numpy(dtype=object)[agg_rows]
    else:
        table_keys, invoice_keys = match_keys(table, from_invoices)
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


def apply_analysis_date(features: pd.DataFrame, analysis: pd.Timestamp) -> int:
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


