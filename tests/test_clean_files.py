"""``segmenter nettoyer`` on real files: formulas kept, empty CSV cells, the previous copy saved."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from segmenter_pme.workbook import audit_files
from segmenter_pme.workbook.audit_files import clean_file
from segmenter_pme.audit.formulas import RowMove, move_formula
from segmenter_pme.cli import main

DATE = dt.date(2025, 6, 1)
HEADERS = ["Code client", "Entreprise", "Code postal", "SIRET", "Date premier achat", "Date dernier achat",
           "Nombre commandes", "CA total", "Secteur", "Marge"]
# row 3 (C2) merges into row 2 (C1); row 5 (C4) is inactive; rows 2, 4, 6, 7 are kept → rows 2, 3, 4, 5
ROWS = [
    ["C1", "Ets. Dupont SARL", "75001", None, dt.datetime(2019, 1, 1), dt.datetime(2025, 1, 1), 3, 100.0, "Commerce"],
    ["C2", "DUPONT", "75001", "73282932000074", dt.datetime(2018, 3, 1), dt.datetime(2020, 1, 1), 2, 200.0, None],
    ["C3", "Garage du Lac", "74000", None, dt.datetime(2021, 1, 1), dt.datetime(2024, 1, 1), 1, 300.0, "Services"],
    ["C4", "Vieux Client", "13001", None, dt.datetime(2015, 1, 1), dt.datetime(2019, 1, 1), 1, 70.0, "Commerce"],
    ["C5", "Boulangerie Morin", "69001", None, dt.datetime(2024, 1, 1), dt.datetime(2025, 5, 1), 4, 50.0, "Commerce"],
    ["C6", "Boulangerie Martin", "69001", None, dt.datetime(2023, 1, 1), dt.datetime(2025, 4, 1), 2, 80.0, "Commerce"],
]


def workbook(path, marge=lambda r: f"=H{r}*0.3", title_rows=0, table=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Base clients"
    for _ in range(title_rows):
        ws.append(["Fichier clients"])
    ws.append(HEADERS)
    first = title_rows + 2
    for i, r in enumerate(ROWS):
        ws.append(r + [marge(first + i)])
    if table:
        ws.add_table(Table(displayName="TabClients", ref=f"A{first - 1}:J{first - 1 + len(ROWS)}"))
    wb.save(path)
    return path


def with_computed_values(path, values: dict[str, float]):
    """Give formula cells the value Excel (or LibreOffice) would have saved with them — openpyxl saves none."""
    import re
    import zipfile

    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    xml = items[part].decode("utf-8")
    for ref, v in values.items():
        xml, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)<v></v>', rf"\g<1><v>{v}</v>", xml)
        assert n == 1, ref
    items[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in items.items():
            zf.writestr(n, data)
    return path


def column(ws, col, first, last):
    return [ws.cell(r, col).value for r in range(first, last + 1)]


@pytest.mark.parametrize("title_rows", [0, 2])
def test_formulas_of_kept_rows_follow_their_rows_and_archives_keep_the_text(tmp_path, title_rows):
    p = workbook(tmp_path / "clients.xlsx", title_rows=title_rows)
    run = clean_file(p, analysis_date=DATE)
    assert run.notes == []
    wb = openpyxl.load_workbook(run.output)
    ws = wb["Base clients"]
    f = title_rows + 2
    assert column(ws, 1, f, f + 4) == ["C1", "C3", "C5", "C6", None]
    # the merged row (C1, CA changed to 300) keeps its formula: Excel recomputes it
    assert column(ws, 10, f, f + 4) == [f"=H{f}*0.3", f"=H{f + 1}*0.3", f"=H{f + 2}*0.3", f"=H{f + 3}*0.3", None]
    assert ws.cell(f, 8).value == 300
    assert ws.tables["TabClients"].ref == f"A{f - 1}:J{f + 3}"
    arch = wb["Archives"]
    head = [c.value for c in arch[1]]
    rows = [dict(zip(head, (c.value for c in row))) for row in arch.iter_rows(min_row=2)]
    assert [(r["Ligne d'origine"], r["Motif"], r["Marge"]) for r in rows] == [
        (f, "Fiche principale avant fusion", f"=H{f}*0.3"),
        (f + 1, "Doublon fusionné", f"=H{f + 1}*0.3"),
        (f + 3, "Client inactif", f"=H{f + 3}*0.3"),
    ]
    # written as text (so the original row can be rebuilt), not as formulas pointing at « Archives »
    marge = head.index("Marge") + 1
    assert {arch.cell(r, marge).data_type for r in (2, 3, 4)} == {"s"}
    assert arch.cell(2, marge).quotePrefix is True


def test_ranges_and_references_follow_the_rows_as_excel_deletes_them(tmp_path):
    # row 7 sums the rows above it, row 6 points at another sheet, row 4 at the title row
    formulas = {2: "=H2*0.3", 4: "=H4+$A$1", 6: "=Tarifs!B6*H6", 7: "=SUM(H$2:H7)"}
    p = workbook(tmp_path / "clients.xlsx", marge=lambda r: formulas.get(r, f"=H{r}*0.3"))
    wb = openpyxl.load_workbook(p)
    wb.create_sheet("Tarifs")["B6"] = 2
    wb.save(p)
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert column(ws, 10, 2, 5) == ["=H2*0.3", "=H3+$A$1", "=Tarifs!B6*H4", "=SUM(H$2:H5)"]
    assert run.notes == []


def test_the_totals_row_formulas_follow_the_kept_rows(tmp_path):
    p = workbook(tmp_path / "clients.xlsx", table=False)
    wb = openpyxl.load_workbook(p)
    ws = wb["Base clients"]
    ws.append(["Total"] + [None] * 6 + ["=SUBTOTAL(109,H2:H7)", None, "=SUBTOTAL(109,TabClients[Marge])"])
    t = Table(displayName="TabClients", ref="A1:J8")
    t.totalsRowCount = 1
    ws.add_table(t)
    wb.save(p)
    run = clean_file(p, analysis_date=DATE)
    out = openpyxl.load_workbook(run.output)["Base clients"]
    assert out.tables["TabClients"].ref == "A1:J6"
    assert (out["H6"].value, out["J6"].value) == ("=SUBTOTAL(109,H2:H5)", "=SUBTOTAL(109,TabClients[Marge])")
    # the only remark: the Total row was not counted as a client (issue 14), no formula lost
    assert out["H8"].value is None and [n for n in run.notes if "ligne de total" not in n] == []


def test_move_formula_rules():
    move = RowMove("Base clients", 5, 34, {5: 5, 7: 6, 9: 7})
    cases = {
        "=H9*0.3": "=H7*0.3",
        "=SUM($H$5:H9)": "=SUM($H$5:H7)",
        "=SUM(H6:H8)": "=SUM(H6:H6)",  # shrinks to the kept row 7
        "=SUM(H1:H40)": "=SUM(H1:H40)",
        "=SUM(H2:H6)": "=SUM(H2:H5)",
        "=SUM(H:H)": "=SUM(H:H)",
        "='Base clients'!H9": "='Base clients'!H7",
        "=Autre!H9": "=Autre!H9",
        "=TabClients[[#This Row],[CA total]]*2": "=TabClients[[#This Row],[CA total]]*2",
        '=IF(A9="x",H9,0)': '=IF(A7="x",H7,0)',
        "=H6*2": None,  # row 6 is taken out
        "=SUM(H6:H6)": None,
    }
    assert {f: move_formula(f, move, 9, 11) for f in cases} == cases


def test_a_formula_naming_a_row_taken_out_is_replaced_with_a_note(tmp_path, capsys):
    # row 4 (C3) refers to row 3 (C2), merged into row 2
    p = workbook(tmp_path / "clients.xlsx", marge=lambda r: "=H3*2" if r == 4 else f"=H{r}*0.3")
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert ws["J3"].value is None  # openpyxl wrote no computed value: nothing to put instead
    assert run.notes == ["Attention\u00a0: la formule =H3*2 de la cellule J4 renvoie à une ligne retirée par le "
                         "nettoyage\u00a0; dans la copie, la cellule J3 est laissée vide à la place."]
    with_computed_values(p, {"J4": 400})  # as saved by Excel or LibreOffice
    code = main(["nettoyer", str(p), "-o", str(tmp_path / "copie.xlsx"), "--date", "2025-06-01"])
    out = " ".join(capsys.readouterr().out.split()).replace("\u00a0", " ")
    assert code == 0
    assert openpyxl.load_workbook(tmp_path / "copie.xlsx")["Base clients"]["J3"].value == 400
    assert ("Attention : la formule =H3*2 de la cellule J4 renvoie à une ligne retirée par le nettoyage ; dans la "
            "copie, la cellule J3 reçoit sa valeur 400 à la place.") in out


def test_a_merged_cell_holding_a_formula_gets_the_merged_value_with_a_note(tmp_path):
    p = workbook(tmp_path / "clients.xlsx")
    wb = openpyxl.load_workbook(p)
    wb["Base clients"]["H2"] = "=50+50"  # C1's CA; merged with C2 it becomes 300
    wb.save(p)
    with_computed_values(p, {"H2": 100})
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert ws["A2"].value == "C1" and ws["H2"].value == 300 and ws["J2"].value == "=H2*0.3"
    assert run.notes == ["Attention\u00a0: la cellule H2 («\u00a0CA total\u00a0») contenait la formule =50+50\u00a0; "
                         "le nettoyage y écrit la valeur 300 (ligne 2 de la copie), la formule n'y est plus."]


def test_an_unchanged_formula_with_its_computed_value_stays_a_formula(tmp_path):
    p = workbook(tmp_path / "clients.xlsx")
    wb = openpyxl.load_workbook(p)
    wb["Base clients"]["H4"] = "=150*2"  # C3's CA, kept as it is
    wb.save(p)
    with_computed_values(p, {"H4": 300})
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert (ws["A3"].value, ws["H3"].value, ws["J3"].value) == ("C3", "=150*2", "=H3*0.3")
    assert run.notes == []


def test_formulas_keep_big_sheets_off_the_streamed_path(tmp_path, monkeypatch):
    monkeypatch.setattr(audit_files, "FAST_ROWS", 0)  # every sheet is big
    streamed = []
    real = audit_files.clean_streamed
    monkeypatch.setattr(audit_files, "clean_streamed", lambda *a, **k: streamed.append(True) or real(*a, **k))
    p = workbook(tmp_path / "clients.xlsx", table=False)
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert column(ws, 10, 2, 5) == ["=H2*0.3", "=H3*0.3", "=H4*0.3", "=H5*0.3"]
    assert streamed == []  # formulas: the openpyxl path, which moves them with their rows
    plain = workbook(tmp_path / "valeurs.xlsx", marge=lambda r: 1.5, table=False)
    run = clean_file(plain, analysis_date=DATE)
    assert streamed == [True]  # the same sheet with values only: streamed
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert column(ws, 10, 2, 5) == [1.5] * 4


def test_csv_empty_cells_stay_empty(tmp_path):
    p = tmp_path / "clients.csv"
    lines = ["Nom;Entreprise;Date dernier achat;Nombre commandes;CA total;Code postal;SIRET;Téléphone;Email;Remarque",
             "A;Alpha;05/10/2024;2;100,00;;;;;",
             "B;Beta;05/09/2024;3;200,00;1000;73282932000074;0612345678;b@b.fr;",
             "C;Gamma;05/01/2025;1;50,00;75001;;;;=1+1",
             "D;Delta;;0;;69003;;;;"]
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    run = clean_file(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Clients"]
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == ["A", "Alpha", dt.datetime(2024, 10, 5), 2, 100, None, None, None, None, None]
    assert rows[3] == ["D", "Delta", None, 0, None, "69003", None, None, None, None]
    assert rows[2][9] == "=1+1" and ws["J4"].data_type == "s"  # a CSV's text is not a formula
    assert not any(v == "<NA>" for r in rows for v in r)


def test_rerunning_nettoyer_keeps_the_previous_copy(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    first = clean_file(p, analysis_date=DATE)
    assert first.backup is None
    wb = openpyxl.load_workbook(first.output)
    wb["Base clients"]["L2"] = "rappeler lundi"
    wb.save(first.output)
    code = main(["nettoyer", str(p), "--date", "2025-06-01"])
    out = " ".join(capsys.readouterr().out.split())
    saved = tmp_path / "clients.nettoye.sauvegarde.xlsx"
    assert code == 0 and saved.exists()
    assert openpyxl.load_workbook(saved)["Base clients"]["L2"].value == "rappeler lundi"
    assert openpyxl.load_workbook(first.output)["Base clients"]["L2"].value is None
    assert ("La version précédente de « clients.nettoye.xlsx » est gardée dans « clients.nettoye.sauvegarde.xlsx » "
            "(même dossier).") in out.replace("\u00a0", " ")


def test_a_second_nettoyer_keeps_the_archived_formulas_as_text(tmp_path):
    p = workbook(tmp_path / "clients.xlsx")
    first = clean_file(p, analysis_date=DATE)
    second = clean_file(first.output, tmp_path / "encore.xlsx", analysis_date=dt.date(2027, 6, 1))
    arch = openpyxl.load_workbook(second.output)["Archives"]
    head = [c.value for c in arch[1]]
    marge = head.index("Marge") + 1
    cells = [arch.cell(r, marge) for r in range(2, arch.max_row + 1)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("=H2*0.3", "s"), ("=H3*0.3", "s"), ("=H5*0.3", "s"),  # the first cleaning's rows
        ("=H3*0.3", "s"),  # Garage du Lac, inactive in 2027, was row 3 of the first copy
    ]


def test_audit_copy_over_an_older_copy_keeps_it(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    copy = tmp_path / "audit.xlsx"
    assert main(["audit", str(p), "-o", str(copy)]) == 0
    assert main(["audit", str(p), "-o", str(copy)]) == 0
    out = " ".join(capsys.readouterr().out.split()).replace("\u00a0", " ")
    assert (tmp_path / "audit.sauvegarde.xlsx").exists()
    assert "La version précédente de « audit.xlsx » est gardée dans « audit.sauvegarde.xlsx » (même dossier)." in out


def test_the_backup_may_not_replace_the_input(tmp_path, capsys):
    p = workbook(tmp_path / "clients.sauvegarde.xlsx")
    workbook(tmp_path / "clients.xlsx")
    code = main(["nettoyer", str(p), "-o", str(tmp_path / "clients.xlsx")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1
    assert "La sauvegarde de « clients.xlsx » remplacerait « clients.sauvegarde.xlsx »" in err


def test_formulas_of_other_sheets_naming_moved_rows_are_named(tmp_path):
    p = workbook(tmp_path / "clients.xlsx")
    wb = openpyxl.load_workbook(p)
    g = wb.create_sheet("Suivi")
    g["A1"] = "='Base clients'!H6*2"  # C5, row 6, moves up to row 4
    g["A2"] = "=SUM('Base clients'!H:H)"  # whole column: fine
    g["A3"] = "=B6"  # its own cell
    g["A4"] = "='Base clients'!H2"  # C1 stays at row 2
    wb.save(p)
    run = clean_file(p, analysis_date=DATE)
    assert openpyxl.load_workbook(run.output)["Suivi"]["A1"].value == "='Base clients'!H6*2"  # copied as it is
    assert run.notes == [
        "Attention\u00a0: 1 formule de la feuille «\u00a0Suivi\u00a0» renvoie à des lignes de «\u00a0Base clients\u00a0» "
        "que le nettoyage a déplacées ou retirées (par exemple ='Base clients'!H6*2)\u00a0; cette feuille est copiée "
        "telle quelle\u00a0: vérifiez ces formules."]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_keeps_its_formulas(tmp_path, soffice):
    import subprocess

    (tmp_path / "src").mkdir()
    src = workbook(tmp_path / "src" / "clients.xlsx")  # LibreOffice saves the computed values with the formulas
    lo_dir = tmp_path / "lo"
    lo_dir.mkdir()
    cmd = [soffice, f"-env:UserInstallation=file://{tmp_path / '.lo-profile'}", "--headless", "--norestore",
           "--convert-to", "xlsx", "--outdir", str(lo_dir), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    saved = lo_dir / "clients.xlsx"
    assert proc.returncode == 0 and saved.exists(), (proc.stdout, proc.stderr)
    run = clean_file(saved, analysis_date=DATE)
    ws = openpyxl.load_workbook(run.output)["Base clients"]
    assert column(ws, 1, 2, 5) == ["C1", "C3", "C5", "C6"]
    assert column(ws, 10, 2, 6) == ["=H2*0.3", "=H3*0.3", "=H4*0.3", "=H5*0.3", None]
    assert run.notes == []
    arch = openpyxl.load_workbook(run.output)["Archives"]
    marge = [c.value for c in arch[1]].index("Marge") + 1
    assert [arch.cell(r, marge).value for r in (2, 3, 4)] == ["=H2*0.3", "=H3*0.3", "=H5*0.3"]


def test_many_notes_are_counted_after_the_first_ten(tmp_path, capsys):
    # every Marge names row 3 (C2, merged away): the 11 kept rows make 11 notes
    rows = ROWS + [[f"C{k}", f"Société {k}", "33000", None, dt.datetime(2024, 1, 1), dt.datetime(2025, 3, 1), 1,
                    10.0 * k, "Commerce"] for k in range(7, 14)]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Base clients"
    ws.append(HEADERS)
    for r in rows:
        ws.append(r + ["=H3*2"])
    p = tmp_path / "clients.xlsx"
    wb.save(p)
    code = main(["nettoyer", str(p), "--date", "2025-06-01"])
    out = " ".join(capsys.readouterr().out.split()).replace("\u00a0", " ")
    assert code == 0
    assert out.count("Attention : la formule =H3*2") == 10
    assert "Attention : 1 autre remarque du même genre (11 remarques en tout)." in out
