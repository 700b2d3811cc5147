"""segmenter.xlam against what Excel itself writes.

References: the Excel-saved files inside the pinned xlwings wheel (``xlwings/addin/xlwings.xlam``
and its quickstart add-ins), read with oletools — an implementation independent of our writer —
and Microsoft's published list of Excel control ids (``tests/data/excel_control_ids.csv``).
LibreOffice ignores class attributes and icons, so these structural checks are the only ones
that can see a difference there.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import pytest
from oletools.olevba import VBA_Parser, VBA_Project

from segmenter_pme.addin import build, ovba

DATA = Path(__file__).parent / "data"
XLWINGS_ADDINS = ("addin/xlwings.xlam", "quickstart_addin.xlam", "quickstart_addin_ribbon.xlam")
#: the attributes Excel opens every class module with, in its order (VB_Exposed is per class: Instancing)
EXCEL_CLASS_KEYS = ["VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId", "VB_Exposed",
                    "VB_TemplateDerived", "VB_Customizable"]


def _xlwings_file(relative: str) -> Path:
    import xlwings

    return Path(xlwings.__file__).parent / relative


def _sources(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _project(vba_bin: bytes) -> VBA_Project:
    project = VBA_Project(olefile.OleFileIO(vba_bin), "", "PROJECT", "VBA/dir", relaxed=False)
    project.parse_project_stream()
    list(project.parse_modules())
    return project


def _vba_bin(xlam: Path) -> bytes:
    with zipfile.ZipFile(xlam) as z:
        return z.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def excel_classes() -> dict[str, str]:
    """Every class module Excel stored in xlwings' add-ins (``file/module`` → source)."""
    out = {}
    for relative in XLWINGS_ADDINS:
        path = _xlwings_file(relative)
        project = _project(_vba_bin(path))
        kinds = {m.name: m.type for m in project.modules}
        classes = {line.split("=", 1)[1] for line in _project_lines(_vba_bin(path)) if line.startswith("Class=")}
        for name, code in _sources(path).items():
            if name in classes:
                assert kinds[name] == 0x22
                out[f"{relative}/{name}"] = code
    assert "addin/xlwings.xlam/Dictionary" in out and len(out) >= 7
    return out


def _project_lines(vba_bin: bytes) -> list[str]:
    return olefile.OleFileIO(vba_bin).openstream("PROJECT").read().decode("cp1252").split("\r\n")


def _our_classes(variant: str) -> list[ovba.Module]:
    return [m for m in build.modules(variant) if m.kind == ovba.MODULE_CLASS]


@pytest.mark.parametrize("variant", [build.VARIANT_ADDIN, build.VARIANT_AUTOTEST])
def test_every_class_module_opens_with_the_attribute_block_excel_writes(excel_classes, variant):
    excel_dictionary = ovba.header_attributes(excel_classes["addin/xlwings.xlam/Dictionary"])
    reference = dict(excel_dictionary)
    for code in excel_classes.values():  # the block is the same in every class Excel stored
        keys = [k for k, _ in ovba.header_attributes(code)]
        assert keys[: len(EXCEL_CLASS_KEYS)] == EXCEL_CLASS_KEYS
    classes = _our_classes(variant)
    assert classes, "chaque variante a au moins une classe"
    for module in classes:
        block = ovba.header_attributes(module.code)
        assert [k for k, _ in block][: len(EXCEL_CLASS_KEYS)] == EXCEL_CLASS_KEYS, module.name
        values = dict(block)
        assert values["VB_Name"] == f'"{module.name}"'
        for key in EXCEL_CLASS_KEYS[1:]:
            if key != "VB_Exposed":
                assert values[key] == reference[key], (module.name, key)
        assert values["VB_Exposed"] in ("True", "False")
        assert values["VB_Base"] == f'"{ovba.CLASS_BASE}"'


def test_dictionary_is_stored_character_for_character_as_excel_stored_it(excel_classes):
    ours = {m.name: m for m in build.modules(build.VARIANT_ADDIN)}["Dictionary"]
    assert ours.encoded().decode("cp1252") == excel_classes["addin/xlwings.xlam/Dictionary"]
    # in the built file too, read back by olevba
    assert _sources(Path(__file__).parents[1] / "addin" / build.ADDIN_FILE)["Dictionary"] == \
        excel_classes["addin/xlwings.xlam/Dictionary"]


def test_private_test_class_keeps_instancing_private():
    compteur = {m.name: m for m in build.modules(build.VARIANT_AUTOTEST)}["AutoTestCompteur"]
    assert dict(ovba.header_attributes(compteur.code))["VB_Exposed"] == "False"


def test_class_header_fills_excel_block_keeps_export_values_and_puts_others_after():
    export = "\n".join([
        "VERSION 1.0 CLASS", "BEGIN", "  MultiUse = -1  'True", "END",
        'Attribute VB_Name = "Essai"',
        'Attribute VB_Description = "Une classe"',
        "Attribute VB_Exposed = True",
        "Option Explicit",
        "Attribute VB_Base = \"pas un en-tête\"",  # after code: not part of the block
    ])
    module = ovba.module_from_export(export)
    lines = module.code.split("\n")
    assert lines[:10] == [
        'Attribute VB_Name = "Essai"',
        'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = False",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = False",
        'Attribute VB_Description = "Une classe"',
        "Option Explicit",
    ]
    assert module.description == "Une classe"
    # a standard module is left as written
    standard = ovba.module_from_export('Attribute VB_Name = "Std"\nOption Explicit')
    assert standard.code == 'Attribute VB_Name = "Std"\nOption Explicit'


# --------------------------------------------------------------- dir stream records


def test_module_description_record_is_the_one_excel_writes():
    excel = {m.name: m for m in _project(_vba_bin(_xlwings_file("addin/xlwings.xlam"))).modules}
    built = Path(__file__).parents[1] / "addin" / build.ADDIN_FILE
    ours = {m.name: m for m in _project(_vba_bin(built)).modules}
    assert ours["Dictionary"].docstring == excel["Dictionary"].docstring
    assert ours["Dictionary"]._docstring_unicode == excel["Dictionary"]._docstring_unicode
    assert ours["Dictionary"].docstring.startswith("Drop-in replacement for Scripting.Dictionary on Mac\r\n\r\n")
    # a module without VB_Description has an empty record, as in Excel's files
    assert ours["SegmenterRuban"].docstring == excel["Main"].docstring == ""


def test_description_unescapes_quotes_and_line_breaks():
    module = ovba.Module("M", ovba.MODULE_STANDARD,
                         'Attribute VB_Name = "M"\nAttribute VB_Description = "Dit \"\"oui\"\"\\r\\nfin"\nSub A()\nEnd Sub')
    assert module.description == 'Dit "oui"\r\nfin'
    record = ovba.dir_stream("P", [module])
    assert b'\x1c\x00\x0e\x00\x00\x00Dit "oui"\r\nfin' in record


def test_private_module_record_follows_option_private_module():
    modules = [
        ovba.Module("Prive", ovba.MODULE_STANDARD, 'Attribute VB_Name = "Prive"\nOption Private Module\nSub A()\nEnd Sub'),
        ovba.Module("Public1", ovba.MODULE_STANDARD, 'Attribute VB_Name = "Public1"\n\' Option Private Module\nSub B()\nEnd Sub'),
        ovba.module_from_export("VERSION 1.0 CLASS\nBEGIN\nEND\nAttribute VB_Name = \"Classe\"\nOption Explicit"),
    ]
    project = _project(ovba.build_vba_project("P", modules))  # strict parse: the record is well formed
    private = {m.name: m.private for m in project.modules}
    assert private == {"Prive": True, "Public1": False, "Classe": False}


@pytest.mark.parametrize("variant_file", [build.ADDIN_FILE, build.AUTOTEST_FILE])
def test_no_module_of_ours_is_marked_private(variant_file):
    # none declares Option Private Module; the autotest class is private through VB_Exposed = False,
    # which is how VBA marks an object module (it refuses Option Private Module there)
    built = Path(__file__).parents[1] / "addin" / variant_file
    assert [m.name for m in _project(_vba_bin(built)).modules if m.private] == []


# --------------------------------------------------------------- workbook.xml


def test_workbook_has_the_file_version_with_the_code_project_guid():
    built = Path(__file__).parents[1] / "addin" / build.ADDIN_FILE
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(built) as z:
        root = ElementTree.fromstring(z.read("xl/workbook.xml"))
        project_id = _project_lines(z.read("xl/vbaProject.bin"))[0]
    children = [child.tag.replace(ns, "") for child in root]
    assert children[:2] == ["fileVersion", "workbookPr"]  # the schema's order, as Excel writes it
    version = root.find(f"{ns}fileVersion").attrib
    assert version["appName"] == "xl" and int(version["lastEdited"]) >= 4 and int(version["lowestEdited"]) >= 4
    assert project_id == f'ID="{version["codeName"]}"'
    with zipfile.ZipFile(_xlwings_file("addin/xlwings.xlam")) as z:
        excel = ElementTree.fromstring(z.read("xl/workbook.xml"))
    assert set(version) == set(excel.find(f"{ns}fileVersion").attrib)


# --------------------------------------------------------------- ribbon icons


def _excel_control_ids() -> dict[str, str]:
    with (DATA / "excel_control_ids.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["control_name"]: r["control_type"] for r in rows}


def test_control_id_list_is_excel_s_own():
    ids = _excel_control_ids()
    assert len(ids) > 1500
    # Excel's own commands are there, Word's track-changes button is not
    assert {"PivotTableInsert", "DataValidation", "ChartInsert", "Help", "SortDialog"} <= set(ids)
    assert "ReviewTrackChanges" not in ids


def test_every_image_mso_is_an_excel_control_id():
    ids = _excel_control_ids()
    root = ElementTree.fromstring(build.customui_xml())
    images = {e.get("id"): e.get("imageMso") for e in root.iter() if e.get("imageMso")}
    assert images, "le ruban a des icônes"
    unknown = {control: image for control, image in images.items() if image not in ids}
    assert unknown == {}, "imageMso absents de la liste des contrôles Excel (tests/data/excel_control_ids.csv)"


def test_document_modules_and_references_are_excel_s():
    excel_file = _xlwings_file("addin/xlwings.xlam")
    excel = _sources(excel_file)
    ours = {m.name: m for m in build.modules(build.VARIANT_ADDIN)}
    assert ovba.header_attributes(ours["ThisWorkbook"].code) == ovba.header_attributes(excel["ThisWorkbook"])
    sheet = ovba.header_attributes(ours[build.SHEET_CODENAME].code)
    assert sheet[1:] == ovba.header_attributes(excel["Sheet1"])[1:]  # all but VB_Name
    built = Path(__file__).parents[1] / "addin" / build.ADDIN_FILE
    references = _raw_references(_vba_bin(built))
    assert len(references) == 2 and references == _raw_references(_vba_bin(excel_file))


def _raw_references(vba_bin: bytes) -> list[bytes]:
    """The REFERENCEREGISTERED records of the ``dir`` stream, as stored."""
    import struct

    data = ovba.decompress(olefile.OleFileIO(vba_bin).openstream("VBA/dir").read())
    pos, out = 0, []
    while pos < len(data):
        rec_id, size = struct.unpack_from("<HI", data, pos)
        if rec_id == 0x0009:  # PROJECTVERSION: its size field is a reserved 4, the record is 6 bytes long
            size = 6
        if rec_id == 0x000D:
            out.append(data[pos + 6: pos + 6 + size])
        if rec_id == 0x000F:  # PROJECTMODULES: the references are all before it
            break
        pos += 6 + size
    return out
