"""``segmenter audit`` and ``segmenter nettoyer`` — thin over :mod:`segmenter_pme.audit.files`.

Mounted by :func:`segmenter_pme.cli._mount_subapps` with :func:`register`. Audit
findings are not errors: ``audit`` exits 0 whatever it finds; only a file that
cannot be read (a :class:`~segmenter_pme.errors.SegmenterError`) exits 1.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..cli_common import parse_date as _parse_date
from .report import FILL_PREFIX

out = Console()
_MAX_NOTES = 10  # « Attention » sentences printed, the others counted




def _quiet() -> bool:
    from .. import cli

    return bool(getattr(getattr(cli, "_State", None), "quiet", False))


def _n(k: int, one: str, many: str) -> str:
    return f"{k} {one if k <= 1 else many}"


def _summary(report) -> Table:
    table = Table(title="Qualité de la base clients", title_justify="left", show_lines=False)
    table.add_column("Catégorie")
    table.add_column("Score", justify="right")
    table.add_column("Constat", overflow="fold")
    for cat, score, constat in report.summary[["Catégorie", "Score", "Constat"]].itertuples(index=False):
        if cat.startswith(FILL_PREFIX):
            continue  # the fill rates are the « Remplissage » table of --detail
        color = "green" if score >= 90 else ("yellow" if score >= 70 else "red")
        table.add_row(cat, f"[{color}]{score}/100[/{color}]", constat)
    return table


def audit(
    fichier: Path = typer.Argument(..., help="Classeur .xlsx / .xlsm ou export .csv (séparateur ;)."),
    sortie: Optional[Path] = typer.Option(None, "--sortie", "-o", help="Écrit aussi une copie du classeur avec "
                                          "la feuille « Qualité » (le fichier d'origine n'est pas modifié)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date d'analyse AAAA-MM-JJ (sinon « Paramètres » "
                                       "ou la date du jour)."),
    feuille: Optional[str] = typer.Option(None, "--feuille", help="Nom de la feuille des clients."),
    detail: int = typer.Option(0, "--detail", "-d", help="Affiche aussi les N premiers problèmes."),
) -> None:
    """Audite la base clients : doublons, clients inactifs, champs manquants, valeurs invalides, dégâts d'Excel."""
    from .files import audit_file

    started = time.perf_counter()
    report, written = audit_file(fichier, sheet=feuille, analysis_date=_parse_date(date), output=sortie)
    if _quiet():
        return
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    out.print(f"Audit de « {Path(fichier).name} » au {report.analysis_date:%d/%m/%Y} : {report.n_clients} clients, "
              f"{sum(report.counts.values())} problèmes signalés ({seconds} s).", highlight=False)
    out.print(_summary(report))
    if detail:
        fill = Table(title="Remplissage par colonne", title_justify="left")
        fill.add_column("Colonne")
        fill.add_column("Renseignées", justify="right")
        fill.add_column("%", justify="right")
        for rec in report.completeness.itertuples(index=False):
            fill.add_row(rec.colonne, f"{rec.renseignes}/{rec.total}", f"{100 * rec.taux:.0f} %")
        out.print(fill)
        table = Table(title=f"Problèmes (les {min(detail, len(report.problems))} premiers)", title_justify="left")
        for c in ("Ligne", "Colonne", "Valeur", "Problème", "Que faire"):
            table.add_column(c, overflow="fold")
        for rec in report.problems.head(detail).itertuples(index=False):
            table.add_row("" if rec.row is None else str(rec.row), rec.column or "", "" if rec.value is None
                          else str(rec.value), rec.message, rec.action)
        out.print(table)
    if written is not None:
        out.print(f"Feuille « Qualité » écrite dans : [bold]{written}[/bold]")
    elif len(report.problems):
        out.print("Pour corriger : « segmenter nettoyer FICHIER » écrit une copie nettoyée (rien n'est supprimé : "
                  "les lignes retirées vont dans « Archives »).", highlight=False)


def nettoyer(
    fichier: Path = typer.Argument(..., help="Classeur .xlsx / .xlsm ou export .csv (séparateur ;)."),
    sortie: Optional[Path] = typer.Option(None, "--sortie", "-o", help="Copie nettoyée à écrire "
                                          "(par défaut NOM.nettoye.xlsx ; jamais le fichier d'origine)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date d'analyse AAAA-MM-JJ (sinon « Paramètres » "
                                       "ou la date du jour)."),
    feuille: Optional[str] = typer.Option(None, "--feuille", help="Nom de la feuille des clients."),
    seuil: Optional[float] = typer.Option(None, "--seuil", min=50, max=100, help="Confiance minimale (%) pour "
                                          "fusionner des doublons (sinon « Paramètres », 90 par défaut)."),
    garder_inactifs: bool = typer.Option(False, "--garder-inactifs", help="Ne range pas les clients inactifs "
                                         "dans « Archives »."),
) -> None:
    """Écrit une copie nettoyée : doublons fusionnés, clients inactifs archivés, dégâts d'Excel réparés."""
    from .files import clean_file

    run = clean_file(fichier, sortie, sheet=feuille, analysis_date=_parse_date(date), threshold=seuil,
                     archive_inactive=not garder_inactifs)
    if _quiet():
        return
    res = run.result
    n_groups = len(res.merges)
    out.print(f"Base de {run.kept + run.archived} clients → {run.kept} clients après nettoyage.", highlight=False)
    out.print(f"- {_n(res.merged_rows, 'fiche en double fusionnée', 'fiches en double fusionnées')} "
              f"dans {_n(n_groups, 'client', 'clients')} ;", highlight=False)
    out.print(f"- {_n(res.inactive_rows, 'client inactif rangé', 'clients inactifs rangés')} dans « Archives » ;",
              highlight=False)
    out.print(f"- {_n(len(res.repairs), 'cellule réparée', 'cellules réparées')} (codes postaux, SIRET, dates).",
              highlight=False)
    out.print(f"Copie nettoyée : [bold]{run.output}[/bold] — les lignes retirées sont dans la feuille « Archives » "
              "avec leur motif ; le fichier d'origine n'a pas été modifié.")
    if run.backup is not None:
        out.print(f"La version précédente de «\u00a0{run.output.name}\u00a0» est gardée dans "
                  f"«\u00a0{run.backup.name}\u00a0» (même dossier).", highlight=False)
    for note in run.notes[:_MAX_NOTES]:
        out.print(note, style="yellow", highlight=False)
    if len(run.notes) > _MAX_NOTES:
        more = len(run.notes) - _MAX_NOTES
        out.print(f"Attention\u00a0: {_n(more, 'autre formule a été remplacée', 'autres formules ont été remplacées')} "
                  "par sa valeur.", style="yellow", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``audit`` and ``nettoyer`` to the ``segmenter`` app."""
    app.command(name="audit")(audit)
    app.command(name="nettoyer")(nettoyer)
