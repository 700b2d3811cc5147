"""The ``segmenter`` command: exit codes 0 / 1 (one French paragraph, no traceback) / 2 (usage)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import openpyxl
import pytest

from segmenter_pme.cli import main
from wbfactory import invoices_workbook, rich_workbook, write_french_csv


def cli(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clean_error(code, err, *fragments):
    assert code == 1
    assert "Traceback" not in err
    text = " ".join(err.split())
    assert text.startswith("Erreur :")
    for f in fragments:
        assert f in text, text


def test_run_on_a_workbook(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "run", str(p), "--date", "2025-12-31")
    assert code == 0, err
    assert "Segments RFM" in out and "clients.xlsx" in out
    assert "Synthèse" in openpyxl.load_workbook(p).sheetnames


def test_quiet_prints_nothing(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "--quiet", "run", str(p), "--date", "31/12/2025")
    assert code == 0 and out == "" and err == ""


def test_run_with_output_and_sheet(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    before = p.read_bytes()
    out_path = tmp_path / "resultat.xlsx"
    code, out, err = cli(capsys, "-q", "run", str(p), "-o", str(out_path), "--feuille", "Clients")
    assert code == 0, err
    assert p.read_bytes() == before and out_path.exists()


def test_run_on_csv(tmp_path, capsys):
    p = write_french_csv(tmp_path / "export.csv")
    code, out, err = cli(capsys, "run", str(p))
    assert code == 0, err
    assert (tmp_path / "export.xlsx").exists()


def test_template(tmp_path, capsys):
    code, out, err = cli(capsys, "template", str(tmp_path))
    assert code == 0, err
    wb = openpyxl.load_workbook(tmp_path / "modele_clients.xlsx")
    assert wb.sheetnames[0] == "Clients" and "Paramètres" in wb.sheetnames
    code, out, err = cli(capsys, "template", str(tmp_path))
    assert_clean_error(code, err, "existe déjà")


@pytest.mark.slow
def test_demo(tmp_path, capsys):
    code, out, err = cli(capsys, "demo", str(tmp_path / "demo"))
    assert code == 0, err
    assert "Champions" in out and "demo_clients.xlsx" in out
    wb = openpyxl.load_workbook(tmp_path / "demo" / "demo_clients.xlsx")
    assert {"Clients", "Factures", "Synthèse", "Plan d'actions", "Qualité", "Paramètres"} <= set(wb.sheetnames)


# ---------------------------------------------------------------- bad input → exit 1, French message


def test_missing_file(tmp_path, capsys):
    code, out, err = cli(capsys, "run", str(tmp_path / "absent.xlsx"))
    assert_clean_error(code, err, "introuvable")


def test_missing_column(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Nom", "Entreprise", "Ville"])
    ws.append(["Martin", "Boulangerie Martin", "Paris"])
    p = tmp_path / "incomplet.xlsx"
    wb.save(p)
    before = p.read_bytes()
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "« Clients »", "Date dernier achat", "Nombre commandes", "CA total")
    assert p.read_bytes() == before


def test_missing_required_column_named(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "CA total"])
    ws.append(["C1", "Boulangerie Martin", "12/11/2025", 1200])
    p = tmp_path / "sans_commandes.xlsx"
    wb.save(p)
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err)
    assert "Nombre commandes" in err or "commandes" in err.lower()


def test_locked_workbook(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    (tmp_path / "~$clients.xlsx").write_bytes(b"Sophie")
    before = p.read_bytes()
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "ouvert dans Excel", "~$clients.xlsx")
    assert p.read_bytes() == before


def test_corrupt_workbook(tmp_path, capsys):
    p = tmp_path / "abime.xlsx"
    p.write_bytes(b"PK\x03\x04 pas un vrai zip")
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "endommagé")


def test_password_protected(tmp_path, capsys):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = rich_workbook(tmp_path / "clair.xlsx")
    enc = tmp_path / "secret.xlsx"
    with open(plain, "rb") as fin, open(enc, "wb") as fout:
        OOXMLFile(fin).encrypt("motdepasse", fout)
    code, out, err = cli(capsys, "run", str(enc))
    assert_clean_error(code, err, "mot de passe")


def test_wrong_extension(tmp_path, capsys):
    p = tmp_path / "clients.pdf"
    p.write_bytes(b"%PDF-1.4")
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "pas un fichier pris en charge")


def test_empty_sheet(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.title = "Clients"
    p = tmp_path / "vide.xlsx"
    wb.save(p)
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "Aucun tableau de clients")


def test_headers_without_rows(tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    p = tmp_path / "entetes.xlsx"
    wb.save(p)
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, "en dessous", "ligne 1")


def test_unknown_sheet(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "run", str(p), "--feuille", "Inconnue")
    assert_clean_error(code, err, "« Inconnue » n'existe pas", "Clients")


def _segmented_with_setting(tmp_path, capsys, name, value):
    """A segmented workbook whose « Paramètres » value ``name`` was then typed as ``value``: (path, row)."""
    p = rich_workbook(tmp_path / "clients.xlsx")
    assert cli(capsys, "-q", "run", str(p), "--date", "2025-12-31")[0] == 0
    wb = openpyxl.load_workbook(p)
    ws = wb["Paramètres"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == name)
    ws.cell(row, 3).value = value
    wb.save(p)
    return p, row


def test_wrong_setting_names_the_cell(tmp_path, capsys):
    p, row = _segmented_with_setting(tmp_path, capsys, "pmg_gros_pct", "beaucoup")
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, f"Paramètres!C{row}")


def _two_clients(path, last_purchase):
    """A « Clients » sheet of two clients, the second's last purchase typed as ``last_purchase`` (row 3)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    ws.append(["C1", "Boulangerie", "12/11/2025", 3, 1200])
    ws.append(["C2", "Garage", last_purchase, 2, 800])
    wb.save(path)
    return path


def test_bad_value_in_data_names_row_and_column(tmp_path, capsys):
    p = _two_clients(tmp_path / "dates.xlsx", "32/13/2025")
    code, out, err = cli(capsys, "run", str(p), "--date", "2025-12-31")
    if code == 1:  # the core may refuse the impossible date, or report it in « Qualité »
        assert_clean_error(code, err)
    else:
        assert code == 0


@pytest.mark.parametrize("typed", ["15/03/3024", dt.datetime(3024, 3, 15)])
def test_a_last_purchase_in_3024_names_the_cell_never_a_lost_client(tmp_path, capsys, typed):
    """A slip for 2024, as text or as a date cell: before, Récence 62421 and « Perdus », silently."""
    p = _two_clients(tmp_path / "dates.xlsx", typed)
    code, out, err = cli(capsys, "run", str(p), "--date", "31/12/2025")
    assert_clean_error(code, err, "feuille « Clients »", "colonne « Date dernier achat »", "ligne 3",
                       "« 15/03/3024 »", "vérifiez l'année")
    assert openpyxl.load_workbook(p).sheetnames == ["Clients"]  # nothing written: no « Perdus » anywhere


def test_nettoie_keeps_a_last_purchase_in_3024_as_typed(tmp_path, capsys):
    """Before: read as 22/11/1831, the client was archived as inactive for 194 years."""
    p = _two_clients(tmp_path / "dates.xlsx", "15/03/3024")
    assert cli(capsys, "-q", "nettoie", str(p), "--date", "31/12/2025")[0] == 0
    ws = openpyxl.load_workbook(tmp_path / "dates.nettoye.xlsx")["Clients"]
    assert [r[:3] for r in ws.iter_rows(min_row=2, values_only=True)] == \
        [("C1", "Boulangerie", dt.datetime(2025, 11, 12)), ("C2", "Garage", "15/03/3024")]


def test_a_last_purchase_in_3024_in_a_csv_names_the_file_and_row(tmp_path, capsys):
    p = tmp_path / "export.csv"
    p.write_text("Code client;Entreprise;Date dernier achat;Nombre commandes;CA total\n"
                 "C1;Boulangerie;12/11/2025;3;1200\nC2;Garage;15/03/3024;2;800\n", encoding="utf-8")
    code, out, err = cli(capsys, "run", str(p), "--date", "31/12/2025")
    assert_clean_error(code, err, "export.csv", "colonne « Date dernier achat »", "ligne 3", "« 15/03/3024 »")


def test_an_analysis_date_cell_in_3000_names_the_parameter(tmp_path, capsys):
    p, row = _segmented_with_setting(tmp_path, capsys, "date_analyse", dt.datetime(3000, 1, 1))
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, f"Paramètres!C{row}", "« 01/01/3000 »")


# ---------------------------------------------------------------- usage errors → exit 2


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["run"]) == 2
    assert main(["run", "x.xlsx", "--date", "demain"]) == 2
    assert main(["commande-inconnue"]) == 2
    assert main(["--help"]) == 0


def test_console_script_exit_codes(tmp_path):
    """The installed entry point as a user runs it: no traceback, exit 1."""
    env = dict(os.environ, COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "segmenter_pme.cli", "run", str(tmp_path / "absent.xlsx")],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "introuvable" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "segmenter_pme.cli", "run"], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    # python -m segmenter_pme (what dev.py runs) exits with the same codes
    proc = subprocess.run([sys.executable, "-m", "segmenter_pme", "run", str(tmp_path / "absent.xlsx")],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "introuvable" in proc.stderr


def test_invoice_only_workbook(tmp_path, capsys):
    p = invoices_workbook(tmp_path / "ventes.xlsx")
    code, out, err = cli(capsys, "run", str(p), "--date", "2025-12-31")
    assert code == 0, err
    assert "créée à partir des factures" in out


def test_folder_that_is_a_file(tmp_path, capsys):
    f = tmp_path / "fichier"
    f.write_text("x")
    code, out, err = cli(capsys, "template", str(f / "sous-dossier"))
    assert_clean_error(code, err, "Impossible de créer le dossier")
    code, out, err = cli(capsys, "demo", str(f))
    assert_clean_error(code, err, "Impossible de créer le dossier")


def test_output_in_a_new_folder_and_messages_in_french(tmp_path, capsys):
    p = rich_workbook(tmp_path / "clients.xlsx")
    code, out, err = cli(capsys, "-q", "run", str(p), "-o", str(tmp_path / "nouveau" / "res.xlsx"))
    assert code == 0 and (tmp_path / "nouveau" / "res.xlsx").exists()
    blocker = tmp_path / "bloque"
    blocker.write_text("x")
    code, out, err = cli(capsys, "run", str(p), "-o", str(blocker / "res.xlsx"))
    assert_clean_error(code, err, "un fichier porte ce nom")


# ---------------------------------------------------------------- QA wording: copy-pastable, plurals, lock files


def test_one_client_is_singular(tmp_path, capsys):
    p = write_french_csv(tmp_path / "un.csv", "Nom;Entreprise;Date dernier achat;Nombre commandes;CA total\n"
                         "A;Alpha;05/10/2025;2;100,00\n", encoding="utf-8")
    code, out, err = cli(capsys, "run", str(p), "--date", "2025-12-31")
    assert code == 0, err
    assert "1 client segmenté en " in out and "clients segmentés" not in out


def test_suggested_command_is_copy_pastable(tmp_path, capsys, monkeypatch):
    write_french_csv(tmp_path / "mine.csv")
    (tmp_path / "mine.xlsx").write_bytes(b"pas un classeur de segmenter")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "run", "mine.csv")
    assert code == 1
    assert err.rstrip().endswith('par exemple : segmenter segmente mine.csv -o "mine segmenté.xlsx"')
    assert "\n" not in err.strip()  # never cut by a line break: the command copies whole


def test_csv_has_no_sheets(tmp_path, capsys):
    p = write_french_csv(tmp_path / "export.csv")
    code, out, err = cli(capsys, "run", str(p), "--feuille", "Clients")
    assert_clean_error(code, err, "« export.csv » est un fichier CSV : il ne contient qu'un seul tableau, "
                       "l'option --feuille ne s'applique qu'à un classeur Excel. Relancez sans --feuille.")
    assert not (tmp_path / "export.xlsx").exists()


def test_output_that_is_a_folder(tmp_path, capsys):
    p = write_french_csv(tmp_path / "export.csv")
    folder = tmp_path / "mes résultats"
    folder.mkdir()
    code, out, err = cli(capsys, "run", str(p), "-o", str(folder))
    assert_clean_error(code, err, f"« {folder} » est un dossier : l'option -o attend le nom du classeur à "
                       f'écrire, par exemple : segmenter segmente {p} -o "{folder}/export.xlsx"')
    assert err.rstrip().endswith('/export.xlsx"')  # no full stop glued to the command


@pytest.mark.parametrize("lock,app,end", [
    (".~lock.clients.xlsx#", "LibreOffice", "de LibreOffice."), ("~$clients.xlsx", "Excel", "d'Excel.")])
def test_lock_file_names_the_program(tmp_path, capsys, lock, app, end):
    p = rich_workbook(tmp_path / "clients.xlsx")
    (tmp_path / lock).write_bytes(b"x")
    code, out, err = cli(capsys, "run", str(p))
    assert_clean_error(code, err, f"Le classeur « clients.xlsx » est ouvert dans {app} (fichier de "
                       f"verrouillage « {lock} »).", f"reste d'une fermeture anormale {end}")


def test_run_with_date_says_the_date_is_kept_in_parametres(tmp_path, capsys):
    import pandas as pd

    p = tmp_path / "c.xlsx"
    pd.DataFrame({"Entreprise": ["A", "B"], "Date dernier achat": ["01/11/2025", "01/06/2025"],
                  "Nombre commandes": [2, 1], "CA total": [100, 50]}).to_excel(p, index=False)
    assert main(["run", str(p), "--date", "2025-12-31"]) == 0
    assert "enregistrée dans la feuille « Paramètres »" in " ".join(capsys.readouterr().out.split())
