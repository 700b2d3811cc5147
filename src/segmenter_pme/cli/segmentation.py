"""``segmenter segmente``, ``demo`` and ``modele``: the analysis of a workbook — thin over :mod:`segmenter_pme.workbook`."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.table import Table
from rich.text import Text

from ..errors import SegmenterError
from ..fr import fr_eur as _fr_eur
from ..fr import fr_int as _fr_int
from ..fr import fr_number
from ..fr import fr_share as _fr_pct
from .common import (AS_FOUND, COLONNE_ENREGISTREE, Reading, add_command, make_folder, quiet, reading_options,
                     sortie_option)
from .common import err as console
from .common import out


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A rich spinner with the current step; ``step(text)`` advances it."""
    if not enabled or not console.is_terminal:
        yield lambda _text: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    # the steps are few and uneven (reading, opening, segmenting, writing, saving): a bar per step
    with Progress(SpinnerColumn(), TextColumn("{task.description:<40}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("Démarrage", total=7)

        def step(text: str) -> None:
            bar.update(task, description=text, advance=1)

        yield step


def _summary_table(report) -> Table:
    summary = report.result.summary
    rfm = summary[summary["Dimension"] == "Segment RFM"]
    table = Table(title="Segments RFM", title_justify="left")
    table.add_column("Segment")
    table.add_column("Clients", justify="right")
    table.add_column("% base", justify="right")
    table.add_column("CA", justify="right")
    table.add_column("% CA", justify="right")
    for _, r in rfm.iterrows():
        table.add_row(str(r["Segment"]), _fr_int(r["Clients"]), _fr_pct(r["% base"]), _fr_eur(r["CA"]),
                      _fr_pct(r["% CA"]))
    return table




def _date_line(result, given: bool) -> Text:
    """« Date d'analyse : 30/06/2025 (option --date) » — the date every recency is counted from."""
    if given:
        source = "option --date"
    elif result.settings.date_analyse is not None:
        source = "cellule « Date d'analyse » de la feuille « Paramètres »"
    else:
        source = "date du jour ; option --date pour une autre date"
    return Text.assemble(("Date d'analyse : ", "bold"), f"{result.analysis_date:%d/%m/%Y} ({source})")


def _report(report, started: float, silent: bool, given: bool = False) -> None:
    # what could not be kept is said even in --quiet mode: it is about the user's file
    for note in report.warnings:
        console.print(Text.assemble(("Attention : ", "bold yellow"), note), highlight=False, soft_wrap=True)
    if silent:
        return
    out.print(_date_line(report.result, given))
    out.print(_summary_table(report))
    pareto = getattr(report.result, "pareto", None)
    if pareto is not None and getattr(pareto, "sentence", None):
        out.print(pareto.sentence)
    warnings = list(getattr(report.result, "warnings", []) or [])
    for w in warnings[:5]:  # the full list is in « Synthèse »
        # soft_wrap: a command inside the sentence stays on one line, to be copied whole
        out.print(Text("• " + str(w)), highlight=False, soft_wrap=True)
    if len(warnings) > 5:
        out.print(f"… et {len(warnings) - 5} autres remarques dans la feuille « Synthèse ».")
    hist = getattr(report, "history", None)
    if hist is not None and hist.changes:
        when = "ce mois-ci" if hist.period_kind == "mois" else "ce trimestre"
        out.print(Text(f"Ce qui a changé {when} (détail : feuille « Évolution ») :", style="bold"))
        for sentence in hist.changes:
            out.print(Text("• " + sentence), highlight=False)
    n = len(report.result.output)
    clients = "client segmenté" if n <= 1 else "clients segmentés"
    out.print(f"{_fr_int(n)} {clients} en {fr_number(time.perf_counter() - started, 1)} s.")
    if report.created_clients_sheet:
        out.print(f"Feuille « {report.clients_sheet} » créée à partir des factures.")
    elif report.appended_clients:
        k = report.appended_clients
        what = ("client trouvé seulement dans les factures ajouté" if k == 1
                else "clients trouvés seulement dans les factures ajoutés")
        out.print(f"{_fr_int(k)} {what} à « {report.clients_sheet} ».")
    out.print(Text.assemble("Classeur : ", (str(report.output), "bold")))
    if report.backup is not None:
        out.print(f"Version précédente sauvegardée : {report.backup}")


@reading_options(feuille=typer.Option(None, "--feuille", help="Nom de la feuille des clients (ou des factures)."),
                 colonne=COLONNE_ENREGISTREE)
def run(
    ctx: typer.Context,
    sortie: Optional[Path] = sortie_option(
        "Classeur à écrire (sinon le fichier lui-même est mis à jour ; un .csv donne un .xlsx à côté)."),
    lecture: Reading = AS_FOUND,
    ouvrir: bool = typer.Option(False, "--ouvrir", help="Ouvre le classeur écrit avec l'application par défaut "
                                "(Excel, LibreOffice…)."),
) -> None:
    """Segmente les clients d'un classeur ou d'un export CSV et écrit le résultat dans le classeur."""
    from ..workbook import run as run_workbook

    silent = quiet(ctx)
    analysis_date, columns = lecture.analysis_date, lecture.columns
    started = time.perf_counter()
    with _progress(not silent) as step:
        report = run_workbook(lecture.path, sortie, progress=step, **lecture.kwargs())
    _report(report, started, silent, given=analysis_date is not None)
    if analysis_date is not None and not silent:
        # the date is kept in « Paramètres »: say so, or later runs from Excel would silently replay it
        out.print(f"La date d'analyse {analysis_date:%d/%m/%Y} est enregistrée dans la feuille « Paramètres » du "
                  "classeur : videz la cellule « Date d'analyse » pour revenir à la date du jour.")
    if columns and not silent:
        out.print("La correspondance des colonnes (--colonne) est enregistrée dans la feuille « Paramètres » du "
                  "classeur écrit : les prochaines analyses la reprennent.")
    _next_step(report.output, ouvrir, silent)


def _next_step(path: Path, open_it: bool, silent: bool) -> None:
    """What to do now: open the workbook (``--ouvrir`` does it), then draw the lists from it."""
    from ..workbook.files import shell_quote

    if open_it:
        note = open_with_default_app(path)
        if note and not silent:
            out.print(note, highlight=False, soft_wrap=True)
    if silent:
        return
    text = (f"Étape suivante : ouvrez « {Path(path).name} » et lisez « Synthèse » puis « Plan d'actions »"
            + ("" if open_it else " (avec l'option --ouvrir, segmenter l'ouvre lui-même à la fin de l'analyse)"))
    text += f" ; « segmenter listes {shell_quote(path)} » en tire les listes de clients à contacter"
    out.print(Text(text + "."), highlight=False, soft_wrap=True)


def open_with_default_app(path: Path) -> str | None:
    """Open ``path`` with the system's default application; a French note when that is not possible."""
    import os
    import subprocess

    try:
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # type: ignore[attr-defined]
        else:
            opener = "open" if sys.platform == "darwin" else "xdg-open"
            subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    except OSError:
        return (f"Le classeur n'a pas pu être ouvert automatiquement (aucune application par défaut trouvée) : "
                f"ouvrez « {path} » vous-même.")
    return f"Ouverture de « {Path(path).name} » avec l'application par défaut…"


def demo(
    ctx: typer.Context,
    dossier: Path = typer.Argument(Path("demo"), help="Dossier où écrire le classeur de démonstration."),
) -> None:
    """Crée un classeur de démonstration réaliste (3 000 clients) et le segmente."""
    from ..workbook import run as run_workbook
    from ..workbook.templates import DEMO_DATE, DEMO_NAME, build_demo_workbook

    started = time.perf_counter()
    from ..workbook.files import atomic_write

    target = Path(dossier) / DEMO_NAME
    make_folder(dossier)
    with _progress(not quiet(ctx)) as step:
        step("Création du classeur de démonstration")
        atomic_write(target, build_demo_workbook, backup=False)
        report = run_workbook(target, analysis_date=DEMO_DATE, progress=step, backup=False)
    _report(report, started, quiet(ctx))


def template(
    ctx: typer.Context,
    dossier: Path = typer.Argument(Path("."), help="Dossier où copier le modèle vierge."),
    formules: bool = typer.Option(False, "--formules",
                                  help="Le modèle qui segmente par formules Excel seules (sans Python ni macro)."),
) -> None:
    """Copie le modèle vierge de fichier clients (avec « Paramètres » et « Mode d'emploi »)."""
    from ..workbook import formula_template
    from ..workbook.files import atomic_write, shell_quote
    from ..workbook.templates import TEMPLATE_NAME, build_template

    if formules:
        build_template = formula_template.build  # noqa: F811 - the same copy, another workbook
    target = Path(dossier) / (formula_template.TEMPLATE_NAME if formules else TEMPLATE_NAME)
    make_folder(dossier)
    if target.exists():
        raise SegmenterError(
            f"« {target} » existe déjà : il n'a pas été remplacé. Choisissez un autre dossier ou supprimez-le."
        )
    atomic_write(target, build_template, backup=False)
    if not quiet(ctx) and formules:
        out.print(Text.assemble("Modèle à formules : ", (str(target), "bold"), " — collez vos clients dans « Clients » "
                                "(et vos lignes de factures dans « Factures ») : tout se recalcule dans Excel ; "
                                "voir « Mode d'emploi »."))
    elif not quiet(ctx):
        out.print(Text.assemble("Modèle vierge : ", (str(target), "bold"), " — remplissez la feuille « Clients » "
                                f"puis lancez « segmenter segmente {shell_quote(target)} »."))


def register(app: typer.Typer) -> None:
    """Add ``segmente``, ``demo`` and ``modele`` (formerly ``run`` and ``template``) to the ``segmenter`` app."""
    add_command(app, "segmente", run)
    add_command(app, "demo", demo)
    add_command(app, "modele", template)
