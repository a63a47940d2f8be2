"""``ardesk jobs run|list|service``: the scheduled jobs of ``[jobs]`` (see :mod:`jobs.scheduler`)."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .common import pass_obj, settings

SERVICE_PLATFORMS = ("linux", "windows", "macos")


@click.group()
def jobs():
    """Scheduled jobs ([jobs] in ardesk.toml): run them, list their runs, install them as a service."""


@jobs.command("run")
@click.option("--once", "once", metavar="JOB", help="Run only JOB, now, and exit with its status (refresh, "
              "notes_push, remind_build, remind_send, prune).")
@pass_obj
def run(obj, once):
    """Run the jobs on their schedules in the foreground until stopped (SIGTERM or Ctrl-C let the running job
    finish first); one scheduler per ledger."""
    from jobs.scheduler import Scheduler

    scheduler = Scheduler(settings(obj))
    if once is None:
        scheduler.serve()
        return
    ran = scheduler.once(once)
    line = f"{ran.run.job} {ran.run.outcome}" + (f": {ran.message}" if ran.message else "")
    if ran.exit_code == 0:
        click.echo(line)
        return
    click.echo(f"ardesk: {line}", err=True)
    raise click.exceptions.Exit(ran.exit_code)


@jobs.command("list")
@click.option("--runs", type=click.IntRange(0, 1000), default=10, show_default=True,
              help="How many of the latest runs to show as well.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_obj
def list_(obj, runs, fmt):
    """Each job with its schedule, next run and last outcome, and the latest runs."""
    from jobs.runs import listing

    data = listing(settings(obj), runs=runs)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{'job':<13} {'schedule':<22} {'next run':<17} last run")
    for row in data["jobs"]:
        schedule = row["schedule"] or "-"
        nxt = row["next_run"][:16].replace("T", " ") if row["next_run"] else "-"
        last = row["last"] or "never run"
        if not row["available"]:
            nxt, last = "-", "not available in this version of ardesk"
        click.echo(f"{row['job']:<13} {schedule[:22]:<22} {nxt:<17} {last}")
    click.echo("scheduler: " + ("running" if data["scheduler_running"] else "not running") + f" for {data['ledger']}")
    if data["runs"]:
        click.echo("\nlatest runs:")
        for r in data["runs"]:
            ended = r["ended"][11:16] if r["ended"] else "     "
            said = r["error"] or ", ".join(f"{k}={v}" for k, v in r["counts"].items())
            click.echo(f"{r['started'][:16].replace('T', ' ')}-{ended} {r['job']:<13} {r['trigger']:<9} "
                       f"{r['outcome']}" + (f": {said}" if said else ""))


@jobs.command("service")
@click.argument("platform", type=click.Choice(SERVICE_PLATFORMS))
@click.option("--out", "out_dir", metavar="DIR", help="Write the definition files into DIR (on Linux also the "
              "--once service, its timer and each job's timer schedule) instead of printing the service.")
@pass_obj
def service(obj, platform, out_dir):
    """Print the service definition that runs `ardesk jobs run` in this folder, filled in with this folder and
    this installation's ardesk."""
    from jobs import services
    from jobs.runs import schedules
    from jobs.scheduled import JOBS
    from receivables.timetable import parse

    folder = services.desk_folder()
    timetables = {name: parse(phrase) for name, phrase in schedules(settings(obj)).items() if name in JOBS}
    found = services.definitions(platform, folder, services.executable(platform), timetables)
    if out_dir is None:
        click.echo(found[0].text, nl=False)
        return
    for path in services.write(found, Path(out_dir)):
        click.echo(f"wrote {path}")


COMMANDS = (jobs,)
