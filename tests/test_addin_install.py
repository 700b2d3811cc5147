"""segmenter addin install | remove | status, for Windows and macOS layouts (simulated folders), and Linux."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from segmenter_pme.addin import build, install
from segmenter_pme.errors import AddinError
from segmenter_pme.excel.cli_addin import app


def test_windows_install_goes_to_xlstart_with_this_python(tmp_path):
    env = {"APPDATA": str(tmp_path / "AppData" / "Roaming")}
    python = tmp_path / "venv" / "Scripts" / "python.exe"
    python.parent.mkdir(parents=True)
    python.write_text("")
    (python.parent / "pythonw.exe").write_text("")
    lines = install.install("win32", env=env, executable=str(python))
    target = tmp_path / "AppData" / "Roaming" / "Microsoft" / "Excel" / "XLSTART" / "segmenter.xlam"
    assert target.exists()
    assert lines[0] == f"Complément installé : {target}"
    assert str(python.parent / "pythonw.exe") in lines[1]  # no console window for RunPython
    config = install.installed_config(target)
    assert config["Interpreter_Win"] == str(python.parent / "pythonw.exe")
    assert config["UDF Modules"] == "segmenter_pme.excel.udfs"
    # the installed copy differs from the committed one only by its config sheet
    with zipfile.ZipFile(target) as a, zipfile.ZipFile(Path(__file__).parents[1] / "addin" / build.ADDIN_FILE) as b:
        differ = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert differ == ["xl/worksheets/sheet1.xml"]
    status = install.status("win32", env=env)
    assert status[0] == f"Complément installé : {target}"
    assert install.remove("win32", env=env)[0] == f"Complément supprimé : {target}"
    assert not target.exists()
    assert "n'est pas installé" in install.status("win32", env=env)[0]
    assert "n'est pas installé" in install.remove("win32", env=env)[0]


def test_macos_install_goes_to_the_excel_startup_folder_with_the_applescript(tmp_path):
    lines = install.install("darwin", home=tmp_path, executable="/opt/venv/bin/python")
    target = tmp_path / install.MAC_STARTUP / "segmenter.xlam"
    assert target.exists()
    assert install.installed_config(target)["Interpreter_Mac"] == "/opt/venv/bin/python"
    assert (tmp_path / install.MAC_SCRIPTS / "xlwings-0.37.8.applescript").exists()
    assert any("Script RunPython" in line for line in lines)
    assert "n'existe plus" in install.status("darwin", home=tmp_path)[-1]


def test_linux_explains_that_excel_is_needed():
    with pytest.raises(AddinError, match="Windows ou macOS"):
        install.install("linux")
    with pytest.raises(AddinError, match="Windows ou macOS"):
        install.remove("linux")
    expected = ("Complément non installé : Excel n'existe pas sous Linux (système actuel : Linux). Le complément "
                "s'installe sous Windows ou macOS ; ici, la commande « segmenter run CLASSEUR.xlsx » produit les "
                "mêmes colonnes et feuilles, et « segmenter addin build » construit quand même segmenter.xlam.")
    assert install.status("linux") == [expected]
    if sys.platform.startswith("linux"):
        from segmenter_pme.cli import main

        result = CliRunner().invoke(app, ["status"])
        assert result.exit_code == 0 and result.output == expected + "\n"
        assert main(["addin", "status"]) == 0


def test_cli_mounts_the_addin_commands():
    from segmenter_pme.cli import main

    assert main(["addin", "--help"]) == 0
