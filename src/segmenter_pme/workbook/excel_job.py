"""The Excel job of a run: read the workbook, segment, write our columns and sheets into it, save."""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import WorkbookError
from ..fr import fr_int
from ..layout import history_run
from . import book_tables, fidelity, files, loading, passthrough, reader, run_steps, saving, streamed_clients, writer
from .created_clients import (client_names, clients_table, create_clients_sheet, created_clients_audit,
                              created_clients_data, free_title, too_many_clients, with_client_names)
from .run_steps import (RunReport, add_mode_emploi, date_advice, quality_audit, settings_with_date, watch_rows,
                        write_history_sheets)


def run_excel(path, target, kind, analysis_date, sheet, progress, backup, columns=None) -> RunReport:
    from .. import layout

    t0 = time.perf_counter()
    timings = {}
    progress("Lecture des valeurs")
    values = loading.read_values(path)
    timings["lecture_valeurs"] = time.perf_counter() - t0
    book_tables.check_sheets(values)
    found = book_tables.find_tables(values, path.name, sheet=sheet, overrides=columns or None)
    client_sheet = found["clients"][0] if "clients" in found else None
    # every sheet we do not write into goes through untouched (and fast: openpyxl never loads its cells)
    untouched = [n for n in values if n != client_sheet and n not in layout.REPORT_SHEETS
                 and n not in history_run.HISTORY_SHEETS]
    # « Historique » (a row per client and run) is rebuilt from the values when there are no invoice
    # lines, else kept as it is: either way openpyxl need not load its cells (millions at 1 M clients)
    if history_run.HISTORIQUE in values and history_run.HISTORIQUE != client_sheet:
        untouched.append(history_run.HISTORIQUE)

    progress("Ouverture du classeur")
    keep_vba = kind == "xlsm" and target.suffix.lower() == ".xlsm"
    # a big client sheet is streamed (streamed_clients): openpyxl then loads it down to its header only
    stream = None
    if client_sheet is not None and streamed_clients.streamable(
            path, client_sheet, len(values[client_sheet]) - found["clients"][1].row - 1):
        stream = streamed_clients.ClientStream(path, client_sheet, cut=found["clients"][1].row + 1)

    def open_workbook(streamed):
        try:
            reduced, cut = passthrough.reduced_copy(
                path, untouched + ([client_sheet] if streamed else []), target.parent,
                share=(client_sheet,) if client_sheet and not streamed else (), prefix=files.reduced_prefix(target),
                keep={client_sheet: stream.cut} if streamed else None)
        except OSError as err:
            raise WorkbookError(
                f"Impossible d'écrire dans le dossier « {target.parent} » ({files.os_reason(err)}) : choisissez un "
                "dossier où vous avez le droit d'écrire (option -o)."
            ) from None
        try:
            return loading.load_openpyxl(reduced, kind, keep_vba=keep_vba, name=path.name), cut
        finally:
            reduced.unlink()

    wb, emptied = open_workbook(stream is not None)
    if stream is not None:
        if client_sheet in emptied:
            emptied.remove(client_sheet)
        else:  # the copy kept the sheet whole (rows not numbered at the top): openpyxl has every cell
            stream = None
    timings["ouverture_openpyxl"] = time.perf_counter() - t0
    settings = settings_with_date(layout.read_settings(wb), analysis_date).with_columns(columns)
    # where a column can be named: a workbook that already has « Paramètres », or only the command line
    advice = "both" if layout.PARAMETRES in values else "cli"
    if settings.column_overrides:
        found = book_tables.locate_tables(values, sheet, settings.column_overrides)
        new_client = found["clients"][0] if "clients" in found else None
        if new_client in emptied or (stream is not None and new_client != client_sheet):
            # the user's column mapping points to another sheet: load it fully
            wb = loading.load_openpyxl(path, kind, keep_vba=keep_vba)
            emptied, stream = [], None
    datas = book_tables.read_tables(values, found, tables_of=lambda name: reader.find_tables(wb[name]),
                                    output_cells_of=lambda name, row: reader.output_header_cells(wb, name, row),
                                    date1904=loading.date1904(path))
    if stream is not None and "clients" in datas:
        data = datas["clients"]
        stream.note_taken(values[data.sheet], writer.new_output_columns(data), data.header_row, data.last_data_row)
    titles = book_tables.title_rows(values, datas)
    kept = history_run.read_inputs(values)
    del values
    clients, invoices = datas.get("clients"), datas.get("factures")

    progress("Segmentation")
    result, notes = book_tables.segment_read(datas, settings, titles, advice=advice,
                                             how=date_advice(path, target, sheet, csv=False))
    timings["segmentation"] = time.perf_counter() - t0
    progress("Historique et campagnes")
    hist, result = _history(result, kept, clients, invoices)
    timings["historique"] = time.perf_counter() - t0

    progress("Écriture des colonnes et des feuilles")
    created = False
    appended = 0
    if clients is not None:
        appended_labels = [lb for lb in result.output.index if lb not in clients.frame.index]
        row_map = append_rows(clients, appended_labels)
        appended = len(appended_labels)
        names = client_names(result, invoices.frame if invoices is not None else None) if appended else None
        if appended and stream is not None:
            # clients appended under the table take the openpyxl path (each formatted like the row above)
            wb, emptied = open_workbook(False)
            stream = None
        writer.write_outputs(wb, clients, result, row_map=row_map, names=names, stream=stream)
        clients_sheet = clients.sheet
        hist = watch_rows(hist, row_map)
    elif len(result.output) + 1 > run_steps.EXCEL_MAX_ROWS:
        names = client_names(result, invoices.frame)
        csv_path, note = too_many_clients(clients_table(result, names), target)
        notes.append(note)
        clients_sheet = csv_path.name
    else:
        names = client_names(result, invoices.frame)
        clients_sheet, inject_clients = create_clients_sheet(wb, result, title=free_title(wb.sheetnames),
                                                             names=names)
        created = True
        appended = len(result.output)
        hist = watch_rows(hist, {label: 2 + i for i, label in enumerate(result.clients.index)})
    result = with_client_names(result, names)
    if created:
        audit = created_clients_audit(result, created_clients_data(result, clients_sheet, names), invoices, settings,
                                      progress)
    else:
        audit = quality_audit(clients, invoices, settings, progress)
    layout.write_report_sheets(wb, result, audit=audit, history=hist,
                               clients_sheet=clients_sheet, key_col=_key_col(clients))
    # a rebuilt « Historique » gets its rows from write_history_sheets, not from the original
    inject = passthrough.injectors(path, [n for n in emptied if n != history_run.HISTORIQUE or invoices is not None])
    write_history_sheets(wb, hist, kept, result.analysis_date, inject, invoices is None)
    add_mode_emploi(wb)  # after the history sheets: the manual stays the last tab
    timings["ecriture"] = time.perf_counter() - t0

    progress("Enregistrement")

    if created:
        inject[clients_sheet] = inject_clients
    if stream is not None:
        inject[clients_sheet] = stream.injector()

    def write(tmp: Path) -> None:
        saving.save_workbook(wb, tmp, inject)

    lost = fidelity.unsupported_content(path)
    saved = files.atomic_write(target, write, backup=backup, verify=files.verify_xlsx)
    timings["enregistrement"] = time.perf_counter() - t0
    if lost:
        notes.append(fidelity.warning_text(lost, saved if target == path else None))
    return RunReport(path, target, saved, result, clients_sheet, invoices.sheet if invoices else None,
                     created, appended, timings, notes, hist)


def append_rows(data: reader.SheetData, labels: list) -> dict:
    """Excel rows for the clients found only in the invoices.

    Right under the data when nothing is below it; below a Total row (or
    anything else under the table) otherwise, after one blank row.
    """
    if not labels:
        return {}
    below = data.total_row is not None or data.last_used_row > data.last_data_row or (
        data.table is not None and data.table.totals_rows)
    start = data.last_used_row + 2 if below else data.last_data_row + 1
    if start + len(labels) - 1 > run_steps.EXCEL_MAX_ROWS:
        raise WorkbookError(
            f"{fr_int(len(labels))} clients trouvés seulement dans les factures devraient être ajoutés sous le "
            f"tableau de « {data.sheet} » (à partir de la ligne {fr_int(start)}), mais une feuille Excel s'arrête à la "
            f"ligne {fr_int(run_steps.EXCEL_MAX_ROWS)}. Rien n'a été écrit. Ajoutez ces clients à un tableau plus "
            "court, ou lancez segmenter sur les factures seules (un export .csv) : la liste complète des clients est "
            "alors écrite dans un CSV à côté du classeur."
        )
    return {label: start + i for i, label in enumerate(labels)}


def _history(result, kept, clients, invoices):
    """``history()`` over the same inputs (SPEC §8), and ``result`` with « Segment RFM précédent »."""
    return history_run.run_history(
        result, kept, clients=clients.frame if clients is not None else None,
        invoices=invoices.frame if invoices is not None else None,
        clients_sheet=clients.sheet if clients is not None else "Clients",
        invoices_sheet=invoices.sheet if invoices is not None else "Factures",
    )


def _key_col(clients) -> str:
    """Column a link to a client's row points at: the first column of the user's table."""
    from ..layout.render_plan import col_letter

    return col_letter(min(clients.columns.values())) if clients is not None and clients.columns else "A"
