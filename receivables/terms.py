"""Due dates a source does not give: estimated from payment terms, and said so.

Some exports carry no due date (an Invoices and Received Payments report, an invoice row left blank). Aged as
Current, such an invoice from a year ago would look harmless; :func:`with_due_dates` gives it the due date its
customer's payment terms give (``Customer.terms_days``), else ``[aging] default_terms_days`` after issue, flags it
``due_estimated`` (shown in the Invoices sheet's Flags) and says in the books' notes how many were estimated and
how. The books still do not claim to know every due date, so every aging says it is approximate.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePath

from .errors import Issue
from .records import Books, ItemKind, LazyItems

ESTIMATED = "due_estimated"
DEFAULT_TERMS_DAYS = 30


def with_due_dates(books: Books, default_terms_days: int = DEFAULT_TERMS_DAYS) -> Books:
    """``books`` with a due date estimated for every invoice the source gave none."""
    if isinstance(books.items, LazyItems) and not books.items.built:
        frame = books.items.frame
        if not (frame["due"].isna() & (frame["kind"] == ItemKind.INVOICE.value)).any():
            return books
    elif all(it.due is not None or it.kind is not ItemKind.INVOICE for it in books.items):
        return books
    terms = {c.id: c.terms_days for c in books.customers if c.terms_days is not None}
    by_terms = by_default = 0
    items = []
    for it in books.items:
        if it.due is None and it.kind is ItemKind.INVOICE:
            days = terms.get(it.customer_id)
            if days is None:
                days, by_default = default_terms_days, by_default + 1
            else:
                by_terms += 1
            it = replace(it, due=it.issued + timedelta(days=days), flags=it.flags | {ESTIMATED})
        items.append(it)
    how = []
    if by_terms:
        how.append(f"{by_terms:,} from their customer's payment terms")
    if by_default:
        how.append(f"{by_default:,} as {default_terms_days} days after issue ([aging] default_terms_days)")
    note = Issue(PurePath(books.source).name or books.source,
                 f"{by_terms + by_default:,} invoices have no due date in the source: estimated, "
                 + " and ".join(how) + "; they are flagged due_estimated", severity="warning")
    return replace(books, items=tuple(items), notes=(*books.notes, note))


@dataclass(frozen=True)
class OpenDiscount:
    """An early-payment discount an item still offers: ``amount`` settles it if paid by ``until``."""

    customer_id: str
    item_id: str
    until: date
    amount: Decimal


def discounts_open(books: Books, as_of: date) -> list[OpenDiscount]:
    """The early-payment discounts of ``books``' items whose last day is ``as_of`` or later, as the source gives
    them (``Invoice.discount_until`` / ``discount_amount``). Items a reader gave as a frame are looked at in it, so
    no record is made for books that offer none (most)."""
    if isinstance(books.items, LazyItems) and not books.items.built:
        import pandas as pd

        from .money import from_minor

        frame = books.items.frame
        offered = frame[frame["discount_until"].notna() & frame["discount_minor"].notna()]
        offered = offered[offered["discount_until"] >= pd.Timestamp(as_of)]
        return [OpenDiscount(r.customer_id, r.id, r.discount_until.date(),
                             from_minor(int(r.discount_minor), r.currency)) for r in offered.itertuples(index=False)]
    return [OpenDiscount(i.customer_id, i.id, i.discount_until, i.discount_amount) for i in books.items
            if i.discount_until is not None and i.discount_amount is not None and i.discount_until >= as_of]
