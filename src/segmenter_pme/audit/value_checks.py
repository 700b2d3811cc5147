"""Audit checks of the values themselves: wrong values (identifiers, e-mails, postal codes, dates, CA, order
counts) and the damage Excel did to values, which « Nettoyer » repairs. Problems frames as in :mod:`.checks`."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..emails import EMAIL_PATTERN as _EMAIL
from ..fr import fr_date
from ..headers import setting_advice
from ..parsing import ID_SEPARATORS, PY_SPACES
from ..profile import identifiers_are_valid
from ..refdata import departements
from .checks import as_text, empty_problems, label, of_type, problem_rows


def number_cells(values: pd.Series) -> pd.Series:
    """The cells holding a number (not a bool, not NaN): an identifier Excel stored as a number."""
    out = of_type(values, (int, float, np.integer, np.floating)) & ~of_type(values, bool)
    return pd.Series(out & values.notna().to_numpy(dtype=bool), index=values.index)


def text_cells(values: pd.Series) -> pd.Series:
    """The cells holding text other than spaces: a date typed as text."""
    out = of_type(values, str)
    data = values.to_numpy(dtype=object)
    k = np.flatnonzero(out)
    out[k] = [data[i].strip() != "" for i in k]
    return pd.Series(out, index=values.index)


class RawText(dict):
    """:func:`~.checks.as_text` of the columns of ``raw`` (the cells as read), each made once when first asked for:
    the invalid values and the Excel damage read the same postal codes and identifiers (100 000 clients, with
    :func:`number_cells` and :func:`text_cells` instead of a predicate per value: the two checks 0,38 s → 0,29 s of CPU,
    medians of 3, same run)."""

    def __init__(self, raw: pd.DataFrame):
        super().__init__()
        self.raw = raw

    def __missing__(self, column: str) -> pd.Series:
        self[column] = text = as_text(self.raw[column])
        return text


def _french_postal(codes: pd.Series) -> pd.Series:
    """True where the 5-character code belongs to a French département, DROM/COM or Monaco."""
    depts = {k for k in departements() if len(k) == 2 and k.isdigit()}
    two = codes.str[:2]
    three = codes.str[:3]
    ok = codes.str.fullmatch(r"\d{5}") & two.isin(depts)
    ok |= three.isin({"200", "201", "202", "206"})
    ok |= three.isin({"971", "972", "973", "974", "975", "976", "980", "984", "986", "987", "988"})
    return ok


def _check_ids(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """(digits, bad) for SIREN / SIRET text: bad = wrong length or checksum (Luhn, La Poste rule)."""
    length = 14 if kind == "siret" else 9
    # (the separators written out: the class runs in Arrow, not in Python's re value by value — with the postal
    # codes' spaces below, 100 000 clients: 0,055 s → 0,013 s of CPU, medians of 5, same run)
    digits = values.str.replace(ID_SEPARATORS, "", regex=True)
    present = digits != ""
    ok = identifiers_are_valid(digits.to_numpy(dtype=object), length)
    return digits, present & ~ok


def invalid_values(
    clients: pd.DataFrame,
    analysis_date: dt.date,
    *,
    raw: pd.DataFrame | None = None,
    invoice_orders: pd.Series | None = None,
    sheet: str | None = None,
    columns: dict[str, str] | None = None,
    advice: str = "both",
    text: RawText | None = None,
) -> pd.DataFrame:
    """Values that are wrong, as problems.

    Input: typed client frame (dates datetime64, amounts float), optionally the
    same rows as read from the cells (``raw``, canonical column names: wrong
    identifiers, e-mails and postal codes are judged on what the user typed) and
    the order count of each client computed from the invoice lines
    (``invoice_orders``, same index, NaN when the client has no invoice).
    Codes: ``siren_invalide``, ``siret_invalide``, ``email_invalide``,
    ``code_postal_invalide``, ``date_future``, ``dates_inversees``,
    ``ca_negatif``, ``commandes_incoherentes``. ``text``: :class:`RawText` of ``raw``, if already made.
    """
    src = raw if raw is not None else clients
    texts = text if text is not None and raw is not None else RawText(src)
    frames = []
    for kind in ("siren", "siret"):
        if kind in src.columns:
            text = texts[kind]
            digits, bad = _check_ids(text, kind)
            n = 9 if kind == "siren" else 14
            wrong_len = bad & ~digits.str.fullmatch(r"\d{%d}" % n)
            sci = text.str.contains(r"\d[,.]\d*[eE][+]?\d+$", regex=True)
            msg = np.where(sci[bad], f"{kind.upper()} affiché en notation scientifique : ses derniers chiffres sont perdus.",
                           np.where(wrong_len[bad], f"Un {kind.upper()} compte {n} chiffres.",
                                    f"Ce {kind.upper()} n'existe pas : sa clé de contrôle (Luhn) est fausse."))
            frames.append(problem_rows(
                f"{kind}_invalide", bad.index[bad], text[bad], sheet=sheet, column=label(kind, columns),
                message=list(msg),
                action="Vérifiez le numéro sur annuaire-entreprises.data.gouv.fr et ressaisissez-le "
                       "dans une cellule au format Texte.",
            ))
    if "email" in src.columns:
        text = texts["email"]
        bad = (text != "") & ~text.str.fullmatch(_EMAIL)
        frames.append(problem_rows(
            "email_invalide", bad.index[bad], text[bad], sheet=sheet, column=label("email", columns),
            message="Adresse e-mail mal formée : elle ne recevra pas vos campagnes.",
            action="Corrigez l'adresse (une seule adresse, de la forme nom@domaine.fr).",
        ))
    if "code_postal" in src.columns:
        text = texts["code_postal"].str.upper().str.replace(f"[{PY_SPACES}]", "", regex=True)
        padded = text.where(~text.str.fullmatch(r"\d{4}"), "0" + text)  # lost zero: a damage, not an error
        bad = (text != "") & ~_french_postal(padded)
        frames.append(problem_rows(
            "code_postal_invalide", bad.index[bad], text[bad], sheet=sheet, column=label("code_postal", columns),
            message="Ce n'est pas un code postal français : la région du client sera « Inconnue ».",
            action="Corrigez le code postal (5 chiffres) ; pour un client étranger, renseignez la colonne Pays.",
        ))
    today = pd.Timestamp(analysis_date)
    first = pd.to_datetime(clients["date_premier_achat"], errors="coerce") if "date_premier_achat" in clients else None
    last = pd.to_datetime(clients["date_dernier_achat"], errors="coerce") if "date_dernier_achat" in clients else None
    for field, dates in (("date_premier_achat", first), ("date_dernier_achat", last)):
        if dates is None:
            continue
        bad = dates > today
        frames.append(problem_rows(
            "date_future", bad.index[bad], [fr_date(d) for d in dates[bad]], sheet=sheet,
            column=label(field, columns),
            message=f"Date postérieure à la date d'analyse ({fr_date(today)}).",
            action=("Corrigez la date (inversion jour/mois ?) ; sinon fixez la date d'analyse "
                    f"{setting_advice('date_analyse', advice)}."),
        ))
    if first is not None and last is not None:
        bad = last < first
        frames.append(problem_rows(
            "dates_inversees", bad.index[bad], [fr_date(d) for d in last[bad]], sheet=sheet,
            column=label("date_dernier_achat", columns),
            message=[f"Dernier achat avant le premier achat ({fr_date(d)})." for d in first[bad]],
            action="Vérifiez les deux dates : elles sont probablement inversées.",
        ))
    if "ca_total" in clients.columns:
        ca = pd.to_numeric(clients["ca_total"], errors="coerce")
        bad = ca < 0
        frames.append(problem_rows(
            "ca_negatif", bad.index[bad], ca[bad], sheet=sheet, column=label("ca_total", columns),
            message="CA total négatif : les avoirs dépassent les factures.",
            action="Vérifiez les avoirs de ce client ; un CA négatif le classe parmi les plus petits.",
        ))
    if invoice_orders is not None and "nb_commandes" in clients.columns:
        declared = pd.to_numeric(clients["nb_commandes"], errors="coerce")
        counted = pd.to_numeric(invoice_orders.reindex(clients.index), errors="coerce")
        bad = declared.notna() & counted.notna() & (declared != counted)
        frames.append(problem_rows(
            "commandes_incoherentes", bad.index[bad], declared[bad], sheet=sheet,
            column=label("nb_commandes", columns),
            message=[f"Les factures comptent {int(c)} commande{'s' if c > 1 else ''}." for c in counted[bad]],
            action="Mettez la colonne à jour depuis les factures (les factures font foi pour la segmentation).",
        ))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty_problems()


# ---------------------------------------------------------------- Excel damage

def excel_damage(
    raw: pd.DataFrame, *, sheet: str | None = None, columns: dict[str, str] | None = None,
    text: RawText | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Damage Excel did to values, which the cleaning can repair.

    Input: the rows as read from the cells, canonical column names. Output:
    ``(repairs, problems)``; ``repairs`` has columns ``champ``, ``row``,
    ``avant`` (cell value), ``apres`` (repaired value: text for postal codes and
    identifiers, a Timestamp for dates), ``code``. Codes:
    ``code_postal_zero_perdu`` (``1000`` → ``01000``), ``siret_nombre`` /
    ``siren_nombre`` (identifier stored as a number, shown ``3,56E+13``),
    ``date_texte`` (a date typed as text, which Excel cannot sort or filter). ``text``: :class:`RawText` of
    ``raw``, if already made.
    """
    texts = text if text is not None else RawText(raw)
    repairs = []
    if "code_postal" in raw.columns:
        text = texts["code_postal"]
        lost = text.str.fullmatch(r"\d{4}")
        repairs.append(pd.DataFrame({"champ": "code_postal", "row": text.index[lost], "avant": raw["code_postal"][lost],
                                     "apres": "0" + text[lost], "code": "code_postal_zero_perdu"}))
    for kind, n in (("siret", 14), ("siren", 9)):
        if kind in raw.columns:
            col = raw[kind]
            is_num = number_cells(col)
            text = texts[kind].str.zfill(n)
            ok = is_num & text.str.fullmatch(r"\d{%d}" % n)
            repairs.append(pd.DataFrame({"champ": kind, "row": col.index[ok], "avant": col[ok],
                                         "apres": text[ok], "code": f"{kind}_nombre"}))
    for field in ("date_premier_achat", "date_dernier_achat"):
        if field in raw.columns:
            col = raw[field]
            is_txt = text_cells(col)
            if is_txt.any():
                from ..parsing import parse_dates

                parsed, _ = parse_dates(col[is_txt])
                ok = parsed.notna()
                rows = parsed.index[ok]
                repairs.append(pd.DataFrame({"champ": field, "row": rows, "avant": col[rows],
                                             "apres": parsed[ok], "code": "date_texte"}))
    repairs = [r for r in repairs if not r.empty]
    rep = pd.concat(repairs, ignore_index=True) if repairs else pd.DataFrame(
        columns=["champ", "row", "avant", "apres", "code"])
    texts = {
        "code_postal_zero_perdu": ("Code postal amputé de son zéro initial par Excel.",
                                   "Réparé par « Nettoyer » ; formatez la colonne en Texte pour qu'Excel ne le retire plus."),
        "siret_nombre": ("SIRET enregistré comme un nombre (affiché en notation scientifique).",
                         "Réparé par « Nettoyer » (réécrit en texte, 14 chiffres) ; formatez la colonne en Texte."),
        "siren_nombre": ("SIREN enregistré comme un nombre.",
                         "Réparé par « Nettoyer » (réécrit en texte, 9 chiffres) ; formatez la colonne en Texte."),
        "date_texte": ("Date saisie comme du texte : Excel ne peut ni la trier ni la filtrer.",
                       "Réparé par « Nettoyer » (réécrite en vraie date JJ/MM/AAAA)."),
    }
    frames = []
    for code, sub in rep.groupby("code", sort=False):
        msg, action = texts[code]
        shown = as_text(sub["avant"]) if code != "date_texte" else sub["avant"]
        frames.append(problem_rows(code, pd.Index(sub["row"]), shown.tolist(), sheet=sheet,
                                column=label(sub["champ"].iloc[0], columns) if sub["champ"].nunique() == 1 else None,
                                message=msg, action=action))
        if sub["champ"].nunique() > 1:
            frames[-1]["column"] = [label(c, columns) for c in sub["champ"]]
    probs = pd.concat(frames, ignore_index=True) if frames else empty_problems()
    return rep, probs
