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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import WorkbookError

_DELIMITERS = (";", ",", "\t", "|")
_SAMPLE = 256 * 1024


@dataclass
class CsvFormat:
    encoding: str
    delimiter: str
    header_line: int  # 0-based line of the header row


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
    try:
        df = pd.read_csv(
            path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False, na_values=[],
            skiprows=header_line, header=0, skip_blank_lines=False, engine="c", on_bad_lines="error",
            encoding_errors="replace",
        )
    except pd.errors.EmptyDataError:
        raise WorkbookError(f"Le fichier « {path.name} » ne contient aucune donnée.") from None
    except (pd.errors.ParserError, ValueError) as err:
        line = re.search(r"line (\d+)", str(err))
        where = f" à la ligne {line.group(1)}" if line else ""
        raise WorkbookError(
            f"Le fichier CSV « {path.name} » est mal formé{where} (nombre de colonnes différent de l'en-tête "
            f"ou guillemet non fermé ; séparateur détecté « {delimiter} »). Corrigez cette ligne ou "
            "exportez à nouveau le fichier."
        ) from None
    df.columns = _clean_headers(df.columns)
    df = df.replace("", None) if len(df) < 50_000 else df.mask(df == "")
    # file lines are 1-based and the header is line header_line + 1
    df.index = pd.RangeIndex(header_line + 2, header_line + 2 + len(df))
    df = df.dropna(how="all")
    return df, CsvFormat(encoding, delimiter, header_line)


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
            hms = vals.str.extract(_TIME).astype("float64").fillna(0)
            conv = conv + pd.to_timedelta(hms[0] * 3600 + hms[1] * 60 + hms[2], unit="s")
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
