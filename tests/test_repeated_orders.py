"""The purchase lines that repeat an invoice (same client, day and number) are no orders: the hashed
path of Arrow text numbers (an invoice's lines one after the other, or apart) against pandas."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.invoices import orders
from segmenter_pme.invoices.keys import hash_text, pandas_factorize
from segmenter_pme.invoices.lines import line_facts

ANALYSIS = pd.Timestamp("2025-12-31")
FILLER = 60_000  # lines of other clients: enough for the hashed path (50 000 lines and more)


def _repeated(keys, days, numbers, types):
    """Positions repeated_purchase_lines finds by the hashes (the texts are never compared)."""
    keys = pd.Series(keys, dtype="str")
    dates = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D"))
    numbers = pd.Series(numbers, dtype="str")
    types = pd.Series(types, dtype="str")
    lines = line_facts(None, dates, pd.Series(np.ones(len(keys))), ANALYSIS, types)
    codes, _ = pandas_factorize(keys)
    assert hash_text(numbers) is not None
    with mock.patch.object(orders, "repeated_exact", side_effect=AssertionError("the texts were compared")):
        return orders.repeated_purchase_lines(codes, lines, numbers)


def _filler(n: int):
    return ([f"Z{i}" for i in range(n)], [0] * n, [f"Y{i}" for i in range(n)], ["Facture"] * n)


def test_repeated_lines_next_to_each_other_or_apart():
    rows = [("A", 0, "F1", "Facture"),
            ("A", 0, "F1", "Facture"),  # the line before: repeated
            ("B", 0, "F1", "Facture"),  # another client
            ("A", 0, "F1", "Facture"),  # three lines after its first: repeated
            ("A", 1, "F1", "Facture"),  # another day
            ("A", 0, None, "Facture"),  # no number: an order of its own
            ("A", 0, None, "Facture"),
            ("A", 0, "F2", "Avoir"),  # a credit note is no order
            ("A", 0, "F2", "Facture"),  # so this line is the first purchase of F2
            ("A", 0, "F2", "Facture")]  # repeated
    filler = _filler(FILLER)
    columns = [list(c) + f for c, f in zip(zip(*rows), filler)]
    assert _repeated(*columns).tolist() == [1, 3, 9]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 2),
                               st.sampled_from([None, "", "F1", "F2", "F3"]), st.sampled_from(["Facture", "Avoir"])),
                     min_size=1, max_size=30),
       blocks=st.integers(1, 4), shuffle=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_the_hashed_path_finds_the_lines_a_pandas_duplicated_finds(rows, blocks, shuffle, seed):
    """Rows repeated over 60 000 lines, their clients renamed every so many copies (so that an invoice
    repeats close by, far apart or not at all), in their order or shuffled: the repeated purchase lines
    are those pandas calls duplicated among the purchase lines with a number."""
    n = FILLER
    at = np.arange(n) % len(rows)
    frame = pd.DataFrame([rows[i] for i in at], columns=["cle", "day", "numero", "type"])
    frame["cle"] = frame["cle"] + (np.arange(n) // (len(rows) * blocks)).astype(str)
    if shuffle:
        frame = frame.iloc[np.random.default_rng(seed).permutation(n)].reset_index(drop=True)
    got = _repeated(frame["cle"], frame["day"], frame["numero"], frame["type"])

    purchase = (frame["type"] == "Facture") & frame["numero"].notna()
    expected = np.flatnonzero(purchase & frame[purchase].duplicated(["cle", "day", "numero"])
                              .reindex(frame.index, fill_value=False))
    assert got.tolist() == expected.tolist()
