"""What ``segmenter complement installe`` needs on this machine, each check with what to do when it fails.

Before writing anything: xlwings importable at the pinned version (RunPython refuses a VBA
module of another version) and Excel present. After writing: the Python path read back from
the installed add-in's settings, and the start-up folder present and — on Windows — trusted,
so Excel runs the add-in's macros without a prompt.

Every probe of the machine is a parameter (registry, folders, xlwings version), so the checks
run the same on Linux with a simulated Windows or macOS.
"""

from __future__ import annotations

import ntpath
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence

from ..excel.xlwings_compat import PINNED_XLWINGS, xlwings_version

#: Office versions whose Excel keeps its trusted locations under ``Office\\<version>``
#: (16.0 is Excel 2016, 2019, 2021, 2024 and Microsoft 365).
OFFICE_VERSIONS = ("16.0", "15.0", "14.0")
MAC_EXCEL = "Microsoft Excel.app"


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str
    fix: str = ""

    def lines(self) -> list[str]:
        head = f"{'OK' if self.ok else 'À faire'} — {self.label} : {self.detail}"
        return [head] if self.ok else [head, f"    → {self.fix}"]


class Registry(Protocol):
    """The two reads of the Windows registry the checks need (keys as ``HKCU\\Software\\…``)."""

    def value(self, key: str, name: str = "") -> str | int | None: ...

    def subkeys(self, key: str) -> list[str]: ...


class WindowsRegistry:
    """:class:`Registry` over ``winreg`` (Windows only); a missing key or value reads as absent."""

    def _open(self, key: str):
        import winreg

        hive, _, sub = key.partition("\\")
        roots = {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE,
                 "HKCR": winreg.HKEY_CLASSES_ROOT}
        return winreg.OpenKey(roots[hive], sub)

    def value(self, key: str, name: str = "") -> str | int | None:
        import winreg

        try:
            with self._open(key) as handle:
                return winreg.QueryValueEx(handle, name)[0]
        except OSError:
            return None

    def subkeys(self, key: str) -> list[str]:
        import winreg

        out: list[str] = []
        try:
            with self._open(key) as handle:
                while True:
                    out.append(winreg.EnumKey(handle, len(out)))
        except OSError:
            return out


# ------------------------------------------------------------------ before installing


def xlwings_check(version: Callable[[], str | None] = xlwings_version) -> Check:
    found = version()
    label = f"xlwings {PINNED_XLWINGS} dans ce Python"
    fix = (f"exécutez « python -m pip install xlwings=={PINNED_XLWINGS} » (ou réinstallez segmenter-pme, "
           "qui l'installe sous Windows et macOS) dans le Python qui lance cette commande, puis relancez "
           "« segmenter complement installe ».")
    if found is None:
        return Check(label, False, "xlwings n'est pas installé", fix)
    if found != PINNED_XLWINGS:
        return Check(label, False, f"version {found} installée — le complément exige exactement la {PINNED_XLWINGS}",
                     fix)
    return Check(label, True, f"version {found}")


def excel_check(platform: str, registry: Registry | None = None, home: Path | None = None,
                applications: Sequence[Path] | None = None) -> Check:
    if platform == "win32":
        return _excel_windows(registry if registry is not None else WindowsRegistry())
    home = Path.home() if home is None else home
    folders = list(applications) if applications is not None else [Path("/Applications"), home / "Applications"]
    for folder in folders:
        if (folder / MAC_EXCEL).is_dir():
            return Check("Microsoft Excel", True, str(folder / MAC_EXCEL))
    return Check("Microsoft Excel", False, f"« {MAC_EXCEL} » absent de {' et de '.join(map(str, folders))}",
                 "installez Excel pour Mac (Excel 2016 ou plus récent, Microsoft 365 conseillé) et lancez-le une "
                 "première fois, puis relancez « segmenter complement installe ».")


def _excel_windows(registry: Registry) -> Check:
    # App Paths is what « Exécuter › excel » uses; Excel.Application is the COM class xlwings talks to.
    exe = next((v for hive in ("HKLM", "HKCU")
                if (v := registry.value(rf"{hive}\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"))),
               None)
    com = registry.value(r"HKCR\Excel.Application\CurVer")
    if exe or com:
        return Check("Microsoft Excel", True, " — ".join(str(v) for v in (exe, com) if v))
    return Check("Microsoft Excel", False, "introuvable dans le registre Windows (ni excel.exe ni Excel.Application)",
                 "installez Excel pour Windows (Excel 2010 ou plus récent, Microsoft 365 conseillé) ou réparez "
                 "Office (Paramètres › Applications › Microsoft 365 › Modifier › Réparation rapide), puis relancez "
                 "« segmenter complement installe ».")


# ------------------------------------------------------------------ after installing


def interpreter_check(config: dict[str, str], key: str, expected: str) -> Check:
    written = config.get(key, "")
    label = f"Python écrit dans les réglages du complément ({key})"
    if written != expected:
        return Check(label, False, f"« {written or '(vide)'} » au lieu de « {expected} »",
                     "fermez Excel puis relancez « segmenter complement installe » (le complément était peut-être ouvert).")
    if not Path(written).exists():
        return Check(label, False, f"{written} n'existe pas",
                     "relancez « segmenter complement installe » depuis le Python où segmenter-pme est installé.")
    return Check(label, True, written)


def _norm(path: str, env: dict[str, str]) -> str:
    expanded = re.sub(r"%(\w+)%", lambda m: env.get(m.group(1), m.group(0)), path)
    return ntpath.normcase(ntpath.normpath(expanded)).rstrip("\\")


def trusted_locations(registry: Registry, env: dict[str, str]) -> tuple[list[tuple[str, bool]], bool]:
    """``([(folder, subfolders allowed)…], all disabled)`` from Excel's Trust Center keys, user and policy."""
    found: list[tuple[str, bool]] = []
    disabled = False
    for version in OFFICE_VERSIONS:
        for root in (rf"HKCU\Software\Microsoft\Office\{version}\Excel\Security\Trusted Locations",
                     rf"HKCU\Software\Policies\Microsoft\Office\{version}\Excel\Security\Trusted Locations"):
            if str(registry.value(root, "AllLocationsDisabled") or 0) == "1":
                disabled = True
            for sub in registry.subkeys(root):
                path = registry.value(rf"{root}\{sub}", "Path")
                if path:
                    found.append((_norm(str(path), env),
                                  str(registry.value(rf"{root}\{sub}", "AllowSubfolders") or 0) == "1"))
    return found, disabled


def startup_check(platform: str, folder: Path, registry: Registry | None = None,
                  env: dict[str, str] | None = None) -> Check:
    label = "Dossier de démarrage d'Excel" + (" (XLSTART) approuvé" if platform == "win32" else "")
    if not folder.is_dir():
        return Check(label, False, f"{folder} n'existe pas",
                     "créez ce dossier (ou lancez Excel une fois), puis relancez « segmenter complement installe ».")
    if platform != "win32":
        # Excel for Mac has no trusted locations: it asks once to enable the add-in's macros.
        return Check(label, True, f"{folder} — au premier lancement, cliquez sur « Activer les macros »")
    env = dict(os.environ if env is None else env)
    locations, disabled = trusted_locations(registry if registry is not None else WindowsRegistry(), env)
    target = _norm(str(folder), env)
    trusted = any(target == path or (subfolders and target.startswith(path + "\\")) for path, subfolders in locations)
    fix = ("dans Excel : Fichier › Options › Centre de gestion de la confidentialité › Paramètres… › Emplacements "
           f"approuvés › « Ajouter un nouvel emplacement… » › {folder}. Sans cela, Excel bloque les macros du "
           "complément et les boutons ne font rien.")
    if not locations and not disabled:
        return Check(label, False, "aucun emplacement approuvé enregistré : Excel n'a sans doute jamais été lancé",
                     "lancez Excel une fois puis fermez-le, et vérifiez avec « segmenter complement etat » ; si le "
                     "dossier n'est toujours pas approuvé, " + fix)
    if disabled:
        return Check(label, False, "tous les emplacements approuvés sont désactivés (stratégie ou réglage d'Excel)",
                     "demandez à votre service informatique d'autoriser les emplacements approuvés, ou " + fix)
    if not trusted:
        return Check(label, False, f"{folder} n'est pas dans les emplacements approuvés d'Excel", fix)
    return Check(label, True, str(folder))
