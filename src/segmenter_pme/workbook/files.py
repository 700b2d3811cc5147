"""What kind of file the user gave us, Excel's lock file, and the atomic save.

Everything here turns a file problem into a :class:`WorkbookError` with a
French sentence: a corrupt, encrypted or foreign file must never end in a
traceback, and the user's file must never be left half-written.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

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
}


def os_reason(err: OSError) -> str:
    """The French words for a file-system error (the system's own text is English)."""
    return _REASONS.get(err.errno, err.strerror or str(err))


def file_kind(path: Path) -> str:
    """``xlsx``, ``xlsm`` or ``csv`` — or a :class:`WorkbookError` saying why not."""
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
        _check_zip_workbook(path)
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


def _check_zip_workbook(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            bad = None if "xl/workbook.xml" not in names else zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise WorkbookError(
            f"Le classeur « {path.name} » est endommagé et ne peut pas être ouvert (archive illisible). "
            "Ouvrez-le dans Excel pour le réparer, ou repartez d'une sauvegarde."
        ) from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            what = "un document Word ou PowerPoint"
        else:
            what = "une archive qui n'est pas un classeur Excel"
        raise WorkbookError(f"« {path.name} » est {what}, pas un classeur Excel : indiquez le bon fichier.")
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
    return [p for p in dict.fromkeys(candidates) if p.exists()]


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


def atomic_write(target: Path, write: Callable[[Path], None], *, backup: bool = True,
                 verify: Callable[[Path], None] | None = None) -> Path | None:
    """Write ``target`` through ``write(tmp)`` then ``os.replace``; returns the backup path, if any.

    The temporary file sits in the target's folder so that the final rename is
    atomic on the same file system; if anything fails the target is untouched.
    """
    target = Path(target)
    check_not_open(target)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp" + target.suffix, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    saved_backup = None
    try:
        write(tmp)
        if verify is not None:
            verify(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        if backup and target.exists():
            saved_backup = backup_path(target)
            bak_tmp = saved_backup.with_name("." + saved_backup.name + ".tmp")
            shutil.copy2(target, bak_tmp)
            os.replace(bak_tmp, saved_backup)
        if target.exists():
            shutil.copymode(target, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide a new workbook from colleagues
        os.replace(tmp, target)
    except PermissionError:
        raise WorkbookError(
            f"Impossible d'enregistrer « {target.name} » : accès refusé. Le fichier est peut-être ouvert "
            "dans un autre programme ou le dossier est en lecture seule."
        ) from None
    except OSError as err:
        raise WorkbookError(f"Impossible d'enregistrer « {target.name} » : {os_reason(err)}.") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return saved_backup


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def verify_xlsx(path: Path) -> None:
    """Refuse to replace the user's file with something that is not a readable workbook."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "xl/workbook.xml" not in zf.namelist() or zf.testzip() is not None:
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, OSError):
        raise WorkbookError(
            "Le classeur produit est illisible ; votre fichier n'a pas été modifié. Signalez ce problème."
        ) from None
