"""Payment plans: ``ardesk plan add|list|end`` (and, later, the panel's Plans sheet).

A plan is agreed with one customer of the books: the customer is found in the source's books (by id, else by name
without case), so that the plan names the customer the reminders, the worklist and the Customers sheet know. Its
state at a date (running, completed, broken at which instalment, next due) is worked out from the books each time
(:mod:`receivables.plans`); while it runs, the invoices it covers are not dunned, and a broken plan lets dunning
resume.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from receivables.errors import InputError

from .settings import Settings
from .sources import open_books, open_ledger

CLI_ORIGIN = "command line"


@dataclass(frozen=True)
class Added:
    plan_id: str
    customer_id: str
    customer: str
    new: bool


def find_customer(books, typed: str):
    """The customer of ``books`` that ``typed`` names (its id, else its name without case and extra spaces)."""
    want = " ".join(typed.split()).casefold()
    by_id = [c for c in books.customers if c.id == typed.strip()]
    found = by_id or [c for c in books.customers if " ".join(c.name.split()).casefold() == want]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise InputError(f"{len(found)} customers are named {typed!r}", hint="give the customer's id instead: "
                         + ", ".join(c.id for c in found[:5]))
    near = difflib.get_close_matches(typed, [c.name for c in books.customers], n=3)
    raise InputError(f"no customer {typed!r} in the books",
                     hint=f"did you mean {' or '.join(repr(n) for n in near)}?" if near else
                     "give a customer's name or id as the books have it")


def add(source: str | None, settings: Settings, customer: str, instalments: str, *, today: date,
        agreed_on: date | None = None, invoices: tuple[str, ...] = (), grace_days: int | None = None,
        currency: str | None = None) -> Added:
    """``ardesk plan add``: keep a plan for ``customer`` of ``source``'s books; adding the same plan again changes
    nothing."""
    from receivables.plan_store import plan_id
    from receivables.plans import Plan, parse_instalments

    agreed_on = agreed_on or today
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger)
    found = find_customer(opened.books, customer)
    parts = parse_instalments(instalments, currency, agreed_on=agreed_on)
    invoices = tuple(dict.fromkeys(i.strip() for i in invoices if i.strip()))
    if invoices:
        numbers = {i.number for i in opened.books.items if i.customer_id == found.id}
        missing = [n for n in invoices if n not in numbers]
        if missing:
            raise InputError(f"{found.name} has no invoice {missing[0]!r} in the books",
                             hint="give the invoices' numbers as the books have them, or none for all open items")
    grace = settings.config.notes.promise_grace_days if grace_days is None else grace_days
    plan = Plan(plan_id=plan_id(found.id, agreed_on, parts, invoices), customer_id=found.id, agreed_on=agreed_on,
                instalments=parts, currency=currency, invoice_numbers=invoices, grace_days=grace)
    with open_ledger(settings.ledger, settings.config) as ledger:
        new = ledger.plans.add(plan, customer=found.name, origin=CLI_ORIGIN)
        if new:
            ledger.audit("plan add", target=plan.plan_id,
                         detail={"customer": found.id, "instalments": len(parts), "agreed_on": agreed_on.isoformat()})
    return Added(plan.plan_id, found.id, found.name, new)


def states(source: str | None, settings: Settings, *, today: date, as_of: date | None = None) -> dict:
    """``ardesk plan list``: every running plan with its state at ``as_of`` (default today)."""
    from receivables.plans import plan_states

    as_of = as_of or today
    with open_ledger(settings.ledger, settings.config) as ledger:
        rows = ledger.plans.rows()
        plans = ledger.plans.plans()
    if not rows:
        return {"as_of": as_of.isoformat(), "plans": []}
    opened = open_books(source, settings.config, today=today, ledger_path=settings.ledger)
    measured = plan_states(opened.books, plans, as_of)
    out = []
    for row in rows:
        state = measured.get(row["id"])
        out.append({"plan_id": row["id"], "customer": row["customer"], "customer_id": row["customer_id"],
                    "agreed_on": row["agreed_on"], "invoices": row["invoices"],
                    **({k: v for k, v in state.to_json_dict().items() if k not in ("plan_id", "customer_id", "as_of")}
                       if state is not None else {"state": "not yet agreed", "instalments": [], "broken": None,
                                                  "next_due": None, "reason": f"agreed on {row['agreed_on']}"})})
    return {"as_of": as_of.isoformat(), "plans": out}


def end(settings: Settings, plan_id: str, why: str) -> None:
    """``ardesk plan end``: the plan stops (kept in the ledger, with why)."""
    with open_ledger(settings.ledger, settings.config) as ledger:
        if not ledger.plans.end(plan_id, why):
            known = [r["id"] for r in ledger.plans.rows()][:5]
            raise InputError(f"no running plan {plan_id}", hint=f"running plans: {', '.join(known)}" if known
                             else "`ardesk plan list` shows them")
        ledger.audit("plan end", target=plan_id, detail={"why": why})


__all__ = ["Added", "add", "end", "find_customer", "states"]
