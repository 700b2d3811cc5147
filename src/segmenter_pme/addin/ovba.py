"""Writer of a source-only VBA project (MS-OVBA), the form Office recompiles on open.

Written from the MS-OVBA specification rather than on top of the ``ms-ovba``
0.0.1 package, whose published code corrupts real modules (see
``shared/README.md``). What this module does differently, on purpose:

* copy tokens use the specified maximum length ``(0xFFFF >> bit_count) + 3``;
* class modules are type 0x0022 in ``dir`` and listed as ``Class=`` in ``PROJECT``;
* sources are normalised in memory (CRLF, project code page cp1252) — nothing
  is appended to or written next to the user's files;
* no random value anywhere: the project GUID, the encryption seed and the
  "ignored" bytes of the encrypted properties are constants, so two builds of
  the same sources are byte-identical;
* ``_VBA_PROJECT`` has version 0xFFFF and no performance cache and every module
  stream holds only compressed source at offset 0 (MS-OVBA §2.3.4.1), so any
  Office version compiles the project from its text.

The byte codes (compression, encryption) are :mod:`.ovba_codec`, the module sources
:mod:`.vba_modules`; this module writes the project's streams from them. The compound
file that holds these streams is written by :mod:`.cfb`.
"""

from __future__ import annotations

import re
import struct
import uuid

from ..errors import AddinError
from .ovba_codec import CODE_PAGE, ENCODING, compress, copy_token_help, decompress, decrypt, encrypt
from .vba_modules import (
    CLASS_ATTRIBUTES,
    CLASS_BASE,
    DOCUMENT_BASES,
    MODULE_CLASS,
    MODULE_DOCUMENT,
    MODULE_STANDARD,
    Module,
    document_module,
    header_attributes,
    module_from_export,
    normalise_source,
)

LCID = 0x0409  # MS-OVBA requires 0x409 for PROJECTLCID

#: the two type libraries an Excel project references; Office is where
#: ``IRibbonControl`` lives, so ribbon callbacks compile only with it.
REFERENCES: tuple[tuple[str, str], ...] = (
    (
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
        r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)

# Deterministic stand-ins for what Office would draw at random (the encryption seed: ovba_codec).
_NOT_PROTECTED = bytes(4)  # CMG: no protection state bit set
_NO_PASSWORD = bytes(1)  # DPB: a single null byte means "no password"
_VISIBLE = bytes([0xFF])  # GC: project visible in the VBE
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


# --------------------------------------------------------------------------
# Project streams
# --------------------------------------------------------------------------


def project_guid(project_name: str) -> str:
    """Stable project ID: the same name always gives the same GUID."""
    value = uuid.uuid5(uuid.NAMESPACE_URL, f"https://segmenter-pme/vba/{project_name}")
    return "{" + str(value).upper() + "}"


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _mbcs(text: str) -> bytes:
    return text.encode(ENCODING)


def dir_stream(project_name: str, modules: list[Module]) -> bytes:
    """Uncompressed ``dir`` stream (§2.3.4.2)."""
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 1))  # SysKind: 32-bit Windows; Office adapts on load
    out += _rec(0x0002, struct.pack("<I", LCID))
    out += _rec(0x0014, struct.pack("<I", LCID))
    out += _rec(0x0003, struct.pack("<H", CODE_PAGE))
    out += _rec(0x0004, _mbcs(project_name))
    out += _rec(0x0005, b"") + _rec(0x0040, b"")  # docstring, its Unicode twin
    out += _rec(0x0006, b"") + _rec(0x003D, b"")  # help file paths
    out += _rec(0x0007, struct.pack("<I", 0))
    out += _rec(0x0008, struct.pack("<I", 0))
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: its Reserved field is 4
    out += _rec(0x000C, b"") + _rec(0x003C, b"")  # conditional compilation constants
    for name, libid in REFERENCES:
        out += _rec(0x0016, _mbcs(name)) + _rec(0x003E, _utf16(name))
        lib = _mbcs(libid)
        registered = struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0)
        out += _rec(0x000D, registered)
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))
    for module in modules:
        out += _rec(0x0019, _mbcs(module.name))
        out += _rec(0x0047, _utf16(module.name))
        out += _rec(0x001A, _mbcs(module.name)) + _rec(0x0032, _utf16(module.name))
        out += _rec(0x001C, _mbcs(module.description)) + _rec(0x0048, _utf16(module.description))
        out += _rec(0x0031, struct.pack("<I", 0))  # source starts at 0: no performance cache
        out += _rec(0x001E, struct.pack("<I", 0))
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))
        out += struct.pack("<HI", 0x0021 if module.kind == MODULE_STANDARD else 0x0022, 0)
        if module.private:
            out += struct.pack("<HI", 0x0028, 0)
        out += struct.pack("<HI", 0x002B, 0)
    out += struct.pack("<HI", 0x0010, 0)
    return bytes(out)


def project_stream(project_name: str, modules: list[Module]) -> bytes:
    """Text ``PROJECT`` stream (§2.3.1), in the project code page."""
    guid = project_guid(project_name)
    lines = [f'ID="{guid}"']
    for module in modules:
        if module.kind == MODULE_DOCUMENT:
            lines.append(f"Document={module.name}/&H00000000")
        elif module.kind == MODULE_CLASS:
            lines.append(f"Class={module.name}")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{encrypt(_NOT_PROTECTED, guid)}"',
        f'DPB="{encrypt(_NO_PASSWORD, guid)}"',
        f'GC="{encrypt(_VISIBLE, guid)}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def project_wm_stream(modules: list[Module]) -> bytes:
    """``PROJECTwm``: each module name in the code page and in UTF-16 (§2.3.3)."""
    out = bytearray()
    for module in modules:
        out += _mbcs(module.name) + b"\x00" + _utf16(module.name) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


VBA_PROJECT_STREAM = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])


def check_modules(project_name: str, modules: list[Module]) -> None:
    names = [m.name.lower() for m in modules]
    if len(set(names)) != len(names):
        raise AddinError("Deux modules VBA portent le même nom.")
    if project_name.lower() in names:
        raise AddinError(f"Le projet VBA « {project_name} » ne peut pas porter le nom d'un de ses modules.")
    for module in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", module.name):
            raise AddinError(f"Nom de module VBA invalide : « {module.name} ».")
        first = module.code.split("\n", 1)[0].strip()
        if first != f'Attribute VB_Name = "{module.name}"':
            raise AddinError(f"Le module « {module.name} » doit commencer par son attribut VB_Name.")


def vba_project_streams(project_name: str, modules: list[Module]) -> dict[str, bytes]:
    """Every stream of ``vbaProject.bin`` by path (``/``-separated), in a stable order."""
    check_modules(project_name, modules)
    streams = {
        "PROJECT": project_stream(project_name, modules),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream(project_name, modules)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(module.encoded())
    return streams


def build_vba_project(project_name: str, modules: list[Module]) -> bytes:
    """The bytes of ``vbaProject.bin``."""
    from .cfb import write_compound_file

    return write_compound_file(vba_project_streams(project_name, modules))


__all__ = [  # the byte codes and module sources are part of the writer's API: build and tests use them from here
    "CLASS_ATTRIBUTES",
    "CLASS_BASE",
    "CODE_PAGE",
    "DOCUMENT_BASES",
    "ENCODING",
    "LCID",
    "MODULE_CLASS",
    "MODULE_DOCUMENT",
    "MODULE_STANDARD",
    "REFERENCES",
    "VBA_PROJECT_STREAM",
    "Module",
    "build_vba_project",
    "check_modules",
    "compress",
    "copy_token_help",
    "decompress",
    "decrypt",
    "dir_stream",
    "document_module",
    "encrypt",
    "header_attributes",
    "module_from_export",
    "normalise_source",
    "project_guid",
    "project_stream",
    "project_wm_stream",
    "vba_project_streams",
]
