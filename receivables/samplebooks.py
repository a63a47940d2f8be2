"""Sample books of a fictional company, generated deterministically.

The bundled demo exports, the round-trip tests and the benchmarks all start from these books. A seeded
``random.Random`` drives everything, money is drawn as whole cents (never a float), and nothing looks at
today's date: the same ``seed`` and ``end`` always give the same books.

The company sells to about 60 customers over 18 months. Some customers are sub-customers (``Parent:Sub``), one
is invoiced in EUR at a fixed rate. Each customer pays after its own habit: prompt, slow, chronic (some
invoices never paid) or worsening (later and later). Invoices carry realistic terms (Net 15/30/45/60); some
are paid in two parts, some get a credit memo (applied to the invoice or left open), and a few payments sit
unapplied. Every settlement is an :class:`Allocation`, so ``open_amount == total - allocations up to end`` for
each item.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import from_minor, quantize
from .records import (
    ALLOCATIONS,
    DUE_DATES,
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    PAYMENTS,
    Allocation,
    Books,
    Customer,
    Invoice,
    ItemKind,
    Payment,
)

COMPANY = "Harbor Lane Supply Co"
SAMPLE_END = date(2026, 10, 31)
FOREIGN_CURRENCY = "EUR"
FOREIGN_RATE = Decimal("1.0850")  # USD per EUR

_FIRST = (
    "Amber",
    "Beacon",
    "Cedar",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Maple",
    "Northwind",
    "Orchard",
    "Pioneer",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Union",
    "Valley",
    "Willow",
    "Yardley",
    "Zephyr",
)
_SECOND = (
    "Bakery",
    "Builders",
    "Cafe",
    "Clinic",
    "Dental",
    "Electric",
    "Farms",
    "Fitness",
    "Garage",
    "Hardware",
    "Landscaping",
    "Logistics",
    "Motors",
    "Outfitters",
    "Plumbing",
    "Print Shop",
    "Roofing",
    "Sporting Goods",
    "Studios",
    "Textiles",
)
_SUFFIX = ("", "", "", " Inc", " LLC", " & Sons", ", Ltd", " Co")
_SITES = ("Main Street", "Warehouse 2", "55 Twin Lane", "North Yard", "Downtown Store", "Airport Site")
_TERMS = (15, 30, 30, 30, 30, 45, 60)
_HABITS = ("prompt",) * 9 + ("slow",) * 6 + ("chronic",) * 3


@dataclass(frozen=True)
class _Profile:
    customer: Customer
    habit: str
    size: int  # typical invoice in minor units
    weight: int  # how often the customer buys


def _customers(rng: random.Random, count: int) -> list[_Profile]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}{rng.choice(_SUFFIX)}"
        if len(seen) < len(_FIRST) * len(_SECOND) and name in seen:
            continue
        if name in seen:  # more customers than names: number them
            name = f"{name} {len(names) + 1}"
        seen.add(name)
        names.append(name)
    profiles: list[_Profile] = []
    parents = max(1, count // 12)
    index, worsening, foreign = 0, False, False
    while index < count:
        name = names[index]
        habit = rng.choice(_HABITS)
        if index >= 3 and not worsening:
            habit, worsening = "worsening", True
        currency = None
        if index >= 5 and not foreign and habit != "worsening":
            currency, foreign = FOREIGN_CURRENCY, True
        parent = Customer(
            id=name,
            name=name,
            email=f"ap@{name.split()[0].lower()}.example",
            terms_days=rng.choice(_TERMS),
            currency=currency,
            credit_limit=from_minor(rng.choice((500_000, 1_000_000, 2_500_000))),
        )
        weight = 8 if habit == "worsening" else rng.randint(1, 6)
        profiles.append(_Profile(parent, habit, rng.choice((15_000, 60_000, 250_000)), weight))
        index += 1
        if parents and index % 7 == 2 and index < count:
            parents -= 1
            for site in rng.sample(_SITES, min(rng.randint(2, 3), count - index)):
                path = f"{name}:{site}"
                sub = Customer(
                    id=path, name=path, parent_id=name, email=parent.email, terms_days=parent.terms_days
                )
                profiles.append(_Profile(sub, habit, rng.choice((15_000, 60_000)), rng.randint(1, 4)))
                index += 1
    return profiles[:count]


def _delay(rng: random.Random, habit: str, progress: float) -> int | None:
    """Days after the due date a customer pays; ``None`` when the invoice is never paid."""
    if habit == "prompt":
        return rng.randint(-6, 4)
    if habit == "slow":
        return rng.randint(4, 38)
    if habit == "chronic":
        return None if rng.random() < 0.12 else rng.randint(25, 130)
    return rng.randint(-3, 6) + int(progress * 75)  # worsening


class _Builder:
    """Collects items, payments and allocations as the generator walks through the invoices."""

    def __init__(self, end: date, currency: str, rates: dict[str, Decimal]):
        self.end, self.currency, self.rates = end, currency, rates
        self.items: list[Invoice] = []
        self.payments: list[Payment] = []
        self.allocations: list[Allocation] = []
        self.payment_no = 5000

    def company(self, cents: int, currency: str) -> Decimal:
        amount = from_minor(cents, currency)
        return amount if currency == self.currency else quantize(amount * self.rates[currency], self.currency)

    def pay(self, customer: Customer, on: date, cents: int, currency: str, applied_to: str | None) -> str:
        self.payment_no += 1
        pid = f"PMT-{self.payment_no}"
        self.payments.append(
            Payment(
                pid,
                customer.id,
                on,
                from_minor(cents, currency),
                currency,
                (applied_to,) if applied_to else (),
                number=str(self.payment_no),
            )
        )
        if applied_to:
            self.allocate(applied_to, pid, cents, currency, on)
        return pid

    def allocate(self, debit: str, credit: str, cents: int, currency: str, on: date) -> None:
        self.allocations.append(
            Allocation(debit, credit, self.company(cents, currency), on, from_minor(cents, currency))
        )

    def item(
        self,
        customer: Customer,
        kind: ItemKind,
        ident: str,
        number: str,
        issued: date,
        due: date,
        currency: str,
        total: int,
        settled: int,
        paid_on: date | None,
    ) -> None:
        open_cents = total - settled if kind is ItemKind.INVOICE else total + settled
        self.items.append(
            Invoice(
                id=ident,
                number=number,
                customer_id=customer.id,
                kind=kind,
                issued=issued,
                due=due,
                currency=currency,
                total=from_minor(total, currency),
                open_amount=from_minor(open_cents, currency),
                open_amount_company=self.company(open_cents, currency),
                source_ref=f"samplebooks:{ident}",
                paid_on=paid_on if open_cents == 0 else None,
                customer_name=customer.name,
            )
        )


def _invoice(
    b: _Builder, rng: random.Random, p: _Profile, number: int, issued: date, progress: float
) -> None:
    c = p.customer
    currency = c.currency or b.currency
    terms = c.terms_days or 30
    due = issued + timedelta(days=terms)
    total = max(
        500, rng.randint(p.size // 4, p.size * 2) // 100 * 100 + rng.choice((0, 0, 50, rng.randint(1, 99)))
    )
    ident = f"INV-{number}"
    settled, last = 0, None
    if rng.random() < 0.05:  # a credit memo against it
        cm_cents = max(100, total * rng.randint(10, 100) // 100)
        cm_date = issued + timedelta(days=rng.randint(2, 40))
        if cm_date <= b.end:
            applied = rng.random() < 0.7
            cm_id = f"CM-{number}"
            if applied:
                b.allocate(ident, cm_id, cm_cents, currency, cm_date)
                settled, last = cm_cents, cm_date
            b.item(
                c,
                ItemKind.CREDIT_NOTE,
                cm_id,
                f"CM{number}",
                cm_date,
                cm_date,
                currency,
                -cm_cents,
                cm_cents if applied else 0,
                cm_date,
            )
    delay = _delay(rng, p.habit, progress)
    if delay is not None and settled < total:
        paid = max(issued + timedelta(days=1), due + timedelta(days=delay))
        rest = total - settled
        if rng.random() < 0.08 and rest >= 200:  # paid in two parts
            first = rest * rng.randint(30, 70) // 100
            first_date = issued + (paid - issued) // 2
            if first_date <= b.end:
                b.pay(c, first_date, first, currency, ident)
                settled, last, rest = settled + first, first_date, rest - first
        if paid <= b.end:
            b.pay(c, paid, rest, currency, ident)
            settled, last = settled + rest, paid
    b.item(c, ItemKind.INVOICE, ident, str(number), issued, due, currency, total, settled, last)


def generate(
    seed: int = 7,
    end: date = SAMPLE_END,
    customers: int = 60,
    invoices: int = 1500,
    *,
    months: int = 18,
    company_currency: str = "USD",
    unapplied: int | None = None,
) -> Books:
    """The books of the sample company as they stand at the end of ``end``.

    ``customers`` and ``invoices`` scale the books (benchmarks use ``invoices=100_000``); ``months`` is how
    far back the history reaches; ``unapplied`` is the number of unapplied payments (default: one
    per 150 invoices).
    """
    if customers < 1 or invoices < 0 or months < 1:
        raise ValueError("generate() needs at least one customer, no negative invoice count, and months >= 1")
    rng = random.Random(seed)
    first_month = end.year * 12 + end.month - 1 - (months - 1)
    start = date(first_month // 12, first_month % 12 + 1, 1)
    span = (end - start).days
    rates = {FOREIGN_CURRENCY: FOREIGN_RATE}
    profiles = _customers(rng, customers)
    weights = [p.weight for p in profiles]
    b = _Builder(end, company_currency, rates)
    offsets = sorted(rng.randint(0, span) for _ in range(invoices))
    buyers = rng.choices(profiles, weights=weights, k=invoices)
    for n, (offset, profile) in enumerate(zip(offsets, buyers)):
        _invoice(b, rng, profile, 1001 + n, start + timedelta(days=offset), offset / span if span else 1.0)
    for _ in range(invoices // 150 if unapplied is None else unapplied):
        p = rng.choice(profiles)
        currency = p.customer.currency or company_currency
        on = end - timedelta(days=rng.randint(0, min(120, span)))
        cents = rng.randint(5, 60) * 1000
        pid = b.pay(p.customer, on, cents, currency, None)
        b.item(p.customer, ItemKind.PAYMENT, pid, pid.removeprefix("PMT-"), on, on, currency, -cents, 0, None)
    b.items.sort(key=lambda i: (i.issued, i.kind != ItemKind.INVOICE, i.id))
    b.payments.sort(key=lambda p: (p.date, p.id))
    return Books(
        source=f"samplebooks:seed={seed}",
        company_currency=company_currency,
        report_date=end,
        customers=tuple(p.customer for p in profiles),
        items=tuple(b.items),
        payments=tuple(b.payments),
        allocations=tuple(b.allocations),
        rates=rates,
        knows=frozenset({OPEN_ITEMS, ISSUED_HISTORY, PAYMENT_DATES, PAYMENTS, ALLOCATIONS, DUE_DATES}),
        period=(start, end),
        kinds=("samplebooks",),
    )


def as_of(books: Books, day: date) -> Books:
    """The books as they stood at the end of ``day``, rebuilt from the allocations.

    Items issued later are dropped; an item is open by its total less what was allocated to it on or before
    ``day``. Needs books that record allocations (as :func:`generate` does).
    """
    if books.report_date == day:
        return books
    if ALLOCATIONS not in books.knows:
        raise ValueError(f"{books.source} records no allocations, so it cannot be rebuilt as of {day}")
    debit: dict[str, list[Allocation]] = {}
    credit: dict[str, list[Allocation]] = {}
    for a in books.allocations:
        if a.date <= day:
            debit.setdefault(a.debit_item_id, []).append(a)
            credit.setdefault(a.credit_item_id, []).append(a)
    items = []
    for i in books.items:
        if i.issued > day:
            continue
        mine = debit.get(i.id, []) if i.kind is ItemKind.INVOICE else credit.get(i.id, [])
        moved = sum(
            (a.amount_currency if a.amount_currency is not None else a.amount for a in mine), Decimal(0)
        )
        open_ = i.total - moved if i.kind is ItemKind.INVOICE else i.total + moved
        rate = Decimal(1) if i.currency == books.company_currency else books.rates[i.currency]
        items.append(
            Invoice(
                i.id,
                i.number,
                i.customer_id,
                i.kind,
                i.issued,
                i.due,
                i.currency,
                i.total,
                open_,
                quantize(open_ * rate, books.company_currency),
                i.source_ref,
                i.flags,
                max(a.date for a in mine) if open_ == 0 and mine else None,
                i.customer_name,
            )
        )
    start = books.period[0] if books.period else None
    return Books(
        books.source,
        books.company_currency,
        day,
        books.customers,
        tuple(items),
        tuple(p for p in books.payments if p.date <= day),
        tuple(a for a in books.allocations if a.date <= day),
        books.rates,
        books.knows,
        books.notes,
        (start, day) if start else None,
        books.kinds,
    )


def generate_open(rows: int, seed: int = 7, end: date = SAMPLE_END) -> Books:
    """Books with about ``rows`` open items and little history: the scale knob for parse benchmarks.

    A one-month history leaves most invoices open; the items are cut to exactly ``rows`` open ones (their
    settled history is dropped, so use :func:`generate` where allocations matter).
    """
    books = generate(seed, end, customers=max(60, rows // 40), invoices=rows + rows // 8 + 10, months=1)
    items = books.open_items()[:rows]
    return Books(
        books.source,
        books.company_currency,
        end,
        books.customers,
        items,
        rates=books.rates,
        knows=frozenset({OPEN_ITEMS, DUE_DATES}),
        period=books.period,
        kinds=books.kinds,
    )
