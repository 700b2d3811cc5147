"""What the demo companies are called: surnames, first names, name patterns per sector with
their NAF codes, legal forms and their other spellings, e-mail domains; accents and slugs."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

SURNAMES = (
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
FIRST_NAMES = (
    "Jean", "Marie", "Pierre", "Sophie", "Michel", "Nathalie", "Philippe", "Isabelle", "Alain", "Sylvie",
    "Nicolas", "Catherine", "Christophe", "Valérie", "Stéphane", "Sandrine", "Laurent", "Céline", "Frédéric",
    "Hélène", "Julien", "Aurélie", "Sébastien", "Émilie", "Thierry", "Cécile", "Jérôme", "Amélie", "Olivier",
    "Camille", "Éric", "Claire", "David", "Julie", "François", "Anne", "Patrick", "Laure", "Loïc", "Gaëlle",
    "Thomas", "Léa", "Maxime", "Chloé", "Hugo", "Manon", "Antoine", "Inès", "Mathieu", "Élodie",
)
PLACES = ("du Centre", "du Marché", "de la Gare", "du Port", "de la Place", "du Lac", "des Halles",
          "du Château", "de la Mairie", "du Moulin", "des Arcades", "du Pont", "de l'Église", "des Remparts")
RESTAURANTS = ("Le Provençal", "La Table de {P}", "Le Bistrot Gourmand", "L'Escale", "Le Relais", "La Belle Époque",
           "Le Comptoir", "Chez {P}", "Le Saint-Hubert", "La Marmite", "Les Tilleuls", "L'Atelier")
TECH_NAMES = ("Numéria", "Datalys", "Infogest", "Logimax", "Netvia", "Codexa", "Sysnet", "Webéo", "Axiome",
         "Optimia", "Nexa", "Alphanet", "Pixelis", "Arobase", "Clic & Co", "Kaléo", "Synapse", "Oxalis")
CLINICS = ("Les Tilleuls", "Saint-Joseph", "Les Glycines", "du Parc", "Sainte-Marie", "Les Jardins", "Pasteur")
FARMS = ("Trois Chênes", "Prés", "Tilleuls", "Sources", "Collines", "Vergers", "Grands Champs")
PIZZERIAS = ("Napoli", "Da {P}", "Bella Vita", "La Toscane", "Il Forno")

# (template, NAF codes, kind of legal form, tag). Forms: std = SARL/SAS/…, lib = liberal
# professions, none = the form is in the name or there is none (mairie, association).
# Tag "ets": surname-only names, the ones that get "Ets"/"Établissements" in real files.
SECTORS: dict[str, tuple[float, tuple[tuple[str, tuple[str, ...], str, str], ...]]] = {
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
SECTOR_NAMES = tuple(SECTORS)
SECTOR_WEIGHTS = np.array([SECTORS[s][0] for s in SECTOR_NAMES])
SECTOR_WEIGHTS = SECTOR_WEIGHTS / SECTOR_WEIGHTS.sum()

FORMS = ("SARL", "SAS", "EURL", "SASU", "SA", "SNC")
FORM_WEIGHTS = np.array([0.38, 0.26, 0.13, 0.13, 0.06, 0.04])
LIBERAL_FORMS = ("SELARL", "SCP", "SELAS")
# other spellings of the same legal form, used by the "forme_juridique" duplicates
FORM_SPELLINGS = {"SARL": ("S.A.R.L.", "Sarl"), "SAS": ("S.A.S.", "Sas"), "EURL": ("E.U.R.L.", "Eurl"),
                   "SASU": ("S.A.S.U.", "Sasu"), "SA": ("S.A.",), "SNC": ("S.N.C.",),
                   "SELARL": ("Selarl",), "SCP": ("S.C.P.",), "SELAS": ("Selas",)}

FREE_MAIL = ("orange.fr", "wanadoo.fr", "gmail.com", "free.fr", "laposte.net", "sfr.fr", "outlook.fr")


def _nfkd_strip(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# a translate table is ~20× faster than NFKD per character, which matters for 100 k-client bases
_ACCENT_TABLE = str.maketrans(
    {chr(c): _nfkd_strip(chr(c)) for c in range(0xC0, 0x250) if _nfkd_strip(chr(c)) != chr(c)}
    | {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    out = text.translate(_ACCENT_TABLE)
    return out if out.isascii() else _nfkd_strip(out)


def slug(text: str) -> str:
    return _NOT_SLUG.sub("-", strip_accents(text).lower()).strip("-")



def compose(form: str, pos: str, core: str) -> str:
    if not form or pos == "":
        return core
    return f"{form} {core}" if pos == "prefix" else f"{core} {form}"

