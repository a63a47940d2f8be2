"""Expected receipts by week from each customer's own days late, with the company's as the fallback."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from receivables.forecast import forecast
from receivables.records import ISSUED_HISTORY, PAYMENT_DATES, Books, Customer, Invoice, ItemKind

D = Decimal
AS_OF = date(2026, 6, 30)


def inv(id_, cust, issued, due, total, *, paid_on=None, kind=ItemKind.INVOICE):
    return Invoice(id=id_, number=id_, customer_id=cust, kind=kind, issued=issued, due=due, currency="USD",
                   total=D(total), open_amount=D(0) if paid_on else D(total), paid_on=paid_on)


def books():
    return Books(source="t", company_currency="USD", report_date=AS_OF,
                 knows=frozenset({ISSUED_HISTORY, PAYMENT_DATES}),
                 customers=(Customer("A", "Alpha"), Customer("B", "Bravo"), Customer("C", "Charlie")),
                 items=(
                     inv("p1", "A", date(2026, 4, 1), date(2026, 5, 1), "10", paid_on=date(2026, 5, 6)),
                     inv("p2", "A", date(2026, 4, 10), date(2026, 5, 10), "100", paid_on=date(2026, 5, 20)),
                     inv("b1", "B", date(2025, 6, 23), date(2025, 7, 23), "100", paid_on=date(2025, 9, 1)),
                     inv("b2", "B", date(2025, 6, 23), date(2025, 7, 23), "100", paid_on=date(2025, 9, 1)),
                     inv("b3", "B", date(2026, 5, 2), date(2026, 6, 1), "100", paid_on=date(2026, 6, 1)),
                     inv("b4", "B", date(2026, 5, 2), date(2026, 6, 1), "100", paid_on=date(2026, 6, 1)),
                     inv("A-OPEN", "A", date(2026, 6, 15), date(2026, 7, 15), "300.00"),
                     inv("A-OLD", "A", date(2026, 2, 20), date(2026, 3, 22), "100.00"),
                     inv("B-OPEN", "B", date(2026, 6, 1), date(2026, 7, 1), "300.00"),
                     inv("B-FAR", "B", date(2026, 6, 1), date(2026, 12, 31), "5.00"),
                     inv("B-CN", "B", date(2026, 6, 2), None, "-50.00", kind=ItemKind.CREDIT_NOTE),
                     inv("C-NODUE", "C", date(2026, 6, 20), None, "70.00"),
                 ))


def test_weeks_from_own_history_company_fallback_and_no_due_dates():
    rep = forecast(books(), AS_OF)
    # Company: days late 905000/51000 = 17.7 -> 18; days to pay 2435000/51000 = 47.7 -> 48. Bravo's own: 20.
    assert rep.company_days_late == D(905000) / D(51000)
    weeks = {r["week"]: r for r in rep.rows()}
    assert weeks[1]["amount"] == D("100.00")      # A-OLD: 22 Mar + 18 days is past -> week 1
    assert weeks[3]["amount"] == D("300.00")      # B-OPEN: 1 Jul + 20 = 21 Jul, 21 days ahead
    assert weeks[5]["amount"] == D("300.00")      # A-OPEN (fallback): 15 Jul + 18 = 2 Aug, 33 days ahead
    assert weeks[6]["amount"] == D("70.00")       # C-NODUE: 20 Jun + 48 = 7 Aug, 38 days ahead
    assert weeks["later"]["amount"] == D("5.00")
    assert sum(rep.amounts, D(0)) == D("775.00")
    out = rep.to_json_dict()
    assert out["fallback_customers"] == ["Alpha", "Charlie"] and out["excluded_credits"] == "-50.00"
    assert out["weeks"][0] == {"week": 1, "start": "2026-07-01", "end": "2026-07-07", "amount": "100.00",
                               "items": [{"number": "A-OLD", "customer": "Alpha", "currency": "USD",
                                          "open": "100.00", "expected": "2026-07-01"}]}
    assert out["weeks"][4]["items"][0]["expected"] == "2026-08-02" and len(out["weeks"]) == 13
    assert out["later"]["week"] == "later" and out["later"]["end"] is None


def test_every_forecast_output_adds_up_to_the_open_ar_with_the_credits_set_aside():
    import csv
    import io

    from cli.output import render

    rep = forecast(books(), AS_OF)
    out = rep.to_json_dict()
    # Open at 30 June: 100 + 300 + 300 + 5 + 70 owed, less the open credit note of 50 = 725.00.
    assert out["open_ar"] == "725.00" and out["credits_set_aside"] == "-50.00" and out["first_day"] == "2026-07-01"
    weeks = [*out["weeks"], out["later"]]
    assert sum(D(w["amount"]) for w in weeks) + D(out["credits_set_aside"]) == D(out["open_ar"])
    rows = list(csv.reader(io.StringIO(render("forecast", out, "csv"))))
    warned = len(out["warnings"]) + 1                     # a blank row, then one row per warning, below the figures
    assert rows[-warned] == [] and rows[-1][0].startswith("warning: ")
    rows = rows[:-warned]
    assert rows[-2][:4] == ["credits set aside", "", "", "-50.00"] and rows[-1][:4] == ["TOTAL (open AR)", "", "",
                                                                                         "725.00"]
    assert sum(D(r[3]) for r in rows[1:-1]) == D("725.00")
    table = render("forecast", out, "table")
    assert table.startswith("Expected receipts after 2026-06-30 (week 1 starts 2026-07-01), USD: ")
    assert table.splitlines()[-1].split()[-1] == "725.00"
