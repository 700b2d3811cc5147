"""The frames a run returns: the 11 output columns, and the client rows they are written beside
(SPEC §7), for :func:`pipeline.segment`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .client_features import ANALYSIS_FIELDS
from .fields import SEGMENT_COLUMNS

_CODES = [f"{c}" for c in range(1000)]


def _cat(s: pd.Series) -> pd.Series | pd.Categorical:
    # few distinct labels: a categorical avoids one Python string object per client; the
    # Series itself, not its array, so that the frames share it copy-on-write (a write to
    # result.features must not show in result.output)
    return s if isinstance(s.dtype, pd.CategoricalDtype) else pd.Categorical(s.to_numpy(dtype=object))


def _int_array(values: np.ndarray, mask: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.asarray(values, dtype="int64"), np.asarray(mask, dtype=bool))


def output_frame(features: pd.DataFrame, scored: np.ndarray) -> pd.DataFrame:
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


def client_frame(clients: pd.DataFrame | None, output: pd.DataFrame, features: pd.DataFrame, new_rows: pd.Index,
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
