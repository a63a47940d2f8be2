"""``ardesk remind build|status``: reminder batches (see :mod:`jobs.remind`)."""
from __future__ import annotations

import json

import click

from jobs import remind as jobs

from .common import as_of_option, pass_obj, print_notes, progress, settings, source_argument, today

#: ``ardesk remind send`` left notices failed, refused or of unknown outcome (see ``ardesk remind status``).
PARTIAL_EXIT = 4


@click.group()
def remind():
    """Reminder batches: build one for review, send it, see each notice's state."""


@remind.command("build")
@source_argument
@as_of_option
@click.option("--workbook", metavar="PATH", help="Also put the batch on this panel's Reminders sheet.")
@click.option("--contacts", metavar="FILE", help="A QuickBooks Customer Contact List (or customer list) giving "
              "the customers' e-mail addresses and phones (default: [reminders] contacts).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def build(obj, source, as_of, workbook, contacts, fmt):
    """Build today's reminder batch from SOURCE and store it in the ledger (nothing is sent)."""
    built = jobs.build(source, settings(obj, near=workbook), today=today(), as_of=as_of, progress=progress(obj),
                       workbook=workbook, contacts=contacts)
    if fmt == "json":            # one line: json.dumps(built.to_json_dict()), made without a dict per open item
        chunks = list(built.batch.json_chunks(ensure_ascii=False, separators=(",", ":"),
                                              head={"batch": built.batch_id},
                                              tail={"workbook": built.sheet, "charges": built.charges or {},
                                                    "discounts": built.discounts or {}}))
        for chunk in chunks:
            click.echo(chunk, nl=False)
        click.echo()
    else:
        data = built.to_json_dict()
        for n in data["notices"]:
            totals = ", ".join(f"{v} {k}" for k, v in n["totals"].items())
            via = n["channel"] + (f" ({n['fallback_reason']})" if n["fallback_reason"] else "")
            click.echo(f"{n['customer'][:32]:<32} {n['level']:<9} {via[:40]:<40} {totals}")
        for e in data["excluded"]:
            click.echo(f"{e['customer'][:32]:<32} not reminded: {e['reason']}")
        click.echo(f"batch {built.batch_id}: {len(data['notices'])} notice(s), {len(data['excluded'])} customer(s) "
                   "not reminded")
    print_notes(built.batch.warnings)


@remind.command("send")
@click.argument("batch", type=int, required=False)
@click.option("--dry-run", is_flag=True, help="Render every notice and say what would be sent; send nothing.")
@click.option("--out", "out_dir", metavar="DIR", help="Write one .eml draft per notice into DIR instead of sending "
              "(for people who send from their own mail program).")
@click.option("--resend-unknown", is_flag=True, help="Also send again the notices whose outcome is unknown (the "
              "connection closed before the mail server answered): check first that they did not arrive.")
@click.option("--workbook", metavar="PATH", help="Send only what this panel's Reminders sheet marks Send = yes, "
              "and show each notice's status there.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def send(obj, batch, dry_run, out_dir, resend_unknown, workbook, fmt):
    """Send what is still to send in BATCH (default: the latest), each notice once."""
    result = jobs.send(settings(obj, near=workbook), batch, today=today(), dry_run=dry_run, out_dir=out_dir,
                       resend_unknown=resend_unknown, workbook=workbook)
    data = result.to_json_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for r in data["notices"]:
            click.echo(f"{r['customer'][:32]:<32} {r['state']:<11} {r['detail']}")
        if data["call_list"]:
            click.echo(f"call list: {data['call_list']}")
        click.echo(f"batch {data['batch']}: " + (", ".join(f"{v} {k}" for k, v in sorted(data["counts"].items()))
                                                 or "nothing left to send"))
    if any(r["state"] in ("failed", "unknown", "refused") for r in data["notices"]):
        raise click.exceptions.Exit(PARTIAL_EXIT)


@remind.command("settle")
@click.argument("batch", type=int)
@click.argument("customer")
@click.option("--delivered/--not-delivered", required=True, help="What you found: the customer got the notice "
              "(it counts as sent), or did not (the next send sends it).")
@pass_obj
def settle(obj, batch, customer, delivered):
    """Settle a notice of unknown outcome in BATCH after checking with CUSTOMER (a name or id)."""
    state = jobs.settle(settings(obj), batch, customer, delivered=delivered)
    click.echo(f"batch {batch}, {customer}: {state}")


@remind.command("status")
@click.argument("batch", type=int, required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def status(obj, batch, fmt):
    """Each notice of BATCH (default: the latest) and its state."""
    data = jobs.status(settings(obj), batch)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for n in data["notices"]:
        click.echo(f"{n['customer'][:32]:<32} {n['level']:<9} {n['channel']:<6} {n['state']}")
    click.echo(f"batch {data['batch']}: " + ", ".join(f"{v} {k}" for k, v in sorted(data["counts"].items())))


COMMANDS = (remind,)
