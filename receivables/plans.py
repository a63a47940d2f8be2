"""Payment plans: a schedule of instalments agreed with a customer in difficulty, measured against the books by the
promise tracker (:mod:`receivables.notes`).

Measuring. Instalment k of a plan is a promise made on the plan's ``agreed_on`` date to pay the *cumulative* amount
of instalments 1..k by its due date, with the plan's ``grace_days``: one synthetic
:class:`~receivables.records.CollectionNote` per instalment on the plan's customer, each tracked on its own (so the
tracker's "superseded" rule never sets one instalment against another). What counts as received, the currencies
and what the books cannot tell are the tracker's rules, unchanged. Payments thus go to the instalments in order,
oldest first: an early overpayment pays the next instalments too, and a late payment goes first to the instalment it
was late for. Payments are the customer's, on any invoice: the tracker can tie a promise to one invoice only, so a
plan is measured on the whole customer even where it names its invoices.

Instalments at the as-of date (:data:`INSTALMENT_STATES`):

- ``paid``: the cumulative came in within the instalment's window (the tracker's ``kept``);
- ``due``: the window is still open and nothing has been counted toward the instalment beyond the earlier ones (or
  the books cannot show yet what came in: ``counted`` is ``None``);
- ``partly paid``: the window is still open and part of the instalment has been counted;
- ``missed``: the window is over and the cumulative was not met (``counted`` says how much of it did come);
- ``unknown``: the books cannot tell (the tracker's reason, e.g. books of open items alone once the window is over).

``counted`` is what came in beyond the earlier instalments' cumulative, up to the instalment's amount.

Plans at the as-of date (:data:`PLAN_STATES`), from the first instalment not paid: none, ``completed``; a missed
one, ``broken`` (:class:`Break`: which instalment, its due date and shortfall; dunning resumes the day after its
grace); an unknown one, ``unknown`` (the reason); a due or partly paid one, ``running``, and it is ``next_due``
(:class:`NextDue`, what reminders announce). A broken plan stays broken: a later payment can still pay a later
instalment on time (it is reported ``paid``), so paid instalments form a prefix only up to the first missed one.
A plan agreed after the as-of date is not yet in effect and is left out, as notes are.

Currency. ``Plan.currency`` ``None`` takes the currency the tracker compares the customer's payments in (its
items' one currency, else the company currency). A plan stated in another currency than that one is ``unknown``:
converting a schedule at today's rate would move the instalments with the rate, so the reason asks to restate it.

Covered items (:func:`covered_items`): the customer's items bearing the plan's invoice numbers (all the instalments
of an invoice share its number; an id is taken where no number matches), else all the customer's items open at the
end of ``agreed_on`` (:func:`receivables.asof.open_at`; where the books cannot show that day, the ones open at
their own date and issued by then: the ones left to dun). Whether a running plan holds their dunning is the
caller's decision.

Cost. Frames are made once (:func:`plan_states_frames` takes them); the instalments go to the tracker in layers
holding at most one instalment per customer, one :func:`~receivables.notes.track_frames` call a layer: 1,000 plans
of 12 instalments on different customers are 12 calls.
"""
from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .asof import open_at
from .errors import InputError
from .frames import Frames, day_number, days, empty_payments, frames_of
from .money import currency_code, fmt, money, precision
from .notes import GRACE_DAYS, Promise, Unresolved, track_frames
from .records import Books, CollectionNote

INSTALMENT_STATES = ("paid", "partly paid", "due", "missed", "unknown")
PLAN_STATES = ("running", "completed", "broken", "unknown")

_ZERO = Decimal(0)
_STATE_OF = {"kept": "paid", "partly kept": "missed", "broken": "missed"}


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _text(value: Decimal | None, currency: str) -> str | None:
    return None if value is None else fmt(value, currency)


def _finer_than(amount: Decimal, places: int) -> bool:
    """Whether ``amount`` has more decimals than ``places`` (by value: 500.100 is 500.10)."""
    return amount.scaleb(places) % 1 != 0


# ---------------------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Instalment:
    """One instalment: ``amount`` (exact, above zero) due by ``due``."""

    due: date
    amount: Decimal

    def __post_init__(self):
        object.__setattr__(self, "amount", money(self.amount))        # refuses floats


@dataclass(frozen=True)
class Plan:
    """A payment plan: ``instalments`` (due dates in increasing order, none before ``agreed_on``) agreed on
    ``agreed_on`` with customer ``customer_id`` (an id of the books). ``currency`` ``None``: the currency the promise
    tracker compares the customer's payments in. ``invoice_numbers``: the invoices the plan covers (empty: all the
    customer's items open when it was agreed). ``grace_days``: days after each due date a payment still counts.
    Checked when made: :class:`~receivables.errors.InputError` naming the plan and what is wrong."""

    plan_id: str
    customer_id: str
    agreed_on: date
    instalments: tuple[Instalment, ...]
    currency: str | None = None
    invoice_numbers: tuple[str, ...] = ()
    grace_days: int = GRACE_DAYS

    def __post_init__(self):
        where = f"plan {self.plan_id!r}"
        if not isinstance(self.plan_id, str) or not self.plan_id.strip():
            raise InputError(f"a plan needs an id, not {self.plan_id!r}")
        if not isinstance(self.customer_id, str) or not self.customer_id.strip():
            raise InputError(f"{where}: a plan needs a customer id, not {self.customer_id!r}")
        if self.currency is not None:
            try:
                object.__setattr__(self, "currency", currency_code(self.currency))
            except ValueError as exc:
                raise InputError(f"{where}: {exc}", hint="give an ISO 4217 code such as EUR, or none") from None
        if isinstance(self.grace_days, bool) or not isinstance(self.grace_days, int) or self.grace_days < 0:
            raise InputError(f"{where}: grace days must be a whole number of days, 0 or more, not "
                             f"{self.grace_days!r}")
        if isinstance(self.invoice_numbers, str):
            raise InputError(f"{where}: give the invoice numbers as a list, not one text ({self.invoice_numbers!r})")
        object.__setattr__(self, "instalments", tuple(self.instalments))
        object.__setattr__(self, "invoice_numbers", tuple(self.invoice_numbers))
        if not self.instalments:
            raise InputError(f"{where}: a plan needs at least one instalment")
        places = None if self.currency is None else precision(self.currency)
        previous = None
        for k, inst in enumerate(self.instalments, 1):
            why = _schedule_problem(inst, previous, self.agreed_on, places, self.currency)
            if why:
                raise InputError(f"{where}, instalment {k}: {why}")
            previous = inst.due


def _schedule_problem(inst: Instalment, previous: date | None, agreed_on: date | None, places: int | None,
                      currency: str | None) -> str:
    """What is wrong with ``inst`` (``previous``: the earlier instalment's due date), in words; empty if nothing."""
    if inst.amount <= 0:
        return f"amount {inst.amount} is not above zero: give what the customer pays, such as 500.00"
    if places is not None and _finer_than(inst.amount, places):
        return (f"amount {inst.amount} has more decimals than {currency or 'the currency'} has ({places}): "
                f"round it to {places} decimals")
    if previous is not None and inst.due <= previous:
        return (f"due date {inst.due.isoformat()} is not after the previous instalment's "
                f"{previous.isoformat()}: give the instalments in date order, one a day at most")
    if agreed_on is not None and inst.due < agreed_on:
        return f"due date {inst.due.isoformat()} is before the plan's date {agreed_on.isoformat()}"
    return ""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_instalments(text: str, currency: str | None = None, *, agreed_on: date | None = None
                      ) -> tuple[Instalment, ...]:
    """The instalments a person typed, ``"2026-12-15:500.00, 2027-01-15:500.00"``: due date (YYYY-MM-DD) and amount,
    separated by commas. Due dates in increasing order (and none before ``agreed_on``, when given), amounts above zero
    with at most ``currency``'s decimals (``None``: checked when the plan is measured, against the currency its
    payments compare in). Raises :class:`~receivables.errors.InputError`, one line naming the instalment."""
    places = None
    if currency is not None:
        try:
            currency = currency_code(currency)
        except ValueError as exc:
            raise InputError(str(exc), hint="give an ISO 4217 code such as EUR") from None
        places = precision(currency)
    if not text or not text.strip():
        raise InputError("no instalments: expected at least one, such as 2026-12-15:500.00")
    out: list[Instalment] = []
    for k, part in enumerate(text.split(","), 1):
        shown = part.strip()
        where = f"instalment {k} ({shown!r})"
        if not shown:
            raise InputError(f"instalment {k} is empty: expected DATE:AMOUNT such as 2026-12-15:500.00, "
                             "instalments separated by one comma")
        day, colon, amount_text = (s.strip() for s in shown.partition(":"))
        if not colon:
            hint = " (amounts take no thousands separators: 1000.00, not 1,000.00)" if _AMOUNT.fullmatch(day) else ""
            raise InputError(f"{where}: expected DATE:AMOUNT such as 2026-12-15:500.00, found no ':'{hint}")
        try:
            if not _DATE.fullmatch(day):
                raise ValueError
            due = date.fromisoformat(day)
        except ValueError:
            raise InputError(f"{where}: due date {day!r} is not a date: expected YYYY-MM-DD such as "
                             "2026-12-15") from None
        if not _AMOUNT.fullmatch(amount_text):
            raise InputError(f"{where}: amount {amount_text!r} is not an amount: expected digits with a decimal "
                             "point, no thousands separators or currency, such as 1500.00")
        inst = Instalment(due, money(amount_text))
        why = _schedule_problem(inst, out[-1].due if out else None, agreed_on, places, currency)
        if why:
            raise InputError(f"{where}: {why}")
        out.append(inst)
    return tuple(out)


# ---------------------------------------------------------------------------------------------- the states


@dataclass(frozen=True)
class InstalmentState:
    """Instalment ``number`` (from 1) at the as-of date, amounts in ``currency``. ``cumulative``: instalments 1 to
    this one; ``received``: what the tracker counted from the plan's date to ``grace_until`` (or the as-of date, if
    earlier); ``counted``: of it, what goes to this instalment beyond the earlier ones, at most ``amount``.
    ``received`` and ``counted`` are ``None`` where the books cannot show them. ``state``: one of
    :data:`INSTALMENT_STATES`; ``reason``: what the state or amounts rest on, when that is not plain."""

    number: int
    due: date
    grace_until: date
    amount: Decimal
    cumulative: Decimal
    received: Decimal | None
    counted: Decimal | None
    state: str
    currency: str
    reason: str = ""

    @property
    def remaining(self) -> Decimal | None:
        """What is still to come of this instalment (``None`` where the books cannot show what came in)."""
        return None if self.counted is None else self.amount - self.counted

    def to_json_dict(self) -> dict:
        c = self.currency
        return {"number": self.number, "due": _iso(self.due), "grace_until": _iso(self.grace_until),
                "amount": _text(self.amount, c), "cumulative": _text(self.cumulative, c),
                "received": _text(self.received, c), "counted": _text(self.counted, c),
                "remaining": _text(self.remaining, c), "state": self.state, "currency": c, "reason": self.reason}


@dataclass(frozen=True)
class Break:
    """Where a plan broke: its first missed instalment, due ``due``, ``shortfall`` short of the cumulative when its
    grace ran out (``grace_until``); dunning resumes the day after."""

    number: int
    due: date
    grace_until: date
    shortfall: Decimal

    def to_json_dict(self, currency: str) -> dict:
        return {"number": self.number, "due": _iso(self.due), "grace_until": _iso(self.grace_until),
                "shortfall": _text(self.shortfall, currency)}


@dataclass(frozen=True)
class NextDue:
    """The next instalment of a running plan: ``amount`` still to come of it by ``due`` (``None`` where the books
    cannot show what came in: then the whole instalment may still be to come)."""

    number: int
    due: date
    amount: Decimal | None

    def to_json_dict(self, currency: str) -> dict:
        return {"number": self.number, "due": _iso(self.due), "amount": _text(self.amount, currency)}


@dataclass(frozen=True)
class PlanState:
    """A plan at ``as_of``: ``state`` one of :data:`PLAN_STATES`, its instalments, ``broken`` (a broken plan's
    :class:`Break`), ``next_due`` (a running plan's :class:`NextDue`) and, for an unknown plan, the ``reason``.
    Amounts are in ``currency``."""

    plan_id: str
    customer_id: str
    as_of: date
    state: str
    currency: str
    instalments: tuple[InstalmentState, ...]
    broken: Break | None = None
    next_due: NextDue | None = None
    reason: str = ""

    def to_json_dict(self) -> dict:
        c = self.currency
        return {"plan_id": self.plan_id, "customer_id": self.customer_id, "as_of": _iso(self.as_of),
                "state": self.state, "currency": c, "instalments": [i.to_json_dict() for i in self.instalments],
                "broken": None if self.broken is None else self.broken.to_json_dict(c),
                "next_due": None if self.next_due is None else self.next_due.to_json_dict(c), "reason": self.reason}


def plan_text(state: PlanState) -> str:
    """What the Customers sheet says of a plan ("running: instalment 2, 500.00 USD by 2026-12-15"; "broken:
    instalment 2 due 2026-11-28 missed by 500.00 USD; reminders resumed 2026-12-02")."""
    c = state.currency
    if state.state == "running" and state.next_due is not None:
        n = state.next_due
        amount = f"{_shown(n.amount, c)} {c}" if n.amount is not None else "the instalment"
        return f"running: instalment {n.number} of {len(state.instalments)}, {amount} by {n.due.isoformat()}"
    if state.state == "broken" and state.broken is not None:
        b = state.broken
        return (f"broken: instalment {b.number} due {b.due.isoformat()} missed by {_shown(b.shortfall, c)} {c}; "
                f"reminders resumed {(b.grace_until + timedelta(days=1)).isoformat()}")
    if state.state == "unknown":
        return f"unknown: {state.reason}" if state.reason else "unknown"
    return state.state


def _shown(amount: Decimal, currency: str) -> str:
    from .money import quantize

    return f"{quantize(amount, currency):,}"


def plan_states(books: Books, plans: Iterable[Plan], as_of: date) -> dict[str, PlanState]:
    """Each plan in effect at the end of ``as_of`` (agreed by then), by id, in the plans' order (see the module's
    rules)."""
    return plan_states_frames(frames_of(books), plans, as_of)


def plan_states_frames(frames: Frames, plans: Iterable[Plan], as_of: date) -> dict[str, PlanState]:
    """:func:`plan_states` over pre-built frames (the ones the other reports of a refresh share)."""
    plans = _unique(plans)
    active = [p for p in plans if p.agreed_on <= as_of]
    known = [p for p in active if p.customer_id in frames.names]
    tracked = _track(frames, known, as_of)
    out: dict[str, PlanState] = {}
    for plan in active:
        if plan.customer_id in frames.names:
            out[plan.plan_id] = _state(plan, as_of, [tracked[plan.plan_id, k] for k in range(len(plan.instalments))],
                                       frames.names[plan.customer_id])
        else:
            out[plan.plan_id] = _unknown(plan, as_of, plan.currency or frames.company_currency,
                                         f"no customer with id {plan.customer_id!r} in the books")
    return out


def _unique(plans: Iterable[Plan]) -> list[Plan]:
    plans = list(plans)
    seen: set[str] = set()
    for p in plans:
        if p.plan_id in seen:
            raise InputError(f"two plans have the id {p.plan_id!r}: give each plan its own id")
        seen.add(p.plan_id)
    return plans


def _track(frames: Frames, plans: list[Plan], as_of: date) -> dict[tuple[str, int], Promise | Unresolved]:
    """Each instalment of ``plans`` as the tracker sees it: a promise on the plan's date of the cumulative amount,
    in layers of at most one instalment per customer (so none supersedes another), one call per layer and grace."""
    layers: dict[tuple[int, int], list[tuple[Plan, int, Decimal]]] = defaultdict(list)
    depth: dict[tuple[int, str], int] = defaultdict(int)
    for plan in plans:
        cumulative = _ZERO
        key = (plan.grace_days, plan.customer_id)
        for k, inst in enumerate(plan.instalments):
            cumulative += inst.amount
            layers[plan.grace_days, depth[key]].append((plan, k, cumulative))
            depth[key] += 1
    out: dict[tuple[str, int], Promise | Unresolved] = {}
    for (grace, _), layer in layers.items():
        notes = [CollectionNote(uid=str(j), customer=plan.customer_id, written_at=plan.agreed_on, text="",
                                promise_date=plan.instalments[k].due, promise_amount=cumulative)
                 for j, (plan, k, cumulative) in enumerate(layer)]
        tracking = track_frames(frames, notes, as_of, grace_days=grace)
        for found in (*tracking.promises, *tracking.unresolved):
            plan, k, _ = layer[int(found.uid)]
            out[plan.plan_id, k] = found
    return out


def _unknown(plan: Plan, as_of: date, currency: str, reason: str) -> PlanState:
    cumulative = _ZERO
    rows = []
    for k, inst in enumerate(plan.instalments, 1):
        cumulative += inst.amount
        rows.append(InstalmentState(k, inst.due, inst.due + timedelta(days=plan.grace_days), inst.amount, cumulative,
                                    None, None, "unknown", currency, reason))
    return PlanState(plan.plan_id, plan.customer_id, as_of, "unknown", currency, tuple(rows), reason=reason)


def _state(plan: Plan, as_of: date, tracked: list[Promise | Unresolved], name: str) -> PlanState:
    lost = next((t for t in tracked if isinstance(t, Unresolved)), None)
    if lost is not None:                   # not expected: the customer is an id of the books, the dates in order
        return _unknown(plan, as_of, plan.currency or tracked[0].currency, lost.reason)
    currency = tracked[0].currency
    if plan.currency is not None and plan.currency != currency:
        return _unknown(plan, as_of, plan.currency,
                        f"the plan is in {plan.currency}, but the books compare {name}'s payments in {currency} "
                        f"(its items' one currency, else the company currency): restate the plan in {currency}")
    places = precision(currency)
    if any(_finer_than(i.amount, places) for i in plan.instalments):
        return _unknown(plan, as_of, currency, f"instalment amounts have more decimals than {currency} has "
                                               f"({places}): round them to {places} decimals")
    rows: list[InstalmentState] = []
    before = _ZERO
    for k, (inst, p) in enumerate(zip(plan.instalments, tracked), 1):
        received = p.received
        counted = None if received is None else min(inst.amount, max(received - before, _ZERO))
        if p.state == "open":
            state = "partly paid" if counted else "due"
        else:
            state = _STATE_OF.get(p.state, "unknown")
        rows.append(InstalmentState(k, inst.due, p.grace_until, inst.amount, p.amount, received, counted, state,
                                    currency, p.reason))
        before = p.amount
    first = next((r for r in rows if r.state != "paid"), None)
    common = dict(plan_id=plan.plan_id, customer_id=plan.customer_id, as_of=as_of, currency=currency,
                  instalments=tuple(rows))
    if first is None:
        return PlanState(state="completed", **common)
    if first.state == "missed":
        return PlanState(state="broken", broken=Break(first.number, first.due, first.grace_until, first.remaining),
                         **common)
    if first.state == "unknown":
        return PlanState(state="unknown", reason=f"instalment {first.number} due {first.due.isoformat()}: "
                                                 f"{first.reason}", **common)
    return PlanState(state="running", next_due=NextDue(first.number, first.due, first.remaining), **common)


# ---------------------------------------------------------------------------------------------- covered items


def covered_items(books: Books, plan: Plan) -> frozenset[str]:
    """The ids of the items ``plan`` covers (see the module's rules)."""
    return covered_items_frames(frames_of(books), [plan])[plan.plan_id]


def covered_items_frames(frames: Frames, plans: Iterable[Plan]) -> dict[str, frozenset[str]]:
    """:func:`covered_items` of each plan, by id, over pre-built frames: the plans' customers' rows picked once,
    what was open worked out once per agreed date over the customers agreeing then."""
    plans = _unique(plans)
    items = frames.items
    rows = items[items["customer_id"].isin(sorted({p.customer_id for p in plans})).to_numpy()]
    ids = rows["id"].astype(object).to_numpy()
    customers = rows["customer_id"].astype(object).to_numpy()
    numbers = rows["number"].astype(object).to_numpy()
    kinds = rows["kind"].astype(object).to_numpy()
    at: dict[str, list[int]] = defaultdict(list)
    for k, cid in enumerate(customers.tolist()):
        at[cid].append(k)
    by_date: dict[date, set[str]] = defaultdict(set)
    for p in plans:
        if not p.invoice_numbers:
            by_date[p.agreed_on].add(p.customer_id)
    open_then = _open_then(frames, rows, by_date)
    out: dict[str, frozenset[str]] = {}
    for p in plans:
        if not p.invoice_numbers:
            out[p.plan_id] = open_then.get((p.agreed_on, p.customer_id), frozenset())
            continue
        mine = at.get(p.customer_id, [])
        found: set[str] = set()
        for typed in p.invoice_numbers:
            key = typed.strip().casefold()
            hits = [k for k in mine if key and str(numbers[k] or "").strip().casefold() == key]
            hits = [k for k in hits if kinds[k] == "invoice"] or hits
            found.update(str(ids[k]) for k in (hits or [k for k in mine if ids[k] == typed.strip()]))
        out[p.plan_id] = frozenset(found)
    return out


def _open_then(frames: Frames, rows, by_date: dict[date, set[str]]) -> dict[tuple[date, str], frozenset[str]]:
    """The ids of each customer's items open at the end of each date asked for (:func:`open_at` over those
    customers' rows and the allocations touching them); where the books cannot show that date, those open at the
    books' own date and issued by then."""
    if not by_date:
        return {}
    allocs = frames.allocations
    if len(allocs):
        allocs = allocs[(allocs["debit_item_id"].isin(rows["id"]) | allocs["credit_item_id"].isin(rows["id"]))
                        .to_numpy()]
    out: dict[tuple[date, str], set[str]] = defaultdict(set)
    for d, cids in by_date.items():
        mine = rows[rows["customer_id"].isin(sorted(cids)).to_numpy()]
        touching = allocs[(allocs["debit_item_id"].isin(mine["id"]) | allocs["credit_item_id"].isin(mine["id"]))
                          .to_numpy()] if len(allocs) else allocs
        part = dataclasses.replace(frames, items=mine, allocations=touching, payments=empty_payments(), cache={})
        try:
            df = open_at(part, d).items
        except InputError:
            df = mine[(mine["open_minor"].to_numpy() != 0) & (days(mine["issued"]) <= day_number(d))]
        for iid, cid in zip(df["id"].astype(object).tolist(), df["customer_id"].astype(object).tolist()):
            out[d, cid].add(str(iid))
    return {key: frozenset(v) for key, v in out.items()}

