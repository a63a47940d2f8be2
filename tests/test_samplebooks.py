"""The sample books generator: deterministic, internally consistent, and the bundled exports match it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from connectors.quickbooks import read_export
from connectors.quickbooks.sample import SAMPLE_DIR
from receivables.records import ItemKind
from tests.fixtures import qbrender as R
from tests.fixtures.samplebooks import COMPANY, SAMPLE_END, as_of, generate, generate_open


def _moved(books, day=None):
    """Per item: what the allocations moved on or before ``day`` (in the item's own currency)."""
    moved = defaultdict(Decimal)
    for a in books.allocations:
        if day is None or a.date <= day:
            moved[a.debit_item_id] -= a.amount_currency
            moved[a.credit_item_id] += a.amount_currency
    return moved


def test_same_seed_same_books_other_seed_other_books():
    a, b = generate(seed=3, invoices=300, customers=20), generate(seed=3, invoices=300, customers=20)
    assert a == b
    assert generate(seed=4, invoices=300, customers=20).items != a.items


def test_books_are_consistent_open_is_total_less_allocations():
    books = generate()
    assert books.report_date == SAMPLE_END and books.period == (date(2025, 5, 1), SAMPLE_END)
    ids = {i.id for i in books.items} | {p.id for p in books.payments}
    moved = _moved(books)
    for i in books.items:
        assert i.open_amount == i.total + moved[i.id], i
        assert i.open_amount == 0 or (i.open_amount > 0) == (i.kind is ItemKind.INVOICE)
        assert abs(i.open_amount) <= abs(i.total) and i.issued <= SAMPLE_END
        assert (i.paid_on is not None) == (i.open_amount == 0 and i.id in moved)
        assert i.due >= i.issued
    for a in books.allocations:
        assert a.debit_item_id in ids and a.credit_item_id in ids and a.date <= SAMPLE_END
    for p in books.payments:  # a payment never settles more than it brought
        applied = sum((a.amount_currency for a in books.allocations if a.credit_item_id == p.id), Decimal(0))
        assert 0 <= applied <= p.amount and p.date <= SAMPLE_END
    # about the sizes asked for, with every feature present
    customers = {c.id: c for c in books.customers}
    assert len(customers) == 60 and sum(1 for c in customers.values() if c.parent_id) >= 5
    assert {c.currency for c in customers.values()} == {None, "EUR"} and books.rates["EUR"] > 1
    kinds = defaultdict(int)
    for i in books.items:
        kinds[(i.kind, bool(i.open_amount))] += 1
    assert kinds[(ItemKind.INVOICE, False)] > 1000 and kinds[(ItemKind.INVOICE, True)] > 100
    assert kinds[(ItemKind.CREDIT_NOTE, False)] > 10 and kinds[(ItemKind.CREDIT_NOTE, True)] > 3
    assert kinds[(ItemKind.PAYMENT, True)] == 10
    partly = [i for i in books.items if i.kind is ItemKind.INVOICE and 0 < i.open_amount < i.total]
    assert len(partly) >= 5


def test_payer_habits_differ_and_one_customer_gets_worse():
    books = generate()
    late = defaultdict(list)
    for i in books.items:
        if i.kind is ItemKind.INVOICE and i.paid_on:
            late[i.customer_id].append(((i.issued - books.period[0]).days, (i.paid_on - i.due).days))
    means = {c: sum(d for _, d in v) / len(v) for c, v in late.items() if len(v) >= 8}
    assert min(means.values()) < 3 and max(means.values()) > 40
    trend = [
        c
        for c, v in late.items()
        if len(v) >= 8
        and sum(d for _, d in v[len(v) // 2 :]) / (len(v) - len(v) // 2)
        > sum(d for _, d in v[: len(v) // 2]) / (len(v) // 2) + 25
    ]
    assert trend, "the worsening payer pays later in the second half of the history"


def test_rebuilt_as_of_an_earlier_day_matches_the_allocations():
    books = generate(invoices=600, customers=30)
    day = date(2026, 3, 15)
    then = as_of(books, day)
    moved = _moved(books, day)
    assert then.report_date == day and all(i.issued <= day for i in then.items)
    for i in then.items:
        assert i.open_amount == i.total + moved[i.id]
    assert sum(i.open_amount_company for i in then.open_items()) != sum(
        i.open_amount_company for i in books.open_items()
    )


def test_scale_knob_gives_the_open_rows_asked_for():
    books = generate_open(2000)
    assert len(books.items) == 2000 and all(i.open_amount for i in books.items)


def test_bundled_sample_is_the_generated_books():
    """The committed files are what the renderer makes of ``generate()``: regenerate them
    (``python -m tests.fixtures.make_sample``) if this fails."""
    books = generate()
    names = {R.default_filename(COMPANY, kind, suffix) for kind, suffix in R.SAMPLE_KINDS}
    files = {p.name for p in SAMPLE_DIR.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert files == names
    assert sum(p.stat().st_size for p in SAMPLE_DIR.iterdir()) < 1_500_000
    open_invoices = read_export(SAMPLE_DIR / R.default_filename(COMPANY, R.QBO_OPEN_INVOICES))
    assert open_invoices.report_date == SAMPLE_END
    assert sorted((i.number, i.open_amount_company) for i in open_invoices.open_items()) == sorted(
        (i.number, i.open_amount_company) for i in books.open_items()
    )
    aging = read_export(SAMPLE_DIR / R.default_filename(COMPANY, R.QBO_AR_AGING_DETAIL, ".xlsx"))
    assert sorted(i.number for i in aging.open_items()) == sorted(i.number for i in books.open_items())


def test_bundled_sample_is_byte_for_byte_what_make_sample_writes():
    """Every bundled file is what ``python -m tests.fixtures.make_sample`` writes today (XLSX apart from its write
    time): run that to regenerate them if this fails."""
    from tests.fixtures.make_sample import out_of_date

    assert out_of_date(SAMPLE_DIR) == []


def test_records_rebuild_agrees_with_the_engine_rebuild():
    """``samplebooks.as_of`` (records, for the renderer) and ``receivables.asof`` (frames) agree per item: the
    fixture's rebuild is independent of the engine's on purpose, so this checks the engine."""
    from receivables.asof import books_as_of
    from receivables.money import to_minor

    books = generate(seed=5, invoices=500, customers=25)
    for day in (date(2025, 12, 31), date(2026, 6, 30), date(2026, 9, 1)):
        engine = books_as_of(books, day)
        mine = {i.id: to_minor(i.open_amount, i.currency) for i in as_of(books, day).open_items()}
        assert engine.exact
        assert dict(zip(engine.items["id"], engine.items["open_minor"].astype(int))) == mine
