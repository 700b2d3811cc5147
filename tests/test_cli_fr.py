"""Typer's own usage errors reach the user in French (exit code 2 kept)."""

import pytest

from segmenter_pme.cli import main
from segmenter_pme.cli.french import translate


@pytest.mark.parametrize("english, french", [
    ("Missing argument 'fichier'.", "Argument manquant : « fichier »."),
    ("No such option: --bogus", "Option inconnue : --bogus."),
    ("No such command 'lancer'.", "Commande inconnue : « lancer »."),
    ("Got unexpected extra argument(s) (b)", "Argument(s) en trop : b."),
    ("Option '--date' requires an argument.", "L'option « --date » attend une valeur."),
    ("Invalid value for '--detail' / '-d': Input should be a valid integer, unable to parse string",
     "Valeur incorrecte pour « --detail » / « -d » : un nombre entier est attendu."),
])
def test_translate(english, french):
    assert translate(english).startswith(french)


def test_unknown_messages_stay_as_they_are():
    assert translate("Quelque chose d'autre") == "Quelque chose d'autre"


def test_usage_error_is_printed_in_french(capsys):
    assert main(["run"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Argument manquant : « fichier »" in err and "Missing" not in err
    assert "Utilisation : segmenter run" in err


def test_help_option_line_is_french(capsys):
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Affiche cette aide." in out and "Show this message" not in out


@pytest.mark.parametrize("command", ["run", "audit", "nettoyer", "demo", "template"])
def test_help_panels_name_values_in_french(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    for english in ("<path>", "<str>", "<int>", "<float", "<bool>"):
        assert english not in out
    if command in ("run", "audit", "nettoyer"):
        assert "<chemin>" in out and "AAAA-MM-JJ" in out


def test_help_shows_defaults_in_french(capsys):
    assert main(["demo", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "[par défaut : demo]" in out and "default:" not in out
