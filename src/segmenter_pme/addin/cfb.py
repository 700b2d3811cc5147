"""Minimal, deterministic writer of a Compound File (MS-CFB version 3, 512-byte sectors).

Enough for ``vbaProject.bin``: storages and streams given as a flat mapping of
``"VBA/dir"``-style paths to bytes. Timestamps and CLSIDs are zero, the sector
layout depends only on the input, so the same streams always give the same
bytes. Streams shorter than 4096 bytes live in the mini stream and the others
in regular sectors — a stream of exactly 4096 bytes is a regular one
(MS-CFB §2.2: "less than" the cutoff goes to the mini stream).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from ..errors import AddinError

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
DIFSECT, FATSECT, ENDOFCHAIN, FREESECT = 0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
_HEADER_DIFAT = 109

_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list["_Entry"] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = _BLACK
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB §2.6.4: shorter names first, then code-point order of the upper-cased name.
    return (len(name.encode("utf-16-le")) // 2, name.upper())


def _build_tree(entries: list[_Entry], depth: int, max_depth: int) -> int:
    """Balanced binary search tree of ``entries`` (sorted); returns the root's sid.

    Median splitting fills every level but the last, so colouring the last level
    red and the others black satisfies the red-black rules MS-CFB asks for.
    """
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.color = _RED if depth == max_depth and max_depth > 0 else _BLACK
    node.left = _build_tree(entries[:mid], depth + 1, max_depth)
    node.right = _build_tree(entries[mid + 1 :], depth + 1, max_depth)
    return node.sid


def _tree_height(n: int) -> int:
    return max(n.bit_length() - 1, 0) if n else 0


def _full_levels(n: int) -> bool:
    return n > 0 and (n + 1) & n == 0


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for part in parts[:-1]:
            found = next((c for c in node.children if c.name == part and c.kind == _STORAGE), None)
            if found is None:
                found = _Entry(part, _STORAGE)
                node.children.append(found)
            node = found
        if len(parts[-1]) > 31:
            raise AddinError(f"Nom de flux trop long dans le fichier composé : « {parts[-1]} ».")
        node.children.append(_Entry(parts[-1], _STREAM, bytes(data)))

    # Directory order: breadth-first, siblings sorted — stable for a given input.
    order: list[_Entry] = [root]
    i = 0
    while i < len(order):
        node = order[i]
        node.children.sort(key=lambda e: _sort_key(e.name))
        order.extend(node.children)
        i += 1
    for sid, node in enumerate(order):
        node.sid = sid
    for node in order:
        if node.children:
            n = len(node.children)
            height = _tree_height(n)
            max_depth = height if not _full_levels(n) else -1
            node.child = _build_tree(node.children, 0, max_depth)

    # Mini stream
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for node in order:
        if node.kind != _STREAM:
            continue
        node.size = len(node.data)
        if node.size == 0:
            node.start = ENDOFCHAIN
        elif node.size < MINI_CUTOFF:
            first = len(mini) // MINI_SECTOR
            count = math.ceil(node.size / MINI_SECTOR)
            node.start = first
            minifat.extend(range(first + 1, first + count))
            minifat.append(ENDOFCHAIN)
            mini += node.data.ljust(count * MINI_SECTOR, b"\x00")
        else:
            big.append(node)

    n_dir = math.ceil(len(order) / 4)
    n_minifat = math.ceil(len(minifat) * 4 / SECTOR)
    n_mini = math.ceil(len(mini) / SECTOR)
    n_big = sum(math.ceil(e.size / SECTOR) for e in big)
    others = n_dir + n_minifat + n_mini + n_big
    n_fat = 1
    while n_fat * (SECTOR // 4) < others + n_fat:
        n_fat += 1
    if n_fat > _HEADER_DIFAT:
        raise AddinError("Projet VBA trop volumineux pour ce générateur (plus de 109 secteurs FAT).")

    fat: list[int] = [FATSECT] * n_fat
    sectors: list[bytes] = []

    def chain(count: int) -> int:
        first = len(fat)
        fat.extend(range(first + 1, first + count))
        fat.append(ENDOFCHAIN)
        return first

    dir_start = chain(n_dir)
    minifat_start = chain(n_minifat) if n_minifat else ENDOFCHAIN
    if n_mini:
        root.start = chain(n_mini)
        root.size = len(mini)
    for node in big:
        node.start = chain(math.ceil(node.size / SECTOR))

    directory = bytearray()
    for node in order:
        name = node.name.encode("utf-16-le") + b"\x00\x00"
        directory += name.ljust(64, b"\x00")
        directory += struct.pack("<HBB", len(name), node.kind, node.color)
        directory += struct.pack("<III", node.left, node.right, node.child)
        directory += bytes(16) + struct.pack("<I", 0) + bytes(16)
        start = node.start if node.kind != _STORAGE else 0
        directory += struct.pack("<IQ", start, node.size if node.kind != _STORAGE else 0)
    while len(directory) % SECTOR:
        directory += bytes(64) + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM)
        directory += bytes(16 + 4 + 16) + struct.pack("<IQ", 0, 0)

    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    minifat_bytes += struct.pack("<I", FREESECT) * ((n_minifat * SECTOR - len(minifat_bytes)) // 4)

    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    body = bytearray(b"".join(struct.pack("<I", v) for v in fat))
    body += directory
    body += minifat_bytes
    body += bytes(mini).ljust(n_mini * SECTOR, b"\x00")
    for node in big:
        body += node.data.ljust(math.ceil(node.size / SECTOR) * SECTOR, b"\x00")
    del sectors

    header = bytearray()
    header += bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
    header += bytes(6)
    header += struct.pack("<II", 0, n_fat)
    header += struct.pack("<II", dir_start, 0)
    header += struct.pack("<I", MINI_CUTOFF)
    header += struct.pack("<II", minifat_start, n_minifat)
    header += struct.pack("<II", ENDOFCHAIN, 0)
    difat = list(range(n_fat)) + [FREESECT] * (_HEADER_DIFAT - n_fat)
    header += b"".join(struct.pack("<I", v) for v in difat)
    assert len(header) == SECTOR
    return bytes(header + body)
