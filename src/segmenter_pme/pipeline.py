"""``segment()``: the one entry point of the core (SPEC §1–§7, no I/O).

A run, in order: read the inputs (:mod:`canonical`, :mod:`invoices`), the per-client features
(:mod:`client_features`), scores and segments (:mod:`scoring`), the summary, Pareto and bands
(:mod:`summary`, :mod:`rfm`), the returned frames (:mod:`output_frames`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import pmg as pmg_mod
from .canonical import invoice_key, raise_errors, read_client_table, read_invoices, strip_previous_output
from .client_features import apply_analysis_date, client_quotes, combine
from .errors import InputDataError
from .fr import fr_int
from .headers import map_columns, setting_advice
from .output_frames import client_frame, output_frame
from .problems import CATALOGUE, WARNING, Issue
from .result import LineFacts, SegmentationResult
from .rfm import boundaries as rfm_boundaries
from .rules import PROSPECT
from .scoring import NOT_CLASSIFIED, score
from .settings import Settings
from .summary import pareto, rf_grid, segment_warnings, summarize

SMALL_BASE = 25  # below, quintile scores mostly reflect who happens to be in the file


def segment(
    clients: pd.DataFrame | None = None,
    invoices: pd.DataFrame | None = None,
    settings: Settings | None = None,
    *,
    clients_sheet: str = "Clients",
    invoices_sheet: str = "Factures",
    today: dt.date | None = None,
) -> SegmentationResult:
    """Segment a client table and/or invoice lines.

    Input: ``clients`` (one row per client, the user's headers) and/or
    ``invoices`` (one row per invoice or credit note). Index labels are the row
    numbers used in messages. Output: a :class:`SegmentationResult` whose
    ``clients`` frame carries the columns of :data:`SEGMENT_COLUMNS`.

    Raises :class:`MissingColumnError` when a needed column is absent and
    :class:`InputDataError` when values of the analysis columns cannot be read.
    """
    return run(clients, invoices, settings, clients_sheet=clients_sheet, invoices_sheet=invoices_sheet,
               today=today)


def run(clients: pd.DataFrame | None, invoices: pd.DataFrame | None, settings: Settings | None, *,
        clients_sheet: str, invoices_sheet: str, today: dt.date | None) -> SegmentationResult:
    """:func:`segment`. With invoice lines, the result keeps what the history needs to
    replay them (:class:`~segmenter_pme.result.LineFacts`)."""
    settings = settings or Settings()
    if clients is None and invoices is None:
        raise InputDataError("Aucune donnée : fournissez un tableau de clients ou des lignes de factures.")
    analysis = settings.date_analyse or today or dt.date.today()
    analysis_ts = pd.Timestamp(analysis)
    issues: list[Issue] = []
    warnings: list[str] = []
    overrides = settings.column_overrides

    client_columns: dict = {}
    table = None
    if clients is not None:
        clients = strip_previous_output(clients)
        client_columns = map_columns(list(clients.columns), "clients", overrides, sheet=clients_sheet)
        table = read_client_table(clients, client_columns, clients_sheet, invoices is not None, issues)

    invoice_columns: dict = {}
    from_invoices = None
    capture: dict | None = None
    if invoices is not None:
        capture = {}
        invoice_columns = map_columns(list(invoices.columns), "factures", overrides, sheet=invoices_sheet)
        from_invoices = read_invoices(invoices, invoice_columns, invoices_sheet, analysis_ts, issues,
                                      by=invoice_key(invoices, invoice_columns, table), capture=capture,
                                      quote_days=settings.devis_jours)
        n_after = from_invoices.n_after
        if n_after:
            warnings.append(
                f"{fr_int(n_after)} ligne(s) de facture datée(s) après la date d'analyse ({analysis:%d/%m/%Y}) "
                "ont été ignorées."
            )
            issues.append(Issue("achat_apres_date_analyse", warnings[-1], WARNING, invoices_sheet,
                                invoice_columns.get("date_facture"), None, None, n_after))

    raise_errors(issues)
    features, new_rows, agg_rows = combine(table, from_invoices, clients)
    open_quotes = client_quotes(table, from_invoices, agg_rows, features.index) if from_invoices is not None \
        else None
    facts = None
    if capture is not None and "lines" in capture:
        capture["feature_rows"] = agg_rows
        facts = LineFacts.of(capture)
    del capture
    n_future = apply_analysis_date(features, analysis_ts)
    if n_future:
        msg = (f"{fr_int(n_future)} client(s) ont une date de dernier achat postérieure à la date d'analyse "
               f"({analysis:%d/%m/%Y}) : leur récence est comptée à 0 jour.")
        warnings.append(msg)
        issues.append(Issue("achat_apres_date_analyse", msg, WARNING, clients_sheet,
                            client_columns.get("date_dernier_achat"), None, None, n_future))

    features, scores = score(features, settings, analysis_ts, issues, clients_sheet, client_columns)
    warnings += _notable(issues, features)
    n_scored = len(scores.ca)
    small_base: tuple[str, ...] = ()
    if settings.mode_rfm == "quintiles" and 0 < n_scored < SMALL_BASE:
        # five groups of a handful of clients say little: a client who bought last month can be R = 2
        # said first, in plain words: with a handful of buyers one client can be both « Perdus » and « Gros »
        small_base = ((
            f"Base trop petite pour des segments parlants : seulement {fr_int(n_scored)} "
            f"client{'s' if n_scored > 1 else ''} avec des achats (il en faut au moins {SMALL_BASE}). Les scores "
            "comparent les clients entre eux ; si peu, un même client peut se retrouver à la fois dans « Perdus » "
            "et dans « Gros ». Lisez les segments avec prudence, ou passez à des bornes fixes (30 jours, 10 commandes, "
            f"10 000 €…) : choisissez « seuils » {setting_advice('mode_rfm')}."),)
    if analysis > dt.date.today():
        warnings.append(f"La date d'analyse ({analysis:%d/%m/%Y}) est dans le futur : vérifiez-la (« Paramètres » "
                        "ou option --date), les récences en dépendent.")
    summary = summarize(features, {
        "Segment RFM": [r.name for r in settings.regles_segments] + [PROSPECT, NOT_CLASSIFIED],
        "Segment PMG": list(pmg_mod.TIERS) + [PROSPECT, NOT_CLASSIFIED],
        "Segment Secteur": [],
    })
    output = output_frame(features, scores.scored)
    pareto_curve = pareto(scores.ca, scores.tiers == pmg_mod.TIERS.index("Gros"), scores.sorted_values[2])
    bounds = rfm_boundaries(scores.recency, scores.orders, scores.ca, scores.r, scores.f, scores.m,
                            mode=settings.mode_rfm, settings=settings, sorted_values=scores.sorted_values)
    grid = rf_grid(scores.r, scores.f)
    full = client_frame(clients, output, features, new_rows, client_columns, invoice_columns)
    warnings = list(small_base) + segment_warnings(summary, settings) + warnings
    return SegmentationResult(
        clients=full, output=output, features=features, summary=summary, boundaries=bounds, rf_grid=grid,
        pareto=pareto_curve, warnings=warnings, issues=issues, settings=settings, analysis_date=analysis,
        client_columns=client_columns, invoice_columns=invoice_columns, line_facts=facts,
        **({"open_quotes": open_quotes} if open_quotes is not None else {}),
    )


# ---------------------------------------------------------------- remarks

# remarks worth a line in the terminal and in the Synthèse, not only in « Qualité »
_NOTABLE = {code for code, kind in CATALOGUE.items() if kind.notable}


def _notable(issues: list[Issue], features: pd.DataFrame) -> list[str]:
    out = [i.message for i in issues if i.code in _NOTABLE and i.row is None]
    unclassified = int((features["segment_rfm"] == NOT_CLASSIFIED).sum())
    if unclassified:
        out.append(f"{fr_int(unclassified)} client(s) avec des commandes mais sans date de dernier achat ne peuvent pas "
                   "être segmentés : complétez cette date (la liste est dans « Qualité »).")
    return out
