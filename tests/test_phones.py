"""phones.normalize_phones: the French fast path gives phonenumbers' own answer."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.phones import e164, normalize_phones

national = st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True)
STYLES = (lambda d: d, lambda d: " ".join(d[i:i + 2] for i in range(0, 10, 2)),
          lambda d: ".".join(d[i:i + 2] for i in range(0, 10, 2)), lambda d: "+33 " + d[1:],
          lambda d: "0033 " + d[1:], lambda d: "+33 (0)" + d[1:])
written = st.tuples(national, st.sampled_from(STYLES))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(written, st.sampled_from(["75001", "97400", "97133", None])), min_size=1, max_size=30))
def test_same_answer_as_a_parse_per_number(rows):
    phones = pd.Series([fmt(digits) for (digits, fmt), _ in rows], dtype=object)
    postal = pd.Series([cp for _, cp in rows], dtype=object)
    region = {"75001": "FR", "97400": "RE", "97133": "BL", None: "FR"}
    expected = [e164(re.sub(r"[^0-9+]", "", text), region[cp]) for text, (_, cp) in zip(phones, rows)]
    assert normalize_phones(phones, postal).tolist() == expected


def test_examples():
    got = normalize_phones(pd.Series(["06 12 34 56 78", "0262 12 34 56", "612345678.0", "12", None]),
                           pd.Series(["75001", None, "13001", None, None]))
    assert got.tolist() == ["+33612345678", "+262262123456", "+33612345678", None, None]


def test_only_shared_parses_the_numbers_another_row_may_have():
    # the last nine digits of rows 0, 1 and 3 are one number; row 2's are its own; row 4 is too short to count
    phones = pd.Series(["06 12 34 56 78", "+33 6 12 34 56 78", "01 43 55 66 77", "612345678.0", "345678"],
                       index=[10, 11, 12, 13, 14])
    got = normalize_phones(phones, only_shared=True)
    assert got.index.tolist() == [10, 11, 12, 13, 14]
    assert got.tolist() == ["+33612345678", "+33612345678", None, "+33612345678", None]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(written.map(lambda w: w[1](w[0])), st.sampled_from(["12", "", None, "345678", "06 12"])),
                min_size=1, max_size=30))
def test_only_shared_is_every_number_whose_tail_another_present_row_has(texts):
    phones = pd.Series(texts, dtype=object)
    every = normalize_phones(phones)
    tails = [re.sub(r"[^0-9+]", "", re.sub(r"\.0$", "", t or ""))[-9:] for t in texts]
    present = [len(re.sub(r"[^0-9+]", "", t or "")) >= 6 for t in texts]
    shared = [p and sum(q and u == tail for q, u in zip(present, tails)) >= 2 for p, tail in zip(present, tails)]
    assert normalize_phones(phones, only_shared=True).tolist() == [v if s else None for v, s in zip(every, shared)]
