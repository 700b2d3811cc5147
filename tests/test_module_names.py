"""Module names say what differs: no two modules of the package share a file name.

Two ``engine.py`` or two ``files.py`` made a reader (and a traceback, and an editor's tab) guess
which one is meant; a new module is named for what it does, not for where it sits. ``__init__.py``
is a package's own file; any other name standing twice is listed here with the reason it stays.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "segmenter_pme"

#: file name → why two modules may carry it (the places are checked too: a third one is not let in)
ALLOWED = {
    # ``python -m segmenter_pme`` and ``python -m segmenter_pme.cli``: Python's own name for the entry point
    "__main__.py": {"__main__.py", "cli/__main__.py"},
}


def modules_by_name() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        if path.name != "__init__.py":
            found[path.name].add(path.relative_to(SRC).as_posix())
    return found


def test_no_two_modules_share_a_file_name():
    twice = {name: sorted(places) for name, places in modules_by_name().items()
             if len(places) > 1 and places != ALLOWED.get(name)}
    assert not twice, (f"modules named alike: {twice} — name each for what it does "
                       "(docs/architecture.md names every module)")


def test_every_allowed_name_still_stands_twice():
    # an exception no longer needed is taken out, so that the list says only what is true
    found = modules_by_name()
    assert {name: found.get(name) for name in ALLOWED} == ALLOWED
