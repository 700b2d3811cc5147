"""The history part of a run, shared by every front end (``segmenter segmente``, the ribbon).

:func:`read_inputs` takes what the user keeps in the workbook — the
« Campagnes » rows, the « Historique » snapshots — from the sheets' values;
:func:`run_history` calls :func:`segmenter_pme.history` and returns it with the
run's result completed: the column « Segment RFM précédent » and the bad
campaign rows as issues for « Qualité ». Each renderer then writes the sheets.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from ..fields import PREVIOUS_RFM
from .campagnes import SHEET as CAMPAGNES
from .campagnes import CampaignSheet, is_campaign_sheet, read_campaigns
from .evolution import SHEET as EVOLUTION
from .historique import SHEET as HISTORIQUE
from .historique import read_snapshots

HISTORY_SHEETS = (EVOLUTION, CAMPAGNES, HISTORIQUE)


@dataclass
class HistoryInputs:
    campaigns: CampaignSheet | None  # None: no « Campagnes » sheet yet (it is created)
    snapshots: pd.DataFrame | None  # the « Historique » rows, None without that sheet


def check_history_sheets(values: Mapping[str, Iterable[Sequence[Any]]]) -> None:
    """Refuse a user's own sheet named like ours (« Campagnes » without our headers, « Historique »…)."""
    from .ownership import foreign_sheet_error, is_our_sheet

    foreign = []
    folded = {str(n).casefold(): n for n in values}
    for name in HISTORY_SHEETS:
        actual = folded.get(name.casefold())
        if actual is None:
            continue
        rows = [list(r or ()) for r in values[actual]]
        ok = is_campaign_sheet(rows) if name == CAMPAGNES else is_our_sheet(name, rows)
        if actual != name or not ok:
            foreign.append(actual)
    if foreign:
        raise foreign_sheet_error(*foreign)


def read_inputs(values: Mapping[str, Iterable[Sequence[Any]]]) -> HistoryInputs:
    campaigns = read_campaigns(values[CAMPAGNES]) if CAMPAGNES in values else None
    snapshots = read_snapshots(values[HISTORIQUE]) if HISTORIQUE in values else None
    return HistoryInputs(campaigns, snapshots)


def run_history(result, inputs: HistoryInputs, *, clients: pd.DataFrame | None, invoices: pd.DataFrame | None,
                clients_sheet: str = "Clients", invoices_sheet: str = "Factures"):
    """``(history, result)``: the history, and ``result`` with « Segment RFM précédent » and the campaign issues."""
    from ..timeline import history

    hist = history(
        clients=clients, invoices=invoices, settings=result.settings,
        snapshots=inputs.snapshots if invoices is None else None,
        campaigns=inputs.campaigns.frame if inputs.campaigns is not None else None,
        clients_sheet=clients_sheet, invoices_sheet=invoices_sheet, campaigns_sheet=CAMPAGNES, result=result,
    )
    previous = hist.previous_segment.reindex(result.output.index)
    output = result.output.assign(**{PREVIOUS_RFM: previous.astype(object).where(previous.notna(), None)})
    full = result.clients.assign(**{PREVIOUS_RFM: output[PREVIOUS_RFM].reindex(result.clients.index)})
    result = dataclasses.replace(result, output=output, clients=full,
                                 issues=list(result.issues) + list(hist.issues))
    return hist, result


__all__ = ["CAMPAGNES", "HISTORIQUE", "HISTORY_SHEETS", "HistoryInputs", "check_history_sheets", "read_inputs", "run_history"]
