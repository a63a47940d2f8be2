"""Customer behaviour: metrics.md's weighted days late, days to pay, trend, segment, limits and the risk score."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from receivables.behaviour import customers_report
from receivables.records import ISSUED_HISTORY, PAYMENT_DATES, Books, Customer, Invoice, ItemKind

D = Decimal
AS_OF = date(2026, 6, 30)


def inv(id_, cust, issued, due, total, *, paid_on=None, kind=ItemKind.INVOICE):
    return Invoice(id=id_, number=id_, customer_id=cust, kind=kind, issued=issued, due=due, currency="USD",
                   total=D(total), open_amount=D(0) if paid_on else D(total), paid_on=paid_on)


def books():
    return Books(source="t", company_currency="USD", report_date=AS_OF,
                 knows=frozenset({ISSUED_HISTORY, PAYMENT_DATES}),
                 customers=(Customer("A", "Alpha", credit_limit=D(350), email="ap@alpha.test"),
                            Customer("B", "Bravo", parent_id="A")),
                 items=(
                     # metrics.md: (10, 5 days late), (100, 10 days late) -> 9.545 weighted.
                     inv("p1", "A", date(2026, 4, 1), date(2026, 5, 1), "10", paid_on=date(2026, 5, 6)),
                     inv("p2", "A", date(2026, 4, 10), date(2026, 5, 10), "100", paid_on=date(2026, 5, 20)),
                     inv("o1", "A", date(2026, 6, 15), date(2026, 7, 15), "300"),
                     inv("o2", "A", date(2026, 2, 20), date(2026, 3, 22), "100"),          # 100 days past due
                     inv("b1", "B", date(2025, 6, 23), date(2025, 7, 23), "100", paid_on=date(2025, 9, 1)),
                     inv("b2", "B", date(2025, 6, 23), date(2025, 7, 23), "100", paid_on=date(2025, 9, 1)),
                     inv("b3", "B", date(2026, 5, 2), date(2026, 6, 1), "100", paid_on=date(2026, 6, 1)),
                     inv("b4", "B", date(2026, 5, 2), date(2026, 6, 1), "100", paid_on=date(2026, 6, 1)),
                     inv("late", "B", date(2026, 7, 5), date(2026, 8, 4), "999", paid_on=date(2026, 7, 20)),
                 ))


def test_weighted_days_late_and_to_pay_percent_current_limits_and_risk():
    rep = customers_report(books(), AS_OF)
    a, b = rep.rows
    assert (a.customer, b.customer, b.parent, a.email) == ("Alpha", "Bravo", "Alpha", "ap@alpha.test")
    assert a.days_late["3m"] == D(1050) / D(110)                       # 9.545..., unweighted would be 7.5
    assert a.days_to_pay["12m"] == D(30 * 110 + 1050) / D(110)      # weighted terms 30 + weighted days late
    assert (a.open_ar, a.overdue, a.percent_current) == (D(400), D(100), D(75))
    assert a.limit_used == D(400) / D(350) * 100 and a.over_limit is True
    assert (a.trend, a.segment) == ("unknown", "new")                 # only 2 invoices paid in 12 months
    # overdue 25% x 35 = 8.75; >90 days 25% x 20 = 5; 9.545/60 x 25 = 3.98; over limit 10 -> 27.7
    assert a.risk_score == 28
    assert [(n, p, w) for n, p, w, _ in a.risk_factors] == [
        ("overdue share", 9, 35), ("over 90 days", 5, 20), ("days late", 4, 25), ("over credit limit", 10, 10)]
    # Bravo: 12m days late (40+40+0+0)/4 = 20, last 3m 0 -> improving, slow; the payment after as_of is unseen.
    assert (b.days_late["12m"], b.days_late["3m"], b.paid_count_12m) == (D(20), D(0), 4)
    assert (b.trend, b.segment, b.percent_current, b.over_limit) == ("improving", "slow", None, None)
    assert b.risk_score == 8 and b.factors_text() == "days late 20.0 days (12m): +8/25"
    out = rep.to_json_dict()
    assert out["customers"][0]["days_late"]["3m"] == "9.5" and out["customers"][0]["percent_current"] == "75.0"
    assert out["definitions"]["weights"] == "invoice total in its own currency"
    row = rep.panel_rows()[0]
    assert row["over_limit"] == "yes" and row["risk_factors"].startswith("overdue share 25% of AR: +9/35")


def test_percent_current_is_the_share_of_what_is_owed_when_credits_exceed_the_overdue_amount():
    # Owed 3,528.50 overdue + 1,000.00 not yet due; an open credit of 2,571.00. Open AR 1,957.50 is smaller than
    # what is overdue: "% current" is 1,000 / 4,528.50 of what is owed = 22.1%, never negative.
    b = Books(source="t", company_currency="USD", report_date=AS_OF, knows=frozenset({ISSUED_HISTORY}),
              customers=(Customer("C", "Credit Co"),),
              items=(inv("x1", "C", date(2026, 3, 1), date(2026, 3, 31), "3528.50"),
                     inv("x2", "C", date(2026, 6, 20), date(2026, 7, 20), "1000.00"),
                     inv("cr", "C", date(2026, 6, 1), date(2026, 6, 1), "-2571.00", kind=ItemKind.CREDIT_NOTE)))
    row = customers_report(b, AS_OF).rows[0]
    assert (row.open_ar, row.overdue) == (D("1957.50"), D("957.50"))
    assert row.percent_current == D(1000) / D("4528.50") * 100
    assert customers_report(b, AS_OF).to_json_dict()["customers"][0]["percent_current"] == "22.1"
    only_credit = Books(source="t", company_currency="USD", report_date=AS_OF, knows=frozenset({ISSUED_HISTORY}),
                        customers=(Customer("C", "Credit Co"),), items=b.items[2:])
    assert customers_report(only_credit, AS_OF).rows[0].percent_current is None


def test_without_payment_history_behaviour_is_unknown_and_risk_says_what_it_lacks():
    # An A/R Aging Summary kind of source: open items only. A balance 100 days past due is not a "new" customer.
    b = Books(source="t", company_currency="USD", report_date=AS_OF, knows=frozenset(),
              customers=(Customer("O", "Old Debt"),),
              items=(inv("o", "O", date(2026, 2, 20), date(2026, 3, 22), "100.00"),))
    row = customers_report(b, AS_OF).rows[0]
    assert (row.segment, row.trend) == ("unknown", "unknown")
    # overdue 100% x 35 + over 90 days 100% x 20 = 55, from the balance alone; days late named as unknown
    assert row.risk_score == 55
    assert row.factors_text() == ("overdue share 100% of AR: +35/35; over 90 days 100% of AR: +20/20; "
                                  "days late unknown: the source has no payment history: +0/25")


def test_the_reported_minus_268_5_percent_current_is_zero():
    # The case seen on real books: 3,528.50 overdue and a 2,571.00 credit not yet due (no due date): open AR 957.50
    # is smaller than what is overdue. (957.50 - 3,528.50) / 957.50 would be -268.5%; all that is owed is overdue.
    b = Books(source="t", company_currency="USD", report_date=AS_OF, knows=frozenset({ISSUED_HISTORY}),
              customers=(Customer("D", "Dora"),),
              items=(inv("d1", "D", date(2026, 3, 1), date(2026, 3, 31), "3528.50"),
                     inv("dc", "D", date(2026, 6, 25), None, "-2571.00", kind=ItemKind.CREDIT_NOTE)))
    row = customers_report(b, AS_OF).rows[0]
    assert (row.open_ar, row.overdue, row.percent_current) == (D("957.50"), D("3528.50"), D(0))
