"""Odoo rows (as JSON-RPC returns them) to ardesk records.

Pure functions: no network. Amounts arrive as JSON numbers; each is turned into an exact ``Decimal`` through its
shortest text form by :func:`receivables.money.money` and checked against the currency's precision, so no binary
float reaches a record.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from receivables.errors import RemoteError
from receivables.money import money, precision, quantize
from receivables.records import Allocation, Customer, Invoice, ItemKind, Payment

# How a journal item's move is classified (see pull._KIND_DOMAINS).
INVOICE, REFUND, PAYMENT, OTHER = "invoice", "refund", "payment", "other"
NO_PARTNER = "0"


_EXPONENTS: dict[str | None, tuple[Decimal, Decimal]] = {}


def _exponent(currency: str | None) -> tuple[Decimal, Decimal]:
    """The currency's quantum (0.01) and the tolerance below which a wire value is taken as exact."""
    found = _EXPONENTS.get(currency)
    if found is None:
        digits = precision(currency)
        found = _EXPONENTS[currency] = (Decimal(1).scaleb(-digits), Decimal(1).scaleb(-digits - 2))
    return found


def amount(value, currency: str | None, where: str) -> Decimal:
    """An exact amount from a JSON number (or string) at the currency's precision.

    A JSON number arrives as a binary float; its shortest text form (``repr``) is the decimal Odoo sent, which
    is then held to the currency's precision. A value finer than that (beyond float noise) is refused.
    """
    quantum, tolerance = _exponent(currency)
    if value is False or value is None:         # an unset amount field
        value = 0
    try:
        exact = wire_money(value)
    except (TypeError, ValueError):
        raise RemoteError(f"Odoo sent {value!r} where an amount was expected", source=where) from None
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded != exact and abs(exact - rounded) >= tolerance:
        raise RemoteError(f"Odoo sent {value!r}, finer than {currency or 'the currency'} allows", source=where)
    return rounded


def wire_money(value) -> Decimal:
    """An exact amount from a JSON value: a number (a float through its shortest text, the decimal Odoo sent) or a
    decimal string, made by :func:`~receivables.money.money`. Raises ``TypeError``/``ValueError`` for anything
    else (``True``, a list, ``"NaN"``...)."""
    kind = type(value)
    if kind is float:
        return money(repr(value))
    if kind is int or kind is str:
        return money(value)
    raise TypeError(f"not an amount: {value!r}")


def day(value, where: str) -> date | None:
    """A date from Odoo's ``YYYY-MM-DD`` (or datetime) text; ``False`` means unset."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RemoteError(f"Odoo sent {value!r} where a date was expected", source=where) from None


def m2o_id(value) -> int | None:
    """The id of a many2one value (``[id, name]``, a bare id or ``False``)."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def m2o_name(value) -> str:
    return str(value[1]) if isinstance(value, (list, tuple)) and len(value) > 1 else ""


def line_ref(line_id: int) -> str:
    return f"aml:{line_id}"


def item_kind(kind: str, balance: Decimal) -> ItemKind:
    """Invoice and receipt → invoice, refund → credit note, payment entry → payment; other entries by sign."""
    if kind == INVOICE:
        return ItemKind.INVOICE
    if kind == REFUND:
        return ItemKind.CREDIT_NOTE
    if kind == PAYMENT:
        return ItemKind.PAYMENT
    return ItemKind.PAYMENT if balance < 0 else ItemKind.INVOICE


def line_records(row: dict, kind: str, followup_flag: str | None, cutoff: date,
                 paid_on: date | None, applied_to: tuple[str, ...]) -> tuple[Invoice, Payment | None]:
    """The item and the payment one receivable journal item of the scope stands for (the payment may be None).

    Every journal item of the scope is an item: open ones with what is open, settled ones with ``paid_on`` (so the
    books can be rebuilt at past dates). Items of journal entries that are neither invoices, refunds nor payments
    carry the flag ``journal_entry``. A payment line dated on or after ``cutoff`` is also a payment received.
    """
    lid = int(row["id"])
    where = f"account.move.line,{lid}"
    company_cur = m2o_name(row.get("company_currency_id")) or None
    currency = m2o_name(row.get("currency_id")) or company_cur or ""
    balance = amount(row.get("balance"), company_cur, where)
    residual = amount(row.get("amount_residual"), company_cur, where)
    residual_cur = amount(row.get("amount_residual_currency"), currency, where)
    total_cur = amount(row.get("amount_currency"), currency, where)
    if currency == company_cur or (total_cur == 0 and balance != 0):
        total_cur, residual_cur = balance, residual
    line_date = day(row.get("date"), where)
    if line_date is None:
        raise RemoteError("journal item without a date", source=where)
    partner = m2o_id(row.get("partner_id"))
    customer = str(partner) if partner else NO_PARTNER
    is_open = not row.get("reconciled") and residual != 0
    payment = None
    flags = {"no_followup"} if followup_flag and row.get(followup_flag) else set()
    if kind == OTHER:
        flags.add("journal_entry")
    item = Invoice(id=line_ref(lid), number=str(row.get("move_name") or m2o_name(row.get("move_id"))),
                   customer_id=customer, kind=item_kind(kind, balance),
                   # The accounting date: what the books (and OCA's aged balance) date the item by.
                   issued=line_date,
                   due=day(row.get("date_maturity"), where), currency=currency, total=total_cur,
                   open_amount=residual_cur if is_open else quantize(Decimal(0), currency),
                   open_amount_company=residual if is_open else quantize(Decimal(0), company_cur),
                   source_ref=f"account.move.line,{lid}", flags=frozenset(flags),
                   paid_on=paid_on if row.get("reconciled") else None,
                   customer_name=m2o_name(row.get("partner_id")), total_company=balance)
    payment = None
    if kind == PAYMENT and line_date >= cutoff and balance < 0:
        payment = Payment(id=line_ref(lid), customer_id=customer, date=line_date, amount=-total_cur,
                          currency=currency, applied_to=applied_to,
                          number=str(row.get("move_name") or ""), source_ref=f"account.move.line,{lid}")
    return item, payment


def allocation(row: dict, company_currency: str | None) -> Allocation:
    """An ``account.partial.reconcile`` row as an allocation of a credit line to a debit line."""
    where = f"account.partial.reconcile,{row['id']}"
    when = day(row.get("max_date"), where)
    if when is None:
        raise RemoteError("partial reconciliation without max_date", source=where)
    debit_cur = row.get("debit_amount_currency")
    try:
        amount_currency = wire_money(debit_cur)
    except TypeError:                           # unset (False): the amount in the debit item's currency is unknown
        amount_currency = None
    except ValueError:
        raise RemoteError(f"Odoo sent {debit_cur!r} where an amount was expected", source=where) from None
    return Allocation(debit_item_id=line_ref(m2o_id(row["debit_move_id"])),
                      credit_item_id=line_ref(m2o_id(row["credit_move_id"])),
                      amount=amount(row.get("amount"), company_currency, where), date=when,
                      amount_currency=amount_currency)


_DAYS = re.compile(r"(\d+)\s*(?:days?|jours?|tage?|d\b)", re.IGNORECASE)
_IMMEDIATE = re.compile(r"immediate|due on receipt|comptant|sofort", re.IGNORECASE)


def terms_days(term_name: str) -> int | None:
    """Days of a payment term, derived from its name ("30 Days" → 30, "Immediate Payment" → 0), else None."""
    if not term_name:
        return None
    if _IMMEDIATE.search(term_name):
        return 0
    found = _DAYS.findall(term_name)
    return int(found[-1]) if len(found) == 1 else None


def customer(row: dict, company_currency: str | None) -> Customer:
    """A commercial partner as a customer. ``credit_limit`` only when readable and set."""
    where = f"res.partner,{row['id']}"
    limit = row.get("credit_limit")
    credit_limit = amount(limit, company_currency, where) if limit not in (None, False) else None
    if credit_limit is not None and credit_limit == 0:
        credit_limit = None
    parent = m2o_id(row.get("commercial_partner_id"))
    return Customer(id=str(row["id"]), name=str(row.get("name") or row.get("display_name") or f"#{row['id']}"),
                    parent_id=str(parent) if parent and parent != row["id"] else None,
                    email=str(row.get("email") or ""), phone=str(row.get("phone") or row.get("mobile") or ""),
                    lang=str(row.get("lang") or ""),
                    terms_days=terms_days(m2o_name(row.get("property_payment_term_id"))),
                    credit_limit=credit_limit, currency=company_currency)


def no_partner(company_currency: str | None) -> Customer:
    return Customer(id=NO_PARTNER, name="(no partner)", currency=company_currency)
