"""Runs of the scheduled jobs in the ledger: one row per run, written when it starts and again when it ends.

A run is recorded as ``running`` before the job does anything, so a run the machine or a kill cut short is still
there; the next run of the same job (which holds the job's lock, so nothing else runs it) marks it
``interrupted``. Times are the scheduler's clock (naive local time, as the ``schedule`` library keeps them),
stored as ISO text with the offset so a ledger moved to another time zone still reads right. The counts are what
the job counted (items, notes written, notices built); the error is its one-line message, in plain words.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

RUNNING, OK, PARTIAL, FAILED, INTERRUPTED = "running", "ok", "partial", "failed", "interrupted"
DEFERRED = "deferred: workbook open"
BUSY = "skipped: already running"


@dataclass(frozen=True)
class Run:
    """One run of a job. ``trigger`` says why it ran: ``schedule``, ``catch-up`` (a slot missed while no scheduler
    ran) or ``once`` (``ardesk jobs run --once``)."""

    id: int
    job: str
    trigger: str
    started: datetime
    ended: datetime | None
    outcome: str
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def to_json_dict(self) -> dict:
        return {"id": self.id, "job": self.job, "trigger": self.trigger, "started": _text(self.started),
                "ended": _text(self.ended) if self.ended else None, "outcome": self.outcome, "counts": self.counts,
                "error": self.error}


def _text(moment: datetime) -> str:
    """A naive local time as ISO text with its offset."""
    return moment.astimezone().isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    """ISO text back to naive local time."""
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone().replace(tzinfo=None)


_COLUMNS = "id, job, trigger, started_at, ended_at, outcome, counts, error"


def _run(row) -> Run:
    return Run(row[0], row[1], row[2], _moment(row[3]), _moment(row[4]), row[5], json.loads(row[6]), row[7])


class JobStore:
    def __init__(self, ledger):
        self.ledger = ledger

    def begin(self, job: str, trigger: str, at: datetime) -> int:
        """Record that ``job`` starts now (``at``); returns the run's id. Earlier runs of the job still marked
        running were cut short (the caller holds the job's lock): they become interrupted."""
        with self.ledger.transaction() as c:
            c.execute("UPDATE job_runs SET outcome = ?, ended_at = coalesce(ended_at, started_at) "
                      "WHERE job = ? AND outcome = ?", (INTERRUPTED, job, RUNNING))
            cur = c.execute("INSERT INTO job_runs (job, trigger, started_at, outcome, counts) VALUES (?,?,?,?,?)",
                            (job, trigger, _text(at), RUNNING, "{}"))
            return cur.lastrowid

    def finish(self, run_id: int, at: datetime, outcome: str, counts: dict[str, int] | None = None,
               error: str | None = None) -> None:
        """Record how run ``run_id`` ended."""
        with self.ledger.transaction() as c:
            c.execute("UPDATE job_runs SET ended_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?",
                      (_text(at), outcome, json.dumps(counts or {}), error, run_id))

    def skipped(self, job: str, trigger: str, at: datetime, outcome: str, error: str | None = None) -> int:
        """Record a run that did not start (the job was already running elsewhere)."""
        with self.ledger.transaction() as c:
            cur = c.execute("INSERT INTO job_runs (job, trigger, started_at, ended_at, outcome, counts, error)"
                            " VALUES (?,?,?,?,?,?,?)", (job, trigger, _text(at), _text(at), outcome, "{}", error))
            return cur.lastrowid

    def get(self, run_id: int) -> Run | None:
        row = self.ledger.conn.execute(f"SELECT {_COLUMNS} FROM job_runs WHERE id = ?", (run_id,)).fetchone()
        return _run(row) if row else None

    def last(self, job: str) -> Run | None:
        """The latest run of ``job`` that started, whatever its outcome (what a missed slot is judged by)."""
        row = self.ledger.conn.execute(f"SELECT {_COLUMNS} FROM job_runs WHERE job = ? AND outcome != ?"
                                       " ORDER BY id DESC LIMIT 1", (job, BUSY)).fetchone()
        return _run(row) if row else None

    def last_finished(self) -> dict[str, Run]:
        """Job -> its latest run that has ended (what the Control sheet's Jobs block shows)."""
        rows = self.ledger.conn.execute(
            f"SELECT {_COLUMNS} FROM job_runs WHERE id IN (SELECT max(id) FROM job_runs WHERE outcome != ?"
            " GROUP BY job)", (RUNNING,)).fetchall()
        return {r[1]: _run(r) for r in rows}

    def runs(self, limit: int = 20, job: str | None = None) -> list[Run]:
        """The latest runs, newest first (optionally of one job)."""
        sql = f"SELECT {_COLUMNS} FROM job_runs"
        args: tuple = ()
        if job:
            sql += " WHERE job = ?"
            args = (job,)
        return [_run(r) for r in self.ledger.conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))]


__all__ = ["BUSY", "DEFERRED", "FAILED", "INTERRUPTED", "OK", "PARTIAL", "RUNNING", "JobStore", "Run"]
