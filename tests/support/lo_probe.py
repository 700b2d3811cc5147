"""Open an add-in in LibreOffice headless and report what its VBA looks like there.

Run with the *system* Python that has ``uno`` (python3-uno), not the venv:

    /usr/bin/python3 lo_probe.py FILE.xlam [MACRO ...]

Prints one JSON object: the Basic libraries and modules LibreOffice imported
from ``vbaProject.bin`` (filter "Calc MS Excel 2007 VBA XML", the only one that
reads an ``.xlam``), the result of each ``Module.Function`` given, and cell
``D1`` of the first sheet (where ``AutoTest.AutoTest`` writes). This file must
not import segmenter_pme: it runs outside the package's environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _prop(name, value):
    import uno  # noqa: F401
    from com.sun.star.beans import PropertyValue

    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main(argv: list[str]) -> int:
    import uno
    from com.sun.star.connection import NoConnectException

    path = Path(argv[0]).resolve()
    macros = argv[1:]
    soffice = os.environ.get("SOFFICE", "soffice")
    with tempfile.TemporaryDirectory(prefix="segmenter-lo-") as tmp:
        pipe = f"segmenter{os.getpid()}"
        proc = subprocess.Popen(
            [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             f"-env:UserInstallation={Path(tmp).as_uri()}", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
            ctx = None
            for _ in range(120):
                try:
                    ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except NoConnectException:
                    time.sleep(0.5)
            if ctx is None:
                print(json.dumps({"error": "LibreOffice ne répond pas"}))
                return 2
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            doc = desktop.loadComponentFromURL(
                path.as_uri(), "_blank", 0,
                (_prop("Hidden", True), _prop("FilterName", "Calc MS Excel 2007 VBA XML"),
                 _prop("MacroExecutionMode", 4)),  # ALWAYS_EXECUTE_NO_WARN
            )
            if doc is None:
                print(json.dumps({"error": "document non chargé"}))
                return 2
            libs = doc.BasicLibraries
            report: dict = {"libraries": {}, "results": {}, "sheets": list(doc.Sheets.ElementNames)}
            for lib_name in libs.ElementNames:
                libs.loadLibrary(lib_name)
                lib = libs.getByName(lib_name)
                report["libraries"][lib_name] = {name: lib.getByName(name) for name in lib.ElementNames}
            provider = doc.getScriptProvider()
            for macro in macros:
                module = macro.split(".")[0]
                lib = next((name for name, mods in report["libraries"].items() if module in mods), "Standard")
                try:
                    script = provider.getScript(
                        f"vnd.sun.star.script:{lib}.{macro}?language=Basic&location=document")
                    value = script.invoke((), (), ())[0]
                    report["results"][macro] = value
                except Exception as err:  # report, do not hide: the test asserts on it
                    report["results"][macro] = f"ERREUR: {type(err).__name__}: {err}"
            report["D1"] = doc.Sheets.getByIndex(0).getCellRangeByName("D1").getString()
            doc.close(True)
            print(json.dumps(report, ensure_ascii=False))
            return 0
        finally:
            try:
                desktop.terminate()  # type: ignore[possibly-undefined]
            except Exception:
                pass
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
