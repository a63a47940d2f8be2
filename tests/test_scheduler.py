"""The scheduler in one process, on a clock the test holds: time stands still while a job runs and jumps when the
scheduler sleeps (time-machine moves the clock ``schedule`` reads too), so days of timetable pass in milliseconds
and no test waits for a slot. The jobs are real functions recording what they were asked; the ledger is a real file.
"""
from __future__ import annotations

import os
import signal
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from jobs.scheduled import Done, Job
from jobs.scheduler import CATCH_UP, ONCE, SCHEDULE, Scheduler
from jobs.settings import settings_for
from jobs.sources import open_ledger
from receivables.errors import RemoteError
from receivables.job_store import FAILED, OK

MONDAY = datetime(2026, 11, 2)          # a Monday; all times local


class TravelClock:
    """The scheduler's clock in a test: ``now`` is the travelled time, ``sleep`` moves it on at once."""

    def __init__(self, traveller, *, off: timedelta | None = None):
        self.traveller = traveller
        self.slept: list[float] = []
        self.off = off                     # the first sleep lasts this much longer: the machine was off

    def now(self) -> datetime:
        return datetime.now()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        extra, self.off = self.off or timedelta(0), None
        self.traveller.shift(timedelta(seconds=seconds) + extra)


@pytest.fixture
def travel():
    """Start at ``when`` (local time); yields the clock."""
    started = []

    def at(when: datetime, **kw) -> TravelClock:
        traveller = time_machine.travel(when.astimezone(), tick=False)
        started.append(traveller)
        return TravelClock(traveller.start(), **kw)

    yield at
    for traveller in reversed(started):
        traveller.stop()


def desk(tmp_path: Path, jobs: str, extra: str = ""):
    (tmp_path / "ardesk.toml").write_text(f"[files]\nledger = \"ardesk.db\"\n[jobs]\n{jobs}\n{extra}",
                                          encoding="utf-8")
    return settings_for(tmp_path / "ardesk.toml")


class Recorder:
    """Jobs that record when they ran and the day they were given; ``fail`` makes one raise."""

    def __init__(self, *names, fail: dict | None = None, during=None):
        self.calls: list[tuple[str, datetime, date]] = []
        self.fail = fail or {}
        self.during = during
        self.jobs = {n: Job(n, self._job(n), "test") for n in names}

    def _job(self, name):
        def run(settings, today):
            self.calls.append((name, datetime.now(), today))
            if self.during:
                self.during(name)
            if name in self.fail:
                raise self.fail[name]
            return Done({"items": len(self.calls)})
        return run


def runs(settings, job=None):
    with open_ledger(settings.ledger, settings.config) as ledger:
        return list(reversed(ledger.job_runs.runs(100, job)))


def test_jobs_run_at_their_slots_with_the_clocks_day_and_the_scheduler_never_waits_for_real(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"\nprune = "sunday 03:00"\nnotes_push = "every 6 hours"')
    rec = Recorder("refresh", "prune", "notes_push")
    clock = travel(MONDAY.replace(hour=5))
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY + timedelta(days=7, hours=5))
    refreshes = [(when, today) for name, when, today in rec.calls if name == "refresh"]
    assert refreshes == [(MONDAY + timedelta(days=d, hours=6), (MONDAY + timedelta(days=d)).date())
                         for d in range(7)]
    assert [when for name, when, _ in rec.calls if name == "prune"] == [datetime(2026, 11, 8, 3, 0)]
    pushes = [when for name, when, _ in rec.calls if name == "notes_push"]
    assert pushes[:3] == [MONDAY.replace(hour=h) for h in (11, 17, 23)]
    assert len(pushes) == 27                                 # the 28th falls on `until`: not run
    recorded = runs(settings)
    assert len(recorded) == len(rec.calls) and {r.outcome for r in recorded} == {OK}
    assert {r.trigger for r in recorded} == {SCHEDULE}
    assert all(r.ended == r.started for r in recorded)          # the clock stands still while a job runs
    assert sum(clock.slept) == pytest.approx(7 * 86400) and len(clock.slept) < 60


def test_a_run_missed_while_the_machine_was_off_runs_once_at_start_then_at_its_slots(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"\nnotes_push = "every 1 hour"\nprune = "monday 08:00"')
    with open_ledger(settings.ledger, settings.config) as ledger:      # last runs: five days before
        for name in ("refresh", "notes_push"):
            run = ledger.job_runs.begin(name, SCHEDULE, datetime(2026, 10, 28, 6, 0))
            ledger.job_runs.finish(run, datetime(2026, 10, 28, 6, 1), OK)
    rec = Recorder("refresh", "notes_push", "prune")
    clock = travel(MONDAY.replace(hour=9, minute=30))
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY.replace(hour=10, minute=59))
    assert [(n, w) for n, w, _ in rec.calls] == [
        ("refresh", MONDAY.replace(hour=9, minute=30)),         # missed five 06:00 slots: once
        ("notes_push", MONDAY.replace(hour=9, minute=30)),
        ("notes_push", MONDAY.replace(hour=10, minute=30))]     # prune never ran: it waits for its slot
    assert [r.trigger for r in runs(settings)][2:] == [CATCH_UP, CATCH_UP, SCHEDULE]


def test_no_catch_up_when_the_last_run_was_after_the_slot_nor_for_a_job_that_never_ran(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"\nnotes_push = "every 1 hour"\nprune = "weekdays 07:00"')
    with open_ledger(settings.ledger, settings.config) as ledger:
        ledger.job_runs.finish(ledger.job_runs.begin("refresh", SCHEDULE, MONDAY.replace(hour=6)), MONDAY, FAILED)
        ledger.job_runs.finish(ledger.job_runs.begin("notes_push", ONCE, MONDAY.replace(hour=8, minute=45)), MONDAY,
                               OK)
    rec = Recorder("refresh", "notes_push", "prune")
    clock = travel(MONDAY.replace(hour=9, minute=30))
    scheduler = Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None)
    scheduler.serve(until=MONDAY.replace(hour=9, minute=40))
    assert rec.calls == []
    previous = scheduler.planned["prune"].previous_slot(MONDAY.replace(hour=9, minute=30))
    assert previous == MONDAY.replace(hour=7)


def test_the_machine_asleep_for_days_runs_each_job_once_when_it_wakes(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"')
    rec = Recorder("refresh")
    clock = travel(MONDAY.replace(hour=5), off=timedelta(days=3))    # the first sleep lasts three days more
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY + timedelta(days=4, hours=5))
    assert [w for _, w, _ in rec.calls] == [datetime(2026, 11, 5, 6, 0)]


def test_a_failing_job_is_recorded_and_tried_again_at_its_next_slot_not_in_a_loop(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"\nnotes_push = "daily 06:30"\nprune = "daily 07:00"')
    rec = Recorder("refresh", "notes_push", "prune", fail={
        "refresh": RemoteError("Odoo did not answer", source="https://erp.example.com", hint="try later"),
        "notes_push": ZeroDivisionError("division by zero")})
    clock = travel(MONDAY.replace(hour=5))
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY + timedelta(days=2, hours=5))
    assert [(n, w.day, w.hour) for n, w, _ in rec.calls] == [
        ("refresh", 2, 6), ("notes_push", 2, 6), ("prune", 2, 7), ("refresh", 3, 6), ("notes_push", 3, 6),
        ("prune", 3, 7)]
    recorded = runs(settings)
    assert [(r.job, r.outcome, r.error) for r in recorded[:3]] == [
        ("refresh", FAILED, "https://erp.example.com: Odoo did not answer (try later)"),
        ("notes_push", FAILED, "ZeroDivisionError: division by zero"),
        ("prune", OK, None)]
    log = (tmp_path / "ardesk-jobs.log").read_text(encoding="utf-8")
    assert "refresh (schedule) failed in 0.0 s: RemoteError (its words: `ardesk jobs list`)" in log
    assert "Odoo did not answer" not in log and "division by zero" not in log      # words stay in the ledger
    assert "Traceback" in log and "ZeroDivisionError" in log              # a bug's traceback, for whoever fixes it
    assert oct((tmp_path / "ardesk-jobs.log").stat().st_mode & 0o777) == "0o600"


def test_sigterm_mid_job_lets_it_finish_and_record_then_starts_nothing_more(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"\nnotes_push = "daily 06:00"')
    finished = []

    def signalled(name):
        os.kill(os.getpid(), signal.SIGTERM)                 # a real signal, arriving while the job works
        finished.append(name)

    rec = Recorder("refresh", "notes_push", during=signalled)
    before = signal.getsignal(signal.SIGTERM)
    clock = travel(MONDAY.replace(hour=5))
    scheduler = Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None)
    scheduler.serve(until=MONDAY + timedelta(days=3))
    assert finished == ["refresh"] and [n for n, _, _ in rec.calls] == ["refresh"]
    assert [(r.job, r.outcome, r.counts) for r in runs(settings)] == [("refresh", OK, {"items": 1})]
    assert signal.getsignal(signal.SIGTERM) == before
    log = (tmp_path / "ardesk-jobs.log").read_text(encoding="utf-8")
    assert "SIGTERM received: stopping once refresh has finished" in log and "scheduler stopped" in log


def test_the_jobs_list_says_schedule_next_run_and_last_outcome(tmp_path, travel):
    from jobs.runs import listing

    settings = desk(tmp_path, 'refresh = "daily 06:00"\nworklist = "weekdays 07:00"')
    rec = Recorder("refresh", fail={"refresh": RemoteError("Odoo did not answer")})
    clock = travel(MONDAY.replace(hour=5))
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY.replace(hour=7))
    data = listing(settings)
    rows = {r["job"]: r for r in data["jobs"]}
    assert rows["refresh"]["schedule"] == "daily 06:00"
    assert rows["refresh"]["next_run"].startswith("2026-11-03T06:00")
    assert rows["refresh"]["last"] == "2026-11-02 06:00 failed: Odoo did not answer"
    assert rows["worklist"]["available"] is True and rows["worklist"]["schedule"] == "weekdays 07:00"
    assert rows["prune"]["schedule"] is None
    assert data["scheduler_running"] is False and [r["job"] for r in data["runs"]] == ["refresh"]


def test_a_run_cut_short_is_marked_interrupted_by_the_next_run_of_its_job(tmp_path, travel):
    settings = desk(tmp_path, 'refresh = "daily 06:00"')
    with open_ledger(settings.ledger, settings.config) as ledger:        # killed mid-run on Sunday
        ledger.job_runs.begin("refresh", SCHEDULE, MONDAY - timedelta(hours=18))
    rec = Recorder("refresh")
    clock = travel(MONDAY.replace(hour=5))
    Scheduler(settings, clock=clock, jobs=rec.jobs, tick=None).serve(until=MONDAY.replace(hour=7))
    assert [(r.outcome, r.started) for r in runs(settings)] == [
        ("interrupted", MONDAY - timedelta(hours=18)), (OK, MONDAY.replace(hour=6))]


def test_a_ledger_made_before_the_job_runs_table_gets_it_when_opened(tmp_path):
    import sqlite3

    from receivables.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger, _statements

    path = tmp_path / "old.db"
    before = next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE job_runs" in m)
    old = sqlite3.connect(path, isolation_level=None)          # the ledger as the migrations before it left it
    for migration in MIGRATIONS[:before]:
        for statement in _statements(migration):
            old.execute(statement)
    old.execute(f"PRAGMA user_version = {before}")
    old.close()
    with Ledger(path) as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        run = ledger.job_runs.begin("prune", ONCE, MONDAY)
        assert ledger.job_runs.last("prune").id == run
