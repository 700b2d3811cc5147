"""``docs/architecture.md`` names every module of the package in its map (the first code block).

A module of the package root is named anywhere in the map; a module of a package (``workbook/``,
``audit/``…) in that package's entry, or anywhere as ``package/module``. A new module without its
line in the map fails here: the map is what a newcomer reads first.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "segmenter_pme"
DOC = ROOT / "docs" / "architecture.md"


def module_map() -> str:
    text = DOC.read_text(encoding="utf-8")
    return re.search(r"^```\n(.*?)^```", text, re.S | re.M).group(1)


def entries(block: str) -> dict[str, str]:
    """Each top-level entry of the map (``  workbook/ …`` and the lines indented below it) by its name."""
    out: dict[str, str] = {}
    name = None
    for line in block.splitlines():
        match = re.match(r"  (\S+)", line)
        if match:
            name = match.group(1)
            out[name] = ""
        if name is not None:
            out[name] += line + "\n"
    return out


def unnamed_modules() -> list[str]:
    block = module_map()
    by_entry = entries(block)
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if path.name == "__init__.py" or relative.parts[0] == "addin_files":
            continue
        stem = path.stem
        if len(relative.parts) == 1:
            named = re.search(rf"(?<![\w/]){re.escape(stem)}\b", block)
        else:
            package = "/".join(relative.parts[:-1])
            entry = by_entry.get(package + "/", "")
            named = (re.search(rf"(?<!\w){re.escape(stem)}\b", entry)
                     or re.search(rf"\b{re.escape(package)}/{re.escape(stem)}\b", block))
        if not named:
            missing.append(relative.as_posix())
    return missing


def test_every_module_is_named_in_the_architecture_map():
    missing = unnamed_modules()
    assert not missing, f"modules not named in docs/architecture.md's map: {missing}"


def test_the_check_sees_a_module_missing(tmp_path, monkeypatch):
    # the map without the line of render_plan: the check must see it
    text = DOC.read_text(encoding="utf-8")
    assert "render_plan" in text
    monkeypatch.setattr(sys.modules[__name__], "DOC", tmp_path / "architecture.md")
    (tmp_path / "architecture.md").write_text(text.replace("render_plan", "le plan"), encoding="utf-8")
    assert unnamed_modules() == ["layout/render_plan.py"]
