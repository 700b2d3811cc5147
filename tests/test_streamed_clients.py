"""A big client sheet is streamed at save time (issue 14, item 9): it must write what the openpyxl path writes.

``streamed_clients.STREAM_ROWS`` decides which path a sheet takes; each test runs both paths on the
same small workbook (threshold 0: streamed, huge: openpyxl) and compares the results cell by cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from segmenter_pme.errors import WorkbookError
from segmenter_pme.workbook import engine, our_cells, streamed_clients
from support.workbook_snapshot import assert_same
from wbfactory import rich_workbook

DATE = dt.date(2025, 6, 30)
HEADERS = ["Code client", "Entreprise", "E-mail", "Secteur", "Date dernier achat", "Nombre commandes", "CA total",
           "CA TTC"]
SECTORS = ["Commerce", "Services", "=Industrie", " BTP ", "Transport & logistique", "Hôtellerie <café>"]


def styled_workbook(path: Path, *, table: bool = True) -> Path:
    """Title row, a header on row 2, 60 clients with styles, a formula column, links, notes, rich text,
    merged cells, a validation and a Table or a filter."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws["A1"] = "Base clients — export du 30/06/2025"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14)
    for j, h in enumerate(HEADERS, start=1):
        c = ws.cell(2, j, h)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="305496")
        c.border = Border(bottom=Side(style="thin"))
    thin = Border(left=Side(style="thin"))
    for i in range(60):
        r = 3 + i
        name = f"Société {i}" if i % 7 else CellRichText([TextBlock(InlineFont(b=True), "Maison "), f"n°{i}"])
        row = [f"C{i:03d}", name, f"contact{i}@exemple.fr", SECTORS[i % len(SECTORS)],
               dt.datetime(2024, 1 + i % 12, 1 + i % 27), 1 + i % 9, round(150.5 * (i + 1) ** 1.3, 2)]
        for j, v in enumerate(row, start=1):
            c = ws.cell(r, j, v)
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"  # the text « =Industrie », as a user's cell typed '=Industrie
        ws.cell(r, 5).number_format = "dd/mm/yyyy"
        ws.cell(r, 7).number_format = '#,##0.00 "€"'
        ws.cell(r, 8, f"=G{r}*1.2").number_format = '#,##0.00 "€"'
        if i % 5 == 0:
            ws.cell(r, 2).fill = PatternFill("solid", fgColor="FFF2CC")
            ws.cell(r, 1).border = thin
        if i % 11 == 0:
            ws.cell(r, 3).hyperlink = f"mailto:contact{i}@exemple.fr"
        if i % 13 == 0:
            ws.cell(r, 2).comment = Comment(f"Relancer en {2025 + i % 2}", "Sophie")
        if i % 17 == 0:
            ws.row_dimensions[r].height = 24
            ws.cell(r, 2).alignment = Alignment(wrap_text=True)
    last = 2 + 60
    ws.cell(last + 2, 1, "Notes : base vérifiée le 30/06/2025")
    ws.merge_cells(f"A{last + 2}:C{last + 2}")
    dv = DataValidation(type="list", formula1='"Commerce,Services,Industrie"', allow_blank=True)
    dv.add(f"D3:D{last}")
    ws.add_data_validation(dv)
    if table:
        t = Table(displayName="TableClients", ref=f"A2:H{last}")
        t.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
        ws.add_table(t)
    else:
        ws.auto_filter.ref = f"A2:H{last}"
    ws.column_dimensions["B"].width = 30
    ws.freeze_panes = "B3"
    other = wb.create_sheet("Suivi")
    other["A1"] = "=Clients!G3*2"
    wb.save(path)
    return Path(path)


def run_both(src: Path, tmp_path: Path, monkeypatch, runs=(DATE,), between=None, streams=None) -> tuple[Path, Path]:
    """``src`` run by the openpyxl path and by the streamed path (``between``: an edit after each run
    but the last); returns both outputs and checks that the streamed one was streamed (``streams`` times)."""
    streamed = []
    real = streamed_clients.ClientStream.injector

    def spy(self):
        streamed.append(self.sheet)
        return real(self)

    monkeypatch.setattr(streamed_clients.ClientStream, "injector", spy)
    outs = []
    work = tmp_path / "travail"
    work.mkdir()
    for name, threshold in (("openpyxl", 10 ** 9), ("flux", 0)):
        monkeypatch.setattr(streamed_clients, "STREAM_ROWS", threshold)
        out = work / "clients.xlsx"  # one path: messages quote it
        shutil.copy(src, out)
        for k, day in enumerate(runs):
            engine.run(out, analysis_date=day, backup=False)
            if between is not None and k < len(runs) - 1:
                between(out)
        outs.append(out.rename(tmp_path / f"{name}.xlsx"))
    assert len(streamed) == (len(runs) if streams is None else streams)
    return outs[0], outs[1]


@pytest.mark.parametrize("table", [True, False])
def test_streamed_sheet_is_written_as_openpyxl_writes_it(tmp_path, monkeypatch, table):
    src = styled_workbook(tmp_path / "src.xlsx", table=table)
    slow, fast = run_both(src, tmp_path, monkeypatch)
    assert_same(slow, fast)
    check_the_cells(fast)


def test_small_chunks_and_blocks_write_the_same(tmp_path, monkeypatch):
    """A million rows are read by chunks and our cells built by blocks: their edges change nothing,
    and the runs of usual rows take the fast way (``usual_rows``)."""
    monkeypatch.setattr(streamed_clients, "CHUNK_CHARS", 700)
    monkeypatch.setattr(our_cells, "BLOCK_ROWS", 7)
    usual = []
    real = streamed_clients.ClientStream.usual_rows
    monkeypatch.setattr(streamed_clients.ClientStream, "usual_rows",
                        lambda self, body: usual.append(real(self, body)) or usual[-1])
    src = styled_workbook(tmp_path / "src.xlsx")
    slow, fast = run_both(src, tmp_path, monkeypatch)
    assert_same(slow, fast)
    check_the_cells(fast)
    assert sum(u is not None for u in usual) >= 3 and None in usual


def check_the_cells(fast: Path) -> None:
    ws = openpyxl.load_workbook(fast)["Clients"]
    header = [c.value for c in ws[2]]
    assert header[:8] == HEADERS and "Segment RFM" in header
    # the user's cells are theirs, byte for byte: formula, rich text, link, note
    assert ws["H40"].value == "=G40*1.2" and ws["C36"].hyperlink.target == "mailto:contact33@exemple.fr"
    assert ws["B42"].comment.text == "Relancer en 2026"
    sector = header.index("Segment Secteur") + 1
    assert ws.cell(5, sector).value == "=Industrie" and ws.cell(5, sector).data_type == "s"  # text, never a formula


def test_rerun_and_rows_that_no_longer_hold_a_client(tmp_path, monkeypatch):
    def forget_a_client(path: Path) -> None:
        wb = openpyxl.load_workbook(path)
        ws = wb["Clients"]
        for j in range(1, 9):
            ws.cell(30, j).value = None  # row 30 no longer holds a client: our cells there are emptied
        wb.save(path)

    src = styled_workbook(tmp_path / "src.xlsx")
    slow, fast = run_both(src, tmp_path, monkeypatch, runs=(DATE, DATE + dt.timedelta(days=40)),
                          between=forget_a_client)
    assert_same(slow, fast)
    ws = openpyxl.load_workbook(fast)["Clients"]
    header = [c.value for c in ws[2]]
    assert header.count("Segment RFM") == 1
    assert all(ws.cell(30, j).value is None for j in range(9, len(header) + 1))


def test_rich_workbook_with_total_row(tmp_path, monkeypatch):
    src = rich_workbook(tmp_path / "src.xlsx", total_row=True)
    slow, fast = run_both(src, tmp_path, monkeypatch, runs=(DATE, DATE))
    assert_same(slow, fast)


def test_clients_appended_from_the_invoices_take_the_openpyxl_path(tmp_path, monkeypatch):
    src = styled_workbook(tmp_path / "src.xlsx")
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("Factures")
    ws.append(["Code client", "Date", "N° facture", "Montant HT"])
    ws.append(["C001", dt.date(2025, 5, 10), "F1", 500.0])
    ws.append(["C999", dt.date(2025, 5, 12), "F2", 800.0])
    wb.save(src)
    slow, fast = run_both(src, tmp_path, monkeypatch, streams=0)
    assert_same(slow, fast)
    assert openpyxl.load_workbook(fast)["Clients"]["A63"].value == "C999"


def test_a_value_in_our_new_columns_stops_the_streamed_run_too(tmp_path, monkeypatch):
    src = styled_workbook(tmp_path / "src.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["Clients"]["J50"] = "note de Sophie"
    wb.save(src)
    before = src.read_bytes()
    monkeypatch.setattr(streamed_clients, "STREAM_ROWS", 0)
    with pytest.raises(WorkbookError, match="la cellule J50 n'est pas vide"):
        engine.run(src, analysis_date=DATE)
    assert src.read_bytes() == before


def test_big_sheets_are_streamed_small_ones_are_not(tmp_path):
    src = styled_workbook(tmp_path / "src.xlsx")
    assert streamed_clients.streamable(src, "Clients", streamed_clients.STREAM_ROWS)
    assert not streamed_clients.streamable(src, "Clients", streamed_clients.STREAM_ROWS - 1)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_shared_strings_and_all(tmp_path, monkeypatch, soffice):
    """LibreOffice writes shared strings and prefixed attributes; the streamed result opens in LibreOffice."""
    from hostile.helpers import LibreOffice

    lo = LibreOffice(soffice, tmp_path / ".lo-profile")
    (tmp_path / "src").mkdir()
    src = lo.convert(styled_workbook(tmp_path / "src" / "clients.xlsx"), "xlsx", tmp_path / "lo")

    with zipfile.ZipFile(src) as zf:
        assert 't="s"' in zf.read("xl/worksheets/sheet1.xml").decode()
    slow, fast = run_both(src, tmp_path, monkeypatch)
    assert_same(slow, fast)
    sheets = lo.sheets_as_csv(fast, tmp_path / "csv")
    rows = list(csv.reader(io.StringIO(sheets["Clients"])))
    ws = openpyxl.load_workbook(fast, data_only=True)["Clients"]
    header = [c.value for c in ws[2]]
    seg = header.index("Segment RFM")
    assert rows[1][seg] == "Segment RFM"
    assert [r[seg] for r in rows[2:62]] == [ws.cell(r, seg + 1).value for r in range(3, 63)]
