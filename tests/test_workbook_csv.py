"""French CSV exports: encodings, delimiters, decimals, and the workbook made from them."""

from __future__ import annotations

import codecs
import datetime as dt

import openpyxl
import pytest

from segmenter_pme.errors import SegmenterError, WorkbookError
from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.workbook import csvio, run
from wbfactory import FRENCH_CSV, write_french_csv

DATE = dt.date(2025, 12, 31)


@pytest.mark.parametrize("encoding,expected", [("cp1252", "cp1252"), ("utf-8", "utf-8")])
def test_sniff_encoding(tmp_path, encoding, expected):
    p = write_french_csv(tmp_path / "c.csv", encoding=encoding)
    enc, delim, _ = csvio.sniff(p)
    assert (enc, delim) == (expected, ";")


def test_sniff_utf8_bom(tmp_path):
    p = tmp_path / "c.csv"
    p.write_bytes(codecs.BOM_UTF8 + FRENCH_CSV.encode("utf-8"))
    enc, delim, _ = csvio.sniff(p)
    assert enc == "utf-8-sig"
    frame, _ = csvio.read_csv(p)
    assert frame.columns[0] == "Code client"  # no BOM glued to the first header


def test_sniff_comma_and_tab(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("Code client,Date,Montant HT\nC1,01/02/2025,12.5\nC2,03/02/2025,7\n", encoding="utf-8")
    assert csvio.sniff(p)[1] == ","
    p.write_text("Code client\tDate\tMontant HT\nC1\t01/02/2025\t12,5\n", encoding="utf-8")
    assert csvio.sniff(p)[1] == "\t"


def test_values_stay_text_until_typed(tmp_path):
    p = write_french_csv(tmp_path / "c.csv")
    frame, fmt = csvio.read_csv(p)
    assert frame.loc[4, "Code postal"] == "01000"
    assert frame.loc[2, "CA total"] == "15 400,50"
    assert frame.loc[7, "Raison sociale"] == "Hôtel du Lac"
    typed = csvio.typed_columns(frame)
    assert "Code postal" not in typed  # 01000 keeps its zero
    assert typed["CA total"].loc[2] == pytest.approx(15400.5)
    assert typed["Nombre commandes"].loc[3] == 4
    assert typed["Date dernier achat"].loc[2] == dt.datetime(2025, 11, 20)


def test_french_negative_and_thousands():
    import pandas as pd

    frame = pd.DataFrame({"Montant": ["1 234,56", "(12,00)", "5-", "1.234.567,8", "3 €"]})
    typed = csvio.typed_columns(frame)["Montant"].tolist()
    assert typed == pytest.approx([1234.56, -12.0, -5.0, 1234567.8, 3.0])


def test_long_digit_codes_stay_text():
    import pandas as pd

    frame = pd.DataFrame({"SIRET": ["35600000000048", "73282932000074"], "Tel": ["0601020304", "0102030405"]})
    assert csvio.typed_columns(frame) == {}


def test_title_lines_above_the_header(tmp_path):
    text = "Export clients du 31/12/2025\r\n\r\n" + FRENCH_CSV
    p = write_french_csv(tmp_path / "c.csv", text)
    report = run(p, analysis_date=DATE)
    assert len(report.result.output) == 6


def test_csv_gives_a_new_workbook_beside_it(tmp_path):
    p = write_french_csv(tmp_path / "export.csv")
    original = p.read_bytes()
    report = run(p, analysis_date=DATE)
    assert report.output == tmp_path / "export.xlsx"
    assert p.read_bytes() == original
    wb = openpyxl.load_workbook(report.output)
    ws = wb["Clients"]
    headers = [c.value for c in ws[1]]
    assert headers[:7] == ["Code client", "Raison sociale", "Secteur", "Date dernier achat", "Nombre commandes",
                           "CA total", "Code postal"]
    assert headers[7:] == list(OUTPUT_COLUMNS)
    assert ws["F2"].value == pytest.approx(15400.5) and "€" in ws["F2"].number_format
    assert ws["D2"].value == dt.datetime(2025, 11, 20) and ws["D2"].number_format == "dd/mm/yyyy"
    assert ws["G4"].value == "01000"
    # rows below the first are streamed: same types and formats
    assert ws["F5"].value == pytest.approx(8900.0) and ws["F5"].number_format == ws["F2"].number_format
    assert ws["D7"].value == dt.datetime(2025, 10, 5) and ws["D7"].number_format == "dd/mm/yyyy"
    assert isinstance(ws["L7"].value, str) and ws["M7"].value == report.result.output.loc[7, "Segment RFM"]
    assert ws.max_row == 7 and ws.auto_filter.ref == "A1:S7"
    assert ws.freeze_panes == "A2"
    assert {"Synthèse", "Plan d'actions", "Qualité", "Paramètres"} <= set(wb.sheetnames)


def test_invoice_csv_creates_clients_and_keeps_every_line(tmp_path):
    lines = ["Code client;Client;Date;N° facture;Type;Montant HT"]
    for i in range(300):
        kind = "Avoir" if i % 50 == 49 else "Facture"
        amount = "-25,00" if kind == "Avoir" else f"{100 + i},{i % 100:02d}"
        lines.append(f"C{i % 40:03d};Société {i % 40};{1 + i % 28:02d}/{1 + i % 12:02d}/2025;F{i:05d};{kind};{amount}")
    p = tmp_path / "factures.csv"
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report = run(p, analysis_date=DATE)
    assert report.created_clients_sheet
    wb = openpyxl.load_workbook(report.output)
    assert wb.sheetnames[:2] == ["Clients", "Factures"]
    ws = wb["Factures"]
    assert ws.max_row == 301
    assert ws["A2"].value == "C000" and ws["B2"].value == "Société 0"
    assert ws["C2"].value == dt.datetime(2025, 1, 1) and ws["C2"].number_format == "dd/mm/yyyy"
    assert ws["F2"].value == pytest.approx(100.0)
    assert ws["F51"].value == pytest.approx(-25.0)
    assert ws.auto_filter.ref == "A1:F301"
    assert wb["Clients"].max_row == 41


def test_malformed_csv_is_a_clear_message(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text('Code client;Date;Montant HT\nC1;01/02/2025;"12,5\n', encoding="utf-8")
    with pytest.raises(SegmenterError):
        run(p, analysis_date=DATE)


def test_empty_csv(tmp_path):
    p = tmp_path / "vide.csv"
    p.write_bytes(b"")
    with pytest.raises(WorkbookError, match="vide"):
        run(p)


def test_csv_without_known_columns(tmp_path):
    p = tmp_path / "autre.csv"
    p.write_text("Produit;Stock\nVis;12\n", encoding="utf-8")
    with pytest.raises(SegmenterError, match="Aucun tableau de clients"):
        run(p)


def test_rerun_on_the_csv_keeps_settings_and_plan_edits_of_the_workbook(tmp_path):
    p = write_french_csv(tmp_path / "export.csv")
    run(p, analysis_date=DATE)
    xlsx = tmp_path / "export.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Paramètres"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "mode_rfm")
    ws.cell(row, 3).value = "seuils"
    wb.save(xlsx)
    report = run(p, analysis_date=DATE)
    assert report.result.settings.mode_rfm == "seuils"
    assert report.backup == tmp_path / "export.sauvegarde.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Clients", "Synthèse", "Évolution", "Plan d'actions", "Fiches segments",
                             "Priorités de la semaine", "Qualité", "Paramètres", "Campagnes", "Historique",
                             "Mode d'emploi"]
    ws = wb["Paramètres"]
    assert ws.cell(row, 3).value == "seuils"


def test_xlsm_output_needs_macros(tmp_path):
    p = write_french_csv(tmp_path / "export.csv")
    with pytest.raises(WorkbookError, match="réservée aux classeurs avec macros"):
        run(p, tmp_path / "sortie.xlsm")


def test_rerun_on_the_csv_keeps_action_plan_edits(tmp_path):
    p = write_french_csv(tmp_path / "export.csv")
    run(p, analysis_date=DATE)
    xlsx = tmp_path / "export.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Plan d'actions"]
    hr = next(r for r in range(1, 40) if any(c.value == "Segment" for c in ws[r]))
    seg_col = next(c.column for c in ws[hr] if c.value == "Segment")
    edit_col = next(c.column for c in ws[hr] if c.value == "Actions recommandées")
    row = next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, seg_col).value == "Champions")
    ws.cell(row, edit_col).value = "Relance faite le 12/01"
    wb.save(xlsx)
    run(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(xlsx)["Plan d'actions"]
    values = [c.value for r in ws.iter_rows() for c in r]
    assert "Relance faite le 12/01" in values


def test_comma_separated_exports_use_decimal_points():
    import pandas as pd

    frame = pd.DataFrame({"Total": ["1234.56", "1,234.50", "12"]})
    assert csvio.typed_columns(frame)["Total"].tolist() == pytest.approx([1234.56, 1234.5, 12.0])
    assert csvio.typed_columns(pd.DataFrame({"Total": ["1.234", "2.5"]}))["Total"].tolist() == \
        pytest.approx([1.234, 2.5])


def test_more_invoice_lines_than_a_sheet_holds(tmp_path, monkeypatch):
    from segmenter_pme.workbook import run_steps

    monkeypatch.setattr(run_steps, "EXCEL_MAX_ROWS", 50)
    lines = ["Code client;Date;Montant HT"] + [f"C{i % 7};{1 + i % 28:02d}/03/2025;{10 + i},00" for i in range(80)]
    p = tmp_path / "gros.csv"
    p.write_text("\r\n".join(lines), encoding="cp1252")
    report = run(p, analysis_date=DATE)
    assert "ne sont pas recopiées" in report.warnings[0]
    wb = openpyxl.load_workbook(report.output)
    assert "Factures" not in wb.sheetnames and wb["Clients"].max_row == 8
    assert report.result.features["nb_commandes"].sum() == 80 or len(report.result.output) == 7

    clients = ["Code client;Entreprise;Date dernier achat;Nombre commandes;CA total"]
    clients += [f"C{i};Société {i};01/03/2025;2;100,00" for i in range(60)]
    p = tmp_path / "clients.csv"
    p.write_text("\r\n".join(clients), encoding="cp1252")
    with pytest.raises(WorkbookError, match="Découpez le fichier"):
        run(p, analysis_date=DATE)


def test_never_replaces_a_workbook_it_did_not_make(tmp_path):
    p = write_french_csv(tmp_path / "export.csv")
    other = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "mon classeur à moi"
    wb.save(other)
    before = other.read_bytes()
    with pytest.raises(WorkbookError, match="n'a pas été créé par segmenter"):
        run(p, analysis_date=DATE)
    assert other.read_bytes() == before
    report = run(p, tmp_path / "export segmenté.xlsx", analysis_date=DATE)
    assert report.output.exists() and other.read_bytes() == before


@pytest.mark.parametrize("named", [True, False], ids=["client names", "codes only"])
def test_priorities_of_an_invoice_csv_name_its_clients(tmp_path, named):
    lines = ["Code client;Client;Date;Montant HT" if named else "Code client;Date;Montant HT"]
    for i in range(60):
        name = f"Société {['Alpha', 'Bêta', 'Gamma'][i % 3]} {i % 30};" if named else ""
        lines.append(f"K{i % 30:03d};{name}{1 + i % 28:02d}/{1 + i % 12:02d}/2025;{100 + 37 * (i % 30)},00")
    p = tmp_path / "ventes.csv"
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report = run(p, analysis_date=DATE)
    ws = openpyxl.load_workbook(report.output)["Priorités de la semaine"]
    # column B holds N°, C the client
    called = [r[2] for r in ws.iter_rows(values_only=True) if isinstance(r[1], (int, float))]
    assert called  # the week has calls, each naming its client as the « Clients » sheet does
    clients = {r[0]: r[1] for r in openpyxl.load_workbook(report.output)["Clients"].iter_rows(
        min_row=2, values_only=True)}
    if named:
        assert all(str(n).startswith("Société ") for n in called) and set(called) <= set(clients.values())
    else:
        assert set(called) <= set(clients)  # the client code


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read(tmp_path):
    """A note of 200 000 characters in the first lines: read, not « field larger than field limit » (and cut to
    what an Excel cell holds: tests/hostile/test_long_cells.py)."""
    path = tmp_path / "longue.csv"
    path.write_text("Code client;Nom;CA total\n001;" + "x" * 200_000 + ";1\n002;B;5\n", encoding="utf-8")
    frame, fmt = csvio.read_csv(path)
    assert frame["Nom"].str.len().tolist() == [32_767, 1]
    assert [(c.row, c.column, c.length) for c in fmt.long_cells] == [(2, "Nom", 200_000)]


def test_a_date_column_with_a_year_past_2262_stays_text():
    """« 15/03/3024 » (a slip for 2024) typed as a date would wrap round to 1839: the column stays as typed."""
    import pandas as pd

    frame = pd.DataFrame({"Date": ["15/03/2024", "15/03/3024"], "Jour": ["11/04/2262", "01/01/2020"]}, dtype="str")
    typed = csvio.typed_columns(frame)
    assert "Date" not in typed
    assert typed["Jour"].tolist() == [dt.datetime(2262, 4, 11), dt.datetime(2020, 1, 1)]
