"""From documents (invoices and credit notes) to the invoice lines of an export: several lines
per invoice, numbers per type and year, client codes in order of creation."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .purchases import DAYS_HISTORY


class Documents(NamedTuple):
    """Every document: its client, days before the reference date, cents, type (1: credit note)."""

    owner: np.ndarray
    days_ago: np.ndarray
    cents: np.ndarray
    kind: np.ndarray
    owner_last: np.ndarray  # days ago of each client's last invoice up to the reference date


def documents(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], credit: tuple[np.ndarray, np.ndarray, np.ndarray],
              parent_ago: np.ndarray, n_owners: int) -> Documents:
    """Invoices (``parts``: owner, days ago, cents of each group) then credit notes (``credit``); a credit
    note is never later than its client's last invoice (up to the reference date)."""
    owner = np.concatenate([p[0] for p in parts] + [credit[0]])
    days_ago = np.concatenate([p[1] for p in parts] + [credit[1]])
    cents = np.concatenate([p[2] for p in parts] + [credit[2]])
    n_invoices = sum(len(p[0]) for p in parts)
    kind = np.concatenate([np.zeros(n_invoices, dtype=np.int8), np.ones(credit[0].size, dtype=np.int8)])
    past_invoice = (kind == 0) & (days_ago >= 0)
    owner_last = np.full(n_owners, np.iinfo(np.int64).max)
    np.minimum.at(owner_last, owner[past_invoice], days_ago[past_invoice])
    clamp = (kind == 1) & (parent_ago >= 0)
    days_ago[clamp] = np.minimum(parent_ago[clamp], np.maximum(days_ago[clamp], owner_last[owner[clamp]]))
    return Documents(owner, days_ago, cents, kind, owner_last)


def split_lines(rng: np.random.Generator, docs: Documents) -> tuple[np.ndarray, np.ndarray]:
    """(document of each line, cents of each line): ~10 % of invoices on 2–4 lines summing to the invoice."""
    n_docs = docs.owner.size
    multi = (docs.kind == 0) & (rng.random(n_docs) < 0.10)
    lines_per_doc = np.where(multi, 2 + rng.binomial(2, 0.35, n_docs), 1)
    line_doc = np.repeat(np.arange(n_docs), lines_per_doc)
    weight = rng.uniform(0.2, 1.0, line_doc.size)
    first_line = np.cumsum(lines_per_doc) - lines_per_doc
    weight_sum = np.add.reduceat(weight, first_line)
    line_cents = np.floor(docs.cents[line_doc] * weight / weight_sum[line_doc]).astype(np.int64)
    last_line = np.cumsum(lines_per_doc) - 1
    line_cents[last_line] += docs.cents - np.add.reduceat(line_cents, first_line)
    return line_doc, line_cents


def document_numbers(docs: Documents, doc_date: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sequence within its type and year, number ``FA-AAAA-NNNNNN`` / ``AV-…``) of each document, in date order."""
    n_docs = docs.owner.size
    doc_year = doc_date.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((np.arange(n_docs), doc_date, doc_year, docs.kind))
    group = docs.kind[order].astype(np.int64) * 10_000 + doc_year[order]
    first_of_group = np.r_[True, group[1:] != group[:-1]]
    seq = np.arange(n_docs) - np.maximum.accumulate(np.where(first_of_group, np.arange(n_docs), 0)) + 1
    doc_seq = np.empty(n_docs, dtype=np.int64)
    doc_seq[order] = seq
    numbers = np.array([f"{'AV' if t else 'FA'}-{y}-{s:06d}"
                        for t, y, s in zip(docs.kind.tolist(), doc_year.tolist(), doc_seq.tolist())], dtype=object)
    return doc_seq, numbers


def client_codes(rng: np.random.Generator, docs: Documents, n_owners: int) -> np.ndarray:
    """``C00001``… in order of creation (first purchase), as billing software assigns them."""
    invoiced = (docs.kind == 0) & (docs.days_ago >= 0)
    creation = np.full(n_owners, np.iinfo(np.int64).min)
    np.maximum.at(creation, docs.owner[invoiced], docs.days_ago[invoiced])
    no_doc = creation == np.iinfo(np.int64).min
    creation[no_doc] = rng.integers(0, DAYS_HISTORY, int(no_doc.sum()))
    code_order = np.lexsort((np.arange(n_owners), -creation))
    width = max(5, len(str(n_owners)))
    codes = np.empty(n_owners, dtype=object)
    codes[code_order] = [f"C{j:0{width}d}" for j in range(1, n_owners + 1)]
    return codes


def invoice_frame(docs: Documents, doc_date: np.ndarray, doc_seq: np.ndarray, numbers: np.ndarray,
                  line_doc: np.ndarray, line_cents: np.ndarray, codes: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    """The invoice lines by date, then number (AV before FA, as a text sort would put them)."""
    line_sort = np.lexsort((np.arange(line_doc.size), doc_seq[line_doc], 1 - docs.kind[line_doc], doc_date[line_doc]))
    sorted_doc = line_doc[line_sort]
    return pd.DataFrame({
        "Code client": pd.array(codes[docs.owner[sorted_doc]], dtype="str"),
        "Client": pd.array(names[docs.owner[sorted_doc]], dtype="str"),
        "Date": doc_date[sorted_doc].astype("datetime64[ns]"),
        "N° facture": pd.array(numbers[sorted_doc], dtype="str"),
        "Type": pd.array(np.where(docs.kind[sorted_doc] == 1, "Avoir", "Facture").astype(object), dtype="str"),
        "Montant HT": line_cents[line_sort] / 100,
        "Montant TTC": np.round(line_cents[line_sort] * 1.2) / 100,
    })
