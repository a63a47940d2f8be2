"""Files that hold personal data, readable by their owner only.

The ledger, its WAL and shared-memory files, drafts, letters, call lists and hand-offs hold customers' names and
contacts. On POSIX systems the desk creates such files with mode 0600 and the folders it makes for them with 0700,
whatever the process's umask, and refuses to open a ledger that group or others may write to (anyone who can write
it can change the books or the record of what was sent). On Windows, files and folders take the permissions of the
folder they are made in (normally the user's own), so nothing is set or checked there.

SQLite creates a database's ``-wal`` and ``-shm`` files with the permissions of the database file itself, so a
ledger made 0600 here keeps its journal 0600 too.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError

POSIX = os.name != "nt"
FILE_MODE, FOLDER_MODE = 0o600, 0o700


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 when it does not exist yet (a new ledger: SQLite then makes the database
    in it, and its journal with the same mode). An existing file is left as it is; a folder that does not exist is
    left for the caller to report."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError:          # there already (another process made it first), or no such folder: said by SQLite
        return
    os.close(fd)


def refuse_shared(path: Path, what: str = "the ledger") -> None:
    """Raise :class:`InputError` when group or others may write to ``path`` (or its ``-wal`` file) on POSIX."""
    if not POSIX:
        return
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            mode = os.stat(candidate).st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) and mode & 0o022:
            raise InputError(f"group or others may write to {what} (mode {stat.filemode(mode)}); ardesk opens "
                             "only a ledger its owner alone may change", source=str(candidate),
                             hint=f"run `chmod 600 {candidate}` if the file is yours")


def private_folder(folder: Path) -> Path:
    """``folder``, made (with its parents) when missing; a folder made here is mode 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return folder


def write_private(path: Path, data: bytes, prefix: str = ".ardesk-") -> Path:
    """Write ``data`` to ``path`` atomically, mode 0600 (the temporary file ``mkstemp`` makes is 0600 and keeps its
    mode through the rename); the folder is made 0700 when missing."""
    private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def open_private_append(path: Path):
    """``path`` opened for appending text, created 0600 when new (a log that may name what failed)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    return open(fd, "a", encoding="utf-8")
