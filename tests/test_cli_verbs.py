"""The commands are French verbs (as the ribbon's buttons); the former names still work, hidden from --help."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

from segmenter_pme.cli import addin, app, main
from segmenter_pme.cli.common import ALIASES
from segmenter_pme.cli.french import translate

SRC = Path(__file__).resolve().parents[1] / "src" / "segmenter_pme"


def _commands(group) -> dict:
    return dict(getattr(group, "commands", {}) or {})


ROOT = typer.main.get_command(app)
VISIBLE = {name for name, c in _commands(ROOT).items() if not c.hidden}
SUB = {name: c for name, c in _commands(_commands(ROOT)["complement"]).items()}


def test_the_commands_shown_are_the_french_verbs():
    assert VISIBLE == {"segmente", "demo", "modele", "audite", "nettoie", "listes", "fiches", "complement"}
    assert {n for n, c in SUB.items() if not c.hidden} == {"construit", "installe", "desinstalle", "etat"}


@pytest.mark.parametrize("old, new", sorted(ALIASES.items()))
def test_each_former_name_is_the_same_command_hidden(old, new):
    commands = _commands(ROOT) if new in _commands(ROOT) else SUB
    assert commands[old].hidden and not commands[new].hidden
    if new == "complement":
        assert _commands(commands[old]).keys() == _commands(commands[new]).keys()
    else:  # the functions typer was given (it wraps them in the click commands)
        given = {c.name: c.callback for c in (*app.registered_commands, *addin.app.registered_commands)}
        assert given[old] is given[new]


def test_help_lists_the_verbs_and_names_the_former_ones_at_its_foot(capsys):
    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "segmente Segmente les clients" in out and "audite Audite la base clients" in out
    assert "run Segmente" not in out and "template Copie" not in out
    assert ("Anciens noms, toujours acceptés : run = segmente, template = modele, audit = audite, "
            "nettoyer = nettoie, addin = complement.") in out


def test_a_former_name_runs_as_before(tmp_path, capsys):
    """A script written with ``template`` (or ``modele``) gets the same workbook."""
    assert main(["-q", "template", str(tmp_path / "a")]) == 0
    assert main(["-q", "modele", str(tmp_path / "b")]) == 0
    assert main(["-q", "modèle", str(tmp_path / "c")]) == 0
    names = {p.relative_to(p.parents[1]).as_posix() for p in tmp_path.rglob("*.xlsx")}
    assert names == {"a/modele_clients.xlsx", "b/modele_clients.xlsx", "c/modele_clients.xlsx"}
    assert capsys.readouterr().err == ""


def test_the_template_hint_names_the_verb(tmp_path, capsys):
    assert main(["modele", str(tmp_path)]) == 0
    out = "".join(capsys.readouterr().out.split())  # rich cuts the long path anywhere
    assert "".join(f"puis lancez « segmenter segmente {tmp_path / 'modele_clients.xlsx'} ».".split()) in out


@pytest.mark.parametrize("english, french", [
    ("No such command 'rnu'. Did you mean 'run'?", "Commande inconnue : « rnu ». Vouliez-vous dire : segmente ?"),
    ("No such command 'audti'. Did you mean 'audit', 'audite'?",
     "Commande inconnue : « audti ». Vouliez-vous dire : audite ?"),
    ("No such command 'biuld'. Did you mean 'build'?", "Commande inconnue : « biuld ». Vouliez-vous dire : construit ?"),
    ("No such option: --dat (Possible options: --date)", "Option inconnue : --dat. Vouliez-vous dire : --date ?"),
    ("No such option: --bogus", "Option inconnue : --bogus."),
])
def test_a_mistyped_verb_is_answered_with_the_french_one(english, french):
    assert translate(english) == french


def test_the_ribbon_verb_is_suggested_for_its_infinitive(capsys):
    assert main(["segmenter", "clients.xlsx"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Commande inconnue : « segmenter ». Vouliez-vous dire : segmente ?" in err


def _printed_strings(path: Path):
    """String constants of a module (f-string parts included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_every_command_we_print_is_a_verb_shown_in_help():
    """A message, a hint, a sheet text saying « segmenter VERBE » names a verb of --help, not a former name."""
    known = set(_commands(ROOT)) | set(SUB)
    found, former = 0, []
    for path in sorted(SRC.rglob("*.py")):
        for line, text in _printed_strings(path):
            for verb, sub in re.findall(r"\bsegmenter (\w+)(?: (\w+))?", text):
                if verb not in known:
                    continue
                found += 1
                if verb in ALIASES or (verb == "complement" and sub in ALIASES):
                    former.append(f"{path.relative_to(SRC)}:{line}: segmenter {verb} {sub}")
    assert found >= 10
    assert not former, former
