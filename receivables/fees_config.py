"""``[fees]`` of ``ardesk.toml``: the late-fee and interest rules, the reference rates, and the EU fixed sums, declared
in the style of :mod:`receivables.config_schema` (frozen pydantic sections, strict scalars, an :class:`Expect` per
key), checked to one :class:`~receivables.errors.ConfigError` line, and made into the engine's
:class:`~receivables.fees.FeeSchedule`.

::

    [fees]
    fixed_sums = { CHF = "40.00" }            # the EU compensation in currencies other than EUR (EUR: 40)

    [[fees.rules]]                            # the first rule that applies to a customer wins
    name = "statutory UK"
    kind = "uk"                               # fixed, contractual, eu or uk
    customers = ["Acme Ltd", 1042]            # names or ids; left out: everyone
    levels = ["second", "final"]              # reminder levels; left out: every level past the due date

    [[fees.rules]]
    name = "contract"
    kind = "contractual"
    rate = "8"                                # percent a year
    consumers = true                          # also for consumers ([reminders] consumers); default false

    [[fees.rates.uk]]                         # Bank of England base rate, oldest first
    since = 2024-08-01
    rate = "5.00"

Field by field the errors are config_schema's own lines (``[[fees.rules]] 1 kind: expected one of fixed,
contractual, eu, uk, found "late"``); rules across fields (a contractual rule without a rate, a fixed rule without
an amount or a currency, a key a kind does not use, two rules of one name, rates out of date order, an ``eu`` or
``uk`` rule without its rates, an amount finer than its currency, a level that is not a reminder level past the due
date) are one line naming the key as well.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BeforeValidator, StrictBool, ValidationError, model_validator
from pydantic import Strict as StrictType
from pydantic_core import PydanticCustomError

from .config_schema import (
    _EXPECTED,
    CurrencyCode,
    Customer,
    Expect,
    NonEmptyText,
    RemindersConfig,
    Section,
    _child,
    _decimal_text,
    _describe,
    _found,
    _is_union,
    _looks_numeric,
    _numeric,
    _toml_path,
    _unknown,
    _unwrap,
)
from .errors import ConfigError
from .fees import EU, EU_FIXED_SUM, REGIMES, FeeRule, FeeSchedule, RateRow, ReferenceRates
from .money import money, precision

_FEES = "ardesk_fees"       # the kind of error the rules across keys raise; ctx says where and what


def _problem(at: tuple, tail: str, hint: str | None = None, where: str | None = None) -> PydanticCustomError:
    """A breach of a rule across keys: ``at`` the steps from the failing table to the key, ``tail`` what follows
    the key's path in the line (``": expected …"``, ``" is missing: …"``)."""
    return PydanticCustomError(_FEES, "{tail}", {"tail": tail, "at": at, "hint": hint, "where": where})


def _some(values: tuple | None) -> tuple | None:
    if values is not None and not values:
        raise PydanticCustomError(_EXPECTED, "expected {expected}",
                                  {"expected": "at least one (leave the key out for all)"})
    return values


# -- the types keys are declared with ------------------------------------------------------------------------------

YearlyRate = Annotated[str, BeforeValidator(partial(_decimal_text, minimum=Decimal(0), inclusive=False)),
                       Expect('a yearly rate in percent such as "8" (above zero)')]
ReferenceRate = Annotated[str, BeforeValidator(partial(_decimal_text, minimum=Decimal(-100), inclusive=True)),
                          Expect('a yearly rate in percent such as "4.25"')]
FeeAmount = Annotated[str, BeforeValidator(partial(_decimal_text, minimum=Decimal(0), inclusive=False)),
                      Expect('an amount such as "25.00" (above zero)')]
Since = Annotated[date, StrictType(), Expect("a date such as 2024-07-01 (no quotes)")]
Kind = Literal["fixed", "contractual", "eu", "uk"]
_WHY_NOT = {
    ("rate", "fixed"): "a fixed rule charges its amount, no interest",
    ("rate", "eu"): "its rate is the reference rate of [[fees.rates.eu]] + 8 points",
    ("rate", "uk"): "its rate is the base rate of [[fees.rates.uk]] + 8 points",
    ("amount", "contractual"): "a contractual rule charges interest only (a fixed rule charges a fee)",
    ("amount", "eu"): "its fixed sum is EUR 40, or [fees.fixed_sums] in other currencies",
    ("amount", "uk"): "its fixed sums are the Act's GBP 40, 70 or 100",
}


def _places_ok(amount: str, currency: str) -> bool:
    number = Decimal(amount)
    return -number.as_tuple().exponent <= precision(currency) or number == number.to_integral_value()


class FeeRuleConfig(Section):
    """``[[fees.rules]]``: one rule (see :class:`receivables.fees.FeeRule`)."""

    name: NonEmptyText
    kind: Kind
    levels: Annotated[tuple[NonEmptyText, ...] | None, AfterValidator(_some),
                      Expect('a list of reminder levels\' names such as ["second", "final"]')] = None
    customers: Annotated[tuple[Customer, ...] | None, AfterValidator(_some),
                         Expect("a list of customers' names or ids")] = None
    rate: YearlyRate | None = None            # contractual: percent a year
    amount: FeeAmount | None = None           # fixed: the fee per overdue invoice
    currency: CurrencyCode | None = None      # fixed: the fee's currency (only invoices in it are charged)
    consumers: StrictBool = False             # also for consumers; the statutory regimes are for business debts

    @model_validator(mode="after")
    def _keys_of_its_kind(self) -> FeeRuleConfig:
        needed = {"contractual": {"rate": 'a contractual rule needs a yearly rate in percent such as "8"'},
                  "fixed": {"amount": 'a fixed rule needs its fee per overdue invoice, such as "25.00"',
                            "currency": 'a fixed rule needs the currency of its fee, such as "EUR"'}}.get(self.kind, {})
        for key, why in needed.items():
            if getattr(self, key) is None:
                raise _problem((key,), f" is missing: {why}")
        for key in ("rate", "amount", "currency"):
            if key not in needed and getattr(self, key) is not None:
                why = _WHY_NOT[("amount" if key == "currency" else key, self.kind)]
                article = "an" if self.kind == "eu" else "a"
                raise _problem((key,), f" is not used by {article} {self.kind} rule: {why}", hint=f"remove {key}")
        if self.kind == "fixed" and not _places_ok(self.amount, self.currency):
            raise _problem(("amount",), f": expected an amount with at most {precision(self.currency)} decimal "
                                        f"places for {self.currency}, found {_found(self.amount)}")
        return self


class RateRowConfig(Section):
    """``[[fees.rates.eu]]`` / ``[[fees.rates.uk]]``: a reference rate in force from ``since``."""

    since: Since
    rate: ReferenceRate


_ROWS = "an array of tables with since and rate, oldest first"


class FeesRatesConfig(Section):
    """``[fees.rates]``: the dated reference rates: ``eu`` the ECB's main refinancing rate (or the national rate a
    non-euro member state uses), ``uk`` the Bank of England base rate."""

    eu: Annotated[tuple[RateRowConfig, ...], Expect(f"{_ROWS} ([[fees.rates.eu]])")] = ()
    uk: Annotated[tuple[RateRowConfig, ...], Expect(f"{_ROWS} ([[fees.rates.uk]])")] = ()


class FeesConfig(Section):
    """``[fees]``: late fees and interest (none unless rules are given)."""

    rules: Annotated[tuple[FeeRuleConfig, ...], Expect("an array of tables [[fees.rules]]")] = ()
    rates: FeesRatesConfig = FeesRatesConfig()
    fixed_sums: Annotated[dict[CurrencyCode, FeeAmount],
                          Expect('a table of sums such as CHF = "40.00" (the EU fixed compensation)')] = {}

    @model_validator(mode="after")
    def _across_keys(self) -> FeesConfig:
        names: set[str] = set()
        for i, rule in enumerate(self.rules):
            if rule.name in names:
                raise _problem(("rules", i, "name"), f": expected a name no other rule has, found {_found(rule.name)}")
            names.add(rule.name)
        for regime in REGIMES:
            rows = getattr(self.rates, regime)
            for j in range(1, len(rows)):
                if rows[j].since <= rows[j - 1].since:
                    raise _problem(("rates", regime, j, "since"), f": expected a date after {rows[j - 1].since} "
                                   f"(the row before's), found {rows[j].since}", hint="write the rows oldest first, "
                                                                                     "one per date")
            user = next((r for r in self.rules if r.kind == regime), None)
            if user is not None and not rows:
                source = "the ECB's reference rates" if regime == EU else "the Bank of England's base rates"
                raise _problem((), f" is missing: rule {_found(user.name)} (kind = {_found(regime)}) needs "
                                   f"{source}", hint="add rows with since and rate", where=f"[[fees.rates.{regime}]]")
        for currency, amount in self.fixed_sums.items():
            if not _places_ok(amount, currency):
                raise _problem(("fixed_sums", currency), f": expected an amount with at most {precision(currency)} "
                               f"decimal places for {currency}, found {_found(amount)}")
            if currency == "EUR" and Decimal(amount) < EU_FIXED_SUM:
                raise _problem(("fixed_sums", currency), f": expected at least 40 (the Directive's minimum), found "
                                                         f"{_found(amount)}")
        return self


class _FeesDocument(Section):
    """The root errors are located from: ``ardesk.toml`` with its ``[fees]`` alone."""

    fees: FeesConfig = FeesConfig()


# -- checked, as one line ------------------------------------------------------------------------------------------

def check_fees(document: dict, source: str) -> FeesConfig:
    """``[fees]`` of ``document`` (the whole parsed ``ardesk.toml``) validated, or the one-line ``ConfigError`` of
    its first problem; the levels rules name are checked against ``[reminders] levels`` (or their defaults)."""
    try:
        fees = _FeesDocument.model_validate({"fees": document.get("fees", {})}).fees
    except ValidationError as exc:
        raise _one_line(exc.errors(include_url=False)[0], document, source) from None
    _check_levels(fees, document, source)
    return fees


def fee_schedule(fees: FeesConfig) -> FeeSchedule:
    """The engine's schedule of a checked ``[fees]``: rules in the file's order, rates, EU fixed sums."""
    rules = tuple(FeeRule(name=r.name, kind=r.kind, rate=None if r.rate is None else money(r.rate),
                          amount=None if r.amount is None else money(r.amount), currency=r.currency,
                          levels=None if r.levels is None else frozenset(r.levels),
                          customers=None if r.customers is None else frozenset(map(str, r.customers)),
                          consumers=r.consumers)
                  for r in fees.rules)
    rates = {regime: ReferenceRates(regime, tuple(RateRow(row.since, money(row.rate))
                                                  for row in getattr(fees.rates, regime)))
             for regime in REGIMES}
    sums = {"EUR": EU_FIXED_SUM, **{c: money(a) for c, a in fees.fixed_sums.items()}}
    return FeeSchedule(rules, rates, sums)


def _check_levels(fees: FeesConfig, document: dict, source: str) -> None:
    """Each level a rule names is a reminder level past the due date."""
    try:
        levels = RemindersConfig.model_validate(document.get("reminders", {})).levels
    except (ValidationError, AttributeError):
        return                                  # [reminders] has its own error, from config_schema.check
    days = {level.name: level.days for level in levels}
    past = [level.name for level in sorted(levels, key=lambda level: level.days) if level.days > 0]
    for i, rule in enumerate(fees.rules):
        for j, name in enumerate(rule.levels or ()):
            if days.get(name, 0) > 0:
                continue
            when = "on the due date" if days.get(name) == 0 else f"{-days.get(name, 0)} days before the due date"
            hint = (f"{name} is {when}: no fee is due then" if name in days
                    else "the levels are those of [[reminders.levels]]")
            raise ConfigError(f"{_toml_path(document, ['fees', 'rules', i, 'levels', j])}: expected a reminder level "
                              f"past the due date ({', '.join(past) or 'none is'}), found {_found(name)}",
                              source=source, hint=hint)


def _one_line(error: dict, data: dict, source: str) -> ConfigError:
    """config_schema's one line of a pydantic error, located from :class:`_FeesDocument`; and the rules across
    keys (``_problem``)."""
    steps, declared, parent = _walk(error["loc"])
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == _FEES:
        where = ctx["where"] or _toml_path(data, [*steps, *ctx["at"]])
        return ConfigError(where + ctx["tail"], source=source, hint=ctx["hint"])
    where = _toml_path(data, steps)
    if kind == "extra_forbidden":
        return _unknown(data, steps, parent, value, source)
    if kind == "missing":
        return ConfigError(f"{where} is missing: it must be {_describe(declared)}", source=source)
    expected = ctx["expected"] if kind == _EXPECTED else _describe(declared)
    hint = None
    if isinstance(value, str) and _numeric(declared) and _looks_numeric(value):
        hint = "write numbers without quotes"
    elif isinstance(value, str) and _unwrap(declared)[0] is date:
        hint = "write dates without quotes"
    elif len(steps) == 1 and not isinstance(value, dict):
        hint = f"write its keys under the header [{steps[0]}]"
    return ConfigError(f"{where}: expected {expected}, found {_found(value)}", source=source, hint=hint)


def _walk(loc: tuple) -> tuple[list, Any, Any]:
    """config_schema's ``_walk`` from :class:`_FeesDocument`: the TOML steps of ``loc``, the declared type there and
    the type it sits in."""
    steps: list = []
    declared: Any = _FeesDocument
    parent: Any = None
    key_type: Any = None
    for part in loc:
        base, _ = _unwrap(declared)
        if part == "[key]":
            declared = key_type
            continue
        if _is_union(base) and isinstance(part, str):
            continue
        if _is_union(base):                     # an optional list: its items are those of the list
            base, _ = _unwrap(next(a for a in get_args(base) if a is not type(None)))
        steps.append(part)
        parent, declared = declared, _child(base, part)
        if get_origin(base) is dict:
            key_type = get_args(base)[0]
    return steps, declared, parent


__all__ = ["FeeRuleConfig", "FeesConfig", "FeesRatesConfig", "RateRowConfig", "check_fees", "fee_schedule"]
