"""The Odoo connector: open receivables, invoice history, payments and allocations over JSON-RPC (odoorpc).

Public API:

- :func:`pull` reads one company's receivables into :class:`~receivables.records.Books` and returns the state for
  the next, incremental, pull.
- :func:`server_version` asks a server which Odoo it runs.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from connectors import collector_paused
from receivables.config import OdooConfig
from receivables.errors import ConfigError
from receivables.records import Books

from .client import OdooClient, parse_url
from .pull import STATE_FORMAT, Puller, cutoff_of
from .sync import full_pull, incremental_pull
from .versions import PROFILES, Profile, profile_for

__all__ = ["PROFILES", "OdooClient", "Profile", "cutoff_of", "profile_for", "pull", "server_version"]


def _reusable(config: OdooConfig, previous: Books | None, state: dict | None, months: int, today: date) -> bool:
    """An incremental pull is possible when the previous pull was of the same server, database, user, company and
    history window, on or before ``today`` (the window only moves forward)."""
    if previous is None or not isinstance(state, dict):
        return False
    try:
        return (state.get("format") == STATE_FORMAT and state.get("connector") == "odoo"
                and state.get("url") == config.url and state.get("db") == config.db
                and state.get("user") == config.user and state.get("company") == config.company
                and state.get("months") == months and bool(state.get("version")) and bool(state.get("uid"))
                and isinstance(state.get("line_ids"), list) and isinstance(state.get("kinds"), dict)
                and state.get("company_id") is not None
                and date.fromisoformat(str(state.get("pulled_on"))) <= today)
    except (AttributeError, ValueError):
        return False


def pull(config: OdooConfig, *, password: str, today: date, previous: Books | None = None,
         state: dict | None = None, months: int = 24,
         progress: Callable[[int, int], None] | None = None) -> tuple[Books, dict[str, Any]]:
    """Pull one company's receivables as they stand on ``today`` (the server's date of the pull).

    With ``previous`` books and their ``state`` from an earlier pull of the same server, database, user, company
    and ``months``, only what changed is read; the result equals a full pull's. ``progress(done, total)`` is called
    as journal items are read. The returned state is JSON-serialisable, holds no secret, and records the server
    version, the company and ``round_trips`` (the number of HTTP requests the pull made).

    Raises :class:`~receivables.errors.AuthError` (login or access refused), :class:`~receivables.errors.RemoteError`
    (server unreachable, unknown database, unexpected answer) or :class:`~receivables.errors.ConfigError`; on any
    failure nothing is returned, so the caller stores nothing.
    """
    if not config.url or not config.db or not config.user:
        raise ConfigError("[odoo] needs url, db and user", hint="set them in ardesk.toml")
    parse_url(config.url)                       # a URL that cannot be right fails here, before any connection
    if not password:
        raise ConfigError("no Odoo password", hint="set ARDESK_ODOO_PASSWORD")
    if months < 1:
        raise ConfigError(f"the history window must be at least one month, got {months}")
    incremental = _reusable(config, previous, state, months, today)
    client = OdooClient(config.url, config.db, config.user, password, timeout=config.timeout,
                        retries=config.retries, backoff=config.backoff,
                        version=state["version"] if incremental else None,
                        uid=int(state["uid"]) if incremental else None)
    puller = Puller(client, config, today, months, progress)
    with collector_paused():
        if incremental:
            return incremental_pull(puller, previous, state)
        return full_pull(puller)


def server_version(url: str, *, timeout: float = 30.0, retries: int = 2, backoff: float = 0.5) -> str:
    """The ``server_version`` an Odoo server at ``url`` reports (``"17.0"``, ``"saas~17.4"``...)."""
    client = OdooClient(url, "", "", "", timeout=timeout, retries=retries, backoff=backoff)
    return client.connect()
