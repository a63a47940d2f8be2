"""The collector's day: every customer who needs something today, ranked, with the next action and why.

A customer's score is the sum of its parts, each a whole number of points a factor earned (:class:`ScorePart`:
a kind code, the points, the words), so that the score explains itself: "broken promise of 4,000.00 on
2026-11-28; 61-90 days 12,400.00; last touch 19 days ago". Points are whole numbers because a person compares
them at a glance and their sum is the score exactly; each is the factor's weight (:class:`Weights`, the
``[worklist.weights]`` of ``ardesk.toml``) times its measure, rounded half up once.

The parts (kind codes, see :mod:`receivables.worklist_words` for their words):

- ``overdue``: the overdue balance in the company currency, each bucket of the aging's edges weighted by
  ``Weights.ages`` (older debt is harder to collect), the weight in full at the books' 90th percentile of such
  balances or above and in proportion below it: one very large customer does not flatten everyone else's points.
  Disputed items, items a running payment plan covers and items the source flags ``no_followup`` count for
  nothing; a customer whose other items net to zero or less has nothing at risk.
- ``risk``: the risk score (:mod:`receivables.behaviour`, 0-100) times ``Weights.risk``.
- ``broken_promise`` and ``broken_plan``: a promise broken (or partly kept) within ``Timing.broken_days``, or a
  payment plan broken, that no note has followed since its grace ran out. The strongest signal there is: its
  default equals the overdue part's, so a broken promise outranks any balance alone.
- ``promise_due`` (an open promise whose date has come, or one the books cannot judge once its window is over),
  ``instalment_due`` (a running plan's instalment whose date has come), ``follow_up`` (a note's next-action date
  reached, no note written since that date).
- ``bounced`` (the last e-mail reminder refused by the mail server, its address unchanged since),
  ``unknown_outcome`` (the last reminder's delivery unknown), ``no_answer`` (a reminder ``Timing.answer_days`` old
  with no payment and no note since), ``level_due`` (a reminder level reached above the last one sent).
- ``dispute``: an open dispute with no note on the customer for ``Timing.dispute_days``.
- ``untouched``: days since the last touch (a note, an e-mail or letter reminder), or since the oldest overdue
  item fell due when there was none, times ``Weights.untouched``, at most ``Weights.untouched_cap``.

The next action (:data:`NEXT_ACTIONS`), the first that applies: ``escalate`` (a broken plan; a second broken
promise within ``broken_days``; the last reminder level sent without answer; a level whose channel is the agency
reached); ``follow_up_promise`` (a promise or instalment due, broken or of unknown outcome); while an open promise
runs, nothing else is asked of the customer but a follow-up date or a dispute; with something at risk: ``call``
(a follow-up date reached, the last e-mail bounced, a level reached that calls or no e-mail address to send it
to), ``send_next_level`` (a level reached above the last one sent), ``call`` (no answer, or no touch for
``Timing.touch_days``); without: ``check_dispute`` or ``call`` for a follow-up date reached, ``check_dispute`` for
a dispute left without a note; else ``nothing``, and the customer is not listed (``everyone=True`` lists them
too, with why: on a plan, on a promise, waiting for an answer). Disputed and on-plan customers therefore appear
only when they need something, and customers handed over to the agency never.

Cost. The books' frames are made once; the amounts per customer and bucket are one aging of the items that count
(int64 minor units, :func:`receivables.aging.aging_frame`), the levels reached one vectorised pass; notes,
promises, disputes, plans and reminders are looked at only for the customers they name; the risk score and the
words are made only for the customers listed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from .config_schema import DEFAULT_REMINDER_LEVELS, ReminderLevel
from .errors import InputError, Issue
from .money import fmt
from .records import Books, CollectionNote

NEXT_ACTIONS = ("call", "send_next_level", "check_dispute", "follow_up_promise", "escalate", "nothing")
PART_KINDS = ("broken_plan", "broken_promise", "promise_due", "instalment_due", "follow_up", "bounced",
              "unknown_outcome", "no_answer", "level_due", "dispute", "overdue", "risk", "untouched")
#: The next actions that are a telephone call (``WorklistSummary.customers_to_call`` counts them).
CALLS = ("call", "follow_up_promise")


def _decimal(value) -> Decimal:
    """A weight as ``Decimal``; a weight is no money, so the float a TOML number gives is taken by its text."""
    if isinstance(value, bool):
        raise TypeError(f"a weight is a number, not {value!r}")
    out = value if isinstance(value, Decimal) else Decimal(str(value))
    if not out.is_finite() or out < 0:
        raise ValueError(f"a weight is a finite number, 0 or more, not {value!r}")
    return out


@dataclass(frozen=True)
class Weights:
    """The points of each factor (``[worklist.weights]``; the reasons for the defaults are in README.md).

    ``overdue`` is the points of an overdue balance at the books' 90th percentile or above; ``ages`` weigh the
    overdue buckets, youngest first (buckets beyond the list take its last); ``risk`` and ``untouched`` are points
    per point of risk score and per day untouched; the others are the points of their event."""

    overdue: Decimal = Decimal(60)
    ages: tuple[Decimal, ...] = (Decimal(1), Decimal("1.5"), Decimal(2), Decimal(3))
    risk: Decimal = Decimal("0.3")
    broken_promise: Decimal = Decimal(60)
    broken_plan: Decimal = Decimal(60)
    promise_due: Decimal = Decimal(40)
    instalment_due: Decimal = Decimal(30)
    follow_up: Decimal = Decimal(40)
    bounced: Decimal = Decimal(30)
    unknown_outcome: Decimal = Decimal(10)
    no_answer: Decimal = Decimal(20)
    level_due: Decimal = Decimal(10)
    dispute: Decimal = Decimal(20)
    untouched: Decimal = Decimal("0.5")
    untouched_cap: Decimal = Decimal(30)

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "ages":
                value = tuple(_decimal(v) for v in value)
                if not value:
                    raise ValueError("ages needs at least one weight")
            else:
                value = _decimal(value)
            object.__setattr__(self, f.name, value)

    def age(self, k: int) -> Decimal:
        """The weight of overdue bucket ``k`` (0: the youngest)."""
        return self.ages[min(k, len(self.ages) - 1)]


@dataclass(frozen=True)
class Timing:
    """How long the worklist waits (``[worklist]``): for an answer to a reminder, before an untouched overdue
    customer is called, before an open dispute without a note is checked; and how far back broken promises count."""

    answer_days: int = 7
    touch_days: int = 14
    dispute_days: int = 14
    broken_days: int = 90


@dataclass(frozen=True, slots=True)
class Reminded:
    """A reminder notice as the ledger recorded it (:meth:`receivables.reminder_store.ReminderStore.outcomes`):
    to ``customer_id`` at ``level`` by ``channel`` on ``on``; ``state`` ``"sent"``, ``"unknown"`` (it may have
    arrived) or ``"refused"`` (the mail server refused it for good: it bounced); ``email`` the address it went to;
    ``outcome`` what the server said."""

    customer_id: str
    level: str
    on: date
    channel: str = "email"
    state: str = "sent"
    email: str = ""
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One factor of a score: its kind (:data:`PART_KINDS`), the whole points it adds, and what was seen, in words."""

    kind: str
    points: int
    words: str


@dataclass(frozen=True)
class WorklistRow:
    """One customer on the worklist. ``score`` is the sum of ``parts``' points; ``next_action`` one of
    :data:`NEXT_ACTIONS`, ``reason`` its cause followed by the other parts, in words; ``overdue`` the overdue
    balance that counts (company currency ``currency``, at its places); ``promise`` a short text of the customer's
    promise that matters today ("4,000.00 on 2026-12-03", "broken: 4,000.00 on 2026-11-28") or ``None``;
    ``last_touch`` the day of the last note or reminder; ``collector`` who works the customer (``""``: no one)."""

    rank: int
    customer_id: str
    customer: str
    score: int
    parts: tuple[ScorePart, ...]
    next_action: str
    reason: str
    overdue: Decimal
    currency: str
    promise: str | None
    last_touch: date | None
    phone: str
    email: str
    collector: str

    def to_json_dict(self) -> dict:
        return {"rank": self.rank, "customer": self.customer, "score": self.score, "next_action": self.next_action,
                "reason": self.reason, "overdue": fmt(self.overdue, self.currency), "promise": self.promise,
                "last_touch": None if self.last_touch is None else self.last_touch.isoformat(),
                "phone": self.phone, "email": self.email, "collector": self.collector}


@dataclass(frozen=True)
class WorklistSummary:
    """The day in four figures, over the customers of the collector asked for (all without one), handed-over
    customers left out: open promises whose date has come (due on or before the as-of date, grace not over);
    broken (or partly kept) promises within ``broken_days`` that no note has followed; open disputes; and the
    customers listed whose next action is a call (:data:`CALLS`: ``call`` or ``follow_up_promise``)."""

    promises_due_today: int = 0
    broken_promises: int = 0
    disputes_open: int = 0
    customers_to_call: int = 0

    def to_json_dict(self) -> dict:
        return {"promises_due_today": self.promises_due_today, "broken_promises": self.broken_promises,
                "disputes_open": self.disputes_open, "customers_to_call": self.customers_to_call}


@dataclass(frozen=True)
class Worklist:
    """The ranked worklist at the end of ``as_of``; ``collector`` the one asked for (``None``: everyone);
    ``warnings`` what the books or the notes could not tell; ``source_date`` the date the books stand at; ``listed``
    how many customers the list holds before a limit."""

    as_of: date
    rows: tuple[WorklistRow, ...]
    summary: WorklistSummary
    currency: str = ""
    collector: str | None = None
    warnings: tuple[Issue, ...] = field(default=())
    source_date: date | None = None
    listed: int = 0

    def to_json_dict(self) -> dict:
        """``ardesk worklist --format json``: ``as_of`` and ``rows`` as the command line's contract says, with
        the currency, the collector asked for, the summary and the warnings beside them."""
        return {"as_of": self.as_of.isoformat(), "currency": self.currency, "collector": self.collector,
                "source_date": None if self.source_date is None else self.source_date.isoformat(),
                "listed": self.listed,
                "summary": self.summary.to_json_dict(), "rows": [r.to_json_dict() for r in self.rows],
                "warnings": [str(w) for w in self.warnings]}


def worklist(books: Books, as_of: date, *, notes: Sequence[CollectionNote] = (), reminders: Iterable[Reminded] = (),
             plans: Sequence = (), handed_over: Iterable[str] = (), risk: Mapping[str, int] | None = None,
             weights: Weights = Weights(), timing: Timing = Timing(),
             levels: Sequence[ReminderLevel] = DEFAULT_REMINDER_LEVELS, edges: tuple[int, ...] = (30, 60, 90),
             assignments: Mapping[str, Iterable[str | int]] | None = None, contacts: Mapping | None = None,
             grace_days: int = 3, collector: str | None = None, limit: int | None = None,
             everyone: bool = False) -> Worklist:
    """The worklist of ``books`` at the end of ``as_of`` (see the module's rules).

    ``notes``: the collection notes (promises, disputes, follow-up dates, touches); ``reminders``: the notices the
    ledger recorded (:class:`Reminded`); ``plans``: the payment plans not ended (:class:`receivables.plans.Plan`);
    ``handed_over``: ids of customers handed to the agency (never listed); ``risk``: customer id -> risk score
    (default: :mod:`receivables.behaviour` on the same books); ``levels``: the reminder policy; ``edges``: the
    aging's bucket edges; ``assignments``: collector -> customers' ids or names, for customers the source gives no
    collector (``Customer.collector``); ``contacts``: customer id -> :class:`receivables.reminders.Contact`
    overriding the source's e-mail and phone; ``collector``: list only that collector's customers (an
    :class:`~receivables.errors.InputError` names the known ones when no customer has it); ``limit``: the first
    so many rows (the summary counts them all); ``everyone``: list the customers who need nothing today too."""
    from .frames import frames_of
    from .reminders import no_followup_items

    if limit is not None and limit < 1:
        raise InputError(f"limit must be 1 or more, not {limit}")
    return worklist_frames(frames_of(books), as_of, customers=books.customer_map(),
                           no_followup=no_followup_items(books), notes=notes, reminders=reminders, plans=plans,
                           handed_over=handed_over, risk=risk, weights=weights, timing=timing, levels=levels,
                           edges=edges, assignments=assignments, contacts=contacts, grace_days=grace_days,
                           collector=collector, limit=limit, everyone=everyone)


def worklist_frames(frames, as_of: date, *, customers: Mapping | None = None, no_followup: Iterable[str] = (),
                    notes: Sequence[CollectionNote] = (), reminders: Iterable[Reminded] = (), plans: Sequence = (),
                    handed_over: Iterable[str] = (), risk: Mapping[str, int] | None = None,
                    weights: Weights = Weights(), timing: Timing = Timing(),
                    levels: Sequence[ReminderLevel] = DEFAULT_REMINDER_LEVELS, edges: tuple[int, ...] = (30, 60, 90),
                    assignments: Mapping[str, Iterable[str | int]] | None = None, contacts: Mapping | None = None,
                    grace_days: int = 3, collector: str | None = None, limit: int | None = None,
                    everyone: bool = False) -> Worklist:
    """:func:`worklist` over pre-built frames (``customers``: id -> :class:`~receivables.records.Customer`, for
    contacts and collectors; ``no_followup``: ids of the items the source flags so)."""
    from .worklist_facts import gather
    from .worklist_words import Scorer, collectors_of, wanted

    customers = dict(customers or {})
    facts = gather(frames, as_of, notes=notes, reminders=reminders, plans=plans, handed_over=set(handed_over),
                   timing=timing, levels=levels, edges=edges, no_followup=no_followup, grace_days=grace_days,
                   weights=weights)
    owners = collectors_of(frames.names, customers, assignments or {})
    chosen = wanted(collector, owners)
    scorer = Scorer(facts, as_of, weights=weights, timing=timing, levels=levels, company=frames.company_currency,
                    customers=customers, contacts=dict(contacts or {}), owners=owners, risk=risk, frames=frames)
    rows, summary = scorer.rows(chosen, everyone=everyone)
    return Worklist(as_of=as_of, rows=tuple(rows[:limit] if limit is not None else rows), summary=summary,
                    currency=frames.company_currency, collector=collector, warnings=facts.warnings,
                    source_date=frames.report_date, listed=len(rows))


__all__ = ["CALLS", "NEXT_ACTIONS", "PART_KINDS", "Reminded", "ScorePart", "Timing", "Weights", "Worklist",
           "WorklistRow", "WorklistSummary", "worklist", "worklist_frames"]
