"""``ardesk jobs run``: the jobs of ``[jobs]`` run in the foreground, each on its timetable, with ``schedule``.

- **When.** Each ``[jobs]`` line is read into a :class:`~receivables.timetable.Timetable` when the configuration is
  loaded and handed here to the ``schedule`` library (``every(1).day.at("06:00")``), which says when a job is due;
  "weekdays" is one ``schedule`` entry per day. Times are local.
- **One scheduler per ledger.** A lock file beside the ledger (``ardesk.db.scheduler.lock``) held with an operating
  system lock (``filelock``: ``flock`` on Linux and macOS, ``LockFileEx`` on Windows), which the system drops when
  the process ends however it ends: a second ``ardesk jobs run`` exits at once with one line and status 1. Each job
  also runs under a lock of its own (``ardesk.db.refresh.lock``), so a ``--once`` run of the same job from a timer
  or a person never overlaps a scheduled one (the second is recorded as skipped).
- **Missed runs.** At start a job whose last recorded run (the ledger's) is older than the slot its timetable last
  passed runs once, whatever the number of slots missed while the machine was off; afterwards ``schedule`` never
  runs a slot twice either. A job that never ran waits for its first slot.
- **Stop.** SIGTERM, Ctrl-C (SIGINT) or Ctrl-Break let the running job finish and record its run, then the
  scheduler stops; nothing new starts after a stop is asked.
- **Failure.** A job that raises is recorded as failed with its error in one line and tried again at its next slot,
  never in a loop; the scheduler goes on with the others.
- **Records.** Every run is in the ledger (:mod:`receivables.job_store`) and in a rotating log file beside it
  (``ardesk-jobs.log``, readable by its owner only): job, trigger, outcome, counts and the error; nothing personal.
- **Clock.** The scheduler reads the time from the :class:`Clock` it is given and hands the jobs its day; nothing
  here asks the machine for the time itself, so tests drive it with a clock of their own.
"""
from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Protocol

from receivables.errors import AlreadyRunning, ArdeskError, InputError
from receivables.job_store import BUSY, DEFERRED, FAILED, INTERRUPTED, OK, PARTIAL, Run
from receivables.timetable import Timetable, parse

from . import scheduled
from .runs import schedules
from .settings import Settings
from .sources import open_ledger

log = logging.getLogger("ardesk.jobs")
TICK = 1.0                          # longest sleep between looks at the clock: a stop is noticed within it
SCHEDULE, CATCH_UP, ONCE = "schedule", "catch-up", "once"
EXIT_CODES = {OK: 0, DEFERRED: 3, PARTIAL: 4, BUSY: 1}     # as `ardesk refresh`, `notes push`, `remind send` exit
LOG_BYTES, LOG_FILES = 1_000_000, 5


class Clock(Protocol):
    """Where the scheduler reads the time (naive local time, as ``schedule`` keeps it) and waits."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class Planned:
    """A ``[jobs]`` line: its timetable, its job (None: not in this version) and its ``schedule`` entries."""

    name: str
    timetable: Timetable
    job: scheduled.Job | None
    entries: list = field(default_factory=list)

    def next_run(self) -> datetime | None:
        return min(e.next_run for e in self.entries) if self.entries else None

    def previous_slot(self, now: datetime) -> datetime:
        """The latest slot at or before ``now`` (each entry's next run less its period)."""
        slots = []
        for entry in self.entries:
            period = timedelta(**{entry.unit: entry.interval})
            slot = entry.next_run - period
            while slot > now:
                slot -= period
            slots.append(slot)
        return max(slots)

    def missed(self, last: Run | None, now: datetime) -> bool:
        """Whether a slot passed since the job's last run began (a job that never ran has missed nothing)."""
        if last is None or not self.entries:
            return False
        if self.timetable.fixed:
            return last.started < self.previous_slot(now)
        return last.started + self.timetable.period <= now


@dataclass(frozen=True)
class Ran:
    """A run as recorded, a line for people, and the status ``ardesk jobs run --once`` exits with."""

    run: Run
    message: str
    exit_code: int


class Scheduler:
    """The jobs of one ledger. ``tick`` bounds each sleep (None: sleep until the next run, for a test's clock)."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 jobs: dict[str, scheduled.Job] | None = None, tick: float | None = TICK):
        self.settings = settings
        self.clock = clock or SystemClock()
        self.jobs = jobs if jobs is not None else scheduled.JOBS
        self.tick = tick
        self.stopping = False
        self.running: str | None = None
        self.planned: dict[str, Planned] = {}
        self._schedule = None

    # -- files beside the ledger --------------------------------------------------------------------------------
    def beside(self, suffix: str) -> Path:
        ledger = self.settings.ledger
        return ledger.with_name(ledger.name + suffix)

    @property
    def lock_path(self) -> Path:
        return self.beside(".scheduler.lock")

    @property
    def log_path(self) -> Path:
        return self.settings.ledger.with_name(f"{self.settings.ledger.stem}-jobs.log")

    def scheduler_running(self) -> bool:
        """Whether an ``ardesk jobs run`` holds this ledger's scheduler lock now."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return True
        lock.release()
        return False

    # -- the timetables ------------------------------------------------------------------------------------------
    def plan(self) -> dict[str, Planned]:
        """Each ``[jobs]`` line with its ``schedule`` entries, due from the clock's now."""
        import schedule

        self._schedule = schedule.Scheduler()
        self.planned = {}
        for name, phrase in schedules(self.settings).items():
            timetable = parse(phrase)
            job = self.jobs.get(name)
            entries = _entries(self._schedule, timetable, partial(self._due, name)) if job else []
            self.planned[name] = Planned(name, timetable, job, entries)
        return self.planned

    # -- one run ---------------------------------------------------------------------------------------------------
    def run_job(self, name: str, trigger: str, *, raise_bugs: bool = False) -> Ran:
        """Run job ``name`` now under its lock, recorded in the ledger and the log. A failure is recorded and
        returned; with ``raise_bugs`` an unexpected exception (a bug) is raised again after it is recorded."""
        from filelock import FileLock, Timeout

        job = self.jobs.get(name)
        if job is None:
            raise InputError(f"no job {name!r} in this version of ardesk",
                             hint="jobs: " + ", ".join(self.jobs))
        lock = FileLock(str(self.beside(f".{name}.lock")), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            why = "another ardesk is running this job on the same ledger"
            with self._ledger() as ledger:
                run = ledger.job_runs.get(ledger.job_runs.skipped(name, trigger, self.clock.now(), BUSY, why))
            log.warning("%s (%s) %s: %s", name, trigger, BUSY, why)
            return Ran(run, why, EXIT_CODES[BUSY])
        try:
            return self._run_locked(job, trigger, raise_bugs)
        finally:
            lock.release()

    def _run_locked(self, job: scheduled.Job, trigger: str, raise_bugs: bool) -> Ran:
        started = self.clock.now()
        with self._ledger() as ledger:
            run_id = ledger.job_runs.begin(job.name, trigger, started)
        self.running = job.name
        bug = error = kind = None
        code = 0
        try:
            done = job.run(self.settings, started.date())
            code = EXIT_CODES.get(done.outcome, 0)
        except ArdeskError as exc:
            done, error, code = scheduled.Done(outcome=FAILED), " ".join(str(exc).split()), exc.exit_code
            kind = type(exc).__name__
        except Exception as exc:             # a bug: recorded like any failure, so the other jobs go on
            done, error, code, bug = scheduled.Done(outcome=FAILED), f"{type(exc).__name__}: {exc}", 1, exc
        except BaseException:
            with self._ledger() as ledger:
                ledger.job_runs.finish(run_id, self.clock.now(), INTERRUPTED)
            raise
        finally:
            self.running = None
        with self._ledger() as ledger:
            ledger.job_runs.finish(run_id, self.clock.now(), done.outcome, done.counts, error)
            run = ledger.job_runs.get(run_id)
        _log_run(run, bug, kind)
        if bug is not None and raise_bugs:
            raise bug
        return Ran(run, error or done.message, code)

    def _due(self, name: str) -> None:
        """What ``schedule`` calls when a job is due: run it unless a stop was asked; a failure to record it (the
        ledger stayed busy) is said and the scheduler goes on."""
        if self.stopping:
            return
        try:
            self.run_job(name, SCHEDULE)
        except ArdeskError as exc:
            log.error("%s not run: %s", name, exc)

    def once(self, name: str) -> Ran:
        """``ardesk jobs run --once JOB``: run it now, recorded and logged like a scheduled run (the log file only:
        the command says the outcome itself, in one line); SIGTERM or Ctrl-C let it finish, as in the loop."""
        with log_file(self.log_path), _signals(self.request_stop):
            log.propagate = False
            try:
                return self.run_job(name, ONCE, raise_bugs=True)
            finally:
                log.propagate = True

    # -- the loop --------------------------------------------------------------------------------------------------
    def serve(self, until: datetime | None = None) -> None:
        """Run the jobs on their timetables until a stop is asked (or the clock reaches ``until``)."""
        from filelock import FileLock, Timeout

        planned = self.plan()
        runnable = [p for p in planned.values() if p.job is not None]
        if not runnable:
            raise InputError("no job to run: [jobs] names none this version has",
                             source=str(self.settings.config.path or "ardesk.toml"),
                             hint='add lines such as refresh = "daily 06:00" under [jobs]')
        lock = FileLock(str(self.lock_path), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            raise AlreadyRunning("another `ardesk jobs run` already runs the jobs of this ledger",
                                 source=str(self.settings.ledger),
                                 hint="stop it first; `ardesk jobs list` shows what it did") from None
        try:
            with log_file(self.log_path), _signals(self.request_stop):
                for p in planned.values():
                    if p.job is None:
                        log.warning("[jobs] %s: not available in this version of ardesk; not scheduled", p.name)
                log.info("scheduler started for %s: %s", self.settings.ledger.name,
                         "; ".join(f"{p.name} {p.timetable.phrase}" for p in runnable))
                self._catch_up(runnable)
                self._loop(until)
                log.info("scheduler stopped")
        finally:
            lock.release()

    def _catch_up(self, runnable: list[Planned]) -> None:
        now = self.clock.now()
        with self._ledger() as ledger:
            missed = [p for p in runnable if p.missed(ledger.job_runs.last(p.name), now)]
        for p in missed:
            if self.stopping:
                return
            log.info("%s missed its slot of %s: running it once now", p.name, f"{p.previous_slot(now):%Y-%m-%d %H:%M}"
                     if p.timetable.fixed else "its interval")
            try:
                self.run_job(p.name, CATCH_UP)
            except ArdeskError as exc:
                log.error("%s not run: %s", p.name, exc)

    def _loop(self, until: datetime | None) -> None:
        while not self.stopping:
            if until is not None and self.clock.now() >= until:
                return
            self._schedule.run_pending()
            if self.stopping:
                return
            now = self.clock.now()
            wait = (self._schedule.next_run - now).total_seconds()
            if until is not None:
                wait = min(wait, (until - now).total_seconds())
            if self.tick is not None:
                wait = min(wait, self.tick)
            if wait > 0:
                self.clock.sleep(wait)

    def request_stop(self, signum=None, _frame=None) -> None:
        """Stop after the running job (a signal handler, or a call)."""
        if self.stopping:
            return
        self.stopping = True
        why = f"{signal.Signals(signum).name} received" if signum else "stop asked"
        log.info("%s: %s", why, f"stopping once {self.running} has finished" if self.running else "stopping")

    def _ledger(self):
        return open_ledger(self.settings.ledger, self.settings.config)


def _entries(sched, timetable: Timetable, func) -> list:
    """``timetable`` as ``schedule`` entries calling ``func``: one per weekday of a weekly timetable."""
    if timetable.weekdays:
        return [getattr(sched.every(1), day).at(timetable.at).do(func) for day in timetable.weekdays]
    every = getattr(sched.every(timetable.interval), timetable.unit)
    return [(every.at(timetable.at) if timetable.at else every).do(func)]


def _log_run(run: Run, bug: BaseException | None, kind: str | None = None) -> None:
    """One line per run. An error's words stay in the ledger's run record (``ardesk jobs list``), where erasure and
    retention reach them: they may quote a customer. The log names only its kind, and for a bug the code's frames
    without the exception's message."""
    took = f" in {(run.ended - run.started).total_seconds():.1f} s" if run.ended else ""
    counts = ", ".join(f"{k}={v}" for k, v in run.counts.items())
    kind = type(bug).__name__ if bug is not None else (kind or "error")
    said = f"{kind} (its words: `ardesk jobs list`)" if run.error else counts
    level = logging.ERROR if run.outcome == FAILED else logging.INFO
    frames = ""
    if bug is not None:
        import traceback

        frames = ("\nTraceback (the frames; its message is in the ledger):\n"
                  + "".join(traceback.format_tb(bug.__traceback__)).rstrip())
    log.log(level, "%s (%s) %s%s%s%s", run.job, run.trigger, run.outcome, took, f": {said}" if said else "", frames)


class _PrivateLog(RotatingFileHandler):
    """A rotating log file only its owner may read (each new file after a rotation too)."""

    def _open(self):
        import os

        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


@contextmanager
def log_file(path: Path) -> Iterator[None]:
    """The scheduler's lines (``ardesk.jobs``) also into the rotating log file at ``path`` while inside."""
    handler = _PrivateLog(path, maxBytes=LOG_BYTES, backupCount=LOG_FILES, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        handler.close()


@contextmanager
def _signals(handler) -> Iterator[None]:
    """SIGTERM, SIGINT and (Windows) SIGBREAK call ``handler`` while inside, instead of ending the process."""
    previous = {}
    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            previous[sig] = signal.signal(sig, handler)
        except ValueError:                  # not the main thread: stops come from request_stop() then
            pass
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
