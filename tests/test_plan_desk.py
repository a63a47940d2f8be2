"""Payment plans at the desk: ``ardesk plan add|list|end`` on the ledger's books, across two pulls: one plan kept to
the end, one broken by a missed instalment once the books that show it arrive; the same plan typed twice is kept
once; bad input is one line."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli import cli
from jobs.refresh import panel_data
from jobs.settings import settings_for
from receivables.ledger import Ledger
from receivables.records import (
    ALLOCATIONS,
    ISSUED_HISTORY,
    PAYMENT_DATES,
    PAYMENTS,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)

HISTORY = frozenset({ALLOCATIONS, PAYMENTS, ISSUED_HISTORY, PAYMENT_DATES})
CUSTOMERS = (Customer("C1", "Acme Ltd"), Customer("C2", "Bolt GmbH"))


def _books(report: date, payments: list[Payment]) -> Books:
    # Each customer owes one invoice of 1,000.00 issued 2026-09-01, due 2026-10-01; what it paid is off it.
    items = []
    for cid in ("C1", "C2"):
        paid = sum((p.amount for p in payments if p.customer_id == cid), Decimal(0))
        items.append(Invoice(id=f"{cid}-1", number=f"{cid}-1", customer_id=cid, kind=ItemKind.INVOICE,
                             issued=date(2026, 9, 1), due=date(2026, 10, 1), currency="USD",
                             total=Decimal("1000.00"), open_amount=Decimal("1000.00") - paid))
        for p in payments:
            if p.customer_id == cid:
                items.append(Invoice(id=p.id, number=p.id, customer_id=cid, kind=ItemKind.PAYMENT, issued=p.date,
                                     due=None, currency="USD", total=-p.amount, open_amount=Decimal(0)))
    return Books(source="test", company_currency="USD", report_date=report, customers=CUSTOMERS, items=tuple(items),
                 payments=tuple(payments), knows=HISTORY)


def _pay(pid: str, cid: str, day: date, amount: str) -> Payment:
    return Payment(pid, cid, day, Decimal(amount), "USD")


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_a_plan_kept_and_one_broken_across_pulls(desk):
    first = [_pay("P1", "C1", date(2026, 12, 14), "500.00"), _pay("P2", "C2", date(2026, 12, 15), "500.00")]
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 20), first), source_key="test")
    for customer in ("Acme Ltd", "C2"):
        added = _run("plan", "add", customer, "--source", "ledger", "--agreed-on", "2026-12-01",
                     "--instalments", "2026-12-15:500.00,2027-01-15:500.00")
        assert added.exit_code == 0 and "kept" in added.output, added.output
    again = _run("plan", "add", "ACME LTD", "--source", "ledger", "--agreed-on", "2026-12-01",
                 "--instalments", "2026-12-15:500.00, 2027-01-15:500.00")
    assert again.exit_code == 0 and "already there" in again.output

    # 2026-12-20: each paid its first 500.00 on time; both run, the next instalment 500.00 on 2027-01-15
    listed = json.loads(_run("plan", "list", "ledger", "--as-of", "2026-12-20", "--format", "json").stdout)
    assert [(p["customer"], p["state"], p["next_due"]) for p in listed["plans"]] == [
        ("Acme Ltd", "running", {"number": 2, "due": "2027-01-15", "amount": "500.00"}),
        ("Bolt GmbH", "running", {"number": 2, "due": "2027-01-15", "amount": "500.00"})]

    # The next pull, 2027-01-31: Bolt paid the rest on 2027-01-16 (within the 3 days' grace), Acme paid nothing
    second = [*first, _pay("P3", "C2", date(2027, 1, 16), "500.00")]
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(date(2027, 1, 31), second), source_key="test")
    listed = json.loads(_run("plan", "list", "ledger", "--as-of", "2027-01-31", "--format", "json").stdout)
    states = {p["customer"]: p for p in listed["plans"]}
    assert states["Bolt GmbH"]["state"] == "completed"
    assert states["Acme Ltd"]["state"] == "broken"
    assert states["Acme Ltd"]["broken"] == {"number": 2, "due": "2027-01-15", "grace_until": "2027-01-18",
                                            "shortfall": "500.00"}
    assert [i["state"] for i in states["Acme Ltd"]["instalments"]] == ["paid", "missed"]
    table = _run("plan", "list", "ledger", "--as-of", "2027-01-31").output
    assert "instalment 2 of 2027-01-15 missed, short 500.00 USD" in table
    # the panel's Customers sheet says so too (and, as of 2026-12-20, what came next)
    for as_of, expected in (
            (date(2027, 1, 31),
             "broken: instalment 2 due 2027-01-15 missed by 500.00 USD; reminders resumed 2027-01-19"),
            (date(2026, 12, 20), "running: instalment 2 of 2, 500.00 USD by 2027-01-15")):
        with Ledger(desk / "ardesk.db") as ledger:
            books = ledger.load(ledger.latest("test").id)
        data = panel_data(books, as_of, settings_for(near=None))
        assert {line.customer: line.plan for line in data.rows["Customers"]}["Acme Ltd"] == expected

    ended = _run("plan", "end", states["Acme Ltd"]["plan_id"], "--why", "broken, handed to the agency")
    assert ended.exit_code == 0
    left = json.loads(_run("plan", "list", "ledger", "--format", "json", "--as-of", "2027-01-31").stdout)
    assert [p["customer"] for p in left["plans"]] == ["Bolt GmbH"]
    with Ledger(desk / "ardesk.db") as ledger:
        actions = [a["action"] for a in ledger.audit_trail()]
    assert actions.count("plan add") == 2 and "plan end" in actions


@pytest.mark.parametrize(("args", "says"), [
    (("Nobody Inc", "--instalments", "2026-12-15:5"), "no customer 'Nobody Inc' in the books"),
    (("Acme", "--instalments", "2026-12-15:5"), "did you mean 'Acme Ltd'?"),
    (("Acme Ltd", "--instalments", "2026-12-15:1,000.00"), "instalment"),
    (("Acme Ltd", "--instalments", "2027-01-15:5,2026-12-15:5"), "instalment 2"),
    (("Acme Ltd", "--instalments", "2026-12-15:5", "--invoice", "X-9"), "Acme Ltd has no invoice 'X-9'"),
])
def test_bad_input_is_one_line(desk, args, says):
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.store(_books(date(2026, 12, 20), []), source_key="test")
    result = _run("plan", "add", *args, "--source", "ledger", "--agreed-on", "2026-12-01")
    assert result.exit_code == 2, result.output
    assert says in result.output and len(result.output.strip().splitlines()) == 1
