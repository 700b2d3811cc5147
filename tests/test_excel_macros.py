"""The ribbon macros against the xlwings stand-in: same output as ``segmenter segmente``, block I/O, French errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.demo import generate_demo
from support import fake_xlwings as fx
from segmenter_pme.excel import macros
from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.layout import FICHES, PARAMETRES, PLAN_ACTIONS, PRIORITES, QUALITE, SYNTHESE

REPORTS = [SYNTHESE, PLAN_ACTIONS, FICHES, PRIORITES, QUALITE, PARAMETRES]
#: what the ribbon's Segmenter writes besides the client sheet (no invoice lines: « Historique » too)
RUN_SHEETS = [SYNTHESE, "Évolution", PLAN_ACTIONS, FICHES, PRIORITES, QUALITE, PARAMETRES, "Campagnes", "Historique"]


def _plain(v):
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def _rows(frame: pd.DataFrame) -> list[list]:
    return [list(frame.columns)] + [[_plain(v) for v in r] for r in frame.itertuples(index=False)]


def demo_book(n: int, *, dirty: bool = False, table: bool = False, title_rows: int = 0) -> fx.FakeBook:
    demo = generate_demo(n, dirty=dirty, duplicates=False)
    book = fx.FakeBook("clients.xlsx")
    sheet = book.sheets.add("Clients")
    if title_rows:
        fx.fill(sheet, [["Export clients"]])
    rows = _rows(demo.clients)
    fx.fill(sheet, rows, top=1 + title_rows)
    if table:
        rng = sheet.range((1 + title_rows, 1), (title_rows + len(rows), len(rows[0])))
        sheet.tables._sheet.tables.append(fx.FakeTable(sheet, rng, "TableauClients", "TableStyleMedium2"))
    return book


def _header(sheet: fx.FakeSheet, row: int = 1) -> list:
    return [v for v in sheet.range((row, 1), (row, 40)).value if v is not None]


def test_segmenter_writes_the_spec_columns_and_sheets():
    book = demo_book(300)
    message = macros.segmenter(book)
    assert message.startswith("Segmentation terminée : 300 clients dans « Clients »")
    assert book.app.alerts == [(message, "Segmentation")]
    clients = book.sheets["Clients"]
    header = _header(clients)
    assert header[-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    assert [s.name for s in book.sheets] == ["Clients", *RUN_SHEETS]
    code = header.index("Code RFM") + 1
    assert clients.range((2, code)).number_format == "@"
    codes = [v for v in clients.range((2, code), (301, code)).value if v is not None]
    assert codes and all(isinstance(c, str) and len(c) == 3 for c in codes)  # "545" stays text
    assert book.active_sheet.name == SYNTHESE
    assert book.app.screen_updating is True


def test_same_columns_and_report_values_as_the_workbook_engine(tmp_path: Path):
    from segmenter_pme.workbook.engine import run

    demo = generate_demo(250, dirty=False, duplicates=False)
    path = tmp_path / "clients.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    for row in _rows(demo.clients):
        ws.append(row)
    wb.save(path)
    out = tmp_path / "resultat.xlsx"
    run(path, out, backup=False)
    expected = openpyxl.load_workbook(out)

    book = demo_book(250)
    macros.segmenter(book)
    # « Mode d'emploi » is what a command-line run adds; in Excel the ribbon's « Aide » button shows it
    assert [s.name for s in book.sheets] == [n for n in expected.sheetnames if n != "Mode d'emploi"]
    fake = book.sheets["Clients"]
    xl = expected["Clients"]
    width = xl.max_column
    assert _header(fake) == [c.value for c in xl[1]]
    for r in range(2, xl.max_row + 1):
        got = fake.range((r, 1), (r, width)).value
        want = [c.value for c in xl[r]]
        for g, w in zip(got, want):
            if isinstance(w, (int, float)) and not isinstance(w, bool):
                assert g == pytest.approx(float(w)), r
            else:
                assert g == w, (r, g, w)
    # report sheets: same plan, so the same values in the same cells
    for name in (SYNTHESE, PLAN_ACTIONS, PARAMETRES):
        xs = expected[name]
        fs = book.sheets[name]
        for row in xs.iter_rows():
            for c in row:
                if c.value is None or isinstance(c.value, str) and c.value.startswith("="):
                    continue
                got = fs.range((c.row, c.column)).value
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert got == pytest.approx(float(c.value)), (name, c.coordinate)
                elif isinstance(c.value, dt.date):
                    assert got.date() == (c.value.date() if isinstance(c.value, dt.datetime) else c.value)
                elif str(c.value).startswith("• Le dernier achat du fichier"):
                    # the old-export note: same finding, each front end says how to set the date its own way
                    assert got.split(" : ")[:2] == c.value.split(" : ")[:2], (name, c.coordinate)
                elif isinstance(got, str) and got.startswith("=HYPERLINK("):
                    assert got.endswith(f'"{c.value}")'), (name, c.coordinate)  # a link: same text shown
                else:
                    assert got == c.value, (name, c.coordinate, got, c.value)


def test_block_io_is_independent_of_the_row_count():
    counts = []
    for n in (1_000, 10_000):
        book = demo_book(n)
        macros.segmenter(book)
        first = dict(book.app.ops)
        book.app.ops.clear()
        macros.segmenter(book)  # rerun: reads every sheet, rewrites in place
        counts.append((first, dict(book.app.ops)))
    (first_small, rerun_small), (first_big, rerun_big) = counts
    assert first_small["read"] == first_big["read"] == 1  # one read of the used range
    assert first_small["write"] == first_big["write"]  # one write per output block
    assert rerun_small == rerun_big
    assert first_small == first_big
    assert rerun_big["read"] == 1 + len(RUN_SHEETS)


def test_rerun_updates_in_place_never_duplicates():
    book = demo_book(200, table=True)
    macros.segmenter(book)
    clients = book.sheets["Clients"]
    before = clients.used_range.value
    macros.segmenter(book)
    assert clients.used_range.value == before
    header = _header(clients)
    assert len(header) == len(set(header))
    table = clients.tables[0]
    assert table.range.shape[1] == len(header)  # the user's Table grew to include our columns
    assert "_segmenter_sortie" in book.names


def test_header_row_below_a_title_is_found():
    book = demo_book(120, title_rows=2)
    macros.segmenter(book)
    assert _header(book.sheets["Clients"], row=3)[-1] == OUTPUT_COLUMNS[-1]


def test_user_error_is_one_french_message_box():
    book = fx.FakeBook("vide.xlsx")
    fx.fill(book.sheets.add("Feuil1"), [["Bonjour"], ["rien ici"]])
    assert macros.segmenter(book) is None
    assert len(book.app.alerts) == 1
    text, title = book.app.alerts[0]
    assert title == "Segmentation"
    assert text.startswith("Aucun tableau de clients") and "Traceback" not in text
    assert [s.name for s in book.sheets] == ["Feuil1"]  # nothing written


def test_unexpected_error_is_logged_not_shown_as_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    book = demo_book(50)

    def boom(_reading):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(macros, "analyse", boom)
    assert macros.segmenter(book) is None
    text, _ = book.app.alerts[-1]
    assert text.startswith("Erreur inattendue") and "ZeroDivisionError" not in text
    log = tmp_path / "segmenter-pme" / "erreurs.log"
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
    assert book.app.screen_updating is True


def test_auditer_refreshes_only_qualite():
    book = demo_book(150, dirty=True)
    clients = book.sheets["Clients"]
    before = dict(clients._cells)
    macros.auditer(book)
    assert dict(clients._cells) == before
    assert [s.name for s in book.sheets] == ["Clients", QUALITE]
    assert book.active_sheet.name == QUALITE


def test_synthese_counts_the_labels_as_edited_by_the_user():
    book = demo_book(200)
    macros.segmenter(book)
    clients = book.sheets["Clients"]
    col = _header(clients).index("Segment RFM") + 1
    labels = clients.range((2, col), (201, col)).value
    n_champions = labels.count("Champions")
    edited = [("Champions" if v not in (None, "Prospect") else v) for v in labels]
    clients.range((2, col), (201, col)).options(ndim=2).value = [[v] for v in edited]

    def champions_in_synthese() -> float:
        rows = book.sheets[SYNTHESE].used_range.options(ndim=2).value
        hit = next(r for r in rows if "Champions" in r)
        return hit[hit.index("Champions") + 1]

    assert champions_in_synthese() == n_champions
    macros.synthese(book)
    assert champions_in_synthese() == sum(1 for v in edited if v == "Champions") > n_champions
    assert _header(clients).count("Segment RFM") == 1


def test_synthese_before_segmenter_says_what_to_do():
    book = demo_book(50)
    assert macros.synthese(book) is None
    assert "cliquez d'abord sur « Segmenter »" in book.app.alerts[-1][0]


def test_parametres_creates_once_and_never_overwrites():
    book = demo_book(30)
    macros.parametres(book)
    sheet = book.sheets[PARAMETRES]
    sheet.range("Z1").value = "note de l'utilisateur"
    macros.parametres(book)
    assert book.sheets[PARAMETRES].range("Z1").value == "note de l'utilisateur"
    assert book.active_sheet.name == PARAMETRES
    assert book.app.alerts == []


def test_aide_shows_the_mode_d_emploi():
    book = demo_book(30)
    macros.aide(book)
    assert book.active_sheet.name == "Mode d'emploi"
    assert book.sheets["Mode d'emploi"].used_range.shape[0] > 5


def test_invoice_lines_only_create_a_clients_sheet():
    demo = generate_demo(120, dirty=False, duplicates=False)
    book = fx.FakeBook("factures.xlsx")
    fx.fill(book.sheets.add("Factures"), _rows(demo.invoices))
    message = macros.segmenter(book)
    assert message and "Clients" in [s.name for s in book.sheets]
    sheet = book.sheets["Clients"]
    assert _header(sheet)[-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    assert sheet.tables and sheet.tables[0].name == "TableClients"


def test_every_button_is_a_macro():
    for name, fn in macros.BUTTONS.items():
        assert fn.__name__ == name and callable(fn)


def test_clients_and_invoices_append_clients_and_synthese_reads_their_rows():
    demo = generate_demo(200, dirty=False, duplicates=False)
    book = fx.FakeBook("base.xlsx")
    clients = book.sheets.add("Clients")
    fx.fill(clients, _rows(demo.clients))
    fx.fill(book.sheets.add("Factures", after=clients), _rows(demo.invoices))
    message = macros.segmenter(book)
    assert message is not None
    n_rows = len(demo.clients)
    last = clients.used_range.last_cell.row
    assert last > n_rows + 1  # clients found only in the invoices were appended below
    col = _header(clients).index("Segment RFM") + 1
    clients.range((last, col)).value = "VIP"  # the user relabels an appended client
    macros.synthese(book)
    rows = book.sheets[SYNTHESE].used_range.options(ndim=2).value
    hit = next(r for r in rows if "VIP" in r)
    assert hit[hit.index("VIP") + 1] == 1


def test_auditer_calls_do_not_grow_with_rows_even_on_dirty_data():
    counts = []
    for n in (300, 3000):
        book = demo_book(n, dirty=True)
        macros.auditer(book)
        counts.append(dict(book.app.ops))
    assert counts[0] == counts[1]
    assert counts[0]["read"] == 1 and counts[0]["write"] == 1


def test_listes_and_fiches_buttons_write_beside_the_saved_book(tmp_path: Path):
    from pypdf import PdfReader

    book = demo_book(200)
    book.fullname = str(tmp_path / "clients.xlsx")
    message = macros.listes(book)
    folder = tmp_path / "clients - listes"
    assert "listes écrites dans le dossier" in message
    assert (folder / "index.csv").exists() and (folder / "RFM - Champions.csv").exists()
    assert (folder / "Tags CRM.csv").read_text(encoding="utf-8-sig").count("\n") == 201  # header + every client
    macros.segmenter(book)  # the Plan d'actions now exists: the user's edit shows on the card
    plan = book.sheets[PLAN_ACTIONS]
    for row in range(1, 40):
        if plan.range((row, 3)).value == "Champions":
            header = next(r for r in range(1, row) if plan.range((r, 3)).value == "Segment")
            col = next(c for c in range(1, 30) if plan.range((header, c)).value == "Objectif")
            plan.range((row, col)).value = "Garder nos champions coûte que coûte"
            break
    message = macros.fiches(book)
    pdf = tmp_path / "clients - fiches segments.pdf"
    assert "fiches segments" in message and pdf.exists()
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Champions" in text and "Garder nos champions coûte que coûte" in text


def test_listes_on_an_unsaved_book_says_to_save_it():
    book = demo_book(50)
    assert macros.listes(book) is None
    assert "Enregistrez d'abord le classeur" in book.app.alerts[-1][0]


def test_the_ribbon_reads_as_segmenter_run_reads(tmp_path: Path):
    """One reading flow (workbook/book_tables): a Total row set aside and a control character taken out
    are said in « Qualité » by the ribbon's Segmenter as by ``segmenter segmente``."""
    import zipfile

    from segmenter_pme.workbook.engine import run

    rows = [["Entreprise", "Code client", "Date dernier achat", "Nombre commandes", "CA total"],
            ["Axx SARL", "C1", dt.datetime(2025, 3, 1), 2, 100.0],
            ["Beta", "C2", dt.datetime(2025, 5, 1), 3, 200.0],
            ["Gamma", "C3", dt.datetime(2025, 6, 1), 1, 300.0],
            ["Total", None, None, 6, 600.0]]
    path = tmp_path / "clients.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Clients"
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    with zipfile.ZipFile(path) as zf:  # Excel stores a control character as _x0007_ (openpyxl refuses it)
        parts = {n: zf.read(n).replace(b"Axx", b"A_x0007_x") for n in zf.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    engine_issues = run(path, tmp_path / "out.xlsx", backup=False, analysis_date=dt.date(2025, 12, 31)).result.issues

    book = fx.FakeBook("clients.xlsx")
    rows[1][0] = "A\x07x SARL"  # what xlwings gives for that cell
    fx.fill(book.sheets.add("Clients"), rows)
    reading = macros.read_book(book)
    ribbon_issues = macros.analyse(reading).issues

    def said(issues):
        return sorted((i.code, i.sheet, str(i.column), str(i.row)) for i in issues)

    assert said(ribbon_issues) == said(engine_issues)
    rows_said = {i.row for i in ribbon_issues}
    assert len(reading.clients.frame) == 3 and {2, 5} <= rows_said  # the control character, the Total row
