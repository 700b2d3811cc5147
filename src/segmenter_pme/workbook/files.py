"""What kind of file the user gave us, Excel's lock file, and the atomic save.

Everything here turns a file problem into a :class:`WorkbookError` with a
French sentence: a corrupt, encrypted or foreign file must never end in a
traceback, and the user's file must never be left half-written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import WorkbookError, WorkbookLockedError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
BACKUP_TAG = ".sauvegarde"

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


_REASONS = {
    errno.EACCES: "accès refusé", errno.EPERM: "opération non permise", errno.ENOENT: "dossier ou fichier introuvable",
    errno.ENOSPC: "disque plein", errno.EROFS: "support en lecture seule", errno.ENOTDIR: "un fichier porte ce nom",
    errno.EEXIST: "un fichier porte ce nom", errno.EISDIR: "c'est un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long (raccourcissez-le ou choisissez un dossier moins profond)",
    errno.EDQUOT: "quota de disque dépassé", errno.EIO: "erreur de lecture ou d'écriture du disque",
    errno.EFBIG: "fichier trop gros pour ce support",
}


def os_reason(err: OSError) -> str:
    """The French words for a file-system error (the system's own text is English)."""
    return _REASONS.get(err.errno, err.strerror or str(err))


def file_kind(path: Path, *, check_parts: bool = True) -> str:
    """``xlsx``, ``xlsm`` or ``csv`` — or a :class:`WorkbookError` saying why not.

    ``check_parts=False``: a workbook's parts are not decompressed here to check them — the caller reads
    it with ``loading.read_values(path, check_parts=True)``, which checks them as it reads.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"Le fichier « {path} » est introuvable. Vérifiez le chemin et le nom du fichier.")
    if path.is_dir():
        raise WorkbookError(f"« {path} » est un dossier, pas un classeur : indiquez un fichier .xlsx, .xlsm ou .csv.")
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise WorkbookError(f"Impossible de lire « {path.name} » : {os_reason(err)}.") from None
    if head.startswith(_CFB_MAGIC):
        # Office wraps an encrypted .xlsx in a compound file with an EncryptedPackage stream;
        # without one, it is a .xls (Excel 97-2003) binary workbook.
        if _cfb_is_encrypted(path):
            raise WorkbookError(
                f"Le classeur « {path.name} » est protégé par un mot de passe. Ouvrez-le dans Excel, "
                "retirez le mot de passe (Fichier > Informations > Protéger le classeur > Chiffrer avec "
                "mot de passe, champ vide), enregistrez, puis relancez."
            )
        raise WorkbookError(
            f"« {path.name} » est au format Excel 97-2003 (.xls), que segmenter ne lit pas. Ouvrez-le dans "
            "Excel ou LibreOffice et enregistrez-le au format « Classeur Excel (.xlsx) », puis relancez."
        )
    if suffix in EXCEL_SUFFIXES:
        if not head.startswith(_ZIP_MAGIC):
            raise WorkbookError(
                f"« {path.name} » n'est pas un classeur Excel valide (fichier vide, corrompu ou d'un autre "
                "format renommé en .xlsx). Ouvrez-le dans Excel pour vérifier, ou repartez d'une sauvegarde."
            )
        _check_zip_workbook(path, check_parts)
        return suffix[1:]
    if suffix in CSV_SUFFIXES:
        if head.startswith(_ZIP_MAGIC):
            raise WorkbookError(
                f"« {path.name} » porte l'extension {suffix} mais contient un classeur Excel : "
                "renommez-le en .xlsx puis relancez."
            )
        return "csv"
    if suffix == ".xls":
        raise WorkbookError(
            f"« {path.name} » est au format Excel 97-2003 (.xls), que segmenter ne lit pas. Enregistrez-le "
            "au format « Classeur Excel (.xlsx) » puis relancez."
        )
    if suffix in (".ods", ".numbers", ".xlsb"):
        raise WorkbookError(
            f"Le format {suffix} de « {path.name} » n'est pas pris en charge. Enregistrez le fichier au "
            "format .xlsx (ou exportez-le en .csv) puis relancez."
        )
    raise WorkbookError(
        f"« {path.name} » n'est pas un fichier pris en charge : donnez un classeur .xlsx ou .xlsm, "
        "ou un export .csv."
    )


def _cfb_is_encrypted(path: Path) -> bool:
    try:
        import olefile
    except ImportError:  # pragma: no cover - olefile is a test dependency; a CFB .xlsx is encrypted
        return path.suffix.lower() in EXCEL_SUFFIXES
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return ole.exists("EncryptedPackage") or ole.exists("EncryptionInfo")
    except Exception:
        return path.suffix.lower() in EXCEL_SUFFIXES


_ARCHIVE_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError)


def _unreadable_archive(path: Path) -> WorkbookError:
    return WorkbookError(
        f"Le classeur « {path.name} » est endommagé et ne peut pas être ouvert (archive illisible). "
        "Ouvrez-le dans Excel pour le réparer, ou repartez d'une sauvegarde."
    )


def _check_zip_workbook(path: Path, check_parts: bool = True) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except _ARCHIVE_ERRORS:
        raise _unreadable_archive(path) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            what = "un document Word ou PowerPoint"
        else:
            what = "une archive ZIP"
        raise WorkbookError(f"« {path.name} » est {what}, pas un classeur Excel : indiquez le bon fichier.")
    if check_parts:
        check_workbook_parts(path)


def check_workbook_parts(path: Path, *, read: frozenset[str] | set[str] = frozenset()) -> None:
    """Every part of the workbook decompressed and its CRC checked (``ZipFile.testzip``) but those in
    ``read``: parts already read whole, which zipfile checked at their end."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = None
            for info in zf.infolist():
                if info.filename in read:
                    continue
                try:
                    with zf.open(info) as fh:
                        while fh.read(1 << 20):
                            pass
                except zipfile.BadZipFile:  # a part whose CRC or header is wrong: named, as testzip names it
                    bad = info.filename
                    break
    except _ARCHIVE_ERRORS:
        raise _unreadable_archive(path) from None
    if bad is not None:
        raise WorkbookError(
            f"Le classeur « {path.name} » est endommagé (partie « {bad} » illisible). "
            "Ouvrez-le dans Excel pour le réparer, ou repartez d'une sauvegarde."
        )


def shell_quote(path: Path | str) -> str:
    """A path as it can be pasted into a command line: in double quotes when it has spaces or quotes."""
    text = str(path)
    if text and not any(ch in text for ch in " \t'\"&;()|<>$`!*?[]{}#~"):
        return text
    return '"' + text.replace('"', '\\"') + '"'


def lock_files(path: Path) -> list[Path]:
    """Lock files that say ``path`` is open: Excel's ``~$NAME`` and LibreOffice's ``.~lock.NAME#``."""
    path = Path(path)
    name = path.name
    # Excel shortens the owner file of long names by dropping their first two characters.
    candidates = [path.with_name("~$" + name), path.with_name("~$" + name[2:]), path.with_name(f".~lock.{name}#")]
    return [p for p in dict.fromkeys(candidates) if _exists(p)]


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a lock-file name past the 255-byte limit cannot exist
        return False


def check_not_open(path: Path) -> None:
    path = Path(path)
    locks = lock_files(path)
    if locks:
        app = "LibreOffice" if locks[0].name.startswith(".~lock.") else "Excel"
        of_app = "de LibreOffice" if app == "LibreOffice" else "d'Excel"
        raise WorkbookLockedError(
            f"Le classeur « {path.name} » est ouvert dans {app} (fichier de verrouillage « {locks[0].name} »). "
            "Fermez-le puis relancez. S'il n'est pas ouvert, supprimez ce fichier de verrouillage, "
            f"reste d'une fermeture anormale {of_app}."
        )


def backup_path(path: Path) -> Path:
    """``Clients.xlsx`` → ``Clients.sauvegarde.xlsx`` (the previous version, one generation)."""
    path = Path(path)
    return path.with_name(path.stem + BACKUP_TAG + path.suffix)


def real_target(target: Path) -> Path:
    """The file a save must replace: a symbolic link is written through to its target, never replaced by a file."""
    target = Path(target)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def temp_prefix(target: Path) -> str:
    """Prefix of our temporary files beside ``target`` (a long name is shortened: the name limit is 255 bytes)."""
    return "." + Path(target).stem[:80] + "."


def reduced_prefix(target: Path) -> str:
    """Prefix of the reduced copy of the input made beside ``target`` while a run reads it."""
    return temp_prefix(target) + "reduit."


def _stale_pattern(target: Path) -> re.Pattern:
    prefix, suffix = re.escape(temp_prefix(target)), re.escape(Path(target).suffix)
    backup = re.escape(temp_prefix(target) + "sauvegarde.tmp" + Path(target).suffix)
    # mkstemp's 8 random characters: « .NOM.k3j2_x9a.tmp.xlsx » (a save), « .NOM.reduit.k3j2_x9a.xlsx » (a read)
    return re.compile(rf"^(?:{prefix}(?:reduit\.[a-z0-9_]{{8}}\.xls[xm]|[a-z0-9_]{{8}}\.tmp{suffix})|{backup})$")


def remove_stale_temp_files(target: Path) -> list[Path]:
    """Delete the temporary files a killed run left beside ``target``; call it only under :func:`run_lock`."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    pattern = _stale_pattern(target)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def atomic_write(target: Path, write: Callable[[Path], None], *, backup: bool = True,
                 verify: Callable[[Path], None] | None = None) -> Path | None:
    """Write ``target`` through ``write(tmp)`` then ``os.replace``; returns the backup path, if any.

    The temporary file sits in the target's folder so that the final rename is
    atomic on the same file system; if anything fails the target is untouched.
    A symbolic link is written through: the file it points to is replaced, the
    link stays.
    """
    target = real_target(target)
    check_not_open(target)
    folder = target.parent if str(target.parent) else Path(".")
    tmp: Path | None = None
    saved_backup = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp" + target.suffix, dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        write(tmp)
        if verify is not None:
            verify(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if backup and target.exists():
            saved_backup = backup_path(target)
            bak_tmp = saved_backup.with_name(temp_prefix(target) + "sauvegarde.tmp" + target.suffix)
            try:
                shutil.copy2(target, bak_tmp)
                os.replace(bak_tmp, saved_backup)
            finally:
                if bak_tmp.exists():
                    bak_tmp.unlink()
        if target.exists():
            shutil.copymode(target, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide a new workbook from colleagues
        os.replace(tmp, target)
    except PermissionError:
        raise WorkbookError(
            f"Impossible d'enregistrer « {target.name} » dans le dossier « {folder} » : accès refusé. Le fichier "
            "est peut-être ouvert dans un autre programme ou le dossier est en lecture seule : choisissez un autre "
            "dossier (option -o)."
        ) from None
    except OSError as err:
        raise WorkbookError(
            f"Impossible d'enregistrer « {target.name} » : {os_reason(err)}. Votre fichier n'a pas été modifié."
        ) from None
    finally:
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return saved_backup


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: parts up to this size are parsed whole; a bigger one (a streamed sheet) is checked to end with its root's end tag
PARSE_WHOLE = 16 << 20
_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)[\s>/]")


def verify_xlsx(path: Path) -> None:
    """Refuse to replace the user's file with something that is not a readable workbook.

    Every part is read back (CRC and size checked by :mod:`zipfile`) and every
    XML part must be complete: a write cut short by a full disk, even once and
    silently, leaves a sheet whose XML stops in the middle.
    """
    from .saving import INFLATE_ERRORS, fast_inflate

    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist():
                raise zipfile.BadZipFile("xl/workbook.xml absent")
            for info in zf.infolist():
                if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with zf.open(info) as fh:
                        fast_inflate(fh)
                        while fh.read(1 << 20):
                            pass
                    continue
                _check_xml_part(zf, info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, *INFLATE_ERRORS):
        raise WorkbookError(
            "Le classeur produit est incomplet ou illisible (écriture interrompue : disque plein ?) ; votre fichier "
            "n'a pas été modifié. Libérez de la place et relancez."
        ) from None


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    import xml.parsers.expat

    from .saving import fast_inflate

    parse_whole = info.file_size <= PARSE_WHOLE
    parser = xml.parsers.expat.ParserCreate() if parse_whole else None
    head = b""
    tail = b""
    with zf.open(info) as fh:
        fast_inflate(fh)
        while chunk := fh.read(1 << 20):
            if parser is not None:
                try:
                    parser.Parse(chunk, False)
                except xml.parsers.expat.ExpatError as err:
                    raise ValueError(f"{info.filename}: {err}") from None
            if len(head) < 4096:
                head += chunk[:4096]
            tail = (tail + chunk)[-256:]
    if parser is not None:
        try:
            parser.Parse(b"", True)
        except xml.parsers.expat.ExpatError as err:
            raise ValueError(f"{info.filename}: {err}") from None
        return
    # the root element's name, after the declaration and comments
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    m = _ROOT.search(body)
    if m is None or not re.search(rb"</(?:[\w.-]+:)?" + re.escape(m.group(1)) + rb"\s*>\s*$", tail):
        raise ValueError(f"{info.filename}: incomplet")


# ------------------------------------------------------------------ one run at a time

def _lock_folder() -> Path:
    # per user: another account's folder in the shared temp directory could not be written
    who = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"segmenter-pme-verrous-{who}"


def _lock_file(path: Path) -> Path:
    real = os.path.normcase(os.path.realpath(path))
    return _lock_folder() / (hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".lock")


@contextmanager
def run_lock(*paths: Path) -> Iterator[None]:
    """Hold an OS lock on each of ``paths`` for a whole run; another run on one of them is refused at once.

    The lock files live in a folder of the temporary directory, named after a
    hash of each file's real path (a link and its target share one lock); the
    user's folder gets no extra file. Under the lock, temporary files a killed
    run left beside the files are removed.
    """
    from filelock import FileLock, Timeout

    unique = {os.path.normcase(os.path.realpath(p)): Path(p) for p in paths}
    held = []
    try:
        for real in sorted(unique):
            shown = unique[real]
            try:
                _lock_folder().mkdir(mode=0o700, exist_ok=True)
                lock = FileLock(str(_lock_file(shown)), timeout=0)
                lock.acquire()
            except Timeout:
                raise WorkbookLockedError(
                    f"Un autre traitement segmenter est déjà en cours sur « {shown.name} » (lancé depuis un autre "
                    "terminal ou depuis Excel). Attendez qu'il se termine, puis relancez."
                ) from None
            except OSError:
                continue  # no usable temporary folder: the run goes on without the lock rather than not at all
            held.append(lock)
        for real in unique:
            remove_stale_temp_files(Path(real))
        yield
    finally:
        for lock in reversed(held):
            lock.release()
