"""MS-OVBA's two byte codes: the compressed container (§2.4.1) and the data encryption of
``CMG`` / ``DPB`` / ``GC`` (§2.4.3), each with its inverse to check what we and Office wrote.

Copy tokens use the specified maximum length ``(0xFFFF >> bit_count) + 3``; the
encryption seed and its "ignored" bytes are constants, so two builds are byte-identical.
"""

from __future__ import annotations

import struct

from ..errors import AddinError

CODE_PAGE = 1252
ENCODING = "cp1252"

# Deterministic stand-in for what Office would draw at random.
_ENCRYPTION_SEED = 0x5D


# --------------------------------------------------------------------------
# Compression (MS-OVBA §2.4.1)
# --------------------------------------------------------------------------

_CHUNK = 4096


def copy_token_help(difference: int) -> tuple[int, int]:
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
                best_len = min(best_len, copy_token_help(pos)[1])
            if best_len >= 3:
                bit_count, _ = copy_token_help(pos)
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
                    bit_count, _ = copy_token_help(len(out) - chunk_start)
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
