"""The late-fee and interest engine (receivables.fees) on hand-worked invoices: contractual interest, the EU Directive
with its half-year reference rates, the UK Act with its rate fixed for the life of a debt and its fixed sums, which
items are charged nothing and why, which rule wins, rounding once at the currency's places; properties with
hypothesis; and ``[fees]`` of ardesk.toml (receivables.fees_config): a valid table, and one line per wrong value.

Simple interest throughout: principal × rate/100 × days ÷ 365, days = as_of - due (interest runs from the day after
the due date to the as-of date, both included). The reference rates are the real ones (ECB main refinancing rate,
Bank of England base rate) around 2024, so the examples can be checked against published tables."""
from __future__ import annotations

import json
import tomllib
from datetime import date, timedelta
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from receivables.config_schema import DEFAULT_REMINDER_LEVELS, ReminderLevel
from receivables.errors import ConfigError
from receivables.fees import (
    CONSUMER,
    CREDIT,
    CURRENCY,
    DISPUTED,
    NO_DUE_DATE,
    NO_RULE,
    NOT_OVERDUE,
    ZERO,
    Assessment,
    FeeRule,
    FeeSchedule,
    Period,
    RateRow,
    ReferenceRates,
    assess,
    assess_books,
    eu_periods,
    simple_interest,
    uk_fixed_sum,
    uk_reference_day,
)
from receivables.fees_config import FeesConfig, check_fees, fee_schedule
from receivables.money import precision
from receivables.records import Books, Customer, Invoice, ItemKind

D = Decimal

# ECB main refinancing operations rate (percent), as changed from these days.
ECB = ReferenceRates("eu", (
    RateRow(date(2023, 6, 21), D("4.00")),
    RateRow(date(2023, 8, 2), D("4.25")),
    RateRow(date(2023, 9, 20), D("4.50")),
    RateRow(date(2024, 6, 12), D("4.25")),
    RateRow(date(2024, 9, 18), D("3.65")),
    RateRow(date(2024, 10, 23), D("3.40")),
    RateRow(date(2024, 12, 18), D("3.15")),
))
# Bank of England base rate (percent).
BOE = ReferenceRates("uk", (
    RateRow(date(2023, 8, 3), D("5.25")),
    RateRow(date(2024, 8, 1), D("5.00")),
    RateRow(date(2024, 11, 7), D("4.75")),
    RateRow(date(2025, 2, 6), D("4.50")),
))
RATES = {"eu": ECB, "uk": BOE}

CONTRACT_8 = FeeRule("contract 8%", "contractual", rate=D(8))
EU_RULE = FeeRule("EU directive", "eu")
UK_RULE = FeeRule("UK Act", "uk")
FIXED_25 = FeeRule("late fee", "fixed", amount=D("25.00"), currency="EUR")


def inv(id_, due, amount, currency="EUR", *, customer="C1", kind=ItemKind.INVOICE, flags=(), name=""):
    """An open item of ``amount`` (a string, exact) due on ``due``."""
    amount = D(amount)
    issued = (due or date(2024, 1, 1)) - timedelta(days=30)
    return Invoice(id=id_, number=f"N-{id_}", customer_id=customer, kind=kind, issued=issued, due=due,
                   currency=currency, total=amount, open_amount=amount, flags=frozenset(flags), customer_name=name)


def schedule(*rules, fixed_sums=None):
    return FeeSchedule(rules, RATES, {"EUR": D(40)} if fixed_sums is None else fixed_sums)


def one(result: Assessment):
    """The one charge of an assessment of one invoice."""
    assert not result.skipped, result.skipped
    (charge,) = result.charges
    return charge


def interest(result: Assessment) -> Decimal:
    """The interest of an assessment of one invoice, zero when it rounds to nothing (and so is not charged)."""
    if result.skipped:
        (no,) = result.skipped
        assert no.code == ZERO
        return Decimal(0)
    return one(result).interest


def skipped(result: Assessment) -> dict[str, str]:
    return {s.item_id: s.code for s in result.skipped}


# -- contractual interest ------------------------------------------------------------------------------------------

def test_contractual_8_percent_on_1000_for_30_days():
    # 1,000.00 due 1 March 2024, as of 31 March: days = 31 - 1 = 30 (2 March to 31 March, both included).
    # 1000 × 8/100 × 30 / 365 = 2400 / 365 = 6.5753424… → 6.58 (half up at 2 places). No fixed sum.
    charge = one(assess([inv("1", date(2024, 3, 1), "1000.00")], date(2024, 3, 31), schedule(CONTRACT_8)))
    assert charge.days_late == 30
    assert charge.interest == D("6.58") and charge.fixed == D("0.00") and charge.total == D("6.58")
    assert charge.periods == (Period(date(2024, 3, 2), date(2024, 3, 31), D(8)),)
    assert charge.periods[0].days == 30
    assert charge.rule == "contract 8%" and charge.kind == "contractual"


def test_365_days_also_in_a_leap_year():
    # 2024 is a leap year: 1 Jan 2024 to 1 Jan 2025 is 366 days late, and the year still counts 365 days:
    # 1000 × 8/100 × 366 / 365 = 80.2191… → 80.22 (not 80.00).
    charge = one(assess([inv("1", date(2024, 1, 1), "1000.00")], date(2025, 1, 1), schedule(CONTRACT_8)))
    assert charge.days_late == 366 and charge.interest == D("80.22")


def test_due_day_and_the_day_after():
    # As of the due date: not late. The day after: 1 day, 1000 × 0.08 / 365 = 0.2191… → 0.22.
    due = date(2024, 3, 1)
    result = assess([inv("1", due, "1000.00")], due, schedule(CONTRACT_8))
    assert skipped(result) == {"1": NOT_OVERDUE}
    assert one(assess([inv("1", due, "1000.00")], due + timedelta(days=1), schedule(CONTRACT_8))).interest == D("0.22")


def test_half_up_at_the_currency_places():
    # A rate of 36.5% makes the interest principal × days / 1000, exact: 1.00 EUR for 5 days = 0.005 exactly, which
    # rounds half UP to 0.01 (half-even would give 0.00); 10 JPY for 50 days = 0.5 → 1 yen; 1.000 KWD for 5 days =
    # 0.005 KWD, already at KWD's 3 places.
    rule = FeeRule("365", "contractual", rate=D("36.5"))
    cases = [("EUR", "1.00", 5, "0.01"), ("JPY", "10", 50, "1"), ("KWD", "1.000", 5, "0.005")]
    for currency, amount, days, expected in cases:
        due = date(2024, 3, 1)
        charge = one(assess([inv("1", due, amount, currency)], due + timedelta(days=days), schedule(rule)))
        assert str(charge.interest) == expected, currency


def test_zero_and_three_decimal_currencies():
    # JPY (0 places): 1,234,567 × 8/100 × 45 / 365 = 444,444,120 / 36,500 = 12,176.551… → 12,177 yen.
    # KWD (3 places): 1,234.567 × 10/100 × 31 / 365 = 382,715.77 / 36,500 = 10.485363… → 10.485 dinars.
    due = date(2024, 3, 1)
    jpy = one(assess([inv("1", due, "1234567", "JPY")], due + timedelta(days=45), schedule(CONTRACT_8)))
    assert str(jpy.interest) == "12177" and str(jpy.total) == "12177"
    kwd_rule = FeeRule("10%", "contractual", rate=D(10))
    kwd = one(assess([inv("1", due, "1234.567", "KWD")], due + timedelta(days=31), schedule(kwd_rule)))
    assert str(kwd.interest) == "10.485"
    assert kwd.to_json_dict()["interest"] == "10.485" and kwd.to_json_dict()["fixed"] == "0.000"
    assert jpy.to_json_dict()["principal"] == "1234567"


# -- EU Directive 2011/7 -------------------------------------------------------------------------------------------

def test_eu_crossing_1_july_with_the_rate_changing():
    # EUR 5,000.00 due 15 June 2024, as of 20 July 2024: 35 days late, split at 1 July.
    # - 16 to 30 June (15 days): the first half-year's reference rate is the one in force on 1 January 2024, 4.50
    #   (the ECB's cut to 4.25 on 12 June does not count before July): 4.50 + 8 = 12.50%.
    #   5000 × 12.50 × 15 / 36500 = 937,500 / 36,500 = 25.684931…
    # - 1 to 20 July (20 days): the rate in force on 1 July 2024, 4.25: 4.25 + 8 = 12.25%.
    #   5000 × 12.25 × 20 / 36500 = 1,225,000 / 36,500 = 33.561643…
    # Summed unrounded: 2,162,500 / 36,500 = 59.246575… → 59.25 (rounding each part first would give 25.68 + 33.56
    # = 59.24). Plus the fixed EUR 40: 99.25.
    charge = one(assess([inv("1", date(2024, 6, 15), "5000.00")], date(2024, 7, 20), schedule(EU_RULE)))
    assert charge.days_late == 35
    assert charge.periods == (
        Period(date(2024, 6, 16), date(2024, 6, 30), D("12.50"), D("4.50")),
        Period(date(2024, 7, 1), date(2024, 7, 20), D("12.25"), D("4.25")),
    )
    assert [p.days for p in charge.periods] == [15, 20]
    assert charge.periods[0].interest(D(5000)).quantize(D("1e-9")) == D("25.684931507")
    assert charge.interest == D("59.25") and charge.fixed == D("40.00") and charge.total == D("99.25")
    periods = charge.to_json_dict()["periods"]
    assert [(p["rate"], p["reference"], p["days"], p["interest"]) for p in periods] == [
        ("12.50", "4.50", 15, "25.68"), ("12.25", "4.25", 20, "33.56")]
    assert periods[0]["interest_unrounded"] == "25.6849315068"


def test_eu_crossing_1_january():
    # EUR 1,000.00 due 20 December 2024, as of 10 January 2025 (21 days):
    # - 21 to 31 December (11 days) at the rate of 1 July 2024, 4.25 + 8 = 12.25%: 1000 × 12.25 × 11 = 134,750
    # - 1 to 10 January (10 days) at the rate of 1 January 2025, 3.15 + 8 = 11.15%: 1000 × 11.15 × 10 = 111,500
    # (246,250) / 36,500 = 6.746575… → 6.75; plus EUR 40.
    charge = one(assess([inv("1", date(2024, 12, 20), "1000.00")], date(2025, 1, 10), schedule(EU_RULE)))
    assert [(p.start, p.end, p.rate) for p in charge.periods] == [
        (date(2024, 12, 21), date(2024, 12, 31), D("12.25")), (date(2025, 1, 1), date(2025, 1, 10), D("11.15"))]
    assert charge.interest == D("6.75") and charge.total == D("46.75")


def test_eu_periods_one_per_half_year():
    # 1 March 2024 to 31 March 2025: H1 2024, H2 2024, H1 2025, each at the rate of its first day.
    periods = eu_periods(date(2024, 3, 1), date(2025, 3, 31), ECB)
    assert [(p.start, p.end, p.reference) for p in periods] == [
        (date(2024, 3, 1), date(2024, 6, 30), D("4.50")),
        (date(2024, 7, 1), date(2024, 12, 31), D("4.25")),
        (date(2025, 1, 1), date(2025, 3, 31), D("3.15")),
    ]
    assert sum(p.days for p in periods) == (date(2025, 3, 31) - date(2024, 3, 1)).days + 1


def test_eur_40_per_invoice_and_fixed_sums_in_other_currencies():
    # Three overdue EUR invoices: EUR 40 each, however small. CHF: the sum [fees.fixed_sums] gives. USD: no sum is
    # given, so interest only, and the charge says why.
    items = [inv("1", date(2024, 3, 1), "100.00"), inv("2", date(2024, 3, 1), "20000.00"),
             inv("3", date(2024, 3, 20), "5.00"),
             inv("4", date(2024, 3, 1), "100.00", "CHF"), inv("5", date(2024, 3, 1), "100.00", "USD")]
    result = assess(items, date(2024, 3, 31), schedule(EU_RULE, fixed_sums={"EUR": D(40), "CHF": D("38")}))
    fixed = {c.item_id: (c.fixed, c.notes) for c in result.charges}
    assert fixed["1"] == fixed["2"] == fixed["3"] == (D("40.00"), ())
    assert fixed["4"] == (D("38.00"), ())
    assert fixed["5"] == (D("0.00"), ("no EU fixed compensation: [fees.fixed_sums] gives no sum in USD",))
    eur = result.totals_of("C1")["EUR"]
    assert eur.invoices == 3 and eur.fixed == D("120.00")
    assert eur.total == eur.interest + eur.fixed


# -- UK Late Payment of Commercial Debts (Interest) Act 1998 -------------------------------------------------------

def test_uk_rate_fixed_for_the_life_of_the_debt():
    # GBP 5,000.00 due 10 July 2024: interest starts 11 July (between 1 July and 31 December), so the reference rate
    # is the base rate in force on 30 June 2024: 5.25, and 5.25 + 8 = 13.25% for the whole debt, although the base
    # rate fell to 5.00 on 1 August and to 4.75 on 7 November. As of 31 December 2024: 174 days late
    # (21 + 31 + 30 + 31 + 30 + 31). 5000 × 13.25 × 174 / 36500 = 11,527,500 / 36,500 = 315.821917… → 315.82.
    # Fixed sum: 5,000 is from 1,000 to 9,999.99: GBP 70.
    charge = one(assess([inv("1", date(2024, 7, 10), "5000.00", "GBP")], date(2024, 12, 31), schedule(UK_RULE)))
    assert charge.days_late == 174
    assert charge.periods == (Period(date(2024, 7, 11), date(2024, 12, 31), D("13.25"), D("5.25")),)
    assert charge.interest == D("315.82") and charge.fixed == D("70.00") and charge.total == D("385.82")
    # and still one period at 13.25% after the year turns and the rate falls again (4.50 from 6 February 2025):
    # 31 March 2025 is 264 days late: 5000 × 13.25 × 264 / 36500 = 17,490,000 / 36,500 = 479.178… → 479.18
    later = one(assess([inv("1", date(2024, 7, 10), "5000.00", "GBP")], date(2025, 3, 31), schedule(UK_RULE)))
    assert [p.rate for p in later.periods] == [D("13.25")] and later.interest == D("479.18")


def test_uk_reference_day():
    # Interest starting 1 January to 30 June: 31 December before; 1 July to 31 December: 30 June before.
    assert uk_reference_day(date(2024, 7, 1)) == date(2024, 6, 30)
    assert uk_reference_day(date(2024, 12, 31)) == date(2024, 6, 30)
    assert uk_reference_day(date(2024, 6, 30)) == date(2023, 12, 31)
    assert uk_reference_day(date(2025, 1, 1)) == date(2024, 12, 31)
    # A debt due 31 December 2024 starts 1 January 2025: the base rate on 31 December 2024 was 4.75 → 12.75%.
    charge = one(assess([inv("1", date(2024, 12, 31), "100.00", "GBP")], date(2025, 3, 31), schedule(UK_RULE)))
    assert charge.periods[0].reference == D("4.75") and charge.periods[0].rate == D("12.75")


@pytest.mark.parametrize(("debt", "fixed"), [("0.01", "40"), ("999.99", "40"), ("1000.00", "70"),
                                             ("9999.99", "70"), ("10000.00", "100"), ("250000.00", "100")])
def test_uk_fixed_sums(debt, fixed):
    assert uk_fixed_sum(D(debt)) == D(fixed)
    charge = one(assess([inv("1", date(2024, 7, 10), debt, "GBP")], date(2024, 8, 10), schedule(UK_RULE)))
    assert charge.fixed == D(fixed) and str(charge.fixed) == f"{fixed}.00"


def test_uk_rule_is_for_gbp_debts_only():
    result = assess([inv("1", date(2024, 7, 10), "100.00", "EUR")], date(2024, 8, 10), schedule(UK_RULE))
    assert not result.charges
    (no,) = result.skipped
    assert (no.code, no.rule) == (CURRENCY, "UK Act") and "GBP debts only; the invoice is in EUR" in no.reason


# -- fixed fees ----------------------------------------------------------------------------------------------------

def test_fixed_fee_in_the_rules_currency_only():
    items = [inv("1", date(2024, 3, 1), "10.00"), inv("2", date(2024, 3, 1), "10.00", "USD")]
    result = assess(items, date(2024, 3, 2), schedule(FIXED_25))
    (charge,) = result.charges
    assert (charge.item_id, charge.interest, charge.fixed, charge.periods) == ("1", D("0.00"), D("25.00"), ())
    (no,) = result.skipped
    assert no.code == CURRENCY and no.reason == "rule 'late fee' charges a fixed fee in EUR only; the invoice is in USD"


# -- nothing charged, and why --------------------------------------------------------------------------------------

def test_items_charged_nothing():
    due, as_of = date(2024, 3, 1), date(2024, 4, 30)
    items = [
        inv("credit", due, "-100.00", kind=ItemKind.CREDIT_NOTE),
        inv("payment", due, "-50.00", kind=ItemKind.PAYMENT),
        inv("negative", due, "-5.00"),
        inv("zero", due, "0.00"),
        inv("undated", None, "100.00"),
        inv("not yet", as_of + timedelta(days=3), "100.00"),
        inv("due today", as_of, "100.00"),
        inv("disputed", due, "100.00"),
        inv("flagged", due, "100.00", flags=("disputed",)),
        inv("tiny", as_of - timedelta(days=1), "0.01"),        # 0.01 × 0.08 / 365: rounds to 0.00
        inv("owed", due, "100.00"),
    ]
    result = assess(items, as_of, schedule(CONTRACT_8), disputed={"disputed"})
    assert skipped(result) == {"credit": CREDIT, "payment": CREDIT, "negative": CREDIT, "zero": CREDIT,
                               "undated": NO_DUE_DATE, "not yet": NOT_OVERDUE, "due today": NOT_OVERDUE,
                               "disputed": DISPUTED, "flagged": DISPUTED, "tiny": ZERO}
    assert [c.item_id for c in result.charges] == ["owed"]
    reasons = {s.item_id: s.reason for s in result.skipped}
    assert reasons["credit"] == "a credit note (-100.00 EUR): nothing owed to charge on"
    assert reasons["not yet"] == "not overdue at 2024-04-30: due 2024-05-03"


def test_consumers_excluded_unless_the_rule_allows_them():
    items = [inv("1", date(2024, 3, 1), "1000.00", "GBP", customer="C1", name="Jane  Doe"),
             inv("2", date(2024, 3, 1), "1000.00", "GBP", customer="C2", name="Acme Ltd")]
    as_of = date(2024, 3, 31)
    # the consumers list names Jane Doe (case and spaces ignored): the statutory rule passes her by
    result = assess(items, as_of, schedule(UK_RULE), consumers=["jane doe"])
    assert skipped(result) == {"1": CONSUMER} and [c.item_id for c in result.charges] == ["2"]
    # by id too, and a rule that allows consumers applies to her (a later one: the first that applies wins)
    allowing = FeeRule("consumer contract", "contractual", rate=D(5), consumers=True)
    result = assess(items, as_of, schedule(UK_RULE, allowing), consumers=["C1"])
    assert {c.item_id: c.rule for c in result.charges} == {"1": "consumer contract", "2": "UK Act"}


def test_first_rule_that_applies_wins():
    # Acme is in the UK rule's group and everyone is in the contractual one: Acme's GBP invoice is charged under the
    # UK rule, its EUR invoice nothing (the UK rule is the one that applies to Acme; no falling through), and another
    # customer's under the contractual rule.
    uk_acme = FeeRule("UK Act", "uk", customers=frozenset({"Acme Ltd"}))
    items = [inv("gbp", date(2024, 3, 1), "1000.00", "GBP", customer="A", name="Acme Ltd"),
             inv("eur", date(2024, 3, 1), "1000.00", "EUR", customer="A", name="Acme Ltd"),
             inv("other", date(2024, 3, 1), "1000.00", "GBP", customer="B", name="Beta")]
    result = assess(items, date(2024, 3, 31), schedule(uk_acme, CONTRACT_8))
    assert {c.item_id: c.rule for c in result.charges} == {"gbp": "UK Act", "other": "contract 8%"}
    assert skipped(result) == {"eur": CURRENCY}
    # names may also come from the books' customers
    books = Books(source="test", company_currency="GBP", report_date=date(2024, 3, 31),
                  customers=(Customer("A", "acme ltd"), Customer("B", "Beta")),
                  items=tuple(inv(i.id, i.due, str(i.open_amount), i.currency, customer=i.customer_id) for i in items))
    assert {c.item_id: c.rule for c in assess_books(books, date(2024, 3, 31), schedule(uk_acme, CONTRACT_8)).charges
            } == {"gbp": "UK Act", "other": "contract 8%"}


def test_rules_and_reminder_levels():
    first, final = ReminderLevel(name="first", days=7), ReminderLevel(name="final", days=45)
    friendly = ReminderLevel(name="friendly", days=-5)
    final_only = FeeRule("final fee", "fixed", amount=D("25.00"), currency="EUR", levels=frozenset({"final"}))
    rules = schedule(final_only, CONTRACT_8)
    items = [inv("a", date(2024, 3, 1), "1000.00", customer="A"), inv("b", date(2024, 3, 1), "1000.00", customer="B"),
             inv("c", date(2024, 3, 1), "1000.00", customer="C"), inv("d", date(2024, 3, 1), "1000.00", customer="D")]
    result = assess(items, date(2024, 3, 31), rules, levels={"A": final, "B": first, "C": friendly})
    # A at final: the fixed fee rule names final and comes first. B at first: the contractual rule (every level past
    # due). C at a level before the due date: no rule. D has no level (no notice): nothing.
    assert {c.item_id: c.rule for c in result.charges} == {"a": "final fee", "b": "contract 8%"}
    assert skipped(result) == {"c": NO_RULE, "d": NO_RULE}
    reasons = {s.item_id: s.reason for s in result.skipped}
    assert reasons["c"] == ("no fee rule applies: final fee: it applies at final, not at 'friendly'; contract 8%: "
                            "level 'friendly' is not past the due date")
    # without levels (a fees report), levels are not considered
    assert len(assess(items, date(2024, 3, 31), rules).charges) == 4


def test_totals_per_customer_and_currency_and_json():
    items = [inv("1", date(2024, 3, 1), "1000.00"), inv("2", date(2024, 3, 1), "1000.00"),
             inv("3", date(2024, 3, 1), "1000", "JPY"), inv("4", date(2024, 3, 1), "1000.00", customer="C2")]
    result = assess(items, date(2024, 3, 31), schedule(CONTRACT_8))
    # each EUR invoice: 6.58 (as above), so C1's EUR total is 13.16, summed from the rounded charges.
    # 1000 JPY × 0.08 × 30 / 365 = 6.575… → 7 yen.
    assert [(t.customer_id, t.currency, t.invoices, str(t.total)) for t in result.totals] == [
        ("C1", "EUR", 2, "13.16"), ("C1", "JPY", 1, "7"), ("C2", "EUR", 1, "6.58")]
    data = json.loads(json.dumps(result.to_json_dict()))
    assert data["as_of"] == "2024-03-31"
    assert data["charges"][0] == {
        "item_id": "1", "number": "N-1", "customer_id": "C1", "currency": "EUR", "days_late": 30,
        "principal": "1000.00", "interest": "6.58", "fixed": "0.00", "total": "6.58", "rule": "contract 8%",
        "kind": "contractual",
        "periods": [{"start": "2024-03-02", "end": "2024-03-31", "days": 30, "rate": "8", "reference": None,
                     "interest": "6.58", "interest_unrounded": "6.5753424658"}],
        "notes": []}
    assert data["totals"][1] == {"customer_id": "C1", "currency": "JPY", "invoices": 1, "interest": "7",
                                 "fixed": "0", "total": "7"}


# -- reference rates -----------------------------------------------------------------------------------------------

def test_rate_in_force_on_a_day():
    assert ECB.in_force(date(2024, 6, 11)) == D("4.50")
    assert ECB.in_force(date(2024, 6, 12)) == D("4.25")        # the row's own day counts
    assert ECB.in_force(date(2030, 1, 1)) == D("3.15")         # the last row stays in force


def test_a_missing_reference_rate_is_one_line():
    late_table = ReferenceRates("eu", (RateRow(date(2024, 7, 1), D("4.25")),))
    rules = FeeSchedule((EU_RULE,), {"eu": late_table})
    with pytest.raises(ConfigError) as caught:
        assess([inv("1", date(2024, 6, 15), "100.00")], date(2024, 7, 20), rules)
    assert str(caught.value) == (
        "no EU reference rate (ECB main refinancing rate) in force on 2024-01-01 (needed for invoice N-1): the first "
        "[[fees.rates.eu]] row is since 2024-07-01 (add a [[fees.rates.eu]] row with since on or before 2024-01-01 "
        "and the rate in force then)")
    with pytest.raises(ConfigError) as caught:
        assess([inv("1", date(2024, 6, 15), "100.00", "GBP")], date(2024, 7, 20), FeeSchedule((UK_RULE,)))
    assert str(caught.value) == (
        "no UK reference rate (Bank of England base rate) in force on 2023-12-31 (needed for invoice N-1): there are "
        "no [[fees.rates.uk]] rows (add a [[fees.rates.uk]] row with since on or before 2023-12-31 and the rate in "
        "force then)")
    assert "\n" not in str(caught.value)


def test_rates_out_of_order_and_bad_rules_are_refused():
    with pytest.raises(ConfigError, match="not in date order: 2024-01-01 comes after 2024-07-01"):
        ReferenceRates("eu", (RateRow(date(2024, 7, 1), D(4)), RateRow(date(2024, 1, 1), D(4))))
    with pytest.raises(ConfigError, match="a contractual rule needs one"):
        FeeRule("x", "contractual")
    with pytest.raises(ConfigError, match="a fixed rule needs both"):
        FeeRule("x", "fixed", amount=D(5))
    with pytest.raises(ConfigError, match="refuses float"):
        FeeRule("x", "contractual", rate=8.0)


# -- properties ----------------------------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
rates = st.decimals(min_value=D("0.01"), max_value=D("40"), places=2)
days_ = st.integers(min_value=2, max_value=3000)
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@settings(max_examples=200, deadline=None)
@given(principal=amounts, rate=rates, start=starts, days=days_, data=st.data())
def test_splitting_a_period_never_changes_the_unrounded_total(principal, rate, start, days, data):
    cut = data.draw(st.integers(min_value=1, max_value=days - 1))
    end = start + timedelta(days=days - 1)
    whole = (Period(start, end, rate),)
    split = (Period(start, start + timedelta(days=cut - 1), rate), Period(start + timedelta(days=cut), end, rate))
    assert simple_interest(principal, whole) == simple_interest(principal, split)
    with localcontext(prec=80):
        assert simple_interest(principal, whole) == principal * rate * days / D(36500)


@settings(max_examples=150, deadline=None)
@given(principal=amounts, due=st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31)),
       days=st.integers(min_value=1, max_value=2000), reference=st.decimals(min_value=D("-1"), max_value=D("10"),
                                                                          places=2))
def test_eu_split_at_half_years_equals_one_period_at_a_constant_rate(principal, due, days, reference):
    # With one reference rate for all time, the EU rule's periods (one per half-year) give exactly the interest of
    # a contractual rule at reference + 8 over the whole span.
    flat = {"eu": ReferenceRates("eu", (RateRow(date(2000, 1, 1), reference),))}
    item = inv("1", due, str(principal))
    as_of = due + timedelta(days=days)
    contract_rule = FeeRule("c", "contractual", rate=reference + 8)
    assert interest(assess([item], as_of, FeeSchedule((EU_RULE,), flat))) == interest(
        assess([item], as_of, FeeSchedule((contract_rule,))))
    eu_parts = eu_periods(due + timedelta(days=1), as_of, flat["eu"])
    assert simple_interest(principal, eu_parts) == simple_interest(
        principal, (Period(due + timedelta(days=1), as_of, reference + 8),))
    assert sum(p.days for p in eu_parts) == days


@settings(max_examples=150, deadline=None)
@given(principal=amounts, due=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
       d1=st.integers(min_value=1, max_value=1500), more=st.integers(min_value=0, max_value=1500),
       kind=st.sampled_from(["contractual", "eu", "uk"]))
def test_interest_grows_with_days(principal, due, d1, more, kind):
    rule = CONTRACT_8 if kind == "contractual" else FeeRule(kind, kind)
    currency = "GBP" if kind == "uk" else "EUR"
    item = inv("1", due, str(principal), currency)
    a = assess([item], due + timedelta(days=d1), schedule(rule))
    b = assess([item], due + timedelta(days=d1 + more), schedule(rule))
    assert interest(a) <= interest(b)
    if a.charges:                                   # the fixed sum does not grow: one per invoice, whatever the days
        assert a.charges[0].fixed == b.charges[0].fixed


@settings(max_examples=150, deadline=None)
@given(currency=st.sampled_from(["EUR", "USD", "GBP", "JPY", "KRW", "KWD", "BHD", "CHF"]),
       units=st.integers(min_value=1, max_value=10**12), days=st.integers(min_value=1, max_value=4000),
       rate=rates)
def test_results_are_decimals_at_the_currency_places(currency, units, days, rate):
    places = precision(currency)
    amount = D(units).scaleb(-places)
    rules = FeeSchedule((FeeRule("c", "contractual", rate=rate),))
    due = date(2024, 1, 31)
    result = assess([inv("1", due, str(amount), currency)], due + timedelta(days=days), rules)
    for charge in result.charges:
        for value in (charge.interest, charge.fixed, charge.total):
            assert type(value) is Decimal and value.as_tuple().exponent == -places
        assert charge.interest == (amount * rate * days / D(36500)).quantize(D(1).scaleb(-places), "ROUND_HALF_UP")
    for total in result.totals:
        assert total.total.as_tuple().exponent == -places
    assert all(s.code == ZERO for s in result.skipped)


# -- [fees] in ardesk.toml -----------------------------------------------------------------------------------------

VALID = """
[reminders]
consumers = ["Jane Doe"]

[fees]
fixed_sums = { CHF = "38.00" }

[[fees.rules]]
name = "UK Act"
kind = "uk"
customers = ["Acme Ltd", 1042]
levels = ["second", "final"]

[[fees.rules]]
name = "late fee"
kind = "fixed"
amount = "25.00"
currency = "EUR"
levels = ["final"]

[[fees.rules]]
name = "EU directive"
kind = "eu"

[[fees.rules]]
name = "contract"
kind = "contractual"
rate = "8"
consumers = true

[[fees.rates.eu]]
since = 2024-06-12
rate = "4.25"

[[fees.rates.eu]]
since = 2024-09-18
rate = 3.65

[[fees.rates.uk]]
since = 2024-08-01
rate = "5.00"
"""


def test_a_valid_fees_table():
    fees = check_fees(tomllib.loads(VALID), "ardesk.toml")
    assert isinstance(fees, FeesConfig)
    made = fee_schedule(fees)
    assert [r.name for r in made.rules] == ["UK Act", "late fee", "EU directive", "contract"]
    assert made.rules[0] == FeeRule("UK Act", "uk", levels=frozenset({"second", "final"}),
                                    customers=frozenset({"Acme Ltd", "1042"}))
    assert made.rules[1] == FeeRule("late fee", "fixed", amount=D("25.00"), currency="EUR",
                                    levels=frozenset({"final"}))
    assert made.rules[3] == FeeRule("contract", "contractual", rate=D(8), consumers=True)
    assert made.rates["eu"].rows == (RateRow(date(2024, 6, 12), D("4.25")), RateRow(date(2024, 9, 18), D("3.65")))
    assert made.rates["uk"].rows == (RateRow(date(2024, 8, 1), D("5.00")),)
    assert made.fixed_sums == {"EUR": D(40), "CHF": D("38.00")}
    # no [fees] at all: no rules, so nothing is ever charged
    empty = fee_schedule(check_fees({}, "ardesk.toml"))
    assert empty.rules == () and assess([inv("1", date(2024, 1, 1), "9.00")], date(2024, 9, 1), empty).charges == ()


RULE = '[[fees.rules]]\nname = "r"\n'
FEES_PROBES = [
    # across keys
    (RULE + 'kind = "contractual"\n',
     '[[fees.rules]] 1 rate is missing: a contractual rule needs a yearly rate in percent such as "8"'),
    (RULE + 'kind = "fixed"\ncurrency = "EUR"\n',
     '[[fees.rules]] 1 amount is missing: a fixed rule needs its fee per overdue invoice, such as "25.00"'),
    (RULE + 'kind = "fixed"\namount = "25.00"\n',
     '[[fees.rules]] 1 currency is missing: a fixed rule needs the currency of its fee, such as "EUR"'),
    (RULE + 'kind = "fixed"\namount = "250.5"\ncurrency = "JPY"\n',
     '[[fees.rules]] 1 amount: expected an amount with at most 0 decimal places for JPY, found "250.5"'),
    (RULE + 'kind = "eu"\nrate = "9"\n',
     "[[fees.rules]] 1 rate is not used by an eu rule: its rate is the reference rate of [[fees.rates.eu]] + 8 "
     "points (remove rate)"),
    (RULE + 'kind = "contractual"\nrate = "8"\namount = "5"\n',
     "[[fees.rules]] 1 amount is not used by a contractual rule: a contractual rule charges interest only (a fixed "
     "rule charges a fee) (remove amount)"),
    (RULE + 'kind = "uk"\n',
     "[[fees.rates.uk]] is missing: rule \"r\" (kind = \"uk\") needs the Bank of England's base rates (add rows "
     "with since and rate)"),
    (RULE + 'kind = "contractual"\nrate = "8"\n' + RULE + 'kind = "contractual"\nrate = "9"\n',
     '[[fees.rules]] 2 name: expected a name no other rule has, found "r"'),
    ('[[fees.rates.eu]]\nsince = 2024-07-01\nrate = "4.25"\n[[fees.rates.eu]]\nsince = 2024-01-01\nrate = "4.5"\n',
     "[[fees.rates.eu]] 2 since: expected a date after 2024-07-01 (the row before's), found 2024-01-01 (write the "
     "rows oldest first, one per date)"),
    ('[[fees.rates.uk]]\nsince = 2024-07-01\nrate = "4.25"\n[[fees.rates.uk]]\nsince = 2024-07-01\nrate = "4"\n',
     "[[fees.rates.uk]] 2 since: expected a date after 2024-07-01 (the row before's), found 2024-07-01 (write the "
     "rows oldest first, one per date)"),
    ('[fees.fixed_sums]\nEUR = "30"\n', '[fees.fixed_sums] EUR: expected at least 40 (the Directive\'s minimum), '
                                       'found "30"'),
    ('[fees.fixed_sums]\nJPY = "5000.5"\n',
     '[fees.fixed_sums] JPY: expected an amount with at most 0 decimal places for JPY, found "5000.5"'),
    (RULE + 'kind = "contractual"\nrate = "8"\nlevels = ["friendly"]\n',
     '[[fees.rules]] 1 levels, item 1: expected a reminder level past the due date (first, second, final), found '
     '"friendly" (friendly is 5 days before the due date: no fee is due then)'),
    (RULE + 'kind = "contractual"\nrate = "8"\nlevels = ["last"]\n',
     '[[fees.rules]] 1 levels, item 1: expected a reminder level past the due date (first, second, final), found '
     '"last" (the levels are those of [[reminders.levels]])'),
    # key by key
    (RULE + 'kind = "late"\n', '[[fees.rules]] 1 kind: expected one of fixed, contractual, eu, uk, found "late"'),
    ('[[fees.rules]]\nkind = "eu"\n', "[[fees.rules]] 1 name is missing: it must be text, not empty"),
    (RULE + 'kind = "contractual"\nrate = "eight"\n',
     '[[fees.rules]] 1 rate: expected a yearly rate in percent such as "8" (above zero), found "eight"'),
    (RULE + 'kind = "contractual"\nrate = 0\n',
     '[[fees.rules]] 1 rate: expected a yearly rate in percent such as "8" (above zero), found 0'),
    (RULE + 'kind = "fixed"\namount = "-5"\ncurrency = "EUR"\n',
     '[[fees.rules]] 1 amount: expected an amount such as "25.00" (above zero), found "-5"'),
    (RULE + 'kind = "fixed"\namount = "5"\ncurrency = "euro"\n',
     '[[fees.rules]] 1 currency: expected a currency code such as "EUR", found "euro"'),
    (RULE + 'kind = "contractual"\nrate = "8"\nconsumers = "yes"\n',
     '[[fees.rules]] 1 consumers: expected true or false, found "yes"'),
    (RULE + 'kind = "contractual"\nrate = "8"\ncustomers = []\n',
     "[[fees.rules]] 1 customers: expected at least one (leave the key out for all), found []"),
    (RULE + 'kind = "contractual"\nrate = "8"\ncustomers = [true]\n',
     "[[fees.rules]] 1 customers, item 1: expected a customer's name (text) or id (a whole number), found true"),
    (RULE + 'kind = "contractual"\nrate = "8"\nlevels = [7]\n',
     "[[fees.rules]] 1 levels, item 1: expected text, not empty, found 7"),
    (RULE + 'kind = "contractual"\nrat = "8"\n', "[[fees.rules]] 1 rat is not a known key (did you mean rate?)"),
    ('[[fees.rates.eu]]\nsince = "2024-07-01"\nrate = "4.25"\n',
     '[[fees.rates.eu]] 1 since: expected a date such as 2024-07-01 (no quotes), found "2024-07-01" (write dates '
     'without quotes)'),
    ('[[fees.rates.eu]]\nsince = 2024-07-01T12:00:00\nrate = "4.25"\n',
     "[[fees.rates.eu]] 1 since: expected a date such as 2024-07-01 (no quotes), found 2024-07-01T12:00:00"),
    ('[[fees.rates.eu]]\nsince = 2024-07-01\nrate = "high"\n',
     '[[fees.rates.eu]] 1 rate: expected a yearly rate in percent such as "4.25", found "high"'),
    ("[[fees.rates.eu]]\nsince = 2024-07-01\n",
     '[[fees.rates.eu]] 1 rate is missing: it must be a yearly rate in percent such as "4.25"'),
    ('[fees.rates]\nch = []\n', "[fees.rates] ch is not a known key (known keys: eu, uk)"),
    ('[fees.fixed_sums]\neur = "50"\n', '[fees.fixed_sums] eur: expected a currency code such as "EUR", found "eur"'),
    ('[fees.fixed_sums]\nCHF = "-40"\n',
     '[fees.fixed_sums] CHF: expected an amount such as "25.00" (above zero), found "-40"'),
    ("[fees]\nfixed_sums = 40\n", '[fees] fixed_sums: expected a table of sums such as CHF = "40.00" (the EU fixed '
                                   "compensation), found 40"),
    ("[fees]\nrule = []\n", "[fees] rule is not a known key (did you mean rules?)"),
    ("fees = 5\n", "fees: expected a table, found 5 (write its keys under the header [fees])"),
]


@pytest.mark.parametrize(("text", "line"), FEES_PROBES, ids=[line[:50] for _, line in FEES_PROBES])
def test_each_wrong_value_is_one_line_naming_the_key(text, line):
    with pytest.raises(ConfigError) as caught:
        check_fees(tomllib.loads(text), "ardesk.toml")
    assert str(caught.value) == f"ardesk.toml: {line}"
    assert "\n" not in str(caught.value)


def test_levels_are_checked_against_the_files_own_reminder_levels():
    text = ('[[reminders.levels]]\nname = "late"\ndays = 10\n' + RULE + 'kind = "contractual"\nrate = "8"\n'
            'levels = ["late"]\n')
    assert check_fees(tomllib.loads(text), "ardesk.toml").rules[0].levels == ("late",)
    assert [level.name for level in DEFAULT_REMINDER_LEVELS if level.days > 0] == ["first", "second", "final"]
