"""A large, typed, fully vectorised invoice-line frame for the benchmarks (1 M lines in 1–2 seconds).

Benchmark-only, so kept out of the wheel; the scripts of this folder import it as
``from invoice_lines import generate_invoice_lines`` (their folder is on ``sys.path``).
Same arguments → identical frames.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmenter_pme.demo.purchases import DAYS_HISTORY as _DAYS_HISTORY

__all__ = ["generate_invoice_lines"]

def _fixed_width_strings(prefix: str, years: np.ndarray | None, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix + [year + '-'] + zero-padded number`` for whole arrays, without a Python loop."""
    n = numbers.size
    parts = [np.frombuffer(prefix.encode(), dtype=np.uint8)[None, :].repeat(n, axis=0)]
    if years is not None:
        y = years.astype(np.int64)
        parts.append(np.stack([(y // 10 ** p) % 10 + 48 for p in (3, 2, 1, 0)], axis=1).astype(np.uint8))
        parts.append(np.full((n, 1), ord("-"), dtype=np.uint8))
    x = numbers.astype(np.int64)
    parts.append(np.stack([(x // 10 ** p) % 10 + 48 for p in range(width - 1, -1, -1)], axis=1).astype(np.uint8))
    mat = np.ascontiguousarray(np.concatenate(parts, axis=1))
    return mat.view(f"S{mat.shape[1]}").ravel().astype(f"U{mat.shape[1]}")


def generate_invoice_lines(
    n_lines: int = 1_000_000,
    n_clients: int = 350_000,
    *,
    seed: int = 7,
    reference_date: dt.date = dt.date(2025, 12, 31),
) -> pd.DataFrame:
    """A large typed invoice-line frame for benchmarks, fully vectorised.

    Columns: ``Code client`` (``C0000123``, str), ``Date`` (datetime64[ns]),
    ``N° facture`` (``FA-2025-0000123``, credit notes ``AV-…``, str), ``Type``
    (``Facture`` / ``Avoir``, str), ``Montant HT`` (float64, credit notes negative).
    Exactly *n_lines* rows, sorted by date. Lines per client are heavy-tailed
    (Pareto); every client has at least one line when ``n_lines >= n_clients``.
    ~3 % of lines are credit notes, ~10 % of invoices span several lines (same
    number and date), ~0.5 % of lines fall after *reference_date*, the rest within
    four years before it.
    """
    rng = np.random.default_rng(seed)
    ref_day = np.datetime64(pd.Timestamp(reference_date).date(), "D")
    n_lines, n_clients = int(n_lines), int(n_clients)
    if n_lines < 0 or n_clients < 1:
        raise ValueError("n_lines doit être >= 0 et n_clients >= 1")

    weight = rng.pareto(1.1, n_clients) + 1.0
    base = 1 if n_lines >= n_clients else 0
    extra = rng.multinomial(n_lines - base * n_clients, weight / weight.sum())
    per_client = extra + base
    client = np.repeat(np.arange(n_clients), per_client)

    last_ago = np.minimum(rng.exponential(220, n_clients), _DAYS_HISTORY)
    span = rng.uniform(0, 1, n_clients) * (_DAYS_HISTORY - last_ago)
    ago = np.floor(last_ago[client] + rng.random(n_lines) * span[client]).astype(np.int64)
    future = rng.random(n_lines) < 0.005
    ago[future] = -rng.integers(1, 45, int(future.sum()))

    is_avoir = rng.random(n_lines) < 0.03
    # lines of one client in date order; a line continues the previous invoice of its client
    order = np.lexsort((-ago, client))
    client, ago, is_avoir = client[order], ago[order], is_avoir[order]
    same_client = np.r_[False, client[1:] == client[:-1]]
    prev_invoice = np.r_[False, ~is_avoir[:-1]]
    cont = same_client & prev_invoice & ~is_avoir & (rng.random(n_lines) < 0.1)
    doc = np.cumsum(~cont) - 1
    head = np.flatnonzero(~cont)
    ago = ago[head][doc]
    dates = ref_day - ago.astype("timedelta64[D]")

    n_docs = head.size
    doc_av = is_avoir[head]
    doc_date = dates[head]
    doc_year = doc_date.astype("datetime64[Y]").astype(np.int64) + 1970
    d_order = np.lexsort((np.arange(n_docs), doc_date, doc_year, doc_av))
    grp = doc_av[d_order].astype(np.int64) * 10_000 + doc_year[d_order]
    first_of_grp = np.r_[True, grp[1:] != grp[:-1]] if n_docs else np.zeros(0, bool)
    idx = np.arange(n_docs)
    seq = idx - np.maximum.accumulate(np.where(first_of_grp, idx, 0)) + 1
    doc_seq = np.empty(n_docs, dtype=np.int64)
    doc_seq[d_order] = seq
    numbers = np.empty(n_docs, dtype="U15")
    numbers[~doc_av] = _fixed_width_strings("FA-", doc_year[~doc_av], doc_seq[~doc_av], 7)
    numbers[doc_av] = _fixed_width_strings("AV-", doc_year[doc_av], doc_seq[doc_av], 7)

    scale = rng.lognormal(5.5, 1.0, n_clients)
    amount = np.round(scale[client] * rng.lognormal(0, 0.6, n_lines), 2)
    amount = np.maximum(amount, 0.01)
    amount[is_avoir] = -np.maximum(np.round(amount[is_avoir] * rng.uniform(0.05, 1.0, int(is_avoir.sum())), 2), 0.01)

    codes = _fixed_width_strings("C", None, np.arange(1, n_clients + 1), 7)
    final = np.lexsort((np.arange(n_lines), doc, dates))
    return pd.DataFrame({
        "Code client": pd.array(codes[client[final]], dtype="str"),
        "Date": dates[final].astype("datetime64[ns]"),
        "N° facture": pd.array(numbers[doc[final]], dtype="str"),
        "Type": pd.array(np.where(is_avoir[final], "Avoir", "Facture"), dtype="str"),
        "Montant HT": amount[final].astype(np.float64),
    })
