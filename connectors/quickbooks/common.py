"""Helpers every QuickBooks report reader shares: transaction types, per-file date order, customers and ids, and
the notes (:class:`~receivables.errors.Issue` values) a reader gives about a file."""
from __future__ import annotations

import dataclasses
import re
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import repeat

from receivables.errors import InputError, Issue
from receivables.money import currency_code, money, quantize
from receivables.records import Customer, Invoice, ItemKind
from receivables.terms import ESTIMATED

from .cells import DMY, MDY, decide_date_order, parse_date
from .kinds import HISTORY_KINDS, OPEN, OPEN_ITEM_KINDS

_TYPES = {
    "invoice": ItemKind.INVOICE, "inv": ItemKind.INVOICE, "statement charge": ItemKind.INVOICE,
    "stmt chg": ItemKind.INVOICE, "finance charge": ItemKind.INVOICE, "charge": ItemKind.INVOICE,
    "credit memo": ItemKind.CREDIT_NOTE, "credit m...": ItemKind.CREDIT_NOTE, "credit note": ItemKind.CREDIT_NOTE,
    "cred memo": ItemKind.CREDIT_NOTE, "credit": ItemKind.CREDIT_NOTE,
    "payment": ItemKind.PAYMENT, "receive payment": ItemKind.PAYMENT, "pmt": ItemKind.PAYMENT,
    "customer payment": ItemKind.PAYMENT,
}

#: A transaction type QuickBooks documents that may post to Accounts Receivable without being an invoice, a credit
#: memo or a payment (a journal entry, a refund cheque paying out a credit, a deposit). Where an open-item report
#: lists one, its open balance is part of the report's total: the row is kept by its sign (an invoice when positive,
#: a credit note when negative) and flagged :data:`OTHER_FLAG`, as QuickBooks' own aging counts it and as the Odoo
#: connector keeps such journal items. History reports skip it. Either way the books' notes name it.
OTHER_AR = "other_ar"
#: A transaction type QuickBooks documents that carries no amount on Accounts Receivable (an estimate, a sales
#: receipt, a bill...): every reader skips it and names it in the notes.
NOT_AR = "not_ar"
#: The flag of an item kept from a row of an :data:`OTHER_AR` type (the Odoo connector's flag for the same).
OTHER_FLAG = "journal_entry"
#: The flag of an invoice whose due date the export left blank, estimated from its terms.
ESTIMATED_FLAG = ESTIMATED      # the flag of a due date estimated from terms (receivables.terms)

_OTHER_AR_TYPES = (
    "journal entry", "journal", "general journal", "genjrnl", "gen jrnl", "deposit", "dep", "check", "chk",
    "cheque", "expense", "cash expense", "check expense", "cheque expense", "refund", "refund receipt",
    "cash refund", "customer refund", "credit refund", "credit card refund", "ccard refund", "discount",
)
_NOT_AR_TYPES = (
    "estimate", "sales receipt", "cash sale", "sales order", "salesorder", "purchase order", "purchord",
    "bill", "bill payment", "bill payment (check)", "bill payment (cheque)", "bill payment (credit card)",
    "bill pmt -check", "bill pmt -ccard", "bill pmt-check", "bill pmt-ccard", "billpmt", "bill refund",
    "bill credit", "vendor credit", "credit card", "credit card charge", "credit card credit",
    "credit card expense", "credit card payment", "delayed charge", "delayed credit", "time charge",
    "time activity", "billable expense charge", "purchase", "item receipt", "inventory adjust",
    "inventory qty adjust", "inventory starting value", "build assembly", "transfer", "paycheck", "payroll check",
    "liability check", "liability adjustment", "sales tax payment", "tax payment",
)
_CLASSES: dict[str, ItemKind | str] = {**dict.fromkeys(_OTHER_AR_TYPES, OTHER_AR),
                                       **dict.fromkeys(_NOT_AR_TYPES, NOT_AR), **_TYPES}
TYPES_HINT = ("ardesk reads Invoice, Credit Memo, Payment, Statement Charge and Finance Charge rows and skips the "
              "other types QuickBooks documents, such as Journal Entry, Deposit, Check, Refund, Estimate and Sales "
              "Receipt; export the report again without editing it")


def known_kind(type_text: str) -> ItemKind | None:
    """The item kind of a transaction type ardesk reads as one, ``None`` for others."""
    return _TYPES.get(" ".join(type_text.lower().split()))


def type_class(type_text: str) -> ItemKind | str | None:
    """What a transaction type is: an :class:`ItemKind` ardesk reads it as, :data:`OTHER_AR` or :data:`NOT_AR` for
    the other types QuickBooks documents, ``None`` for text that is no transaction type (refused by the readers,
    see :func:`unknown_type`)."""
    return _CLASSES.get(" ".join(type_text.lower().split()))


def unknown_type(text: str, source: str, row: int | None, column: str | None) -> InputError:
    """The error for a row whose transaction type is blank or not one QuickBooks documents."""
    if not text.strip():
        return InputError("a transaction row with no transaction type", source=source, row=row, column=column,
                          hint=TYPES_HINT)
    return InputError(f"unknown transaction type {text.strip()[:40]!r}", source=source, row=row, column=column,
                      hint=TYPES_HINT)


def types_note(fname: str, counts: Counter, column: str | None, *, kept: bool = False) -> Issue:
    """The note naming the rows of other transaction types a reader skipped (or, ``kept``, counted by sign)."""
    listed = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items()))
    if kept:
        return Issue(fname, "rows of other transaction types on Accounts Receivable counted by their sign, as "
                     f"QuickBooks' own aging counts them, and flagged {OTHER_FLAG!r}: {listed}", column=column,
                     severity="warning")
    return Issue(fname, "rows of other transaction types skipped: " + listed, column=column, severity="warning")


def currency_cell(text: str, source: str, row: int | None, column: str | None) -> str:
    """The ISO 4217 code of a currency cell (:func:`receivables.money.currency_code`); an
    :class:`~receivables.errors.InputError` naming the cell for text that is not one."""
    try:
        return currency_code(text)
    except ValueError as exc:
        raise InputError(str(exc), source=source, row=row, column=column,
                         hint="QuickBooks prints three-letter ISO 4217 codes such as USD, EUR or GBP; export the "
                              "report again without editing it") from None


_NET = re.compile(r"(?:net|(?<![a-z])n\s*/)\s*(\d{1,3})\b", re.IGNORECASE)


def due_from_terms(terms: str, issued: date) -> date | None:
    """The due date payment terms give an item issued on ``issued``: ``Net 30`` (also ``1% 10 Net 30`` and the
    trade's ``2/10, n/30``) → 30 days later, ``Due on receipt`` → the same day; ``None`` for terms that give no
    number of days."""
    match = _NET.search(terms)
    if match:
        return issued + timedelta(days=int(match.group(1)))
    if "receipt" in terms.lower():
        return issued
    return None


@dataclass(frozen=True)
class EarlyPayment:
    """Payment terms that grant a discount for early payment: ``percent`` off the invoice's total when the whole
    invoice is paid within ``days`` of its date (``2% 10 Net 30``: 2 percent within 10 days, else due in 30)."""

    percent: Decimal
    days: int


# How QuickBooks writes such terms: Desktop's own "1% 10 Net 30" and "2% 10 Net 30", and as people name their own
# ("2% 10, Net 30", "2%10Net30", "2% 10 days Net 30", the trade's "2/10 Net 30" and "2/10, n/30").
_EARLY = re.compile(r"(\d{1,2}(?:\.\d{1,2})?)\s*(?:%\s*/?|/)\s*(\d{1,3})\s*(?:days?)?\s*[,;]?\s*"
                    r"(?:net|n\s*/)\s*(\d{1,3})\s*(?:days?)?", re.IGNORECASE)


@lru_cache(maxsize=4096)
def early_payment(terms: str) -> EarlyPayment | None:
    """The early-payment discount payment terms grant (``"2% 10 Net 30"`` → 2 percent within 10 days); ``None``
    for terms that grant none (``Net 30``, ``Due on receipt``) or that cannot be read as such."""
    match = _EARLY.fullmatch(" ".join(terms.split()))
    if match is None:
        return None
    percent, days, net = money(match.group(1)), int(match.group(2)), int(match.group(3))
    if not 0 < percent < 100 or not 0 < days <= net:
        return None
    return EarlyPayment(percent, days)


def early_discount(terms: EarlyPayment | None, item: Invoice) -> tuple[date | None, Decimal | None]:
    """The early-payment discount of ``item`` under ``terms``: the last day it applies (the invoice's date plus the
    terms' days) and the amount that settles the invoice when paid by then (what is open less ``percent`` of its
    total, rounded half up to the currency's places); ``(None, None)`` when there is none.

    QuickBooks grants the discount on the payment of the whole invoice (Desktop's Receive Payments offers it when an
    invoice is paid in full within the days; Online's discount terms likewise): an invoice already partly paid or
    credited gets none, and neither does one whose report prints no original amount (flagged ``total_unknown``),
    for then whether it is still open in full cannot be told. Only invoices (not credit memos or payments) carry
    one.
    """
    if (terms is None or item.kind is not ItemKind.INVOICE or item.total <= 0 or item.open_amount != item.total
            or "total_unknown" in item.flags or OTHER_FLAG in item.flags):
        return None, None
    return (item.issued + timedelta(days=terms.days),
            item.open_amount - quantize(item.total * terms.percent / 100, item.currency))


def with_discounts(items: list[Invoice], terms: dict[str, EarlyPayment]) -> list[Invoice]:
    """``items`` with the early-payment discount (:func:`early_discount`) of the terms each item's id has in
    ``terms``, as their open amounts now stand."""
    if not terms:
        return items
    out = []
    for item in items:
        until, amount = early_discount(terms.get(item.id), item)
        out.append(item if until is None else dataclasses.replace(item, discount_until=until,
                                                                  discount_amount=amount))
    return out


def total_unknown_note(fname: str, column: str) -> Issue:
    """The note of a report that prints early-payment terms but no original amount: no discount is given."""
    return Issue(fname, "the report prints no original amount: whether an invoice with early-payment terms (such as "
                 "2% 10 Net 30) is still open in full cannot be told, so no early-payment discount is given (add the "
                 "Amount column to the report)", column=column, severity="info")


def collectors(customers: list[str], reps: list[str], issued: list[date]) -> dict[str, str]:
    """Who collects each customer: the rep most of its items name (items with a blank rep not counted); on a tie,
    the rep of the latest of those items (by date, then by position)."""
    stats: dict[tuple[str, str], list] = {}
    for k, (customer, rep, day) in enumerate(zip(customers, reps, issued)):
        rep = rep.strip()
        if not rep:
            continue
        key = (day.toordinal(), k)
        found = stats.get((customer, rep))
        if found is None:
            stats[(customer, rep)] = [1, key]
        else:
            found[0] += 1
            found[1] = max(found[1], key)
    best: dict[str, tuple] = {}
    for (customer, rep), (count, key) in stats.items():
        if customer not in best or (count, key) > best[customer][1:]:
            best[customer] = (rep, count, key)
    return {customer: found[0] for customer, found in best.items()}


def with_collectors(customers: tuple[Customer, ...], found: dict[str, str]) -> tuple[Customer, ...]:
    """``customers`` with the collectors ``found`` for them (by customer id)."""
    if not found:
        return customers
    return tuple(dataclasses.replace(c, collector=found[c.id]) if c.id in found else c for c in customers)


def blank_due_note(fname: str, row: int, column: str | None, terms: str | None, due: date | None) -> Issue:
    """The note for an invoice whose due date the export left blank: estimated from ``terms`` as ``due``, or not."""
    if due is not None:
        message = f"no due date: estimated as {due.isoformat()} from the terms {terms.strip()!r}"
    elif terms and terms.strip():
        message = (f"no due date, and the terms {terms.strip()[:40]!r} give none: estimated from the customer's "
                   "terms or [aging] default_terms_days")
    else:
        message = ("no due date, and no terms on the row: estimated from the customer's terms or "
                   "[aging] default_terms_days")
    return Issue(fname, message, row=row, column=column, severity="warning")


#: The note of books whose report prints no date at all (no "As of" line, no period, no run date).
NO_DATE = ("the report prints no date (no 'As of' line, no period, no run date): its open balances may be of any "
           "day; every report takes them as they stand and says the books' date is unknown (export the report again "
           "with its title block and footer)")


def date_notes(layout, fname: str) -> list[Issue]:
    """What the books' notes say of the report's date (see :mod:`connectors.quickbooks.kinds`, "Report dates"):
    a warning when it carries none, else how the date was found when it is not an "As of" line."""
    day, how = layout.report_date, layout.dated_by
    if day is None:
        return [Issue(fname, NO_DATE, severity="warning")]
    when = day.isoformat()
    if layout.kind in HISTORY_KINDS and OPEN in layout.columns and how != "as of":
        if how == "run date":
            text = f"open balances are as printed when the report was run, on {when}: the books stand at that date"
            if layout.period and layout.period[1] < day:
                text += (f"; its period ends on {layout.period[1].isoformat()}, so invoices and payments dated "
                         "since are not in it")
            return [Issue(fname, text, severity="info")]
        return [Issue(fname, "open balances are as printed when the report was run, and it prints no run date "
                      f"(the footer): they are taken to stand at the end of its period, {when} (payments after "
                      "it would make them lower than they were then)", severity="info")]
    if layout.kind in HISTORY_KINDS and how != "as of":
        what = "the end of its period" if how == "period end" else "the day it was run"
        return [Issue(fname, f"the books stand at {when}, {what}: the open balances are derived from the "
                      "transactions it lists up to then", severity="info")]
    if how == "run date":
        return [Issue(fname, f"the report prints no 'As of' date: its balances are taken to stand at {when}, when "
                      "it was run", severity="info")]
    if how == "period end":
        return [Issue(fname, f"the report prints no 'As of' date: its balances are taken to stand at the end of its "
                      f"period, {when}", severity="info")]
    return []


def file_name(source: str) -> str:
    """The file name of a path as readers were given it (``"C:\\exports\\a.csv"`` → ``"a.csv"``): what a
    note (an :class:`Issue`) names as its source and a record's ``source_ref`` starts with."""
    return source.replace("\\", "/").rsplit("/", 1)[-1]


class Dates:
    """The dates of one file, parsed once per distinct text in the date order decided from the whole file.

    How the order was decided, when it was not plain, is appended to ``notes`` as an :class:`Issue` of the file:
    a guess (no day above 12, or only one reading within the report's period) is a warning, a decided DD/MM order
    is info.
    """

    def __init__(self, source: str, notes: list[Issue], *, serials: bool = False, order: str | None = None):
        self.source, self.notes, self.serials = source, notes, serials
        self.order = order
        self.cache: dict[str, date] = {}

    def prepare(self, texts: set[str], where, *, dated=frozenset(), bounds=None) -> None:
        """Decide the order from ``texts`` and parse them all; ``where(text)`` gives ``(row, column)`` of a text.

        When no day above 12 decides the order, the transaction dates ``dated`` (an iterable of texts, read only
        then) must fall within ``bounds`` (the report's period, or up to its "As of" date): if only the DD/MM
        reading does, it is taken.
        """
        blank = {t for t in texts if not t.strip()}
        texts = set(texts) - blank
        if self.order is None:
            order, ambiguous = decide_date_order(texts)
            if order is None:
                row, column = where(next(t for t in texts if _over_12(t)))
                raise InputError("the file mixes MM/DD and DD/MM dates", source=self.source, row=row, column=column,
                                 hint="export the report again with one date format")
            if ambiguous and bounds and any("/" in t or "." in t for t in texts) and \
                    _only_dmy_within(set(dated), bounds, self.serials):
                order, ambiguous = DMY, False
                self._note("dates read as DD/MM/YYYY: read as MM/DD/YYYY some fall outside the report's period",
                           "warning")
            elif ambiguous and any("/" in t or "." in t for t in texts):
                self._note("dates could be read either way (no day above 12); read as MM/DD/YYYY", "warning")
            elif order == DMY:
                self._note("dates read as DD/MM/YYYY (a day above 12 comes first)", "info")
            self.order = order
        for text in texts:
            if text not in self.cache:
                value = parse_date(text, self.order, serials=self.serials)
                if value is None:
                    row, column = where(text)
                    raise InputError(f"not a date: {text.strip()[:40]!r}", source=self.source, row=row,
                                     column=column, hint=f"dates look like {_example(self.order)}")
                self.cache[text] = value
        self.cache[""] = None
        for text in blank:
            self.cache[text] = None

    def _note(self, message: str, severity: str) -> None:
        self.notes.append(Issue(file_name(self.source), message, severity=severity))


def _only_dmy_within(texts: set[str], bounds, serials: bool) -> bool:
    """Whether the dates ``texts`` fall within ``bounds`` read as DD/MM but not read as MM/DD."""
    return not _within(texts, MDY, bounds, serials) and _within(texts, DMY, bounds, serials)


def _within(texts, order: str, bounds, serials: bool) -> bool:
    first, last = bounds
    for text in texts:
        if text.strip():
            value = parse_date(text, order, serials=serials)
            if value is None or (first and value < first) or (last and value > last):
                return False
    return True


def _over_12(text: str) -> bool:
    from .cells import split_numeric_date
    parts = split_numeric_date(text)
    return bool(parts) and parts[0] > 12


def _example(order: str) -> str:
    return "12/31/2026" if order == MDY else "31/12/2026"


def customers_for(ids) -> tuple[Customer, ...]:
    """Customers for full QuickBooks names (``Parent:Sub:Job``), with every parent created and linked."""
    ids = set(ids)
    if not any(":" in full for full in ids):          # no sub-customers: one each, no parents to make
        return tuple(Customer(id=cid, name=cid) for cid in sorted(ids))
    out: dict[str, Customer] = {}
    for full in ids:
        parts = full.split(":")
        for depth in range(1, len(parts) + 1):
            cid = ":".join(parts[:depth])
            if cid not in out:
                parent = ":".join(parts[:depth - 1]) or None
                out[cid] = Customer(id=cid, name=cid, parent_id=parent)
    return tuple(sorted(out.values(), key=lambda c: c.id))


def customer_from(headings: tuple[str, ...]) -> str:
    """The full customer name of a row under nested customer headings (``Parent`` / ``Sub`` → ``Parent:Sub``)."""
    if not headings:
        return ""
    inner = headings[-1]
    if ":" in inner or len(headings) == 1:
        return inner.strip()
    return ":".join(h.strip() for h in headings)


class Ids:
    """Stable item ids: ``<kind>:<number>``, or ``<kind>:<customer>:<date>:<amount>`` without a number."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def make(self, kind: str, number: str, customer: str, day: date, amount: Decimal) -> str:
        base = f"{kind}:{number}" if number else f"{kind}:{customer}:{day.isoformat()}:{amount}"
        count = self.seen.get(base)
        if count is None:
            self.seen[base] = 1
            return base
        self.seen[base] = count + 1
        return f"{base}#{count + 1}"


def date_columns(layout, body, keys: list, notes: list[Issue]) -> list[list]:
    """The dates of the columns ``keys`` in the detail rows of ``body``, the order decided once for the file."""
    index = body.index
    texts_by = [body.cells(layout.columns[k]) for k in keys]
    dates = Dates(layout.sheet.source, notes, serials=layout.sheet.serials)

    def where(text):
        for key, texts in zip(keys, texts_by):
            if text in texts:
                return index[texts.index(text)] + 1, layout.name_of(key)
        return None, None
    # The dates the transactions can bear: an open-item report's up to its report date, others within their period
    # (or up to their "As of" date). The run date is no bound: QuickBooks lists transactions dated ahead.
    if layout.kind in OPEN_ITEM_KINDS:
        bounds = (None, layout.report_date) if layout.report_date else None
    elif layout.period:
        bounds = layout.period
    else:
        bounds = (None, layout.as_of) if layout.as_of else None
    dated = texts_by[keys.index("date")] if "date" in keys else ()
    dates.prepare(set().union(*texts_by), where, dated=dated, bounds=bounds)
    get = dates.cache.__getitem__
    return [list(map(get, texts)) for texts in texts_by]


_FIELDS = [f.name for f in dataclasses.fields(Invoice)]
_SLOTS = [Invoice.__dict__.get(name) for name in _FIELDS]
_DEFAULTS = [f.default for f in dataclasses.fields(Invoice)]
_FAST = all(type(slot).__name__ == "member_descriptor" for slot in _SLOTS)


def make_invoices(*columns) -> list[Invoice]:
    """Invoices from columns given in field order (an iterable per field), equal to ``Invoice(*row)`` row by row.

    ``Invoice`` is a frozen slotted dataclass with no ``__post_init__``; for large exports its instances are filled
    slot by slot, column by column, which costs a third of calling ``__init__`` per row.
    """
    if not _FAST or len(columns) > len(_FIELDS):
        return list(map(Invoice, *columns))
    count = len(columns[0])
    items = list(map(object.__new__, repeat(Invoice, count)))
    for slot, values in zip(_SLOTS, columns):
        deque(map(slot.__set__, items, values), maxlen=0)
    for slot, default in zip(_SLOTS[len(columns):], _DEFAULTS[len(columns):]):   # trailing fields left out
        deque(map(slot.__set__, items, repeat(default, count)), maxlen=0)
    return items
