"""``ardesk pull``: store a snapshot of a source in the ledger."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from receivables.records import Books

from .settings import Settings
from .sources import open_books


@dataclass(frozen=True)
class PullResult:
    books: Books
    snapshot_id: int | None
    ledger: Path
    unchanged: bool = False        # the source equals its latest snapshot: nothing new was stored

    @property
    def message(self) -> str:
        b = self.books
        if self.unchanged:
            return (f"unchanged since snapshot {self.snapshot_id} in {self.ledger}: nothing new stored"
                    + (f"; books as of {b.report_date}" if b.report_date else ""))
        return (f"stored snapshot {self.snapshot_id} in {self.ledger}: {len(b.customers)} customers, "
                f"{len(b.items)} items ({b.open_count()} open), {len(b.payments)} payments"
                + (f", {len(b.sales)} sales totals" if b.sales else "")
                + (f", books as of {b.report_date}" if b.report_date else ""))


def pull(source: str | None, settings: Settings, *, today: date,
         progress: Callable[[int, int], None] | None = None) -> PullResult:
    """Read ``source`` (default: the configuration's) and store it as a snapshot."""
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger, store=True,
                        progress=progress)
    return PullResult(opened.books, opened.snapshot_id, settings.ledger, opened.unchanged)
