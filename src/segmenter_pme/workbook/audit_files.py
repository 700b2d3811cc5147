"""Audit and cleaning of a workbook or CSV file: read with the workbook engine, write a cleaned copy.

- :func:`audit_file` reads the client table (and the invoice lines, if any) and
  returns the :class:`~segmenter_pme.audit.report.AuditReport`; with ``output``
  it also writes a copy of the workbook with the « Qualité » sheet.
- :func:`clean_file` writes a cleaned copy — never the input: in the client
  sheet the kept rows move up (merged values and Excel repairs written in), and
  every row taken out goes to « Archives » with the reason and the row it was
  merged into. Running it again appends to the same « Archives ».
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import headers as hdr
from ..errors import MissingColumnError, WorkbookError
from ..layout.cells import set_value
from ..settings import Settings
from ..audit import checks, formulas
from . import control_chars, files, reader
from ..audit.clean import ARCHIVE_COLUMNS, MOTIF_INACTIF, CleanResult, clean
from ..audit.prepare import PreparedClients, attach_invoices, prepare_clients
from ..audit.report import AuditReport, audit
from ..audit.sheet import text_dates_are_normal

ARCHIVES = "Archives"
CLEAN_TAG = ".nettoye"
_TEXT_FIELDS = ("code_postal", "siret", "siren", "client_id", "telephone")


@dataclass
class LoadedBase:
    path: Path
    kind: str  # xlsx | xlsm | csv
    prepared: PreparedClients
    data: reader.SheetData
    settings: Settings
    sheets: list[str] = field(default_factory=list)  # every sheet of the workbook, in order
    #: for a CSV: row of the table as we number it (the sheet « Clients » of a copy) → line of the file
    source_lines: dict[int, int] | None = None
    #: « Attention » sentences about the reading itself (control characters removed…)
    control_notes: list[str] = field(default_factory=list)
    #: the first rows of every sheet, to tell our « Qualité » from a sheet of the user's of that name
    heads: dict[str, list] = field(default_factory=dict)
    #: the sheet of invoice lines the purchase figures come from, if any
    invoices_sheet: str | None = None


@dataclass
class CleanRun:
    """What :func:`clean_file` did."""

    input: Path
    output: Path
    report: AuditReport
    result: CleanResult
    kept: int
    archived: int
    #: the previous version of ``output``, saved before it was replaced (``NOM.nettoye.sauvegarde.xlsx``)
    backup: Path | None = None
    #: what could not be kept as it was (« Attention : … » sentences): formulas turned into values…
    notes: list[str] = field(default_factory=list)


def default_clean_output(path: Path) -> Path:
    """``Clients.xlsx`` → ``Clients.nettoye.xlsx`` (a CSV gives an .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower() if path.suffix.lower() in files.EXCEL_SUFFIXES else ".xlsx"
    return path.with_name(path.stem + CLEAN_TAG + suffix)


def load_base(path: Path | str, *, sheet: str | None = None, analysis_date: dt.date | None = None,
              columns: dict[str, str] | None = None) -> LoadedBase:
    """Read the client table of ``path`` (.xlsx, .xlsm, French .csv), its settings and invoice lines."""
    from ..layout.parametres import read_settings as read_settings_rows
    from .csvio import read_french_csv

    path = Path(path)
    kind = files.file_kind(path)
    settings = Settings()
    invoices = None
    sheets: list[str] = []
    source_lines = None
    notes: list = []  # remarks of the reading (Issue records), for « Qualité »
    control_notes: list[str] = []
    heads: dict[str, list] = {}
    if kind == "csv":
        csv_table = read_french_csv(path, Settings().with_columns(columns).column_overrides)
        frame, shape, mapping, notes = csv_table.frame, csv_table.shape, csv_table.mapping, csv_table.notes
        if shape != "clients":
            raise MissingColumnError(
                f"« {path.name} » contient des lignes de factures, pas un tableau de clients : l'audit porte sur "
                "le tableau des clients (une ligne par client)."
            )
        source_lines = dict(zip(range(2, 2 + len(frame)), (int(v) for v in frame.index)))
        # the remarks of the reading name the copy's sheet and rows, as the audit's findings do
        row_of = {line: row for row, line in source_lines.items()}
        notes = [dataclasses.replace(n, sheet="Clients", row=row_of.get(n.row)) for n in notes]
        cleaned = csv_table.cleaned_cells
        if cleaned:
            control_notes.append(control_chars.note(cleaned, f"« {path.name} »"))
        frame.index = pd.RangeIndex(2, 2 + len(frame))
        data = reader.SheetData(sheet="Clients", shape="clients", header_row=1, frame=frame,
                                columns={c: j for j, c in enumerate(frame.columns, start=1)}, mapping=mapping,
                                last_data_row=1 + len(frame), last_used_row=1 + len(frame), notes=notes)
    else:
        values = reader.read_values(path)
        sheets = list(values)
        heads = {name: rows[:10] for name, rows in values.items()}
        if "Paramètres" in values:
            settings = read_settings_rows(values["Paramètres"])
        settings = settings.with_columns(columns)
        found = reader.locate(values, sheet=sheet, overrides=settings.column_overrides or None)
        if "clients" not in found:
            sheets = ", ".join(f"« {n} »" for n in values if n not in reader.OUR_SHEETS) or "aucune"
            raise MissingColumnError(
                f"Aucun tableau de clients trouvé dans « {path.name} » (feuilles examinées : {sheets}). Il faut une "
                "ligne d'en-têtes avec au moins le client (Nom, Entreprise ou Code client) et des colonnes comme "
                "Date dernier achat, Nombre commandes, CA total."
            )
        name, guess = found["clients"]
        ours = reader.output_header_cells_in_file(path, name, guess.row + 1)
        data = reader.read_table(values[name], name, guess, our_cols=ours)
        reader.require_data(data)
        if data.control_chars:
            control_notes.append(control_chars.note(data.control_chars, f"Feuille « {name} »"))
        if "factures" in found:
            inv_name, inv_guess = found["factures"]
            invoices = reader.read_table(values[inv_name], inv_name, inv_guess)
        if settings.column_overrides:
            # a column named in « Paramètres » or by --colonne is looked for among the columns read (not our
            # output columns), as segment() does in `segmenter segmente`: the same check, message and mapping
            for table in (data, invoices):
                if table is not None:
                    table.mapping = hdr.map_columns(list(table.frame.columns), table.shape, settings.column_overrides,
                                                    sheet=table.sheet)
        mapping = data.mapping
    if analysis_date is not None:
        settings = settings.replace(date_analyse=analysis_date)
    prepared = prepare_clients(data.frame, sheet=data.sheet, mapping=mapping)
    if kind == "csv":
        text_dates_are_normal(prepared)
    if invoices is not None and not invoices.frame.empty:
        attach_invoices(prepared, invoices.frame, sheet=invoices.sheet, mapping=invoices.mapping,
                        analysis_date=settings.date_analyse)
    return LoadedBase(path=path, kind=kind, prepared=prepared, data=data, settings=settings, sheets=sheets,
                      source_lines=source_lines, control_notes=control_notes, heads=heads,
                      invoices_sheet=invoices.sheet if prepared.derived is not None else None)


def _audit(base: LoadedBase) -> AuditReport:
    p = base.prepared
    report = audit(p.clients, raw=p.raw, invoice_orders=p.invoice_orders, settings=base.settings,
                   sheet=p.sheet, columns=p.columns, unreadable=p.issues, derived=p.derived,
                   derived_from=base.invoices_sheet,
                   advice="both" if "Paramètres" in base.sheets else "cli")
    report.source_lines = base.source_lines
    report.control_notes = list(base.control_notes)
    return report


def audit_file(path: Path | str, *, sheet: str | None = None, analysis_date: dt.date | None = None,
               output: Path | str | None = None, columns: dict[str, str] | None = None
               ) -> tuple[AuditReport, Path | None]:
    """Audit the client table of ``path``; with ``output``, write a copy with the « Qualité » sheet.

    An existing ``output`` is first saved as ``NOM.sauvegarde.xlsx`` (:func:`files.backup_path`).
    """
    base = load_base(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    report = _audit(base)
    written = None
    if output is not None:
        target = _check_output(base.path, Path(output), audit=True)
        from ..layout import QUALITE, check_our_sheets

        # the copy gets our « Qualité »: a sheet of the user's with that name is not replaced (as `run` refuses)
        check_our_sheets(base.heads, [QUALITE])
        with files.run_lock(base.path, target):
            wb = _open(base, target)
            _write_qualite(wb, base, report)
            _save(wb, target, backup=True)
        written = target
    return report, written


def clean_file(path: Path | str, output: Path | str | None = None, *, sheet: str | None = None,
               analysis_date: dt.date | None = None, threshold: float | None = None,
               archive_inactive: bool = True, columns: dict[str, str] | None = None) -> CleanRun:
    """Write a cleaned copy of ``path`` (default ``NOM.nettoye.xlsx``); the input is never modified."""
    base = load_base(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    target = _check_output(base.path, Path(output) if output is not None else default_clean_output(base.path))
    if threshold is not None:
        # the audit's pairs must reach down to the threshold asked on the command line
        base.settings = base.settings.replace(seuil_doublons=threshold)
    report = _audit(base)
    p = base.prepared
    result = clean(p.clients, pairs=report.pairs, repairs=report.repairs, settings=base.settings,
                   threshold=threshold, archive_inactive=archive_inactive, derived=p.derived)
    # what the reading set aside (a Total row, empty extra CSV fields): the copy has no « Qualité » to say it
    notes: list[str] = [f"{n.where()[:1].upper()}{n.where()[1:]} : {n.message}" if n.where() else n.message
                        for n in base.data.notes]
    notes += ["Attention : " + n for n in base.control_notes]
    with files.run_lock(base.path, target):
        if len(p.clients) >= FAST_ROWS and _fast_possible(base):
            backup = _clean_fast(base, result, target)
        else:
            wb = _open(base, target)
            cell_formulas = _client_formulas(wb, base)
            removed = _rewrite_clients(wb, base, result, cell_formulas, notes)
            _append_archives(wb, base, result, cell_formulas, removed)
            backup = _save(wb, target, backup=True)
    if base.kind != "csv":
        notes += _other_sheets_notes(base, result)
    return CleanRun(input=base.path, output=target, report=report, result=result,
                    kept=len(result.clients), archived=len(p.clients) - len(result.clients),
                    backup=backup, notes=notes)


# ------------------------------------------------------------------ writing

_F_TEXT = re.compile(r"<(?:\w+:)?f\b[^>]*>([^<]+)</(?:\w+:)?f>")


def _other_sheets_notes(base: LoadedBase, result: CleanResult) -> list[str]:
    """« Attention » for the formulas of the other sheets that name rows of the client table.

    Those sheets are copied as they are: a reference like ``='Clients'!H7``
    would now point at another client (Excel adjusts it when rows are deleted
    by hand; we do not rewrite the user's other sheets), so we name them.
    """
    import html
    import zipfile

    from . import fastsheet

    data = base.data
    first = data.header_row + 1
    move = formulas.RowMove(data.sheet, first, data.last_data_row,
                            {r: first + i for i, r in enumerate(result.clients.index)})
    if all(r == n for r, n in move.new.items()) and len(move.new) == data.last_data_row - first + 1:
        return []  # no row moved
    notes = []
    try:
        with zipfile.ZipFile(base.path) as zf:
            for name in base.sheets:
                if name in (data.sheet, ARCHIVES) or name in reader.OUR_SHEETS:
                    continue
                try:
                    raw = zf.read(fastsheet.sheet_part(zf, name))
                except (KeyError, OSError):
                    continue
                if not _FORMULA_TAG.search(raw):
                    continue
                xml = raw.decode("utf-8", "replace")
                found = []
                for m in _F_TEXT.finditer(xml):
                    text = "=" + html.unescape(m.group(1))
                    if data.sheet not in text:
                        continue
                    moved = formulas.move_formula(text, move, 0, 1, home=False)
                    if moved != text:
                        found.append(text)
                if found:
                    n = len(found)
                    what = "1 formule" if n == 1 else f"{n} formules"
                    verb = "renvoie" if n == 1 else "renvoient"
                    notes.append(
                        f"Attention : {what} de la feuille « {name} » {verb} à des lignes de « {data.sheet} » que le "
                        f"nettoyage a déplacées ou retirées (par exemple {found[0]}) ; cette feuille est copiée "
                        "telle quelle : vérifiez ces formules.")
    except (zipfile.BadZipFile, OSError):
        return []
    return [n.replace(" :", "\u00a0:").replace(" ;", "\u00a0;").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
            for n in notes]


def _check_output(source: Path, target: Path, *, audit: bool = False) -> Path:
    if target.is_dir() or not target.name:
        name = f"{source.stem} qualité.xlsx" if audit else default_clean_output(Path(source.name)).name
        example = files.shell_quote(target / name)
        raise WorkbookError(
            f"« {target} » est un dossier : l'option -o attend le nom du classeur à écrire, par exemple : -o {example}"
        )
    if target.suffix.lower() not in files.EXCEL_SUFFIXES:
        raise WorkbookError(f"Le fichier de sortie « {target.name} » doit avoir l'extension .xlsx ou .xlsm.")
    if target.exists() and source.exists() and target.resolve() == source.resolve():
        if audit:
            raise WorkbookError(
                "L'audit écrit une copie avec la feuille « Qualité » : choisissez un autre nom de fichier que "
                f"l'original « {source.name} »."
            )
        raise WorkbookError(
            f"Le nettoyage écrit une copie : choisissez un fichier de sortie différent de « {source.name} » "
            "(par défaut NOM.nettoye.xlsx)."
        )
    if source.exists() and files.backup_path(target).resolve() == source.resolve():
        raise WorkbookError(
            f"La sauvegarde de « {target.name} » remplacerait « {source.name} », le fichier d'origine : "
            "choisissez un autre nom de fichier de sortie."
        )
    files.check_not_open(target)
    if not target.parent.exists():
        try:
            target.parent.mkdir(parents=True)
        except OSError as err:
            raise WorkbookError(f"Impossible de créer le dossier « {target.parent} » : {files.os_reason(err)}.") from None
    return target


def _reduced_copy(base: LoadedBase, untouched: list[str], target: Path):
    from . import passthrough

    try:
        return passthrough.reduced_copy(base.path, untouched, target.parent, prefix=files.reduced_prefix(target))
    except OSError as err:
        raise WorkbookError(
            f"Impossible d'écrire dans le dossier « {target.parent} » ({files.os_reason(err)}) : choisissez un "
            "dossier où vous avez le droit d'écrire (option -o)."
        ) from None


def _open(base: LoadedBase, target: Path):
    import openpyxl

    from .reader import load_openpyxl

    if base.kind == "csv":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = base.data.sheet
        for j, header in enumerate(base.data.frame.columns, start=1):
            set_value(ws.cell(1, j), header)
        for i, row in enumerate(base.data.frame.itertuples(index=False), start=2):
            for j, v in enumerate(row, start=1):
                _write(ws, i, j, _csv_cell(v))
        return wb
    keep_vba = base.kind == "xlsm" and target.suffix.lower() == ".xlsm"
    # the sheets we do not write into (invoices…) go through untouched, without openpyxl loading their cells
    untouched = [n for n in base.sheets if n not in (base.data.sheet, ARCHIVES, "Qualité")]
    reduced, emptied = _reduced_copy(base, untouched, target)
    try:
        wb = load_openpyxl(reduced, base.kind, keep_vba=keep_vba, name=base.path.name)
    finally:
        reduced.unlink()
    wb._segmenter_passthrough = (base.path, emptied)
    return wb


def _save(wb, target: Path, *, backup: bool = False) -> Path | None:
    """Save ``wb`` atomically; with ``backup``, the previous ``target`` is kept as ``NOM.sauvegarde.xlsx``."""
    from . import passthrough, saving

    source, emptied = getattr(wb, "_segmenter_passthrough", (None, []))
    inject = passthrough.injectors(source, emptied) if emptied else {}
    return files.atomic_write(target, lambda tmp: saving.save_workbook(wb, tmp, inject), backup=backup,
                              verify=files.verify_xlsx)


def _cell(v):
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _csv_cell(v):
    """A CSV value as a cell: empty stays empty, text starting with « = » stays text (not a formula)."""
    v = _cell(v)
    if isinstance(v, str) and formulas.is_formula(v):
        return formulas.FormulaText(v)
    return v


def _write(ws, row: int, col: int, value, *, formula: bool = False):
    """Write one cell: text as text (never a formula, whatever it starts with), ``formula`` only on purpose."""
    cell = ws.cell(row, col)
    if formula:
        cell.value = value
    else:
        set_value(cell, str(value) if isinstance(value, formulas.FormulaText) else value)
    return cell


def _typed_cell(field: str, v):
    """A cleaned value as the cell to write (text for codes, a real date, a number)."""
    v = _cell(v)
    if v is None:
        return None
    if field in ("date_premier_achat", "date_dernier_achat"):
        return pd.Timestamp(v).to_pydatetime()
    if field in _TEXT_FIELDS:
        return str(v)
    if field == "nb_commandes":
        return int(round(float(v)))
    return v


def _write_qualite(wb, base: LoadedBase, report: AuditReport) -> None:
    from openpyxl.utils import get_column_letter

    from ..layout.qualite import build_qualite
    from ..layout.render_openpyxl import render

    header_col = {h: get_column_letter(c) for h, c in base.data.columns.items()}

    def locate(sheet: str, header: str | None) -> str | None:
        if sheet not in wb.sheetnames:
            return None
        if header is None:
            return "A"
        return header_col.get(header, "") if sheet == base.data.sheet else ""

    # what the reading set aside (a Total row, empty extra CSV fields) is said with the audit's findings
    render(wb, build_qualite(base.data.notes, report, locate=locate, analysis_date=report.analysis_date))


def _kept_rows(base: LoadedBase, result: CleanResult) -> tuple[list[list], set[int], set[int]]:
    """The cleaned sheet's rows as cell values by Excel column (1-based, ``row[col - 1]``).

    Original cell values, except the cells the cleaning changed (merged rows,
    Excel repairs; every mapped cell of a CSV) which get the cleaned value.
    Also returns the Excel columns to format as text and as dates.
    """
    data = base.data
    frame = data.frame
    columns = base.prepared.columns
    cleaned = result.clients
    header_of = {f: h for f, h in columns.items()}
    field_of = {h: f for f, h in columns.items()}
    changed: dict[tuple, object] = {}
    merged_rows = (set(result.merges["principal"]) if len(result.merges) else set()) & set(cleaned.index)
    if base.kind == "csv":
        # a CSV's cells are all text: the workbook gets the parsed values (dates, amounts)
        merged_rows = set(cleaned.index)
    if merged_rows:
        merged = cleaned.loc[sorted(merged_rows)]
        for name in merged.columns:
            if name in header_of:
                for r, v in zip(merged.index, merged[name].tolist()):
                    changed[(r, name)] = v
    repairs = result.repairs[result.repairs["row"].isin(cleaned.index) & result.repairs["champ"].isin(header_of)]
    for row, name in zip(repairs["row"], repairs["champ"]):
        changed[(row, name)] = cleaned.at[row, name]
    text_cols = {data.columns[header_of[f]] for f in _TEXT_FIELDS if f in header_of and header_of[f] in data.columns}
    date_cols = {data.columns[header_of[f]] for f in ("date_premier_achat", "date_dernier_achat")
                 if f in header_of and header_of[f] in data.columns}
    width = max(list(data.columns.values()) + list(data.output_columns.values()) + [1])
    # whole columns as lists: cell-by-cell lookups in a frame are slow
    position = {label: k for k, label in enumerate(frame.index)}
    values = {h: frame[h].tolist() for h in data.columns if h in frame.columns}
    rows = []
    for r in cleaned.index:
        k = position[r]
        row = [None] * width
        for header, col in data.columns.items():
            name = field_of.get(header)
            if name is not None and (r, name) in changed:
                row[col - 1] = _typed_cell(name, changed[(r, name)])
            else:
                row[col - 1] = _cell(values[header][k]) if header in values else None
        rows.append(row)
    return rows, text_cols, date_cols


def _client_formulas(wb, base: LoadedBase) -> dict[tuple[int, int], object]:
    """The formulas of the client table's data rows, read before the rows move: (row, col) → formula."""
    if base.kind == "csv":
        return {}
    data = base.data
    return formulas.sheet_formulas(wb[data.sheet], data.header_row + 1, data.last_data_row, data.columns.values())


def _same(a, b) -> bool:
    """Whether a written value is the cell's value (the value Excel last computed for its formula)."""
    a, b = _cell(a), _cell(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (dt.date, dt.datetime)) or isinstance(b, (dt.date, dt.datetime)):
        try:
            return pd.Timestamp(a) == pd.Timestamp(b)
        except (TypeError, ValueError):
            return False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    return str(a) == str(b)


def _shown(v) -> str:
    """A value in an « Attention » sentence, the French way."""
    v = _cell(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return f"{v:%d/%m/%Y}"
    if isinstance(v, float):
        return checks.fr_number(v, 0 if v.is_integer() else 2)
    return str(v)


def _rewrite_clients(wb, base: LoadedBase, result: CleanResult,
                     cell_formulas: dict[tuple[int, int], object] | None = None,
                     notes: list[str] | None = None) -> dict:
    """Kept rows moved up under the header with everything they carry, merged values and repairs written in.

    A row moves whole (:func:`_move_rows`): every cell of it — values, fills,
    number formats, notes, hyperlinks — and its height; the rows taken out leave
    the sheet, so nothing stays behind under the table for another client to
    carry. Formulas of the kept rows stay formulas, their references following
    the rows (:mod:`~segmenter_pme.audit.formulas`); when one cannot be kept (it
    names a row taken out, or the cleaning changed its value) the value is
    written and a sentence is added to ``notes``. Returns the cells of the rows
    taken out, for « Archives » (:func:`_append_archives`).
    """
    from openpyxl.utils import get_column_letter

    data = base.data
    ws = wb[data.sheet]
    first = data.header_row + 1
    kept = list(result.clients.index)
    rows, text_cols, date_cols = _kept_rows(base, result)
    cell_formulas = cell_formulas or {}
    notes = notes if notes is not None else []
    out_cols = set(data.output_columns.values())
    # rows of the range that are not clients (blank in the table's columns) but hold something elsewhere
    # (a note in a column without header): they are no one's to take out, so they move along in order
    loose = _loose_rows(ws, first, data.last_data_row, set(data.frame.index), out_cols)
    order = sorted(set(kept) | loose)
    new_row = {r: first + i for i, r in enumerate(order)}
    move = formulas.RowMove(data.sheet, first, data.last_data_row, new_row)
    table_cols = set(data.columns.values())
    others = _other_formulas(ws, first, data.last_data_row, table_cols | out_cols)
    removed = _move_rows(ws, first, data.last_data_row, new_row)
    header_at = {col: h for h, col in data.columns.items()}
    frame = data.frame
    for r, row in zip(kept, rows):
        target_row = new_row[r]
        for col in data.columns.values():
            value = row[col - 1]
            if base.kind == "csv":
                value = _csv_cell(value)
            written = value
            original = cell_formulas.get((r, col))
            if original is not None:
                where = f"{get_column_letter(col)}{r}"
                header = header_at[col]
                text = formulas.formula_text(original)
                cached = frame.at[r, header] if header in frame.columns else None
                if not _same(value, cached):
                    notes.append(f"Attention\u00a0: la cellule {where} («\u00a0{header}\u00a0») contenait la formule "
                                 f"{text}\u00a0; le nettoyage y écrit la valeur {_shown(value)} "
                                 f"(ligne {target_row} de la copie), la formule n'y est plus.")
                else:
                    moved = formulas.move_formula(original, move, r, col)
                    if moved is None:
                        kept_value = "est laissée vide" if value is None else f"reçoit sa valeur {_shown(value)}"
                        notes.append(f"Attention\u00a0: la formule {text} de la cellule {where} renvoie à une ligne "
                                     f"retirée par le nettoyage\u00a0; dans la copie, la cellule "
                                     f"{get_column_letter(col)}{target_row} {kept_value} à la place.")
                    else:
                        written = moved
            cell = _write(ws, target_row, col, written, formula=written is not value)
            if col in text_cols and value is not None:
                cell.number_format = "@"
            elif col in date_cols and value is not None and not isinstance(value, str):
                cell.number_format = "dd/mm/yyyy"
    for (r, col), original in others.items():
        if r not in new_row:
            continue
        moved = formulas.move_formula(original, move, r, col)
        if moved is None:
            notes.append(f"Attention\u00a0: la formule {formulas.formula_text(original)} de la cellule "
                         f"{get_column_letter(col)}{r} renvoie à une ligne retirée par le nettoyage\u00a0; elle est "
                         f"recopiée telle quelle en {get_column_letter(col)}{new_row[r]} de la copie\u00a0: "
                         "vérifiez-la.")
        else:
            ws.cell(new_row[r], col).value = moved
    # our segmentation columns no longer match their rows: the next run recomputes them
    for row in new_row.values():
        for col in out_cols:
            ws.cell(row, col).value = None
    _resize_table(ws, data, len(order), move)
    return removed


def _loose_rows(ws, first: int, last: int, clients: set, skip_cols: set[int]) -> set[int]:
    return {r for (r, c), cell in ws._cells.items()
            if first <= r <= last and r not in clients and c not in skip_cols and cell.value is not None}


def _other_formulas(ws, first: int, last: int, skip_cols: set[int]) -> dict[tuple[int, int], object]:
    """Formulas of the range in columns outside the table (read before the rows move)."""
    return {(r, c): cell.value for (r, c), cell in ws._cells.items()
            if first <= r <= last and c not in skip_cols and cell.data_type == "f" and formulas.is_formula(cell.value)}


def _move_rows(ws, first: int, last: int, new_row: dict[int, int]) -> dict[tuple[int, int], object]:
    """Rows ``first..last`` of ``ws``: row ``r`` becomes ``new_row[r]`` with every cell and its height; the others go.

    openpyxl's cell objects carry the value, the style (fill, font, number
    format, borders), the note and the hyperlink: moving the object moves them
    all. Rows not in ``new_row`` leave the sheet entirely (no formatted empty
    cell stays behind); their cells are returned: (row, col) → cell.
    """
    moving = {key: cell for key, cell in ws._cells.items() if first <= key[0] <= last}
    removed = {}
    for key in moving:
        del ws._cells[key]
    for (r, c), cell in moving.items():
        target = new_row.get(r)
        if target is None:
            removed[(r, c)] = cell
            continue
        cell.row = target
        ws._cells[(target, c)] = cell
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
    dims = {r: ws.row_dimensions[r] for r in list(ws.row_dimensions) if first <= r <= last}
    for r in dims:
        del ws.row_dimensions[r]
    for r, dim in dims.items():
        target = new_row.get(r)
        if target is not None:
            dim.index = target
            ws.row_dimensions[target] = dim
    return removed


def _resize_table(ws, data: reader.SheetData, n_kept: int, move: formulas.RowMove | None = None) -> None:
    """The Excel Table (and its Totals row, its formulas following the kept rows), or the filter, shrinks."""
    from openpyxl.utils import get_column_letter

    first = data.header_row + 1
    last_kept = max(first, first + n_kept - 1)
    table = data.table or next((t for t in reader.find_tables(ws) if t.min_row == data.header_row), None)
    if table is not None and table.name in ws.tables:
        t = ws.tables[table.name]
        # reader.find_tables reads totals_rows from ws.tables.items(), whose values are refs: always 0
        totals = int(t.totalsRowCount or 0)
        if totals and table.max_row != last_kept + 1:
            for col in range(table.min_col, table.max_col + 1):
                src, dst = ws.cell(table.max_row, col), ws.cell(last_kept + 1, col)
                value = src.value
                if move is not None and isinstance(value, str) and formulas.is_formula(value):
                    value = formulas.move_formula(value, move, table.max_row, col) or value
                dst._style = copy(src._style)
                if src.data_type == "f":
                    dst.value = value
                else:
                    set_value(dst, value)
                src.value = None
        left, right = get_column_letter(table.min_col), get_column_letter(table.max_col)
        t.ref = f"{left}{table.min_row}:{right}{last_kept + totals}"
        if t.autoFilter is not None:
            t.autoFilter.ref = f"{left}{table.min_row}:{right}{last_kept}"
    elif ws.auto_filter.ref:
        ws.auto_filter.ref = f"A{data.header_row}:{get_column_letter(max(data.columns.values()))}{last_kept}"


def _archive_rows(base: LoadedBase, result: CleanResult,
                  cell_formulas: dict[tuple[int, int], object] | None = None) -> tuple[list[str], list[list]]:
    """Headers and rows of « Archives »: the bookkeeping columns, then the user's columns with their cell values.

    A cell that held a formula gets the formula's text (``=H7*0.3``, written as
    text), so the original row can be rebuilt.
    """
    cell_formulas = cell_formulas or {}
    arch = result.archives
    data = base.data
    frame = data.frame
    columns = base.prepared.columns
    field_of = {h: f for f, h in columns.items()}
    user_headers = list(data.columns)
    book_headers = list(ARCHIVE_COLUMNS.values())
    name_field = next((f for f in ("raison_sociale", "nom", "client_id") if f in columns), None)
    headers = book_headers[:3] + ["Fusionné dans (client)"] + book_headers[3:] + user_headers
    merged_principals = set(result.merges["principal"]) if len(result.merges) else set()
    names = base.prepared.clients[name_field] if name_field else None
    position = {label: k for k, label in enumerate(frame.index)}
    values = {h: frame[h].tolist() for h in user_headers if h in frame.columns}
    rows = []
    for rec in arch.to_dict("records"):
        r = rec["ligne_origine"]
        into = rec.get("fusionne_dans")
        into = None if into is None or (isinstance(into, float) and np.isnan(into)) else into
        who = names.get(into) if (names is not None and into is not None) else None
        conf = rec.get("confiance")
        row = [r, rec["motif"], into, who, rec.get("groupe"),
               None if conf is None or (isinstance(conf, float) and np.isnan(conf)) else int(conf),
               rec.get("raison"), _cell(rec.get("date_archivage"))]
        # an inactive client that was the principal of a merge is archived with its merged values
        use_merged = rec["motif"] == MOTIF_INACTIF and r in merged_principals
        for h in user_headers:
            name = field_of.get(h)
            original = cell_formulas.get((r, data.columns[h]))
            if use_merged and name is not None:
                row.append(_typed_cell(name, rec.get(name)))
            elif original is not None:
                row.append(formulas.FormulaText(formulas.formula_text(original)))
            elif base.kind == "csv":
                row.append(_csv_cell(values[h][position[r]]) if h in values else None)
            else:
                row.append(_cell(values[h][position[r]]) if h in values else None)
        rows.append([v if isinstance(v, formulas.FormulaText) else _cell(v) for v in row])
    return headers, rows


def _archives_sheet(wb, headers: list[str]):
    """The « Archives » sheet (created with its header row) and the first free row."""
    from openpyxl.styles import Font, PatternFill

    if ARCHIVES in wb.sheetnames:
        ws = wb[ARCHIVES]
        existing = [c.value for c in ws[1]]
        if existing[: len(headers)] != headers:
            raise WorkbookError(
                f"La feuille « {ARCHIVES} » existe déjà avec d'autres colonnes : renommez-la avant de nettoyer."
            )
        return ws, ws.max_row + 1
    ws = wb.create_sheet(ARCHIVES)
    for j, h in enumerate(headers, start=1):
        c = set_value(ws.cell(1, j), h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
    ws.freeze_panes = "A2"
    return ws, 2


def _append_archives(wb, base: LoadedBase, result: CleanResult,
                     cell_formulas: dict[tuple[int, int], object] | None = None,
                     removed: dict[tuple[int, int], object] | None = None) -> None:
    """Rows taken out appended to « Archives »; their cells keep the look, note and link they had (``removed``)."""
    from copy import copy

    if result.archives.empty:
        return
    headers, rows = _archive_rows(base, result, cell_formulas)
    ws, start = _archives_sheet(wb, headers)
    user_start = len(headers) - len(base.data.columns) + 1  # the user's columns follow our bookkeeping ones
    user_cols = [(user_start + k, col) for k, col in enumerate(base.data.columns.values())]
    removed = removed or {}
    for i, (row, origin) in enumerate(zip(rows, result.archives["ligne_origine"].tolist())):
        for j, v in enumerate(row, start=1):
            c = _write(ws, start + i, j, v)
            if isinstance(v, dt.datetime):
                c.number_format = "dd/mm/yyyy"
        for j, col in user_cols:
            source = removed.get((origin, col))
            if source is None:
                continue
            c = ws.cell(start + i, j)
            if source.has_style:
                c._style = copy(source._style)  # same workbook: the style indices are valid here
            if source.comment is not None:
                note = source.comment
                source.comment = None  # a note belongs to one cell: unbound from the row that left
                c.comment = note
            if source.hyperlink is not None:
                link = copy(source.hyperlink)
                c.hyperlink = link
                c.hyperlink.ref = c.coordinate


# ------------------------------------------------------------------ big sheets

#: from this many client rows, the cleaned sheet and « Archives » are streamed
#: into the saved file instead of going cell by cell through openpyxl
FAST_ROWS = 20_000


def _fast_possible(base: LoadedBase) -> bool:
    """Streaming rewrites every row under the header: only when nothing else lives there."""
    from .passthrough import KEEP_ROWS

    data = base.data
    return (base.kind != "csv" and ARCHIVES not in base.sheets and data.header_row + 1 <= KEEP_ROWS
            and data.total_row is None and data.last_used_row <= data.last_data_row
            and not _has_formulas(base.path, data.sheet)
            and _rows_look_alike(base.path, data.sheet, data.header_row))


_CELL_TAG = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*)>')
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')
_ROW_TAG = re.compile(rb'<row r="(\d+)"([^>]*)>')
_ROW_LOOK = re.compile(rb'\b(?:ht|hidden|customFormat)="')


def _rows_look_alike(path: Path, sheet: str, header_row: int) -> bool:
    """Whether the data rows carry nothing of their own: no note, hyperlink, row height, nor a cell
    styled unlike the rest of its column. Only then may the streamed path write every row with the
    first row's look; otherwise the openpyxl path moves each row with what it carries."""
    import zipfile

    from . import fastsheet

    try:
        with zipfile.ZipFile(path) as zf:
            part = fastsheet.sheet_part(zf, sheet)
            rels = part.rsplit("/", 1)[0] + "/_rels/" + part.rsplit("/", 1)[1] + ".rels"
            if rels in zf.namelist() and re.search(rb"/comments|/hyperlink", zf.read(rels)):
                return False
            styles: dict[bytes, bytes] = {}
            with zf.open(part) as fh:
                tail = b""
                while chunk := fh.read(1 << 22):
                    block = tail + chunk
                    # a tag may straddle two chunks: from the last one on, it is read with the next chunk
                    cut = max(block.rfind(b"<c "), block.rfind(b"<row"))
                    cut = len(block) if cut < 0 else cut
                    body, tail = block[:cut], block[cut:]
                    if b"<hyperlink" in body:
                        return False
                    for row, attrs in _ROW_TAG.findall(body):
                        if int(row) > header_row and _ROW_LOOK.search(attrs):
                            return False
                    for letter, row, attrs in _CELL_TAG.findall(body):
                        if int(row) <= header_row:
                            continue
                        m = _STYLE_ATTR.search(attrs)
                        style = m.group(1) if m else b""
                        if styles.setdefault(letter, style) != style:
                            return False
                if b"<hyperlink" in tail:
                    return False
    except Exception:
        return False  # when in doubt, the openpyxl path keeps everything
    return True


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path, sheet: str) -> bool:
    """Whether the sheet's XML holds a formula (the streamed rows are values only: formulas take the openpyxl path)."""
    import zipfile

    from . import fastsheet

    try:
        with zipfile.ZipFile(path) as zf:
            with zf.open(fastsheet.sheet_part(zf, sheet)) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    block = tail + chunk
                    if _FORMULA_TAG.search(block):
                        return True
                    tail = block[-8:]
    except Exception:
        return True  # when in doubt, the openpyxl path keeps everything
    return False


def _clean_fast(base: LoadedBase, result: CleanResult, target: Path) -> Path | None:
    """The same cleaned copy as the openpyxl path, with the big sheets streamed by the workbook engine."""
    from . import fastsheet, passthrough
    from .reader import load_openpyxl

    data = base.data
    keep_vba = base.kind == "xlsm" and target.suffix.lower() == ".xlsm"
    untouched = [n for n in base.sheets if n not in (ARCHIVES, "Qualité")]
    reduced, emptied = _reduced_copy(base, untouched, target)
    try:
        wb = load_openpyxl(reduced, base.kind, keep_vba=keep_vba, name=base.path.name)
    finally:
        reduced.unlink()
    if data.sheet not in emptied:
        raise WorkbookError(f"La feuille « {data.sheet} » n'a pas pu être lue pour le nettoyage rapide.")
    ws = wb[data.sheet]
    first = data.header_row + 1
    rows, text_cols, date_cols = _kept_rows(base, result)
    # the first data row is the styled sample each column's cells copy
    for col in text_cols:
        ws.cell(first, col).number_format = "@"
    for col in date_cols:
        ws.cell(first, col).number_format = "dd/mm/yyyy"
    width = len(rows[0]) if rows else 1
    clients = pd.DataFrame(rows, columns=range(width), dtype=object)
    inject = {data.sheet: fastsheet.injector(clients, first_row=first)}
    _resize_table(ws, data, len(rows))
    if not result.archives.empty:
        headers, arch_rows = _archive_rows(base, result)
        aws, _ = _archives_sheet(wb, headers)
        sample = arch_rows[0]
        for j, v in enumerate(sample, start=1):
            c = set_value(aws.cell(2, j), str(v) if isinstance(v, formulas.FormulaText) else v)
            if isinstance(v, dt.datetime):
                c.number_format = "dd/mm/yyyy"
        inject[ARCHIVES] = fastsheet.injector(pd.DataFrame(arch_rows, dtype=object), first_row=2)
    inject.update(passthrough.injectors(base.path, [n for n in emptied if n != data.sheet]))

    from . import saving

    return files.atomic_write(target, lambda tmp: saving.save_workbook(wb, tmp, inject), backup=True,
                              verify=files.verify_xlsx)
