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
