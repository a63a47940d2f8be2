"""Payment plans (receivables.plans) measured on hand-worked books with payment history, by the promise tracker."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import receivables.plans as plans_module
from receivables.errors import InputError
from receivables.frames import frames_of
from receivables.plans import (
    Break,
    Instalment,
    NextDue,
    Plan,
    covered_items,
    covered_items_frames,
    parse_instalments,
    plan_states,
    plan_states_frames,
)
from receivables.records import (
    ALLOCATIONS,
    ISSUED_HISTORY,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)

D = Decimal
REPORT = date(2027, 3, 31)
AGREED = date(2026, 12, 1)
HISTORY = frozenset({ALLOCATIONS, PAYMENTS, ISSUED_HISTORY, PAYMENT_DATES})
CUSTOMERS = (Customer("C1", "Acme Ltd"), Customer("C2", "Bolt GmbH"), Customer("C3", "Kaze KK"))
# Three instalments of 500.00 on Acme's 1,500.00: windows (3 days' grace) to 18 Dec, 18 Jan and 18 Feb.
SCHEDULE = "2026-12-15:500.00, 2027-01-15:500.00, 2027-02-15:500.00"


def it(id_, total, open_, *, cust="C1", kind=ItemKind.INVOICE, issued=date(2026, 10, 1), currency="USD",
       number=None, paid_on=None):
    return Invoice(id=id_, number=id_ if number is None else number, customer_id=cust, kind=kind, issued=issued,
                   due=issued + timedelta(days=30), currency=currency, total=D(total), open_amount=D(open_),
                   paid_on=paid_on)


def pay(id_, day, amount, *, cust="C1", currency="USD"):
    return Payment(id_, cust, day, D(amount), currency)


def books(items, payments=(), allocations=(), *, report=REPORT, knows=HISTORY, rates=None):
    return Books(source="t", company_currency="USD", report_date=report, customers=CUSTOMERS, items=tuple(items),
                 payments=tuple(payments), allocations=tuple(allocations), knows=knows, rates=rates or {})


def acme(*payments):
    """Acme's invoice 1001 of 1,500.00 (issued 1 Oct) and its payments ``(day, amount)``, each allocated to 1001."""
    pays = [pay(f"P{k}", day, amount) for k, (day, amount) in enumerate(payments)]
    paid = sum((p.amount for p in pays), D(0))
    return books([it("1001", "1500.00", str(D("1500.00") - paid))], pays,
                 [Allocation("1001", p.id, p.amount, p.date) for p in pays])


def plan(schedule=SCHEDULE, *, plan_id="p1", customer="C1", agreed=AGREED, currency=None, grace=3, numbers=()):
    return Plan(plan_id, customer, agreed, parse_instalments(schedule, currency), currency, numbers, grace)


def state_of(b, p, as_of):
    return plan_states(b, [p], as_of)[p.plan_id]


def rows(state):
    """Each instalment as (state, received, counted)."""
    return [(i.state, i.received, i.counted) for i in state.instalments]


# ---------------------------------------------------------------------------------------------- the plan kept


def test_a_plan_kept_to_the_end_is_completed():
    # 500.00 on 14 Dec (before the first due date), 500.00 on 15 Jan (on the day), 500.00 on 17 Feb (within the
    # 3 days' grace of 15 Feb). Cumulative 500 / 1,000 / 1,500 met in each window: completed.
    b = acme((date(2026, 12, 14), "500.00"), (date(2027, 1, 15), "500.00"), (date(2027, 2, 17), "500.00"))
    s = state_of(b, plan(), REPORT)
    assert (s.state, s.broken, s.next_due, s.currency) == ("completed", None, None, "USD")
    assert rows(s) == [("paid", D("500.00"), D("500.00")), ("paid", D("1000.00"), D("500.00")),
                       ("paid", D("1500.00"), D("500.00"))]
    # On 20 Jan two are paid (1,000.00 in by then) and the third is next: 500.00 by 15 Feb.
    mid = state_of(b, plan(), date(2027, 1, 20))
    assert (mid.state, mid.next_due) == ("running", NextDue(3, date(2027, 2, 15), D("500.00")))
    assert [i.state for i in mid.instalments] == ["paid", "paid", "due"]
    assert mid.to_json_dict() == {
        "plan_id": "p1", "customer_id": "C1", "as_of": "2027-01-20", "state": "running", "currency": "USD",
        "instalments": [
            {"number": 1, "due": "2026-12-15", "grace_until": "2026-12-18", "amount": "500.00", "cumulative": "500.00",
             "received": "500.00", "counted": "500.00", "remaining": "0.00", "state": "paid", "currency": "USD",
             "reason": ""},
            {"number": 2, "due": "2027-01-15", "grace_until": "2027-01-18", "amount": "500.00",
             "cumulative": "1000.00", "received": "1000.00", "counted": "500.00", "remaining": "0.00",
             "state": "paid", "currency": "USD", "reason": ""},
            {"number": 3, "due": "2027-02-15", "grace_until": "2027-02-18", "amount": "500.00",
             "cumulative": "1500.00", "received": "1000.00", "counted": "0.00", "remaining": "500.00",
             "state": "due", "currency": "USD", "reason": ""}],
        "broken": None, "next_due": {"number": 3, "due": "2027-02-15", "amount": "500.00"}, "reason": ""}


# ---------------------------------------------------------------------------------------------- broken


def test_a_missed_second_instalment_breaks_the_plan_with_its_shortfall():
    # 500.00 on 15 Dec pays the first. 200.00 on 10 Jan is all that comes by 18 Jan: 700.00 of the 1,000.00
    # cumulative, 300.00 short. At 31 Jan the plan is broken at instalment 2; the first stays paid; the third's
    # window is still open and nothing beyond 1,000.00 has come (700.00 in): due, 0 counted.
    b = acme((date(2026, 12, 15), "500.00"), (date(2027, 1, 10), "200.00"))
    s = state_of(b, plan(), date(2027, 1, 31))
    assert s.state == "broken" and s.next_due is None
    assert s.broken == Break(2, date(2027, 1, 15), date(2027, 1, 18), D("300.00"))
    assert rows(s) == [("paid", D("500.00"), D("500.00")), ("missed", D("700.00"), D("200.00")),
                       ("due", D("700.00"), D(0))]
    assert s.to_json_dict()["broken"] == {"number": 2, "due": "2027-01-15", "grace_until": "2027-01-18",
                                          "shortfall": "300.00"}
    # On 18 Jan, the last day of grace, it was still running with 300.00 to come of the second instalment.
    assert state_of(b, plan(), date(2027, 1, 18)).next_due == NextDue(2, date(2027, 1, 15), D("300.00"))
    assert [i.state for i in state_of(b, plan(), date(2027, 1, 18)).instalments] == ["paid", "partly paid", "due"]


def test_a_broken_plan_stays_broken_when_the_customer_catches_up_later():
    # Same start; 800.00 more on 25 Jan, after the second window. Oldest first: 300.00 of it settles the second
    # instalment late, 500.00 pays the third before its due date. At 31 March the third is paid (1,500.00 in by
    # 18 Feb), yet the plan broke on 18 Jan and stays broken: paid instalments are a prefix only up to the break.
    b = acme((date(2026, 12, 15), "500.00"), (date(2027, 1, 10), "200.00"), (date(2027, 1, 25), "800.00"))
    s = state_of(b, plan(), REPORT)
    assert [i.state for i in s.instalments] == ["paid", "missed", "paid"]
    assert (s.state, s.broken.number, s.broken.shortfall) == ("broken", 2, D("300.00"))


# ---------------------------------------------------------------------------------------------- the cumulative rule


def test_an_early_overpayment_pays_the_next_instalments():
    # 1,200.00 on 10 Dec. Cumulative rule: 500 (first) and 1,000 (second) are met; the third is counted 200.00
    # beyond the 1,000.00 of the first two. At 20 Dec: running, 300.00 still to come by 15 Feb.
    b = acme((date(2026, 12, 10), "1200.00"))
    s = state_of(b, plan(), date(2026, 12, 20))
    assert rows(s) == [("paid", D("1200.00"), D("500.00")), ("paid", D("1200.00"), D("500.00")),
                       ("partly paid", D("1200.00"), D("200.00"))]
    assert (s.state, s.next_due) == ("running", NextDue(3, date(2027, 2, 15), D("300.00")))
    # Nothing more comes: on 19 Feb the third window is over at 1,200.00 of 1,500.00: broken at 3, 300.00 short.
    late = state_of(b, plan(), date(2027, 2, 19))
    assert (late.state, late.broken) == ("broken", Break(3, date(2027, 2, 15), date(2027, 2, 18), D("300.00")))
    assert [i.state for i in late.instalments] == ["paid", "paid", "missed"]
    # A payment made before the plan was agreed does not count toward it (the tracker's window opens on its date).
    before = acme((date(2026, 11, 30), "1200.00"))
    assert [i.state for i in state_of(before, plan(), date(2026, 12, 20)).instalments] == ["missed", "due", "due"]


def test_a_partial_payment_within_grace():
    # 300.00 on 16 Dec (after the due date, within grace): on 17 Dec the first is partly paid, 200.00 to come.
    b = acme((date(2026, 12, 16), "300.00"))
    s = state_of(b, plan(), date(2026, 12, 17))
    assert (s.instalments[0].state, s.instalments[0].counted) == ("partly paid", D("300.00"))
    assert (s.state, s.next_due) == ("running", NextDue(1, date(2026, 12, 15), D("200.00")))
    # Nothing more by 18 Dec: on 19 Dec the plan is broken at 1, 200.00 short.
    assert state_of(b, plan(), date(2026, 12, 19)).broken == Break(1, date(2026, 12, 15), date(2026, 12, 18),
                                                                  D("200.00"))
    # The other 200.00 on 18 Dec, the last day of grace: paid, the plan runs on.
    b = acme((date(2026, 12, 16), "300.00"), (date(2026, 12, 18), "200.00"))
    s = state_of(b, plan(), date(2026, 12, 19))
    assert (s.state, s.instalments[0].state, s.next_due.number) == ("running", "paid", 2)


def test_a_payment_after_the_due_date_counts_within_grace_only():
    # Due 15 Dec, 3 days' grace: 500.00 on 18 Dec counts; on 19 Dec it is too late (broken, all 500.00 short);
    # with 4 days' grace the 19th counts again.
    on_time = acme((date(2026, 12, 18), "500.00"))
    assert state_of(on_time, plan(), date(2026, 12, 31)).instalments[0].state == "paid"
    late = acme((date(2026, 12, 19), "500.00"))
    s = state_of(late, plan(), date(2026, 12, 31))
    assert (s.state, s.broken.shortfall, s.instalments[0].received) == ("broken", D("500.00"), D(0))
    assert state_of(late, plan(grace=4), date(2026, 12, 31)).state == "running"
    assert state_of(late, plan(grace=0), date(2026, 12, 31)).broken.grace_until == date(2026, 12, 15)


# ---------------------------------------------------------------------------------------------- what books cannot tell


def test_books_of_open_items_alone_run_blind_then_give_unknown():
    # An A/R aging export at 31 March: 1,500.00 open. While the first window runs it is due with nothing known
    # of what came in (counted None, so is what is left of it); once it closes the plan is unknown, and says why.
    b = books([it("1001", "1500.00", "1000.00")], knows=frozenset())
    running = state_of(b, plan(), date(2026, 12, 10))
    assert (running.state, running.next_due) == ("running", NextDue(1, date(2026, 12, 15), None))
    assert rows(running)[0] == ("due", None, None)
    assert running.to_json_dict()["next_due"] == {"number": 1, "due": "2026-12-15", "amount": None}
    s = state_of(b, plan(), date(2026, 12, 19))
    assert (s.state, s.broken, s.next_due) == ("unknown", None, None)
    assert s.reason.startswith("instalment 1 due 2026-12-15: the books hold only what was open at 2027-03-31: "
                               "they cannot show what was paid from 2026-12-01 to 2026-12-18")
    # Books knowing when items were paid in full rebuild it: 1001 paid in full on 17 Dec kept all three.
    dated = books([it("1001", "1500.00", "0", paid_on=date(2026, 12, 17))],
                  knows=frozenset({PAYMENT_DATES, ISSUED_HISTORY}))
    assert state_of(dated, plan(), REPORT).state == "completed"


def test_a_window_past_the_books_date_is_unknown_not_broken():
    # The books stand at 10 Jan; at 31 Jan the second window (to 18 Jan) reaches past them.
    b = books([it("1001", "1500.00", "1000.00")], [pay("P", date(2026, 12, 15), "500.00")],
              [Allocation("1001", "P", D("500.00"), date(2026, 12, 15))], report=date(2027, 1, 10))
    s = state_of(b, plan(), date(2027, 1, 31))
    assert [i.state for i in s.instalments] == ["paid", "unknown", "due"]
    assert s.state == "unknown" and "the books stand at 2027-01-10" in s.reason


# ---------------------------------------------------------------------------------------------- currencies


def test_a_plan_in_euros_for_a_customer_invoiced_in_euros():
    # Bolt's invoice B1 of 800.00 EUR; the company keeps USD at 1.1 USD a euro. Plan: 400.00 EUR on 15 Dec and
    # 15 Jan. 400.00 EUR on 12 Dec; 440.00 USD on 14 Jan, which at 1.1 is 400.00 EUR: both paid, and the reason
    # says a conversion was made.
    b = books([it("B1", "800.00", "0", cust="C2", currency="EUR")],
              [pay("E1", date(2026, 12, 12), "400.00", cust="C2", currency="EUR"),
               pay("U1", date(2027, 1, 14), "440.00", cust="C2")], rates={"EUR": D("1.1")})
    p = plan("2026-12-15:400.00,2027-01-15:400.00", customer="C2", currency="eur")
    s = state_of(b, p, REPORT)
    assert (p.currency, s.state, s.currency) == ("EUR", "completed", "EUR")
    assert rows(s) == [("paid", D("400.00"), D("400.00")), ("paid", D("800.00"), D("400.00"))]
    assert "converted to EUR at the books' rates" in s.instalments[1].reason
    assert s.to_json_dict()["instalments"][1]["cumulative"] == "800.00"
    # The same plan stated in USD is not converted: unknown, asking to restate it in EUR.
    s = state_of(b, plan("2026-12-15:440.00,2027-01-15:440.00", customer="C2", currency="USD"), REPORT)
    assert (s.state, s.currency, s.instalments[0].state) == ("unknown", "USD", "unknown")
    assert s.reason == ("the plan is in USD, but the books compare Bolt GmbH's payments in EUR (its items' one "
                        "currency, else the company currency): restate the plan in EUR")


def test_a_yen_plan_is_exact_at_no_decimals():
    # Kaze's invoice of 100,000 JPY: 50,000 + 50,000. 49,999 in by 18 Dec: one yen short.
    b = books([it("K1", "100000", "50001", cust="C3", currency="JPY")],
              [pay("Y1", date(2026, 12, 14), "49999", cust="C3", currency="JPY")])
    s = state_of(b, plan("2026-12-15:50000,2027-01-15:50000", customer="C3", currency="JPY"), date(2026, 12, 31))
    assert (s.state, s.broken.shortfall, s.to_json_dict()["broken"]["shortfall"]) == ("broken", D(1), "1")
    # With no currency given the plan takes the yen; an amount finer than a yen cannot be measured.
    p = plan("2026-12-15:50000.5", customer="C3")
    s = state_of(b, p, date(2026, 12, 31))
    assert (s.state, s.currency) == ("unknown", "JPY")
    assert s.reason == "instalment amounts have more decimals than JPY has (0): round them to 0 decimals"


# ---------------------------------------------------------------------------------------------- several plans


def test_plans_of_one_customer_do_not_supersede_each_other_and_later_plans_are_left_out():
    # One payment of 500.00 on 14 Dec. Plan p1 (500.00 by 15 Dec) and p2 (250.00 by 15 Dec, 250.00 by 15 Jan),
    # both of 1 Dec on Acme: each counts the same 500.00 by its own rule (the tracker would call a promise written
    # while another is open "superseded"; one instalment per customer per call avoids it). p3 is agreed on 1 Jan,
    # after the as-of date: not in effect, left out. p4 names a customer the books do not have.
    b = acme((date(2026, 12, 14), "500.00"))
    p1 = plan("2026-12-15:500.00")
    p2 = plan("2026-12-15:250.00,2027-01-15:250.00", plan_id="p2")
    p3 = plan("2027-01-15:100.00", plan_id="p3", agreed=date(2027, 1, 1))
    p4 = plan("2026-12-15:1.00", plan_id="p4", customer="Acme Ltd")
    states = plan_states(b, [p1, p2, p3, p4], date(2026, 12, 31))
    assert list(states) == ["p1", "p2", "p4"]
    assert states["p1"].state == "completed" and states["p2"].state == "completed"
    assert (states["p4"].state, states["p4"].reason) == ("unknown", "no customer with id 'Acme Ltd' in the books")
    with pytest.raises(InputError, match="two plans have the id 'p1'"):
        plan_states(b, [p1, p1], REPORT)


def test_many_plans_go_to_the_tracker_in_one_call_per_instalment_rank(monkeypatch):
    # 40 plans of 12 instalments on 40 customers: 12 tracker calls. A second plan on one customer adds its own
    # layers (12 more), and a plan with another grace its own call.
    custs = tuple(Customer(f"K{n}", f"Kunde {n}") for n in range(40))
    b = Books(source="t", company_currency="USD", report_date=REPORT, customers=custs, knows=HISTORY,
              items=tuple(it(f"i{n}", "1200.00", "0", cust=f"K{n}") for n in range(40)),
              payments=tuple(pay(f"P{n}", date(2026, 12, 10), "1200.00", cust=f"K{n}") for n in range(40)))
    schedule = ",".join(f"{date(2027, m, 10).isoformat()}:100.00" for m in range(1, 13))
    many = [plan(schedule, plan_id=f"q{n}", customer=f"K{n}") for n in range(40)]
    calls = []
    real = plans_module.track_frames

    def counting(frames, notes, as_of, **kw):
        calls.append(len(notes))
        return real(frames, notes, as_of, **kw)

    monkeypatch.setattr(plans_module, "track_frames", counting)
    frames = frames_of(b)
    states = plan_states_frames(frames, many, REPORT)
    assert calls == [40] * 12 and {s.state for s in states.values()} == {"completed"}
    calls.clear()
    plan_states_frames(frames, [*many, plan(schedule, plan_id="again", customer="K0"),
                                plan("2027-01-10:5.00", plan_id="g", customer="K1", grace=7)], REPORT)
    assert sorted(calls) == [1] + [1] * 12 + [40] * 12


# ---------------------------------------------------------------------------------------------- covered items


def test_covered_items_by_number_and_by_what_was_open_when_agreed():
    # INV/7 in two instalments (two items sharing the number), a credit note sharing number 88 with invoice 88,
    # and with allocations: a1 paid on 20 Nov (closed before the plan), a2 open at 1 Dec and paid on 5 Dec
    # (covered: open when agreed), a3 issued on 2 Dec (after the plan: not covered), a4 open throughout.
    items = [it("aml:1", "300.00", "300.00", number="INV/7"), it("aml:2", "200.00", "200.00", number="INV/7"),
             it("i88", "50.00", "50.00", number="88"), it("c88", "-5.00", "-5.00", number="88",
                                                          kind=ItemKind.CREDIT_NOTE),
             it("a1", "10.00", "0"), it("a2", "20.00", "0"), it("a3", "30.00", "30.00", issued=date(2026, 12, 2)),
             it("a4", "40.00", "40.00"), it("z", "9.00", "9.00", cust="C2")]
    b = books(items, [pay("P1", date(2026, 11, 20), "10.00"), pay("P2", date(2026, 12, 5), "20.00")],
              [Allocation("a1", "P1", D("10.00"), date(2026, 11, 20)),
               Allocation("a2", "P2", D("20.00"), date(2026, 12, 5))])
    by_number = plan(numbers=(" inv/7", "88", "a4", "nowhere"))
    assert covered_items(b, by_number) == {"aml:1", "aml:2", "i88", "a4"}
    everything = plan(plan_id="p2")
    assert covered_items(b, everything) == {"aml:1", "aml:2", "i88", "c88", "a2", "a4"}
    # Books of open items at 31 March cannot show 1 Dec: the items open at their date issued by 1 Dec.
    open_only = books(items, knows=frozenset())
    assert covered_items(open_only, everything) == {"aml:1", "aml:2", "i88", "c88", "a4"}
    # Many plans at once, each answered as alone.
    other = plan(plan_id="p3", customer="C2", agreed=date(2026, 11, 1))
    assert covered_items_frames(frames_of(b), [by_number, everything, other]) == {
        "p1": covered_items(b, by_number), "p2": covered_items(b, everything), "p3": frozenset({"z"})}


# ---------------------------------------------------------------------------------------------- typing a plan


def test_parse_instalments():
    assert parse_instalments(" 2026-12-15 : 500.00 ,2027-01-15:500") == (
        Instalment(date(2026, 12, 15), D("500.00")), Instalment(date(2027, 1, 15), D("500")))
    assert parse_instalments("2026-12-15:1.250", "kwd") == (Instalment(date(2026, 12, 15), D("1.250")),)
    assert parse_instalments("2026-12-15:500.005") == (Instalment(date(2026, 12, 15), D("500.005")),)  # no currency


@pytest.mark.parametrize(("text", "currency", "message"), [
    ("", None, "no instalments: expected at least one, such as 2026-12-15:500.00"),
    ("2026-12-15:500.00,", None, "instalment 2 is empty: expected DATE:AMOUNT such as 2026-12-15:500.00, "
                                 "instalments separated by one comma"),
    ("2026-12-15 500.00", None, "instalment 1 ('2026-12-15 500.00'): expected DATE:AMOUNT such as "
                                "2026-12-15:500.00, found no ':'"),
    ("2026-12-15:5,2026-13-01:5", None, "instalment 2 ('2026-13-01:5'): due date '2026-13-01' is not a date: "
                                        "expected YYYY-MM-DD such as 2026-12-15"),
    ("15/12/2026:5", None, "instalment 1 ('15/12/2026:5'): due date '15/12/2026' is not a date: expected "
                           "YYYY-MM-DD such as 2026-12-15"),
    ("2026-12-15:1,000.00", None, "instalment 2 ('000.00'): expected DATE:AMOUNT such as 2026-12-15:500.00, "
                                  "found no ':' (amounts take no thousands separators: 1000.00, not 1,000.00)"),
    ("2026-12-15:500 USD", None, "instalment 1 ('2026-12-15:500 USD'): amount '500 USD' is not an amount: "
                                 "expected digits with a decimal point, no thousands separators or currency, "
                                 "such as 1500.00"),
    ("2026-12-15:5e2", None, "instalment 1 ('2026-12-15:5e2'): amount '5e2' is not an amount: expected digits "
                             "with a decimal point, no thousands separators or currency, such as 1500.00"),
    ("2026-12-15:0.00", None, "instalment 1 ('2026-12-15:0.00'): amount 0.00 is not above zero: give what the "
                              "customer pays, such as 500.00"),
    ("2026-12-15:-5", None, "instalment 1 ('2026-12-15:-5'): amount -5 is not above zero: give what the "
                            "customer pays, such as 500.00"),
    ("2026-12-15:500.001", "USD", "instalment 1 ('2026-12-15:500.001'): amount 500.001 has more decimals than "
                                  "USD has (2): round it to 2 decimals"),
    ("2026-12-15:500.5", "JPY", "instalment 1 ('2026-12-15:500.5'): amount 500.5 has more decimals than JPY has "
                                "(0): round it to 0 decimals"),
    ("2026-12-15:5,2026-12-15:5", None, "instalment 2 ('2026-12-15:5'): due date 2026-12-15 is not after the "
                                        "previous instalment's 2026-12-15: give the instalments in date order, one "
                                        "a day at most"),
    ("2027-01-15:5,2026-12-15:5", None, "instalment 2 ('2026-12-15:5'): due date 2026-12-15 is not after the "
                                        "previous instalment's 2027-01-15: give the instalments in date order, one "
                                        "a day at most"),
    ("2026-12-15:5", "US$", "not an ISO 4217 currency code: 'US$' (give an ISO 4217 code such as EUR)"),
])
def test_parse_errors_name_the_bad_part(text, currency, message):
    with pytest.raises(InputError) as caught:
        parse_instalments(text, currency)
    assert str(caught.value) == message and "\n" not in message


def test_parse_and_plan_refuse_an_instalment_before_the_agreement():
    with pytest.raises(InputError) as caught:
        parse_instalments("2026-11-30:5", agreed_on=AGREED)
    assert str(caught.value) == ("instalment 1 ('2026-11-30:5'): due date 2026-11-30 is before the plan's date "
                                 "2026-12-01")
    with pytest.raises(InputError, match="^plan 'p1', instalment 1: due date 2026-11-30 is before"):
        Plan("p1", "C1", AGREED, (Instalment(date(2026, 11, 30), D(5)),))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"instalments": ()}, "plan 'p1': a plan needs at least one instalment"),
    ({"grace_days": -1}, "plan 'p1': grace days must be a whole number of days, 0 or more, not -1"),
    ({"currency": "Euro"}, "plan 'p1': not an ISO 4217 currency code: 'Euro' (give an ISO 4217 code such as EUR, "
                           "or none)"),
    ({"instalments": (Instalment(date(2026, 12, 15), D("0.001")),), "currency": "EUR"},
     "plan 'p1', instalment 1: amount 0.001 has more decimals than EUR has (2): round it to 2 decimals"),
    ({"customer_id": " "}, "plan 'p1': a plan needs a customer id, not ' '"),
])
def test_a_plan_is_checked_when_made(kwargs, message):
    fields = {"plan_id": "p1", "customer_id": "C1", "agreed_on": AGREED,
              "instalments": (Instalment(date(2026, 12, 15), D(5)),), **kwargs}
    with pytest.raises(InputError) as caught:
        Plan(**fields)
    assert str(caught.value) == message


def test_amounts_are_never_floats():
    with pytest.raises(TypeError, match="refuses float"):
        Instalment(date(2026, 12, 15), 500.0)


# ---------------------------------------------------------------------------------------------- a property


@settings(max_examples=80, deadline=None)
@given(amounts=st.lists(st.integers(1, 50_000), min_size=1, max_size=5),
       gaps=st.lists(st.integers(1, 20), min_size=5, max_size=5), first=st.integers(0, 10),
       payments=st.lists(st.tuples(st.integers(-3, 90), st.integers(1, 60_000)), max_size=6),
       grace=st.integers(0, 5), as_of=st.integers(0, 100))
def test_broken_iff_a_cumulative_was_short_when_its_grace_ran_out(amounts, gaps, first, payments, grace, as_of):
    # Instalments of ``amounts`` cents due ``first`` days after 1 Dec, then ``gaps`` days apart; payments of
    # cents on 1 Dec + day. The plan against a reference worked out here from the cumulative rule.
    dues, day = [], first
    for k in range(len(amounts)):
        dues.append(day)
        day += gaps[k]
    cents = lambda n: D(n).scaleb(-2)                                              # noqa: E731
    b = books([it("1001", "9999999.00", "0")],
              [pay(f"P{k}", AGREED + timedelta(days=d), str(cents(c))) for k, (d, c) in enumerate(payments)],
              report=AGREED + timedelta(days=200))
    p = Plan("p", "C1", AGREED, tuple(Instalment(AGREED + timedelta(days=d), cents(a)) for d, a in zip(dues, amounts)),
             grace_days=grace)
    s = state_of(b, p, AGREED + timedelta(days=as_of))

    expected, cumulative, before, short = [], 0, 0, False
    for d, a in zip(dues, amounts):
        cumulative += a
        end = min(d + grace, as_of)
        got = sum(c for day_, c in payments if 0 <= day_ <= end)      # from the plan's date to the window's end
        over = as_of > d + grace
        state = ("paid" if got >= cumulative else "missed" if over else
                 "partly paid" if got > before else "due")
        short |= over and got < cumulative
        expected.append((state, cents(got), cents(min(a, max(got - before, 0)))))
        before = cumulative
    assert rows(s) == expected
    assert (s.state == "broken") == short
    states = [i.state for i in s.instalments]
    paid = [k for k, x in enumerate(states) if x == "paid"]
    if not short:
        assert paid == list(range(len(paid)))                  # paid instalments form a prefix
        assert s.state == ("completed" if len(paid) == len(states) else "running")
        if s.state == "running":
            n = len(paid)
            assert s.next_due == NextDue(n + 1, p.instalments[n].due, p.instalments[n].amount - expected[n][2])
    else:
        # A later instalment can be paid after a missed one (a late payment catching up): the first instalment
        # not paid is the missed one the plan broke at, and the shortfall is what its cumulative lacked.
        k = states.index("missed")
        assert paid[:k] == list(range(k)) and s.broken.number == k + 1
        assert s.broken.shortfall == p.instalments[k].amount - expected[k][2] > 0
