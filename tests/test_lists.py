"""E-mailing and CRM lists (SPEC §9): what goes in which file, each tool's columns, round trips, safe names."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segmenter_pme import Settings, segment
from segmenter_pme.cli import main
from segmenter_pme.lists import FORMATS, POTENTIEL, build_lists, contacts, crm_tags, safe_file_name
from segmenter_pme.workbook.lists_files import INDEX_NAME, write_bundle

D0 = dt.date(2025, 12, 31)


def _base() -> pd.DataFrame:
    # by hand (see test_pipeline): C1 Champions/Gros, C2 Champions/Moyens, C3 Fidèles/Moyens,
    # C4 À risque/Petits à potentiel (GE), C5 Perdus/Petits, C6 Prospect
    return pd.DataFrame(
        {
            "Code client": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "Entreprise": ["Alpha", "Bêta Électricité", "Gamma", "Delta", "Epsilon", "Zêta"],
            "Contact": ["Anne Le Gall", "Éric Dupré", "Zoé", None, "Jean Martin", "Léa Petit"],
            "Email": ["anne@alpha.fr", "eric@beta.fr", "pas-une-adresse", "delta@delta.fr", None, "lea@zeta.fr"],
            "Téléphone": ["06 12 34 56 78", "0262 12 34 56", "01 45 67 89 10", None, "04 91 00 00 01", ""],
            "Commercial": ["Anne", "Bruno", "Anne", "Bruno", None, "Anne"],
            "Secteur": ["Commerce", "Commerce", "Industrie", "Industrie", "BTP", "Commerce"],
            "Date dernier achat": ["31/12/2025", "01/12/2025", "01/10/2025", "01/06/2025", "01/01/2024", None],
            "Nombre commandes": [12, 6, 3, 2, 1, 0],
            "CA total": ["12 000,00 €", "6\u00a0000", "2 500", "800", "100", ""],
            "Code postal": ["75001", "97400", "20100", "97133", "13001", "33000"],
            "Effectif": [5, 50, 300, 6000, None, 2],
        },
        index=range(2, 8),
    )


@pytest.fixture(scope="module")
def result():
    return segment(_base(), settings=Settings(date_analyse=D0))


def _by_segment(bundle):
    return {(x.family, x.segment): x for x in bundle.lists}


def test_contacts_split_names_validate_emails_and_phones(result):
    c = contacts(result)
    assert c.loc[2, ["prenom", "nom"]].tolist() == ["Anne", "Le Gall"]
    assert c.loc[4, ["prenom", "nom"]].tolist() == ["", "Zoé"]  # one word: a name, not a first name
    assert c["email"].tolist() == ["anne@alpha.fr", "eric@beta.fr", "", "delta@delta.fr", "", "lea@zeta.fr"]
    # 0262 with a Réunion postal code is a Réunion number (audit rule, phones.py)
    assert c["telephone_e164"].tolist() == ["+33612345678", "+262262123456", "+33145678910", "", "+33491000001", ""]
    assert c["commercial"].tolist() == ["Anne", "Bruno", "Anne", "Bruno", "", "Anne"]
    assert c.loc[2, "tags"] == "RFM: Champions, PMG: Gros, Secteur: Commerce, Région: Île-de-France"
    assert c.loc[5, "tags"] == ("RFM: À risque, PMG: Petits, Secteur: Industrie, Région: Hors France, "
                                "Potentiel: Petits à potentiel")


def test_one_list_per_segment_without_contacts_lacking_an_email(result):
    bundle = build_lists(result, "csv")
    lists = _by_segment(bundle)
    assert [(x.family, x.segment) for x in bundle.lists] == [
        ("Segment RFM", "Champions"), ("Segment RFM", "Fidèles"), ("Segment RFM", "À risque"),
        ("Segment RFM", "Perdus"), ("Segment RFM", "Prospect"),
        ("Segment PMG", "Gros"), ("Segment PMG", "Moyens"), ("Segment PMG", "Petits"),
        ("Segment PMG", "Petits à potentiel")]
    champions = lists[("Segment RFM", "Champions")].frame
    assert champions["Code client"].tolist() == ["C1", "C2"]  # largest CA first
    assert lists[("Segment RFM", "Fidèles")].frame.empty and lists[("Segment RFM", "Fidèles")].left_out == 1
    assert lists[("Segment RFM", "Perdus")].left_out == 1
    assert lists[("Segment PMG", "Moyens")].frame["Code client"].tolist() == ["C2"]
    assert lists[("Segment PMG", "Moyens")].left_out == 1
    assert lists[("Segment PMG", "Petits à potentiel")].frame["Code client"].tolist() == ["C4"]
    # C3 (malformed address) and C5 (none) are in the phone list, with what the file held
    phone = bundle.no_email.frame
    assert phone["Code client"].tolist() == ["C3", "C5"]
    assert phone["Email (inutilisable)"].tolist() == ["pas-une-adresse", ""]
    assert phone["Téléphone"].tolist() == ["01 45 67 89 10", "04 91 00 00 01"]
    assert len(bundle.tags.frame) == 6
    index = bundle.index()
    assert index.loc[index["Liste"] == "Fidèles", ["Contacts", "Sans e-mail (écartés)"]].values.tolist() == [[0, 1]]


def test_plain_csv_cells_are_french(result):
    row = build_lists(result, "csv").lists[0].frame.iloc[0]
    assert row["CA total"] == "12000,00"
    assert row["Dernier achat"] == "31/12/2025"
    assert row["Téléphone"] == "06 12 34 56 78"
    assert row["Région"] == "Île-de-France"


@pytest.mark.parametrize("key", list(FORMATS))
def test_each_format_round_trips_with_the_columns_its_documentation_requires(result, tmp_path, key):
    bundle = build_lists(result, key)
    fmt = bundle.format
    index = write_bundle(bundle, tmp_path)
    assert (tmp_path / INDEX_NAME).exists()
    for item in bundle.lists:
        with open(tmp_path / item.file_name, encoding=fmt.encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=fmt.delimiter))
        assert rows[0] == fmt.headers()
        assert set(fmt.required) <= set(rows[0])
        assert rows[1:] == item.frame.values.tolist()  # no contact, no accent lost
    with open(tmp_path / bundle.lists[0].file_name, encoding=fmt.encoding, newline="") as fh:
        text = fh.read()
    assert "Bêta Électricité" in text
    assert index["Fichier"].tolist() == [x.file_name for x in bundle.files()]


def test_documented_headers_of_each_tool():
    # the import pages followed (docs/listes.md): the headers each tool maps by itself
    assert FORMATS["brevo"].headers()[0] == "EMAIL" and "LANDLINE_NUMBER" in FORMATS["brevo"].headers()
    assert all(" " not in h for h in FORMATS["brevo"].headers())  # Brevo: attribute names without spaces
    assert FORMATS["brevo"].delimiter == ";" and FORMATS["brevo"].encoding == "utf-8"
    assert FORMATS["mailchimp"].headers()[:3] == ["Email Address", "First Name", "Last Name"]
    assert "Tags" in FORMATS["mailchimp"].headers() and FORMATS["mailchimp"].delimiter == ","
    assert {"First Name", "Last Name", "Email"} <= set(FORMATS["hubspot"].headers())
    assert FORMATS["csv"].encoding == "utf-8-sig" and FORMATS["csv"].delimiter == ";"


def test_tools_get_phones_in_e164_and_mailchimp_tags_split_by_commas(result):
    brevo = _by_segment(build_lists(result, "brevo"))[("Segment RFM", "Champions")].frame
    assert brevo["LANDLINE_NUMBER"].tolist() == ["+33612345678", "+262262123456"]
    mc = _by_segment(build_lists(result, "mailchimp"))[("Segment RFM", "Champions")].frame
    assert mc["Tags"].iloc[0] == "RFM: Champions,PMG: Gros,Secteur: Commerce,Région: Île-de-France"


@pytest.mark.parametrize("name,expected", [
    ("RFM - Champions", "RFM - Champions.csv"),
    ("RFM - À réactiver", "RFM - À réactiver.csv"),
    ('PMG - A/B: "x"?*', "PMG - A-B- -x---.csv"),
    ("CON", "_CON.csv"),
    ("nul.txt", "_nul.txt.csv"),
    ("fin. ", "fin.csv"),
    ("", "liste.csv"),
])
def test_file_names_are_safe_on_windows(name, expected):
    assert safe_file_name(name) == expected


def test_two_segments_whose_names_differ_by_a_forbidden_character_get_two_files():
    df = _base()
    settings = Settings(date_analyse=D0)
    rules = list(settings.regles_segments)
    assert [r.name for r in rules][0:5:4] == ["Champions", "Fidèles"]
    rules[0] = type(rules[0])("A/B", rules[0].r, rules[0].f, rules[0].m)
    rules[4] = type(rules[4])("A:B", rules[4].r, rules[4].f, rules[4].m)
    result = segment(df, settings=settings.replace(regles_segments=tuple(rules)))
    names = [x.file_name for x in build_lists(result).lists if x.family == "Segment RFM"]
    assert names[:2] == ["RFM - A-B.csv", "RFM - A-B_.csv"]


def test_cli_writes_the_lists_and_says_what(tmp_path, capsys):
    src = tmp_path / "clients.csv"
    _base().to_csv(src, sep=";", index=False, encoding="utf-8")
    assert main(["listes", str(src), "-o", str(tmp_path / "out"), "--format", "HubSpot"]) == 0
    printed = capsys.readouterr().out
    assert "RFM - Champions.csv" in printed and "Sans e-mail" in printed
    with open(tmp_path / "out" / INDEX_NAME, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["Fichier", "Liste", "Famille", "Contacts", "Sans e-mail (écartés)"]
    assert ["RFM - Champions.csv", "Champions", "Segment RFM", "2", "0"] in rows


def test_cli_unknown_format_is_a_french_error(tmp_path, capsys):
    src = tmp_path / "clients.csv"
    _base().to_csv(src, sep=";", index=False, encoding="utf-8")
    assert main(["listes", str(src), "--format", "outlook"]) == 1
    err = capsys.readouterr().err
    assert "Format de liste inconnu" in err and "brevo" in err
    assert not (tmp_path / "clients - listes").exists()


def test_cli_reads_a_workbook_as_segmente_does_a_users_parametres_is_not_our_settings(tmp_path, capsys):
    # the one reading flow (workbook/book_tables): our sheets checked before « Paramètres » is read as settings
    src = tmp_path / "clients.xlsx"
    with pd.ExcelWriter(src) as writer:
        _base().to_excel(writer, sheet_name="Clients", index=False)
        pd.DataFrame({"Taux": ["TVA"], "Valeur": [0.2]}).to_excel(writer, sheet_name="Paramètres", index=False)
    assert main(["listes", str(src), "-o", str(tmp_path / "out")]) == 1
    assert "La feuille « Paramètres » existe déjà dans votre classeur et n'a pas été créée par segmenter" \
        in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("header", ["Commercial", "Vendeur", "Chargé de compte", "Responsable du compte",
                                    "Contact owner", "Propriétaire du contact"])
def test_salesperson_headers_are_recognised(header):
    from segmenter_pme.headers import map_columns

    assert map_columns(["Code client", "Entreprise", header], "clients")["commercial"] == header


def test_clients_a_surveiller_come_from_the_history(tmp_path):
    from segmenter_pme import history
    from segmenter_pme.demo import generate_demo

    demo = generate_demo(600, duplicates=False)
    settings = Settings(date_analyse=demo.reference_date)
    result = segment(clients=demo.clients, invoices=demo.invoices, settings=settings)
    watch = history(clients=demo.clients, invoices=demo.invoices, settings=settings, result=result).watch
    assert len(watch)
    item = next(x for x in build_lists(result, "brevo", watch=watch).lists if x.segment == "Clients à surveiller")
    emails = contacts(result)["email"]
    expected = [emails[r] for r in watch["row"] if emails[r]]  # same order: CA descending
    assert item.frame["EMAIL"].tolist() == expected
    assert item.left_out == sum(1 for r in watch["row"] if not emails[r])
    assert item.file_name == "Clients à surveiller.csv"
    # without invoice lines there is no past to compare with: no such list
    assert not any(x.segment == "Clients à surveiller" for x in build_lists(result, "csv").lists)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "Champions", "Perdus"]), st.sampled_from(["", "Gros", "Petits"]),
                          st.sampled_from(["", "Industrie"]), st.sampled_from(["", "Bretagne", "Corse"]),
                          st.booleans()), max_size=40))
def test_crm_tags_are_written_per_combination_as_row_by_row(rows):
    frame = pd.DataFrame(rows, columns=["segment_rfm", "segment_pmg", "secteur", "region", "potentiel"],
                         index=pd.RangeIndex(7, 7 + len(rows))).astype(
        {"segment_rfm": object, "segment_pmg": object, "secteur": object, "region": object, "potentiel": bool})
    expected = [", ".join(t for t in (f"RFM: {r}" if r else "", f"PMG: {p}" if p else "",
                                      f"Secteur: {s}" if s else "", f"Région: {g}" if g else "",
                                      f"Potentiel: {POTENTIEL}" if pot else "") if t)
                for r, p, s, g, pot in rows]
    tags = crm_tags(frame)
    assert tags.tolist() == expected and tags.index.equals(frame.index)
