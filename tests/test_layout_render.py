"""The report sheets rendered by openpyxl, saved, and read back cell by cell."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from segmenter_pme.layout import (
    REPORT_SHEETS,
    build_synthese,
    plan,
    write_mode_emploi,
    write_report_sheets,
)
from segmenter_pme.layout.render_plan import TablePos
from segmenter_pme.layout.model import FMT_EUR, FMT_PCT

from test_layout_sample import ANALYSIS_DATE, make_result


def _user_workbook() -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Entreprise", "Date dernier achat", "CA total"])
    wb.create_sheet("Notes")
    return wb


@pytest.fixture(scope="module")
def result():
    return make_result()


@pytest.fixture
def saved(tmp_path, result):
    wb = _user_workbook()
    write_report_sheets(wb, result)
    path = tmp_path / "rapport.xlsx"
    wb.save(path)
    return path


def _find(ws, text):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not found in {ws.title}")


def test_sheets_are_added_after_the_users_sheets(saved):
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames == ["Clients", "Notes", *REPORT_SHEETS]


def test_synthese_rfm_table_values_and_formats(saved, result):
    ws = openpyxl.load_workbook(saved)["Synthèse"]
    assert ws["B1"].value == "Synthèse de la segmentation clients"
    assert ws.sheet_view.showGridLines is False
    caption = _find(ws, "Segments RFM")
    header = caption.row + 1
    assert [ws.cell(header, c).value for c in range(2, 9)] == [
        "Segment RFM", "Clients", "% base", "CA", "% CA", "Panier moyen", "CA moyen"]
    s = result.summary[result.summary["Dimension"] == "Segment RFM"].set_index("Segment")
    first = ws.cell(header + 1, 2)
    assert first.value == "Champions"
    assert ws.cell(header + 1, 3).value == s.at["Champions", "Clients"]
    assert ws.cell(header + 1, 5).value == pytest.approx(s.at["Champions", "CA"])
    assert ws.cell(header + 1, 5).number_format == FMT_EUR == '#,##0 "€"'
    assert ws.cell(header + 1, 4).number_format == FMT_PCT == "0.0 %"
    total = _find(ws, "Total")  # the first total row is the RFM table's
    assert total.row == header + 1 + len(s)
    assert ws.cell(total.row, 3).value == 240
    assert ws.cell(total.row, 4).value == pytest.approx(1.0)
    assert ws.cell(total.row, 5).value == pytest.approx(s["CA"].sum())
    date_cell = ws.cell(_find(ws, "Date d'analyse").row, 3)
    assert date_cell.value.date() == ANALYSIS_DATE and date_cell.number_format == "dd/mm/yyyy"


def test_synthese_states_pareto_warnings_and_small_segments(saved, result):
    ws = openpyxl.load_workbook(saved)["Synthèse"]
    _find(ws, result.pareto.sentence)
    for w in result.warnings:
        _find(ws, f"• {w}")
    # « Montée en gamme » (3 clients, 1.3 %) is under 5 %: its share is highlighted and explained
    cell = _find(ws, "Montée en gamme")
    assert ws.cell(cell.row, 4).fill.fgColor.rgb.endswith("FCE4D6")
    assert any(isinstance(c.value, str) and c.value.startswith("En orange") for row in ws.iter_rows() for c in row)


def test_synthese_boundaries_and_heat_map(saved):
    ws = openpyxl.load_workbook(saved)["Synthèse"]
    r = _find(ws, "Récence \\ Fréquence")
    assert [ws.cell(r.row, c).value for c in range(3, 8)] == ["F = 1", "F = 2", "F = 3", "F = 4", "F = 5"]
    assert ws.cell(r.row + 1, 2).value == "R = 5"
    ref = f"C{r.row + 1}:G{r.row + 5}"
    rules = {str(rng.sqref): rs for rng, rs in ws.conditional_formatting._cf_rules.items()}
    assert ref in rules and rules[ref][0].type == "colorScale"
    b = _find(ws, "Bornes des scores (5 = meilleur)")
    assert ws.cell(b.row + 1, 3).value == "Score 5"
    assert ws.cell(b.row + 2, 2).value == "Récence (R)"
    assert "jours" in ws.cell(b.row + 2, 3).value


def test_synthese_native_charts_point_at_the_tables(saved, result):
    ws = openpyxl.load_workbook(saved)["Synthèse"]
    p = plan(build_synthese(result))
    pos: TablePos = p.positions["t_rfm"]
    charts = {c.chart.key: c for c in p.charts}
    assert set(charts) == {"g_rfm", "g_secteur", "g_pareto"}
    assert len(ws._charts) == 3
    bar = next(c for c in ws._charts if c.tagname == "barChart" and c.barDir == "col")
    refs = [s.val.numRef.f for s in bar.series]
    assert refs == [f"'Synthèse'!$D${pos.first_row}:$D${pos.last_row}",
                    f"'Synthèse'!$F${pos.first_row}:$F${pos.last_row}"]
    assert bar.series[0].cat.numRef.f == f"'Synthèse'!$B${pos.first_row}:$B${pos.last_row}"
    scatter = next(c for c in ws._charts if c.tagname == "scatterChart")
    pareto = p.positions["pareto"]
    assert scatter.series[0].xVal.numRef.f == f"'Synthèse'!$B${pareto.first_row}:$B${pareto.last_row}"
    assert scatter.series[0].yVal.numRef.f == f"'Synthèse'!$C${pareto.first_row}:$C${pareto.last_row}"
    assert ws.cell(pareto.last_row, 2).value == pytest.approx(1.0)
    assert ws.cell(pareto.last_row, 3).value == pytest.approx(1.0)


def test_plan_actions_sheet(saved):
    ws = openpyxl.load_workbook(saved)["Plan d'actions"]
    header = _find(ws, "Actions recommandées").row
    heads = [c.value for c in ws[header] if c.value]
    assert heads == ["Famille", "Segment", "Clients", "% base", "Description", "Objectif",
                     "Actions recommandées", "Canal", "Cadence", "Indicateurs", "Message clé", "Responsable",
                     "Échéance", "Statut", "Remarque"]
    assert "PlanActions" in ws.tables
    assert ws.tables["PlanActions"].ref == f"B{header}:P{header + 13}"
    statut = _find(ws, "Statut").column
    assert ws.cell(header + 1, statut).value == "À faire"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.formula1 == '"À faire,En cours,Fait"']
    assert lists and all(dv.errorStyle == "information" for dv in lists)
    covered = {str(r) for dv in lists for r in dv.sqref.ranges}
    assert f"{ws.cell(header + 1, statut).coordinate}" in " ".join(covered)
    champions = _find(ws, "Champions")
    assert ws.cell(champions.row, 8).value.startswith("Avantages exclusifs")
    assert ws.cell(champions.row, 8).fill.fgColor.rgb.endswith("FFF2CC")  # an input cell
    assert ws.freeze_panes == f"D{header + 1}"


def test_qualite_links_to_the_cells(saved):
    ws = openpyxl.load_workbook(saved)["Qualité"]
    header = _find(ws, "Que faire").row
    first = ws.cell(header + 1, 2)
    assert ws.cell(header + 1, 3).value == "Erreur"  # errors first
    assert first.hyperlink is not None and first.hyperlink.location == "'Clients'!B12"
    assert ws.cell(header + 1, 8).value == 12 and ws.cell(header + 1, 9).value == "32/13/2025"
    second = ws.cell(header + 2, 2)
    assert second.hyperlink.location == "'Clients'!C40"
    # an issue on a sheet that is not in the workbook has no link
    info = ws.cell(header + 3, 2)
    assert ws.cell(header + 3, 6).value == "Factures" and info.hyperlink is None
    n_err = _find(ws, "Erreurs (à corriger)")
    assert ws.cell(n_err.row, 3).value == 1
    assert "Qualite" in ws.tables


def test_qualite_with_an_audit_report(tmp_path, result):
    import pandas as pd

    class Audit:
        summary = pd.DataFrame({"Catégorie": ["Complétude", "Doublons"], "Score": [92, 60],
                                "Constat": ["8 % des e-mails manquent.", "12 doublons probables."]})
        problems = pd.DataFrame({"code": ["doublon", "date"], "sheet": ["Clients", "Clients"],
                                 "column": ["Entreprise", "Date dernier achat"], "row": [7, 9],
                                 "value": ["ACME SARL", pd.Timestamp("2031-01-05")],
                                 "message": ["Doublon probable de la ligne 3.", "Date future."],
                                 "action": ["Fusionnez les deux fiches.", "Corrigez la date."]})

    wb = _user_workbook()
    write_report_sheets(wb, result, audit=Audit())
    wb.save(tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["Qualité"]
    score = _find(ws, "Doublons")
    assert ws.cell(score.row, 3).value == 60 and ws.cell(score.row, 3).number_format == '0 "/ 100"'
    action = _find(ws, "Fusionnez les deux fiches.")
    dated = _find(ws, "Date future.")
    assert ws.cell(dated.row, 9).number_format == "dd/mm/yyyy"
    assert ws.cell(action.row, 2).hyperlink.location == "'Clients'!A7"


def test_second_run_rewrites_in_place_and_keeps_the_order(tmp_path, result):
    wb = _user_workbook()
    write_report_sheets(wb, result)
    wb.move_sheet("Synthèse", offset=-2)  # the user puts the Synthèse first
    order = list(wb.sheetnames)
    assert order[0] == "Synthèse"
    wb.save(tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    write_report_sheets(wb, result)
    write_report_sheets(wb, result)
    assert wb.sheetnames == order
    wb.save(tmp_path / "r2.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r2.xlsx")
    assert wb.sheetnames == order
    assert len(wb["Synthèse"]._charts) == 3
    assert len(wb["Plan d'actions"].tables) == 1 and len(wb["Qualité"].tables) == 1


def test_plan_edits_survive_a_refresh(tmp_path, result):
    wb = _user_workbook()
    write_report_sheets(wb, result)
    ws = wb["Plan d'actions"]
    champions = _find(ws, "Champions")
    ws.cell(champions.row, 8).value = "Invitation au salon de mars"
    ws.cell(champions.row, 4).value = 999  # a count: ours, refreshed
    wb.save(tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    write_report_sheets(wb, result)
    ws = wb["Plan d'actions"]
    champions = _find(ws, "Champions")
    assert ws.cell(champions.row, 8).value == "Invitation au salon de mars"
    assert ws.cell(champions.row, 4).value == 26
    assert sum(1 for row in ws.iter_rows(values_only=True) if "Champions" in row) == 1


def test_mode_emploi(tmp_path):
    wb = _user_workbook()
    write_mode_emploi(wb)
    write_mode_emploi(wb)
    assert wb.sheetnames.count("Mode d'emploi") == 1
    ws = wb["Mode d'emploi"]
    assert ws["B1"].value == "Mode d'emploi"
    _find(ws, "Segment RFM")
    _find(ws, "Que faire de chaque segment")


def test_layout_engine_positions_are_stable(result):
    p1 = plan(build_synthese(result))
    p2 = plan(build_synthese(result))
    assert p1.cells == p2.cells
    assert all(isinstance(c.row, int) and c.row >= 1 for c in p1.cells)
    # side charts never overlap each other
    tops = sorted(p1.positions[c.chart.key] for c in p1.charts)
    assert all(b - a >= 16 for a, b in zip(tops, tops[1:]))


def test_date_in_header_is_french(saved):
    ws = openpyxl.load_workbook(saved)["Synthèse"]
    assert ws["B2"].value.startswith(f"Analyse au {ANALYSIS_DATE:%d/%m/%Y}")
    assert isinstance(ANALYSIS_DATE, dt.date)


def test_real_pipeline_result_renders(tmp_path):
    """The core's own result (demo base) goes through every builder and renderer."""
    pipeline = pytest.importorskip("segmenter_pme.pipeline")
    demo = pytest.importorskip("segmenter_pme.demo")
    d = demo.generate_demo(n_clients=300)
    clients = d.clients.copy()
    clients.index = clients.index + 2
    res = pipeline.segment(clients=clients, today=d.reference_date)
    wb = openpyxl.Workbook()
    wb.active.title = "Clients"
    wb["Clients"].append(list(clients.columns))
    write_report_sheets(wb, res)
    write_mode_emploi(wb)
    wb.save(tmp_path / "demo.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "demo.xlsx")
    assert wb.sheetnames == ["Clients", *REPORT_SHEETS, "Mode d'emploi"]
    ws = wb["Synthèse"]
    _find(ws, res.pareto.sentence)
    assert len(ws._charts) == 3
    plan_ws = wb["Plan d'actions"]
    segs = [r[2] for r in plan_ws.iter_rows(min_row=6, values_only=True) if r[2]]
    assert segs[:2] == ["Champions", "À réactiver"] and len(segs) == len(set(segs))


def test_active_report_sheet_stays_active_and_alone_selected(tmp_path, result):
    wb = _user_workbook()
    write_report_sheets(wb, result)
    wb.active = wb.sheetnames.index("Synthèse")
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == "Synthèse"
    write_report_sheets(wb, result)
    assert wb.active.title == "Synthèse"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Synthèse"]


def test_an_empty_analysis_still_renders(tmp_path):
    import pandas as pd

    from segmenter_pme.result import Pareto, SegmentationResult
    from segmenter_pme.settings import Settings

    cols = ["Dimension", "Segment", "Clients", "% base", "CA", "% CA", "Commandes", "Panier moyen", "CA moyen"]
    grid = pd.DataFrame(0, index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5])
    res = SegmentationResult(
        clients=pd.DataFrame(), output=pd.DataFrame(), features=pd.DataFrame(), summary=pd.DataFrame(columns=cols),
        boundaries=pd.DataFrame(columns=["Dimension", "Score", "Min", "Max", "Clients", "Règle"]), rf_grid=grid,
        pareto=Pareto(0.0, 0.0, "Aucun client avec des achats.", pd.DataFrame({"% clients": [0.0, 1.0],
                                                                              "% CA": [0.0, 1.0]})),
        warnings=[], issues=[], settings=Settings(), analysis_date=dt.date(2025, 1, 1),
    )
    wb = openpyxl.Workbook()
    write_report_sheets(wb, res)
    wb.save(tmp_path / "vide.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "vide.xlsx")
    _find(wb["Synthèse"], "Aucun point d'attention.")
    _find(wb["Qualité"], "Aucun problème détecté dans vos données.")
    assert len(wb["Synthèse"]._charts) == 1  # only the Pareto curve, over its own data
