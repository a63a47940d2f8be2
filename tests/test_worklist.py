"""The collector's worklist (receivables.worklist) on hand-built books whose expected order is argued in each test:
broken promises, disputes, payment plans, follow-up dates, reminders that bounced or went unanswered, the reason's
words, the summary, collectors; then ``ardesk worklist`` through its runner and as a real process."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from connectors.quickbooks.sample import SAMPLE_DIR
from jobs.settings import settings_for
from jobs.worklist import build_worklist
from receivables.config_schema import WorklistWeights
from receivables.errors import InputError
from receivables.ledger import Ledger
from receivables.plans import Plan, parse_instalments
from receivables.records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    CollectionNote,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)
from receivables.reminder_store import REFUSED
from receivables.worklist import NEXT_ACTIONS, Reminded, Timing, Weights, worklist
from receivables.worklist_words import money_text

D = Decimal
AS_OF = date(2026, 12, 1)
HISTORY = frozenset({OPEN_ITEMS, DUE_DATES, PAYMENTS, ALLOCATIONS, ISSUED_HISTORY, PAYMENT_DATES})
ROOT = Path(__file__).resolve().parents[1]


def inv(id_, cust, days_late, amount, *, open_=None):
    """Invoice ``id_`` of ``cust`` due ``days_late`` days before AS_OF, issued 30 days before that."""
    due = AS_OF - timedelta(days=days_late)
    return Invoice(id=id_, number=id_, customer_id=cust, kind=ItemKind.INVOICE, issued=due - timedelta(days=30),
                   due=due, currency="USD", total=D(amount), open_amount=D(amount if open_ is None else open_))


def books(items, payments=(), allocations=(), names=None, **customer_fields):
    """Books standing at AS_OF, with payment history (a promise's outcome can be judged). Each customer has an
    e-mail address and a phone, unless ``customer_fields`` say otherwise for it."""
    ids = dict.fromkeys(i.customer_id for i in items)
    customers = tuple(Customer(c, (names or {}).get(c, c), email=f"ar@{c.lower()}.example", phone="+1 555 0100",
                               **customer_fields.get(c, {})) for c in ids)
    return Books(source="test", company_currency="USD", report_date=AS_OF, customers=customers, items=tuple(items),
                 payments=tuple(payments), allocations=tuple(allocations), knows=HISTORY)


def note(uid, customer, written, text="", **kw):
    return CollectionNote(uid=uid, customer=customer, written_at=written, text=text, **kw)


def run(b, *, risk=None, **kw):
    """The worklist at AS_OF; risk scores 0 unless given, so the order the tests argue rests on the other parts."""
    return worklist(b, AS_OF, risk={} if risk is None else risk, **kw)


def order(wl) -> list[str]:
    return [r.customer_id for r in wl.rows]


def row(wl, cid):
    (found,) = [r for r in wl.rows if r.customer_id == cid]
    return found


def parts(r) -> dict[str, int]:
    return {p.kind: p.points for p in r.parts}


# ---------------------------------------------------------------------------------------------- the order argued


def test_a_broken_promise_outranks_a_larger_but_younger_balance():
    # Acme owes 4,000.00, 47 days late (31-60: weighs 1.5, so 6,000.00 at risk), and promised on 20 Nov to pay it
    # by 25 Nov; nothing came by the grace's end (28 Nov): broken, and no note since. Bolt owes 20,000.00, 10 days
    # late (1-30: weighs 1). Both were last touched by a note on 20 Nov and both have a reminder level due.
    # The overdue part is full (60) at the books' 90th percentile, here Bolt's 20,000.00; Acme's 6,000.00 earns
    # 60 x 0.3 = 18. Acme: broken promise 60 + overdue 18 + level due 10 + 11 days untouched 5.5 -> 6 = 94; Bolt:
    # 60 + 10 + 6 = 76. Bolt's balance could earn at most the overdue weight, which the broken promise alone
    # equals: a broken promise outranks any younger balance.
    b = books([inv("A1", "ACME", 47, "4000.00"), inv("B1", "BOLT", 10, "20000.00")])
    wl = run(b, notes=[note("n1", "ACME", date(2026, 11, 20), "will pay", promise_date=date(2026, 11, 25),
                            promise_amount=D("4000.00")),
                       note("n2", "BOLT", date(2026, 11, 20), "called")])
    assert order(wl) == ["ACME", "BOLT"]
    acme, bolt = row(wl, "ACME"), row(wl, "BOLT")
    assert parts(acme) == {"broken_promise": 60, "overdue": 18, "level_due": 10, "untouched": 6}
    assert parts(bolt) == {"overdue": 60, "level_due": 10, "untouched": 6}
    assert (acme.score, bolt.score) == (94, 76)
    assert acme.next_action == "follow_up_promise" and bolt.next_action == "send_next_level"
    assert acme.reason.startswith("broken promise of 4,000.00 on 2026-11-25; ")
    assert acme.promise == "broken: 4,000.00 on 2026-11-25"
    assert wl.summary.broken_promises == 1
    # Paid in full within the grace: kept, and Acme falls back behind the larger balance (18 + 10 + 6 = 34).
    paid = books([inv("A1", "ACME", 47, "4000.00", open_="0.00"), inv("B1", "BOLT", 10, "20000.00")],
                 [Payment("P1", "ACME", date(2026, 11, 27), D("4000.00"), "USD")],
                 [Allocation("A1", "P1", D("4000.00"), date(2026, 11, 27))])
    kept = run(paid, notes=[note("n1", "ACME", date(2026, 11, 20), "will pay", promise_date=date(2026, 11, 25),
                                 promise_amount=D("4000.00"))])
    assert order(kept) == ["BOLT"] and kept.summary.broken_promises == 0


def test_a_disputed_invoice_does_not_drive_a_call():
    # Cask's only overdue invoice (9,000.00, 122 days) was disputed 6 days ago: nothing to do yet, not listed.
    # Dune's was disputed on 1 Oct and no note since (61 days > 14): check the dispute, never a call, and the
    # disputed amount is not at risk (overdue 0.00). Fern's disputed invoice has a follow-up date reached: the
    # follow-up is about the dispute, so check it. Ember has a disputed 9,000.00 and an undisputed 500.00, 10 days
    # late: only the 500.00 counts, and what it needs is the next reminder.
    b = books([inv("C1", "CASK", 122, "9000.00"), inv("D1", "DUNE", 122, "9000.00"), inv("F1", "FERN", 122, "9000.00"),
               inv("E1", "EMBER", 122, "9000.00"), inv("E2", "EMBER", 10, "500.00")])
    disputes = [note("c", "CASK", date(2026, 11, 25), "billed twice", invoice="C1", dispute="open"),
                note("d", "DUNE", date(2026, 10, 1), "wrong goods", invoice="D1", dispute="open"),
                note("f", "FERN", date(2026, 11, 25), "price", invoice="F1", dispute="open",
                     next_action_date=date(2026, 11, 30)),
                note("e", "EMBER", date(2026, 11, 25), "damaged", invoice="E1", dispute="open")]
    wl = run(b, notes=disputes)
    assert "CASK" not in order(wl)
    assert {r.customer_id: r.next_action for r in wl.rows} == {"DUNE": "check_dispute", "FERN": "check_dispute",
                                                               "EMBER": "send_next_level"}
    dune, ember = row(wl, "DUNE"), row(wl, "EMBER")
    assert dune.overdue == D("0.00") and "overdue" not in parts(dune)
    assert dune.reason.startswith("dispute on invoice D1 (9,000.00) open since 2026-10-01, no note for 61 days")
    assert ember.overdue == D("500.00") and "1-30 days 500.00" in ember.reason and "9,000" not in ember.reason
    assert wl.summary.disputes_open == 4 and wl.summary.customers_to_call == 0
    # The same books without the notes: every one is listed, for its final reminder (122 days, none sent).
    assert {r.customer_id: r.next_action for r in run(b).rows} == dict.fromkeys(("CASK", "DUNE", "FERN", "EMBER"),
                                                                                 "send_next_level")


def test_a_customer_on_a_kept_plan_stays_off_the_list():
    # Gale and Hale each owe 1,500.00 on an invoice 61 days late, 500.00 of it paid on 30 Oct. Gale agreed on 10 Oct
    # to pay 500.00 on 1 Nov, 15 Dec and 15 Jan: the first instalment came (30 Oct), the next is not due yet; the
    # plan runs and covers the invoice, so nothing of Gale's is at risk and Gale needs nothing today. Hale, without
    # a plan, is listed. Iris broke her plan (500.00 due 15 Nov, nothing came by 18 Nov): escalate. Jade's first
    # instalment is due today: follow it up.
    def owing(cust):
        return inv(f"{cust}1", cust, 61, "1500.00", open_="1000.00")

    b = books([owing("GALE"), owing("HALE"), inv("IRIS1", "IRIS", 61, "1500.00"), inv("JADE1", "JADE", 61, "1500.00")],
              [Payment(f"P{c}", c, date(2026, 10, 30), D("500.00"), "USD") for c in ("GALE", "HALE")],
              [Allocation(f"{c}1", f"P{c}", D("500.00"), date(2026, 10, 30)) for c in ("GALE", "HALE")])
    plans = [Plan("P-gale", "GALE", date(2026, 10, 10), parse_instalments("2026-11-01:500, 2026-12-15:500, "
                                                                          "2027-01-15:500")),
             Plan("P-iris", "IRIS", date(2026, 10, 10), parse_instalments("2026-11-15:500, 2026-12-15:1000")),
             Plan("P-jade", "JADE", date(2026, 10, 10), parse_instalments("2026-12-01:750, 2027-01-01:750"))]
    wl = run(b, plans=plans)
    assert "GALE" not in order(wl) and "HALE" in order(wl)
    iris, jade = row(wl, "IRIS"), row(wl, "JADE")
    assert iris.next_action == "escalate"
    assert iris.reason.startswith("plan P-iris broken at instalment 1 of 2026-11-15 (short 500.00)")
    assert jade.next_action == "follow_up_promise"
    assert jade.reason.startswith("instalment 1 of plan P-jade: 750.00 due today")
    assert jade.overdue == D("0.00")                   # the plan covers the invoice while it runs
    everyone = run(b, plans=plans, everyone=True)
    gale = row(everyone, "GALE")
    assert gale.next_action == "nothing" and gale.reason.startswith("nothing: on plan P-gale, next instalment "
                                                                     "2026-12-15")


def test_a_follow_up_date_reached_brings_a_customer_up():
    # Kite, Loom, Nook and Oak each owe 2,000.00 ten days late; Mast owes 4,000.00 (the 90th percentile: its
    # overdue part is the full 60, the others' 30). Each had a note on 24 Nov (7 days: 3.5 -> 4 points) and a
    # first reminder due (10). Kite's note asks for a follow-up today: +40 makes 84, above Mast's 74; Loom's note
    # asks for none, Nook's for 5 Dec (not yet), and Oak's follow-up of 28 Nov was done by a note on 29 Nov (2
    # days: 1 point): 44, 44 and 41.
    b = books([inv(f"{c}1", c, 10, "2000.00") for c in ("KITE", "LOOM", "NOOK", "OAK")] + [inv("M1", "MAST", 10,
                                                                                            "4000.00")])
    notes = [note("k", "KITE", date(2026, 11, 24), "call back", next_action_date=AS_OF),
             note("l", "LOOM", date(2026, 11, 24), "sent copy"),
             note("n", "NOOK", date(2026, 11, 24), "call back", next_action_date=date(2026, 12, 5)),
             note("m", "MAST", date(2026, 11, 24), "sent copy"),
             note("o1", "OAK", date(2026, 11, 24), "call back", next_action_date=date(2026, 11, 28)),
             note("o2", "OAK", date(2026, 11, 29), "called back: will check")]
    wl = run(b, notes=notes)
    assert order(wl)[:2] == ["KITE", "MAST"]
    assert [(r.customer_id, r.score) for r in wl.rows] == [("KITE", 84), ("MAST", 74), ("LOOM", 44), ("NOOK", 44),
                                                           ("OAK", 41)]
    kite = row(wl, "KITE")
    assert kite.next_action == "call" and kite.reason.startswith("follow-up due today; ")
    assert "follow_up" not in parts(row(wl, "NOOK")) and "follow_up" not in parts(row(wl, "OAK"))


def test_the_reason_names_each_factor_with_money_as_the_currency_writes_it():
    # Pike: 12,400.00 in 61-90 and 3,000.00 in 1-30; a promise of 4,000.00 for 25 Nov, broken; the second reminder
    # (21 Nov) bounced, so no reminder reached Pike and the final one is due (75 days); risk 50. Every part is in
    # the reason, the action's cause (the broken promise) first, then by points: the overdue balance (alone, so
    # the books' 90th percentile: 60), the bounce 30, risk 0.3 x 50 = 15, the level 10, 11 days untouched 6.
    b = books([inv("P1", "PIKE", 75, "12400.00"), inv("P2", "PIKE", 12, "3000.00")])
    wl = run(b, risk={"PIKE": 50},
             notes=[note("p", "PIKE", date(2026, 11, 20), "will pay", promise_date=date(2026, 11, 25),
                         promise_amount=D("4000.00"))],
             reminders=[Reminded("PIKE", "second", date(2026, 11, 21), state="refused", email="ar@pike.example",
                                 outcome="550 5.1.1 no such user")])
    (pike,) = wl.rows
    assert pike.reason == ("broken promise of 4,000.00 on 2026-11-25; 61-90 days 12,400.00, 1-30 days 3,000.00; "
                           "second reminder of 2026-11-21 bounced (550 5.1.1 no such user); risk 50/100; final "
                           "reminder due (75 days past due), none sent; last touch 11 days ago")
    assert [p.kind for p in pike.parts] == ["broken_promise", "overdue", "bounced", "risk", "level_due", "untouched"]
    assert pike.score == sum(p.points for p in pike.parts) == 60 + 60 + 30 + 15 + 10 + 6
    assert pike.next_action == "follow_up_promise"
    assert pike.last_touch == date(2026, 11, 20) and pike.email == "ar@pike.example"
    assert pike.next_action in NEXT_ACTIONS and pike.currency == "USD" and str(pike.overdue) == "15400.00"
    # Money in words: the currency's places and thousands separators, the code where it is not the company's.
    assert money_text(D("1234567"), "JPY", "USD") == "1,234,567 JPY"
    assert money_text(D("-1234.5"), "USD", "USD") == "-1,234.50"


# ---------------------------------------------------------------------------------------------- reminders


def test_reminders_bounced_unanswered_waiting_and_at_the_last_level():
    # Each owes 1,000.00, 50 days late (level "final", 45 days, reached). Quill's final reminder bounced: call.
    # Reed's final reminder of 20 Nov had no payment and no note since (11 days >= 7): the last level went
    # unanswered, escalate. Sage's final reminder was 3 days ago: waiting for an answer, not listed. Tarn's second
    # reminder of 10 Nov was answered by a note on 12 Nov and the final one is due: send it. Umber's went to a new
    # address since the bounce (the customer's e-mail is not the one that bounced): no bounce.
    late = [inv(f"{c}1", c, 50, "1000.00") for c in ("QUILL", "REED", "SAGE", "TARN", "UMBER")]
    b = books(late)
    reminded = [Reminded("QUILL", "final", date(2026, 11, 20), state="refused", email="ar@quill.example"),
                Reminded("REED", "final", date(2026, 11, 20)), Reminded("SAGE", "final", date(2026, 11, 28)),
                Reminded("TARN", "second", date(2026, 11, 10)),
                Reminded("UMBER", "final", date(2026, 11, 20), state="refused", email="old@umber.example"),
                Reminded("UMBER", "second", date(2026, 11, 10))]
    wl = run(b, reminders=reminded, notes=[note("t", "TARN", date(2026, 11, 12), "will look")])
    actions = {r.customer_id: r.next_action for r in wl.rows}
    assert actions == {"QUILL": "call", "REED": "escalate", "TARN": "send_next_level", "UMBER": "send_next_level"}
    assert row(wl, "REED").reason.startswith("final reminder of 2026-11-20 unanswered for 11 days")
    assert "bounced" not in parts(row(wl, "UMBER"))
    assert row(wl, "TARN").last_touch == date(2026, 11, 12)
    sage = row(run(b, reminders=reminded, everyone=True), "SAGE")
    assert sage.reason.startswith("nothing: final reminder of 2026-11-28: waiting for an answer until 2026-12-05")


def test_handed_over_customers_are_never_listed_and_an_open_promise_pauses_the_balance():
    # Vale was handed to the agency; Wren promised to pay by 5 Dec (not yet due): nothing today, until the date
    # has come, when the promise is followed up.
    b = books([inv("V1", "VALE", 80, "5000.00"), inv("W1", "WREN", 80, "5000.00")])
    promise = [note("w", "WREN", date(2026, 11, 28), "will pay", promise_date=date(2026, 12, 5))]
    assert order(run(b, handed_over={"VALE"}, notes=promise)) == []
    later = worklist(b, date(2026, 12, 5), risk={}, handed_over={"VALE"}, notes=promise)
    (wren,) = later.rows
    assert wren.next_action == "follow_up_promise" and wren.promise == "5,000.00 on 2026-12-05"
    assert later.summary.promises_due_today == 1


# ---------------------------------------------------------------------------------------------- collectors, weights


def test_collectors_from_the_source_else_the_assignment_and_the_filter():
    b = books([inv("X1", "XENA", 40, "100.00"), inv("Y1", "YALE", 40, "200.00"), inv("Z1", "ZINC", 40, "300.00")],
              names={"XENA": "Xena Ltd", "YALE": "Yale & Co"}, ZINC={"collector": "Zoe Park"})
    assign = {"Ann Lee": ["xena ltd", "ZINC"], "Bo": ["YALE"]}
    wl = run(b, assignments=assign)
    assert {r.customer_id: r.collector for r in wl.rows} == {"XENA": "Ann Lee", "YALE": "Bo", "ZINC": "Zoe Park"}
    assert order(run(b, assignments=assign, collector="  ann  LEE ")) == ["XENA"]
    assert order(run(b, assignments=assign, collector="zoe park")) == ["ZINC"]
    with pytest.raises(InputError) as refused:
        run(b, assignments=assign, collector="Carl")
    assert str(refused.value) == "no customer is worked by collector 'Carl' (collectors: Ann Lee, Bo, Zoe Park)"
    limited = run(b, assignments=assign, limit=1)
    assert [r.rank for r in limited.rows] == [1] and limited.listed == 3


def test_weights_are_data_and_the_configured_defaults_are_the_engines():
    assert Weights(**WorklistWeights().model_dump()) == Weights()
    b = books([inv("A1", "ACME", 47, "4000.00"), inv("B1", "BOLT", 10, "20000.00")])
    notes = [note("n1", "ACME", date(2026, 11, 20), "", promise_date=date(2026, 11, 25), promise_amount=D("4000"))]
    assert order(run(b, notes=notes)) == ["ACME", "BOLT"]
    # A desk that counts broken promises for nothing ranks by the balance: Bolt's 60 + 10 + 6 above Acme's 34.
    assert order(run(b, notes=notes, weights=Weights(broken_promise=0))) == ["BOLT", "ACME"]
    with pytest.raises(ValueError):
        Weights(overdue=-1)
    assert Timing().answer_days == 7


def test_the_risk_score_of_the_books_when_none_is_given():
    b = books([inv("A1", "ACME", 100, "4000.00")])
    (acme,) = worklist(b, AS_OF).rows
    # All of it overdue (35 of 35) and over 90 days (20 of 20); no invoice paid, so days late are unknown: 55.
    assert "risk 55/100" in acme.reason and parts(acme)["risk"] == 17          # 0.3 x 55 = 16.5 -> 17


# ---------------------------------------------------------------------------------------------- the command line


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    for f in Path(SAMPLE_DIR).glob("*Open Invoices*"):
        shutil.copy(f, exports / f.name)
    (tmp_path / "contacts.csv").write_text('Customer,Email,Phone\n"Beacon Cafe, Ltd",ap@beacon.example,+1 555 0199\n')
    (tmp_path / "ardesk.toml").write_text(
        '[source]\ndefault = "exports"\n[reminders]\ncontacts = "contacts.csv"\n'
        '[worklist.collectors]\nAnn = ["Beacon Cafe, Ltd", "Pioneer Outfitters"]\n')
    return tmp_path


ROW_KEYS = ["rank", "customer", "score", "next_action", "reason", "overdue", "promise", "last_touch", "phone", "email",
            "collector"]


def _json(*args) -> dict:
    result = CliRunner().invoke(cli, ["worklist", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_command_prints_the_contract_in_every_format(desk):
    data = _json("--as-of", "2026-10-31")
    assert list(data)[:1] == ["as_of"] and data["as_of"] == "2026-10-31" and data["currency"] == "USD"
    assert data["rows"] and all(list(r) == ROW_KEYS for r in data["rows"])
    assert [r["rank"] for r in data["rows"]] == list(range(1, len(data["rows"]) + 1))
    assert [r["score"] for r in data["rows"]] == sorted((r["score"] for r in data["rows"]), reverse=True)
    beacon = next(r for r in data["rows"] if r["customer"] == "Beacon Cafe, Ltd")
    assert (beacon["email"], beacon["phone"], beacon["collector"]) == ("ap@beacon.example", "+1 555 0199", "Ann")
    assert Decimal(beacon["overdue"]) > 0 and beacon["overdue"].split(".")[1].isdigit()
    assert set(data["summary"]) == {"promises_due_today", "broken_promises", "disputes_open", "customers_to_call"}
    ann = _json("--as-of", "2026-10-31", "--collector", "ann", "--limit", "1")
    assert [r["collector"] for r in ann["rows"]] == ["Ann"] and ann["listed"] == 2
    table = CliRunner().invoke(cli, ["worklist", "--as-of", "2026-10-31", "--limit", "3"])
    assert table.exit_code == 0 and table.stdout.splitlines()[2].split() == ["Rank", "Customer", "Score", "Next",
                                                                            "action", "Reason", "Overdue"]
    assert len(table.stdout.splitlines()) == 4 + 3
    csv = CliRunner().invoke(cli, ["worklist", "--as-of", "2026-10-31", "--format", "csv"])
    assert csv.stdout.splitlines()[0] == ("Rank,Customer,Score,Next action,Reason,Overdue,Promise,Last touch,Phone,"
                                          "E-mail,Collector,As of,Books as of")
    unknown = CliRunner().invoke(cli, ["worklist", "--collector", "Nobody"])
    assert unknown.exit_code == 2 and unknown.stderr == ("ardesk: no customer is worked by collector 'Nobody' "
                                                         "(collectors: Ann)\n")


def test_the_ledgers_notes_and_a_bounced_reminder_reach_the_worklist(desk):
    today = date.today()                     # the ledger records when a notice was tried: today
    built = CliRunner().invoke(cli, ["remind", "build", "--as-of", today.isoformat(), "--format", "json"])
    batch = json.loads(built.stdout)
    (beacon,) = [n for n in batch["notices"] if n["customer"] == "Beacon Cafe, Ltd"]
    assert beacon["channel"] == "email"
    with Ledger(desk / "ardesk.db") as ledger:
        ledger.reminders.mark(batch["batch"], beacon["customer_id"], REFUSED, outcome="550 no such user")
    added = CliRunner().invoke(cli, ["notes", "add", "Pioneer Outfitters", "call back", "--date", today.isoformat(),
                                     "--next-action", today.isoformat()])
    assert added.exit_code == 0, added.output
    rows = {r["customer"]: r for r in _json("--as-of", today.isoformat())["rows"]}
    assert rows["Beacon Cafe, Ltd"]["next_action"] == "call"
    assert "bounced (550 no such user)" in rows["Beacon Cafe, Ltd"]["reason"]
    pioneer = rows["Pioneer Outfitters"]
    assert pioneer["next_action"] == "call" and pioneer["reason"].startswith("follow-up due today")
    assert pioneer["last_touch"] == today.isoformat()
    # The job itself, as the buttons and the scheduler call it: Ann's two customers, the bounce the call.
    ann = build_worklist(None, settings_for(desk / "ardesk.toml"), as_of=today, today=today, collector="Ann")
    assert {r.customer: r.next_action for r in ann.rows} == {"Beacon Cafe, Ltd": "call", "Pioneer Outfitters": "call"}
    assert ann.summary.customers_to_call == 2 and ann.collector == "Ann"


def test_worklist_as_a_real_process_on_a_quickbooks_export(desk):
    done = subprocess.run([sys.executable, "-c", "from cli import main; main()", "worklist",
                           str(desk / "exports"), "--as-of", "2026-10-31", "--limit", "5", "--format", "json"],
                          cwd=desk, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of"] == "2026-10-31" and len(data["rows"]) == 5
    assert all(list(r) == ROW_KEYS and r["next_action"] in NEXT_ACTIONS for r in data["rows"])
