"""A rendered workbook opens in LibreOffice and converts to PDF (one page set per sheet)."""

from __future__ import annotations

import re
import subprocess

import openpyxl
import pytest

from segmenter_pme.layout import write_mode_emploi, write_report_sheets

from test_layout_sample import make_result


@pytest.mark.libreoffice
@pytest.mark.slow
def test_report_converts_to_pdf(tmp_path, soffice):
    wb = openpyxl.Workbook()
    wb.active.title = "Clients"
    wb["Clients"].append(["Entreprise", "Date dernier achat", "CA total"])
    write_report_sheets(wb, make_result())
    write_mode_emploi(wb)
    src = tmp_path / "rapport.xlsx"
    wb.save(src)
    profile = tmp_path / "lo-profile"  # a private profile: no clash with another soffice running
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / "rapport.pdf"
    assert proc.returncode == 0, proc.stderr
    assert pdf.exists() and pdf.stat().st_size > 20_000
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert pages >= 6  # Clients, Synthèse (2+), Plan d'actions, Qualité, Paramètres, Mode d'emploi
