"""Issue 14 item 2: a user's text is never written back as a formula, by any command, in any writer.

Each hostile text of :data:`HOSTILE_TEXTS` is put in every text field (names,
sectors, postal codes shown in « Qualité », headers, clients found only in the
invoices); the outputs are opened with openpyxl and LibreOffice: no formula made
of them, each still there as the text typed, the user's cells unchanged.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import (HOSTILE_TEXTS, assert_cells_kept, column_values, hostile_formulas, run_cli, snapshot,
                      text_cells, write_csv, write_workbook)

N = len(HOSTILE_TEXTS)
HEADERS = ["Code client", "Entreprise", "Secteur", "Date dernier achat", "Nombre commandes", "CA total",
           "Code postal", "=1+1"]


def _clients(n_copies: int = 1) -> list[list]:
    rows = [HEADERS]
    for k in range(n_copies):
        for i, text in enumerate(HOSTILE_TEXTS):
            code = f"C{k}{i}"
            rows.append([code, text, text, dt.datetime(2025, 1 + i, 10), i + 1, 100.0 * (i + 1) - 700 * (i == 4),
                         text, text])
    return rows


def _assert_texts_survive(path, where: str) -> None:
    assert hostile_formulas(path) == [], where
    texts = text_cells(path)
    for t in HOSTILE_TEXTS:
        assert t in texts, f"{where} : « {t} » n'est plus un texte"


def test_run_on_a_workbook_writes_every_user_text_as_text(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", _clients())
    before = snapshot(p)
    run_cli("run", p, "--date", "2025-12-31")
    _assert_texts_survive(p, "run")
    assert_cells_kept(before, p)
    wb = openpyxl.load_workbook(p)
    # the three places the campaign found live formulas: our « Segment Secteur », Synthèse's sector label, Qualité
    assert column_values(p, "Segment Secteur") == list(HOSTILE_TEXTS)
    synthese = {c.value for r in wb["Synthèse"].iter_rows() for c in r if c.data_type == "s"}
    assert set(HOSTILE_TEXTS) <= synthese
    qualite = {c.value for r in wb["Qualité"].iter_rows() for c in r if c.data_type == "s"}
    assert "=1+1" in qualite  # the unreadable postal code « =1+1 » quoted in « Valeur »
    # a negative amount stays a number
    assert column_values(p, "CA total")[4] == -200


def test_run_on_a_csv_keeps_headers_and_texts_as_text(tmp_path):
    p = write_csv(tmp_path / "export.csv",
                  [[str(v) if isinstance(v, (int, float)) else (v.strftime("%d/%m/%Y") if hasattr(v, "year") else v)
                    for v in row] for row in _clients()], sep=",")
    run_cli("run", p, "--date", "2025-12-31")
    out = tmp_path / "export.xlsx"
    _assert_texts_survive(out, "run CSV")
    wb = openpyxl.load_workbook(out)
    assert wb["Clients"]["H1"].value == "=1+1" and wb["Clients"]["H1"].data_type == "s"
    assert column_values(out, "Entreprise", "Clients") == list(HOSTILE_TEXTS)
    assert column_values(out, "CA total", "Clients")[4] == -200


def test_clients_found_only_in_invoices_keep_their_names_as_text(tmp_path):
    def invoices(wb):
        ws = wb.create_sheet("Factures")
        ws.append(["Code client", "Client", "Date", "N° facture", "Montant HT"])
        for i, text in enumerate(HOSTILE_TEXTS):
            ws.append([f"F{i}", text, dt.datetime(2025, 3, 1 + i), f"N{i}", 50.0 + i])
            ws.cell(ws.max_row, 2).data_type = "s"

    p = write_workbook(tmp_path / "base.xlsx", _clients(), extra=invoices)
    before = snapshot(p)
    run_cli("run", p, "--date", "2025-12-31")
    assert hostile_formulas(p) == []
    names = column_values(p, "Entreprise", "Clients")
    assert names[-N:] == list(HOSTILE_TEXTS)  # appended from the invoices, as typed
    assert_cells_kept(before, p)


def test_invoice_export_makes_a_clients_sheet_of_text(tmp_path):
    rows = [["Code client", "Client", "Date", "N° facture", "Montant HT"]]
    rows += [[f"F{i}", t, f"0{i + 1}/03/2025", f"N{i}", f"{50 + i},00"] for i, t in enumerate(HOSTILE_TEXTS)]
    p = write_csv(tmp_path / "ventes.csv", rows)
    run_cli("run", p, "--date", "2025-12-31")
    _assert_texts_survive(tmp_path / "ventes.xlsx", "run factures CSV")


def test_audit_copy_writes_qualite_values_as_text(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", _clients())
    before = snapshot(p)
    out = tmp_path / "audit.xlsx"
    run_cli("audit", p, "-o", out)
    _assert_texts_survive(out, "audit -o")
    qualite = {c.value for r in openpyxl.load_workbook(out)["Qualité"].iter_rows() for c in r
               if c.data_type == "s"}
    assert "=1+1" in qualite
    assert_cells_kept(before, out)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_nettoyer_keeps_text_cells_text_in_clients_and_archives(tmp_path, kind):
    rows = _clients(n_copies=2)  # every client twice: duplicates go to « Archives »
    if kind == "xlsx":
        p = write_workbook(tmp_path / "clients.xlsx", rows)
    else:
        p = write_csv(tmp_path / "clients.csv", [[v.strftime("%d/%m/%Y") if hasattr(v, "year") else v for v in r]
                                                 for r in rows])
    out = tmp_path / "propre.xlsx"
    run_cli("nettoyer", p, "-o", out, "--date", "2025-12-31")
    assert hostile_formulas(out) == []
    wb = openpyxl.load_workbook(out)
    for title in wb.sheetnames:
        ws = wb[title]
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in HOSTILE_TEXTS:
                    assert c.data_type == "s", f"{title}!{c.coordinate}"
    head = [c.value for c in wb[wb.sheetnames[0]][1]]
    assert "=1+1" in head
    if "Archives" in wb.sheetnames:
        assert "=1+1" in [c.value for c in wb["Archives"][1]]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_sees_no_formula_in_what_run_writes(tmp_path, lo):
    p = write_csv(tmp_path / "export.csv",
                  [[v.strftime("%d/%m/%Y") if hasattr(v, "year") else v for v in row] for row in _clients()],
                  sep=",")
    run_cli("run", p, "--date", "2025-12-31")
    out = tmp_path / "export.xlsx"
    assert hostile_formulas(lo.convert(out, "xlsx", tmp_path / "lo")) == []
    sheets = lo.sheets_as_csv(out, tmp_path / "csv")
    clients = sheets["Clients"]
    for t in HOSTILE_TEXTS:
        assert t.replace('"', '""') in clients, f"« {t} » n'est plus le texte saisi dans « Clients »"
    # what an evaluated =HYPERLINK("http://x","x") would show instead of its text
    assert ',x,' not in clients


def test_excel_add_in_writes_user_text_with_excels_quote(tmp_path):
    """The add-in writes through ``Range.value``, where Excel itself takes « =… » for a formula."""
    from support import fake_xlwings as fx
    from segmenter_pme.excel import macros

    book = fx.FakeBook("clients.xlsx")
    sheet = book.sheets.add("Clients")
    fx.fill(sheet, _clients())  # typed by the user as text (Excel keeps them as text cells)
    macros.segmenter(book)
    formulas = [f"{s.name}!{key} = {v}" for s in book.sheets for key, v in s._cells.items()
                if isinstance(v, fx.FakeFormula) and any(t in v for t in ("1+1", "HYPERLINK(\"http"))]
    assert formulas == []
    header = [sheet._cells.get((1, j)) for j in range(1, 40)]
    col = header.index("Segment Secteur") + 1
    assert [sheet._cells.get((r, col)) for r in range(2, 2 + N)] == list(HOSTILE_TEXTS)
    synthese = set(book.sheets["Synthèse"]._cells.values())
    assert set(HOSTILE_TEXTS) <= synthese


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_sees_no_formula_in_what_audit_and_nettoyer_write(tmp_path, lo):
    p = write_workbook(tmp_path / "clients.xlsx", _clients(n_copies=2))
    audit_out, clean_out = tmp_path / "audit.xlsx", tmp_path / "propre.xlsx"
    run_cli("audit", p, "-o", audit_out)
    run_cli("nettoyer", p, "-o", clean_out, "--date", "2025-12-31")
    for out in (audit_out, clean_out):
        assert hostile_formulas(lo.convert(out, "xlsx", tmp_path / f"lo-{out.stem}")) == [], out.name
        sheets = lo.sheets_as_csv(out, tmp_path / f"csv-{out.stem}")
        clients = sheets["Clients"]
        for t in HOSTILE_TEXTS:
            assert t.replace('"', '""') in clients, f"{out.name} : « {t} » n'est plus le texte saisi"


def test_nettoyer_streamed_path_keeps_text_cells_text(tmp_path, monkeypatch):
    """Big sheets are streamed (``workbook.audit_files.FAST_ROWS``): the same guarantee on that path."""
    from segmenter_pme.workbook import audit_files

    monkeypatch.setattr(audit_files, "FAST_ROWS", 2)
    p = write_workbook(tmp_path / "clients.xlsx", _clients(n_copies=2))
    out = tmp_path / "propre.xlsx"
    run_cli("nettoyer", p, "-o", out, "--date", "2025-12-31")
    _assert_texts_survive(out, "nettoyer (flux)")
    wb = openpyxl.load_workbook(out)
    assert "=1+1" in [c.value for c in wb["Clients"][1]]
    if "Archives" in wb.sheetnames:
        assert "=1+1" in [c.value for c in wb["Archives"][1]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("=+-@!'\"(),;:|/ 01aZé"), min_size=1, max_size=12),
                min_size=1, max_size=8))
def test_any_text_written_by_set_value_comes_back_as_the_same_text(tmp_path_factory, texts):
    from segmenter_pme.layout.cells import set_value

    texts = [t for t in texts if t.strip()]
    wb = openpyxl.Workbook()
    for i, t in enumerate(texts, start=1):
        set_value(wb.active.cell(i, 1), t)
    p = tmp_path_factory.mktemp("cells") / "t.xlsx"
    wb.save(p)
    back = openpyxl.load_workbook(p).active
    assert [(back.cell(i, 1).value, back.cell(i, 1).data_type) for i in range(1, len(texts) + 1)] == \
        [(t, "s") for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \u00a0\t\r=+-@a1"), max_size=6))
def test_workbook_cells_and_csv_files_follow_one_formula_rule(text):
    from segmenter_pme.layout.cells import READ_AS_VALUE, as_typed_text, set_value
    from segmenter_pme.safe_text import E164, neutralize

    cell = openpyxl.Workbook().active["A1"]
    set_value(cell, text)
    # a workbook cell gets Excel's quote when it would run as a formula — where a CSV cell is neutralised,
    # but for an E.164 phone number, which the e-mailing tools want with its « + » — or when Excel would
    # read it as a number (« 1 ») once the user edits the cell; a text typed through xlwings alike
    formula = neutralize(text) != text or bool(E164.fullmatch(text))
    assert bool(cell.quotePrefix) == (formula or bool(READ_AS_VALUE.fullmatch(text)))
    assert (as_typed_text(text) == "'" + text) == bool(cell.quotePrefix)
