"""Open quotes (« devis en cours ») among the invoice lines, for Monday's calls (SPEC §9) — no I/O.

« Lundi : focus sur les Gros clients et les devis en cours. » A quote line is
a line whose document type says devis, quote or estimate, and not refused,
cancelled, signed or invoiced (:func:`segmenter_pme.invoices.quote_lines`).
The lines of one quote (same client and number; without a number, same client
and day) make one quote, their amounts summed. A quote is « en cours » at the
analysis date when:

- it is dated on or before the analysis date, and at most ``devis_jours`` days
  before it (« Paramètres », 90 by default): an older quote is cold;
- no invoice of the same client carries its number, and none is dated on or
  after its day: that invoice most likely is the quote, signed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: one row per open quote; ``lignes``: how many invoice lines it was written on
COLUMNS = ("cle", "numero", "date", "montant", "lignes")


def no_quotes() -> pd.DataFrame:
    return pd.DataFrame({"cle": pd.Series(dtype="string"), "numero": pd.Series(dtype="string"),
                         "date": pd.Series(dtype="datetime64[ns]"), "montant": pd.Series(dtype="float64"),
                         "lignes": pd.Series(dtype="int64")})


def open_quotes(keys: pd.Series, dates: pd.Series, amounts: pd.Series, numbers: pd.Series | None,
                quote: np.ndarray, sale: np.ndarray, analysis: pd.Timestamp, days: int) -> pd.DataFrame:
    """The open quotes, one row each: columns :data:`COLUMNS`, by client then newest first.

    Input: aligned line Series — ``keys`` (client key, missing: no client),
    ``dates`` (datetime64), ``amounts`` (float), ``numbers`` (document number,
    optional); masks ``quote`` (the quote lines) and ``sale`` (the invoice lines
    that are purchases); the analysis date and ``days`` (how old a quote may be).
    """
    if not quote.any():
        return no_quotes()

    def lines(mask: np.ndarray) -> pd.DataFrame:
        # only the lines asked for: a million invoice lines for a handful of quotes
        at = np.flatnonzero(mask)
        number = numbers.iloc[at].astype("string").str.strip().replace("", pd.NA) if numbers is not None \
            else pd.Series(pd.NA, index=keys.index[at], dtype="string")
        return pd.DataFrame({"cle": keys.iloc[at].astype("string"), "numero": number,
                             "date": dates.iloc[at].dt.normalize(), "montant": amounts.iloc[at]})

    q = lines(quote)
    recent = (q["date"] <= analysis) & (q["date"] >= analysis - pd.Timedelta(days=days))
    q = q[recent & q["cle"].notna()]
    if q.empty:
        return no_quotes()
    # without a number, the lines of one client and day are one quote
    q["quote"] = q["numero"].fillna("\x00" + q["date"].dt.strftime("%Y%m%d"))
    q = q.groupby(["cle", "quote"], sort=False).agg(numero=("numero", "first"), date=("date", "min"),
                                                   montant=("montant", "sum"), lignes=("montant", "size")
                                                   ).reset_index()
    s = lines(sale & keys.isin(q["cle"].unique()).to_numpy())
    last_sale = s.groupby("cle")["date"].max().reindex(q["cle"]).to_numpy(dtype="datetime64[ns]")
    invoiced_since = last_sale >= q["date"].to_numpy(dtype="datetime64[ns]")  # NaT: never invoiced, False
    billed = pd.MultiIndex.from_frame(s[["cle", "numero"]].dropna())
    same_number = pd.MultiIndex.from_frame(q[["cle", "numero"]].astype(object)).isin(billed)
    out = q[~invoiced_since & ~same_number]
    out = out.sort_values(["cle", "date", "montant"], ascending=[True, False, False], kind="stable")
    return out[list(COLUMNS)].reset_index(drop=True)
