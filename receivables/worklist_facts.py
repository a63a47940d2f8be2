"""What the worklist knows of each customer at the as-of date (:mod:`receivables.worklist`): the overdue balance
that counts, by bucket, and the reminder level its items reached, over the item frame at once; then the events of
the notes (promises, disputes, follow-up dates, touches), the payment plans and the reminders sent, gathered only
for the customers they name. No words and no points here: :mod:`receivables.worklist_words` makes those."""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from .aging import aging_frame
from .asof import open_at
from .errors import Issue, issues_of
from .frames import NO_DAY, Frames, codes_of, date_of, day_number, days
from .money import from_minor, precision
from .records import CollectionNote

_ZERO = Decimal(0)
#: Reminder channels that reach the customer (a call-list notice is an instruction to call, not a touch).
TOUCHING = ("email", "letter")


@dataclass(slots=True)
class Facts:
    """One customer's situation. Amounts in the company currency, unrounded; ``buckets`` the overdue buckets with
    an amount, oldest first; ``weighted`` the overdue buckets above zero times their age weights; ``reached`` the
    highest reminder level (an index into the policy in order of days) the items at risk reached, ``-1`` none;
    ``last_level`` the level of ``last_notice`` (the latest reminder about the items overdue now) likewise."""

    cid: str
    name: str
    buckets: tuple[tuple[str, Decimal], ...] = ()
    overdue: Decimal = _ZERO
    weighted: Decimal = _ZERO
    at_risk: bool = False
    oldest_due: date | None = None
    reached: int = -1
    note_days: list[date] = field(default_factory=list)
    follow_up: date | None = None
    promise_due: object | None = None          # receivables.notes.Promise
    promise_open: object | None = None
    promise_unknown: object | None = None
    broken: object | None = None
    broken_count: int = 0
    promises_due: int = 0
    broken_unattended: int = 0
    instalment: tuple | None = None                # (plan id, receivables.plans.NextDue, currency) due by as-of
    plan_running: tuple[str, object] | None = None  # (plan id, NextDue or None)
    plan_broken: object | None = None              # receivables.plans.PlanState
    disputes: list = field(default_factory=list)   # open receivables.notes.Dispute
    dispute_stale: bool = False
    last_touch: date | None = None
    last_reminded: date | None = None              # the last e-mail or letter reminder that may have arrived
    last_notice: object | None = None              # receivables.worklist.Reminded
    last_level: int = -1
    bounced: object | None = None
    unknown: object | None = None
    last_paid: date | None = None

    @property
    def last_note(self) -> date | None:
        return self.note_days[-1] if self.note_days else None

    def noted_after(self, day: date) -> bool:
        """Whether a note was written after ``day``."""
        return bisect_right(self.note_days, day) < len(self.note_days)

    @property
    def paused(self) -> bool:
        """An open promise not yet due: reminders and calls about the balance wait for it."""
        return self.promise_open is not None


@dataclass(frozen=True)
class Gathered:
    facts: dict[str, Facts]
    policy: tuple                                  # the reminder levels in order of days
    warnings: tuple[Issue, ...]


def gather(frames: Frames, as_of: date, *, notes: Sequence[CollectionNote], reminders: Iterable, plans: Sequence,
           handed_over: set[str], timing, levels, edges: tuple[int, ...], no_followup: Iterable[str],
           grace_days: int, weights) -> Gathered:
    """Every customer's :class:`Facts` that has something at risk or an event, handed-over customers left out."""
    policy = tuple(sorted(levels, key=lambda lv: lv.days))
    warnings: list = []
    facts: dict[str, Facts] = {}
    names = frames.names

    def of(cid: str) -> Facts:
        f = facts.get(cid)
        if f is None:
            f = facts[cid] = Facts(cid, str(names.get(cid, cid)))
        return f

    tracking = None
    notes = [n for n in notes if n.written_at <= as_of]
    if notes:
        from .notes import track_frames

        tracking = track_frames(frames, notes, as_of, grace_days=grace_days)
        warnings += [Issue("Notes", f"note {u.uid}: {u.reason}") for u in tracking.unresolved]
    planned = _plans(frames, plans, as_of, handed_over, of)
    skip_items = set(no_followup) | planned
    whole = set(handed_over)
    if tracking is not None:
        for d in tracking.disputes:
            if d.state == "open" and d.customer_id not in handed_over:
                of(d.customer_id).disputes.append(d)
                skip_items.update(d.item_ids)
                if not d.item_ids:
                    whole.add(d.customer_id)
    warnings += _amounts(frames, as_of, edges, policy, skip_items, whole, weights, facts, of)
    if tracking is not None:
        _notes(frames, notes, tracking, as_of, timing, handed_over, of)
    _reminders(reminders, as_of, policy, handed_over, facts)
    if any(f.last_notice is not None for f in facts.values()):
        _last_paid(frames, as_of, facts)
    for f in facts.values():
        if f.plan_broken is not None and f.noted_after(f.plan_broken.broken.grace_until):
            f.plan_broken = None                       # a note since the break: someone is on it
        touches = [d for d in (f.last_note, f.last_reminded) if d is not None]
        f.last_touch = max(touches) if touches else None
        if f.disputes and (f.last_note is None or (as_of - f.last_note).days >= timing.dispute_days):
            f.dispute_stale = True
    return Gathered(facts, policy, issues_of(warnings))


def _plans(frames: Frames, plans: Sequence, as_of: date, handed_over: set[str], of) -> set[str]:
    """The ids of the items running plans cover; each plan's next instalment (due or not) or break on its
    customer's facts."""
    if not plans:
        return set()
    from .plans import covered_items_frames, plan_states_frames

    states = plan_states_frames(frames, [p for p in plans if p.customer_id not in handed_over], as_of)
    running = [p for p in plans if p.plan_id in states and states[p.plan_id].state == "running"]
    covered = covered_items_frames(frames, running) if running else {}
    for p in plans:
        s = states.get(p.plan_id)
        if s is None:
            continue
        if s.state == "running":
            nxt = s.next_due
            f = of(p.customer_id)
            f.plan_running = (p.plan_id, nxt)
            if nxt is not None and nxt.due <= as_of:
                f.instalment = (p.plan_id, nxt, s.currency)
        elif s.state == "broken":
            of(p.customer_id).plan_broken = s
    return {i for ids in covered.values() for i in ids}


def _amounts(frames: Frames, as_of: date, edges, policy, skip_items: set[str], whole: set[str], weights,
             facts: dict[str, Facts], of) -> list:
    """Overdue buckets, what is at risk, the oldest due date and the level reached, for every customer with items
    that count (not skipped, not of a customer skipped whole)."""
    at = open_at(frames, as_of)
    items = at.items
    skip = np.zeros(len(items), dtype=bool)
    if skip_items and len(items):
        skip |= items["id"].isin(sorted(skip_items)).to_numpy()
    if whole and len(items):
        skip |= items["customer_id"].isin(sorted(whole)).to_numpy()
    kept = items[~skip] if skip.any() else items
    report = aging_frame(kept, as_of, frames, edges=edges, by="due", warnings=at.warnings)
    table = report.company_table
    labels, places = report.labels, precision(frames.company_currency)
    n = len(table.customer_ids)
    minor = table.minor.reshape(n, len(labels))
    late = minor[:, 1:]
    converted = np.zeros(n, dtype=bool)
    converted[[g for g, _ in table.extra]] = True
    # Exact in minor units where the aging converted nothing at a rate: each age weight as an integer over one
    # common power of ten, so the weighted balance is an integer too.
    scale = max(-min((a.as_tuple().exponent for a in weights.ages), default=0), 0)
    ages = [int(weights.age(k).scaleb(scale)) for k in range(late.shape[1])]
    weighted = (np.clip(late, 0, None) * np.array(ages, dtype=np.int64)).sum(axis=1) if n else np.zeros(0)
    exact = ~converted & (minor.sum(axis=1) > 0) & (late > 0).any(axis=1)
    for g in np.flatnonzero(exact).tolist():
        f = of(str(table.customer_ids[g]))
        f.at_risk = True
        f.overdue = from_minor(int(late[g].sum()), places=places)
        f.weighted = from_minor(int(weighted[g]), places=places + scale)
        f.buckets = tuple((labels[k + 1], from_minor(int(late[g, k]), places=places))
                          for k in range(late.shape[1] - 1, -1, -1) if late[g, k])
    for g in np.flatnonzero(converted).tolist():           # amounts converted at a rate: in Decimal
        amounts = table.amounts(g)
        due = amounts[1:]
        if sum(amounts, _ZERO) <= 0 or not any(a > 0 for a in due):
            continue
        f = of(str(table.customer_ids[g]))
        f.at_risk = True
        f.overdue = sum(due, _ZERO)
        f.weighted = sum((a * weights.age(k) for k, a in enumerate(due) if a > 0), _ZERO)
        f.buckets = tuple((labels[k + 1], a) for k, a in reversed(list(enumerate(due))) if a != 0)
    # Per customer: the most days past due of what is owed (positive, dated), and the level that reached.
    if len(kept) and facts:
        due = days(kept["due"])
        owed = (kept["open_minor"].to_numpy(np.int64) > 0) & (due != NO_DAY)
        codes, keys = codes_of(kept["customer_id"])
        most = np.full(len(keys), np.iinfo(np.int64).min, dtype=np.int64)
        ok = owed & (codes >= 0)
        np.maximum.at(most, codes[ok], day_number(as_of) - due[ok])
        level_days = np.array([lv.days for lv in policy], dtype=np.int64)
        reached = np.searchsorted(level_days, most, side="right") - 1
        as_of_ordinal = as_of.toordinal()
        for cid, late_days, level in zip(keys.tolist(), most.tolist(), reached.tolist()):
            f = facts.get(str(cid))
            if f is None or late_days == np.iinfo(np.int64).min:
                continue
            f.reached = level
            if late_days >= 1:
                f.oldest_due = date.fromordinal(as_of_ordinal - late_days)
    return list(report.warnings)


def _notes(frames: Frames, notes: Sequence[CollectionNote], tracking, as_of: date, timing, handed_over: set[str],
           of) -> None:
    """Note days, the follow-up date pending, and the promises of each customer the notes name."""
    index: dict[str, list[str]] = defaultdict(list)
    if any(n.customer not in frames.names for n in notes):
        for cid, name in frames.names.items():
            index[str(name).strip().casefold()].append(cid)
    by_customer: dict[str, list[CollectionNote]] = defaultdict(list)
    for n in sorted(notes, key=lambda n: (n.written_at, n.uid)):
        cid = n.customer if n.customer in frames.names else None
        if cid is None:
            found = index.get(n.customer.strip().casefold(), [])
            cid = found[0] if len(found) == 1 else None
        if cid is not None and cid not in handed_over:
            by_customer[cid].append(n)
    for cid, mine in by_customer.items():
        f = of(cid)
        f.note_days = [n.written_at for n in mine]
        latest_after = [None] * len(mine)             # the latest note day after each note
        seen = None
        for k in range(len(mine) - 1, -1, -1):
            latest_after[k] = seen
            seen = mine[k].written_at if seen is None else max(seen, mine[k].written_at)
        for k, n in enumerate(mine):
            d = n.next_action_date
            if d is None or d > as_of or (latest_after[k] is not None and latest_after[k] >= d):
                continue
            if f.follow_up is None or d > f.follow_up:
                f.follow_up = d
    since = as_of - timedelta(days=timing.broken_days)
    for p in tracking.promises:
        if p.customer_id in handed_over or p.state == "superseded":
            continue
        f = of(p.customer_id)
        if p.state == "open":
            if p.due <= as_of:
                f.promises_due += 1
                if f.promise_due is None or p.due >= f.promise_due.due:
                    f.promise_due = p
            elif f.promise_open is None or p.grace_until >= f.promise_open.grace_until:
                f.promise_open = p
        elif p.grace_until < as_of and p.grace_until >= since:
            attended = f.noted_after(p.grace_until)
            if p.state in ("broken", "partly kept"):
                f.broken_count += 1
                if not attended:
                    f.broken_unattended += 1
                    if f.broken is None or p.grace_until >= f.broken.grace_until:
                        f.broken = p
            elif p.state == "unknown" and not attended:
                if f.promise_unknown is None or p.grace_until >= f.promise_unknown.grace_until:
                    f.promise_unknown = p


def _reminders(reminders: Iterable, as_of: date, policy, handed_over: set[str], facts: dict[str, Facts]) -> None:
    """The last reminder that may have reached the customer, the latest one about what is overdue now (and the
    highest level sent about it), the last e-mail reminder when it bounced, and an unknown delivery, per customer
    with facts."""
    rank = {lv.name: k for k, lv in enumerate(policy)}
    first = min((lv.days for lv in policy), default=0)
    by_customer: dict[str, list] = defaultdict(list)
    for r in reminders:
        if r.on <= as_of and r.customer_id not in handed_over:
            by_customer[r.customer_id].append(r)
    for cid, mine in by_customer.items():
        mine.sort(key=lambda r: r.on)
        f = facts.get(cid)
        if f is None:                                  # nothing at risk and no event: a reminder changes nothing
            continue
        delivered = [r for r in mine if r.state in ("sent", "unknown") and r.channel in TOUCHING]
        if delivered:
            f.last_reminded = delivered[-1].on
            if delivered[-1].state == "unknown":
                f.unknown = delivered[-1]
        if f.oldest_due is not None:
            about = [r for r in mine if r.state in ("sent", "unknown") and r.on >= f.oldest_due + timedelta(first)]
            if about:
                f.last_notice = about[-1]
                f.last_level = max(rank.get(r.level, -1) for r in about)
        mails = [r for r in mine if r.channel == "email"]
        if mails and mails[-1].state == "refused":
            f.bounced = mails[-1]


def _last_paid(frames: Frames, as_of: date, facts: dict[str, Facts]) -> None:
    """The last day each reminded customer paid (a payment, or an item paid in full), as far as the books show."""
    wanted = sorted(cid for cid, f in facts.items() if f.last_notice is not None)
    d = day_number(as_of)
    best: dict[str, int] = {}
    for df, column in ((frames.payments, "date"), (frames.items, "paid_on")):
        if not len(df):
            continue
        mine = df[df["customer_id"].isin(wanted).to_numpy()]
        day = days(mine[column])
        ok = (day != NO_DAY) & (day <= d)
        for cid, n in zip(mine["customer_id"].to_numpy()[ok].tolist(), day[ok].tolist()):
            if n > best.get(str(cid), NO_DAY):
                best[str(cid)] = n
    for cid, n in best.items():
        facts[cid].last_paid = date_of(n)
