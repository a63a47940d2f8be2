"""Promises to pay and disputes from collection notes (receivables.notes), on hand-worked books."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from receivables.asof import books_as_of
from receivables.frames import item_frame
from receivables.money import from_minor
from receivables.notes import track
from receivables.records import (
    ALLOCATIONS,
    ISSUED_HISTORY,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    CollectionNote,
    Customer,
    Invoice,
    ItemKind,
    LazyItems,
    Payment,
)

D = Decimal
REPORT = date(2026, 3, 31)
HISTORY = frozenset({ALLOCATIONS, PAYMENTS, ISSUED_HISTORY, PAYMENT_DATES})
CUSTOMERS = (Customer("C1", "Acme Ltd"), Customer("C2", "Bolt GmbH"), Customer("T1", "Twin Co"),
             Customer("T2", "twin co "))


def it(id_, total, open_, *, cust="C1", kind=ItemKind.INVOICE, issued=date(2026, 2, 1), currency="USD",
       number=None, company=None, paid_on=None):
    return Invoice(id=id_, number=id_ if number is None else number, customer_id=cust, kind=kind, issued=issued,
                   due=issued + timedelta(days=30), currency=currency, total=D(total), open_amount=D(open_),
                   open_amount_company=None if company is None else D(company), paid_on=paid_on)


def pay(id_, day, amount, *, cust="C1", currency="USD"):
    return Payment(id_, cust, day, D(amount), currency)


def books(items, payments=(), allocations=(), *, report=REPORT, knows=HISTORY, rates=None, company="USD"):
    return Books(source="t", company_currency=company, report_date=report, customers=CUSTOMERS, items=tuple(items),
                 payments=tuple(payments), allocations=tuple(allocations), knows=knows, rates=rates or {})


def note(uid, written, customer="C1", *, invoice=None, promise=None, amount=None, dispute=None):
    return CollectionNote(uid=uid, customer=customer, written_at=written, text="", invoice=invoice, dispute=dispute,
                          promise_date=promise, promise_amount=None if amount is None else D(amount))


def one(tracking, uid):
    (p,) = [p for p in tracking.promises if p.uid == uid]
    return p


# ---------------------------------------------------------------------------------------------- promises


def test_a_promise_kept_by_a_part_payment_and_a_credit_note_applied_counts_each_once():
    # Invoice 1001 of 1,000.00. On 2 March Acme promises 600.00 by 10 March (window to 13 March, 3 days' grace).
    # 5 March: payment P1 400.00, a Payment record and (as Odoo gives it) a payment item, allocated to 1001.
    # 8 March: credit note CN77 250.00 applied to 1001. Received 400.00 + 250.00 = 650.00 >= 600.00: kept.
    # Counting P1's allocation beside its Payment record would make it 1,050.00.
    b = books([it("1001", "1000.00", "350.00"),
               it("CN77", "-250.00", "0", kind=ItemKind.CREDIT_NOTE, issued=date(2026, 3, 6)),
               it("P1", "-400.00", "0", kind=ItemKind.PAYMENT, issued=date(2026, 3, 5))],
              [pay("P1", date(2026, 3, 5), "400.00")],
              [Allocation("1001", "P1", D("400.00"), date(2026, 3, 5)),
               Allocation("1001", "CN77", D("250.00"), date(2026, 3, 8))])
    notes = [note("n1", date(2026, 3, 2), "  ACME ltd", promise=date(2026, 3, 10), amount="600.00")]
    p = one(track(b, notes, REPORT), "n1")
    assert (p.customer_id, p.invoice_id, p.amount, p.received, p.state) == ("C1", None, D("600.00"), D("650.00"),
                                                                            "kept")
    assert (p.grace_until, p.currency) == (date(2026, 3, 13), "USD")
    # On 7 March only the payment had come in: 400.00 of 600.00, the window still running.
    early = one(track(b, notes, date(2026, 3, 7)), "n1")
    assert (early.received, early.state) == (D("400.00"), "open")
    assert track(b, notes, date(2026, 3, 7)).open_promises_by_customer() == {"C1": early}
    # An unapplied payment item no Payment record stands for counts when applied, by allocation date: the same 650.
    no_record = books(b.items, (), b.allocations)
    assert one(track(no_record, notes, REPORT), "n1").received == D("650.00")
    assert p.to_json_dict() == {
        "uid": "n1", "customer_id": "C1", "invoice_id": None, "invoice_number": None, "item_ids": [],
        "made_on": "2026-03-02", "due": "2026-03-10", "grace_until": "2026-03-13", "amount": "600.00",
        "currency": "USD", "received": "650.00", "state": "kept", "reason": ""}


def _paid_on(day, *, grace_days=3):
    # 500.00 promised on 2 March for 10 March; the whole 500.00 paid on ``day``.
    b = books([it("1001", "500.00", "0")], [pay("P", day, "500.00")],
              [Allocation("1001", "P", D("500.00"), day)])
    return one(track(b, [note("n", date(2026, 3, 2), promise=date(2026, 3, 10), amount="500.00")], REPORT,
                     grace_days=grace_days), "n")


def test_a_payment_one_day_after_the_grace_breaks_the_promise():
    late = _paid_on(date(2026, 3, 14))                 # 10 March + 3 days = 13 March; paid on the 14th
    assert (late.grace_until, late.received, late.state) == (date(2026, 3, 13), D(0), "broken")
    assert _paid_on(date(2026, 3, 13)).state == "kept"      # on the last day of grace
    assert _paid_on(date(2026, 3, 14), grace_days=4).state == "kept"
    before = _paid_on(date(2026, 3, 1))                # paid the day before the promise was made: not toward it
    assert (before.received, before.state) == (D(0), "broken")


def test_partly_kept_and_open():
    # 500.00 promised by 10 March; 300.00 paid on 9 March. Window over at 31 March: partly kept, 300 of 500.
    b = books([it("1001", "500.00", "200.00")], [pay("P", date(2026, 3, 9), "300.00")],
              [Allocation("1001", "P", D("300.00"), date(2026, 3, 9))])
    notes = [note("n", date(2026, 3, 2), "Acme Ltd", promise=date(2026, 3, 10), amount="500.00")]
    p = one(track(b, notes, REPORT), "n")
    assert (p.received, p.state) == (D("300.00"), "partly kept")
    # At 13 March (the last day of grace) it is still open with 300.00 in; on the 14th it is partly kept.
    assert one(track(b, notes, date(2026, 3, 13)), "n").state == "open"
    assert one(track(b, notes, date(2026, 3, 14)), "n").state == "partly kept"
    # At 8 March nothing had come in yet.
    assert one(track(b, notes, date(2026, 3, 8)), "n").received == D(0)


def test_a_later_promise_supersedes_an_open_one_only():
    # n0 (1 Feb, for 5 Feb) ran out before n1 was written: broken, not superseded.
    # n1 (2 March, 500.00 by 10 March) still open on 8 March when n2 promised 500.00 by 20 March: superseded.
    # 500.00 paid on 18 March keeps n2. n3 names invoice 2002: another promise, not superseding the customer's.
    b = books([it("1001", "500.00", "0"), it("2002", "80.00", "80.00")], [pay("P", date(2026, 3, 18), "500.00")],
              [Allocation("1001", "P", D("500.00"), date(2026, 3, 18))])
    notes = [note("n0", date(2026, 2, 1), promise=date(2026, 2, 5), amount="500.00"),
             note("n2", date(2026, 3, 8), promise=date(2026, 3, 20), amount="500.00"),
             note("n1", date(2026, 3, 2), promise=date(2026, 3, 10), amount="500.00"),
             note("n3", date(2026, 3, 9), invoice="2002", promise=date(2026, 3, 12), amount="80.00")]
    t = track(b, notes, REPORT)
    assert [(p.uid, p.state) for p in t.promises] == [("n0", "broken"), ("n1", "superseded"), ("n2", "kept"),
                                                      ("n3", "broken")]
    n1 = one(t, "n1")
    assert n1.received == D(0) and n1.reason.startswith("superseded by note n2 of 2026-03-08")
    # On 15 March n2 is the customer's open promise (n3's window ended on the 15th: still open too, but n2's
    # window ends later).
    mid = track(b, notes, date(2026, 3, 15))
    assert mid.open_promises_by_customer()["C1"].uid == "n2"
    # A promise kept before the next note is written stays kept.
    b2 = books(b.items, [pay("P", date(2026, 3, 5), "500.00")], [Allocation("1001", "P", D("500.00"),
                                                                          date(2026, 3, 5))])
    assert [p.state for p in track(b2, notes[1:3], REPORT).promises] == ["kept", "broken"]


def test_a_promise_naming_an_invoice_counts_only_what_was_allocated_to_it():
    # Invoices A-1 (300.00) and B-2 (500.00). On 5 March 500.00 comes in, all allocated to B-2.
    # A promise for A-1 receives nothing (broken); the same promise on the customer receives 500.00 (kept); a
    # promise on B-2 with no amount is for B-2's open amount at the start of 2 March, 500.00 (kept).
    b = books([it("a1", "300.00", "300.00", number="A-1"), it("b2", "500.00", "0", number="B-2")],
              [pay("P", date(2026, 3, 5), "500.00")], [Allocation("b2", "P", D("500.00"), date(2026, 3, 5))])
    notes = [note("na", date(2026, 3, 2), invoice=" a-1 ", promise=date(2026, 3, 10), amount="300.00"),
             note("nc", date(2026, 3, 2), promise=date(2026, 3, 10), amount="300.00"),
             note("nb", date(2026, 3, 2), invoice="b2", promise=date(2026, 3, 10))]
    t = track(b, notes, REPORT)
    na, nb, nc = one(t, "na"), one(t, "nb"), one(t, "nc")
    assert (na.invoice_id, na.invoice_number, na.received, na.state) == ("a1", "A-1", D(0), "broken")
    assert (nc.received, nc.state) == (D("500.00"), "kept")
    assert (nb.invoice_id, nb.amount, nb.received, nb.state) == ("b2", D("500.00"), D("500.00"), "kept")
    assert "B-2's open amount at the start of 2026-03-02" in nb.reason


def test_a_promise_without_an_amount_is_for_what_was_open_at_the_start_of_its_day():
    # Acme: a1 1,000.00, paid 300.00 on 3 March and 700.00 on 12 March. Bolt: b1 500.00, paid 400.00 on 6 March;
    # b2 200.00 issued 8 March.
    # n1 (Acme, 5 March): 1,000.00 - 300.00 = 700.00 open; the 700.00 of 12 March is in the window: kept.
    # n2 (Bolt, 2 March): b1's 500.00 (b2 not issued yet); 400.00 came in by 9 March, when n3 superseded it.
    # n3 (Bolt, 9 March): 100.00 + 200.00 = 300.00; nothing came in from 9 March: broken.
    # n4 (Acme's a1, 4 March): 700.00, the 700.00 allocated to a1 on 12 March: kept.
    b = books([it("a1", "1000.00", "0"), it("b1", "500.00", "100.00", cust="C2"),
               it("b2", "200.00", "200.00", cust="C2", issued=date(2026, 3, 8))],
              [pay("P1", date(2026, 3, 3), "300.00"), pay("P2", date(2026, 3, 12), "700.00"),
               pay("Q1", date(2026, 3, 6), "400.00", cust="C2")],
              [Allocation("a1", "P1", D("300.00"), date(2026, 3, 3)), Allocation("b1", "Q1", D("400.00"),
                                                                                date(2026, 3, 6)),
               Allocation("a1", "P2", D("700.00"), date(2026, 3, 12))])
    notes = [note("n1", date(2026, 3, 5), promise=date(2026, 3, 10)),
             note("n2", date(2026, 3, 2), "C2", promise=date(2026, 3, 10)),
             note("n3", date(2026, 3, 9), "C2", promise=date(2026, 3, 12)),
             note("n4", date(2026, 3, 4), invoice="a1", promise=date(2026, 3, 10))]
    t = track(b, notes, REPORT)
    assert [(p.uid, p.amount, p.received, p.state) for p in t.promises] == [
        ("n2", D("500.00"), D("400.00"), "superseded"), ("n4", D("700.00"), D("700.00"), "kept"),
        ("n1", D("700.00"), D("700.00"), "kept"), ("n3", D("300.00"), D(0), "broken")]
    assert one(t, "n3").reason == "amount: the customer's open balance at the start of 2026-03-09"
    for p in t.promises:        # what receivables.asof rebuilds for the day before
        at = books_as_of(b, p.made_on - timedelta(days=1)).items
        rows = at[(at["customer_id"] == p.customer_id) & (at["id"].isin(p.item_ids) if p.item_ids else True)]
        assert from_minor(int(rows["open_minor"].sum()), "USD") == p.amount


def test_without_allocations_an_invoice_promise_counts_what_the_customer_paid_and_says_so():
    b = books([it("a1", "300.00", "300.00"), it("b2", "500.00", "200.00")],
              [pay("P", date(2026, 3, 5), "300.00")], knows=frozenset({PAYMENTS}))
    p = one(track(b, [note("n", date(2026, 3, 2), invoice="a1", promise=date(2026, 3, 10), amount="300.00")],
                  REPORT), "n")
    assert (p.received, p.state) == (D("300.00"), "kept")
    assert "do not say which invoice a payment settled" in p.reason


def test_a_window_reaching_past_the_books_date_is_unknown_not_broken():
    # Books stand at 11 March; the window runs to 13 March. At 20 March, 100.00 of 500.00 is in the books.
    b = books([it("1001", "500.00", "400.00")], [pay("P", date(2026, 3, 5), "100.00")],
              [Allocation("1001", "P", D("100.00"), date(2026, 3, 5))], report=date(2026, 3, 11))
    p = one(track(b, [note("n", date(2026, 3, 2), promise=date(2026, 3, 10), amount="500.00")],
                  date(2026, 3, 20)), "n")
    assert (p.received, p.state) == (D("100.00"), "unknown")
    assert "the books stand at 2026-03-11: what came in from 2026-03-12 to 2026-03-13 is not in them" in p.reason


def test_books_of_open_items_cannot_tell_and_say_so_unless_they_know_payment_dates():
    # An A/R aging export at 31 March: what was paid in March it cannot show.
    items = [it("1001", "500.00", "0", paid_on=date(2026, 3, 9)), it("2002", "200.00", "200.00")]
    notes = [note("n", date(2026, 3, 2), promise=date(2026, 3, 10), amount="500.00"),
             note("m", date(2026, 3, 2), invoice="2002", promise=date(2026, 3, 10))]
    aging_only = books(items[1:], knows=frozenset())
    t = track(aging_only, notes[:1], REPORT)
    p = one(t, "n")
    assert (p.received, p.state) == (None, "unknown")
    assert "cannot show what was paid from 2026-03-02 to 2026-03-13" in p.reason
    assert one(track(aging_only, notes[:1], date(2026, 3, 12)), "n").state == "open"
    # Knowing when items were paid in full, the books rebuild 2 March: 1001 (500.00) was open then and paid on
    # 9 March: the customer's balance fell by 500.00 in the window (kept). 2002 did not fall: a promise for its
    # open amount (200.00) is broken.
    dated = books(items, knows=frozenset({PAYMENT_DATES, ISSUED_HISTORY}))
    t = track(dated, notes, REPORT)
    assert [(p.uid, p.amount, p.received, p.state) for p in t.promises] == [
        ("m", D("200.00"), D(0), "broken"), ("n", D("500.00"), D("500.00"), "kept")]
    assert "rebuilt from the dates items were paid in full" in one(t, "n").reason
    # Paid on 20 March, after the grace: the fall came too late.
    late = books([it("1001", "500.00", "0", paid_on=date(2026, 3, 20))], knows=frozenset({PAYMENT_DATES,
                                                                                         ISSUED_HISTORY}))
    assert one(track(late, notes[:1], REPORT), "n").state == "broken"


def test_yen_and_dinar_amounts_compare_exactly_at_their_places():
    # JPY has no decimals: 100,000 promised, 60,000 + 39,999 paid = 99,999: partly kept, one yen short.
    # KWD has three: invoice K1 of 1.250, promise of its open amount; 1.249 paid and a 0.001 credit applied = 1.250.
    b = books([it("J1", "150000", "50001", cust="C2", currency="JPY", company="330.00"),
               it("K1", "1.250", "0", currency="KWD", company="0"),
               it("KC", "-0.001", "0", kind=ItemKind.CREDIT_NOTE, currency="KWD", issued=date(2026, 3, 3))],
              [pay("Y1", date(2026, 3, 4), "60000", cust="C2", currency="JPY"),
               pay("Y2", date(2026, 3, 6), "39999", cust="C2", currency="JPY"),
               pay("K", date(2026, 3, 5), "1.249", currency="KWD")],
              [Allocation("J1", "Y1", D("396.00"), date(2026, 3, 4), D("60000")),
               Allocation("J1", "Y2", D("264.00"), date(2026, 3, 6), D("39999")),
               Allocation("K1", "K", D("4.06"), date(2026, 3, 5), D("1.249")),
               Allocation("K1", "KC", D("0.01"), date(2026, 3, 5), D("0.001"))])
    notes = [note("j", date(2026, 3, 2), "Bolt GmbH", promise=date(2026, 3, 10), amount="100000"),
             note("k", date(2026, 3, 2), invoice="k1", promise=date(2026, 3, 10))]
    t = track(b, notes, REPORT)
    j, k = one(t, "j"), one(t, "k")
    assert (j.currency, j.received, j.state) == ("JPY", D(99999), "partly kept")
    assert (j.to_json_dict()["amount"], j.to_json_dict()["received"]) == ("100000", "99999")
    assert (k.currency, k.amount, k.received, k.state) == ("KWD", D("1.250"), D("1.250"), "kept")
    assert (k.to_json_dict()["amount"], k.to_json_dict()["received"]) == ("1.250", "1.250")


def test_a_customer_in_two_currencies_compares_in_the_company_currency():
    # USD invoice U 100.00; EUR invoice E 60.00, settled by a EUR payment of 50.00 (55.00 USD, as the source
    # converted it) and a EUR credit note of 10.00 (11.20 USD as the source converted it; 11.00 at today's 1.1).
    # Promise of the balance on 2 March: 100.00 + (55.00 + 11.20) = 166.20 USD, company amounts as the source gave.
    # Received: 100.00 USD + the EUR payment 50.00 at 1.1 = 55.00 + the credit applied, 11.20 as the source
    # converted it = 166.20: kept.
    b = books([it("U", "100.00", "0"), it("E", "60.00", "0", currency="EUR", company="0"),
               it("CN", "-10.00", "0", kind=ItemKind.CREDIT_NOTE, currency="EUR", company="0",
                  issued=date(2026, 3, 4))],
              [pay("P1", date(2026, 3, 3), "100.00"), pay("P2", date(2026, 3, 4), "50.00", currency="EUR")],
              [Allocation("U", "P1", D("100.00"), date(2026, 3, 3)),
               Allocation("E", "P2", D("55.00"), date(2026, 3, 4), D("50.00")),
               Allocation("E", "CN", D("11.20"), date(2026, 3, 5), D("10.00"))], rates={"EUR": D("1.1")})
    notes = [note("n", date(2026, 3, 2), promise=date(2026, 3, 10))]
    p = one(track(b, notes, REPORT), "n")
    assert (p.currency, p.amount, p.received, p.state) == ("USD", D("166.20"), D("166.20"), "kept")
    assert "converted to USD at the books' rates" in p.reason
    # Without the rate the EUR payment cannot count (100.00 + 11.20), and the reason names the currency.
    b = books(b.items, b.payments, b.allocations)
    p = one(track(b, notes, REPORT), "n")
    assert (p.amount, p.received, p.state) == (D("166.20"), D("111.20"), "partly kept") and "EUR left out" in p.reason


# ---------------------------------------------------------------------------------------------- disputes


def test_a_dispute_opened_in_one_pull_and_resolved_in_the_next():
    # Pull 1 (1 March, an open-items export): invoice 1043 open 800.00, disputed on 20 Feb.
    # Pull 2 (15 March): 1043 still open at 800.00; a note of 10 March resolves the dispute.
    items = [it("i1043", "800.00", "800.00", number="1043"), it("i1044", "90.00", "90.00", number="1044")]
    first = books(items, report=date(2026, 3, 1), knows=frozenset())
    second = books(items, report=date(2026, 3, 15), knows=frozenset())
    notes = [note("d1", date(2026, 2, 20), "Acme Ltd", invoice="1043", dispute="open")]
    t1 = track(first, notes, date(2026, 3, 1))
    (d,) = t1.disputes
    assert (d.invoice_id, d.state, d.amount, d.opened_by, d.opened_on) == ("i1043", "open", D("800.00"), "d1",
                                                                           date(2026, 2, 20))
    assert t1.open_disputes_by_item() == {"i1043": d} and t1.disputed_customers() == set()
    assert t1.disputed_customers(items_too=True) == {"C1"}
    notes = notes + [note("d2", date(2026, 3, 10), "C1", invoice="1043 ", dispute="Resolved")]
    t2 = track(second, [*notes[1:], notes[0]], date(2026, 3, 15))
    (d,) = t2.disputes
    assert (d.state, d.resolved_by, d.resolved_on, d.amount) == ("resolved", "d2", date(2026, 3, 10), D("800.00"))
    assert t2.open_disputes_by_item() == {}
    # The second pull read at 9 March would still show it open, but books of open items cannot show 9 March.
    (d,) = track(second, notes, date(2026, 3, 9)).disputes
    assert (d.state, d.amount) == ("open", None) and "cannot show what was open at 2026-03-09" in d.reason
    assert d.to_json_dict()["resolved_by"] is None and d.to_json_dict()["opened_on"] == "2026-02-20"


def test_a_disputed_invoice_paid_since_stays_open_at_zero_and_says_so():
    b = books([it("i1043", "800.00", "0", number="1043")], [pay("P", date(2026, 3, 5), "800.00")],
              [Allocation("i1043", "P", D("800.00"), date(2026, 3, 5))])
    notes = [note("d1", date(2026, 2, 20), invoice="1043", dispute="open")]
    (d,) = track(b, notes, REPORT).disputes
    assert (d.state, d.amount) == ("open", D(0))
    assert d.reason.startswith("invoice 1043 is no longer open at 2026-03-31 (paid or credited)")
    (d,) = track(b, notes, date(2026, 3, 4)).disputes          # before the payment: 800.00 open
    assert (d.state, d.amount, d.reason) == ("open", D("800.00"), "")


def test_a_whole_customer_dispute():
    # Acme's balance at 31 March: 800.00 + 200.00 - 50.00 (an open credit note) = 950.00.
    b = books([it("a", "800.00", "800.00"), it("b", "200.00", "200.00"),
               it("c", "-50.00", "-50.00", kind=ItemKind.CREDIT_NOTE), it("z", "70.00", "70.00", cust="C2")])
    notes = [note("d1", date(2026, 3, 1), "Acme Ltd", dispute="open"),
             note("d2", date(2026, 3, 2), "C2", invoice="z", dispute="open"),
             note("d3", date(2026, 3, 3), "acme ltd", invoice="a", dispute="resolved")]   # not the customer's
    t = track(b, notes, REPORT)
    whole, item = t.disputes
    assert (whole.invoice_id, whole.item_ids, whole.amount, whole.state) == (None, (), D("950.00"), "open")
    assert t.disputed_customers() == {"C1"} and t.disputed_customers(items_too=True) == {"C1", "C2"}
    assert t.open_disputes_by_item() == {"z": item}
    assert [u.uid for u in t.unresolved] == ["d3"]
    assert "no dispute on invoice a of Acme Ltd is open" in t.unresolved[0].reason
    t = track(b, [*notes, note("d4", date(2026, 3, 20), "Acme Ltd", dispute="resolved")], REPORT)
    assert (t.disputes[0].state, t.disputes[0].resolved_by) == ("resolved", "d4") and t.disputed_customers() == set()
    # A note written after the as-of date is not yet in effect.
    assert track(b, notes, date(2026, 2, 28)).disputes == ()


# ---------------------------------------------------------------------------------------------- resolving


def test_notes_that_cannot_be_placed_are_reported_in_plain_words():
    b = books([it("i1", "10.00", "10.00", number="1042"), it("t", "5.00", "5.00", cust="T1"),
               it("s1", "4.00", "4.00", number="77", issued=date(2026, 1, 1)),
               it("s2", "6.00", "6.00", number="77", issued=date(2026, 1, 9))])
    notes = [note("u1", date(2026, 3, 1), "Acme", promise=date(2026, 3, 5), amount="10"),
             note("u2", date(2026, 3, 1), "Acme Ltd", invoice="1043", dispute="open"),
             note("u3", date(2026, 3, 1), "TWIN CO", dispute="open"),
             note("u4", date(2026, 3, 1), "T1", dispute="open"),                  # an id: no ambiguity
             note("u5", date(2026, 3, 1), "C1", invoice="77", dispute="open"),
             note("u6", date(2026, 3, 1), "C1", invoice="1042", dispute="maybe"),
             note("u7", date(2026, 3, 2), "C1", promise=date(2026, 3, 1)),
             note("u8", date(2026, 3, 2), "C1", amount="5.00")]
    t = track(b, notes, REPORT)
    assert [(u.uid, u.reason) for u in t.unresolved] == [
        ("u1", "no customer named 'Acme' in the books"),
        ("u2", "invoice 1043 is not among Acme Ltd's items"),
        ("u3", "2 customers are named 'TWIN CO' (ids T1, T2): name the customer by its id"),
        ("u5", "invoice 77 matches 2 of Acme Ltd's items (s1, s2): name one by its id"),
        ("u6", "dispute 'maybe' is neither open nor resolved: no dispute taken"),
        ("u7", "promise date 2026-03-01 is before the note's date 2026-03-02: no promise taken"),
        ("u8", "a promised amount (5.00) without a promise date: no promise taken")]
    assert [d.customer_id for d in t.disputes] == ["T1"] and t.promises == ()
    assert t.to_json_dict()["unresolved"][0] == {"uid": "u1", "reason": "no customer named 'Acme' in the books"}
    # Books of open items say why a settled invoice may be missing.
    (u,) = track(books(b.items, knows=frozenset()), notes[1:2], REPORT).unresolved
    assert u.reason.endswith("(the books list open items only: a settled invoice is not among them)")


def test_the_instalments_of_an_invoice_are_named_by_its_number():
    # Invoice INV/7 in two instalments of 300.00 (due 3 March) and 200.00 (due 3 April), issued the same day.
    first = Invoice("aml:1", "INV/7", "C1", ItemKind.INVOICE, date(2026, 2, 1), date(2026, 3, 3), "USD", D("300.00"),
                    D("300.00"))
    second = Invoice("aml:2", "INV/7", "C1", ItemKind.INVOICE, date(2026, 2, 1), date(2026, 4, 3), "USD",
                     D("200.00"), D("200.00"))
    b = books([second, first])
    t = track(b, [note("d", date(2026, 3, 1), invoice="inv/7", dispute="open"),
                  note("p", date(2026, 3, 1), invoice="inv/7", promise=date(2026, 4, 10))], REPORT)
    (d,) = t.disputes
    assert (d.invoice_id, d.item_ids, d.amount) == ("aml:1", ("aml:1", "aml:2"), D("500.00"))
    assert set(t.open_disputes_by_item()) == {"aml:1", "aml:2"}
    assert (t.promises[0].amount, t.promises[0].state) == (D("500.00"), "open")


def test_only_the_named_customers_are_looked_at_and_no_item_record_is_made():
    plain = books([it("1001", "500.00", "0"), it("x", "9.00", "9.00", cust="C2")],
                  [pay("P", date(2026, 3, 5), "500.00")], [Allocation("1001", "P", D("500.00"), date(2026, 3, 5))])

    def refuse():
        raise AssertionError("an item record was built")

    lazy = Books(source="t", company_currency="USD", report_date=REPORT, customers=CUSTOMERS,
                 items=LazyItems(item_frame(plain), refuse, 2), payments=plain.payments,
                 allocations=plain.allocations, knows=HISTORY)
    notes = [note("n", date(2026, 3, 2), promise=date(2026, 3, 10)),
             note("d", date(2026, 3, 2), invoice="1001", dispute="open")]
    assert track(lazy, notes, REPORT) == track(plain, notes, REPORT)
    assert not lazy.items.built
    p = one(track(lazy, notes, REPORT), "n")
    assert (p.amount, p.received, p.state) == (D("500.00"), D("500.00"), "kept")


# ---------------------------------------------------------------------------------------------- a property


@settings(max_examples=60, deadline=None)
@given(promised=st.integers(1, 2000), paid=st.integers(0, 3000), day=st.integers(-3, 16),
       cuts=st.lists(st.integers(1, 2999), max_size=4), as_of=st.integers(0, 30), by_invoice=st.booleans())
def test_splitting_a_payment_into_parts_never_changes_the_state(promised, paid, day, cuts, as_of, by_invoice):
    # A payment of ``paid`` cents on 2 March + ``day`` against a promise of ``promised`` cents made on 2 March for
    # 10 March, and the same payment in parts (cut at ``cuts``) on the same day: same received, same state.
    when, made = date(2026, 3, 2) + timedelta(days=day), date(2026, 3, 2)
    cents = [c for c in sorted(set(cuts)) if 0 < c < paid]
    parts = [b - a for a, b in zip([0, *cents], [*cents, paid])] if paid else []

    def tracked(amounts):
        pays = [pay(f"P{k}", when, str(D(a).scaleb(-2))) for k, a in enumerate(amounts)]
        allocs = [Allocation("1001", p.id, p.amount, when) for p in pays]
        b = books([it("1001", "30.00", "0")], pays, allocs)
        n = note("n", made, invoice="1001" if by_invoice else None, promise=date(2026, 3, 10),
                 amount=str(D(promised).scaleb(-2)))
        return one(track(b, [n], made + timedelta(days=as_of)), "n")

    whole, split = tracked([paid] if paid else []), tracked(parts)
    assert (split.received, split.state) == (whole.received, whole.state)
    counted = paid if 0 <= day <= min(11, as_of) else 0
    assert whole.received == D(counted).scaleb(-2)
    expected = ("kept" if counted >= promised else "open" if as_of <= 11 else
                "partly kept" if counted else "broken")
    assert whole.state == expected
