"""Imports flow one way: core (package root) ← audit ← layout ← workbook ← excel/addin ← cli.

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
# the audit is pure (frames in, AuditReport out) like the core: the workbook engine fills « Qualité » with it,
# and the audit's file jobs (read a workbook, write the cleaned copy) are workbook modules
LAYERS = {"core": 0, "audit": 1, "layout": 2, "workbook": 3, "excel": 4, "addin": 4, "cli": 5}
CORE_PACKAGES = {"invoices", "demo", "parsing"}  # packages of the core: their layer is the package root's


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
    if parts[0] in CORE_PACKAGES or not (SRC / parts[0] / "__init__.py").is_file():  # or data (refdata/)
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
    assert layer("segmenter_pme.audit.sheet") == "audit"
    assert layer("segmenter_pme.addin.build") == "addin"


def test_imports_are_found_inside_functions_and_relative(tmp_path):
    mods = imported_modules(SRC / "workbook" / "excel_job.py")
    assert "segmenter_pme.layout" in mods  # `from .. import layout`
    assert any(m.startswith("segmenter_pme.audit") for m in imported_modules(SRC / "cli" / "audit.py"))


def test_no_import_against_the_layering():
    found = violations()
    assert not found, "imports against core ← audit ← layout ← workbook ← excel/addin ← cli:\n" + "\n".join(
        found.values())


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
