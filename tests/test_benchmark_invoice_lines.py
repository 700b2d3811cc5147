"""The benchmarks' invoice-line generator (``benchmarks/invoice_lines.py``): shape, types, determinism."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from invoice_lines import generate_invoice_lines  # noqa: E402

REF = dt.date(2025, 12, 31)

def test_invoice_lines_shape_types_and_determinism():
    f = generate_invoice_lines(20_000, 3_000, seed=1)
    assert len(f) == 20_000
    assert list(f.columns) == ["Code client", "Date", "N° facture", "Type", "Montant HT"]
    assert f["Date"].dtype == "datetime64[ns]" and f["Montant HT"].dtype == np.float64
    for col in ("Code client", "N° facture", "Type"):
        assert pd.api.types.is_string_dtype(f[col])
    assert f["Code client"].str.fullmatch(r"C\d{7}").all() and f["Code client"].nunique() == 3_000
    assert set(f["Type"]) == {"Facture", "Avoir"}
    av = f["Type"] == "Avoir"
    assert (f.loc[av, "Montant HT"] < 0).all() and (f.loc[~av, "Montant HT"] > 0).all()
    assert 0.02 <= av.mean() <= 0.04
    assert f.loc[av, "N° facture"].str.fullmatch(r"AV-\d{4}-\d{7}").all()
    assert f.loc[~av, "N° facture"].str.fullmatch(r"FA-\d{4}-\d{7}").all()
    per_number = f.groupby("N° facture").agg(lines=("Date", "size"), dates=("Date", "nunique"),
                                              clients=("Code client", "nunique"))
    assert (per_number["dates"] == 1).all() and (per_number["clients"] == 1).all()
    assert (per_number["lines"] > 1).any()
    lines_per_client = f["Code client"].value_counts()
    assert lines_per_client.max() > 20 * lines_per_client.median()  # heavy tail
    ref = pd.Timestamp(REF)
    assert 0 < (f["Date"] > ref).mean() < 0.02
    assert f["Date"].min() >= ref - pd.Timedelta(days=4 * 365)
    assert f["Date"].is_monotonic_increasing
    pd.testing.assert_frame_equal(f, generate_invoice_lines(20_000, 3_000, seed=1))
    assert not f["Montant HT"].equals(generate_invoice_lines(20_000, 3_000, seed=2)["Montant HT"])


def test_invoice_lines_fewer_lines_than_clients():
    f = generate_invoice_lines(500, 2_000, seed=3)
    assert len(f) == 500 and f["Code client"].nunique() <= 500
