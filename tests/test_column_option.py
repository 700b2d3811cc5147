"""No dead-end advice: ``--colonne`` names a column for run/audit/nettoyer, each message says what works for its input."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest

from segmenter_pme.cli import main
from support import fake_xlwings as fx
from segmenter_pme.excel import macros
from segmenter_pme.headers import header_list, map_columns

DATE = ["--date", "2025-12-31"]


def _csv(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clients_csv(path):
    # « Chiffre réalisé » is no header we know: the analysis cannot find the CA on its own
    lines = ["Code client;Entreprise;Date dernier achat;Nombre commandes;Chiffre réalisé"]
    lines += [f"C{i};Entreprise {i};{1 + i % 28:02d}/1{i % 2}/2025;{1 + i % 3};{100 * (i + 1)},00" for i in range(30)]
    return _csv(path, lines)


def _err(capsys) -> str:
    return " ".join(capsys.readouterr().err.split())


def test_a_csv_is_told_about_the_option_only_then_the_option_works(tmp_path, capsys):
    path = _clients_csv(tmp_path / "ventes.csv")
    assert main(["run", str(path), *DATE]) == 1
    err = _err(capsys)
    assert "colonne(s) « CA total » introuvable(s)" in err
    assert 'relancez la commande avec l\'option --colonne "CA total=VOTRE EN-TÊTE"' in err
    assert "Paramètres" not in err
    assert main(["run", str(path), *DATE, "--colonne", "CA total=Chiffre réalisé"]) == 0
    out = capsys.readouterr().out
    assert "enregistrée dans la feuille « Paramètres »" in out
    params = openpyxl.load_workbook(tmp_path / "ventes.xlsx", read_only=True)["Paramètres"]
    rows = [r for r in params.iter_rows(values_only=True) if r and r[0] == "colonne_ca_total"]
    assert rows and rows[0][2] == "Chiffre réalisé"


def _workbook(path, with_parametres: bool):
    frame = pd.DataFrame({"Code client": [f"C{i}" for i in range(30)], "Entreprise": [f"E{i}" for i in range(30)],
                          "Date dernier achat": [dt.datetime(2025, 1 + i % 12, 1) for i in range(30)],
                          "Nombre commandes": [1 + i % 3 for i in range(30)],
                          "Chiffre réalisé": [100.0 * (i + 1) for i in range(30)]})
    with pd.ExcelWriter(path) as xw:
        frame.to_excel(xw, sheet_name="Clients", index=False)
    if with_parametres:
        assert main(["run", str(path), *DATE, "--colonne", "CA total=Chiffre réalisé"]) == 0
        wb = openpyxl.load_workbook(path)
        ws = wb["Paramètres"]
        for row in ws.iter_rows():
            if row[0].value == "colonne_ca_total":
                row[2].value = None  # the user emptied the line: the column is not found again
        wb.save(path)
    return path


def test_a_workbook_without_parametres_gets_the_option_with_it_both(tmp_path, capsys):
    bare = _workbook(tmp_path / "bare.xlsx", with_parametres=False)
    assert main(["run", str(bare), *DATE]) == 1
    err = _err(capsys)
    assert "--colonne \"CA total=VOTRE EN-TÊTE\"" in err and "Paramètres" not in err
    full = _workbook(tmp_path / "full.xlsx", with_parametres=True)
    capsys.readouterr()
    assert main(["run", str(full), *DATE]) == 1
    err = _err(capsys)
    assert "--colonne \"CA total=VOTRE EN-TÊTE\"" in err
    assert "feuille « Paramètres », tableau « Correspondance des colonnes », ligne « CA total »" in err


def test_the_ribbon_names_the_parametres_line(tmp_path):
    path = _workbook(tmp_path / "bare.xlsx", with_parametres=False)
    book = fx.FakeBook("bare.xlsx")
    fx.fill(book.sheets.add("Clients"), [list(r) for r in openpyxl.load_workbook(path)["Clients"].iter_rows(
        values_only=True)])
    reading = macros.read_book(book)
    with pytest.raises(Exception) as caught:
        macros.analyse(reading)
    message = caught.value.message
    assert "ligne « CA total » (bouton « Paramètres » du ruban si la feuille n'existe pas encore)" in message
    assert "--colonne" not in message


def test_audit_and_nettoyer_take_the_option(tmp_path, capsys):
    path = _clients_csv(tmp_path / "ventes.csv")
    assert main(["audit", str(path), *DATE, "--colonne", "CA total=Chiffre réalisé", "-d", "0"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "« CA total »" not in out.split("Colonne absente")[1]  # Secteur and Code postal are absent indeed
    assert main(["nettoyer", str(path), *DATE, "--colonne", "CA total=Chiffre réalisé"]) == 0
    assert main(["audit", str(path), *DATE, "--colonne", "CA total=Chiffre"]) == 1
    err = _err(capsys)
    assert ('L\'option --colonne "CA total=Chiffre" désigne la colonne « Chiffre », absente des en-têtes du '
            "fichier « ventes.csv »") in err
    assert "« Chiffre réalisé »" in err


@pytest.mark.parametrize("header", ["Segment RFM", "Absente"])
def test_audit_and_nettoyer_check_the_option_exactly_as_run_does(tmp_path, capsys, header):
    """Against the columns read, not the header row: our own output columns (« Segment RFM », written by a
    previous run) are no column of the user's — the same refusal, the same message, whatever the verb."""
    path = tmp_path / "clients.xlsx"
    _workbook(path, with_parametres=False)
    assert main(["-q", "segmente", str(path), *DATE, "--colonne", "CA total=Chiffre réalisé"]) == 0
    capsys.readouterr()
    messages = {}
    for verb in ("segmente", "audite", "nettoie"):
        out = tmp_path / f"{verb}.xlsx"
        assert main(["-q", verb, str(path), *DATE, "-o", str(out), "--colonne", f"CA total={header}"]) == 1, verb
        messages[verb] = _err(capsys)
        assert not out.exists()
    assert len(set(messages.values())) == 1, messages
    assert messages["audite"] == (
        f'Erreur : L\'option --colonne "CA total={header}" désigne la colonne « {header} », absente des en-têtes de '
        "la feuille « Clients ». En-têtes présents : « Code client », « Entreprise », « Date dernier achat », "
        "« Nombre commandes », « Chiffre réalisé ». Corrigez l'en-tête après le signe =.")


def test_a_bad_option_is_a_french_usage_error(tmp_path, capsys):
    path = _clients_csv(tmp_path / "ventes.csv")
    assert main(["run", str(path), "--colonne", "Bidule=Chiffre réalisé"]) == 2
    err = _err(capsys)
    assert "Valeur incorrecte : champ « Bidule » inconnu" in err and "Invalid" not in err
    assert main(["run", str(path), "--colonne", "CA total"]) == 2
    assert "écrivez CHAMP=EN-TÊTE" in _err(capsys)


SHOPIFY = ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
           "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
           "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
           "Total Spent,Total Orders,Note,Tax Exempt,Tags")


def test_a_shopify_customers_export_is_sent_to_the_orders_export_and_no_header_is_cut(tmp_path, capsys):
    path = _csv(tmp_path / "customers_export.csv",
                [SHOPIFY, "7001,Ana,Lopez,ana@x.fr,yes,Ferronnerie,1 rue,,Lyon,,FR,69003,,,no,120.50,3,,no,"])
    assert main(["run", str(path)]) == 1
    err = _err(capsys)
    assert "C'est un export clients Shopify" in err and "orders_export.csv" in err
    listed = err.split("En-têtes trouvés : ")[1].split(". C'est")[0]
    shown = re.findall(r"« ([^»]+) »", listed)
    assert shown == SHOPIFY.split(",")[:len(shown)] and len(shown) == 12  # whole headers only
    assert listed.endswith("et 8 autres")


def test_header_list_cuts_between_headers():
    names = [f"En-tête numéro {i}" for i in range(40)]
    text = header_list(names, limit=60)
    assert text == "« En-tête numéro 0 », « En-tête numéro 1 » et 38 autres"
    assert header_list([]) == "aucun"


def test_woocommerce_customers_export_is_read():
    # WooCommerce › Analytics › Clients (client/analytics/report/customers/table.js)
    headers = ["Name", "Username", "Last active", "Date registered", "Email", "Orders", "Total spend", "AOV",
               "Country / Region", "City", "Region", "Postal code"]
    mapping = map_columns(headers, "clients")
    assert {k: mapping.get(k) for k in ("nom", "date_dernier_achat", "nb_commandes", "ca_total", "code_postal")} == {
        "nom": "Name", "date_dernier_achat": "Last active", "nb_commandes": "Orders", "ca_total": "Total spend",
        "code_postal": "Postal code"}


def test_a_woocommerce_export_with_french_long_dates_runs(tmp_path, capsys):
    lines = ["Name,Last active,Email,Orders,Total spend,Postal code"]
    lines += [f"Client {i},{1 + i % 28} nov. 2025,c{i}@x.fr,{1 + i % 4},{10 * (i + 1)}.50,690{i:02d}" for i in range(30)]
    path = _csv(tmp_path / "customers.csv", lines)
    assert main(["run", str(path), "--date", "2025-11-30"]) == 0
    out = capsys.readouterr().out
    assert "30 clients segmentés" in out
