"""Header matching (SPEC §1): aliases, real exports, user override, header row detection."""

from __future__ import annotations

import pytest

from segmenter_pme import SettingsError
from segmenter_pme.headers import find_header_row, map_columns, normalize_header


def test_normalize_header():
    assert normalize_header("  Date  dernier-achat (JJ/MM) ") == "date dernier achat jj mm"
    assert normalize_header("N° Téléphone") == "n telephone"
    assert normalize_header(None) == ""


@pytest.mark.parametrize(
    "header,field",
    [
        ("Date dernier achat", "date_dernier_achat"),
        ("DATE DERNIER ACHAT", "date_dernier_achat"),
        ("date_dernier_achat", "date_dernier_achat"),
        ("  Date   dernier-achat ", "date_dernier_achat"),
        ("Dernière commande", "date_dernier_achat"),
        ("Date premier achat", "date_premier_achat"),
        ("Nombre commandes", "nb_commandes"),
        ("Nb. commandes", "nb_commandes"),
        ("nombre_de_commandes", "nb_commandes"),
        ("CA total", "ca_total"),
        ("CA_TOTAL", "ca_total"),
        ("CA total (€)", "ca_total"),
        ("Chiffre d'affaires", "ca_total"),
        ("Chiffre d’affaires HT", "ca_total"),
        ("C.A. total", "ca_total"),  # punctuation inside the abbreviation
        ("Code client", "client_id"),
        ("N° client", "client_id"),
        ("Entreprise", "raison_sociale"),
        ("Raison sociale", "raison_sociale"),
        ("Société", "raison_sociale"),
        ("SOCIETE", "raison_sociale"),
        ("Secteur d'activité", "secteur"),
        ("E-mail", "email"),
        ("Tél.", "telephone"),
        ("Code postal", "code_postal"),
        ("CP", "code_postal"),
        ("Région", "region"),
        ("Effectif", "effectif"),
        ("Tranche d'effectif", "tranche_effectif"),
        ("Code APE", "code_naf"),
        ("Code NAF", "code_naf"),
        ("N° SIRET", "siret"),
        ("SIREN", "siren"),
    ],
)
def test_client_headers_any_case_accent_punctuation(header, field):
    assert map_columns([header], "clients") == {field: header}


@pytest.mark.parametrize(
    "header,field",
    [
        ("Date", "date_facture"),
        ("Date de facture", "date_facture"),
        ("N° facture", "numero_facture"),
        ("Numéro de facture", "numero_facture"),
        ("Montant HT", "montant_ht"),
        ("Total HT", "montant_ht"),
        ("Montant TTC", "montant_ttc"),
        ("Type de pièce", "type_piece"),
        ("Code client", "client_id"),
        ("Client", "raison_sociale"),
    ],
)
def test_invoice_headers(header, field):
    assert map_columns([header], "factures") == {field: header}


def test_sage100_tiers_export():
    m = map_columns(["CT_Num", "CT_Intitule", "CT_CodePostal", "CT_Ville", "CT_Siret", "CT_Ape", "CT_EMail"],
                    "clients")
    assert m == {"client_id": "CT_Num", "raison_sociale": "CT_Intitule", "code_postal": "CT_CodePostal",
                 "ville": "CT_Ville", "siret": "CT_Siret", "code_naf": "CT_Ape", "email": "CT_EMail"}


def test_sage100_docentete_export():
    m = map_columns(["DO_Piece", "DO_Date", "DO_Tiers", "DO_TotalHT", "DO_TotalTTC"], "factures")
    assert m == {"numero_facture": "DO_Piece", "date_facture": "DO_Date", "client_id": "DO_Tiers",
                 "montant_ht": "DO_TotalHT", "montant_ttc": "DO_TotalTTC"}


def test_sage100_french_sales_list():
    m = map_columns(["Type Document", "Code client", "Intitulé client", "N° pièce", "Date", "Montant HT",
                     "Montant TTC"], "factures")
    assert m["type_piece"] == "Type Document"
    assert m["client_id"] == "Code client"
    assert m["numero_facture"] == "N° pièce"
    assert m["montant_ht"] == "Montant HT"


def test_ebp_sales_documents():
    m = map_columns(["N° document", "Date", "Code client", "Total HT", "Total TTC"], "factures")
    assert m == {"numero_facture": "N° document", "date_facture": "Date", "client_id": "Code client",
                 "montant_ht": "Total HT", "montant_ttc": "Total TTC"}


def test_ebp_clients_famille_is_sector():
    m = map_columns(["Code", "Raison sociale", "Code postal", "Famille", "Code NAF"], "clients")
    assert m["client_id"] == "Code" and m["raison_sociale"] == "Raison sociale"
    assert m["secteur"] == "Famille" and m["code_naf"] == "Code NAF"


@pytest.mark.parametrize("software", ["Axonaut", "Pennylane"])
def test_axonaut_pennylane_invoices(software):
    m = map_columns(["Numéro de facture", "Date de facture", "Client", "Montant HT", "TVA", "Montant TTC",
                     "Statut"], "factures")
    assert m == {"numero_facture": "Numéro de facture", "date_facture": "Date de facture",
                 "raison_sociale": "Client", "montant_ht": "Montant HT", "montant_ttc": "Montant TTC"}


def test_shopify_customers_export():
    m = map_columns(["Customer ID", "First Name", "Last Name", "Email", "Default Address Company",
                     "Default Address Zip", "Total Spent", "Total Orders"], "clients")
    assert m["client_id"] == "Customer ID"
    assert m["raison_sociale"] == "Default Address Company"
    assert m["code_postal"] == "Default Address Zip"
    assert m["ca_total"] == "Total Spent"
    assert m["nb_commandes"] == "Total Orders"


def test_shopify_orders_export():
    m = map_columns(["Name", "Email", "Created at", "Total", "Billing Company"], "factures")
    assert m["numero_facture"] == "Name"
    assert m["date_facture"] == "Created at"
    assert m["montant_ttc"] == "Total"
    assert m["raison_sociale"] == "Billing Company"


def test_a_header_is_used_for_one_field_only_and_first_wins():
    m = map_columns(["CA total", "CA", "Montant total"], "clients")
    assert m == {"ca_total": "CA total"}


def test_unknown_headers_are_ignored():
    assert map_columns(["Commentaire", "Couleur préférée", None, ""], "clients") == {}


def test_user_override_wins_over_aliases():
    m = map_columns(["CA total", "Montant cumulé", "Entreprise"], "clients",
                    {"ca_total": "montant cumule"})
    assert m == {"ca_total": "Montant cumulé", "raison_sociale": "Entreprise"}


def test_user_override_unknown_column_names_sheet_and_header():
    with pytest.raises(SettingsError) as exc:
        map_columns(["a", "b"], "clients", {"ca_total": "Montant"}, sheet="Clients")
    msg = str(exc.value)
    assert "« Montant »" in msg and "« Clients »" in msg and "colonne_ca_total" in msg


def test_override_for_other_shape_is_ignored():
    assert map_columns(["Date"], "clients", {"montant_ht": "Prix"}) == {}


def test_map_columns_rejects_unknown_shape():
    with pytest.raises(ValueError):
        map_columns(["x"], "produits")


# ------------------------------------------------------------------ header row

def test_header_row_below_title_and_blank_rows():
    rows = [
        ["Export clients du 31/12/2025", None, None, None, None],
        [None, None, None, None, None],
        ["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"],
        ["C1", "Dupont", "01/01/2025", 3, 100],
    ]
    g = find_header_row(rows)
    assert g is not None
    assert (g.row, g.shape) == (2, "clients")
    assert g.mapping["ca_total"] == "CA total"


def test_header_row_of_invoice_lines():
    rows = [
        ["Journal des ventes"],
        ["Société X", "Période 2025"],
        ["N° facture", "Date", "Client", "Montant HT"],
        ["F1", "01/01/2025", "A", 100],
    ]
    g = find_header_row(rows)
    assert g is not None and (g.row, g.shape) == (2, "factures")
    assert g.mapping == {"numero_facture": "N° facture", "date_facture": "Date", "raison_sociale": "Client",
                         "montant_ht": "Montant HT"}


def test_header_row_not_found():
    assert find_header_row([["a", "b"], ["c", "d"]]) is None
    assert find_header_row([]) is None


def test_header_row_beyond_scan_limit_not_found():
    rows = [[None]] * 5 + [["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"]]
    assert find_header_row(rows, max_scan=5) is None
    assert find_header_row(rows, max_scan=6).row == 5


def test_header_row_with_override():
    rows = [["Titre"], ["Réf", "Raison sociale", "Dernier passage", "Visites", "Dépense"]]
    g = find_header_row(rows, overrides={"date_dernier_achat": "Dernier passage", "nb_commandes": "Visites",
                                         "ca_total": "Dépense"})
    assert g is not None and g.row == 1 and g.shape == "clients"
    assert g.mapping["ca_total"] == "Dépense"


def test_odoo_invoices_english_labels():
    m = map_columns(["Number", "Partner", "Invoice/Bill Date", "Due Date", "Untaxed Amount Signed", "Total Signed",
                     "Type", "Status"], "factures")
    assert m["numero_facture"] == "Number"
    assert m["raison_sociale"] == "Partner"
    assert m["date_facture"] == "Invoice/Bill Date"
    assert m["montant_ht"] == "Untaxed Amount Signed"
    assert m["type_piece"] == "Type"


def test_odoo_invoices_french_labels():
    m = map_columns(["Numéro", "Client", "Date de facturation", "Montant Hors-taxe Signé", "Type"], "factures")
    assert m == {"numero_facture": "Numéro", "raison_sociale": "Client", "date_facture": "Date de facturation",
                 "montant_ht": "Montant Hors-taxe Signé", "type_piece": "Type"}


def test_odoo_credit_note_type_value_is_a_credit_note():
    import numpy as np
    import pandas as pd

    from segmenter_pme.invoices import document_kinds

    types = pd.Series(["Facture client", "Note de crédit client", "Avoir client"])
    assert document_kinds(types, np.array([10.0, 10.0, 10.0]))[0].tolist() == [False, True, True]


def test_woocommerce_analytics_orders_have_an_amount():
    """WooCommerce « Analytics › Orders » export: the order amount is « Net Sales »."""
    m = map_columns(["Date", "Order #", "N. Revenue (formatted)", "Status", "Customer", "Customer type",
                     "Product(s)", "Items sold", "Coupon(s)", "Net Sales", "Attribution"], "factures")
    assert m["date_facture"] == "Date"
    assert m["numero_facture"] == "Order #"
    assert m["raison_sociale"] == "Customer"
    assert "Net Sales" in (m.get("montant_ht"), m.get("montant_ttc"))


def test_woocommerce_analytics_customers():
    m = map_columns(["Name", "Username", "Last Active", "Sign Up", "Email", "Orders", "Total Spend", "AOV",
                     "Country", "City", "Region", "Postal Code"], "clients")
    assert m["nb_commandes"] == "Orders"
    assert m["ca_total"] == "Total Spend"
    assert m["code_postal"] == "Postal Code"


def test_hubspot_contacts_french_ui():
    m = map_columns(["ID de fiche d'informations", "Prénom", "Nom", "E-mail", "Numéro de téléphone",
                     "Nom de l'entreprise"], "clients")
    assert m["client_id"] == "ID de fiche d'informations"
    assert m["raison_sociale"] == "Nom de l'entreprise"
    assert m["email"] == "E-mail" and m["telephone"] == "Numéro de téléphone"


def test_sellsy_invoices():
    m = map_columns(["Numéro", "Date", "Client", "Montant HT", "Montant TTC", "Statut"], "factures")
    assert m == {"numero_facture": "Numéro", "date_facture": "Date", "raison_sociale": "Client",
                 "montant_ht": "Montant HT", "montant_ttc": "Montant TTC"}


def test_utf8_bom_and_non_breaking_spaces_in_headers():
    m = map_columns(["\ufeffCode client", "CA\u00a0total", "Date\u202fdernier achat"], "clients")
    assert m == {"client_id": "\ufeffCode client", "ca_total": "CA\u00a0total",
                 "date_dernier_achat": "Date\u202fdernier achat"}
