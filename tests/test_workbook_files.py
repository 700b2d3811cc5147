"""Bad files are one clear French message (WorkbookError), and saving never loses the user's file."""

from __future__ import annotations

import zipfile

import pytest

from segmenter_pme.errors import WorkbookError, WorkbookLockedError
from segmenter_pme.workbook import files
from wbfactory import rich_workbook


def test_missing_file(tmp_path):
    with pytest.raises(WorkbookError, match="introuvable"):
        files.file_kind(tmp_path / "absent.xlsx")


def test_kinds(tmp_path):
    xlsx = rich_workbook(tmp_path / "a.xlsx")
    assert files.file_kind(xlsx) == "xlsx"
    csv = tmp_path / "a.csv"
    csv.write_text("Code client;Date\n")
    assert files.file_kind(csv) == "csv"


@pytest.mark.parametrize("content", [b"", b"ceci n'est pas un classeur", b"PK\x03\x04 tronque"])
def test_corrupt_xlsx(tmp_path, content):
    p = tmp_path / "abime.xlsx"
    p.write_bytes(content)
    with pytest.raises(WorkbookError, match="(endommagé|pas un classeur Excel valide)"):
        files.file_kind(p)


def test_truncated_workbook(tmp_path):
    good = rich_workbook(tmp_path / "a.xlsx").read_bytes()
    p = tmp_path / "coupe.xlsx"
    p.write_bytes(good[: len(good) // 2])
    with pytest.raises(WorkbookError, match="endommagé"):
        files.file_kind(p)


def test_word_document_renamed(tmp_path):
    p = tmp_path / "lettre.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(WorkbookError, match="document Word"):
        files.file_kind(p)


def test_password_protected(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = rich_workbook(tmp_path / "clair.xlsx")
    enc = tmp_path / "secret.xlsx"
    with open(plain, "rb") as fin, open(enc, "wb") as fout:
        OOXMLFile(fin).encrypt("motdepasse", fout)
    assert msoffcrypto.OfficeFile(open(enc, "rb")).is_encrypted()
    with pytest.raises(WorkbookError, match="protégé par un mot de passe"):
        files.file_kind(enc)


def test_old_xls(tmp_path):
    p = tmp_path / "ancien.xls"
    p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    with pytest.raises(WorkbookError, match="97-2003"):
        files.file_kind(p)


@pytest.mark.parametrize("name", ["clients.ods", "clients.pdf", "clients"])
def test_wrong_extension(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(b"x")
    with pytest.raises(WorkbookError):
        files.file_kind(p)


def test_csv_that_is_a_workbook(tmp_path):
    p = tmp_path / "export.csv"
    p.write_bytes(rich_workbook(tmp_path / "a.xlsx").read_bytes())
    with pytest.raises(WorkbookError, match="renommez-le en .xlsx"):
        files.file_kind(p)


@pytest.mark.parametrize("lock,app", [("~$clients.xlsx", "Excel"), ("~$ients.xlsx", "Excel"),
                                      (".~lock.clients.xlsx#", "LibreOffice")])
def test_lock_file_means_open(tmp_path, lock, app):
    p = rich_workbook(tmp_path / "clients.xlsx")
    (tmp_path / lock).write_bytes(b"owner")
    with pytest.raises(WorkbookLockedError, match=f"ouvert dans {app} "):
        files.check_not_open(p)


def test_atomic_write_makes_a_backup(tmp_path):
    target = tmp_path / "c.xlsx"
    target.write_bytes(b"version 1")
    bak = files.atomic_write(target, lambda tmp: tmp.write_bytes(b"version 2"))
    assert target.read_bytes() == b"version 2"
    assert bak == tmp_path / "c.sauvegarde.xlsx" and bak.read_bytes() == b"version 1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.sauvegarde.xlsx", "c.xlsx"]


def test_failed_write_leaves_the_file_untouched(tmp_path):
    target = tmp_path / "c.xlsx"
    target.write_bytes(b"version 1")

    def boom(tmp):
        tmp.write_bytes(b"half")
        raise WorkbookError("échec simulé")

    with pytest.raises(WorkbookError):
        files.atomic_write(target, boom)
    assert target.read_bytes() == b"version 1"
    assert [p.name for p in tmp_path.iterdir()] == ["c.xlsx"]


def test_unreadable_result_is_refused(tmp_path):
    target = tmp_path / "c.xlsx"
    target.write_bytes(b"version 1")
    with pytest.raises(WorkbookError, match="n'a pas été modifié"):
        files.atomic_write(target, lambda tmp: tmp.write_bytes(b"garbage"), verify=files.verify_xlsx)
    assert target.read_bytes() == b"version 1"


def test_refuses_to_save_over_an_open_workbook(tmp_path):
    target = tmp_path / "c.xlsx"
    target.write_bytes(b"version 1")
    (tmp_path / "~$c.xlsx").write_bytes(b"x")
    with pytest.raises(WorkbookLockedError):
        files.atomic_write(target, lambda tmp: tmp.write_bytes(b"v2"))
    assert target.read_bytes() == b"version 1"


def _with_a_changed_byte(good, out, part: str):
    """``good`` rewritten uncompressed, one byte of ``part`` changed: its CRC no longer matches."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        data = src.read(part)
    raw = out.read_bytes()
    at = raw.index(data) + len(data) // 2
    out.write_bytes(raw[:at] + bytes([raw[at] ^ 1]) + raw[at + 1:])
    return out


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "docProps/core.xml"])
def test_a_damaged_part_is_named_when_the_audit_reads_the_sheet(tmp_path, part):
    # load_base leaves the worksheets' check to the scan of their extent (one decompression, not two):
    # a damaged sheet or another part is named as file_kind names it
    from segmenter_pme.workbook.audit_load import load_base

    bad = _with_a_changed_byte(rich_workbook(tmp_path / "a.xlsx"), tmp_path / "abime.xlsx", part)
    with pytest.raises(WorkbookError, match=f"partie « {part} » illisible"):
        files.file_kind(bad)
    with pytest.raises(WorkbookError, match=f"partie « {part} » illisible"):
        load_base(bad)


def test_parts_checked_while_reading_give_the_same_values(tmp_path):
    from segmenter_pme.workbook import loading

    good = rich_workbook(tmp_path / "a.xlsx")
    assert files.file_kind(good, check_parts=False) == "xlsx"
    assert loading.read_values(good, check_parts=True) == loading.read_values(good)
