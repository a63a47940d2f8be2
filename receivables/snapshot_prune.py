"""Which snapshots the ledger keeps when old ones are pruned (``[ledger] keep_snapshots_days``, the ``prune`` job).

A snapshot's day is the date its books stand at (the day it was last confirmed unchanged, else its report date,
else the day it was pulled). Kept, whatever their age:

- the latest snapshot of each source (what ``ledger`` as a SOURCE, an Odoo pull's next increment and the
  Refresh button read), and the newest one stored of each source;
- the last snapshot of each source in each calendar month (its month-end books, which an auditor asks for);
- every snapshot a reminder batch was built from (``reminder_batches.snapshot_id``: what the batch was sent on);
- the snapshots the caller names (a refresh deferred while the workbook was open keeps its snapshot for the
  Refresh button);
- those of the last ``keep_days`` days.

Nothing a past aging needs is lost: ``--as-of`` a past date is the latest books rebuilt through their allocations
(:mod:`receivables.asof`), and the latest snapshot of each source, with its allocations and history, is always
kept. The rest go in one transaction, their rows with them (the tables refer to a snapshot ``ON DELETE CASCADE``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

LATEST, MONTH_END, REMINDERS, ASKED, RECENT = "latest", "month end", "reminder batch", "asked", "recent"


@dataclass(frozen=True)
class Pruning:
    """What a prune keeps (snapshot id -> why, the first reason that holds) and deletes."""

    kept: dict[int, str]
    deleted: tuple[int, ...]

    def counts(self) -> dict[str, int]:
        return {"snapshots_deleted": len(self.deleted), "snapshots_kept": len(self.kept)}


def plan(conn, today: date, keep_days: int, keep: Iterable[int] = ()) -> Pruning:
    """What :func:`prune` would do on the ledger connection ``conn`` at ``today``."""
    rows = conn.execute(
        "SELECT id, source_key, coalesce(checked_date, report_date, substr(coalesce(checked_at, pulled_at), 1, 10)),"
        " coalesce(checked_at, pulled_at) FROM snapshots").fetchall()
    reasons: dict[int, str] = {}

    def keep_as(sid: int, why: str) -> None:
        reasons.setdefault(sid, why)

    by_source: dict[str, list[tuple]] = {}
    for row in rows:
        by_source.setdefault(row[1], []).append(row)
    for snapshots in by_source.values():
        keep_as(max(snapshots, key=lambda r: (r[3], r[0]))[0], LATEST)     # as Ledger.latest orders them
        keep_as(max(r[0] for r in snapshots), LATEST)
        months: dict[str, tuple] = {}
        for r in snapshots:
            month = r[2][:7]
            if month not in months or (r[2], r[3], r[0]) > (months[month][2], months[month][3], months[month][0]):
                months[month] = r
        for r in months.values():
            keep_as(r[0], MONTH_END)
    for (sid,) in conn.execute("SELECT DISTINCT snapshot_id FROM reminder_batches WHERE snapshot_id IS NOT NULL"):
        keep_as(sid, REMINDERS)
    for sid in keep:
        keep_as(sid, ASKED)
    since = (today - timedelta(days=keep_days)).isoformat()
    for r in rows:
        if r[2] >= since:
            keep_as(r[0], RECENT)
    known = {r[0] for r in rows}
    kept = {sid: why for sid, why in reasons.items() if sid in known}
    return Pruning(kept, tuple(sorted(known - set(kept))))


def prune(ledger, today: date, keep_days: int, keep: Iterable[int] = ()) -> Pruning:
    """Delete the snapshots outside the rule (see the module), in one transaction; returns what it did."""
    keep = tuple(keep)
    with ledger.transaction() as c:
        pruning = plan(c, today, keep_days, keep)
        c.executemany("DELETE FROM snapshots WHERE id = ?", [(sid,) for sid in pruning.deleted])
    return pruning


__all__ = ["ASKED", "LATEST", "MONTH_END", "RECENT", "REMINDERS", "Pruning", "plan", "prune"]
