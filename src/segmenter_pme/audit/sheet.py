"""The audit of a client table already read (the workbook engine's ``SheetData``): « Qualité » of a run.

Pure like the rest of the audit — frames in, :class:`~.report.AuditReport` out —
so the workbook engine, which fills « Qualité » during ``segmenter segmente``, may
import it (the audit sits below the workbook layer, docs/architecture.md).
"""

from __future__ import annotations

from ..settings import Settings
from .prepare import PreparedClients, attach_invoices, prepare_clients
from .report import AuditReport, audit


def audit_sheet(clients, invoices=None, *,
                settings: Settings | None = None, csv: bool = False, advice: str | None = None) -> AuditReport:
    """The audit of a client table the workbook engine has already read — for ``segmente`` to fill « Qualité ».

    ``clients`` / ``invoices``: tables as ``workbook.reader.SheetData`` holds them (``frame``, ``sheet``,
    ``mapping``). ``csv``: the table came from a CSV (its dates are text by nature), as ``segmenter audite`` reads it.
    Usage: ``layout.write_report_sheets(wb, result, audit=audit_sheet(clients, invoices, settings=settings))``.
    """
    settings = settings or Settings()
    prepared = prepare_sheet(clients, invoices, settings=settings, csv=csv)
    return audit_prepared(prepared, settings, derived_from=invoices.sheet if invoices is not None else None,
                          advice=advice or ("cli" if csv else "both"))


def prepare_sheet(clients, invoices=None, *, settings: Settings, csv: bool = False) -> PreparedClients:
    """The client table (and the invoice lines, if any) prepared for the audit, as every front end prepares it."""
    prepared = prepare_clients(clients.frame, sheet=clients.sheet, mapping=clients.mapping)
    if csv:
        _text_dates_are_normal(prepared)
    if invoices is not None and not invoices.frame.empty:
        attach_invoices(prepared, invoices.frame, sheet=invoices.sheet, mapping=invoices.mapping,
                        analysis_date=settings.date_analyse)
    return prepared


def audit_prepared(prepared: PreparedClients, settings: Settings, *, derived_from: str | None,
                   advice: str) -> AuditReport:
    """:func:`~.report.audit` of a prepared table; ``derived_from``: the sheet of the invoice lines behind it."""
    return audit(prepared.clients, raw=prepared.raw, invoice_orders=prepared.invoice_orders, settings=settings,
                 sheet=prepared.sheet, columns=prepared.columns, unreadable=prepared.issues,
                 derived=prepared.derived, derived_from=derived_from, advice=advice,
                 read=prepared.read if prepared.read is not None else prepared.raw)


def _text_dates_are_normal(prepared) -> None:
    # a CSV has no cell types: a date in it is text by nature, not Excel damage
    prepared.read = prepared.raw
    prepared.raw = prepared.raw.drop(columns=["date_premier_achat", "date_dernier_achat"], errors="ignore")
