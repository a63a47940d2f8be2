"""Round trip: books rendered into every QuickBooks layout read back unchanged.

Random books (hypothesis) are written by the fixture ``tests.fixtures.qbrender`` in each layout and option
combination (date order, encoding, header case, parentheses, title order, XLSX formula strings) and parsed by
``connectors.quickbooks.read_export``. What each layout carries must come back to the cent: customers, open
items with kinds and dates, issued history, payments.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from connectors.quickbooks import read_export
from connectors.quickbooks.kinds import ALIASES, ALL_KINDS, TITLES, bucket_of, norm, title_kind
from receivables.errors import InputError
from receivables.money import from_minor
from receivables.records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENTS,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)
from tests.fixtures import qbrender as R
from tests.fixtures.qbrender.options import _section
from tests.fixtures.samplebooks import as_of, generate

AS_OF = date(2026, 10, 31)
START = date(2025, 1, 1)
NAMES = [
    "Anna E Yount",
    "Freeman Sporting Goods",
    "Smith, Jones & Co",
    'Café "Zürich"',
    "O'Brien Ltd",
    "Amy's Bird Sanctuary",
    "Kookies by Kathy",
]
SITES = ["55 Twin Lane", "0969 Ocean View Road", "Job 7"]


@st.composite
def books_st(draw, with_paid: bool = False) -> Books:
    """Small single-currency books as of ``AS_OF``: invoices, credit memos, unapplied payments, subs."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    customers = [Customer(n, n, terms_days=30) for n in names]
    for parent in names[: draw(st.integers(0, 2))]:
        for site in draw(st.lists(st.sampled_from(SITES), min_size=1, max_size=2, unique=True)):
            customers.append(Customer(f"{parent}:{site}", f"{parent}:{site}", parent_id=parent))
    items, payments, number = [], [], 1000
    for c in customers:
        for _ in range(draw(st.integers(0, 4))):
            number += 1
            kind = draw(st.sampled_from([ItemKind.INVOICE] * 4 + [ItemKind.CREDIT_NOTE, ItemKind.PAYMENT]))
            issued = AS_OF - timedelta(days=draw(st.integers(0, 600)))
            cents = draw(st.one_of(st.integers(1, 99_999), st.integers(100_000, 900_000_000)))
            if kind is ItemKind.INVOICE:
                due = issued + timedelta(days=draw(st.sampled_from([0, 15, 30, 45, 60])))
                open_ = draw(st.sampled_from([cents, cents // 3 or 1] + ([0] if with_paid else [])))
                items.append(
                    Invoice(
                        f"i{number}",
                        str(number),
                        c.id,
                        kind,
                        issued,
                        due,
                        "USD",
                        from_minor(cents),
                        from_minor(open_),
                        customer_name=c.name,
                    )
                )
            else:
                items.append(
                    Invoice(
                        f"i{number}",
                        str(number),
                        c.id,
                        kind,
                        issued,
                        issued,
                        "USD",
                        from_minor(-cents),
                        from_minor(-cents),
                        customer_name=c.name,
                    )
                )
                if kind is ItemKind.PAYMENT:
                    payments.append(
                        Payment(f"i{number}", c.id, issued, from_minor(cents), "USD", number=str(number))
                    )
    assume(any(i.open_amount for i in items))
    return Books(
        "test",
        "USD",
        AS_OF,
        tuple(customers),
        tuple(items),
        tuple(payments),
        knows=frozenset({OPEN_ITEMS, DUE_DATES, ISSUED_HISTORY, PAYMENTS, ALLOCATIONS}),
        period=(START, AS_OF),
    )


options_st = st.fixed_dictionaries(
    {
        "date_order": st.sampled_from(["MDY", "DMY"]),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
        "header_case": st.sampled_from(["sentence", "title"]),
        "parentheses": st.booleans(),
        "title_first": st.sampled_from([None, True, False]),
        "long_month": st.booleans(),
        "formulas": st.booleans(),
        "xlsx_dates": st.sampled_from(["text", "date"]),
        "symbol": st.sampled_from(["$", "Ksh"]),
        "ageing": st.booleans(),
        "locations": st.booleans(),
        "iif_short_dates": st.booleans(),
    }
)

OPEN_LAYOUTS = [
    (R.QBO_OPEN_INVOICES, ".csv"),
    (R.QBO_OPEN_INVOICES, ".xlsx"),
    (R.QBO_AR_AGING_DETAIL, ".csv"),
    (R.QBO_AR_AGING_DETAIL, ".xlsx"),
    (R.QBO_CUSTOMER_BALANCE_DETAIL, ".csv"),
    (R.QBO_CUSTOMER_BALANCE_DETAIL, ".xlsx"),
    (R.QBD_OPEN_INVOICES, ".csv"),
    (R.QBD_AR_AGING_DETAIL, ".xlsx"),
    (R.QBD_CUSTOMER_OPEN_BALANCE, ".csv"),
]
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _dmy_is_decidable(items, options: dict, payments=(), *, due_dates: bool = True) -> bool:
    """A D/M/Y file can only be told from M/D/Y when some date it prints has a day past the 12th.

    ``items`` and ``payments`` are only what the layout prints; ``due_dates`` says whether it prints the
    items' due dates (Transaction List and Invoices and Received Payments print none).
    """
    dates = [i.issued for i in items] + [p.date for p in payments]
    dates += [i.due for i in items if i.due] if due_dates else []
    return options["date_order"] == "MDY" or any(d.day > 12 for d in dates)


def open_key(i: Invoice) -> tuple:
    return (i.customer_id, i.number, i.kind, i.issued, i.due, i.open_amount)


def _render_read(books, kind, suffix, tmp_path, options) -> Books:
    path = tmp_path / R.default_filename("Sandbox Company_US_1", kind, suffix)
    R.render(books, kind, path, as_of=AS_OF, **options)
    got = read_export(path)
    path.unlink()
    return got


@pytest.mark.parametrize("kind,suffix", OPEN_LAYOUTS, ids=[f"{k}{s}" for k, s in OPEN_LAYOUTS])
@SETTINGS
@given(books=books_st(), options=options_st)
def test_open_item_layouts_round_trip(tmp_path, kind, suffix, books, options):
    assume(_dmy_is_decidable(books.open_items(), options))
    got = _render_read(books, kind, suffix, tmp_path, options)
    assert got.report_date == AS_OF
    assert sorted(map(open_key, got.open_items())) == sorted(map(open_key, books.open_items()))
    assert {c.id for c in got.customers} >= {i.customer_id for i in books.open_items()}
    parents = {c.id: c.parent_id for c in got.customers}
    for i in books.open_items():
        assert parents[i.customer_id] == (i.customer_id.rsplit(":", 1)[0] if ":" in i.customer_id else None)
    if kind == R.QBO_AR_AGING_DETAIL:  # the only open-item layout printing original amounts
        assert sorted((i.number, i.total) for i in got.items) == sorted(
            (i.number, i.total) for i in books.open_items()
        )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@SETTINGS
@given(books=books_st(), options=options_st)
def test_aging_summary_round_trip(tmp_path, suffix, books, options):
    got = _render_read(books, R.QBO_AR_AGING_SUMMARY, suffix, tmp_path, options)
    want, have = defaultdict(Decimal), defaultdict(Decimal)
    for i in books.open_items():
        want[(i.customer_id, _section(R.days_past_due(i, AS_OF)))] += i.open_amount
    for i in got.items:
        # the summary's synthetic items are issued at the bucket's first day past due
        have[(i.customer_id, _section((AS_OF - i.issued).days))] += i.open_amount
    assert {k: v for k, v in have.items() if v} == {k: v for k, v in want.items() if v}


HISTORY_LAYOUTS = [
    (R.QBO_INVOICE_LIST, ".csv"),
    (R.QBO_INVOICE_LIST, ".xlsx"),
    (R.QBO_TRANSACTION_LIST_BY_CUSTOMER, ".csv"),
    (R.QBO_TRANSACTION_LIST_BY_CUSTOMER, ".xlsx"),
    (R.QBO_INVOICES_AND_PAYMENTS, ".csv"),
    (R.QBO_INVOICES_AND_PAYMENTS, ".xlsx"),
    (R.IIF, ".iif"),
]


@pytest.mark.parametrize("kind,suffix", HISTORY_LAYOUTS, ids=[f"{k}{s}" for k, s in HISTORY_LAYOUTS])
@SETTINGS
@given(books=books_st(with_paid=True), options=options_st)
def test_history_layouts_round_trip(tmp_path, kind, suffix, books, options):
    printed = {R.QBO_INVOICE_LIST: (ItemKind.INVOICE,), R.QBO_INVOICES_AND_PAYMENTS: (ItemKind.INVOICE,)}.get(
        kind, (ItemKind.INVOICE, ItemKind.CREDIT_NOTE)
    )
    shown = [i for i in books.items if i.kind in printed]
    payments = books.payments if kind != R.QBO_INVOICE_LIST else ()
    due_dates = kind == R.QBO_INVOICE_LIST  # the only one of these layouts with a due-date column
    assume(kind == R.IIF or _dmy_is_decidable(shown, options, payments, due_dates=due_dates))
    got = _render_read(books, kind, suffix, tmp_path, options)
    invoices = [i for i in books.items if i.kind is ItemKind.INVOICE]

    def issued(items):
        return sorted(
            (i.customer_id, i.number, i.kind, i.issued, i.total) for i in items if i.kind in printed
        )

    assert issued(got.items) == issued(books.items)
    if kind in (R.QBO_INVOICE_LIST, R.QBO_INVOICES_AND_PAYMENTS):  # open balances printed per invoice
        assert sorted((i.number, i.open_amount) for i in got.items if i.kind is ItemKind.INVOICE) == sorted(
            (i.number, i.open_amount) for i in invoices
        )
    if kind == R.QBO_INVOICE_LIST or kind == R.IIF:
        assert sorted((i.number, i.due) for i in got.items if i.kind is ItemKind.INVOICE) == sorted(
            (i.number, i.due) for i in invoices
        )
    if kind != R.QBO_INVOICE_LIST:
        assert sorted((p.customer_id, p.date, p.amount) for p in got.payments) == sorted(
            (p.customer_id, p.date, p.amount) for p in books.payments
        )
    if kind in (R.QBO_TRANSACTION_LIST_BY_CUSTOMER, R.IIF):  # no open balances printed: derived per customer, FIFO
        want = defaultdict(Decimal)
        for i in books.items:
            if i.kind is not ItemKind.PAYMENT:
                want[i.customer_id] += i.total
        for p in books.payments:
            want[p.customer_id] -= p.amount
        have = defaultdict(Decimal)
        for i in got.items:
            have[i.customer_id] += i.open_amount
        assert {k: v for k, v in have.items() if v} == {k: v for k, v in want.items() if v}


def test_three_open_item_layouts_agree_on_the_sample_books(tmp_path):
    """Aging Detail, Open Invoices and Desktop Open Invoices of the same books (with a EUR customer) agree."""
    books = generate(seed=11, invoices=400, customers=24)
    assert any(i.currency == "EUR" for i in books.open_items())
    day = date(2026, 8, 31)  # rebuilt from the allocations, two months before the end
    results = {}
    for kind, suffix in [
        (R.QBO_AR_AGING_DETAIL, ".xlsx"),
        (R.QBO_OPEN_INVOICES, ".csv"),
        (R.QBD_OPEN_INVOICES, ".csv"),
    ]:
        path = tmp_path / f"{kind}{suffix}"
        R.render(books, kind, path, as_of=day)
        got = read_export(path)
        results[kind] = sorted(
            (
                i.customer_id,
                i.number,
                i.kind,
                i.issued,
                i.due,
                i.open_amount_company if i.open_amount_company is not None else i.open_amount,
            )
            for i in got.open_items()
        )
    assert results[R.QBO_AR_AGING_DETAIL] == results[R.QBO_OPEN_INVOICES] == results[R.QBD_OPEN_INVOICES]
    then = as_of(books, day)
    assert len(results[R.QBO_OPEN_INVOICES]) == len(then.open_items()) > 20
    assert sum(r[-1] for r in results[R.QBO_OPEN_INVOICES]) == sum(
        i.open_amount_company for i in then.open_items()
    )


def test_multicurrency_columns_carry_the_foreign_amounts(tmp_path):
    books = generate(seed=11, invoices=400, customers=24)
    path = R.render(books, R.QBO_OPEN_INVOICES, tmp_path / "oi.csv")
    got = {i.number: i for i in read_export(path).open_items()}
    for i in books.open_items():
        assert (got[i.number].currency, got[i.number].open_amount) == (i.currency, i.open_amount)
        assert got[i.number].open_amount_company == i.open_amount_company


def test_layout_quirks_are_written_as_quickbooks_writes_them(tmp_path):
    inv = Invoice(
        "a",
        "1001",
        "Freeman Sporting Goods",
        ItemKind.INVOICE,
        date(2026, 9, 1),
        date(2026, 10, 1),
        "USD",
        Decimal("5281.52"),
        Decimal("5281.52"),
    )
    cm = Invoice(
        "b",
        "CM1",
        "Freeman Sporting Goods",
        ItemKind.CREDIT_NOTE,
        date(2026, 9, 2),
        date(2026, 9, 2),
        "USD",
        Decimal("-9700.13"),
        Decimal("-9700.13"),
    )
    books = Books(
        "t", "USD", AS_OF, (Customer("Freeman Sporting Goods", "Freeman Sporting Goods"),), (inv, cm)
    )
    text = R.render(books, R.QBO_OPEN_INVOICES, tmp_path / "a.csv").read_bytes().decode()
    assert text.startswith("Open Invoices Report,,,,,,\r\n")
    assert '\r\n,09/01/2026,Invoice,1001,Net 30,10/01/2026,"5,281.52"\r\n' in text
    assert ",-9700.13" not in text and '"-9,700.13"' in text
    assert '\r\nTOTAL,,,,,,"-$4,418.61"\r\n' in text
    assert text.endswith('\r\n\r\n\r\n\r\n" Saturday, October 31, 2026 09:41 AM GMTZ"\r\n')
    paren = R.render(books, R.QBO_OPEN_INVOICES, tmp_path / "b.csv", parentheses=True).read_text()
    assert '"(9,700.13)"' in paren and '"($4,418.61)"' in paren
    with pytest.raises(InputError, match="cp1252"):
        R.render(
            Books("t", "USD", AS_OF, (), (inv.__class__(**{**_fields(inv), "customer_id": "Łódź Sp"}),)),
            R.QBO_OPEN_INVOICES,
            tmp_path / "c.csv",
            encoding="cp1252",
        )


def _fields(i: Invoice) -> dict:
    return {f: getattr(i, f) for f in i.__slots__}


def test_invoices_and_received_payments_groups_are_not_nested(tmp_path):
    """The report has customer headings but no subtotals: each heading starts a new customer."""
    day = date(2026, 10, 21)
    items = tuple(
        Invoice(n, n, c, ItemKind.INVOICE, day, AS_OF, "USD", Decimal("10.00"), Decimal("10.00"))
        for n, c in (("1001", "Anna E Yount"), ("1002", "Freeman Sporting Goods"))
    )
    books = Books("t", "USD", AS_OF, (), items, period=(date(2026, 10, 1), AS_OF))
    path = R.render(books, R.QBO_INVOICES_AND_PAYMENTS, tmp_path / "iarp.csv")
    text = path.read_text()
    assert text.startswith("Harbor Lane Supply Co,") and "Total" not in text and "TOTAL" not in text
    assert "\nOctober 2026," in text
    assert sorted((i.customer_id, i.number) for i in read_export(path).items) == [
        ("Anna E Yount", "1001"),
        ("Freeman Sporting Goods", "1002"),
    ]


#: Columns the renderer writes because QuickBooks prints them, and the reader has no use for.
IGNORED_COLUMNS = {"", "p. o. #", "class", "posting", "account", "payment method", "location full name"}


@pytest.mark.parametrize("header_case", ["sentence", "title"])
def test_renderer_uses_the_readers_kinds_titles_and_column_names(header_case):
    """The fixture renders exactly the reader's kinds under the reader's titles, and every column it writes is one
    the reader maps (``kinds.ALIASES``, an aging bucket) or one it ignores on purpose."""
    assert set(R.KINDS) == set(ALL_KINDS) and R.TITLES is TITLES
    books = generate(seed=11, invoices=60, customers=8)
    opts = R.Options(header_case=header_case, locations=True, multicurrency=True)
    for kind, build in R._BUILDERS.items():
        report = build(books, AS_OF, opts)
        assert report.title == TITLES[kind] and title_kind(report.title) is not None
        unknown = [h for h in report.header if norm(h) not in ALIASES and norm(h) not in IGNORED_COLUMNS
                   and bucket_of(h) is None]
        assert not unknown, (kind, unknown)
