"""The per-segment summary (SPEC §4): clients, CA and orders of each label of each dimension, as a
pandas groupby gives them — labels counted together in one pass, a missing label shown as « — »."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.scoring import constant
from segmenter_pme.summary import summarize


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["Champions", "Fidèles", "Perdus", None]),
                               st.sampled_from(["Gros", "Moyens", "Petits", None]),
                               st.integers(-5_000, 100_000), st.integers(0, 20)),
                     min_size=1, max_size=60))
def test_each_dimension_sums_as_a_pandas_groupby(rows):
    rfm, pmg, cents, orders = zip(*rows)
    n = len(rows)
    features = pd.DataFrame({
        "ca_total": np.asarray(cents, dtype=np.float64) / 100, "nb_commandes": np.asarray(orders, dtype=np.float64),
        "segment_rfm": pd.Categorical(rfm, categories=["Champions", "Fidèles", "Perdus"]),
        "segment_pmg": pd.Categorical(pmg, categories=["Gros", "Moyens", "Petits"]),
        "segment_secteur": constant("Inconnu", n), "taille": constant("Inconnue", n), "region": constant("Inconnue", n),
    })
    got = summarize(features).set_index(["Dimension", "Segment"])
    for dim, col in (("Segment RFM", "segment_rfm"), ("Segment PMG", "segment_pmg"), ("Taille", "taille")):
        labels = features[col].astype(object).fillna("—")
        expected = features.groupby(labels.to_numpy()).agg(clients=("ca_total", "size"), ca=("ca_total", "sum"),
                                                          commandes=("nb_commandes", "sum"))
        mine = got.loc[dim]
        assert sorted(mine.index) == sorted(expected.index)
        assert mine["Clients"].to_dict() == expected["clients"].to_dict()
        assert mine["Commandes"].to_dict() == expected["commandes"].astype("int64").to_dict()
        for label, ca in expected["ca"].items():
            assert mine.loc[label, "CA"] == pytest.approx(ca, abs=1e-6)
