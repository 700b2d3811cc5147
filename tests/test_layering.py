"""Imports flow one way: core (package root) ← layout ← workbook ← audit ← excel/addin ← cli.

Every module of ``src/segmenter_pme`` is parsed with :mod:`ast` — imports inside functions
included, and ``__import__`` / ``importlib.import_module`` of a literal name — and each
import of another module of the package is checked against the layer of both ends. The
CLI layer is the ``cli/`` package and the package's ``__main__.py``. A module may import its
own layer and the layers below it, never above.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "segmenter_pme"
SRC = Path(__file__).resolve().parents[1] / "src" / PACKAGE
LAYERS = {"core": 0, "layout": 1, "workbook": 2, "audit": 3, "excel": 4, "addin": 4, "cli": 5}

# Known violations, each with why it is there and what would remove it. The test fails on any
# violation not listed here, and on an entry here that no longer happens (so the list shrinks).
ALLOWED: dict[tuple[str, str], str] = {
    ("segmenter_pme.workbook.engine", "segmenter_pme.audit.files"):
        "run() fills « Qualité » with audit.files.audit_sheet (imported inside _audit), and audit.files "
        "reads through engine.read_french_csv / load_openpyxl: a cycle. Fix: move read_french_csv to "
        "workbook/csvio.py and load_openpyxl to workbook/reader.py, and the orchestration of run() "
        "(read → segment → audit → write) to a module of the audit layer or above, or let its callers "
        "pass the audit function in. Left while engine.py and audit/files.py were edited by others.",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    parts = module.split(".")[1:]  # without the package name
    if not parts:
        return "core"
    if parts == ["__main__"]:  # ``python -m segmenter_pme`` is the command
        return "cli"
    if not (SRC / parts[0] / "__init__.py").is_file():  # a root module, or data (refdata/)
        return "core"
    return parts[0]


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:]) if "." in name else Path()
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def imported_modules(path: Path) -> set[str]:
    """Package modules ``path`` imports, as dotted names (``from X import sub`` counts ``X.sub``)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [origin]
            targets += [f"{origin}.{a.name}" for a in node.names if _is_module(f"{origin}.{a.name}")]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Name) and node.func.id == "__import__")
                   or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"))):
            targets = [node.args[0].value]
        found.update(t for t in targets if t == PACKAGE or t.startswith(PACKAGE + "."))
    return found


def violations() -> dict[tuple[str, str], str]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        src = module_name(path)
        for target in sorted(imported_modules(path)):
            if LAYERS[layer(target)] > LAYERS[layer(src)]:
                out[(src, target)] = f"{src} ({layer(src)}) imports {target} ({layer(target)})"
    return out


def test_layer_of_modules():
    assert layer("segmenter_pme.pipeline") == "core"
    assert layer("segmenter_pme") == "core"
    assert layer("segmenter_pme.layout.synthese") == "layout"
    assert layer("segmenter_pme.workbook") == "workbook"
    assert layer("segmenter_pme.cli") == "cli"
    assert layer("segmenter_pme.cli.audit") == "cli"
    assert layer("segmenter_pme.cli.common") == "cli"
    assert layer("segmenter_pme.__main__") == "cli"
    assert layer("segmenter_pme.audit.files") == "audit"
    assert layer("segmenter_pme.addin.build") == "addin"


def test_imports_are_found_inside_functions_and_relative(tmp_path):
    mods = imported_modules(SRC / "workbook" / "engine.py")
    assert "segmenter_pme.layout" in mods  # `from .. import layout`
    assert any(m.startswith("segmenter_pme.audit") for m in imported_modules(SRC / "cli" / "audit.py"))


def test_no_import_against_the_layering():
    found = violations()
    new = {k: v for k, v in found.items() if k not in ALLOWED}
    assert not new, "imports against core ← layout ← workbook ← audit ← excel/addin ← cli:\n" + "\n".join(
        new.values())
    gone = [k for k in ALLOWED if k not in found]
    assert not gone, f"fixed, remove from ALLOWED: {gone}"


def test_test_only_code_is_not_imported_by_the_package():
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("fake_xlwings", "lo_probe", "labelled", "invoice_lines"):
            assert f"import {name}" not in text and f".{name} import" not in text, (path, name)


def test_the_package_imports_its_modules_by_name():
    """No ``__import__`` of a module of ours: each import is one the reader (and this test) can see."""
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
                raise AssertionError(f"{path.relative_to(SRC)}:{node.lineno} uses __import__")
