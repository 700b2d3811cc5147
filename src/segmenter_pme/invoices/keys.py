"""Client keys numbered as ``pd.factorize`` does (codes in order of first appearance), fast.

Hashing a million strings is what costs. polars hashes the Arrow strings in
native code and numbering the 64-bit hashes is an integer hash table, much
cheaper than a string one. Measured on 1 M lines (``segment()`` with and
without the hashing of keys and invoice numbers, 7 interleaved rounds on a
loaded 2-core machine, issue 12): 1,07 s against 1,66 s with invoice numbers
(1,54×), 0,81 s against 0,87 s without (1,07×). A second,
independent hash must agree on every line of a code, so two keys merged by the
first hash (odds about n² / 2⁶⁴) would also have to collide on the second; if
they ever did, the caller falls back to ``pd.factorize``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SECOND_SEED = 0x5E6_4E7  # the seed of the second, independent hash
_SPREAD = np.int64(-7046029254386353131)  # 0x9E3779B97F4A7C15, the golden-ratio multiplier, as int64
_UNSPREAD = np.int64(pow(int(_SPREAD) % 2**64, -1, 2**64) - 2**64)  # its inverse modulo 2⁶⁴, as int64


def pandas_factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64, copy=False), pd.Index(distinct)


def hash_text(values: pd.Series):
    """``(polars Series, 64-bit hash of each value)`` of Arrow-backed text, or None."""
    if not _hash_worthy(values):
        return None
    import polars as pl

    arrow = values.array._pa_array
    try:
        # polars keeps text as views: Arrow's own cast to views, which polars then takes
        # without a copy, is the cheaper conversion (1 M client codes: step factorize_by_hash
        # 27,7 ms against 32,1 ms, benchmarks/bench_core.py --phases --base aded5ab); older
        # Arrow has no views
        views = arrow.cast(pa.string_view())
    except (pa.ArrowNotImplementedError, AttributeError):  # pragma: no cover - pyarrow < 16
        views = arrow
    try:
        texts = pl.from_arrow(views)
    except Exception:  # pragma: no cover - a type polars does not read
        return None
    if not isinstance(texts, pl.Series) or texts.dtype != pl.String:
        return None
    return texts, texts.hash(seed=0).to_numpy().view(np.int64)


def factorize_by_hash(values: pd.Series) -> tuple[np.ndarray, int, Callable[[], tuple[pd.Index, bool]]] | None:
    """``pd.factorize`` codes (and their count) of Arrow-backed text in about half the time, or None.

    Codes come out in order of first appearance, exactly as pd.factorize. The
    third item, a function, gives ``(distinct keys, same)``: the key of each code
    and whether every line has the key of its code — ``same`` checks a second
    64-bit hash (comparing the strings themselves costs as much as the
    numbering): both must collide for two keys to be merged, odds of about
    n² / 2^129. When ``same`` is False the caller uses pd.factorize.
    """
    raw = fixed_width_bytes(values)
    if raw is not None:
        numbered = dense_codes(raw)
        if numbered is None:
            codes, distinct_ints = number_keys(raw * _SPREAD)
        else:
            codes, distinct_ints = numbered[0], numbered[1] * _SPREAD

        def exact_keys() -> tuple[pd.Index, bool]:
            return texts_of_ints(distinct_ints, values), True

        return codes.astype(np.int64, copy=False), len(distinct_ints), exact_keys
    hashed = hash_text(values)
    if hashed is None:
        return None
    texts, hashes = hashed
    valid = None
    if texts.null_count():
        valid = texts.is_not_null().to_numpy()
        sub, distinct_hashes = number_keys(hashes[valid])
        codes = np.full(len(hashes), -1, dtype=np.int64)
        codes[valid] = sub
    else:
        codes, distinct_hashes = number_keys(hashes)
        codes = codes.astype(np.int64, copy=False)

    def distinct_keys() -> tuple[pd.Index, bool]:
        first = first_of_each_code(codes)
        distinct = pd.Index(values.array.take(first))
        if not len(first):
            return distinct, True
        # a second, independent hash must be the same on every line of a code:
        # two keys merged by the first hash would also have to collide on this one
        second = texts.hash(seed=SECOND_SEED).to_numpy().view(np.int64)
        # (codes are -1 only on missing keys, left out by ``valid``)
        same = second[first][codes if valid is None else np.maximum(codes, 0)] == second
        return distinct, bool(same.all() if valid is None else same[valid].all())

    return codes, len(distinct_hashes), distinct_keys


def fixed_width_bytes(values: pd.Series) -> np.ndarray | None:
    """Each key as the 64-bit integer of its bytes when every key has the same length, 1 to 8
    bytes (client codes often do: « C0000123 », « 411DUP »), else None.

    Equal keys, equal integers, and the other way round: numbering them needs no hash of
    the texts and no check of a second one. The keys of ``benchmarks/bench_core.py``
    (« C0000123 »), numbered with and without this path in interleaved rounds (process CPU
    time, numbering and distinct keys): 28 ms against 32 ms at 1 M lines, 2,47 s against
    2,81 s at 20 M. Other keys take the hashes.
    """
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is None or not _hash_worthy(values) or arrow.null_count or not len(arrow):
        return None
    if not (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
        return None
    arr = arrow.chunk(0) if arrow.num_chunks == 1 else arrow.combine_chunks()
    n, item = len(arr), 8 if pa.types.is_large_string(arr.type) else 4
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if item == 8 else np.int32, count=n + 1,
                            offset=arr.offset * item)
    span = int(offsets[-1]) - int(offsets[0])
    width = span // n
    if not 1 <= width <= 8 or span != width * n or not (np.diff(offsets) == width).all():
        return None
    text = np.frombuffer(arr.buffers()[2], dtype=np.uint8, count=span, offset=int(offsets[0]))
    if width == 8:
        ints = text.view(np.int64)
    else:
        padded = np.zeros((n, 8), dtype=np.uint8)
        padded[:, :width] = text.reshape(n, width)
        ints = padded.view(np.int64).ravel()
    return ints


def fixed_width_ints(values: pd.Series) -> np.ndarray | None:
    """:func:`fixed_width_bytes` spread over the 64 bits (an odd multiplier: still one integer per
    key), as pandas' hash table wants them: the bytes of similar codes differ in a few bits only."""
    raw = fixed_width_bytes(values)
    return None if raw is None else raw * _SPREAD


# keys numbered by dense_codes: blocks of 64 K lines (512 KB), so that the dozen operations on
# each stay in the CPU caches instead of passing 12 times over 160 MB at 20 M lines
DENSE_BLOCK = 1 << 16


def dense_codes(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``pd.factorize`` codes and distinct values of :func:`fixed_width_bytes` integers, without a
    hash table, when their bytes make numbers no larger than the count of lines; else None.

    Codes such as « C0000123 » — a constant prefix, then characters each within a
    small range — are read as numbers: past the prefix, the first character in
    the base of its own range, the others in the base of the largest range of
    theirs (10 for digits); 7 M codes « C0000001 » to « C7000000 » make numbers
    below 8 × 10⁶. One slot per number then gives each key its first line
    (``np.minimum.at``), so its code in order of first appearance, and each line
    its code by a gather. 20 M lines of 7 M codes: 0,94 s against 1,77 s for
    Arrow's hash table (``number_keys``), CPU time, same run.
    """
    n = len(raw)
    low_byte, high_byte = _byte_extremes(raw.view(np.uint8).reshape(n, 8))
    span = high_byte.astype(np.int64) - low_byte + 1
    varying = np.flatnonzero(span > 1)
    if not len(varying):  # one key
        return np.zeros(n, dtype=np.int64), raw[:1].copy()
    lead, last = int(varying[0]), int(varying[-1])
    radix = int(span[lead + 1:last + 1].max()) if last > lead else 1
    size = int(span[lead]) * radix ** (last - lead)
    if size > n:
        return None
    number = _numbers(raw, low_byte, lead, last - lead, int(span[lead]), radix)
    # line numbers on 4 bytes where they fit: minimum.at takes less time on them, and their array is
    # half the memory (20 M lines of 7 M codes: step factorize_by_hash 0,99 s → 0,87 s of CPU, median of
    # 3 interleaved rounds, bench_core.py --phases)
    position = np.int32 if n < np.iinfo(np.int32).max else np.int64
    first = np.full(size, n, dtype=position)
    np.minimum.at(first, number, np.arange(n, dtype=position))
    is_first = np.zeros(n + 1, dtype=bool)
    is_first[first] = True  # numbers no key makes point at the extra flag
    starts = np.flatnonzero(is_first[:n])  # the first line of each key, in line order
    code_of = np.empty(size, dtype=np.int64)  # read only where some key's number is
    code_of[number[starts]] = np.arange(len(starts))
    return code_of[number], raw[starts]


def _byte_extremes(lanes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each of the 8 byte columns of ``lanes`` (n × 8 uint8)."""
    n = len(lanes)
    whole = n - n % 512
    low, high = np.full(8, 255, dtype=np.uint8), np.zeros(8, dtype=np.uint8)
    if whole:
        # rows of 4 096 bytes: the reduction runs along long rows, not 8 bytes at a time
        rows = lanes[:whole].reshape(-1, 4096)
        low = np.minimum(low, rows.min(axis=0).reshape(512, 8).min(axis=0))
        high = np.maximum(high, rows.max(axis=0).reshape(512, 8).max(axis=0))
    if whole < n:
        low = np.minimum(low, lanes[whole:].min(axis=0))
        high = np.maximum(high, lanes[whole:].max(axis=0))
    return low, high


def _numbers(raw: np.ndarray, low_byte: np.ndarray, lead: int, rest: int, lead_base: int, radix: int) -> np.ndarray:
    """The number of each key (see dense_codes): byte ``lead`` in base ``lead_base``, the ``rest``
    bytes after it in base ``radix``, each byte less its column's smallest value."""
    n = len(raw)
    keys = raw.view(np.uint64)
    least = np.frombuffer(low_byte.tobytes(), dtype=np.uint64)[0]
    out = np.empty(n, dtype=np.uint64)
    first_char = np.empty(min(n, DENSE_BLOCK), dtype=np.uint64)
    spare = np.empty(min(n, DENSE_BLOCK), dtype=np.uint64)
    shift = 8 * (lead + 1)
    for start in range(0, n, DENSE_BLOCK):
        number = out[start:start + DENSE_BLOCK]
        head, tmp = first_char[:len(number)], spare[:len(number)]
        np.subtract(keys[start:start + DENSE_BLOCK], least, out=number)  # no byte below its column's least
        np.right_shift(number, 8 * lead, out=head)
        head &= 0xFF
        number >>= shift
        # the ``rest`` bytes, each below radix, folded in pairs (SWAR): 8 → 16 → 32 → 64-bit lanes
        for level, (width, mask) in enumerate(((8, 0x00FF00FF00FF00FF), (16, 0x0000FFFF0000FFFF),
                                               (32, 0xFFFFFFFF))):
            if rest <= 1 << level:
                break
            np.bitwise_and(number, mask, out=tmp)
            number >>= width
            number &= mask
            number *= radix ** (1 << level)
            number += tmp
        number *= lead_base
        number += head
    return out.view(np.int64)


def texts_of_ints(distinct: np.ndarray, values: pd.Series) -> pd.Index:
    """The keys of :func:`fixed_width_ints` integers ``distinct``, as text of the dtype of ``values``
    (the keys those integers came from).

    The integers give their bytes back (the multiplier is undone by its inverse modulo
    2⁶⁴): no need to find the first line of each code and gather its text (7 M distinct
    keys of 20 M lines: 24 ms against 504 ms).
    """
    arrow = values.array._pa_array
    width = len(arrow[0].as_py().encode("utf-8"))
    n = len(distinct)
    text = np.ascontiguousarray((distinct * _UNSPREAD).view(np.uint8).reshape(n, 8)[:, :width])
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64 if pa.types.is_large_string(arrow.type) else np.int32)
    keys = pa.Array.from_buffers(arrow.type, n, [None, pa.py_buffer(offsets), pa.py_buffer(text)])
    return pd.Index(pd.array(pa.chunked_array([keys]), dtype=values.dtype))


def first_of_each_code(codes: np.ndarray) -> np.ndarray:
    """Positions of the first line of each code (codes numbered 0, 1, 2… as they first appear; -1 skipped)."""
    # a code's first line is where the running maximum of the codes goes up
    running = np.maximum.accumulate(codes)
    new = np.empty(len(codes), dtype=bool)
    if len(codes):
        new[0] = codes[0] >= 0
        np.greater(running[1:], running[:-1], out=new[1:])
    return np.flatnonzero(new)


def factorize_ints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of int64 values: codes in order of first appearance, and the distinct values.

    pandas sizes the table for as many distinct values as there are values: for
    a million keys that is a table several times larger than the CPU caches, and
    numbering takes about twice as long as with a table that starts at half the
    size and grows if it must (measured with 50 000 to 900 000 distinct values).
    """
    return pd.factorize(values, size_hint=max(len(values) // 2, 1024))


def number_keys(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`factorize_ints` of the integers of client keys (of their bytes or their hashes):
    from :data:`ARROW_FROM` values on, Arrow's ``dictionary_encode`` numbers them alike (same
    codes, same order), faster once the table no longer fits the caches."""
    if len(values) >= ARROW_FROM:
        encoded = pc.dictionary_encode(pa.array(values, type=pa.int64()))
        return encoded.indices.to_numpy().astype(np.int64), encoded.dictionary.to_numpy()
    return factorize_ints(values)


# Arrow's hash table keeps a value, its hash and its code side by side, pandas' in separate
# arrays: past the caches Arrow takes half the time, below them pandas is faster. Keys of
# benchmarks/bench_core.py (0,35 distinct per line), CPU time, medians of 7 interleaved
# rounds, pandas against Arrow: 1 M values 27 / 47 ms, 3 M 148 / 211 ms, 5 M 403 / 313 ms,
# 10 M 1 272 / 655 ms, 20 M 2 583 / 1 549 ms. At 5 M the whole segment() gained nothing
# (bench_core-style rounds: the memory Arrow's allocator gives back costs system time in the
# next steps; its system pool instead makes the numbering itself slower: 512 against 474 ms),
# hence 8 M. Not for the hashes of invoice numbers (orders.py: 6,5 M values, 5,3 M distinct at
# 20 M lines, 0,80 s by pandas, 0,88 s by Arrow).
ARROW_FROM = 8_000_000


def _hash_worthy(values: pd.Series) -> bool:
    # below this size pd.factorize is fast enough and the polars round trip is not worth it
    return len(values) >= 50_000 and hasattr(values.array, "_pa_array")


def missing_mask(values: pd.Series) -> np.ndarray | None:
    """Mask of the missing values, or None when there is none (Arrow knows without looking)."""
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is not None and arrow.null_count == 0:
        return None
    missing = values.isna().to_numpy()
    return missing if missing.any() else None
