"""Control characters found in the values read from a sheet (``workbook.control_chars.has_control``)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from segmenter_pme.workbook.control_chars import PATTERN, clean_frame, has_control


def test_has_control_by_hand():
    values = ["Beta", "Be\x01ta", None, 7, "a\nb\tc\r", "\x1b[31m", dt.datetime(2025, 1, 2), "", 1.5]
    assert has_control(values).tolist() == [False, True, False, False, False, True, False, False, False]


def test_a_column_without_text_or_without_control_has_none():
    assert not has_control([1, 2.5, None]).any()
    assert not has_control(["a", "b\nc"] * 1000).any()
    assert has_control([]).tolist() == []


values = st.lists(st.one_of(
    st.text(alphabet=st.sampled_from("ab \t\n\r\x00\x01\x08\x0b\x0c\x0e\x1b\x1fé€"), max_size=6),
    st.integers(), st.floats(allow_nan=True), st.none(), st.dates(),
), max_size=30)


@given(values)
def test_has_control_is_the_rule_value_by_value(vals):
    expected = [isinstance(v, str) and re.search(PATTERN, v) is not None for v in vals]
    assert has_control(vals).tolist() == expected
    assert has_control(np.array(vals, dtype=object) if vals else vals).tolist() == expected


def test_clean_frame_names_each_cleaned_cell():
    frame = pd.DataFrame({"Nom": ["Alpha", "Be\x01ta", None], "CA": [1.0, 2.0, 3.0]}, index=[4, 5, 6],
                         dtype=object)
    cleaned, found = clean_frame(frame)
    assert cleaned["Nom"].tolist() == ["Alpha", "Beta", None]
    assert [(c.row, c.column, c.value) for c in found] == [(5, "Nom", "Be\x01ta")]
