"""French for typer's own usage errors (typer has no translation catalogue).

Typer prints usage errors itself (missing argument, unknown option or command)
with English texts built as f-strings. We keep its printing and translate the
few sentences a user meets, so the whole command speaks French. If a future
typer moves these internals, the texts simply stay English.
"""

from __future__ import annotations

import re

from .common import ALIASES

_MESSAGES = (
    (re.compile(r"^Missing argument '(.+)'\.$"), "Argument manquant : « {0} »."),
    (re.compile(r"^Missing option '(.+)'\.$"), "Option manquante : « {0} »."),
    (re.compile(r"^Missing parameter: (.+)$"), "Paramètre manquant : « {0} »."),
    (re.compile(r"^No such option: (\S+?)(?: Did you mean (\S+)\?)?$"), "Option inconnue : {0}.{suggestion}"),
    (re.compile(r"^No such option: (\S+?) \(Possible options: (.+)\)$"), "Option inconnue : {0}.{suggestion}"),
    (re.compile(r"^No such command '(.+?)'\.(?: Did you mean (.+)\?)?$"), "Commande inconnue : « {0} ».{suggestion}"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)$"), "Argument(s) en trop : {0}. Mettez entre guillemets "
                                                               "un chemin qui contient des espaces."),
    (re.compile(r"^Option '(.+)' requires an argument\.$"), "L'option « {0} » attend une valeur."),
    (re.compile(r"^Invalid value for (.+?): (.*)$", re.S), "Valeur incorrecte pour {0} : {1}"),
    (re.compile(r"^Invalid value: (.*)$", re.S), "Valeur incorrecte : {0}"),
    (re.compile(r"^Missing command\.$"), "Commande manquante."),
)


_DETAILS = (
    (re.compile(r"Input should be a valid integer.*", re.S), "un nombre entier est attendu."),
    (re.compile(r"Input should be a valid number.*", re.S), "un nombre est attendu."),
    (re.compile(r"Input should be less than or equal to (\S+?)\.?$"), r"la valeur doit être au plus \1."),
    (re.compile(r"Input should be greater than or equal to (\S+?)\.?$"), r"la valeur doit être au moins \1."),
    (re.compile(r"Input should be less than (\S+?)\.?$"), r"la valeur doit être inférieure à \1."),
    (re.compile(r"Input should be greater than (\S+?)\.?$"), r"la valeur doit être supérieure à \1."),
    (re.compile(r"(?:Path|File|Directory) ('[^']*') is not readable\.?"), r"\1 ne peut pas être lu (droits insuffisants)."),
    (re.compile(r"(?:Path|File|Directory) ('[^']*') is not writable\.?"), r"\1 ne peut pas être écrit (droits insuffisants)."),
    (re.compile(r"(?:Path|File|Directory) ('[^']*') does not exist\.?"), r"\1 est introuvable."),
    (re.compile(r"(?:Path|File) ('[^']*') is a directory\.?"), r"\1 est un dossier, pas un fichier."),
    (re.compile(r"Directory ('[^']*') is a file\.?"), r"\1 est un fichier, pas un dossier."),
    (re.compile(r"^(.*?) is not a valid float range\.?$"), r"\1 n'est pas un nombre."),
    (re.compile(r"'([^']+)'"), r"« \1 »"),
)


def _did_you_mean(suggestions: str | None) -> str:
    """« Did you mean 'run', 'audit'? » → « Vouliez-vous dire : segmente, audite ? » (former names → the verbs)."""
    if not suggestions:
        return ""
    names = [ALIASES.get(s, s) for s in re.findall(r"'([^']+)'", suggestions) or [suggestions]]
    return " Vouliez-vous dire : " + ", ".join(dict.fromkeys(names)) + " ?"


def translate(message: str) -> str:
    """French version of one of typer's usage messages (the message itself when unknown)."""
    for pattern, french in _MESSAGES:
        m = pattern.match(message.strip())
        if m:
            if "{suggestion}" in french:  # the second group is typer's suggestion
                text = french.format(m.group(1), suggestion=_did_you_mean(m.group(2)))
            else:
                text = french.format(*(g for g in m.groups() if g is not None))
            for detail, replacement in _DETAILS:
                text = detail.sub(replacement, text)
            return text
    return message


def install() -> None:
    """Switch typer's error panel and usage line to French."""
    try:
        from typer import rich_utils
    except ImportError:  # pragma: no cover - typer without rich
        return
    rich_utils.ERRORS_PANEL_TITLE = "Erreur"
    rich_utils.RICH_HELP = "Aide : [blue]{command_path} {help_option}[/]"
    rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
    rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
    rich_utils.DEFAULT_STRING = "[par défaut : {}]"
    rich_utils.ABORTED_TEXT = "Interrompu."
    _french_help_option()
    _french_type_names()
    _french_usage()
    original = getattr(rich_utils, "rich_format_error", None)
    if original is None or getattr(original, "_segmenter_fr", False):
        return

    def rich_format_error(self) -> None:
        fmt = self.format_message
        self.format_message = lambda: translate(fmt())
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            get_usage = ctx.get_usage
            ctx.get_usage = lambda: re.sub(r"^Usage:", "Utilisation :", get_usage())
        try:
            original(self)
        finally:
            del self.format_message
            if ctx is not None:
                del ctx.get_usage

    rich_format_error._segmenter_fr = True  # type: ignore[attr-defined]
    rich_utils.rich_format_error = rich_format_error


_USAGE_WORDS = (("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]..."),)


def _french_usage() -> None:
    """« Utilisation : segmenter [OPTIONS] COMMANDE [ARGUMENTS]... » in the help and the usage errors."""
    try:
        from typer._click.formatting import HelpFormatter
    except ImportError:  # pragma: no cover - another typer layout: the line stays English
        return
    original = HelpFormatter.write_usage
    if getattr(original, "_segmenter_fr", False):
        return

    def write_usage(self, prog, args="", prefix=None):
        for english, french in _USAGE_WORDS:
            args = args.replace(english, french)
        return original(self, prog, args, "Utilisation : " if prefix is None else prefix)

    write_usage._segmenter_fr = True  # type: ignore[attr-defined]
    HelpFormatter.write_usage = write_usage


def _french_help_option() -> None:
    try:
        from typer._click.core import Command
    except ImportError:  # pragma: no cover - another typer layout: the line stays English
        return
    if getattr(Command.get_help_option, "_segmenter_fr", False):
        return
    original = Command.get_help_option

    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None:
            option.help = "Affiche cette aide."
        return option

    get_help_option._segmenter_fr = True  # type: ignore[attr-defined]
    Command.get_help_option = get_help_option


# the value each option takes, as the help panels show it (« <float range> »: the range
# itself is printed beside it); a flag takes none
_TYPE_NAMES = {"path": "<chemin>", "str": "<texte>", "int": "<entier>", "float": "<nombre>", "bool": None}
_TYPE = re.compile(r"^<(\w+)(?: range)?>$")


def _french_type_names() -> None:
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # pragma: no cover - another typer layout: the names stay English
        return
    for cls in (TyperArgument, TyperOption):
        original = getattr(cls, "display_type_rich", None)
        if original is None or getattr(original, "_segmenter_fr", False):  # pragma: no cover
            continue

        def display_type_rich(self, ctx, _original=original):
            shown = _original(self, ctx=ctx)
            m = _TYPE.match(shown) if isinstance(shown, str) else None
            return _TYPE_NAMES.get(m.group(1), shown) if m else shown

        display_type_rich._segmenter_fr = True  # type: ignore[attr-defined]
        cls.display_type_rich = display_type_rich
