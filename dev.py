"""Set-up helper: the two commands of the README, the same on Linux, macOS and Windows.

    python3 dev.py demo    → installs segmenter-pme in .venv, then runs `segmenter demo`
    python3 dev.py test    → installs it with the test tools, then runs the test suite

Everything goes into the project's own `.venv` (created on first use), so the
system Python is never modified (PEP 668 systems refuse `pip install` there).
Extra arguments are passed on: `python3 dev.py test -k rfm`, `python3 dev.py demo sortie/`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*cmd: str) -> None:
    code = subprocess.call(list(cmd), cwd=ROOT)
    if code:
        sys.exit(code)


def install(extra: str) -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"segmenter-pme demande Python 3.11 ou plus récent (vous avez {sys.version.split()[0]}).")
    py = venv_python()
    if not py.exists():
        print("Création de l'environnement .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    print(f"Installation de segmenter-pme ({spec}) …", flush=True)
    run(str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", spec)
    return py


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("demo", "test"):
        sys.exit("Usage : python3 dev.py demo [DOSSIER] | python3 dev.py test [options pytest]")
    task, rest = argv[0], argv[1:]
    if task == "demo":
        py = install("")
        run(str(py), "-m", "segmenter_pme", "demo", *rest)
    else:
        py = install("test")
        # the suite on every core (pytest-xdist, in the test extra): CI's 2 cores halve its time
        parallel = [] if any(a.startswith(("-n", "--numprocesses")) or a == "no:xdist" for a in rest) else ["-n", "auto"]
        run(str(py), "-m", "pytest", *parallel, *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
