"""« Mode d'emploi »: a short French how-to, one column of text."""

from __future__ import annotations

from .model import Column, SheetLayout, Table, Text, Title

SHEET = "Mode d'emploi"

_COLUMNS = (
    ("Récence (jours)", "Nombre de jours entre le dernier achat et la date d'analyse."),
    ("Score R", "Récence notée de 1 à 5 : 5 = achat le plus récent."),
    ("Score F", "Fréquence notée de 1 à 5 : 5 = le plus de commandes."),
    ("Score M", "Montant noté de 1 à 5 : 5 = le plus gros chiffre d'affaires."),
    ("Code RFM", "Les trois scores dans l'ordre R, F, M : 545 = récent (5), assez fréquent (4), gros montant (5)."),
    ("Segment RFM", "Le groupe du client (Champions, Fidèles, À risque…), selon les règles de « Paramètres ». "
                    "Un client sans commande est « Prospect »."),
    ("Segment PMG", "Petits, Moyens ou Gros selon le chiffre d'affaires : par défaut, les 20 % premiers clients "
                    "sont Gros, les 30 % suivants Moyens, les autres Petits."),
    ("Segment Secteur", "Le secteur d'activité du client ; les secteurs de moins de 5 % de la base sont "
                        "regroupés dans « Autres secteurs »."),
    ("Taille", "TPE (moins de 10 salariés), PME (10 à 249), ETI (250 à 4 999), GE (5 000 et plus)."),
    ("Région", "Déduite du code postal ; « Inconnue » s'il manque, « Hors France » pour l'étranger."),
    ("Potentiel", "Pour un Petit client : la raison pour laquelle il pourrait grandir "
                  "(grande entreprise, secteur prioritaire, achats récents et fréquents, CA en forte hausse)."),
)

_SEGMENTS = (
    ("Champions", "Les fidéliser : avantages exclusifs, contact personnel, demande de recommandation."),
    ("À réactiver", "Ils achetaient beaucoup : appel du commercial et offre de retour personnalisée."),
    ("Montée en gamme", "Fidèles mais petit panier : proposer des produits complémentaires ou supérieurs."),
    ("Nouveaux", "Bien les accueillir et obtenir une deuxième commande."),
    ("Fidèles", "Programme de fidélité, information en priorité."),
    ("Prometteurs", "Les accompagner jusqu'à la 2e ou 3e commande."),
    ("À risque", "Appeler pour comprendre et reconquérir avant qu'il ne soit trop tard."),
    ("Perdus", "Une relance automatique à faible coût, puis archiver."),
    ("Prospect", "Obtenir une première commande : offre de bienvenue, démonstration, appel des plus qualifiés."),
    ("Non classé", "Compléter les données manquantes signalées dans « Qualité », puis relancer l'analyse."),
    ("Gros / Moyens / Petits", "Adapter l'effort commercial au poids du client : visite pour les Gros, "
                               "suivi régulier des Moyens, e-mailing pour les Petits, appel ciblé des Petits à potentiel."),
)

_STEPS = (
    "1. Mettez à jour votre liste de clients (ou collez le nouvel export de votre logiciel de facturation).",
    "2. Vérifiez les réglages de la feuille « Paramètres » : cellules jaunes uniquement.",
    "3. Relancez l'analyse : bouton du ruban Excel, ou la commande « segmenter » dans un terminal (segmenter --help).",
    "4. Les colonnes d'analyse, la « Synthèse », le « Plan d'actions » et la feuille « Qualité » sont mis à jour "
    "sur place ; vos propres colonnes, formules et feuilles ne sont pas touchées.",
    "5. Vos textes du « Plan d'actions » sont conservés d'une analyse à l'autre.",
    "Conseil : relancez l'analyse chaque mois ou chaque trimestre pour suivre le passage des clients d'un segment à l'autre.",
)


def build_mode_emploi() -> SheetLayout:
    return SheetLayout(
        name=SHEET,
        blocks=(
            Title("Mode d'emploi"),
            Text.of("Segmentation de vos clients en quelques minutes, directement dans Excel.", style="subtitle"),
            Title("Relancer l'analyse", style="h2", height=None),
            Text(_STEPS, style="text"),
            Table(key="colonnes", caption="Ce que veulent dire les colonnes ajoutées à votre feuille clients",
                  columns=(Column("Colonne", style="label_wrap"), Column("Signification", style="cell_wrap")),
                  rows=_COLUMNS),
            Table(key="segments", caption="Que faire de chaque segment",
                  columns=(Column("Segment", style="label_wrap"), Column("Action conseillée", style="cell_wrap")),
                  rows=_SEGMENTS,
                  note="Le détail (objectif, canal, cadence, indicateurs) est dans la feuille « Plan d'actions »."),
            Table(key="feuilles", caption="Les feuilles du classeur",
                  columns=(Column("Feuille", style="label_wrap"), Column("Contenu", style="cell_wrap")),
                  rows=(
                      ("Synthèse", "Chiffres clés, tableaux et graphiques par segment, points d'attention."),
                      ("Plan d'actions", "Que faire pour chaque segment ; à adapter à votre entreprise."),
                      ("Qualité", "Les problèmes trouvés dans vos données, avec un lien vers chaque cellule."),
                      ("Paramètres", "Les réglages de l'analyse (date, seuils, règles des segments)."),
                      ("Mode d'emploi", "Cette page."),
                  )),
        ),
        col_widths=((1, 2), (2, 24), (3, 100)),
        tab_color="A5A5A5",
        landscape=False,
    )
