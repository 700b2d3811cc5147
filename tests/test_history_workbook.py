"""« Évolution », « Campagnes », « Historique » and « Segment RFM précédent » through ``segmenter run``.

``history()`` is replaced by :class:`support.history_fakes.FakeHistory` (the core has its own tests): these
check what the workbook does with its answer and what it passes to it.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

from segmenter_pme.fields import OUTPUT_COLUMNS, PREVIOUS_RFM, SEGMENT_COLUMNS
from segmenter_pme.workbook import templates
from segmenter_pme.workbook.engine import run

from support.history_fakes import FakeHistory
from wbfactory import rich_workbook

D = dt.date(2025, 12, 31)
TABLES = {"tbl_kpi_rfm", "tbl_kpi_pmg", "tbl_kpi_potentiel", "tbl_migration_rfm", "tbl_migration_pmg",
          "tbl_surveiller", "tbl_signaux", "tbl_campagnes"}


@pytest.fixture
def fake(monkeypatch):
    f = FakeHistory()
    monkeypatch.setattr("segmenter_pme.timeline.history", f)
    return f


@pytest.fixture
def demo(tmp_path):
    return templates.build_demo_workbook(tmp_path / "demo.xlsx", n_clients=120)


def _header(ws, row):
    return [c.value for c in ws[row]]


def test_previous_segment_is_the_last_output_column():
    assert OUTPUT_COLUMNS == SEGMENT_COLUMNS + (PREVIOUS_RFM,)


def test_a_run_writes_evolution_after_synthese_campagnes_and_the_previous_segment(demo, fake):
    run(demo, analysis_date=D)
    wb = openpyxl.load_workbook(demo)
    names = wb.sheetnames
    assert names.index("Évolution") == names.index("Synthèse") + 1
    assert "Campagnes" in names and "Historique" not in names  # invoice lines: the past is replayed
    assert TABLES <= set(wb["Évolution"].tables.keys())
    header = _header(wb["Clients"], 4)
    col = header.index(PREVIOUS_RFM)
    assert header[col - 11:col] == list(SEGMENT_COLUMNS)
    values = {wb["Clients"].cell(r, col + 1).value for r in range(5, 20)}
    assert values == {"Champions"}
    synthese = [c.value for row in wb["Synthèse"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Ce qui a changé ce trimestre" in synthese
    assert fake.calls[-1]["invoices"]
    # the demo's campaigns, not its grey example row
    assert fake.calls[-1]["campaigns"]["Campagne"].tolist() == [c[0] for c in templates.DEMO_CAMPAIGNS]


@pytest.fixture
def segmentations(monkeypatch):
    """The number of segmentations made (segment() and history() alike)."""
    from segmenter_pme import pipeline, timeline

    made = []
    real = pipeline.run

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "run", counted)
    monkeypatch.setattr(timeline, "run", counted)
    return made


def test_a_run_with_invoice_lines_segments_once(demo, segmentations):
    report = run(demo, analysis_date=D)
    assert len(segmentations) == 1
    assert report.history.segmentation.line_facts is not None  # the history replayed the lines segment() read


def test_the_ribbon_segments_once(segmentations):
    from support import fake_xlwings as fx
    from segmenter_pme.demo import generate_demo
    from segmenter_pme.excel import macros

    from test_excel_macros import _rows, demo_book

    book = demo_book(60)
    fx.fill(book.sheets.add("Factures"), _rows(generate_demo(60, dirty=False, duplicates=False).invoices))
    macros.segmenter(book)
    assert "Évolution" in [s.name for s in book.sheets]
    assert len(segmentations) == 1


def test_campagnes_prints_every_campaign_row_not_only_the_example(demo, fake):
    from segmenter_pme.history_result import CAMPAIGN_INPUT_COLUMNS, CAMPAIGN_RESULT_COLUMNS

    run(demo, analysis_date=D)
    ws = openpyxl.load_workbook(demo)["Campagnes"]
    hr = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Campagne")
    last = hr + 1 + len(templates.DEMO_CAMPAIGNS)  # the example row, then the demo's campaigns
    assert ws.cell(last, 1).value == templates.DEMO_CAMPAIGNS[-1][0]
    last_col = openpyxl.utils.get_column_letter(len(CAMPAIGN_INPUT_COLUMNS) + len(CAMPAIGN_RESULT_COLUMNS))
    assert ws.cell(hr, len(CAMPAIGN_INPUT_COLUMNS) + len(CAMPAIGN_RESULT_COLUMNS)).value == "Remarque"
    assert ws.print_area == f"'Campagnes'!$A$1:${last_col}${last}"


def test_users_campaign_rows_are_kept_byte_for_byte_and_results_refreshed(demo, fake):
    run(demo, analysis_date=D)
    wb = openpyxl.load_workbook(demo)
    ws = wb["Campagnes"]
    hr = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Campagne")
    ws.cell(hr, 7 + 8 + 1, "Mon commentaire")  # a column of the user's, right of ours
    rows = [("Relance des dormants", dt.datetime(2025, 10, 6), "À risque", 30, "Courrier", 300),
            ("Offre gros clients", "15/11/2025", "Gros", 45, "Appel", None),
            ("Test", dt.datetime(2025, 11, 20), "Martiens", 30, None, None)]
    first = hr + 2 + len(templates.DEMO_CAMPAIGNS)  # below the demo's own campaigns
    for i, values in enumerate(rows):
        r = first + i
        for j, v in enumerate(values, start=1):
            c = ws.cell(r, j, v)
            c.font = Font(bold=True, color="C00000")
            c.fill = PatternFill("solid", fgColor="FFFF00")
        ws.cell(r, 2).number_format = "d mmmm yyyy"
        ws.cell(r, 16, f"note {i}")
    wb.save(demo)
    before = {(c.row, c.column): (c.value, c.font.b, c.font.color.rgb if c.font.color else None,
                                 c.fill.fgColor.rgb, c.number_format)
              for row in ws.iter_rows(min_row=first, max_row=first + 2) for c in row if c.column <= 6 or c.column == 16}

    run(demo, analysis_date=D)
    wb = openpyxl.load_workbook(demo)
    ws = wb["Campagnes"]
    after = {(c.row, c.column): (c.value, c.font.b, c.font.color.rgb if c.font.color else None,
                                c.fill.fgColor.rgb, c.number_format)
             for row in ws.iter_rows(min_row=first, max_row=first + 2) for c in row if c.column <= 6 or c.column == 16}
    assert after == before
    header = _header(ws, hr)
    assert header[6:14] == ["Clients ciblés", "Acheteurs", "Taux de conversion", "CA généré", "Taux habituel",
                            "Effet (points)", "Statut", "Remarque"]
    assert header[15] == "Mon commentaire"
    # the example row was not passed to history(), the user's three rows were, at their Excel rows
    passed = fake.calls[-1]["campaigns"]
    assert list(passed.index)[-3:] == [first, first + 1, first + 2]
    assert passed.loc[first + 1, "Date d'envoi"] == "15/11/2025"
    assert ws.cell(first, 13).value == "terminée" and isinstance(ws.cell(first, 7).value, int)
    assert ws.cell(first + 2, 14).value.startswith("Cible inconnue « Martiens »")
    assert ws.cell(hr + 1, 14).value == "Ligne d'exemple : ignorée par l'analyse."
    qualite = [c.value for row in wb["Qualité"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("Martiens" in v for v in qualite)


def test_historique_is_appended_and_a_rerun_at_the_same_date_replaces_its_rows(tmp_path, fake):
    path = rich_workbook(tmp_path / "clients.xlsx")
    run(path, analysis_date=D)
    first = openpyxl.load_workbook(path)["Historique"]
    n = first.max_row - 3
    assert n > 0 and "tbl_historique" in first.tables
    assert fake.calls[-1]["snapshots"] is None
    run(path, analysis_date=D)
    again = openpyxl.load_workbook(path)["Historique"]
    assert again.max_row - 3 == n
    # the stored snapshot was read back and passed to history()
    stored = fake.calls[-1]["snapshots"]
    assert len(stored) == n and set(stored["analysis_date"]) == {dt.datetime(2025, 12, 31)}
    run(path, analysis_date=dt.date(2026, 3, 31))
    later = openpyxl.load_workbook(path)["Historique"]
    dates = [later.cell(r, 1).value for r in range(4, later.max_row + 1)]
    assert len(dates) == 2 * n
    assert dates[0].date() == D and dates[-1].date() == dt.date(2026, 3, 31)
    assert later.tables["tbl_historique"].ref == f"A3:J{3 + 2 * n}"


def test_a_users_own_sheet_named_campagnes_is_refused_not_overwritten(demo, fake):
    from segmenter_pme.errors import WorkbookError

    wb = openpyxl.load_workbook(demo)
    del wb["Campagnes"]
    wb.create_sheet("Campagnes")["A1"] = "Mes notes sur les salons"
    wb.save(demo)
    with pytest.raises(WorkbookError) as err:
        run(demo, analysis_date=D)
    assert "Campagnes" in err.value.message


def test_ribbon_segmenter_writes_the_same_history_sheets(fake):
    from support import fake_xlwings as fx
    from segmenter_pme.excel import macros

    from test_excel_macros import demo_book

    book = demo_book(60)
    macros.segmenter(book)
    names = [s.name for s in book.sheets]
    assert names == ["Clients", "Synthèse", "Évolution", "Plan d'actions", "Fiches segments", "Priorités de la semaine",
                     "Qualité", "Paramètres", "Campagnes", "Historique"]
    assert TABLES <= {t.name for t in book.sheets["Évolution"].tables}
    hist = book.sheets["Historique"]
    n = len([v for v in hist.range((4, 2), (200, 2)).value if v is not None])
    assert n > 0
    camp = book.sheets["Campagnes"]
    fx.fill(camp, [["Relance", dt.datetime(2025, 10, 6), "Martiens", 30, "E-mail", 10]], top=7)
    macros.segmenter(book)
    assert book.app.alerts[-1][0].startswith("Segmentation terminée")
    hist = book.sheets["Historique"]
    assert len([v for v in hist.range((4, 2), (400, 2)).value if v is not None]) == n  # same date: replaced
    camp = book.sheets["Campagnes"]
    assert camp.range((7, 1), (7, 6)).value == ["Relance", dt.datetime(2025, 10, 6), "Martiens", 30, "E-mail", 10]
    assert camp.range((7, 14)).value.startswith("Cible inconnue « Martiens »")
    assert list(fake.calls[-1]["campaigns"].index) == [7]
    assert len(fake.calls[-1]["snapshots"]) == n


def test_csv_reruns_keep_the_historique_and_campaigns_of_the_workbook_made_last_time(tmp_path, fake):
    from wbfactory import write_french_csv

    csv = write_french_csv(tmp_path / "export.csv")
    out = tmp_path / "export.xlsx"
    run(csv, analysis_date=D)
    wb = openpyxl.load_workbook(out)
    n = wb["Historique"].max_row - 3
    ws = wb["Campagnes"]
    hr = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Campagne")
    for j, v in enumerate(("Relance", dt.datetime(2025, 10, 6), "Martiens", 30), start=1):
        ws.cell(hr + 2, j, v)
    wb.save(out)
    run(csv, analysis_date=dt.date(2026, 3, 31))
    wb = openpyxl.load_workbook(out)
    assert wb["Historique"].max_row - 3 == 2 * n
    ws = wb["Campagnes"]
    assert [ws.cell(hr + 2, j).value for j in range(1, 5)] == ["Relance", dt.datetime(2025, 10, 6), "Martiens", 30]
    assert ws.cell(hr + 2, 14).value.startswith("Cible inconnue")
    assert wb.sheetnames[-3:] == ["Campagnes", "Historique", "Mode d'emploi"]
