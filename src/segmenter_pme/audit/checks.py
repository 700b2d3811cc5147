"""Audit checks other than duplicates: inactivity, completeness, invalid values, Excel damage.

Every check takes a client frame with canonical columns (index = Excel row
numbers) and returns data: tables, and problems as a frame with the columns of
:data:`PROBLEM_COLUMNS` — ``code`` (stable), ``sheet``, ``column`` (the user's
header), ``row``, ``value``, ``message`` (what is wrong), ``action`` (what to do).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..emails import EMAIL_PATTERN as _EMAIL
from ..fields import FIELD_LABELS
from ..blank import blank_mask
from ..fr import fr_compact, fr_date, fr_number
from ..headers import naming_advice, setting_advice
from ..profile import identifiers_are_valid
from ..refdata import departements

PROBLEM_COLUMNS = ["code", "sheet", "column", "row", "value", "message", "action"]

#: what segmentation needs from each client, with the alternatives that can stand in
NEEDED_FIELDS: dict[str, tuple[str, ...]] = {
    "date_dernier_achat": (),
    "ca_total": (),
    "secteur": ("code_naf",),
    "code_postal": ("departement", "region"),
}



def empty_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=PROBLEM_COLUMNS)


def label(field: str, columns: dict[str, str] | None) -> str:
    """The user's header of a canonical field (else our French label)."""
    return str((columns or {}).get(field) or FIELD_LABELS.get(field, field))


def _problems(code: str, rows: pd.Index, values, *, sheet: str | None, column: str | None,
              message, action: str) -> pd.DataFrame:
    """Problems frame for ``rows``; ``message`` is a str or a Series aligned on rows."""
    n = len(rows)
    if n == 0:
        return empty_problems()
    vals = list(values) if not np.isscalar(values) else [values] * n
    msgs = list(message) if not isinstance(message, str) else [message] * n
    return pd.DataFrame({
        "code": code, "sheet": sheet, "column": column, "row": list(rows),
        "value": vals, "message": msgs, "action": action,
    }, columns=PROBLEM_COLUMNS)


def as_text(s: pd.Series) -> pd.Series:
    """Cell values as text, numbers without their ``.0`` (``1000.0`` → ``"1000"``); missing → ``""``."""
    obj = s.astype(object)
    out = obj.where(obj.notna(), "").astype(str).str.strip()
    is_float = np.fromiter((isinstance(v, float) for v in obj), dtype=bool, count=len(obj))
    if is_float.any():
        whole = out[is_float].str.replace(r"\.0$", "", regex=True)
        out[is_float] = whole.where(~whole.str.contains("e", regex=False), [
            str(int(v)) if v == v and float(v).is_integer() else repr(v) for v in obj[is_float]])
    return out


def _flags(s: pd.Series, predicate) -> pd.Series:
    return pd.Series([bool(predicate(v)) for v in s.astype(object)], index=s.index, dtype=bool)




# ---------------------------------------------------------------- completeness

#: purchase fields a prospect (0 orders) has no value for: not missing there
_PURCHASE = ("date_premier_achat", "date_dernier_achat", "ca_total")


def with_invoice_figures(clients: pd.DataFrame, derived: pd.DataFrame | None) -> pd.DataFrame:
    """The purchase figures the analysis uses: those from the invoice lines where a client has some,
    its own columns elsewhere (the pipeline's rule); a client with neither bought nothing (0 orders).

    ``derived``: :func:`segmenter_pme.audit.prepare.invoice_figures` (same index), or None.
    """
    if derived is None:
        return clients
    out = clients.copy()
    for f in derived.columns:
        own = out[f] if f in out.columns else None
        if own is None:
            out[f] = derived[f]
        else:
            if f.startswith("date_"):
                own = pd.to_datetime(own, errors="coerce")
            else:
                own = pd.to_numeric(own, errors="coerce")
            out[f] = derived[f].where(derived[f].notna(), own)
    if "nb_commandes" in out.columns:
        nothing = out["nb_commandes"].isna()
        if "date_dernier_achat" in out.columns:
            nothing &= out["date_dernier_achat"].isna()
        out.loc[nothing, "nb_commandes"] = 0.0
    return out


def prospects(clients: pd.DataFrame) -> pd.Series:
    """Clients with 0 orders: no purchase date nor CA to give."""
    if "nb_commandes" not in clients.columns:
        return pd.Series(False, index=clients.index)
    return (pd.to_numeric(clients["nb_commandes"], errors="coerce") == 0).fillna(False).astype(bool)


def completeness(clients: pd.DataFrame, columns: dict[str, str] | None = None,
                 analysed: pd.DataFrame | None = None, source: str | None = None) -> pd.DataFrame:
    """Share of filled cells per column, judged on what the analysis uses.

    Input: client frame; optionally ``analysed`` (:func:`with_invoice_figures`)
    and ``source`` (the invoice sheet's name). Output: one row per column of
    the frame, then one per purchase field only the invoice lines give; columns
    ``champ`` (canonical), ``colonne`` (user header), ``renseignes`` (cells
    filled), ``factures`` (empty cells the invoice lines fill), ``sans_objet``
    (prospects' empty purchase cells), ``total``, ``taux`` (0..1 of the rows that
    need the field).
    """
    n = len(clients)
    analysed = clients if analysed is None else analysed
    prospect = prospects(analysed)
    rows = []
    fields = list(clients.columns) + [f for f in analysed.columns if f in _PURCHASE + ("nb_commandes",)
                                      and f not in clients.columns]
    for field in fields:
        own = ~blank_mask(clients[field]) if field in clients.columns else pd.Series(False, index=clients.index)
        have = ~blank_mask(analysed[field]) if field in analysed.columns else own
        from_invoices = int((have & ~own).sum())
        na = int((prospect & ~have).sum()) if field in _PURCHASE else 0
        filled = int(own.sum())
        name = label(field, columns) if field in clients.columns else \
            f"{FIELD_LABELS.get(field, field)} (d'après « {source or 'Factures'} »)"
        base = n - na
        rows.append((field, name, filled, from_invoices, na, n, (filled + from_invoices) / base if base else 1.0))
    return pd.DataFrame(rows, columns=["champ", "colonne", "renseignes", "factures", "sans_objet", "total", "taux"])


def missing_needed(clients: pd.DataFrame, *, sheet: str | None = None,
                   columns: dict[str, str] | None = None, unreadable: set | None = None,
                   advice: str = "both") -> pd.DataFrame:
    """Clients missing what segmentation needs (last purchase, CA, sector, postal code).

    A field counts as present when one of its stand-ins is (``code_naf`` gives
    the sector; ``departement`` or ``region`` the region). A field with no
    column at all is one ``colonne_absente`` problem; otherwise one
    ``champ_manquant`` problem per incomplete client, pointing at its first
    missing cell. ``unreadable``: (header, row) of cells that hold a value the
    reading could not understand — not missing, they are reported as invalid.
    ``advice``: how a column can be named for this input (:func:`segmenter_pme.headers.naming_advice`).
    Output: problems frame.
    """
    names = {f: label(f, columns) for f in NEEDED_FIELDS}
    frames = []
    missing = pd.DataFrame(index=clients.index)
    for field, alternatives in NEEDED_FIELDS.items():
        present = [f for f in (field,) + alternatives if f in clients.columns]
        if not present:
            frames.append(_problems(
                "colonne_absente", pd.Index([None]), "", sheet=sheet, column=None,
                message=f"Aucune colonne « {names[field]} » : aucun client ne peut être segmenté sur ce critère.",
                action=f"Ajoutez une colonne « {names[field]} ». " + naming_advice([field], advice).replace(
                    "Renommez la colonne concernée, ou ", "Si elle existe sous un autre nom : "),
            ))
            continue
        have = pd.Series(False, index=clients.index)
        for f in present:
            have |= ~blank_mask(clients[f])
            if unreadable:
                header = label(f, columns)
                have |= clients.index.isin([row for col, row in unreadable if col == header])
        missing[field] = ~have
    if "nb_commandes" in clients.columns:
        # a prospect (0 orders) has no purchase date nor CA to give: nothing is missing there
        prospect = prospects(clients)
        for f in ("date_dernier_achat", "ca_total"):
            if f in missing.columns:
                missing[f] &= ~prospect
    any_missing = missing.any(axis=1) if len(missing.columns) else pd.Series(False, index=clients.index)
    if any_missing.any():
        sub = missing[any_missing]
        text = pd.Series("", index=sub.index, dtype=object)
        first = pd.Series("", index=sub.index, dtype=object)
        for f in reversed(list(sub.columns)):
            first = first.mask(sub[f], f)
        for f in sub.columns:
            text = text.mask(sub[f], text.where(text == "", text + ", ") + "« " + names[f] + " »")
        for f in sub.columns:
            rows = first.index[first == f]
            if len(rows):
                # the cell to fill: the field's own column, else the stand-in that exists (Code NAF…)
                cell = next(c for c in (f,) + NEEDED_FIELDS[f] if c in clients.columns)
                frames.append(_problems(
                    "champ_manquant", rows, "", sheet=sheet, column=label(cell, columns),
                    message=("Manque pour segmenter : " + text[rows] + ".").tolist(),
                    action="Complétez la fiche (ou les factures) : sans ces données le client est mal segmenté.",
                ))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return empty_problems()
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------- inactivity

def inactive_clients(clients: pd.DataFrame, analysis_date: dt.date, years: float = 3.0) -> pd.DataFrame:
    """Clients without a purchase for more than ``years`` years before ``analysis_date``.

    Input columns: ``date_dernier_achat`` (datetime), optionally ``ca_total``.
    Output (index = the clients' row labels): ``date_dernier_achat``,
    ``jours`` (days since the last purchase), ``ca_total``.
    """
    if "date_dernier_achat" not in clients.columns:
        return pd.DataFrame(columns=["date_dernier_achat", "jours", "ca_total"])
    last = pd.to_datetime(clients["date_dernier_achat"], errors="coerce")
    cutoff = pd.Timestamp(analysis_date) - pd.DateOffset(days=round(365.25 * years))
    mask = last < cutoff
    ca = clients["ca_total"] if "ca_total" in clients.columns else pd.Series(np.nan, index=clients.index)
    out = pd.DataFrame({
        "date_dernier_achat": last[mask],
        "jours": (pd.Timestamp(analysis_date) - last[mask]).dt.days,
        "ca_total": pd.to_numeric(ca[mask], errors="coerce"),
    })
    return out


def inactive_problems(inactive: pd.DataFrame, years: float, *, sheet: str | None = None,
                      columns: dict[str, str] | None = None) -> pd.DataFrame:
    """One ``client_inactif`` problem per inactive client (output of :func:`inactive_clients`)."""
    if inactive.empty:
        return empty_problems()
    years_txt = fr_compact(years)
    msg = [f"Aucun achat depuis {fr_number(d / 365.25, 1)} ans (plus de {years_txt} ans)." for d in inactive["jours"]]
    return _problems(
        "client_inactif", inactive.index, inactive["date_dernier_achat"].dt.strftime("%d/%m/%Y").tolist(), sheet=sheet,
        column=label("date_dernier_achat", columns), message=msg,
        action="Relancez-le une dernière fois, sinon « Nettoyer » le range dans « Archives » (rien n'est supprimé).",
    )


# ---------------------------------------------------------------- invalid values

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
    digits = values.str.replace(r"[\s\u00a0\u202f.\-]", "", regex=True)
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
) -> pd.DataFrame:
    """Values that are wrong, as problems.

    Input: typed client frame (dates datetime64, amounts float), optionally the
    same rows as read from the cells (``raw``, canonical column names: wrong
    identifiers, e-mails and postal codes are judged on what the user typed) and
    the order count of each client computed from the invoice lines
    (``invoice_orders``, same index, NaN when the client has no invoice).
    Codes: ``siren_invalide``, ``siret_invalide``, ``email_invalide``,
    ``code_postal_invalide``, ``date_future``, ``dates_inversees``,
    ``ca_negatif``, ``commandes_incoherentes``.
    """
    src = raw if raw is not None else clients
    frames = []
    for kind in ("siren", "siret"):
        if kind in src.columns:
            text = as_text(src[kind])
            digits, bad = _check_ids(text, kind)
            n = 9 if kind == "siren" else 14
            wrong_len = bad & ~digits.str.fullmatch(r"\d{%d}" % n)
            sci = text.str.contains(r"\d[,.]\d*[eE][+]?\d+$", regex=True)
            msg = np.where(sci[bad], f"{kind.upper()} affiché en notation scientifique : ses derniers chiffres sont perdus.",
                           np.where(wrong_len[bad], f"Un {kind.upper()} compte {n} chiffres.",
                                    f"Ce {kind.upper()} n'existe pas : sa clé de contrôle (Luhn) est fausse."))
            frames.append(_problems(
                f"{kind}_invalide", bad.index[bad], text[bad], sheet=sheet, column=label(kind, columns),
                message=list(msg),
                action="Vérifiez le numéro sur annuaire-entreprises.data.gouv.fr et ressaisissez-le "
                       "dans une cellule au format Texte.",
            ))
    if "email" in src.columns:
        text = as_text(src["email"])
        bad = (text != "") & ~text.str.fullmatch(_EMAIL)
        frames.append(_problems(
            "email_invalide", bad.index[bad], text[bad], sheet=sheet, column=label("email", columns),
            message="Adresse e-mail mal formée : elle ne recevra pas vos campagnes.",
            action="Corrigez l'adresse (une seule adresse, de la forme nom@domaine.fr).",
        ))
    if "code_postal" in src.columns:
        text = as_text(src["code_postal"]).str.upper().str.replace(r"\s", "", regex=True)
        padded = text.where(~text.str.fullmatch(r"\d{4}"), "0" + text)  # lost zero: a damage, not an error
        bad = (text != "") & ~_french_postal(padded)
        frames.append(_problems(
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
        frames.append(_problems(
            "date_future", bad.index[bad], [fr_date(d) for d in dates[bad]], sheet=sheet,
            column=label(field, columns),
            message=f"Date postérieure à la date d'analyse ({fr_date(today)}).",
            action=("Corrigez la date (inversion jour/mois ?) ; sinon fixez la date d'analyse "
                    f"{setting_advice('date_analyse', advice)}."),
        ))
    if first is not None and last is not None:
        bad = last < first
        frames.append(_problems(
            "dates_inversees", bad.index[bad], [fr_date(d) for d in last[bad]], sheet=sheet,
            column=label("date_dernier_achat", columns),
            message=[f"Dernier achat avant le premier achat ({fr_date(d)})." for d in first[bad]],
            action="Vérifiez les deux dates : elles sont probablement inversées.",
        ))
    if "ca_total" in clients.columns:
        ca = pd.to_numeric(clients["ca_total"], errors="coerce")
        bad = ca < 0
        frames.append(_problems(
            "ca_negatif", bad.index[bad], ca[bad], sheet=sheet, column=label("ca_total", columns),
            message="CA total négatif : les avoirs dépassent les factures.",
            action="Vérifiez les avoirs de ce client ; un CA négatif le classe parmi les plus petits.",
        ))
    if invoice_orders is not None and "nb_commandes" in clients.columns:
        declared = pd.to_numeric(clients["nb_commandes"], errors="coerce")
        counted = pd.to_numeric(invoice_orders.reindex(clients.index), errors="coerce")
        bad = declared.notna() & counted.notna() & (declared != counted)
        frames.append(_problems(
            "commandes_incoherentes", bad.index[bad], declared[bad], sheet=sheet,
            column=label("nb_commandes", columns),
            message=[f"Les factures comptent {int(c)} commande{'s' if c > 1 else ''}." for c in counted[bad]],
            action="Mettez la colonne à jour depuis les factures (les factures font foi pour la segmentation).",
        ))
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty_problems()


# ---------------------------------------------------------------- Excel damage

def excel_damage(
    raw: pd.DataFrame, *, sheet: str | None = None, columns: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Damage Excel did to values, which the cleaning can repair.

    Input: the rows as read from the cells, canonical column names. Output:
    ``(repairs, problems)``; ``repairs`` has columns ``champ``, ``row``,
    ``avant`` (cell value), ``apres`` (repaired value: text for postal codes and
    identifiers, a Timestamp for dates), ``code``. Codes:
    ``code_postal_zero_perdu`` (``1000`` → ``01000``), ``siret_nombre`` /
    ``siren_nombre`` (identifier stored as a number, shown ``3,56E+13``),
    ``date_texte`` (a date typed as text, which Excel cannot sort or filter).
    """
    repairs = []
    if "code_postal" in raw.columns:
        text = as_text(raw["code_postal"])
        lost = text.str.fullmatch(r"\d{4}")
        repairs.append(pd.DataFrame({"champ": "code_postal", "row": text.index[lost], "avant": raw["code_postal"][lost],
                                     "apres": "0" + text[lost], "code": "code_postal_zero_perdu"}))
    for kind, n in (("siret", 14), ("siren", 9)):
        if kind in raw.columns:
            col = raw[kind]
            is_num = _flags(col, lambda v: isinstance(v, (int, float, np.integer, np.floating))
                            and not isinstance(v, bool) and v == v)
            text = as_text(col).str.zfill(n)
            ok = is_num & text.str.fullmatch(r"\d{%d}" % n)
            repairs.append(pd.DataFrame({"champ": kind, "row": col.index[ok], "avant": col[ok],
                                         "apres": text[ok], "code": f"{kind}_nombre"}))
    for field in ("date_premier_achat", "date_dernier_achat"):
        if field in raw.columns:
            col = raw[field]
            is_txt = _flags(col, lambda v: isinstance(v, str) and v.strip() != "")
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
        frames.append(_problems(code, pd.Index(sub["row"]), shown.tolist(), sheet=sheet,
                                column=label(sub["champ"].iloc[0], columns) if sub["champ"].nunique() == 1 else None,
                                message=msg, action=action))
        if sub["champ"].nunique() > 1:
            frames[-1]["column"] = [label(c, columns) for c in sub["champ"]]
    probs = pd.concat(frames, ignore_index=True) if frames else empty_problems()
    return rep, probs
