"""Values longer than an Excel cell holds (32 767 characters): cut on reading a CSV, and said.

A workbook with a longer cell is « damaged » for Excel (it offers to repair it and
truncates the cell): nothing we write may hold one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme.workbook import csvio

from .helpers import run_cli, write_csv

LIMIT = 32_767


def _longest_cells(path: Path) -> dict[str, int]:
    """The longest text of each sheet of the workbook ``path``."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: max((len(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)), default=0)
            for ws in wb.worksheets}


def _xml_longest(path: Path) -> int:
    """The longest text of a cell as the file holds it (openpyxl's reading could cut it)."""
    import re
    from html import unescape

    longest = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                for text in re.findall(r"<t(?:\s[^>]*)?>([^<]*)</t>", zf.read(name).decode("utf-8")):
                    longest = max(longest, len(unescape(text)))
    return longest


def _qualite(path: Path) -> list[tuple]:
    return [row for row in openpyxl.load_workbook(path)["Qualité"].iter_rows(values_only=True)]


def _invoices_csv(path: Path, name: str) -> Path:
    return write_csv(path, [["Code client", "Client", "Date", "N° facture", "Montant HT"],
                            ["C1", name, "01/02/2025", "F1", "100,00"],
                            ["C2", "Société B", "01/03/2025", "F2", "50,00"],
                            ["C1", "Société A", "01/04/2025", "F3", "70,00"]])


def _clients_csv(path: Path, name: str, notes: str = "ok") -> Path:
    return write_csv(path, [["Code client", "Nom", "Date dernier achat", "Nombre commandes", "CA total", "Notes"],
                            ["C1", "Société A", "01/03/2025", "3", "1 200,50", "ok"],
                            ["C2", name, "15/01/2025", "1", "300", notes],
                            ["C3", "Société C", "10/02/2025", "2", "800", "x"]])


def test_a_csv_value_past_the_limit_is_cut_and_said(tmp_path):
    src = _invoices_csv(tmp_path / "export.csv", "Dupont " + "x" * 39_993)  # 40 000 characters
    res = run_cli("segmente", src, "--date", "2025-06-01", mentions=["40 000 caractères", "ligne 2",
                                                                       "colonne « Client »", "« export.csv »"])
    out = tmp_path / "export.xlsx"
    assert res.code == 0
    longest = _longest_cells(out)
    assert max(longest.values()) <= LIMIT, longest
    assert _xml_longest(out) <= LIMIT
    wb = openpyxl.load_workbook(out)
    # the lines and the clients made from them keep the value's first 32 767 characters
    assert wb["Factures"]["B2"].value == ("Dupont " + "x" * 39_993)[:LIMIT]
    assert ("Dupont " + "x" * 39_993)[:LIMIT] in [c.value for c in wb["Clients"]["B"]]
    said = [r for r in _qualite(out) if any(isinstance(v, str) and "40\u202f000 caractères" in v for v in r)]
    assert len(said) == 1
    message = next(v for v in said[0] if isinstance(v, str) and v.startswith("La valeur"))
    assert "ligne 2 du fichier « export.csv »" in message and "colonne « Client »" in message
    assert "« Dupont xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… »" in message
    assert "garde ses 32\u202f767 premiers caractères" in message and "raccourcissez" in message
    # the row links to the line's row of « Factures », in the column of the value
    assert said[0][5:8] == ("Factures", "Client", 2)


def test_a_value_of_exactly_the_limit_is_kept_whole_and_not_said(tmp_path):
    name = "é" * LIMIT  # 2 bytes a character: the byte length alone does not decide
    src = _invoices_csv(tmp_path / "export.csv", name)
    res = run_cli("segmente", src, "--date", "2025-06-01")
    assert "caractères qu'une cellule Excel" not in res.text
    out = tmp_path / "export.xlsx"
    assert openpyxl.load_workbook(out)["Factures"]["B2"].value == name
    assert not any(isinstance(v, str) and "une cellule Excel en contient au plus" in v
                   for row in _qualite(out) for v in row)


def test_the_reading_cuts_every_column_and_names_the_real_lines(tmp_path):
    # a quoted value over two lines: the pandas reading, and the lines below it shifted by one
    src = tmp_path / "export.csv"
    src.write_text("Code client;Nom;Date dernier achat;Nombre commandes;CA total;Notes\n"
                   'C0;Société Z;01/03/2025;3;100;"deux\nlignes"\n'
                   f"C1;{'N' * 40_000};01/03/2025;3;1 200,50;{'é' * 33_000}\n"
                   "C3;Société C;10/02/2025;2;800;x\n", encoding="utf-8")
    table = csvio.read_french_csv(src)
    assert [(c.row, c.line, c.column, c.length) for c in table.long_cells] == [
        (3, 4, "Nom", 40_000), (3, 4, "Notes", 33_000)]
    assert table.frame.loc[3, "Nom"] == "N" * LIMIT and table.frame.loc[3, "Notes"] == "é" * LIMIT
    assert [n.code for n in table.notes] == ["cellule_trop_longue"] * 2
    assert "ligne 4 du fichier « export.csv »" in table.notes[0].message
    # the same file without the line break: Arrow's reading, the same cuts
    plain = tmp_path / "plain.csv"
    plain.write_text(src.read_text(encoding="utf-8").replace('"deux\nlignes"', "deux lignes"), encoding="utf-8")
    fast = csvio.read_french_csv(plain)
    assert [(c.row, c.line, c.column, c.length) for c in fast.long_cells] == [
        (3, None, "Nom", 40_000), (3, None, "Notes", 33_000)]
    assert fast.frame.loc[3, "Notes"] == "é" * LIMIT


def test_audit_of_the_csv_says_it(tmp_path):
    src = _clients_csv(tmp_path / "clients.csv", "Martin " + "y" * 39_993)
    run_cli("audite", src, "--date", "2025-06-01",
            mentions=["« clients.csv »", "ligne 3, colonne « Nom »", "40 000 caractères", "32 767 premiers caractères"])
    out = tmp_path / "audit.xlsx"
    run_cli("audite", src, "--date", "2025-06-01", "-o", out)
    assert max(_longest_cells(out).values()) <= LIMIT
    said = [r for r in _qualite(out) if any(isinstance(v, str) and "40\u202f000 caractères" in v for v in r)]
    assert len(said) == 1 and said[0][5:8] == ("Clients", "Nom", 3)
    # nettoie: said once, the copy holds no longer cell
    res = run_cli("nettoie", src, "-o", tmp_path / "propre.xlsx")
    assert res.text.count("40 000 caractères") == 1
    assert max(_longest_cells(tmp_path / "propre.xlsx").values()) <= LIMIT


def test_a_quoted_value_in_a_message_is_shortened(tmp_path):
    # a long value with a control character: the remark quotes its start, not 40 000 characters
    src = _clients_csv(tmp_path / "clients.csv", "Be\x01ta " + "z" * 39_000)
    res = run_cli("segmente", src, "--date", "2025-06-01", mentions=["caractères de contrôle"])
    assert len(res.text) < 5_000
    messages = [v for row in _qualite(tmp_path / "clients.xlsx") for v in row if isinstance(v, str)]
    assert max(len(v) for v in messages) < 1_000


def test_our_sheets_made_from_a_workbook_respect_the_limit(tmp_path):
    """An .xlsx written by another tool can hold a longer cell: the user's cell is kept, ours are cut."""
    import datetime as dt

    src = tmp_path / "ventes.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ventes"
    ws.append(["Code client", "Client", "Date", "N° facture", "Montant HT"])
    ws.append(["C1", "PLACEHOLDER", dt.datetime(2025, 2, 1), "F1", 100.0])
    ws.append(["C2", "Société B", dt.datetime(2025, 3, 1), "F2", 50.0])
    wb.save(src)
    with zipfile.ZipFile(src) as zf:  # openpyxl itself cuts to the limit: the long value goes in the XML
        parts = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data.replace(b"PLACEHOLDER", b"L" * 40_000))
    run_cli("segmente", src, "--date", "2025-06-01",
            mentions=["Feuille « Ventes » : 1 cellule dépasse", "ligne 2, colonne « Client »", "laissée telle quelle"])
    longest = _longest_cells(src)
    assert longest.pop("Ventes") == 40_000  # the user's cell, untouched
    assert max(longest.values()) == LIMIT  # « Clients », made from the lines, holds the name cut
    said = [r for r in _qualite(src) if any(isinstance(v, str) and "40\u202f000 caractères" in v for v in r)]
    assert len(said) == 1 and said[0][5:8] == ("Ventes", "Client", 2)
    assert "laissée telle quelle" in said[0][3] and "32\u202f767 premiers caractères" in said[0][3]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_cut_cells(tmp_path, lo):
    src = _invoices_csv(tmp_path / "export.csv", "Dupont " + "x" * 39_993)
    run_cli("segmente", src, "--date", "2025-06-01")
    back = lo.convert(tmp_path / "export.xlsx", "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(back)
    assert wb["Factures"]["B2"].value == ("Dupont " + "x" * 39_993)[:LIMIT]
    assert max(_longest_cells(back).values()) <= LIMIT


# --------------------------------------------------------------------------- counted as Excel counts: UTF-16 units

EMOJI = "\U0001F600"  # 😀: one Python character, two UTF-16 units — Excel's NBCAR counts 2


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_excel_length_counts_utf16_units():
    from segmenter_pme.layout.cells import cut_to_cell, excel_length

    assert excel_length("") == 0
    assert excel_length("aé") == 2
    assert excel_length("a" + EMOJI) == 3
    assert excel_length(EMOJI * 20_000) == 40_000
    # 16 384 emoji are 32 768 units: one too many; the cut keeps 16 383 of them (32 766 units), no half emoji
    assert cut_to_cell(EMOJI * 16_384) == EMOJI * 16_383
    # after one plain character the 16 383 emoji fill the cell exactly
    assert cut_to_cell("a" + EMOJI * 20_000) == "a" + EMOJI * 16_383
    assert cut_to_cell("é" * LIMIT) == "é" * LIMIT  # at the limit: kept whole
    assert cut_to_cell("é" * (LIMIT + 1)) == "é" * LIMIT
    assert cut_to_cell(EMOJI * 16_383 + "a") == EMOJI * 16_383 + "a"  # 32 767 units: kept whole


def test_cut_array_counts_emoji_twice_and_never_splits_one():
    import pyarrow as pa

    from segmenter_pme.workbook import long_cells

    values = pa.chunked_array([["court", EMOJI * 20_000], [None, "x" * 20_000, "é" * LIMIT]])
    cut, at, found = long_cells.cut_array(values)
    assert list(at) == [1]  # 20 000 Python characters, 40 000 for Excel; the others fit
    assert [n for _, n in found] == [40_000]
    assert cut.to_pylist() == ["court", EMOJI * 16_383, None, "x" * 20_000, "é" * LIMIT]
    # a value that fits is returned as is (no copy)
    same = pa.array(["a", EMOJI * 16_000])
    assert long_cells.cut_array(same)[0] is same


def test_a_csv_value_of_emoji_past_excel_count_is_cut_and_said(tmp_path):
    name = "Dupont " + EMOJI * 20_000  # 20 007 Python characters, 40 007 for Excel
    src = _invoices_csv(tmp_path / "export.csv", name)
    res = run_cli("segmente", src, "--date", "2025-06-01", mentions=["40 007 caractères", "colonne « Client »"])
    assert res.code == 0
    out = tmp_path / "export.xlsx"
    wb = openpyxl.load_workbook(out)
    kept = "Dupont " + EMOJI * 16_380  # 7 + 32 760 = 32 767 units
    assert wb["Factures"]["B2"].value == kept
    assert kept in [c.value for c in wb["Clients"]["B"]]
    assert max(_utf16(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, str)) <= LIMIT
    said = [r for r in _qualite(out) if any(isinstance(v, str) and "40\u202f007 caractères" in v for v in r)]
    assert len(said) == 1 and said[0][5:8] == ("Factures", "Client", 2)


def test_our_cells_written_through_openpyxl_are_cut_by_excel_count():
    from segmenter_pme.layout.cells import set_value

    ws = openpyxl.Workbook().active
    assert set_value(ws["A1"], EMOJI * 20_000).value == EMOJI * 16_383
    assert set_value(ws["A2"], "x" * 20_000).value == "x" * 20_000


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_emoji_cell_whole(tmp_path, lo):
    src = _invoices_csv(tmp_path / "export.csv", "Dupont " + EMOJI * 20_000)
    run_cli("segmente", src, "--date", "2025-06-01")
    back = lo.convert(tmp_path / "export.xlsx", "xlsx", tmp_path / "lo")
    assert openpyxl.load_workbook(back)["Factures"]["B2"].value == "Dupont " + EMOJI * 16_380
