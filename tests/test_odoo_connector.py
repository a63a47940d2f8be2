"""The Odoo connector against the Odoo stand-in, through the real odoorpc client, for every version profile."""
from __future__ import annotations

import json
import math
import random
import socket
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest

from connectors.odoo import OdooClient, cutoff_of, pull, server_version
from receivables.config import OdooConfig
from receivables.errors import AuthError, ConfigError, RemoteError
from receivables.money import to_minor
from tests.odoo_standin import start_standin

TODAY = date(2026, 10, 31)
VERSIONS = ("14.0", "15.0", "16.0", "17.0", "18.0", "19.0")


def config(standin, **kw) -> OdooConfig:
    base = {"url": standin.url, "db": standin.db, "user": "admin", "batch_size": 40, "retries": 3,
            "backoff": 0.001, "timeout": 10}
    base.update(kw)
    return OdooConfig(**base)


def full(standin, **kw):
    return pull(config(standin, **kw), password="admin", today=TODAY)


def strip(books):
    """Books without the fields that name the pull rather than the data."""
    return (books.company_currency, books.report_date, books.customers, books.items, books.payments,
            books.allocations, books.knows, books.period)


# -- the independent reference: OCA's aged partner balance computed from the stand-in's rows -------------------

def nonzero(cells: Counter) -> Counter:
    """The cells that are not zero, negative ones included (open credits, unapplied payments); unary ``+`` on a
    Counter would drop those."""
    return Counter({k: v for k, v in cells.items() if v})


def oca_aged_balance(store, company_id: int, date_at: date) -> Counter:
    """Cents per (partner id, bucket) by the OCA account_financial_report rules, from the raw store rows."""
    receivable = {aid for aid, acc in store.tables["account.account"].items() if acc.get("receivable")}
    out: Counter = Counter()
    for line in store.tables["account.move.line"].values():
        if (line["account_id"] not in receivable or line["company_id"] != company_id
                or line["parent_state"] != "posted" or line["reconciled"] or line["amount_residual"] == 0
                or date.fromisoformat(line["date"]) > date_at):
            continue
        due = date.fromisoformat(line["date_maturity"]) if line["date_maturity"] else None
        if due is None or date_at <= due:
            bucket = "current"
        elif date_at <= due + timedelta(days=30):
            bucket = "30"
        elif date_at <= due + timedelta(days=60):
            bucket = "60"
        elif date_at <= due + timedelta(days=90):
            bucket = "90"
        elif date_at <= due + timedelta(days=120):
            bucket = "120"
        else:
            bucket = "older"
        out[(str(line["partner_id"] or 0), bucket)] += line["amount_residual"]
    return nonzero(out)


def connector_aged_balance(books) -> Counter:
    """The same grouping over the connector's open items (due date, company currency, signed)."""
    out: Counter = Counter()
    for it in books.open_items():
        days = (books.report_date - it.due).days if it.due else 0
        bucket = ("current" if days <= 0 else "30" if days <= 30 else "60" if days <= 60 else "90" if days <= 90
                  else "120" if days <= 120 else "older")
        out[(it.customer_id, bucket)] += to_minor(it.open_amount_company, books.company_currency)
    return nonzero(out)


def store_aged_balance_at(store, company_id: int, at: date) -> Counter:
    """Cents per (partner id, bucket label) of the books as they stood at the end of ``at``, from the raw rows:
    a posted receivable line dated on or before ``at`` is open by its balance less the partial reconciliations
    dated (``max_date``) on or before ``at``."""
    receivable = {aid for aid, acc in store.tables["account.account"].items() if acc.get("receivable")}
    partials = store.tables["account.partial.reconcile"].values()
    settled: Counter = Counter()
    for p in partials:
        if date.fromisoformat(p["max_date"]) <= at:
            settled[p["debit_move_id"]] += p["amount"]
            settled[p["credit_move_id"]] -= p["amount"]
    out: Counter = Counter()
    for lid, line in store.tables["account.move.line"].items():
        if (line["account_id"] not in receivable or line["company_id"] != company_id
                or line["parent_state"] != "posted" or date.fromisoformat(line["date"]) > at):
            continue
        open_cents = line["balance"] - settled[lid]
        if not open_cents:
            continue
        due = date.fromisoformat(line["date_maturity"]) if line["date_maturity"] else at
        late = (at - due).days
        label = ("Current" if late <= 0 else "1-30" if late <= 30 else "31-60" if late <= 60 else "61-90"
                 if late <= 90 else "91-120" if late <= 120 else "121+")
        out[(str(line["partner_id"] or 0), label)] += open_cents
    return nonzero(out)


@pytest.mark.parametrize("version", ["16.0", "19.0"])
def test_books_rebuilt_at_past_dates_age_like_the_raw_ledger(version):
    """receivables.aging over the pulled books, as of dates since the cutoff, equals the raw ledger to the cent."""
    from receivables.aging import aging

    with start_standin(version=version) as s:
        books, _ = full(s)
        for at in (TODAY, TODAY - timedelta(days=17), TODAY - timedelta(days=95), cutoff_of(TODAY, 24)
                   + timedelta(days=40)):
            report = aging(books, at, edges=(30, 60, 90, 120))
            got: Counter = Counter()
            for row in report.rows:
                for label, value in zip(report.labels, row.amounts):
                    got[(row.customer_id, label)] += to_minor(value, books.company_currency)
            assert nonzero(got) == store_aged_balance_at(s.store, 1, at), at


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_a_full_pull_takes_a_page_per_batch_plus_five_round_trips_as_the_server_counts_them(version):
    """The bound ceil(N / batch) + 5 for N journal items, counted by the server, with pages of partial
    reconciliations and customers wider than the batch; a company given by id saves the company look-up."""
    with start_standin(version=version, size=300) as s:
        before = s.requests
        books, state = full(s, batch_size=150)
        n, trips = len(state["line_ids"]), s.requests - before
        assert n > 600 and n % 150 and len(books.allocations) > 150
        assert trips == state["round_trips"] == math.ceil(n / 150) + 5
        before = s.requests
        by_id, state_id = full(s, batch_size=150, company=1)
        assert s.requests - before == state_id["round_trips"] == math.ceil(n / 150) + 4
        assert strip(by_id) == strip(books)
        assert connector_aged_balance(books) == oca_aged_balance(s.store, 1, TODAY)
        assert s.calls["fields_get"] == 0 and s.calls["search"] == 0  # no account, id or kind searches


@pytest.mark.parametrize("version", VERSIONS)
def test_full_pull_ages_like_oca_and_an_unchanged_incremental_pull_takes_three_round_trips(version):
    with start_standin(version=version) as s:
        seen = []
        books, state = pull(config(s), password="admin", today=TODAY, progress=lambda d, t: seen.append((d, t)))
        assert connector_aged_balance(books) == oca_aged_balance(s.store, 1, TODAY)
        assert books.company_currency == "USD" and books.report_date == TODAY
        assert seen[-1][0] == seen[-1][1] > 0
        kinds = Counter(it.kind.value for it in books.open_items())
        assert kinds["invoice"] and kinds["credit_note"] and kinds["payment"], kinds
        # the manual entry's receivable line has no due date: it is Current
        assert any(it.due is None and it.open_amount > 0 for it in books.open_items())
        if version.startswith("19"):
            assert any("no_followup" in it.flags for it in books.items)
        # version, login, company, pages of items (keyset: one more when the last page is exactly full), pages of
        # 160 partial reconciliations and of 160 customers; up to 15 also partner fields and 3 kind searches
        n = len(state["line_ids"])
        partials = s.call("account.partial.reconcile", "search_count", [
            ("company_id", "=", 1), "|", "|", ("max_date", ">=", cutoff_of(TODAY, 24).isoformat()),
            ("debit_move_id.reconciled", "=", False), ("credit_move_id.reconciled", "=", False)])
        extra = 4 if version in ("14.0", "15.0") else 0
        assert state["round_trips"] == (math.ceil(n / 40) + (n % 40 == 0) + 3 + partials // 160 + 1
                                        + math.ceil(len(books.customers) / 160) + extra)
        # the state survives JSON; an unchanged incremental pull is three requests and gives the same books
        state = json.loads(json.dumps(state))
        before = sum(s.calls.values())
        again, state2 = pull(config(s), password="admin", today=TODAY, previous=books, state=state)
        assert sum(s.calls.values()) - before == state2["round_trips"] <= 3
        assert strip(again) == strip(books)
        assert "admin" not in json.dumps({k: v for k, v in state2.items() if k != "user"})


def test_history_payments_and_allocations_rebuild_the_books():
    """Each history item's open amount now = its total less what was allocated to it (exact, company currency)."""
    with start_standin(version="17.0") as s:
        books, _ = full(s)
    cutoff = cutoff_of(TODAY, 24)
    allocated: Counter = Counter()
    for a in books.allocations:
        allocated[a.debit_item_id] += a.amount
        allocated[a.credit_item_id] -= a.amount
    company = [it for it in books.items if it.currency == books.company_currency]
    assert company
    for it in company:
        assert it.total - allocated[it.id] == it.open_amount_company, it
        if it.open_amount == 0:
            assert it.paid_on is not None and it.paid_on >= it.issued and it.paid_on >= cutoff
    assert books.payments and all(p.amount > 0 and p.date >= cutoff for p in books.payments)
    items = {it.id for it in books.items}
    assert any(set(p.applied_to) & items for p in books.payments)


ACTIONS = ("pay", "cancel", "add", "pay_part", "delete", "add_refund", "rename")


def _mutate(s, rng: random.Random, round_no: int, action: str) -> str:
    lines = s.store.tables["account.move.line"]
    moves = s.store.tables["account.move"]
    open_invoices = sorted({ln["move_id"] for ln in lines.values()
                            if ln.get("receivable") and not ln["reconciled"] and ln["company_id"] == 1
                            and moves[ln["move_id"]]["move_type"] == "out_invoice"
                            and ln["parent_state"] == "posted"})
    partners = sorted(pid for pid, p in s.store.tables["res.partner"].items() if p.get("credit_limit") is not None
                      and p["id"] > 3)
    day = TODAY - timedelta(days=rng.randint(0, 3))
    if action in ("pay", "pay_part") and open_invoices:
        mid = rng.choice(open_invoices)
        residual = sum(ln["amount_residual_currency"] for ln in lines.values()
                       if ln["move_id"] == mid and ln.get("receivable"))
        amount = Decimal(residual) / 100 if action == "pay" else (Decimal(residual) / 200).quantize(Decimal("0.01"))
        s.pay(mid, amount, day)
    elif action in ("cancel", "delete") and open_invoices:
        getattr(s, action)(rng.choice(open_invoices))
    elif action == "rename":
        s.call("res.partner", "write", [rng.choice(partners)], {"name": f"Renamed {round_no}",
                                                                 "email": f"r{round_no}@x.example"})
    else:
        s.add_invoice(rng.choice(partners), f"{rng.randint(10, 5000)}.{rng.randint(0, 99):02d}", day,
                      [day + timedelta(days=30), day + timedelta(days=60)] if rng.random() < 0.3 else None,
                      refund=action == "add_refund")
    return action


@pytest.mark.parametrize("version,seed", [("14.0", 1), ("17.0", 2), ("19.0", 3)])
def test_incremental_pull_after_random_changes_equals_a_fresh_full_pull(version, seed):
    rng = random.Random(seed)
    with start_standin(version=version) as s:
        books, state = full(s)
        done: Counter = Counter()
        actions = list(ACTIONS) * 3
        rng.shuffle(actions)
        for round_no in range(7):
            for _ in range(rng.randint(1, 4)):
                done[_mutate(s, rng, round_no, actions.pop())] += 1
            today = TODAY + timedelta(days=round_no * 20)       # the history window moves too
            books, state = pull(config(s), password="admin", today=today, previous=books,
                                state=json.loads(json.dumps(state)))
            fresh, fresh_state = pull(config(s), password="admin", today=today)
            assert state["mode"] == "incremental"
            assert strip(books) == strip(fresh), (round_no, done)
            assert state["line_ids"] == fresh_state["line_ids"] and state["kinds"] == fresh_state["kinds"]
        assert set(done) == set(ACTIONS), done


def test_company_filter_by_name_and_by_id():
    with start_standin(version="17.0") as s:
        by_name, state = full(s, company="Stand-in Europe GmbH")
        by_id, _ = full(s, company=2)
        lines = s.store.tables["account.move.line"]
        assert by_name.company_currency == "EUR" and state["company_id"] == 2
        assert strip(by_name) == strip(by_id)
        assert by_name.items and all(lines[int(it.id[4:])]["company_id"] == 2 for it in by_name.items)
        assert connector_aged_balance(by_name) == oca_aged_balance(s.store, 2, TODAY)
        with pytest.raises(ConfigError, match="'Nope' is not a company.*Stand-in US Inc"):
            full(s, company="Nope")


@pytest.mark.parametrize("fault,key", [({"http_500_at": 5}, "500"), ({"drop_at": {3, 6}}, "drop"),
                                       ({"latency": 0.02}, "latency")])
def test_transient_faults_are_retried_and_give_the_same_books(fault, key):
    with start_standin(version="17.0") as s:
        clean, clean_state = full(s)
        s.set_faults(**fault)
        books, state = full(s)
        assert strip(books) == strip(clean)
        extra = {"500": 1, "drop": 2, "latency": 0}[key]
        assert state["round_trips"] == clean_state["round_trips"] + extra


def test_rpc_error_latency_past_the_timeout_and_bad_credentials_fail_clearly():
    with start_standin(version="17.0") as s:
        s.set_faults(rpc_error_at=4)
        with pytest.raises(RemoteError, match="Odoo failed on .*SerializationFailure") as err:
            full(s)
        assert "\n" not in str(err.value) and "Traceback" not in str(err.value)
        s.set_faults(latency=0.3)
        with pytest.raises(RemoteError, match=f"cannot reach the Odoo server at {s.url} .*after 2 attempt"):
            full(s, timeout=0.1, retries=1)
        s.set_faults(latency=0.0)
        books, state = full(s)
        with pytest.raises(AuthError, match="Odoo refused the login for user admin on database demo: check "
                                            "\\[odoo\\] user in ardesk.toml and the password "
                                            "\\(ARDESK_ODOO_PASSWORD"):
            pull(config(s), password="wrong", today=TODAY)
        s.set_faults(password="changed")      # the password changed since the last pull: the state has the uid
        with pytest.raises(AuthError, match="refused the login.*ARDESK_ODOO_PASSWORD"):
            pull(config(s), password="admin", today=TODAY, previous=books, state=state)
        s.set_faults(password=None)
        with pytest.raises(RemoteError, match="no database named 'nodb' on this server \\(it has: demo\\)"):
            pull(config(s, db="nodb"), password="admin", today=TODAY)
        assert server_version(s.url) == "17.0"
        # missing access rights name the model (a private method is refused with Odoo's AccessError)
        client = OdooClient(s.url, s.db, "admin", "admin", backoff=0.001)
        with pytest.raises(AuthError, match="may not read res.partner .*Private methods"):
            client.call("res.partner", "_search", [[]])


def test_an_unreachable_server_is_named():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    cfg = OdooConfig(url=url, db="demo", user="admin", retries=1, backoff=0.001, timeout=2)
    with pytest.raises(RemoteError, match=f"cannot reach the Odoo server at {url}"):
        pull(cfg, password="admin", today=TODAY)
    with pytest.raises(ConfigError, match="url must look like"):
        pull(OdooConfig(url="ftp://x", db="d", user="u"), password="p", today=TODAY)


def test_incremental_pull_from_books_and_state_kept_in_the_ledger(tmp_path):
    from receivables.ledger import Ledger

    with start_standin(version="18.0") as s:
        books, state = full(s)
        with Ledger(tmp_path / "ardesk.db") as ledger:
            sid = ledger.store(books, source_key="odoo:demo", state=state)
            kept, kept_state = ledger.load(sid), ledger.latest("odoo:demo").state
        # the pull's note is an Issue naming the server and database, kept as such by the ledger
        (note,) = books.notes
        assert (note.source, note.severity) == (f"{s.url}, db {s.db}", "info") and kept.notes == books.notes
        assert str(note).startswith(f"{s.url}, db {s.db}: Odoo 18.0, company ")
        s.pay(next(mid for mid, mv in s.store.tables["account.move"].items()
                   if mv["move_type"] == "out_invoice" and mv["state"] == "posted" and mv["payment_state"] == "not_paid"
                   and mv["company_id"] == 1), "10.00", TODAY)
        again, again_state = pull(config(s), password="admin", today=TODAY, previous=kept, state=kept_state)
        fresh, _ = full(s)
        assert again_state["mode"] == "incremental" and strip(again) == strip(fresh) != strip(books)


def test_the_password_never_reaches_the_log_or_the_state(caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    with start_standin(version="16.0", size=20) as s:
        s.set_faults(password="s3cret-pw")
        books, state = pull(config(s), password="s3cret-pw", today=TODAY)
    assert books.items and "s3cret-pw" not in caplog.text and "s3cret-pw" not in json.dumps(state)
