"""The « Clients » sheet made from invoice lines (or its CSV when a sheet cannot hold them), their names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import headers as hdr
from ..canonical import code_keys
from ..fr import fr_int
from ..layout.cells import set_value
from . import csvio, fastsheet, files, reader, run_steps, writer


def free_title(taken, title: str = "Clients") -> str:
    """``title`` unless a sheet of the user already has that name (``taken``: the sheet names), else
    « Clients (calculés) », « Clients (calculés 2) »… — Excel's sheet names ignore case: « CLIENTS »
    takes « Clients »."""
    taken = {str(name).casefold() for name in taken}
    candidate, i = title, 1
    while candidate.casefold() in taken:
        candidate = f"{title} (calculés)" if i == 1 else f"{title} (calculés {i})"
        i += 1
    return candidate


def _created_clients_frame(result, names: pd.Series | None) -> pd.DataFrame:
    """The rows of the « Clients » sheet made from the invoice lines, in sheet order (row 2 first)."""
    frame = result.clients
    if names is not None and "Entreprise" not in frame.columns and names.notna().any():
        # invoice lines name the client: a client list without names would be of little use
        frame = frame.copy()
        frame.insert(1, "Entreprise", names.reindex(frame.index))
    return frame


def created_clients_data(result, title: str, names: pd.Series | None) -> reader.SheetData:
    """The client table of the sheet :func:`create_clients_sheet` makes, as the next run will read it.

    « Qualité » audits it on the run that creates it, so the second run (which
    reads that sheet as the client table) says what the first said.
    """
    from ..fields import OUTPUT_COLUMNS

    frame = _created_clients_frame(result, names)
    user = [str(c) for c in frame.columns if c not in OUTPUT_COLUMNS]
    # typed columns, not the objects a reading gives: the audit's parsers read both alike (same « Qualité »);
    # dates as the datetime cells a reading gives, boxed by numpy (pandas' Timestamps cost ten times more)
    body = frame[user].copy(deep=False)
    for col in user:
        if pd.api.types.is_datetime64_any_dtype(body[col].dtype):
            body[col] = pd.Series(body[col].to_numpy("datetime64[us]").astype(object), index=body.index,
                                  dtype=object)
    body.index = pd.RangeIndex(2, 2 + len(body))
    return reader.SheetData(sheet=title, shape="clients", header_row=1, frame=body,
                            columns={h: j for j, h in enumerate(user, start=1)},
                            mapping=hdr.map_columns(user, "clients"), last_data_row=1 + len(body),
                            last_used_row=1 + len(body))


def created_clients_audit(result, data: reader.SheetData, invoices: reader.SheetData, settings, progress,
                          advice: str | None = None):
    """« Qualité »'s audit of the sheet :func:`created_clients_data` describes, made from ``invoices``.

    The audit compares a client sheet with the figures of the invoice lines
    (:func:`segmenter_pme.audit.prepare.invoice_figures`); this sheet's figures
    are those figures, so, when the audit would key the lines as the analysis
    did (client codes needing no trimming nor case change), they are taken from
    the sheet rather than aggregated again from every line — the same report
    (``tests/test_created_clients_audit.py``). With the typed columns of
    :func:`created_clients_data`, the audit of a 1 M-line CSV's 350 000 clients
    took 1,75 s of CPU instead of 3,63 s (medians of 3 alternated processes on
    a loaded 2-core machine) — 14 % of that run's 13,4 s of CPU. ``advice``: as :func:`~segmenter_pme.audit.report.audit`'s.
    """
    from ..audit.prepare import PURCHASE_FIELDS
    from ..audit.sheet import audit_prepared, prepare_sheet
    from ..canonical import needs_strip

    key = (getattr(result, "invoice_columns", None) or {}).get("client_id")
    if key is None or key not in invoices.frame.columns or not set(PURCHASE_FIELDS) <= set(data.mapping) \
            or needs_strip(invoices.frame[key], upper=True):
        return run_steps.quality_audit(data, invoices, settings, progress, advice=advice)
    progress("Audit de la qualité des données")
    # as a CSV's, these dates cannot be Excel's damage of a date typed as text: the analysis wrote them
    prepared = prepare_sheet(data, None, settings=settings, csv=True)
    prepared.derived = prepared.clients[list(PURCHASE_FIELDS)].astype(
        {f: "datetime64[ns]" if f.startswith("date_") else "float64" for f in PURCHASE_FIELDS})
    prepared.invoice_orders = prepared.derived["nb_commandes"]
    return audit_prepared(prepared, settings, derived_from=invoices.sheet, advice=advice or "both")


def clients_table(result, names: pd.Series | None = None) -> pd.DataFrame:
    """The clients made from invoice lines, as the « Clients » sheet (or its CSV) shows them."""
    frame = _created_clients_frame(result, names)
    # Code RFM is text (545, not a number), as in the user's sheet
    if "Code RFM" in frame.columns:
        frame = frame.assign(**{"Code RFM": frame["Code RFM"].astype(object).map(
            lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))})
    return frame


def with_client_names(result, names: pd.Series | None):
    """``result`` whose clients without a company name take the one their invoice lines give (``names``:
    :func:`client_names`): the call lists of « Priorités de la semaine » and the cards of « Fiches segments »
    then name the clients made from invoice lines as their « Clients » sheet does."""
    if names is None or not names.notna().any():
        return result
    import dataclasses

    return dataclasses.replace(result, features=result.features.assign(raison_sociale=names))


def clients_csv_path(target: Path) -> Path:
    """``ventes.xlsx`` → ``ventes clients.csv``: where the clients go when a sheet cannot hold them."""
    return Path(target).with_name(f"{Path(target).stem} clients.csv")


def too_many_clients(frame: pd.DataFrame, target: Path) -> tuple[Path, str]:
    """Every client in a French CSV beside the workbook (a sheet would pass Excel's row limit), and the note."""
    csv_path = clients_csv_path(target)
    files.atomic_write(csv_path, lambda tmp: csvio.write_french_csv(frame, tmp), backup=False)
    note = (f"Les {fr_int(len(frame))} clients dépassent la limite d'une feuille Excel "
            f"({fr_int(run_steps.EXCEL_MAX_ROWS)} lignes, en-tête compris) : la feuille « Clients » n'est pas créée ; "
            f"la liste complète, avec leurs segments, est dans « {csv_path.name} » à côté du classeur. Synthèse, "
            "Qualité et Plan d'actions portent sur tous les clients.")
    return csv_path, note


def column_width(header: str, values: pd.Series) -> float:
    """Width of a column of the « Clients » sheet made from invoice lines: ours as in a user's sheet,
    the others from their header and their longest text (the company names), at most 40."""
    if header in writer.WIDTHS:
        # the distinct values only, found on the typed column (350 000 clients: 0,42 s → 0,09 s of CPU)
        return writer.output_width(header, header, values.unique())
    longest = 0
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        longest = int(values.astype("string").str.len().max(skipna=True) or 0) if values.notna().any() else 0
    return float(max(12, min(max(len(header) + 3, longest + 2), 40)))


def create_clients_sheet(wb, result, title: str = "Clients", names: pd.Series | None = None):
    """A « Clients » sheet made from the invoice lines, as an Excel Table with our columns.

    openpyxl writes the header and one styled row; the rows are streamed at save
    time: returns the sheet title and the injector for :func:`saving.save_workbook`.
    """
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    ws = wb.create_sheet(title, 0)
    frame = clients_table(result, names)
    headers = [str(c) for c in frame.columns]
    for j, name in enumerate(headers, start=1):
        c = set_value(ws.cell(1, j), name)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="2F5597")
        c.alignment = Alignment(wrap_text=True, vertical="center")
        s = frame.iloc[:, j - 1]
        ws.column_dimensions[get_column_letter(j)].width = column_width(name, s)
        sample = ws.cell(2, j)
        if name in writer.FORMATS:
            sample.number_format = writer.FORMATS[name]
        elif pd.api.types.is_datetime64_any_dtype(s) or \
                s.iloc[:50].astype(object).map(lambda v: isinstance(v, (dt.date, dt.datetime))).any():
            sample.number_format = writer.FMT_DATE
        elif name.lower().startswith(("ca", "montant", "panier")) and pd.api.types.is_numeric_dtype(s):
            sample.number_format = writer.FMT_EUR
        elif pd.api.types.is_integer_dtype(s):
            sample.number_format = writer.FMT_INT
        if name in writer.WRAPPED:
            sample.alignment = Alignment(wrap_text=True, vertical="top")
        set_value(sample, writer.cell_value(s.iloc[0]) if len(s) else None)
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{max(2, len(frame) + 1)}"
    taken = {t for sheet in wb.worksheets for t in sheet.tables}
    name = "TableClients" if "TableClients" not in taken else "TableClientsCalcules"
    if name not in taken:
        ws.add_table(writer.make_table(name, f"A1:{last}", headers))
    first_out = next((j for j, h in enumerate(headers, start=1) if h in writer.WIDTHS), None)
    if first_out is not None:
        writer.record_output_name(wb, title, 1, first_out, len(headers))
    return title, fastsheet.injector(frame, first_row=2, ws=ws)


def client_names(result, invoices: pd.DataFrame | None) -> pd.Series | None:
    """Company name of each client (index of ``result.output``) as the invoice lines spell it.

    Invoice lines carry the client's name next to its code; the clients made
    from them (a created « Clients » sheet, clients appended to the user's
    table) get it, the first one met for each code.
    """
    features = getattr(result, "features", None)
    if features is None:
        return None
    known = None
    if "raison_sociale" in features.columns:
        known = features["raison_sociale"].astype(object).where(features["raison_sociale"].notna(), None)
    cols = getattr(result, "invoice_columns", None) or {}
    key, name = cols.get("client_id"), cols.get("raison_sociale")
    if invoices is None or not key or not name or "client_id" not in features.columns \
            or key not in invoices.columns or name not in invoices.columns:
        return known
    pairs = invoices[[key, name]].dropna()
    if pairs.empty:
        return known
    # codes matched as the analysis matches them: 411000.0 (a number cell) is « 411000 », « c01 » is « C01 »
    lookup = pairs.assign(_k=code_keys(pairs[key])).drop_duplicates("_k").set_index("_k")[name]
    from_invoices = code_keys(features["client_id"]).astype(object).map(lookup).astype(object)
    return from_invoices if known is None else known.where(known.notna(), from_invoices)
