"""The CSV job of a run: read a French CSV export, segment, write a new workbook beside it.

A CSV holds neither « Paramètres » nor « Plan d'actions »: a rerun reads them
back from the workbook the previous run made (:mod:`.previous`).
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from .. import headers as hdr
from ..analysis_date import add_stale_date_note, title_date
from ..fr import fr_int
from ..errors import WorkbookError
from ..layout import history_run
from ..layout.cells import set_value
from ..settings import Settings
from . import control_chars, csvio, fastsheet, files, long_cells, reader, run_steps, saving, writer
from .created_clients import (client_names, clients_table, create_clients_sheet, created_clients_audit,
                              created_clients_data, too_many_clients, with_client_names)
from .previous import lost_edits, previous_history_rows, previous_workbook
from .run_steps import (RunReport, add_mode_emploi, date_advice, quality_audit, segment_tables, settings_with_date,
                        watch_rows, with_issues, write_history_sheets)


def csv_error(err, name: str):
    """The core's error about a CSV, its location said as « fichier NOM.csv, ligne 9 »."""
    hdr.readvise(err, "cli")  # a CSV has no « Paramètres »: only the command names a column
    message = err.message.replace(f"feuille « {name} »", f"fichier {name}").replace(
        f"Feuille « {name} »", f"Fichier {name}")
    return type(err)(message, issues=err.issues)


def _cli_advice(result):
    """``result`` whose advice on settings is the one a CSV's user can follow (the command's options, the
    « Paramètres » of the workbook written, which the next run reads back): the core words it for both."""
    import dataclasses

    def readvised(issue):
        message = hdr.readvise_settings(issue.message, "cli")
        return issue if message == issue.message else dataclasses.replace(issue, message=message)

    return dataclasses.replace(result, warnings=[hdr.readvise_settings(w, "cli") for w in result.warnings],
                               issues=[readvised(i) for i in result.issues])


def _to_workbook_rows(result, lines: pd.Index, name: str, sheet: str, relabel_clients: bool):
    """``result`` of a CSV analysis (CSV line numbers, file name) placed in the workbook we write.

    ``lines`` are the CSV line numbers of the data, in order: the i-th is row
    ``2 + i`` of the workbook's sheet ``sheet``, so « Qualité » links to the
    cell where the value now is.
    """
    import dataclasses

    import numpy as np

    def row_of(v):
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            i = lines.get_indexer([v])[0]
            return int(2 + i) if i >= 0 else v
        return v

    def move(issue):
        if issue.sheet != name:
            return issue
        return dataclasses.replace(issue, sheet=sheet, row=row_of(issue.row))

    changes = {"issues": [move(i) for i in result.issues]}
    if relabel_clients:
        for attr in ("clients", "output", "features"):
            frame = getattr(result, attr, None)
            if isinstance(frame, pd.DataFrame):
                pos = lines.get_indexer(frame.index)
                labels = frame.index.to_numpy()
                frame = frame.copy(deep=False)
                frame.index = pd.Index(np.where(pos >= 0, pos + 2, labels))
                changes[attr] = frame
    return dataclasses.replace(result, **changes)


_TEXT_FIELDS = {"client_id", "code_postal", "siret", "siren", "telephone", "code_naf", "numero_facture",
                "tranche_effectif", "departement"}


def run_csv(path, target, analysis_date, progress, backup, explicit: bool = False, columns=None) -> RunReport:
    import openpyxl

    from .. import layout

    t0 = time.perf_counter()
    timings = {}
    progress("Lecture du CSV")
    table = csvio.read_french_csv(path, Settings().with_columns(columns).column_overrides)
    frame, shape, mapping, read_notes = table.frame, table.shape, table.mapping, table.notes
    timings["lecture"] = time.perf_counter() - t0
    sheet_name = "Clients" if shape == "clients" else "Factures"
    # messages name the file and its real line numbers (title lines above the header counted)
    data = reader.SheetData(sheet=path.name, shape=shape, header_row=1, frame=frame,
                            columns={c: j for j, c in enumerate(frame.columns, start=1)}, mapping=mapping,
                            last_data_row=int(frame.index[-1]), last_used_row=int(frame.index[-1]),
                            notes=read_notes)
    csv_lines = frame.index
    notes: list[str] = []
    cleaned = table.cleaned_cells
    if cleaned:
        notes.append(control_chars.note(cleaned, f"« {path.name} »"))
    if table.long_cells:
        notes.append(long_cells.note(list(table.long_cells), f"« {path.name} »"))
    copy_lines = True
    if len(frame) + 1 > run_steps.EXCEL_MAX_ROWS:
        if shape == "clients":
            raise WorkbookError(
                f"« {path.name} » compte {fr_int(len(frame))} clients : une feuille Excel est limitée à "
                f"{fr_int(run_steps.EXCEL_MAX_ROWS - 1)} lignes sous l'en-tête. Découpez le fichier."
            )
        # the analysis used every line; the workbook simply cannot hold them all
        copy_lines = False
        notes.append(
            f"Les {fr_int(len(frame))} lignes de factures dépassent la limite d'une feuille Excel "
            f"({fr_int(run_steps.EXCEL_MAX_ROWS)} lignes) : elles ont toutes été analysées mais ne sont pas recopiées "
            f"dans le classeur ; le fichier « {path.name} » reste la source."
        )
    previous_settings, previous_plan, ours = previous_workbook(target)
    kept_rows = previous_history_rows(target) if ours else {}
    previous_ours = ours
    if target.exists() and not ours and not explicit:
        raise WorkbookError(
            f"« {target.name} » existe déjà à côté de « {path.name} » et n'a pas été créé par segmenter : il n'est "
            "pas remplacé. Indiquez le classeur à créer avec -o, par exemple : segmenter segmente "
            f"{files.shell_quote(path)} -o {files.shell_quote(target.with_name(target.stem + ' segmenté.xlsx'))}"
        )
    settings = settings_with_date(previous_settings, analysis_date).with_columns(columns)
    progress("Segmentation")
    from ..errors import InputDataError

    try:
        result = segment_tables(data if shape == "clients" else None, data if shape == "factures" else None, settings)
    except InputDataError as err:
        raise csv_error(err, path.name) from None
    add_stale_date_note(result, date_advice(path, target, None, csv=True), title_date(table.titles),
                        sheet=path.name)
    result = _cli_advice(result)
    timings["segmentation"] = time.perf_counter() - t0
    if cleaned:
        result = with_issues(result, control_chars.issues(cleaned, path.name))
    # in the workbook the data starts on row 2 of the sheet « Clients » / « Factures »
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    data.sheet = sheet_name
    data.last_data_row = data.last_used_row = 1 + len(frame)
    result = _to_workbook_rows(result, pd.Index(csv_lines), path.name, sheet_name, relabel_clients=shape == "clients")
    kept = history_run.read_inputs(kept_rows)
    progress("Historique et campagnes")
    hist, result = history_run.run_history(
        result, kept, clients=frame if shape == "clients" else None, invoices=frame if shape == "factures" else None,
        clients_sheet=sheet_name, invoices_sheet=sheet_name)

    progress("Écriture du classeur")
    keep_text = {mapping[f] for f in _TEXT_FIELDS if f in mapping}
    typed = csvio.typed_columns(frame, keep_text)
    out_frame = frame.assign(**typed) if typed else frame
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_name
    if copy_lines:
        _write_header_and_sample(ws, out_frame)
    if previous_plan:
        # the user's edits of the action plan in the workbook made last time: layout merges them back
        plan = wb.create_sheet(layout.PLAN_ACTIONS)
        for i, row in enumerate(previous_plan, start=1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    set_value(plan.cell(i, j), v)
    created = False
    inject = {}
    if shape == "clients":
        # openpyxl writes the headers and the first row (styles, filter, our names); the rows are streamed
        data.columns = {c: j for j, c in enumerate(out_frame.columns, start=1)}
        first = SimpleNamespace(output=result.output.iloc[:1], clients=result.clients.iloc[:1],
                                client_columns=result.client_columns)
        ours = writer.write_outputs(wb, data, first)
        combined = out_frame.copy()
        for name, col in sorted(ours.items(), key=lambda kv: kv[1]):
            values = result.output[name].reindex(out_frame.index)
            if name == "Code RFM":
                values = values.astype(object).map(lambda v: None if v is None or v != v else str(v))
            combined[ws.cell(1, col).value] = values
        inject[sheet_name] = fastsheet.injector(combined, first_row=2, ws=ws)
        clients_sheet = sheet_name
    elif len(result.output) + 1 > run_steps.EXCEL_MAX_ROWS:
        names = client_names(result, frame)
        csv_path, note = too_many_clients(clients_table(result, names), target)
        result = with_client_names(result, names)
        notes.append(note)
        clients_sheet = csv_path.name
    else:
        names = client_names(result, frame)
        clients_sheet, inject_clients = create_clients_sheet(wb, result, names=names)
        result = with_client_names(result, names)
        created = True
        hist = watch_rows(hist, {label: 2 + i for i, label in enumerate(result.clients.index)})
    if shape == "clients":
        audit = quality_audit(data, None, settings, progress, csv=True)
    elif created:  # the « Clients » sheet made here, audited as a run on this workbook will read it
        audit = created_clients_audit(result, created_clients_data(result, clients_sheet, names), data, settings,
                                      progress)
    else:  # no sheet to audit (the clients are in the CSV beside): the core's remarks only
        audit = None
    if history_run.CAMPAGNES in kept_rows:
        # the user's campaigns of the workbook made last time: their rows come back, values as they typed them
        ws_c = wb.create_sheet(history_run.CAMPAGNES)
        for i, row in enumerate(kept_rows[history_run.CAMPAGNES], start=1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    set_value(ws_c.cell(i, j), v)
    layout.write_report_sheets(wb, result, audit=audit, history=hist, clients_sheet=clients_sheet)
    add_mode_emploi(wb)
    write_history_sheets(wb, hist, kept, result.analysis_date, inject, shape == "clients")
    order = (layout.SYNTHESE, layout.EVOLUTION, *layout.REPORT_SHEETS[1:], *history_run.HISTORY_SHEETS[1:],
             "Mode d'emploi")
    for name in order:  # a new workbook: data first, then our sheets in reading order
        if name in wb.sheetnames:
            wb.move_sheet(name, len(wb.sheetnames) - 1 - wb.sheetnames.index(name))
    timings["ecriture"] = time.perf_counter() - t0

    if shape == "factures":
        if copy_lines:
            inject[sheet_name] = fastsheet.injector(out_frame, first_row=2, ws=ws)
        else:
            del wb[sheet_name]
    if created:
        inject[clients_sheet] = inject_clients

    def write(tmp: Path) -> None:
        saving.save_workbook(wb, tmp, inject)

    lost = []
    if previous_ours and target.exists():
        if shape == "clients":
            new_headers, compare = [str(c) for c in out_frame.columns], out_frame
        else:
            new_headers, compare = [str(c) for c in result.clients.columns] + ["Entreprise"], None
        # values are compared only when the CSV is the one the workbook was made from (not a newer export)
        same_export = path.stat().st_mtime <= target.stat().st_mtime
        lost = lost_edits(target, clients_sheet, new_headers, compare if same_export else None)

    progress("Enregistrement")
    saved = files.atomic_write(target, write, backup=backup, verify=files.verify_xlsx)
    timings["enregistrement"] = time.perf_counter() - t0
    if lost:
        kept = (f"Elles restent dans la version précédente « {saved.name} »" if saved is not None
                else "Elles sont perdues (pas de sauvegarde demandée)")
        notes.append(
            f"La feuille « {clients_sheet} » de « {target.name} » contenait des retouches qui ne viennent pas de "
            f"« {path.name} » ({' ; '.join(lost)}) : le classeur est refait à partir du CSV, elles n'y sont plus. "
            f"{kept}. Pour les garder, faites vos retouches dans le CSV, ou travaillez désormais dans le "
            f"classeur : segmenter segmente {files.shell_quote(target)}"
        )
    return RunReport(path, target, saved, result, clients_sheet,
                     sheet_name if shape == "factures" and copy_lines else None,
                     created, len(result.output) if created else 0, timings, notes, hist)


def _write_header_and_sample(ws, frame: pd.DataFrame) -> None:
    """Header row (bold, filter, frozen) and, on row 2, one cell per column with its number format."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    for j, col in enumerate(frame.columns, start=1):
        c = set_value(ws.cell(1, j), str(col))  # a CSV header « =1+1 » is text
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(vertical="center")
        s = frame[col]
        sample = ws.cell(2, j)
        if pd.api.types.is_datetime64_any_dtype(s):
            sample.number_format = writer.FMT_DATE
        elif pd.api.types.is_float_dtype(s):
            sample.number_format = writer.FMT_EUR if _looks_amount(str(col)) else "#,##0.00"
        elif pd.api.types.is_integer_dtype(s):
            sample.number_format = "0"
        first = s.dropna()
        set_value(sample, writer.cell_value(first.iloc[0]) if len(first) else None)
        width = max(len(str(col)) + 3, min(int(first.iloc[:200].astype(str).str.len().max() or 8) + 2, 40)) if len(first) else 12
        ws.column_dimensions[get_column_letter(j)].width = max(width, 10)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, frame.shape[1]))}{len(frame) + 1}"


def _looks_amount(header: str) -> bool:
    h = hdr.normalize_header(header)
    return any(w in h for w in ("montant", "ca", "total", "prix", "ht", "ttc", "chiffre"))
