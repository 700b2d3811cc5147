"""The duplicate search at scale (issue 16): what its shortcuts for speed and memory must keep exactly —
chunked scoring, candidate pairs as integer codes, name ranks by Arrow, shared values counted by codes,
the distinctive words' scores counted in integers, the sheet extent's wide-column scan."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import column_index_from_string
from rapidfuzz import fuzz

from segmenter_pme.audit import blocking, pair_scores
from segmenter_pme.audit.blocking import candidate_pairs, name_ranks
from segmenter_pme.audit.duplicates import NameWords, match_keys, score_pairs
from segmenter_pme.audit.match_keys import MAX_SHARED
from segmenter_pme.workbook.extent import sheet_extent
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
def test_name_ranks_are_python_string_order_ties_in_row_order(names):
    s = pd.Series(names, dtype=object)
    for reverse in (False, True):
        keyed = [(v[::-1] if reverse else v, k) for k, v in enumerate(names)]
        expected = np.empty(len(names), dtype=np.int64)
        expected[[k for _, k in sorted(keyed)]] = np.arange(len(names))
        assert name_ranks(s, reverse=reverse).tolist() == expected.tolist()


def test_a_value_on_more_rows_than_max_shared_is_blanked():
    def column(a: str, b: str, c: str) -> list[str]:  # a on MAX_SHARED rows, b on one more, c on one
        return [a] * MAX_SHARED + [b] * (MAX_SHARED + 1) + ["", "", c]

    clients = pd.DataFrame({
        "raison_sociale": [f"Société {i}" for i in range(2 * MAX_SHARED + 4)],
        "email": column("a@exemple.fr", "b@exemple.fr", "c@exemple.fr"),
        "siren": column("732829320", "552100554", "443061841"),
        "telephone": column("01 43 55 66 77", "04 78 00 00 01", "06 12 34 56 78"),
    })
    keys = match_keys(clients)
    assert keys["email"].tolist() == column("a@exemple.fr", "", "c@exemple.fr")
    assert keys["siren"].tolist() == column("732829320", "", "443061841")
    assert keys["tel9"].tolist() == column("143556677", "", "612345678")
    # a phone on no other row is not even parsed (no pair to find by it)
    assert keys["telephone"].tolist() == column("+33143556677", "", "")



def _residual_one_pair(a: str, b: str) -> float:
    """The rule, pair by pair: ``fuzz.ratio`` of the words each name has more often than the other
    (sorted, joined by a space); 100 when neither has any, -1 when only one has."""
    ca, cb = Counter(a.split()), Counter(b.split())
    ra, rb = sorted(set((ca - cb).elements())), sorted(set((cb - ca).elements()))
    if not ra and not rb:
        return 100.0
    if not ra or not rb:
        return -1.0
    return fuzz.ratio(" ".join(ra), " ".join(rb))


def test_residual_scores_by_hand():
    names = np.array(["boulangerie martin", "boulangerie morin", "dupont", "dupont freres", "nimes nimes net",
                      "net nimes", "", "roux nord"], dtype=object)
    words = NameWords(names)
    a, b = np.array([0, 2, 4, 5, 6, 6, 7]), np.array([1, 3, 5, 4, 6, 7, 7])
    got = pair_scores.residual_scores(words, a, b)
    # martin / morin: 2 × 4 letters in common / 11 letters; freres is an extra word; a repeated nimes is one
    # distinctive word on one side only; an empty name has no other word; a name against itself
    assert got.tolist() == [pytest.approx(800 / 11), -1.0, -1.0, -1.0, 100.0, -1.0, 100.0]
    assert got[0] == fuzz.ratio("martin", "morin")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "martin", "morin", "é", "z"]), max_size=4)
                .map(" ".join) | st.text(alphabet="ab \t\u00a0\u2003", max_size=8), min_size=1, max_size=12),
       st.data())
def test_residual_scores_are_the_rule_pair_by_pair(names, data):
    # repeated words, empty names, runs of spaces, tabs and Unicode spaces (``str.split`` cuts at all of them)
    rows = st.integers(0, len(names) - 1)
    pairs = data.draw(st.lists(st.tuples(rows, rows), max_size=30))
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    got = pair_scores.residual_scores(NameWords(np.array(names, dtype=object)), a, b)
    assert got.tolist() == [_residual_one_pair(names[i], names[j]) for i, j in pairs]



@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "martin", "morin", "é", "z"]), max_size=4)
                .map(" ".join) | st.text(alphabet="ab \t\u00a0", max_size=8), max_size=12))
def test_rarest_word_is_the_rule(names):
    # the word on the fewest names (repeats counted), the first alphabetically among equals
    freq = Counter(w for t in names for w in t.split())
    expected = [min(t.split(), key=lambda w: (freq[w], w), default="") for t in names]
    assert NameWords(np.array(names, dtype=object)).rarest().tolist() == expected


def test_candidate_pairs_with_the_words_made_once_are_the_same():
    keys, pairs = _keys_and_pairs()
    again = candidate_pairs(keys, words=NameWords(keys["nom_normalise"]))
    assert len(pairs) > 100 and np.array_equal(again, pairs)


_WIDE_RULE = re.compile(rb'\sr="([A-Z]{2,3})\d')  # the rule: a reference past Z after a space


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'<c r="A1"', b'<c r="AB12"', b'\nr="XFD7"', b'<c xr="ZZ9"', b'r="QQ1"',
                                 b' r="AAA', b'3"', b'\tr="BC', b'<row r="5">', b' ', b'\x0b', b'r="', b'CD4'])))
def test_wide_columns_follow_the_whitespace_rule(parts):
    xml = b"".join(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(buf) as zf:
        width = sheet_extent(zf, "xl/worksheets/sheet1.xml")[1]
    assert width == max([26] + [column_index_from_string(x.decode()) for x in _WIDE_RULE.findall(xml)])


def _string_key_pairs(keys: pd.DataFrame) -> set[tuple[int, int]]:
    """The pairs of the name blocks keyed by joined strings, each piece cut in Python (the simple path)."""
    names = keys["nom_normalise"].to_numpy(dtype=object)
    person = keys["personne"].to_numpy(dtype=bool)
    place = np.where(person, keys["code_postal"].to_numpy(dtype=object), keys["departement"].to_numpy(dtype=object))
    tag = np.array([("p|" if p else "c|") + c + "|" for p, c in zip(person, place)], dtype=object)
    glued = [t.replace(" ", "") for t in names]
    freq = Counter(w for t in names for w in t.split())
    rarest = np.array([min(t.split(), key=lambda w: (freq[w], w), default="")[:4] for t in names], dtype=object)
    rest = np.array([t.partition(" ")[2].replace(" ", "")[:5] for t in names], dtype=object)
    single = np.array([" " not in t for t in names])
    has = names != ""
    orders = tuple(name_ranks(pd.Series([g[::-1] if back else g for g in glued], dtype=object), reverse=False)
                   for back in (False, True))
    parts = [blocking.block_pairs(tag + np.array([g[:5] for g in glued], dtype=object), has, orders),
             blocking.block_pairs(tag + rarest, has & (rarest != ""), orders),
             blocking.block_pairs(tag + rest, has & (rest != ""), orders),
             blocking.block_pairs(tag + np.array([g[-5:] for g in glued], dtype=object), has & single, orders),
             blocking.block_pairs("c|" + keys["nom_trie"].to_numpy(dtype=object), has & ~person, orders[:1])]
    return {(min(a, b), max(a, b)) for part in parts for a, b in part.tolist()}


# words alike in their first, last or first four letters: every key links some rows and misses others by a letter
_BLOCK_NAMES = st.sampled_from(["SARL", ""]) | st.lists(st.sampled_from(
    ["garage", "xarage", "garages", "porte", "porta", "portal", "cartal", "martin", "martine", "artine", "bmartine",
     "du"]),
    min_size=1, max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_BLOCK_NAMES, st.sampled_from(["", "Jean Roux", "Jeanne Roux"]),
                          st.sampled_from(["75001", "75002", "69001", "", "2A004"]),
                          st.sampled_from(["", "a@b.fr", "c@d.fr"]), st.sampled_from(["", "0612345678"])),
                min_size=2, max_size=25), st.sampled_from([(12, 6), (2, 1), (3, 2)]))
def test_name_blocks_keyed_by_integers_give_the_string_keys_pairs(rows, sizes):
    # small SMALL_BLOCK / WINDOW values make big blocks (sorted neighbourhoods) out of a few rows
    clients = pd.DataFrame(rows, columns=["raison_sociale", "nom", "code_postal", "email", "telephone"])
    keys = match_keys(clients)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocking, "SMALL_BLOCK", sizes[0])
        patch.setattr(blocking, "WINDOW", sizes[1])
        expected = _string_key_pairs(keys)
        for col in ("siren", "email", "telephone"):  # the exact keys: each row to the first of its value
            first: dict = {}
            for k, v in enumerate(keys[col]):
                if v:
                    if v in first:
                        expected.add((first[v], k))
                    first.setdefault(v, k)
        got = candidate_pairs(keys)
    assert [tuple(p) for p in got.tolist()] == sorted(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ab", "ba", "é", "z", "10", ""]), max_size=4).map(" ".join)
                | st.text(alphabet="ab \t\u00a0", max_size=8), max_size=12))
def test_name_words_are_str_split_numbered_in_sorted_order(names):
    # « » cut by Arrow (runs of « » and empty names included); a tab or a no-break space takes str.split's own path
    words = NameWords(np.array(names, dtype=object))
    vocab = sorted({w for t in names for w in t.split()})
    assert words.vocab.to_pylist() == vocab
    for k, t in enumerate(names):
        ids = words.ids[words.starts[k]:words.starts[k + 1]].tolist()
        assert ids == sorted(vocab.index(w) for w in t.split())


def test_a_big_block_gives_each_row_its_neighbours_in_name_order(monkeypatch):
    monkeypatch.setattr(blocking, "SMALL_BLOCK", 2)
    monkeypatch.setattr(blocking, "WINDOW", 1)
    key = np.array(["a", "a", "a", "b", "b", "b"], dtype=object)
    rank = np.array([5, 0, 3, 1, 4, 2])
    # block a in name order: rows 1, 2, 0; block b: rows 3, 5, 4 — each row and the next one
    got = blocking.block_pairs(key, np.ones(6, dtype=bool), (rank,))
    assert sorted(map(tuple, got.tolist())) == [(1, 2), (2, 0), (3, 5), (5, 4)]


def test_each_name_key_links_its_pair_by_hand():
    clients = pd.DataFrame({
        "raison_sociale": ["Xportal", "Portal", "Cartal", "Garage Dupont", "Xarage Dupont", "Dupont Garage",
                           "Martin Pierre", "Martine Pierre"],
        "code_postal": ["75001", "75001", "75001", "69001", "69001", "13001", "33000", "33000"]})
    # one-word names by their last five letters (« ortal », not Cartal's « artal »), a typo in the first word by
    # the letters after it (« dupon »), the same words in another order anywhere, the first five letters (« marti »)
    assert candidate_pairs(match_keys(clients)).tolist() == [[0, 1], [3, 4], [3, 5], [6, 7]]
