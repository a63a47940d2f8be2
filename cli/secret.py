"""``ardesk secret set|forget odoo|smtp``: the Odoo or mail server password in the OS keyring (see
:mod:`receivables.secrets`), for the panel's buttons, which do not see a shell's environment variables."""
from __future__ import annotations

import click

from .common import pass_obj, settings

KINDS = ("odoo", "smtp")


def _section(obj, kind: str):
    from receivables.errors import ConfigError

    cfg = settings(obj).config
    section = cfg.odoo if kind == "odoo" else cfg.smtp
    where = ("url", "db") if kind == "odoo" else ("host",)
    missing = [k for k in ("user", *where) if not getattr(section, k)]
    if missing:
        raise ConfigError(f"[{kind}] {', '.join(missing)} not set: the password is kept for that user and server",
                          hint=f"set [{kind}] {' and '.join(missing)} in ardesk.toml first")
    return section


@click.group()
def secret():
    """The Odoo or mail server password in the operating system's keyring (never in a file)."""


@secret.command("set")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from the first line of stdin "
              "(for scripts) instead of asking.")
@pass_obj
def set_(obj, kind, from_stdin):
    """Keep the password of [odoo] user (or [smtp] user) in the OS keyring; asked for without echo."""
    from receivables import secrets

    section = _section(obj, kind)
    if from_stdin:
        value = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        value = click.prompt(f"Password for {section.keyring_account()}", hide_input=True,
                             confirmation_prompt=True)
    if not value:
        raise click.UsageError("an empty password is not kept")
    backend = secrets.store(section.keyring_account(), value)
    click.echo(f"kept for {section.keyring_account()} in {backend}")


@secret.command("forget")
@click.argument("kind", type=click.Choice(KINDS))
@pass_obj
def forget(obj, kind):
    """Remove the password of [odoo] user (or [smtp] user) from the OS keyring."""
    from receivables import secrets

    section = _section(obj, kind)
    gone = secrets.delete(section.keyring_account())
    click.echo(f"forgotten: {section.keyring_account()}" if gone else f"none kept for {section.keyring_account()}")


COMMANDS = (secret,)
