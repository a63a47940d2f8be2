"""Is the workbook open in a spreadsheet program? Owner files beside it, or a lock on the file itself."""

from __future__ import annotations

import os
from pathlib import Path


def workbook_lock(path: str | Path) -> str | None:
    """A description of who has the workbook at ``path`` open (for a message), or None when no one seems to.

    Looks for Excel's owner file ``~$<name>`` and LibreOffice's lock file ``.~lock.<name>#`` beside the
    workbook, then for a lock on the file itself (Windows refuses to open a workbook Excel holds; POSIX
    record locks). An owner file left behind by a crash counts as open: deleting it is the person's call.
    """
    path = Path(path)
    name = path.name
    for owner in (f"~${name}", f"~${name[2:]}" if len(name) > 2 else None):
        if owner and (path.parent / owner).is_file():
            who = _excel_owner(path.parent / owner)
            return f"open in Excel{' by ' + who if who else ''} (owner file {owner})"
    lo = path.parent / f".~lock.{name}#"
    if lo.is_file():
        who = _libreoffice_owner(lo)
        return f"open in LibreOffice{' by ' + who if who else ''} (lock file {lo.name})"
    return _file_lock(path)


def _excel_owner(owner: Path) -> str:
    """The user name Excel writes at the start of its owner file (one length byte, then the name)."""
    try:
        raw = owner.read_bytes()[:165]
    except OSError:
        return ""
    if not raw:
        return ""
    n = raw[0]
    name = raw[1 : 1 + n].decode("cp1252", "replace").strip()
    return "".join(ch for ch in name if ch.isprintable())[:64]


def _libreoffice_owner(lock: Path) -> str:
    """User (and host) from LibreOffice's lock file: ``full name,user,host,time,profile;``."""
    try:
        fields = lock.read_text("utf-8", "replace").split(",")
    except OSError:
        return ""
    who = fields[0].strip() or (fields[1].strip() if len(fields) > 1 else "")
    host = fields[2].strip() if len(fields) > 2 else ""
    text = who + (f" on {host}" if host and who else "")
    return "".join(ch for ch in text if ch.isprintable())[:80]


def _file_lock(path: Path) -> str | None:
    if not path.is_file() or not os.access(path, os.W_OK):
        return None
    try:
        import fcntl
    except ImportError:  # Windows: a workbook Excel holds cannot be opened for writing
        fcntl = None
    try:
        with open(path, "r+b") as fh:
            if fcntl is not None:
                try:
                    fcntl.lockf(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return "open in another program (the file is locked)"
                fcntl.lockf(fh.fileno(), fcntl.LOCK_UN)
    except PermissionError:
        return "open in another program (the file is locked for writing)"
    except OSError:
        return None
    return None
