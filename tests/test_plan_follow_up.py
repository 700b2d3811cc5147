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
