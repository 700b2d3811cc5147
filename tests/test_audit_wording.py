"""French wording of ``segmenter audit`` / ``segmenter nettoyer`` on the console."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from rich.console import Console

from segmenter_pme.cli import audit as audit_cli
from segmenter_pme.audit.report import after_colon
from segmenter_pme.cli import main

NBSP = "\u00a0"
HEADERS = ["Code client", "Entreprise", "Email", "Téléphone", "Code postal", "SIRET", "Date premier achat",
           "Date dernier achat", "Nombre commandes", "CA total"]
ROWS = [
    ["C1", "Boulangerie Martin SARL", "jean@martin.fr", "01 23 45 67 89", "75011", "73282932000074",
     dt.datetime(2020, 1, 1), dt.datetime(2025, 5, 1), 10, 5000],
    ["C2", "Boulangerie Martin", "JEAN@martin.fr", "+33 1 23 45 67 89", "75011", None,
     dt.datetime(2021, 1, 1), dt.datetime(2025, 4, 1), 5, 2500],
    ["C3", "Ets Lefèvre & Fils", "marie@lefevre.fr", "0491000000", "13001", None,
     dt.datetime(2022, 1, 1), dt.datetime(2025, 1, 1), 4, -300],
]


def workbook(path, rows=ROWS):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


@pytest.fixture
def console(monkeypatch, request):
    """The commands' console, captured, ``width`` cells wide (indirect parameter, default 60)."""
    buf = io.StringIO()
    width = getattr(request, "param", 60)
    monkeypatch.setattr(audit_cli, "out", Console(file=buf, width=width, color_system=None))
    return buf


def test_after_colon_lower_case_but_not_acronyms():
    assert after_colon("Même e-mail, même téléphone") == "même e-mail, même téléphone"
    assert after_colon("SIRET identique") == "SIRET identique"
    assert after_colon(None) == ""


@pytest.mark.parametrize("console", [80, 100], indirect=True)
def test_audit_lines_read_french(tmp_path, console):
    p = workbook(tmp_path / "clients.xlsx")
    assert main(["audit", str(p), "--date", "2025-06-01", "-d", "10"]) == 0
    text = console.getvalue()
    from segmenter_pme.workbook.audit_files import audit_file

    report, _ = audit_file(p, analysis_date=dt.date(2025, 6, 1))
    assert report.problems["message"].iloc[0] == ("Doublon de la ligne 2 (« Boulangerie Martin SARL ») — groupe "
                                                  "D0001, confiance 98 % : même e-mail, même téléphone, raison "
                                                  "sociale identique une fois normalisée.")
    assert "Même e-mail" not in text
    assert f"-300,00{NBSP}€" in text and "-300.0" not in text
    # no line starts with the punctuation that must stay with its word, none ends inside « … »
    for line in text.splitlines():
        cells = [c.strip() for c in line.replace("┃", "│").split("│")]
        for cell in cells:
            if cell == "%":
                continue  # the header of the fill-rate column
            assert not cell.startswith((":", ";", "%", "€", "»")), line
            assert not cell.endswith("«"), line


def test_audit_copy_over_the_original_speaks_of_the_audit(tmp_path, capsys):
    p = workbook(tmp_path / "clients.xlsx")
    assert main(["audit", str(p), "-o", str(p)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert ("L'audit écrit une copie avec la feuille « Qualité » : choisissez un autre nom de fichier que "
            "l'original « clients.xlsx ».") in err
    assert "nettoyage" not in err


def test_nettoyer_says_when_nothing_was_merged(tmp_path, console):
    p = workbook(tmp_path / "clients.xlsx", rows=ROWS[:1] + ROWS[2:])
    assert main(["nettoyer", str(p), "--date", "2025-06-01"]) == 0
    lines = [line.replace(NBSP, " ") for line in console.getvalue().splitlines()]
    assert lines[:5] == [
        "Base de 2 clients → 2 clients après nettoyage.",
        "- Aucun doublon fusionné ;",
        "- Aucun client inactif à ranger dans « Archives » ;",
        "- Aucune cellule à réparer (codes postaux, SIRET, dates).",
        "Copie nettoyée :",  # the long path goes whole to the next line
    ]
    assert "0 fiche" not in console.getvalue()
    assert f"«{NBSP}Archives{NBSP}»" in console.getvalue()
