"""Write the e-mailing and CRM lists of :mod:`segmenter_pme.lists` into a folder.

Each file is written whole to a temporary file beside it and renamed (a list
half written never replaces a good one). ``index.csv`` says what was written.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import WorkbookError
from ..lists import FORMATS, ListsBundle, build_lists
from . import files

INDEX_NAME = "index.csv"


@dataclass
class ListsReport:
    folder: Path
    bundle: ListsBundle
    index: pd.DataFrame  # Fichier, Liste, Famille, Contacts, Sans e-mail (écartés)
    result: object  # SegmentationResult


def default_folder(path: Path) -> Path:
    """``Clients.xlsx`` → ``Clients - listes`` beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem} - listes")


def write_csv(target: Path, frame: pd.DataFrame, *, delimiter: str, encoding: str) -> None:
    """``frame`` (all text) as a CSV file, every field quoted when it must be, Windows line ends."""

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            # pandas' writer is the csv module's rules (quotes where needed), row blocks at a time
            frame.to_csv(fh, sep=delimiter, index=False, header=[str(c) for c in frame.columns],
                         quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")

    try:
        files.atomic_write(target, write, backup=False)
    except UnicodeEncodeError as err:
        raise WorkbookError(
            f"« {target.name} » : le caractère « {err.object[err.start:err.end]} » ne peut pas être écrit dans "
            f"l'encodage {encoding}. Corrigez la cellule dans le fichier clients, puis relancez."
        ) from None
    except OSError as err:
        raise WorkbookError(f"Impossible d'écrire « {target} » : {files.os_reason(err)}. Fermez ce fichier s'il "
                            "est ouvert, ou choisissez un autre dossier avec -o.") from None


def write_bundle(bundle: ListsBundle, folder: Path) -> pd.DataFrame:
    """Write every file of ``bundle`` and ``index.csv`` into ``folder``; returns the index."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WorkbookError(f"Impossible de créer le dossier « {folder} » : {files.os_reason(err)}.") from None
    fmt = bundle.format
    plain = FORMATS["csv"]
    for item in bundle.lists:
        write_csv(folder / item.file_name, item.frame, delimiter=fmt.delimiter, encoding=fmt.encoding)
    for item in (bundle.no_email, bundle.tags):
        if item is not None:
            write_csv(folder / item.file_name, item.frame, delimiter=plain.delimiter, encoding=plain.encoding)
    index = bundle.index()
    shown = index.astype(str)
    write_csv(folder / INDEX_NAME, shown, delimiter=plain.delimiter, encoding=plain.encoding)
    return index


def export_lists(path: Path | str, folder: Path | str | None = None, fmt: str = "csv", *,
                 sheet: str | None = None, analysis_date: dt.date | None = None,
                 columns: dict[str, str] | None = None) -> ListsReport:
    """Segment ``path`` and write its lists in the format ``fmt`` into ``folder`` (``NOM - listes``)."""
    from .analysis import analyse_file

    if fmt not in FORMATS:
        names = ", ".join(FORMATS)
        raise WorkbookError(f"Format de liste inconnu : « {fmt} ». Formats possibles : {names}.")
    path = Path(path)
    target = Path(folder) if folder is not None else default_folder(path)
    if target.exists() and not target.is_dir():
        raise WorkbookError(f"« {target} » est un fichier : l'option -o attend un dossier où écrire les listes.")
    analysis = analyse_file(path, sheet=sheet, analysis_date=analysis_date, columns=columns)
    bundle = build_lists(analysis.result, fmt, watch=analysis.watch())
    index = write_bundle(bundle, target)
    return ListsReport(target, bundle, index, analysis.result)
