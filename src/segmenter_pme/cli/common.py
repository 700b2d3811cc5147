"""What every ``segmenter`` command shares: the root options, the common arguments, the consoles.

The root options (``segmenter -q …``) travel in the typer context (:class:`RootOptions` in
``ctx.obj``), set by the root callback of :mod:`.root` and read with :func:`quiet`: no module
keeps or reads another's state.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

# markup off: paths, sheet and segment names are the user's text, and « [/y] » in one must print as it is
out = Console(markup=False)
err = Console(stderr=True, markup=False)


@dataclass(frozen=True)
class RootOptions:
    """Options of the root command (``segmenter --quiet …``), in ``ctx.obj`` for every command."""

    quiet: bool = False


def quiet(ctx: typer.Context) -> bool:
    """``--quiet`` given to the root command (a sub-app invoked alone, as tests do, is not quiet)."""
    return isinstance(ctx.obj, RootOptions) and ctx.obj.quiet


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) or say in French why not."""
    from ..errors import WorkbookError
    from ..workbook.files import os_reason

    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkbookError(f"Impossible de créer le dossier « {folder} » : {os_reason(error)}.") from None


def parse_date(value: Optional[str]) -> Optional[dt.date]:
    """``--date`` as AAAA-MM-JJ or JJ/MM/AAAA; anything else is a usage error (exit 2)."""
    if value is None:
        return None
    from ..settings import DATE_ANALYSE_MAX, DATE_ANALYSE_MIN

    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            date = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not DATE_ANALYSE_MIN <= date <= DATE_ANALYSE_MAX:
            raise typer.BadParameter(f"date « {value} » hors limites : choisissez une date entre le "
                                     f"{DATE_ANALYSE_MIN:%d/%m/%Y} et le {DATE_ANALYSE_MAX:%d/%m/%Y}.")
        return date
    raise typer.BadParameter(f"date « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2025-12-31.")


def parse_columns(values: Optional[list[str]]) -> dict[str, str]:
    """``--colonne "CA total=Montant TTC"`` (repeatable) → canonical field → the user's header."""
    from ..fields import CLIENT_FIELDS
    from ..headers import field_of_label

    out: dict[str, str] = {}
    for value in values or ():
        label, sep, header = value.partition("=")
        if not sep or not label.strip() or not header.strip():
            raise typer.BadParameter(f"« {value} » : écrivez CHAMP=EN-TÊTE, par exemple --colonne \"CA total=Montant TTC\".")
        field = field_of_label(label)
        if field is None:
            known = ", ".join(f.label for f in CLIENT_FIELDS[:12])
            raise typer.BadParameter(f"champ « {label.strip()} » inconnu. Champs possibles : {known}, Date facture, "
                                     "Montant HT, Montant TTC…")
        out[field] = header.strip()
    return out


#: Former (and accented) names of the commands → the French verb now shown, one table: the ribbon's
#: buttons say « Segmenter », « Auditer »…, the command says ``segmenter segmente``, ``segmenter audite``….
#: The former names stay accepted, hidden from --help (listed at its foot), so that no script breaks.
ALIASES: dict[str, str] = {
    "run": "segmente", "audit": "audite", "nettoyer": "nettoie", "template": "modele", "modèle": "modele",
    "addin": "complement", "complément": "complement",
    "build": "construit", "install": "installe", "remove": "desinstalle", "désinstalle": "desinstalle",
    "status": "etat", "état": "etat",
}


def add_command(app: typer.Typer, name: str, function) -> None:
    """``function`` as the command ``name``, and under its former names, hidden (:data:`ALIASES`)."""
    app.command(name=name)(function)
    for old in (o for o, new in ALIASES.items() if new == name):
        app.command(name=old, hidden=True)(function)


def add_group(app: typer.Typer, name: str, group: typer.Typer) -> None:
    """The sub-app ``group`` as ``name``, and under its former names, hidden (:data:`ALIASES`)."""
    app.add_typer(group, name=name)
    for old in (o for o, new in ALIASES.items() if new == name):
        app.add_typer(group, name=old, hidden=True)


def aliases_note(*names: str) -> str:
    """« Anciens noms, toujours acceptés : run = segmente, … » for the foot of a --help."""
    pairs = [f"{old} = {new}" for new in names for old, to in ALIASES.items() if to == new and old.isascii()]
    return "Anciens noms, toujours acceptés : " + ", ".join(pairs) + "."


def typer_app(name: str, help: str, epilog: str | None = None) -> typer.Typer:
    """A typer app as all of ours are: help without arguments, no shell completion, no traceback panels."""
    return typer.Typer(name=name, help=help, epilog=epilog, no_args_is_help=True, add_completion=False,
                       pretty_exceptions_enable=False)


# options shared by several commands: one wording, one place
FICHIER = typer.Argument(..., help="Classeur .xlsx / .xlsm ou export .csv (séparateur ;).")
DATE = typer.Option(None, "--date", metavar="AAAA-MM-JJ",
                    help="Date d'analyse (sinon « Paramètres » ou la date du jour).")
_COLONNE_HELP = ('Colonne à utiliser pour un champ, si la détection se trompe : --colonne "CA total=Montant TTC" '
                 '(répétable).')
COLONNE = typer.Option(None, "--colonne", metavar='"CHAMP=EN-TÊTE"', help=_COLONNE_HELP)
#: ``segmente`` writes the choice into the workbook's « Paramètres », where the next runs find it
COLONNE_ENREGISTREE = typer.Option(None, "--colonne", metavar='"CHAMP=EN-TÊTE"',
                                   help=_COLONNE_HELP + " Enregistrée dans « Paramètres » du classeur écrit.")
FEUILLE = typer.Option(None, "--feuille", help="Nom de la feuille des clients.")


def sortie_option(help: str, metavar: str | None = None):
    """``--sortie`` / ``-o``: what a command writes, said in its own words (a workbook, a folder, a PDF)."""
    return typer.Option(None, "--sortie", "-o", metavar=metavar, help=help)


@dataclass(frozen=True)
class Reading:
    """The client file a command reads and how: the argument FICHIER, ``--date``, ``--feuille`` and
    ``--colonne``, parsed."""

    path: Path = Path()
    analysis_date: Optional[dt.date] = None
    sheet: Optional[str] = None
    columns: dict[str, str] = field(default_factory=dict)

    def kwargs(self) -> dict:
        """The keyword arguments every file job takes for the options (``run``, ``audit_file``, ``export_lists``…)."""
        return {"analysis_date": self.analysis_date, "sheet": self.sheet, "columns": self.columns}


#: the default of a command's ``lecture`` parameter, which :func:`reading_options` replaces
AS_FOUND = Reading()


def reading_options(*, feuille=FEUILLE, colonne=COLONNE):
    """Decorator of a command that reads a client file: its ``lecture: Reading`` parameter is shown as the
    argument FICHIER and the options --date, --feuille and --colonne (at its place in --help), and is given
    them parsed (:func:`parse_date`, :func:`parse_columns`) — one list of these, one parsing."""

    def decorate(command):
        signature = inspect.signature(command, eval_str=True)
        options = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=kind)
                   for name, default, kind in (("fichier", FICHIER, Path), ("date", DATE, Optional[str]),
                                               ("feuille", feuille, Optional[str]),
                                               ("colonne", colonne, Optional[list[str]]))]
        parameters = [q for p in signature.parameters.values() for q in (options if p.name == "lecture" else [p])]

        @functools.wraps(command)
        def with_reading(*args, fichier, date=None, feuille=None, colonne=None, **kwargs):
            # the date first, then the columns: a usage error names the first wrong option, as typed
            analysis_date = parse_date(date)
            return command(*args, lecture=Reading(fichier, analysis_date, feuille, parse_columns(colonne)), **kwargs)

        with_reading.__signature__ = signature.replace(parameters=parameters)
        with_reading.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_reading

    return decorate
