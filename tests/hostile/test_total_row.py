"""Issue 14 item 5: a last row is set aside as a Total only when it looks like one, and « Qualité » says so.

« TOTAL ENERGIES MARKETING FRANCE », a real client on the last row (first
column Entreprise), was silently left out of the analysis.
"""

from __future__ import annotations

import datetime as dt

import pytest

from segmenter_pme.workbook import set_aside

from .helpers import column_values, run_cli, sheet_rows, write_csv, write_workbook

HEADERS = ["Entreprise", "Code client", "Date dernier achat", "Nombre commandes", "CA total"]
CLIENTS = [["Alpha", "C1", dt.datetime(2025, 6, 1), 3, 100.0], ["Beta", "C2", dt.datetime(2025, 5, 1), 2, 200.0],
           ["Gamma", "C3", dt.datetime(2025, 4, 1), 1, 300.0]]


def _qualite_notes(path):
    return [r for r in sheet_rows(path, "Qualité") if any(isinstance(v, str) and "ligne de total" in v for v in r)]


def test_a_client_named_total_is_counted(tmp_path):
    last = ["TOTAL ENERGIES MARKETING FRANCE", "C4", dt.datetime(2025, 3, 1), 5, 4200.0]
    p = write_workbook(tmp_path / "clients.xlsx", [HEADERS, *CLIENTS, last])
    res = run_cli("run", p, "--date", "2025-12-31")
    assert "4 clients segmentés" in res.text
    assert column_values(p, "Segment RFM")[3] is not None
    assert _qualite_notes(p) == []


@pytest.mark.parametrize("last", [
    ["Total", None, None, 6, 600.0],                       # no client key
    ["Total général", "Total", None, None, 600.0],         # the key cells hold only the label
    ["TOTAL CLIENTS", "T", None, 6, 600.0],                # a key, but its amounts sum the rows above
])
def test_a_real_total_row_is_set_aside_and_said(tmp_path, last):
    p = write_workbook(tmp_path / "clients.xlsx", [HEADERS, *CLIENTS, last])
    res = run_cli("run", p, "--date", "2025-12-31")
    assert "3 clients segmentés" in res.text
    notes = _qualite_notes(p)
    assert len(notes) == 1
    row = notes[0]
    # (blank), link, severity, problem, what to do, sheet, column, row, value
    assert row[5:9] == ("Clients", "Entreprise", 5, last[0])


def test_csv_total_line_named_in_qualite_by_its_line(tmp_path):
    rows = [HEADERS] + [[c[0], c[1], c[2].strftime("%d/%m/%Y"), c[3], str(c[4]).replace(".", ",")] for c in CLIENTS]
    rows.append(["TOTAL", "", "", "6", "600,0"])
    p = write_csv(tmp_path / "export.csv", rows)
    run_cli("run", p, "--date", "2025-12-31")
    notes = _qualite_notes(tmp_path / "export.xlsx")
    assert len(notes) == 1 and "ligne 5 du fichier" in notes[0][3]
    out = tmp_path / "audit.xlsx"
    run_cli("audit", p, "-o", out)
    assert len(_qualite_notes(out)) == 1


def test_rule_on_frames():
    import pandas as pd

    mapping = {"raison_sociale": "Entreprise", "client_id": "Code client", "ca_total": "CA total"}
    frame = pd.DataFrame({"Entreprise": ["A", "B", "Total"], "Code client": ["C1", "C2", "X9"],
                          "CA total": ["10,5", "20", "30,5"]}, index=[2, 3, 4])
    assert set_aside.split_total_row(frame, mapping)[1] == 4          # 10,5 + 20 = 30,5
    frame.loc[4, "CA total"] = "31"
    assert set_aside.split_total_row(frame, mapping)[1] is None       # a client « Total » with code X9
    frame.loc[4, "Code client"] = None
    assert set_aside.split_total_row(frame, mapping)[1] == 4          # no key: a total


def test_nettoyer_says_the_total_row_it_left_out(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", [HEADERS, *CLIENTS, ["Total", None, None, 6, 600.0]])
    res = run_cli("nettoyer", p, "-o", tmp_path / "propre.xlsx", "--date", "2025-12-31")
    assert "ligne 5" in res.text and "ligne de total" in res.text
