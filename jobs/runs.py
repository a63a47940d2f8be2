"""The last runs of the scheduled jobs in words: one line per run, as ``ardesk jobs list`` prints it and the Control
sheet's Jobs block shows it (written by every headless refresh)."""
from __future__ import annotations

from pathlib import Path

from receivables.job_store import Run

from .settings import Settings
from .sources import open_ledger

LONGEST = 160          # characters a Jobs cell shows of a line (an error is cut, with an ellipsis)


def describe(run: Run | None, schedule: str | None = None) -> str:
    """``"2026-11-02 06:00 ok: 1,234 open items, 3 notes kept"``, ``"... failed: <the error>"``, or for a job that
    never ran whether it is scheduled."""
    if run is None:
        return f"not run yet ({schedule})" if schedule else "not scheduled ([jobs] in ardesk.toml)"
    text = f"{run.started:%Y-%m-%d %H:%M} {run.outcome}"
    said = [f"{v:,} {k.replace('_', ' ')}" for k, v in run.counts.items() if isinstance(v, int) and k != "batch"]
    if run.error:
        text += f": {run.error}"
    elif said:
        text += ": " + ", ".join(said)
    return text if len(text) <= LONGEST else text[:LONGEST - 1].rstrip() + "\u2026"


def schedules(settings: Settings) -> dict[str, str]:
    """Job -> its ``[jobs]`` line, for the jobs that have one."""
    return {name: phrase for name, phrase in settings.config.jobs.model_dump().items() if phrase}


def panel_cells(settings: Settings, workbook: Path) -> dict[str, str]:
    """The Jobs block's cells (:data:`excel.layout.JOB_CELLS`) for the panel at ``workbook``; none for a panel
    built before the block (it has no place for them)."""
    from excel import layout
    from excel.package.opc import Package

    with Package(workbook) as pkg:
        if not all(name in pkg.defined_names for name in layout.JOB_CELLS.values()):
            return {}
    return job_cells(settings)


def job_cells(settings: Settings) -> dict[str, str]:
    """The Jobs block's cells: each job's last run, or its schedule when it has not run (also for a new panel)."""
    from excel import layout

    last: dict[str, Run] = {}
    if settings.ledger.exists():
        with open_ledger(settings.ledger, settings.config) as ledger:
            last = ledger.job_runs.last_finished()
    planned = schedules(settings)
    return {cell: describe(last.get(job), planned.get(job)) for job, cell in layout.JOB_CELLS.items()}



def listing(settings: Settings, *, clock=None, runs: int = 10) -> dict:
    """``ardesk jobs list``: each job of ``[jobs]`` (and each this version has) with its schedule, next run and
    last run; whether a scheduler runs for the ledger now; the latest ``runs`` runs."""
    from receivables.config_schema import JobsConfig

    from .scheduler import Scheduler

    scheduler = Scheduler(settings, clock=clock)
    planned = scheduler.plan()
    last: dict[str, Run | None] = {}
    latest: list[Run] = []
    if settings.ledger.exists():
        with open_ledger(settings.ledger, settings.config) as ledger:
            last = {name: ledger.job_runs.last(name) for name in JobsConfig.model_fields}
            latest = ledger.job_runs.runs(runs) if runs else []
    rows = []
    for name in JobsConfig.model_fields:
        p = planned.get(name)
        run = last.get(name)
        nxt = p.next_run() if p is not None else None
        if nxt is not None and run is not None and not p.timetable.fixed:
            nxt = run.started + p.timetable.period          # an interval counts from the job's last run
        rows.append({"job": name, "schedule": p.timetable.phrase if p is not None else None,
                     "available": name in scheduler.jobs,
                     "next_run": nxt.astimezone().isoformat(timespec="minutes") if nxt else None,
                     "last_run": run.to_json_dict() if run else None, "last": describe(run) if run else None})
    running = scheduler.scheduler_running() if settings.ledger.exists() else False
    return {"ledger": str(settings.ledger), "scheduler_running": running, "jobs": rows,
            "runs": [r.to_json_dict() for r in latest]}
