"""The copy of the user's file that the audit or the cleaning writes: output checks, opening it (the
sheets we do not touch passed through as they are), cell values written as the user's, saving it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..audit import formulas
from ..errors import WorkbookError
from ..layout.cells import set_value
from . import files
from .audit_load import LoadedBase
from .writer import cell_value, cell_values


ARCHIVES = "Archives"


CLEAN_TAG = ".nettoye"


TEXT_FIELDS = ("code_postal", "siret", "siren", "client_id", "telephone")


def default_clean_output(path: Path) -> Path:
    """``Clients.xlsx`` → ``Clients.nettoye.xlsx`` (a CSV gives an .xlsx)."""
    path = Path(path)
    suffix = path.suffix.lower() if path.suffix.lower() in files.EXCEL_SUFFIXES else ".xlsx"
    return path.with_name(path.stem + CLEAN_TAG + suffix)


def check_output(source: Path, target: Path, *, audit: bool = False) -> Path:
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


def reduced_copy(base: LoadedBase, untouched: list[str], target: Path, cuts: dict[str, str] | None = None):
    from . import passthrough

    try:
        return passthrough.reduced_copy(base.path, untouched, target.parent, prefix=files.reduced_prefix(target),
                                        cuts=cuts)
    except OSError as err:
        raise WorkbookError(
            f"Impossible d'écrire dans le dossier « {target.parent} » ({files.os_reason(err)}) : choisissez un "
            "dossier où vous avez le droit d'écrire (option -o)."
        ) from None


def open_copy(base: LoadedBase, target: Path):
    import openpyxl

    from .loading import load_openpyxl

    if base.kind == "csv":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = base.data.sheet
        for j, header in enumerate(base.data.frame.columns, start=1):
            set_value(ws.cell(1, j), header)
        for i, row in enumerate(base.data.frame.itertuples(index=False), start=2):
            for j, v in enumerate(row, start=1):
                write_cell(ws, i, j, csv_cell(v))
        return wb
    keep_vba = base.kind == "xlsm" and target.suffix.lower() == ".xlsm"
    # the sheets we do not write into (invoices…) go through untouched, without openpyxl loading their cells
    untouched = [n for n in base.sheets if n not in (base.data.sheet, ARCHIVES, "Qualité")]
    reduced, emptied = reduced_copy(base, untouched, target)
    try:
        wb = load_openpyxl(reduced, base.kind, keep_vba=keep_vba, name=base.path.name)
    finally:
        reduced.unlink()
    wb._segmenter_passthrough = (base.path, emptied)
    return wb


def save_copy(wb, target: Path, *, backup: bool = False) -> Path | None:
    """Save ``wb`` atomically; with ``backup``, the previous ``target`` is kept as ``NOM.sauvegarde.xlsx``."""
    from . import passthrough, saving

    source, emptied = getattr(wb, "_segmenter_passthrough", (None, []))
    inject = passthrough.injectors(source, emptied) if emptied else {}
    return files.atomic_write(target, lambda tmp: saving.save_workbook(wb, tmp, inject), backup=backup,
                              verify=files.verify_xlsx)


def csv_cell(v):
    """A CSV value as a cell: empty stays empty, text starting with « = » stays text (not a formula)."""
    v = cell_value(v)
    if isinstance(v, str) and formulas.is_formula(v):
        return formulas.FormulaText(v)
    return v


def write_cell(ws, row: int, col: int, value, *, formula: bool = False):
    """Write one cell: text as text (never a formula, whatever it starts with), ``formula`` only on purpose."""
    cell = ws.cell(row, col)
    if formula:
        cell.value = value
    else:
        set_value(cell, str(value) if isinstance(value, formulas.FormulaText) else value)
    return cell


def typed_cell(field: str, v):
    """A cleaned value as the cell to write (text for codes, a real date, a number)."""
    v = cell_value(v)
    if v is None:
        return None
    if field in ("date_premier_achat", "date_dernier_achat"):
        return pd.Timestamp(v).to_pydatetime()
    if field in TEXT_FIELDS:
        return str(v)
    if field == "nb_commandes":
        return int(round(float(v)))
    return v


def typed_cells(field: str, values) -> list:
    """:func:`typed_cell` of each value of one field, the blanks and texts found at once (:func:`writer.cell_values`)."""
    values = cell_values(values)
    if field in ("date_premier_achat", "date_dernier_achat"):
        return [None if v is None else pd.Timestamp(v).to_pydatetime() for v in values]
    if field in TEXT_FIELDS:
        return [None if v is None else str(v) for v in values]
    if field == "nb_commandes":
        return [None if v is None else int(round(float(v))) for v in values]
    return values
