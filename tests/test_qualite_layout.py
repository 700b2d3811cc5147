"""« Qualité » reads well: a wide wrapped « Constat », fixed colour bands, one problem once, counters that add up."""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.layout.placement import estimate_lines
from segmenter_pme.layout.qualite import build_qualite, score_style
from segmenter_pme.workbook import run

DAY = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def qualite(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "clients.xlsx"
    n = 30
    clients = pd.DataFrame({
        "Code client": [f"C{i}" for i in range(n)], "Entreprise": [f"Entreprise {i}" for i in range(n)],
        "Secteur": ["Commerce"] * n, "Code postal": ["75011"] * n,
        # one SIRET with a wrong check digit: the core and the audit both see it
        "SIRET": ["73282932000075"] + [None] * (n - 1),
    })
    invoices = pd.DataFrame({
        "Code client": [f"C{i % n}" for i in range(60)] + ["C1", "C2", "C3"],
        "Date": [dt.datetime(2025, 1 + i % 12, 1 + i % 28) for i in range(60)] + [dt.datetime(2026, 2, 1)] * 3,
        "Montant HT": [100.0 + i for i in range(60)] + [50.0] * 3,
    })
    with pd.ExcelWriter(path) as xw:
        clients.to_excel(xw, sheet_name="Clients", index=False)
        invoices.to_excel(xw, sheet_name="Factures", index=False)
    run(path, analysis_date=DAY, backup=False)
    return openpyxl.load_workbook(path)["Qualité"]


def _row_of(ws, text):
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_constat_is_wide_wrapped_and_its_rows_fit(qualite):
    ws = qualite
    header = _row_of(ws, "Constat")
    col = next(c.column for c in ws[header] if c.value == "Constat")
    width = ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
    assert width >= 60
    for r in range(header + 1, header + 7):
        cell = ws.cell(r, col)
        assert cell.alignment.wrap_text
        # at most ~1.2 characters per width unit, broken between words: the row must hold that many lines
        lines = estimate_lines(cell.value, width, 10)
        height = ws.row_dimensions[r].height or 15
        assert height >= lines * 12, (cell.value, height)


def test_word_wrapping_is_estimated_between_words():
    assert estimate_lines("a" * 10 + " " + "b" * 10, 10, 10) == 2  # 12 characters per line: two words, two lines
    assert estimate_lines("court", 10, 10) == 1


@pytest.mark.parametrize("score, style", [(100, "score_good"), (94, "score_good"), (90, "score_good"),
                                          (89, "score_watch"), (70, "score_watch"), (69, "score_bad"), (0, "score_bad")])
def test_score_bands_are_fixed(score, style):
    assert score_style(score) == style


def test_scores_are_coloured_by_band_not_by_a_relative_scale(qualite):
    ws = qualite
    assert not list(ws.conditional_formatting)
    header = _row_of(ws, "Constat")
    for r in range(header + 1, header + 7):
        score = ws.cell(r, 3).value
        fill = ws.cell(r, 3).fill.fgColor.rgb[-6:]
        assert fill == ("C6EFCE" if score >= 90 else "FFD699" if score >= 70 else "FFC7CE"), (score, fill)


def test_one_invalid_siret_is_listed_once(qualite):
    texts = [c.value for row in qualite.iter_rows() for c in row if isinstance(c.value, str)]
    assert sum("SIRET" in t and ("clé de contrôle" in t or "n'existe pas" in t) for t in texts) == 1


def test_the_total_is_the_sum_of_its_parts(qualite):
    ws = qualite
    err = ws.cell(_row_of(ws, "Erreurs (à corriger)"), 3).value
    warn = ws.cell(_row_of(ws, "Avertissements (à vérifier)"), 3).value
    info = ws.cell(_row_of(ws, "Informations"), 3).value
    total = ws.cell(_row_of(ws, "Total (lignes ci-dessous)"), 3).value
    assert total == err + warn + info
    # and it is the number of rows of the table below
    header = _row_of(ws, "Que faire")
    listed = sum(1 for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 3).value)
    assert listed == total and warn >= 1  # the 3 invoice lines after the date are one warning row


def test_build_qualite_without_audit_keeps_the_core_issues():
    from segmenter_pme.problems import WARNING, Issue

    layout = build_qualite([Issue("siret_invalide", "SIRET faux.", WARNING, "Clients", "SIRET", 5, "1")])
    table = next(b for b in layout.blocks if getattr(b, "key", None) == "problemes")
    assert [r[2] for r in table.rows] == ["SIRET faux."]
    assert math.isclose(dict(layout.col_widths)[4], 62)
