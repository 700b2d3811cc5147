"""A big client sheet's cleaned copy is streamed (``audit_files.FAST_ROWS``): it must be the copy the
openpyxl path writes — cells (values, types, styles), « Archives », the Table, every other sheet.

Each test cleans the same small workbook by both paths (threshold 0: streamed, huge: openpyxl) and
compares the two copies cell by cell; the streamed copy also goes through LibreOffice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from segmenter_pme.demo import generate_demo
from segmenter_pme.workbook import audit_files, clean_fast
from segmenter_pme.workbook.audit_files import clean_file
from support.workbook_snapshot import assert_same, describe

DATE = dt.date(2025, 12, 31)
FORMATS = {"Date premier achat": "dd/mm/yyyy", "Date dernier achat": "dd/mm/yyyy", "CA total": '#,##0.00 "€"'}


def demo_workbook(path: Path, n: int = 300, *, table: bool = True) -> Path:
    """The demo's dirty clients (duplicates, inactive clients, numbers stored as text, codes without their
    zero) under a title, header on row 3, every column styled alike, beside a sheet of formulas."""
    clients = generate_demo(n, seed=11).clients
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws["A1"] = "Fichier clients — export"
    ws["A1"].font = Font(bold=True, size=14)
    headers = list(clients.columns)
    for j, h in enumerate(headers, start=1):
        c = ws.cell(3, j, h)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="305496")
    for i, row in enumerate(clients.itertuples(index=False), start=4):
        for j, (h, v) in enumerate(zip(headers, row), start=1):
            c = ws.cell(i, j, None if v is None or v != v else (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v))
            if h in FORMATS:
                c.number_format = FORMATS[h]
    last = 3 + len(clients)
    ref = f"A3:{get_column_letter(len(headers))}{last}"
    if table:
        t = Table(displayName="TableauClients", ref=ref)
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(t)
    else:
        ws.auto_filter.ref = ref
    ws.freeze_panes = "A4"
    ws.column_dimensions["C"].width = 32
    other = wb.create_sheet("Suivi")
    other["A1"], other["B1"] = "CA de la première fiche", "=Clients!H4"
    other["A2"], other["B2"] = "Total", "=SUM(Clients!H:H)"
    wb.save(path)
    return path


def clean_both(src: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """``src`` cleaned by the openpyxl path, then by the streamed path (checked to be taken)."""
    taken = []
    real = clean_fast.clean_streamed

    def spy(*args, **kwargs):
        taken.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(audit_files, "clean_streamed", spy)
    outs = []
    for name, threshold in (("openpyxl", 10 ** 9), ("flux", 0)):
        monkeypatch.setattr(audit_files, "FAST_ROWS", threshold)
        outs.append(clean_file(src, tmp_path / f"{name}.xlsx", analysis_date=DATE).output)
    assert taken == [True]
    return outs[0], outs[1]


@pytest.mark.parametrize("table", [True, False])
def test_the_streamed_copy_is_the_openpyxl_copy(tmp_path, monkeypatch, table):
    src = demo_workbook(tmp_path / "clients.xlsx", table=table)
    slow, fast = clean_both(src, tmp_path, monkeypatch)
    assert_same(slow, fast)
    snap = describe(fast)
    assert snap["sheets"] == ["Clients", "Suivi", "Archives"]
    archives = snap["Archives"]["cells"]
    motifs = {v[0] for k, v in archives.items() if k.startswith("B") and k != "B1"}
    assert motifs == {"Doublon fusionné", "Client inactif", "Fiche principale avant fusion"}
    dates = [v for v in archives.values() if isinstance(v[0], dt.datetime)]
    assert dates and {v[2] for v in dates} == {"dd/mm/yyyy"}  # the principals' before their merge too
    assert snap["Suivi"]["cells"]["B1"][0] == "=Clients!H4"  # the other sheet as it was
    clients = snap["Clients"]["cells"]
    # a repaired postal code is text, formatted as text; dates keep their format
    postal = next(v for k, v in clients.items() if k.startswith("K") and k != "K3" and v[0] is not None)
    assert isinstance(postal[0], str) and postal[2] == "@"
    assert clients["E4"][2] == "dd/mm/yyyy" and isinstance(clients["E4"][0], dt.datetime)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_streamed_copy_as_the_openpyxl_one(tmp_path, monkeypatch, soffice):
    from hostile.helpers import LibreOffice

    src = demo_workbook(tmp_path / "clients.xlsx")
    slow, fast = clean_both(src, tmp_path, monkeypatch)
    lo = LibreOffice(soffice, tmp_path / ".lo-profile")
    seen = {name: lo.sheets_as_csv(path, tmp_path / f"csv-{name}") for name, path in (("a", slow), ("b", fast))}
    assert seen["a"] == seen["b"]
    rows = list(csv.reader(io.StringIO(seen["b"]["Clients"])))
    ws = openpyxl.load_workbook(fast)["Clients"]
    assert rows[2][0] == "Code client" and len(rows) >= ws.max_row
    assert [r[0] for r in rows[3:ws.max_row]] == [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)]
    archives = list(csv.reader(io.StringIO(seen["b"]["Archives"])))
    assert archives[0][:2] == ["Ligne d'origine", "Motif"] and len(archives) > 10
