"""The ``segmenter`` command — a thin layer over the library.

Every command calls one library function; :func:`main` turns a
:class:`SegmenterError` into one French paragraph on stderr and exit code 1
(usage errors are typer's exit code 2). Other front ends mount their own typer
app with one line in :func:`_mount_subapps`.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import cli_fr
from .cli_common import COLONNE, DATE, FICHIER
from .cli_common import State as _State
from .cli_common import parse_columns as _parse_columns
from .cli_common import parse_date as _parse_date
from .errors import SegmenterError, WorkbookError
from .frtext import fr_eur as _fr_eur
from .frtext import fr_int as _fr_int
from .frtext import fr_share as _fr_pct

app = typer.Typer(
    name="segmenter",
    help="Segmentation clients (RFM, Petits/Moyens/Gros, secteur, taille, région) pour PME, dans Excel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cli_fr.install()

# markup off: paths, sheet and segment names are the user's text, and « [/y] » in one must print as it is
console = Console(stderr=True, markup=False)
out = Console(markup=False)


@app.callback()
def _root(quiet: bool = typer.Option(False, "--quiet", "-q", help="N'affiche rien sauf les erreurs (scripts).")):
    _State.quiet = quiet




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


def _report(report, started: float, given: bool = False) -> None:
    # what could not be kept is said even in --quiet mode: it is about the user's file
    for note in report.warnings:
        console.print(Text.assemble(("Attention : ", "bold yellow"), note), highlight=False, soft_wrap=True)
    if _State.quiet:
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
    out.print(f"{_fr_int(n)} {clients} en {time.perf_counter() - started:.1f} s.".replace(".", ",", 1))
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


@app.command()
def run(
    fichier: Path = FICHIER,
    sortie: Optional[Path] = typer.Option(None, "--sortie", "-o", help="Classeur à écrire (sinon le fichier "
                                          "lui-même est mis à jour ; un .csv donne un .xlsx à côté)."),
    date: Optional[str] = DATE,
    feuille: Optional[str] = typer.Option(None, "--feuille", help="Nom de la feuille des clients (ou des factures)."),
    colonne: Optional[list[str]] = COLONNE,
    ouvrir: bool = typer.Option(False, "--ouvrir", help="Ouvre le classeur écrit avec l'application par défaut "
                                "(Excel, LibreOffice…)."),
) -> None:
    """Segmente les clients d'un classeur ou d'un export CSV et écrit le résultat dans le classeur."""
    from .workbook import run as run_workbook

    analysis_date = _parse_date(date)
    columns = _parse_columns(colonne)
    started = time.perf_counter()
    with _progress(not _State.quiet) as step:
        report = run_workbook(fichier, sortie, analysis_date=analysis_date, sheet=feuille, progress=step,
                              columns=columns)
    _report(report, started, given=analysis_date is not None)
    if analysis_date is not None and not _State.quiet:
        # the date is kept in « Paramètres »: say so, or later runs from Excel would silently replay it
        out.print(f"La date d'analyse {analysis_date:%d/%m/%Y} est enregistrée dans la feuille « Paramètres » du "
                  "classeur : videz la cellule « Date d'analyse » pour revenir à la date du jour.")
    if columns and not _State.quiet:
        out.print("La correspondance des colonnes (--colonne) est enregistrée dans la feuille « Paramètres » du "
                  "classeur écrit : les prochaines analyses la reprennent.")
    _next_step(report.output, ouvrir)


def _next_step(path: Path, open_it: bool) -> None:
    """What to do now: open the workbook (``--ouvrir`` does it), and the lists once that command exists."""
    from .workbook.files import shell_quote

    if open_it:
        note = open_with_default_app(path)
        if note and not _State.quiet:
            out.print(note, highlight=False, soft_wrap=True)
    if _State.quiet:
        return
    text = (f"Étape suivante : ouvrez « {Path(path).name} » et lisez « Synthèse » puis « Plan d'actions »"
            + ("" if open_it else " (avec l'option --ouvrir, segmenter l'ouvre lui-même à la fin de l'analyse)"))
    if _has_command("listes"):
        text += f" ; « segmenter listes {shell_quote(path)} » en tire les listes de clients à contacter"
    out.print(Text(text + "."), highlight=False, soft_wrap=True)


def _has_command(name: str) -> bool:
    return name in _command_names()


def _command_names() -> set[str]:
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return names | {g.name for g in app.registered_groups if g.name}


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


@app.command()
def demo(
    dossier: Path = typer.Argument(Path("demo"), help="Dossier où écrire le classeur de démonstration."),
) -> None:
    """Crée un classeur de démonstration réaliste (3 000 clients) et le segmente."""
    from .workbook import run as run_workbook
    from .workbook.templates import DEMO_DATE, DEMO_NAME, build_demo_workbook

    started = time.perf_counter()
    from .workbook.files import atomic_write

    target = Path(dossier) / DEMO_NAME
    _make_folder(dossier)
    with _progress(not _State.quiet) as step:
        step("Création du classeur de démonstration")
        atomic_write(target, build_demo_workbook, backup=False)
        report = run_workbook(target, analysis_date=DEMO_DATE, progress=step, backup=False)
    _report(report, started)


@app.command()
def template(
    dossier: Path = typer.Argument(Path("."), help="Dossier où copier le modèle vierge."),
    formules: bool = typer.Option(False, "--formules",
                                  help="Le modèle qui segmente par formules Excel seules (sans Python ni macro)."),
) -> None:
    """Copie le modèle vierge de fichier clients (avec « Paramètres » et « Mode d'emploi »)."""
    from .workbook import formula_template
    from .workbook.files import atomic_write, shell_quote
    from .workbook.templates import TEMPLATE_NAME, build_template

    if formules:
        build_template = formula_template.build  # noqa: F811 - the same copy, another workbook
    target = Path(dossier) / (formula_template.TEMPLATE_NAME if formules else TEMPLATE_NAME)
    _make_folder(dossier)
    if target.exists():
        raise SegmenterError(
            f"« {target} » existe déjà : il n'a pas été remplacé. Choisissez un autre dossier ou supprimez-le."
        )
    atomic_write(target, build_template, backup=False)
    if not _State.quiet and formules:
        out.print(Text.assemble("Modèle à formules : ", (str(target), "bold"), " — collez vos clients dans « Clients » "
                                "(et vos lignes de factures dans « Factures ») : tout se recalcule dans Excel ; "
                                "voir « Mode d'emploi »."))
    elif not _State.quiet:
        out.print(Text.assemble("Modèle vierge : ", (str(target), "bold"), " — remplissez la feuille « Clients » "
                                f"puis lancez « segmenter run {shell_quote(target)} »."))


def _make_folder(folder: Path) -> None:
    from .workbook.files import os_reason

    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise WorkbookError(f"Impossible de créer le dossier « {folder} » : {os_reason(err)}.") from None


def _mount_subapps() -> None:
    """Other front ends' commands, one line each (``app.add_typer(…)`` or ``app.command()(…)``)."""
    app.add_typer(__import__("segmenter_pme.excel.cli_addin", fromlist=["app"]).app, name="addin")
    __import__("segmenter_pme.audit.cli", fromlist=["register"]).register(app)
    __import__("segmenter_pme.cli_actions", fromlist=["register"]).register(app)


_mount_subapps()


def main(argv: list[str] | None = None) -> int:
    """Entry point: one French paragraph and exit 1 for a user's mistake, exit 2 for a usage error.

    With ``argv`` (tests, other Python code) the exit code is returned; without,
    this is the process's command line and the process exits with it, however
    it was started (console script, ``python -m segmenter_pme``).
    """
    code = _main(argv)
    if argv is None:
        sys.exit(code)
    return code


_FILE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")


def _french_args(args: list[str]) -> list[str]:
    """``-q`` anywhere (also after the verb) is the root option; ``segmenter FICHIER.xlsx`` is ``segmenter run``."""
    quiet = [a for a in args if a in ("-q", "--quiet")]
    args = quiet[:1] + [a for a in args if a not in ("-q", "--quiet")]
    first = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
    if first is not None and args[first] not in _command_names():
        word = args[first]
        if word.lower().endswith(_FILE_SUFFIXES) or Path(word).is_file():
            args.insert(first, "run")
    return args


def _main(argv: list[str] | None) -> int:
    try:
        # standalone mode: typer prints usage errors itself and exits 2; --help exits 0
        app(args=_french_args(list(sys.argv[1:] if argv is None else argv)), prog_name="segmenter")
    except SegmenterError as err:
        # the message is plain text: never let rich read brackets in it as markup
        # soft_wrap: no line break inserted by rich, so a command in the message can be copied whole
        console.print(Text.assemble(("Erreur : ", "bold red"), err.message), highlight=False, soft_wrap=True)
        return 1
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
