"""Issue 14 item 12 (part): « inf » and « 1e400 » are refused as amounts, as « NaN » is, naming the cell."""

from __future__ import annotations

import pytest

from .helpers import run_cli, write_csv


@pytest.mark.parametrize("text", ["inf", "-Infinity", "1e400", "NaN"])
def test_infinite_amount_is_refused_naming_the_cell(tmp_path, text):
    rows = [["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"],
            ["C1", "Alpha", "01/06/2025", "3", "100,00"], ["C2", "Beta", "01/05/2025", "2", text]]
    p = write_csv(tmp_path / "clients.csv", rows)
    run_cli("run", p, "--date", "2025-12-31", code=1, mentions=["clients.csv", "CA total", "ligne 3", text])
    assert not (tmp_path / "clients.xlsx").exists()
