"""The code shown in README.md and docs/*.md stays true.

- the ``segmenter …`` command lines of README.md and docs/*.md: every
  subcommand and option exists.
- docs/architecture.md: the ``segment()`` contract snippet runs and the result
  has the attributes the page lists; every helper of its table exists with the
  parameter names shown.
- docs/regles.md: the rule text example parses to the default Champions rule.

(docs/addin-install.md shows the output of ``segmenter addin install`` on
Windows, which cannot run here; it is not checked.)
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ARCH = ROOT / "docs" / "architecture.md"
REGLES = ROOT / "docs" / "regles.md"


def _blocks(path: Path, lang: str = "") -> list[str]:
    text = path.read_text(encoding="utf-8")
    return re.findall(r"```" + re.escape(lang) + r"\n(.*?)```", text, flags=re.S)


DOCS = sorted([README] + list((ROOT / "docs").glob("*.md")))


def _segmenter_lines() -> list[tuple[str, str]]:
    """(file name, command line) of every ``segmenter …`` line in a code block."""
    lines = []
    for path in DOCS:
        if not path.exists():
            continue
        for block in _blocks(path):
            for line in block.splitlines():
                line = line.split("#", 1)[0].strip()
                if line.startswith("segmenter "):
                    lines.append((path.name, line))
    return lines


@pytest.mark.skipif(not README.exists(), reason="no README.md")
def test_readme_shows_segmenter_commands():
    assert len([1 for name, _ in _segmenter_lines() if name == "README.md"]) >= 3


def _option_names(command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)}


@pytest.mark.parametrize("doc,line", _segmenter_lines(), ids=lambda v: v if len(v) < 60 else v[:60])
def test_documented_command_exists_with_its_options(doc, line):
    """Each subcommand and each option written in the docs exists in the ``segmenter`` CLI."""
    import typer

    from segmenter_pme.cli import app

    command = typer.main.get_command(app)
    words = line.replace("[", " ").replace("]", " ").replace("…", " ").split()[1:]
    chain = [command]
    for w in words:
        if w.startswith("-"):
            name = w.split("=", 1)[0]
            assert any(name in _option_names(c) for c in chain), (doc, line, name)
        elif w in (getattr(chain[-1], "commands", None) or {}):
            assert not chain[-1].commands[w].hidden, (doc, line, f"« {w} » is a former name: write the French verb")
            chain.append(chain[-1].commands[w])
    assert len(chain) > 1 or words[0].startswith("-"), (doc, line)


# ------------------------------------------------------------------ architecture.md

@pytest.mark.skipif(not ARCH.exists(), reason="no docs/architecture.md")
def test_architecture_contract_snippet_runs():
    snippets = _blocks(ARCH, "python")
    assert snippets, "architecture.md shows the segment() contract"
    df_clients = pd.DataFrame({"Code client": ["C1", "C2"], "Entreprise": ["A", "B"]}, index=[2, 3])
    df_invoices = pd.DataFrame({"Code client": ["C1", "C3"], "Date": ["01/02/2025", "01/03/2025"],
                                "Montant HT": [100, 50]})
    ns = {"df_clients": df_clients, "df_invoices": df_invoices}
    exec(snippets[0], ns)  # noqa: S102 - our own documentation
    result = ns["result"]
    from segmenter_pme import SegmentationResult

    assert isinstance(result, SegmentationResult)
    # "clients found only in invoices appended with the next integer labels"
    assert list(result.clients.index) == [2, 3, 4]


@pytest.mark.skipif(not ARCH.exists(), reason="no docs/architecture.md")
def test_architecture_lists_real_result_attributes():
    text = ARCH.read_text(encoding="utf-8")
    para = text[text.index("`result` is a"):]
    para = para[: para.index("\n*", 1)]
    names = re.findall(r"`(\w+)`", para)
    names = [n for n in names if n not in ("result", "SegmentationResult", "result.py")]
    assert len(names) >= 10
    from segmenter_pme.result import SegmentationResult

    fields = set(SegmentationResult.__dataclass_fields__)
    assert set(names) <= fields, set(names) - fields


def _helper_rows():
    if not ARCH.exists():
        return []
    rows = []
    for first_col in re.findall(r"^\| (`.+?) \|", ARCH.read_text(encoding="utf-8"), flags=re.M):
        for cell in re.findall(r"`([^`]+)`", first_col):
            for call in cell.split(" / "):
                call = call.strip()
                m = re.match(r"^(?:(\w+)\.)?(\w+)(?:\((.*)\))?$", call)
                if m:
                    rows.append(call)
    return rows


@pytest.mark.parametrize("call", _helper_rows())
def test_architecture_helper_exists_with_documented_parameters(call):
    m = re.match(r"^(?:(\w+)\.)?(\w+)(?:\((.*)\))?$", call)
    module_name, func_name, args = m.group(1), m.group(2), m.group(3)
    if module_name is None:  # "parsing.parse_dates / parse_amounts": same module as the previous name
        module_name = "parsing" if func_name.startswith("parse_") else "headers"
    mod = importlib.import_module(f"segmenter_pme.{module_name}")
    func = getattr(mod, func_name)
    assert callable(func)
    if args is None:
        return
    params = inspect.signature(func).parameters
    for arg in args.split(","):
        arg = arg.strip()
        if not arg or arg.startswith('"'):
            continue
        name = arg.split("=")[0].strip()
        assert name in params, (call, name, list(params))


@pytest.mark.skipif(not ARCH.exists(), reason="no docs/architecture.md")
def test_architecture_helper_examples_give_what_the_table_says():
    from segmenter_pme import Settings
    from segmenter_pme.pmg import tier_against
    from segmenter_pme.profile import region_of, sector_of_naf, siret_is_valid, size_class
    from segmenter_pme.rules import segment_of_code

    assert segment_of_code("545") == "Champions"
    assert tier_against(100, [1, 2, 3, 4], Settings()) in ("Petits", "Moyens", "Gros")
    assert size_class(12) in ("TPE", "PME", "ETI", "GE")
    assert region_of("75001") == "Île-de-France"
    assert region_of("98000") == "Hors France" and region_of("00100") == "Inconnue"
    assert sector_of_naf("47.11F") == "Commerce"
    assert siret_is_valid("35600000000048") is True


# ------------------------------------------------------------------ regles.md

@pytest.mark.skipif(not REGLES.exists(), reason="no docs/regles.md")
def test_regles_rule_example_is_the_default_champions_rule():
    text = REGLES.read_text(encoding="utf-8")
    example = re.search(r"`(Champions : [^`]+)`", text).group(1)
    from segmenter_pme.rules import DEFAULT_RULES, parse_rule

    assert parse_rule(example) == DEFAULT_RULES[0]


@pytest.mark.skipif(not REGLES.exists(), reason="no docs/regles.md")
def test_regles_sector_spelling_example():
    """« `commerce`, `COMMERCE ` et `Commerce` sont le même »."""
    from segmenter_pme.profile import sectors

    got = sectors(pd.RangeIndex(3), secteur=pd.Series(["commerce", "COMMERCE ", "Commerce"]), naf=None)
    assert got.nunique() == 1


@pytest.mark.skipif(not (ROOT / "docs" / "audit.md").exists(), reason="no docs/audit.md")
def test_audit_doc_imports_exist():
    """docs/audit.md's library block starts with an import that must keep working."""
    block = _blocks(ROOT / "docs" / "audit.md", "python")[0]
    first = block.splitlines()[0]
    assert first.startswith("from segmenter_pme")
    exec(first, {})  # noqa: S102 - our own documentation
