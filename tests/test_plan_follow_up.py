"""« Plan d'actions »: Message clé, Responsable, Échéance and Statut are the user's, through real refreshes."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from segmenter_pme.workbook import run
from wbfactory import rich_workbook

D0 = dt.date(2025, 12, 31)


def _header(ws):
    for row in ws.iter_rows(min_row=1, max_row=12):
        heads = [c.value for c in row]
        if "Segment" in heads and "Statut" in heads:
            return row[0].row, {h: i + 1 for i, h in enumerate(heads) if h}
    raise AssertionError("no plan header")


def _row_of(ws, segment, col):
    header, cols = _header(ws)
    for r in range(header + 1, ws.max_row + 1):
        if ws.cell(r, cols["Segment"]).value == segment:
            return r
    raise AssertionError(segment)


def test_en_cours_anne_survives_a_refresh(tmp_path):
    book = rich_workbook(tmp_path / "clients.xlsx")
    run(book, analysis_date=D0)
    wb = openpyxl.load_workbook(book)
    ws = wb["Plan d'actions"]
    header, cols = _header(ws)
    assert [h for h in cols][-5:] == ["Message clé", "Responsable", "Échéance", "Statut", "Remarque"]
    first = header + 1
    segment = ws.cell(first, cols["Segment"]).value
    assert ws.cell(first, cols["Statut"]).value == "À faire"
    ws.cell(first, cols["Statut"]).value = "En cours (Anne)"
    ws.cell(first, cols["Responsable"]).value = "Anne"
    ws.cell(first, cols["Échéance"]).value = dt.datetime(2026, 2, 15)
    ws.cell(first, cols["Message clé"]).value = "Merci pour votre fidélité"
    wb.save(book)

    run(book, analysis_date=D0)
    ws = openpyxl.load_workbook(book)["Plan d'actions"]
    r = _row_of(ws, segment, "Statut")
    _header_row, cols = _header(ws)
    assert ws.cell(r, cols["Statut"]).value == "En cours (Anne)"
    assert ws.cell(r, cols["Responsable"]).value == "Anne"
    assert ws.cell(r, cols["Échéance"]).value == dt.datetime(2026, 2, 15)
    assert ws.cell(r, cols["Échéance"]).number_format == "dd/mm/yyyy"
    assert ws.cell(r, cols["Message clé"]).value == "Merci pour votre fidélité"
    # the drop-down proposes the three statuses but lets « En cours (Anne) » in
    dv = next(d for d in ws.data_validations.dataValidation if ws.cell(r, cols["Statut"]).coordinate in d.sqref)
    assert dv.formula1 == '"À faire,En cours,Fait"' and dv.errorStyle == "information"


STATUSES = ("À faire", "En cours", "Fait")


def test_the_add_in_proposes_the_statuses_and_lets_another_text_in():
    from segmenter_pme.excel import render
    from segmenter_pme.layout.plan_actions import build_plan_actions
    from support import fake_xlwings as fx
    from test_layout_sample import make_result

    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, build_plan_actions(make_result()))
    statut = {k: v for k, v in sheet._styles.items() if v.get("validation") == STATUSES}
    assert len(statut) >= 8  # one per segment row
    for cell in statut.values():
        # Excel's AlertStyle is only set by Modify: information, where OK keeps « En cours (Anne) »
        assert cell["validation_alert"] == "information"
        assert cell["validation_ErrorMessage"] == "Valeurs proposées : À faire, En cours, Fait. " \
                                                  "Votre texte est gardé tel quel."
        assert cell["validation_InputMessage"] == "Valeurs possibles : À faire, En cours, Fait"


def test_a_closed_list_keeps_excels_stop_alert_in_the_add_in():
    from segmenter_pme.excel import render
    from segmenter_pme.layout.model import Cell, Column, SheetLayout, Table
    from support import fake_xlwings as fx

    layout = SheetLayout(name="S", blocks=(Table(key="t", columns=(Column("Suivi"),),
                                                 rows=((Cell("oui", choices=("oui", "non")),),)),))
    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, layout)
    (cell,) = [v for v in sheet._styles.values() if "validation" in v]
    assert cell["validation"] == ("oui", "non") and cell["validation_alert"] == "stop"
    assert cell["validation_ErrorMessage"] == "Choisissez une valeur de la liste : oui, non."


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_statut_list_as_an_information_alert(tmp_path, soffice):
    """LibreOffice, like Excel, refuses another value only under a « Stop » alert; under
    « Information » its dialog's OK keeps the text typed (LibreOffice Help, Validity ›
    Error Alert). Typing cannot be driven headless: its own model of the validation, saved
    as ODS, is what is asserted."""
    import re
    import subprocess
    import zipfile

    book = rich_workbook(tmp_path / "clients.xlsx")
    run(book, analysis_date=D0)
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to",
                           "ods", "--outdir", str(tmp_path), str(book)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    content = zipfile.ZipFile(tmp_path / "clients.ods").read("content.xml").decode("utf-8")
    lists = re.findall(r'<table:content-validation [^>]*cell-content-is-in-list\(&quot;À faire&quot;;'
                       r'&quot;En cours&quot;;&quot;Fait&quot;\).*?</table:content-validation>', content)
    assert len(lists) >= 8
    for v in lists:
        assert re.search(r'<table:error-message table:message-type="information"[^>]*table:display="true"', v), v
        assert "Votre texte est gardé tel quel." in v
