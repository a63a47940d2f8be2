"""DSO family: metrics.md's worked examples exactly, then a small ledger checked by hand for every option."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from receivables.dso import cei, countback_dso, dso, standard_dso
from receivables.records import ISSUED_HISTORY, OPEN_ITEMS, PAYMENT_DATES, Books, Customer, Invoice, ItemKind

D = Decimal
AS_OF = date(2026, 3, 31)


def test_metrics_examples_exactly():
    assert standard_dso(D(50000), D(200000), 365) == (D("91.25"), None)
    value, note = countback_dso(D(212000), [("m3", D(100000), 30), ("m2", D(80000), 30), ("m1", D(70000), 30)])
    assert note is None and value == 60 + D(32000) / D(70000) * 30
    assert str(value.quantize(D("0.001"))) == "73.714"
    dso_, bpdso = D(7), D(3)
    assert dso_ - bpdso == 4
    assert cei(D(100000), D(1000000), D(120000), D(100000)) == (D("98"), None)


def test_formulas_never_divide_by_zero_and_say_why():
    assert standard_dso(D(5), D(0), 30) == (None, "no credit sales in the period")
    assert standard_dso(D(5), D(-1), 30)[0] is None
    assert cei(D(0), D(10), D(0), D(10))[0] is None
    value, note = countback_dso(D(500), [("2026-03", D(100), 31), ("2026-02", D(0), 28)])
    assert value is None and "history runs out after 2 months with AR 400.00" in note


def test_countback_counts_a_month_without_sales_and_goes_on_into_earlier_months():
    # The first day of December: no December sales yet. AR 3,000 against November 2,000 and October 4,000:
    # 1 day of December with nothing to consume, all 30 of November, then 1,000/4,000 of October's 31 days.
    value, note = countback_dso(D(3000), [("2026-12", D(0), 1), ("2026-11", D(2000), 30), ("2026-10", D(4000), 31)])
    assert value == D(1) + D(30) + D(1000) / D(4000) * 31 == D("38.75")
    assert note == "months without credit sales counted as days with nothing to consume: 2026-12"
    # A month whose credit notes outweigh its invoices consumes nothing either, and the count carries on.
    value, note = countback_dso(D(500), [("2026-03", D(100), 31), ("2026-02", D(-50), 28), ("2026-01", D(800), 31)])
    assert value == D(31) + D(28) + D(400) / D(800) * 31 == D("74.5") and "2026-02" in note
    value, note = countback_dso(D(500), [("2026-03", D(100), 31)])
    assert value is None and "history runs out after 1 months" in note


def inv(id_, cust, issued, due, total, *, open_=None, paid_on=None, kind=ItemKind.INVOICE):
    return Invoice(id=id_, number=id_, customer_id=cust, kind=kind, issued=issued, due=due, currency="USD",
                   total=D(total), open_amount=D(open_ if open_ is not None else total), paid_on=paid_on)


def ledger(knows=frozenset({ISSUED_HISTORY, PAYMENT_DATES, OPEN_ITEMS})):
    items = (
        inv("a1", "A", date(2026, 1, 10), date(2026, 2, 9), "1000", open_="0", paid_on=date(2026, 2, 20)),
        inv("a2", "A", date(2026, 2, 15), date(2026, 3, 17), "2000"),
        inv("a3", "A", date(2026, 3, 20), date(2026, 4, 19), "3000"),
        inv("b1", "B", date(2026, 3, 5), date(2026, 4, 4), "600"),
        inv("cn", "B", date(2026, 3, 10), None, "-100", kind=ItemKind.CREDIT_NOTE),
    )
    if ISSUED_HISTORY not in knows:
        items = tuple(i for i in items if i.open_amount)
    return Books(source="t.csv", company_currency="USD", report_date=AS_OF, knows=knows,
                 customers=(Customer("A", "Alpha"), Customer("B", "Bravo")), items=items,
                 period=(date(2026, 1, 1), AS_OF))


def test_company_months_and_customers_checked_by_hand():
    out = dso(ledger(), AS_OF, months=3).to_json_dict()
    # AR 5500 (current 3500); sales Jan 1000 + Feb 2000 + Mar 3500 = 6500 over 90 calendar days.
    assert (out["as_of"], out["period_days"], out["ar"], out["credit_sales"]) == ("2026-03-31", 90, "5500.00",
                                                                                 "6500.00")
    assert (out["dso"], out["best_possible_dso"], out["average_days_delinquent"]) == ("76.2", "48.5", "27.7")
    assert out["countback_dso"] == "59.0"           # March 3500 over 31 days, then Feb 2000/2000 x 28
    assert out["cei"] == "33.3"                     # (0 + 6500 - 5500) / (0 + 6500 - 3500)
    assert out["cei_sales"] == "total credit sales of the period" and out["day_count"] == "calendar days"
    months = {m["month"]: m for m in out["months"]}
    assert list(months) == ["2026-01", "2026-02", "2026-03"]
    # January: a1 still open at 31 Jan (paid 20 Feb) -> AR the books held then, not today's.
    assert (months["2026-01"]["ar"], months["2026-01"]["dso"], months["2026-01"]["cei"]) == ("1000.00", "31.0",
                                                                                            None)
    assert "zero" in months["2026-01"]["reasons"]["cei"]
    assert (months["2026-02"]["ar"], months["2026-02"]["dso"], months["2026-02"]["cei"]) == ("2000.00", "28.0",
                                                                                            "100.0")
    assert (months["2026-03"]["dso"], months["2026-03"]["best_possible_dso"],
            months["2026-03"]["average_days_delinquent"], months["2026-03"]["cei"]) == ("48.7", "31.0", "17.7",
                                                                                      "0.0")
    cust = {c["customer"]: c for c in out["customers"]}
    assert (cust["Alpha"]["dso"], cust["Alpha"]["best_possible_dso"], cust["Alpha"]["average_days_delinquent"]) \
        == ("75.0", "45.0", "30.0")
    assert (cust["Bravo"]["dso"], cust["Bravo"]["average_days_delinquent"]) == ("90.0", "0.0")
    assert any("payment dates" in w for w in out["warnings"])


def test_options_period_days_and_cei_average():
    rep = dso(ledger(), AS_OF, months=3, period_days=60)
    assert rep.figures.credit_sales == D(5500) and rep.figures.dso == D(60)   # a1 issued before the 60 days
    assert rep.to_json_dict()["day_count"] == "60 days"
    year = dso(ledger(), AS_OF, months=3, period_days=365).to_json_dict()
    assert year["dso"] is None and "not in the books" in year["reasons"]["dso"]
    avg = dso(ledger(), AS_OF, months=3, cei_sales="average")
    # (0 + 6500/3 - 5500) / (0 + 6500/3 - 3500) = 250 %
    assert avg.figures.cei == D(250) and "÷ 3" in avg.to_json_dict()["cei_sales"]


def test_open_items_only_books_give_ar_and_absent_metrics_with_reasons():
    out = dso(ledger(frozenset({OPEN_ITEMS})), AS_OF, months=2).to_json_dict()
    assert out["ar"] == "5500.00" and out["dso"] is None and out["cei"] is None
    assert "only open items" in out["reasons"]["dso"]
    feb = out["months"][0]
    assert feb["ar"] is None and "Aging Detail" not in feb["reasons"]["dso"] and "2026-02-28" in feb["reasons"]["dso"]


def test_foreign_sales_count_at_the_sources_own_company_amount():
    base = ledger()
    eur = Invoice(id="e1", number="e1", customer_id="B", kind=ItemKind.INVOICE, issued=date(2026, 3, 12),
                  due=date(2026, 4, 11), currency="EUR", total=D("500.00"), open_amount=D("500.00"),
                  open_amount_company=D("540.00"), total_company=D("540.00"))
    with_company = Books(**{**base.__dict__, "items": base.items + (eur,)})
    out = dso(with_company, AS_OF, months=3).to_json_dict()
    assert (out["ar"], out["credit_sales"]) == ("6040.00", "7040.00")
    assert not any("rate" in w for w in out["warnings"])
    unknown = Books(**{**base.__dict__, "items": base.items + (replace(eur, total_company=None),)})
    out = dso(unknown, AS_OF, months=3).to_json_dict()
    assert out["credit_sales"] == "6500.00" and any("no rate to USD for EUR" in w for w in out["warnings"])


def test_countback_on_the_first_day_of_a_month_counts_that_day_and_goes_on():
    # As of 1 April: no April sales yet. AR 5,500 (the same books). April: 1 day, nothing to consume; March sales
    # 3,500 over 31 days; February 2,000 of the 2,000 left over 28 days: 1 + 31 + 28 = 60.0.
    out = dso(ledger(), date(2026, 4, 1), months=3).to_json_dict()
    assert out["ar"] == "5500.00" and out["countback_dso"] == "60.0"
    assert out["reasons"]["countback_dso"] == ("months without credit sales counted as days with nothing to consume: "
                                               "2026-04")


def test_a_warning_about_every_month_is_given_once():
    # Open items only, as of a day after the books' date: every month's AR says "books stand at ..."; the report
    # says it once.
    books = ledger(knows=frozenset({OPEN_ITEMS}))
    out = dso(books, date(2026, 4, 30), months=12).to_json_dict()
    stand = [w for w in out["warnings"] if w.startswith("books stand at 2026-03-31")]
    assert len(stand) == 1 and len(out["warnings"]) == len(set(out["warnings"]))


def test_a_settlement_the_source_cannot_explain_is_never_a_sale():
    # One month's export: July invoices of 6,000 + 2,365.93 and payments that settle invoices the export does not
    # list, explained as an inferred credit of 16,359.94. Credit sales are the documented invoices only: 8,365.93,
    # never 8,365.93 - 16,359.94 = -7,994.01.
    from dataclasses import replace

    inferred = replace(inv("credit_note:inferred:x", "A", date(2026, 7, 20), date(2026, 7, 20), "-16359.94",
                           open_="0", kind=ItemKind.CREDIT_NOTE), flags=frozenset({"inferred"}))
    books = Books(source="irp.csv", company_currency="USD", report_date=date(2026, 7, 31),
                  knows=frozenset({ISSUED_HISTORY, OPEN_ITEMS}), customers=(Customer("A", "Alpha"),),
                  items=(inv("j1", "A", date(2026, 7, 3), date(2026, 8, 2), "6000.00"),
                         inv("j2", "A", date(2026, 7, 17), date(2026, 8, 16), "2365.93"), inferred),
                  period=(date(2026, 7, 1), date(2026, 7, 31)))
    out = dso(books, date(2026, 7, 31), months=1).to_json_dict()
    assert (out["ar"], out["credit_sales"]) == ("8365.93", "8365.93")
    assert out["dso"] == "31.0" and out["countback_dso"] == "31.0"          # all of July's sales still open


@pytest.mark.parametrize("seed", [3, 11, 21])
def test_customers_json_in_bulk_is_the_figures_json(seed):
    """The customers of ``ardesk dso --format json`` worked out from integer sums are those of each customer's
    Figures, converted amounts and customers without sales among them."""
    from tests.fixtures.samplebooks import generate

    b = generate(seed=seed, customers=40, invoices=600)
    seen = []
    for as_of in (date(2026, 10, 31), date(2026, 6, 15), date(2025, 12, 31)):
        for period_days in (None, 10):      # ten days: customers with AR and no sales in them
            r = dso(b, as_of, period_days=period_days)
            slow = [{"customer": name, **f.to_json_dict(r.currency)} for _, name, f in r.customers]
            assert r.table.json_rows(r.currency) == slow and len(slow) > 10
            seen += slow
    assert any(c["reasons"] for c in seen) and any(c["dso"] for c in seen)
