"""A friendly note before each instalment of a payment plan falls due.

While a plan runs, the invoices it covers get no dunning (:mod:`receivables.reminders`, ``on_plan``). What the
customer gets instead, from the reminder policy's first pre-due level (the level with the most negative ``days``:
its name, its channel; the template ``instalment``), is one note announcing the next instalment (its number, due
date and the amount still to come of it) once the instalment is that many days away, and until its due date.

- Only a customer the batch leaves out because of the plan (or with nothing due) is announced to: one on hold,
  opted out, disputing or handed over is not; one who gets a notice in the batch anyway (for items the plan does
  not cover) gets no separate note.
- Each instalment is announced once: one whose note went out (or may have: its outcome unknown) is not announced
  again.
- The note lists the items the plan covers, as every notice lists its items.
- Without a pre-due level nothing is announced: the policy asks for no note before a due date.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from .config_schema import ReminderLevel
from .reminders import NOTHING_DUE, ON_PLAN, Batch, Notice, NoticeItem, NoticeItems

TEMPLATE = "instalment"


def pre_due_level(levels: Sequence[ReminderLevel]) -> ReminderLevel | None:
    """The policy's earliest level before the due date (the most negative ``days``), or None."""
    before = [lv for lv in levels if lv.days < 0]
    return min(before, key=lambda lv: lv.days) if before else None


def with_instalment_notes(batch: Batch, books, plans: Iterable, states: Mapping, levels: Sequence[ReminderLevel], *,
                          announced: set[tuple[str, int]], contacts: Mapping | None = None
                          ) -> tuple[Batch, dict[str, dict]]:
    """``batch`` with a note for each running plan whose next instalment is due within the pre-due level's days of
    its ``as_of`` and not yet announced (see the module), the customer's ``on_plan`` exclusion replaced by it; and
    customer id -> the instalment announced (``plan``, ``agreed_on``, ``number``, ``due``, ``amount``,
    ``currency``), for the notice's words. ``states``: plan id -> :class:`receivables.plans.PlanState`."""
    level = pre_due_level(levels)
    if level is None:
        return batch, {}
    as_of, lead = batch.as_of, timedelta(days=-level.days)
    on_plan = {e.customer_id: e for e in batch.excluded if e.code in (ON_PLAN, NOTHING_DUE)}
    due: dict[str, tuple] = {}
    for plan in plans:
        state = states.get(plan.plan_id)
        nxt = state.next_due if state is not None and state.state == "running" else None
        if nxt is None or plan.customer_id not in on_plan or (plan.plan_id, nxt.number) in announced:
            continue
        if nxt.due - lead <= as_of <= nxt.due:
            due[plan.customer_id] = (plan, state, nxt)
    if not due:
        return batch, {}
    from .plans import covered_items

    customers = {c.id: c for c in books.customers}
    covered = {cid: covered_items(books, plan) for cid, (plan, _s, _n) in due.items()}
    wanted = set().union(*covered.values())
    items = {i.id: i for i in books.items if i.id in wanted and i.open_amount}
    notices, announcing = list(batch.notices), {}
    for cid, (plan, state, nxt) in due.items():
        mine = [items[i] for i in sorted(covered[cid]) if i in items]
        lines = tuple(NoticeItem(i.id, i.number, i.kind.value, i.issued, i.due,
                                 None if i.due is None else (as_of - i.due).days, i.currency, i.open_amount, None,
                                 False) for i in sorted(mine, key=lambda i: (i.due or i.issued, i.number)))
        totals: dict[str, Decimal] = {}
        for i in mine:
            totals[i.currency] = totals.get(i.currency, Decimal(0)) + i.open_amount
        notices.append(_notice(cid, on_plan[cid].customer, level, customers.get(cid), (contacts or {}).get(cid),
                               lines, totals))
        amount = nxt.amount if nxt.amount is not None else plan.instalments[nxt.number - 1].amount
        announcing[cid] = {"plan": plan.plan_id, "agreed_on": plan.agreed_on.isoformat(), "number": nxt.number,
                           "of": len(plan.instalments), "due": nxt.due.isoformat(), "amount": str(amount),
                           "currency": state.currency}
    notices.sort(key=lambda n: (n.customer.casefold(), n.customer_id))
    excluded = tuple(e for e in batch.excluded if e.customer_id not in announcing)
    return replace(batch, notices=tuple(notices), excluded=excluded), announcing


def _notice(cid: str, name: str, level: ReminderLevel, customer, contact, lines, totals) -> Notice:
    source = contact or customer
    email = getattr(source, "email", "") or ""
    phone = getattr(source, "phone", "") or ""
    address = (getattr(contact, "address", "") or "") or (getattr(customer, "address", "") or "")
    channel, fallback = level.channel, ""
    if channel == "email" and not email.strip():
        channel, fallback = "call", "no e-mail address: to the call list"
    elif channel == "letter" and not address.strip():
        channel, fallback = "call", "no postal address for a letter: to the call list"
    return Notice(cid, name, level.name, TEMPLATE, channel, email, phone, NoticeItems(lines), totals, fallback,
                  address)


def announced_words(instalment: Mapping) -> dict:
    """A stored instalment (:func:`with_instalment_notes`) as the templates see it: dates and an amount."""
    return {"agreed_on": date.fromisoformat(instalment["agreed_on"]), "number": instalment["number"],
            "of": instalment["of"], "due": date.fromisoformat(instalment["due"]),
            "amount": Decimal(instalment["amount"]), "currency": instalment["currency"]}
