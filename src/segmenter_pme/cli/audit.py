"""``segmenter audite`` and ``segmenter nettoie`` — thin over :mod:`segmenter_pme.workbook.audit_files`.

Registered on the root app by :func:`register`. Audit
findings are not errors: ``audite`` exits 0 whatever it finds; only a file that
cannot be read (a :class:`~segmenter_pme.errors.SegmenterError`) exits 1.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Optional

import typer
from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..audit.report import FILL_PREFIX
from ..fr import fr_eur, fr_number, fr_plural, fr_share
from ..fr import no_break as nb
from ..settings import SEUIL_DOUBLONS_MIN
from .common import AS_FOUND, Reading, add_command, err, out, quiet, reading_options, sortie_option
_MAX_NOTES = 10  # « Attention » sentences printed, the others counted



def _wrap(text: Text, width: int) -> list[Text]:
    """``text`` cut into lines of at most ``width`` cells, only at ordinary spaces (rich also cuts at no-break ones)."""
    lines: list[Text] = []
    for part in text.split("\n", allow_blank=True):
        plain = part.plain
        if cell_len(plain) <= width:
            lines.append(part)
            continue
        starts, start, space = [], 0, None
        for i, ch in enumerate(plain):
            if ch == " ":
                space = i
            elif space is not None and space > start and cell_len(plain[start:i + 1]) > width:
                start = space + 1
                starts.append(start)
                space = None
        for line in part.divide(starts):
            line.rstrip()
            lines.append(line)
    return lines


class _Para:
    """A paragraph that keeps its no-break spaces when rich wraps it (sentences, table cells)."""

    def __init__(self, text: str | Text, *, markup: bool = False, style: str = ""):
        if isinstance(text, Text):
            self.text = text
        else:
            self.text = Text.from_markup(nb(text), style=style) if markup else Text(nb(text), style=style)

    def __rich_console__(self, console, options):
        for line in _wrap(self.text, max(1, options.max_width)):
            yield line

    def __rich_measure__(self, console, options):
        plain = self.text.plain
        words = [w for line in plain.split("\n") for w in line.split(" ")]
        longest = max((cell_len(w) for w in words), default=0)
        widest = max((cell_len(line) for line in plain.split("\n")), default=0)
        return Measurement(min(longest, options.max_width), min(widest, options.max_width))


def say(text: str, *, markup: bool = False, style: str = "") -> None:
    """Print a French sentence, wrapped at ordinary spaces only."""
    out.print(_Para(text, markup=markup, style=style))


def _value(rec, report) -> str:
    """A problem's value as the user reads it: amounts in euros the French way, codes as they are."""
    v = rec.value
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return f"{v:%d/%m/%Y}"
    money = {report.columns.get(f) for f in ("ca_total",) if report.columns.get(f)} | {"CA total"}
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if rec.column in money or str(rec.code).startswith("ca_"):
            return fr_eur(float(v), 2)
        if float(v).is_integer():
            return str(int(v))  # codes, SIRET, counts: no thousands separator
        return fr_number(float(v), 2)
    return str(v)


def _in_file(message: str, lines: dict[int, int] | None) -> str:
    """« ligne N » of a message (another row of the table, for a duplicate) as the line of the CSV."""
    if not lines:
        return message
    return re.sub(r"\bligne (\d+)\b", lambda m: f"ligne {lines.get(int(m.group(1)), m.group(1))}", message)


def _summary(report) -> Table:
    table = Table(title="Qualité de la base clients", title_justify="left", show_lines=False)
    table.add_column("Catégorie")
    table.add_column("Score", justify="right")
    table.add_column("Constat", overflow="fold")
    for cat, score, constat in report.summary[["Catégorie", "Score", "Constat"]].itertuples(index=False):
        if cat.startswith(FILL_PREFIX):
            continue  # the fill rates are the « Remplissage » table of --detail
        color = "green" if score >= 90 else ("yellow" if score >= 70 else "red")
        table.add_row(cat, Text(f"{score}/100", style=color), _Para(constat))
    return table


@reading_options()
def audit(
    ctx: typer.Context,
    sortie: Optional[Path] = sortie_option(
        "Écrit aussi une copie du classeur avec la feuille « Qualité » (le fichier d'origine n'est pas modifié)."),
    lecture: Reading = AS_FOUND,
    detail: int = typer.Option(0, "--detail", "-d", help="Affiche aussi les N premiers problèmes."),
) -> None:
    """Audite la base clients : doublons, clients inactifs, champs manquants, valeurs invalides, dégâts d'Excel."""
    from ..workbook.audit_files import audit_file

    from ..workbook.files import backup_path

    started = time.perf_counter()
    replaced = sortie is not None and Path(sortie).exists()
    report, written = audit_file(lecture.path, output=sortie, **lecture.kwargs())
    for note in getattr(report, "control_notes", []):  # about the file itself: said even with --quiet
        err.print(_Para("Attention : " + note, style="yellow"))
    if quiet(ctx):
        return
    seconds = fr_number(time.perf_counter() - started, 1)
    say(f"Audit de « {lecture.path.name} » au {report.analysis_date:%d/%m/%Y} : "
        f"{fr_plural(report.n_clients, 'client', 'clients')}, "
        f"{fr_plural(sum(report.counts.values()), 'problème signalé', 'problèmes signalés')} ({seconds} s).")
    out.print(_summary(report))
    if detail:
        fill = Table(title="Remplissage par colonne", title_justify="left")
        fill.add_column("Colonne")
        fill.add_column("Renseignées", justify="right")
        fill.add_column("%", justify="right")
        for rec in report.completeness.itertuples(index=False):
            fill.add_row(rec.colonne, f"{fr_number(rec.renseignes + rec.factures)}/{fr_number(rec.total - rec.sans_objet)}",
                         fr_share(rec.taux, 0))
        out.print(fill)
        table = Table(title=f"Problèmes (les {min(detail, len(report.problems))} premiers)", title_justify="left")
        # a CSV is read in a text editor too: its own line numbers, title lines above the header counted
        lines = report.source_lines
        for c in ("Ligne du fichier" if lines else "Ligne", "Colonne", "Valeur", "Problème", "Que faire"):
            table.add_column(c, overflow="fold")
        for rec in report.problems.head(detail).itertuples(index=False):
            row = "" if rec.row is None or rec.row != rec.row else str((lines or {}).get(rec.row, rec.row))
            table.add_row(row, rec.column or "", _Para(_value(rec, report)), _Para(_in_file(rec.message, lines)),
                          _Para(rec.action))
        out.print(table)
    if written is not None:
        out.print(_Para(Text.assemble(nb("Feuille « Qualité » écrite dans : "), (str(written), "bold"))))
        if replaced:
            say(f"La version précédente de « {written.name} » est gardée dans « {backup_path(written).name} » "
                "(même dossier).")
    elif len(report.problems):
        from ..workbook.files import shell_quote

        say(f"Pour corriger : « segmenter nettoie {shell_quote(lecture.path)} » écrit une copie nettoyée (rien n'est "
            "supprimé : les lignes retirées vont dans « Archives »).")


@reading_options()
def nettoyer(
    ctx: typer.Context,
    sortie: Optional[Path] = sortie_option("Copie nettoyée à écrire (par défaut NOM.nettoye.xlsx ; jamais le fichier "
                                           "d'origine)."),
    lecture: Reading = AS_FOUND,
    seuil: Optional[float] = typer.Option(None, "--seuil", min=SEUIL_DOUBLONS_MIN, max=100, help="Confiance minimale (%) pour "
                                          "fusionner des doublons (sinon « Paramètres », 90 par défaut)."),
    garder_inactifs: bool = typer.Option(False, "--garder-inactifs", help="Ne range pas les clients inactifs "
                                         "dans « Archives »."),
) -> None:
    """Écrit une copie nettoyée : doublons fusionnés, clients inactifs archivés, dégâts d'Excel réparés."""
    from ..workbook.audit_files import clean_file

    run = clean_file(lecture.path, sortie, threshold=seuil, archive_inactive=not garder_inactifs, **lecture.kwargs())
    if quiet(ctx):
        return
    res = run.result
    n_groups = len(res.merges)
    say(f"Base de {fr_plural(run.kept + run.archived, 'client', 'clients')} → {fr_plural(run.kept, 'client', 'clients')} "
        "après nettoyage.")
    if res.merged_rows:
        say(f"- {fr_plural(res.merged_rows, 'fiche en double fusionnée', 'fiches en double fusionnées')} "
            f"dans {fr_plural(n_groups, 'client', 'clients')} ;")
    else:
        say("- Aucun doublon fusionné ;")
    if res.inactive_rows:
        say(f"- {fr_plural(res.inactive_rows, 'client inactif rangé', 'clients inactifs rangés')} dans « Archives » ;")
    else:
        say("- Aucun client inactif à ranger dans « Archives » ;")
    if len(res.repairs):
        say(f"- {fr_plural(len(res.repairs), 'cellule réparée', 'cellules réparées')} (codes postaux, SIRET, dates).")
    else:
        say("- Aucune cellule à réparer (codes postaux, SIRET, dates).")
    out.print(_Para(Text.assemble(nb("Copie nettoyée : "), (str(run.output), "bold"), nb(
        " — les lignes retirées sont dans la feuille « Archives » avec leur motif ; le fichier d'origine n'a pas "
        "été modifié."))))
    if run.backup is not None:
        say(f"La version précédente de « {run.output.name} » est gardée dans « {run.backup.name} » (même dossier).")
    from ..workbook.files import shell_quote

    # the cleaned copy has no segment columns yet: they belong to the base before cleaning
    out.print(Text(f"Étape suivante : segmentez la copie nettoyée — segmenter segmente {shell_quote(run.output)}"),
              highlight=False, soft_wrap=True)
    for note in run.notes[:_MAX_NOTES]:
        say(note, style="yellow")
    if len(run.notes) > _MAX_NOTES:
        more = len(run.notes) - _MAX_NOTES
        say(f"Attention : {fr_plural(more, 'autre remarque', 'autres remarques')} du même genre "
            f"({fr_plural(len(run.notes), 'remarque', 'remarques')} en tout).", style="yellow")


def register(app: typer.Typer) -> None:
    """Add ``audite`` and ``nettoie`` (formerly ``audit`` and ``nettoyer``) to the ``segmenter`` app."""
    add_command(app, "audite", audit)
    add_command(app, "nettoie", nettoyer)
