"""One exception family for ardesk, and data problems as values.

Every error a user can cause or meet derives from :class:`ArdeskError`. Its ``str()`` is one line that names
where (file, row, column) and says what to do. Fronts (CLI, buttons, scheduler) turn it into an exit status,
a status cell or a log line; nothing else catches it.
"""
from __future__ import annotations

from dataclasses import dataclass


class ArdeskError(Exception):
    """Base of every ardesk error. ``exit_code`` is what the CLI exits with."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, row: int | None = None,
                 column: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.hint = hint

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(ArdeskError):
    """Bad input: a file, an argument or a configuration value that cannot be used as it is."""


class ConfigError(InputError):
    """A configuration file or value is wrong."""


class RemoteError(ArdeskError):
    """A remote system (the ERP, an SMTP server) failed or refused."""

    exit_code = 1


class AuthError(RemoteError):
    """The remote system refused the credentials or the access rights."""


class LedgerBusy(ArdeskError):
    """Another ardesk held the ledger for writing longer than this one would wait; nothing was written."""

    exit_code = 1


class AlreadyRunning(ArdeskError):
    """Another ardesk already runs the scheduler (or the same job) on this ledger; nothing was started."""

    exit_code = 1


class WorkbookBusy(ArdeskError):
    """The workbook is open in a spreadsheet program; nothing was written to it."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Issue:
    """A data problem or a statement about the data, kept as a value from the reader that found it to the place
    that shows it: the Issues sheet, the command line's stderr, JSON outputs and the log.

    ``source`` is a file name (or an ERP record reference, or the report that found it); ``row`` and ``column``
    say where in it, when they apply; ``severity`` is ``"error"``, ``"warning"`` or ``"info"``. ``str()`` is the
    one line a person reads: ``"file.csv, row 12, column 'Due': message"``.
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "warning"

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.message

    def to_json_dict(self) -> dict:
        return {"severity": self.severity, "source": self.source, "row": self.row, "column": self.column,
                "message": self.message}

    @classmethod
    def from_json_dict(cls, d: dict | str) -> Issue:
        """The inverse of :meth:`to_json_dict`; a plain string (as older ledgers stored notes) is an info issue."""
        if isinstance(d, str):
            return cls("", d, severity="info")
        return cls(d.get("source") or "", d["message"], d.get("row"), d.get("column"), d.get("severity", "info"))


def issues_of(found, *, source: str = "", severity: str = "warning") -> tuple[Issue, ...]:
    """``found`` as Issue values: Issues pass through (given ``source`` where they name none); a plain statement of
    the engine's becomes an Issue of ``source`` and ``severity``. The same issue found twice is kept once."""
    out: dict[Issue, None] = {}
    for f in found:
        if isinstance(f, Issue):
            issue = f if f.source or not source else Issue(source, f.message, f.row, f.column, f.severity)
        else:
            issue = Issue(source, str(f), severity=severity)
        out.setdefault(issue)
    return tuple(out)


ROWS_NAMED = 20   # issues of one file and column named row by row; the rest are counted in one more issue


def summarised(issues, per: int = ROWS_NAMED) -> tuple[Issue, ...]:
    """``issues`` with at most ``per`` row-by-row issues of each file, column and severity; the others are counted
    in one issue after them ("and 99,980 more rows: 31, 32, 33, ..."), so a file with a problem on every row says
    so in a few lines, not in as many lines as it has rows."""
    out: list[Issue] = []
    extra: dict[tuple, list[int]] = {}
    seen: dict[tuple, int] = {}
    for issue in issues:
        if issue.row is None:
            out.append(issue)
            continue
        key = (issue.source, issue.column, issue.severity)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= per:
            out.append(issue)
        else:
            extra.setdefault(key, []).append(issue.row)
    for (source, column, severity), rows in extra.items():
        shown = ", ".join(map(str, rows[:10])) + (", ..." if len(rows) > 10 else "")
        out.append(Issue(source, f"and {len(rows):,} more rows like the {per} above: rows {shown}",
                         column=column, severity=severity))
    return tuple(out)
