"""Which paths a reader may open: regular files (and folders of them) of a bounded size, and nothing else.

Every reader entry point goes through here before it reads a byte: :func:`regular_file` for a file it was given,
:func:`files_in` for the files of a folder, :func:`read_regular` for the read itself. A named pipe (FIFO) would block
the read forever, a device such as ``/dev/zero`` never ends, a socket cannot be read, and a symbolic link that loops
has no file at its end: each is refused with an :class:`~receivables.errors.InputError` naming the path, as is a file
larger than :data:`MAX_BYTES`.

The read itself opens the file without blocking (so a FIFO put in the file's place after the check cannot hang it),
checks again on the open file that it is the regular file that was checked, reads at most :data:`MAX_BYTES` plus
one byte, and refuses a file that changed while it was read (a download still being written).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from receivables.errors import InputError

#: The largest file a reader reads, in bytes (512 MB). A QuickBooks export of 100,000 transactions is about 15 MB;
#: a file many times that is not an export, and reading it whole would exhaust the memory first.
MAX_BYTES = 512 * 1024 * 1024

_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
_NOT_REGULAR_HINT = "give the export file QuickBooks saved: ardesk reads only regular files, never pipes or devices"


def regular_file(path: str | Path) -> Path:
    """``path`` when it names a regular file (following symbolic links) of at most :data:`MAX_BYTES`; else an
    :class:`InputError` naming it: missing, a folder, a special file, a link that loops or leads nowhere, too large."""
    path = Path(path)
    _check(_stat(path), path)
    return path


def files_in(folder: str | Path, suffixes) -> list[Path]:
    """The files of ``folder`` (not of its subfolders) whose suffix is one of ``suffixes`` (lower case, with the
    dot), sorted by name; hidden files and Excel's ``~$`` owner files are left out.

    Every other entry with such a suffix must be a regular file as :func:`regular_file` says: a special file, or a
    symbolic link that loops or leads nowhere, is refused naming it (a folder of exports fails whole on one file it
    cannot read). Subfolders are not read, whatever their names.
    """
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir())
    except NotADirectoryError:
        raise InputError("is not a folder", source=str(folder)) from None
    except OSError as exc:
        raise InputError(f"cannot list the folder ({exc.strerror or exc})", source=str(folder),
                         hint="check that ardesk may read it") from None
    out = []
    for entry in entries:
        if entry.name.startswith((".", "~$")) or entry.suffix.lower() not in suffixes:
            continue
        try:
            if stat.S_ISDIR(os.stat(entry).st_mode):
                continue                                  # a subfolder, even one named like an export
        except OSError:
            pass                                          # regular_file says what is wrong with it
        out.append(regular_file(entry))
    return out


def read_regular(path: str | Path, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (see :func:`regular_file`), read once, at most ``limit`` bytes
    (default :data:`MAX_BYTES`); refused when it changes while it is read."""
    path = Path(path)
    source = str(path)
    limit = MAX_BYTES if limit is None else limit
    before = _stat(path)
    _check(before, path, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _os_error(exc, path) from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        _check(opened, path, limit)                       # the file opened is still a regular file ...
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise _changed(source)                        # ... and the one that was checked
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise _os_error(exc, path) from None
    if len(data) > limit:
        raise _too_large(len(data), source, limit)
    try:
        after = os.stat(path)
    except OSError:
        raise _changed(source) from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise _changed(source)
    return data


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        raise _os_error(exc, path) from None


def _check(st: os.stat_result, path: Path, limit: int | None = None) -> None:
    source = str(path)
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not an export file", source=source)
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
        raise InputError(f"not a regular file: it is {kind}", source=source, hint=_NOT_REGULAR_HINT)
    limit = MAX_BYTES if limit is None else limit
    if st.st_size > limit:
        raise _too_large(st.st_size, source, limit)


def _os_error(exc: OSError, path: Path) -> InputError:
    source = str(path)
    if exc.errno == errno.ELOOP:
        return InputError("a symbolic link that loops: following it leads back to itself, never to a file",
                          source=source, hint="point the link at the export file, or give the file's own path")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        if os.path.islink(path):
            return InputError(f"a symbolic link to {os.readlink(path)!r}, which does not exist", source=source,
                              hint="point the link at the export file, or give the file's own path")
        return InputError("file not found", source=source, hint="check the path")
    if exc.errno == errno.EISDIR:
        return InputError("is a folder, not an export file", source=source)
    if exc.errno == errno.ENXIO:                          # opening a socket (or a device with nothing behind it)
        return InputError("not a regular file: it is a socket or a device", source=source, hint=_NOT_REGULAR_HINT)
    return InputError(f"cannot read the file ({exc.strerror or exc})", source=source,
                      hint="close it in other programs and try again")


def _too_large(size: int, source: str, limit: int) -> InputError:
    return InputError(f"the file is {_mb(size)}, more than the {_mb(limit)} ardesk reads", source=source,
                      hint="a QuickBooks export is a few MB: check that this is the export you meant, or export a "
                           "shorter period")


def _mb(size: int) -> str:
    mb = size / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 10 or mb == int(mb) else f"{mb:.1f} MB"


def _changed(source: str) -> InputError:
    return InputError("the file changed while it was read: it is still being written", source=source,
                      hint="wait until the export has finished downloading and try again")
