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


class WorkbookBusy(ArdeskError):
    """The workbook is open in a spreadsheet program; nothing was written to it."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Issue:
    """A data problem kept as a value: shown on the Issues sheet, in the log and by the CLI.

    ``source`` is a file (and line) or an ERP record reference; ``severity`` is ``"error"``,
    ``"warning"`` or ``"info"``.
    """

    source: str
    message: str
    row: int | None = None
    severity: str = "warning"

    def __str__(self) -> str:
        where = self.source + (f", row {self.row}" if self.row is not None else "")
        return f"{where}: {self.message}"
