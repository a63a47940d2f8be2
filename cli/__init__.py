"""The ``ardesk`` command line: a front over the jobs in :mod:`jobs`, like the workbook's buttons.

Every command is registered on the group here, in one place; the commands' modules (:mod:`cli.reports`,
:mod:`cli.desk`) never import this one. Inputs (dates, bucket edges, choices) are typed and checked while the
command line is parsed, before a configuration is read or a source opened. Errors of the
:class:`~receivables.errors.ArdeskError` family become one line on stderr and exit status 2 (bad input) or 1 (a
remote system failed); nothing else is caught, so a bug still shows its traceback.
"""
from __future__ import annotations

import logging
import sys

import click

from receivables.errors import ArdeskError

from . import desk, jobs, notes, plan, privacy, remind, reports, secret, worklist


class _Group(click.Group):
    """The ``ardesk`` group: every failure a user can cause is one line on stderr and an exit status."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArdeskError as exc:
            click.echo(f"ardesk: {exc}", err=True)
            ctx.exit(exc.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:       # a bad option or argument: one line and where to read more
            where = exc.ctx.command_path if exc.ctx else (prog_name or "ardesk")
            click.echo(f"ardesk: {exc.format_message()} (see `{where} --help`)", err=True)
            code = exc.exit_code
        except click.ClickException as exc:
            click.echo(f"ardesk: {exc.format_message()}", err=True)
            code = exc.exit_code
        except click.Abort:
            click.echo("ardesk: stopped", err=True)
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _global_option(name: str, key: str, help_text: str, *, flag: bool = False) -> click.Option:
    """``--config`` / ``--ledger`` / ``--quiet`` after a subcommand as well as before it."""

    def remember(ctx: click.Context, _param, value):
        if value:
            ctx.find_object(dict)[key] = value

    if flag:
        return click.Option([name], is_flag=True, expose_value=False, callback=remember, help=help_text)
    return click.Option([name], metavar="FILE", expose_value=False, callback=remember, help=help_text)


def _with_global_options(command: click.Command) -> None:
    command.params.append(_global_option("--config", "config_path", "ardesk.toml to use (as before the command)."))
    command.params.append(_global_option("--ledger", "ledger_path", "The ledger file (as before the command)."))
    command.params.append(_global_option("--quiet", "quiet", "No progress bar (as before the command).", flag=True))
    for sub in getattr(command, "commands", {}).values():
        _with_global_options(sub)


@click.group(cls=_Group, name="ardesk")
@click.option("--config", "config_path", metavar="FILE", help="ardesk.toml to use (default: beside the workbook, "
              "else in the current folder).")
@click.option("--ledger", "ledger_path", metavar="FILE", help="The ledger file (default: from the config, "
              "else ardesk.db in the current folder).")
@click.option("--quiet", is_flag=True, help="No progress bar on the terminal (there is none when stderr is not one).")
@click.version_option(package_name="ardesk")
@click.pass_context
def cli(ctx, config_path, ledger_path, quiet):
    """ardesk: the accounts-receivable collections desk that lives in Excel.

    SOURCE is a QuickBooks export file or a folder of them, `odoo` (the [odoo] section of ardesk.toml) or
    `ledger` (the latest stored snapshot).
    """
    ctx.obj = {"config_path": config_path, "ledger_path": ledger_path, "quiet": quiet}
    say_on_stderr()


for _command in (*reports.COMMANDS, *desk.COMMANDS, *notes.COMMANDS, *remind.COMMANDS,
                 *plan.COMMANDS, *secret.COMMANDS, *worklist.COMMANDS, *jobs.COMMANDS, *privacy.COMMANDS):
    _with_global_options(_command)
    cli.add_command(_command)


class _SayOnStderr(logging.Handler):
    """What the desk says while it works (``logging`` under ``ardesk``: waiting for the ledger, retrying a server
    that does not answer) as ``ardesk: ...`` lines on whatever stderr is now; the report on stdout stays clean."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"ardesk: {record.getMessage()}", err=True)


def say_on_stderr() -> None:
    log = logging.getLogger("ardesk")
    if not any(isinstance(h, _SayOnStderr) for h in log.handlers):
        log.addHandler(_SayOnStderr(logging.INFO))
        log.setLevel(logging.INFO)
        log.propagate = False


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="ardesk")


__all__ = ["cli", "main"]
