"""Our columns in the client sheet are sized to their header and content (capped); « Potentiel » wraps."""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.utils import get_column_letter

from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.workbook import run
from segmenter_pme.workbook.writer import output_width

DAY = dt.date(2025, 12, 31)


def _book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Secteur", "Date dernier achat", "Nombre commandes", "CA total"])
    for i in range(40):
        ws.append([f"C{i}", f"Entreprise {i}", "Hôtellerie, restauration" if i % 2 else "Commerce",
                   dt.datetime(2025, 1 + i % 12, 1 + i % 28), 1 + i % 5, 100.0 * (i + 1) ** 1.5])
    # a width set for a whole range of columns, as many templates have: ours must not inherit it
    ws.column_dimensions["A"].width = 13
    ws.column_dimensions.group("A", "Z", hidden=False)
    ws.column_dimensions["A"].width = 13
    wb.save(path)
    return path


def _header(ws):
    return {c.value: c.column for c in ws[1] if c.value}


def test_output_width_fits_header_and_content_with_a_cap():
    assert output_width("Score R", "Score R", [5, 4]) == len("Score R") + 3
    assert output_width("Récence (jours)", "Récence (jours)", [12_345]) == len("Récence (jours)") + 3
    assert output_width("Segment Secteur", "Segment Secteur", ["Hébergement et restauration"]) == 29
    assert output_width("Potentiel", "Potentiel", ["x" * 200]) == 50  # capped: the text wraps
    assert output_width("Région", "Région", []) == 9


def test_run_sizes_our_columns_and_wraps_potentiel(tmp_path):
    path = _book(tmp_path / "c.xlsx")
    run(path, analysis_date=DAY, backup=False)
    ws = openpyxl.load_workbook(path)["Clients"]
    cols = _header(ws)
    for name in OUTPUT_COLUMNS:
        letter = get_column_letter(cols[name])
        width = ws.column_dimensions[letter].width
        values = [ws.cell(r, cols[name]).value for r in range(2, ws.max_row + 1)]
        assert width == output_width(name, name, values), name
        assert width >= len(name) + 3 or width == 50, name  # never a header cut
    assert ws.column_dimensions["B"].width == 13  # the user's columns keep their width
    pot = cols["Potentiel"]
    assert all(ws.cell(r, pot).alignment.wrap_text for r in range(2, ws.max_row + 1) if ws.cell(r, pot).value)


def test_a_width_the_user_gave_our_column_is_kept_when_wider(tmp_path):
    path = _book(tmp_path / "c.xlsx")
    run(path, analysis_date=DAY, backup=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Clients"]
    letter = get_column_letter(_header(ws)["Segment RFM"])
    ws.column_dimensions[letter].width = 40
    wb.save(path)
    run(path, analysis_date=DAY, backup=False)
    assert openpyxl.load_workbook(path)["Clients"].column_dimensions[letter].width == 40
