"""The audit of a client base: :func:`audit` → :class:`AuditReport`.

The report is data: ``summary`` (a score per category and what was found) and
``problems`` (one row per problem, pointing at a cell) are what the ``Qualité``
sheet shows; the richer tables (duplicate groups, inactive clients,
completeness, repairs) feed the cleaning and the CLI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..headers import setting_advice
from ..problems import CATALOGUE, CATEGORIES, WARNING
from ..settings import Settings
from . import checks, value_checks
from ..blank import blank_mask
from ..fr import fr_compact, fr_date, fr_number, fr_pct, fr_plural
from .checks import PROBLEM_COLUMNS, label
from .duplicates import MIN_CONFIDENCE, find_duplicate_pairs, group_duplicates

SUMMARY_COLUMNS = ["Catégorie", "Score", "Constat"]
#: summary rows giving a column's fill rate start with this
FILL_PREFIX = "Remplissage : "

#: problem code → summary category, from the one catalogue of codes
CATEGORY_OF_CODE = {code: kind.category for code, kind in CATALOGUE.items() if kind.category}

#: duplicate pairs at or above this confidence form the groups shown in the audit
#: (the cleaning merges only those at or above ``Settings.seuil_doublons``)
AUDIT_GROUP_THRESHOLD = 85

#: rows per problem code in ``problems`` (the « Qualité » sheet); the core's issues stop at 200
MAX_ROWS_PER_CODE = 1000

#: severity shown in « Qualité » (problems.ERROR / WARNING / INFO): nothing here stops the analysis
SEVERITY_OF_CODE = {code: kind.severity for code, kind in CATALOGUE.items() if kind.category}

#: codes of values read but worth checking: listed, said apart, not counted in their category's score
UNSCORED_CODES = frozenset(code for code, kind in CATALOGUE.items() if kind.category and not kind.scored)

#: what to do about a value the analysis cannot read, by the reading's error code
UNREADABLE_ACTIONS = {code: kind.action for code, kind in CATALOGUE.items() if kind.action}


def _unreadable_problems(issues: list, sheet: str | None) -> pd.DataFrame:
    """The reading's errors as problems of the « Valeurs invalides » category."""
    return pd.DataFrame({
        "code": [i.code for i in issues], "sheet": [i.sheet or sheet for i in issues],
        "column": [i.column for i in issues], "row": [i.row for i in issues], "value": [i.value for i in issues],
        "message": [i.message for i in issues], "action": [UNREADABLE_ACTIONS[i.code] for i in issues],
    }, columns=checks.PROBLEM_COLUMNS)


@dataclass
class AuditReport:
    """What is wrong with a client base.

    - ``summary``: columns ``Catégorie``, ``Score`` (0–100, 100 = parfait),
      ``Constat``; first row « Score global », then the five categories, then
      « Remplissage : <colonne> » (% of filled cells) for every column.
    - ``problems``: columns ``code``, ``sheet``, ``column``, ``row``, ``value``,
      ``message``, ``action``, then ``severity`` (``avertissement`` / ``info``),
      sorted by category then row.
    - ``duplicates``: groups — ``groupe``, ``ligne``, ``principal``,
      ``est_principal``, ``confiance``, ``raison`` (see
      :func:`segmenter_pme.audit.duplicates.group_duplicates`).
    - ``pairs``: scored pairs — ``ligne_a``, ``ligne_b``, ``confiance``,
      ``score_nom``, ``raison``.
    - ``inactive``: ``date_dernier_achat``, ``jours``, ``ca_total``, indexed by row.
    - ``completeness``: ``champ``, ``colonne``, ``renseignes``, ``total``, ``taux``.
    - ``repairs``: Excel damage the cleaning repairs — ``champ``, ``row``,
      ``avant``, ``apres``, ``code``.
    - ``counts``: problem code → number of rows.
    """

    summary: pd.DataFrame
    problems: pd.DataFrame
    duplicates: pd.DataFrame
    pairs: pd.DataFrame
    inactive: pd.DataFrame
    completeness: pd.DataFrame
    repairs: pd.DataFrame
    counts: dict[str, int]
    n_clients: int
    analysis_date: dt.date
    settings: Settings
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    #: for a CSV: workbook row (what ``problems`` says) → line of the CSV file
    source_lines: dict[int, int] | None = None

    @property
    def score(self) -> int:
        return int(self.summary["Score"].iloc[0])

    def text(self) -> str:
        """The summary as French lines, for the CLI."""
        lines = [f"Audit de la base clients au {fr_date(self.analysis_date)} : "
                 f"{fr_number(self.n_clients)} clients."]
        for cat, score, constat in self.summary[SUMMARY_COLUMNS].itertuples(index=False):
            if not cat.startswith(FILL_PREFIX):
                lines.append(f"- {cat} : {score}/100 — {constat}")
        return "\n".join(lines)


def _duplicate_problems(groups: pd.DataFrame, clients: pd.DataFrame, threshold: float, *,
                        sheet: str | None, columns: dict[str, str] | None, advice: str = "both") -> pd.DataFrame:
    others = groups[~groups["est_principal"].astype(bool)]
    if others.empty:
        return checks.empty_problems()
    name_col = "raison_sociale" if "raison_sociale" in clients.columns else ("nom" if "nom" in clients.columns else None)
    names = clients[name_col] if name_col else pd.Series("", index=clients.index)
    merged = others["confiance"] >= threshold
    # whole columns at once: a lookup per row is slow on 100 000 clients
    principal_names = names.reindex(others["principal"].to_numpy()).astype(object).where(lambda x: x.notna(), "")
    # under the merge threshold a pair is a question for the user, and says so
    msg = [
        f"{'Doublon' if m else 'Doublon possible, à vérifier,'} de la ligne {p} (« {n} ») — groupe {g}, "
        f"confiance {c} % : {after_colon(r)}."
        for p, n, g, c, r, m in zip(others["principal"], principal_names, others["groupe"], others["confiance"],
                                    others["raison"], merged)
    ]
    out = pd.DataFrame({
        "code": np.where(merged, "doublon", "doublon_possible"),
        "sheet": sheet,
        "column": label(name_col, columns) if name_col else None,
        "row": others["ligne"].tolist(),
        "value": names.reindex(others["ligne"].to_numpy()).tolist(),
        "message": msg,
        "action": np.where(
            merged,
            f"« Nettoyer » fusionne ce groupe (confiance ≥ {threshold:g} %) et range cette ligne dans « Archives ».",
            "Vérifiez : s'il s'agit du même client, fusionnez à la main ou baissez la confiance minimale de fusion "
            f"{setting_advice('seuil_doublons', advice)}.",
        ),
    }, columns=PROBLEM_COLUMNS)
    return out


def after_colon(text) -> str:
    """``text`` as it reads after a colon: « Même e-mail… » → « même e-mail… » (« SIRET… » stays)."""
    text = "" if text is None else str(text)
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _score(bad: int, n: int) -> int:
    return int(round(100 * (1 - bad / n))) if n else 100


def audit(
    clients: pd.DataFrame,
    *,
    raw: pd.DataFrame | None = None,
    invoice_orders: pd.Series | None = None,
    settings: Settings | None = None,
    analysis_date: dt.date | None = None,
    sheet: str | None = "Clients",
    columns: dict[str, str] | None = None,
    max_rows_per_code: int | None = MAX_ROWS_PER_CODE,
    unreadable: list | None = None,
    derived: pd.DataFrame | None = None,
    derived_from: str | None = None,
    advice: str = "both",
    read: pd.DataFrame | None = None,
) -> AuditReport:
    """Audit a client base.

    Input: ``clients`` — typed frame with canonical columns (``raison_sociale``,
    ``code_postal``, ``siren``, ``siret``, ``email``, ``telephone``,
    ``date_premier_achat``, ``date_dernier_achat``, ``nb_commandes``,
    ``ca_total``, ``secteur``…; any subset), index = Excel row numbers;
    optionally ``raw`` (same rows and columns, the cell values before parsing:
    enables the Excel-damage checks), ``invoice_orders`` (orders counted from
    the invoices, same index), ``columns`` (canonical field → user header, for
    messages), ``unreadable`` (the reading's errors — :class:`Issue` records
    such as ``date_impossible`` — of the cells that hold a value the analysis
    cannot read: reported as invalid values, not as missing ones), ``read`` (the
    cells as read, ``raw`` by default: a cell holding a value the reading could not
    understand is never counted missing, past the rows ``unreadable`` names too),
    ``derived`` (the purchase figures the analysis takes from the invoice
    lines of sheet ``derived_from`` — :func:`~segmenter_pme.audit.prepare.invoice_figures`:
    inactivity and completeness are judged on what the analysis uses), ``advice``
    (how this input names a column or changes a setting — ``cli``, ``excel`` or
    ``both``, :func:`~segmenter_pme.headers.naming_advice`: the « Que faire » of
    a missing column, a future date or a duplicate to check says what works). The
    analysis date is ``analysis_date``, else
    ``settings.date_analyse``, else today. ``problems`` lists at most
    ``max_rows_per_code`` rows per code, then one row counting the others
    (``counts`` and the detailed tables keep everything).
    """
    settings = settings or Settings()
    analysis_date = analysis_date or settings.date_analyse or dt.date.today()
    columns = dict(columns or {})
    n = len(clients)
    threshold = settings.seuil_doublons

    pairs = find_duplicate_pairs(clients, min_confidence=min(MIN_CONFIDENCE, threshold))
    # everything « Nettoyer » would merge is shown, even under a threshold lowered below 85
    groups = group_duplicates(pairs, clients, threshold=min(AUDIT_GROUP_THRESHOLD, threshold))
    dup_problems = _duplicate_problems(groups, clients, threshold, sheet=sheet, columns=columns, advice=advice)

    analysed = checks.with_invoice_figures(clients, derived)
    inactive = checks.inactive_clients(analysed, analysis_date, settings.inactivite_annees)
    inactive_problems = checks.inactive_problems(inactive, settings.inactivite_annees, sheet=sheet, columns=columns)

    completeness = checks.completeness(clients, columns, analysed, derived_from)
    unreadable = [i for i in (unreadable or []) if i.code in UNREADABLE_ACTIONS]
    # the reading names 200 rows of a code, then counts the rest in one remark without a row: counted too
    unlisted = pd.Series([i.count for i in unreadable if i.row is None],
                         index=[i.code for i in unreadable if i.row is None], dtype="int64").groupby(level=0).sum()
    unreadable = [i for i in unreadable if i.row is not None]
    missing = checks.missing_needed(analysed, sheet=sheet, columns=columns,
                                    unreadable={(i.column, i.row) for i in unreadable}, advice=advice,
                                    read=read if read is not None else raw)

    raw_text = value_checks.RawText(raw) if raw is not None else None
    invalid = value_checks.invalid_values(clients, analysis_date, raw=raw, invoice_orders=invoice_orders,
                                          sheet=sheet, columns=columns, advice=advice, text=raw_text)
    if unreadable:
        invalid = pd.concat([invalid, _unreadable_problems(unreadable, sheet)], ignore_index=True)
    if raw is not None:
        repairs, damage = value_checks.excel_damage(raw, sheet=sheet, columns=columns, text=raw_text)
    else:
        repairs, damage = value_checks.excel_damage(pd.DataFrame(index=clients.index[:0]), sheet=sheet, columns=columns)

    parts = [p for p in (dup_problems, inactive_problems, missing, invalid, damage) if not p.empty]
    problems = pd.concat(parts, ignore_index=True) if parts else checks.empty_problems()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    problems = problems.assign(_c=problems["code"].map(CATEGORY_OF_CODE).map(order)) \
        .sort_values(["_c", "row", "code"], kind="stable").drop(columns="_c").reset_index(drop=True)
    problems["severity"] = problems["code"].map(SEVERITY_OF_CODE).fillna(WARNING)
    # the rows the reading counted without naming them are problems too (250 unreadable amounts: 250, not 200)
    counts = problems["code"].value_counts().add(unlisted, fill_value=0).to_dict()
    counts = {str(k): int(v) for k, v in counts.items()}
    problems = _cap(problems, max_rows_per_code, order)

    summary = _summary(
        n=n, clients=analysed, source=derived_from if derived is not None else None, groups=groups, threshold=threshold, inactive=inactive, years=settings.inactivite_annees,
        completeness=completeness, missing=missing, invalid=invalid, damage=damage, columns=columns,
        unlisted=unlisted,
    )
    return AuditReport(
        summary=summary, problems=problems, duplicates=groups, pairs=pairs, inactive=inactive,
        completeness=completeness, repairs=repairs, counts=counts, n_clients=n, analysis_date=analysis_date,
        settings=settings, sheet=sheet, columns=columns,
    )


def _cap(problems: pd.DataFrame, limit: int | None, order: dict[str, int]) -> pd.DataFrame:
    """At most ``limit`` rows per code, then one row « … et N autres lignes » (no cell, no value)."""
    if limit is None or problems.empty:
        return problems
    rank = problems.groupby("code", sort=False).cumcount()
    over = rank >= limit
    if not over.any():
        return problems
    rest = problems[over].groupby("code", sort=False).agg(
        n=("code", "size"), sheet=("sheet", "first"), column=("column", "first"), severity=("severity", "first"))
    extra = pd.DataFrame({
        "code": rest.index, "sheet": rest["sheet"].to_numpy(), "column": rest["column"].to_numpy(), "row": None,
        "value": None,
        "message": [f"… et {fr_number(k)} autres lignes avec le même problème." for k in rest["n"]],
        "action": "Traitez-les comme les lignes ci-dessus (un filtre sur la colonne les retrouve).",
        "severity": rest["severity"].to_numpy(),
    })
    out = pd.concat([problems[~over], extra], ignore_index=True)
    # the count row closes its category, right after that code's last row
    key = out["code"].map(CATEGORY_OF_CODE).map(order)
    last = out["row"].isna()
    return out.assign(_c=key, _last=last).sort_values(["_c", "_last"], kind="stable") \
        .drop(columns=["_c", "_last"]).reset_index(drop=True)


def fill_constat(rec, source: str | None) -> str:
    """« 2 760 fiches renseignées sur 3 000 ; 240 complétées par « Factures » … » for a completeness row."""
    if rec.renseignes == 0 and rec.factures:
        text = f"{fr_plural(rec.factures, 'fiche', 'fiches')} sur {fr_number(rec.total)} d'après « {source} »"
    else:
        text = f"{fr_plural(rec.renseignes, 'fiche renseignée', 'fiches renseignées')} sur {fr_number(rec.total)}"
        if rec.factures:
            done = "complétée" if rec.factures <= 1 else "complétées"
            text += f" ; {fr_number(rec.factures)} {done} d'après « {source} »"
    if rec.sans_objet:
        verb = "n'en a" if rec.sans_objet == 1 else "n'en ont"
        text += f" ; {fr_plural(rec.sans_objet, 'prospect', 'prospects')} (0 commande) {verb} pas besoin"
    return text + "."


def _rows_of(problems: pd.DataFrame, unlisted: pd.Series, n: int) -> int:
    """Rows with one of ``problems``, those counted without a row (``unlisted``: code → rows) included."""
    extra = int(unlisted.reindex(problems["code"].unique()).fillna(0).sum()) if not problems.empty else 0
    return min(n, int(problems["row"].nunique()) + extra) if not problems.empty else 0


def _summary(*, n, clients, source, groups, threshold, inactive, years, completeness, missing, invalid, damage,
             columns, unlisted) -> pd.DataFrame:
    rows = []
    # duplicates
    extra = int((~groups["est_principal"].astype(bool)).sum()) if not groups.empty else 0
    n_groups = int(groups["groupe"].nunique()) if not groups.empty else 0
    to_merge = int(((~groups["est_principal"].astype(bool)) & (groups["confiance"] >= threshold)).sum()) \
        if not groups.empty else 0
    if extra:
        constat = (f"{fr_plural(extra, 'fiche en double', 'fiches en double')} ({fr_pct(extra, n)} de la base) "
                   f"dans {fr_plural(n_groups, 'groupe', 'groupes')} ; « Nettoyer » en fusionnera {fr_number(to_merge)} "
                   f"(confiance ≥ {threshold:g} %)" + (", les autres sont à vérifier." if to_merge < extra else "."))
    else:
        constat = "Aucun doublon détecté."
    rows.append(("Doublons", _score(extra, n), constat))
    # inactivity
    k = len(inactive)
    years_txt = fr_compact(years)
    if "date_dernier_achat" not in clients.columns:
        constat = "Pas de colonne de date de dernier achat : l'inactivité ne peut pas être mesurée."
    elif k:
        ca = pd.to_numeric(clients["ca_total"], errors="coerce") if "ca_total" in clients.columns else None
        ca_part = ""
        if ca is not None and ca.sum() > 0:
            ca_part = f", {fr_pct(float(inactive['ca_total'].fillna(0).sum()), float(ca.sum()))} du CA"
        constat = (f"{fr_plural(k, 'client', 'clients')} sans achat depuis plus de {years_txt} ans "
                   f"({fr_pct(k, n)} de la base{ca_part}) : « Nettoyer » {'le' if k == 1 else 'les'} range dans « Archives ».")
    else:
        constat = f"Aucun client sans achat depuis plus de {years_txt} ans."
    rows.append(("Clients inactifs", _score(k, n), constat))
    # completeness: judged on what the analysis uses (invoice figures, prospects need no purchase)
    rates = []
    worst = []
    absent = []
    prospect = checks.prospects(clients)
    for f, alternatives in checks.NEEDED_FIELDS.items():
        present = [c for c in (f,) + alternatives if c in clients.columns]
        if not present or not n:
            rates.append(0.0)
            if not present:
                absent.append(label(f, columns))
            continue
        have = ~pd.concat([blank_mask(clients[c]) for c in present], axis=1).all(axis=1)
        if f in ("date_dernier_achat", "ca_total"):
            have |= prospect
        rates.append(float(have.mean()))
        worst.append((float(have.mean()), label(f, columns)))
    score = int(round(100 * float(np.mean(rates)))) if rates else 100
    k = int((missing["code"] == "champ_manquant").sum()) if not missing.empty else 0
    absent_txt = (" Colonne absente : " + ", ".join(f"« {a} »" for a in absent) + ".") if absent else ""
    from_invoices = f" (achats et CA d'après « {source} »)" if source else ""
    if k:
        # one decimal when rounding would show 100 % for a field that is not complete
        low = ", ".join(f"« {name} » {fr_number(100 * r, 0 if round(100 * r) < 100 else 1)} %"
                        for r, name in sorted(worst) if r < 1)
        constat = (f"{fr_plural(k, 'client incomplet', 'clients incomplets')} pour la segmentation "
                   f"({fr_pct(k, n)} de la base)." + (f" Remplissage : {low}." if low else "") + absent_txt)
    elif absent:
        constat = absent_txt.strip()
    else:
        constat = f"Toutes les fiches ont date de dernier achat, CA, secteur et code postal{from_invoices}."
        if prospect.any() and "nb_commandes" in clients.columns:
            constat += (f" {fr_plural(int(prospect.sum()), 'prospect', 'prospects')} (0 commande) "
                        "n'en ont pas besoin.")
    rows.append(("Complétude", score, constat))
    # invalid values
    checked = invalid["code"].isin(UNSCORED_CODES) if not invalid.empty else pd.Series(dtype=bool)
    to_check, invalid = (invalid[checked], invalid[~checked]) if not invalid.empty else (invalid, invalid)
    bad_rows = _rows_of(invalid, unlisted, n)
    names = {code: kind.label for code, kind in CATALOGUE.items() if kind.label}

    def by_code(found: pd.DataFrame) -> str:
        counts = found["code"].value_counts().add(unlisted.reindex(found["code"].unique()).fillna(0)).astype(int)
        counts = counts.sort_values(ascending=False, kind="stable")
        return ", ".join(f"{names.get(c, c)} : {fr_number(v)}" for c, v in counts.items())

    if bad_rows:
        constat = f"{fr_plural(bad_rows, 'ligne', 'lignes')} avec une valeur invalide ({by_code(invalid)})."
    else:
        constat = "Aucune valeur invalide."
    if not to_check.empty:
        # read as Excel reads them: worth a look, not wrong — said apart, out of the score
        rows_to_check = _rows_of(to_check, unlisted, n)
        constat += (f" À vérifier, sans effet sur le score : {fr_plural(rows_to_check, 'ligne', 'lignes')} "
                    f"({by_code(to_check)}).")
    rows.append(("Valeurs invalides", _score(bad_rows, n), constat))
    # Excel damage
    dmg_rows = damage["row"].nunique() if not damage.empty else 0
    if dmg_rows:
        by_code = damage["code"].value_counts()
        names = {"code_postal_zero_perdu": "codes postaux sans leur zéro", "siret_nombre": "SIRET en nombre",
                 "siren_nombre": "SIREN en nombre", "date_texte": "dates en texte"}
        detail = ", ".join(f"{names.get(c, c)} : {fr_number(v)}" for c, v in by_code.items())
        constat = f"{fr_plural(dmg_rows, 'ligne abîmée', 'lignes abîmées')} par Excel ({detail}) ; « Nettoyer » les répare."
    else:
        constat = "Aucun dégât d'Excel détecté."
    rows.append(("Dégâts Excel", _score(dmg_rows, n), constat))
    overall = int(round(np.mean([r[1] for r in rows])))
    verdict = ("base saine" if overall >= 90 else "nettoyage conseillé avant de segmenter" if overall >= 70
               else "nettoyage indispensable avant de segmenter")
    rows.insert(0, ("Score global", overall, f"{fr_plural(n, 'client analysé', 'clients analysés')} : {verdict}."))
    # then the fill rate of every column, emptiest first: stale and empty fields at a glance
    for rec in completeness.sort_values("taux", kind="stable").itertuples(index=False):
        rows.append((f"{FILL_PREFIX}{rec.colonne}", int(round(100 * rec.taux)), fill_constat(rec, source)))
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
