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

The compound file that holds these streams is written by :mod:`.cfb`.
"""

from __future__ import annotations

import re
import struct
import uuid
from dataclasses import dataclass

from ..errors import AddinError

CODE_PAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409  # MS-OVBA requires 0x409 for PROJECTLCID

MODULE_STANDARD = "standard"
MODULE_CLASS = "class"
MODULE_DOCUMENT = "document"

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

# Deterministic stand-ins for what Office would draw at random.
_ENCRYPTION_SEED = 0x5D
_NOT_PROTECTED = bytes(4)  # CMG: no protection state bit set
_NO_PASSWORD = bytes(1)  # DPB: a single null byte means "no password"
_VISIBLE = bytes([0xFF])  # GC: project visible in the VBE
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


# --------------------------------------------------------------------------
# Compression (MS-OVBA §2.4.1)
# --------------------------------------------------------------------------

_CHUNK = 4096


def _copy_token_help(difference: int) -> tuple[int, int]:
    """Return ``(bit_count, maximum_length)`` for a position ``difference`` bytes into a chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    pos = 0
    # Candidates per 3-byte prefix, in the order they appeared in the chunk.
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos + 3 <= n and pos > 0:
                # The longest match up to the end of the chunk, cut only then to the maximum
                # length of a copy token. Among equally long matches Office keeps the
                # *farthest* one (the specification's pseudo-code would keep the nearest);
                # we do as Office, which the tests check on streams Office wrote.
                for cand in heads.get(chunk[pos : pos + 3], ()):
                    length = 3
                    while pos + length < n and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if pos + length == n:
                            break  # reaches the end of the chunk: no later candidate can be longer
                best_len = min(best_len, _copy_token_help(pos)[1])
            if best_len >= 3:
                bit_count, _ = _copy_token_help(pos)
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= n:
                    heads.setdefault(chunk[p : p + 3], []).append(p)
            pos += step
        out[flag_index] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compressed container of ``data`` (signature byte, then one chunk per 4096 bytes)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) > _CHUNK:
            # Incompressible: a raw chunk always holds 4096 bytes (§2.4.1.3.10).
            out += struct.pack("<H", 0x3FFF) + chunk.ljust(_CHUNK, b"\x00")
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """Inverse of :func:`compress` (any conforming compressed container)."""
    if not data or data[0] != 0x01:
        raise AddinError("Flux VBA compressé invalide : signature absente.")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x7 != 0b011:
            raise AddinError("Flux VBA compressé invalide : en-tête de bloc incorrect.")
        end = min(pos + size, len(data))
        chunk_start = len(out)
        pos += 2
        if not header & 0x8000:
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    bit_count, _ = _copy_token_help(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    src = len(out) - offset
                    for k in range(length):
                        out.append(out[src + k])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


# --------------------------------------------------------------------------
# Data encryption of CMG / DPB / GC (MS-OVBA §2.4.3)
# --------------------------------------------------------------------------


def encrypt(data: bytes, project_id: str, seed: int = _ENCRYPTION_SEED) -> str:
    """Hex text of ``data`` encrypted as §2.4.3.2 does, with a fixed seed and ignored bytes."""
    project_key = sum(project_id.encode(ENCODING)) & 0xFF
    version_enc = seed ^ 2
    project_key_enc = seed ^ project_key
    out = bytearray([seed, version_enc, project_key_enc])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc

    def push(byte: int) -> None:
        nonlocal unencrypted_1, encrypted_1, encrypted_2
        byte_enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte_enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte

    for _ in range((seed & 6) // 2):
        push(0)
    for byte in struct.pack("<I", len(data)) + data:
        push(byte)
    return out.hex().upper()


def decrypt(text: str) -> bytes:
    """Inverse of :func:`encrypt` (§2.4.3.3); used to check what we and Office wrote."""
    raw = bytes.fromhex(text)
    seed, version_enc, project_key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise AddinError("Propriété chiffrée du projet VBA invalide (version).")
    project_key = seed ^ project_key_enc
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return bytes(plain[ignored + 4 : ignored + 4 + length])


# --------------------------------------------------------------------------
# Module sources
# --------------------------------------------------------------------------

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
