"""Issue 14 item 6: a CSV line with more fields than the header is an error naming it — never a shift.

A value holding the separator, unquoted, made pandas take the first column as
the index: every value moved one column left (Code client and Nom gone) and
``audit -o`` / ``nettoyer`` exited 0.
"""

from __future__ import annotations

import openpyxl
import pytest

from .helpers import column_values, run_cli, sheet_rows

HEADER = "Code client;Entreprise;Date dernier achat;Nombre commandes;CA total\n"
ROWS = ["C1;Alpha;01/06/2025;3;100,00", "C2;Beta;01/05/2025;2;200,00", "C3;Gamma;01/04/2025;1;300,00"]


def _csv(tmp_path, rows, name="clients.csv"):
    p = tmp_path / name
    p.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def _commands(p, tmp_path):
    return [("run", p, "--date", "2025-12-31"), ("audit", p, "-o", tmp_path / "audit.xlsx"),
            ("nettoyer", p, "-o", tmp_path / "propre.xlsx", "--date", "2025-12-31")]


@pytest.mark.parametrize("where", [0, 2])  # the first data line (pandas shifted silently) or a later one
def test_a_long_line_is_an_error_naming_it_in_every_command(tmp_path, where):
    rows = list(ROWS)
    rows[where] = rows[where].replace("Alpha", "Alpha;SARL").replace("Gamma", "Gamma;SARL")  # 6 fields
    p = _csv(tmp_path, rows)
    for args in _commands(p, tmp_path):
        run_cli(*args, code=1, mentions=["clients.csv", f"ligne {where + 2} : 6 champs", "5 champs", "guillemets"])
    assert not (tmp_path / "clients.xlsx").exists()
    assert not (tmp_path / "audit.xlsx").exists() and not (tmp_path / "propre.xlsx").exists()


def test_empty_extra_fields_are_dropped_and_said_in_qualite(tmp_path):
    rows = [ROWS[0] + ";", ROWS[1], ROWS[2] + ";;"]  # a trailing separator, as some exports write
    p = _csv(tmp_path, rows)
    run_cli("run", p, "--date", "2025-12-31")
    out = tmp_path / "clients.xlsx"
    assert column_values(out, "Entreprise", "Clients") == ["Alpha", "Beta", "Gamma"]
    assert column_values(out, "CA total", "Clients") == [100, 200, 300]
    qualite = [r for r in sheet_rows(out, "Qualité") if any(isinstance(v, str) and "champs" in v for v in r)]
    # columns: (blank), link, severity, sheet, column, row, value, problem, what to do
    assert [(r[7], r[8]) for r in qualite] == [(2, "6 champs"), (4, "7 champs")]  # Ligne, Valeur
    for args in _commands(p, tmp_path)[1:]:
        run_cli(*args)
    assert column_values(tmp_path / "propre.xlsx", "Entreprise", "Clients")[:3] == ["Alpha", "Beta", "Gamma"]


def test_short_lines_are_read_with_empty_cells(tmp_path):
    p = _csv(tmp_path, [ROWS[0], "C2;Beta;01/05/2025;2", ROWS[2]])
    run_cli("run", p, "--date", "2025-12-31")
    wb = openpyxl.load_workbook(tmp_path / "clients.xlsx")
    assert column_values(tmp_path / "clients.xlsx", "CA total", "Clients") == [100, None, 300]
    assert wb["Clients"]["A3"].value == "C2"
