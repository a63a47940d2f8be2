"""The temporary files a workbook write makes beside its target, and the ones an interrupted write left.

Every writer of a workbook (a new panel, a headless refresh) writes ``.~ardesk.<name>.<pid>.<random>.tmp`` beside
the file and moves it into place, so a half-written workbook never replaces a good one. A write that was killed
leaves its temporary file behind; the next write of the same workbook (and ``ardesk workbook check --repair``)
removes those whose writer is gone: on POSIX a process that no longer exists, elsewhere a file older than an hour.
"""
from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path

PREFIX = ".~ardesk."
SUFFIX = ".tmp"
STALE_SECONDS = 3600


def new_temp(target: Path) -> tuple[int, str]:
    """``mkstemp`` beside ``target``, named after it and this process."""
    return tempfile.mkstemp(prefix=f"{PREFIX}{target.name}.{os.getpid()}.", suffix=SUFFIX, dir=target.parent)


def leftovers(target: Path) -> list[Path]:
    """Temporary files of ``target`` whose writer is gone."""
    head = f"{PREFIX}{target.name}."
    found = []
    for p in sorted(Path(target.parent).glob(glob.escape(head) + "*" + SUFFIX)):
        pid = p.name[len(head):].split(".", 1)[0]
        if _writer_gone(pid, p):
            found.append(p)
    return found


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files an interrupted write of ``target`` left; return those removed."""
    removed = []
    for p in leftovers(target):
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass                      # another process removed it, or it is still held: leave it for next time
    return removed


def _writer_gone(pid: str, path: Path) -> bool:
    if os.name == "posix" and pid.isdigit():
        if int(pid) == os.getpid():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False              # it exists (another user's process)
        return False
    try:
        return time.time() - path.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False
