"""Hostile files and file systems: one French paragraph and exit 1, never a traceback, never a half-written file.

Each test builds its input, runs the command through ``cli.main`` (as a user
would) and checks the exit code, the message (French, naming the file) and —
after a success — that the user's cells are all still there.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from segmenter_pme.cli import main
from segmenter_pme.workbook import files
from wbfactory import rich_workbook, snapshot

SKIP_OURS = {"Clients": 8}  # rich_workbook's client table ends at column G: ours start at H


def cli(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_french_error(code, err, *fragments):
    assert code == 1, err
    assert "Traceback" not in err
    text = " ".join(err.split())
    assert text.startswith("Erreur :"), text
    for f in fragments:
        assert f in text, text


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------ one run at a time


_HOLD = textwrap.dedent("""
    import sys, time
    from segmenter_pme.workbook import files
    with files.run_lock(sys.argv[1]):
        print("verrou pris", flush=True)
        time.sleep(60)
""")


@pytest.mark.parametrize("command", ["run", "audit", "nettoyer"])
def test_a_second_run_on_the_same_file_is_refused_while_the_first_holds_it(tmp_path, command):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(book)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "verrou pris"
        args = [command, str(book)] + (["-o", str(tmp_path / "copie.xlsx")] if command != "run" else [])
        proc = subprocess.run([sys.executable, "-m", "segmenter_pme", *args], capture_output=True, text=True,
                              timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    text = " ".join(proc.stderr.split())
    assert "Un autre traitement segmenter est déjà en cours sur « Clients.xlsx »" in text
    assert book.read_bytes() == before
    assert not (tmp_path / "Clients.sauvegarde.xlsx").exists()
    # the holder gone (killed: its OS lock went with it), the next run goes through
    assert main(["-q", *args]) == 0


def test_a_link_and_its_target_share_one_lock(tmp_path):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    link = tmp_path / "raccourci.xlsx"
    link.symlink_to(book.name)
    with files.run_lock(book):
        with pytest.raises(files.WorkbookLockedError, match="raccourci.xlsx"):
            with files.run_lock(link):
                pass


# ------------------------------------------------------------------ what is written is checked


def _cut_sheets_short(monkeypatch):
    """A write that silently stops half-way (one transient ENOSPC swallowed by the XML writer)."""
    from openpyxl.worksheet import _writer

    original = _writer.WorksheetWriter.write

    def write(self):
        original(self)
        if self.ws.title not in ("Clients", "Qualité"):  # sheets openpyxl itself writes, in every command
            return
        size = os.path.getsize(self.out)
        with open(self.out, "r+b") as fh:
            fh.truncate(size // 2)

    monkeypatch.setattr(_writer.WorksheetWriter, "write", write)
    monkeypatch.setattr(files, "PARSE_WHOLE", 1 << 30)


@pytest.mark.parametrize("command", ["run", "audit", "nettoyer"])
def test_a_short_write_never_replaces_anything(tmp_path, capsys, monkeypatch, command):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()
    out = tmp_path / "copie.xlsx"
    if command != "run":
        rich_workbook(out)
    previous_out = out.read_bytes() if out.exists() else None
    _cut_sheets_short(monkeypatch)
    args = [command, book] + (["-o", out] if command != "run" else [])
    code, _, err = cli(capsys, *args)
    assert_french_error(code, err, "incomplet ou illisible", "n'a pas été modifié")
    assert book.read_bytes() == before
    if previous_out is not None:
        assert out.read_bytes() == previous_out
    assert leftovers(tmp_path) == []


def test_verify_catches_a_cut_xml_part_inside_a_valid_zip(tmp_path):
    good = rich_workbook(tmp_path / "a.xlsx")
    bad = tmp_path / "b.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]  # CRC and sizes right: only the XML tells
            zout.writestr(item, data)
    files.verify_xlsx(good)
    with pytest.raises(files.WorkbookError, match="incomplet"):
        files.verify_xlsx(bad)


def test_verify_checks_the_end_of_a_big_part_without_parsing_it(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "PARSE_WHOLE", 10)  # every part counts as big
    good = rich_workbook(tmp_path / "a.xlsx")
    files.verify_xlsx(good)
    bad = tmp_path / "b.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[:-30]
            zout.writestr(item, data)
    with pytest.raises(files.WorkbookError, match="incomplet"):
        files.verify_xlsx(bad)


def test_full_disk_while_saving(tmp_path, capsys, monkeypatch):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()
    from segmenter_pme.workbook import saving

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(saving, "save_workbook", full)
    code, _, err = cli(capsys, "run", book)
    assert_french_error(code, err, "Impossible d'enregistrer « Clients.xlsx » : disque plein",
                        "n'a pas été modifié")
    assert book.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_full_temporary_folder(tmp_path, capsys, monkeypatch):
    # openpyxl writes each sheet to a file of the temporary folder (TMPDIR) before zipping it
    from openpyxl.worksheet import _writer

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()
    monkeypatch.setattr(_writer, "create_temporary_file", full)
    code, _, err = cli(capsys, "run", book)
    assert_french_error(code, err, "« Clients.xlsx »", "disque plein")
    assert book.read_bytes() == before


# ------------------------------------------------------------------ folders and names


def test_read_only_folder(tmp_path, capsys, monkeypatch):
    # as root a chmod does not stop a write: the refusal is what mkstemp would raise
    import tempfile

    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()

    def refuse(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    for args in (["run", book], ["audit", book, "-o", tmp_path / "q.xlsx"],
                 ["nettoyer", book, "-o", tmp_path / "n.xlsx"]):
        code, _, err = cli(capsys, *args)
        assert_french_error(code, err, "accès refusé", "-o")
        assert book.read_bytes() == before


@pytest.mark.parametrize("command", ["audit", "nettoyer"])
def test_output_into_a_missing_folder_is_created(tmp_path, capsys, command):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = snapshot(book)
    out = tmp_path / "nouveau" / "dossier" / "copie.xlsx"
    code, _, err = cli(capsys, "-q", command, book, "-o", out)
    assert code == 0, err
    assert out.exists()
    if command == "audit":
        assert snapshot(out) == before  # the copy: our « Qualité » added, nothing of the user's changed


def test_output_folder_that_cannot_be_made(tmp_path, capsys):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    (tmp_path / "fichier").write_text("x")
    code, _, err = cli(capsys, "audit", book, "-o", tmp_path / "fichier" / "copie.xlsx")
    assert_french_error(code, err, "fichier »", "un fichier porte ce nom")


def test_a_240_character_name(tmp_path, capsys):
    name = "c" * 235 + ".xlsx"
    book = rich_workbook(tmp_path / name)
    before = snapshot(book)
    code, _, err = cli(capsys, "-q", "run", book)
    assert code == 0, err
    assert snapshot(book, SKIP_OURS) == {**before, "Clients": snapshot(book, SKIP_OURS)["Clients"]}
    assert leftovers(tmp_path) == []
    # its backup name would pass the 255-byte limit: the save is refused in French, the file untouched
    longer = rich_workbook(tmp_path / ("d" * 246 + ".xlsx"))
    data = longer.read_bytes()
    code, _, err = cli(capsys, "run", longer)
    assert_french_error(code, err, "nom de fichier trop long")
    assert longer.read_bytes() == data


def test_symlink_is_written_through(tmp_path, capsys):
    real_dir = tmp_path / "partage"
    real_dir.mkdir()
    book = rich_workbook(real_dir / "Clients.xlsx")
    link = tmp_path / "Clients.xlsx"
    link.symlink_to(book)
    code, _, err = cli(capsys, "-q", "run", link)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == book
    assert "Segment RFM" in [c.value for c in openpyxl.load_workbook(book)["Clients"][3]]
    assert (real_dir / "Clients.sauvegarde.xlsx").exists()


def test_temp_files_of_a_killed_run_are_removed_by_the_next(tmp_path, capsys):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    stale = [tmp_path / ".Clients.k3j2_x9a.tmp.xlsx", tmp_path / ".Clients.reduit.ab12cd34.xlsx",
             tmp_path / ".Clients.sauvegarde.tmp.xlsx"]
    for p in stale:
        p.write_bytes(b"PK")
    other = tmp_path / ".Autre.k3j2_x9a.tmp.xlsx"  # another workbook's: not ours to remove
    other.write_bytes(b"PK")
    mine = tmp_path / ".Clients.notes.txt"  # the user's own hidden file
    mine.write_text("à garder")
    code, _, err = cli(capsys, "-q", "run", book)
    assert code == 0, err
    assert not any(p.exists() for p in stale)
    assert other.exists() and mine.exists()


# ------------------------------------------------------------------ bad input


def test_zip_with_a_bad_crc(tmp_path, capsys):
    good = rich_workbook(tmp_path / "a.xlsx")
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet2.xml")
    # flip bytes inside the compressed data of the client sheet: CRC or inflate fails
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 20, start + 60):
        raw[k] ^= 0x5A
    bad = tmp_path / "abime.xlsx"
    bad.write_bytes(bytes(raw))
    for command in ("run", "audit", "nettoyer"):
        code, _, err = cli(capsys, command, bad)
        assert_french_error(code, err, "« abime.xlsx »", "endommagé")


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "31/12/1899"])
def test_analysis_dates_out_of_range(tmp_path, capsys, date):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    before = book.read_bytes()
    for command in ("run", "audit", "nettoyer"):
        code, _, err = cli(capsys, command, book, "--date", date)
        assert code == 2, err
        assert "Traceback" not in err
        text = " ".join(err.split())
        assert f"date « {date} » hors limites" in text and "01/03/1900" in text
    assert book.read_bytes() == before


def test_analysis_date_out_of_range_in_parametres(tmp_path, capsys):
    from segmenter_pme import layout
    from segmenter_pme.settings import Settings

    book = rich_workbook(tmp_path / "Clients.xlsx")
    wb = openpyxl.load_workbook(book)
    layout.write_settings_sheet(wb, Settings())
    ws = wb["Paramètres"]
    row = next(r for r in ws.iter_rows() if r[0].value == "date_analyse")
    row[2].value = "01/01/1800"
    wb.save(book)
    code, _, err = cli(capsys, "run", book)
    assert_french_error(code, err, "Paramètres")


def test_seuil_doublons_zero_in_parametres_is_refused(tmp_path, capsys):
    from segmenter_pme import layout
    from segmenter_pme.settings import Settings

    book = rich_workbook(tmp_path / "Clients.xlsx")
    wb = openpyxl.load_workbook(book)
    layout.write_settings_sheet(wb, Settings())
    ws = wb["Paramètres"]
    row = next(r for r in ws.iter_rows() if r[0].value == "seuil_doublons")
    row[2].value = 0
    wb.save(book)
    code, _, err = cli(capsys, "nettoyer", book)
    assert_french_error(code, err, "seuil_doublons", "entre 50 et 100", "Paramètres")
    assert not (tmp_path / "Clients.nettoye.xlsx").exists()


def test_usage_errors_are_french(tmp_path, capsys):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    for value, expected in (("101", "la valeur doit être au plus 100"), ("10", "la valeur doit être au moins 50")):
        code, _, err = cli(capsys, "nettoyer", book, "--seuil", value)
        assert code == 2
        text = " ".join(err.split())
        assert expected in text and "Input should" not in text, text


def test_french_wording_of_click_path_errors():
    from segmenter_pme.cli.french import translate

    assert translate("Invalid value for 'FICHIER': Path 'x.xlsx' is not readable.") == \
        "Valeur incorrecte pour « FICHIER » : « x.xlsx » ne peut pas être lu (droits insuffisants)."
    assert translate("Invalid value for 'FICHIER': File 'x' does not exist.") == \
        "Valeur incorrecte pour « FICHIER » : « x » est introuvable."


# ------------------------------------------------------------------ control characters


def _ctl_csv(path: Path) -> Path:
    path.write_bytes(
        "Code client;Entreprise;Date dernier achat;Nombre commandes;CA total\n"
        "C1;Alpha;01/02/2025;3;100,5\n"
        "C2;Be\x01ta\x1b[31m;01/03/2025;2;200\n"
        "C3;Gamma;01/04/2025;1;300\n".encode("utf-8"))
    return path


@pytest.mark.parametrize("command", ["run", "audit", "nettoyer"])
def test_control_characters_in_a_csv(tmp_path, capsys, command):
    src = _ctl_csv(tmp_path / "export.csv")
    out = tmp_path / "sortie.xlsx"
    code, stdout, err = cli(capsys, command, src, "-o", out, "--date", "2025-06-01")
    assert code == 0, err
    said = " ".join((stdout + err).split())
    assert "caractères de contrôle" in said and "colonne « Entreprise », ligne 3" in said
    assert "Be\\x01ta\\x1b[31m" in said
    names = [c.value for c in openpyxl.load_workbook(out)["Clients"]["B"]]
    assert "Beta" in names
    if command == "run":
        qualite = [c.value for row in openpyxl.load_workbook(out)["Qualité"].iter_rows() for c in row]
        assert any(isinstance(v, str) and "Caractères de contrôle" in v for v in qualite)


def test_control_characters_in_a_workbook(tmp_path, capsys):
    import datetime as dt

    src = tmp_path / "ctl.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    for row in (["C1", "Alpha", dt.date(2025, 2, 1), 3, 100.5], ["C2", "Bxx", dt.date(2025, 3, 1), 2, 200],
                ["C3", "Gamma", dt.date(2025, 4, 1), 1, 300]):
        ws.append(row)
    wb.save(src)
    # Excel stores a control character as _x0001_ in the XML
    with zipfile.ZipFile(src) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for n, data in parts.items():
        parts[n] = data.replace(b"Bxx", b"B_x0001_x")
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    for command in ("audit", "nettoyer", "run"):
        code, stdout, err = cli(capsys, command, src, "-o", tmp_path / f"{command}.xlsx", "--date", "2025-06-01")
        assert code == 0, err
        said = " ".join((stdout + err).split())
        assert "Feuille « Clients »" in said and "ligne 3" in said and "B\\x01x" in said, said


# ------------------------------------------------------------------ user text on the console


def test_markup_in_paths_and_segment_names_prints_as_it_is(tmp_path, capsys):
    from segmenter_pme import layout
    from segmenter_pme.settings import Settings

    folder = tmp_path / "w[" / "y]"  # a folder « y] » in a folder « w[ »: the path reads « w[/y] »
    folder.mkdir(parents=True)
    book = rich_workbook(folder / "b[bold].xlsx")
    wb = openpyxl.load_workbook(book)
    layout.write_settings_sheet(wb, Settings())
    ws = wb["Paramètres"]
    row = next(r for r in ws.iter_rows() if r[0].value == "segment_1")
    name, rule = str(row[2].value).split(":", 1)
    row[2].value = f"Champions [/y]:{rule}"
    wb.save(book)
    code, out, err = cli(capsys, "run", book)
    assert code == 0, err
    assert "Classeur:" + str(book) in "".join(out.split())  # rich may wrap a long path
    code, out, err = cli(capsys, "audit", book, "-o", folder / "q[/y].xlsx", "-d", "3")
    assert code == 0, err
    assert "q[/y].xlsx" in "".join(out.split())
    code, out, err = cli(capsys, "nettoyer", book, "-o", folder / "n[/y].xlsx")
    assert code == 0, err
    assert "n[/y].xlsx" in "".join(out.split())


# ------------------------------------------------------------------ wording (issue 14, item 12)


def test_audit_copy_refuses_to_replace_a_user_s_own_qualite_sheet(tmp_path, capsys):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Qualité")["A1"] = "mes remarques qualité"
    wb.save(book)
    out = tmp_path / "copie.xlsx"
    code, _, err = cli(capsys, "audit", book, "-o", out)
    assert_french_error(code, err, "La feuille « Qualité » existe déjà", "renommez-la")
    assert not out.exists()
    # without -o nothing is written: the audit is printed
    code, _, err = cli(capsys, "-q", "audit", book)
    assert code == 0, err


@pytest.mark.parametrize("command", ["audit", "nettoyer"])
def test_output_that_is_a_folder(tmp_path, capsys, monkeypatch, command):
    book = rich_workbook(tmp_path / "Clients.xlsx")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, command, book, "-o", ".")
    assert_french_error(code, err, "« . » est un dossier", "l'option -o attend le nom du classeur")
    assert "«  »" not in err


def test_values_in_messages_read_as_the_user_typed_them(tmp_path, capsys):
    src = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(["Code client", "Entreprise", "Date dernier achat", "Nombre commandes", "CA total"])
    import datetime as dt

    ws.append(["C1", "Alpha", dt.date(2025, 2, 1), -3, 100.5])
    ws.append(["C2", "Beta", dt.datetime(1899, 12, 31), 2, 200])  # Excel's day 0
    ws.append(["C3", "Gamma", dt.date(2025, 4, 1), 1, 300])
    wb.save(src)
    code, _, err = cli(capsys, "run", src, "--date", "2025-06-01")
    assert_french_error(code, err, "« -3 » est négatif", "« 31/12/1899 » n'est pas une date lisible",
                        "ligne 2", "ligne 3", "« Nombre commandes »")
    assert "-3.0" not in err and "00:00:00" not in err


def test_a_zip_that_is_not_a_workbook_is_said_once(tmp_path, capsys):
    p = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("notes.txt", "rien")
    code, _, err = cli(capsys, "run", p)
    assert_french_error(code, err, "« archive.xlsx » est une archive ZIP, pas un classeur Excel")
    assert err.count("pas un classeur Excel") == 1


def test_a_damaged_part_is_said_without_python_names(tmp_path, capsys):
    good = rich_workbook(tmp_path / "a.xlsx")
    bad = tmp_path / "abime.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/styles.xml":
                data = b"<styleSheet><cellXfs count='1'><xf numFmtId='999999999999'"  # cut XML
            zout.writestr(item, data)
    for command in ("run", "audit", "nettoyer"):
        code, _, err = cli(capsys, command, bad)
        assert_french_error(code, err, "« abime.xlsx »")
        assert not any(name in err for name in ("Error", "Exception", "(IndexError)"))


def test_verify_catches_a_damaged_deflate_stream(tmp_path):
    """Bytes flipped inside a compressed part: refused, whichever inflater (zlib or ISA-L) reads it."""
    good = rich_workbook(tmp_path / "a.xlsx")
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("xl/worksheets/sheet2.xml")
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw = bytearray(good.read_bytes())
    for k in range(start + 2, start + min(info.compress_size, 40)):
        raw[k] ^= 0x5A
    bad = tmp_path / "b.xlsx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(files.WorkbookError, match="incomplet ou illisible"):
        files.verify_xlsx(bad)
