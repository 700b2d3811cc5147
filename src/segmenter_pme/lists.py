"""E-mailing and CRM lists from a segmentation (SPEC §9) — rows and columns only, no I/O.

:func:`build_lists` turns a :class:`SegmentationResult` into the frames to
write: one list per RFM segment, per Petits/Moyens/Gros tier and for the
« Petits à potentiel », in the import format of the chosen tool
(:data:`FORMATS`, documented in ``docs/listes.md``); the contacts without a
usable e-mail, left out of those lists, in one list to phone; one tag file
for a CRM. Every cell is already text, formatted and neutralised against
formula injection (:mod:`.safe_text`): the writer only writes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .emails import usable_emails
from .phones import normalize_phones
from .result import SegmentationResult
from .rules import PROSPECT
from .safe_text import neutralize_series

FAMILY_RFM = "Segment RFM"
FAMILY_PMG = "Segment PMG"
POTENTIEL = "Petits à potentiel"
WATCH = "Clients à surveiller"  # were Champions, Fidèles or Gros, now À risque, À réactiver or Perdus
FAMILY_WATCH = "Historique"
PMG_ORDER = ("Gros", "Moyens", "Petits")

#: canonical contact fields, in the order of the plain list
CONTACT_FIELDS = ("client_id", "raison_sociale", "prenom", "nom", "email", "telephone", "code_postal", "ville",
                  "secteur", "region", "segment_rfm", "segment_pmg", "potentiel", "ca_total",
                  "date_dernier_achat", "nb_commandes", "commercial", "tags")
_FROM_CLIENT_TABLE = ("prenom", "nom", "telephone", "ville", "commercial", "email")


@dataclass(frozen=True)
class ListFormat:
    """How one tool wants its contact file: columns (header, contact field), separator, encoding."""

    key: str
    label: str
    columns: tuple[tuple[str, str], ...]
    delimiter: str
    encoding: str  # as Python names it: "utf-8-sig" writes the BOM Excel needs to read accents
    decimal: str = ","
    date_format: str = "%d/%m/%Y"
    phone: str = "national"  # national (06 12 34 56 78 for French numbers) | e164
    tags_separator: str = ", "
    required: tuple[str, ...] = ()  # headers the tool's documentation requires

    def headers(self) -> list[str]:
        return [h for h, _ in self.columns]


_PLAIN = (("Code client", "client_id"), ("Entreprise", "raison_sociale"), ("Prénom", "prenom"), ("Nom", "nom"),
          ("Email", "email"), ("Téléphone", "telephone"), ("Code postal", "code_postal"), ("Ville", "ville"),
          ("Secteur", "secteur"), ("Région", "region"), ("Segment RFM", "segment_rfm"),
          ("Segment PMG", "segment_pmg"), ("CA total", "ca_total"), ("Dernier achat", "date_dernier_achat"),
          ("Commercial", "commercial"), ("Tags", "tags"))
_FRENCH_CRM = (("Société", "raison_sociale"), ("Prénom", "prenom"), ("Nom", "nom"), ("Email", "email"),
               ("Téléphone", "telephone"), ("Code postal", "code_postal"), ("Ville", "ville"),
               ("Référence client", "client_id"), ("Secteur", "secteur"), ("Région", "region"),
               ("Segment RFM", "segment_rfm"), ("Segment PMG", "segment_pmg"), ("Tags", "tags"))

FORMATS: dict[str, ListFormat] = {
    "csv": ListFormat("csv", "CSV (Excel, français)", _PLAIN, ";", "utf-8-sig", required=("Email",)),
    # help.brevo.com « Create a file to import your contacts »: EMAIL attribute, ; , or tab, UTF-8 or
    # Windows-1252, phone numbers with + and country code, attribute names without spaces
    "brevo": ListFormat("brevo", "Brevo", (
        ("EMAIL", "email"), ("PRENOM", "prenom"), ("NOM", "nom"), ("SOCIETE", "raison_sociale"),
        ("LANDLINE_NUMBER", "telephone"), ("CODE_POSTAL", "code_postal"), ("VILLE", "ville"),
        ("CODE_CLIENT", "client_id"), ("SECTEUR", "secteur"), ("REGION", "region"),
        ("SEGMENT_RFM", "segment_rfm"), ("SEGMENT_PMG", "segment_pmg")),
        ";", "utf-8", date_format="%d-%m-%Y", phone="e164", required=("EMAIL",)),
    # mailchimp.com/help « Format guidelines for your import file »: Email Address required, UTF-8,
    # comma-separated file, tags in one column separated by commas
    "mailchimp": ListFormat("mailchimp", "Mailchimp", (
        ("Email Address", "email"), ("First Name", "prenom"), ("Last Name", "nom"), ("Company", "raison_sociale"),
        ("Phone Number", "telephone"), ("Zip", "code_postal"), ("City", "ville"), ("Code client", "client_id"),
        ("Secteur", "secteur"), ("Region", "region"), ("Segment RFM", "segment_rfm"),
        ("Segment PMG", "segment_pmg"), ("Tags", "tags")),
        ",", "utf-8", decimal=".", date_format="%Y-%m-%d", phone="e164", tags_separator=",",
        required=("Email Address",)),
    # knowledge.hubspot.com « Set up your import files »: .csv, a header row matching contact
    # properties, First name / Last name / Email for contacts; UTF-8
    "hubspot": ListFormat("hubspot", "HubSpot", (
        ("First Name", "prenom"), ("Last Name", "nom"), ("Email", "email"), ("Phone Number", "telephone"),
        ("Company Name", "raison_sociale"), ("Postal Code", "code_postal"), ("City", "ville"),
        ("Code client", "client_id"), ("Secteur", "secteur"), ("Région", "region"),
        ("Segment RFM", "segment_rfm"), ("Segment PMG", "segment_pmg")),
        ",", "utf-8", decimal=".", date_format="%Y-%m-%d", phone="e164",
        required=("First Name", "Last Name", "Email")),
    # no public import specification found (docs/listes.md): French headers the import wizard maps
    "sellsy": ListFormat("sellsy", "Sellsy", _FRENCH_CRM, ";", "utf-8-sig", required=("Société", "Email")),
    "axonaut": ListFormat("axonaut", "Axonaut", _FRENCH_CRM, ";", "utf-8-sig", required=("Société", "Email")),
}

NO_EMAIL_COLUMNS = (("Code client", "client_id"), ("Entreprise", "raison_sociale"), ("Prénom", "prenom"),
                    ("Nom", "nom"), ("Téléphone", "telephone"), ("Email (inutilisable)", "email_brut"),
                    ("Ville", "ville"), ("Segment RFM", "segment_rfm"), ("Segment PMG", "segment_pmg"),
                    ("CA total", "ca_total"), ("Dernier achat", "date_dernier_achat"), ("Commercial", "commercial"))
TAG_COLUMNS = (("Code client", "client_id"), ("Entreprise", "raison_sociale"), ("Email", "email"), ("Tags", "tags"))


@dataclass
class ContactList:
    """One file to write: ``frame`` is all text, headers of the format, ready for ``csv``."""

    file_name: str
    family: str  # Segment RFM | Segment PMG | Sans e-mail | Tags CRM
    segment: str
    frame: pd.DataFrame
    left_out: int = 0  # clients of the segment without a usable e-mail


@dataclass
class ListsBundle:
    """What :func:`build_lists` returns: the lists, the « sans e-mail » list and the CRM tags."""

    format: ListFormat
    lists: list[ContactList] = field(default_factory=list)
    no_email: ContactList | None = None
    tags: ContactList | None = None

    def files(self) -> list[ContactList]:
        return [*self.lists, *(x for x in (self.no_email, self.tags) if x is not None)]

    def index(self) -> pd.DataFrame:
        """One row per file: Fichier, Liste, Famille, Contacts, Sans e-mail (écartés)."""
        rows = [(f.file_name, f.segment, f.family, len(f.frame), f.left_out) for f in self.files()]
        return pd.DataFrame(rows, columns=["Fichier", "Liste", "Famille", "Contacts", "Sans e-mail (écartés)"])


# ------------------------------------------------------------------ contacts

def _column(result: SegmentationResult, name: str) -> pd.Series | None:
    feats = result.features
    if name in feats.columns and name not in _FROM_CLIENT_TABLE:
        return feats[name]
    header = result.client_columns.get(name)
    if header is not None and header in result.clients.columns:
        return result.clients[header].reindex(feats.index)
    return feats[name] if name in feats.columns else None


def _text(values: pd.Series | None, index: pd.Index) -> pd.Series:
    if values is None:
        return pd.Series("", index=index, dtype=object)
    obj = values.astype(object)
    out = obj.where(obj.notna(), "").astype(str).str.strip()
    if values.dtype.kind == "f" or (values.dtype == object and values.map(type).eq(float).any()):
        # Excel keeps codes typed as numbers as floats: 1042.0 is the code 1042
        out = out.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return out


def contacts(result: SegmentationResult, rows: np.ndarray | None = None) -> pd.DataFrame:
    """One row per client (index of ``result.features``), canonical columns :data:`CONTACT_FIELDS`.

    ``email`` is the usable address or ``""``; ``email_brut`` what the file holds;
    ``telephone_e164`` the E.164 number or ``""``; ``ca_total`` float,
    ``date_dernier_achat`` datetime; every other column text. ``rows``: the
    positions of the only clients wanted (a call list of a few among thousands).
    """
    if rows is not None:
        result = dataclasses.replace(result, features=result.features.iloc[rows])
    feats = result.features
    idx = feats.index
    out = pd.DataFrame(index=idx)
    for name in ("client_id", "raison_sociale", "prenom", "nom", "ville"):
        out[name] = _text(_column(result, name), idx)
    if "prenom" not in result.client_columns and (out["nom"] != "").any():
        # one « Contact » column holds « Prénom Nom »: the tools want them apart
        parts = [v.split(None, 1) for v in out["nom"].to_numpy(dtype=object)]
        out["prenom"] = [p[0] if len(p) == 2 else "" for p in parts]
        out["nom"] = [p[1] if len(p) == 2 else (p[0] if p else "") for p in parts]
    raw_email = _text(_column(result, "email"), idx)
    out["email"] = usable_emails(raw_email)
    out["email_brut"] = raw_email
    phones = _column(result, "telephone")
    postal = feats["code_postal"] if "code_postal" in feats.columns else None
    if phones is not None:
        e164 = normalize_phones(phones, postal).fillna("")
    else:
        e164 = pd.Series("", index=idx, dtype=object)
    out["telephone_e164"] = e164.astype(object)
    out["telephone_saisi"] = _text(phones, idx)
    out["code_postal"] = _text(postal, idx)
    facts = segment_facts(result)
    out = pd.concat([out.iloc[:, :5], facts[["commercial"]], out.iloc[:, 5:], facts.drop(columns="commercial")],
                    axis=1)
    out["tags"] = crm_tags(out)
    return out


def segment_facts(result: SegmentationResult) -> pd.DataFrame:
    """What :func:`contacts` says of each client besides who he is: ``secteur``, ``region``, ``segment_rfm``,
    ``segment_pmg``, ``commercial`` (text), ``potentiel`` (bool), ``ca_total``, ``date_dernier_achat``,
    ``nb_commandes`` — all that a call list needs to pick its clients."""
    feats = result.features
    idx = feats.index
    out = pd.DataFrame(index=idx)
    out["commercial"] = _text(_column(result, "commercial"), idx)
    out["secteur"] = _text(feats.get("segment_secteur", feats.get("secteur")), idx)
    out["region"] = _text(feats.get("region"), idx)
    out["segment_rfm"] = _text(feats.get("segment_rfm"), idx)
    out["segment_pmg"] = _text(feats.get("segment_pmg"), idx)
    out["potentiel"] = (_text(feats.get("potentiel"), idx) != "") & (out["segment_pmg"] == "Petits")
    out["ca_total"] = pd.to_numeric(feats.get("ca_total"), errors="coerce") if "ca_total" in feats else np.nan
    out["date_dernier_achat"] = (pd.to_datetime(feats["date_dernier_achat"], errors="coerce")
                                 if "date_dernier_achat" in feats else pd.NaT)
    out["nb_commandes"] = pd.to_numeric(feats.get("nb_commandes"), errors="coerce") if "nb_commandes" in feats else np.nan
    return out


def crm_tags(contact: pd.DataFrame, separator: str = ", ") -> pd.Series:
    """``RFM: Champions, PMG: Gros, Secteur: Industrie, Région: Bretagne`` for each contact."""
    # written once per distinct combination, then repeated: 350 000 clients of a 1 M-line run have a few
    # hundred (1.5 s → 0.2 s in one run)
    keys = contact[["segment_rfm", "segment_pmg", "secteur", "region", "potentiel"]]
    distinct = keys.drop_duplicates()
    parts = []
    for prefix, col in (("RFM", "segment_rfm"), ("PMG", "segment_pmg"), ("Secteur", "secteur"),
                        ("Région", "region")):
        values = distinct[col]
        parts.append(np.where(values != "", prefix + ": " + values, ""))
    parts.append(np.where(distinct["potentiel"], "Potentiel: " + POTENTIEL, ""))
    joined = np.array([separator.join(p for p in row if p) for row in zip(*parts)] + [""], dtype=object)
    where = pd.MultiIndex.from_frame(distinct).get_indexer(pd.MultiIndex.from_frame(keys))
    return pd.Series(joined[where], index=contact.index, dtype=object)


# ------------------------------------------------------------------ formatting

def _french_national(e164: pd.Series) -> pd.Series:
    """``+33612345678`` → ``06 12 34 56 78``; other countries stay in E.164."""
    values = e164.to_numpy(dtype=object)
    out = [f"0{v[3]} {v[4:6]} {v[6:8]} {v[8:10]} {v[10:12]}" if len(v) == 12 and v.startswith("+33") else v
           for v in values]
    return pd.Series(out, index=e164.index, dtype=object)


def phone_for_people(contact: pd.DataFrame, *, e164: bool = False) -> pd.Series:
    """The number to dial: ``06 12 34 56 78`` (or E.164), else the text the user typed (still worth a call)."""
    number = contact["telephone_e164"]
    shown = number if e164 else _french_national(number)
    return shown.where(number != "", contact["telephone_saisi"])


def _amounts(values: pd.Series, decimal: str) -> pd.Series:
    text = pd.Series([f"{v:.2f}" if v == v else "" for v in values.to_numpy(dtype=float)], index=values.index,
                     dtype=object)
    return text.str.replace(".", decimal, regex=False) if decimal != "." else text


def _dates(values: pd.Series, date_format: str) -> pd.Series:
    return values.dt.strftime(date_format).fillna("").astype(object)


def format_rows(contact: pd.DataFrame, columns: tuple[tuple[str, str], ...], fmt: ListFormat) -> pd.DataFrame:
    """The contacts as the text cells of one file: ``columns`` (header, field), neutralised."""
    cells: dict[str, pd.Series] = {}
    for header, name in columns:
        if name == "telephone":
            values = phone_for_people(contact, e164=fmt.phone == "e164")
        elif name == "ca_total":
            values = _amounts(contact[name], fmt.decimal)
        elif name == "date_dernier_achat":
            values = _dates(contact[name], fmt.date_format)
        elif name == "tags" and fmt.tags_separator != ", ":
            values = contact[name].str.replace(", ", fmt.tags_separator, regex=False)
        else:
            values = contact[name]
        cells[header] = neutralize_series(values.astype(object))
    return pd.DataFrame(cells, index=contact.index)


# ------------------------------------------------------------------ the lists

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_file_name(name: str, suffix: str = ".csv", max_length: int = 120) -> str:
    """A file name Windows accepts: no ``<>:"/\\|?*``, no trailing dot or space, no reserved name."""
    text = unicodedata.normalize("NFC", _FORBIDDEN.sub("-", name)).strip().rstrip(". ")
    text = re.sub(r"\s+", " ", text)[:max_length].rstrip(". ") or "liste"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text + suffix


def _segments(result: SegmentationResult, contact: pd.DataFrame) -> list[tuple[str, str, str, np.ndarray]]:
    """(family, segment, file stem, row mask) for every list, in the order of « Plan d'actions »."""
    out = []
    rfm_names = [r.name for r in result.settings.regles_segments] + [PROSPECT]
    present = contact["segment_rfm"]
    rfm_names += [n for n in pd.unique(present) if n and n not in rfm_names]
    for name in rfm_names:
        mask = (present == name).to_numpy()
        if mask.any():
            out.append((FAMILY_RFM, name, f"RFM - {name}", mask))
    pmg = contact["segment_pmg"]
    names = list(PMG_ORDER) + [n for n in pd.unique(pmg) if n and n not in PMG_ORDER and n != PROSPECT]
    for name in names:
        mask = (pmg == name).to_numpy()
        if mask.any():
            out.append((FAMILY_PMG, name, f"PMG - {name}", mask))
    pot = contact["potentiel"].to_numpy()
    if pot.any():
        out.append((FAMILY_PMG, POTENTIEL, f"PMG - {POTENTIEL}", pot))
    return out


def build_lists(result: SegmentationResult, fmt: str | ListFormat = "csv",
                watch: pd.DataFrame | None = None) -> ListsBundle:
    """The lists of ``result`` in the format ``fmt`` (a key of :data:`FORMATS`).

    Each segment list holds only the clients with a usable e-mail, largest CA
    first; ``left_out`` counts the others, who are all in ``no_email``
    (phone list, plain French CSV). ``tags`` has every client. ``watch``:
    ``history(…).watch`` (column ``row`` = index of ``result.features``) gives
    one more list, « Clients à surveiller ».
    """
    fmt = FORMATS[fmt] if isinstance(fmt, str) else fmt
    if result.features.empty:
        return ListsBundle(fmt, [], ContactList("Sans e-mail - à appeler.csv", "Sans e-mail",
                                                "Clients sans e-mail utilisable", pd.DataFrame(
                                                    columns=[h for h, _ in NO_EMAIL_COLUMNS])),
                           ContactList("Tags CRM.csv", "Tags CRM", "Tags de tous les clients",
                                       pd.DataFrame(columns=[h for h, _ in TAG_COLUMNS])))
    contact = contacts(result)
    order = np.argsort(-contact["ca_total"].fillna(0).to_numpy(), kind="stable")
    contact = contact.iloc[order]
    has_email = (contact["email"] != "").to_numpy()
    rows = format_rows(contact, fmt.columns, fmt)
    bundle = ListsBundle(fmt)
    used: set[str] = set()
    for family, segment, stem, mask in _segments(result, contact):
        name = safe_file_name(stem)
        while name.casefold() in used:  # two names that differ only by a forbidden character
            stem += "_"
            name = safe_file_name(stem)
        used.add(name.casefold())
        keep = mask & has_email
        bundle.lists.append(ContactList(name, family, segment, rows[keep].reset_index(drop=True),
                                        int((mask & ~has_email).sum())))
    if watch is not None and len(watch):
        mask = contact.index.isin(watch["row"])
        keep = mask & has_email
        bundle.lists.append(ContactList(safe_file_name(WATCH), FAMILY_WATCH, WATCH, rows[keep].reset_index(drop=True),
                                        int((mask & ~has_email).sum())))
    plain = FORMATS["csv"]
    no_email = contact[~has_email]
    bundle.no_email = ContactList("Sans e-mail - à appeler.csv", "Sans e-mail", "Clients sans e-mail utilisable",
                                  format_rows(no_email, NO_EMAIL_COLUMNS, plain).reset_index(drop=True))
    bundle.tags = ContactList("Tags CRM.csv", "Tags CRM", "Tags de tous les clients",
                              format_rows(contact, TAG_COLUMNS, plain).reset_index(drop=True))
    return bundle
