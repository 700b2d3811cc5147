"""Match the user's headers to canonical fields, and find the header row.

Matching ignores case, accents, spacing and punctuation. Order of precedence:
the user's override (``Paramètres``), our French aliases (fields.py), the
headers of real exports (refdata/export_headers.csv), then the same after
dropping unit words (``CA total (€)``, ``Montant HT 2024``). A header is used
for one field at most; a field takes the first header that matches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Sequence

from .errors import SettingsError
from .fields import CLIENT_FIELDS, INVOICE_FIELDS, Field
from .refdata import export_headers, fold

SHAPES = ("clients", "factures")

# export_headers.csv canonical names → ours, per shape (absent = not used)
_EXPORT_TO_CLIENT = {
    "client_id": "client_id", "raison_sociale": "raison_sociale", "client": "raison_sociale",
    "nom_client": "raison_sociale", "nom": "nom", "prenom": "prenom", "email": "email",
    "telephone": "telephone", "mobile": "telephone", "code_postal": "code_postal", "ville": "ville",
    "pays": "pays", "region": "region", "siret": "siret", "siren": "siren", "code_naf": "code_naf",
    "nb_commandes": "nb_commandes", "ca_total": "ca_total", "ca_total_ttc": "ca_total",
    "ventes_nettes": "ca_total", "adresse1": "adresse", "famille_client": "secteur", "commercial": "commercial",
    # WooCommerce › Analytics › Clients, column « Last active » (client/analytics/report/customers/table.js,
    # key date_last_active): a guest's last order, a registered customer's last visit — the only
    # recency that export has, so it stands for the last purchase
    "date_derniere_activite": "date_dernier_achat",
}
_EXPORT_TO_INVOICE = {
    "client_id": "client_id", "raison_sociale": "raison_sociale", "client": "raison_sociale",
    "nom_client": "raison_sociale", "date_facture": "date_facture", "date_commande": "date_facture",
    "numero_facture": "numero_facture", "numero_commande": "numero_facture", "commande_id": "numero_facture",
    "montant_ht": "montant_ht", "montant_ht_signe": "montant_ht", "montant_ttc": "montant_ttc",
    "montant_ttc_signe": "montant_ttc", "net_a_payer": "montant_ttc", "type_piece": "type_piece",
    "ventes_nettes": "montant_ht", "email": "email",
}

_NOISE = {"eur", "euro", "euros", "e", "en", "du", "de", "la", "le", "total", "cumule", "n", "no", "num"}
_YEAR = re.compile(r"^(19|20)\d\d$")


def normalize_header(text: Any) -> str:
    """``"  Date  dernier-achat (JJ/MM) "`` → ``"date dernier achat jj mm"``."""
    if text is None:
        return ""
    # dots vanish rather than split: « C.A. total » is « CA total »
    return fold(str(text).replace("°", " ").replace("º", " ").replace(".", ""))


def header_list(headers: Iterable[Any], limit: int = 300) -> str:
    """« A », « B »… — whole headers only, then « et N autres » (never a header cut mid-word)."""
    shown: list[str] = []
    names = [str(h) for h in headers if h is not None and str(h).strip()]
    length = 0
    for name in names:
        item = f"« {name} »"
        if shown and length + len(item) > limit:
            break
        shown.append(item)
        length += len(item) + 2
    rest = len(names) - len(shown)
    text = ", ".join(shown) or "aucun"
    return text + (f" et {rest} autre{'s' if rest > 1 else ''}" if rest else "")


def _strip_noise(folded: str) -> str:
    words = [w for w in folded.split() if w not in _NOISE and not _YEAR.match(w) and w != "ht" and w != "ttc"]
    return " ".join(words)


@lru_cache(maxsize=None)
def _alias_tables(shape: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    fields = CLIENT_FIELDS if shape == "clients" else INVOICE_FIELDS
    own: dict[str, str] = {}
    for f in fields:
        for alias in (f.label, f.name.replace("_", " ")) + f.aliases:
            own.setdefault(normalize_header(alias), f.name)
    exports: dict[str, str] = {}
    translate = _EXPORT_TO_CLIENT if shape == "clients" else _EXPORT_TO_INVOICE
    for row in export_headers():
        target = translate.get(row["champ_canonique"].strip())
        if target:
            exports.setdefault(normalize_header(row["en_tete"]), target)
    loose: dict[str, str] = {}
    for table in (own, exports):
        for alias, name in table.items():
            key = _strip_noise(alias)
            if key:
                loose.setdefault(key, name)
    return own, exports, loose


def fields_of(shape: str) -> tuple[Field, ...]:
    return CLIENT_FIELDS if shape == "clients" else INVOICE_FIELDS


def map_columns(
    headers: Sequence[Any],
    shape: str,
    overrides: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
) -> dict[str, Any]:
    """Canonical field → the user's header (as given) for one sheet.

    ``overrides`` maps canonical field → header text (from ``Paramètres``); an
    override naming a header that is not in the sheet is a :class:`SettingsError`.
    """
    if shape not in SHAPES:
        raise ValueError(shape)
    own, exports, loose = _alias_tables(shape)
    valid = {f.name for f in fields_of(shape)}
    folded = [(h, normalize_header(h)) for h in headers if h is not None and normalize_header(h)]
    mapping: dict[str, Any] = {}
    used: set[int] = set()
    for fld, header in (overrides or {}).items():
        if fld not in valid:
            continue
        target = normalize_header(header)
        hit = next((i for i, (_, f) in enumerate(folded) if f == target), None)
        if hit is None:
            where = (f" du fichier « {sheet} »" if str(sheet).lower().endswith((".csv", ".txt"))
                     else f" de la feuille « {sheet} »") if sheet else ""
            if fld in getattr(overrides, "from_command_line", ()):
                from .fields import FIELD_LABELS

                raise SettingsError(
                    f"L'option --colonne \"{FIELD_LABELS.get(fld, fld)}={header}\" désigne la colonne « {header} », "
                    f"absente des en-têtes{where}. En-têtes présents : "
                    f"{header_list([h for h, _ in folded])}. Corrigez l'en-tête après le signe =."
                )
            raise SettingsError(
                f"Le paramètre colonne_{fld} désigne la colonne « {header} », absente des en-têtes{where}. "
                "Corrigez le nom dans « Paramètres » ou videz la cellule."
            )
        mapping[fld] = folded[hit][0]
        used.add(hit)
    for table, transform in ((own, None), (exports, None), (loose, _strip_noise)):
        for i, (original, f) in enumerate(folded):
            if i in used:
                continue
            key = transform(f) if transform else f
            name = table.get(key)
            if name and name not in mapping:
                mapping[name] = original
                used.add(i)
    return mapping


class ColumnOverrides(dict):
    """Canonical field → the user's header, remembering which came from the command line (``--colonne``)."""

    def __init__(self, items=(), from_command_line: Iterable[str] = ()):
        super().__init__(items)
        self.from_command_line = frozenset(from_command_line)


def field_of_label(text: str) -> str | None:
    """The canonical field a user names in ``--colonne "CA total=…"``: label, name or alias, either shape."""
    key = normalize_header(text)
    for shape in SHAPES:
        own, exports, _loose = _alias_tables(shape)
        if key in own:
            return own[key]
    for shape in SHAPES:
        _own, exports, _loose = _alias_tables(shape)
        if key in exports:
            return exports[key]
    return None


#: how a column can be named, by input: ``cli`` (a CSV, or a workbook without « Paramètres »),
#: ``excel`` (the ribbon), ``both`` (a workbook run by the command)
def naming_advice(fields: Sequence[str], kind: str = "both") -> str:
    """What to do when the analysis does not find ``fields``: the option or the « Paramètres » line to fill."""
    from .fields import FIELD_LABELS

    labels = [FIELD_LABELS.get(f, f) for f in fields]
    option = " ".join(f'--colonne "{label}=VOTRE EN-TÊTE"' for label in labels)
    rows = ", ".join(f"« {label} »" for label in labels)
    cli = f"relancez la commande avec l'option {option}"
    excel = (f"écrivez votre en-tête dans la feuille « Paramètres », tableau « Correspondance des colonnes », "
             f"ligne {rows} (bouton « Paramètres » du ruban si la feuille n'existe pas encore)")
    if kind == "cli":
        return f"Renommez la colonne concernée, ou {cli}."
    if kind == "excel":
        return f"Renommez la colonne concernée, ou {excel}."
    return (f"Renommez la colonne concernée, ou {cli}, ou écrivez votre en-tête dans la feuille « Paramètres », "
            f"tableau « Correspondance des colonnes », ligne {rows}.")


#: the command's option for a setting of « Paramètres » (the ``cli`` way of changing it)
_SETTING_OPTIONS = {"date_analyse": "avec l'option --date AAAA-MM-JJ",
                    "seuil_doublons": "avec l'option --seuil de « segmenter nettoie »"}


def setting_advice(key: str, kind: str = "both") -> str:
    """Where to change the setting ``key`` for this input (same kinds as :func:`naming_advice`).

    « avec l'option --date AAAA-MM-JJ » (a CSV, a workbook without « Paramètres »), « dans la cellule
    « Date d'analyse » de la feuille « Paramètres » » (the ribbon), or both (a workbook run by the command).
    """
    from .settings import SETTING_SPECS

    label = next(s.label for s in SETTING_SPECS if s.key == key)
    cell = f"dans la cellule « {label} » de la feuille « Paramètres »"
    option = _SETTING_OPTIONS.get(key)
    if kind == "cli":
        # no option for it: a rerun of a CSV reads the settings back from the workbook it made
        return option or f"{cell} du classeur écrit, puis relancez la même commande (elle y relit vos paramètres)"
    if kind == "excel" or option is None:
        return cell
    return f"{option} ou {cell}"


def readvise_settings(text: str, kind: str) -> str:
    """``text`` (a message of the core, which words a setting's advice for both front ends) with the advice that
    works for this input (:func:`setting_advice`'s kinds)."""
    from .settings import SETTING_SPECS

    for spec in SETTING_SPECS:
        both = setting_advice(spec.key)
        if both in text:
            text = text.replace(both, setting_advice(spec.key, kind))
    return text


def readvise(err, kind: str):
    """``err`` (a :class:`MissingColumnError` of the core) with the advice that works for this input."""
    fields = getattr(err, "fields", None)
    head = getattr(err, "head", None)
    if fields and head is not None:
        err.message = f"{head} {naming_advice(fields, kind)}"
        err.args = (err.message,)
    return err


def shape_score(mapping: dict[str, Any], shape: str) -> int:
    """How strongly a mapped header row looks like ``shape`` (0 = not at all)."""
    if shape == "clients":
        core = sum(k in mapping for k in ("date_dernier_achat", "nb_commandes", "ca_total", "date_premier_achat"))
        keys = any(k in mapping for k in ("client_id", "raison_sociale", "nom"))
        return (3 * core + len(mapping)) if keys and (core or len(mapping) >= 3) else 0
    has_amount = "montant_ht" in mapping or "montant_ttc" in mapping
    keys = "client_id" in mapping or "raison_sociale" in mapping
    if not (has_amount and keys and "date_facture" in mapping):
        return 0
    return 6 + len(mapping)


@dataclass
class HeaderGuess:
    """Where a table starts in a sheet: ``row`` (0-based in the rows given) and its shape."""

    row: int
    shape: str
    mapping: dict[str, Any] = field(default_factory=dict)
    score: int = 0


def find_header_row(
    rows: Iterable[Sequence[Any]],
    *,
    max_scan: int = 30,
    overrides: dict[str, str] | None = None,
) -> HeaderGuess | None:
    """Best header row among the first ``max_scan`` rows of raw cell values.

    Title rows, blank rows and notes above the table are skipped. Returns None
    when no row looks like a client table or invoice lines.
    """
    best: HeaderGuess | None = None
    for i, row in enumerate(rows):
        if i >= max_scan:
            break
        cells = [c for c in row if isinstance(c, str) and c.strip()]
        if len(cells) < 2:
            continue
        for shape in SHAPES:
            try:
                mapping = map_columns(list(row), shape, overrides)
            except SettingsError:
                mapping = map_columns(list(row), shape)
            score = shape_score(mapping, shape)
            if score and (best is None or score > best.score):
                best = HeaderGuess(i, shape, mapping, score)
    return best
