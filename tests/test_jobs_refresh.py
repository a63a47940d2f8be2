"""The scheduled refresh on a real panel and a real QuickBooks export: while a person has the workbook open it stores
the data and records "deferred: workbook open", leaving the file as it was; the next run writes it (and the Refresh
button can load the stored snapshot meanwhile); the Jobs block on Control says each job's last run. The clock is
the test's (time-machine), the jobs are the product's own."""
from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import time_machine

from excel import layout
from excel.check import check_workbook
from jobs.refresh import LOADED, compute_panel
from jobs.scheduler import Scheduler
from jobs.settings import settings_for
from jobs.sources import open_ledger
from jobs.workbook import new_workbook
from receivables.job_store import DEFERRED, OK

OPEN_INVOICES = (
    "Open Invoices Report\r\nFoundry Distribution, Inc\r\n\"As of Oct 31, 2026\"\r\n\r\n"
    ",Date,Transaction type,Num,Term,Due date,Open balance\r\n"
    "Acme Ltd,,,,,,\r\n"
    ",09/01/2026,Invoice,1001,Net 30,10/01/2026,\"1,200.50\"\r\n"
    ",10/15/2026,Invoice,1002,Net 30,11/14/2026,300.00\r\n"
    "Total for Acme Ltd,,,,,,\"$1,500.50\"\r\n"
    "TOTAL,,,,,,\"$1,500.50\"\r\n"
)
MONDAY = datetime(2026, 11, 2)


class TravelClock:
    def __init__(self, traveller):
        self.traveller = traveller

    def now(self):
        return datetime.now()

    def sleep(self, seconds):
        self.traveller.shift(timedelta(seconds=seconds))


def _desk(tmp_path):
    (tmp_path / "open.csv").write_bytes(OPEN_INVOICES.encode())
    (tmp_path / "ardesk.toml").write_text(
        '[source]\ndefault = "open.csv"\n[files]\nworkbook = "collections.xlsm"\n'
        '[jobs]\nrefresh = "daily 06:00"\nprune = "sunday 03:00"\n', encoding="utf-8")
    workbook = new_workbook(tmp_path / "collections.xlsm")
    return settings_for(tmp_path / "ardesk.toml"), workbook


def _control(workbook) -> dict[str, object]:
    sheet = openpyxl.load_workbook(workbook)[layout.CONTROL]
    return {c.name: sheet[c.cell].value for c in layout.NAMED_CELLS}


def _invoices(workbook) -> list:
    sheet = openpyxl.load_workbook(workbook)[layout.INVOICES]
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]


def _serve(settings, start: datetime, until: datetime) -> None:
    with time_machine.travel(start.astimezone(), tick=False) as traveller:
        Scheduler(settings, clock=TravelClock(traveller), tick=None).serve(until=until)


def test_an_open_workbook_defers_the_refresh_and_the_next_run_writes_it(tmp_path):
    settings, workbook = _desk(tmp_path)
    lock = tmp_path / ".~lock.collections.xlsm#"
    lock.write_text("Jane Doe,jdoe,desk-pc,02.11.2026 05:50,file:///home/jdoe;", encoding="utf-8")
    untouched = workbook.read_bytes()
    _serve(settings, MONDAY.replace(hour=5), MONDAY.replace(hour=7))
    assert workbook.read_bytes() == untouched
    with open_ledger(settings.ledger, settings.config) as ledger:
        (run,) = ledger.job_runs.runs()
        stored = ledger.latest()
    assert (run.job, run.outcome, run.counts) == ("refresh", DEFERRED, {"open_items": 2, "notes_kept": 0})
    assert stored is not None and stored.items == 2            # the data is in the ledger meanwhile

    # the Refresh button, pressed in the open workbook, loads what the deferred run stored
    pressed = compute_panel(str(workbook), {}, today=MONDAY.date())
    assert str(pressed.cells["Status"]).startswith(LOADED)

    lock.unlink()                                               # the person closed it
    _serve(settings, MONDAY.replace(hour=7), MONDAY + timedelta(days=1, hours=7))
    with open_ledger(settings.ledger, settings.config) as ledger:
        latest = ledger.job_runs.runs(1)[0]
    assert (latest.outcome, latest.started) == (OK, MONDAY + timedelta(days=1, hours=6))
    assert sorted(_invoices(workbook)) == ["1001", "1002"]
    cells = _control(workbook)
    # the block shows the last finished run of each job: for refresh, the deferred one (this run was running)
    assert cells["JobRefresh"] == "2026-11-02 06:00 deferred: workbook open: 2 open items, 0 notes kept"
    assert cells["JobPrune"] == "not run yet (sunday 03:00)"
    assert cells["JobRemindSend"] == "not scheduled ([jobs] in ardesk.toml)"


def test_the_jobs_block_is_declared_under_the_charts_and_an_older_panel_is_left_without_it(tmp_path):
    rows = [int(layout.named_cell(name).cell[1:]) for name in layout.JOB_CELLS.values()]
    chart_rows = [int(c.cell[1:]) for c in layout.CHARTS]
    assert rows == list(range(layout.JOBS_ROW + 1, layout.JOBS_ROW + 1 + len(layout.JOB_CELLS)))
    assert layout.JOBS_ROW > max(chart_rows) + 288 // 20
    settings, workbook = _desk(tmp_path)
    sheet = openpyxl.load_workbook(workbook)[layout.CONTROL]
    assert sheet[f"B{layout.JOBS_ROW}"].value.startswith("Jobs")
    assert [sheet[f"B{r}"].value for r in rows] == [f"Job {job}" for job in layout.JOB_CELLS]
    assert check_workbook(workbook) == []

    # a panel built before the block: no names for it; the refresh writes nothing there, the check says why
    from excel.package.opc import Package
    from jobs.runs import panel_cells

    older = tmp_path / "older.xlsm"
    older.write_bytes(_without_job_names(workbook.read_bytes()))
    with Package(older) as pkg:
        assert not set(layout.JOB_CELLS.values()) & set(pkg.defined_names)
    assert panel_cells(settings, older) == {}
    findings = check_workbook(older)
    assert [(f.severity, f.message.split(" (")[0]) for f in findings] == [
        ("warning", "this panel was built before the Jobs block on Control")]


def _without_job_names(data: bytes) -> bytes:
    """The panel's bytes with the Jobs block's defined names taken out of workbook.xml."""
    import io
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                for name in layout.JOB_CELLS.values():
                    part = re.sub(rb'<definedName name="' + name.encode() + rb'"[^>]*>[^<]*</definedName>', b"",
                                  part)
            dst.writestr(info, part)
    return out.getvalue()
