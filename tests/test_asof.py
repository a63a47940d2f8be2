"""The books as they stood on a date: allocations added back, payment dates, refusals and warnings."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from receivables.asof import books_as_of
from receivables.errors import InputError
from receivables.frames import decimal_of
from receivables.records import (
    ALLOCATIONS,
    ISSUED_HISTORY,
    PAYMENT_DATES,
    Allocation,
    Books,
    Invoice,
    ItemKind,
)

D = Decimal
REPORT = date(2025, 12, 31)


def it(id_, issued, total, open_, *, kind=ItemKind.INVOICE, currency="USD", company=None, paid_on=None):
    return Invoice(id=id_, number=id_, customer_id="A", kind=kind, issued=issued, due=issued, currency=currency,
                   total=D(total), open_amount=D(open_), paid_on=paid_on,
                   open_amount_company=None if company is None else D(company))


def opens(books, d):
    at = books_as_of(books, d)
    return {r.id: decimal_of(r.open_minor, r.currency) for r in at.items.itertuples()}, at


def test_allocations_rebuild_credit_notes_payments_and_company_amounts():
    items = (it("INV", date(2025, 10, 1), "500.00", "0", company="0"),
             it("CN", date(2025, 10, 15), "-200.00", "0", kind=ItemKind.CREDIT_NOTE, company="0"),
             it("PAY", date(2025, 12, 5), "-300.00", "0", kind=ItemKind.PAYMENT, company="0"),
             it("EUR", date(2025, 10, 1), "100.00", "40.00", currency="EUR", company="44.00"))
    allocs = (Allocation("INV", "CN", D("200.00"), date(2025, 11, 10)),
              Allocation("INV", "PAY", D("300.00"), date(2025, 12, 5)),
              Allocation("EUR", "X-EXTERNAL", D("66.00"), date(2025, 12, 1), amount_currency=D("60.00")))
    b = Books(source="odoo", company_currency="USD", report_date=REPORT, items=items, allocations=allocs,
              knows=frozenset({ALLOCATIONS}))
    got, at = opens(b, date(2025, 11, 5))
    assert got == {"INV": D("500.00"), "CN": D("-200.00"), "EUR": D("100.00")} and at.exact
    assert at.items.set_index("id")["open_company_minor"].to_dict() == {"INV": 50000, "CN": -20000, "EUR": 11000}
    got, _ = opens(b, date(2025, 11, 30))      # the credit note applied on 10 Nov; payment not yet made
    assert got == {"INV": D("300.00"), "EUR": D("100.00")}
    got, at = opens(b, REPORT)
    assert got == {"EUR": D("40.00")} and at.warnings == ()


def test_open_items_only_refuse_past_dates_naming_the_reports_and_warn_for_future_ones():
    b = Books(source="Acme_A_R Aging Detail Report.csv", company_currency="USD", report_date=REPORT,
              items=(it("I", date(2025, 11, 1), "10.00", "10.00"),))
    with pytest.raises(InputError) as exc:
        books_as_of(b, date(2025, 11, 30))
    text = str(exc.value)
    assert text.startswith("Acme_A_R Aging Detail Report.csv: the books stand at 2025-12-31")
    assert "A/R Aging Detail report as of 2025-11-30" in text and "Invoices and Received Payments" in text
    assert "Customer Balance Detail" not in text  # it lists open items only: it cannot rebuild a past date
    got, at = opens(b, date(2026, 1, 15))
    assert got == {"I": D("10.00")} and not at.exact
    assert "payments since the export are unknown" in at.warnings[0].message
    got, at = opens(b, REPORT)
    assert at.exact and at.warnings == ()


def test_payment_dates_rebuild_paid_items_and_say_partial_payments_are_approximated():
    items = (it("PAID", date(2025, 10, 1), "70.00", "0", paid_on=date(2025, 12, 10)),
             it("EARLY", date(2025, 10, 1), "5.00", "0", paid_on=date(2025, 10, 20)),
             it("PART", date(2025, 10, 2), "90.00", "30.00"),
             it("LATER", date(2025, 12, 1), "8.00", "8.00"))
    b = Books(source="history.csv", company_currency="USD", report_date=REPORT, items=items,
              knows=frozenset({PAYMENT_DATES, ISSUED_HISTORY}))
    got, at = opens(b, date(2025, 11, 30))
    assert got == {"PAID": D("70.00"), "PART": D("90.00")}
    assert not at.exact and any("1 items were partly paid" in w.message for w in at.warnings)


def test_month_end_series_agrees_with_item_by_item_rebuild():
    from receivables.asof import ar_series, currencies_of, open_at
    from receivables.frames import frames_of

    items = (it("PAID", date(2025, 10, 1), "70.00", "0", paid_on=date(2025, 12, 10)),
             it("EARLY", date(2025, 10, 1), "5.00", "0", paid_on=date(2025, 10, 20)),
             it("PART", date(2025, 10, 2), "90.00", "30.00"),
             it("CN", date(2025, 11, 3), "-4.00", "-4.00", kind=ItemKind.CREDIT_NOTE),
             it("EUR", date(2025, 9, 30), "10.00", "10.00", currency="EUR", company="11.00"),
             it("LATER", date(2025, 12, 1), "8.00", "8.00"))
    b = Books(source="history.csv", company_currency="USD", report_date=REPORT, items=items,
              knows=frozenset({PAYMENT_DATES, ISSUED_HISTORY}))
    frames = frames_of(b)
    dates = [date(2025, 9, 30), date(2025, 10, 20), date(2025, 10, 31), date(2025, 11, 30), REPORT,
             date(2026, 1, 31)]
    curs = currencies_of(frames)
    series, warnings = ar_series(frames, dates, curs)
    assert any("payments since the export are unknown" in w.message for w in warnings)
    for d in dates:
        at = open_at(frames, d).items
        ar, current = series[d]
        for c, cur in enumerate(curs):
            rows = at[at["currency"] == cur]
            known = rows["open_company_minor"].notna()
            assert ar[c, 0] == rows.loc[~known, "open_minor"].sum(), (d, cur)
            assert ar[c, 1] == rows.loc[known, "open_company_minor"].sum(), (d, cur)
            due_ok = rows["due"].dt.date >= d
            assert current[c, 0] == rows.loc[~known & due_ok, "open_minor"].sum(), (d, cur)


def test_credits_of_unknown_date_make_past_amounts_an_upper_bound_and_say_so():
    from dataclasses import replace

    inferred = replace(it("CR?", date(2025, 12, 10), "-100.00", "0", kind=ItemKind.CREDIT_NOTE),
                       flags=frozenset({"inferred"}))
    books = Books(source="x", company_currency="USD", report_date=REPORT, knows=frozenset({ALLOCATIONS}),
                  items=(it("INV", date(2025, 10, 1), "100.00", "0"), inferred),
                  allocations=(Allocation("INV", "CR?", D("100.00"), date(2025, 12, 10), D("100.00")),))
    before, at = opens(books, date(2025, 11, 30))
    assert before == {"INV": D("100.00")}
    assert any("may be overstated by credits" in w.message for w in at.warnings)
    after, at = opens(books, date(2025, 12, 10))
    assert after == {} and not any("overstated" in w.message for w in at.warnings)


def test_a_date_before_the_history_the_books_hold_is_refused():
    books = Books(source="odoo", company_currency="USD", report_date=REPORT, knows=frozenset({ALLOCATIONS}),
                  items=(it("INV", date(2025, 10, 1), "100.00", "100.00"),), period=(date(2025, 6, 1), REPORT))
    assert opens(books, date(2025, 6, 1))[0] == {}
    with pytest.raises(InputError, match="settled items from 2025-06-01 on only") as err:
        books_as_of(books, date(2025, 5, 31))
    assert "history_months" in str(err.value)
    from receivables.dso import dso

    out = dso(books, REPORT, months=12).to_json_dict()
    early = {m["month"]: m for m in out["months"]}["2025-01"]
    assert early["ar"] is None and "settled items from 2025-06-01" in " ".join(early["reasons"].values())
