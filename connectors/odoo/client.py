"""One connection to an Odoo server over JSON-RPC (odoorpc): retries, round-trip counting, error translation.

Every request goes through :meth:`OdooClient.call` or :meth:`OdooClient.rpc`, so transient failures (HTTP 5xx,
a dropped connection, a timeout) are retried with exponential backoff in one place, every round trip is counted,
and every failure leaves as an :class:`~receivables.errors.ArdeskError` with one line saying what to do. Reads
are retried, as repeating one is safe; a change (a note posted, a flag set) goes through :meth:`OdooClient.attempt`,
tried once, and the caller looks up whether it was done before trying again.

The password stays in this object for the life of the connection; it is never logged nor put in any state.
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.error
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import odoorpc
import odoorpc.error

from receivables.errors import ArdeskError, AuthError, ConfigError, RemoteError


def _no_wire_records(record: logging.LogRecord) -> bool:
    """odoorpc logs whole requests at DEBUG level, and ``execute_kw`` carries the password in its arguments."""
    return record.levelno > logging.DEBUG


logging.getLogger("odoorpc.rpc.jsonrpclib").addFilter(_no_wire_records)
log = logging.getLogger("ardesk.odoo")
PASSWORD_ENV = "ARDESK_ODOO_PASSWORD"         # where the password comes from (receivables.config reads it)

_TRANSIENT = (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError,
              json.JSONDecodeError)


_USERINFO = re.compile(r"^(\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#@]*@")
_LABEL = re.compile(r"(?!-)[^\W_]([\w-]{0,61}[^\W_])?", re.UNICODE)
_URL_EXAMPLE = "an address such as https://erp.example.com or http://10.0.0.5:8069"


def masked(url: str) -> str:
    """``url`` with any user name and password in it replaced by ``***`` (``https://***@erp.example.com``): the
    only form in which a URL from the configuration is ever echoed."""
    return _USERINFO.sub(lambda m: (m.group(1) or "") + "***@", url, count=1)


def parse_url(url: str) -> tuple[str, str, int]:
    """``(host, odoorpc protocol, port)`` of an Odoo URL such as ``https://erp.example.com`` or ``http://h:8069``.

    Checked before any connection: the scheme must be ``http`` or ``https`` and be written, the host a host name or
    an IP address, with no path, query, user name or password. Anything else is a
    :class:`~receivables.errors.ConfigError` naming ``[odoo] url``, which echoes the URL with any credentials
    masked."""
    text = url.strip()
    shown = masked(text)
    if _USERINFO.match(text):
        raise ConfigError(f"[odoo] url must not hold a user name or password, got {shown!r}",
                          hint=f"write the server's address alone; put the user in [odoo] user and the password in "
                               f"{PASSWORD_ENV}")
    parts = urlsplit(text)
    if (parts.scheme.lower() not in ("http", "https") or not text.lower().startswith(("http://", "https://"))
            or any(c.isspace() or not c.isprintable() for c in text)):
        raise ConfigError(f"[odoo] url must look like https://erp.example.com, got {shown!r}",
                          hint=f"write {_URL_EXAMPLE}, starting with https:// or http://")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ConfigError(f"[odoo] url has a bad port: {shown!r}", hint=f"write {_URL_EXAMPLE}") from None
    if not host or not _is_host(host):
        raise ConfigError(f"[odoo] url must look like https://erp.example.com, got {shown!r}: "
                          f"{'no host' if not host else repr(host) + ' is not a host name'}",
                          hint=f"write {_URL_EXAMPLE}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(f"[odoo] url must be the server's root, without a path, got {shown!r}",
                          hint=f"write {_URL_EXAMPLE}")
    ssl = parts.scheme.lower() == "https"
    return host, "jsonrpc+ssl" if ssl else "jsonrpc", port or (443 if ssl else 80)


def _is_host(host: str) -> bool:
    """Whether ``host`` (as :func:`urllib.parse.urlsplit` gives it, lower case, IPv6 without brackets) is an IP
    address or a host name of dot-separated labels of letters, digits and hyphens."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _error_name(exc: odoorpc.error.RPCError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    data = info.get("data") if isinstance(info.get("data"), dict) else {}
    return str(data.get("name") or "")


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500
    return isinstance(exc, _TRANSIENT)


class Refused(Exception):
    """Odoo answered a change with an error: ``reason`` in the server's words, ``name`` its exception class."""

    def __init__(self, reason: str, name: str = ""):
        super().__init__(reason)
        self.reason, self.name = reason, name


class Lost(Exception):
    """A change whose answer never came: Odoo may or may not have made it."""


class OdooClient:
    """An authenticated JSON-RPC session with one database, for reading receivables.

    ``version`` and ``uid`` may come from a previous pull's state: then neither the version probe nor the login
    costs a round trip, and a wrong password still fails clearly on the first call.
    """

    def __init__(self, url: str, db: str, user: str, password: str, *, timeout: float = 120.0,
                 retries: int = 4, backoff: float = 0.5, version: str | None = None, uid: int | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.url, self.db, self.user = url, db, user
        self._password = password
        self.host, self.protocol, self.port = parse_url(url)
        self.timeout, self.retries, self.backoff = timeout, max(0, retries), backoff
        self.version = version
        self.uid = uid
        self.round_trips = 0
        self._sleep = sleep
        self._odoo: odoorpc.ODOO | None = None

    # -- transport ----------------------------------------------------------------------------------------------

    def _with_retries(self, what: str, fn: Callable[[], Any], *, trips: int = 1) -> Any:
        delay = self.backoff
        for attempt in range(self.retries + 1):
            self.round_trips += trips
            try:
                return fn()
            except odoorpc.error.RPCError as exc:
                raise self._translate(exc, what) from None
            except (KeyError, TypeError, AttributeError):
                raise RemoteError(f"{self.url} gave an answer to {what} that is not Odoo's JSON-RPC",
                                  hint="check [odoo] url") from None
            except Exception as exc:
                if isinstance(exc, ArdeskError):
                    raise
                if isinstance(exc, urllib.error.HTTPError) and exc.code < 500:
                    raise RemoteError(f"{self.url} answered HTTP {exc.code} to {what}",
                                      hint="check [odoo] url: it must be the Odoo server's address") from None
                if not _is_transient(exc) or attempt == self.retries:
                    raise self._unreachable(exc, attempt + 1) from None
                log.warning("Odoo at %s does not answer; retrying in %s s (attempt %d of %d)", self.url,
                            f"{delay:g}", attempt + 2, self.retries + 1)
                self._sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, exc: BaseException, attempts: int) -> RemoteError:
        reason = getattr(exc, "reason", None) or exc
        text = str(reason) or type(exc).__name__
        if isinstance(exc, urllib.error.HTTPError):
            text = f"HTTP {exc.code}"
        return RemoteError(f"cannot reach the Odoo server at {self.url} ({text}) after {attempts} attempt(s)",
                           hint="check [odoo] url and the network, then try again")

    def connect(self) -> str:
        """Open the client (probing ``version_info`` unless the version is known) and return the version."""
        if self._odoo is None:
            known = self.version

            def make() -> odoorpc.ODOO:
                return odoorpc.ODOO(self.host, protocol=self.protocol, port=self.port, timeout=self.timeout,
                                    version=known)

            self._odoo = self._with_retries("the version probe", make, trips=0 if known else 1)
            self.version = self._odoo.version
            if not self.version:
                raise RemoteError(f"{self.url} does not look like an Odoo server (no server_version)")
        return self.version

    def rpc(self, service: str, method: str, args: list, what: str | None = None) -> Any:
        """One ``/jsonrpc`` call to ``service.method`` with retries."""
        self.connect()
        params = {"service": service, "method": method, "args": args}
        return self._with_retries(what or f"{service}.{method}",
                                  lambda: self._odoo.json("/jsonrpc", params).get("result"))

    def login(self) -> int:
        """Authenticate (``common.login``; an API key works as the password) and return the user id."""
        if self.uid is None:
            uid = self.rpc("common", "login", [self.db, self.user, self._password], "the login")
            if not uid:
                raise self._refused()
            self.uid = int(uid)
        return self.uid

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None) -> Any:
        """``object.execute_kw(model, method, args, kwargs)`` as the logged-in user."""
        uid = self.login()
        return self.rpc("object", "execute_kw",
                        [self.db, uid, self._password, model, method, args, kwargs or {}],
                        f"{model}.{method}")

    def attempt(self, model: str, method: str, args: list, kwargs: dict | None = None) -> Any:
        """One ``execute_kw`` that changes something, tried once: a write repeated after a lost reply could be
        done twice, so the caller looks the result up (a read, retried) before trying again.

        Raises :class:`Refused` with the server's own words when Odoo answers with an error (access rights, a
        locked period, a record gone), :class:`Lost` when the request may or may not have been done (a dropped
        connection, a timeout, HTTP 5xx)."""
        uid = self.login()
        params = {"service": "object", "method": "execute_kw",
                  "args": [self.db, uid, self._password, model, method, args, kwargs or {}]}
        self.round_trips += 1
        try:
            return self._odoo.json("/jsonrpc", params).get("result")
        except odoorpc.error.RPCError as exc:
            name = _error_name(exc)
            if name.endswith("AccessDenied") or name.endswith("SessionExpiredException"):
                raise self._translate(exc, f"{model}.{method}") from None
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else name
            raise Refused(message, name) from None
        except Exception as exc:
            if isinstance(exc, urllib.error.HTTPError) and exc.code < 500:
                raise RemoteError(f"{self.url} answered HTTP {exc.code} to {model}.{method}",
                                  hint="check [odoo] url: it must be the Odoo server's address") from None
            if not _is_transient(exc):
                raise
            reason = getattr(exc, "reason", None) or exc
            raise Lost(f"HTTP {exc.code}" if isinstance(exc, urllib.error.HTTPError)
                       else (str(reason) or type(exc).__name__)) from None

    # -- errors -------------------------------------------------------------------------------------------------

    def _refused(self) -> AuthError:
        return AuthError(f"Odoo refused the login for user {self.user} on database {self.db}: check [odoo] user in "
                         f"ardesk.toml and the password ({PASSWORD_ENV}, or `ardesk secret set odoo`)",
                         hint="Odoo does not say which of the two is wrong; an API key works as the password")

    def _translate(self, exc: odoorpc.error.RPCError, what: str) -> ArdeskError:
        name = _error_name(exc)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else name
        if name.endswith("AccessDenied") or message == "Wrong login ID or password":
            return self._refused()
        if name.endswith("AccessError"):
            model = what.rsplit(".", 1)[0] if "." in what else what
            return AuthError(f"the Odoo user {self.user} may not read {model} ({message})",
                             hint="ask an Odoo administrator for Accounting read access (Billing or Auditor)")
        if "OperationalError" in name and "does not exist" in message:
            return RemoteError(f"no database named {self.db!r} on this server{self._databases()}",
                               source=self.url, hint="check [odoo] db")
        if name.endswith("SessionExpiredException"):
            return AuthError("the Odoo session expired", hint="run the pull again")
        return RemoteError(f"Odoo failed on {what}: {message} ({name or 'no error name'})", source=self.url)

    def _databases(self) -> str:
        try:
            names = self._odoo.json("/jsonrpc", {"service": "db", "method": "list", "args": []}).get("result")
            self.round_trips += 1
        except Exception:  # noqa: BLE001 - listing is a courtesy; servers often forbid it
            return ""
        if isinstance(names, list) and names:
            return " (it has: " + ", ".join(str(n) for n in names) + ")"
        return ""
