"""Pruning snapshots: every month's last snapshot, each source's latest, those a reminder batch or a deferred refresh
name and the recent ones stay; the rest go with their rows, in one transaction; and ``ardesk aging ledger --as-of``
a past month end gives the same figures before and after. The books are an Odoo-like history written here: weekly
pulls from July to November, each the books as they stood that Monday, with the allocations that settled them."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from click.testing import CliRunner

from cli import cli
from receivables.aging import aging
from receivables.ledger import Ledger
from receivables.records import ALLOCATIONS, Allocation, Books, Customer, Invoice, ItemKind
from receivables.snapshot_prune import ASKED, LATEST, MONTH_END, RECENT, REMINDERS, plan, prune

KEY = "odoo:https://erp.example.com/prod"
PULLS = [date(2026, 7, 6) + timedelta(weeks=w) for w in range(21)]          # Mondays, 6 July to 23 November
TODAY = date(2026, 11, 30)


def _books(at: date) -> Books:
    """The books as they stood at the end of ``at``: every invoice issued by then, with what was open of it, and
    the payments and allocations dated by then (two invoices in three are paid in full 40 days after issue)."""
    items, allocations = [], []
    for k in range(24):
        issued = date(2026, 6, 1) + timedelta(days=7 * k)
        if issued > at:
            break
        total = Decimal(100 + 10 * k).quantize(Decimal("0.01"))
        paid = issued + timedelta(days=40) if k % 3 != 2 else None
        settled = paid is not None and paid <= at
        customer = "7" if k % 2 else "9"
        items.append(Invoice(f"I{k}", f"INV/{k}", customer, ItemKind.INVOICE, issued, issued + timedelta(days=30),
                             "USD", total, Decimal(0) if settled else total))
        if settled:
            items.append(Invoice(f"P{k}", f"PAY/{k}", customer, ItemKind.PAYMENT, paid, paid, "USD", -total,
                                 Decimal(0)))
            allocations.append(Allocation(f"I{k}", f"P{k}", total, paid))
    return Books(source="odoo", company_currency="USD", report_date=at,
                 customers=(Customer("7", "Acme Ltd"), Customer("9", "Beacon Studios")), items=tuple(items),
                 allocations=tuple(allocations), knows=frozenset({ALLOCATIONS}))


@pytest.fixture
def ledger_path(tmp_path):
    path = tmp_path / "ardesk.db"
    with Ledger(path) as ledger:
        for day in PULLS:
            assert ledger.store_books(_books(day), source_key=KEY).new
        ids = {info.report_date: info.id for info in ledger.snapshots()}
        ledger.conn.execute("INSERT INTO reminder_batches (built_at, as_of, source_key, snapshot_id, currency, policy,"
                            " warnings) VALUES ('2026-08-10', '2026-08-10', ?, ?, 'USD', '[]', '[]')",
                            (KEY, ids[date(2026, 8, 10)]))
    return path


def _ids(path) -> dict[date, int]:
    with Ledger(path) as ledger:
        return {info.report_date: info.id for info in ledger.snapshots()}


def _aging_json(path, as_of: str) -> dict:
    result = CliRunner().invoke(cli, ["aging", "ledger", "--as-of", as_of, "--format", "json", "--ledger",
                                      str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_rule_keeps_month_ends_the_latest_the_referenced_and_the_recent(ledger_path):
    ids = _ids(ledger_path)
    by_id = {v: k for k, v in ids.items()}
    with Ledger(ledger_path) as ledger:
        pruning = plan(ledger.conn, TODAY, 14, keep=[ids[date(2026, 10, 5)]])
    assert {by_id[sid]: why for sid, why in pruning.kept.items()} == {
        date(2026, 7, 27): MONTH_END, date(2026, 8, 31): MONTH_END, date(2026, 9, 28): MONTH_END,
        date(2026, 10, 26): MONTH_END, date(2026, 11, 23): LATEST, date(2026, 11, 16): RECENT,
        date(2026, 8, 10): REMINDERS, date(2026, 10, 5): ASKED}
    assert len(pruning.deleted) == len(PULLS) - 8


def test_pruning_deletes_the_rest_with_their_rows_and_a_past_month_ends_aging_is_unchanged(ledger_path):
    before = {d: _aging_json(ledger_path, d) for d in ("2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31")}
    assert before["2026-09-30"]["totals"]["total"] != before["2026-10-31"]["totals"]["total"]
    ids = _ids(ledger_path)
    with Ledger(ledger_path) as ledger:
        rows_of_latest = [ledger.conn.execute(f"SELECT count(*) FROM {t} WHERE snapshot_id = ?",
                                              (ids[PULLS[-1]],)).fetchone()[0] for t in ("items", "allocations")]
        done = prune(ledger, TODAY, 14)
        left = {r[0] for r in ledger.conn.execute("SELECT DISTINCT snapshot_id FROM items")}
        orphans = ledger.conn.execute("SELECT count(*) FROM allocations WHERE snapshot_id NOT IN "
                                      "(SELECT id FROM snapshots)").fetchone()[0]
        assert [ledger.conn.execute(f"SELECT count(*) FROM {t} WHERE snapshot_id = ?",
                                    (ids[PULLS[-1]],)).fetchone()[0] for t in ("items", "allocations")] == \
            rows_of_latest
        month_end = ledger.load(ids[date(2026, 9, 28)])
        latest = ledger.load(ledger.latest().id)
    assert len(done.deleted) == len(PULLS) - 7 and left == set(done.kept) and orphans == 0
    assert set(_ids(ledger_path)) == {date(2026, 7, 27), date(2026, 8, 10), date(2026, 8, 31), date(2026, 9, 28),
                                      date(2026, 10, 26), date(2026, 11, 16), date(2026, 11, 23)}
    after = {d: _aging_json(ledger_path, d) for d in before}
    assert after == before
    # the kept month-end books say what the latest books rebuilt to that day say
    assert aging(month_end, date(2026, 9, 28)).to_json_dict()["totals"] == \
        aging(latest, date(2026, 9, 28)).to_json_dict()["totals"]


def test_the_prune_job_uses_keep_snapshots_days_and_keeps_a_deferred_refreshs_snapshot(ledger_path):
    from jobs.scheduler import Scheduler
    from jobs.settings import settings_for

    folder = ledger_path.parent
    (folder / "ardesk.toml").write_text('[jobs]\nprune = "monday 03:00"\n[ledger]\nkeep_snapshots_days = 14\n',
                                        encoding="utf-8")
    ids = _ids(ledger_path)
    with Ledger(ledger_path) as ledger:
        ledger.audit("refresh", target=str((folder / "collections.xlsm").resolve()),
                     result="refresh deferred: workbook open", detail={"snapshot": ids[date(2026, 10, 5)]})
    settings = settings_for(folder / "ardesk.toml")

    class Clock:
        def now(self):
            return datetime.now()

        def sleep(self, seconds):
            traveller.shift(timedelta(seconds=seconds))

    with time_machine.travel(datetime(2026, 11, 30, 2, 0).astimezone(), tick=False) as traveller:
        Scheduler(settings, clock=Clock(), tick=None).serve(until=datetime(2026, 11, 30, 4, 0))
    with Ledger(ledger_path) as ledger:
        (run,) = ledger.job_runs.runs()
        kept = {info.report_date for info in ledger.snapshots()}
    assert (run.job, run.outcome, run.counts) == ("prune", "ok", {"snapshots_deleted": 13, "snapshots_kept": 8})
    assert date(2026, 10, 5) in kept and date(2026, 9, 7) not in kept


def test_without_keep_snapshots_days_the_job_keeps_everything(ledger_path):
    from jobs.scheduled import prune as prune_job
    from jobs.settings import settings_for

    (ledger_path.parent / "ardesk.toml").write_text("", encoding="utf-8")
    done = prune_job(settings_for(ledger_path.parent / "ardesk.toml"), TODAY)
    assert done.counts == {"snapshots_deleted": 0} and "keep_snapshots_days is not set" in done.message
    assert len(_ids(ledger_path)) == len(PULLS)


@pytest.mark.parametrize(("value", "found"), [("0", "0"), ('"90"', '"90"'), ("1.5", "1.5")])
def test_keep_snapshots_days_is_a_positive_whole_number_or_the_file_is_refused(tmp_path, value, found):
    from receivables.config import load_config
    from receivables.errors import ConfigError

    path = tmp_path / "ardesk.toml"
    path.write_text(f"[ledger]\nkeep_snapshots_days = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(
        f"{path}: [ledger] keep_snapshots_days: expected a positive whole number of days such as 90, found {found}")
