"""``ardesk notes add|list|push|export``: collection notes from the command line (see :mod:`jobs.notes`)."""
from __future__ import annotations

import getpass
import json
import sys
from decimal import Decimal, InvalidOperation

import click

from jobs import notes as jobs

from .common import AsOfDate, pass_obj, settings, today

#: ``ardesk notes push`` wrote some notes but the ERP refused others, or the connection was lost.
PARTIAL_EXIT = 4


class Amount(click.ParamType):
    name = "AMOUNT"

    def convert(self, value, param, ctx) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            amount = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount: write it as 4000.00", param, ctx)
        if not amount.is_finite():
            self.fail(f"{value!r} is not an amount: write it as 4000.00", param, ctx)
        return amount


@click.group()
def notes():
    """Collection notes: add, list, write back to the ERP, export."""


@notes.command("add")
@click.argument("customer")
@click.argument("text", default="")
@click.option("--invoice", metavar="NUMBER", help="The invoice the note is about.")
@click.option("--date", "when", type=AsOfDate(), default=None, help="When the contact happened (default: today).")
@click.option("--outcome", metavar="WORDS", help="reached, left message, no answer, e-mail sent, letter sent or "
              "meeting (several separated by commas).")
@click.option("--promise-date", type=AsOfDate(), default=None, help="The day the customer promised to pay by.")
@click.option("--promise-amount", type=Amount(), default=None, help="The amount promised (default: all that is "
              "open on the invoice, or on the customer).")
@click.option("--next-action", type=AsOfDate(), default=None, help="When to follow up.")
@click.option("--dispute", type=click.Choice(["open", "resolved"]), default=None,
              help="Open a dispute on the invoice (or the customer), or resolve it.")
@click.option("--author", default=None, help="Who wrote the note (default: the user running ardesk).")
@pass_obj
def add(obj, customer, text, invoice, when, outcome, promise_date, promise_amount, next_action, dispute, author):
    """Add a note about CUSTOMER; it shows on the Notes sheet at the next refresh."""
    uid = jobs.add_note(settings(obj), customer, text, invoice=invoice, when=when or today(),
                        author=author if author is not None else _user(), outcome=outcome, dispute=dispute,
                        promise_date=promise_date, promise_amount=promise_amount, next_action=next_action)
    click.echo(f"note {uid} kept in the ledger; it shows on the Notes sheet at the next refresh")


@notes.command("list")
@click.option("--customer", metavar="NAME", help="Only this customer's notes.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@pass_obj
def list_(obj, customer, fmt):
    """The notes in the ledger, with what their last write-back did."""
    rows = jobs.list_notes(settings(obj), customer)
    _rows(rows, fmt)


@notes.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@pass_obj
def export(obj, fmt):
    """Every note, for import elsewhere (QuickBooks keeps no collection notes ardesk can write to)."""
    _rows(jobs.list_notes(settings(obj)), fmt)


@notes.command("push")
@click.option("--workbook", metavar="PATH", help="Keep this panel's notes first and update its Note id and Synced "
              "columns.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def push(obj, workbook, fmt):
    """Write every note not yet written to the ERP, once; report each one."""
    report = jobs.push(settings(obj, near=workbook), workbook)
    if fmt == "json":
        click.echo(json.dumps(report.to_json_dict(), indent=2, ensure_ascii=False))
    else:
        for r in report.results:
            detail = r.ref if r.status in ("written", "already there") else r.reason
            click.echo(f"{r.uid:<16} {r.status:<14} {r.customer[:30]:<30} {detail}")
        click.echo(report.message)
        if report.sheet:
            click.echo(f"Notes sheet: {report.sheet}")
    if any(r.status in ("refused", "not sent") for r in report.results):
        raise click.exceptions.Exit(PARTIAL_EXIT)


def _rows(rows: list[dict], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"notes": rows}, indent=2, ensure_ascii=False, default=str))
    elif fmt == "csv":
        sys.stdout.write(jobs.export_csv(rows))
    else:
        if not rows:
            click.echo("no notes in the ledger")
        for r in rows:
            head = f"{r['written_at'] or '':<10} {r['uid']:<16} {(r['customer'] or '')[:28]:<28}"
            extra = [f"invoice {r['invoice']}" if r["invoice"] else "",
                     f"promise {r['promise_amount'] or 'open amount'} by {r['promise_date']}" if r["promise_date"]
                     else "", f"dispute {r['dispute']}" if r["dispute"] else "",
                     f"next {r['next_action_date']}" if r["next_action_date"] else ""]
            click.echo(f"{head} {' · '.join(e for e in extra if e)}")
            click.echo(f"    {r['text']}" + (f"\n    [{r['synced']}]" if r["synced"] else ""))


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


COMMANDS = (notes,)
