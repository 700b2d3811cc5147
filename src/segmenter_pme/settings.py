"""Every threshold of the analysis, in one frozen object.

:class:`Settings` converts to and from a two-column table (``Paramètre``,
``Valeur``) so that the ``Paramètres`` sheet can hold it; :data:`SETTING_SPECS`
gives each setting its French label and comment for that sheet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from .errors import SettingsError
from .rules import DEFAULT_RULES, SegmentRule, validate_rules
from .blank import is_blank

if TYPE_CHECKING:  # annotations only: pandas is imported where a frame is built
    import pandas as pd

RFM_MODES = ("quintiles", "seuils")
#: below this confidence a « duplicate » is a guess: the cleaning would merge different clients
SEUIL_DOUBLONS_MIN = 50.0
#: analysis dates the date arithmetic (and Excel's calendar) can hold
DATE_ANALYSE_MIN, DATE_ANALYSE_MAX = dt.date(1900, 3, 1), dt.date(2200, 12, 31)
PMG_METHODS = ("rang", "part_ca")
PERIOD_KINDS = ("trimestre", "mois")
WEEK_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
#: the day themes of « Priorités de la semaine » (what each selects: segmenter_pme.week.THEMES)
WEEK_THEMES = ("gros", "moyens", "prospects", "a_risque", "nouveaux", "champions", "a_reactiver")


@dataclass(frozen=True)
class Settings:
    """All settings. Percentages are written as the user reads them (20 = 20 %)."""

    date_analyse: dt.date | None = None
    ecart_date_analyse: int = 90
    mode_rfm: str = "quintiles"
    seuils_r: tuple[int, int, int, int] = (30, 90, 180, 365)
    seuils_f: tuple[int, int, int, int] = (10, 5, 3, 2)
    seuils_m: tuple[float, float, float, float] = (10_000, 5_000, 2_000, 500)
    regles_segments: tuple[SegmentRule, ...] = DEFAULT_RULES
    methode_pmg: str = "rang"
    pmg_gros_pct: float = 20.0
    pmg_moyens_pct: float = 50.0
    pmg_gros_part_ca: float = 80.0
    pmg_moyens_part_ca: float = 95.0
    secteurs_prioritaires: tuple[str, ...] = ()
    croissance_potentiel: float = 1.5
    seuil_petit_segment: float = 5.0
    max_segments: int = 8
    seuil_regroupement_secteurs: float = 5.0
    inactivite_annees: float = 3.0
    seuil_doublons: float = 90.0
    periode_historique: str = "trimestre"
    nombre_periodes: int = 8
    fenetre_campagne: int = 30
    signal_croissance: float = 30.0
    signal_ca_par_client: float = 2.0
    signal_taille_min: int = 5
    # « Priorités de la semaine »: the guide's weekly routine, one theme per day (keys of week.THEMES)
    semaine_lundi: str = "gros"
    semaine_mardi: str = "moyens"
    semaine_mercredi: str = "prospects"
    semaine_jeudi: str = "a_risque"
    semaine_vendredi: str = "nouveaux"
    appels_par_jour: int = 10
    devis_jours: int = 90
    colonnes: tuple[tuple[str, str], ...] = ()
    #: fields of ``colonnes`` given by ``--colonne`` on the command line (for messages; not a setting)
    colonnes_commande: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode_rfm not in RFM_MODES:
            raise SettingsError(f"Mode RFM inconnu « {self.mode_rfm} » : choisissez quintiles ou seuils.")
        if self.methode_pmg not in PMG_METHODS:
            raise SettingsError(f"Méthode PMG inconnue « {self.methode_pmg} » : choisissez rang ou part_ca.")
        if not SEUIL_DOUBLONS_MIN <= self.seuil_doublons <= 100:
            raise SettingsError(
                f"La confiance minimale pour fusionner des doublons (seuil_doublons) doit être entre "
                f"{SEUIL_DOUBLONS_MIN:g} et 100 (reçu {self.seuil_doublons:g}) : plus bas, des clients différents "
                "seraient fusionnés."
            )
        if self.date_analyse is not None and not DATE_ANALYSE_MIN <= self.date_analyse <= DATE_ANALYSE_MAX:
            raise SettingsError(
                f"Date d'analyse {self.date_analyse:%d/%m/%Y} hors limites : choisissez une date entre le "
                f"{DATE_ANALYSE_MIN:%d/%m/%Y} et le {DATE_ANALYSE_MAX:%d/%m/%Y}."
            )
        _check_desc("seuils_f", self.seuils_f)
        _check_desc("seuils_m", self.seuils_m)
        if list(self.seuils_r) != sorted(self.seuils_r) or len(set(self.seuils_r)) != 4:
            raise SettingsError(
                "Les seuils de récence (seuils_r) doivent être 4 nombres de jours croissants, ex. 30 ; 90 ; 180 ; 365."
            )
        if not (0 < self.pmg_gros_pct < self.pmg_moyens_pct < 100):
            raise SettingsError(
                "Les pourcentages PMG doivent vérifier 0 < Gros < Moyens < 100 "
                f"(reçu {self.pmg_gros_pct:g} et {self.pmg_moyens_pct:g})."
            )
        if not (0 < self.pmg_gros_part_ca < self.pmg_moyens_part_ca <= 100):
            raise SettingsError(
                "Les parts de CA PMG doivent vérifier 0 < Gros < Moyens ≤ 100 "
                f"(reçu {self.pmg_gros_part_ca:g} et {self.pmg_moyens_part_ca:g})."
            )
        if self.periode_historique not in PERIOD_KINDS:
            raise SettingsError(f"Période d'historique inconnue « {self.periode_historique} » : "
                                "choisissez trimestre ou mois.")
        if not 1 <= self.nombre_periodes <= 60:
            raise SettingsError(f"Le nombre de périodes de l'historique doit être entre 1 et 60 "
                                f"(reçu {self.nombre_periodes}).")
        if self.ecart_date_analyse < 1:
            raise SettingsError(f"L'écart signalé entre dernier achat et date d'analyse doit être d'au moins 1 jour "
                                f"(reçu {self.ecart_date_analyse}).")
        if self.fenetre_campagne < 1:
            raise SettingsError(f"La fenêtre de campagne par défaut doit être d'au moins 1 jour "
                                f"(reçu {self.fenetre_campagne}).")
        if self.signal_ca_par_client <= 0 or self.signal_taille_min < 1:
            raise SettingsError("Les seuils des signaux faibles doivent être positifs (CA par client > 0, "
                                "taille minimale d'un groupe ≥ 1 client).")
        for day in WEEK_DAYS:
            theme = getattr(self, f"semaine_{day}")
            if theme not in WEEK_THEMES:
                raise SettingsError(f"Thème inconnu « {theme} » pour le {day} : choisissez parmi "
                                    f"{', '.join(WEEK_THEMES)}.")
        if not 1 <= self.appels_par_jour <= 500:
            raise SettingsError(f"Le nombre d'appels par jour doit être entre 1 et 500 (reçu {self.appels_par_jour}).")
        if not 1 <= self.devis_jours <= 3650:
            raise SettingsError(f"L'âge maximal d'un devis en cours doit être entre 1 et 3650 jours "
                                f"(reçu {self.devis_jours}).")
        validate_rules(self.regles_segments)

    @property
    def column_overrides(self) -> dict[str, str]:
        from .headers import ColumnOverrides

        return ColumnOverrides(self.colonnes, self.colonnes_commande)

    def with_columns(self, columns: dict[str, str] | None) -> "Settings":
        """These settings with ``--colonne`` choices (canonical field → header) over « Paramètres »' ones."""
        if not columns:
            return self
        merged = dict(self.colonnes) | dict(columns)
        return self.replace(colonnes=tuple(merged.items()), colonnes_commande=tuple(columns))

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    def to_table(self) -> pd.DataFrame:
        """Two columns, ``Paramètre`` and ``Valeur`` (text or number), one row per setting."""
        rows = []
        for spec in SETTING_SPECS:
            rows.append((spec.key, spec.format(getattr(self, spec.key))))
        for i, rule in enumerate(self.regles_segments, start=1):
            rows.append((f"segment_{i}", rule.to_text()))
        for fld, header in self.colonnes:
            rows.append((f"colonne_{fld}", header))
        import pandas as pd  # not at module level: `import segmenter_pme` stays free of pandas (issue 16)

        return pd.DataFrame(rows, columns=["Paramètre", "Valeur"])


def _check_desc(name: str, values: tuple) -> None:
    if list(values) != sorted(values, reverse=True) or len(set(values)) != len(values):
        raise SettingsError(f"Les seuils {name} doivent être 4 nombres décroissants, ex. 10 ; 5 ; 3 ; 2.")


def _num(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.rstrip("%€").replace(",", ".")
    return float(text)


def _num_list(value: Any) -> tuple[float, ...]:
    parts = [p for p in re.split(r"[;|/]", str(value)) if p.strip()]
    nums = tuple(_num(p) for p in parts)
    if len(nums) != 4:
        raise ValueError("4 values expected")
    return nums


def _int_list(value: Any) -> tuple[int, ...]:
    return tuple(int(round(v)) for v in _num_list(value))


def _date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    from .parsing import in_date_range, parse_dates  # the same French formats and range as the data
    from .problems import ERROR

    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not in_date_range(value):  # « 01/01/3000 » typed as a date: no analysis holds it
            raise ValueError(value)
        return value
    import pandas as pd

    parsed, issues = parse_dates(pd.Series([value], dtype=object))
    if any(i.severity == ERROR for i in issues) or pd.isna(parsed.iloc[0]):
        raise ValueError(value)
    if any(i.code == "date_annee_deux_chiffres" for i in issues):
        # refused, not warned: this one date sets every client's recency, and an analysis in the 1900s
        # (« 01/06/36 » is 1936 for Excel) is never meant — a remark in « Qualité » would come after wrong results
        raise SettingsError(f"La date d'analyse « {value} » n'a que deux chiffres d'année : Excel la lit comme le "
                            f"{parsed.iloc[0]:%d/%m/%Y}. Saisissez l'année sur quatre chiffres (JJ/MM/AAAA).")
    return parsed.iloc[0].date()


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower().replace(" ", "_")
        text = {"part_du_ca": "part_ca", "seuil": "seuils", "quintile": "quintiles", "trimestres": "trimestre",
                "trimestriel": "trimestre", "mensuel": "mois", "à_risque": "a_risque",
                "à_réactiver": "a_reactiver", "a_réactiver": "a_reactiver"}.get(text, text)
        if text not in choices:
            raise ValueError(text)
        return text

    return parse


def _names(value: Any) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    return tuple(p.strip() for p in re.split(r"[;|]", str(value)) if p.strip())


def _fmt_list(values: tuple) -> str:
    return " ; ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    comment: str
    expected: str
    parse: Callable[[Any], Any]
    format: Callable[[Any], Any] = field(default=lambda v: v)


def _pct(v: Any) -> float:
    x = _num(v)
    if isinstance(v, float) and 0 < v < 1:  # a cell formatted as % holds 0.2 for 20 %
        x = v * 100
    if not 0 <= x <= 100:
        raise ValueError(x)
    return x


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("date_analyse", "Date d'analyse",
                "Vide = date du jour. Fixez-la pour rejouer un ancien export ; les achats postérieurs sont ignorés.",
                "une date JJ/MM/AAAA ou une cellule vide", _date,
                lambda v: v if v is not None else ""),
    SettingSpec("ecart_date_analyse", "Écart signalé entre dernier achat et date d'analyse (jours)",
                "Si le dernier achat du fichier est plus ancien, la Synthèse propose d'analyser à la date de l'export.",
                "un nombre entier de jours", lambda v: int(_num(v))),
    SettingSpec("mode_rfm", "Mode de calcul des scores RFM",
                "quintiles : 5 groupes de taille égale selon votre base ; seuils : bornes fixes ci-dessous.",
                "quintiles ou seuils", _choice(RFM_MODES)),
    SettingSpec("seuils_r", "Seuils de récence (jours) pour R = 5 ; 4 ; 3 ; 2",
                "Mode seuils : dernier achat il y a au plus 30 jours → R = 5, 90 → 4, 180 → 3, 365 → 2, au-delà → 1.",
                "4 nombres de jours croissants séparés par ;", _int_list, _fmt_list),
    SettingSpec("seuils_f", "Seuils de fréquence (commandes) pour F = 5 ; 4 ; 3 ; 2",
                "Mode seuils : au moins 10 commandes → F = 5, 5 → 4, 3 → 3, 2 → 2, 1 → 1.",
                "4 nombres décroissants séparés par ;", _int_list, _fmt_list),
    SettingSpec("seuils_m", "Seuils de montant (€) pour M = 5 ; 4 ; 3 ; 2",
                "Mode seuils : au moins 10 000 € de CA → M = 5, 5 000 → 4, 2 000 → 3, 500 → 2, sinon 1.",
                "4 montants décroissants séparés par ;", _num_list, _fmt_list),
    SettingSpec("methode_pmg", "Méthode Petits / Moyens / Gros",
                "rang : les 20 % premiers clients par CA sont Gros, les 30 % suivants Moyens ; "
                "part_ca : Gros jusqu'à 80 % du CA cumulé, Moyens jusqu'à 95 %.",
                "rang ou part_ca", _choice(PMG_METHODS)),
    SettingSpec("pmg_gros_pct", "Part des clients classés Gros (%)", "Méthode rang.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("pmg_moyens_pct", "Part cumulée des clients Gros + Moyens (%)", "Méthode rang : 50 = 20 % Gros + 30 % Moyens.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("pmg_gros_part_ca", "Part du CA cumulé des Gros (%)", "Méthode part_ca.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("pmg_moyens_part_ca", "Part du CA cumulé des Gros + Moyens (%)", "Méthode part_ca.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("secteurs_prioritaires", "Secteurs prioritaires",
                "Un Petit client de ces secteurs est signalé « à potentiel ». Séparez par ;",
                "des noms de secteurs séparés par ;", _names, lambda v: " ; ".join(v)),
    SettingSpec("croissance_potentiel", "Croissance du CA signalant un potentiel",
                "Un Petit dont le CA des 12 derniers mois atteint 1,5 × celui des 12 mois d'avant est « à potentiel ».",
                "un nombre, ex. 1,5", _num),
    SettingSpec("seuil_petit_segment", "Taille minimale d'un segment (% de la base)",
                "Un segment plus petit ne justifie pas d'actions propres : il est signalé dans la Synthèse.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("max_segments", "Nombre maximal de segments conseillé",
                "Au-delà, la Synthèse conseille de regrouper des segments (le guide : 4 à 8).",
                "un nombre entier", lambda v: int(_num(v))),
    SettingSpec("seuil_regroupement_secteurs", "Regrouper les secteurs sous (% de la base)",
                "Les secteurs plus petits sont regroupés dans « Autres secteurs ».",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("inactivite_annees", "Client inactif après (années sans achat)",
                "Utilisé par l'audit de la base.", "un nombre d'années", _num),
    SettingSpec("seuil_doublons", "Confiance minimale pour fusionner des doublons (%)",
                "Utilisé par le nettoyage : seuls les groupes au-dessus de ce seuil sont fusionnés.",
                "un pourcentage entre 0 et 100", _pct),
    SettingSpec("periode_historique", "Période de l'historique",
                "trimestre : le tableau de bord « Évolution » compare des trimestres civils (le guide : une revue "
                "par trimestre) ; mois : des mois civils.",
                "trimestre ou mois", _choice(PERIOD_KINDS)),
    SettingSpec("nombre_periodes", "Nombre de périodes de l'historique",
                "Combien de trimestres (ou de mois) « Évolution » remonte, jamais avant la première facture.",
                "un nombre entier entre 1 et 60", lambda v: int(_num(v))),
    SettingSpec("fenetre_campagne", "Fenêtre de campagne par défaut (jours)",
                "Une campagne compte les achats des ciblés dans ce nombre de jours après l'envoi, "
                "si sa ligne de « Campagnes » ne donne pas sa propre fenêtre.",
                "un nombre de jours", lambda v: int(_num(v))),
    SettingSpec("signal_croissance", "Signal faible : croissance au-dessus de la base (points)",
                "Un groupe secteur × région ou secteur × taille est signalé si son CA des 12 derniers mois a crû "
                "d'au moins 30 points de plus que celui de toute la base.",
                "un nombre de points de %, ex. 30", _num),
    SettingSpec("signal_ca_par_client", "Signal faible : CA par client (× la base)",
                "… ou si son CA des 12 derniers mois par client atteint 2 × celui de la base.",
                "un nombre, ex. 2", _num),
    SettingSpec("signal_taille_min", "Signal faible : clients minimum par groupe",
                "Un groupe plus petit n'est pas signalé : trop peu de clients pour conclure.",
                "un nombre entier", lambda v: int(_num(v))),
    *(SettingSpec(f"semaine_{day}", f"Priorités de la semaine : thème du {day}",
                  comment, "gros, moyens, prospects, a_risque, nouveaux, champions ou a_reactiver",
                  _choice(WEEK_THEMES))
      for day, comment in zip(WEEK_DAYS, (
          "gros : les devis en cours (quand les factures en ont), puis les Gros clients.",
          "moyens : les Moyens, avec une offre de montée en gamme.",
          "prospects : les prospects et les Petits à potentiel des secteurs prioritaires.",
          "a_risque : les clients À risque ou À réactiver au plus gros CA.",
          "nouveaux : les Nouveaux clients, à accueillir.")
      )),
    SettingSpec("appels_par_jour", "Priorités de la semaine : appels par jour (par commercial)",
                "Longueur de chaque liste du jour ; un client n'apparaît qu'une fois dans la semaine.",
                "un nombre entier entre 1 et 500", lambda v: int(_num(v))),
    SettingSpec("devis_jours", "Priorités de la semaine : âge maximal d'un devis en cours (jours)",
                "Le lundi appelle les clients dont un devis (type « Devis » dans les factures) a au plus cet âge "
                "et n'a été suivi d'aucune facture du client depuis sa date, ni d'une facture de même numéro.",
                "un nombre de jours entre 1 et 3650", lambda v: int(_num(v))),
)


DEFAULT_SETTINGS = Settings()
