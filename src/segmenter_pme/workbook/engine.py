"""The workbook job: read a workbook or CSV, segment, write everything back, save safely."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import pandas as pd

from .. import headers as hdr
from ..analysis_date import add_stale_date_note, title_date
from ..errors import MissingColumnError, WorkbookError
from ..layout.cells import set_value
from ..settings import Settings
from ..layout import history_run
from . import control_chars, csvio, fastsheet, fidelity, files, history_io, passthrough, reader, saving, writer

Progress = Callable[[str], None]


@dataclass
class RunReport:
    """What a run did: where the result is, and the analysis itself."""

    input: Path
    output: Path
    backup: Path | None
    result: object  # SegmentationResult
    clients_sheet: str
    invoices_sheet: str | None
    created_clients_sheet: bool = False
    appended_clients: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    #: French sentences about the file itself (content openpyxl cannot keep…)
    warnings: list[str] = field(default_factory=list)
    #: the client base over time (``HistoryResult``): « Évolution », « Ce qui a changé »
    history: object = None


def _noop(_: str) -> None:
    pass


def default_output(path: Path) -> Path:
    path = Path(path)
    return path.with_suffix(".xlsx") if path.suffix.lower() in files.CSV_SUFFIXES else path


def run(path: Path | str, output: Path | str | None = None, *, analysis_date: dt.date | None = None,
        sheet: str | None = None, progress: Progress | None = None, backup: bool = True,
        columns: dict[str, str] | None = None) -> RunReport:
    """Segment the clients of ``path`` (.xlsx, .xlsm or French .csv) and save the workbook.

    Without ``output`` an Excel input is updated in place (the previous version
    kept as ``NOM.sauvegarde.xlsx``) and a CSV gives ``NOM.xlsx`` beside it.
    ``columns``: canonical field → the user's header (``--colonne``), over
    « Paramètres »' choices and kept there.
    """
    path = Path(path)
    progress = progress or _noop
    kind = files.file_kind(path)
    target = Path(output) if output is not None else default_output(path)
    if output is not None and target.is_dir():
        example = files.shell_quote(target / default_output(Path(path.name)).name)
        raise WorkbookError(
            f"« {target} » est un dossier : l'option -o attend le nom du classeur à écrire, par exemple : "
            f"segmenter run {files.shell_quote(path)} -o {example}"
        )
    if kind == "csv" and sheet is not None:
        raise WorkbookError(
            f"« {path.name} » est un fichier CSV : il ne contient qu'un seul tableau, l'option --feuille ne "
            "s'applique qu'à un classeur Excel. Relancez sans --feuille."
        )
    if target.suffix.lower() not in files.EXCEL_SUFFIXES:
        raise WorkbookError(
            f"Le fichier de sortie « {target.name} » doit avoir l'extension .xlsx (ou .xlsm pour garder les macros)."
        )
    if target.suffix.lower() == ".xlsm" and kind != "xlsm":
        raise WorkbookError(
            f"« {target.name} » : l'extension .xlsm est réservée aux classeurs avec macros ; "
            f"« {path.name} » n'en a pas. Choisissez un nom en .xlsx."
        )
    if kind != "csv":
        files.check_not_open(path)
    files.check_not_open(target)
    if output is not None and not target.parent.exists():
        try:
            target.parent.mkdir(parents=True)
        except OSError as err:
            raise WorkbookError(f"Impossible de créer le dossier « {target.parent} » : {files.os_reason(err)}.") from None
    # one run at a time on a file: a second one would back up the first one's output, losing the original
    with files.run_lock(path, target):
        if kind == "csv":
            return _run_csv(path, target, analysis_date, progress, backup, explicit=output is not None,
                            columns=columns)
        from . import formula_template

        if formula_template.is_formula_template_file(path):
            # this workbook segments itself: its formulas are checked against Python, never replaced
            return formula_template.run_report(path, analysis_date)
        return _run_excel(path, target, kind, analysis_date, sheet, progress, backup, columns)


def _settings_with_date(settings: Settings | None, analysis_date: dt.date | None) -> Settings:
    settings = settings or Settings()
    if analysis_date is not None:
        settings = settings.replace(date_analyse=analysis_date)
    return settings


def _segment(clients: reader.SheetData | None, invoices: reader.SheetData | None, settings: Settings):
    """``segment()`` of the tables read, with what the reading set aside said in « Qualité »."""
    import dataclasses

    from ..pipeline import segment

    result = segment(
        clients=clients.frame if clients is not None else None,
        invoices=invoices.frame if invoices is not None else None,
        settings=settings,
        clients_sheet=clients.sheet if clients is not None else "Clients",
        invoices_sheet=invoices.sheet if invoices is not None else "Factures",
    )
    notes = [n for data in (clients, invoices) if data is not None for n in data.notes]
    return dataclasses.replace(result, issues=[*notes, *result.issues]) if notes else result


def _add_mode_emploi(wb) -> None:
    """« Mode d'emploi », as the template has it, when the workbook has no sheet of that name (never replaced)."""
    from .. import layout

    if not any(name.lower() == "mode d'emploi" for name in wb.sheetnames):
        layout.write_mode_emploi(wb)


def _date_advice(path: Path, target: Path, sheet: str | None, *, csv: bool) -> Callable[[dt.date], str]:
    """How to analyse at another date, for the file just run: its exact command, or « Paramètres »."""

    def how(day: dt.date) -> str:
        command = f"segmenter run {files.shell_quote(path)}"
        if sheet is not None:
            command += f" --feuille {files.shell_quote(sheet)}"
        if Path(target) != default_output(path):
            command += f" -o {files.shell_quote(target)}"
        command += f" --date {day:%Y-%m-%d}"
        if csv:
            return f"relancez « {command} »"
        return (f"indiquez {day:%d/%m/%Y} dans la cellule « Date d'analyse » de la feuille « Paramètres » puis "
                f"relancez la segmentation (bouton « Segmenter », ou « {command} »)")

    return how


def _no_table_error(name: str, sheets: list[str]) -> MissingColumnError:
    listed = ", ".join(f"« {s} »" for s in sheets) or "aucune"
    return MissingColumnError(
        f"Aucun tableau de clients ni de lignes de factures trouvé dans « {name} » (feuilles examinées : {listed}). "
        "Il faut une ligne d'en-têtes avec au moins le client (Nom, Entreprise ou Code client) et soit "
        "Date dernier achat, Nombre commandes et CA total, soit Date et Montant HT de chaque facture."
    )


def _run_excel(path, target, kind, analysis_date, sheet, progress, backup, columns=None) -> RunReport:
    from .. import layout

    t0 = time.perf_counter()
    timings = {}
    progress("Lecture des valeurs")
    values = reader.read_values(path)
    timings["lecture_valeurs"] = time.perf_counter() - t0
    # a « Synthèse » or « Paramètres » of the user's own is neither replaced nor read as our settings
    layout.check_our_sheets(values, layout.REPORT_SHEETS)
    history_run.check_history_sheets(values)
    found = _locate(values, sheet, columns or None)
    if not found:
        raise _no_table_error(path.name, [n for n in values if n not in reader.OUR_SHEETS])
    client_sheet = found["clients"][0] if "clients" in found else None
    # every sheet we do not write into goes through untouched (and fast: openpyxl never loads its cells)
    untouched = [n for n in values if n != client_sheet and n not in layout.REPORT_SHEETS
                 and n not in history_run.HISTORY_SHEETS]

    progress("Ouverture du classeur")
    keep_vba = kind == "xlsm" and target.suffix.lower() == ".xlsm"
    try:
        reduced, emptied = passthrough.reduced_copy(path, untouched, target.parent,
                                                    share=(client_sheet,) if client_sheet else (),
                                                    prefix=files.reduced_prefix(target))
    except OSError as err:
        raise WorkbookError(
            f"Impossible d'écrire dans le dossier « {target.parent} » ({files.os_reason(err)}) : choisissez un "
            "dossier où vous avez le droit d'écrire (option -o)."
        ) from None
    try:
        wb = reader.load_openpyxl(reduced, kind, keep_vba=keep_vba, name=path.name)
    finally:
        reduced.unlink()
    timings["ouverture_openpyxl"] = time.perf_counter() - t0
    settings = _settings_with_date(layout.read_settings(wb), analysis_date).with_columns(columns)
    # where a column can be named: a workbook that already has « Paramètres », or only the command line
    advice = "both" if layout.PARAMETRES in values else "cli"
    if settings.column_overrides:
        found = _locate(values, sheet, settings.column_overrides)
        new_client = found["clients"][0] if "clients" in found else None
        if new_client in emptied:
            # the user's column mapping points to another sheet: load it fully
            wb = reader.load_openpyxl(path, kind, keep_vba=keep_vba)
            emptied = []
    datas: dict[str, reader.SheetData] = {}
    for shape, (name, guess) in found.items():
        ws = wb[name]
        ours = reader.output_header_cells(wb, name, guess.row + 1) if shape == "clients" else []
        data = reader.read_table(values[name], name, guess, tables=reader.find_tables(ws), our_cols=ours)
        reader.require_data(data)
        datas[shape] = data
    titles = [row for d in datas.values() for row in values[d.sheet][:d.header_row - 1]]
    kept = history_run.read_inputs(values)
    del values
    clients, invoices = datas.get("clients"), datas.get("factures")

    progress("Segmentation")
    try:
        result = _segment(clients, invoices, settings)
    except MissingColumnError as err:
        raise hdr.readvise(err, advice) from None
    add_stale_date_note(result, _date_advice(path, target, sheet, csv=False), title_date(titles),
                        sheet=(clients or invoices).sheet)
    timings["segmentation"] = time.perf_counter() - t0
    notes = []
    for data in datas.values():
        if data.control_chars:
            notes.append(control_chars.note(data.control_chars, f"Feuille « {data.sheet} »"))
            result = _with_issues(result, control_chars.issues(data.control_chars, data.sheet))
    progress("Historique et campagnes")
    hist, result = _history(result, kept, clients, invoices)
    timings["historique"] = time.perf_counter() - t0

    progress("Écriture des colonnes et des feuilles")
    created = False
    appended = 0
    if clients is not None:
        appended_labels = [lb for lb in result.output.index if lb not in clients.frame.index]
        row_map = _append_rows(clients, appended_labels)
        appended = len(appended_labels)
        names = client_names(result, invoices.frame if invoices is not None else None) if appended else None
        writer.write_outputs(wb, clients, result, row_map=row_map, names=names)
        clients_sheet = clients.sheet
        hist = _watch_rows(hist, row_map)
    elif len(result.output) + 1 > EXCEL_MAX_ROWS:
        csv_path, note = _too_many_clients(clients_table(result, client_names(result, invoices.frame)), target)
        notes.append(note)
        clients_sheet = csv_path.name
    else:
        names = client_names(result, invoices.frame)
        clients_sheet, inject_clients = create_clients_sheet(wb, result, title=_free_title(wb, "Clients"),
                                                             names=names)
        created = True
        appended = len(result.output)
        hist = _watch_rows(hist, {label: 2 + i for i, label in enumerate(result.clients.index)})
    audited = created_clients_data(result, clients_sheet, names) if created else clients
    layout.write_report_sheets(wb, result, audit=_audit(audited, invoices, settings, progress), history=hist,
                               clients_sheet=clients_sheet, key_col=_key_col(clients))
    inject = passthrough.injectors(path, emptied)
    _write_history_sheets(wb, hist, kept, result.analysis_date, inject, invoices is None)
    _add_mode_emploi(wb)  # after the history sheets: the manual stays the last tab
    timings["ecriture"] = time.perf_counter() - t0

    progress("Enregistrement")

    if created:
        inject[clients_sheet] = inject_clients

    def write(tmp: Path) -> None:
        saving.save_workbook(wb, tmp, inject)

    lost = fidelity.unsupported_content(path)
    saved = files.atomic_write(target, write, backup=backup, verify=files.verify_xlsx)
    timings["enregistrement"] = time.perf_counter() - t0
    if lost:
        notes.append(fidelity.warning_text(lost, saved if target == path else None))
    return RunReport(path, target, saved, result, clients_sheet, invoices.sheet if invoices else None,
                     created, appended, timings, notes, hist)


def _history(result, kept, clients, invoices):
    """``history()`` over the same inputs (SPEC §8), and ``result`` with « Segment RFM précédent »."""
    return history_run.run_history(
        result, kept, clients=clients.frame if clients is not None else None,
        invoices=invoices.frame if invoices is not None else None,
        clients_sheet=clients.sheet if clients is not None else "Clients",
        invoices_sheet=invoices.sheet if invoices is not None else "Factures",
    )


def _watch_rows(hist, rows: dict):
    """``hist`` whose « Clients à surveiller » point at the rows the clients are written on.

    A client of the user's table is on the row its label says; one found only in
    the invoices is appended below it, and a sheet made from invoices starts on row 2.
    """
    watch = getattr(hist, "watch", None)
    if not rows or watch is None or "row" not in watch.columns or watch.empty:
        return hist
    import dataclasses

    moved = watch.assign(row=watch["row"].map(lambda lb: rows.get(lb, lb)))
    return dataclasses.replace(hist, watch=moved)


def _key_col(clients) -> str:
    """Column a link to a client's row points at: the first column of the user's table."""
    from ..layout.engine import col_letter

    return col_letter(min(clients.columns.values())) if clients is not None and clients.columns else "A"


def _write_history_sheets(wb, hist, kept, analysis_date, inject, snapshots: bool) -> None:
    history_io.write_campaigns(wb, hist, kept, analysis_date)
    if snapshots:  # without invoice lines the past is what each run stores
        history_io.write_historique(wb, hist, kept, analysis_date, inject)


def _with_issues(result, issues: list):
    import dataclasses

    return dataclasses.replace(result, issues=list(result.issues) + list(issues))


def _audit(clients, invoices, settings, progress, csv: bool = False):
    """The data audit for « Qualité » (SPEC §7): duplicates, inactive clients, completeness, invalid values.

    For a CSV it is the audit ``segmenter audit`` makes of that CSV
    (``workbook.audit_files.load_base``): every value of a CSV is text, so a date
    written as text is no Excel damage there.
    """
    if clients is None:
        return None  # invoice lines alone: the core's remarks are all there is to audit
    progress("Audit de la qualité des données")
    from ..audit.sheet import audit_sheet

    return audit_sheet(clients, invoices, settings=settings, csv=csv)


def _locate(values, sheet, overrides):
    found = reader.locate(values, overrides=overrides)
    if sheet is not None:
        for shape, (name, guess) in reader.locate(values, sheet=sheet, overrides=overrides).items():
            found = {k: v for k, v in found.items() if v[0] != sheet}
            found[shape] = (name, guess)
    return found


def _free_title(wb, title: str) -> str:
    """``title`` unless a sheet of the user already has that name (we never replace a user's sheet)."""
    if title not in wb.sheetnames:
        return title
    candidate = f"{title} (calculés)"
    i = 2
    while candidate in wb.sheetnames:
        candidate = f"{title} (calculés {i})"
        i += 1
    return candidate


def _append_rows(data: reader.SheetData, labels: list) -> dict:
    """Excel rows for the clients found only in the invoices.

    Right under the data when nothing is below it; below a Total row (or
    anything else under the table) otherwise, after one blank row.
    """
    if not labels:
        return {}
    below = data.total_row is not None or data.last_used_row > data.last_data_row or (
        data.table is not None and data.table.totals_rows)
    start = data.last_used_row + 2 if below else data.last_data_row + 1
    if start + len(labels) - 1 > EXCEL_MAX_ROWS:
        raise WorkbookError(
            f"{len(labels):,} clients trouvés seulement dans les factures devraient être ajoutés sous le tableau de "
            f"« {data.sheet} » (à partir de la ligne {start:,}), mais une feuille Excel s'arrête à la ligne "
            f"{EXCEL_MAX_ROWS:,}. Rien n'a été écrit. Ajoutez ces clients à un tableau plus court, ou lancez "
            "segmenter sur les factures seules (un export .csv) : la liste complète des clients est alors "
            "écrite dans un CSV à côté du classeur.".replace(",", "\u202f")
        )
    return {label: start + i for i, label in enumerate(labels)}


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
    body = frame[user].astype(object).where(frame[user].notna(), None)
    body.index = pd.RangeIndex(2, 2 + len(body))
    return reader.SheetData(sheet=title, shape="clients", header_row=1, frame=body,
                            columns={h: j for j, h in enumerate(user, start=1)},
                            mapping=hdr.map_columns(user, "clients"), last_data_row=1 + len(body),
                            last_used_row=1 + len(body))


def clients_table(result, names: pd.Series | None = None) -> pd.DataFrame:
    """The clients made from invoice lines, as the « Clients » sheet (or its CSV) shows them."""
    frame = _created_clients_frame(result, names)
    # Code RFM is text (545, not a number), as in the user's sheet
    if "Code RFM" in frame.columns:
        frame = frame.assign(**{"Code RFM": frame["Code RFM"].astype(object).map(
            lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))})
    return frame


def clients_csv_path(target: Path) -> Path:
    """``ventes.xlsx`` → ``ventes clients.csv``: where the clients go when a sheet cannot hold them."""
    return Path(target).with_name(f"{Path(target).stem} clients.csv")


def _too_many_clients(frame: pd.DataFrame, target: Path) -> tuple[Path, str]:
    """Every client in a French CSV beside the workbook (a sheet would pass Excel's row limit), and the note."""
    csv_path = clients_csv_path(target)
    files.atomic_write(csv_path, lambda tmp: csvio.write_french_csv(frame, tmp), backup=False)
    note = (f"Les {len(frame):,} clients dépassent la limite d'une feuille Excel ({EXCEL_MAX_ROWS:,} lignes, "
            f"en-tête compris) : la feuille « Clients » n'est pas créée ; la liste complète, avec leurs segments, "
            f"est dans « {csv_path.name} » à côté du classeur. Synthèse, Qualité et Plan d'actions portent sur "
            "tous les clients.").replace(",", "\u202f")
    return csv_path, note


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
        ws.column_dimensions[get_column_letter(j)].width = (
            writer.output_width(name, name, frame[name].tolist()) if name in writer._WIDTHS
            else max(12, min(len(name) + 3, 30)))
        s = frame.iloc[:, j - 1]
        sample = ws.cell(2, j)
        if name in writer._FORMATS:
            sample.number_format = writer._FORMATS[name]
        elif pd.api.types.is_datetime64_any_dtype(s) or \
                s.iloc[:50].astype(object).map(lambda v: isinstance(v, (dt.date, dt.datetime))).any():
            sample.number_format = writer.FMT_DATE
        elif name.lower().startswith(("ca", "montant", "panier")) and pd.api.types.is_numeric_dtype(s):
            sample.number_format = writer.FMT_EUR
        elif pd.api.types.is_integer_dtype(s):
            sample.number_format = writer.FMT_INT
        if name in writer.WRAPPED:
            sample.alignment = Alignment(wrap_text=True, vertical="top")
        set_value(sample, writer._cell_value(s.iloc[0]) if len(s) else None)
    ws.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{max(2, len(frame) + 1)}"
    taken = {t for sheet in wb.worksheets for t in sheet.tables}
    name = "TableClients" if "TableClients" not in taken else "TableClientsCalcules"
    if name not in taken:
        ws.add_table(writer.make_table(name, f"A1:{last}", headers))
    first_out = next((j for j, h in enumerate(headers, start=1) if h in writer._WIDTHS), None)
    if first_out is not None:
        writer._record_output_name(wb, title, 1, first_out, len(headers))
    return title, fastsheet.injector(frame, first_row=2)


# --------------------------------------------------------------------- CSV


def _csv_error(err, name: str):
    """The core's error about a CSV, its location said as « fichier NOM.csv, ligne 9 »."""
    hdr.readvise(err, "cli")  # a CSV has no « Paramètres »: only the command names a column
    message = err.message.replace(f"feuille « {name} »", f"fichier {name}").replace(
        f"Feuille « {name} »", f"Fichier {name}")
    return type(err)(message, issues=err.issues)


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


EXCEL_MAX_ROWS = 1_048_576

_TEXT_FIELDS = {"client_id", "code_postal", "siret", "siren", "telephone", "code_naf", "numero_facture",
                "tranche_effectif", "departement"}


def _run_csv(path, target, analysis_date, progress, backup, explicit: bool = False, columns=None) -> RunReport:
    import openpyxl

    from .. import layout

    t0 = time.perf_counter()
    timings = {}
    progress("Lecture du CSV")
    frame, shape, mapping, read_notes = csvio.read_french_csv(path, Settings().with_columns(columns).column_overrides)
    timings["lecture"] = time.perf_counter() - t0
    sheet_name = "Clients" if shape == "clients" else "Factures"
    # messages name the file and its real line numbers (title lines above the header counted)
    data = reader.SheetData(sheet=path.name, shape=shape, header_row=1, frame=frame,
                            columns={c: j for j, c in enumerate(frame.columns, start=1)}, mapping=mapping,
                            last_data_row=int(frame.index[-1]), last_used_row=int(frame.index[-1]),
                            notes=read_notes)
    csv_lines = frame.index
    notes: list[str] = []
    cleaned = frame.attrs.get("control_chars") or []
    if cleaned:
        notes.append(control_chars.note(cleaned, f"« {path.name} »"))
    copy_lines = True
    if len(frame) + 1 > EXCEL_MAX_ROWS:
        if shape == "clients":
            raise WorkbookError(
                f"« {path.name} » compte {len(frame):,} clients : une feuille Excel est limitée à "
                f"{EXCEL_MAX_ROWS - 1:,} lignes sous l'en-tête. Découpez le fichier.".replace(",", "\u202f")
            )
        # the analysis used every line; the workbook simply cannot hold them all
        copy_lines = False
        notes.append(
            f"Les {len(frame):,} lignes de factures dépassent la limite d'une feuille Excel "
            f"({EXCEL_MAX_ROWS:,} lignes) : elles ont toutes été analysées mais ne sont pas recopiées dans le "
            f"classeur ; le fichier « {path.name} » reste la source.".replace(",", "\u202f")
        )
    previous_settings, previous_plan, ours = _previous_workbook(target)
    kept_rows = _previous_history_rows(target) if ours else {}
    previous_ours = ours
    if target.exists() and not ours and not explicit:
        raise WorkbookError(
            f"« {target.name} » existe déjà à côté de « {path.name} » et n'a pas été créé par segmenter : il n'est "
            "pas remplacé. Indiquez le classeur à créer avec -o, par exemple : segmenter run "
            f"{files.shell_quote(path)} -o {files.shell_quote(target.with_name(target.stem + ' segmenté.xlsx'))}"
        )
    settings = _settings_with_date(previous_settings, analysis_date).with_columns(columns)
    progress("Segmentation")
    from ..errors import InputDataError

    try:
        result = _segment(data if shape == "clients" else None, data if shape == "factures" else None, settings)
    except InputDataError as err:
        raise _csv_error(err, path.name) from None
    add_stale_date_note(result, _date_advice(path, target, None, csv=True), title_date(frame.attrs.get("titres", ())),
                        sheet=path.name)
    timings["segmentation"] = time.perf_counter() - t0
    if cleaned:
        result = _with_issues(result, control_chars.issues(cleaned, path.name))
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
        inject[sheet_name] = fastsheet.injector(combined, first_row=2)
        clients_sheet = sheet_name
    elif len(result.output) + 1 > EXCEL_MAX_ROWS:
        csv_path, note = _too_many_clients(clients_table(result, client_names(result, frame)), target)
        notes.append(note)
        clients_sheet = csv_path.name
    else:
        names = client_names(result, frame)
        clients_sheet, inject_clients = create_clients_sheet(wb, result, names=names)
        created = True
        hist = _watch_rows(hist, {label: 2 + i for i, label in enumerate(result.clients.index)})
    if shape == "clients":
        audit = _audit(data, None, settings, progress, csv=True)
    elif created:  # the « Clients » sheet made here, audited as a run on this workbook will read it
        audit = _audit(created_clients_data(result, clients_sheet, names), data, settings, progress)
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
    _add_mode_emploi(wb)
    _write_history_sheets(wb, hist, kept, result.analysis_date, inject, shape == "clients")
    order = (layout.SYNTHESE, layout.EVOLUTION, *layout.REPORT_SHEETS[1:], *history_run.HISTORY_SHEETS[1:],
             "Mode d'emploi")
    for name in order:  # a new workbook: data first, then our sheets in reading order
        if name in wb.sheetnames:
            wb.move_sheet(name, len(wb.sheetnames) - 1 - wb.sheetnames.index(name))
    timings["ecriture"] = time.perf_counter() - t0

    if shape == "factures":
        if copy_lines:
            inject[sheet_name] = fastsheet.injector(out_frame, first_row=2)
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
        lost = _lost_edits(target, clients_sheet, new_headers, compare if same_export else None)

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
            f"classeur : segmenter run {files.shell_quote(target)}"
        )
    return RunReport(path, target, saved, result, clients_sheet,
                     sheet_name if shape == "factures" and copy_lines else None,
                     created, len(result.output) if created else 0, timings, notes, hist)


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
    lookup = pairs.assign(_k=pairs[key].astype(str).str.strip()).drop_duplicates("_k").set_index("_k")[name]
    keys = features["client_id"].astype(object).map(lambda v: None if v is None or v != v else str(v).strip())
    from_invoices = keys.map(lookup).astype(object)
    return from_invoices if known is None else known.where(known.notna(), from_invoices)


def _plain(v):
    """A cell value for comparison: blanks as None, whole floats as int, midnight datetimes as dates."""
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, dt.date)):
        v = v.item()
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _lost_edits(target: Path, sheet: str, new_headers: list[str], new_frame: pd.DataFrame | None) -> list[str]:
    """What the client sheet of the workbook made last time holds that the new one will not.

    Columns the user added (a header the CSV does not have, or cells under no
    header) and — ``new_frame`` given — cells whose value differs from the CSV.
    Without ``new_frame`` only the first rows are read (a 350 000-client sheet
    costs memory and seconds for what its header row already says).
    """
    try:
        # a client sheet made from invoice lines is rebuilt whole: its header row says what the user added
        values = reader.read_values_of(target, sheet, None if new_frame is not None else reader.SCAN_ROWS)
    except Exception:
        return []
    if not values:
        return []
    header = [reader._header_text(v) for v in values[0]]
    body = values[1:]
    known = set(new_headers)
    out = []
    added = [h for h in header if h and h not in known and h not in reader._OUR_HEADERS]
    if added:
        out.append(("colonne ajoutée : " if len(added) == 1 else "colonnes ajoutées : ")
                   + ", ".join(f"« {h} »" for h in added))
    width = len(header)
    loose = sum(1 for r in body for j, v in enumerate(r) if (j >= width or header[j] is None) and _plain(v) is not None)
    if loose:
        out.append(f"{loose} cellule{'s' if loose > 1 else ''} hors du tableau")
    if new_frame is not None:
        rows = [r for r in body if any(_plain(v) is not None for v in r)]
        changed = 0
        for j, h in enumerate(header):
            if h is None or h not in new_frame.columns:
                continue
            new = [_plain(v) for v in new_frame[h].tolist()]
            old = [_plain(r[j]) if j < len(r) else None for r in rows]
            changed += sum(a != b for a, b in zip(old, new))
        extra = len(rows) - len(new_frame)
        if changed:
            out.append(f"{changed} cellule{'s' if changed > 1 else ''} modifiée{'s' if changed > 1 else ''}")
        if extra > 0:
            out.append(f"{extra} ligne{'s' if extra > 1 else ''} ajoutée{'s' if extra > 1 else ''}")
    return out


def _previous_history_rows(target: Path) -> dict[str, list[tuple]]:
    """The « Campagnes » and « Historique » rows of the workbook a previous run made from this CSV."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(target, read_only=True, data_only=True)
    except Exception:
        return {}
    try:
        return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
                for name in (history_run.CAMPAGNES, history_run.HISTORIQUE) if name in wb.sheetnames}
    finally:
        wb.close()


def _previous_workbook(target: Path):
    """Settings and action-plan rows of the workbook a previous run made from this CSV, if any.

    A CSV cannot hold « Paramètres » nor « Plan d'actions »: the user edits them
    in the .xlsx we wrote, so a rerun on the CSV reads them back from there.
    """
    if not target.exists():
        return None, [], False
    import openpyxl

    from .. import layout

    try:
        wb = openpyxl.load_workbook(target, read_only=True, data_only=True)
    except Exception:
        return None, [], False  # damaged or not a workbook: not ours
    try:
        def mine(name: str) -> bool:
            return name in wb.sheetnames and layout.is_our_sheet(name, wb[name].iter_rows(values_only=True))

        # only our own sheets are read back: a sheet of the user's named « Paramètres » is not our settings
        settings = layout.read_settings(wb) if mine(layout.PARAMETRES) else None
        plan = []
        if mine(layout.PLAN_ACTIONS):
            plan = [tuple(r) for r in wb[layout.PLAN_ACTIONS].iter_rows(values_only=True)]
        ours = mine(layout.PARAMETRES) or reader.OUTPUT_NAME in wb.defined_names
        return settings, plan, ours
    finally:
        wb.close()


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
        set_value(sample, writer._cell_value(first.iloc[0]) if len(first) else None)
        width = max(len(str(col)) + 3, min(int(first.iloc[:200].astype(str).str.len().max() or 8) + 2, 40)) if len(first) else 12
        ws.column_dimensions[get_column_letter(j)].width = max(width, 10)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, frame.shape[1]))}{len(frame) + 1}"


def _looks_amount(header: str) -> bool:
    h = hdr.normalize_header(header)
    return any(w in h for w in ("montant", "ca", "total", "prix", "ht", "ttc", "chiffre"))
