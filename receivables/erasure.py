"""Keeping an erasure in force: books from any source, with the personal data of erased customers taken out.

A customer erased on request (:mod:`receivables.privacy`) is still in the ERP or the exports the desk reads; every
pull would bring its data back. So every set of books is passed through :func:`keep_erased` before it is stored or
shown (:func:`jobs.sources.open_books`): the erased customers' e-mail addresses, phone numbers and postal addresses
are blanked, and a customer who is a natural person gets its pseudonym as its name (on the customer and its items).

Where a person's id is its name (a QuickBooks customer is known by its name) the id is replaced by the pseudonym too,
and with it every id made from it (QuickBooks items without a number are named ``kind:customer:date:amount``), in
the items, payments, allocations and sales: the figures are the same, only the name is gone. An ERP's record number
(all digits, Odoo's partner id) is not personal and stays, so write-back to the ERP goes on working.

A source's customer is recognised by a keyed hash of the id it gives (:func:`match_of`, the ledger's own salt), so
the ledger need not keep a person's name to know it again. The books then carry one info issue saying how many
customers were erased on request, so that the desk says why the source's data is not shown.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace

from .errors import Issue
from .records import Books, LazyItems

PSEUDONYM_PREFIX = "Erased customer "
SOURCE = "privacy"


def salt_of(conn) -> str:
    """The ledger's salt (made by its migration, one per ledger file)."""
    return conn.execute("SELECT salt FROM privacy_salt LIMIT 1").fetchone()[0]


def match_of(salt: str, customer_id: str) -> str:
    """The keyed hash by which a source's customer id is recognised as erased (the id itself is not kept); of the id
    with its spaces collapsed, in any case, as a contact list names a QuickBooks customer."""
    key = " ".join(customer_id.split()).casefold()
    return hmac.new(salt.encode(), b"match\x00" + key.encode(), hashlib.sha256).hexdigest()


def pseudonym_of(salt: str, customer_id: str) -> str:
    """A person's stable pseudonym: the same for the same id in the same ledger, whenever and however often it is
    erased or pulled again; nothing of the id can be read from it."""
    return PSEUDONYM_PREFIX + hmac.new(salt.encode(), customer_id.encode(), hashlib.sha256).hexdigest()[:8]


def renames_id(customer_id: str) -> bool:
    """Whether a person's id is replaced by its pseudonym: every id but an ERP's record number, which says nothing
    of the person (QuickBooks knows a customer by its name)."""
    return not customer_id.isdigit()


def rename_item_id(item_id: str, old: str, new: str) -> str:
    """An item id with the customer's id in it (``payment:Jane Doe:2026-01-05:100.00``) renamed; others as they
    are."""
    return item_id.replace(f":{old}:", f":{new}:") if f":{old}:" in item_id else item_id


@dataclass(frozen=True)
class Erased:
    """One erasure as the rule needs it: the id the ledger holds now, the hash of the source's id, the pseudonym
    (None for a business, whose company name stays)."""

    customer_id: str
    match: str
    pseudonym: str | None


@dataclass(frozen=True)
class Erasures:
    """Every erasure of a ledger, and its salt."""

    salt: str
    entries: tuple[Erased, ...] = ()

    @classmethod
    def of(cls, ledger) -> Erasures:
        conn = ledger.conn
        rows = conn.execute("SELECT customer_id, match, pseudonym FROM erasures ORDER BY id").fetchall()
        return cls(salt_of(conn), tuple(Erased(*r) for r in rows))

    def find(self, customer_id: str) -> Erased | None:
        """The erasure of the customer a source (or the ledger) knows as ``customer_id``, or None."""
        if not self.entries:
            return None
        match = match_of(self.salt, customer_id)
        return next((e for e in self.entries if e.match == match or e.customer_id == customer_id), None)

    def apply(self, books: Books) -> Books:
        """``books`` without the erased customers' personal data (see the module); the same books when none of
        them is in it."""
        if not self.entries:
            return books
        ids = {c.id for c in books.customers} | _item_customers(books.items) | {p.customer_id for p in books.payments}
        found = {cid: e for cid in ids if (e := self.find(cid)) is not None}
        if not found:
            return books
        renamed = {cid: e.pseudonym for cid, e in found.items() if e.pseudonym and renames_id(cid)
                   and cid != e.pseudonym}
        customers = tuple(_customer(c, found, renamed) for c in books.customers)
        items, payments, allocations, sales = books.items, books.payments, books.allocations, books.sales
        people = {cid: e.pseudonym for cid, e in found.items() if e.pseudonym}
        if people and _items_change(books.items, people, renamed):
            items = tuple(_item(i, people, renamed) for i in books.items)
        if renamed:
            item_ids = {i.id: n.id for i, n in zip(books.items, items) if i.id != n.id}
            payments = tuple(replace(p, id=_rename(p.id, p.customer_id, renamed), customer_id=renamed.get(
                p.customer_id, p.customer_id), applied_to=tuple(item_ids.get(a, a) for a in p.applied_to))
                             for p in payments)
            pay_ids = {p.id: n.id for p, n in zip(books.payments, payments) if p.id != n.id}
            moved = item_ids | pay_ids
            allocations = tuple(replace(a, debit_item_id=moved.get(a.debit_item_id, a.debit_item_id),
                                        credit_item_id=moved.get(a.credit_item_id, a.credit_item_id))
                                for a in allocations)
            sales = tuple(replace(s, customer_id=renamed.get(s.customer_id, s.customer_id)) for s in sales)
        notes = tuple(n for n in books.notes if n.source != SOURCE) + (notice(len(found)),)
        return replace(books, customers=customers, items=items, payments=payments, allocations=allocations,
                       sales=sales, notes=notes)


def notice(count: int) -> Issue:
    """What the desk says of books it took erased data out of."""
    return Issue(SOURCE, f"{count} customer(s) erased on request: their personal data from the source is not kept",
                 severity="info")


def keep_erased(ledger, books: Books) -> Books:
    """``books`` with every erasure the ledger records kept in force (see the module)."""
    return Erasures.of(ledger).apply(books)


def _item_customers(items) -> set[str]:
    """The customer ids of ``items``: read from the frame when the items are one (no record made)."""
    if isinstance(items, LazyItems) and not items.built:
        return set(items.frame["customer_id"].unique().tolist())
    return {i.customer_id for i in items}


def _items_change(items, people: dict[str, str], renamed: dict[str, str]) -> bool:
    """Whether any item of an erased person still shows its name or an id made from it (books the ledger stored
    after the erasure show none: their items are then kept as they are, without making a record of each)."""
    if isinstance(items, LazyItems) and not items.built and items.columns is not None:
        columns = items.columns()
        triples = zip(columns[0], columns[2], columns[13])
    else:
        triples = ((i.id, i.customer_id, i.customer_name) for i in items)
    return any(cid in people and (name != people[cid] or cid in renamed) for _id, cid, name in triples)


def _rename(item_id: str, customer_id: str, renamed: dict[str, str]) -> str:
    new = renamed.get(customer_id)
    return rename_item_id(item_id, customer_id, new) if new else item_id


def _customer(c, found: dict[str, Erased], renamed: dict[str, str]):
    e = found.get(c.id)
    parent = renamed.get(c.parent_id, c.parent_id) if c.parent_id else c.parent_id
    if e is None:
        return c if parent == c.parent_id else replace(c, parent_id=parent)
    return replace(c, id=renamed.get(c.id, c.id), name=e.pseudonym or c.name, email="", phone="", address="",
                   parent_id=parent)


def _item(i, people: dict[str, str], renamed: dict[str, str]):
    pseudonym = people.get(i.customer_id)
    if pseudonym is None:
        return i
    return replace(i, id=_rename(i.id, i.customer_id, renamed), customer_id=renamed.get(i.customer_id, i.customer_id),
                   customer_name=pseudonym)
