"""Aging: the worked examples of metrics.md, the options, multi-currency, and totals as a property."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receivables.aging import Bucket, aging, buckets_from_edges
from receivables.errors import ConfigError
from receivables.records import ALLOCATIONS, Allocation, Books, Customer, Invoice, ItemKind

D = Decimal
AS_OF = date(2025, 12, 31)


def item(id_, cust, due, amount, *, issued=date(2025, 9, 1), kind=ItemKind.INVOICE, currency="USD",
         open_=None, company=None, total=None):
    amount = D(amount)
    return Invoice(id=id_, number=id_, customer_id=cust, kind=kind, issued=issued, due=due, currency=currency,
                   total=D(total) if total is not None else amount,
                   open_amount=D(open_) if open_ is not None else amount,
                   open_amount_company=D(company) if company is not None else None)


def books(items, *, customers=(), rates=None, report_date=AS_OF, knows=frozenset(), allocations=()):
    return Books(source="test", company_currency="USD", report_date=report_date, customers=tuple(customers),
                 items=tuple(items), rates=rates or {}, knows=knows, allocations=tuple(allocations))


def test_metrics_table_days_past_due_to_bucket():
    # metrics.md, Aging table: as_of 2025-12-31.
    cases = [(date(2026, 1, 15), "Current"), (date(2025, 12, 31), "Current"), (date(2025, 12, 30), "1-30"),
             (date(2025, 11, 30), "31-60"), (date(2025, 10, 1), "91+")]
    b = books([item(f"I{n}", f"C{n}", due, "10.00") for n, (due, _) in enumerate(cases)],
              customers=[Customer(f"C{n}", f"Cust {n}") for n in range(len(cases))])
    report = aging(b, AS_OF)
    got = {r.customer: dict(zip(report.labels, r.amounts)) for r in report.rows}
    for n, (_, label) in enumerate(cases):
        assert got[f"Cust {n}"][label] == D("10.00"), (n, label, got[f"Cust {n}"])
        assert sum(got[f"Cust {n}"].values()) == D("10.00")


def test_json_contract_nets_credits_in_their_own_bucket_and_ages_no_due_as_current():
    b = books([
        item("INV1", "A", date(2025, 12, 20), "120.00"),                        # 11 days late -> 1-30
        item("CN1", "A", date(2025, 12, 25), "-20.00", kind=ItemKind.CREDIT_NOTE),  # 6 days -> 1-30, nets
        item("PAY1", "A", date(2025, 9, 15), "-50.00", kind=ItemKind.PAYMENT),   # 107 days -> 91+
        item("INV2", "B", None, "99.99"),                                         # no due date -> Current
        item("INV3", "B", date(2025, 10, 31), "0.01"),                            # 61 days -> 61-90
    ], customers=[Customer("B", "beta Co"), Customer("A", "Acme Ltd")])
    out = aging(b, AS_OF).to_json_dict()
    assert out == {
        "as_of": "2025-12-31", "currency": "USD", "by": "due",
        "buckets": ["Current", "1-30", "31-60", "61-90", "91+"],
        "customers": [
            {"customer": "Acme Ltd", "buckets": {"Current": "0.00", "1-30": "100.00", "31-60": "0.00",
                                                 "61-90": "0.00", "91+": "-50.00"}, "total": "50.00"},
            {"customer": "beta Co", "buckets": {"Current": "99.99", "1-30": "0.00", "31-60": "0.00",
                                                "61-90": "0.01", "91+": "0.00"}, "total": "100.00"}],
        "totals": {"Current": "99.99", "1-30": "100.00", "31-60": "0.00", "61-90": "0.01", "91+": "-50.00",
                   "total": "150.00"},
        "source_date": "2025-12-31", "warnings": [],
    }   # one currency: each customer once, no by_currency


def test_custom_edges_and_by_issued():
    assert [b.label for b in buckets_from_edges((30, 60, 90, 120))] == \
        ["Current", "1-30", "31-60", "61-90", "91-120", "121+"]
    assert buckets_from_edges((15,))[1] == Bucket("1-15", 1, 15)
    with pytest.raises(ConfigError):
        buckets_from_edges((60, 30))
    # Issued 2025-08-01 (152 days before), due 2025-12-01 (30 days late).
    b = books([item("I", "A", date(2025, 12, 1), "5.00", issued=date(2025, 8, 1))])
    due = aging(b, AS_OF, edges=(30, 60, 90, 120))
    assert dict(zip(due.labels, due.rows[0].amounts))["1-30"] == D("5.00")
    issued = aging(b, AS_OF, edges=(30, 60, 90, 120), by="issued")
    assert dict(zip(issued.labels, issued.rows[0].amounts))["121+"] == D("5.00")
    assert issued.to_json_dict()["by"] == "issued"


def test_multi_currency_uses_source_conversion_then_rate_and_names_what_it_cannot_convert():
    b = books([
        item("E1", "A", date(2026, 1, 31), "100.00", currency="EUR", company="110.00"),   # source converted
        item("E2", "A", date(2026, 1, 31), "10.00", currency="EUR"),                      # rate 1.0833
        item("Y1", "B", date(2026, 1, 31), "1000", currency="JPY"),                       # no rate
        item("U1", "B", date(2026, 1, 31), "1.00"),
    ], customers=[Customer("A", "Alpha"), Customer("B", "Bravo")], rates={"EUR": D("1.0833")})
    rep = aging(b, AS_OF)
    out = rep.to_json_dict()
    assert out["totals"]["Current"] == "121.83"          # 110.00 + 10.833 + 1.00, rounded once
    assert rep.totals[0] == D("121.833")
    assert out["by_currency"]["JPY"]["totals"]["total"] == "1000"
    assert out["by_currency"]["EUR"]["totals"]["total"] == "110.00"
    assert any("Bravo (JPY)" in w for w in out["warnings"])
    assert rep.unconverted == (("B", "JPY"),)
    only_eur = aging(b, AS_OF, currency="eur").to_json_dict()
    assert only_eur["currency"] == "EUR" and only_eur["totals"]["total"] == "110.00"


def test_as_of_with_allocations_counts_an_invoice_paid_later_as_open():
    # Paid on 2025-12-10 in full; aged as of 2025-11-30 it was open and 30 days past due.
    inv = item("I", "A", date(2025, 10, 31), "300.00", open_="0")
    pay = item("P", "A", date(2025, 12, 10), "0", kind=ItemKind.PAYMENT, total="-300.00", open_="0",
               issued=date(2025, 12, 10))
    b = books([inv, pay], report_date=date(2025, 12, 31), knows=frozenset({ALLOCATIONS}),
              allocations=[Allocation("I", "P", D("300.00"), date(2025, 12, 10))])
    before = aging(b, date(2025, 11, 30)).to_json_dict()
    assert before["totals"]["1-30"] == "300.00" and before["totals"]["total"] == "300.00"
    assert aging(b, date(2025, 12, 31)).to_json_dict()["totals"]["total"] == "0.00"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-200, 200), st.integers(-10**7, 10**7), st.integers(0, 3),
                          st.booleans()), min_size=0, max_size=25),
       st.integers(0, 400), st.sampled_from([(30, 60, 90), (15,), (10, 20, 45, 120)]))
def test_totals_equal_sum_of_open_items_at_any_as_of(rows, shift, edges):
    as_of = date(2025, 1, 1) + timedelta(days=shift)
    items = [item(f"I{n}", f"C{c}", None if no_due else as_of + timedelta(days=off), D(cents).scaleb(-2),
                  issued=date(2024, 1, 1))
             for n, (off, cents, c, no_due) in enumerate(rows)]
    rep = aging(books(items, report_date=as_of), as_of, edges=edges)
    expected = sum((i.open_amount for i in items), D(0))
    assert rep.total == expected
    assert sum(rep.totals[:-1], D(0)) == expected
    assert sum((r.total for r in rep.rows), D(0)) == expected


def test_aged_items_label_each_item_from_its_own_due_date():
    from receivables.aging import aged_items
    from receivables.frames import frames_of

    b = books([item("A1", "A", date(2025, 12, 30), "1.00"), item("A2", "A", None, "2.00"),
               item("A3", "A", date(2025, 9, 1), "3.00")])
    out = aged_items(frames_of(b).items, AS_OF, edges=(30, 60, 90, 120))
    assert out[["id", "days_past_due", "bucket"]].values.tolist() == [["A1", 1, "1-30"], ["A2", 0, "Current"],
                                                                      ["A3", 121, "121+"]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), max_size=50), st.sampled_from([0, 2, 3]))
def test_amounts_printed_in_bulk_from_minor_units_are_what_fmt_prints(units, places):
    from receivables.money import fmt, from_minor, minor_text, minor_texts

    currency = {0: "JPY", 2: "USD", 3: "KWD"}[places]
    expected = [fmt(from_minor(u, places=places), currency) for u in units]
    assert minor_texts(units, places) == expected
    assert [minor_text(u, places) for u in units] == expected
