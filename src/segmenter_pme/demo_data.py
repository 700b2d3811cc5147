"""Deterministic synthetic French SME client base: clients, invoice lines, dirty values.

:func:`generate_demo`, pure pandas/numpy, no file I/O, no global random state: a
realistic client table plus the invoice lines it is made of, optionally damaged the
way Excel damages real files and polluted with labelled duplicates. Used by
``segmenter demo``, by the tests of the other modules and by the benchmarks (the
benchmarks' 1 M-line generator is ``benchmarks/invoice_lines.py``).

Same arguments → identical frames (``pd.testing.assert_frame_equal``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from stdnum import luhn

__all__ = ["CLIENT_COLUMNS", "COMMUNES", "DUPLICATE_TYPES", "INVOICE_COLUMNS", "DemoData", "generate_demo"]

CLIENT_COLUMNS: tuple[str, ...] = (
    "Code client", "Nom", "Entreprise", "Secteur", "Date premier achat", "Date dernier achat",
    "Nombre commandes", "CA total", "Email", "Téléphone", "Code postal", "Ville", "Effectif",
    "Code NAF", "SIRET",
)
INVOICE_COLUMNS: tuple[str, ...] = (
    "Code client", "Client", "Date", "N° facture", "Type", "Montant HT", "Montant TTC",
)

# (commune, code postal, département, weight). Real postal codes; the weight is a rough
# share of SME clients so that big cities dominate as in a real file. Covers all 18
# regions, Corsica (200xx/201xx → 2A, 202xx → 2B), the five DROM, arrondissements of
# Paris/Lyon/Marseille, and one cp_exceptions.csv commune whose prefix is not its département.
COMMUNES: tuple[tuple[str, str, str, int], ...] = (
    # Île-de-France
    ("Paris", "75001", "75", 4), ("Paris", "75008", "75", 6), ("Paris", "75011", "75", 5),
    ("Paris", "75015", "75", 5), ("Paris", "75017", "75", 4), ("Paris", "75020", "75", 3),
    ("Boulogne-Billancourt", "92100", "92", 3), ("Nanterre", "92000", "92", 2),
    ("Saint-Denis", "93200", "93", 2), ("Montreuil", "93100", "93", 2), ("Versailles", "78000", "78", 2),
    ("Créteil", "94000", "94", 2), ("Vitry-sur-Seine", "94400", "94", 1), ("Argenteuil", "95100", "95", 1),
    ("Cergy", "95000", "95", 1), ("Évry-Courcouronnes", "91000", "91", 1), ("Massy", "91300", "91", 1),
    ("Meaux", "77100", "77", 1), ("Melun", "77000", "77", 1), ("Paray-Vieille-Poste", "94390", "91", 1),
    # Hauts-de-France
    ("Lille", "59000", "59", 4), ("Roubaix", "59100", "59", 2), ("Tourcoing", "59200", "59", 1),
    ("Dunkerque", "59140", "59", 1), ("Valenciennes", "59300", "59", 1), ("Amiens", "80000", "80", 2),
    ("Beauvais", "60000", "60", 1), ("Compiègne", "60200", "60", 1), ("Arras", "62000", "62", 1),
    ("Calais", "62100", "62", 1), ("Boulogne-sur-Mer", "62200", "62", 1), ("Saint-Quentin", "02100", "02", 1),
    ("Laon", "02000", "02", 1),
    # Grand Est
    ("Strasbourg", "67000", "67", 4), ("Mulhouse", "68100", "68", 2), ("Colmar", "68000", "68", 1),
    ("Metz", "57000", "57", 2), ("Thionville", "57100", "57", 1), ("Nancy", "54000", "54", 2),
    ("Reims", "51100", "51", 2), ("Châlons-en-Champagne", "51000", "51", 1), ("Troyes", "10000", "10", 1),
    ("Charleville-Mézières", "08000", "08", 1), ("Épinal", "88000", "88", 1), ("Chaumont", "52000", "52", 1),
    ("Bar-le-Duc", "55000", "55", 1),
    # Normandie
    ("Rouen", "76000", "76", 3), ("Le Havre", "76600", "76", 2), ("Dieppe", "76200", "76", 1),
    ("Caen", "14000", "14", 2), ("Lisieux", "14100", "14", 1), ("Cherbourg-en-Cotentin", "50100", "50", 1),
    ("Saint-Lô", "50000", "50", 1), ("Évreux", "27000", "27", 1), ("Alençon", "61000", "61", 1),
    # Bretagne
    ("Rennes", "35000", "35", 3), ("Saint-Malo", "35400", "35", 1), ("Brest", "29200", "29", 2),
    ("Quimper", "29000", "29", 1), ("Lorient", "56100", "56", 1), ("Vannes", "56000", "56", 1),
    ("Saint-Brieuc", "22000", "22", 1), ("Lannion", "22300", "22", 1),
    # Pays de la Loire
    ("Nantes", "44000", "44", 4), ("Saint-Nazaire", "44600", "44", 1), ("Angers", "49000", "49", 2),
    ("Cholet", "49300", "49", 1), ("Le Mans", "72000", "72", 2), ("Laval", "53000", "53", 1),
    ("La Roche-sur-Yon", "85000", "85", 1), ("Les Sables-d'Olonne", "85100", "85", 1),
    # Centre-Val de Loire
    ("Orléans", "45000", "45", 2), ("Montargis", "45200", "45", 1), ("Tours", "37000", "37", 2),
    ("Bourges", "18000", "18", 1), ("Blois", "41000", "41", 1), ("Chartres", "28000", "28", 1),
    ("Dreux", "28100", "28", 1), ("Châteauroux", "36000", "36", 1),
    # Bourgogne-Franche-Comté
    ("Dijon", "21000", "21", 2), ("Beaune", "21200", "21", 1), ("Besançon", "25000", "25", 2),
    ("Montbéliard", "25200", "25", 1), ("Belfort", "90000", "90", 1), ("Chalon-sur-Saône", "71100", "71", 1),
    ("Mâcon", "71000", "71", 1), ("Nevers", "58000", "58", 1), ("Auxerre", "89000", "89", 1),
    ("Sens", "89100", "89", 1), ("Vesoul", "70000", "70", 1), ("Lons-le-Saunier", "39000", "39", 1),
    # Nouvelle-Aquitaine
    ("Bordeaux", "33000", "33", 4), ("Mérignac", "33700", "33", 1), ("Pessac", "33600", "33", 1),
    ("Arcachon", "33120", "33", 1), ("Limoges", "87000", "87", 2), ("Poitiers", "86000", "86", 1),
    ("La Rochelle", "17000", "17", 2), ("Pau", "64000", "64", 1), ("Bayonne", "64100", "64", 1),
    ("Biarritz", "64200", "64", 1), ("Angoulême", "16000", "16", 1), ("Cognac", "16100", "16", 1),
    ("Niort", "79000", "79", 1), ("Périgueux", "24000", "24", 1), ("Bergerac", "24100", "24", 1),
    ("Agen", "47000", "47", 1), ("Mont-de-Marsan", "40000", "40", 1), ("Brive-la-Gaillarde", "19100", "19", 1),
    ("Tulle", "19000", "19", 1), ("Guéret", "23000", "23", 1),
    # Occitanie
    ("Toulouse", "31000", "31", 4), ("Montpellier", "34000", "34", 3), ("Béziers", "34500", "34", 1),
    ("Sète", "34200", "34", 1), ("Nîmes", "30000", "30", 2), ("Alès", "30100", "30", 1),
    ("Perpignan", "66000", "66", 2), ("Narbonne", "11100", "11", 1), ("Carcassonne", "11000", "11", 1),
    ("Albi", "81000", "81", 1), ("Castres", "81100", "81", 1), ("Tarbes", "65000", "65", 1),
    ("Montauban", "82000", "82", 1), ("Rodez", "12000", "12", 1), ("Cahors", "46000", "46", 1),
    ("Auch", "32000", "32", 1), ("Foix", "09000", "09", 1), ("Mende", "48000", "48", 1),
    # Auvergne-Rhône-Alpes
    ("Lyon", "69001", "69", 2), ("Lyon", "69003", "69", 4), ("Lyon", "69007", "69", 3),
    ("Lyon", "69009", "69", 2), ("Villeurbanne", "69100", "69", 2), ("Saint-Étienne", "42000", "42", 2),
    ("Roanne", "42300", "42", 1), ("Grenoble", "38000", "38", 3), ("Vienne", "38200", "38", 1),
    ("Clermont-Ferrand", "63000", "63", 2), ("Annecy", "74000", "74", 2), ("Annemasse", "74100", "74", 1),
    ("Chambéry", "73000", "73", 1), ("Valence", "26000", "26", 1), ("Bourg-en-Bresse", "01000", "01", 1),
    ("Oyonnax", "01100", "01", 1), ("Moulins", "03000", "03", 1), ("Montluçon", "03100", "03", 1),
    ("Vichy", "03200", "03", 1), ("Aurillac", "15000", "15", 1), ("Le Puy-en-Velay", "43000", "43", 1),
    ("Privas", "07000", "07", 1), ("Annonay", "07100", "07", 1),
    # Provence-Alpes-Côte d'Azur
    ("Marseille", "13001", "13", 2), ("Marseille", "13008", "13", 3), ("Marseille", "13013", "13", 2),
    ("Aix-en-Provence", "13100", "13", 2), ("Arles", "13200", "13", 1), ("Nice", "06000", "06", 3),
    ("Cannes", "06400", "06", 1), ("Antibes", "06600", "06", 1), ("Toulon", "83000", "83", 2),
    ("Hyères", "83400", "83", 1), ("Fréjus", "83600", "83", 1), ("Avignon", "84000", "84", 2),
    ("Carpentras", "84200", "84", 1), ("Gap", "05000", "05", 1), ("Briançon", "05100", "05", 1),
    ("Digne-les-Bains", "04000", "04", 1), ("Manosque", "04100", "04", 1),
    # Corse
    ("Ajaccio", "20000", "2A", 1), ("Porto-Vecchio", "20137", "2A", 1), ("Propriano", "20110", "2A", 1),
    ("Sartène", "20100", "2A", 1), ("Bastia", "20200", "2B", 1), ("Corte", "20250", "2B", 1),
    ("Calvi", "20260", "2B", 1),
    # DROM
    ("Pointe-à-Pitre", "97110", "971", 1), ("Les Abymes", "97139", "971", 1), ("Baie-Mahault", "97122", "971", 1),
    ("Fort-de-France", "97200", "972", 1), ("Le Lamentin", "97232", "972", 1), ("Cayenne", "97300", "973", 1),
    ("Kourou", "97310", "973", 1), ("Saint-Denis", "97400", "974", 1), ("Saint-Pierre", "97410", "974", 1),
    ("Le Port", "97420", "974", 1), ("Mamoudzou", "97600", "976", 1),
)

_NOMS = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André",
    "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
    "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
    "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
    "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard",
    "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Bourgeois", "Benoît",
    "Rey", "Leclerc", "Payet", "Hoarau", "Grondin", "Le Gall", "Le Goff", "Kerbrat", "Santoni", "Pietri",
    "Bouvier", "Lebrun", "Chauvin", "Prévost", "Poirier", "Hubert", "Carré", "Charpentier", "Besson", "Ménard",
)
_PRENOMS = (
    "Jean", "Marie", "Pierre", "Sophie", "Michel", "Nathalie", "Philippe", "Isabelle", "Alain", "Sylvie",
    "Nicolas", "Catherine", "Christophe", "Valérie", "Stéphane", "Sandrine", "Laurent", "Céline", "Frédéric",
    "Hélène", "Julien", "Aurélie", "Sébastien", "Émilie", "Thierry", "Cécile", "Jérôme", "Amélie", "Olivier",
    "Camille", "Éric", "Claire", "David", "Julie", "François", "Anne", "Patrick", "Laure", "Loïc", "Gaëlle",
    "Thomas", "Léa", "Maxime", "Chloé", "Hugo", "Manon", "Antoine", "Inès", "Mathieu", "Élodie",
)
_LIEUX = ("du Centre", "du Marché", "de la Gare", "du Port", "de la Place", "du Lac", "des Halles",
          "du Château", "de la Mairie", "du Moulin", "des Arcades", "du Pont", "de l'Église", "des Remparts")
_RESTOS = ("Le Provençal", "La Table de {P}", "Le Bistrot Gourmand", "L'Escale", "Le Relais", "La Belle Époque",
           "Le Comptoir", "Chez {P}", "Le Saint-Hubert", "La Marmite", "Les Tilleuls", "L'Atelier")
_TECH = ("Numéria", "Datalys", "Infogest", "Logimax", "Netvia", "Codexa", "Sysnet", "Webéo", "Axiome",
         "Optimia", "Nexa", "Alphanet", "Pixelis", "Arobase", "Clic & Co", "Kaléo", "Synapse", "Oxalis")
_CLINIQUES = ("Les Tilleuls", "Saint-Joseph", "Les Glycines", "du Parc", "Sainte-Marie", "Les Jardins", "Pasteur")
_AGRI = ("Trois Chênes", "Prés", "Tilleuls", "Sources", "Collines", "Vergers", "Grands Champs")
_PIZZ = ("Napoli", "Da {P}", "Bella Vita", "La Toscane", "Il Forno")

# (template, NAF codes, kind of legal form, tag). Forms: std = SARL/SAS/…, lib = liberal
# professions, none = the form is in the name or there is none (mairie, association).
# Tag "ets": surname-only names, the ones that get "Ets"/"Établissements" in real files.
_SECTEURS: dict[str, tuple[float, tuple[tuple[str, tuple[str, ...], str, str], ...]]] = {
    "Commerce": (0.22, (
        ("Boulangerie {S}", ("47.24Z",), "std", ""), ("Boulangerie {L}", ("47.24Z",), "std", ""),
        ("Garage {S}", ("45.20A",), "std", ""), ("Garage {L}", ("45.20A",), "std", ""),
        ("{S} Automobiles", ("45.11Z",), "std", ""), ("Fleurs {P}", ("47.76Z",), "std", ""),
        ("Quincaillerie {S}", ("47.52A",), "std", ""), ("Pharmacie {L}", ("47.73Z",), "std", ""),
        ("Boutique {P}", ("47.71Z",), "std", ""), ("Supermarché {S}", ("47.11D",), "std", ""),
        ("Hypermarché {V}", ("47.11F",), "std", ""), ("Cave {S}", ("47.25Z",), "std", ""),
        ("{S} Distribution", ("46.90Z", "46.69B"), "std", ""), ("Ets {S}", ("46.73A", "46.90Z"), "std", "ets"),
        ("Établissements {S}", ("46.73A", "46.19B"), "std", "ets"), ("{S} et Fils", ("46.69B",), "std", "ets"),
    )),
    "Construction": (0.14, (
        ("Plomberie {S}", ("43.22A",), "std", ""), ("Électricité {S}", ("43.21A",), "std", ""),
        ("Menuiserie {S}", ("43.32A",), "std", ""), ("Maçonnerie {S}", ("43.99C",), "std", ""),
        ("{S} Bâtiment", ("41.20B",), "std", ""), ("Couverture {S}", ("43.91B",), "std", ""),
        ("Peinture {S}", ("43.34Z",), "std", ""), ("{S} Constructions", ("41.20A",), "std", ""),
        ("{S} Frères", ("43.99C",), "std", "ets"), ("Terrassement {S}", ("43.12A",), "std", ""),
        ("Ets {S}", ("43.99C", "43.22A"), "std", "ets"),
    )),
    "Industrie": (0.12, (
        ("Mécanique {S}", ("25.62B",), "std", ""), ("Imprimerie {S}", ("18.12Z",), "std", ""),
        ("Chaudronnerie {S}", ("25.11Z",), "std", ""), ("Charcuterie {S}", ("10.13B",), "std", ""),
        ("{S} Industrie", ("28.29B",), "std", ""), ("{S} Plastiques", ("22.29A",), "std", ""),
        ("Atelier {S}", ("33.12Z",), "std", ""), ("Fromagerie {S}", ("10.51C",), "std", ""),
        ("{S} Emballages", ("17.21A",), "std", ""), ("Établissements {S}", ("25.62B", "16.23Z"), "std", "ets"),
    )),
    "Services professionnels": (0.14, (
        ("Cabinet {S}", ("69.20Z",), "lib", ""), ("{S} & Associés", ("69.10Z",), "lib", ""),
        ("{S} Conseil", ("70.22Z",), "std", ""), ("Bureau d'études {S}", ("71.12B",), "std", ""),
        ("Nettoyage {V}", ("81.21Z",), "std", ""), ("{S} Propreté", ("81.21Z",), "std", ""),
        ("Agence {T} Communication", ("73.11Z",), "std", ""), ("Géomètre {S}", ("71.12A",), "lib", ""),
        ("Intérim {V}", ("78.20Z",), "std", ""), ("Architecte {P} {S}", ("71.11Z",), "lib", ""),
    )),
    "Hôtellerie-restauration": (0.10, (
        ("Restaurant {R}", ("56.10A",), "std", ""), ("Hôtel {L}", ("55.10Z",), "std", ""),
        ("Brasserie {L}", ("56.10A",), "std", ""), ("Café {L}", ("56.30Z",), "std", ""),
        ("Traiteur {S}", ("56.21Z",), "std", ""), ("Pizzeria {Z}", ("56.10C",), "std", ""),
        ("Crêperie {R}", ("56.10A",), "std", ""), ("Auberge {L}", ("55.10Z",), "std", ""),
    )),
    "Information et communication": (0.06, (
        ("{T} Informatique", ("62.02A",), "std", ""), ("{T} Solutions", ("62.01Z",), "std", ""),
        ("{T} Web", ("62.01Z",), "std", ""), ("{T} Hébergement", ("63.11Z",), "std", ""),
        ("{T} Logiciels", ("58.29C",), "std", ""), ("Éditions {S}", ("58.14Z",), "std", ""),
        ("{T} Systèmes", ("62.03Z",), "std", ""),
    )),
    "Transport et logistique": (0.06, (
        ("Transports {S}", ("49.41A",), "std", ""), ("{S} Logistique", ("52.10B",), "std", ""),
        ("Taxi {S}", ("49.32Z",), "std", ""), ("Express {V}", ("53.20Z",), "std", ""),
        ("Déménagements {S}", ("49.42Z",), "std", ""), ("Transports {S} et Fils", ("49.41B",), "std", "ets"),
    )),
    "Autres services": (0.07, (
        ("Coiffure {P}", ("96.02A",), "std", ""), ("Institut {P}", ("96.02B",), "std", ""),
        ("Salon {P}", ("96.02A",), "std", ""), ("Pressing {L}", ("96.01B",), "std", ""),
        ("Fitness {V}", ("93.13Z",), "std", ""), ("Cordonnerie {S}", ("95.23Z",), "std", ""),
        ("Association {T}", ("94.99Z",), "none", ""),
    )),
    "Public, enseignement et santé": (0.04, (
        ("Cabinet médical {L}", ("86.21Z",), "lib", ""), ("Centre dentaire {V}", ("86.23Z",), "lib", ""),
        ("Mairie de {V}", ("84.11Z",), "none", ""), ("Formation {T}", ("85.59A",), "std", ""),
        ("Clinique {C}", ("86.10Z",), "std", ""), ("EHPAD {C}", ("87.10A",), "std", ""),
        ("Kinésithérapie {S}", ("86.90E",), "lib", ""), ("Auto-école {S}", ("85.53Z",), "std", ""),
    )),
    "Finance et immobilier": (0.03, (
        ("Immobilière {S}", ("68.31Z",), "std", ""), ("Agence {V} Immobilier", ("68.31Z",), "std", ""),
        ("Cabinet {S} Assurances", ("66.22Z",), "std", ""), ("SCI {S}", ("68.20B",), "none", ""),
        ("{S} Patrimoine", ("66.19B",), "std", ""), ("Foncière {S}", ("68.20B",), "std", ""),
    )),
    "Agriculture": (0.02, (
        ("EARL {S}", ("01.11Z",), "none", ""), ("GAEC des {A}", ("01.41Z",), "none", ""),
        ("Domaine {S}", ("01.21Z",), "std", ""), ("SCEA {S}", ("01.13Z",), "none", ""),
        ("Pépinières {S}", ("01.30Z",), "std", ""),
    )),
}
_SECTEUR_NAMES = tuple(_SECTEURS)
_SECTEUR_P = np.array([_SECTEURS[s][0] for s in _SECTEUR_NAMES])
_SECTEUR_P = _SECTEUR_P / _SECTEUR_P.sum()

_FORMS_STD = ("SARL", "SAS", "EURL", "SASU", "SA", "SNC")
_FORMS_STD_P = np.array([0.38, 0.26, 0.13, 0.13, 0.06, 0.04])
_FORMS_LIB = ("SELARL", "SCP", "SELAS")
# other spellings of the same legal form, used by the "forme_juridique" duplicates
_FORM_SPELLINGS = {"SARL": ("S.A.R.L.", "Sarl"), "SAS": ("S.A.S.", "Sas"), "EURL": ("E.U.R.L.", "Eurl"),
                   "SASU": ("S.A.S.U.", "Sasu"), "SA": ("S.A.",), "SNC": ("S.N.C.",),
                   "SELARL": ("Selarl",), "SCP": ("S.C.P.",), "SELAS": ("Selas",)}

_FREE_MAIL = ("orange.fr", "wanadoo.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "outlook.fr")

# fixed-line prefix by département: 01 Île-de-France, 02 north-west, 03 north-east,
# 04 south-east, 05 south-west; DROM have their own four-digit prefixes
_DROM_PHONE = {"971": ("0590", "0690"), "972": ("0596", "0696"), "973": ("0594", "0694"),
               "974": ("0262", "0692"), "976": ("0269", "0639")}
_PHONE_ZONE = {}
for _z, _deps in {
    "01": "75 77 78 91 92 93 94 95",
    "02": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "03": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "04": "01 03 04 05 06 07 11 13 15 26 2A 2B 30 34 38 42 43 48 63 66 69 73 74 83 84",
    "05": "09 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87",
}.items():
    for _d in _deps.split():
        _PHONE_ZONE[_d] = _z

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DAYS_HISTORY = 4 * 365  # invoices span about four years before the reference date

# client behaviour profiles: share of the client table (prospects have no order)
_PROFILES = ("prospect", "champion", "regulier", "nouveau", "perdu", "unique", "occasionnel")
_PROFILE_SHARE = (0.08, 0.12, 0.20, 0.09, 0.19, 0.20, 0.12)

DUPLICATE_TYPES: tuple[str, ...] = (
    "meme_siren", "faute_frappe", "forme_juridique", "accents", "casse", "mots_inverses", "ets", "meme_email",
)


@dataclass
class DemoData:
    """What :func:`generate_demo` returns.

    - ``clients``: one row per client, RangeIndex, columns :data:`CLIENT_COLUMNS`
      (``Code client``, ``Nom``, ``Entreprise``, ``Secteur``, ``Date premier achat``,
      ``Date dernier achat``, ``Nombre commandes``, ``CA total``, ``Email``,
      ``Téléphone``, ``Code postal``, ``Ville``, ``Effectif``, ``Code NAF``, ``SIRET``).
    - ``invoices``: one row per invoice or credit-note line, RangeIndex, columns
      :data:`INVOICE_COLUMNS` (``Code client``, ``Client``, ``Date``, ``N° facture``,
      ``Type``, ``Montant HT``, ``Montant TTC``), sorted by date then number.
    - ``reference_date``: the analysis date the base was built for.
    - ``duplicate_groups``: the injected duplicates — columns ``row`` (index label in
      ``clients``), ``groupe`` (int, shared by the original and its duplicate),
      ``type`` (``original`` for the source row, else one of :data:`DUPLICATE_TYPES`).
    - ``dirty_cells``: the injected damage — columns ``row`` (index label in
      ``clients``), ``colonne`` (header), ``type`` (kind of damage, see
      :func:`generate_demo`). Empty when ``dirty=False``.
    """

    clients: pd.DataFrame
    invoices: pd.DataFrame
    reference_date: dt.date
    duplicate_groups: pd.DataFrame
    dirty_cells: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "colonne", "type"]))


# ----------------------------------------------------------------------------- helpers

def _nfkd_strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# a translate table is ~20× faster than NFKD per character, which matters for 100 k-client bases
_ACCENT_TABLE = str.maketrans(
    {chr(c): _nfkd_strip(chr(c)) for c in range(0xC0, 0x250) if _nfkd_strip(chr(c)) != chr(c)}
    | {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    out = text.translate(_ACCENT_TABLE)
    return out if out.isascii() else _nfkd_strip(out)


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", _strip_accents(text).lower()).strip("-")


def _siret(siren8: int, nic: int) -> str:
    siren = f"{siren8:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{nic:04d}"
    return body + luhn.calc_check_digit(body)


def _compose(form: str, pos: str, core: str) -> str:
    if not form or pos == "":
        return core
    return f"{form} {core}" if pos == "prefix" else f"{core} {form}"


def _fr_amount(value: float, sep: str, euro: bool) -> str:
    """``1234.5`` → ``1 234,50 €`` with *sep* as the thousands separator."""
    text = f"{abs(value):,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", sep)
    return text + (sep + "€" if euro else "")


def _phone(rng_digits: list[int], dept: str, style: int, mobile: bool) -> str:
    d = [f"{x:02d}" for x in rng_digits]
    if dept in _DROM_PHONE:
        pre = _DROM_PHONE[dept][1 if mobile else 0]
        if style == 0:
            return f"{pre} {d[1]} {d[2]} {d[3]}"
        if style == 1:
            return f"+33 {pre[1]} {pre[2:]} {d[1]} {d[2]} {d[3]}"
        return f"{pre[:2]} {pre[2:]} {d[1]} {d[2]} {d[3]}"
    pre = ("06", "07")[rng_digits[0] % 2] if mobile else _PHONE_ZONE.get(dept, "01")
    if style == 1 and mobile:
        return f"+33 {pre[1]} {d[0]} {d[1]} {d[2]} {d[3]}"
    if style == 3:
        return f"{pre}.{d[0]}.{d[1]}.{d[2]}.{d[3]}"
    if style == 4:
        return f"{pre}{d[0]}{d[1]}{d[2]}{d[3]}"
    return f"{pre} {d[0]} {d[1]} {d[2]} {d[3]}"


def _headcounts(rng: np.random.Generator, n: int) -> np.ndarray:
    # mostly TPE, some PME, few ETI/GE, log-uniform inside each band
    band = rng.choice(4, size=n, p=[0.74, 0.21, 0.04, 0.01])
    lo = np.array([1, 10, 250, 5000])[band]
    hi = np.array([10, 250, 5000, 60000])[band]
    eff = np.floor(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(np.int64)
    eff[(band == 0) & (rng.random(n) < 0.2)] = 0  # a non-employer sole trader is common
    return eff


class _Identities:
    """Column lists of generated company identities (no purchase data)."""

    def __init__(self, rng: np.random.Generator, n: int, siren_taken: set[int], cores_taken: set[str]):
        communes_p = np.array([c[3] for c in COMMUNES], dtype=float)
        commune = rng.choice(len(COMMUNES), size=n, p=communes_p / communes_p.sum())
        secteur = rng.choice(len(_SECTEUR_NAMES), size=n, p=_SECTEUR_P)
        # plain lists: indexing numpy arrays element by element is the slow part of this loop
        commune, secteur = commune.tolist(), secteur.tolist()
        u = rng.random((n, 12)).tolist()
        digits = rng.integers(0, 100, size=(n, 4)).tolist()
        self.effectif = _headcounts(rng, n)
        small = (self.effectif < 10).tolist()
        form_std = np.searchsorted(np.cumsum(_FORMS_STD_P), np.array(u)[:, 4] * 0.9999, side="right").tolist()
        siren_draws = rng.integers(30_000_000, 100_000_000, size=n).tolist()
        nic_draws = np.minimum(rng.geometric(0.4, size=n), 99).tolist()
        self.secteur: list[str] = []
        self.core: list[str] = []
        self.form: list[str] = []
        self.form_pos: list[str] = []
        self.tag: list[str] = []
        self.surname: list[str] = []
        self.nom: list[str] = []
        self.naf: list[str] = []
        self.email: list[str] = []
        self.phone: list[str] = []
        self.cp: list[str] = []
        self.ville: list[str] = []
        self.dept: list[str] = []
        self.siren8: list[int] = []
        self.siret: list[str] = []
        for i in range(n):
            ville, cp, dept, _ = COMMUNES[commune[i]]
            sect = _SECTEUR_NAMES[secteur[i]]
            patterns = _SECTEURS[sect][1]
            row = u[i]
            for attempt in range(40):
                if attempt == 0:
                    pat = patterns[int(row[0] * len(patterns))]
                    sn = _NOMS[int(row[1] * len(_NOMS))]
                    pn = _PRENOMS[int(row[2] * len(_PRENOMS))]
                    pick = row[3]
                else:  # homonym: draw again so that only injected duplicates look alike
                    a, b, c, pick = rng.random(4)
                    pat = patterns[int(a * len(patterns))]
                    sn = _NOMS[int(b * len(_NOMS))]
                    pn = _PRENOMS[int(c * len(_PRENOMS))]
                core = pat[0].format(
                    S=sn, P=pn, V=ville, L=_LIEUX[int(pick * len(_LIEUX))], T=_TECH[int(pick * len(_TECH))],
                    R=_RESTOS[int(pick * len(_RESTOS))].format(P=pn), C=_CLINIQUES[int(pick * len(_CLINIQUES))],
                    A=_AGRI[int(pick * len(_AGRI))], Z=_PIZZ[int(pick * len(_PIZZ))].format(P=pn))
                if attempt >= 3:
                    # large bases exhaust the name patterns: real homonyms are told apart by their town
                    core = f"{core} {ville}"
                key = _strip_accents(core).lower()
                if key not in cores_taken:
                    break
            else:
                core = f"{core} {len(cores_taken)}"
                key = _strip_accents(core).lower()
            cores_taken.add(key)
            template, nafs, form_kind, tag = pat
            if form_kind == "std":
                form = _FORMS_STD[form_std[i]]
            elif form_kind == "lib":
                form = _FORMS_LIB[int(row[4] * len(_FORMS_LIB))]
            else:
                form = ""
            pos = "" if (not form or row[5] < 0.45) else ("prefix" if row[5] < 0.78 else "suffix")
            self.secteur.append(sect)
            self.core.append(core)
            self.form.append(form)
            self.form_pos.append(pos)
            self.tag.append(tag)
            self.surname.append(sn)
            naf = nafs[int(row[6] * len(nafs))]
            self.naf.append(naf if row[7] < 0.75 else naf.replace(".", ""))  # both APE spellings are common
            # the contact is often the owner in a small company
            contact_sn = sn if (row[8] < 0.35 and "{S}" in template) else _NOMS[int(row[9] * len(_NOMS))]
            contact_pn = _PRENOMS[int(row[10] * len(_PRENOMS))]
            self.nom.append(f"{contact_pn} {contact_sn}")
            local = (f"{_slug(contact_pn)}.{_slug(contact_sn)}".replace("-", ""), "contact", "compta",
                     f"{_slug(contact_pn)[0]}.{_slug(contact_sn)}".replace("-", ""), "info")[int(row[11] * 5)]
            if small[i] and row[11] * 5 % 1 < 0.5:
                domain = _FREE_MAIL[int((row[11] * 50) % 1 * len(_FREE_MAIL))]
                if local in ("contact", "compta", "info"):
                    local = _slug(core).replace("-", ".")
            else:
                domain = _slug(core).replace("-", "") + (".fr" if row[3] < 0.7 else ".com")
            self.email.append(f"{local}@{domain}")
            mobile = digits[i][1] < 25
            self.phone.append(_phone(digits[i], dept, digits[i][2] % 5, mobile))
            self.cp.append(cp)
            self.ville.append(ville)
            self.dept.append(dept)
            s8 = siren_draws[i]
            while s8 // 10 == 3_560_000 or s8 in siren_taken:  # 356000000: La Poste, other check rule
                s8 = int(rng.integers(30_000_000, 100_000_000))
            siren_taken.add(s8)
            self.siren8.append(s8)
            self.siret.append(_siret(s8, nic_draws[i] * (10 if row[2] < 0.3 else 1)))

    def entreprise(self, i: int) -> str:
        return _compose(self.form[i], self.form_pos[i], self.core[i])


# ----------------------------------------------------------------------------- duplicates

_AZERTY_NEIGHBOURS = {"a": "zq", "z": "aes", "e": "zrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
                      "i": "uok", "o": "ipl", "p": "om", "q": "asw", "s": "qdz", "d": "sfe", "f": "dgr",
                      "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "kmo", "m": "lp", "n": "bj",
                      "b": "vn", "v": "cb", "c": "xv", "x": "wc", "w": "xq"}


def _typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    cands = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w not in _FORM_SPELLINGS]
    if not cands:
        return text + "e"
    k = cands[int(rng.integers(len(cands)))]
    w = words[k]
    for _ in range(10):
        j = int(rng.integers(1, len(w) - 1))
        op = int(rng.integers(4))
        if op == 0:
            new = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op == 1:
            new = w[:j] + w[j + 1:]
        elif op == 2:
            new = w[:j] + w[j] + w[j:]
        else:
            near = _AZERTY_NEIGHBOURS.get(w[j].lower(), "e")
            new = w[:j] + near[int(rng.integers(len(near)))] + w[j + 1:]
        if new != w:
            break
    words[k] = new
    return " ".join(words)


def _duplicate_name(kind: str, ids: _Identities, i: int, rng: np.random.Generator) -> str:
    form, pos, core = ids.form[i], ids.form_pos[i], ids.core[i]
    name = ids.entreprise(i)
    if kind == "forme_juridique":
        if form and pos:
            r = rng.random()
            if r < 0.5:
                return core  # « SARL Dupont » → « Dupont »
            if r < 0.75:
                return _compose(rng.choice(_FORM_SPELLINGS[form]), pos, core)
            return _compose(form, "suffix" if pos == "prefix" else "prefix", core)
        other = form or "SARL"
        return _compose(other, "prefix" if rng.random() < 0.5 else "suffix", core)
    if kind == "accents":
        plain = _strip_accents(name)
        return plain.upper() if rng.random() < 0.5 else plain
    if kind == "casse":
        return name.upper() if rng.random() < 0.6 else name.lower()
    if kind == "mots_inverses":
        words = core.split(" ")
        return _compose(form, pos, " ".join(words[1:] + words[:1]))
    if kind == "ets":
        for prefix, other in (("Ets ", "Établissements "), ("Établissements ", "Ets ")):
            if core.startswith(prefix):
                new = other + core[len(prefix):] if rng.random() < 0.5 else core[len(prefix):]
                return _compose(form, pos, new)
        return _compose(form, pos, ("Ets " if rng.random() < 0.6 else "Établissements ") + core)
    if kind == "faute_frappe":
        return _compose(form, pos, _typo(core, rng))
    if kind == "meme_siren":
        # the legal name of a company known by its trade name, or another establishment
        if ids.surname[i] in core:
            alt = [f for f in _FORMS_STD[:4] if f != form]
            suffix = ("Holding", "Groupe", "Frères", "et Cie")[int(rng.integers(4))]
            return f"{alt[int(rng.integers(len(alt)))]} {ids.surname[i]} {suffix}"
        return f"{core} - {ids.ville[i]}"
    if kind == "meme_email":
        return ids.nom[i] if rng.random() < 0.5 else " ".join(ids.nom[i].split(" ")[::-1]).upper()
    raise ValueError(kind)


def _eligible(kind: str, ids: _Identities, i: int) -> bool:
    if kind == "accents":
        return ids.entreprise(i) != _strip_accents(ids.entreprise(i))
    if kind == "mots_inverses":
        return len(ids.core[i].split(" ")) >= 2
    if kind == "ets":
        return ids.tag[i] == "ets"
    if kind == "faute_frappe":
        return any(len(w) >= 4 and w.isalpha() for w in ids.core[i].split(" "))
    return True


# ----------------------------------------------------------------------------- main generator

def generate_demo(
    n_clients: int = 3000,
    *,
    seed: int = 20251231,
    reference_date: dt.date = dt.date(2025, 12, 31),
    dirty: bool = True,
    duplicates: bool = True,
    showcase: bool = False,
) -> DemoData:
    """A deterministic synthetic client base of a French SME, with its invoice lines.

    *n_clients* original clients (plus about 3 % duplicate rows when *duplicates*),
    of which exactly ``round(0.08 * n_clients)`` are prospects (no order: empty
    dates, 0 orders, CA empty or 0). The others follow profiles (champions, regular,
    new, lapsed, one-time, occasional buyers) with a Pareto-like CA (the top 20 %
    make about 80 % of the CA). See :class:`DemoData` for the frames and columns.

    Client table vs invoices: for every client with invoice lines, ``Date premier
    achat`` / ``Date dernier achat`` are the first/last invoice (``Type`` =
    ``Facture``) date, ``Nombre commandes`` the number of distinct invoice numbers
    (credit notes excluded) and ``CA total`` the net sum of ``Montant HT``
    (credit notes included), all on lines dated on or before *reference_date*.
    Credit notes are dated between their invoice and the client's last invoice, so
    the first/last dates are the same whether or not credit notes count as purchases.

    Invoice lines: ``FA-AAAA-NNNNNN`` numbers (``AV-…`` for credit notes, ~3 % of
    lines, negative amounts), ~10 % of invoices on several lines sharing a number
    and a date, ``Montant TTC`` = HT × 1.2, ~0.5 % of lines dated after
    *reference_date* (ignored by the client table — they exercise the analysis-date
    warning), a handful of clients (``max(3, n/500)``) found only in the invoices,
    and a couple of clients whose credit notes exceed their invoices (CA < 0).
    Invoices are always typed (datetime64[ns], float64) even when *dirty*.

    ``duplicates=True`` adds ``round(0.03 * n_clients)`` rows copying an existing
    client (with at least two invoices) under a new ``Code client``; the original's
    invoices are split between both rows, so both carry their own orders and CA.
    Kinds (:data:`DUPLICATE_TYPES`): ``meme_siren`` (same SIREN, other NIC, other
    name), ``faute_frappe``, ``forme_juridique`` (form removed, added, respelled or
    moved), ``accents`` (removed, sometimes upper case), ``casse``,
    ``mots_inverses``, ``ets`` (« Ets » / « Établissements » added, swapped or
    removed), ``meme_email`` (same e-mail, the contact's name as company name).
    Duplicates keep the original's SIRET about 40 % of the time, else have none.

    ``showcase=True`` (the demo a new user opens): no line after *reference_date*
    (the warning is for real files), and a share of the regular buyers who order
    often but little, so that every default RFM segment weighs at least 5 % of the
    base. ``showcase=False`` gives the same frames as before that option.

    ``dirty=True`` damages a few percent of the client rows the way Excel and
    exports do; every damaged cell is listed in :attr:`DemoData.dirty_cells`:

    - ``cp_sans_zero``: ``Code postal`` as an int that lost its leading zero (1000);
    - ``siret_float``: ``SIRET`` as a float (3.5600000000001e13, shown 3,56E+13);
    - ``siret_invalide``: last digit changed, Luhn check fails;
    - ``siret_vide``: ``SIRET`` missing;
    - ``ca_texte``: ``CA total`` as French text ``1 234,56 €`` with normal,
      non-breaking (U+00A0) or narrow (U+202F) spaces, with or without ``€``;
    - ``ca_parentheses`` / ``ca_moins_final``: the negative CAs as ``(123,45)`` /
      ``123,45-``;
    - ``date_texte``: both purchase dates as ``31/12/2025`` text;
    - ``date_serie_excel``: both purchase dates as Excel serial numbers (int);
    - ``secteur_vide`` (None), ``secteur_casse`` (``commerce``, ``COMMERCE `` …);
    - ``email_invalide``: a couple of e-mails with bad syntax;
    - ``date_future``: ``Date dernier achat`` after *reference_date* (1–2 clients).

    All kinds but ``siret_invalide``, ``siret_vide``, ``email_invalide``,
    ``secteur_vide`` and ``date_future`` keep the value: parsed back, the row is
    again consistent with the invoices. With ``dirty=False`` every value is clean
    and typed: dates datetime64[ns], ``Nombre commandes`` and ``Effectif`` int64,
    ``CA total`` float64, ``Code postal`` 5-character strings, ``SIRET`` 14-digit
    strings (None only for duplicates without SIRET).
    """
    if n_clients < 1:
        raise ValueError("n_clients doit être au moins 1")
    rng = np.random.default_rng(seed)
    ref_date = pd.Timestamp(reference_date).date()
    ref_day = np.datetime64(ref_date, "D")
    n = int(n_clients)

    siren_taken: set[int] = set()
    cores_taken: set[str] = set()
    ids = _Identities(rng, n, siren_taken, cores_taken)

    # --- profiles with exact counts, so the prospect share is the same for every seed
    counts = np.floor(np.array(_PROFILE_SHARE) * n + 0.5).astype(int)
    counts[1] += n - counts.sum()
    if counts[1] < 0:
        counts[0] += counts[1]
        counts[1] = 0
    profile = rng.permutation(np.repeat(np.arange(len(_PROFILES)), counts))
    prospect = profile == 0

    # --- invoices per client (days_ago: days before the reference date)
    H = _DAYS_HISTORY
    k = np.zeros(n, dtype=np.int64)
    first_ago = np.zeros(n)
    last_ago = np.zeros(n)
    scale = rng.lognormal(5.6, 0.9, n) * (1 + 0.3 * np.log10(1 + ids.effectif))
    for p, name in enumerate(_PROFILES):
        m = profile == p
        c = int(m.sum())
        if name == "champion":
            k[m] = 8 + np.ceil(rng.lognormal(2.3, 0.6, c)).astype(int)
            first_ago[m] = rng.uniform(700, H, c)
            last_ago[m] = rng.uniform(0, 30, c)
            scale[m] *= 2.5
        elif name == "regulier":
            k[m] = 3 + rng.poisson(4, c)
            first_ago[m] = rng.uniform(365, H, c)
            last_ago[m] = rng.uniform(0, 120, c)
        elif name == "nouveau":
            k[m] = 1 + rng.binomial(2, 0.3, c)
            first_ago[m] = rng.uniform(10, 170, c)
            last_ago[m] = first_ago[m] * rng.uniform(0, 0.9, c)
        elif name == "perdu":
            k[m] = 2 + rng.poisson(3, c)
            last_ago[m] = rng.uniform(400, 1000, c)
            first_ago[m] = last_ago[m] + rng.uniform(60, H - last_ago[m], c)
        elif name == "unique":
            k[m] = 1
            last_ago[m] = first_ago[m] = rng.uniform(0, H, c)
            scale[m] *= 0.6
        elif name == "occasionnel":
            k[m] = 2 + rng.poisson(1, c)
            first_ago[m] = rng.uniform(300, H, c)
            last_ago[m] = rng.uniform(30, 290, c)
            scale[m] *= 0.8
    first_ago[k == 1] = last_ago[k == 1]
    if showcase:
        # frequent, recent, small baskets: the « Montée en gamme » a real base has (no RNG draw:
        # the other frames stay as they are)
        small = np.flatnonzero((profile == _PROFILES.index("regulier")) & (k >= 6))
        small = small[: int(round(0.09 * n))]
        scale[small] *= 0.08
        last_ago[small] = np.minimum(last_ago[small], 45)
        k[small] += 4
        # and a few more first orders of the last weeks: « Nouveaux » clearly above 5 %
        recent = np.flatnonzero(profile == _PROFILES.index("unique"))[: int(round(0.05 * n))]
        last_ago[recent] = first_ago[recent] = last_ago[recent] % 25

    inv_owner = np.repeat(np.arange(n), k)
    pos = np.arange(inv_owner.size) - np.repeat(np.cumsum(k) - k, k)
    kk = k[inv_owner]
    u = rng.random(inv_owner.size)
    ago = np.where(pos == 0, first_ago[inv_owner],
                   np.where(pos == kk - 1, last_ago[inv_owner],
                            last_ago[inv_owner] + u * (first_ago[inv_owner] - last_ago[inv_owner])))
    inv_ago = np.floor(ago).astype(np.int64)
    inv_cents = np.round(scale[inv_owner] * rng.lognormal(0, 0.5, inv_owner.size) * 100)
    inv_cents = np.maximum(500, inv_cents).astype(np.int64)

    # --- credit notes: ~3 % of the final lines; a couple of them exceed the invoices
    n_inv = inv_owner.size
    n_avoirs = int(round(0.03 / 0.97 * n_inv * 1.12))
    parent = np.sort(rng.choice(n_inv, size=min(n_avoirs, n_inv), replace=False))
    full = rng.random(parent.size) < 0.3
    partial = np.maximum(100, np.round(inv_cents[parent] * rng.uniform(0.05, 0.5, parent.size)))
    av_cents = -np.where(full, inv_cents[parent], partial).astype(np.int64)
    av_ago = inv_ago[parent] - rng.integers(0, 45, parent.size)
    uniques = np.flatnonzero(profile == _PROFILES.index("unique"))
    neg_clients = uniques[~np.isin(uniques, inv_owner[parent])][: 2 if n >= 100 else 1]
    if neg_clients.size:
        neg_parent = np.searchsorted(inv_owner, neg_clients)  # their only invoice
        parent = np.concatenate([parent, neg_parent])
        av_cents = np.concatenate([av_cents, -np.round(inv_cents[neg_parent] * 1.25).astype(np.int64)])
        av_ago = np.concatenate([av_ago, inv_ago[neg_parent]])

    # --- duplicates: new identities copied from originals, with part of their invoices
    dup_src: list[int] = []
    dup_kind: list[str] = []
    if duplicates:
        n_dup = int(round(0.03 * n))
        kinds = [DUPLICATE_TYPES[j % len(DUPLICATE_TYPES)] for j in rng.permutation(n_dup)]
        excluded = {int(i) for i in neg_clients}
        pool = [int(i) for i in rng.permutation(np.flatnonzero((k >= 2) & ~prospect)) if int(i) not in excluded]
        used: set[int] = set()
        for kind in kinds:
            src = next((i for i in pool if i not in used and _eligible(kind, ids, i)), None)
            if src is None:
                kind = "casse"
                src = next((i for i in pool if i not in used), None)
            if src is None:
                break
            used.add(src)
            dup_src.append(src)
            dup_kind.append(kind)
    n_dup = len(dup_src)
    inv_owner_final = inv_owner.copy()
    starts = np.cumsum(k) - k
    dup_rows: list[dict] = []
    for j, (src, kind) in enumerate(zip(dup_src, dup_kind)):
        moved = starts[src] + rng.choice(k[src], size=int(rng.integers(1, k[src])), replace=False)
        inv_owner_final[moved] = n + j
        domain = ids.email[src].split("@")[1]
        free_mail = domain in _FREE_MAIL
        row = {
            "core_name": _duplicate_name(kind, ids, src, rng),
            "nom": (ids.nom[src] if rng.random() < 0.7  # else a colleague of the same family
                    else f"{_PRENOMS[int(rng.integers(len(_PRENOMS)))]} {ids.nom[src].split(' ', 1)[1]}"),
            "email": ids.email[src], "phone": ids.phone[src], "cp": ids.cp[src], "ville": ids.ville[src],
            "dept": ids.dept[src], "secteur": ids.secteur[src], "naf": ids.naf[src], "effectif": ids.effectif[src],
            "siret": ids.siret[src] if rng.random() < 0.4 else None,
        }
        if kind == "meme_siren":
            nic = int(ids.siret[src][9:13]) + int(rng.integers(1, 40))
            row["siret"] = _siret(ids.siren8[src], nic)
            if rng.random() < 0.5:
                c = COMMUNES[int(rng.integers(len(COMMUNES)))]
                row["ville"], row["cp"], row["dept"] = c[0], c[1], c[2]
            if not free_mail:
                row["email"] = "compta@" + domain
        elif kind == "meme_email":
            row["siret"] = None
        elif rng.random() < 0.5 and not free_mail:
            row["email"] = "contact@" + domain
        dup_rows.append(row)

    # --- clients found only in the invoices
    n_only = max(3, int(round(n / 500)))
    only = _Identities(rng, n_only, siren_taken, cores_taken)
    k_only = 1 + rng.poisson(1.5, n_only)
    only_owner = np.repeat(np.arange(n_only), k_only) + n + n_dup
    only_ago = rng.integers(0, 730, only_owner.size)
    only_cents = np.round(rng.lognormal(6.0, 0.8, only_owner.size) * 100).astype(np.int64)

    # --- lines after the reference date, for active clients
    active = np.flatnonzero(np.isin(profile, [_PROFILES.index("champion"), _PROFILES.index("regulier")]))
    n_future = max(1, int(round(0.005 * (n_inv + parent.size))))
    fut_src = rng.choice(active if active.size else np.flatnonzero(~prospect), size=n_future)
    fut_owner = fut_src.copy()
    fut_ago = -rng.integers(1, 45, n_future)
    fut_cents = np.round(scale[fut_src] * rng.lognormal(0, 0.5, n_future) * 100).astype(np.int64) + 500
    if showcase:
        fut_owner, fut_ago, fut_cents = fut_owner[:0], fut_ago[:0], fut_cents[:0]
        n_future = 0

    # --- all documents: invoices then credit notes (doc_type 1)
    doc_owner = np.concatenate([inv_owner_final, only_owner, fut_owner, inv_owner_final[parent]])
    doc_ago = np.concatenate([inv_ago, only_ago, fut_ago, av_ago])
    doc_cents = np.concatenate([inv_cents, only_cents, fut_cents, av_cents])
    doc_type = np.concatenate([np.zeros(n_inv + only_owner.size + n_future, dtype=np.int8),
                               np.ones(parent.size, dtype=np.int8)])
    doc_parent_ago = np.concatenate([inv_ago, only_ago, fut_ago, inv_ago[parent]])

    # a credit note is never later than its client's last invoice (up to the reference date)
    n_owners = n + n_dup + n_only
    past_inv = (doc_type == 0) & (doc_ago >= 0)
    owner_last = np.full(n_owners, np.iinfo(np.int64).max)
    np.minimum.at(owner_last, doc_owner[past_inv], doc_ago[past_inv])
    is_av = doc_type == 1
    clamp = is_av & (doc_parent_ago >= 0)
    doc_ago[clamp] = np.minimum(doc_parent_ago[clamp], np.maximum(doc_ago[clamp], owner_last[doc_owner[clamp]]))

    # --- lines: ~10 % of invoices split on 2–4 lines
    n_docs = doc_owner.size
    multi = (doc_type == 0) & (rng.random(n_docs) < 0.10)
    n_lines_doc = np.where(multi, 2 + rng.binomial(2, 0.35, n_docs), 1)
    line_doc = np.repeat(np.arange(n_docs), n_lines_doc)
    w = rng.uniform(0.2, 1.0, line_doc.size)
    w_sum = np.add.reduceat(w, np.cumsum(n_lines_doc) - n_lines_doc)
    line_cents = np.floor(doc_cents[line_doc] * w / w_sum[line_doc]).astype(np.int64)
    last_line = np.cumsum(n_lines_doc) - 1
    line_cents[last_line] += doc_cents - np.add.reduceat(line_cents, np.cumsum(n_lines_doc) - n_lines_doc)

    # --- document numbers, per type and year, in date order
    doc_date = ref_day - doc_ago.astype("timedelta64[D]")
    doc_year = doc_date.astype("datetime64[Y]").astype(np.int64) + 1970
    order = np.lexsort((np.arange(n_docs), doc_date, doc_year, doc_type))
    grp = doc_type[order].astype(np.int64) * 10_000 + doc_year[order]
    first_of_grp = np.r_[True, grp[1:] != grp[:-1]]
    seq = np.arange(n_docs) - np.maximum.accumulate(np.where(first_of_grp, np.arange(n_docs), 0)) + 1
    doc_seq = np.empty(n_docs, dtype=np.int64)
    doc_seq[order] = seq
    doc_number = np.array([f"{'AV' if t else 'FA'}-{y}-{s:06d}"
                           for t, y, s in zip(doc_type.tolist(), doc_year.tolist(), doc_seq.tolist())], dtype=object)

    # --- client codes in order of creation (first purchase), as billing software assigns them
    inv_doc = (doc_type == 0) & (doc_ago >= 0)
    creation = np.full(n_owners, np.iinfo(np.int64).min)
    np.maximum.at(creation, doc_owner[inv_doc], doc_ago[inv_doc])
    no_doc = creation == np.iinfo(np.int64).min
    creation[no_doc] = rng.integers(0, H, int(no_doc.sum()))
    code_order = np.lexsort((np.arange(n_owners), -creation))
    width = max(5, len(str(n_owners)))
    codes = np.empty(n_owners, dtype=object)
    codes[code_order] = [f"C{j:0{width}d}" for j in range(1, n_owners + 1)]

    names = np.empty(n_owners, dtype=object)
    names[:n] = [ids.entreprise(i) for i in range(n)]
    names[n:n + n_dup] = [r["core_name"] for r in dup_rows]
    names[n + n_dup:] = [only.entreprise(i) for i in range(n_only)]

    # --- invoice frame
    # by date, then number (AV before FA, as a text sort would put them)
    line_sort = np.lexsort((np.arange(line_doc.size), doc_seq[line_doc], 1 - doc_type[line_doc], doc_date[line_doc]))
    ld = line_doc[line_sort]
    ht = line_cents[line_sort] / 100
    invoices = pd.DataFrame({
        "Code client": pd.array(codes[doc_owner[ld]], dtype="str"),
        "Client": pd.array(names[doc_owner[ld]], dtype="str"),
        "Date": doc_date[ld].astype("datetime64[ns]"),
        "N° facture": pd.array(doc_number[ld], dtype="str"),
        "Type": pd.array(np.where(doc_type[ld] == 1, "Avoir", "Facture").astype(object), dtype="str"),
        "Montant HT": ht,
        "Montant TTC": np.round(line_cents[line_sort] * 1.2) / 100,
    })

    # --- client table aggregated from the lines up to the reference date
    past = doc_ago >= 0
    agg_first = np.full(n_owners, -1, dtype=np.int64)
    np.maximum.at(agg_first, doc_owner[inv_doc], doc_ago[inv_doc])
    agg_last = owner_last
    n_orders = np.bincount(doc_owner[inv_doc], minlength=n_owners).astype(np.int64)
    ca_cents = np.bincount(doc_owner[past], weights=doc_cents[past], minlength=n_owners)
    has = n_orders > 0
    nat = np.datetime64("NaT", "ns")
    first_date = np.where(has, (ref_day - np.where(has, agg_first, 0).astype("timedelta64[D]")), nat)
    last_date = np.where(has, (ref_day - np.where(has, agg_last, 0).astype("timedelta64[D]")), nat)
    first_date, last_date = first_date.astype("datetime64[ns]"), last_date.astype("datetime64[ns]")
    ca = np.round(ca_cents) / 100
    rows = np.arange(n + n_dup)
    ca_rows = ca[rows].copy()
    no_order = ~has[rows]
    ca_rows[no_order & (rng.random(rows.size) < 0.5)] = np.nan  # prospects: CA empty or 0

    def pick(attr: str, dup_key: str) -> list:
        return list(getattr(ids, attr)) + [r[dup_key] for r in dup_rows]

    clients = pd.DataFrame({
        "Code client": pd.array(codes[rows], dtype="str"),
        "Nom": pd.array(pick("nom", "nom"), dtype="str"),
        "Entreprise": pd.array(names[rows], dtype="str"),
        "Secteur": pd.array(pick("secteur", "secteur"), dtype="str"),
        "Date premier achat": first_date[rows],
        "Date dernier achat": last_date[rows],
        "Nombre commandes": n_orders[rows],
        "CA total": ca_rows,
        "Email": pd.array(pick("email", "email"), dtype="str"),
        "Téléphone": pd.array(pick("phone", "phone"), dtype="str"),
        "Code postal": pd.array(pick("cp", "cp"), dtype="str"),
        "Ville": pd.array(pick("ville", "ville"), dtype="str"),
        "Effectif": np.array(pick("effectif", "effectif"), dtype=np.int64),
        "Code NAF": pd.array(pick("naf", "naf"), dtype="str"),
        "SIRET": pd.array(pick("siret", "siret"), dtype="str"),
    })
    # a client file is usually sorted by code; labels are then 0..N-1 in that order
    clients = clients.sort_values("Code client", kind="stable")
    label_of = np.empty(n + n_dup, dtype=np.int64)
    label_of[clients.index.to_numpy()] = np.arange(n + n_dup)
    clients = clients.reset_index(drop=True)

    dup_groups = pd.DataFrame({
        "row": np.concatenate([label_of[dup_src], label_of[n + np.arange(n_dup)]]).astype(np.int64),
        "groupe": np.tile(np.arange(1, n_dup + 1), 2).astype(np.int64),
        "type": pd.array(["original"] * n_dup + dup_kind, dtype="str"),
    }).sort_values(["groupe", "row"], kind="stable").reset_index(drop=True)

    dirty_cells = pd.DataFrame({"row": pd.Series(dtype=np.int64), "colonne": pd.Series(dtype="str"),
                                "type": pd.Series(dtype="str")})
    if dirty:
        negatives = label_of[neg_clients] if neg_clients.size else np.array([], dtype=np.int64)
        dirty_cells = _damage(clients, rng, ref_date, negatives)

    return DemoData(clients=clients, invoices=invoices, reference_date=ref_date,
                    duplicate_groups=dup_groups, dirty_cells=dirty_cells)


def _damage(clients: pd.DataFrame, rng: np.random.Generator, ref_date: dt.date, negatives: np.ndarray) -> pd.DataFrame:
    """Damage *clients* in place like Excel does; return the list of damaged cells."""
    n = len(clients)
    log: list[tuple[int, str, str]] = []
    taken: dict[str, set[int]] = {}

    def choose(column: str, mask: np.ndarray, share: float, minimum: int = 1) -> np.ndarray:
        free = np.flatnonzero(mask & ~np.isin(np.arange(n), list(taken.get(column, ()))))
        size = min(free.size, max(minimum, int(round(share * n))))
        picked = np.sort(rng.choice(free, size=size, replace=False)) if size else free[:0]
        taken.setdefault(column, set()).update(int(i) for i in picked)
        return picked

    def to_object(column: str) -> np.ndarray:
        values = clients[column].to_numpy(dtype=object, na_value=None).copy()
        return values

    has_orders = clients["Nombre commandes"].to_numpy() > 0

    cp = to_object("Code postal")
    for i in choose("Code postal", np.array([str(v).startswith("0") for v in cp]), 0.02):
        cp[i] = int(cp[i])
        log.append((i, "Code postal", "cp_sans_zero"))
    clients["Code postal"] = pd.Series(cp, dtype=object)

    siret = to_object("SIRET")
    has_siret = np.array([v is not None for v in siret])
    for i in choose("SIRET", has_siret, 0.02):
        siret[i] = float(siret[i])
        log.append((i, "SIRET", "siret_float"))
    for i in choose("SIRET", has_siret, 0.005, 2):
        last = int(siret[i][-1])
        siret[i] = siret[i][:-1] + str((last + int(rng.integers(1, 10))) % 10)
        log.append((i, "SIRET", "siret_invalide"))
    for i in choose("SIRET", has_siret, 0.01):
        siret[i] = None
        log.append((i, "SIRET", "siret_vide"))
    clients["SIRET"] = pd.Series(siret, dtype=object)

    ca = to_object("CA total")
    seps = (" ", "\u00a0", "\u202f")
    neg_mask = np.isin(np.arange(n), negatives)
    for j, i in enumerate(negatives):
        if j % 2 == 0:
            ca[i] = f"({_fr_amount(ca[i], seps[j % 3], False)})"
            log.append((int(i), "CA total", "ca_parentheses"))
        else:
            ca[i] = _fr_amount(ca[i], " ", False) + "-"
            log.append((int(i), "CA total", "ca_moins_final"))
        taken.setdefault("CA total", set()).add(int(i))
    for j, i in enumerate(choose("CA total", has_orders & ~neg_mask, 0.03, 3)):
        ca[i] = _fr_amount(ca[i], seps[j % 3], euro=(j % 4 != 3))
        log.append((i, "CA total", "ca_texte"))
    clients["CA total"] = pd.Series(ca, dtype=object)

    first = to_object("Date premier achat")
    last = to_object("Date dernier achat")
    for i in choose("Date dernier achat", has_orders, 0.02, 2):
        taken.setdefault("Date premier achat", set()).add(int(i))
        first[i], last[i] = first[i].strftime("%d/%m/%Y"), last[i].strftime("%d/%m/%Y")
        log += [(i, "Date premier achat", "date_texte"), (i, "Date dernier achat", "date_texte")]
    for i in choose("Date dernier achat", has_orders, 0.005, 2):
        taken.setdefault("Date premier achat", set()).add(int(i))
        first[i] = int((first[i] - _EXCEL_EPOCH).days)
        last[i] = int((last[i] - _EXCEL_EPOCH).days)
        log += [(i, "Date premier achat", "date_serie_excel"), (i, "Date dernier achat", "date_serie_excel")]
    for i in choose("Date dernier achat", has_orders, 0.0, 2 if n >= 500 else 1):
        last[i] = pd.Timestamp(ref_date) + pd.Timedelta(days=int(rng.integers(5, 60)))
        log.append((i, "Date dernier achat", "date_future"))
    clients["Date premier achat"] = pd.Series(first, dtype=object)
    clients["Date dernier achat"] = pd.Series(last, dtype=object)

    secteur = to_object("Secteur")
    for i in choose("Secteur", np.ones(n, bool), 0.015):
        secteur[i] = None
        log.append((i, "Secteur", "secteur_vide"))
    for j, i in enumerate(choose("Secteur", np.ones(n, bool), 0.02)):
        secteur[i] = (secteur[i].lower(), secteur[i].upper() + " ", " " + secteur[i], secteur[i].lower() + " ")[j % 4]
        log.append((i, "Secteur", "secteur_casse"))
    clients["Secteur"] = pd.Series(secteur, dtype="str")

    email = to_object("Email")
    for j, i in enumerate(choose("Email", np.ones(n, bool), 0.002, 2)):
        local, domain = email[i].split("@")
        email[i] = (f"{local}@{domain.rsplit('.', 1)[0]}", f"{local}.{domain}", f"{local}@@{domain}",
                    f"{local[:2]} {local[2:]}@{domain}", f"{local}@{domain.replace('.', ',')}")[j % 5]
        log.append((i, "Email", "email_invalide"))
    clients["Email"] = pd.Series(email, dtype="str")

    out = pd.DataFrame(log, columns=["row", "colonne", "type"])
    out["row"] = out["row"].astype(np.int64)
    out["colonne"] = out["colonne"].astype("str")
    out["type"] = out["type"].astype("str")
    return out.sort_values(["row", "colonne"], kind="stable").reset_index(drop=True)

