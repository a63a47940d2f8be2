"""Promises to pay and disputes, tracked from collection notes against the books aging uses.

Notes are taken in ``(written_at, uid)`` order; a note written after the as-of date is not yet in effect and is left
out. Every promise and dispute carries, in ``reason``, what its state or amount rests on when that is not plain.

Resolving a note. ``customer`` is a customer's id (matched exactly) or else its name (matched without case and
surrounding spaces; a name two customers share is ambiguous). ``invoice`` is an item's number (matched the same way
among that customer's items) or else its id. The instalments of an invoice share its number (and its issue date): a
number names all of them (``item_ids``; ``invoice_id`` is the first by due date), items of other kinds sharing the
number left out; one number on two different documents is ambiguous. Notes that cannot be placed, and promises or
disputes that cannot be read (a promise date before the note, a dispute word other than open or resolved, a
resolution with no open dispute to close), are listed in ``unresolved`` with the reason in words. A note that cannot
be placed counts for nothing; one whose promise cannot be read still counts for its dispute, and the other way.

Promises. A note with a ``promise_date`` promises ``promise_amount`` (in the comparison currency below) or, when
that is blank, what was open at the start of the note's day: the named invoice's open amount, or the customer's open
balance. Counted toward it is what came in from the note's date to ``promise_date + grace_days`` (both included),
up to the as-of date:

- with allocations, for a promise naming an invoice: what was allocated to that invoice, by allocation date;
- otherwise, with payment history: the customer's payments (``Payment`` records, by their date) and the credits
  applied, by allocation date (allocations whose credit side is a credit note of the customer, or an unapplied
  payment item of the customer that no ``Payment`` record stands for: a payment is counted once);
- with neither (books of open items): the fall of what was open at the start of the note's day (the named invoice,
  or the customer's items issued by then) up to the end of the window, where the books can show both ends, as
  :mod:`receivables.asof` rebuilds them: only books that know when items were paid (``PAYMENT_DATES`` with
  ``ISSUED_HISTORY``) and whose report date is on or after the note's date. Books of open items alone hold one
  day's balances: a fall between two days they cannot show, and guessing from the one day would call a promise
  kept by a payment made before it, or broken by one they never saw. Such a promise stays ``open`` while its window
  runs and is then ``unknown``, saying so; the next pull's books answer the same question no better, so the reason
  names the reports that would.

States at the as-of date: ``kept`` (received >= promised, at any point of the window), ``open`` (window not over,
received < promised), ``partly kept`` (window over, 0 < received < promised), ``broken`` (window over, nothing
received), ``superseded`` (a later promise note on the same customer, and the same invoice where one is named, was
written while this one was open and not yet kept; what it received is counted up to that note), ``unknown`` (the
books cannot tell: the window reaches past the books' report date or before their history, the promised amount
cannot be known, or nothing was open to promise).

Currencies. Amounts compare in the named invoice's currency, else the customer's currency when all its items share
one, else the company currency (amounts the source converted are taken as they are). Everything else is converted at
``Books.rates`` and rounded once to the target currency's places, and the reason says so; an amount with no rate is
left out and named. Sums are exact ``Decimal`` at the currency's places.

Disputes. ``dispute == "open"`` opens a dispute on the named invoice, or on the whole customer, from the note's date;
a later ``"resolved"`` on the same invoice (or the customer, for a customer dispute) closes it. Its amount is the
invoice's open amount at the as-of date (a customer dispute: the customer's open balance); an invoice paid or
credited since stays disputed, at amount 0, until a note resolves it, and the reason says so.

Cost. Only the customers the notes name are looked at: their rows of :func:`receivables.frames.frames_of`'s frames
(one ``isin`` over the item frame), their payments and the allocations touching their items, found by position.
Small records are made only for the items of a customer a note names an invoice of, and for the money promises
count; what was open at a date is :func:`receivables.asof.open_at` over the rows of the customers asking, once per
date. The lookups of :class:`Tracking` go over the promises and disputes alone.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from .asof import open_at
from .errors import InputError
from .frames import Frames, codes_of, day_number, days, empty_payments, frames_of
from .money import fmt, from_minor, precision
from .records import ALLOCATIONS, DISPUTE_STATES, ISSUED_HISTORY, PAYMENT_DATES, PAYMENTS, Books, CollectionNote

GRACE_DAYS = 3
PROMISE_STATES = ("open", "kept", "partly kept", "broken", "superseded", "unknown")

_ZERO = Decimal(0)
_DAY = timedelta(days=1)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _amount(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else fmt(value, currency)


@dataclass(frozen=True)
class Unresolved:
    """A note the books cannot place (or whose promise or dispute cannot be read), and why, in plain words."""

    uid: str
    reason: str

    def to_json_dict(self) -> dict:
        return {"uid": self.uid, "reason": self.reason}


@dataclass(frozen=True)
class Promise:
    """A promise to pay at the as-of date. ``amount`` and ``received`` are in ``currency`` (``None`` where the books
    cannot tell); ``grace_until`` is ``due + grace_days``; ``state`` one of :data:`PROMISE_STATES`. ``item_ids`` are
    the named invoice's items (its instalments), ``invoice_id`` the first; both empty for a promise on the customer.
    """

    uid: str
    customer_id: str
    invoice_id: str | None
    made_on: date
    due: date
    grace_until: date
    amount: Decimal | None
    currency: str
    received: Decimal | None
    state: str
    reason: str = ""
    invoice_number: str | None = None
    item_ids: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        return {"uid": self.uid, "customer_id": self.customer_id, "invoice_id": self.invoice_id,
                "invoice_number": self.invoice_number, "item_ids": list(self.item_ids),
                "made_on": _iso(self.made_on), "due": _iso(self.due), "grace_until": _iso(self.grace_until),
                "amount": _amount(self.amount, self.currency), "currency": self.currency,
                "received": _amount(self.received, self.currency), "state": self.state, "reason": self.reason}


@dataclass(frozen=True)
class Dispute:
    """A dispute on an invoice (``item_ids``, its instalments; ``invoice_id`` the first) or, with both empty, on the
    whole customer. ``state`` is ``"open"`` or ``"resolved"``; ``amount`` is what was open at the as-of date, in
    ``currency`` (``None`` where the books cannot show it)."""

    customer_id: str
    invoice_id: str | None
    opened_by: str
    opened_on: date
    resolved_by: str | None
    resolved_on: date | None
    state: str
    amount: Decimal | None
    currency: str
    reason: str = ""
    invoice_number: str | None = None
    item_ids: tuple[str, ...] = ()

    def to_json_dict(self) -> dict:
        return {"customer_id": self.customer_id, "invoice_id": self.invoice_id,
                "invoice_number": self.invoice_number, "item_ids": list(self.item_ids),
                "opened_by": self.opened_by, "opened_on": _iso(self.opened_on), "resolved_by": self.resolved_by,
                "resolved_on": _iso(self.resolved_on), "state": self.state,
                "amount": _amount(self.amount, self.currency), "currency": self.currency, "reason": self.reason}


@dataclass(frozen=True)
class Tracking:
    """Promises, disputes and unresolved notes at ``as_of``, each in note order."""

    as_of: date
    promises: tuple[Promise, ...]
    disputes: tuple[Dispute, ...]
    unresolved: tuple[Unresolved, ...]

    def open_disputes_by_item(self) -> dict[str, Dispute]:
        """Each item under an open invoice dispute (never to be dunned), with its dispute."""
        return {i: d for d in self.disputes if d.state == "open" for i in d.item_ids}

    def disputed_customers(self, *, items_too: bool = False) -> set[str]:
        """Customers under an open whole-customer dispute; with ``items_too``, also those with a disputed item."""
        return {d.customer_id for d in self.disputes if d.state == "open" and (items_too or not d.item_ids)}

    def open_promises_by_customer(self) -> dict[str, Promise]:
        """Each customer with an open promise, with the open promise whose window ends last (reminders pause until
        then; the latest made on a tie)."""
        out: dict[str, Promise] = {}
        for p in self.promises:
            if p.state == "open":
                best = out.get(p.customer_id)
                if best is None or (p.grace_until, p.made_on) >= (best.grace_until, best.made_on):
                    out[p.customer_id] = p
        return out

    def promise_text(self, customer_id: str) -> str:
        """What the Customers sheet says of a customer's promises: its open promise, else its latest one, with
        its state ("4,000.00 USD by 2026-12-04: open"); blank without any."""
        mine = [p for p in self.promises if p.customer_id == customer_id and p.state != "superseded"]
        if not mine:
            return ""
        p = self.open_promises_by_customer().get(customer_id) or mine[-1]
        amount = f"{_amount(p.amount, p.currency)} {p.currency}" if p.amount is not None else "the open amount"
        on = f" on {p.invoice_number}" if p.invoice_number else ""
        return f"{amount}{on} by {p.due.isoformat()}: {p.state}"

    def dispute_text(self, customer_id: str) -> str:
        """What the Customers sheet says of a customer's open disputes ("open: whole customer", "open: INV-7
        1,200.00 USD"); blank without any."""
        parts = []
        for d in self.disputes:
            if d.customer_id != customer_id or d.state != "open":
                continue
            what = d.invoice_number or "whole customer"
            parts.append(what + (f" {_amount(d.amount, d.currency)} {d.currency}" if d.amount is not None else ""))
        return ("open: " + "; ".join(parts)) if parts else ""

    def to_json_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "promises": [p.to_json_dict() for p in self.promises],
                "disputes": [d.to_json_dict() for d in self.disputes],
                "unresolved": [u.to_json_dict() for u in self.unresolved]}


def track(books: Books, notes: Sequence[CollectionNote], as_of: date, *, grace_days: int = GRACE_DAYS) -> Tracking:
    """Promises and disputes of ``notes`` at the end of ``as_of``, against ``books`` (see the module's rules)."""
    return track_frames(frames_of(books), notes, as_of, grace_days=grace_days)


# ---------------------------------------------------------------------------------------------- the named part


class _Item(NamedTuple):
    id: str
    number: str
    kind: str
    currency: str
    issued: int
    due: int


class _Money(NamedTuple):
    """Money that came in, dated (day number): company minor units and, where known, minor units of ``currency``."""

    day: int
    company: int | None
    amount: int | None
    currency: str | None


class _Sum:
    """An exact sum in one currency, with what converting into it took."""

    __slots__ = ("currency", "value", "by_rate", "missing")

    def __init__(self, currency: str):
        self.currency = currency
        self.value = _ZERO
        self.by_rate = False
        self.missing: set[str] = set()


def _groups(codes: np.ndarray, keys: np.ndarray) -> dict[str, np.ndarray]:
    """Positions (sorted) of each code of ``codes`` (``-1`` skipped), keyed by ``keys[code]``: one stable sort."""
    ok = np.flatnonzero(codes >= 0)
    order = ok[np.argsort(codes[ok], kind="stable")]
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]) if len(order) else order
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    return {str(keys[sorted_codes[s]]): order[s:e] for s, e in zip(starts.tolist(), ends.tolist())}


class _Part:
    """The part of the books the notes name: those customers' rows of the item frame, their payments and the
    allocations touching their items, looked up by position; what was open at the dates asked for (:meth:`opens`).
    Records are made only for the items notes name (:meth:`items_of`) and the money :meth:`prepare` is asked for."""

    def __init__(self, frames: Frames, customer_ids: set[str]):
        self.frames = frames
        self.company = frames.company_currency
        items = frames.items
        wanted = sorted(customer_ids)
        rows = items[items["customer_id"].isin(wanted).to_numpy()] if wanted else items.iloc[:0]
        rows = rows.astype({c: object for c in ("id", "number", "customer_id", "kind", "currency")})
        self.rows = rows
        codes, keys = codes_of(rows["customer_id"])
        self.row_at = _groups(codes, keys)
        self._ids = rows["id"].to_numpy()
        self._numbers = rows["number"].to_numpy()
        self._kinds = rows["kind"].to_numpy()
        self._currencies = rows["currency"].to_numpy()
        self._issued, self._due = days(rows["issued"]), days(rows["due"])
        self._items: dict[str, list[_Item]] = {}
        pays = frames.payments
        self.payments = pays[pays["customer_id"].isin(wanted).to_numpy()] if len(pays) and wanted else pays.iloc[:0]
        allocs = frames.allocations
        first = ~rows["id"].duplicated().to_numpy()
        row_of = pd.Index(self._ids[first])
        if len(allocs):
            debit_row = row_of.get_indexer(allocs["debit_item_id"])
            credit_row = row_of.get_indexer(allocs["credit_item_id"])
            touching = np.flatnonzero((debit_row >= 0) | (credit_row >= 0))
            allocs = allocs.iloc[touching]
            debit_row, credit_row = debit_row[touching], credit_row[touching]
        else:
            debit_row = credit_row = np.zeros(0, dtype=np.int64)
        self.allocations = allocs
        # Which customers each allocation touches (its debit's and its credit's), for the sub-frames of opens().
        owner = codes[first]
        k = np.arange(len(allocs), dtype=np.int64)
        pairs = np.unique(np.r_[np.where(debit_row >= 0, owner[np.maximum(debit_row, 0)], -1) * len(allocs) + k,
                                np.where(credit_row >= 0, owner[np.maximum(credit_row, 0)], -1) * len(allocs) + k])
        pairs = pairs[pairs >= 0]
        n = max(len(allocs), 1)
        self.alloc_at = {cid: pairs[at] % n for cid, at in _groups(pairs // n, keys).items()}
        self.to_item: dict[str, list[_Money]] = defaultdict(list)
        self.credited_by: dict[str, list[_Money]] = defaultdict(list)
        self.payments_of: dict[str, list[_Money]] = defaultdict(list)
        self._opens: dict[date, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        self._done: dict[date, set[str]] = defaultdict(set)
        self._refused: dict[date, str] = {}

    def items_of(self, customer_id: str) -> list[_Item]:
        """The customer's items, as small records (made on first use)."""
        if customer_id not in self._items:
            at = self.row_at.get(customer_id, np.zeros(0, dtype=np.int64))
            self._items[customer_id] = [
                _Item(str(iid), "" if number is None else str(number), str(kind), str(cur), issued, due)
                for iid, number, kind, cur, issued, due in zip(
                    self._ids[at].tolist(), self._numbers[at].tolist(), self._kinds[at].tolist(),
                    self._currencies[at].tolist(), self._issued[at].tolist(), self._due[at].tolist())]
        return self._items[customer_id]

    def prepare(self, item_ids: set[str], customers: set[str]) -> None:
        """Gather the money promises count: what was allocated to ``item_ids``, and the payments and credits applied
        of ``customers``."""
        pays = self.payments
        pays = pays[pays["customer_id"].isin(sorted(customers)).to_numpy()] if customers else pays.iloc[:0]
        for cid, day, amount, cur in zip(pays["customer_id"].tolist(), days(pays["date"]).tolist(),
                                         pays["amount_minor"].tolist(), pays["currency"].tolist()):
            self.payments_of[cid].append(_Money(day, None, amount, str(cur)))
        rows = self.rows
        # Credits counted when applied: credit notes, and payment items no Payment record stands for.
        kind = self._kinds
        credit = kind == "credit_note"
        payment_items = kind == "payment"
        if payment_items.any() and len(self.frames.payments):
            payment_items &= ~rows["id"].isin(self.frames.payments["id"]).to_numpy()
        credit = (credit | payment_items) & rows["customer_id"].isin(sorted(customers)).to_numpy()
        owner = dict(zip(self._ids[credit].tolist(), rows["customer_id"].to_numpy()[credit].tolist()))
        allocs = self.allocations
        if not len(allocs) or not (item_ids or owner):
            return
        counted = (allocs["debit_item_id"].isin(sorted(item_ids)) | allocs["credit_item_id"].isin(list(owner)))
        allocs = allocs[counted.to_numpy()]
        currency_of = dict(zip(self._ids.tolist(), self._currencies.tolist()))
        unknown = set(allocs["debit_item_id"].tolist()) - currency_of.keys()
        if unknown:         # a customer's credit applied to an item of another customer: its currency, from the frame
            items = self.frames.items
            other = items[items["id"].isin(sorted(unknown)).to_numpy()]
            currency_of.update(zip(other["id"].astype(object).tolist(), other["currency"].astype(object).tolist()))
        for debit, credit_id, co, cur_amount, day in zip(
                allocs["debit_item_id"].tolist(), allocs["credit_item_id"].tolist(), allocs["amount_minor"].tolist(),
                allocs["amount_currency_minor"].to_numpy(dtype=object, na_value=None).tolist(),
                days(allocs["date"]).tolist()):
            cur = currency_of.get(debit)
            money = _Money(day, co, cur_amount if cur is not None else None, None if cur is None else str(cur))
            if debit in item_ids:
                self.to_item[debit].append(money)
            if credit_id in owner:
                self.credited_by[owner[credit_id]].append(money)

    # -- currencies

    def currency(self, customer_id: str, items: tuple[_Item, ...]) -> str:
        """The currency amounts of a promise or dispute compare in (see the module's rules)."""
        if items:
            curs = {i.currency for i in items}
        else:
            curs = set(self._currencies[self.row_at.get(customer_id, np.zeros(0, dtype=np.int64))].tolist())
        return str(curs.pop()) if len(curs) == 1 else self.company

    def add(self, total: _Sum, amount: Decimal, currency: str) -> None:
        """Add ``amount`` of ``currency`` to ``total``, converted at the books' rates where the currencies differ."""
        target, company, rates = total.currency, self.company, self.frames.rates
        if currency == target:
            total.value += amount
            return
        if target == company:
            rate = rates.get(currency)
            value = None if rate is None else amount * rate
        elif currency == company:
            rate = rates.get(target)
            value = None if not rate else amount / rate
        else:
            to_co, from_co = rates.get(currency), rates.get(target)
            value = None if to_co is None or not from_co else amount * to_co / from_co
        if value is None:
            total.missing.add(currency)
            return
        total.by_rate = True
        total.value += value.quantize(Decimal(1).scaleb(-precision(target)), rounding=ROUND_HALF_UP)

    def add_money(self, total: _Sum, m: _Money) -> None:
        """Add money that came in: in its own currency where that is ``total``'s, else the company amount the
        source converted where ``total`` is in the company currency, else converted at the rate."""
        if m.amount is not None and m.currency == total.currency:
            total.value += from_minor(m.amount, m.currency)
        elif m.company is not None and total.currency == self.company:
            total.value += from_minor(m.company, self.company)
        elif m.amount is not None:
            self.add(total, from_minor(m.amount, m.currency), m.currency)
        else:
            self.add(total, from_minor(m.company, self.company), self.company)

    # -- what was open at a date

    def opens(self, wanted: dict[date, set[str]]) -> None:
        """Work out what was open at the end of each date of ``wanted`` for its customers: one
        :func:`~receivables.asof.open_at` per date over those customers' rows, each customer once."""
        for d, cids in wanted.items():
            todo = sorted(cids - self._done[d])
            if not todo or d in self._refused:
                continue
            self._done[d].update(todo)
            at = [self.row_at[c] for c in todo if c in self.row_at]
            rows = self.rows.iloc[np.sort(np.concatenate(at))] if at else self.rows.iloc[:0]
            touching = [self.alloc_at[c] for c in todo if c in self.alloc_at]
            allocs = self.allocations.iloc[np.unique(np.concatenate(touching)) if touching else []]
            part = dataclasses.replace(self.frames, items=rows, allocations=allocs, payments=empty_payments(),
                                       cache={})
            try:
                df = open_at(part, d).items
            except InputError as exc:
                self._refused[d] = exc.message
                continue
            found = self._opens[d]
            for iid, cid, cur, open_, co, issued in zip(
                    df["id"].tolist(), df["customer_id"].tolist(), df["currency"].tolist(), df["open_minor"].tolist(),
                    df["open_company_minor"].to_numpy(dtype=object, na_value=None).tolist(),
                    days(df["issued"]).tolist()):
                found[cid].append((iid, str(cur), open_, co, issued))

    def open_sum(self, d: date, customer_id: str, item_ids: tuple[str, ...], currency: str,
                 issued_by: int | None = None) -> _Sum | str:
        """What was open at the end of ``d`` (asked for through :meth:`opens`) of the items, or of all the
        customer's items issued by day ``issued_by``, in ``currency``; or why the books cannot show it."""
        if d in self._refused:
            return self._refused[d]
        total = _Sum(currency)
        wanted = set(item_ids)
        for iid, cur, open_, co, issued in self._opens[d].get(customer_id, ()):
            if (wanted and iid not in wanted) or (issued_by is not None and issued > issued_by):
                continue
            if cur != currency and currency == self.company and co is not None:
                total.value += from_minor(co, self.company)
            else:
                self.add(total, from_minor(open_, cur), cur)
        return total


# ---------------------------------------------------------------------------------------------- resolving


class _Note(NamedTuple):
    note: CollectionNote
    customer_id: str
    items: tuple[_Item, ...]
    number: str | None


def _name_index(frames: Frames) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for cid, name in frames.names.items():
        index[str(name).strip().casefold()].append(cid)
    return index


def _resolve_customer(typed: str, frames: Frames, index: dict[str, list[str]]) -> tuple[str | None, str]:
    if typed in frames.names:
        return typed, ""
    found = index.get(typed.strip().casefold(), [])
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"no customer named {typed.strip()!r} in the books"
    shown = ", ".join(sorted(found)[:5]) + (" ..." if len(found) > 5 else "")
    return None, (f"{len(found)} customers are named {typed.strip()!r} (ids {shown}): name the customer by its id")


def _resolve_invoice(typed: str, customer: str, items: Sequence[_Item], knows_settled: bool
                     ) -> tuple[tuple[_Item, ...], str]:
    """The items ``typed`` names among a customer's: by number (the instalments of one invoice share it), else
    by id; or why none."""
    text = typed.strip()
    key = text.casefold()
    found = [i for i in items if i.number.strip().casefold() == key] if key else []
    if len(found) > 1:
        found = [i for i in found if i.kind == "invoice"] or found
        if len({(i.kind, i.issued) for i in found}) > 1:       # not the instalments of one invoice
            shown = ", ".join(i.id for i in found[:5]) + (" ..." if len(found) > 5 else "")
            return (), f"invoice {text} matches {len(found)} of {customer}'s items ({shown}): name one by its id"
    if not found:
        found = [i for i in items if i.id == text]
    if not found:
        hint = "" if knows_settled else " (the books list open items only: a settled invoice is not among them)"
        return (), f"invoice {text} is not among {customer}'s items{hint}"
    found.sort(key=lambda i: (i.due, i.id))
    return tuple(found), ""


# ---------------------------------------------------------------------------------------------- tracking


class _PromiseNote(NamedTuple):
    named: _Note
    made_on: date
    due: date
    grace_until: date


def _same_scope(a: _Note, b: _Note) -> bool:
    """Whether two notes speak of the same thing: the same customer, and both of it, or of one invoice."""
    if a.customer_id != b.customer_id:
        return False
    if not a.items or not b.items:
        return not a.items and not b.items
    return not {i.id for i in a.items}.isdisjoint(i.id for i in b.items)


def _dispute_word(value: str | None) -> str | None:
    return None if value is None or not value.strip() else value.strip().casefold()


def track_frames(frames: Frames, notes: Iterable[CollectionNote], as_of: date, *,
                 grace_days: int = GRACE_DAYS) -> Tracking:
    """:func:`track` over pre-built frames (the ones the other reports of a refresh share)."""
    if grace_days < 0:
        raise ValueError(f"grace_days must not be negative, not {grace_days}")
    todo = sorted((n for n in notes if n.written_at <= as_of), key=lambda n: (n.written_at, n.uid))
    unresolved: list[Unresolved] = []
    names = frames.names
    index = _name_index(frames) if any(n.customer not in names for n in todo) else {}
    placed: list[tuple[CollectionNote, str]] = []
    for n in todo:
        cid, why = _resolve_customer(n.customer, frames, index)
        if cid is None:
            unresolved.append(Unresolved(n.uid, why))
        else:
            placed.append((n, cid))
    part = _Part(frames, {cid for _, cid in placed})
    knows_settled = bool({ALLOCATIONS, ISSUED_HISTORY, PAYMENT_DATES} & frames.knows)
    named: list[_Note] = []
    for n, cid in placed:
        items: tuple[_Item, ...] = ()
        number = None
        if n.invoice is not None and n.invoice.strip():
            items, why = _resolve_invoice(n.invoice, _name(frames, cid), part.items_of(cid), knows_settled)
            if not items:
                unresolved.append(Unresolved(n.uid, why))
                continue
            number = items[0].number or None
        named.append(_Note(n, cid, items, number))
    promises: list[_PromiseNote] = []
    dispute_notes: list[tuple[_Note, str]] = []
    for x in named:
        n = x.note
        if n.promise_date is not None:
            if n.promise_date < n.written_at:
                unresolved.append(Unresolved(n.uid, f"promise date {n.promise_date.isoformat()} is before the "
                                                    f"note's date {n.written_at.isoformat()}: no promise taken"))
            else:
                promises.append(_PromiseNote(x, n.written_at, n.promise_date,
                                             n.promise_date + timedelta(days=grace_days)))
        elif n.promise_amount is not None:
            unresolved.append(Unresolved(n.uid, f"a promised amount ({n.promise_amount}) without a promise date: "
                                                "no promise taken"))
        word = _dispute_word(n.dispute)
        if word is not None:
            if word in DISPUTE_STATES:
                dispute_notes.append((x, word))
            else:
                unresolved.append(Unresolved(n.uid, f"dispute {n.dispute.strip()!r} is neither "
                                                    f"{' nor '.join(DISPUTE_STATES)}: no dispute taken"))
    tracker = _Tracker(frames, part, as_of)
    tracked, disputes = tracker.promises(promises), tracker.disputes(dispute_notes)
    order = {n.uid: k for k, n in enumerate(todo)}
    unresolved.extend(tracker.unresolved)
    unresolved.sort(key=lambda u: order[u.uid])
    return Tracking(as_of=as_of, promises=tracked, disputes=disputes, unresolved=tuple(unresolved))


def _name(frames: Frames, customer_id: str) -> str:
    return str(frames.names.get(customer_id, customer_id))


class _Tracker:
    """Promises and disputes of placed notes against one set of books, at one as-of date."""

    def __init__(self, frames: Frames, part: _Part, as_of: date):
        self.frames, self.part, self.as_of = frames, part, as_of
        self.rd = frames.report_date
        knows = frames.knows
        self.history = bool(len(frames.payments) or len(frames.allocations) or {PAYMENTS, ALLOCATIONS} & knows)
        self.by_allocation = bool(len(frames.allocations) or ALLOCATIONS in knows)
        self.rebuilds = PAYMENT_DATES in knows and ISSUED_HISTORY in knows
        self.first = frames.period[0] if self.history and frames.period is not None else None
        self.unresolved: list[Unresolved] = []

    # -- promises

    def promises(self, notes: list[_PromiseNote]) -> tuple[Promise, ...]:
        successor: dict[int, _PromiseNote] = {}
        current: dict[str, list[tuple[int, _PromiseNote]]] = defaultdict(list)     # customer -> standing promises
        for k, p in enumerate(notes):
            standing = current[p.named.customer_id]
            for i, q in standing:
                if _same_scope(q.named, p.named):
                    successor[i] = p
            standing[:] = [(i, q) for i, q in standing if i not in successor] + [(k, p)]
        if self.history:
            by_item = [p for p in notes if p.named.items and self.by_allocation]
            self.part.prepare({i.id for p in by_item for i in p.named.items},
                              {p.named.customer_id for p in notes if not (p.named.items and self.by_allocation)})
        wanted: dict[date, set[str]] = defaultdict(set)
        for k, p in enumerate(notes):
            cid = p.named.customer_id
            ends = [self._end(p, self.as_of)] + ([self._end(p, successor[k].made_on)] if k in successor else [])
            if p.named.note.promise_amount is None or (not self.history and self._fall_known(p)):
                wanted[p.made_on - _DAY].add(cid)
                if self.rd is not None and p.made_on == self.rd:
                    wanted[self.rd].add(cid)
            if not self.history and self._fall_known(p):
                for end in ends:
                    wanted[min(end, self.rd)].add(cid)
        self.part.opens(wanted)
        return tuple(self._promise(p, successor.get(k)) for k, p in enumerate(notes))

    def _end(self, p: _PromiseNote, at: date) -> date:
        return min(p.grace_until, at)

    def _fall_known(self, p: _PromiseNote) -> bool:
        """Whether books without payment history can show what fell between the note and the window's end."""
        return self.rebuilds and self.rd is not None and p.made_on <= self.rd

    def _promise(self, p: _PromiseNote, successor: _PromiseNote | None) -> Promise:
        x = p.named
        cid, n = x.customer_id, x.note
        currency = self.part.currency(cid, x.items)
        ids = tuple(i.id for i in x.items)
        reasons: list[str] = []
        promised = self._promised(p, currency, reasons)
        state = None
        end = self._end(p, self.as_of)
        if successor is not None and successor.made_on <= p.grace_until:
            got = self._received(p, min(end, successor.made_on), currency, [])
            if got is None or promised is None or got < promised:
                end = min(end, successor.made_on)
                state = "superseded"
                reasons.insert(0, f"superseded by note {successor.named.note.uid} of "
                                  f"{successor.made_on.isoformat()}")
        received = self._received(p, end, currency, reasons)
        over = self.as_of > p.grace_until
        if state is None:
            state = self._state(p, promised, received, over, reasons)
        return Promise(uid=n.uid, customer_id=cid, invoice_id=ids[0] if ids else None, made_on=p.made_on, due=p.due,
                       grace_until=p.grace_until, amount=promised, currency=currency, received=received, state=state,
                       reason="; ".join(dict.fromkeys(reasons)), invoice_number=x.number, item_ids=ids)

    def _state(self, p: _PromiseNote, promised: Decimal | None, received: Decimal | None, over: bool,
               reasons: list[str]) -> str:
        if promised is not None and promised <= 0:
            reasons.append("nothing was open to promise" if p.named.note.promise_amount is None
                           else "the promised amount is not above zero")
            return "unknown"
        if promised is not None and received is not None and received >= promised:
            return "kept"
        if not over:
            return "open"
        if promised is None or received is None:
            return "unknown"
        if self.rd is not None and p.grace_until > self.rd:
            reasons.append(f"the books stand at {self.rd.isoformat()}: what came in from "
                           f"{(self.rd + _DAY).isoformat()} to {p.grace_until.isoformat()} is not in them")
            return "unknown"
        if self.first is not None and p.made_on < self.first:
            reasons.append(f"the books' history starts at {self.first.isoformat()}, after the note's date")
            return "unknown"
        return "broken" if received == 0 else "partly kept"

    def _promised(self, p: _PromiseNote, currency: str, reasons: list[str]) -> Decimal | None:
        """The amount promised: the note's, else what was open at the start of the note's day (at the end of it,
        where that is the books' own date and they cannot show the day before)."""
        n, x = p.named.note, p.named
        if n.promise_amount is not None:
            return n.promise_amount
        what = f"invoice {x.number or x.items[0].id}'s open amount" if x.items else "the customer's open balance"
        ids = tuple(i.id for i in x.items)
        day, when = p.made_on - _DAY, f"at the start of {p.made_on.isoformat()}"
        got = self.part.open_sum(day, x.customer_id, ids, currency)
        if isinstance(got, str) and self.rd is not None and p.made_on == self.rd:
            day, when = self.rd, f"at the end of {self.rd.isoformat()}, the books' date"
            got = self.part.open_sum(day, x.customer_id, ids, currency)
        if isinstance(got, str):
            reasons.append(f"no amount promised, and {got}")
            return None
        reasons.append(f"amount: {what} {when}")
        if self.rd is not None and day > self.rd:
            reasons.append(f"as the books stand at {self.rd.isoformat()}")
        self._conversions(got, reasons)
        return got.value

    def _conversions(self, total: _Sum, reasons: list[str]) -> None:
        if total.by_rate:
            reasons.append(f"amounts in other currencies converted to {total.currency} at the books' rates")
        if total.missing:
            reasons.append(f"amounts in {', '.join(sorted(total.missing))} left out: no rate to "
                           f"{total.currency}")

    def _received(self, p: _PromiseNote, end: date, currency: str, reasons: list[str]) -> Decimal | None:
        x = p.named
        start_day, end_day = day_number(p.made_on), day_number(end)
        total = _Sum(currency)
        if self.history:
            if x.items and self.by_allocation:
                sources = [m for i in x.items for m in self.part.to_item.get(i.id, ())]
            else:
                if x.items:
                    reasons.append("the books do not say which invoice a payment settled: all the customer paid "
                                   "or was credited in the window counts")
                sources = self.part.payments_of.get(x.customer_id, []) + self.part.credited_by.get(x.customer_id, [])
            for m in sources:
                if start_day <= m.day <= end_day:
                    self.part.add_money(total, m)
            self._conversions(total, reasons)
            return total.value
        if not self._fall_known(p):
            reasons.append(self._blind(p))
            return None
        ids = tuple(i.id for i in x.items)
        issued_by = start_day - 1
        before = self.part.open_sum(p.made_on - _DAY, x.customer_id, ids, currency, issued_by)
        after = self.part.open_sum(min(end, self.rd), x.customer_id, ids, currency, issued_by)
        if isinstance(before, str) or isinstance(after, str):      # not expected once _fall_known holds
            reasons.append(before if isinstance(before, str) else after)
            return None
        reasons.append("received: the fall of what was open at the start of the note's day, rebuilt from the "
                       "dates items were paid in full (an item partly paid on a date the books do not give counts "
                       "at its full amount before the books' date)")
        self._conversions(before, reasons)
        self._conversions(after, reasons)
        return max(before.value - after.value, _ZERO)

    def _blind(self, p: _PromiseNote) -> str:
        window = f"from {p.made_on.isoformat()} to {p.grace_until.isoformat()}"
        if self.rd is not None and p.made_on > self.rd:
            return f"the books stand at {self.rd.isoformat()}, before the note: they cannot show what was paid {window}"
        stand = f"at {self.rd.isoformat()}" if self.rd is not None else "at one date"
        return (f"the books hold only what was open {stand}: they cannot show what was paid {window} (books with "
                "payment history can: QuickBooks' Transaction List by Customer or Invoices and Received Payments "
                "covering those dates, or Odoo)")

    # -- disputes

    def disputes(self, notes: list[tuple[_Note, str]]) -> tuple[Dispute, ...]:
        opened: list[dict] = []
        live: dict[str, list[dict]] = defaultdict(list)          # customer -> its open disputes
        for x, word in notes:
            match = next((d for d in live[x.customer_id] if _same_scope(d["named"], x)), None)
            if word == "open":
                if match is None:
                    d = {"named": x, "opened_by": x.note.uid, "opened_on": x.note.written_at, "resolved_by": None,
                         "resolved_on": None}
                    opened.append(d)
                    live[x.customer_id].append(d)
            elif match is not None:
                match["resolved_by"], match["resolved_on"] = x.note.uid, x.note.written_at
                live[x.customer_id].remove(match)
            else:
                what = f"invoice {x.number or x.items[0].id}" if x.items else "the customer as a whole"
                self.unresolved.append(Unresolved(x.note.uid, f"resolves a dispute, but no dispute on {what} of "
                                                              f"{_name(self.frames, x.customer_id)} is open"))
        self.part.opens({self.as_of: {d["named"].customer_id for d in opened}} if opened else {})
        return tuple(self._dispute(d) for d in opened)

    def _dispute(self, d: dict) -> Dispute:
        x: _Note = d["named"]
        ids = tuple(i.id for i in x.items)
        currency = self.part.currency(x.customer_id, x.items)
        got = self.part.open_sum(self.as_of, x.customer_id, ids, currency)
        state = "open" if d["resolved_by"] is None else "resolved"
        reasons: list[str] = []
        amount: Decimal | None
        if isinstance(got, str):
            amount = None
            reasons.append(got)
        else:
            amount = got.value
            self._conversions(got, reasons)
            if self.rd is not None and self.as_of > self.rd:
                reasons.append(f"open amount as the books stand at {self.rd.isoformat()}")
            if ids and amount == 0 and state == "open":
                reasons.insert(0, f"invoice {x.number or ids[0]} is no longer open at {self.as_of.isoformat()} "
                                  "(paid or credited): the dispute stays open until a note resolves it")
        return Dispute(customer_id=x.customer_id, invoice_id=ids[0] if ids else None, opened_by=d["opened_by"],
                       opened_on=d["opened_on"], resolved_by=d["resolved_by"], resolved_on=d["resolved_on"],
                       state=state, amount=amount, currency=currency, reason="; ".join(dict.fromkeys(reasons)),
                       invoice_number=x.number, item_ids=ids)


