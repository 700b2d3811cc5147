"""Find the client table and the invoice lines in a workbook, and read them.

Values come from python-calamine (fast, and it returns the values Excel last
computed for formulas: :mod:`.loading`); only the structure we must respect when writing
(Excel Tables) comes from openpyxl. Frames keep the user's headers and use the
Excel row numbers as index, so every message names the real row; a trailing
« Total » row is set aside (:mod:`.set_aside`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import headers as hdr
from ..errors import InputDataError, MissingColumnError, WorkbookError
from ..fields import OUTPUT_COLUMNS
from . import control_chars, long_cells
from ..blank import is_blank
from .set_aside import split_total_row, total_row_note

#: sheets we write (« Archives »: rows set aside by ``segmenter nettoie``): never read as client or invoice data
OUR_SHEETS = ("Synthèse", "Évolution", "Plan d'actions", "Fiches segments", "Priorités de la semaine", "Qualité",
              "Paramètres", "Mode d'emploi", "Archives", "Campagnes", "Historique")
OUTPUT_NAME = "_segmenter_sortie"  # hidden defined name locating our output header cells
CALC_SUFFIX = " (calculée)"
#: « Région (calculée) » but « Score R (calculé) »; both endings are recognised (older workbooks say « calculée »)
CALC_SUFFIXES = (" (calculée)", " (calculé)")
_FEMININE = {"Récence (jours)", "Taille", "Région"}
OUR_HEADERS = set(OUTPUT_COLUMNS) | {c + suffix for c in OUTPUT_COLUMNS for suffix in CALC_SUFFIXES}


def calc_header(name: str) -> str:
    """Our header when the user already has a column of that name: « Région (calculée) », « Score R (calculé) »."""
    return name + (" (calculée)" if name in _FEMININE else " (calculé)")


def base_header(text: str) -> str:
    """« Région (calculée) » → « Région »: the output name behind one of our headers."""
    for suffix in CALC_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in OUTPUT_COLUMNS:
            return text[: -len(suffix)]
    return text
SCAN_ROWS = 30


@dataclass
class TableInfo:
    """An Excel Table (``ListObject``) that holds the data."""

    name: str
    ref: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int
    totals_rows: int = 0


@dataclass
class SheetData:
    """One table of data found in a sheet (client table or invoice lines)."""

    sheet: str
    shape: str  # "clients" | "factures"
    header_row: int  # Excel row, 1-based
    frame: pd.DataFrame  # user's columns only; index = Excel rows
    columns: dict[str, int]  # frame column → Excel column (1-based)
    mapping: dict[str, Any] = field(default_factory=dict)
    output_columns: dict[str, int] = field(default_factory=dict)  # our header → Excel column, if present
    output_headers: dict[str, str] = field(default_factory=dict)  # output name → header text used
    last_data_row: int = 0  # last Excel row of data (Total row excluded)
    total_row: int | None = None  # a trailing "Total" row, kept out of the analysis
    last_used_row: int = 0
    table: TableInfo | None = None
    #: every column with a header of the user on the header row, even outside an Excel Table
    header_cols: set[int] = field(default_factory=set)
    #: what the reading set aside (a Total row, empty extra fields of a CSV line): remarks for « Qualité »
    notes: list = field(default_factory=list)
    #: cells whose control characters were removed on reading (:mod:`.control_chars`)
    control_chars: list = field(default_factory=list)
    #: texts longer than an Excel cell holds, left in the user's cells (:mod:`.long_cells`)
    long_cells: list = field(default_factory=list)

    @property
    def last_user_col(self) -> int:
        return max(self.columns.values(), default=0)


def header_text(v: Any) -> str | None:
    if is_blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.strftime("%d/%m/%Y")
    return str(v).strip()


def output_header_cells(wb, sheet: str, header_row: int) -> list[int]:
    """Columns of our output headers recorded in the hidden defined name, if it points here."""
    return _name_columns(_get_defined_name(wb, OUTPUT_NAME), sheet, header_row)


_OUTPUT_NAME_XML = re.compile(r'<(?:\w+:)?definedName\b[^>]*\bname="' + re.escape(OUTPUT_NAME) + r'"[^>]*>([^<]*)<')


def output_header_cells_in_file(path: Path, sheet: str, header_row: int) -> list[int]:
    """:func:`output_header_cells` of a workbook on disk, from its ``workbook.xml`` (no openpyxl load)."""
    import html
    import zipfile

    from openpyxl.workbook.defined_name import DefinedName

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return []
    m = _OUTPUT_NAME_XML.search(xml)
    if m is None:
        return []
    return _name_columns(DefinedName(OUTPUT_NAME, attr_text=html.unescape(m.group(1))), sheet, header_row)


def _name_columns(dn, sheet: str, header_row: int) -> list[int]:
    if dn is None:
        return []
    try:
        dests = list(dn.destinations)
    except Exception:
        return []
    from openpyxl.utils.cell import range_boundaries

    cols = []
    for title, ref in dests:
        if title != sheet:
            continue
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        except ValueError:
            return []
        if min_row != header_row:
            return []
        cols.extend(range(min_col, max_col + 1))
    return cols


def _get_defined_name(wb, name):
    try:
        return wb.defined_names.get(name)
    except AttributeError:  # pragma: no cover - openpyxl < 3.1
        for dn in wb.defined_names.definedName:
            if dn.name == name:
                return dn
    return None


def find_tables(ws) -> list[TableInfo]:
    from openpyxl.utils.cell import range_boundaries

    out = []
    # ws.tables.items() gives (name, ref) pairs in openpyxl: iterate the Table objects
    for table in ws.tables.values():
        name, ref = table.name or table.displayName, table.ref
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        totals = int(getattr(table, "totalsRowCount", 0) or 0)
        out.append(TableInfo(name, ref, min_col, min_row, max_col, max_row, totals))
    return out


def locate(values: dict[str, list[list[Any]]], *, sheet: str | None = None,
           overrides: dict[str, str] | None = None) -> dict[str, tuple[str, hdr.HeaderGuess]]:
    """``{"clients": (sheet, guess), "factures": (sheet, guess)}`` for the tables found by their headers."""
    if sheet is not None and sheet not in values:
        names = ", ".join(f"« {n} »" for n in values)
        raise WorkbookError(f"La feuille « {sheet} » n'existe pas dans ce classeur. Feuilles présentes : {names}.")
    ranked: dict[str, list[tuple[int, str, hdr.HeaderGuess]]] = {shape: [] for shape in hdr.SHAPES}
    candidates = [sheet] if sheet else [n for n in values if n not in OUR_SHEETS]
    for name in candidates:
        rows = [_strip_ours(r) for r in values[name][:SCAN_ROWS]]
        for shape in hdr.SHAPES:
            guess = _best_of_shape(rows, shape, overrides)
            if guess is None:
                continue
            # a sheet named like its content wins ties (« Clients », « Factures », « Ventes »)
            bonus = 1 if re.search(r"client" if shape == "clients" else r"factur|vente|ligne|command", name, re.I) else 0
            ranked[shape].append((guess.score * 2 + bonus, name, guess))
    for shape in ranked:  # stable: among equals, the first sheet wins
        ranked[shape].sort(key=lambda t: -t[0])
    found = {shape: (cands[0][1], cands[0][2]) for shape, cands in ranked.items() if cands}
    if "clients" in found and "factures" in found and found["clients"][0] == found["factures"][0]:
        # one sheet cannot be both: it is the stronger reading, and the other shape is looked for in
        # the other sheets — a client list without purchase columns (Code client, Entreprise, Secteur…)
        # beside the invoice lines is the client table (SPEC §1: both shapes in one workbook)
        c, f = found["clients"][1], found["factures"][1]
        kept, other = ("clients", "factures") if c.score >= f.score else ("factures", "clients")
        taken = found[kept][0]
        del found[other]
        for _score, name, guess in ranked[other]:
            if name == taken:
                continue
            invoice = guess if other == "factures" else found["factures"][1]
            client = guess if other == "clients" else found["clients"][1]
            if not _shares_key(client.mapping, invoice.mapping):
                continue
            if other == "clients" and not (re.search(r"client", name, re.I) or _one_row_per_client(values[name], guess)):
                continue  # a log of calls or reminders by client code is not the client list
            found[other] = (name, guess)
            break
    if sheet is not None and not found:
        raise MissingColumnError(
            f"La feuille « {sheet} » ne contient ni tableau de clients (colonnes Nom ou Entreprise, Date dernier "
            "achat, Nombre commandes, CA total) ni lignes de factures (Code client ou Client, Date, Montant HT) "
            "dans ses 30 premières lignes. Vérifiez les en-têtes de colonnes."
        )
    return found


def _shares_key(client_mapping: dict, invoice_mapping: dict) -> bool:
    """Whether a client table and invoice lines name the client the same way (code or company name)."""
    return any(k in client_mapping and k in invoice_mapping for k in ("client_id", "raison_sociale"))


def _one_row_per_client(rows: list[list[Any]], guess: hdr.HeaderGuess, min_distinct: float = 0.9) -> bool:
    """Whether the client key (code, else company name) of a table is (almost) one per row."""
    header = [header_text(c) for c in rows[guess.row]] if guess.row < len(rows) else []
    for key in ("client_id", "raison_sociale"):
        name = guess.mapping.get(key)
        if name is None or str(name) not in header:
            continue
        j = header.index(str(name))
        keys = [str(r[j]).strip() for r in rows[guess.row + 1:] if j < len(r) and not is_blank(r[j])]
        return bool(keys) and len(set(keys)) >= min_distinct * len(keys)
    return False


def _strip_ours(row: list[Any]) -> list[Any]:
    # our own output headers must not be read as the user's (our « Région » is not a region column)
    return [None if (isinstance(c, str) and c.strip() in OUR_HEADERS) else c for c in row]


def _best_of_shape(rows, shape, overrides):
    best = None
    for i, row in enumerate(rows):
        cells = [c for c in row if isinstance(c, str) and c.strip()]
        if len(cells) < 2:
            continue
        try:
            mapping = hdr.map_columns(list(row), shape, overrides)
        except Exception:
            mapping = hdr.map_columns(list(row), shape)
        score = hdr.shape_score(mapping, shape)
        if score and (best is None or score > best.score):
            best = hdr.HeaderGuess(i, shape, mapping, score)
    return best


def read_table(values: list[list[Any]], sheet: str, guess: hdr.HeaderGuess, *,
               tables: list[TableInfo] = (), our_cols: list[int] = ()) -> SheetData:
    """The data below the header row as a frame (user's columns only, index = Excel rows)."""
    header_row = guess.row + 1
    header_cells = values[guess.row] if guess.row < len(values) else []
    table = next((t for t in tables if t.min_row == header_row), None)
    if table is None:
        table = next((t for t in tables if t.min_row <= header_row <= t.max_row), None)
    # our columns: only those our hidden defined name records (with our headers). A column of the user's
    # called « Segment RFM » is theirs: it is read as theirs and ours goes beside it as « Segment RFM (calculé) »
    ours = {c for c in our_cols if c - 1 < len(header_cells) and header_text(header_cells[c - 1]) in OUR_HEADERS}
    columns: dict[str, int] = {}
    output_columns: dict[str, int] = {}
    output_headers: dict[str, str] = {}
    seen: dict[str, int] = {}
    header_cols: set[int] = set()
    for j, cell in enumerate(header_cells):
        col = j + 1
        text = header_text(cell)
        if text is not None and col not in ours:
            header_cols.add(col)
        if col in ours:
            base = base_header(text)
            output_columns[base] = col
            output_headers[base] = text
            continue
        if table is not None and not (table.min_col <= col <= table.max_col):
            continue
        if text is None:
            continue
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        columns[text] = col
    end = len(values)
    if table is not None:
        end = min(end, table.max_row - table.totals_rows)
    body = values[guess.row + 1: end]
    data = {name: _column(body, col - 1) for name, col in columns.items()}
    frame = pd.DataFrame(data, index=pd.RangeIndex(header_row + 1, header_row + 1 + len(body)), dtype=object)
    frame = frame.dropna(how="all")
    whole = frame
    frame, total_row = split_total_row(frame, guess.mapping)
    frame, cleaned = control_chars.clean_frame(frame)
    long = long_cells.sheet_cells(frame)
    for c in cleaned:
        if c.row is None and c.value in columns:  # a header: the column keeps its place under its cleaned name
            columns[c.column] = columns.pop(c.value)
    last_used = header_row
    for i in range(len(values) - 1, header_row - 1, -1):  # from the bottom: the first row holding a value
        if any(not is_blank(v) for v in values[i]):
            last_used = i + 1
            break
    return SheetData(
        sheet=sheet, shape=guess.shape, header_row=header_row, frame=frame, columns=columns,
        mapping=dict(guess.mapping), output_columns=output_columns, output_headers=output_headers,
        last_data_row=int(frame.index[-1]) if len(frame) else header_row, total_row=total_row,
        last_used_row=last_used if table is None else max(table.max_row, header_row), table=table,
        header_cols=header_cols, control_chars=cleaned, long_cells=long,
        notes=([] if total_row is None else [total_row_note(sheet, total_row, whole.loc[total_row])])
        + long_cells.sheet_issues(long, sheet),
    )


#: calamine's ``""`` and a text of spaces only: a blank cell (one C-level pass over a column)
_BLANK = np.frompyfunc(lambda v: isinstance(v, str) and (v == "" or v.isspace()), 1, 1)


def _column(body: list[list[Any]], j: int) -> np.ndarray:
    """Column ``j`` of the rows, blanks (calamine's ``""``, spaces only) as None."""
    arr = np.empty(len(body), dtype=object)
    if body and min(map(len, body)) > j:  # calamine's rectangle: every row has the column
        arr[:] = list(map(itemgetter(j), body))
    else:
        arr[:] = [r[j] if j < len(r) else None for r in body]
    if len(arr):
        arr[_BLANK(arr).astype(bool)] = None
    return arr


def require_data(data: SheetData) -> None:
    if data.frame.empty:
        what = "aucun client" if data.shape == "clients" else "aucune ligne de facture"
        raise InputDataError(
            f"La feuille « {data.sheet} » a bien des en-têtes (ligne {data.header_row}) mais {what} "
            "en dessous. Collez vos données sous les en-têtes puis relancez."
        )


