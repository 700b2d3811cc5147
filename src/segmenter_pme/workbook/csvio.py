"""French CSV exports: encoding and delimiter sniffing, read as text.

Accounting and e-commerce software export ``;``-separated files in cp1252 or
UTF-8 (often with a BOM) with ``,`` decimals. Values are read as text so that
nothing (leading zeros of postal codes, SIRET) is lost before the core parses
them; :func:`typed_columns` converts what is safely a number or a date for the
workbook we write.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .. import headers as hdr
from ..errors import MissingColumnError, WorkbookError
from . import control_chars, long_cells, set_aside

_DELIMITERS = (";", ",", "\t", "|")
_SAMPLE = 256 * 1024

# a cell of an export may hold more than the csv module's default 131 072 characters (a long note):
# without this, reading such a file stops with « field larger than field limit ». 2³¹ − 1 fits a C long everywhere.
csv.field_size_limit(2**31 - 1)


@dataclass
class CsvFormat:
    encoding: str
    delimiter: str
    header_line: int  # 0-based line of the header row
    #: (file line, fields) of the lines longer than the header whose extra fields were empty (dropped)
    long_lines: tuple[tuple[int, int], ...] = ()
    #: the values longer than an Excel cell holds, cut to its limit (:mod:`long_cells`)
    long_cells: tuple[long_cells.Cut, ...] = ()


def sniff(path: Path) -> tuple[str, str, str]:
    """(encoding, delimiter, decoded sample) of a CSV file."""
    raw = Path(path).read_bytes()[:_SAMPLE] if Path(path).stat().st_size <= _SAMPLE else _head(path)
    if not raw.strip():
        raise WorkbookError(f"Le fichier « {Path(path).name} » est vide : exportez à nouveau vos données.")
    if b"\x00" in raw[:4096]:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            raise WorkbookError(
                f"« {Path(path).name} » n'est pas un fichier texte CSV (contenu binaire). "
                "Indiquez un export .csv ou un classeur .xlsx."
            )
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            # a cut in the middle of a multibyte character at the end of the sample is not an error
            raw.decode("utf-8") if len(raw) < _SAMPLE else raw[: _SAMPLE - 4].decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    text = raw.decode(encoding, errors="replace")
    return encoding, _delimiter(text), text


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_SAMPLE)


def _delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ";", -1.0
    for d in _DELIMITERS:
        counts = [_count_outside_quotes(ln, d) for ln in lines]
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        # the delimiter is the one splitting most lines into the same number of fields
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (1 + min(mode, 20) / 20)
        if d == "," and ";" in text:
            score *= 0.5  # French decimals use commas: prefer ; when both appear
        if score > best_score:
            best, best_score = d, score
    return best


def _count_outside_quotes(line: str, d: str) -> int:
    if '"' not in line:
        return line.count(d)
    return len(next(csv.reader([line], delimiter=d))) - 1


def read_csv(path: Path, find_header_row: Callable[[list], int | None] | None = None
             ) -> tuple[pd.DataFrame, CsvFormat]:
    """The CSV as text columns, with the file's own headers; index = line numbers of the file.

    ``find_header_row(rows) -> int | None`` locates the header among the first
    lines (title lines above it are skipped).
    """
    path = Path(path)
    encoding, delimiter, sample = sniff(path)
    first = list(csv.reader(io.StringIO("\n".join(sample.splitlines()[:30])), delimiter=delimiter))
    header_line = 0
    if find_header_row is not None:
        found = find_header_row(first)
        if found is not None:
            header_line = int(found)
    options = dict(sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False, na_values=[],
                   skiprows=header_line, header=0, skip_blank_lines=False, engine="c", on_bad_lines="error",
                   encoding_errors="replace", index_col=False)  # never the first column as index: no shift
    long_lines: list[tuple[int, int]] = []
    cuts: list[tuple[int, str, str, int]] = []  # (position, column, start, length) of the values cut
    df = _read_arrow(cuts, path, encoding, delimiter, header_line, first[header_line] if header_line < len(first) else None)
    by_arrow = df is not None
    try:
        if df is None:  # anything unusual (short or long lines, odd headers, bad bytes): pandas and its messages
            with warnings.catch_warnings():
                # pandas only warns (and drops the extra fields) when the first data line is the long one
                warnings.simplefilter("error", pd.errors.ParserWarning)
                df = pd.read_csv(path, **options)
    except pd.errors.EmptyDataError:
        raise WorkbookError(f"Le fichier « {path.name} » ne contient aucune donnée.") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as err:
        n_header, long_lines = _long_lines(path, encoding, delimiter, header_line)
        if not long_lines:
            line = re.search(r"line (\d+)", str(err))
            where = f" à la ligne {line.group(1)}" if line else ""
            raise WorkbookError(
                f"Le fichier CSV « {path.name} » est mal formé{where} (guillemet non fermé ou nombre de colonnes "
                f"différent de l'en-tête ; séparateur détecté « {delimiter} »). Corrigez cette ligne ou "
                "exportez à nouveau le fichier."
            ) from None
        full = [(ln, n) for ln, n, empty in long_lines if not empty]
        if full:
            raise _long_lines_error(path.name, delimiter, header_line + 1, n_header, full) from None
        # the extra fields are all empty (a trailing separator): dropped, and said in « Qualité »
        df = pd.read_csv(path, usecols=range(n_header), **options)
        df.columns = _clean_headers(df.columns)
    if not by_arrow:  # the Arrow reader cut its own
        df = _cut_frame(df, cuts)
    df = df.replace("", None) if len(df) < 50_000 else df.mask(df == "")
    # file lines are 1-based and the header is line header_line + 1
    df.index = pd.RangeIndex(header_line + 2, header_line + 2 + len(df))
    found = _cut_cells(df, cuts)
    df = df.dropna(how="all")
    return df, CsvFormat(encoding, delimiter, header_line, tuple((ln, n) for ln, n, _ in long_lines), found)


def _read_arrow(cuts: list, path: Path, encoding: str, delimiter: str, header_line: int, header: list[str] | None
                ) -> pd.DataFrame | None:
    """The CSV as :func:`read_csv`'s ``pd.read_csv`` reads it, by Arrow's CSV reader, or None when the file
    is not a plain one (every line with the header's fields, distinct and non-empty headers, valid bytes).
    A value longer than an Excel cell holds is cut, and said in ``cuts`` (:func:`_cut_frame`).

    Arrow builds the text columns without a Python string per value: a 1 M-line export took
    0,21 s of CPU instead of 0,94 s for ``pd.read_csv`` (the file of ``benchmarks/bench_workbook.py --only csv``).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not header or any(not h for h in header) or len(set(header)) != len(header):
        return None
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding, skip_rows=header_line, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.large_string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.column_names != header:
        return None
    # a line break inside a value: a quote never closed, or a quoted multi-line value (which shifts the line
    # numbers the messages give): pandas says which line
    if any(control_chars.control_bytes(column) & {0x0A, 0x0D} for column in table.columns):
        return None
    columns = {}
    for h in header:
        columns[h], at, found = long_cells.cut_array(table.column(h))
        cuts.extend((int(i), h, start, n) for i, (start, n) in zip(at, found))
    return pd.DataFrame({h: pd.Series(columns[h], dtype=str) for h in header})


def _cut_frame(df: pd.DataFrame, cuts: list) -> pd.DataFrame:
    """``df`` (text columns) with its values longer than an Excel cell cut, each said in ``cuts``."""
    import pyarrow as pa

    for h in df.columns:
        values = df[h].to_numpy(dtype=object)
        cut, at, found = long_cells.cut_array(pa.array(values, type=pa.large_string(), from_pandas=True))
        if len(at):
            values = values.copy()
            values[at] = cut.take(pa.array(at)).to_pylist()
            df[h] = pd.Series(values, index=df.index, dtype=df[h].dtype)
            cuts.extend((int(i), str(h), start, n) for i, (start, n) in zip(at, found))
    return df


def _cut_cells(df: pd.DataFrame, cuts: list) -> tuple[long_cells.Cut, ...]:
    """The values cut, by line of the file: a value holding line breaks pushes down the lines below it."""
    if not cuts:
        return ()
    breaks = None
    if any(df[h].str.contains("\n", regex=False).fillna(False).any() for h in df.columns):  # only read by pandas
        breaks = sum(df[h].str.count("\n").fillna(0).astype("int64").to_numpy() for h in df.columns)
        breaks = np.concatenate([[0], np.cumsum(breaks)[:-1]])
    out = []
    for pos, column, start, n in sorted(cuts):
        row = int(df.index[pos])
        line = row + int(breaks[pos]) if breaks is not None and breaks[pos] else None
        out.append(long_cells.Cut(row, column, start, n, line))
    return tuple(out)


def _long_lines(path: Path, encoding: str, delimiter: str, header_line: int
                ) -> tuple[int, list[tuple[int, int, bool]]]:
    """Fields of the header, and (file line, fields, extra fields all empty) of each longer line."""
    found = []
    n_header = 0
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        rows = csv.reader(fh, delimiter=delimiter)
        start = 1
        for i, row in enumerate(rows):
            if i == header_line:
                n_header = len(row)
            elif i > header_line and len(row) > n_header:
                found.append((start, len(row), all(not v.strip() for v in row[n_header:])))
            start = rows.line_num + 1
    return n_header, found


def _long_lines_error(name: str, delimiter: str, header_line: int, n_header: int,
                      lines: list[tuple[int, int]]) -> WorkbookError:
    shown = " ; ".join(f"ligne {ln} : {n} champs" for ln, n in lines[:5])
    more = f" (et {len(lines) - 5} autres lignes)" if len(lines) > 5 else ""
    sep = {"\t": "la tabulation", ";": "le point-virgule", ",": "la virgule", "|": "la barre verticale"}.get(
        delimiter, "le caractère")
    return WorkbookError(
        f"Le fichier CSV « {name} » a des lignes plus longues que sa ligne d'en-têtes (ligne {header_line} : "
        f"{n_header} champs) — {shown}{more}. Les valeurs de ces lignes seraient décalées d'une colonne ou plus : rien "
        f"n'a été écrit. Le séparateur est {sep} « {delimiter} » : une valeur qui contient ce séparateur doit être entre "
        "guillemets. Corrigez ces lignes ou exportez à nouveau le fichier."
    )


def _clean_headers(cols) -> list[str]:
    out, seen = [], {}
    for i, c in enumerate(cols):
        name = str(c).strip()
        if name == "" or name.startswith("Unnamed:"):
            name = f"Colonne {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


# what a column of numbers looks like (digits, separators, sign, €); the value itself is read by the
# analysis's own rule (parsing.parse_amounts), whatever the CSV's separator: one rule, so the cell written
# is the value analysed (« 1234,56 » in a ,-separated file is 1234,56, never 123456)
_NUM = re.compile(r"^\(?-?[0-9][0-9 \u00a0\u202f.,]*\)?-?( ?€)?$")
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")
_TIME = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def typed_columns(df: pd.DataFrame, keep_text: set[str] = frozenset()) -> dict[str, pd.Series]:
    """Columns of ``df`` that are entirely French numbers or dates, converted by the analysis's rules.

    A column is converted only if every non-empty value converts, and never when
    a value has a leading zero (codes) or the column is in ``keep_text``; the
    rest stays text, as the user typed it. Numbers and dates are read by
    :func:`~segmenter_pme.parsing.parse_amounts` / :func:`~segmenter_pme.parsing.parse_dates`,
    the functions the analysis uses: the workbook shows the values analysed.
    """
    from ..parsing import parse_amounts, parse_dates

    out: dict[str, pd.Series] = {}
    for col in df.columns:
        if col in keep_text:
            continue
        s = df[col]
        vals = s.dropna()
        if vals.empty:
            continue
        sample = vals.iloc[:: max(1, len(vals) // 2000)]
        if sample.str.match(_DATE).all() or sample.str.match(_ISO_DATE).all():
            conv, issues = parse_dates(vals)
            if issues or not conv.notna().all():
                continue
            # the day by the analysis's rule; a time of day, when the export has one, is kept
            timed = vals.str.contains(":", regex=False)
            if timed.any():  # most exports have none: 1 M dates without times cost no regex
                hms = vals[timed].str.extract(_TIME).astype("float64").fillna(0)
                conv[timed] += pd.to_timedelta(hms[0] * 3600 + hms[1] * 60 + hms[2], unit="s")
            out[col] = conv.reindex(s.index)
            continue
        if sample.str.match(_NUM).all():
            # leading zeros and long digit strings are codes (postal code, SIRET, phone), not numbers
            if vals.str.match(r"^0\d").any() or vals.str.match(r"^\d{10,}$").any():
                continue
            num, issues = parse_amounts(vals)
            if issues or not num.notna().all():
                continue
            if (num == np.floor(num)).all() and not vals.str.contains(r"[.,]\d{1,2}$", regex=True).any():
                num = num.astype("int64")
            out[col] = num.reindex(s.index)
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_french_csv(frame: pd.DataFrame, path: Path) -> None:
    """``frame`` as a French CSV (``;``, decimal comma, dd/mm/yyyy, UTF-8 with BOM so Excel reads accents).

    Text that a spreadsheet would take for a formula gets a leading apostrophe.
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out[col] = s.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START)
                             and not _is_number(v) else v)
    out.to_csv(path, sep=";", decimal=",", date_format="%d/%m/%Y", index=False, encoding="utf-8-sig")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class FrenchCsv:
    """What :func:`read_french_csv` read.

    ``frame``: the CSV as a text frame (index = line of the file); ``shape``:
    ``clients`` or ``factures``; ``mapping``: field → header; ``notes``: reading
    remarks (Issue records); ``cleaned_cells``: the cells whose control characters
    were taken out (:func:`control_chars.clean_frame`); ``titles``: the rows above
    the header (« Export clients du 30/06/2025 »: the export's date); ``long_cells``: the values cut to
    what an Excel cell holds (:mod:`long_cells`), also in ``notes``.
    """

    frame: pd.DataFrame
    shape: str
    mapping: dict
    notes: list
    cleaned_cells: list
    titles: list
    long_cells: tuple = ()


def read_french_csv(path: Path, overrides: dict[str, str] | None = None) -> FrenchCsv:
    """The CSV read as :class:`FrenchCsv`."""

    titles: list = []

    def header_row(rows):
        guess = hdr.find_header_row(rows)
        if guess is not None:
            titles.extend(rows[:guess.row])  # « Export clients du 30/06/2025 »: the export's date
        return guess.row if guess is not None else None

    frame, fmt = read_csv(path, find_header_row=header_row)
    frame, cleaned = control_chars.clean_frame(frame)
    best = None
    for shape in hdr.SHAPES:
        mapping = _mapping_with(frame, shape, overrides, path.name)
        score = hdr.shape_score(mapping, shape)
        if score and (best is None or score > best[2]):
            best = (shape, mapping, score)
    if best is None:
        raise MissingColumnError(
            f"Aucun tableau de clients ni de lignes de factures reconnu dans « {path.name} ». Il faut une ligne "
            "d'en-têtes avec au moins le client (Nom, Entreprise ou Code client) et soit Date dernier achat, "
            "Nombre commandes et CA total, soit Date et Montant HT de chaque facture."
        )
    # a trailing « Total » line of the export is not a client (same rule as a workbook sheet)
    whole = frame
    frame, total = set_aside.split_total_row(frame, best[1])
    if frame.empty:
        raise MissingColumnError(f"Le fichier « {path.name} » a des en-têtes mais aucune ligne de données.")
    notes = set_aside.long_lines_notes(path.name, fmt.long_lines)
    notes.extend(long_cells.issues(list(fmt.long_cells), path.name))
    if total is not None:
        notes.append(set_aside.total_row_note(path.name, total, whole.loc[total], in_file=True))
    return FrenchCsv(frame, best[0], best[1], notes, cleaned, titles, fmt.long_cells)


def _mapping_with(frame: pd.DataFrame, shape: str, overrides: dict[str, str] | None, name: str) -> dict:
    """The header mapping of a CSV, ``--colonne`` choices first (those of the other shape ignored)."""
    if not overrides:
        return hdr.map_columns(list(frame.columns), shape)
    valid = {f.name for f in hdr.fields_of(shape)}
    mine = hdr.ColumnOverrides({f: h for f, h in overrides.items() if f in valid},
                               getattr(overrides, "from_command_line", ()))
    return hdr.map_columns(list(frame.columns), shape, mine, sheet=name)
