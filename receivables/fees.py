"""Late fees and interest on overdue invoices: which invoice owes what at an as-of date, by which rule, and how it
was worked out. Pure: no I/O, no ``date.today()``; the rules and the reference rates come in as data
(:mod:`receivables.fees_config` makes them from ``[fees]`` in ``ardesk.toml``).

Kinds of rule (:class:`FeeRule`):

- ``fixed``: a fixed fee per overdue invoice, in the rule's currency; an invoice in another currency gets none.
- ``contractual``: simple interest at the rule's yearly rate (percent).
- ``eu``: EU Late Payment Directive 2011/7: the reference rate + 8 points. The reference rate of a half-year is the
  one in force on its first day (1 January for January to June, 1 July for July to December), so a late period that
  spans 1 July or 1 January is split and each part uses its own half-year's rate. Plus a fixed compensation per
  overdue invoice: EUR 40 for a EUR invoice; in another currency the sum the schedule's ``fixed_sums`` gives, else
  none (said in the charge's notes). Interest is charged in any currency, at the ``eu`` rates the schedule holds.
- ``uk``: Late Payment of Commercial Debts (Interest) Act 1998: the Bank of England base rate + 8 points, where the
  reference rate is the base rate in force on the 30 June (interest starting 1 July to 31 December) or 31 December
  (interest starting 1 January to 30 June) immediately before the day interest starts, fixed for the life of the
  debt. Plus a fixed sum by the invoice's open amount: GBP 40 under 1,000, GBP 70 from 1,000 to under 10,000, GBP 100
  from 10,000. GBP invoices only.

Simple interest: ``principal × rate / 100 × days / 365`` (365 in leap years too), the principal being the invoice's
open amount at the as-of date. Interest runs from the day after the due date to the as-of date, both included:
``days = as_of - due``. Exact: the parts of an invoice's interest (one per rate period) are summed unrounded (their
numerators ``principal × rate × days`` are exact decimals, divided once by 36,500), and each charge, interest and
fixed sum, is rounded ONCE, half up, to the currency's places.

Which rule. A rule applies to a customer when (1) the customer's reminder level is one the rule names (``levels``;
``None``: every level past the due date, that is whose ``days`` are above zero); (2) the customer is in the rule's
group (``customers``: ids or names; ``None``: everyone); and (3) the customer is not a consumer, unless the rule says
``consumers=True`` (the statutory regimes are for business debts). When several rules apply to a customer, THE FIRST
IN THE SCHEDULE'S ORDER WINS, for all its invoices: a later rule is not tried for an invoice the first one charges
nothing (an EUR invoice under a ``uk`` rule gets nothing, it does not fall through to the next rule).

No charge, each item said why (:class:`NoCharge`, codes in :data:`NO_CHARGE_CODES`, the first that applies): a credit
note, a payment or an item open for zero or less; no due date; not overdue at the as-of date; disputed (its id in
``disputed`` or its ``"disputed"`` flag); no rule applies to its customer (a consumer, when a rule would apply but
for that); the rule's currency is another; the charge rounds to zero.
"""
from __future__ import annotations

import decimal
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from .errors import ConfigError
from .money import fmt, money, quantize
from .records import Books, Invoice, ItemKind

FIXED, CONTRACTUAL, EU, UK = "fixed", "contractual", "eu", "uk"
KINDS = (FIXED, CONTRACTUAL, EU, UK)
REGIMES = (EU, UK)                              # the kinds whose rate is a reference rate + STATUTORY_MARGIN
STATUTORY_MARGIN = Decimal(8)                   # points above the reference rate, in both regimes
DAYS_IN_YEAR = 365                              # also in leap years (docs/metrics: "÷ 365")
EU_FIXED_SUM = Decimal(40)                      # EUR, Directive 2011/7 article 6
UK_FIXED_SUMS = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)))   # (under this debt, this sum)
UK_FIXED_SUM_TOP = Decimal(100)                 # from GBP 10,000
_REGIME_NAMES = {EU: "EU reference rate (ECB main refinancing rate)",
                 UK: "UK reference rate (Bank of England base rate)"}
# Room for principal × rate × days, exactly. The one division (by 36,500 = 4 × 125 × 73) either ends within a few
# digits or repeats with a period of 8 (1/73 = 0.01369863…), so stopping it at 80 digits never moves an amount across
# the half of a minor unit: the half-up rounding that follows is that of the exact quotient.
_EXACT = decimal.Context(prec=80, rounding=decimal.ROUND_HALF_EVEN)

CREDIT, NO_DUE_DATE, NOT_OVERDUE, DISPUTED = "credit", "no_due_date", "not_overdue", "disputed"
CONSUMER, NO_RULE, CURRENCY, ZERO = "consumer", "no_rule", "currency", "zero"
#: Why an item is charged nothing, in the order the reasons are tried: the first that applies is the one given.
NO_CHARGE_CODES = (CREDIT, NO_DUE_DATE, NOT_OVERDUE, DISPUTED, CONSUMER, NO_RULE, CURRENCY, ZERO)


class Level(Protocol):
    """A reminder level as the engine reads it (:class:`~receivables.config_schema.ReminderLevel` is one): its name
    and its days relative to the due date (negative: before it)."""

    name: str
    days: int


# -- reference rates -----------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RateRow:
    """A reference rate (percent per year) in force from ``since`` until the next row's ``since``."""

    since: date
    rate: Decimal


@dataclass(frozen=True)
class ReferenceRates:
    """The dated reference rates of one regime (``"eu"`` or ``"uk"``), rows in increasing order of ``since``."""

    regime: str
    rows: tuple[RateRow, ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            money(row.rate)                     # a float or a non-finite rate is refused here, not used
        for before, row in zip(self.rows, self.rows[1:]):
            if row.since <= before.since:
                raise ConfigError(f"the {self.regime} reference rates are not in date order: {row.since} comes "
                                  f"after {before.since}", hint=f"write the [[fees.rates.{self.regime}]] rows "
                                                                 "oldest first, one per date")

    def in_force(self, day: date, needed_for: str = "") -> Decimal:
        """The rate in force on ``day``: the latest row with ``since`` on or before it. Raises ``ConfigError`` when
        ``day`` is before the first row (``needed_for`` says what needed it, e.g. an invoice)."""
        found = None
        for row in self.rows:
            if row.since > day:
                break
            found = row
        if found is not None:
            return found.rate
        why = f" (needed for {needed_for})" if needed_for else ""
        have = (f"the first [[fees.rates.{self.regime}]] row is since {self.rows[0].since}" if self.rows
                else f"there are no [[fees.rates.{self.regime}]] rows")
        name = _REGIME_NAMES.get(self.regime, f"{self.regime} reference rate")
        raise ConfigError(f"no {name} in force on {day}{why}: {have}",
                          hint=f"add a [[fees.rates.{self.regime}]] row with since on or before {day} and the rate "
                               "in force then")


# -- rules and the schedule ----------------------------------------------------------------------------------------

def _key(text: str | int) -> str:
    """A customer's id or name as lists match it: without case and runs of spaces."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True, slots=True)
class FeeRule:
    """One rule of the schedule (see the module's text for the kinds).

    - ``rate``: the yearly percent of a ``contractual`` rule (no other kind has one).
    - ``amount``, ``currency``: the fee per overdue invoice of a ``fixed`` rule, in ``currency``.
    - ``levels``: names of the reminder levels it applies at (``None``: every level past the due date).
    - ``customers``: ids or names of the customers it applies to (``None``: everyone).
    - ``consumers``: whether it applies to consumers too (default not: late-payment law is for business debts).
    """

    name: str
    kind: str
    rate: Decimal | None = None
    amount: Decimal | None = None
    currency: str | None = None
    levels: frozenset[str] | None = None
    customers: frozenset[str] | None = None
    consumers: bool = False

    def __post_init__(self) -> None:
        where = f"fee rule {self.name!r}"
        if self.kind not in KINDS:
            raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if (self.rate is not None) != (self.kind == CONTRACTUAL):
            raise ConfigError(f"{where}: a yearly rate is for contractual rules only, and a contractual rule needs one")
        fixed_parts = (self.amount is not None, self.currency is not None)
        if fixed_parts != ((True, True) if self.kind == FIXED else (False, False)):
            raise ConfigError(f"{where}: an amount and its currency are for fixed rules only, and a fixed rule needs "
                              "both")
        for name in ("rate", "amount"):
            if getattr(self, name) is not None:
                try:
                    object.__setattr__(self, name, money(getattr(self, name)))
                except (TypeError, ValueError) as exc:
                    raise ConfigError(f"{where}: {name} {getattr(self, name)!r} is not exact: {exc}") from None
        if self.levels is not None:
            object.__setattr__(self, "levels", frozenset(self.levels))
        if self.customers is not None:
            object.__setattr__(self, "customers", frozenset(map(_key, self.customers)))

    def why_not(self, customer_id: str, name: str, level: Level | None, consumer: bool,
                levels_known: bool) -> str | None:
        """Why this rule does not apply to the customer (``None``: it applies). The consumer reason is tried last,
        so a rule that fails only for it says so."""
        if levels_known:
            if level is None:
                return "the customer has no reminder level"
            if self.levels is None and level.days <= 0:
                return f"level {level.name!r} is not past the due date"
            if self.levels is not None and level.name not in self.levels:
                return f"it applies at {', '.join(sorted(self.levels))}, not at {level.name!r}"
        if self.customers is not None and _key(customer_id) not in self.customers and _key(name) not in self.customers:
            return "the customer is not in its list"
        if consumer and not self.consumers:
            return "the customer is a consumer"
        return None


@dataclass(frozen=True)
class FeeSchedule:
    """Rules in order (the first that applies to a customer wins), the reference rates of each regime, and the EU
    fixed compensation per currency (EUR 40 unless the table says otherwise)."""

    rules: tuple[FeeRule, ...] = ()
    rates: Mapping[str, ReferenceRates] = field(default_factory=dict)
    fixed_sums: Mapping[str, Decimal] = field(default_factory=lambda: {"EUR": EU_FIXED_SUM})

    def reference_rates(self, regime: str) -> ReferenceRates:
        return self.rates.get(regime) or ReferenceRates(regime)


# -- the working: periods and simple interest ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Period:
    """Days ``start`` to ``end`` (both included) at ``rate`` percent a year; ``reference`` is the reference rate
    the rate was made of (``None`` for a contractual rate)."""

    start: date
    end: date
    rate: Decimal
    reference: Decimal | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def interest(self, principal: Decimal) -> Decimal:
        """This period's part of the interest on ``principal``, unrounded (to 80 significant digits)."""
        return _EXACT.divide(_numerator(principal, (self,)), Decimal(100 * DAYS_IN_YEAR))


def _numerator(principal: Decimal, periods: Iterable[Period]) -> Decimal:
    """``Σ principal × rate × days``: exact (decimal products and sums at 80 digits)."""
    total = Decimal(0)
    for p in periods:
        total = _EXACT.add(total, _EXACT.multiply(_EXACT.multiply(principal, p.rate), Decimal(p.days)))
    return total


def simple_interest(principal: Decimal, periods: Iterable[Period]) -> Decimal:
    """The unrounded interest on ``principal`` over ``periods``: the exact sum of their ``principal × rate × days``,
    divided once by ``100 × 365``. Splitting a period in two at the same rate never changes it."""
    return _EXACT.divide(_numerator(principal, periods), Decimal(100 * DAYS_IN_YEAR))


def _half_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def eu_periods(start: date, end: date, rates: ReferenceRates, needed_for: str = "") -> tuple[Period, ...]:
    """``start`` to ``end`` split at each 1 January and 1 July, each part at the reference rate in force on its
    half-year's first day, + 8 points."""
    out = []
    half = _half_start(start)
    while start <= end:
        nxt = _next_half(half)
        reference = rates.in_force(half, needed_for)
        out.append(Period(start, min(end, nxt - timedelta(days=1)), reference + STATUTORY_MARGIN, reference))
        start = half = nxt
    return tuple(out)


def uk_reference_day(start: date) -> date:
    """The day whose base rate is the UK reference rate of a debt whose interest starts on ``start``: 31 December
    before it for a start from 1 January to 30 June, 30 June before it for a start from 1 July to 31 December."""
    return date(start.year - 1, 12, 31) if start.month <= 6 else date(start.year, 6, 30)


def uk_fixed_sum(debt: Decimal) -> Decimal:
    """GBP 40 for a debt under 1,000; 70 from 1,000 to under 10,000; 100 from 10,000 (the Act, section 5A)."""
    for under, amount in UK_FIXED_SUMS:
        if debt < under:
            return amount
    return UK_FIXED_SUM_TOP


def periods_for(rule: FeeRule, due: date, as_of: date, schedule: FeeSchedule,
                needed_for: str = "") -> tuple[Period, ...]:
    """The rate periods of a debt due on ``due`` under ``rule`` at ``as_of`` (none when not overdue, or for a fixed
    rule)."""
    start = due + timedelta(days=1)
    if as_of < start or rule.kind == FIXED:
        return ()
    if rule.kind == CONTRACTUAL:
        return (Period(start, as_of, rule.rate),)
    if rule.kind == EU:
        return eu_periods(start, as_of, schedule.reference_rates(EU), needed_for)
    reference = schedule.reference_rates(UK).in_force(uk_reference_day(start), needed_for)
    return (Period(start, as_of, reference + STATUTORY_MARGIN, reference),)


# -- the results ---------------------------------------------------------------------------------------------------

def _rate_text(rate: Decimal | None) -> str | None:
    return None if rate is None else format(rate, "f")


@dataclass(frozen=True, slots=True)
class Charge:
    """What one invoice owes for paying late: ``interest`` (rounded once) and the ``fixed`` sum, in ``currency``,
    under rule ``rule``; ``principal`` is the open amount interest ran on, ``periods`` how it was worked out;
    ``notes`` say what was left out and why (an EU fixed sum with no amount in this currency)."""

    item_id: str
    number: str
    customer_id: str
    currency: str
    days_late: int
    principal: Decimal
    interest: Decimal
    fixed: Decimal
    rule: str
    kind: str
    periods: tuple[Period, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.interest + self.fixed

    def to_json_dict(self) -> dict:
        """Amounts as strings at the currency's places; a period's ``interest`` is its part as shown (rounded on
        its own, so the parts may differ from ``interest`` by a minor unit), ``interest_unrounded`` its exact part
        to 10 places."""
        c = self.currency
        return {
            "item_id": self.item_id, "number": self.number, "customer_id": self.customer_id, "currency": c,
            "days_late": self.days_late, "principal": fmt(self.principal, c), "interest": fmt(self.interest, c),
            "fixed": fmt(self.fixed, c), "total": fmt(self.total, c), "rule": self.rule, "kind": self.kind,
            "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days,
                         "rate": _rate_text(p.rate), "reference": _rate_text(p.reference),
                         "interest": fmt(p.interest(self.principal), c),
                         "interest_unrounded": format(p.interest(self.principal).quantize(Decimal("1e-10")), "f")}
                        for p in self.periods],
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class NoCharge:
    """An item charged nothing: ``code`` (one of :data:`NO_CHARGE_CODES`) and ``reason`` in plain words."""

    item_id: str
    number: str
    customer_id: str
    code: str
    reason: str
    rule: str | None = None

    def to_json_dict(self) -> dict:
        return {"item_id": self.item_id, "number": self.number, "customer_id": self.customer_id, "code": self.code,
                "reason": self.reason, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class FeeTotal:
    """One customer's charges in one currency: sums of the rounded charges, so exact at the currency's places."""

    customer_id: str
    currency: str
    invoices: int
    interest: Decimal
    fixed: Decimal

    @property
    def total(self) -> Decimal:
        return self.interest + self.fixed

    def to_json_dict(self) -> dict:
        c = self.currency
        return {"customer_id": self.customer_id, "currency": c, "invoices": self.invoices,
                "interest": fmt(self.interest, c), "fixed": fmt(self.fixed, c), "total": fmt(self.total, c)}


@dataclass(frozen=True)
class Assessment:
    """Fees at ``as_of``: a charge per charged invoice, a reason per other item, totals per customer and currency
    (ordered by customer id, then currency)."""

    as_of: date
    charges: tuple[Charge, ...] = ()
    skipped: tuple[NoCharge, ...] = ()
    totals: tuple[FeeTotal, ...] = ()

    def totals_of(self, customer_id: str) -> dict[str, FeeTotal]:
        """A customer's totals by currency."""
        return {t.currency: t for t in self.totals if t.customer_id == customer_id}

    def to_json_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "charges": [c.to_json_dict() for c in self.charges],
                "skipped": [s.to_json_dict() for s in self.skipped], "totals": [t.to_json_dict() for t in self.totals]}


# -- the engine ----------------------------------------------------------------------------------------------------

def assess(items: Iterable[Invoice], as_of: date, schedule: FeeSchedule, *,
           levels: Mapping[str, Level] | None = None, disputed: Collection[str] = (),
           consumers: Iterable[str | int] = (), names: Mapping[str, str] | None = None) -> Assessment:
    """The fees ``items`` owe at the end of ``as_of`` under ``schedule`` (see the module's rules).

    ``levels``: each customer's reminder level (customer id → level), when fees go with reminder notices; a customer
    not in it has no level and is charged nothing. ``None``: levels are not considered (a fees report). ``disputed``:
    ids of items under dispute. ``consumers``: ids or names of customers who are consumers. ``names``: customer id →
    name, for lists that name customers (default: each item's ``customer_name``).

    Raises ``ConfigError`` when a reference rate a debt needs is not in the schedule."""
    names = names or {}
    consumer_keys = {_key(c) for c in consumers}
    disputed = frozenset(disputed)
    charges: list[Charge] = []
    skipped: list[NoCharge] = []
    chosen: dict[str, tuple[FeeRule | None, str, str]] = {}
    for item in items:
        found = _before_rules(item, as_of, disputed)
        rule = None
        if found is None:
            cid = item.customer_id
            if cid not in chosen:
                chosen[cid] = _rule_for(cid, names.get(cid) or item.customer_name, schedule, levels, consumer_keys)
            rule, *found = chosen[cid]
            if rule is not None:
                found = _charge(item, rule, as_of, schedule)
        if isinstance(found, Charge):
            charges.append(found)
        else:
            code, reason = found
            skipped.append(NoCharge(item.id, item.number, item.customer_id, code, reason, rule and rule.name))
    return Assessment(as_of, tuple(charges), tuple(skipped), _totals(charges))


def assess_books(books: Books, as_of: date, schedule: FeeSchedule, **kwargs) -> Assessment:
    """:func:`assess` of the open items of ``books``, customers' names taken from the books."""
    names = {c.id: c.name for c in books.customers}
    return assess(books.open_items(), as_of, schedule, names=kwargs.pop("names", None) or names, **kwargs)


def _before_rules(item: Invoice, as_of: date, disputed: frozenset[str]) -> tuple[str, str] | None:
    """Why ``item`` is charged nothing whatever the rule (code, reason), or ``None``."""
    amount = f"{fmt(item.open_amount, item.currency)} {item.currency}"
    if item.kind != ItemKind.INVOICE:
        return CREDIT, f"a {item.kind.replace('_', ' ')} ({amount}): nothing owed to charge on"
    if item.open_amount <= 0:
        return CREDIT, f"open for {amount}: nothing owed to charge on"
    if item.due is None:
        return NO_DUE_DATE, "no due date: cannot tell whether it is late"
    if as_of <= item.due:
        return NOT_OVERDUE, f"not overdue at {as_of.isoformat()}: due {item.due.isoformat()}"
    if item.id in disputed or "disputed" in item.flags:
        return DISPUTED, "under dispute: no fee while the dispute is open"
    return None


def _rule_for(customer_id: str, name: str, schedule: FeeSchedule, levels: Mapping[str, Level] | None,
              consumer_keys: set[str]) -> tuple[FeeRule | None, str, str]:
    """The first rule that applies to the customer, or why none does (code, reason)."""
    consumer = _key(customer_id) in consumer_keys or bool(name) and _key(name) in consumer_keys
    level = levels.get(customer_id) if levels is not None else None
    reasons = []
    for rule in schedule.rules:
        why = rule.why_not(customer_id, name, level, consumer, levels is not None)
        if why is None:
            return rule, "", ""
        reasons.append((rule.name, why))
    if not reasons:
        return None, NO_RULE, "no fee rule in the schedule"
    code = CONSUMER if any(why == "the customer is a consumer" for _, why in reasons) else NO_RULE
    if code == CONSUMER:
        return None, code, "a consumer: the fee rules that would apply are for business debts (consumers = false)"
    return None, code, "no fee rule applies: " + "; ".join(f"{n}: {why}" for n, why in reasons)


def _charge(item: Invoice, rule: FeeRule, as_of: date, schedule: FeeSchedule) -> Charge | tuple[str, str]:
    currency, principal = item.currency, item.open_amount
    days_late = (as_of - item.due).days
    notes: list[str] = []
    if rule.kind == FIXED and currency != rule.currency:
        return CURRENCY, f"rule {rule.name!r} charges a fixed fee in {rule.currency} only; the invoice is in {currency}"
    if rule.kind == UK and currency != "GBP":
        return CURRENCY, f"rule {rule.name!r} (UK Late Payment Act) is for GBP debts only; the invoice is in {currency}"
    periods = periods_for(rule, item.due, as_of, schedule, needed_for=f"invoice {item.number or item.id}")
    interest = quantize(simple_interest(principal, periods), currency)
    if rule.kind == FIXED:
        fixed = rule.amount
    elif rule.kind == UK:
        fixed = uk_fixed_sum(principal)
    elif rule.kind == EU:
        sums = {"EUR": EU_FIXED_SUM, **schedule.fixed_sums}
        fixed = sums.get(currency, Decimal(0))
        if currency not in sums:
            notes.append(f"no EU fixed compensation: [fees.fixed_sums] gives no sum in {currency}")
    else:
        fixed = Decimal(0)
    fixed = quantize(fixed, currency)
    if interest == 0 and fixed == 0:
        return ZERO, f"the interest rounds to {fmt(interest, currency)} {currency} and there is no fixed sum"
    return Charge(item.id, item.number, item.customer_id, currency, days_late, principal, interest, fixed, rule.name,
                  rule.kind, periods, tuple(notes))


def _totals(charges: Iterable[Charge]) -> tuple[FeeTotal, ...]:
    sums: dict[tuple[str, str], list] = {}
    for c in charges:
        s = sums.setdefault((c.customer_id, c.currency), [0, Decimal(0), Decimal(0)])
        s[0] += 1
        s[1] += c.interest
        s[2] += c.fixed
    return tuple(FeeTotal(cid, cur, n, quantize(i, cur), quantize(f, cur))
                 for (cid, cur), (n, i, f) in sorted(sums.items()))


__all__ = [
    "CONSUMER", "CONTRACTUAL", "CREDIT", "CURRENCY", "DAYS_IN_YEAR", "DISPUTED", "EU", "EU_FIXED_SUM", "FIXED",
    "KINDS", "NOT_OVERDUE", "NO_CHARGE_CODES", "NO_DUE_DATE", "NO_RULE", "REGIMES", "STATUTORY_MARGIN", "UK",
    "UK_FIXED_SUMS", "UK_FIXED_SUM_TOP", "ZERO", "Assessment", "Charge", "FeeRule", "FeeSchedule", "FeeTotal", "Level",
    "NoCharge", "Period", "RateRow", "ReferenceRates", "assess", "assess_books", "eu_periods", "periods_for",
    "simple_interest", "uk_fixed_sum", "uk_reference_day",
]
