"""The worklist's points, words and next actions (:mod:`receivables.worklist` states the rules): each customer's
facts (:mod:`receivables.worklist_facts`) become score parts, one next action with its cause, a reason in words
and a row; and who works which customer. Money in words has the currency's places and thousands separators
("12,400.00"; the currency's code follows an amount in another currency than the company's)."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .errors import InputError
from .money import precision
from .worklist import CALLS, PART_KINDS, ScorePart, WorklistRow, WorklistSummary

_ZERO = Decimal(0)
_ONE = Decimal(1)
_CAUSE_FIRST = {k: n for n, k in enumerate(PART_KINDS)}


@lru_cache(maxsize=64)
def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-precision(currency))


def money_text(amount: Decimal, currency: str, company: str) -> str:
    """``12,400.00`` (``12,400.00 EUR`` in another currency than the company's), rounded once (half up) to its
    places, as :func:`receivables.money.quantize` rounds."""
    text = format(amount.quantize(_exponent(currency), rounding=ROUND_HALF_UP), ",f")
    return text if currency == company else f"{text} {currency}"


def _points(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_HALF_UP))


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


# ---------------------------------------------------------------------------------------------- collectors


def collectors_of(names: Mapping[str, str], customers: Mapping, assignments: Mapping[str, Iterable]) -> dict[str, str]:
    """Customer id -> its collector: the source's (``Customer.collector``: Odoo's salesperson, a QuickBooks rep),
    else the configuration's assignment (a customer's id, else its name without case and extra spaces: a name two
    customers share assigns both)."""
    owners: dict[str, str] = {}
    for cid, c in customers.items():
        who = " ".join(str(getattr(c, "collector", "") or "").split())
        if who:
            owners[cid] = who
    if assignments:
        by_name: dict[str, list[str]] = {}
        for cid, name in names.items():
            by_name.setdefault(_key(name), []).append(cid)
        for cid, c in customers.items():
            if cid not in names:
                by_name.setdefault(_key(c.name), []).append(cid)
        for collector, entries in assignments.items():
            for entry in entries:
                text = str(entry).strip()
                for cid in ([text] if text in names or text in customers else by_name.get(_key(text), [])):
                    owners.setdefault(cid, " ".join(collector.split()))
    return owners


def wanted(collector: str | None, owners: Mapping[str, str]) -> str | None:
    """The collector asked for, as compared (``None``: everyone); refused, naming the known ones, when no customer
    has that collector."""
    if collector is None:
        return None
    key = _key(collector)
    known = sorted(set(owners.values()), key=str.casefold)
    if key not in {_key(k) for k in known}:
        hint = ("collectors: " + ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")) if known else (
            "assign customers in [worklist.collectors] of ardesk.toml, or give them a salesperson in the source")
        raise InputError(f"no customer is worked by collector {collector.strip()!r}", hint=hint)
    return key


# ---------------------------------------------------------------------------------------------- rows


class Scorer:
    """Parts, actions and rows of the gathered facts (one set of weights, timing and policy)."""

    def __init__(self, gathered, as_of: date, *, weights, timing, levels, company: str, customers: Mapping,
                 contacts: Mapping, owners: Mapping[str, str], risk: Mapping[str, int] | None, frames):
        self.facts, self.policy = gathered.facts, gathered.policy
        self.as_of, self.w, self.t, self.company = as_of, weights, timing, company
        self.customers, self.contacts, self.owners = customers, contacts, owners
        self.risk, self.frames = risk, frames
        self.top = max((k for k, lv in enumerate(self.policy) if lv.channel != "agency"), default=-1)
        at_risk = sorted(f.weighted for f in self.facts.values() if f.at_risk)
        # The 90th percentile (nearest rank) of the balances at risk: at or above it the overdue part is full.
        self.reference = at_risk[math.ceil(0.9 * len(at_risk)) - 1] if at_risk else _ONE

    def rows(self, chosen: str | None, *, everyone: bool) -> tuple[list[WorklistRow], WorklistSummary]:
        scope = [f for f in self.facts.values()
                 if chosen is None or _key(self.owners.get(f.cid, "")) == chosen]
        decided = []
        for f in scope:
            parts = self._parts(f)
            action, cause = self._action(f, parts)
            if action != "nothing" or everyone:
                decided.append((f, parts, action, cause))
        scores = self._risk_scores([f.cid for f, *_ in decided])
        rows = []
        for f, parts, action, cause in decided:
            score = scores.get(f.cid, 0)
            if score > 0:
                parts["risk"] = ScorePart("risk", _points(self.w.risk * score), f"risk {score}/100")
            rows.append(self._row(f, parts, action, cause))
        rows.sort(key=lambda r: (-r["score"], -r["overdue"], r["customer"].casefold(), r["customer_id"]))
        ranked = [WorklistRow(rank=k, **r) for k, r in enumerate(rows, 1)]
        summary = WorklistSummary(promises_due_today=sum(f.promises_due for f in scope),
                                  broken_promises=sum(f.broken_unattended for f in scope),
                                  disputes_open=sum(len(f.disputes) for f in scope),
                                  customers_to_call=sum(1 for r in ranked if r.next_action in CALLS))
        return ranked, summary

    def _risk_scores(self, cids: list[str]) -> dict[str, int]:
        if self.risk is not None:
            return {c: int(self.risk.get(c, 0)) for c in cids}
        if not cids:
            return {}
        from .behaviour import customers_frames

        table = customers_frames(self.frames, self.as_of, dict(self.customers)).table
        where = {str(c): i for i, c in enumerate(table.ids.tolist())}
        return {c: table.row(where[c]).risk_score for c in cids if c in where}

    # -- the parts

    def _money(self, amount: Decimal | None, currency: str) -> str:
        return "the open amount" if amount is None else money_text(amount, currency, self.company)

    def _parts(self, f) -> dict[str, ScorePart]:
        w, as_of, out = self.w, self.as_of, {}

        def add(kind: str, points: Decimal, words: str) -> None:
            out[kind] = ScorePart(kind, _points(points), words)

        if f.plan_broken is not None:
            s, b = f.plan_broken, f.plan_broken.broken
            add("broken_plan", w.broken_plan, f"plan {s.plan_id} broken at instalment {b.number} of "
                                              f"{b.due.isoformat()} (short {self._money(b.shortfall, s.currency)})")
        if f.broken is not None:
            p = f.broken
            what = (f"broken promise of {self._money(p.amount, p.currency)} on {p.due.isoformat()}"
                    if p.state == "broken" else
                    f"promise of {self._money(p.amount, p.currency)} on {p.due.isoformat()} partly kept "
                    f"({self._money(p.received, p.currency)} came)")
            if f.broken_count > 1:
                what += f", {f.broken_count} broken in {_days(self.t.broken_days)}"
            add("broken_promise", w.broken_promise, what)
        if f.promise_due is not None:
            p = f.promise_due
            when = ("due today" if p.due == as_of else
                    f"due {p.due.isoformat()}, grace until {p.grace_until.isoformat()}")
            add("promise_due", w.promise_due, f"promise of {self._money(p.amount, p.currency)} {when}")
        elif f.promise_unknown is not None:
            p = f.promise_unknown
            add("promise_due", w.promise_due, f"promise of {self._money(p.amount, p.currency)} on "
                                              f"{p.due.isoformat()}: the books cannot tell whether it was kept")
        if f.instalment is not None:
            pid, nxt, currency = f.instalment
            when = "due today" if nxt.due == as_of else f"due {nxt.due.isoformat()}"
            add("instalment_due", w.instalment_due,
                f"instalment {nxt.number} of plan {pid}: {self._money(nxt.amount, currency)} {when}")
        if f.follow_up is not None:
            add("follow_up", w.follow_up, "follow-up due today" if f.follow_up == as_of else
                f"follow-up date {f.follow_up.isoformat()} reached")
        reminding = f.at_risk and not f.paused
        if reminding and f.bounced is not None and not self._readdressed(f.cid, f.bounced):
            r = f.bounced
            why = f" ({' '.join(r.outcome.split())[:60]})" if r.outcome.strip() else ""
            add("bounced", w.bounced, f"{r.level} reminder of {r.on.isoformat()} bounced{why}")
        if f.unknown is not None:
            r = f.unknown
            add("unknown_outcome", w.unknown_outcome, f"{r.level} reminder of {r.on.isoformat()}: delivery unknown")
        waiting = f.last_notice is not None and (as_of - f.last_notice.on).days < self.t.answer_days
        if reminding and f.last_notice is not None and not waiting and not f.noted_after(f.last_notice.on) and not (
                f.last_paid is not None and f.last_paid > f.last_notice.on):
            r = f.last_notice
            add("no_answer", w.no_answer, f"{r.level} reminder of {r.on.isoformat()} unanswered for "
                                          f"{_days((as_of - r.on).days)}")
        if reminding and f.reached > f.last_level and f.reached >= 0 and not waiting:
            level = self.policy[f.reached]
            sent = (f", {f.last_notice.level} sent {f.last_notice.on.isoformat()}" if f.last_notice is not None
                    else ", none sent")
            late = f"{_days((as_of - f.oldest_due).days)} past due" if f.oldest_due else "not yet due"
            mail = ", no e-mail address" if level.channel == "email" and not self._contact(f.cid)[1].strip() else ""
            add("level_due", w.level_due, f"{level.name} reminder due ({late}){sent}{mail}")
        if f.dispute_stale:
            d = f.disputes[0]
            what = f"invoice {d.invoice_number or d.invoice_id}" if d.item_ids else "the whole account"
            amount = f" ({self._money(d.amount, d.currency)})" if d.amount is not None else ""
            quiet = (as_of - (f.last_note or d.opened_on)).days
            more = f" and {len(f.disputes) - 1} more" if len(f.disputes) > 1 else ""
            add("dispute", w.dispute, f"dispute on {what}{amount} open since {d.opened_on.isoformat()}{more}, "
                                      f"no note for {_days(quiet)}")
        if f.at_risk:
            share = min(_ONE, f.weighted / self.reference) if self.reference > 0 else _ONE
            add("overdue", w.overdue * share, ", ".join(f"{label} days {money_text(a, self.company, self.company)}"
                                                         for label, a in f.buckets))
        days = self._untouched(f)
        if f.last_touch is not None:
            words = "last touch today" if days == 0 else f"last touch {_days(days)} ago"
        else:
            words = "never touched" + (f" (overdue since {f.oldest_due.isoformat()})" if f.oldest_due else "")
        add("untouched", min(w.untouched_cap, w.untouched * days), words)
        return out

    def _readdressed(self, cid: str, bounced) -> bool:
        """Whether the customer's e-mail address is another than the one that bounced (someone fixed it)."""
        now = self._contact(cid)[1].strip().casefold()
        return bool(now and bounced.email.strip() and now != bounced.email.strip().casefold())

    def _untouched(self, f) -> int:
        since = f.last_touch or f.oldest_due
        return max((self.as_of - since).days, 0) if since is not None else 0

    # -- the action

    def _action(self, f, parts: Mapping[str, ScorePart]) -> tuple[str, str | None]:
        """The next action and the part that caused it (``None`` for ``nothing``)."""
        if "broken_plan" in parts:
            return "escalate", "broken_plan"
        if "broken_promise" in parts and f.broken_count > 1:
            return "escalate", "broken_promise"
        if "no_answer" in parts and f.last_level >= self.top >= 0:
            return "escalate", "no_answer"
        if "level_due" in parts and self.policy[f.reached].channel == "agency":
            return "escalate", "level_due"
        for kind in ("broken_promise", "promise_due", "instalment_due"):
            if kind in parts:
                return "follow_up_promise", kind
        if f.at_risk and not f.paused:
            if "follow_up" in parts:
                return "call", "follow_up"
            if "bounced" in parts:
                return "call", "bounced"
            if "level_due" in parts:
                channel = self.policy[f.reached].channel
                if channel == "call" or (channel == "email" and not self._contact(f.cid)[1].strip()):
                    return "call", "level_due"
                return "send_next_level", "level_due"
            if "no_answer" in parts:
                return "call", "no_answer"
            if self._untouched(f) >= self.t.touch_days:
                return "call", "untouched"
        if "follow_up" in parts:
            return ("check_dispute" if f.disputes else "call"), "follow_up"
        if "dispute" in parts:
            return "check_dispute", "dispute"
        return "nothing", None

    def _why_nothing(self, f) -> str:
        if f.plan_running is not None and not f.at_risk:
            pid, nxt = f.plan_running
            return f"on plan {pid}" + (f", next instalment {nxt.due.isoformat()}" if nxt is not None else "")
        if f.paused:
            p = f.promise_open
            return f"promise of {self._money(p.amount, p.currency)} on {p.due.isoformat()}"
        if not f.at_risk:
            return "disputed: nothing else overdue" if f.disputes else "nothing overdue"
        if f.last_notice is not None and (self.as_of - f.last_notice.on).days < self.t.answer_days:
            until = f.last_notice.on + timedelta(days=self.t.answer_days)
            return f"{f.last_notice.level} reminder of {f.last_notice.on.isoformat()}: waiting for an answer " \
                   f"until {until.isoformat()}"
        return f"touched {_days(self._untouched(f))} ago: next call after " \
               f"{(f.last_touch + timedelta(days=self.t.touch_days)).isoformat()}" if f.last_touch else "waiting"

    # -- the row

    def _contact(self, cid: str) -> tuple[str, str]:
        """(phone, e-mail): the contact given for the customer, else the source's."""
        c = self.contacts.get(cid) or self.customers.get(cid)
        return (c.phone or "", c.email or "") if c is not None else ("", "")

    def _row(self, f, parts: dict[str, ScorePart], action: str, cause: str | None) -> dict:
        """A row's fields but its rank (known once all are sorted)."""
        ordered = sorted(parts.values(), key=lambda p: (p.kind != cause, -p.points, _CAUSE_FIRST[p.kind]))
        words = "; ".join(p.words for p in ordered)
        reason = words if action != "nothing" else f"nothing: {self._why_nothing(f)}; {words}"
        phone, email = self._contact(f.cid)
        return dict(customer_id=f.cid, customer=f.name, score=sum(p.points for p in ordered), parts=tuple(ordered),
                    next_action=action, reason=reason,
                    overdue=f.overdue.quantize(_exponent(self.company), rounding=ROUND_HALF_UP),
                    currency=self.company, promise=self._promise(f), last_touch=f.last_touch, phone=phone,
                    email=email, collector=self.owners.get(f.cid, ""))

    def _promise(self, f) -> str | None:
        p = f.promise_due or f.promise_open
        if p is not None:
            return f"{self._money(p.amount, p.currency)} on {p.due.isoformat()}"
        for p, word in ((f.broken, None), (f.promise_unknown, "unknown")):
            if p is not None:
                return f"{word or p.state}: {self._money(p.amount, p.currency)} on {p.due.isoformat()}"
        return None
