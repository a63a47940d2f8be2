"""The reminder engine (receivables.reminders) on hand-worked books: levels, one notice per customer with all its
items, every exclusion and their order, history, disputes, the call-list fallback, consumers' contact rules, and
the batch as a property."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from receivables.config_schema import DEFAULT_REMINDER_LEVELS, ReminderLevel
from receivables.frames import frames_of, item_frame
from receivables.notes import track
from receivables.records import ITEM_FIELDS, OPEN_ITEMS, Books, CollectionNote, Customer, Invoice, ItemKind, LazyItems
from receivables.reminders import (
    EXCLUSION_CODES,
    Contact,
    ContactRules,
    NoticeItem,
    Sent,
    build,
    build_frames,
)

D = Decimal
AS_OF = date(2026, 3, 31)                       # a Tuesday
NOON = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
FIRST = (ReminderLevel(name="first", days=7),)


def inv(id_, cust, past_due, amount, *, kind=ItemKind.INVOICE, currency="USD", company=None, flags=(),
        number=None):
    """An open item ``past_due`` days past due at AS_OF (``None``: no due date), issued 30 days before its due date
    (at most AS_OF)."""
    due = None if past_due is None else AS_OF - timedelta(days=past_due)
    issued = min(due - timedelta(days=30), AS_OF) if due is not None else AS_OF - timedelta(days=5)
    return Invoice(id=id_, number=id_ if number is None else number, customer_id=cust, kind=kind, issued=issued,
                   due=due, currency=currency, total=D(amount), open_amount=D(amount),
                   open_amount_company=None if company is None else D(company), flags=frozenset(flags))


def cust(id_, name=None, *, email=None, phone="+1 555 0100"):
    return Customer(id_, name or f"Customer {id_}", email=f"ar@{id_.lower()}.example" if email is None else email,
                    phone=phone)


def books(items, customers=None, *, rates=None, report=AS_OF):
    customers = customers if customers is not None else [cust(c) for c in dict.fromkeys(i.customer_id
                                                                                         for i in items)]
    return Books(source="test", company_currency="USD", report_date=report, customers=tuple(customers),
                 items=tuple(items), rates=rates or {}, knows=frozenset({OPEN_ITEMS}))


def run(b, levels=DEFAULT_REMINDER_LEVELS, **kw):
    kw.setdefault("now", NOON)
    return build(b, AS_OF, levels, **kw)


def outcome(batch) -> dict[str, str]:
    """Customer id -> the level noticed at, or the exclusion code."""
    out = {n.customer_id: n.level for n in batch.notices}
    out.update({e.customer_id: e.code for e in batch.excluded})
    return out


def reason(batch, cid) -> str:
    (e,) = [e for e in batch.excluded if e.customer_id == cid]
    return e.reason


def notice(batch, cid):
    (n,) = [n for n in batch.notices if n.customer_id == cid]
    return n


def note(uid, customer, written, **kw):
    return CollectionNote(uid=uid, customer=customer, written_at=written, text="", **kw)


# ---------------------------------------------------------------------------------------------- levels, notices


def test_the_highest_level_wins_and_the_one_notice_lists_every_open_item_with_totals_per_currency():
    # Acme: 1001 is 50 days past due (final, 45), 1002 10 days (first, 7), 1003 in EUR 3 days (friendly, -5),
    # credit note CN1 and unapplied payment P1 (never reminded of, but listed), 1004 not yet due in 20 days (no
    # level), 1005 without a due date. USD 250.00 + 100.00 - 40.00 - 15.50 + 30.00 + 5.00 = 329.50.
    b = books([inv("1002", "C1", 10, "100.00"), inv("1001", "C1", 50, "250.00"),
               inv("1003", "C1", 3, "70.00", currency="EUR"),
               inv("CN1", "C1", 60, "-40.00", kind=ItemKind.CREDIT_NOTE),
               inv("P1", "C1", 2, "-15.50", kind=ItemKind.PAYMENT), inv("1004", "C1", -20, "30.00"),
               inv("1005", "C1", None, "5.00")], [cust("C1", "Acme Ltd")], rates={"EUR": D("1.10")})
    batch = run(b)
    assert batch.excluded == ()
    (n,) = batch.notices
    assert (n.customer_id, n.customer, n.level, n.template, n.channel) == ("C1", "Acme Ltd", "final", "final", "email")
    assert [(i.id, i.days_past_due, i.level, i.amount) for i in n.items] == [
        ("CN1", 60, None, D("-40.00")), ("1001", 50, "final", D("250.00")), ("1002", 10, "first", D("100.00")),
        ("1003", 3, "friendly", D("70.00")), ("P1", 2, None, D("-15.50")), ("1004", -20, None, D("30.00")),
        ("1005", None, None, D("5.00"))]
    assert n.totals == {"EUR": D("70.00"), "USD": D("329.50")}
    assert str(n.totals["USD"]) == "329.50"
    assert n.to_json_dict()["items"][0] == {
        "id": "CN1", "number": "CN1", "kind": "credit_note", "issued": "2025-12-31", "due": "2026-01-30",
        "days_past_due": 60, "currency": "USD", "amount": "-40.00", "level": None, "disputed": False}
    assert batch.to_json_dict()["notices"][0]["totals"] == {"EUR": "70.00", "USD": "329.50"}


def test_levels_are_reached_at_their_day_exactly_and_the_friendly_one_before_the_due_date():
    b = books([inv("A", "C1", -6, "1.00"), inv("B", "C2", -5, "1.00"), inv("C", "C3", 6, "1.00"),
               inv("D", "C4", 7, "1.00"), inv("E", "C5", 44, "1.00"), inv("F", "C6", 45, "1.00"),
               inv("G", "C7", 400, "1.00")])
    assert outcome(run(b)) == {"C1": "nothing_due", "C2": "friendly", "C3": "friendly", "C4": "first",
                               "C5": "second", "C6": "final", "C7": "final"}


def test_batch_json_sorted_by_name_without_case_then_id():
    b = books([inv("1", "C3", 10, "1.00"), inv("2", "C1", 10, "1.00"), inv("3", "C2", 10, "1.00"),
               inv("4", "C4", -20, "1.00")],
              [cust("C3", "beta"), cust("C1", "alpha"), cust("C2", "Alpha"), cust("C4", "Aardvark")])
    out = run(b).to_json_dict()
    assert [(n["customer"], n["customer_id"]) for n in out["notices"]] == [("alpha", "C1"), ("Alpha", "C2"),
                                                                           ("beta", "C3")]
    assert out["excluded"] == [{"customer": "Aardvark", "customer_id": "C4", "code": "nothing_due",
                                "reason": "no open item has reached the first level, 'friendly' (5 days before "
                                          "the due date); the first item reaches it on 2026-04-15",
                                "totals": {"USD": "1.00"}}]
    assert (out["as_of"], out["currency"], out["warnings"]) == ("2026-03-31", "USD", [])
    assert set(out["notices"][0]) == {"customer", "customer_id", "email", "phone", "level", "template", "channel",
                                      "fallback_reason", "items", "totals"}


def test_currency_places_are_kept_in_items_and_totals():
    b = books([inv("J", "C1", 10, "1500", currency="JPY"), inv("K", "C1", 10, "12.345", currency="KWD"),
               inv("U", "C1", 10, "0.10")], rates={"JPY": D("0.0067"), "KWD": D("3.25")})
    n = notice(run(b), "C1")
    assert {i.id: str(i.amount) for i in n.items} == {"J": "1500", "K": "12.345", "U": "0.10"}
    assert n.to_json_dict()["totals"] == {"JPY": "1500", "KWD": "12.345", "USD": "0.10"}


# ---------------------------------------------------------------------------------------------- exclusions


def test_hold_by_id_by_name_and_by_the_sources_no_follow_up_flag():
    b = books([inv("1", "C1", 10, "1.00"), inv("2", "42", 10, "1.00"), inv("3", "C3", 10, "1.00"),
               inv("4", "C4", 10, "1.00", flags={"no_followup"}, number="INV-4"), inv("5", "C4", 20, "1.00"),
               inv("6", "C5", 10, "1.00")],
              [cust("C1", "Beacon Studios"), cust("42", "Forty Two"), cust("C3", "Crane"), cust("C4", "Delta"),
               cust("C5", "Echo")])
    batch = run(b, hold=["  beacon STUDIOS ", 42, "nobody"])
    assert outcome(batch) == {"C1": "hold", "42": "hold", "C3": "first", "C4": "hold", "C5": "first"}
    assert reason(batch, "C1") == "on hold: in the hold list"
    assert reason(batch, "C4") == "on hold: INV-4 marked No Follow-up in the source"
    assert outcome(run(b))["C1"] == "first"


def test_hold_from_the_fields_a_reader_stores_when_the_items_are_a_frame():
    items = [inv("1", "C1", 10, "1.00", flags={"no_followup", "journal_entry"}), inv("2", "C2", 10, "1.00")]
    records = books(items)
    stored = [[getattr(i, f) if f != "flags" else ('["' + '", "'.join(sorted(i.flags)) + '"]' if i.flags else "[]")
               for i in items] for f in ITEM_FIELDS]
    lazy = Books(source="t", company_currency="USD", report_date=AS_OF, customers=records.customers,
                 items=LazyItems(item_frame(records), lambda: items, len(items), lambda: stored),
                 knows=records.knows)
    batch = run(lazy)
    assert outcome(batch) == {"C1": "hold", "C2": "first"}
    assert not lazy.items.built


def test_flag_sets_a_reader_knows_spare_the_stored_columns_and_the_flags_still_hold():
    items = [inv("1", "C1", 10, "1.00", flags={"no_followup"}), inv("2", "C2", 10, "1.00")]
    records = books(items)

    def no_columns():
        raise AssertionError("the stored columns were made although the reader said which flags its items carry")

    def lazy(flag_sets, columns):
        return Books(source="t", company_currency="USD", report_date=AS_OF, customers=records.customers,
                     items=LazyItems(item_frame(records), lambda: items, len(items), columns, flag_sets),
                     knows=records.knows)

    quiet = lazy(frozenset({frozenset({"total_unknown"})}), no_columns)      # a QuickBooks export: no such flag
    assert outcome(run(quiet)) == {"C1": "first", "C2": "first"} and not quiet.items.built
    stored = [[getattr(i, f) if f != "flags" else ('["' + '", "'.join(sorted(i.flags)) + '"]' if i.flags else "[]")
               for i in items] for f in ITEM_FIELDS]
    flagged = lazy(frozenset({frozenset(), frozenset({"no_followup"})}), lambda: stored)
    assert outcome(run(flagged)) == {"C1": "hold", "C2": "first"}


def test_opted_out_contact():
    b = books([inv("1", "C1", 10, "1.00"), inv("2", "C2", 10, "1.00")])
    batch = run(b, contacts={"C1": Contact(email="a@example.com", opted_out=True)})
    assert outcome(batch) == {"C1": "opted_out", "C2": "first"}
    assert reason(batch, "C1") == "the contact opted out of reminders"


def test_a_whole_customer_dispute_excludes_and_a_resolved_one_does_not():
    b = books([inv("1", "C1", 10, "1.00"), inv("2", "C2", 10, "1.00")])
    notes = [note("n1", "C1", date(2026, 3, 20), dispute="open"), note("n2", "C2", date(2026, 3, 20), dispute="open"),
             note("n3", "C2", date(2026, 3, 25), dispute="resolved")]
    batch = run(b, tracking=track(b, notes, AS_OF))
    assert outcome(batch) == {"C1": "disputed", "C2": "first"}
    assert reason(batch, "C1") == "the whole account is disputed since 2026-03-20 (note n1)"


def test_an_item_dispute_takes_that_item_out_of_the_level_and_the_minimum_but_not_out_of_the_notice():
    # 1001 is 50 days past due but disputed: the level is 1002's (first), and the notice lists both.
    b = books([inv("1001", "C1", 50, "1000.00"), inv("1002", "C1", 10, "100.00")])
    tracking = track(b, [note("n1", "C1", date(2026, 3, 20), invoice="1001", dispute="open")], AS_OF)
    n = notice(run(b, tracking=tracking), "C1")
    assert n.level == "first"
    assert [(i.id, i.level, i.disputed) for i in n.items] == [("1001", "final", True), ("1002", "first", False)]
    assert n.totals == {"USD": D("1100.00")}
    assert notice(run(b), "C1").level == "final"
    # With a minimum of 150.00 on the level, the disputed 1,000.00 does not count: 100.00 is under it.
    policy = (ReminderLevel(name="first", days=7, min_amount="150.00"),)
    batch = run(b, policy, tracking=tracking)
    assert outcome(batch) == {"C1": "under_minimum"}
    assert reason(batch, "C1") == "100.00 USD reached level 'first', under its minimum of 150.00 USD"
    assert outcome(run(b, policy)) == {"C1": "first"}


def test_every_reminding_item_disputed_excludes_as_disputed_not_as_nothing_due():
    b = books([inv("1001", "C1", 50, "10.00", number="INV-1001"), inv("1002", "C1", -20, "10.00")])
    tracking = track(b, [note("n1", "C1", date(2026, 3, 20), invoice="INV-1001", dispute="open")], AS_OF)
    batch = run(b, tracking=tracking)
    assert outcome(batch) == {"C1": "disputed"}
    assert reason(batch, "C1") == "every item due for a reminder is disputed: INV-1001"


def test_an_open_promise_pauses_reminders_and_one_whose_window_is_over_does_not():
    b = books([inv("1", "C1", 10, "100.00"), inv("2", "C2", 10, "100.00")])
    notes = [note("p1", "C1", date(2026, 3, 25), promise_date=date(2026, 4, 5), promise_amount=D("60.00")),
             note("p2", "C2", date(2026, 3, 1), promise_date=date(2026, 3, 10), promise_amount=D("60.00"))]
    tracking = track(b, notes, AS_OF)
    batch = run(b, tracking=tracking)
    assert outcome(batch) == {"C1": "promise", "C2": "first"}
    assert reason(batch, "C1") == "promised 60.00 USD by 2026-04-05 (note p1): reminders pause until 2026-04-08"


def test_nothing_due_names_the_day_the_first_item_reaches_the_first_level():
    b = books([inv("1", "C1", -20, "10.00"), inv("2", "C1", -25, "10.00"), inv("CN", "C1", 30, "-5.00",
                                                                                kind=ItemKind.CREDIT_NOTE),
               inv("3", "C2", None, "10.00")])
    batch = run(b)
    assert outcome(batch) == {"C1": "nothing_due", "C2": "nothing_due"}
    assert reason(batch, "C1").endswith("the first item reaches it on 2026-04-15")
    assert reason(batch, "C2") == "no open item has reached the first level, 'friendly' (5 days before the due date)"


def test_net_credit_in_the_company_currency_with_the_sources_amounts_where_given():
    # C1: 100.00 owed, 150.00 credit: -50.00. C2: exactly zero. C3: EUR credit of 100.00 at 1.10 = -110.00 against
    # 100.00 USD. C4: the same credit, but the source converted it at -90.00: +10.00, reminded.
    b = books([inv("1", "C1", 10, "100.00"), inv("2", "C1", 10, "-150.00", kind=ItemKind.CREDIT_NOTE),
               inv("3", "C2", 10, "100.00"), inv("4", "C2", 1, "-100.00", kind=ItemKind.PAYMENT),
               inv("5", "C3", 10, "100.00"), inv("6", "C3", 10, "-100.00", kind=ItemKind.CREDIT_NOTE, currency="EUR"),
               inv("7", "C4", 10, "100.00"),
               inv("8", "C4", 10, "-100.00", kind=ItemKind.CREDIT_NOTE, currency="EUR", company="-90.00")],
              rates={"EUR": D("1.10")})
    batch = run(b)
    assert outcome(batch) == {"C1": "net_credit", "C2": "net_credit", "C3": "net_credit", "C4": "first"}
    assert reason(batch, "C1") == "nothing is owed on balance: -50.00 USD"
    assert reason(batch, "C3") == "nothing is owed on balance: -10.00 USD"
    assert notice(batch, "C4").totals == {"EUR": D("-100.00"), "USD": D("100.00")}


def test_amounts_without_a_rate_decide_only_where_they_cannot_change_the_answer():
    # C1: a CHF credit without a rate beside a USD credit: certainly not owed. C2: USD owed, CHF credit without a
    # rate: unknown, reminded with a warning.
    b = books([inv("1", "C1", 10, "-100.00", kind=ItemKind.CREDIT_NOTE), inv("2", "C1", 10, "-10.00",
                                                                             currency="CHF"),
               inv("3", "C1", 10, "5.00"),
               inv("4", "C2", 10, "100.00"), inv("5", "C2", 10, "-500.00", kind=ItemKind.CREDIT_NOTE, currency="CHF")])
    batch = run(b)
    assert outcome(batch) == {"C1": "net_credit", "C2": "first"}
    assert reason(batch, "C1") == "nothing is owed on balance: -95.00 USD and -10.00 CHF (no rate)"
    assert [w.message for w in batch.warnings] == [
        "Customer C2: no rate to USD for CHF, so whether the balance is above zero is unknown: judged as above"]


def test_under_minimum_counts_only_what_reached_the_notices_level_in_the_company_currency():
    policy = (ReminderLevel(name="first", days=7), ReminderLevel(name="final", days=45, min_amount="500.00"))
    # C1: 499.99 at final (plus 1,000.00 at first, which does not count): under. C2: 300.00 + 200.00 at final:
    # at the minimum. C3: 400.00 EUR at 1.25 = 500.00 USD.
    b = books([inv("1", "C1", 50, "499.99"), inv("2", "C1", 10, "1000.00"), inv("3", "C2", 50, "300.00"),
               inv("4", "C2", 60, "200.00"), inv("5", "C3", 50, "400.00", currency="EUR")], rates={"EUR": D("1.25")})
    batch = run(b, policy)
    assert outcome(batch) == {"C1": "under_minimum", "C2": "final", "C3": "final"}
    assert reason(batch, "C1") == "499.99 USD reached level 'final', under its minimum of 500.00 USD"
    assert outcome(run(b, (policy[0], ReminderLevel(name="final", days=45, min_amount="499.99"))))["C1"] == "final"


def test_never_the_same_reminder_twice_but_a_new_item_at_the_level_reminds_again():
    b = books([inv("1", "C1", 10, "100.00"), inv("2", "C1", 8, "50.00"), inv("3", "C1", -20, "10.00"),
               inv("4", "C2", 10, "100.00"), inv("5", "C2", 8, "50.00")])
    history = [Sent("C1", "first", {"1", "2"}, date(2026, 3, 29)),
               Sent("C2", "first", {"4"}, date(2026, 3, 29)),             # 5 reached first since
               Sent("C2", "friendly", {"4", "5"}, date(2026, 3, 20))]      # another level: does not count
    batch = run(b, history=history)
    assert outcome(batch) == {"C1": "already_reminded", "C2": "first"}
    assert reason(batch, "C1") == "already reminded at level 'first' on 2026-03-29 for the same items"
    assert [i.id for i in notice(batch, "C2").items] == ["4", "5"]
    # a notice sent after the as-of date is not history yet; one at another level does not count
    later = [Sent("C1", "first", {"1", "2"}, date(2026, 4, 2)), Sent("C1", "second", {"1", "2"}, date(2026, 3, 29))]
    assert outcome(run(b, history=later))["C1"] == "first"


def test_an_email_level_without_an_address_goes_to_the_call_list_and_so_does_a_letter_without_a_postal_one():
    letter = (ReminderLevel(name="first", days=7), ReminderLevel(name="final", days=45, channel="letter"))
    b = books([inv("1", "C1", 10, "1.00"), inv("2", "C2", 10, "1.00"), inv("3", "C3", 50, "1.00"),
               inv("4", "C4", 50, "1.00"), inv("5", "C5", 10, "1.00")],
              [cust("C1"), cust("C2", email=""), cust("C3"), cust("C4"), cust("C5", email="", phone="")])
    batch = run(b, letter, contacts={"C4": Contact(email="c4@example.com", address="1 Main St, Springfield")})
    got = {n.customer_id: (n.channel, n.fallback_reason) for n in batch.notices}
    assert got == {"C1": ("email", ""), "C2": ("call", "no e-mail address: to the call list"),
                   "C3": ("call", "no postal address for a letter: to the call list"), "C4": ("letter", ""),
                   "C5": ("call", "no e-mail address: to the call list (no phone number either)")}
    assert batch.excluded == ()
    assert notice(batch, "C2").to_json_dict()["email"] == ""


def test_frames_without_contacts_send_every_email_level_to_the_call_list():
    b = books([inv("1", "C1", 10, "1.00")])
    (n,) = build_frames(frames_of(b), AS_OF, FIRST, now=NOON).notices
    assert (n.channel, n.email, n.fallback_reason) == ("call", "", "no e-mail address: to the call list (no phone "
                                                                   "number either)")


# ---------------------------------------------------------------------------------------------- consumers


def _consumers(*zones):
    items = [inv(str(k), f"C{k}", 10, "1.00") for k in range(len(zones) + 1)]
    contacts = {f"C{k}": Contact(email=f"c{k}@example.com", consumer=True, tz=z) for k, z in enumerate(zones)}
    return books(items), contacts                # the last customer is a business: no contact rules


def test_consumers_only_within_hours_in_their_own_time_zone():
    b, contacts = _consumers("America/New_York", "Europe/Berlin", "Asia/Tokyo", None)
    # 02:00 UTC: 22:00 on Monday in New York, 04:00 in Berlin, 11:00 in Tokyo, 02:00 in the company's UTC.
    batch = run(b, contacts=contacts, now=datetime(2026, 3, 31, 2, 0, tzinfo=UTC))
    assert outcome(batch) == {"C0": "contact_rules", "C1": "contact_rules", "C2": "first", "C3": "contact_rules",
                              "C4": "first"}
    assert reason(batch, "C0") == ("consumer contact rules: 22:00 on Monday 2026-03-30 in America/New_York is outside "
                                   "the contact hours 08:00-21:00; may next be contacted on 2026-03-31 from 08:00 "
                                   "(America/New_York)")
    assert reason(batch, "C1").endswith("04:00 on Tuesday 2026-03-31 in Europe/Berlin is outside the contact hours "
                                        "08:00-21:00; may next be contacted on 2026-03-31 from 08:00 (Europe/Berlin)")
    assert "in UTC" in reason(batch, "C3")
    berlin = run(b, contacts=contacts, now=datetime(2026, 3, 31, 2, 0, tzinfo=UTC),
                 rules=ContactRules(company_tz="Europe/Berlin"))
    assert outcome(berlin)["C3"] == "contact_rules"
    assert outcome(run(b, contacts=contacts, now=datetime(2026, 3, 31, 14, 0, tzinfo=UTC))) == {
        "C0": "first", "C1": "first", "C2": "contact_rules", "C3": "first", "C4": "first"}


def test_consumer_hours_end_before_nine_and_allowed_days_are_kept():
    b, contacts = _consumers("UTC")
    at = outcome(run(b, contacts=contacts, now=datetime(2026, 3, 31, 20, 59, tzinfo=UTC)))
    assert at["C0"] == "first"
    assert outcome(run(b, contacts=contacts, now=datetime(2026, 3, 31, 21, 0, tzinfo=UTC)))["C0"] == "contact_rules"
    assert outcome(run(b, contacts=contacts, now=datetime(2026, 3, 31, 8, 0, tzinfo=UTC)))["C0"] == "first"
    weekdays = ContactRules(weekdays=range(5), start=time(9), end=time(17))
    saturday = run(b, contacts=contacts, rules=weekdays, now=datetime(2026, 3, 28, 10, 0, tzinfo=UTC))
    assert reason(saturday, "C0") == ("consumer contact rules: Saturday 2026-03-28 in UTC is not a contact day; may "
                                      "next be contacted on 2026-03-30 from 09:00 (UTC)")


def test_seven_contacts_in_seven_days_counting_calls_by_the_consumers_own_calendar():
    b, contacts = _consumers("America/New_York", "Europe/Berlin")
    now = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)            # 12:00 in New York, 18:00 in Berlin
    history = []
    for cid in ("C0", "C1", "C2"):
        # A call at 02:00 UTC on 25 March: 24 March in New York (outside the 7 days to 31 March), 25 March in
        # Berlin. Six notices on 26 to 31 March.
        history.append(Sent(cid, "", (), datetime(2026, 3, 25, 2, 0, tzinfo=UTC), channel="call"))
        history += [Sent(cid, "friendly", (), date(2026, 3, d)) for d in range(26, 32)]
    batch = run(b, contacts=contacts, history=history, now=now)
    assert outcome(batch) == {"C0": "first", "C1": "contact_rules", "C2": "first"}
    assert reason(batch, "C1") == ("consumer contact rules: contacted 7 times in the 7 days to 2026-03-31 (at most 7); "
                                   "may next be contacted on 2026-04-01 from 08:00 (Europe/Berlin)")
    assert outcome(run(b, contacts=contacts, history=history, now=now,
                       rules=ContactRules(max_contacts=6)))["C0"] == "contact_rules"


# ---------------------------------------------------------------------------------------------- precedence


def test_exclusions_apply_in_their_order():
    # One customer meeting every exclusion but the last three; each run drops the one that won.
    policy = (ReminderLevel(name="first", days=7, min_amount="1000.00"),)
    b = books([inv("1", "C1", 10, "100.00"), inv("2", "C1", 10, "-200.00", kind=ItemKind.CREDIT_NOTE),
               inv("3", "C1", 10, "50.00")])
    tracking = track(b, [note("d", "C1", date(2026, 3, 20), dispute="open"),
                         note("p", "C1", date(2026, 3, 25), promise_date=date(2026, 4, 5))], AS_OF)
    promise_only = track(b, [note("p", "C1", date(2026, 3, 25), promise_date=date(2026, 4, 5))], AS_OF)
    opted = {"C1": Contact(email="x@example.com", opted_out=True, consumer=True)}
    handed = {"C1": "handed over to the collection agency on 2026-03-01 (batch 4)"}
    on_plan = {"1": "plan P-1, next instalment 2026-04-15", "3": "plan P-1, next instalment 2026-04-15"}
    batch = run(b, policy, hold=["C1"], contacts=opted, tracking=tracking, handed_over=handed, planned=on_plan)
    assert outcome(batch) == {"C1": "handed_over"} and reason(batch, "C1") == handed["C1"]
    assert outcome(run(b, policy, hold=["C1"], contacts=opted, tracking=tracking, planned=on_plan)) == {"C1": "hold"}
    assert outcome(run(b, policy, contacts=opted, tracking=tracking, planned=on_plan)) == {"C1": "opted_out"}
    batch = run(b, policy, tracking=tracking, planned=on_plan)
    assert outcome(batch) == {"C1": "on_plan"}
    assert reason(batch, "C1") == ("every item due for a reminder is on a payment plan: plan P-1, next instalment "
                                   "2026-04-15")
    # an item the plan does not cover still reminds (here: disputed, so the next exclusion wins)
    assert outcome(run(b, policy, tracking=tracking, planned={"1": "plan P-1"})) == {"C1": "disputed"}
    assert outcome(run(b, policy, tracking=tracking)) == {"C1": "disputed"}
    assert outcome(run(b, policy, tracking=promise_only)) == {"C1": "promise"}
    assert outcome(run(b, policy)) == {"C1": "net_credit"}
    b2 = books([inv("1", "C1", 10, "100.00"), inv("3", "C1", 10, "50.00")])
    assert outcome(run(b2, policy, history=[Sent("C1", "first", {"1", "3"}, AS_OF)])) == {"C1": "under_minimum"}
    assert outcome(run(b2, FIRST, history=[Sent("C1", "first", {"1", "3"}, AS_OF)],
                       contacts={"C1": Contact(consumer=True)}, now=datetime(2026, 3, 31, 23, tzinfo=UTC))
                   ) == {"C1": "already_reminded"}
    assert outcome(run(b2, FIRST, contacts={"C1": Contact(consumer=True)},
                       now=datetime(2026, 3, 31, 23, tzinfo=UTC))) == {"C1": "contact_rules"}
    assert EXCLUSION_CODES == ("handed_over", "hold", "opted_out", "on_plan", "disputed", "promise", "nothing_due",
                               "net_credit", "under_minimum", "already_reminded", "contact_rules")
    # nothing due comes before net credit: credits only
    credit = books([inv("9", "C1", 10, "-5.00", kind=ItemKind.CREDIT_NOTE)])
    assert outcome(run(credit)) == {"C1": "nothing_due"}


# ---------------------------------------------------------------------------------------------- inputs refused


def test_warnings_of_the_books_pass_through_and_bad_inputs_are_refused():
    b = books([inv("1", "C1", 10, "1.00")], report=date(2026, 3, 30))
    assert "payments since the export are unknown" in run(b).warnings[0].message
    with pytest.raises(ValueError, match="timezone-aware"):
        build(b, AS_OF, now=datetime(2026, 3, 31, 12))
    with pytest.raises(ValueError, match="different names"):
        build(b, AS_OF, (ReminderLevel(name="a", days=1), ReminderLevel(name="a", days=2)), now=NOON)
    with pytest.raises(ValueError, match="at least one level"):
        build(b, AS_OF, (), now=NOON)
    with pytest.raises(ValueError, match="not a time zone"):
        ContactRules(company_tz="Mars/Olympus")
    with pytest.raises(ValueError, match="start before they end"):
        ContactRules(start=time(21), end=time(8))
    with pytest.raises(ValueError, match="timezone-aware"):
        Sent("C1", "first", (), datetime(2026, 3, 1, 9))
    with pytest.raises(ValueError, match="not a time zone"):
        run(b, contacts={"C1": Contact(consumer=True, tz="Nowhere/Land")})


def test_notice_items_are_made_once_for_all_notices_and_compare_as_tuples():
    b = books([inv("1", "C1", 10, "1.00"), inv("2", "C2", 10, "2.00"), inv("3", "C2", 12, "3.00")])
    n1, n2 = run(b).notices
    assert len(n2.items) == 2
    assert n2.items == (NoticeItem("3", "3", "invoice", date(2026, 2, 17), date(2026, 3, 19), 12, "USD", D("3.00"),
                                   "first", False),
                        NoticeItem("2", "2", "invoice", date(2026, 2, 19), date(2026, 3, 21), 10, "USD", D("2.00"),
                                   "first", False))
    assert [i.id for i in n1.items] == ["1"]
    assert n2 != n1 and n2 == run(b).notices[1]


# ---------------------------------------------------------------------------------------------- the batch as a property


LEVELS = DEFAULT_REMINDER_LEVELS
_item = st.tuples(st.integers(0, 4), st.one_of(st.none(), st.integers(-30, 90)),
                  st.integers(-50_000, 100_000).filter(bool), st.sampled_from(["USD", "USD", "EUR"]), st.booleans(),
                  st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_item, max_size=14), st.sets(st.integers(0, 4)), st.sets(st.integers(0, 4)),
       st.sets(st.integers(0, 4)), st.lists(st.tuples(st.integers(0, 4), st.sampled_from([lv.name for lv in LEVELS]),
                                                      st.integers(0, 10)), max_size=6),
       st.integers(0, 23))
def test_every_customer_with_open_items_is_noticed_or_excluded_once_and_the_totals_are_the_books(
        rows, held, opted, consumers, sent, hour):
    items = []
    for k, (c, past, cents, currency, flagged, _) in enumerate(rows):
        kind = ItemKind.INVOICE if cents > 0 else ItemKind.CREDIT_NOTE
        items.append(inv(f"I{k}", f"C{c}", past, str(D(cents).scaleb(-2)), kind=kind, currency=currency,
                         flags={"no_followup"} if flagged and k % 3 == 0 else ()))
    b = books(items, [cust(f"C{c}", f"name {c % 3}") for c in range(5)], rates={"EUR": D("1.25")})
    disputes = [note(f"n{k}", it.customer_id, date(2026, 3, 1), invoice=it.id, dispute="open")
                for k, (it, r) in enumerate(zip(items, rows)) if r[5]]
    contacts = {f"C{c}": Contact(email="x@example.com" if c % 2 else "", opted_out=c in opted,
                                 consumer=c in consumers, tz="Europe/Berlin") for c in range(5)}
    history = [Sent(f"C{c}", level, {i.id for i in items if i.customer_id == f"C{c}"},
                    AS_OF - timedelta(days=d)) for c, level, d in sent]
    batch = run(b, tracking=track(b, disputes, AS_OF), hold=[f"C{c}" for c in held], contacts=contacts,
                history=history, now=datetime(2026, 3, 31, hour, tzinfo=UTC))
    with_items = {i.customer_id for i in items}
    seen = [n.customer_id for n in batch.notices] + [e.customer_id for e in batch.excluded]
    assert sorted(seen) == sorted(with_items)
    assert {e.code for e in batch.excluded} <= set(EXCLUSION_CODES)
    summed, expected = Counter(), Counter()
    for entry in (*batch.notices, *batch.excluded):
        for cur, amount in entry.totals.items():
            summed[cur] += amount
    for i in items:
        expected[i.currency] += i.open_amount
    assert +summed == +expected and set(summed) == set(expected)
    disputed_ids = {i.id for i, r in zip(items, rows) if r[5]}
    for n in batch.notices:
        mine = [i for i in items if i.customer_id == n.customer_id]
        assert sorted(i.id for i in n.items) == sorted(i.id for i in mine)
        assert n.totals == {cur: sum((i.open_amount for i in mine if i.currency == cur), D(0))
                            for cur in {i.currency for i in mine}}
        reached = [lv for i in mine if i.due is not None and i.open_amount > 0 and i.id not in disputed_ids
                   for lv in LEVELS if (AS_OF - i.due).days >= lv.days]
        assert n.level == max(reached, key=lambda lv: lv.days).name
        assert n.customer_id not in {f"C{c}" for c in held | opted}
        assert (n.channel == "call") == (n.customer_id in {"C0", "C2", "C4"})
    order = [(x.customer.casefold(), x.customer_id) for x in batch.notices]
    assert order == sorted(order)
