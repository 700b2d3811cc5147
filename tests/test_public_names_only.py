"""Tests and benchmarks use the package's public names only: a test that reaches a private helper pins
how the code is written, not what it does (issue 12).

Every file of ``tests/`` and ``benchmarks/`` is parsed with :mod:`ast`; a private name (one underscore
first, not a dunder) of ``segmenter_pme`` may not be imported, read as an attribute of a name imported
from the package (``fastsheet._numbers``, ``ClientStream._usual``, also through an alias ``fs = fastsheet``),
nor reached by name (``monkeypatch.setattr(module, "_name", …)``, ``getattr``, ``mock.patch.object``,
or a dotted path ``"segmenter_pme.x._name"`` as ``monkeypatch.setattr`` and ``mock.patch`` take it).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "segmenter_pme"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def private_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) of each use of a private name of the package in ``source``."""
    tree = ast.parse(source)
    ours: set[str] = set()  # names bound to the package's modules, classes and functions
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == PACKAGE:
            for alias in node.names:
                ours.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Import):
            ours.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.split(".")[0] == PACKAGE)

    def on_ours(node: ast.AST) -> bool:
        base = _root(node)
        return isinstance(base, ast.Name) and base.id in ours

    for node in ast.walk(tree):  # aliases: ``fs = fastsheet``, ``stream = streamed_clients.ClientStream``
        if isinstance(node, ast.Assign) and on_ours(node.value) and isinstance(node.value, (ast.Name, ast.Attribute)):
            ours.update(t.id for t in node.targets if isinstance(t, ast.Name))

    by_name = {"setattr", "getattr", "delattr", "hasattr", "object"}  # monkeypatch, builtins, mock.patch.object
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and on_ours(node.value):
            found.append((node.lineno, ast.unparse(node)))
        elif (isinstance(node, ast.Call) and len(node.args) >= 2 and on_ours(node.args[0])
              and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in by_name
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and _private(node.args[1].value)):
            what = getattr(node.func, "attr", None) or node.func.id
            found.append((node.lineno, f"{what}({ast.unparse(node.args[0])}, {node.args[1].value!r})"))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value.split(".")[0] == PACKAGE and any(_private(p) for p in node.value.split(".")[1:])):
            found.append((node.lineno, repr(node.value)))
    return sorted(set(found))


def test_the_scan_finds_each_kind_of_private_use():
    source = (
        "from segmenter_pme.workbook import fastsheet, streamed_clients\n"
        "from segmenter_pme.audit.blocking import _rank\n"
        "import segmenter_pme.pipeline as pipeline\n"
        "fastsheet._numbers([1.5])\n"
        "streamed_clients.ClientStream._usual\n"
        "monkeypatch.setattr(pipeline, '_NOTABLE', set())\n"
        "fastsheet.rows_xml, fastsheet.__name__, other._private\n"  # public, dunder, not the package's
        "fs = fastsheet\n"
        "fs._join\n"
        "getattr(pipeline, '_combine')\n"
        "mock.patch.object(fastsheet, '_numbers')\n"
        "monkeypatch.setattr('segmenter_pme.workbook.saving._Writer', None)\n"
        "getattr(other, '_x'), 'segmenter_pme.workbook.saving', 'pipeline._combine'\n"  # not ours, public, no package
    )
    assert [what for _, what in private_uses(source)] == [
        "from segmenter_pme.audit.blocking import _rank", "fastsheet._numbers", "streamed_clients.ClientStream._usual",
        "setattr(pipeline, '_NOTABLE')", "fs._join", "getattr(pipeline, '_combine')", "object(fastsheet, '_numbers')",
        "'segmenter_pme.workbook.saving._Writer'"]


def test_no_test_or_benchmark_uses_a_private_name_of_the_package():
    uses = {}
    for folder in ("tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == Path(__file__).resolve():
                continue
            found = private_uses(path.read_text(encoding="utf-8"))
            if found:
                uses[str(path.relative_to(ROOT))] = found
    assert not uses, f"private names of the package used (test the public behaviour, or make the helper public): {uses}"
