"""Shared helpers of the hostile-input suite (issue 14).

* :func:`run_cli` runs ``segmenter …`` in this process and asserts the exit code,
  no traceback and, for an error, one French paragraph naming what it must name.
* :func:`snapshot` / :func:`assert_cells_kept`: every input cell outside our
  columns and sheets (value, type, formula, number format) identical after a command.
* :func:`hostile_formulas` / :class:`LibreOffice`: no formula made of user text,
  seen by openpyxl and by LibreOffice after a round trip.
* :func:`write_csv` / :func:`write_workbook`: inputs made in the test.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from segmenter_pme.cli import main
from segmenter_pme.workbook.reader import OUTPUT_NAME

#: text that a spreadsheet would take for a formula (or a DDE call) if written as one
HOSTILE_TEXTS = ('=HYPERLINK("http://x","x")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3")
#: what a formula made of one of them contains, whatever a reader adds around it (« _xlfn. », « = »)
_HOSTILE_MARKS = ("HYPERLINK(", "1+1", "CMD|", "SUM(1)", "2+3")

OUR_SHEETS = frozenset({"Synthèse", "Plan d'actions", "Qualité", "Paramètres", "Mode d'emploi", "Archives"})

# words of an English message (typer/click, Python's OSError) that must never reach a French user
_ENGLISH = re.compile(r"\b(the|is|not|error|cannot|should|must|errno|exception|invalid|no such)\b", re.I)


# --------------------------------------------------------------------------- the command line

@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr with rich's line breaks undone (one space between words)."""
        return " ".join((self.out + "\n" + self.err).split())

    @property
    def error(self) -> str:
        return " ".join(self.err.split())


def run_cli(*args: Any, code: int = 0, mentions: Iterable[str] = ()) -> CliResult:
    """``segmenter *args`` in this process; asserts its exit ``code`` and that no traceback escaped.

    With ``code=1`` the error must be one French paragraph starting « Erreur : »
    and containing every string of ``mentions`` (file, sheet, column, row, value…).
    For ``code=0`` the ``mentions`` are looked for in the whole console output.
    """
    out, err = io.StringIO(), io.StringIO()
    argv = [str(a) for a in args]
    try:
        with redirect_stdout(out), redirect_stderr(err):
            got = main(argv)
    except BaseException:  # noqa: BLE001 — anything but SegmenterError / SystemExit is a traceback for the user
        pytest.fail(f"segmenter {' '.join(argv)} : exception non traitée (l'utilisateur verrait une trace)\n"
                    f"{traceback.format_exc()}")
    res = CliResult(got, out.getvalue(), err.getvalue())
    assert "Traceback" not in res.out + res.err, res.text
    assert got == code, f"segmenter {' '.join(argv)} → code {got}, attendu {code}\n{res.text}"
    if code == 1:
        assert_french_error(res.error, *mentions)
    else:
        for m in mentions:
            assert m in res.text, f"« {m} » absent de la sortie : {res.text}"
    return res


def assert_french_error(message: str, *mentions: str) -> None:
    """One French paragraph: « Erreur : … », no English words, every one of ``mentions`` in it."""
    text = " ".join(message.split())
    assert text.startswith("Erreur :"), text
    english = _ENGLISH.findall(text)
    assert not english, f"mots anglais {english} dans : {text}"
    for m in mentions:
        assert str(m) in text, f"« {m} » absent du message : {text}"


# --------------------------------------------------------------------------- inputs made in the test

def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, sep: str = ";", quote_all: bool = False,
              encoding: str = "utf-8") -> Path:
    """A CSV of ``rows`` (header first) as a spreadsheet would export it; values written with ``str``."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
                   lineterminator="\r\n")
    for row in rows:
        w.writerow(["" if v is None else str(v) for v in row])
    Path(path).write_bytes(buf.getvalue().encode(encoding))
    return Path(path)


def write_workbook(path: Path, rows: Sequence[Sequence[Any]], *, sheet: str = "Clients",
                   as_text: bool = True, extra: Callable[[Any], None] | None = None) -> Path:
    """An .xlsx with ``rows`` (header first) from A1 of ``sheet``.

    ``as_text``: strings are stored as text cells even when they start with « = »
    (what a user gets by typing ``'=1+1`` in Excel). ``extra(wb)`` may add more before saving.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            cell = ws.cell(r, c, v)
            if as_text and isinstance(v, str):
                cell.data_type = "s"
    if extra is not None:
        extra(wb)
    wb.save(path)
    return Path(path)


# --------------------------------------------------------------------------- snapshots

def our_columns(wb) -> dict[str, set[int]]:
    """Sheet → our output columns, from our hidden defined name (nothing when there is none)."""
    dn = wb.defined_names.get(OUTPUT_NAME)
    found: dict[str, set[int]] = {}
    if dn is None:
        return found
    for title, ref in dn.destinations:
        min_col, _, max_col, _ = range_boundaries(ref.replace("$", ""))
        found.setdefault(title, set()).update(range(min_col, max_col + 1))
    return found


def snapshot(path: Path, *, skip_sheets: Iterable[str] = OUR_SHEETS) -> dict[tuple[str, str], tuple]:
    """(sheet, cell) → (value, data type, number format) of every cell holding a value or a format.

    Formulas are their text (type « f »). Our sheets and our columns (found by our
    defined name in this file) are left out: they are ours to rewrite.
    """
    wb = openpyxl.load_workbook(path)
    skip = set(skip_sheets)
    ours = our_columns(wb)
    snap: dict[tuple[str, str], tuple] = {}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        mine = ours.get(ws.title, set())
        for row in ws.iter_rows():
            for c in row:
                if c.column in mine:
                    continue
                if c.value is None and c.number_format == "General":
                    continue
                value = c.value.text if hasattr(c.value, "text") else c.value  # array formulas
                snap[(ws.title, c.coordinate)] = (value, c.data_type, c.number_format)
    return snap


def assert_cells_kept(before: dict[tuple[str, str], tuple], after_path: Path, *,
                      ignore: Callable[[str, str], bool] = lambda sheet, coord: False) -> None:
    """Every cell of ``before`` (a :func:`snapshot` of the input) is identical in ``after_path``."""
    wb = openpyxl.load_workbook(after_path)
    changed = []
    for (sheet, coord), old in before.items():
        if ignore(sheet, coord):
            continue
        if sheet not in wb.sheetnames:
            changed.append(f"{sheet}!{coord} : feuille disparue")
            continue
        c = wb[sheet][coord]
        value = c.value.text if hasattr(c.value, "text") else c.value
        new = (value, c.data_type, c.number_format)
        if new != old:
            changed.append(f"{sheet}!{coord} : {old!r} → {new!r}")
    assert not changed, "cellules de l'utilisateur modifiées :\n" + "\n".join(changed[:30])


def sheet_rows(path: Path, sheet: str | None = None, *, data_only: bool = False) -> list[tuple]:
    """The values of ``sheet`` (the first one by default), row by row from A1."""
    wb = openpyxl.load_workbook(path, data_only=data_only)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def column_values(path: Path, header: str, sheet: str | None = None, *, header_row: int = 1) -> list[Any]:
    """The values under ``header`` (exact text, on ``header_row``) down to the last row of the sheet."""
    rows = sheet_rows(path, sheet)
    head = list(rows[header_row - 1])
    assert header in head, f"colonne « {header} » absente : {head}"
    j = head.index(header)
    return [r[j] if j < len(r) else None for r in rows[header_row:]]


# --------------------------------------------------------------------------- formulas made of user text

def hostile_formulas(path: Path) -> list[str]:
    """Cells of ``path`` holding a formula made of one of :data:`HOSTILE_TEXTS` (sheet!cell = text)."""
    wb = openpyxl.load_workbook(path)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                text = str(c.value.text if hasattr(c.value, "text") else c.value).upper()
                if any(m in text for m in _HOSTILE_MARKS):
                    found.append(f"{ws.title}!{c.coordinate} = {c.value}")
    return found


def text_cells(path: Path) -> set[str]:
    """Every string value of every sheet (to check a hostile text is still there, as text)."""
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "s" and isinstance(c.value, str)}


class LibreOffice:
    """``soffice --headless --convert-to`` with a private profile (parallel runs do not collide)."""

    def __init__(self, binary: str, profile: Path):
        self.binary = binary
        self.profile = Path(profile)

    def convert(self, path: Path, fmt: str, outdir: Path) -> Path:
        """``path`` converted to ``fmt`` (« xlsx », « csv »…) in ``outdir``; returns the new file."""
        log = self._run(path, fmt, outdir)
        target = Path(outdir) / (Path(path).stem + "." + fmt.split(":")[0])
        assert target.exists(), f"LibreOffice n'a pas converti {path} : {log}"
        return target

    def sheets_as_csv(self, path: Path, outdir: Path) -> dict[str, str]:
        """Every sheet of ``path`` as LibreOffice computes it (formulas evaluated): sheet name → CSV text."""
        # token 12 = -1: one CSV per sheet (LibreOffice ≥ 7.2), named <stem>-<sheet>.csv
        log = self._run(path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                        outdir)
        prefix = Path(path).stem + "-"
        found = {p.stem[len(prefix):]: p.read_text(encoding="utf-8") for p in Path(outdir).glob(prefix + "*.csv")}
        assert found, f"LibreOffice n'a pas converti {path} : {log}"
        return found

    def _run(self, path: Path, fmt: str, outdir: Path) -> str:
        Path(outdir).mkdir(parents=True, exist_ok=True)
        cmd = [self.binary, f"-env:UserInstallation=file://{self.profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), str(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        return proc.stdout + proc.stderr


def column_letter(j: int) -> str:
    return get_column_letter(j)
