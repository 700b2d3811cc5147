"""The console leads on: the next step after run and nettoyer, --ouvrir, no verb, -q anywhere, French help."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.cli import main, segmentation

DATE = ["--date", "2025-12-31"]


@pytest.fixture
def book(tmp_path):
    frame = pd.DataFrame({"Code client": [f"C{i}" for i in range(30)], "Entreprise": [f"E{i}" for i in range(30)],
                          "Date dernier achat": [dt.datetime(2025, 1 + i % 12, 1) for i in range(30)],
                          "Nombre commandes": [1 + i % 3 for i in range(30)],
                          "CA total": [100.0 * (i + 1) for i in range(30)]})
    path = tmp_path / "clients.xlsx"
    frame.to_excel(path, sheet_name="Clients", index=False)
    return path


def test_run_says_the_next_step(book, capsys):
    assert main(["run", str(book), *DATE]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("Étape suivante : ouvrez « clients.xlsx » et lisez « Synthèse » puis « Plan d'actions » (avec l'option "
            "--ouvrir, segmenter l'ouvre lui-même à la fin de l'analyse)") in out
    assert f"« segmenter listes {book} » en tire les listes de clients à contacter." in out


def test_ouvrir_opens_the_workbook_with_the_default_application(book, capsys, monkeypatch):
    opened = []
    monkeypatch.setattr(segmentation.sys, "platform", "linux")
    monkeypatch.setattr("subprocess.Popen", lambda args, **kw: opened.append(args))
    assert main(["run", str(book), *DATE, "--ouvrir"]) == 0
    assert opened == [["xdg-open", str(book)]]
    assert "Ouverture de « clients.xlsx » avec l'application par défaut" in capsys.readouterr().out


def test_ouvrir_without_an_application_is_a_note_not_an_error(book, capsys, monkeypatch):
    def fail(*_a, **_k):
        raise FileNotFoundError("xdg-open")

    monkeypatch.setattr(segmentation.sys, "platform", "linux")
    monkeypatch.setattr("subprocess.Popen", fail)
    assert main(["run", str(book), *DATE, "--ouvrir"]) == 0
    assert "n'a pas pu être ouvert automatiquement" in " ".join(capsys.readouterr().out.split())


def test_nettoyer_gives_the_command_to_segment_the_copy(book, capsys):
    assert main(["nettoyer", str(book), *DATE]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"Étape suivante : segmentez la copie nettoyée — segmenter segmente {book.with_name('clients.nettoye.xlsx')}" in out


def test_a_file_without_a_verb_is_run(book, capsys):
    assert main([str(book), *DATE]) == 0
    assert "Synthèse" in openpyxl.load_workbook(book, read_only=True).sheetnames
    assert main(["clientes.xlsx"]) == 1  # a file name that does not exist: run says so, in French
    assert "clientes.xlsx" in capsys.readouterr().err
    assert main(["bonjour"]) == 2  # neither a command nor a file


def test_quiet_after_the_verb(book, capsys):
    assert main(["run", str(book), *DATE, "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", str(book), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_help_is_french(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Utilisation : segmenter [OPTIONS] COMMANDE [ARGUMENTS]..." in out
    assert "Usage" not in out and "COMMAND [ARGS]" not in out
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Utilisation : segmenter run [OPTIONS]" in out and "--ouvrir" in out and "Usage" not in out


def test_run_adds_mode_d_emploi_but_never_replaces_the_users(book, tmp_path):
    assert main(["run", str(book), *DATE, "-q"]) == 0
    assert "Mode d'emploi" in openpyxl.load_workbook(book, read_only=True).sheetnames
    mine = tmp_path / "mine.xlsx"
    wb = openpyxl.load_workbook(book)
    for name in wb.sheetnames:
        if name != "Clients":
            del wb[name]
    wb.create_sheet("Mode d'emploi")["A1"] = "Notre procédure interne"
    wb.save(mine)
    assert main(["run", str(mine), *DATE, "-q"]) == 0
    assert openpyxl.load_workbook(mine)["Mode d'emploi"]["A1"].value == "Notre procédure interne"
