"""The history sheets as layouts: « Évolution », « Campagnes » (reading and our result cells), « Historique »."""

from __future__ import annotations

import datetime as dt
import types

import pandas as pd

from segmenter_pme.layout import build_synthese, plan
from segmenter_pme.layout import campagnes, historique
from segmenter_pme.layout.render_plan import TablePos, cells_by_coordinate
from segmenter_pme.layout.evolution import build_evolution
from segmenter_pme.settings import Settings

from support.history_fakes import D, history_result

TABLE_NAMES = {"tbl_kpi_rfm", "tbl_kpi_pmg", "tbl_kpi_potentiel", "tbl_migration_rfm", "tbl_migration_pmg",
               "tbl_surveiller", "tbl_signaux", "tbl_campagnes"}


def _evolution_plan(**changes):
    return plan(build_evolution(history_result(**changes), types.SimpleNamespace(settings=Settings()),
                                clients_sheet="Mes clients"))


def _row_values(p, pos: TablePos, row: int) -> list:
    cells = cells_by_coordinate(p)
    from segmenter_pme.layout.render_plan import col_letter

    return [getattr(cells.get(f"{col_letter(c)}{row}"), "value", None) for c in range(pos.first_col, pos.last_col + 1)]


def test_every_evolution_table_is_an_excel_table_with_its_stable_name():
    p = _evolution_plan()
    assert TABLE_NAMES <= {t.name for t in p.tables}


def test_kpi_table_a_row_per_segment_a_column_group_per_period():
    p = _evolution_plan()
    pos = p.positions["tbl_kpi_rfm"]
    header = _row_values(p, pos, pos.header_row)
    assert header == ["Segment RFM",
                      "T3 2025 · Clients", "T3 2025 · CA", "T3 2025 · Rétention", "T3 2025 · Évol. CA",
                      "T4 2025 · Clients", "T4 2025 · CA", "T4 2025 · Rétention", "T4 2025 · Évol. CA",
                      "Évol. CA sur un an"]
    champions = _row_values(p, pos, pos.first_row)
    assert champions == ["Champions", 4, 8000.0, 1.0, None, 5, 12000.0, 0.8, 0.5, 0.25]
    # the rules' order (Champions before À risque), the new clients last
    assert _row_values(p, pos, pos.first_row + 1)[0] == "À risque"
    assert _row_values(p, pos, pos.last_row)[:2] == ["Nouveaux clients de la période", 1]
    # one colour scale per rate column (comparing segments within a period) and the year-on-year one
    scales = [ref for ref, _ in p.color_scales if ref.endswith(str(pos.last_row)) and
              int("".join(ch for ch in ref.split(":")[0] if ch.isdigit())) == pos.first_row]
    assert len(scales) == 5


def test_rates_are_percent_formats():
    p = _evolution_plan()
    pos = p.positions["tbl_kpi_pmg"]
    cells = cells_by_coordinate(p)
    from segmenter_pme.layout.render_plan import col_letter

    fmt = cells[f"{col_letter(pos.first_col + 3)}{pos.first_row}"].number_format
    assert fmt == "0 %"


def test_migration_matrix_heat_map_and_reading_aid():
    p = _evolution_plan()
    pos = p.positions["tbl_migration_rfm"]
    assert _row_values(p, pos, pos.header_row)[1:] == ["Champions", "À risque"]
    assert _row_values(p, pos, pos.last_row) == ["Pas encore client", 1, 0]
    ref = f"{chr(64 + pos.first_col + 1)}{pos.first_row}:{chr(64 + pos.last_col)}{pos.last_row}"
    assert ref in [r for r, _ in p.color_scales]
    notes = [c.value for c in p.cells if c.row == pos.last_row + 1]
    assert notes and notes[0].startswith("Lecture : chaque ligne part du segment du client au 30/09/2025")


def test_watch_list_links_to_the_clients_row():
    p = _evolution_plan()
    pos = p.positions["tbl_surveiller"]
    first = cells_by_coordinate(p)[f"B{pos.first_row}"]
    assert first.value == "Dupont & Fils" and first.link == "'Mes clients'!A9"
    assert _row_values(p, pos, pos.first_row)[2:] == ["Champions → À risque", "Gros → Gros", 4000.0,
                                                      dt.date(2025, 5, 2)]


def test_sentences_source_changes_potentiel_and_signals():
    texts = [c.value for c in _evolution_plan().cells if isinstance(c.value, str)]
    assert any(t.startswith("Historique rejoué à partir des lignes de factures") for t in texts)
    assert "• 12 clients ont changé de segment RFM depuis le 30/09/2025." in texts
    assert any(t.startswith("Sur 10 Petits à potentiel il y a un an, 3 (30 %)") for t in texts)
    assert any(t.startswith("BTP en Bretagne (6 clients)") for t in texts)


def test_segment_sizes_chart_over_the_periods():
    p = _evolution_plan()
    chart = next(c for c in p.charts if c.chart.key == "g_effectifs")
    assert chart.chart.kind == "line" and chart.chart.title
    assert [s.title for s in chart.series] == ["Champions", "À risque"]
    assert chart.categories.last_row - chart.categories.first_row == 1  # two periods


def test_no_history_yet_still_names_every_table():
    empty = pd.DataFrame(columns=["dimension", "segment", "period_label", "period_start", "period_end", "clients",
                                  "ca", "retention", "evolution_ca", "evolution_ca_n1"])
    p = _evolution_plan(kpis=empty, migration={}, watch=pd.DataFrame(), campaigns=pd.DataFrame(),
                        signals=pd.DataFrame(), changes=[], potentiel_check=None, source="aucun",
                        reach="Première analyse sans lignes de factures : l'historique commence aujourd'hui.")
    names = {t.name for t in p.tables}
    assert {"tbl_surveiller", "tbl_signaux", "tbl_campagnes"} <= names


def test_synthese_says_what_changed_and_links_to_evolution():
    from test_layout_sample import make_result

    p = plan(build_synthese(make_result(), changes=("ce trimestre", ["Phrase une.", "Phrase deux."])))
    texts = [c.value for c in p.cells]
    assert "Ce qui a changé ce trimestre" in texts
    assert "• Phrase une." in texts and "• Phrase deux." in texts
    link = next(c for c in p.cells if c.link)
    assert link.link == "'Évolution'!A1"


# ------------------------------------------------------------------ Campagnes

def _campaign_rows():
    layout_rows = [["Campagnes marketing"], ["explication"], [None], list(campagnes.INPUT_HEADERS) + ["Mon suivi"]]
    layout_rows.append(["Exemple : relance", dt.datetime(2025, 11, 1), "À risque", 30, "E-mail", 150])
    layout_rows.append(["Relance automne", dt.datetime(2025, 10, 1), "À risque", 30, "E-mail", 120, "ok"])
    layout_rows.append([None] * 6)
    layout_rows.append(["Salon", "12/11/2025", "Gros", None, None, None, "à voir"])
    return layout_rows


def test_read_campaigns_skips_the_example_and_keeps_excel_rows():
    sheet = campagnes.read_campaigns(_campaign_rows())
    assert sheet.header_row == 4 and sheet.example_rows == [5]
    assert list(sheet.frame.index) == [6, 8]
    assert sheet.frame.loc[8, "Date d'envoi"] == "12/11/2025"  # raw: history() parses and remarks
    assert sheet.frame.loc[6, "Campagne"] == "Relance automne"
    assert sheet.last_col == 7


def test_result_columns_go_right_of_the_users_columns():
    sheet = campagnes.read_campaigns(_campaign_rows())
    cols = campagnes.result_columns(sheet)
    assert cols["Clients ciblés"] == 8 and cols["Remarque"] == 15
    results = pd.DataFrame([[3, 1, 1 / 3, 450.0, 0.1, 23.3, "terminée", ""]], index=[6],
                           columns=list(campagnes.RESULT_HEADERS))
    cells = {(r, c): v for r, c, v, _ in campagnes.result_cells(sheet, results)}
    assert cells[(4, 8)] == "Clients ciblés"
    assert cells[(6, 8)] == 3 and cells[(6, 14)] == "terminée"
    assert cells[(8, 8)] is None  # no result for that row: our cells emptied
    assert cells[(5, 15)] == "Ligne d'exemple : ignorée par l'analyse."
    assert not any(c <= 7 for _, c in cells)  # never a cell of the user's columns


def test_existing_result_columns_are_found_again_wherever_they_are():
    rows = _campaign_rows()
    rows[3] = rows[3] + list(campagnes.RESULT_HEADERS)
    sheet = campagnes.read_campaigns(rows)
    assert campagnes.result_columns(sheet)["Clients ciblés"] == 8
    assert campagnes.result_columns(sheet)["Remarque"] == 15


def test_a_sheet_without_our_headers_is_not_a_campaign_sheet():
    assert campagnes.is_campaign_sheet([["Mes campagnes à moi"], ["Nom", "Budget"]]) is False
    assert campagnes.is_campaign_sheet([]) is True


def test_new_campaign_sheet_has_headers_explanation_and_a_grey_example():
    p = plan(campagnes.build_campagnes(D))
    cells = cells_by_coordinate(p)
    assert cells["A1"].value == "Campagnes marketing"
    header = [cells[f"{chr(65 + j)}5"].value for j in range(14)]
    assert header == list(campagnes.INPUT_HEADERS) + list(campagnes.RESULT_HEADERS)
    assert cells["A6"].value.startswith("Exemple") and cells["A6"].style == "example"
    sheet = campagnes.read_campaigns([[c.value for c in sorted((c for c in p.cells if c.row == r),
                                                                key=lambda c: c.col)] for r in range(1, 7)])
    assert sheet.frame.empty and sheet.example_rows == [6]


# ------------------------------------------------------------------ Historique

def _stored(date: str, keys, segments) -> pd.DataFrame:
    return pd.DataFrame({"analysis_date": pd.Timestamp(date), "key": keys, "segment_rfm": segments,
                         "segment_pmg": "Petits", "score_r": 3, "score_f": 2, "score_m": 1, "ca_total": 100.0,
                         "orders": 2, "last_purchase": pd.Timestamp("2025-01-01")})


def test_rerun_at_the_same_date_replaces_its_rows_never_duplicates():
    stored = pd.concat([_stored("2025-09-30", ["A", "B"], ["Champions", "Perdus"]),
                        _stored("2025-12-31", ["A", "B"], ["Fidèles", "Perdus"])], ignore_index=True)
    current = _stored("2025-12-31", ["A", "B", "C"], ["Champions", "À risque", "Nouveaux"])
    out = historique.merged(stored, current, dt.date(2025, 12, 31))
    assert len(out) == 5
    last = out[out["analysis_date"] == pd.Timestamp("2025-12-31")]
    assert last["segment_rfm"].tolist() == ["Champions", "À risque", "Nouveaux"]
    assert out["analysis_date"].is_monotonic_increasing


def test_historique_rows_read_back_as_snapshots():
    frame = historique.sheet_frame(_stored("2025-09-30", ["A", "B"], ["Champions", "Perdus"]))
    rows = [[historique.TITLE], [historique.NOTE], list(historique.HEADERS)] + frame.values.tolist()
    back = historique.read_snapshots(rows)
    assert back["key"].tolist() == ["A", "B"]
    assert back["analysis_date"].tolist() == [pd.Timestamp("2025-09-30")] * 2
    assert back["orders"].dtype == "Int64"
    assert historique.read_snapshots([["autre chose"]]) is None


def test_historique_dates_past_2262_are_dropped_not_wrapped_round():
    """A « Date dernier achat » edited to 01/01/3000 in « Historique » read as no date, not 1830."""
    frame = historique.sheet_frame(_stored("2025-09-30", ["A", "B"], ["Champions", "Perdus"]))
    rows = [list(historique.HEADERS)] + frame.values.tolist()
    rows[1][list(historique.HEADERS).index("Date dernier achat")] = dt.datetime(3000, 1, 1)
    rows[2][list(historique.HEADERS).index("Date d'analyse")] = "01/01/3000"
    back = historique.read_snapshots(rows)
    assert back["key"].tolist() == ["A"] and pd.isna(back["last_purchase"].iloc[0])


def test_historique_dates_are_read_by_the_one_rule_of_dates():
    """A text typed in « Historique » reads as everywhere else: « 15/03/36 » is 1936 (Excel's rule), a
    serial the day Excel shows."""
    frame = historique.sheet_frame(_stored("2025-09-30", ["A", "B", "C"], ["Champions", "Perdus", "Perdus"]))
    rows = [list(historique.HEADERS)] + frame.values.tolist()
    last = list(historique.HEADERS).index("Date dernier achat")
    rows[1][last], rows[2][last], rows[3][last] = "15/03/36", 45000, "1 mars 2024"
    back = historique.read_snapshots(rows)
    assert back["last_purchase"].tolist() == [pd.Timestamp("1936-03-15"), pd.Timestamp("2023-03-15"),
                                              pd.Timestamp("2024-03-01")]


# ------------------------------------------------------------------ both renderers

def test_openpyxl_evolution_round_trip_keeps_table_names_and_links(tmp_path):
    import openpyxl

    from segmenter_pme.layout.render_openpyxl import render

    wb = openpyxl.Workbook()
    wb.active.title = "Mes clients"
    render(wb, build_evolution(history_result(), types.SimpleNamespace(settings=Settings()),
                               clients_sheet="Mes clients"))
    wb.save(tmp_path / "evo.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "evo.xlsx")["Évolution"]
    assert TABLE_NAMES <= set(ws.tables.keys())
    link = next(c for row in ws.iter_rows() for c in row if c.value == "Dupont & Fils")
    assert link.hyperlink.location == "'Mes clients'!A9"
    assert len(ws.conditional_formatting) >= 8


def test_xlwings_renderer_draws_the_same_tables():
    from support import fake_xlwings as fx
    from segmenter_pme.excel import render

    book = fx.FakeBook()
    book.sheets.add("Clients")
    sheet = render.render(book, build_evolution(history_result(), types.SimpleNamespace(settings=Settings())))
    assert TABLE_NAMES <= {t.name for t in sheet.tables}
