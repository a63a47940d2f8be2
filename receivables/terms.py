"""Due dates a source does not give: estimated from payment terms, and said so.

Some exports carry no due date (an Invoices and Received Payments report, an invoice row left blank). Aged as
Current, such an invoice from a year ago would look harmless; :func:`with_due_dates` gives it the due date its
customer's payment terms give (``Customer.terms_days``), else ``[aging] default_terms_days`` after issue, flags it
``due_estimated`` (shown in the Invoices sheet's Flags) and says in the books' notes how many were estimated and
how. The books still do not claim to know every due date, so every aging says it is approximate.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
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
