"""The jobs the scheduler runs, one row each in :data:`JOBS`: the same use cases the command line and the workbook's
buttons call, on the workbook named in ``[files] workbook`` and the configuration's default source.

Each job takes the settings and the day (the scheduler's clock says which) and returns :class:`Done`: what it
counted, for the ledger's run record and the log, and its outcome. A failure is an exception, recorded by the
scheduler (:mod:`jobs.scheduler`). A job in ``[jobs]`` of ardesk.toml without a row here is said and not scheduled.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from receivables.job_store import DEFERRED, OK, PARTIAL

from .settings import Settings


@dataclass(frozen=True)
class Done:
    """What a job did: counts (items, notes written, notices built...), its outcome, one line for people."""

    counts: dict[str, int] = field(default_factory=dict)
    outcome: str = OK
    message: str = ""


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Settings, date], Done]
    what: str                  # one line: what the job does


def _workbook(settings: Settings):
    """``[files] workbook`` when the file is there, else None (the job then leaves the workbook out)."""
    path = settings.config.workbook
    return path if path.is_file() else None


def _counted(counts: dict[str, int]) -> dict[str, int]:
    """Counts keyed the way the ledger and the log write them (``not sent`` -> ``not_sent``)."""
    return {k.replace(" ", "_"): v for k, v in counts.items()}


def refresh(settings: Settings, today: date) -> Done:
    """Pull, compute and write the workbook; while a person has it open, store the data and write nothing (the next
    run, or the Refresh button, takes it up)."""
    from .refresh import refresh_workbook

    result = refresh_workbook(settings.config.workbook, None, settings, today=today)
    counts = {"open_items": result.open_items, "notes_kept": result.notes_kept}
    return Done(counts, OK if result.written else DEFERRED, result.message)


def notes_push(settings: Settings, today: date) -> Done:
    """Write every note not yet written to Odoo, once (``ardesk notes push``)."""
    from .notes import push

    report = push(settings, _workbook(settings))
    counts = {**_counted(report.counts()), "new_notes_kept": report.kept_new}
    bad = counts.get("refused", 0) + counts.get("not_sent", 0)
    return Done(counts, PARTIAL if bad else OK, report.message)


def remind_build(settings: Settings, today: date) -> Done:
    """Build today's reminder batch and store it (nothing is sent): ``ardesk remind build``."""
    from .remind import build

    built = build(None, settings, today=today, workbook=_workbook(settings))
    counts = {"notices": len(built.batch.notices), "excluded": len(built.batch.excluded), "batch": built.batch_id}
    return Done(counts, OK, f"batch {built.batch_id}: {counts['notices']} notice(s)")


def remind_send(settings: Settings, today: date) -> Done:
    """Send what is still to send in the latest batch, each notice once, as its Send column says:
    ``ardesk remind send``."""
    from .remind import send

    sending = send(settings, None, today=today, workbook=_workbook(settings))
    counts = _counted(sending.counts())
    bad = sum(counts.get(k, 0) for k in ("failed", "unknown", "refused"))
    return Done({**counts, "batch": sending.batch_id}, PARTIAL if bad else OK,
                f"batch {sending.batch_id}: " + (", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
                                                 or "nothing left to send"))


def worklist(settings: Settings, today: date) -> Done:
    """The day's worklist as ``worklist-DATE.csv`` beside the workbook (``ardesk worklist --format csv``), for a
    collector to open before the panel is refreshed; the panel's Today sheet shows the same at every refresh."""
    from .worklist import build_worklist, write_csv

    result = build_worklist(None, settings, today=today)
    folder = settings.config.workbook.parent
    folder.mkdir(parents=True, exist_ok=True)
    path = write_csv(result, folder)
    counts = {"customers": len(result.rows), "to_call": result.summary.customers_to_call,
              "promises_due": result.summary.promises_due_today, "broken_promises": result.summary.broken_promises}
    return Done(counts, OK, f"{len(result.rows)} customer(s) on the list, {counts['to_call']} to call: {path.name}")


def prune(settings: Settings, today: date) -> Done:
    """Delete the snapshots older than ``[ledger] keep_snapshots_days``, keeping every month's last one, each
    source's latest and those reminder batches were built from (:mod:`receivables.snapshot_prune`)."""
    from receivables.snapshot_prune import prune as prune_snapshots

    from .refresh import _pending_snapshot
    from .sources import open_ledger

    days = settings.config.ledger_settings.keep_snapshots_days
    if days is None:
        return Done({"snapshots_deleted": 0}, OK, "[ledger] keep_snapshots_days is not set: every snapshot is kept")
    if not settings.ledger.exists():
        return Done({"snapshots_deleted": 0}, OK, "no ledger yet")
    with open_ledger(settings.ledger, settings.config) as ledger:
        # a refresh deferred while the workbook was open keeps its snapshot for the Refresh button
        pending = _pending_snapshot(ledger, settings.config.workbook)
        pruning = prune_snapshots(ledger, today, days, keep=[pending] if pending is not None else [])
        ledger.audit("prune", target=str(settings.ledger.name), detail={**pruning.counts(), "keep_days": days})
    return Done(pruning.counts(), OK, f"{len(pruning.deleted)} snapshot(s) deleted, {len(pruning.kept)} kept")


def _privacy_prune(settings: Settings, today: date) -> Done:
    """``ardesk privacy prune`` as of the scheduler's day (:func:`jobs.privacy.privacy_prune`)."""
    from .privacy import privacy_prune

    return privacy_prune(settings, today)


#: Every job the scheduler knows, by its ``[jobs]`` name: a new one is one more row.
JOBS: dict[str, Job] = {job.name: job for job in (
    Job("refresh", refresh, "pull, compute and write the workbook ([files] workbook)"),
    Job("notes_push", notes_push, "write the notes not yet written to Odoo"),
    Job("remind_build", remind_build, "build today's reminder batch (nothing is sent)"),
    Job("remind_send", remind_send, "send what is still to send in the latest reminder batch"),
    Job("worklist", worklist, "write the day's worklist as worklist-DATE.csv beside the workbook"),
    Job("prune", prune, "delete snapshots older than [ledger] keep_snapshots_days"),
    Job("privacy_prune", _privacy_prune, "apply [privacy] retention: old notes, messages and former customers' "
        "contacts"),
)}
