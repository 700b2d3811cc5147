"""Findings of the new-user QA pass: each with a real file and the exact French message or values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme import layout
from segmenter_pme.errors import WorkbookError
from segmenter_pme.workbook import run
from wbfactory import rich_workbook, write_french_csv

DATE = dt.date(2025, 12, 31)


def _foreign(name: str) -> str:
    return (f"La feuille « {name} » existe déjà dans votre classeur et n'a pas été créée par segmenter : "
            f"renommez-la (par exemple « {name} (perso) ») puis relancez.")


# ------------------------------------------------------------- 1. our sheets are recognised by their title


@pytest.mark.parametrize("name", ["Synthèse", "Qualité", "Paramètres", "Plan d'actions"])
def test_a_users_sheet_named_like_ours_is_refused_before_writing(tmp_path, name):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(name)
    ws["A1"] = "Mes notes de réunion"
    ws["A2"] = "Clé"  # even a cell that looks like ours does not make it our sheet
    ws["B2"] = 42
    wb.save(path)
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == _foreign(name)
    assert path.read_bytes() == before
    assert not (tmp_path / "mine.sauvegarde.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx"]


def test_excel_ignores_case_in_sheet_names(tmp_path):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("SYNTHÈSE")["A1"] = "Synthèse de la segmentation clients"
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == _foreign("SYNTHÈSE")


def test_our_own_sheets_are_rebuilt_and_the_templates_count_as_ours(tmp_path):
    from segmenter_pme.workbook import build_template

    path = rich_workbook(tmp_path / "mine.xlsx")
    run(path, analysis_date=DATE)
    run(path, analysis_date=DATE)  # second run: the sheets are ours, found by their title
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames.count("Synthèse") == 1
    assert wb["Synthèse"]["B1"].value == "Synthèse de la segmentation clients"
    assert wb["Paramètres"]["A1"].value == "Paramètres de l'analyse"
    # the blank template's « Paramètres » and « Mode d'emploi » are ours
    tpl = build_template(tmp_path / "modele.xlsx")
    wb = openpyxl.load_workbook(tpl)
    for j, v in enumerate(["C1", "Martin", "Boulangerie Martin", "Commerce", dt.date(2020, 1, 1),
                           dt.date(2025, 12, 1), 12, 9000.0], start=1):
        wb["Clients"].cell(2, j, v)
    wb.save(tpl)
    for name in ("Paramètres", "Mode d'emploi"):
        assert layout.is_our_sheet(name, wb[name].iter_rows(values_only=True))
    assert len(run(tpl, analysis_date=DATE).result.output) == 1


def test_an_empty_sheet_named_like_ours_holds_nothing_to_lose(tmp_path):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Qualité")
    wb.save(path)
    run(path, analysis_date=DATE)
    assert openpyxl.load_workbook(path)["Qualité"]["B1"].value == "Qualité des données"


def test_titles_are_those_the_builders_write(tmp_path):
    from segmenter_pme.layout.model import Title

    path = rich_workbook(tmp_path / "mine.xlsx")
    result = run(path, analysis_date=DATE).result
    from support.history_fakes import history_result

    from segmenter_pme.layout import historique

    layouts = [*layout.build_report_layouts(result, history=history_result()), layout.build_mode_emploi()]
    titles = {lay.name: next(b.text for b in lay.blocks if isinstance(b, Title)) for lay in layouts}
    # « Historique » is no layout (its rows are streamed): its writer puts that title in A1
    titles[historique.SHEET] = historique.TITLE
    assert titles == layout.SHEET_TITLES


def test_a_users_parametres_is_not_read_as_settings_from_the_csv_path(tmp_path):
    csv = write_french_csv(tmp_path / "export.csv")
    out = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Paramètres"
    wb.active.append(["Clé", "Paramètre", "Valeur"])
    wb.active.append(["date_analyse", "Date", "pas une date"])
    wb.save(out)
    # not ours: a .xlsx of the same name is refused (its « Paramètres » never read)
    with pytest.raises(WorkbookError) as err:
        run(csv, analysis_date=DATE)
    assert "n'a pas été créé par segmenter" in err.value.message
    # with -o the user chose to replace it: its sheet is still not read as our settings
    report = run(csv, out, analysis_date=DATE)
    assert report.result.settings.date_analyse == DATE


def test_ribbon_macros_refuse_a_users_sheet_named_like_ours():
    from support import fake_xlwings as fx
    from segmenter_pme.excel import macros

    book = fx.FakeBook("clients.xlsx")
    fx.fill(book.sheets.add("Clients"), [
        ["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"],
        ["C1", "Martin", dt.datetime(2025, 11, 1), 3, 1200.0],
        ["C2", "Durand", dt.datetime(2024, 11, 1), 1, 200.0],
    ])
    fx.fill(book.sheets.add("Paramètres"), [["Tarifs 2025"], ["Heure", 55]])
    assert macros.segmenter(book) is None
    assert book.app.alerts[-1][0] == _foreign("Paramètres")
    assert book.sheets["Paramètres"].range((1, 1)).value == "Tarifs 2025"
    assert "Synthèse" not in [s.name for s in book.sheets]

    book = fx.FakeBook("notes.xlsx")
    fx.fill(book.sheets.add("Mode d'emploi"), [["Comment remplir le devis"]])
    assert macros.aide(book) is None
    assert book.app.alerts[-1][0] == _foreign("Mode d'emploi")


# ------------------------------------------------------------- 2. a trailing Total line of a CSV is no client

TOTAL_CSV = ("Nom;Entreprise;Date dernier achat;Nombre commandes;CA total\r\n"
             "A;Alpha;05/10/2025;2;100,00\r\n"
             "B;Beta;05/09/2025;3;200,00\r\n"
             "C;Gamma;05/01/2025;1;50,00\r\n"
             "Total général;;;6;350,00\r\n")


def test_csv_total_line_is_not_a_client_in_run_audit_and_nettoyer(tmp_path):
    from segmenter_pme.workbook.audit_files import audit_file, clean_file

    csv = write_french_csv(tmp_path / "clients.csv", TOTAL_CSV, encoding="utf-8")
    report = run(csv, analysis_date=DATE)
    assert len(report.result.output) == 3
    assert report.result.output["Segment RFM"].tolist() == ["Prometteurs", "À réactiver", "Perdus"]
    ws = openpyxl.load_workbook(report.output)["Clients"]
    assert [c.value for c in ws["A"]][1:] == ["A", "B", "C"]
    assert audit_file(csv, analysis_date=DATE)[0].n_clients == 3
    cleaned = openpyxl.load_workbook(clean_file(csv, tmp_path / "net.xlsx", analysis_date=DATE).output)["Clients"]
    assert [c.value for c in cleaned["A"]][1:] == ["A", "B", "C"]


def test_total_line_rule_is_shared_with_the_workbook_reader():
    import pandas as pd

    from segmenter_pme.workbook import set_aside

    frame = pd.DataFrame({"Code": ["C1", "C2", "12"], "Nom": ["A", "B", "TOTAL :"], "CA": ["1", "2", "3"]},
                         index=[5, 6, 8])
    kept, total = set_aside.split_total_row(frame)
    assert (kept.index.tolist(), total) == ([5, 6], 8)
    assert set_aside.split_total_row(frame.iloc[:2])[1] is None


# ------------------------------------------------------------- 4. a CSV's errors name the file and its line

def test_csv_error_names_the_file_and_its_real_line(tmp_path):
    from segmenter_pme.errors import InputDataError

    text = ("Export ventes du 31/12/2025\n\n"
            "Code client;Client;Date;Montant HT\n"
            "C1;Alpha;05/10/2025;100,00\n"
            "C2;Beta;05/09/2025;200,00\n"
            "C1;Alpha;05/11/2025;50,00\n"
            "C3;Gamma;05/01/2025;70,00\n"
            "C2;Beta;32/13/2025;10,00\n")
    csv = write_french_csv(tmp_path / "ventes.csv", text, encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        run(csv, analysis_date=DATE)
    assert err.value.message == (
        "Certaines valeurs ne peuvent pas être lues ; corrigez ces cellules puis relancez :\n"
        "- fichier ventes.csv, colonne « Date », ligne 8 : La date « 32/13/2025 » n'existe pas (jour ou mois "
        "impossible). Corrigez-la au format JJ/MM/AAAA."
    )
    assert not (tmp_path / "ventes.xlsx").exists()


def test_csv_missing_column_names_the_file(tmp_path):
    from segmenter_pme.errors import MissingColumnError

    csv = write_french_csv(tmp_path / "export.csv", "Nom;Entreprise;CA total\nA;Alpha;12\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as err:
        run(csv, analysis_date=DATE)
    assert err.value.message.startswith("Fichier export.csv : colonne(s) ")
    assert "Feuille" not in err.value.message and "« Clients »" not in err.value.message


def test_csv_warnings_in_qualite_point_to_the_workbook_cell(tmp_path):
    text = ("Liste des clients\n"
            "Code client;Entreprise;Date dernier achat;Nombre commandes;CA total;Code postal\n"
            "C1;Alpha;05/10/2025;2;100,00;75011\n"
            "C2;Beta;05/09/2025;3;200,00;ABCDE\n")
    csv = write_french_csv(tmp_path / "clients.csv", text, encoding="utf-8")
    report = run(csv, analysis_date=DATE)
    rows = [(i.sheet, i.row) for i in report.result.issues if i.value == "ABCDE"]
    assert rows == [("Clients", 3)]  # CSV line 4 is row 3 of the sheet « Clients » in the workbook
    assert report.result.output.index.tolist() == [2, 3]


# ------------------------------------------------------------- 5. run and audit agree on a CSV

def test_run_and_audit_agree_on_a_csv(tmp_path):
    from segmenter_pme.workbook.audit_files import audit_file

    csv = write_french_csv(tmp_path / "clients.csv", TOTAL_CSV, encoding="utf-8")
    report = run(csv, analysis_date=DATE)
    audited = audit_file(csv, analysis_date=DATE)[0].summary
    ws = openpyxl.load_workbook(report.output)["Qualité"]
    written = {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_col=2, max_col=4, values_only=True) if r[0]}
    for cat, score, text in audited[["Catégorie", "Score", "Constat"]].itertuples(index=False):
        assert written[cat] == (score, text)
    assert written["Dégâts Excel"] == (100, "Aucun dégât d'Excel détecté.")


# ------------------------------------------------------------- 3. a client list beside the invoices is used

def _list_and_invoices(path: Path, *, client_headers=("Code client", "Entreprise", "Code postal", "Secteur")) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(list(client_headers))
    for i in range(1, 5):
        ws.append([f"C{i}", f"Société {i}", "75011" if i % 2 else "69003", "Commerce" if i % 2 else "Industrie"])
    inv = wb.create_sheet("Factures")
    inv.append(["Code client", "Date", "N° facture", "Montant HT"])
    for i in range(12):
        inv.append([f"C{i % 4 + 1}", dt.date(2025, 1, 5) + dt.timedelta(days=20 * i), f"F{i:03d}", 100.0 + 10 * i])
    wb.save(path)
    return path


def test_client_list_without_purchase_columns_is_the_client_table_beside_invoices(tmp_path):
    path = _list_and_invoices(tmp_path / "base.xlsx")
    for _ in range(2):  # and again on the result: still no « Clients (calculés) »
        report = run(path, analysis_date=DATE)
        assert (report.clients_sheet, report.invoices_sheet, report.created_clients_sheet) == (
            "Clients", "Factures", False)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Clients", "Factures", "Synthèse", "Évolution", "Plan d'actions", "Fiches segments",
                             "Priorités de la semaine", "Qualité", "Paramètres", "Campagnes", "Mode d'emploi"]
    rows = list(wb["Clients"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("Code client", "Entreprise", "Code postal", "Secteur")
    seg, region = header.index("Segment Secteur"), header.index("Région")
    assert [(r[0], r[seg], r[region]) for r in rows[1:]] == [
        ("C1", "Commerce", "Île-de-France"), ("C2", "Industrie", "Auvergne-Rhône-Alpes"),
        ("C3", "Commerce", "Île-de-France"), ("C4", "Industrie", "Auvergne-Rhône-Alpes")]
    assert report.result.output.loc[5, "Segment RFM"] == "Nouveaux"


def test_a_list_that_does_not_name_the_clients_like_the_invoices_is_not_taken(tmp_path):
    path = _list_and_invoices(tmp_path / "base.xlsx", client_headers=("Nom", "Ville", "Code postal", "Secteur"))
    report = run(path, analysis_date=DATE)
    assert report.created_clients_sheet and report.clients_sheet == "Clients (calculés)"


# ------------------------------------------------------------- 6. a CSV rerun says which edits it does not keep

def test_csv_rerun_warns_about_edits_of_the_generated_client_sheet(tmp_path):
    import os

    folder = tmp_path / "Dossier clients"
    folder.mkdir()
    csv = write_french_csv(folder / "export.csv")
    assert run(csv, analysis_date=DATE).warnings == []
    assert run(csv, analysis_date=DATE).warnings == []  # nothing edited: nothing to say
    xlsx = folder / "export.xlsx"
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Clients"]
    ws.cell(1, 19, "Commercial")
    ws.cell(2, 19, "Sophie")
    ws["C3"] = "Garage"
    wb.save(xlsx)
    os.utime(csv, (xlsx.stat().st_mtime - 60,) * 2)
    report = run(csv, analysis_date=DATE)
    assert report.warnings == [
        "La feuille « Clients » de « export.xlsx » contenait des retouches qui ne viennent pas de « export.csv » "
        "(colonne ajoutée : « Commercial » ; 1 cellule modifiée) : le classeur est refait à partir du CSV, elles "
        "n'y sont plus. Elles restent dans la version précédente « export.sauvegarde.xlsx ». Pour les garder, "
        f"faites vos retouches dans le CSV, ou travaillez désormais dans le classeur : segmenter segmente \"{xlsx}\""
    ]
    backup = openpyxl.load_workbook(folder / "export.sauvegarde.xlsx")["Clients"]
    assert (backup["S1"].value, backup["C3"].value) == ("Commercial", "Garage")
    # a newer export: its values are the new truth, only the added column is said
    wb = openpyxl.load_workbook(xlsx)
    wb["Clients"].cell(1, 19, "Commercial")
    wb.save(xlsx)
    os.utime(csv, (xlsx.stat().st_mtime + 60,) * 2)
    assert "(colonne ajoutée : « Commercial ») :" in run(csv, analysis_date=DATE).warnings[0]


# ------------------------------------------------------------- 7. wording

def test_our_header_agrees_in_gender_with_the_users_column(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total", "Région",
               "Score R", "Taille", "Segment RFM (ancien)"])
    ws.append(["C1", "Alpha", dt.date(2025, 10, 5), 2, 100.0, "Sud", "A", "S", None])
    ws.append(["C2", "Beta", dt.date(2025, 3, 5), 5, 900.0, "Nord", "B", "M", None])
    path = tmp_path / "genre.xlsx"
    wb.save(path)
    run(path, analysis_date=DATE)
    run(path, analysis_date=DATE)  # found again, never duplicated
    header = [c.value for c in openpyxl.load_workbook(path)["Clients"][1]]
    assert header[9:] == ["Récence (jours)", "Score R (calculé)", "Score F", "Score M", "Code RFM", "Segment RFM",
                          "Segment PMG", "Segment Secteur", "Taille (calculée)", "Région (calculée)", "Potentiel",
                          "Segment RFM précédent"]


def test_older_feminine_suffix_is_still_ours():
    from segmenter_pme.workbook import reader

    assert reader.base_header("Score R (calculée)") == "Score R"
    assert reader.base_header("Région (calculée)") == "Région"
    assert reader.calc_header("Segment RFM") == "Segment RFM (calculé)"
    assert reader.calc_header("Récence (jours)") == "Récence (jours) (calculée)"


def test_headers_without_clients_say_aucun_client(tmp_path):
    from segmenter_pme.errors import InputDataError

    wb = openpyxl.Workbook()
    wb.active.title = "Clients"
    wb.active.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    path = tmp_path / "vide.xlsx"
    wb.save(path)
    with pytest.raises(InputDataError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == ("La feuille « Clients » a bien des en-têtes (ligne 1) mais aucun client en dessous. "
                                 "Collez vos données sous les en-têtes puis relancez.")


def test_a_log_by_client_code_beside_the_invoices_is_not_the_client_list(tmp_path):
    path = _list_and_invoices(tmp_path / "base.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Clients"].title = "Annuaire"  # a client list under another name is still found: one row per code
    log = wb.create_sheet("Relances")
    log.append(["Code client", "Entreprise", "Email", "Secteur"])
    for i in range(8):
        log.append([f"C{i % 2 + 1}", f"Société {i % 2 + 1}", "contact@exemple.fr", "Commerce"])
    wb.move_sheet("Relances", -2)
    wb.save(path)
    report = run(path, analysis_date=DATE)
    assert (report.clients_sheet, report.created_clients_sheet) == ("Annuaire", False)
    del wb["Annuaire"]
    wb.save(path)
    report = run(path, analysis_date=DATE)
    assert report.created_clients_sheet and report.clients_sheet == "Clients"
    assert openpyxl.load_workbook(path)["Relances"].max_column == 4  # nothing written into the log


def test_several_sheets_of_the_user_are_named_at_once(tmp_path):
    path = rich_workbook(tmp_path / "mine.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Synthèse")["A1"] = "Ma synthèse à moi, précieuse"
    wb.create_sheet("Qualité")["A1"] = "Contrôle qualité ISO 9001"
    wb.create_sheet("Paramètres").append(["TVA", 0.2])
    wb.save(path)
    with pytest.raises(WorkbookError) as err:
        run(path, analysis_date=DATE)
    assert err.value.message == (
        "Les feuilles « Synthèse », « Qualité » et « Paramètres » existent déjà dans votre classeur et n'ont pas "
        "été créées par segmenter : renommez-les (par exemple « Synthèse (perso) ») puis relancez.")
