"""The workbook job on real files: our columns and sheets written, everything else of the user kept."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from segmenter_pme.errors import SegmenterError
from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.workbook import backup_path, run
from wbfactory import CLIENTS, HEADERS, invoices_workbook, rich_workbook, snapshot

DATE = dt.date(2025, 12, 31)
REPORT = {"Synthèse", "Plan d'actions", "Qualité", "Paramètres"}


def header_row(ws, r):
    return [c.value for c in ws[r] if c.value is not None]


@pytest.fixture
def rich(tmp_path):
    return rich_workbook(tmp_path / "clients.xlsx")


def test_writes_our_columns_right_of_the_users_on_the_header_row(rich):
    report = run(rich, analysis_date=DATE)
    wb = openpyxl.load_workbook(rich)
    ws = wb["Clients"]
    assert header_row(ws, 3) == HEADERS + ["CA TTC"] + list(OUTPUT_COLUMNS)
    col = {ws.cell(3, j).value: j for j in range(1, ws.max_column + 1)}
    # C001: bought 41 days before the analysis date
    assert ws.cell(4, col["Récence (jours)"]).value == 41
    assert ws.cell(4, col["Segment RFM"]).value == report.result.output.loc[4, "Segment RFM"]
    assert isinstance(ws.cell(4, col["Code RFM"]).value, str)
    assert ws.cell(11, col["Segment RFM"]).value == "Prospect"  # C008 never bought
    assert REPORT <= set(wb.sheetnames)
    assert ws.freeze_panes == "C4"  # the user's own pane is kept


def test_everything_outside_our_columns_and_sheets_is_kept(rich, tmp_path):
    before = snapshot(rich)
    run(rich, analysis_date=DATE)
    after = snapshot(rich, skip_cols={"Clients": 9})
    assert after["sheets"] == before["sheets"]
    assert after["names"] == before["names"]
    for sheet in before["sheets"]:
        b, a = before[sheet], after[sheet]
        assert a["cells"] == b["cells"], sheet
        for key in ("validations", "cf", "charts", "images", "merged", "freeze", "widths", "tables"):
            assert a[key] == b[key], (sheet, key)
    assert before["Graphique"]["charts"] == 1 and before["Accueil"]["images"] == 1


def test_excel_table_grows_to_include_our_columns(rich):
    run(rich, analysis_date=DATE)
    wb = openpyxl.load_workbook(rich)
    table = wb["Clients"].tables["TableClients"]
    last = openpyxl.utils.get_column_letter(8 + len(OUTPUT_COLUMNS))
    assert table.ref == f"A3:{last}11"
    names = [c.name for c in table.tableColumns]
    assert names == HEADERS + ["CA TTC"] + list(OUTPUT_COLUMNS)
    assert len({c.id for c in table.tableColumns}) == len(names)


def test_rerun_updates_in_place_and_never_duplicates(rich):
    run(rich, analysis_date=DATE)
    first = openpyxl.load_workbook(rich)
    run(rich, analysis_date=DATE)
    second = openpyxl.load_workbook(rich)
    assert second.sheetnames == first.sheetnames
    assert header_row(second["Clients"], 3) == header_row(first["Clients"], 3)
    assert header_row(second["Clients"], 3).count("Segment RFM") == 1
    for r1, r2 in zip(first["Clients"].iter_rows(values_only=True), second["Clients"].iter_rows(values_only=True)):
        assert r1 == r2
    assert len(second["Clients"].tables["TableClients"].tableColumns) == 8 + len(OUTPUT_COLUMNS)


def test_rerun_with_another_date_changes_only_our_values(rich):
    run(rich, analysis_date=DATE)
    run(rich, analysis_date=DATE + dt.timedelta(days=10))
    ws = openpyxl.load_workbook(rich)["Clients"]
    col = {ws.cell(3, j).value: j for j in range(1, ws.max_column + 1)}
    assert ws.cell(4, col["Récence (jours)"]).value == 51


def test_backup_keeps_the_previous_version(rich):
    original = rich.read_bytes()
    report = run(rich, analysis_date=DATE)
    assert report.backup == backup_path(rich)
    assert backup_path(rich).read_bytes() == original
    assert backup_path(rich).name == "clients.sauvegarde.xlsx"


def test_output_option_never_writes_into_the_input(rich, tmp_path):
    original = rich.read_bytes()
    out = tmp_path / "sortie" / "resultat.xlsx"
    out.parent.mkdir()
    report = run(rich, out, analysis_date=DATE)
    assert rich.read_bytes() == original
    assert report.output == out and out.exists()
    assert not backup_path(rich).exists()
    assert "Synthèse" in openpyxl.load_workbook(out).sheetnames


def test_output_is_readable_by_calamine(rich):
    run(rich, analysis_date=DATE)
    book = CalamineWorkbook.from_path(str(rich))
    assert set(book.sheet_names) >= {"Accueil", "Clients", "Graphique"} | REPORT
    rows = book.get_sheet_by_name("Clients").to_python(skip_empty_area=False)
    assert rows[2][8:8 + len(OUTPUT_COLUMNS)] == list(OUTPUT_COLUMNS)
    assert rows[3][0] == "C001"


def test_total_row_is_not_a_client_and_stays(tmp_path):
    path = rich_workbook(tmp_path / "total.xlsx", table=False, total_row=True)
    report = run(path, analysis_date=DATE)
    assert len(report.result.output) == len(CLIENTS)
    ws = openpyxl.load_workbook(path)["Clients"]
    total = 4 + len(CLIENTS)
    assert ws.cell(total, 1).value == "Total"
    assert ws.cell(total, 6).value == f"=SUM(F4:F{total - 1})"
    assert all(ws.cell(total, c).value is None for c in range(9, 9 + len(OUTPUT_COLUMNS)))
    # the autofilter of the header row now covers our columns
    assert ws.auto_filter.ref.startswith("A3:") and ws.auto_filter.ref.split(":")[1].startswith(
        openpyxl.utils.get_column_letter(8 + len(OUTPUT_COLUMNS)))


def test_clients_found_only_in_invoices_are_appended(tmp_path):
    path = rich_workbook(tmp_path / "both.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Factures")
    ws.append(["Code client", "Date", "N° facture", "Montant HT"])
    ws.append(["C001", dt.date(2025, 12, 10), "F1", 500.0])
    ws.append(["C999", dt.date(2025, 12, 12), "F2", 800.0])
    wb.save(path)
    report = run(path, analysis_date=DATE)
    assert report.appended_clients == 1
    ws = openpyxl.load_workbook(path)["Clients"]
    row = 4 + len(CLIENTS)  # right under the table, which grows to include it
    assert ws.cell(row, 1).value == "C999"
    col = {ws.cell(3, j).value: j for j in range(1, ws.max_column + 1)}
    assert ws.cell(row, col["Segment RFM"]).value not in (None, "Prospect")
    assert openpyxl.load_workbook(path)["Clients"].tables["TableClients"].ref.endswith(str(row))
    # a rerun finds it as a client of the table: nothing appended twice
    again = run(path, analysis_date=DATE)
    assert again.appended_clients == 0
    assert openpyxl.load_workbook(path)["Clients"].cell(row + 1, 1).value is None


def test_invoices_only_creates_a_clients_sheet(tmp_path):
    path = invoices_workbook(tmp_path / "ventes.xlsx")
    report = run(path, analysis_date=DATE)
    assert report.created_clients_sheet and report.clients_sheet == "Clients"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Clients" and "Ventes" in wb.sheetnames
    ws = wb["Clients"]
    headers = header_row(ws, 1)
    assert set(OUTPUT_COLUMNS) <= set(headers)
    assert ws.max_row == 1 + 12
    assert "TableClients" in ws.tables
    run(path, analysis_date=DATE)
    wb2 = openpyxl.load_workbook(path)
    assert wb2.sheetnames == wb.sheetnames
    assert header_row(wb2["Clients"], 1).count("Segment RFM") == 1


def test_a_users_sheet_named_clients_is_never_replaced(tmp_path):
    path = invoices_workbook(tmp_path / "ventes.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Clients")["A1"] = "Mes notes sur les clients"
    wb.save(path)
    report = run(path, analysis_date=DATE)
    wb = openpyxl.load_workbook(path)
    assert wb["Clients"]["A1"].value == "Mes notes sur les clients"
    assert report.clients_sheet == "Clients (calculés)"


def test_untouched_sheet_cells_survive_byte_for_byte(tmp_path):
    """Sheets we do not write into are carried through without openpyxl re-encoding their cells."""
    import zipfile

    path = invoices_workbook(tmp_path / "ventes.xlsx", n=200)
    run(path, analysis_date=DATE)
    wb = openpyxl.load_workbook(path)
    ws = wb["Ventes"]
    assert ws.max_row == 201
    assert ws["A2"].value == "C001" and ws["C2"].value == dt.datetime(2024, 1, 5)
    assert ws["F201"].value == pytest.approx(100.0 + 37 * (199 % 12) + 199)
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def test_xlsm_keeps_its_macros(tmp_path):
    src = tmp_path / "macro.xlsm"
    path = rich_workbook(tmp_path / "tmp.xlsx")
    _make_xlsm(path, src)
    run(src, analysis_date=DATE)
    import zipfile

    with zipfile.ZipFile(src) as zf:
        assert "xl/vbaProject.bin" in zf.namelist()
        assert zf.read("xl/vbaProject.bin") == b"VBA-PROJECT-BYTES"
        assert "macroEnabled" in zf.read("[Content_Types].xml").decode()


def _make_xlsm(xlsx, xlsm):
    """An .xlsm as Excel writes it: the workbook content type is macro-enabled, with a vbaProject part."""
    import zipfile

    with zipfile.ZipFile(xlsx) as zin, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.decode().replace(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>').encode()
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.decode().replace(
                    "</Relationships>",
                    '<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                    'Target="vbaProject.bin"/></Relationships>').encode()
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"VBA-PROJECT-BYTES")


def test_settings_sheet_is_read_on_the_next_run(rich):
    run(rich, analysis_date=DATE)
    wb = openpyxl.load_workbook(rich)
    ws = wb["Paramètres"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "mode_rfm")
    ws.cell(row, 3).value = "seuils"
    wb.save(rich)
    report = run(rich, analysis_date=DATE)
    assert report.result.settings.mode_rfm == "seuils"
    ws = openpyxl.load_workbook(rich)["Paramètres"]
    assert ws.cell(row, 3).value == "seuils"


def test_client_sheet_extras_are_kept(tmp_path):
    """The client sheet itself (loaded by openpyxl): merged title, hyperlink, note, chart and image on it."""
    import io

    from openpyxl.chart import PieChart, Reference
    from openpyxl.drawing.image import Image as XLImage

    from wbfactory import png_bytes, snapshot

    path = rich_workbook(tmp_path / "extras.xlsx", header_row=4)
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    ws.merge_cells("A1:E1")
    ws["A2"].hyperlink = "https://www.example.fr/crm"
    ws["A2"].value = "Lien CRM"
    ws["B5"].comment = openpyxl.comments.Comment("Client historique", "Paul")
    pie = PieChart()
    pie.add_data(Reference(ws, min_col=6, min_row=4, max_row=12), titles_from_data=True)
    ws.add_chart(pie, "K20")
    ws.add_image(XLImage(io.BytesIO(png_bytes())), "K40")
    wb.save(path)
    before = snapshot(path)
    run(path, analysis_date=DATE)
    after = snapshot(path, skip_cols={"Clients": 9})
    for key in ("cells", "merged", "charts", "images", "validations", "cf"):
        assert after["Clients"][key] == before["Clients"][key], key
    assert openpyxl.load_workbook(path)["Clients"]["A2"].hyperlink.target == "https://www.example.fr/crm"


def test_header_far_down_and_feuille_option(tmp_path):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "Nom"
    notes["B1"] = "Entreprise"
    ws = wb.create_sheet("Base 2025")
    for r in range(1, 12):
        ws.cell(r, 1, f"ligne de titre {r}" if r % 3 == 0 else None)
    ws.append(["Entreprise", "Dernière commande", "Nb de commandes", "Chiffre d'affaires"])
    ws.append(["Boulangerie Martin", dt.date(2025, 11, 2), 5, 1200.0])
    ws.append(["Garage Dupont", dt.date(2024, 3, 2), 1, 300.0])
    path = tmp_path / "base.xlsx"
    wb.save(path)
    report = run(path, analysis_date=DATE, sheet="Base 2025")
    assert report.clients_sheet == "Base 2025"
    assert list(report.result.output.index) == [13, 14]
    ws = openpyxl.load_workbook(path)["Base 2025"]
    assert ws.cell(12, 5).value == "Récence (jours)"


def test_table_with_a_totals_row(tmp_path):
    from openpyxl.worksheet.table import Table, TableColumn

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    ws.append(["C1", "Boulangerie", dt.date(2025, 11, 2), 5, 1200.0])
    ws.append(["C2", "Garage", dt.date(2024, 3, 2), 1, 300.0])
    ws.append(["Total", None, None, "=SUBTOTAL(109,[Nombre commandes])", "=SUBTOTAL(109,[CA total])"])
    t = Table(displayName="TClients", ref="A1:E4", totalsRowCount=1)
    t.tableColumns = [TableColumn(id=i, name=h) for i, h in enumerate(
        ["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"], start=1)]
    ws.add_table(t)
    f = wb.create_sheet("Factures")
    f.append(["Code client", "Date", "Montant HT"])
    f.append(["C1", dt.date(2025, 11, 2), 1200.0])
    f.append(["C9", dt.date(2025, 12, 2), 50.0])
    path = tmp_path / "totaux.xlsx"
    wb.save(path)
    report = run(path, analysis_date=DATE)
    assert report.appended_clients == 1
    ws = openpyxl.load_workbook(path)["Clients"]
    assert ws["A4"].value == "Total" and ws["E4"].value == "=SUBTOTAL(109,[CA total])"
    assert ws["A6"].value == "C9"  # after the totals row and a blank row, outside the table
    table = ws.tables["TClients"]
    last = openpyxl.utils.get_column_letter(5 + len(OUTPUT_COLUMNS))
    assert table.ref == f"A1:{last}4"
    assert all(ws.cell(4, c).value is None for c in range(6, 6 + len(OUTPUT_COLUMNS)))


def test_chartsheet_and_hidden_sheet_are_kept(tmp_path):
    from openpyxl.chart import BarChart, Reference

    path = rich_workbook(tmp_path / "cs.xlsx")
    wb = openpyxl.load_workbook(path)
    chartsheet = wb.create_chartsheet("Graphe CA")
    chart = BarChart()
    chart.add_data(Reference(wb["Clients"], min_col=6, min_row=3, max_row=11), titles_from_data=True)
    chartsheet.add_chart(chart)
    hidden = wb.create_sheet("Cachée")
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    wb.save(path)
    run(path, analysis_date=DATE)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:5] == ["Accueil", "Clients", "Graphique", "Graphe CA", "Cachée"]
    assert len(wb["Graphe CA"]._charts) == 1
    assert wb["Cachée"].sheet_state == "hidden" and wb["Cachée"]["A1"].value == "secret"


def test_created_and_appended_clients_carry_their_names(tmp_path):
    path = invoices_workbook(tmp_path / "ventes.xlsx")
    run(path, analysis_date=DATE)
    ws = openpyxl.load_workbook(path)["Clients"]
    assert ws["B1"].value == "Entreprise" and ws["B2"].value == "Société C001"

    path = rich_workbook(tmp_path / "both.xlsx")
    wb = openpyxl.load_workbook(path)
    f = wb.create_sheet("Factures")
    f.append(["Code client", "Client", "Date", "Montant HT"])
    f.append(["C999", "Nouvelle Société", dt.date(2025, 12, 12), 800.0])
    wb.save(path)
    run(path, analysis_date=DATE)
    ws = openpyxl.load_workbook(path)["Clients"]
    row = 4 + len(CLIENTS)
    assert (ws.cell(row, 1).value, ws.cell(row, 2).value) == ("C999", "Nouvelle Société")


def test_never_writes_over_notes_beside_the_table(tmp_path):
    path = rich_workbook(tmp_path / "notes.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Clients"]["K5"] = "Appeler Martin en janvier"
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(SegmenterError, match="la cellule K5 n'est pas vide"):
        run(path, analysis_date=DATE)
    assert path.read_bytes() == before


def test_our_stale_cells_are_cleared_but_not_what_follows(tmp_path):
    path = rich_workbook(tmp_path / "c.xlsx", table=False)
    run(path, analysis_date=DATE)
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    for c in range(1, 9):  # the user empties the last client's row (C008)
        ws.cell(11, c).value = None
    ws["L20"] = "note sous le tableau"
    wb.save(path)
    run(path, analysis_date=DATE)
    ws = openpyxl.load_workbook(path)["Clients"]
    assert ws["L20"].value == "note sous le tableau"
    assert all(ws.cell(11, c).value is None for c in range(9, 9 + len(OUTPUT_COLUMNS)))


def test_excel_style_sheet_xml_passes_through(tmp_path):
    """Excel writes shared strings and ``x14ac:dyDescent`` on every row (prefix declared on its root)."""
    import re
    import zipfile

    src = invoices_workbook(tmp_path / "src.xlsx", n=50)
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        strings: list[str] = []
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                xml = xml.replace(
                    "<worksheet ", '<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" ', 1)
                xml = re.sub(r'<row r="(\d+)"', r'<row r="\1" spans="1:6" x14ac:dyDescent="0.25"', xml)

                def to_shared(m):
                    strings.append(m.group(3))
                    return f'<c{m.group(1)} t="s"{m.group(2)}><v>{len(strings) - 1}</v></c>'

                xml = re.sub(r'<c([^>]*?) t="inlineStr"([^>]*)><is><t>([^<]*)</t></is></c>', to_shared, xml)
                data = xml.encode()
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(item, data)
        sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
        zout.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      f'count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>')
    before = [r for r in openpyxl.load_workbook(path)["Ventes"].iter_rows(values_only=True)]
    assert before[1][0] == "C001"
    run(path, analysis_date=DATE)
    after = [r for r in openpyxl.load_workbook(path)["Ventes"].iter_rows(values_only=True)]
    assert after == before
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml" if "xl/worksheets/sheet2.xml" in zf.namelist() else
                      "xl/worksheets/sheet1.xml").decode()
    assert "x14ac:" not in xml.split("<sheetData")[1] or "xmlns:x14ac" in xml


def test_user_columns_beside_an_excel_table(tmp_path):
    path = rich_workbook(tmp_path / "cote.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    ws["J3"] = "Commercial"
    ws["J4"] = "Paul"
    wb.save(path)
    run(path, analysis_date=DATE)
    ws = openpyxl.load_workbook(path)["Clients"]
    assert ws["J3"].value == "Commercial" and ws["J4"].value == "Paul"
    assert ws["K3"].value == OUTPUT_COLUMNS[0]
    assert ws.tables["TableClients"].ref == "A3:H11"  # not adjacent: the table is left as it is
