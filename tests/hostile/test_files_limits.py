"""Excel's limits: a cell in XFD1048576, our columns past XFD, more clients than a sheet's rows."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme.cli import main
from segmenter_pme.workbook import extent, loading
from wbfactory import rich_workbook, snapshot

SKIP_OURS = {"Clients": 8}


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _with_far_cell(src: Path, sheet: str, out: Path) -> Path:
    wb = openpyxl.load_workbook(src)
    wb[sheet]["XFD1048576"] = 1
    wb.save(out)
    return out


def test_the_extent_is_measured_from_the_cells_not_the_dimension_tag(tmp_path):
    book = _with_far_cell(rich_workbook(tmp_path / "a.xlsx"), "Accueil", tmp_path / "b.xlsx")
    # make the dimension lie: it says A1 while a cell sits in XFD1048576
    with zipfile.ZipFile(book) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    import re

    part = "xl/worksheets/sheet1.xml"
    parts[part] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', parts[part])
    liar = tmp_path / "c.xlsx"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    with zipfile.ZipFile(liar) as zf:
        assert extent.sheet_extent(zf, part) == (1_048_576, 16_384)
        assert extent.sheet_extent(zf, "xl/worksheets/sheet2.xml")[1] == 26  # up to Z: counted as 26 columns
    assert loading.huge_sheets(liar) == {"Accueil": part}


def test_the_sparse_reader_reads_what_calamine_reads(tmp_path, monkeypatch):
    book = rich_workbook(tmp_path / "a.xlsx")
    dense = loading.read_values(book)
    monkeypatch.setattr(extent, "MAX_CELLS", 0)  # every sheet read by the sparse reader
    sparse = loading.read_values(book)
    assert list(sparse) == list(dense)
    for name in dense:
        trimmed = [list(r) for r in dense[name]]
        for row in trimmed:  # calamine pads every row to the sheet's width: compare without the padding
            while row and row[-1] == "":
                row.pop()
        while trimmed and not trimmed[-1]:
            trimmed.pop()
        assert [list(r) for r in sparse[name]] == trimmed, name


def _cells(path: Path, sheet: str, below_col: int = 16_385) -> dict:
    """The cells that exist (iter_rows would walk the 17-billion-cell rectangle): coordinate → value, format."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: (c.value, c.number_format) for (r, col), c in ws._cells.items()
            if col < below_col and (c.value is not None or c.has_style)}


@pytest.mark.parametrize("sheet", ["Accueil", "Clients"])
def test_a_value_in_xfd1048576_is_read_without_allocating_the_rectangle(tmp_path, capsys, sheet):
    base = rich_workbook(tmp_path / "base.xlsx")
    book = _with_far_cell(base, sheet, tmp_path / "loin.xlsx")
    before = {name: _cells(book, name) for name in ("Accueil", "Clients")}
    for command in ("audit", "nettoyer"):
        code, _, err = cli(capsys, "-q", command, book, "-o", tmp_path / f"{command}.xlsx", "--date", "2026-01-15")
        assert code == 0, err
    assert _cells(tmp_path / "audit.xlsx", sheet) == before[sheet]
    code, _, err = cli(capsys, "-q", "run", book, "--date", "2026-01-15")
    assert code == 0, err
    if sheet == "Accueil":
        assert _cells(book, "Accueil") == before["Accueil"]
    else:
        # our columns start at H; XFD1048576 is far to the right of them and keeps its value
        after = _cells(book, "Clients")
        assert {k: v for k, v in after.items() if k[0] in "ABCDEFG" and k[1].isdigit()} == \
            {k: v for k, v in before["Clients"].items() if k[0] in "ABCDEFG" and k[1].isdigit()}
        assert after["XFD1048576"] == before["Clients"]["XFD1048576"]
        ws = openpyxl.load_workbook(book)["Clients"]
        assert [ws.cell(3, c).value for c in range(9, 20)][:1] == ["Récence (jours)"]


def test_our_columns_would_pass_xfd(tmp_path, capsys):
    book = rich_workbook(tmp_path / "base.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Clients"]
    ws.cell(3, 16_384, "Dernière colonne")  # a header in XFD: ours would go past the last column
    wb.save(book)
    data = book.read_bytes()
    code, _, err = cli(capsys, "run", book)
    assert code == 1, err
    text = " ".join(err.split())
    assert "Traceback" not in text
    assert "16 384 colonnes" in text and "XFD" in text and "« Clients »" in text
    assert book.read_bytes() == data


# ------------------------------------------------------------------ Excel's row limit (issue 16)


def _invoice_csv(path: Path, clients: int) -> Path:
    lines = ["Code client;Client;Date;N° facture;Montant HT"]
    for i in range(clients):
        lines.append(f"K{i:05d};Société {i};{1 + i % 28:02d}/0{1 + i % 9}/2025;F{i};{100 + i},50")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_more_clients_than_a_sheet_holds_go_to_a_csv_beside_the_workbook(tmp_path, capsys, monkeypatch):
    from segmenter_pme.workbook import run_steps

    monkeypatch.setattr(run_steps, "EXCEL_MAX_ROWS", 30)  # a sheet of 30 rows: header + 29 clients
    src = _invoice_csv(tmp_path / "ventes.csv", 40)
    out = tmp_path / "ventes.xlsx"
    code, stdout, err = cli(capsys, "run", src, "-o", out, "--date", "2026-01-15")
    assert code == 0, err
    said = " ".join((stdout + err).split())
    assert "40 clients" in said and "limite" in said and "ventes clients.csv" in said
    wb = openpyxl.load_workbook(out)
    # 41 invoice lines and 40 clients: neither fits a sheet of 30 rows, so neither sheet is written
    assert "Clients" not in wb.sheetnames and "Factures" not in wb.sheetnames
    assert "Synthèse" in wb.sheetnames
    full = (tmp_path / "ventes clients.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(full) == 41  # header + every client
    assert full[0].split(";")[0] == "Code client" and "Segment RFM" in full[0]


def test_the_row_limit_is_excels():
    from segmenter_pme.workbook import run_steps

    assert run_steps.EXCEL_MAX_ROWS == 1_048_576


def test_a_workbook_of_invoices_whose_clients_pass_a_sheets_rows_puts_them_in_a_csv(tmp_path, capsys, monkeypatch):
    from segmenter_pme.workbook import run_steps

    monkeypatch.setattr(run_steps, "EXCEL_MAX_ROWS", 30)  # a sheet of 30 rows: header + 29 clients
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Factures"
    ws.append(["Code client", "Client", "Date", "N° facture", "Montant HT"])
    for i in range(40):
        ws.append([f"K{i:05d}", f"Société {i}", dt.datetime(2025, 1 + i % 9, 1 + i % 28), f"F{i}", 100 + i + 0.5])
    src = tmp_path / "ventes.xlsx"
    wb.save(src)
    code, stdout, err = cli(capsys, "run", src, "--date", "2026-01-15")
    assert code == 0, err
    said = " ".join((stdout + err).split())
    assert "40 clients" in said and "limite" in said and "ventes clients.csv" in said
    out = openpyxl.load_workbook(src)
    assert "Clients" not in out.sheetnames and out["Factures"].max_row == 41  # the user's sheet, untouched
    assert "Synthèse" in out.sheetnames
    full = (tmp_path / "ventes clients.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(full) == 41 and full[0].split(";")[0] == "Code client"
