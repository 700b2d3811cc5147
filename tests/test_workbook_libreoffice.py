"""Round trips through LibreOffice: a workbook it made from a French CSV goes in, and what we write
comes out as a file it opens and prints to PDF without error."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.workbook import run
from wbfactory import FRENCH_CSV, rich_workbook, write_french_csv

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]
DATE = dt.date(2025, 12, 31)


def soffice_convert(soffice: str, src: Path, to: str, outdir: Path, infilter: str | None = None) -> Path:
    profile = outdir / ".lo-profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", to, "--outdir", str(outdir), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    out = outdir / (src.stem + "." + to.split(":")[0])
    assert proc.returncode == 0 and out.exists(), (proc.stdout, proc.stderr)
    return out


@pytest.mark.parametrize("encoding,charset", [("utf-8", 76), ("cp1252", 1)])
def test_workbook_made_by_libreoffice_from_a_french_csv(tmp_path, soffice, encoding, charset):
    csv = write_french_csv(tmp_path / "export.csv", FRENCH_CSV, encoding=encoding)
    lo_dir = tmp_path / "lo"
    lo_dir.mkdir()
    # ; separator, " quotes, charset (76 UTF-8, 1 Windows-1252), from line 1, French locale for 15 400,50
    xlsx = soffice_convert(soffice, csv, "xlsx", lo_dir, infilter=f"CSV:59,34,{charset},1,,1036")
    assert openpyxl.load_workbook(xlsx)["export"]["B7"].value == "Hôtel du Lac"
    report = run(xlsx, analysis_date=DATE)
    assert len(report.result.output) == 6
    assert report.result.features["ca_total"].max() == pytest.approx(15400.5)

    wb = openpyxl.load_workbook(xlsx)
    headers = [c.value for c in wb["export"][1]]
    assert headers[-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    book = CalamineWorkbook.from_path(str(xlsx))
    assert "Synthèse" in book.sheet_names
    rows = book.get_sheet_by_name("export").to_python()
    assert rows[0][-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    # the same run twice on LibreOffice's file: still one set of columns
    run(xlsx, analysis_date=DATE)
    assert [c.value for c in openpyxl.load_workbook(xlsx)["export"][1]].count("Segment RFM") == 1


def test_our_output_opens_in_libreoffice_and_prints_to_pdf(tmp_path, soffice):
    path = rich_workbook(tmp_path / "clients.xlsx")
    run(path, analysis_date=DATE)
    pdf = soffice_convert(soffice, path, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_libreoffice_reads_our_values_back(tmp_path, soffice):
    """LibreOffice re-saving our output keeps our columns where we wrote them."""
    path = rich_workbook(tmp_path / "clients.xlsx")
    report = run(path, analysis_date=DATE)
    out_dir = tmp_path / "resave"
    out_dir.mkdir()
    resaved = soffice_convert(soffice, path, "xlsx:Calc MS Excel 2007 XML", out_dir)
    ws = openpyxl.load_workbook(resaved)["Clients"]
    col = {ws.cell(3, j).value: j for j in range(1, ws.max_column + 1)}
    assert ws.cell(4, col["Segment RFM"]).value == report.result.output.loc[4, "Segment RFM"]


def test_csv_output_opens_in_libreoffice(tmp_path, soffice):
    lines = ["Code client;Client;Date;N° facture;Montant HT"]
    lines += [f"C{i % 30:03d};Société {i % 30};{1 + i % 28:02d}/{1 + i % 12:02d}/2025;F{i};{10 + i},50"
              for i in range(500)]
    p = tmp_path / "factures.csv"
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report = run(p, analysis_date=DATE)
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    pdf = soffice_convert(soffice, report.output, "pdf", pdf_dir)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_workbook_saved_by_libreoffice_keeps_its_other_sheets(tmp_path, soffice):
    """LibreOffice's own XML (shared strings, row attributes) through our pass-through of untouched sheets."""
    from wbfactory import snapshot

    src = rich_workbook(tmp_path / "src.xlsx")
    wb = openpyxl.load_workbook(src)
    ventes = wb.create_sheet("Ventes")
    ventes.append(["Code client", "Date", "N° facture", "Montant HT", "Commentaire"])
    for i in range(300):
        ventes.append([f"C00{1 + i % 8}", dt.date(2025, 1, 1) + dt.timedelta(days=i), f"F{i:04d}", 100.0 + i,
                       "remise « fidélité » & port offert" if i % 7 == 0 else None])
    wb.save(src)
    lo_dir = tmp_path / "lo"
    lo_dir.mkdir()
    lo_file = soffice_convert(soffice, src, "xlsx:Calc MS Excel 2007 XML", lo_dir)
    before = snapshot(lo_file)
    report = run(lo_file, analysis_date=DATE)
    assert report.invoices_sheet == "Ventes"
    after = snapshot(lo_file, skip_cols={"Clients": 9})
    for sheet in ("Accueil", "Ventes", "Graphique"):
        assert after[sheet]["cells"] == before[sheet]["cells"], sheet
        assert after[sheet]["charts"] == before[sheet]["charts"]
        assert after[sheet]["images"] == before[sheet]["images"]
    assert after["Clients"]["cells"] == before["Clients"]["cells"]
    pdf_dir = tmp_path / "pdf"
    pdf_dir.mkdir()
    assert soffice_convert(soffice, lo_file, "pdf", pdf_dir).read_bytes().startswith(b"%PDF")
