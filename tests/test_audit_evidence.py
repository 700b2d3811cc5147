"""Duplicates: evidence against a match counts (issue 17) — namesakes, companies of one group, moved clients."""

from __future__ import annotations

import pandas as pd

from segmenter_pme.audit.clean import clean
from segmenter_pme.audit.duplicates import GROUP_CAP, find_duplicate_pairs
from segmenter_pme.audit.report import AUDIT_GROUP_THRESHOLD
from segmenter_pme.settings import Settings

MERGE = Settings().seuil_doublons
COLUMNS = ["raison_sociale", "code_postal", "ville", "adresse", "siren", "email", "telephone"]


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(COLUMNS, r)) for r in rows], index=range(2, 2 + len(rows)))


def pair(df: pd.DataFrame) -> dict:
    pairs = find_duplicate_pairs(df, min_confidence=0)
    assert len(pairs) == 1, pairs
    return pairs.iloc[0].to_dict()


def test_namesakes_in_one_town_are_not_merged_and_the_reason_says_why():
    df = frame(
        ("Boulangerie Fournier SAS", "33000", "Bordeaux", "12 rue Pasteur", None,
         "contact@fournier-pains.fr", "05 56 11 22 33"),
        ("BOULANGERIE FOURNIER SAS", "33000", "Bordeaux", "4 cours de l'Intendance", None,
         "bonjour@boulangerie-fournier.fr", "05 56 99 88 77"),
    )
    p = pair(df)
    # identical name (100) + same postal code (+2, capped 97), then three fields against: −8 −10 −8
    assert p["confiance"] == 97 - 8 - 10 - 8
    assert p["confiance"] < AUDIT_GROUP_THRESHOLD
    assert "mais téléphone différent, e-mail d'un autre domaine, adresse différente" in p["raison"]


def test_namesakes_with_different_siren_are_never_merged():
    df = frame(
        ("Boulangerie Fournier SAS", "33000", "Bordeaux", None, "732829320", None, None),
        ("BOULANGERIE FOURNIER SAS", "33000", "Bordeaux", None, "552100554", None, None),
    )
    p = pair(df)
    assert p["confiance"] < MERGE
    assert "SIREN différent" in p["raison"]


def test_one_difference_makes_a_pair_to_check_not_to_merge():
    df = frame(
        ("Garage Martin", "69003", "Lyon", None, None, None, "04 78 11 22 33"),
        ("Garage Martin", "69003", "Lyon", None, None, None, "04 78 55 66 77"),
    )
    p = pair(df)
    assert p["confiance"] == 97 - 8
    assert AUDIT_GROUP_THRESHOLD <= p["confiance"] < MERGE
    assert p["raison"].endswith("mais téléphone différent")


def test_companies_of_one_group_share_switchboard_street_and_domain_but_are_not_merged():
    df = frame(
        ("Transports Roux Nord", "59000", "Lille", "3 rue Nationale", None, "a.roux@transports-roux.fr",
         "03 20 12 34 56"),
        ("Transports Roux Sud", "59000", "Lille", "3, r. Nationale", None, "b.petit@transports-roux.fr",
         "03 20 12 34 56"),
    )
    p = pair(df)
    assert p["confiance"] <= GROUP_CAP < MERGE
    assert "noms distincts (sociétés d'un même groupe ?)" in p["raison"]
    assert "même téléphone" in p["raison"].lower() and "même adresse" in p["raison"]


def test_group_companies_with_their_own_siren_are_far_apart():
    df = frame(
        ("Transports Roux Nord", "59000", "Lille", "3 rue Nationale", "732829320", None, "03 20 12 34 56"),
        ("Transports Roux Sud", "59000", "Lille", "3 rue Nationale", "552100554", None, "03 20 12 34 56"),
    )
    p = pair(df)
    assert p["confiance"] < AUDIT_GROUP_THRESHOLD
    assert "SIREN différent" in p["raison"]


def test_a_typo_sharing_a_phone_is_still_a_duplicate_not_a_group():
    df = frame(
        ("Laboratoire Collet SARL", "67580", None, None, None, None, "01 46 14 21 97"),
        ("Laboratoire oCllet SARL", "67580", None, None, None, None, "01-46-14-21-97"),
    )
    p = pair(df)
    assert p["confiance"] >= MERGE
    assert "groupe" not in p["raison"]


def test_a_client_that_moved_is_found_by_its_siren():
    df = frame(
        ("Menuiserie Dubois", "35000", "Rennes", "8 rue des Écoles", "732829320", None, "02 99 11 22 33"),
        ("MENUISERIE DUBOIS", "44000", "Nantes", "21 quai de la Loire", "732829320", None, "02 40 55 66 77"),
    )
    p = pair(df)
    assert p["confiance"] >= MERGE
    assert p["raison"].startswith("Même SIREN")
    # the registered company decides: the new phone and street are not held against it
    assert "mais" not in p["raison"]


def test_the_managers_personal_email_does_not_count_against():
    df = frame(
        ("Plomberie Lambert", "31000", "Toulouse", "5 avenue Jean Jaurès", "732829320",
         "contact@plomberie-lambert.fr", "05 61 11 22 33"),
        ("Plomberie Lambert", "31000", "Toulouse", "5 av. Jean Jaurès", None, "julien.lambert31@gmail.com", None),
    )
    p = pair(df)
    assert p["confiance"] >= MERGE
    assert p["raison"] == "Raison sociale identique une fois normalisée, même adresse"


def test_name_town_and_street_alone_are_enough():
    df = frame(
        ("Imprimerie Vidal", "34000", "Montpellier", "17 bd Gambetta", None, None, None),
        ("Imprimerie Vidal SARL", "34000", "Montpellier", "17 boulevard Gambetta", None, None, None),
    )
    p = pair(df)
    assert p["confiance"] >= MERGE
    assert "même adresse" in p["raison"]


def test_an_international_phone_format_is_the_same_phone():
    df = frame(
        ("Cave Renard", "69003", "Lyon", None, None, None, "+33 4 78 12 34 56"),
        ("CAVE RENARD", "69003", "Lyon", None, None, None, "04.78.12.34.56"),
    )
    p = pair(df)
    assert p["confiance"] >= MERGE
    assert "téléphone différent" not in p["raison"]
    assert "Même téléphone" in p["raison"]


def test_nettoyer_merges_the_duplicate_and_keeps_namesakes_and_sisters_apart():
    df = frame(
        ("Boulangerie Fournier SAS", "33000", "Bordeaux", "12 rue Pasteur", None, None, "05 56 11 22 33"),
        ("BOULANGERIE FOURNIER SAS", "33000", "Bordeaux", "4 cours de l'Intendance", None, None, "05 56 99 88 77"),
        ("Transports Roux Nord", "59000", "Lille", "3 rue Nationale", None, None, "03 20 12 34 56"),
        ("Transports Roux Sud", "59000", "Lille", "3 rue Nationale", None, None, "03 20 12 34 56"),
        ("Cave Renard", "69003", "Lyon", None, None, None, "+33 4 78 12 34 56"),
        ("CAVE RENARD", "69003", "Lyon", None, None, None, "04.78.12.34.56"),
    )
    df["ca_total"] = [100.0, 200.0, 300.0, 400.0, 500.0, 600.0]
    result = clean(df)
    assert sorted(result.clients["raison_sociale"]) == sorted(
        ["Boulangerie Fournier SAS", "BOULANGERIE FOURNIER SAS", "Transports Roux Nord", "Transports Roux Sud",
         "Cave Renard"])
    assert result.clients["ca_total"].sum() == 2100.0


def test_qualite_calls_a_pair_under_the_merge_threshold_a_question():
    from segmenter_pme.audit import audit

    df = frame(
        ("Garage Martin", "69003", "Lyon", None, None, None, "04 78 11 22 33"),
        ("Garage Martin", "69003", "Lyon", None, None, None, "04 78 55 66 77"),
    )
    report = audit(df)
    dup = report.problems[report.problems["code"] == "doublon_possible"]
    assert dup["message"].tolist() == [
        "Doublon possible, à vérifier, de la ligne 2 (« Garage Martin ») — groupe D0001, confiance 89 % : "
        "raison sociale identique une fois normalisée, même code postal, mais téléphone différent."]


def test_names_that_are_only_numbers_once_generic_words_go_are_not_typos():
    # « Société 0001057 » / « Société 0001058 » (exports that name clients by their code): other clients
    df = pd.DataFrame({"raison_sociale": [f"Société {i:07d}" for i in range(1, 40)]}, index=range(2, 41))
    assert find_duplicate_pairs(df).empty


def test_another_house_number_is_another_address_and_a_missing_one_says_nothing():
    two_doors = frame(("Boulangerie Martin", "75005", None, "12 rue Pasteur", None, None, None),
                      ("Boulangerie Marton", "75005", None, "14 rue Pasteur", None, None, None))
    assert "même adresse" not in pair(two_doors)["raison"]
    no_number = frame(("Dupont SA", "75005", None, "12 rue Pasteur", None, None, None),
                      ("Dupont SA", "75005", None, "Rue Pasteur", None, None, None))
    p = pair(no_number)
    assert "adresse différente" not in p["raison"] and p["confiance"] == 97


def test_same_name_and_street_never_reach_an_exact_keys_confidence():
    df = frame(("Dupont SA", "75005", None, "12 rue Pasteur", None, None, None),
               ("Dupont SA", "75005", None, "12 rue Pasteur", None, None, None))
    assert pair(df)["confiance"] == 97


def test_a_placeholder_phone_or_an_extension_is_not_another_phone():
    df = frame(("Garage Martin", "69003", None, None, None, None, "00 00 00 00 00"),
               ("Garage Martin", "69003", None, None, None, None, "04 78 11 22 33"))
    assert "téléphone différent" not in pair(df)["raison"]
    df = frame(("Garage Martin", "69003", None, None, None, None, "04 78 11 22 33 poste 12"),
               ("Garage Martin", "69003", None, None, None, None, "04 78 11 22 33"))
    assert "téléphone différent" not in pair(df)["raison"]
