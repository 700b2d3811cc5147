"""Issue 14 item 4: a user's own column named like one of ours (« Segment RFM »…) is theirs.

Ours are recognised only by our hidden defined name ``_segmenter_sortie``; a
user's « Segment RFM » was overwritten by ``run`` and emptied by ``nettoyer``.
Ours then go beside it as « Segment RFM (calculé) ».
"""

from __future__ import annotations

import datetime as dt

import openpyxl

from segmenter_pme.fields import OUTPUT_COLUMNS
from segmenter_pme.workbook.reader import calc_header

from .helpers import assert_cells_kept, column_values, run_cli, snapshot, write_workbook

BASE = ["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"]


def _rows(own: list[str]) -> list[list]:
    rows = [BASE + own]
    for i in range(6):
        rows.append([f"C{i}", f"Client {i}", dt.datetime(2025, 1 + i, 5), i + 1, 100.0 * (i + 1)]
                    + [f"à moi {h} {i}" for h in own])
    return rows


def _header(path) -> list:
    return [c.value for c in openpyxl.load_workbook(path)["Clients"][1]]


def test_run_keeps_a_users_segment_rfm_and_writes_ours_beside_it(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", _rows(["Segment RFM"]))
    before = snapshot(p)
    run_cli("run", p, "--date", "2025-12-31")
    assert_cells_kept(before, p)
    header = _header(p)
    assert header.count("Segment RFM") == 1 and "Segment RFM (calculé)" in header
    assert all(v for v in column_values(p, "Segment RFM (calculé)"))
    run_cli("run", p, "--date", "2025-12-31")  # a rerun finds ours by our name: nothing duplicated
    assert _header(p) == header
    assert_cells_kept(before, p)


def test_every_output_header_of_the_users_is_kept(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", _rows(list(OUTPUT_COLUMNS)))
    before = snapshot(p)
    run_cli("run", p, "--date", "2025-12-31")
    assert_cells_kept(before, p)
    header = _header(p)
    assert header[len(BASE) + len(OUTPUT_COLUMNS):] == [calc_header(n) for n in OUTPUT_COLUMNS]


def test_nettoyer_and_audit_keep_a_users_segment_rfm(tmp_path):
    rows = _rows(["Segment RFM"])
    p = write_workbook(tmp_path / "clients.xlsx", rows)
    before = snapshot(p)
    out = tmp_path / "audit.xlsx"
    run_cli("audit", p, "-o", out)
    assert_cells_kept(before, out)
    clean = tmp_path / "propre.xlsx"
    run_cli("nettoyer", p, "-o", clean, "--date", "2025-12-31")
    assert column_values(clean, "Segment RFM", "Clients")[:6] == [r[-1] for r in rows[1:]]


def test_nettoyer_still_empties_our_own_columns(tmp_path):
    p = write_workbook(tmp_path / "clients.xlsx", _rows(["Segment RFM"]))
    run_cli("run", p, "--date", "2025-12-31")
    clean = tmp_path / "propre.xlsx"
    run_cli("nettoyer", p, "-o", clean, "--date", "2025-12-31")
    assert set(column_values(clean, "Segment RFM (calculé)", "Clients")) == {None}  # recomputed by the next run
    assert column_values(clean, "Segment RFM", "Clients")[:6] == [f"à moi Segment RFM {i}" for i in range(6)]
