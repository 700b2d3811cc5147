"""Audit checks and the AuditReport: inactivity, completeness, invalid values, Excel damage, summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme.audit import audit, value_checks
from segmenter_pme.audit.checks import PROBLEM_COLUMNS, as_text, completeness, inactive_clients, missing_needed
from segmenter_pme.audit.value_checks import excel_damage, invalid_values
from segmenter_pme.settings import Settings

TODAY = dt.date(2025, 6, 1)


def test_as_text_keeps_digits_of_numbers():
    values = pd.Series([1000.0, 35600000000048.0, "01000", None, 12, " a ", 1.5])
    assert as_text(values).tolist() == ["1000", "35600000000048", "01000", "", "12", "a", "1.5"]


def test_inactive_clients_and_share():
    clients = pd.DataFrame({
        "date_dernier_achat": pd.to_datetime(["2022-05-31", "2022-06-02", None, "2019-01-01"]),
        "ca_total": [100.0, 200.0, 300.0, 400.0],
    }, index=[2, 3, 4, 5])
    out = inactive_clients(clients, TODAY, 3)
    assert out.index.tolist() == [2, 5]
    assert out["ca_total"].tolist() == [100.0, 400.0]
    assert out["jours"].tolist() == [1097, 2343]


def test_completeness_table():
    clients = pd.DataFrame({"nom": ["A", " ", None], "ca_total": [1.0, None, 3.0]}, index=[2, 3, 4])
    table = completeness(clients, {"nom": "Client"})
    assert table.to_dict("list") == {"champ": ["nom", "ca_total"], "colonne": ["Client", "CA total"],
                                     "renseignes": [1, 2], "factures": [0, 0], "sans_objet": [0, 0],
                                     "total": [3, 3], "taux": [1 / 3, 2 / 3]}


def test_missing_needed_one_problem_per_client_and_absent_column():
    clients = pd.DataFrame({
        "date_dernier_achat": pd.to_datetime(["2025-01-01", None, "2025-01-01"]),
        "ca_total": [1.0, None, 2.0],
        "code_postal": ["75001", "75002", None],
        "code_naf": ["47.11F", None, None],  # the NAF code stands in for the sector
    }, index=[2, 3, 4])
    out = missing_needed(clients, sheet="Clients")
    assert list(out.columns) == PROBLEM_COLUMNS
    assert out["code"].tolist() == ["champ_manquant", "champ_manquant"]
    rows = out[out["code"] == "champ_manquant"].set_index("row")
    assert rows.loc[3, "message"] == "Manque pour segmenter : « Date dernier achat », « CA total », « Secteur »."
    assert rows.loc[3, "column"] == "Date dernier achat"
    assert rows.loc[4, "message"] == "Manque pour segmenter : « Secteur », « Code postal »."
    assert rows.loc[4, "column"] == "Code NAF"  # no « Secteur » column: the cell to fill is the NAF code
    assert 2 not in rows.index


def test_missing_needed_absent_column():
    clients = pd.DataFrame({"date_dernier_achat": pd.to_datetime(["2025-01-01"]), "ca_total": [1.0],
                            "code_postal": ["75001"]}, index=[2])
    out = missing_needed(clients)
    assert out["code"].tolist() == ["colonne_absente"]
    assert out["row"].tolist() == [None]
    assert "« Secteur »" in out["message"].iloc[0]


def test_invalid_values_each_code():
    clients = pd.DataFrame({
        "siren": ["732829320", "732829321", "12345"],
        "siret": ["73282932000074", "35600000049837", "3,56E+13"],  # La Poste's SIRET is valid
        "email": ["a@b.fr", "a@@b.fr", "jean.dupont@exemple"],
        "code_postal": ["75001", "99999", "1000"],  # lost zero: damage, not invalid
        "date_premier_achat": pd.to_datetime(["2020-01-01", "2024-01-01", "2020-01-01"]),
        "date_dernier_achat": pd.to_datetime(["2025-07-01", "2023-01-01", "2024-01-01"]),
        "ca_total": [10.0, -5.0, 0.0],
        "nb_commandes": [3, 2, 1],
    }, index=[2, 3, 4])
    orders = pd.Series([3, 4, None], index=[2, 3, 4])
    out = invalid_values(clients, TODAY, invoice_orders=orders, sheet="Clients")
    got = sorted(zip(out["code"], out["row"]))
    assert got == sorted([
        ("siren_invalide", 3), ("siren_invalide", 4), ("siret_invalide", 4),
        ("email_invalide", 3), ("email_invalide", 4), ("code_postal_invalide", 3),
        ("date_future", 2), ("dates_inversees", 3), ("ca_negatif", 3), ("commandes_incoherentes", 3),
    ])
    msg = out.set_index(["code", "row"])["message"]
    assert msg[("siret_invalide", 4)] == "SIRET affiché en notation scientifique : ses derniers chiffres sont perdus."
    assert msg[("siren_invalide", 3)] == "Ce SIREN n'existe pas : sa clé de contrôle (Luhn) est fausse."
    assert msg[("commandes_incoherentes", 3)] == "Les factures comptent 4 commandes."
    assert out.set_index(["code", "row"])["value"][("date_future", 2)] == "01/07/2025"


def test_excel_damage_is_found_and_repairable():
    raw = pd.DataFrame({
        "code_postal": [1000, "01000", "6000", 75001],
        "siret": [73282932000074.0, "73282932000074", None, 3.56e13],
        "date_dernier_achat": ["31/12/2024", pd.Timestamp("2024-12-31"), "pas une date", None],
    }, index=[2, 3, 4, 5], dtype=object)
    repairs, problems = excel_damage(raw, sheet="Clients")
    got = sorted(zip(repairs["code"], repairs["row"], repairs["apres"].astype(str)))
    assert got == sorted([
        ("code_postal_zero_perdu", 2, "01000"), ("code_postal_zero_perdu", 4, "06000"),
        ("siret_nombre", 2, "73282932000074"), ("siret_nombre", 5, "35600000000000"),
        ("date_texte", 2, "2024-12-31 00:00:00"),
    ])
    assert sorted(problems["code"]) == sorted(repairs["code"])
    assert problems["action"].str.startswith("Réparé par « Nettoyer »").all()


def test_audit_report_shape_and_summary():
    clients = pd.DataFrame({
        "raison_sociale": ["Ets. Dupont SARL", "DUPONT", "Garage du Lac"],
        "code_postal": ["75001", "75001", "74000"],
        "secteur": ["Commerce", "Commerce", None],
        "date_dernier_achat": pd.to_datetime(["2025-01-01", "2020-01-01", "2025-03-01"]),
        "ca_total": [100.0, 300.0, 600.0],
    }, index=[2, 3, 4])
    report = audit(clients, settings=Settings(date_analyse=TODAY), sheet="Clients")
    assert list(report.summary.columns) == ["Catégorie", "Score", "Constat"]
    assert report.summary["Catégorie"].tolist() == [
        "Score global", "Doublons", "Clients inactifs", "Complétude", "Valeurs invalides", "Dégâts Excel",
        "Remplissage : Secteur", "Remplissage : Entreprise", "Remplissage : Code postal",
        "Remplissage : Date dernier achat", "Remplissage : CA total"]
    fill = report.summary.set_index("Catégorie").loc["Remplissage : Secteur"]
    assert (fill["Score"], fill["Constat"]) == (67, "2 fiches renseignées sur 3.")
    assert list(report.problems.columns) == PROBLEM_COLUMNS + ["severity"]
    assert report.problems[["code", "row", "severity"]].values.tolist() == [
        ["doublon", 3, "avertissement"], ["client_inactif", 3, "info"], ["champ_manquant", 4, "avertissement"]]
    constat = report.summary.set_index("Catégorie")["Constat"]
    assert constat["Clients inactifs"] == ("1 client sans achat depuis plus de 3 ans (33,3\u00a0% de la base, "
                                           "30,0\u00a0% du CA) : « Nettoyer » le range dans « Archives ».")
    assert constat["Doublons"].startswith("1 fiche en double (33,3\u00a0% de la base) dans 1 groupe")
    assert report.summary.set_index("Catégorie")["Score"]["Doublons"] == 67
    dup = report.problems.iloc[0]
    assert dup["message"] == ("Doublon de la ligne 2 (« Ets. Dupont SARL ») — groupe D0001, confiance 97 % : "
                              "raison sociale identique une fois normalisée, même code postal.")
    assert dup["column"] == "Entreprise" and dup["sheet"] == "Clients"
    assert report.counts == {"doublon": 1, "client_inactif": 1, "champ_manquant": 1}
    assert "Audit de la base clients au 01/06/2025 : 3 clients." in report.text()


def test_audit_uses_user_headers_in_messages():
    clients = pd.DataFrame({"email": ["x@@y"], "date_dernier_achat": pd.to_datetime(["2025-01-01"]),
                            "ca_total": [1.0], "secteur": ["A"], "code_postal": ["75001"]}, index=[7])
    report = audit(clients, settings=Settings(date_analyse=TODAY), columns={"email": "Courriel"})
    row = report.problems.iloc[0]
    assert (row["code"], row["column"], row["row"], row["value"]) == ("email_invalide", "Courriel", 7, "x@@y")


def test_audit_of_a_clean_base_is_perfect():
    clients = pd.DataFrame({
        "raison_sociale": ["Alpha", "Bêta Industrie"], "code_postal": ["75001", "69001"],
        "secteur": ["Commerce", "Industrie"],
        "date_dernier_achat": pd.to_datetime(["2025-01-01", "2025-02-01"]), "ca_total": [1.0, 2.0],
    }, index=[2, 3])
    report = audit(clients, settings=Settings(date_analyse=TODAY))
    assert report.problems.empty
    assert report.score == 100


def test_problems_are_capped_per_code_but_counted():
    clients = pd.DataFrame({
        "email": ["a@@b", "c@@d", "e@@f", "ok@x.fr"], "secteur": ["A"] * 4, "code_postal": ["75001"] * 4,
        "date_dernier_achat": pd.to_datetime(["2019-01-01", "2019-01-01", "2025-01-01", "2025-01-01"]),
        "ca_total": [1.0] * 4,
    }, index=[2, 3, 4, 5])
    report = audit(clients, settings=Settings(date_analyse=TODAY), max_rows_per_code=1)
    assert report.counts == {"email_invalide": 3, "client_inactif": 2}
    assert report.problems[["code", "row"]].values.tolist() == [
        ["client_inactif", 2], ["client_inactif", None], ["email_invalide", 2], ["email_invalide", None]]
    assert report.problems["message"].tolist()[3] == "… et 2 autres lignes avec le même problème."


def test_tiny_and_empty_bases_do_not_fail():
    from segmenter_pme.audit import clean

    for clients in (pd.DataFrame(), pd.DataFrame({"raison_sociale": []}),
                    pd.DataFrame({"raison_sociale": ["A"]}, index=[2]),
                    pd.DataFrame({"raison_sociale": [None, None], "ca_total": [1.0, 2.0]}, index=[2, 3])):
        report = audit(clients, settings=Settings(date_analyse=TODAY))
        assert report.duplicates.empty and set(report.counts) == {"colonne_absente"}
        assert len(clean(clients, settings=Settings(date_analyse=TODAY)).clients) == len(clients)


def test_people_with_the_same_name_and_postal_code():
    clients = pd.DataFrame({"prenom": ["Jean", "Jean"], "nom": ["Martin", "MARTIN"],
                            "code_postal": ["75001", "75001"]}, index=[2, 3])
    report = audit(clients, settings=Settings(date_analyse=TODAY))
    assert report.duplicates["confiance"].tolist() == [92, 92]
    assert report.duplicates["raison"].iloc[0] == "Nom identique une fois normalisé, même code postal"


def test_unreadable_values_are_invalid_with_their_value_not_missing():
    """« 31/02/2025 » or « abc » in the analysis columns: the audit shows the cell and its value
    under « Valeurs invalides », and does not call the field missing."""
    from segmenter_pme.audit.prepare import prepare_clients

    frame = pd.DataFrame({
        "Entreprise": ["Alpha", "Beta", "Gamma"],
        "Dernier achat": ["12/03/2025", "31/02/2025", "01/01/2025"],
        "Nb commandes": [3, 2, "deux"],
        "CA total": ["1 200,50", "300", "abc"],
        "Code postal": ["75001", "13001", "69001"],
        "Secteur": ["Commerce", "Services", "Commerce"],
    }, index=[2, 3, 4])
    p = prepare_clients(frame, sheet="Clients")
    report = audit(p.clients, raw=p.raw, sheet="Clients", columns=p.columns, unreadable=p.issues,
                   analysis_date=dt.date(2025, 6, 1))
    got = {(r.code, r.column, r.row, r.value) for r in report.problems.itertuples()}
    assert {("date_impossible", "Dernier achat", 3, "31/02/2025"), ("montant_illisible", "CA total", 4, "abc"),
            ("nombre_illisible", "Nb commandes", 4, "deux")} <= got
    assert "champ_manquant" not in report.counts
    assert report.problems.set_index("code").loc["date_impossible", "action"].startswith("Corrigez la date")
    constat = report.summary.set_index("Catégorie").loc["Valeurs invalides", "Constat"]
    assert "dates impossibles : 1" in constat and "montants illisibles : 1" in constat
    # a cell that is really empty is still missing
    frame.loc[2, "CA total"] = None
    p = prepare_clients(frame, sheet="Clients")
    report = audit(p.clients, raw=p.raw, sheet="Clients", columns=p.columns, unreadable=p.issues,
                   analysis_date=dt.date(2025, 6, 1))
    assert report.counts.get("champ_manquant") == 1


def _invalid_row(frame: pd.DataFrame):
    from segmenter_pme.audit.prepare import prepare_clients

    p = prepare_clients(frame, sheet="Clients")
    report = audit(p.clients, raw=p.raw, sheet="Clients", columns=p.columns, unreadable=p.issues,
                   analysis_date=dt.date(2025, 6, 1))
    return report, report.summary.set_index("Catégorie").loc["Valeurs invalides"]


def test_values_to_check_are_said_but_do_not_lower_the_score():
    """A two-digit year read in the 1900s (« 15/03/95 ») is read: worth a look, not a wrong value."""
    frame = pd.DataFrame({
        "Entreprise": ["Alpha", "Beta", "Gamma", "Delta"],
        "Dernier achat": ["12/03/95", "01/02/97", "01/01/2025", "31/02/2025"],
        "Nb commandes": [3, 2, 1, 1], "CA total": [100, 200, 300, 400],
        "Code postal": ["75001", "13001", "69001", "69002"], "Secteur": ["Commerce"] * 4,
    }, index=[2, 3, 4, 5])
    report, row = _invalid_row(frame)
    # one wrong value out of four: 75; the two years to check count for nothing in it
    assert row["Score"] == 75
    assert row["Constat"] == ("1 ligne avec une valeur invalide (dates impossibles : 1). À vérifier, sans effet sur "
                              "le score : 2 lignes (dates à l'année sur deux chiffres : 2).")
    assert report.counts["date_annee_deux_chiffres"] == 2  # still listed in « Qualité »


def test_rows_past_the_named_ones_are_counted():
    # 250 unreadable amounts: the reading names 200 rows and counts 50 more in one remark without a row
    n = 250
    frame = pd.DataFrame({
        "Entreprise": [f"Société {i}" for i in range(n)], "Dernier achat": ["01/01/2025"] * n,
        "Nb commandes": [1] * n, "CA total": ["abc"] * (n - 10) + ["100"] * 10,
        "Code postal": ["75001"] * n, "Secteur": ["Commerce"] * n,
    }, index=range(2, n + 2))
    report, row = _invalid_row(frame)
    assert row["Constat"] == "240 lignes avec une valeur invalide (montants illisibles : 240)."
    assert row["Score"] == 4  # 100 × (1 − 240/250)
    assert report.counts["montant_illisible"] == 240  # the console's « N problèmes signalés » counts them all
    # the 40 past the 200 named hold a value: not missing as well (counted twice before)
    assert "champ_manquant" not in report.counts


def test_unread_values_of_a_csv_past_the_named_ones_are_not_missing(tmp_path):
    from segmenter_pme.workbook.audit_files import audit_file

    n = 260
    lines = ["Code client;Entreprise;Date dernier achat;Nombre commandes;CA total;Code postal;Secteur"]
    for i in range(n):
        date = "99/99/2024" if i < 230 else "15/03/2025"
        ca = "douze" if i < 250 else "100"
        lines.append(f"C{i};Société {i};{date};2;{ca};75001;Commerce")
    path = tmp_path / "clients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, _ = audit_file(path, analysis_date=dt.date(2026, 6, 30))
    assert report.counts.get("montant_illisible") == 250
    assert sum(v for k, v in report.counts.items() if k.startswith("date_")) == 230
    assert "champ_manquant" not in report.counts


_CELLS = st.sampled_from([0, 1, -2, 3.5, float("nan"), True, False, np.int64(7), np.float64("nan"), np.float32(2.0),
                          np.bool_(True), "", "  ", " 01/02/2024 ", "abc", None, pd.NA, pd.NaT, dt.date(2024, 1, 2),
                          dt.datetime(2024, 1, 2, 3, 4), Decimal("1.5")])


@settings(max_examples=200, deadline=None)
@given(st.lists(_CELLS, max_size=20))
def test_numbers_and_texts_are_the_rules_value_by_value(values):
    col = pd.Series(values, dtype=object, index=range(5, 5 + len(values)))
    numbers = [isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and v == v
               for v in values]
    texts = [isinstance(v, str) and v.strip() != "" for v in values]
    assert value_checks.number_cells(col).tolist() == numbers
    assert value_checks.text_cells(col).tolist() == texts
    assert value_checks.number_cells(col).index.equals(col.index)


def test_checks_reading_the_same_raw_text_find_the_same():
    raw = pd.DataFrame({
        "code_postal": [1000, "75001", "750", " 13 001 "], "siret": [73282932000074.0, "732 829 320 00074", "12", None],
        "email": ["a@b.fr", "pas un mail", None, "c@d.fr"],
        "date_premier_achat": ["01/02/2024", dt.date(2024, 1, 2), "  ", None],
    }, index=[2, 3, 4, 5])
    clients = pd.DataFrame({"date_premier_achat": pd.to_datetime(["2024-02-01", "2024-01-02", None, None])},
                           index=raw.index)
    shared = value_checks.RawText(raw)
    alone = invalid_values(clients, TODAY, raw=raw, sheet="Clients")
    pd.testing.assert_frame_equal(invalid_values(clients, TODAY, raw=raw, sheet="Clients", text=shared), alone)
    repairs, problems = excel_damage(raw, sheet="Clients")
    shared_repairs, shared_problems = excel_damage(raw, sheet="Clients", text=shared)
    pd.testing.assert_frame_equal(shared_repairs, repairs)
    pd.testing.assert_frame_equal(shared_problems, problems)
    assert set(shared) == {"code_postal", "siret", "email"}  # each column's text made once, for both checks
    assert sorted(alone["code"]) == ["code_postal_invalide", "email_invalide", "siret_invalide"]
    assert repairs["code"].tolist() == ["code_postal_zero_perdu", "siret_nombre", "date_texte"]
