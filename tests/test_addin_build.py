"""segmenter.xlam: reproducible build, modules read back byte-identical, ribbon ↔ VBA ↔ Python consistency."""

from __future__ import annotations

import inspect
import logging
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
from oletools.olevba import VBA_Parser, VBA_Project

from segmenter_pme.addin import build, ovba
from segmenter_pme.excel import macros, udfs

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "addin"
CUSTOMUI_NAMESPACES = {"http://schemas.microsoft.com/office/2006/01/customui",
                       "http://schemas.microsoft.com/office/2009/07/customui"}
REL_FOR_NAMESPACE = {
    "http://schemas.microsoft.com/office/2006/01/customui":
        ("http://schemas.microsoft.com/office/2006/relationships/ui/extensibility", "customUI/customUI.xml"),
    "http://schemas.microsoft.com/office/2009/07/customui":
        ("http://schemas.microsoft.com/office/2007/relationships/ui/extensibility", "customUI/customUI14.xml"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("addin")
    build.build(out)
    return out


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and p.name != ".gitattributes"}


def test_rebuild_is_byte_identical_to_the_committed_files(built):
    assert _tree(built) == _tree(COMMITTED), "relancez « segmenter complement construit » et committez addin/"


def test_two_builds_are_identical(tmp_path):
    assert build.xlam_bytes() == build.xlam_bytes()
    build.build(tmp_path)
    assert _tree(tmp_path) == _tree(COMMITTED)


def test_build_leaves_no_scratch_file_in_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build.xlam_bytes(build.VARIANT_AUTOTEST)
    assert list(tmp_path.iterdir()) == []


def test_zip_entries_are_stored_with_fixed_metadata(built):
    with zipfile.ZipFile(built / build.ADDIN_FILE) as z:
        for info in z.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
        assert z.testzip() is None


def _vba_bin(xlam: Path) -> bytes:
    with zipfile.ZipFile(xlam) as z:
        return z.read("xl/vbaProject.bin")


@pytest.mark.parametrize("variant_file", [build.ADDIN_FILE, build.AUTOTEST_FILE])
def test_olefile_and_olevba_read_every_module_back_identical(built, variant_file, caplog):
    ole = olefile.OleFileIO(_vba_bin(built / variant_file), raise_defects=olefile.DEFECT_UNSURE)
    assert ole.parsing_issues == []
    exports = {p.name.split(".")[0]: p.read_bytes() for p in (built / "vba").iterdir()}
    with caplog.at_level(logging.WARNING):
        parser = VBA_Parser(str(built / variant_file))
        found = {vba_filename.rsplit(".", 1)[0]: code for _, _, vba_filename, code in parser.extract_macros()}
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)  # strict: raises on any odd record
        project.parse_project_stream()
        list(project.parse_modules())
    # olevba always says it cannot look for VBA stomping (p-code vs source) in a zipped project: not a defect
    noise = "VBA stomping cannot be detected for files in memory"
    assert not [r for r in caplog.records
                if (r.name.startswith("olevba") or r.name.startswith("olefile")) and noise not in r.getMessage()]
    names = [m.name for m in build.modules(build.VARIANT_ADDIN if variant_file == build.ADDIN_FILE
                                           else build.VARIANT_AUTOTEST)]
    assert sorted(found) == sorted(names)
    for name, code in found.items():
        assert code.encode("cp1252") == exports[name], name
        assert ovba.decompress(ole.openstream(f"VBA/{name}").read()) == exports[name]
    kinds = {m.name: m.type for m in project.modules}
    assert kinds["ThisWorkbook"] == kinds["Feuil1"] == 0x22
    assert kinds["SegmenterRuban"] == kinds["xlwings_udfs"] == 0x21
    if variant_file == build.ADDIN_FILE:
        assert kinds["Dictionary"] == 0x22 and project.module_ext["dictionary"] == "cls"
        assert kinds["xlwings"] == 0x21
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("cc61ffff000100")


def test_xlwings_module_is_the_pinned_custom_addin_variant(built):
    text = (built / "vba" / "xlwings.bas").read_bytes().decode("cp1252")
    assert 'Public Const XLWINGS_VERSION As String = "0.37.8"' in text
    assert f'Public Const PROJECT_NAME As String = "{build.XLWINGS_PROJECT}"' in text
    assert "ActiveWorkbook.FullName" in text  # the custom add-in variant, not the workbook one


def test_our_code_never_uses_xlwings_pro():
    # xlwings imports parts of its own pro package for its licence check; what matters is that we call
    # nothing from it and need no licence key (xlwings.__pro__ stays False).
    import xlwings

    src = ROOT / "src" / "segmenter_pme"
    offenders = [p for p in src.rglob("*.py") if re.search(r"^\s*(from|import)\s+xlwings\.pro|xlwings\.pro\.", p.read_text(), re.M)]
    assert offenders == []
    assert xlwings.__pro__ is False


def _ribbon(xlam: Path) -> tuple[ElementTree.Element, str, dict[str, str]]:
    with zipfile.ZipFile(xlam) as z:
        rels = ElementTree.fromstring(z.read("_rels/.rels"))
        targets = {r.get("Type"): r.get("Target") for r in rels}
        ui_type, ui_target = next((t, p) for t, p in targets.items() if "ui/extensibility" in t)
        root = ElementTree.fromstring(z.read(ui_target))
        ctypes = z.read("[Content_Types].xml").decode()
    return root, ctypes, {"type": ui_type, "target": ui_target}


def test_ribbon_xml_namespace_relationship_and_buttons(built):
    root, ctypes, rel = _ribbon(built / build.ADDIN_FILE)
    ns = root.tag[1:].split("}")[0]
    assert ns in CUSTOMUI_NAMESPACES
    assert (rel["type"], rel["target"]) == REL_FOR_NAMESPACE[ns]
    assert 'Extension="xml"' in ctypes
    tab = root.find(f".//{{{ns}}}tab")
    assert tab.get("label") == "Segmentation"
    buttons = root.findall(f".//{{{ns}}}button")
    assert [b.get("label") for b in buttons] == ["Segmenter", "Auditer", "Synthèse", "Listes", "Fiches", "Paramètres",
                                                 "Aide"]
    for b in buttons:
        assert b.get("size") == "large" and b.get("imageMso") and b.get("screentip") and b.get("supertip")
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def _vba_subs(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in
            re.finditer(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", text, re.MULTILINE | re.IGNORECASE)}


def test_every_onaction_is_a_ribbon_sub_that_runs_an_existing_macro(built):
    root, _, _ = _ribbon(built / build.ADDIN_FILE)
    text = (built / "vba" / "SegmenterRuban.bas").read_bytes().decode("cp1252")
    subs = _vba_subs(text)
    actions = [e.get("onAction") for e in root.iter() if e.get("onAction")]
    assert len(actions) == 7
    for action in actions:
        assert action in subs, action
        assert re.fullmatch(r"control\s+As\s+IRibbonControl", subs[action].strip(), re.IGNORECASE)
        body = re.search(rf"Sub {action}\(.*?\)\s*\n(.*?)End Sub", text, re.DOTALL).group(1)
        called = re.search(r'Lancer\s+"(\w+)"', body).group(1)
        assert called in macros.BUTTONS and callable(getattr(macros, called))
    # the command RunPython receives imports the module and calls the function
    assert 'CommandePython = "import segmenter_pme.excel.macros as m; m." & fonction & "()"' in text
    assert "RunPython CommandePython(fonction)" in text


def _wrapper_functions(text: str) -> dict[str, list[str]]:
    out = {}
    for m in re.finditer(r"^Function (\w+)\(([^)]*)\)", text, re.MULTILINE):
        out[m.group(1)] = [a.strip().replace("Optional ", "") for a in m.group(2).split(",") if a.strip()]
    return out


def test_every_udf_has_its_vba_wrapper_and_vice_versa(built):
    text = (built / "vba" / "xlwings_udfs.bas").read_bytes().decode("cp1252")
    wrappers = _wrapper_functions(text)
    python = {f.__name__: list(inspect.signature(f).parameters) for f in udfs.FUNCTIONS}
    decorated = {name for name in dir(udfs) if hasattr(getattr(udfs, name), "__xlfunc__")}
    assert set(wrappers) == set(python) == decorated
    for name, args in python.items():
        assert wrappers[name] == args
        assert f'XLPy.CallUDF("segmenter_pme.excel.udfs", "{name}"' in text
        assert "ActiveWorkbook, Application.Caller)" in text  # add-in: the caller's workbook
    required = {"RFM_SCORE", "RFM_R", "RFM_F", "RFM_M", "RFM_SEGMENT", "PMG", "TAILLE_ENTREPRISE", "REGION",
                "SECTEUR_NAF", "SIRET_VALIDE"}
    assert required <= set(python)


def test_function_help_is_registered_in_french(built):
    text = (built / "vba" / "SegmenterFonctions.bas").read_bytes().decode("cp1252")
    for f in udfs.FUNCTIONS:
        assert f'prefixe & "{f.__name__}"' in text
        assert " ".join(f.__doc__.split()).replace('"', '""')[:255] in text
        assert len(f.__doc__) <= 255
    this_workbook = (built / "vba" / "ThisWorkbook.doc.bas").read_bytes().decode("cp1252")
    assert "Private Sub Workbook_Open()" in this_workbook and "EnregistrerFonctions" in this_workbook
    assert "Public Sub EnregistrerFonctions()" in text


def test_config_sheet_names_the_udf_module_and_matches_xlwings_project(built):
    with zipfile.ZipFile(built / build.ADDIN_FILE) as z:
        workbook = z.read("xl/workbook.xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert f'name="{build.CONFIG_SHEET}"' in workbook and 'codeName="ThisWorkbook"' in workbook
    assert f'codeName="{build.SHEET_CODENAME}"' in sheet
    assert "segmenter_pme.excel.udfs" in sheet and "Interpreter_Win" in sheet


def test_vba_sources_are_cp1252_crlf(built):
    for path in (built / "vba").iterdir():
        data = path.read_bytes()
        assert b"\n" not in data.replace(b"\r\n", b""), path.name
        data.decode("cp1252")
    ruban = (built / "vba" / "SegmenterRuban.bas").read_bytes()
    assert "Ouvrez d'abord le classeur".encode("cp1252") in ruban


def test_package_data_ships_the_sources():
    from importlib import resources

    files = resources.files("segmenter_pme").joinpath("addin_files")
    for name in ("customUI.xml", "vba/SegmenterRuban.bas", "vba/ThisWorkbook.bas", "vba/AutoTest.bas",
                 "vba/AutoTestCompteur.cls"):
        assert files.joinpath(name).is_file(), name


def test_cli_build_writes_the_same_files(tmp_path):
    from typer.testing import CliRunner

    from segmenter_pme.cli.addin import app

    result = CliRunner().invoke(app, ["build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "segmenter.xlam" in result.output
    assert _tree(tmp_path) == _tree(COMMITTED)


def test_config_sheet_reads_back_with_an_independent_reader(built):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built / build.ADDIN_FILE))
    assert book.sheet_names == [build.CONFIG_SHEET]
    rows = book.get_sheet_by_name(build.CONFIG_SHEET).to_python()
    assert [r[0] for r in rows] == [k for k, _ in build.DEFAULT_CONFIG]
    assert dict((r[0], r[1]) for r in rows)["UDF Modules"] == build.UDF_MODULE
    # xlwings reads column A down to the first empty cell: no gap allowed
    assert all(r[0] for r in rows)
