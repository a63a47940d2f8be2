"""``ardesk privacy report|erase|prune``: personal data held, erased on request, kept no longer than configured (see
:mod:`jobs.privacy`)."""
from __future__ import annotations

import json

import click

from jobs import privacy as jobs

from .common import AsOfDate, pass_obj, settings, today


@click.group()
def privacy():
    """Personal data: what the desk holds about a customer, erasure on request, retention."""


@privacy.command("report")
@click.argument("customer")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_obj
def report(obj, customer, fmt):
    """Everything the desk holds about CUSTOMER (its id or name) and its contacts: an access request's answer."""
    doc = jobs.report(settings(obj), customer)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    else:
        from receivables.privacy_report import text_of

        click.echo(text_of(doc), nl=False)
        if doc["files"]:
            click.echo("\nFiles written for it:\n" + "\n".join(f"  {f}" for f in doc["files"]))


@privacy.command("erase")
@click.argument("customer")
@click.option("--person", is_flag=True, help="The customer is a natural person: its name goes too (replaced by a "
              "pseudonym). Customers [reminders] consumers names are persons anyway.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_obj
def erase(obj, customer, person, yes, fmt):
    """Erase the personal data the desk holds about CUSTOMER: contacts, note texts, message outcomes, the files
    written for it (and a person's name). Documents, dates and amounts stay; figures do not change."""
    chosen = settings(obj)
    if not yes:
        kind = "person" if person or jobs.is_person(chosen, customer) else "business (its name stays)"
        click.confirm(f"Erase the personal data of {customer} ({kind}) from the ledger and its files? This cannot "
                      "be undone", abort=True)
    done = jobs.erase(chosen, customer, person=person)
    click.echo(json.dumps(done.to_json_dict(), indent=2) if fmt == "json" else done.message)


@privacy.command("prune")
@click.option("--as-of", "as_of", type=AsOfDate(), default=None, help="Apply the retention periods as of this day "
              "(default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_obj
def prune(obj, as_of, fmt):
    """Delete or blank personal data older than [privacy] keeps it (notes, reminders' contacts, former customers'
    contacts) and the files written for it."""
    done = jobs.prune(settings(obj), as_of or today())
    if fmt == "json":
        click.echo(json.dumps({**done.counts(), "files_deleted": done.files}, indent=2))
    else:
        click.echo(f"{done.notes} note(s) deleted, {done.notices} reminder notice(s) and {done.customers} former "
                   f"customer(s) without their contacts, {done.handoffs} hand-off(s) and {len(done.files)} file(s) "
                   "deleted")


COMMANDS = (privacy,)
