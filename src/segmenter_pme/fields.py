"""Canonical fields of the two input shapes and the output columns.

Internal code works on canonical field names (``ca_total``, ``date_facture``…);
the user's own headers are mapped onto them by :mod:`segmenter_pme.headers`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # the French header we write in templates
    kind: str  # text | date | amount | int | postal | siret | siren | naf | headcount | email | phone
    aliases: tuple[str, ...] = ()


CLIENT_FIELDS: tuple[Field, ...] = (
    Field("client_id", "Code client", "text",
          ("code client", "code", "n client", "numero client", "num client", "id client", "identifiant client",
           "reference client", "ref client", "compte client", "code tiers", "n compte tiers", "customer id")),
    Field("nom", "Nom", "text", ("nom", "nom contact", "contact", "nom du contact", "interlocuteur", "last name")),
    Field("prenom", "Prénom", "text", ("prenom", "first name")),
    Field("raison_sociale", "Entreprise", "text",
          ("entreprise", "societe", "raison sociale", "nom entreprise", "nom societe", "nom de l entreprise",
           "client", "nom client", "intitule client", "intitule", "company", "denomination", "enseigne")),
    Field("secteur", "Secteur", "text", ("secteur", "secteur activite", "secteur d activite", "activite", "industrie",
                                          "famille", "famille client", "categorie client")),
    Field("date_premier_achat", "Date premier achat", "date",
          ("date premier achat", "premier achat", "date 1er achat", "1er achat", "date premiere commande",
           "premiere commande", "client depuis", "date de premier achat")),
    Field("date_dernier_achat", "Date dernier achat", "date",
          ("date dernier achat", "dernier achat", "date derniere commande", "derniere commande",
           "date de dernier achat", "date derniere facture", "derniere facture", "last order date")),
    Field("nb_commandes", "Nombre commandes", "int",
          ("nombre commandes", "nombre de commandes", "nb commandes", "nb de commandes", "commandes",
           "nombre achats", "nombre d achats", "nb achats", "frequence", "total orders", "orders count",
           "nombre de factures", "nb factures")),
    Field("ca_total", "CA total", "amount",
          ("ca total", "ca", "chiffre d affaires", "chiffre d affaires total", "ca total ht", "ca ht",
           "montant total", "total achats", "ca cumule", "total ht", "total spent", "montant des achats")),
    Field("email", "Email", "email", ("email", "e mail", "mail", "adresse email", "adresse e mail", "courriel")),
    Field("telephone", "Téléphone", "phone", ("telephone", "tel", "tel fixe", "numero de telephone", "phone",
                                              "portable", "mobile", "gsm")),
    Field("adresse", "Adresse", "text", ("adresse", "adresse 1", "adresse1", "rue")),
    Field("code_postal", "Code postal", "postal", ("code postal", "cp", "code postal client", "zip", "postal code")),
    Field("ville", "Ville", "text", ("ville", "commune", "localite", "city")),
    Field("departement", "Département", "text", ("departement", "dept", "dep", "code departement")),
    Field("region", "Région", "text", ("region", "region administrative")),
    Field("pays", "Pays", "text", ("pays", "country", "code pays")),
    Field("effectif", "Effectif", "headcount", ("effectif", "effectifs", "nombre de salaries", "nb salaries",
                                                "salaries", "effectif salarie")),
    Field("tranche_effectif", "Tranche effectif", "headcount",
          ("tranche effectif", "tranche d effectif", "tranche effectifs", "tranche effectif salarie",
           "code tranche effectif", "trancheeffectifsunitelegale", "trancheeffectifsetablissement")),
    Field("code_naf", "Code NAF", "naf", ("code naf", "naf", "ape", "code ape", "code naf ape", "naf ape",
                                          "activite principale", "activiteprincipaleunitelegale")),
    Field("siret", "SIRET", "siret", ("siret", "n siret", "numero siret")),
    Field("siren", "SIREN", "siren", ("siren", "n siren", "numero siren")),
    # who follows the client: the week's call lists are split by salesperson (SPEC §9)
    Field("commercial", "Commercial", "text",
          ("commercial", "commerciale", "commercial attitre", "vendeur", "vendeuse", "representant",
           "representant commercial", "attache commercial", "technico commercial", "charge de compte",
           "charge d affaires", "responsable du compte", "responsable compte", "responsable commercial",
           "sales rep", "salesperson", "account owner", "account manager", "contact owner")),
)

INVOICE_FIELDS: tuple[Field, ...] = (
    Field("client_id", "Code client", "text", CLIENT_FIELDS[0].aliases + ("tiers", "code tiers")),
    Field("raison_sociale", "Client", "text", CLIENT_FIELDS[3].aliases + ("billing company",)),
    # e-shops (Shopify, WooCommerce) know a customer by e-mail, rarely by company
    Field("email", "Email", "email", ("email", "e mail", "mail", "courriel", "adresse email", "customer email",
                                      "email client", "billing email")),
    Field("date_facture", "Date", "date", ("date", "date facture", "date de facture", "date de facturation",
                                            "date piece", "date document", "date commande", "date de commande",
                                            "date d emission", "created at")),
    Field("numero_facture", "N° facture", "text", ("n facture", "numero facture", "numero de facture", "facture",
                                                   "n piece", "numero piece", "n document", "numero", "reference",
                                                   "n commande", "numero commande", "name")),
    Field("montant_ht", "Montant HT", "amount", ("montant ht", "total ht", "ht", "montant hors taxe",
                                                 "montant hors taxes", "montant ht signe", "net ht")),
    Field("montant_ttc", "Montant TTC", "amount", ("montant ttc", "total ttc", "ttc", "montant", "total",
                                                   "montant ttc signe", "net a payer")),
    Field("type_piece", "Type", "text", ("type", "type piece", "type de piece", "type document", "type de document",
                                         "nature", "sens")),
)

#: what ``segment()`` computes (the snapshot at the analysis date)
SEGMENT_COLUMNS: tuple[str, ...] = (
    "Récence (jours)", "Score R", "Score F", "Score M", "Code RFM", "Segment RFM",
    "Segment PMG", "Segment Secteur", "Taille", "Région", "Potentiel",
)
#: the segment at the start of the last period (SPEC §8), from ``history()``
PREVIOUS_RFM = "Segment RFM précédent"
#: what a run writes in the client sheet, in this order
OUTPUT_COLUMNS: tuple[str, ...] = SEGMENT_COLUMNS + (PREVIOUS_RFM,)

# fields the RFM needs from a client table when there are no invoice lines
CLIENT_REQUIRED = ("date_dernier_achat", "nb_commandes", "ca_total")
CLIENT_KEYS = ("client_id", "raison_sociale", "nom")
INVOICE_REQUIRED = ("date_facture",)
INVOICE_AMOUNTS = ("montant_ht", "montant_ttc")
INVOICE_KEYS = ("client_id", "raison_sociale")

FIELD_LABELS = {f.name: f.label for f in CLIENT_FIELDS} | {f.name: f.label for f in INVOICE_FIELDS if f.name not in {c.name for c in CLIENT_FIELDS}}
