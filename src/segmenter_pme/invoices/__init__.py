"""Invoice lines → one row per client (SPEC §1).

Orders are distinct invoice numbers (else one line = one order); credit notes
(a document type saying avoir, or a negative amount) are not orders and are
netted from the CA; quotes, orders, delivery notes, drafts and cancelled
documents are not sales. Lines dated after the analysis date are ignored.

``documents`` tells the kinds of document apart, ``keys`` numbers the client
keys, ``lines`` reads the per-line facts, ``orders`` finds the lines that repeat
an invoice, ``aggregate`` sums them per client, ``quotes`` selects the open quotes (« devis en
cours ») among the lines.
"""

from __future__ import annotations

from .aggregate import InvoiceAggregate, aggregate_invoices
from .documents import document_kinds, quote_lines
from .keys import missing_mask

__all__ = ["InvoiceAggregate", "aggregate_invoices", "document_kinds", "missing_mask", "quote_lines"]
