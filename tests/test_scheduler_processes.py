"""``ardesk jobs run`` as real processes: one scheduler per ledger (a second exits 1 with one line; a killed one
leaves no lock behind), a real SIGTERM or Ctrl-C mid-job lets the job finish and record its run, a ``--once`` run
of a job already running is skipped, and ``--once`` exits with its job's status. The tests wait for what the
processes write (a marker file, a log line), never for a schedule."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from jobs.settings import settings_for
from jobs.sources import open_ledger
from receivables.job_store import BUSY, OK

ROOT = Path(__file__).resolve().parents[1]
ARDESK = str(Path(sysconfig.get_path("scripts")) / "ardesk")
SLOW = [sys.executable, "-m", "tests.slowjob"]       # ardesk whose refresh job waits for the test
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _wait_for(what, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("the process never got there")


def _log(folder: Path) -> str:
    path = folder / "ardesk-jobs.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _desk(folder: Path, extra: str = "") -> Path:
    (folder / "ardesk.toml").write_text(f'[jobs]\nrefresh = "daily 06:00"\n{extra}', encoding="utf-8")
    return folder / "ardesk.toml"


def _ardesk(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ARDESK, *args], cwd=folder, capture_output=True, text=True, timeout=120, env=ENV)


def test_one_scheduler_per_ledger_a_second_exits_1_and_a_killed_one_leaves_no_lock(tmp_path):
    _desk(tmp_path)
    first = subprocess.Popen([ARDESK, "jobs", "run"], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        _wait_for(lambda: "scheduler started" in _log(tmp_path))
        second = _ardesk(tmp_path, "jobs", "run")
        assert second.returncode == 1
        assert second.stderr.splitlines() == [
            f"ardesk: {tmp_path / 'ardesk.db'}: another `ardesk jobs run` already runs the jobs of this ledger "
            "(stop it first; `ardesk jobs list` shows what it did)"]
        assert "scheduler: running for" in _ardesk(tmp_path, "jobs", "list").stdout
    finally:
        first.kill()                        # no chance to clean up: the system drops the lock
        first.communicate(timeout=60)
    third = subprocess.Popen([ARDESK, "jobs", "run"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=ENV)
    try:
        _wait_for(lambda: _log(tmp_path).count("scheduler started") == 2)
    finally:
        third.send_signal(signal.SIGTERM)
        _, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    assert "ardesk: scheduler stopped" in err.splitlines()
    assert "scheduler: not running for" in _ardesk(tmp_path, "jobs", "list").stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stop_mid_job_lets_it_finish_and_be_recorded_and_a_once_run_of_it_is_skipped(tmp_path, sig):
    settings = settings_for(_desk(tmp_path))
    with open_ledger(settings.ledger, settings.config) as ledger:      # missed slots: it runs as it starts
        days_ago = datetime.now() - timedelta(days=5)
        ledger.job_runs.finish(ledger.job_runs.begin("refresh", "schedule", days_ago), days_ago, OK)
    proc = subprocess.Popen([*SLOW, "jobs", "run"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)
    try:
        _wait_for(lambda: (tmp_path / "job-started").exists())
        once = _ardesk(tmp_path, "jobs", "run", "--once", "refresh")
        assert once.returncode == 1
        assert once.stderr.splitlines() == [
            f"ardesk: refresh {BUSY}: another ardesk is running this job on the same ledger"]
        proc.send_signal(sig)
        _wait_for(lambda: "received: stopping once refresh has finished" in _log(tmp_path))
        assert proc.poll() is None and not (tmp_path / "job-finished").exists()     # still working
        (tmp_path / "job-release").touch()
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert (tmp_path / "job-finished").exists()
    with open_ledger(settings.ledger, settings.config) as ledger:
        runs = {r.trigger: r for r in ledger.job_runs.runs(10)}
    assert (runs["catch-up"].outcome, runs["catch-up"].counts) == (OK, {"waited": 1})
    assert runs["catch-up"].ended is not None and runs["once"].outcome == BUSY
    assert err.splitlines()[-1] == "ardesk: scheduler stopped"


def test_once_exits_with_its_jobs_status_in_one_line(tmp_path):
    from jobs.workbook import new_workbook

    (tmp_path / "open.csv").write_text(
        "Open Invoices Report\r\nFoundry Distribution, Inc\r\n\"As of Oct 31, 2026\"\r\n\r\n"
        ",Date,Transaction type,Num,Term,Due date,Open balance\r\nAcme Ltd,,,,,,\r\n"
        ",09/01/2026,Invoice,1001,Net 30,10/01/2026,\"1,200.50\"\r\nTotal for Acme Ltd,,,,,,\"$1,200.50\"\r\n"
        "TOTAL,,,,,,\"$1,200.50\"\r\n", encoding="utf-8")
    _desk(tmp_path, '[source]\ndefault = "open.csv"\n[ledger]\nkeep_snapshots_days = 30\n')
    missing = _ardesk(tmp_path, "jobs", "run", "--once", "refresh")
    assert (missing.returncode, missing.stderr.splitlines()) == (2, [
        f"ardesk: refresh failed: {tmp_path / 'collections.xlsm'}: no such workbook (create one with "
        "`ardesk workbook new PATH`)"])
    new_workbook(tmp_path / "collections.xlsm")
    (tmp_path / "~$collections.xlsm").write_bytes(b"\x04Jane" + b" " * 50)          # open in Excel
    deferred = _ardesk(tmp_path, "jobs", "run", "--once", "refresh")
    assert deferred.returncode == 3 and deferred.stdout == ""
    assert deferred.stderr.startswith("ardesk: refresh deferred: workbook open: collections.xlsm is open in Excel")
    (tmp_path / "~$collections.xlsm").unlink()
    done = _ardesk(tmp_path, "jobs", "run", "--once", "refresh")
    assert done.returncode == 0 and done.stdout.startswith("refresh ok: refreshed ") and done.stderr == ""
    pruned = _ardesk(tmp_path, "jobs", "run", "--once", "prune")
    assert (pruned.returncode, pruned.stdout) == (0, "prune ok: 0 snapshot(s) deleted, 1 kept\n")
    listed = _ardesk(tmp_path, "jobs", "run", "--once", "worklist")
    assert listed.returncode == 0 and listed.stdout.startswith("worklist ok: "), listed.stderr
    (day,) = tmp_path.glob("worklist-*.csv")
    assert day.stat().st_mode & 0o777 == 0o600
    assert day.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "rank,customer,score,next_action,reason,overdue,promise,last_touch,phone,email,collector")
    unknown = _ardesk(tmp_path, "jobs", "run", "--once", "nonesuch")
    assert (unknown.returncode, unknown.stderr) == (2, "ardesk: no job 'nonesuch' in this version of ardesk (jobs: "
                                                       "refresh, notes_push, remind_build, remind_send, worklist, "
                                                       "prune, privacy_prune)\n")
    log = _log(tmp_path)
    assert [line.split(" ", 3)[3].split(" in ")[0] for line in log.splitlines()] == [
        "refresh (once) failed", "refresh (once) deferred: workbook open", "refresh (once) ok", "prune (once) ok",
        "worklist (once) ok"]
