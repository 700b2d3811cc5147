"""segmenter addin install | remove | status, for Windows and macOS layouts (simulated folders), and Linux."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenter_pme.addin import build, install, prerequisites
from segmenter_pme.errors import AddinError
from segmenter_pme.cli.addin import app

TRUST = r"HKCU\Software\Microsoft\Office\16.0\Excel\Security\Trusted Locations"
APP_PATHS = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"


class FakeRegistry:
    """The registry of a simulated Windows: ``{key: {value name: data}}``."""

    def __init__(self, keys: dict[str, dict[str, object]]):
        self.keys = keys

    def value(self, key, name=""):
        return self.keys.get(key, {}).get(name)

    def subkeys(self, key):
        prefix = key + "\\"
        return sorted({k[len(prefix):].split("\\")[0] for k in self.keys if k.startswith(prefix)})


def excel_registry(*trusted: tuple[str, int]) -> FakeRegistry:
    """Excel 16 installed, with Excel's default trusted locations replaced by ``trusted`` (path, subfolders)."""
    keys: dict[str, dict[str, object]] = {APP_PATHS: {"": r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"},
                                          r"HKCR\Excel.Application\CurVer": {"": "Excel.Application.16"}}
    for i, (path, subfolders) in enumerate(trusted):
        keys[rf"{TRUST}\Location{i}"] = {"Path": path, "AllowSubfolders": subfolders, "Description": "x"}
    return FakeRegistry(keys)


#: Excel's own default: « User Excel Startup », stored with %APPDATA% unexpanded (REG_EXPAND_SZ)
DEFAULT_TRUST = ("%APPDATA%\\Microsoft\\Excel\\XLSTART\\", 0)


def _xlwings_ok():
    return "0.37.8"


def test_windows_install_goes_to_xlstart_with_this_python(tmp_path):
    env = {"APPDATA": str(tmp_path / "AppData" / "Roaming")}
    python = tmp_path / "venv" / "Scripts" / "python.exe"
    python.parent.mkdir(parents=True)
    python.write_text("")
    (python.parent / "pythonw.exe").write_text("")
    lines = install.install("win32", env=env, executable=str(python), registry=excel_registry(DEFAULT_TRUST))
    target = tmp_path / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam"
    assert target.exists()
    assert lines[0] == f"Complément installé : {target}"
    assert str(python.parent / "pythonw.exe") in lines[1]  # no console window for RunPython
    assert lines[2:] == [
        "Vérifications :",
        "OK — xlwings 0.37.8 dans ce Python : version 0.37.8",
        r"OK — Microsoft Excel : C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE — Excel.Application.16",
        f"OK — Python écrit dans les réglages du complément (Interpreter_Win) : {python.parent / 'pythonw.exe'}",
        f"OK — Dossier de démarrage d'Excel (XLSTART) approuvé : {target.parent}",
        "Redémarrez Excel : l'onglet « Segmentation » apparaît dans le ruban.",
    ]
    config = install.installed_config(target)
    assert config["Interpreter_Win"] == str(python.parent / "pythonw.exe")
    assert config["UDF Modules"] == "segmenter_pme.excel.udfs"
    # the installed copy differs from the committed one only by its config sheet
    with zipfile.ZipFile(target) as a, zipfile.ZipFile(Path(__file__).parents[1] / "addin" / build.ADDIN_FILE) as b:
        differ = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert differ == ["xl/worksheets/sheet1.xml"]
    status = install.status("win32", env=env, registry=excel_registry(DEFAULT_TRUST))
    assert status == [f"Complément installé : {target}",
                      f"Python utilisé par le complément : {python.parent / 'pythonw.exe'}"]
    assert install.remove("win32", env=env)[0] == f"Complément supprimé : {target}"
    assert not target.exists()
    assert "n'est pas installé" in install.status("win32", env=env, registry=excel_registry())[0]
    assert "n'est pas installé" in install.remove("win32", env=env)[0]


def test_macos_install_goes_to_the_excel_startup_folder_with_the_applescript(tmp_path):
    (tmp_path / "Applications" / "Microsoft Excel.app").mkdir(parents=True)
    lines = install.install("darwin", home=tmp_path, executable="/opt/venv/bin/python",
                            applications=[tmp_path / "Applications"])
    target = tmp_path / install.MAC_STARTUP / "segmenter.xlam"
    assert target.exists()
    assert install.installed_config(target)["Interpreter_Mac"] == "/opt/venv/bin/python"
    assert (tmp_path / install.MAC_SCRIPTS / "xlwings-0.37.8.applescript").exists()
    assert any("Script RunPython" in line for line in lines)
    assert f"OK — Microsoft Excel : {tmp_path / 'Applications' / 'Microsoft Excel.app'}" in lines
    # /opt/venv/bin/python does not exist here: said, with what to do
    i = lines.index("À faire — Python écrit dans les réglages du complément (Interpreter_Mac) : "
                    "/opt/venv/bin/python n'existe pas")
    assert "relancez « segmenter complement installe » depuis le Python" in lines[i + 1]
    assert f"OK — Dossier de démarrage d'Excel : {target.parent} — au premier lancement, cliquez sur « Activer " \
           "les macros »" in lines
    assert lines[-1].startswith("Faites ce qui est indiqué ci-dessus")
    assert "n'existe plus" in install.status("darwin", home=tmp_path)[-1]


def test_linux_explains_that_excel_is_needed():
    with pytest.raises(AddinError, match="Windows ou macOS"):
        install.install("linux")
    with pytest.raises(AddinError, match="Windows ou macOS"):
        install.remove("linux")
    expected = ("Complément non installé : Excel n'existe pas sous Linux (système actuel : Linux). Le complément "
                "s'installe sous Windows ou macOS ; ici, la commande « segmenter segmente CLASSEUR.xlsx » produit les "
                "mêmes colonnes et feuilles, et « segmenter complement construit » construit quand même segmenter.xlam.")
    assert install.status("linux") == [expected]
    if sys.platform.startswith("linux"):
        from segmenter_pme.cli import main

        result = CliRunner().invoke(app, ["status"])
        assert result.exit_code == 0 and result.output == expected + "\n"
        assert main(["addin", "status"]) == 0


def test_cli_mounts_the_addin_commands():
    from segmenter_pme.cli import main

    assert main(["addin", "--help"]) == 0


# ------------------------------------------------------------------ dependency and checks


def test_xlwings_is_a_dependency_on_windows_and_macos_only():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]

    def needed(platform: str) -> list[str]:
        env = {"sys_platform": platform, "extra": ""}
        return [str(r.specifier) for r in requirements
                if r.name == "xlwings" and (r.marker is None or r.marker.evaluate(env))]

    assert needed("win32") == needed("darwin") == ["==0.37.8"]
    assert needed("linux") == []
    assert not [r for r in requirements if "pro" in r.name.lower() and "xlwings" in r.name.lower()]


def test_nothing_is_installed_when_xlwings_and_excel_are_missing(tmp_path):
    env = {"APPDATA": str(tmp_path)}
    with pytest.raises(AddinError) as err:
        install.install("win32", env=env, executable=str(tmp_path / "python.exe"), registry=FakeRegistry({}),
                        version=lambda: None)
    lines = err.value.message.split("\n")
    assert lines[0] == "Le complément n'a pas été installé :"
    assert lines[1] == "À faire — xlwings 0.37.8 dans ce Python : xlwings n'est pas installé"
    assert "python -m pip install xlwings==0.37.8" in lines[2] and lines[2].startswith("    → ")
    assert lines[3].startswith("À faire — Microsoft Excel : introuvable dans le registre Windows")
    assert "installez Excel pour Windows" in lines[4]
    assert not (tmp_path / "Microsoft").exists()


def test_wrong_xlwings_version_is_refused_with_the_command_to_fix_it(tmp_path):
    with pytest.raises(AddinError, match="version 0.35.0 installée — le complément exige exactement la 0.37.8"):
        install.install("win32", env={"APPDATA": str(tmp_path)}, registry=excel_registry(DEFAULT_TRUST),
                        version=lambda: "0.35.0")


def test_macos_without_excel_says_where_it_looked(tmp_path):
    with pytest.raises(AddinError) as err:
        install.install("darwin", home=tmp_path, applications=[tmp_path / "Applications"], version=_xlwings_ok)
    assert f"« Microsoft Excel.app » absent de {tmp_path / 'Applications'}" in err.value.message
    assert "installez Excel pour Mac" in err.value.message
    assert not (tmp_path / "Library").exists()


def _windows_install(tmp_path, registry) -> list[str]:
    env = {"APPDATA": str(tmp_path / "Roaming")}
    python = tmp_path / "python.exe"
    python.write_text("")
    return install.install("win32", env=env, executable=str(python), registry=registry, version=_xlwings_ok)


def test_untrusted_xlstart_is_installed_but_says_how_to_trust_it(tmp_path):
    lines = _windows_install(tmp_path, excel_registry((r"C:\Program Files\Microsoft Office\root\Office16\XLSTART", 0)))
    xlstart = tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert (xlstart / "segmenter.xlam").exists()
    i = lines.index(f"À faire — Dossier de démarrage d'Excel (XLSTART) approuvé : {xlstart} n'est pas dans les "
                    "emplacements approuvés d'Excel")
    assert lines[i + 1] == (
        "    → dans Excel : Fichier › Options › Centre de gestion de la confidentialité › Paramètres… › "
        f"Emplacements approuvés › « Ajouter un nouvel emplacement… » › {xlstart}. Sans cela, Excel bloque les "
        "macros du complément et les boutons ne font rien.")
    assert lines[-1].startswith("Faites ce qui est indiqué ci-dessus")


def test_parent_folder_trusted_with_subfolders_counts(tmp_path):
    parent = str(tmp_path / "Roaming").replace("/", "\\").upper() + "\\"  # Windows compares case-insensitively
    lines = _windows_install(tmp_path, excel_registry((parent, 1)))
    assert any(line.startswith("OK — Dossier de démarrage d'Excel (XLSTART) approuvé") for line in lines)
    lines = _windows_install(tmp_path, excel_registry((parent, 0)))  # without subfolders it does not
    assert any(line.startswith("À faire — Dossier de démarrage d'Excel (XLSTART) approuvé") for line in lines)


def test_trusted_locations_disabled_or_never_written(tmp_path):
    registry = excel_registry(DEFAULT_TRUST)
    registry.keys[TRUST] = {"AllLocationsDisabled": 1}
    lines = _windows_install(tmp_path, registry)
    assert any("tous les emplacements approuvés sont désactivés" in line for line in lines)
    lines = _windows_install(tmp_path, excel_registry())  # Excel never started: no location written yet
    i = next(i for i, line in enumerate(lines) if "aucun emplacement approuvé enregistré" in line)
    assert "lancez Excel une fois puis fermez-le" in lines[i + 1]
    # status says it again until it is fixed
    status = install.status("win32", env={"APPDATA": str(tmp_path / "Roaming")}, registry=excel_registry())
    assert any("aucun emplacement approuvé enregistré" in line for line in status)


def test_python_path_with_xml_special_characters_reads_back(tmp_path):
    home = tmp_path / "Dupont & Fils <SARL>"
    (home / "Applications" / "Microsoft Excel.app").mkdir(parents=True)
    python = home / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    lines = install.install("darwin", home=home, executable=str(python), applications=[home / "Applications"],
                            version=_xlwings_ok)
    assert f"OK — Python écrit dans les réglages du complément (Interpreter_Mac) : {python}" in lines
    assert install.installed_config(home / install.MAC_STARTUP / "segmenter.xlam")["Interpreter_Mac"] == str(python)


def test_interpreter_check_reads_back_what_was_written(tmp_path):
    python = tmp_path / "python"
    python.write_text("")
    assert prerequisites.interpreter_check({"Interpreter_Mac": str(python)}, "Interpreter_Mac", str(python)).ok
    wrong = prerequisites.interpreter_check({"Interpreter_Mac": "/autre"}, "Interpreter_Mac", str(python))
    assert not wrong.ok and wrong.detail == f"« /autre » au lieu de « {python} »"
    assert "fermez Excel" in wrong.fix


def test_cli_install_on_a_simulated_windows(tmp_path, monkeypatch):
    from segmenter_pme.cli import main

    monkeypatch.setattr(install, "current_platform", lambda: "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setattr(prerequisites, "WindowsRegistry", lambda: excel_registry(DEFAULT_TRUST))
    result = CliRunner().invoke(app, ["install"])
    assert result.exit_code == 0, result.output
    assert "OK — Dossier de démarrage d'Excel (XLSTART) approuvé" in result.output
    assert (tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam").exists()
    # the same without xlwings: exit 1, the French list of what to do, nothing written
    monkeypatch.setattr(install, "xlwings_version", lambda: None)
    monkeypatch.setenv("APPDATA", str(tmp_path / "Autre"))
    assert main(["addin", "install"]) == 1
    assert not (tmp_path / "Autre").exists()
