"""LibreOffice headless opens the built add-in, lists its modules and runs the autotest.

LibreOffice's Python (``uno``) is the system one, not the venv's: the probe in
``tests/support/lo_probe.py`` runs as a subprocess of ``/usr/bin/python3``
and prints JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import support.lo_probe as probe_module
from segmenter_pme.addin import build

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

COMMITTED = Path(__file__).resolve().parents[1] / "addin"


def _uno_python() -> str:
    for candidate in ("/usr/bin/python3", shutil.which("python3") or ""):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("python3-uno introuvable : installez le paquet python3-uno.")
    pytest.skip("python3-uno absent")


def _probe(soffice: str, xlam: Path, *macros: str) -> dict:
    env = dict(os.environ, SOFFICE=soffice)
    run = subprocess.run([_uno_python(), probe_module.__file__, str(xlam), *macros],
                         capture_output=True, text=True, timeout=240, env=env, cwd=xlam.parent)
    assert run.returncode == 0, run.stderr + run.stdout
    return json.loads(run.stdout)


def _expected(variant: str) -> dict[str, bytes]:
    return {m.name: m.encoded() for m in build.modules(variant)}


def _lo_code(text: str) -> str:
    """LibreOffice's text of a module minus the two lines it adds and the VB attributes it drops."""
    lines = text.replace("\r\n", "\n").split("\n")
    lines = [l for l in lines if not l.startswith(("Rem Attribute VBA_ModuleType", "Option VBASupport",
                                                     "Option ClassModule"))]
    return "\n".join(lines).strip()


def test_autotest_variant_lists_modules_and_runs_the_self_test(soffice, tmp_path):
    xlam = tmp_path / build.AUTOTEST_FILE
    xlam.write_bytes((COMMITTED / build.AUTOTEST_FILE).read_bytes())
    report = _probe(soffice, xlam, "AutoTest.ResultatAutoTest", "AutoTest.AutoTest")
    modules = report["libraries"][build.VBA_PROJECT_NAME]
    assert sorted(modules) == sorted(_expected(build.VARIANT_AUTOTEST))
    assert "VBAClassModule" in modules["AutoTestCompteur"]  # class module recognised as such
    result = report["results"]["AutoTest.ResultatAutoTest"]
    assert result == ("Classe=3:14|Commande=import segmenter_pme.excel.macros as m; m.segmenter()"
                      "|Accents=Synthèse, Paramètres, Qualité, Plan d'actions")
    assert report["D1"] == result  # the Sub ran and wrote into the add-in's own sheet
    assert report["sheets"] == [build.CONFIG_SHEET]


def test_full_addin_opens_and_lists_the_same_modules(soffice, tmp_path):
    xlam = tmp_path / build.ADDIN_FILE
    xlam.write_bytes((COMMITTED / build.ADDIN_FILE).read_bytes())
    report = _probe(soffice, xlam)
    modules = report["libraries"][build.VBA_PROJECT_NAME]
    expected = _expected(build.VARIANT_ADDIN)
    assert sorted(modules) == sorted(expected)
    # the code LibreOffice imported is ours, line for line (it drops the Attribute lines)
    for name in expected:
        ours = "\n".join(l for l in expected[name].decode("cp1252").replace("\r\n", "\n").split("\n")
                         if not l.startswith("Attribute ")).strip()
        assert _lo_code(modules[name]) == ours, name
