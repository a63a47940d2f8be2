"""Canonical records every connector produces and every report consumes.

All records are frozen dataclasses. Money is ``Decimal`` (made by :func:`receivables.money.money`), dates are
``datetime.date``. Amounts of items are *signed*: invoices positive, credit notes and unapplied payments
negative, as the ERP's receivable account sees them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from .errors import Issue


class ItemKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"          # an unapplied (or partly applied) payment sitting on the receivable account


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer (QuickBooks: a customer or sub-customer/job; Odoo: a commercial partner).

    ``id`` is stable within the source: QuickBooks uses the full ``Parent:Sub:Job`` path, Odoo the partner id as a
    string. ``name`` is what people read (the full path for QuickBooks sub-customers); ``parent_id`` points at the
    parent customer's ``id`` when there is one.

    - ``address``: the postal address as a letter's window shows it, one line per part joined by ``"\n"``: street,
      second street line, postcode and city, state, country (lines the source leaves blank left out); ``""`` when
      the source gives none.
    - ``collector``: who owns the customer's collection (Odoo: the salesperson; QuickBooks: the rep), ``""`` when
      the source names no one. How each source decides it is said by its connector.
    """

    id: str
    name: str
    parent_id: str | None = None
    email: str = ""
    phone: str = ""
    lang: str = ""
    terms_days: int | None = None
    credit_limit: Decimal | None = None
    currency: str | None = None
    tags: tuple[str, ...] = ()
    address: str = ""
    collector: str = ""


@dataclass(frozen=True, slots=True)
class Invoice:
    """One receivable item: an invoice (or one instalment of it), a credit note, or an unapplied payment.

    - ``total``: the signed original amount in ``currency`` (document currency).
    - ``open_amount``: the signed amount still open at the source's report date, in ``currency``.
    - ``open_amount_company``: the same in the company currency, when the source tells (``None`` otherwise).
    - ``due``: the due date of this item (an instalment has its own); ``None`` when the source has none.
    - ``paid_on``: the date the item was settled in full, when the source tells; ``None`` while open or unknown.
    - ``source_ref``: where it came from ("file.csv:12", "account.move.line,4711").
    - ``flags``: markers such as ``"disputed"`` or ``"no_followup"``.
    - ``customer_name``: denormalised display name, so reports need no join.
    - ``total_company``: ``total`` in the company currency at the document's own rate, when the source tells (an
      ERP does; an export of a foreign-currency invoice may not). Credit sales in the company currency use it.
    - ``discount_until``: the last day an early-payment discount applies; ``None`` when the item has none.
    - ``discount_amount``: the amount that settles the item when paid by ``discount_until`` (the open amount less
      the discount), in ``currency`` and signed like the item; ``None`` when the item has no discount. Given only
      while the item is open in full: both sources grant the discount on the payment of the whole document, not on
      what is left of a partly paid one.
    """

    id: str
    number: str
    customer_id: str
    kind: ItemKind
    issued: date
    due: date | None
    currency: str
    total: Decimal
    open_amount: Decimal
    open_amount_company: Decimal | None = None
    source_ref: str = ""
    flags: frozenset[str] = frozenset()
    paid_on: date | None = None
    customer_name: str = ""
    total_company: Decimal | None = None
    discount_until: date | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """A customer payment received. ``amount`` is positive; ``applied_to`` lists item ids it settled (if known)."""

    id: str
    customer_id: str
    date: date
    amount: Decimal
    currency: str
    applied_to: tuple[str, ...] = ()
    number: str = ""
    source_ref: str = ""


@dataclass(frozen=True, slots=True)
class Allocation:
    """Which payment or credit (``credit_item_id``) settled which item (``debit_item_id``), how much and when.

    ``amount`` is in the company currency, ``amount_currency`` in the debit item's currency (when known).
    With allocations the books can be rebuilt as they stood on any date.
    """

    debit_item_id: str
    credit_item_id: str
    amount: Decimal
    date: date
    amount_currency: Decimal | None = None


#: An item's fields as stored (the ledger's items table, in its column order; :meth:`LazyItems.columns`).
ITEM_FIELDS = ("id", "number", "customer_id", "kind", "issued", "due", "currency", "total", "open_amount",
               "open_amount_company", "source_ref", "flags", "paid_on", "customer_name", "total_company",
               "discount_until", "discount_amount")


@dataclass(frozen=True, slots=True)
class CollectionNote:
    """A note a collector wrote about a customer or an invoice; ``uid`` is stable for idempotent write-back.

    ``customer`` and ``invoice`` are as the person typed them (a customer's name or id, an invoice's number): the
    engine resolves them against the books. ``outcome``: what the contact gave (:data:`OUTCOMES`). ``dispute``:
    ``"open"`` opens a dispute on the invoice (or the whole customer when no invoice is named), ``"resolved"``
    closes it; ``None`` says nothing of disputes. ``revision`` counts edits of the note's content since the desk
    first saw it.
    """

    uid: str
    customer: str
    written_at: date
    text: str
    author: str = ""
    invoice: str | None = None
    outcome: tuple[str, ...] = ()
    dispute: str | None = None
    promise_date: date | None = None
    promise_amount: Decimal | None = None
    next_action_date: date | None = None
    revision: int = 0


#: What a contact gave, as a collector records it in the Notes sheet's Outcome column.
OUTCOMES = ("reached", "left message", "no answer", "e-mail sent", "letter sent", "meeting")
DISPUTE_STATES = ("open", "resolved")


@dataclass(frozen=True, slots=True)
class SalesTotal:
    """Sales to one customer over ``first`` to ``last`` (both included), as a sales report gives them: not invoices,
    only totals (QuickBooks' Sales by Customer Summary and Detail).

    ``amount`` is in the company currency, signed (credit memos and refunds negative). ``cash`` is the part of it
    that was cash sales (sales receipts less refund receipts), so credit sales are ``amount - cash``; ``None`` when
    the report cannot tell (a Summary counts both alike). Every span of a report's columns (its whole period, or
    each month) has at least one record, a zero one if no customer bought anything then, so the spans the records
    cover are the spans the report covers.
    """

    customer_id: str
    first: date
    last: date
    amount: Decimal
    cash: Decimal | None = None
    source_ref: str = ""


class LazyItems(Sequence):
    """The items of books a reader produced as the engine's frame (see :mod:`receivables.frames`), made into
    :class:`Invoice` records only when something asks for them one by one (a workbook's Invoices sheet, the ledger).

    ``frame`` holds the columns ``receivables.frames.ITEM_COLUMNS``; ``build()`` returns the records, equal item by
    item to what the reader would have made them row by row. Reports take the frame as it is, so aging a large
    export builds no object per item. Compares equal to a tuple of the same records.

    ``columns()``, where the reader gives it, returns the items' fields as the ledger stores them (one list per
    field of :data:`ITEM_FIELDS`, the texts ``str()`` and ISO dates give), so that they are
    stored without their records. ``flag_sets``, where the reader knows them without records: every distinct set
    of flags its items carry (a QuickBooks export gives one for the whole file), so that asking which items carry a
    flag need not make the columns.
    """

    __slots__ = ("frame", "_build", "_items", "_count", "columns", "flag_sets")

    def __init__(self, frame, build: Callable[[], Sequence[Invoice]], count: int,
                 columns: Callable[[], list[list]] | None = None,
                 flag_sets: frozenset[frozenset[str]] | None = None):
        self.frame = frame
        self._build = build
        self._items: tuple[Invoice, ...] | None = None
        self._count = count
        self.columns = columns
        self.flag_sets = flag_sets

    @property
    def built(self) -> bool:
        return self._items is not None

    def _all(self) -> tuple[Invoice, ...]:
        if self._items is None:
            self._items = tuple(self._build())
            self._build = None
        return self._items

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator[Invoice]:
        return iter(self._all())

    def __eq__(self, other) -> bool:
        if isinstance(other, (LazyItems, tuple)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"LazyItems({self._count} items{'' if self.built else ', not built'})"


# What a source can tell. Reports that need a capability the books lack say so instead of guessing.
OPEN_ITEMS = "open_items"            # open balances per item at report_date
ISSUED_HISTORY = "issued_history"    # invoices and credit notes issued over a period, open or paid
PAYMENT_DATES = "payment_dates"      # paid_on dates of settled items
PAYMENTS = "payments"                # payments received, with dates
ALLOCATIONS = "allocations"          # which payment settled which item, and when
DUE_DATES = "due_dates"              # items carry due dates
SALES_TOTALS = "sales_totals"        # sales per customer over a period from a sales report (Books.sales)


@dataclass(frozen=True)
class Books:
    """Everything one pull of one source yields.

    ``report_date`` is the date the source's open balances stand at (an export's "As of" line, or the pull date
    for an ERP). ``rates`` maps a foreign currency to company-currency units per unit, where known.
    ``knows`` lists what the source can tell (see the constants above); ``notes`` are
    :class:`~receivables.errors.Issue` values from the reader: statements of what the source tells or cannot tell
    (severity ``"info"``, e.g. "the report does not say when settled invoices were paid") and approximations made or
    rows skipped (``"warning"``, e.g. open balances derived oldest invoice first because IIF does not record which
    payment settles which invoice), each naming its file (or the ERP) and, where it applies, row and column.
    ``period`` is the first and last date the history covers, when it is a history export (or the sales report's
    period, for the books of a sales report alone). ``sales`` are sales totals from a sales report
    (:class:`SalesTotal`, claimed by ``SALES_TOTALS``): credit sales for DSO when the books have no invoice history.
    """

    source: str
    company_currency: str
    report_date: date | None
    customers: tuple[Customer, ...] = ()
    items: tuple[Invoice, ...] | LazyItems = ()
    payments: tuple[Payment, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    rates: dict[str, Decimal] = field(default_factory=dict)
    knows: frozenset[str] = frozenset()
    notes: tuple[Issue, ...] = ()
    period: tuple[date, date] | None = None
    kinds: tuple[str, ...] = ()          # report kinds or connector name that produced these books
    sales: tuple[SalesTotal, ...] = ()

    def open_items(self) -> tuple[Invoice, ...]:
        return tuple(i for i in self.items if i.open_amount != 0)

    def open_count(self) -> int:
        """How many items are open: ``len(open_items())``, counted from the frame when the items are one."""
        if isinstance(self.items, LazyItems) and not self.items.built:
            return int((self.items.frame["open_minor"].to_numpy() != 0).sum())
        return sum(1 for i in self.items if i.open_amount != 0)

    def customer_map(self) -> dict[str, Customer]:
        return {c.id: c for c in self.customers}
