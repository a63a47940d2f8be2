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

    An item whose line has an early-payment discount (``discount_date`` set, Odoo 16+) carries it while it is open in
    full: ``discount_until`` is that date and ``discount_amount`` the line's ``discount_amount_currency``, which in
    Odoo is the amount to pay by then (``account.payment.term._compute_terms``: the total less the discount; the
    register-payment wizard takes it as the amount due). Odoo grants the discount only to an invoice nothing has
    been paid on yet (``account.move._is_eligible_for_early_payment_discount``), so an item partly settled carries
    none, though its line keeps the date.
    """
    lid = int(row["id"])
    items, payments = LineMapper(followup_flag, cutoff).records(
        [row], {lid: kind}, {lid: paid_on} if paid_on is not None else {}, {lid: applied_to} if applied_to else {})
    return items[lid], payments.get(lid)


_FLAGS = {(False, False): frozenset(), (True, False): frozenset({"no_followup"}),
          (False, True): frozenset({"journal_entry"}), (True, True): frozenset({"no_followup", "journal_entry"})}
_KINDS = {INVOICE: ItemKind.INVOICE, REFUND: ItemKind.CREDIT_NOTE, PAYMENT: ItemKind.PAYMENT}


class _Currency:
    """What the mapping of one currency's amounts needs, made once per pull: its zero and, by wire value, the
    amounts already converted (a line's balance, residual and amounts in currency are often the same number)."""

    __slots__ = ("zero", "amounts")

    def __init__(self, currency: str | None):
        self.zero = quantize(Decimal(0), currency)
        # Only non-zero floats are kept: 0.0 and -0.0 are one key but not one Decimal (0.00 and -0.00).
        self.amounts: dict[float, Decimal] = {}


class LineMapper:
    """:func:`line_records` for many journal items at once: what repeats across lines (a currency's precision, a
    wire amount, a date's text) is converted once, and an error is the one the line alone would raise."""

    def __init__(self, followup_flag: str | None, cutoff: date):
        self.followup_flag, self.cutoff = followup_flag, cutoff
        self._currencies: dict[str | None, _Currency] = {}
        self._dates: dict[str, date] = {}

    def _currency(self, currency: str | None) -> _Currency:
        found = self._currencies.get(currency)
        if found is None:
            found = self._currencies[currency] = _Currency(currency)
        return found

    def _amount(self, value, currency: str | None, spec: _Currency, where: str) -> Decimal:
        """:func:`amount`, remembering a non-zero float's result (only the currency's precision decides it)."""
        result = amount(value, currency, where)
        if type(value) is float and value:
            spec.amounts[value] = result
        return result

    def _day(self, value, where: str) -> date | None:
        result = day(value, where)
        if result is not None and type(value) is str:
            self._dates[value] = result
        return result

    def records(self, rows: list[dict], kinds: dict[int, str], paid_on: dict[int, date],
                applied: dict[int, tuple[str, ...]]) -> tuple[dict[int, Invoice], dict[int, Payment]]:
        """Items and payments of ``rows`` by line id, as :func:`line_records` makes them one by one; ``kinds``,
        ``paid_on`` and ``applied`` by line id (a line missing from ``kinds`` is of kind ``other``)."""
        items: dict[int, Invoice] = {}
        payments: dict[int, Payment] = {}
        followup_flag, cutoff, dates = self.followup_flag, self.cutoff, self._dates
        currencies, currency_of, amount_of, day_of = self._currencies, self._currency, self._amount, self._day
        flags_of, kind_of, no_applied = _FLAGS, _KINDS, ()
        for row in rows:
            lid = int(row["id"])
            where = f"account.move.line,{lid}"
            value = row.get("company_currency_id")
            company_cur = (value[1] if type(value) is list and len(value) > 1 and type(value[1]) is str
                           else m2o_name(value)) or None
            value = row.get("currency_id")
            currency = (value[1] if type(value) is list and len(value) > 1 and type(value[1]) is str
                        else m2o_name(value)) or company_cur or ""
            company_spec = currencies.get(company_cur) or currency_of(company_cur)
            spec = currencies.get(currency) or currency_of(currency)
            company_amounts, amounts = company_spec.amounts, spec.amounts
            value = row.get("balance")
            balance = (company_amounts.get(value) if type(value) is float else None
                       ) or amount_of(value, company_cur, company_spec, where)
            value = row.get("amount_residual")
            residual = (company_amounts.get(value) if type(value) is float else None
                        ) or amount_of(value, company_cur, company_spec, where)
            value = row.get("amount_residual_currency")
            residual_cur = (amounts.get(value) if type(value) is float else None
                            ) or amount_of(value, currency, spec, where)
            value = row.get("amount_currency")
            total_cur = (amounts.get(value) if type(value) is float else None
                         ) or amount_of(value, currency, spec, where)
            if currency == company_cur or (total_cur == 0 and balance != 0):
                total_cur, residual_cur = balance, residual
            value = row.get("date")
            line_date = (dates.get(value) if type(value) is str else None) or day_of(value, where)
            if line_date is None:
                raise RemoteError("journal item without a date", source=where)
            value = row.get("partner_id")
            partner = m2o_id(value)
            customer = str(partner) if partner else NO_PARTNER
            reconciled = row.get("reconciled")
            is_open = not reconciled and residual != 0
            number = row.get("move_name")
            number = number if type(number) is str and number else str(number or m2o_name(row.get("move_id")))
            kind = kinds.get(lid, OTHER)
            item_kind = kind_of.get(kind) or (ItemKind.PAYMENT if balance < 0 else ItemKind.INVOICE)
            due = row.get("date_maturity")
            due = (dates.get(due) if type(due) is str else None) or day_of(due, where)
            until, discount = row.get("discount_date"), None
            if until and is_open and residual_cur == total_cur:
                until = (dates.get(until) if type(until) is str else None) or day_of(until, where)
                wire = row.get("discount_amount_currency")
                discount = (amounts.get(wire) if type(wire) is float else None
                            ) or amount_of(wire, currency, spec, where)
            else:
                until = None
            items[lid] = Invoice(
                id=f"aml:{lid}", number=number, customer_id=customer, kind=item_kind,
                # The accounting date: what the books (and OCA's aged balance) date the item by.
                issued=line_date, due=due, currency=currency, total=total_cur,
                open_amount=residual_cur if is_open else spec.zero,
                open_amount_company=residual if is_open else company_spec.zero,
                source_ref=where,
                flags=flags_of[bool(followup_flag and row.get(followup_flag)), kind == OTHER],
                paid_on=paid_on.get(lid) if reconciled else None,
                customer_name=(value[1] if type(value) is list and len(value) > 1 and type(value[1]) is str
                               else m2o_name(value)),
                total_company=balance, discount_until=until, discount_amount=discount)
            if kind == PAYMENT and line_date >= cutoff and balance < 0:
                name = row.get("move_name")
                payments[lid] = Payment(id=f"aml:{lid}", customer_id=customer, date=line_date, amount=-total_cur,
                                        currency=currency, applied_to=applied.get(lid, no_applied),
                                        number=name if type(name) is str else str(name or ""), source_ref=where)
        return items, payments


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


_STATE_CODE = re.compile(r"\s*\([A-Z]{2}\)$")


def address(row: dict) -> str:
    """A partner's postal address as a letter's window shows it: street, second street line, postcode and city,
    state, country, each on its line, blank parts left out. The state is named as Odoo names it without the country
    code it appends (``California (US)`` → ``California``)."""
    place = " ".join(p for p in (_text(row.get("zip")), _text(row.get("city"))) if p)
    state = _STATE_CODE.sub("", m2o_name(row.get("state_id"))).strip()
    lines = (_text(row.get("street")), _text(row.get("street2")), place, state, m2o_name(row.get("country_id")).strip())
    return "\n".join(line for line in lines if line)


def _text(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def customer(row: dict, company_currency: str | None) -> Customer:
    """A commercial partner as a customer. ``credit_limit`` only when readable and set; ``address`` from its
    address fields (:func:`address`); ``collector`` its salesperson (``user_id``), where it has one (the pull gives
    the others theirs: :func:`connectors.odoo.pull.fallback_collectors`)."""
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
                    credit_limit=credit_limit, currency=company_currency, address=address(row),
                    collector=m2o_name(row.get("user_id")).strip())


def no_partner(company_currency: str | None) -> Customer:
    return Customer(id=NO_PARTNER, name="(no partner)", currency=company_currency)
