"""Deterministic synthetic French SME client base: clients, invoice lines, dirty values.

:func:`generate_demo`, pure pandas/numpy, no file I/O, no global random state: a
realistic client table plus the invoice lines it is made of, optionally damaged the
way Excel damages real files and polluted with labelled duplicates. Used by
``segmenter demo``, by the tests of the other modules and by the benchmarks (the
benchmarks' 1 M-line generator is ``benchmarks/invoice_lines.py``).

Same arguments → identical frames (``pd.testing.assert_frame_equal``).

One module per thing generated: ``places`` (communes, phones), ``company_names``
(company names, legal forms, accents), ``identities`` (a company's identity),
``purchases`` (profiles, invoices, credit notes), ``duplicate_rows``, ``export_lines``
(documents → invoice lines, numbers, client codes), ``damage`` (cells damaged as
Excel does), ``generate`` (all of it put together).
"""

from __future__ import annotations

from .duplicate_rows import DUPLICATE_TYPES
from .generate import CLIENT_COLUMNS, INVOICE_COLUMNS, DemoData, generate_demo
from .places import COMMUNES

__all__ = ["CLIENT_COLUMNS", "COMMUNES", "DUPLICATE_TYPES", "INVOICE_COLUMNS", "DemoData", "generate_demo"]
