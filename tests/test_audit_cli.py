"""``segmenter audit`` / ``segmenter nettoyer`` on real files: exit codes, the cleaned copy, « Archives »."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from segmenter_pme.workbook.audit_files import audit_file, clean_file
from segmenter_pme.cli import main

HEADERS = ["Code client", "Entreprise", "Code postal", "SIRET", "Date premier achat", "Date dernier achat",
           "Nombre commandes", "CA total", "Secteur"]
ROWS = [
    ["C1", "Ets. Dupont SARL", 75001, None, dt.datetime(2019, 1, 1), dt.datetime(2025, 1, 1), 3, 100.0, "Commerce"],
    ["C2", "DUPONT", "75001", 73282932000074, dt.datetime(2018, 3, 1), "01/01/2020", 2, 200.0, None],
    ["C3", "Garage du Lac", 7400, None, dt.datetime(2021, 1, 1), dt.datetime(2024, 1, 1), 1, 300.0, "Services"],
    ["C4", "Vieux Client", "13001", None, dt.datetime(2015, 1, 1), dt.datetime(2019, 1, 1), 1, 70.0, "Commerce"],
    ["C5", "Boulangerie Morin", "69001", None, dt.datetime(2024, 1, 1), dt.datetime(2025, 5, 1), 4, 50.0, "Commerce"],
    ["C6", "Boulangerie Martin", "69001", None, dt.datetime(2023, 1, 1), dt.datetime(2025, 4, 1), 2, 80.0, "Commerce"],
]


def workbook(path, *, table: bool = False, title_rows: int = 0):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    for _ in range(title_rows):
        ws.append(["Mes clients"] + [None] * (len(HEADERS) - 1))
    ws.append(HEADERS)
    for r in ROWS:
        ws.append(r)
    if table:
        first = title_rows + 1
        ws.add_table(Table(displayName="TClients", ref=f"A{first}:I{first + len(ROWS)}"))
    wb.create_sheet("Notes")["A1"] = "ne pas toucher"
    wb.save(path)
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_audit_prints_the_summary_and_exits_0(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    before = digest(p)
    code, out, err = cli(capsys, "audit", p, "--date", "2025-06-01")
    assert code == 0, err
    text = " ".join(out.split())
    assert "6 clients" in text and "Doublons" in text and "Dégâts Excel" in text
    assert digest(p) == before  # the audit reads only


def test_audit_writes_a_qualite_copy(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "audit", p, "--date", "2025-06-01", "-o", tmp_path / "audit.xlsx")
    assert code == 0, err
    wb = openpyxl.load_workbook(tmp_path / "audit.xlsx")
    assert "Qualité" in wb.sheetnames
    values = [c for row in wb["Qualité"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(v.startswith("Doublon de la ligne 2") for v in values)
    links = [c.hyperlink.location for row in wb["Qualité"].iter_rows() for c in row if c.hyperlink]
    assert "'Clients'!B3" in links  # the duplicate's company-name cell


def test_audit_of_a_missing_file_is_a_clean_error(tmp_path, capsys):
    code, out, err = cli(capsys, "audit", tmp_path / "absent.xlsx")
    assert code == 1 and "Traceback" not in err and "introuvable" in err


def _rows(ws, header_row=1):
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.mark.parametrize("table, title_rows", [(False, 0), (True, 2)])
def test_nettoyer_writes_a_cleaned_copy_and_loses_nothing(tmp_path, capsys, table, title_rows):
    p = workbook(tmp_path / "clients.xlsx", table=table, title_rows=title_rows)
    before = digest(p)
    code, out, err = cli(capsys, "nettoyer", p, "--date", "2025-06-01")
    assert code == 0, err
    target = tmp_path / "clients.nettoye.xlsx"
    assert target.exists() and digest(p) == before
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Clients", "Notes", "Archives"]
    assert wb["Notes"]["A1"].value == "ne pas toucher"
    _, kept = _rows(wb["Clients"], title_rows + 1)
    _, archived = _rows(wb["Archives"])
    codes = [r["Code client"] for r in kept]
    assert codes == ["C1", "C3", "C5", "C6"]
    moved = [r for r in archived if r["Motif"] in ("Doublon fusionné", "Client inactif")]
    assert sorted(codes + [r["Code client"] for r in moved]) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    inactive_ca = sum(r["CA total"] for r in moved if r["Motif"] == "Client inactif")
    assert sum(r["CA total"] for r in kept) + inactive_ca == pytest.approx(sum(r[7] for r in ROWS))
    c1 = kept[0]
    assert (c1["Nombre commandes"], c1["CA total"], c1["SIRET"]) == (5, 300, "73282932000074")
    assert c1["Date premier achat"] == dt.datetime(2018, 3, 1)
    assert kept[1]["Code postal"] == "07400"  # repaired, as text
    dup = next(r for r in archived if r["Motif"] == "Doublon fusionné")
    assert (dup["Code client"], dup["Fusionné dans la ligne"], dup["Fusionné dans (client)"]) == \
        ("C2", title_rows + 2, "Ets. Dupont SARL")
    if table:
        assert wb["Clients"].tables["TClients"].ref == f"A{title_rows + 1}:I{title_rows + 5}"


def test_nettoyer_twice_appends_to_archives(tmp_path):
    p = workbook(tmp_path / "clients.xlsx")
    first = clean_file(p, analysis_date=dt.date(2025, 6, 1))
    second = clean_file(first.output, tmp_path / "encore.xlsx", analysis_date=dt.date(2027, 6, 1))
    wb = openpyxl.load_workbook(second.output)
    _, archived = _rows(wb["Archives"])
    assert len(archived) == 3 + second.result.archives.shape[0]
    assert second.result.inactive_rows == 1  # two years later, Garage du Lac is inactive


def test_nettoyer_refuses_to_overwrite_the_input(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "nettoyer", p, "-o", p)
    assert code == 1 and "copie" in err


def test_french_csv(tmp_path):
    p = tmp_path / "clients.csv"
    lines = ["Code client;Société;CP;Dernier achat;Nb commandes;CA HT",
             "C1;Ets Dupont SARL;1000;31/12/2024;3;1 234,50",
             "C2;DUPONT;01000;15/11/2024;2;100,00",
             "C3;Garage Léon;75001;01/01/2019;1;50,00",
             "C4;Imprimerie Morel;69003;02/05/2025;7;2 500,00"]
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report, _ = audit_file(p, analysis_date=dt.date(2025, 6, 1))
    assert report.counts["doublon"] == 1 and report.counts["client_inactif"] == 1
    assert report.counts["code_postal_zero_perdu"] == 1 and "date_texte" not in report.counts
    run = clean_file(p, analysis_date=dt.date(2025, 6, 1))
    assert run.output.name == "clients.nettoye.xlsx"
    wb = openpyxl.load_workbook(run.output)
    _, kept = _rows(wb["Clients"])
    assert [(r["Code client"], r["CA HT"]) for r in kept] == [("C1", 1334.5), ("C4", 2500)]
    assert kept[1]["Dernier achat"] == dt.datetime(2025, 5, 2) and kept[1]["CP"] == "69003"


def test_table_totals_row_follows_the_kept_rows(tmp_path):
    p = tmp_path / "clients.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(HEADERS)
    for r in ROWS:
        ws.append(r)
    ws.append(["Total", None, None, None, None, None, None, "=SUBTOTAL(109,TClients[CA total])", None])
    t = Table(displayName="TClients", ref=f"A1:I{len(ROWS) + 2}")
    t.totalsRowCount = 1
    ws.add_table(t)
    wb.save(p)
    run = clean_file(p, analysis_date=dt.date(2025, 6, 1))
    out = openpyxl.load_workbook(run.output)["Clients"]
    assert out.tables["TClients"].ref == "A1:I6"
    assert out["H6"].value == "=SUBTOTAL(109,TClients[CA total])"
    assert out["H8"].value is None


def test_audit_sheet_for_the_workbook_engine(tmp_path):
    from segmenter_pme.audit.sheet import audit_sheet
    from segmenter_pme.settings import Settings
    from segmenter_pme.workbook import loading, reader

    p = workbook(tmp_path / "clients.xlsx")
    values = loading.read_values(p)
    name, guess = reader.locate(values)["clients"]
    data = reader.read_table(values[name], name, guess)
    report = audit_sheet(data, settings=Settings(date_analyse=dt.date(2025, 6, 1)))
    assert report.counts["doublon"] == 1 and report.problems["sheet"].eq("Clients").all()


def test_settings_come_from_the_parametres_sheet(tmp_path):
    from segmenter_pme import layout
    from segmenter_pme.settings import Settings

    p = workbook(tmp_path / "clients.xlsx")
    wb = openpyxl.load_workbook(p)
    layout.write_settings_sheet(wb, Settings(seuil_doublons=99.0, inactivite_annees=10.0))
    wb.save(p)
    run = clean_file(p, analysis_date=dt.date(2025, 6, 1))
    assert run.result.merged_rows == 0 and run.result.inactive_rows == 0
    assert run.report.counts["doublon_possible"] == 1  # still shown by the audit, not merged


@pytest.mark.parametrize("table, title_rows", [(False, 0), (True, 2)])
def test_streamed_cleaning_of_big_sheets_writes_the_same_copy(tmp_path, monkeypatch, table, title_rows):
    from segmenter_pme.workbook import audit_files

    p = workbook(tmp_path / "clients.xlsx", table=table, title_rows=title_rows)
    slow = clean_file(p, tmp_path / "lent.xlsx", analysis_date=dt.date(2025, 6, 1))
    monkeypatch.setattr(audit_files, "FAST_ROWS", 0)
    fast = clean_file(p, tmp_path / "rapide.xlsx", analysis_date=dt.date(2025, 6, 1))
    a, b = openpyxl.load_workbook(slow.output), openpyxl.load_workbook(fast.output)
    assert a.sheetnames == b.sheetnames == ["Clients", "Notes", "Archives"]
    for name in ("Clients", "Archives", "Notes"):
        rows_a = [r for r in a[name].iter_rows(values_only=True) if any(v is not None for v in r)]
        rows_b = [r for r in b[name].iter_rows(values_only=True) if any(v is not None for v in r)]
        assert rows_a == rows_b, name
    first = title_rows + 2
    assert b["Clients"].cell(first, 5).number_format == "dd/mm/yyyy"
    assert b["Clients"].cell(first + 1, 3).value == "07400"
    if table:
        assert b["Clients"].tables["TClients"].ref == a["Clients"].tables["TClients"].ref


def test_audit_of_a_csv_names_the_lines_of_the_file(tmp_path, capsys):
    """Title lines above the header: the detail gives the line a text editor shows, also inside messages."""
    p = tmp_path / "export.csv"
    lines = ["Export clients du 01/06/2025", "",
             "Code client;Entreprise;Dernier achat;Nb commandes;CA total;CP;Email",
             "C1;Alpha;12/03/2025;3;1 200,50;75001;a@alpha.fr",
             "C2;Beta;31/02/2025;2;300;13001;b@beta.fr",
             "C3;Alpha SARL;01/01/2025;1;100;75001;a@alpha.fr"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli(capsys, "audit", p, "--date", "2025-06-01", "-d", "20")
    assert code == 0, err
    text = " ".join(out.split())
    assert "Ligne du" in text  # the header of the first column (« Ligne du fichier », maybe wrapped)
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
    firsts = {r[0] for r in rows if r and r[0]}
    assert {"5", "6"} <= firsts and "2" not in firsts and "3" not in firsts  # data lines 4-6 of the file
    assert "ligne 4" in text  # « Doublon de la ligne 4 (« Alpha ») »
    assert "31/02/2025" in text and "n'existe pas" in text
