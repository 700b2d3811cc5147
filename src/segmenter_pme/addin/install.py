"""``segmenter complement installe | desinstalle | etat``: what ``xlwings addin install`` does, for our add-in.

* Windows: the add-in goes to the user's ``XLSTART`` folder, which Excel opens at start-up.
* macOS: to Excel's start-up folder in the Office group container; RunPython also
  needs xlwings' AppleScript in ``~/Library/Application Scripts/com.microsoft.Excel``.
* Linux: there is no Excel; we say so instead of pretending.

The installed copy is built for this machine: its ``segmenter.conf`` sheet holds
the path of the Python running this command, so ``RunPython`` and the cell
functions use the interpreter where segmenter-pme is installed.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import unescape

from ..errors import AddinError
from ..excel.xlwings_compat import PINNED_XLWINGS, xlwings_version
from . import build, prerequisites

MAC_STARTUP = "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
MAC_SCRIPTS = "Library/Application Scripts/com.microsoft.Excel"


@dataclass(frozen=True)
class Target:
    platform: str  # "win32" | "darwin"
    addin: Path
    applescript_dir: Path | None = None


def _no_excel(platform: str) -> AddinError:
    return AddinError(
        f"Le complément Excel s'installe sous Windows ou macOS, là où Excel est installé (système actuel : "
        f"{platform}). Ici, utilisez la commande « segmenter segmente CLASSEUR.xlsx », qui produit les mêmes "
        "colonnes et feuilles ; « segmenter complement construit » construit quand même segmenter.xlam."
    )


def current_platform() -> str:
    """``sys.platform``, read when a command runs (tests simulate another system through it)."""
    return sys.platform


def target(platform: str | None = None, env: dict[str, str] | None = None, home: Path | None = None) -> Target:
    platform = platform or current_platform()
    env = dict(os.environ if env is None else env)
    home = Path.home() if home is None else home
    if platform == "win32":
        appdata = env.get("APPDATA")
        if not appdata:
            raise AddinError("Variable APPDATA absente : impossible de trouver le dossier XLSTART d'Excel.")
        return Target(platform, Path(appdata) / "Microsoft" / "Excel" / "XLSTART" / build.ADDIN_FILE)
    if platform == "darwin":
        return Target(platform, home / MAC_STARTUP / build.ADDIN_FILE, home / MAC_SCRIPTS)
    raise _no_excel(platform)


def interpreter_paths(executable: str | None = None, platform: str | None = None) -> dict[str, str]:
    """Config rows pointing RunPython at this Python (``pythonw.exe`` on Windows: no console window)."""
    executable = executable or sys.executable
    platform = platform or current_platform()
    if platform == "win32":
        exe = Path(executable)
        windowless = exe.with_name("pythonw.exe")
        return {"Interpreter_Win": str(windowless if windowless.exists() else exe)}
    return {"Interpreter_Mac": executable}


def _interpreter_key(platform: str) -> str:
    return "Interpreter_Win" if platform == "win32" else "Interpreter_Mac"


def install(platform: str | None = None, env: dict[str, str] | None = None, home: Path | None = None,
            executable: str | None = None, registry: prerequisites.Registry | None = None,
            applications: list[Path] | None = None,
            version: Callable[[], str | None] | None = None) -> list[str]:
    """Install the add-in for this user; returns the French lines saying what was done and checked.

    Nothing is written unless xlwings (pinned version) and Excel are there: every failing
    check is listed at once, each with what to do.
    """
    platform = platform or current_platform()
    executable = executable or sys.executable
    where = target(platform, env, home)
    before = [prerequisites.xlwings_check(version or xlwings_version),
              prerequisites.excel_check(platform, registry, home, applications)]
    failed = [c for c in before if not c.ok]
    if failed:
        raise AddinError("\n".join(["Le complément n'a pas été installé :"] + [line for c in failed for line in c.lines()]))
    config = interpreter_paths(executable, platform)
    data = build.xlam_bytes(build.VARIANT_ADDIN, config)
    try:
        where.addin.parent.mkdir(parents=True, exist_ok=True)
        tmp = where.addin.with_name(where.addin.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, where.addin)
    except PermissionError as err:
        raise AddinError(
            f"Impossible d'écrire {where.addin} : fermez Excel (il verrouille le complément ouvert) puis relancez "
            "« segmenter complement installe »."
        ) from err
    lines = [f"Complément installé : {where.addin}",
             f"Python utilisé par le complément : {next(iter(config.values()))}"]
    if where.applescript_dir is not None:
        import xlwings

        script = Path(xlwings.__file__).parent / f"xlwings-{PINNED_XLWINGS}.applescript"
        where.applescript_dir.mkdir(parents=True, exist_ok=True)
        (where.applescript_dir / script.name).write_bytes(script.read_bytes())
        lines.append(f"Script RunPython d'xlwings copié dans : {where.applescript_dir}")
    key = _interpreter_key(platform)
    after = [prerequisites.interpreter_check(installed_config(where.addin), key, config[key]),
             prerequisites.startup_check(platform, where.addin.parent, registry, env)]
    lines.append("Vérifications :")
    lines += [line for c in before + after for line in c.lines()]
    if all(c.ok for c in after):
        lines.append("Redémarrez Excel : l'onglet « Segmentation » apparaît dans le ruban.")
    else:
        lines.append("Faites ce qui est indiqué ci-dessus, puis redémarrez Excel : l'onglet « Segmentation » "
                     "apparaît dans le ruban.")
    return lines


def remove(platform: str | None = None, env: dict[str, str] | None = None, home: Path | None = None) -> list[str]:
    where = target(platform, env, home)
    if not where.addin.exists():
        return [f"Le complément n'est pas installé (rien à supprimer dans {where.addin.parent})."]
    try:
        where.addin.unlink()
    except PermissionError as err:
        raise AddinError(f"Impossible de supprimer {where.addin} : fermez Excel puis relancez.") from err
    return [f"Complément supprimé : {where.addin}", "Redémarrez Excel pour faire disparaître l'onglet."]


def installed_config(path: Path) -> dict[str, str]:
    """The ``segmenter.conf`` rows of an installed add-in."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    out: dict[str, str] = {}
    for row in re.findall(r"<row [^>]*>(.*?)</row>", xml):
        texts = re.findall(r"<t>(.*?)</t>|<v>(.*?)</v>", row)
        cells = [unescape(a or b) for a, b in texts]
        if cells:
            out[cells[0]] = cells[1] if len(cells) > 1 else ""
    return out


_SYSTEMS = {"linux": "Linux", "freebsd": "FreeBSD", "openbsd": "OpenBSD", "cygwin": "Cygwin", "aix": "AIX",
            "sunos": "Solaris"}


def system_name(platform: str | None = None) -> str:
    """« Linux » for ``linux``: the system's name as a user knows it."""
    platform = platform or current_platform()
    for prefix, name in _SYSTEMS.items():
        if platform.startswith(prefix):
            return name
    return platform


def status(platform: str | None = None, env: dict[str, str] | None = None, home: Path | None = None,
           registry: prerequisites.Registry | None = None) -> list[str]:
    """Where the add-in is, which Python it uses, whether Excel trusts its folder — an answer, not an error,
    on a system without Excel."""
    platform = platform or current_platform()
    if platform not in ("win32", "darwin"):
        name = system_name(platform)
        return [
            f"Complément non installé : Excel n'existe pas sous {name} (système actuel : {name}). Le complément "
            "s'installe sous Windows ou macOS ; ici, la commande « segmenter segmente CLASSEUR.xlsx » produit les "
            "mêmes colonnes et feuilles, et « segmenter complement construit » construit quand même segmenter.xlam."
        ]
    where = target(platform, env, home)
    if not where.addin.exists():
        return [f"Le complément n'est pas installé. « segmenter complement installe » l'installera dans : {where.addin}"]
    config = installed_config(where.addin)
    key = _interpreter_key(platform)
    python = config.get(key) or "(non renseigné : Python du PATH)"
    lines = [f"Complément installé : {where.addin}", f"Python utilisé par le complément : {python}"]
    if config.get(key) and not Path(config[key]).exists():
        lines.append("Attention : ce Python n'existe plus ; relancez « segmenter complement installe ».")
    trust = prerequisites.startup_check(platform, where.addin.parent, registry, env)
    if not trust.ok:
        lines += trust.lines()
    return lines
