"""`ardesk aging odoo --as-of D` is the books as they stood at the end of D, across a year of Odoo books.

Every answer goes through the real command line (click's runner on ``cli.cli``, an ``ardesk.toml`` in a
temporary folder, the password from the environment, the ledger in the temporary folder) against the Odoo
stand-in, and is compared with an independent computation of OCA's Aged Partner Balance rule over the stand-in's
raw rows: posted receivable lines of the company dated on or before D, each at its ``amount_residual`` plus what
``account.partial.reconcile`` rows with ``max_date`` after D matched (added back on the debit side, taken back on
the credit side), in company currency, bucketed by ``date_maturity`` (none: Current), to the cent per customer.

The command line takes "today" from the clock; the tests pin it (the books stand on 2026-10-31).
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli import cli
from cli import common as cli_common
from tests.odoo_standin import start_standin
from tests.odoo_standin.generator import TODAY, month_ends

VERSIONS = ("14.0", "17.0", "19.0")
EDGES = (30, 60, 90, 120)
# Every month end of the last year and a few days inside months (the 15th after a month end payment run, etc.).
DATES = month_ends(TODAY, 12) + [date(2025, 12, 15), date(2026, 4, 14), date(2026, 7, 1), date(2026, 10, 20)]
PAST = [d for d in DATES if d < TODAY]
AML, MOVE, PARTIAL = "account.move.line", "account.move", "account.partial.reconcile"


# -- the independent reference: OCA's aged partner balance at a past date, from the raw rows ---------------------

def labels(edges=EDGES) -> list[str]:
    out, low = ["Current"], 1
    for e in edges:
        out.append(f"{low}-{e}")
        low = e + 1
    return out + [f"{low}+"]


def oca_aged_balance(store, at: date, company_id: int = 1, edges=EDGES) -> dict[tuple[str, str], int]:
    """Cents per (customer name, bucket) of company ``company_id`` as its books stood at the end of ``at``."""
    names = labels(edges)
    later: Counter = Counter()
    for p in store.tables[PARTIAL].values():
        if date.fromisoformat(p["max_date"]) > at:
            later[p["debit_move_id"]] += p["amount"]
            later[p["credit_move_id"]] -= p["amount"]
    receivable = {aid for aid, acc in store.tables["account.account"].items() if acc.get("receivable")}
    partners = store.tables["res.partner"]
    out: Counter = Counter()
    for lid, line in store.tables[AML].items():
        if (line["account_id"] not in receivable or line["company_id"] != company_id
                or line["parent_state"] != "posted" or date.fromisoformat(line["date"]) > at):
            continue
        open_cents = line["amount_residual"] + later[lid]
        if not open_cents:
            continue
        due = date.fromisoformat(line["date_maturity"]) if line["date_maturity"] else None
        late = (at - due).days if due else 0
        bucket = next((names[i] for i, top in enumerate((0,) + tuple(edges)) if late <= top), names[-1])
        out[(partners[line["partner_id"]]["name"], bucket)] += open_cents
    return {k: v for k, v in out.items() if v}


def cents(text: str) -> int:
    value = Decimal(text) * 100
    assert value == value.to_integral_value(), text
    return int(value)


def answer_cents(answer: dict) -> dict[tuple[str, str], int]:
    """Cents per (customer, bucket) of an ``ardesk aging --format json`` answer, checking its own totals add up."""
    out: dict[tuple[str, str], int] = {}
    for row in answer["customers"]:
        assert sum(cents(v) for v in row["buckets"].values()) == cents(row["total"]), row
        for label, value in row["buckets"].items():
            if cents(value):
                assert (row["customer"], label) not in out, f"two rows for {row['customer']}"
                out[(row["customer"], label)] = cents(value)
    for label in answer["buckets"]:
        assert sum(v for (_, lb), v in out.items() if lb == label) == cents(answer["totals"][label]), label
    return out


# -- the desk: a folder with ardesk.toml, a ledger, a pinned clock -------------------------------------------------

class Desk:
    """One user's ardesk folder pointed at a stand-in, with the command line's "today" pinned."""

    def __init__(self, standin, folder, monkeypatch):
        self.standin, self.folder = standin, folder
        self.config = folder / "ardesk.toml"
        self.config.write_text(f'[odoo]\nurl = "{standin.url}"\ndb = "{standin.db}"\nuser = "admin"\n',
                               encoding="utf-8")
        self.ledger = folder / "ardesk.db"
        monkeypatch.setenv("ARDESK_ODOO_PASSWORD", standin.password)
        monkeypatch.setattr(cli_common, "date", self._clock())
        self.today = TODAY

    def _clock(self):
        desk = self

        class PinnedDate(date):
            @classmethod
            def today(cls):
                return desk.today

            @classmethod
            def fromisoformat(cls, text):
                return date.fromisoformat(text)

        return PinnedDate

    def run(self, *args: str) -> str:
        result = CliRunner().invoke(cli, ["--config", str(self.config), "--ledger", str(self.ledger), *args])
        assert result.exit_code == 0, (args, result.output, result.exception)
        return result.stdout

    def aging(self, source: str, at: date) -> dict:
        answer = json.loads(self.run("aging", source, "--as-of", at.isoformat(), "--format", "json",
                                     "--buckets", ",".join(map(str, EDGES))))
        assert (answer["as_of"], answer["currency"], answer["buckets"]) == (at.isoformat(), "USD", labels())
        assert answer["warnings"] == [], answer["warnings"]
        return answer

    def agings(self, source: str, dates=PAST) -> dict[date, dict]:
        return {d: answer_cents(self.aging(source, d)) for d in dates}

    def pull(self, on: date) -> None:
        """``ardesk pull odoo`` with today = ``on``; the server's clock moves there too."""
        self.today = on
        store = self.standin.store
        with store.lock:
            store.clock = max(store.clock, datetime(on.year, on.month, on.day, 12))
        assert "stored snapshot" in self.run("pull", "odoo")


@pytest.fixture(scope="module", params=VERSIONS)
def standin(request):
    with start_standin(version=request.param) as s:
        yield s


@pytest.fixture
def desk(standin, tmp_path, monkeypatch):
    return Desk(standin, tmp_path, monkeypatch)


# -- the seeded year has what makes a past date differ from today ---------------------------------------------------

def settled_after(store, at: date) -> Counter:
    """Kinds of matches made after ``at`` on lines of company 1 that were on the books at ``at``."""
    lines, moves = store.tables[AML], store.tables[MOVE]
    out: Counter = Counter()
    for p in store.tables[PARTIAL].values():
        debit, credit = lines[p["debit_move_id"]], lines[p["credit_move_id"]]
        if p["max_date"] <= at.isoformat() or debit["company_id"] != 1:
            continue
        credit_type = moves[credit["move_id"]]["move_type"]
        if debit["date"] <= at.isoformat():
            out["credited" if credit_type == "out_refund" else "paid" if debit["reconciled"] else "part paid"] += 1
        if credit["date"] <= at.isoformat():
            out["open credit note" if credit_type == "out_refund" else "unapplied payment"] += 1
    return out


# -- 1. every date of the year, for each version ----------------------------------------------------------------

def test_aging_odoo_as_of_any_date_of_the_year_is_the_oca_aged_balance_of_that_date(desk):
    store = desk.standin.store
    for at in month_ends(TODAY, 12)[:-1]:
        assert set(settled_after(store, at)) == {"paid", "part paid", "credited", "open credit note",
                                                 "unapplied payment"}, at
    seen = set()
    for at in DATES:
        expected = oca_aged_balance(store, at)
        assert answer_cents(desk.aging("odoo", at)) == expected, at
        seen.add(tuple(sorted(expected.items())))
    assert len(seen) == len(DATES)      # every date has its own answer: none is today's books aged differently
    # the ledger holds what the pulls stored: the same answers from it
    for at in (DATES[0], DATES[5], DATES[-1]):
        assert answer_cents(desk.aging("ledger", at)) == oca_aged_balance(store, at), at


# -- 2 and 3. incremental pulls: today's events leave the past alone, retroactive ones do not ------------------

def open_invoices(store, *, posted_before: date) -> list[int]:
    """Company-1 customer invoices in the company currency, posted and still open, oldest first."""
    moves, lines = store.tables[MOVE], store.tables[AML]
    out = []
    for mid, move in sorted(moves.items()):
        if (move["move_type"] == "out_invoice" and move["state"] == "posted" and move["company_id"] == 1
                and move["currency_id"] == store.charts[1]["currency_id"] and move["date"] < posted_before.isoformat()
                and any(lines[lid].get("receivable") and lines[lid]["amount_residual"] > 0
                        for lid in store.lines_of[mid])):
            out.append(mid)
    return out


def settled_invoice(store, dated_after: date, at: date) -> int:
    """A company-1 invoice dated after ``dated_after`` and on or before ``at``, and matched after ``at``."""
    lines, moves = store.tables[AML], store.tables[MOVE]
    for p in sorted(store.tables[PARTIAL].values(), key=lambda p: p["id"]):
        debit = lines[p["debit_move_id"]]
        move = moves[debit["move_id"]]
        if (move["move_type"] == "out_invoice" and move["state"] == "posted" and move["company_id"] == 1
                and dated_after.isoformat() < debit["date"] <= at.isoformat() < p["max_date"]):
            return move["id"]
    raise AssertionError("the seeded books have no invoice settled inside the range")


def test_incremental_pulls_keep_past_agings_and_take_in_retroactive_changes(desk):
    s, store = desk.standin, desk.standin.store
    desk.pull(TODAY)
    before = desk.agings("ledger")
    assert before == {d: oca_aged_balance(store, d) for d in PAST}

    # Today's events (payments, a credit note, a new invoice) change nothing at a past date, pull after pull.
    later = TODAY + timedelta(days=3)
    with store.lock:
        store.clock = datetime(later.year, later.month, later.day, 9)
    invoices = open_invoices(store, posted_before=PAST[0])
    for mid, share in zip(invoices[:4], ("1", "0.5", "1", "0.25")):
        residual = sum(store.tables[AML][lid]["amount_residual"] for lid in store.lines_of[mid]
                       if store.tables[AML][lid].get("receivable"))
        s.pay(mid, (Decimal(residual) / 100 * Decimal(share)).quantize(Decimal("0.01")), later)
    partner = store.tables[MOVE][invoices[-1]]["commercial_partner_id"]
    s.add_invoice(partner, "95.00", later, refund=True)
    s.add_invoice(partner, "1234.56", later)
    desk.pull(later)
    assert desk.agings("ledger") == before
    s.pay(invoices[-1], "10.00", later + timedelta(days=1))
    desk.pull(later + timedelta(days=1))
    assert desk.agings("ledger") == before
    desk.pull(later + timedelta(days=2))        # nothing changed since: the same again
    assert desk.agings("ledger") == before
    now = later + timedelta(days=2)            # while the day of the pull itself shows today's events
    assert answer_cents(desk.aging("odoo", now)) == oca_aged_balance(store, now) != before[PAST[-1]]

    # Retroactive changes: an invoice settled during the year is cancelled (its matches undone), one dated in the
    # spring is added and paid in the summer. Past agings follow the new raw rows, through `aging odoo` and the
    # ledger alike.
    cancelled = settled_invoice(store, date(2026, 4, 1), date(2026, 5, 31))
    s.cancel(cancelled)
    spring = s.add_invoice(partner, "777.77", date(2026, 3, 10), [date(2026, 4, 9)])
    s.pay(spring, "500.00", date(2026, 7, 20))
    desk.pull(later + timedelta(days=5))
    expected = {d: oca_aged_balance(store, d) for d in PAST}
    assert desk.agings("ledger") == expected
    assert desk.agings("odoo") == expected
    changed = {d for d in PAST if expected[d] != before[d]}
    assert {date(2026, 3, 31), date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 1)} <= changed
    assert date(2025, 12, 31) not in changed        # before the spring invoice and before the cancelled one
