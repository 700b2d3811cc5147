"""``history()``: the client base over time (SPEC §8, no I/O).

Being built (issue 9): this first version fixes the contract —
:class:`~segmenter_pme.history_result.HistoryResult` — so the sheets can be
written against it; the computation lands next.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .history_result import HistoryResult
from .result import SegmentationResult
from .settings import Settings


def history(
    clients: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    settings: Settings | None = None,
    snapshots: pd.DataFrame | None = None,
    campaigns: pd.DataFrame | None = None,
    *,
    clients_sheet: str = "Clients",
    invoices_sheet: str = "Factures",
    campaigns_sheet: str = "Campagnes",
    result: SegmentationResult | None = None,
    today: dt.date | None = None,
) -> HistoryResult:
    """The history of the base: snapshots, per-segment KPIs, migrations, campaigns (SPEC §8).

    Same inputs and conventions as :func:`segmenter_pme.segment` (the user's
    headers; index labels are the Excel rows used in messages), plus:

    - ``snapshots``: the stored snapshots (sheet « Historique »), columns
      :data:`~segmenter_pme.history_result.SNAPSHOT_COLUMNS`; used only when
      there are no invoice lines.
    - ``campaigns``: the user's « Campagnes » rows, columns
      :data:`~segmenter_pme.history_result.CAMPAIGN_INPUT_COLUMNS` (raw cell
      values; index = Excel rows). A bad row gets a remark, never an exception.
    - ``result``: ``segment()``'s result on these same inputs and settings, when
      the caller already has it (it is not computed twice).

    With invoice lines the past is replayed: the snapshot at t is ``segment()``
    with analysis date t on the lines dated ≤ t, so the last one (at D) equals
    ``segment()``'s output. Raises what ``segment()`` raises.

    Being built: raises NotImplementedError until the computation lands.
    """
    raise NotImplementedError("history() est en cours de construction (issue 9).")
