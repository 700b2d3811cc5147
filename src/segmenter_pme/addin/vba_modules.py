"""VBA module sources as a project stores them: standard, class and document modules, the
attribute block Excel writes at the top of each, and the text of a ``.bas`` / ``.cls`` export read.

Sources are normalised in memory (CRLF, project code page cp1252) — nothing is
appended to or written next to the user's files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import AddinError
from .ovba_codec import ENCODING

MODULE_STANDARD = "standard"
MODULE_CLASS = "class"
MODULE_DOCUMENT = "document"

_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.IGNORECASE)

DOCUMENT_BASES = {
    "workbook": "0{00020819-0000-0000-C000-000000000046}",
    "worksheet": "0{00020820-0000-0000-C000-000000000046}",
}

#: The attribute block Excel stores at the top of every class module, in Excel's order, with the
#: values of a new class (Instancing = Private). A ``.cls`` export carries only four of them; without
#: ``VB_Base`` live Excel is reported to fail at the first ``New`` of the class (« Invalid procedure
#: call or argument »), which LibreOffice — ignoring these attributes — cannot show.
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
CLASS_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("VB_Base", f'"{CLASS_BASE}"'),
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "False"),
    ("VB_Exposed", "False"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "False"),
)

_ATTRIBUTE = re.compile(r"^Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*$", re.IGNORECASE)
_OPTION_PRIVATE = re.compile(r"^[ \t]*Option[ \t]+Private[ \t]+Module\b", re.IGNORECASE | re.MULTILINE)


def header_attributes(code: str) -> list[tuple[str, str]]:
    """The module-level ``Attribute`` lines that open a module, as ``(name, value)`` in order."""
    out = []
    for line in code.replace("\r\n", "\n").split("\n"):
        match = _ATTRIBUTE.match(line)
        if not match:
            break
        out.append((match.group(1), match.group(2)))
    return out


def _class_header(lines: list[str]) -> list[str]:
    """Source lines of a class with Excel's attribute block: the export's values, Excel's order and defaults."""
    count = len(header_attributes("\n".join(lines)))
    given = dict(_ATTRIBUTE.match(line).groups() for line in lines[:count])
    known = {"VB_Name"} | {name for name, _ in CLASS_ATTRIBUTES}
    block = [lines[0]] + [f"Attribute {name} = {given.get(name, default)}" for name, default in CLASS_ATTRIBUTES]
    # anything else the export declares for the module (VB_Description…) follows, as Excel stores it
    block += [line for line in lines[1:count] if _ATTRIBUTE.match(line).group(1) not in known]
    return block + lines[count:]


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, kind and source text as stored (attributes included)."""

    name: str
    kind: str
    code: str

    def encoded(self) -> bytes:
        return normalise_source(self.code)

    @property
    def description(self) -> str:
        """The module's ``VB_Description``, as Excel copies it into the ``dir`` stream (MODULEDOCSTRING).

        The attribute writes a line break as ``\\r\\n`` and a quote as ``""``; the record holds the
        characters themselves (checked on the Excel-saved ``Dictionary`` of xlwings' add-in).
        """
        value = dict(header_attributes(self.code)).get("VB_Description", '""')
        text = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
        return text.replace('""', '"').replace("\\r", "\r").replace("\\n", "\n")

    @property
    def private(self) -> bool:
        """``Option Private Module``: the MODULEPRIVATE record of a standard module.

        VBA refuses that statement in a class (an object module is private to its
        project by default, its visibility outside is ``VB_Exposed``), so a class
        never gets the record.
        """
        return self.kind == MODULE_STANDARD and bool(_OPTION_PRIVATE.search(self.code))


def normalise_source(text: str) -> bytes:
    """Source bytes as VBA stores them: CRLF line ends, cp1252, one final line end."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    body = "\r\n".join(lines) + "\r\n"
    try:
        return body.encode(ENCODING)
    except UnicodeEncodeError as err:
        bad = body[err.start : err.end]
        raise AddinError(
            f"Le caractère « {bad} » du code VBA n'existe pas dans la page de code Windows-1252 "
            "du projet : remplacez-le."
        ) from err


def module_from_export(text: str, kind: str | None = None) -> Module:
    """Module from the text of an exported ``.bas`` / ``.cls`` file.

    The ``VERSION 1.0 CLASS`` / ``BEGIN … END`` header of a ``.cls`` export is
    what the VBE writes around a class; it is not part of the stored source.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    is_class_export = bool(lines) and lines[0].strip().upper().startswith("VERSION ") and "CLASS" in lines[0].upper()
    if is_class_export:
        try:
            end = next(i for i, line in enumerate(lines) if line.strip().upper() == "END")
        except StopIteration as err:
            raise AddinError("Module de classe VBA mal formé : ligne END de l'en-tête absente.") from err
        lines = lines[end + 1 :]
    match = _VB_NAME.match(lines[0]) if lines else None
    if not match:
        raise AddinError('Module VBA sans première ligne « Attribute VB_Name = "…" ».')
    if kind is None:
        kind = MODULE_CLASS if is_class_export else MODULE_STANDARD
    if kind == MODULE_CLASS:
        lines = _class_header(lines)
    return Module(match.group(1), kind, "\n".join(lines))


def document_module(name: str, base: str, code: str = "") -> Module:
    """Document module (``ThisWorkbook`` or a sheet) with the attributes Excel writes for it."""
    header = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{DOCUMENT_BASES[base]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    return Module(name, MODULE_DOCUMENT, "\n".join(header + ([code.strip("\n")] if code.strip() else [])))
