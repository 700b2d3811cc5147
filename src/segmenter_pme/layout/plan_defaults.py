"""Default texts of the « Plan d'actions » sheet, one entry per segment.

Data, not logic: a segment missing here (a rule the user added in
« Paramètres ») gets :func:`default_texts`' generic row built from its rule.
"""

from __future__ import annotations

TEXT_COLUMNS = ("Description", "Objectif", "Actions recommandées", "Canal", "Cadence", "Indicateurs")

_PLAN: dict[str, tuple[str, str, str, str, str, str]] = {
    # --- Segments RFM
    "Champions": (
        "Vos meilleurs clients : achat récent, fréquent et pour un montant élevé.",
        "Les fidéliser durablement et en faire des ambassadeurs.",
        "Avantages exclusifs (conditions préférentielles, avant-premières) ; contact personnel régulier "
        "du commercial ; demande de recommandation et de témoignage.",
        "Téléphone, visite",
        "Trimestrielle",
        "Taux de réachat, CA du segment, nombre de recommandations",
    ),
    "À réactiver": (
        "Clients qui ont beaucoup acheté, mais plus depuis longtemps.",
        "Les faire revenir avant qu'ils ne soient perdus.",
        "Offre de retour personnalisée ; appel du commercial pour comprendre la baisse d'activité "
        "et relancer la relation.",
        "Téléphone, e-mail personnalisé",
        "Immédiate, puis relance à un mois",
        "Taux de réactivation, CA récupéré",
    ),
    "Montée en gamme": (
        "Clients récents et fréquents, mais au panier faible.",
        "Augmenter le panier moyen.",
        "Vente croisée (produits complémentaires) et montée en gamme (offre supérieure, volumes) ; "
        "offres groupées.",
        "E-mail, téléphone",
        "Mensuelle",
        "Panier moyen, nombre de familles de produits achetées, CA du segment",
    ),
    "Nouveaux": (
        "Clients qui ont commandé une seule fois, récemment.",
        "Transformer le premier achat en relation durable.",
        "Parcours d'accueil : message de bienvenue, présentation de l'offre et de l'interlocuteur ; "
        "incitation à une deuxième commande (remise ou service offert).",
        "E-mail, téléphone",
        "À J+7, puis à J+30",
        "Taux de deuxième commande, délai entre la 1re et la 2e commande",
    ),
    "Fidèles": (
        "Clients réguliers et toujours actifs.",
        "Entretenir la fidélité et augmenter la fréquence d'achat.",
        "Programme de fidélité (remise sur volume, services inclus) ; information en priorité "
        "sur les nouveautés.",
        "E-mail, courrier",
        "Mensuelle",
        "Taux de réachat, fréquence d'achat, CA du segment",
    ),
    "Prometteurs": (
        "Clients récents qui ont commandé une ou deux fois.",
        "Les amener à une 2e, puis une 3e commande.",
        "Relances régulières avec du contenu utile (conseils, cas clients) et une offre ciblée "
        "sur leurs besoins.",
        "E-mail",
        "Mensuelle",
        "Taux de 2e et 3e commande, nombre de commandes par client",
    ),
    "À risque": (
        "Clients qui achetaient régulièrement, mais plus ces derniers temps.",
        "Comprendre pourquoi ils s'éloignent et les reconquérir.",
        "Appel de reconquête ou courte enquête de satisfaction ; proposition adaptée aux raisons "
        "évoquées.",
        "Téléphone, e-mail",
        "Dans le mois, puis trimestrielle",
        "Taux de reconquête, motifs de départ recueillis, CA récupéré",
    ),
    "Perdus": (
        "Clients d'un seul achat, ancien.",
        "Tenter une reconquête à faible coût, sinon archiver.",
        "Campagne de reconquête automatisée (e-mail avec une offre) ; sans réponse après deux envois, "
        "archiver le contact.",
        "E-mail, courrier",
        "Semestrielle",
        "Taux de réponse, coût par client reconquis",
    ),
    "Prospect": (
        "Contacts de votre fichier qui n'ont encore jamais commandé.",
        "Obtenir une première commande.",
        "Campagne de conversion : offre de bienvenue, démonstration ou échantillon ; appel du "
        "commercial pour les contacts les plus qualifiés.",
        "E-mail, téléphone",
        "Mensuelle",
        "Taux de conversion, coût d'acquisition d'un client",
    ),
    "Non classé": (
        "Clients qui ont commandé mais dont une donnée manque (date du dernier achat, par exemple) : "
        "ils n'ont pas pu être notés.",
        "Compléter leurs données pour les classer.",
        "Compléter les valeurs signalées dans la feuille « Qualité », puis relancer l'analyse.",
        "—",
        "Avant la prochaine analyse",
        "Nombre de clients non classés",
    ),
    # --- Petits / Moyens / Gros
    "Gros": (
        "Les clients qui réalisent l'essentiel de votre CA (par défaut, les 20 % premiers).",
        "Sécuriser et développer ces comptes.",
        "Un interlocuteur dédié (responsable de compte) ; rendez-vous trimestriel de suivi : bilan, "
        "besoins, projets ; conditions négociées.",
        "Visite, téléphone",
        "Trimestrielle",
        "CA par client, taux de rétention, part du CA réalisée par les Gros",
    ),
    "Moyens": (
        "Les clients suivants par CA (par défaut, les 30 % après les Gros).",
        "Les faire grandir vers les Gros clients.",
        "Suivi régulier par le commercial ; plan de croissance par compte (nouveaux produits, volumes).",
        "Téléphone, e-mail",
        "Tous les deux mois",
        "Évolution du CA par client, panier moyen, nombre de clients devenus Gros",
    ),
    "Petits": (
        "La moitié de vos clients au CA le plus faible.",
        "Les servir au moindre coût commercial.",
        "E-mailings automatisés ; commande en libre-service (site, catalogue, bon de commande) ; "
        "pas de visite.",
        "E-mail",
        "Mensuelle (automatisée)",
        "Coût commercial par client, taux d'ouverture des e-mails, CA du segment",
    ),
    "Petits à potentiel": (
        "Petits clients avec un signe de potentiel (grande entreprise, secteur prioritaire, achats "
        "récents et fréquents, CA en forte hausse) : la raison est dans la colonne Potentiel.",
        "Repérer ceux qui peuvent devenir des Moyens ou des Gros.",
        "Appel ciblé du commercial pour qualifier le potentiel, puis proposition adaptée.",
        "Téléphone",
        "Trimestrielle",
        "Nombre de clients devenus Moyens ou Gros, CA par client",
    ),
}


def default_texts(segment: str, rule_text: str | None = None) -> dict[str, str]:
    """The six text columns for ``segment``; a generic row for a segment we do not know."""
    if segment in _PLAN:
        return dict(zip(TEXT_COLUMNS, _PLAN[segment]))
    description = (
        f"Segment défini dans « Paramètres » ({rule_text})." if rule_text else "Segment défini dans « Paramètres »."
    )
    return dict(zip(TEXT_COLUMNS, (description, "À définir.", "À compléter.", "", "", "")))


KNOWN_SEGMENTS: tuple[str, ...] = tuple(_PLAN)
