"""The duplicate search at scale (issue 16): what its shortcuts for speed and memory must keep exactly —
chunked scoring, candidate pairs as integer codes, name ranks by Arrow, shared values counted by codes,
the sheet extent's wide-column scan."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.audit import pair_scores
from segmenter_pme.audit.blocking import _rank, candidate_pairs
from segmenter_pme.audit.duplicates import match_keys, score_pairs
from segmenter_pme.audit.match_keys import MAX_SHARED, _unshared
from segmenter_pme.workbook.extent import _wide_columns
from support.labelled import labelled_clients


def _keys_and_pairs():
    keys = match_keys(labelled_clients(600, seed=3).drop(columns=["entite", "variation"]))
    return keys, candidate_pairs(keys)


def test_candidate_pairs_are_sorted_distinct_int32_with_i_before_j():
    keys, pairs = _keys_and_pairs()
    assert pairs.dtype == np.int32 and pairs.shape[1] == 2 and len(pairs) > 100
    assert (pairs[:, 0] < pairs[:, 1]).all()
    codes = pairs[:, 0].astype(np.int64) * len(keys) + pairs[:, 1]
    assert (np.diff(codes) > 0).all()  # sorted, no repeat


def test_scores_in_small_chunks_are_the_scores_at_once(monkeypatch):
    keys, pairs = _keys_and_pairs()
    at_once = score_pairs(keys, pairs)
    monkeypatch.setattr(pair_scores, "CHUNK", 7)  # many chunks, a last one shorter
    chunked = score_pairs(keys, pairs)
    assert len(at_once) > 50
    pd.testing.assert_frame_equal(chunked, at_once)


def test_token_sort_scores_through_sorted_words():
    # the name score is rapidfuzz's token_sort_ratio, computed on match_keys' sorted words
    clients = pd.DataFrame({"raison_sociale": ["Martin Dupont", "Dupont Martin", "Dupond Martin", "Durand"],
                            "code_postal": ["75011"] * 4})
    keys = match_keys(clients)
    pairs = np.array([[0, 1], [0, 2], [1, 3]], dtype=np.int32)
    out = score_pairs(keys, pairs, min_confidence=0).set_index(["ligne_a", "ligne_b"])["score_nom"]
    assert out[(0, 1)] == 100  # the same words swapped
    assert out[(0, 2)] < 100 and out[(1, 3)] < 50


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=6), max_size=30))
def test_rank_is_python_string_order_ties_in_row_order(names):
    s = pd.Series(names, dtype=object)
    for reverse in (False, True):
        keyed = [(v[::-1] if reverse else v, k) for k, v in enumerate(names)]
        expected = np.empty(len(names), dtype=np.int64)
        expected[[k for _, k in sorted(keyed)]] = np.arange(len(names))
        assert _rank(s, reverse=reverse).tolist() == expected.tolist()


def test_a_value_on_more_rows_than_max_shared_is_blanked():
    values = pd.Series(["a"] * MAX_SHARED + ["b"] * (MAX_SHARED + 1) + ["", "", "c"], dtype=object)
    out = _unshared(values)
    assert out.tolist() == ["a"] * MAX_SHARED + [""] * (MAX_SHARED + 1) + ["", "", "c"]


_WIDE_RULE = re.compile(rb'\sr="([A-Z]{2,3})\d')  # the rule: a reference past Z after a space


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'<c r="A1"', b'<c r="AB12"', b'\nr="XFD7"', b'<c xr="ZZ9"', b'r="QQ1"',
                                 b' r="AAA', b'3"', b'\tr="BC', b'<row r="5">', b' ', b'\x0b', b'r="', b'CD4'])))
def test_wide_columns_follow_the_whitespace_rule(parts):
    xml = b"".join(parts)
    assert _wide_columns(xml) == set(_WIDE_RULE.findall(xml))
