"""``ardesk plan add|list|end``: payment plans (see :mod:`jobs.plans`)."""
from __future__ import annotations

import json

import click

from jobs import plans as jobs

from .common import AsOfDate, as_of_option, pass_obj, settings, source_argument, today


@click.group()
def plan():
    """Payment plans: instalments agreed with a customer; while a plan runs its invoices are not dunned."""


@plan.command("add")
@click.argument("customer")
@click.option("--instalments", required=True, metavar="DATE:AMOUNT,...",
              help="The instalments, e.g. 2026-12-15:500.00,2027-01-15:500.00 (dates in order).")
@click.option("--invoice", "invoices", multiple=True, metavar="NUMBER",
              help="An invoice the plan covers (repeat it; default: all the customer's open items).")
@click.option("--agreed-on", type=AsOfDate(), default=None, help="When the plan was agreed (default: today).")
@click.option("--grace-days", type=click.IntRange(0, 365), default=None,
              help="Days after each due date a payment still counts (default: [notes] promise_grace_days).")
@click.option("--currency", default=None, help="The instalments' currency (default: the customer's).")
@click.option("--source", default=None, help="Where the customer is looked up (default: [source] default).")
@pass_obj
def add(obj, customer, instalments, invoices, agreed_on, grace_days, currency, source):
    """Agree a payment plan with CUSTOMER (a name or id of the books)."""
    added = jobs.add(source, settings(obj), customer, instalments, today=today(), agreed_on=agreed_on,
                     invoices=invoices, grace_days=grace_days, currency=currency)
    click.echo(f"{added.plan_id} {'kept' if added.new else 'already there'}: {added.customer}")


@plan.command("list")
@source_argument
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def list_(obj, source, as_of, fmt):
    """Every running plan with its state: running (next instalment), completed, or broken (which instalment)."""
    data = jobs.states(source, settings(obj), today=today(), as_of=as_of)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    if not data["plans"]:
        click.echo("no payment plans")
    for p in data["plans"]:
        if p["state"] == "running" and p.get("next_due"):
            what = f"next {p['next_due']['due']}: {p['next_due']['amount']} {p['currency']}"
        elif p["state"] == "broken" and p.get("broken"):
            b = p["broken"]
            what = f"instalment {b['number']} of {b['due']} missed, short {b['shortfall']} {p['currency']}"
        else:
            what = p.get("reason") or ""
        click.echo(f"{p['plan_id']}  {p['customer'][:30]:<30} {p['state']:<10} {what}")


@plan.command("end")
@click.argument("plan_id")
@click.option("--why", required=True, help="Why the plan ends (kept in the ledger and the audit trail).")
@pass_obj
def end(obj, plan_id, why):
    """End a payment plan (it stays in the ledger); dunning of its invoices resumes."""
    jobs.end(settings(obj), plan_id, why)
    click.echo(f"{plan_id} ended")


COMMANDS = (plan,)
