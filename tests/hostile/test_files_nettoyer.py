"""``nettoyer`` moves a row with everything it carries: fills, number formats, notes, hyperlinks, height.

A row kept moves up whole; a row taken out leaves the sheet whole and its
cells keep their look, note and link in « Archives ». Nothing stays behind
under the table for another client to carry, or for a later audit to count.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from segmenter_pme.workbook import audit_files
from segmenter_pme.cli import main

TODAY = dt.date(2025, 6, 1)
HEADERS = ["Code client", "Entreprise", "Email", "Date dernier achat", "Nombre commandes", "CA total", "Code postal"]


def _book(path: Path, rows: list[tuple], decorate=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(HEADERS)
    for r in rows:
        ws.append(list(r))
    if decorate:
        decorate(ws)
    wb.save(path)
    return path


def _nettoyer(capsys, src: Path, out: Path, *extra) -> str:
    code = main(["nettoyer", str(src), "-o", str(out), "--date", TODAY.isoformat(), *extra])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Traceback" not in captured.err
    return captured.out


def _by_code(ws, code_col: int = 1) -> dict:
    return {ws.cell(r, code_col).value: r for r in range(2, ws.max_row + 1) if ws.cell(r, code_col).value}


def test_an_archived_client_takes_its_note_link_and_fill_to_archives(tmp_path, capsys):
    rows = [
        ("C1", "Alpha SARL", "a@alpha.fr", dt.date(2025, 5, 1), 5, 1000.0, "75001"),
        ("C2", "Ancien Client", "old@x.fr", dt.date(2015, 1, 1), 2, 200.0, "69001"),  # inactive: archived
        ("C3", "Gamma SAS", "g@gamma.fr", dt.date(2025, 4, 1), 4, 4.0, "33000"),
        ("C4", "Delta", "d@delta.fr", dt.date(2025, 3, 1), 3, 300.0, "13001"),
    ]

    def decorate(ws):
        ws["C3"].hyperlink = "mailto:old@x.fr"
        ws["B3"].comment = Comment("client perdu", "Sophie")
        ws["A3"].fill = PatternFill("solid", fgColor="FFFF0000")
        ws.row_dimensions[3].height = 30
        ws["F4"].number_format = "0.00 €"  # C3's CA of 4 must not become « 04/01/1900 »…
        ws["D5"].number_format = "dd/mm/yyyy"
        ws["F5"].number_format = "#,##0"
        ws["B4"].fill = PatternFill("solid", fgColor="FF00FF00")
        ws["J4"] = "note libre de C3"  # a cell outside the table, on C3's row

    src = _book(tmp_path / "clients.xlsx", rows, decorate)
    out = tmp_path / "propre.xlsx"
    _nettoyer(capsys, src, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Clients"]
    rows_of = _by_code(ws)
    assert list(rows_of) == ["C1", "C3", "C4"]
    c3, c4 = rows_of["C3"], rows_of["C4"]
    assert ws.cell(c3, 6).value == 4 and ws.cell(c3, 6).number_format == "0.00 €"
    assert ws.cell(c3, 2).fill.fgColor.rgb == "FF00FF00"
    assert ws.cell(c3, 10).value == "note libre de C3"
    assert ws.cell(c4, 6).number_format == "#,##0"
    # nothing of C2 is left in the sheet: no link, no note, no fill, no height, on any row
    for row in ws.iter_rows():
        for c in row:
            assert c.hyperlink is None
            assert c.comment is None
            assert c.fill.fgColor.rgb != "FFFF0000"
    assert not any(d.height for d in ws.row_dimensions.values())
    assert ws.max_row == 4  # no orphan cell under the table
    arch = wb["Archives"]
    header = [c.value for c in arch[1]]
    row = _by_code(arch, header.index("Code client") + 1)["C2"]
    cell = {h: arch.cell(row, j + 1) for j, h in enumerate(header)}
    assert cell["CA total"].value == 200
    assert cell["Email"].hyperlink is not None and cell["Email"].hyperlink.target == "mailto:old@x.fr"
    assert cell["Entreprise"].comment is not None and cell["Entreprise"].comment.text == "client perdu"
    assert cell["Code client"].fill.fgColor.rgb == "FFFF0000"
    # a later audit of the cleaned copy counts the three clients, no more
    code = main(["-q", "audit", str(out), "--date", TODAY.isoformat()])
    assert code == 0
    report, _ = audit_files.audit_file(out, analysis_date=TODAY)
    assert report.n_clients == 3


def test_a_merged_duplicate_leaves_with_its_attributes(tmp_path, capsys):
    rows = [
        ("C1", "Boulangerie Martin", "contact@martin.fr", dt.date(2025, 5, 1), 5, 1000.0, "75011"),
        ("C2", "Garage Dupont", "g@dupont.fr", dt.date(2025, 4, 1), 2, 500.0, "69003"),
        ("C1", "Boulangerie Martin", "contact@martin.fr", dt.date(2025, 3, 1), 1, 250.0, "75011"),
        ("C4", "Hôtel du Lac", "h@lac.fr", dt.date(2025, 2, 1), 3, 300.0, "74000"),
    ]

    def decorate(ws):
        ws["B4"].comment = Comment("doublon saisi par erreur", "Paul")
        ws["A4"].fill = PatternFill("solid", fgColor="FF0000FF")
        ws["A5"].fill = PatternFill("solid", fgColor="FFFFFF00")

    src = _book(tmp_path / "clients.xlsx", rows, decorate)
    out = tmp_path / "propre.xlsx"
    _nettoyer(capsys, src, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Clients"]
    rows_of = _by_code(ws)
    assert sorted(rows_of) == ["C1", "C2", "C4"]
    assert ws.cell(rows_of["C4"], 1).fill.fgColor.rgb == "FFFFFF00"
    assert ws.cell(rows_of["C1"], 6).value == 1250  # merged CA
    assert all(c.comment is None for row in ws.iter_rows() for c in row)
    arch = wb["Archives"]
    header = [c.value for c in arch[1]]
    code_col = header.index("Code client") + 1
    # « Archives » keeps the principal's values before the merge (row 2, still in the sheet) and the duplicate
    origin = {arch.cell(r, 1).value: r for r in range(2, arch.max_row + 1)}
    assert sorted(origin) == [2, 4]
    assert arch.cell(origin[2], code_col).fill.fgColor.rgb != "FF0000FF"
    r = origin[4]
    assert arch.cell(r, header.index("CA total") + 1).value == 250
    assert arch.cell(r, header.index("Entreprise") + 1).comment.text == "doublon saisi par erreur"
    assert arch.cell(r, code_col).fill.fgColor.rgb == "FF0000FF"


# ------------------------------------------------------------------ the invariant, on generated tables

_COLORS = [f"FF{i:02X}{(37 * i) % 256:02X}{(91 * i) % 256:02X}" for i in range(1, 41)]
_FORMATS = ["0.00", "#,##0", "0.0", "# ##0,00 €", "0%"]


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=2, max_value=12))
    rows = []
    for i in range(n):
        recent = draw(st.booleans())
        when = dt.date(2025, 1 + draw(st.integers(0, 4)), 1) if recent else dt.date(2012 + draw(st.integers(0, 8)), 3, 1)
        ca = float(draw(st.integers(0, 5000)))
        rows.append((f"K{i:03d}", f"Entreprise {chr(65 + i)}{i} SAS", f"c{i}@ex{i}.fr", when,
                     draw(st.integers(1, 9)), ca, f"{10000 + 997 * i:05d}"[:5]))
    notes = draw(st.sets(st.integers(0, n - 1)))
    links = draw(st.sets(st.integers(0, n - 1)))
    formats = draw(st.lists(st.sampled_from(_FORMATS), min_size=n, max_size=n))
    return rows, notes, links, formats


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables())
def test_every_row_is_kept_or_archived_with_its_attributes(tmp_path_factory, table):
    rows, notes, links, formats = table
    folder = tmp_path_factory.mktemp("nettoyer")

    def decorate(ws):
        for i in range(len(rows)):
            r = i + 2
            ws.cell(r, 1).fill = PatternFill("solid", fgColor=_COLORS[i])
            ws.cell(r, 6).number_format = formats[i]
            if i in notes:
                ws.cell(r, 2).comment = Comment(f"note {rows[i][0]}", "test")
            if i in links:
                ws.cell(r, 3).hyperlink = f"mailto:{rows[i][2]}"

    src = _book(folder / "base.xlsx", rows, decorate)
    out = folder / "propre.xlsx"
    assert main(["-q", "nettoyer", str(src), "-o", str(out), "--date", TODAY.isoformat()]) == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Clients"]
    arch = wb["Archives"] if "Archives" in wb.sheetnames else None
    seen = {}
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, 1).value
        assert code is not None, f"ligne {r} vide sous le tableau nettoyé"
        seen[code] = ("Clients", ws, r, {"code": 1, "name": 2, "mail": 3, "ca": 6})
    if arch is not None:
        header = [c.value for c in arch[1]]
        cols = {"code": header.index("Code client") + 1, "name": header.index("Entreprise") + 1,
                "mail": header.index("Email") + 1, "ca": header.index("CA total") + 1}
        for r in range(2, arch.max_row + 1):
            code = arch.cell(r, cols["code"]).value
            assert code not in seen, f"{code} à la fois gardé et archivé"
            seen[code] = ("Archives", arch, r, cols)
    assert sorted(seen) == sorted(r[0] for r in rows)
    for i, row in enumerate(rows):
        where, sheet, r, cols = seen[row[0]]
        assert sheet.cell(r, cols["code"]).fill.fgColor.rgb == _COLORS[i], (where, row[0])
        assert sheet.cell(r, cols["ca"]).value == row[5]  # no duplicates here: every CA as it was
        assert sheet.cell(r, cols["ca"]).number_format == formats[i]
        note = sheet.cell(r, cols["name"]).comment
        assert (note.text if note else None) == (f"note {row[0]}" if i in notes else None)
        link = sheet.cell(r, cols["mail"]).hyperlink
        assert (link.target if link else None) == (f"mailto:{row[2]}" if i in links else None)


# ------------------------------------------------------------------ the streamed path of big sheets


def _plain_rows(n: int):
    return [(f"K{i:05d}", f"Société {i}", f"c{i}@ex.fr", dt.date(2025, 1 + i % 5, 1) if i % 3 else dt.date(2015, 1, 1),
             1 + i % 7, float(100 + i), f"{75000 + i % 20:05d}") for i in range(n)]


def test_big_sheets_stream_only_when_rows_carry_nothing_of_their_own(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(audit_files, "FAST_ROWS", 10)  # 30 rows: a big sheet
    streamed = []
    real = audit_files.clean_streamed
    monkeypatch.setattr(audit_files, "clean_streamed", lambda *a, **k: streamed.append(True) or real(*a, **k))

    def cleaned(name: str, decorate=None):
        streamed.clear()
        out = tmp_path / f"{name}-propre.xlsx"
        _nettoyer(capsys, _book(tmp_path / f"{name}.xlsx", _plain_rows(30), decorate), out)
        ws = openpyxl.load_workbook(out)["Clients"]
        return bool(streamed), ws, _by_code(ws)

    assert cleaned("plain")[0]  # every row with its column's look: streamed

    def with_note(ws):
        ws["B7"].comment = Comment("à rappeler", "x")  # K00005

    def with_link(ws):
        ws["C9"].hyperlink = "mailto:x@y.fr"  # K00007

    def with_fill(ws):
        ws["A12"].fill = PatternFill("solid", fgColor="FFFF0000")  # K00010

    def with_height(ws):
        ws.row_dimensions[6].height = 40  # K00004

    def with_last_fill(ws):  # the sheet's very last cell (K00029), read with the end of its XML
        ws.cell(ws.max_row, ws.max_column).fill = PatternFill("solid", fgColor="FFFF0000")

    for decorate, kept in (
        (with_note, lambda ws, at: ws.cell(at["K00005"], 2).comment.text == "à rappeler"),
        (with_link, lambda ws, at: ws.cell(at["K00007"], 3).hyperlink.target == "mailto:x@y.fr"),
        (with_fill, lambda ws, at: ws.cell(at["K00010"], 1).fill.fgColor.rgb == "FFFF0000"),
        (with_height, lambda ws, at: ws.row_dimensions[at["K00004"]].height == 40),
        (with_last_fill, lambda ws, at: ws.cell(at["K00029"], 7).fill.fgColor.rgb == "FFFF0000"),
    ):
        was_streamed, ws, at = cleaned(decorate.__name__, decorate)
        assert not was_streamed and kept(ws, at), decorate.__name__  # row by row, each with what it carries


def test_a_big_sheet_with_a_fill_takes_the_row_by_row_path(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(audit_files, "FAST_ROWS", 10)

    def decorate(ws):
        ws["A4"].fill = PatternFill("solid", fgColor="FFFF0000")  # K00002, recent: kept
        ws["A5"].fill = PatternFill("solid", fgColor="FF00FF00")  # K00003 (i % 3 == 0): inactive, archived

    rows = _plain_rows(30)
    src = _book(tmp_path / "big.xlsx", rows, decorate)
    out = tmp_path / "propre.xlsx"
    _nettoyer(capsys, src, out)
    wb = openpyxl.load_workbook(out)
    ws = wb["Clients"]
    rows_of = _by_code(ws)
    assert ws.cell(rows_of["K00002"], 1).fill.fgColor.rgb == "FFFF0000"
    assert all(ws.cell(r, 1).fill.fgColor.rgb != "FF00FF00" for r in range(1, ws.max_row + 1))
    arch = wb["Archives"]
    header = [c.value for c in arch[1]]
    code_col = header.index("Code client") + 1
    assert arch.cell(_by_code(arch, code_col)["K00003"], code_col).fill.fgColor.rgb == "FF00FF00"


@pytest.mark.parametrize("fast", [True, False])
def test_both_paths_give_the_same_clients(tmp_path, capsys, monkeypatch, fast):
    monkeypatch.setattr(audit_files, "FAST_ROWS", 10 if fast else 10**9)
    src = _book(tmp_path / "big.xlsx", _plain_rows(30))
    out = tmp_path / "propre.xlsx"
    _nettoyer(capsys, src, out)
    ws = openpyxl.load_workbook(out)["Clients"]
    codes = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert codes == [r[0] for i, r in enumerate(_plain_rows(30)) if i % 3]
