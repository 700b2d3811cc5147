"""Candidate pairs of the duplicate search (step 2, :mod:`.duplicates`): pairs sharing an exact key, and
pairs of one *block* of names, so that names are compared within blocks and the cost grows with the
block sizes, not with n²."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .match_keys import NameWords

#: blocks up to this size give all their pairs; a bigger one (« boulangerie » in Paris) gives each
#: row its WINDOW nearest names only, so candidates per client stay bounded as the base grows
SMALL_BLOCK = 12
WINDOW = 6


def block_pairs(key: np.ndarray, usable: np.ndarray, orders: tuple[np.ndarray, ...] = ()) -> np.ndarray:
    """Pairs (i < j, positions) sharing a non-empty ``key``.

    Blocks up to :data:`SMALL_BLOCK` rows give all their pairs: blocks of equal
    size are stacked into one matrix, so pairs come from one ``triu_indices`` per
    block size rather than one join or loop per block. A bigger block (a common
    first word in a big département) gives each row only its :data:`WINDOW`
    neighbours in each of ``orders`` (ranks of the rows' names, e.g. read
    forwards and backwards: sorted-neighbourhood blocking), so the pairs per
    client stay bounded however large the base grows.
    """
    pos = np.flatnonzero(usable)
    if len(pos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    # any numbering of the blocks gives the same pairs: hashing the keys spares a fixed-width copy of them
    inverse, codes = pd.factorize(key[pos])
    order_in = np.argsort(inverse, kind="stable")
    sorted_pos = pos[order_in]
    sizes = np.bincount(inverse, minlength=len(codes))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = []
    for size in np.unique(sizes):
        if size < 2 or size > SMALL_BLOCK:
            continue
        first = starts[sizes == size]
        block = sorted_pos[first[:, None] + np.arange(size)[None, :]]
        iu, ju = np.triu_indices(size, 1)
        out.append(np.column_stack([block[:, iu].ravel(), block[:, ju].ravel()]))
    big = sizes[inverse] > SMALL_BLOCK
    if big.any():
        members, block_of = pos[big], inverse[big]
        for rank in orders:
            # rows of one block next to each other, in that name order
            # (one integer key per row, all distinct: lexsort's order; 60 000 rows of big blocks: 0,008 s → 0,001 s
            # of CPU, median of 7, same run — seven times per audit)
            seq = np.argsort(block_of.astype(np.int64) * len(rank) + rank[members])
            m, b = members[seq], block_of[seq]
            for step in range(1, WINDOW + 1):
                same = b[step:] == b[:-step]
                out.append(np.column_stack([m[:-step][same], m[step:][same]]))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _star_pairs(key: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Pairs (first, other) of each group sharing an exact key: enough to connect them."""
    pos = np.flatnonzero(usable)
    if len(pos) < 2:
        return np.empty((0, 2), dtype=np.int64)
    # the codes are numbered in order of appearance: a code's first row is where it first exceeds those before
    # (grouping a frame by the keys for each one's first row took twice as long: 100 000 clients, the three keys
    # 0,059 s → 0,031 s of CPU, medians of 5, same run)
    codes = pd.factorize(key[pos])[0]
    new = np.concatenate([[True], codes[1:] > np.maximum.accumulate(codes)[:-1]])
    first = pos[new][codes]
    other = pos != first
    return np.column_stack([first[other], pos[other]]).astype(np.int64)


def name_ranks(names: pd.Series, *, reverse: bool) -> np.ndarray:
    """The rank of each name in alphabetical order: the name order of the big blocks (sorted neighbourhood).

    Input: ``names`` (text, one per row: a Series or an Arrow array); ``reverse``: each name read backwards
    (last letter first), so that a typo at its start leaves it near its twin.
    Output: int64 array, one rank per row from 0, in Python's string order (code
    points), equal names ranked in row order.

    Arrow sorts the UTF-8 bytes, whose order is the code points' (as Python's), with a stable sort;
    numpy wanted a fixed-width copy of every name, twice (300 000 clients: 190 MB).
    """
    text = pa.array(names.to_numpy(dtype=object), type=pa.large_string()) if isinstance(names, pd.Series) \
        else names.cast(pa.large_string())
    if reverse:
        text = pc.utf8_reverse(text)
    order = pc.sort_indices(text).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def candidate_pairs(keys: pd.DataFrame, *, words: NameWords | None = None) -> np.ndarray:
    """Candidate pairs of positions ``(i, j)``, ``i < j``, without repeats.

    Input: the output of :func:`match_keys` (and the names' words, if already made:
    ``NameWords(keys["nom_normalise"])``). Output: int32 array of shape (m, 2).
    """
    names = keys["nom_normalise"]
    dept = keys["departement"].to_numpy(dtype=object)
    has_name = names.to_numpy(dtype=object) != ""
    n = len(keys)

    def stars():
        for col in ("siren", "email", "telephone"):
            k = keys[col].to_numpy(dtype=object)
            yield _star_pairs(k, k != "")

    # each key's pairs become one int64 per pair (i * n + j), without repeats, as they come: the
    # blocks' pairs before that (many repeated) are never all held at once
    codes = []
    for chunk in chain(stars(), _name_pairs(keys, names, has_name, dept, words) if has_name.any() else ()):
        if len(chunk):
            lo, hi = np.minimum(chunk[:, 0], chunk[:, 1]), np.maximum(chunk[:, 0], chunk[:, 1])
            codes.append(_unique_sorted(lo.astype(np.int64) * n + hi))
    if not codes:
        return np.empty((0, 2), dtype=np.int32)
    codes = _unique_sorted(np.concatenate(codes))
    return np.column_stack([codes // n, codes % n]).astype(np.int32)


def _unique_sorted(codes: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (sorting in place: numpy's unique hashes int64, much slower here)."""
    codes.sort()
    return codes[np.concatenate([[True], codes[1:] != codes[:-1]])]


def _codes(values: pa.Array) -> np.ndarray:
    """An integer per distinct value (int64): blocks are keyed by numbers, not by joined strings."""
    return pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _name_pairs(keys: pd.DataFrame, names: pd.Series, has_name: np.ndarray, dept: np.ndarray,
                words: NameWords | None) -> Iterator[np.ndarray]:
    """The pairs of :func:`candidate_pairs` that share a block of names, one array per key.

    The names' pieces are cut by Arrow and each block keyed by a pair of integers (place, piece), not by a joined
    string: any numbering of the blocks gives the same pairs (100 000 clients: 0,47 s → 0,37 s of CPU for
    candidate_pairs, medians of 5, same run, the same pairs).
    """
    person = keys["personne"].to_numpy(dtype=bool)
    # people are only compared within one postal code: "Jean Martin" is everywhere
    place = np.where(person, keys["code_postal"].to_numpy(dtype=object), dept)
    tag = _codes(pa.array(place, type=pa.string())) * 2 + person

    def key(piece: pa.Array) -> np.ndarray:
        codes = _codes(piece)
        return tag * (int(codes.max()) + 1 if len(codes) else 1) + codes

    def usable(piece: pa.Array) -> np.ndarray:
        return has_name & pc.not_equal(piece, "").to_numpy(zero_copy_only=False)

    text = pa.array(names.to_numpy(dtype=object), type=pa.string())
    # Each key below lets a pair through despite one kind of difference; a pair
    # needs to share only one of them.
    glued = pc.replace_substring(text, " ", "")
    # 1. the first letters (a typo further on, a different ending)
    first = pc.utf8_slice_codeunits(glued, 0, 5)
    # 2. the rarest word, wherever it is (swapped words, a typo in another word)
    # (counted on the words' integer ids, made once for the blocks and the scores; 3. below in one pass of
    # Python, not pandas' partition: 100 000 clients, the two keys 0,40 s → 0,05 s of CPU, median of 5, same run)
    rarest = pc.utf8_slice_codeunits(pa.array((words or NameWords(names)).rarest(), type=pa.string()), 0, 4)
    # 3. everything after the first word (a typo at the start of the first word)
    several = pc.match_substring(text, " ")
    rest = pc.replace_substring(pc.replace_substring_regex(text, "^[^ ]* ", "", max_replacements=1), " ", "")
    rest = pc.if_else(several, pc.utf8_slice_codeunits(rest, 0, 5), "")
    # 4. one-word names: the last letters (a typo at the start)
    single = ~several.to_numpy(zero_copy_only=False)
    last = pc.utf8_slice_codeunits(glued, -5, np.iinfo(np.int32).max)
    # name order for the big blocks: glued name, and the same read backwards (a typo at its start)
    forward, backward = name_ranks(glued, reverse=False), name_ranks(glued, reverse=True)
    orders = (forward, backward)
    yield block_pairs(key(first), has_name, orders)
    yield block_pairs(key(rarest), usable(rarest), orders)
    yield block_pairs(key(rest), usable(rest), orders)
    yield block_pairs(key(last), has_name & single, orders)
    # 5. the same words in any order, anywhere (a missing or mistyped postal code)
    yield block_pairs(_codes(pa.array(keys["nom_trie"].to_numpy(dtype=object), type=pa.string())),
                       has_name & ~person, (forward,))
