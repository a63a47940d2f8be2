"""The HTTP side of the stand-in: Odoo's JSON-RPC routes, 19.0's /json/2, fault injection, and :class:`StandIn`.

Routes: ``/web/webclient/version_info``, ``/jsonrpc`` (services ``common``, ``object``, ``db``) and, on 19.0,
``/json/2/<model>/<method>``. Errors keep Odoo's shapes: JSON-RPC errors with HTTP 200, an HTML 404 for an unknown
route, HTTP 400 "Invalid JSON data" for a body that is not JSON.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self

from . import business as biz
from . import errors, orm
from .generator import generate
from .schema import ADDONS, MODELS, major
from .store import Store

LOGIN = "admin"
PASSWORD = "admin"
UID = 2
RECORD_METHODS = {
    "read",
    "write",
    "unlink",
    "exists",
    "name_get",
    "message_post",
    "get_portal_url",
    "get_base_url",
    "action_post",
    "button_draft",
    "button_cancel",
}
NOT_FOUND_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The "
    "requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again.</p>\n"
)
BAD_JSON_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n"
    "<p>Invalid JSON data</p>\n"
)
ERROR_500_HTML = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server "
    "Error</h1>\n<p>The server encountered an internal error and was unable to complete your "
    "request.</p>\n"
)


CALL_FAULTS = ("http_500_at", "rpc_error_at", "drop_at", "lost_reply_at")


def _calls(spec) -> frozenset[int]:
    if spec is None or spec is False:
        return frozenset()
    if isinstance(spec, int):
        return frozenset({spec})
    return frozenset(int(n) for n in spec)


@dataclass(frozen=True)
class Faults:
    """Faults to inject. Call numbers count HTTP requests from the moment the faults were set, starting at 1.

    ``latency``: seconds added to every request; ``http_500_at``: answer HTTP 500 (HTML) without running the
    call; ``rpc_error_at``: answer a JSON-RPC error (``psycopg2.errors.SerializationFailure``) without running the
    call; ``drop_at``: close the connection without answering, before the request is processed (nothing
    changes); ``lost_reply_at``: process the request (its changes are made and kept, as once Odoo committed) and
    then close the connection without answering, as when the reply is lost on its way back: the client cannot
    tell it from ``drop_at``, which is why a retried write must first look for what the lost try left;
    ``password``: the server's password differs from what clients were told (``admin``).
    Each ``*_at`` takes one call number or several.

    ``refuse``: a mapping ``"model.method"`` (``"account.move.line.write"``, ``"account.move.message_post"``) ->
    message: every such call, over /jsonrpc or /json/2, answers Odoo's ``odoo.exceptions.AccessError`` with that
    message instead of running (an empty message or ``True`` gives Odoo's own wording for the operation, e.g.
    "You are not allowed to modify 'Journal Item' (account.move.line) records."), as for a user who lacks that
    access right. Refused calls reached the server: they count in ``StandIn.calls``. A method that checks a right
    itself sees the refusal too: with ``"ardesk.collection.note.create"`` refused, the add-on's ``ardesk_push_notes``
    answers that AccessError (its ``check_create``); with ``"ardesk.collection.note.write"`` refused, each note it
    would create or update is refused (see :mod:`.addons`).
    """

    latency: float = 0.0
    http_500_at: frozenset[int] = field(default_factory=frozenset)
    rpc_error_at: frozenset[int] = field(default_factory=frozenset)
    drop_at: frozenset[int] = field(default_factory=frozenset)
    lost_reply_at: frozenset[int] = field(default_factory=frozenset)
    password: str | None = None
    refuse: Mapping[str, str | bool] = field(default_factory=dict)

    @classmethod
    def of(cls, spec) -> Faults:
        if spec is None:
            return cls()
        if isinstance(spec, Faults):
            return spec
        spec = dict(spec)
        for key in CALL_FAULTS:
            spec[key] = _calls(spec.get(key))
        spec["refuse"] = dict(spec.get("refuse") or {})
        return cls(**spec)


class StandIn:
    """A running stand-in server with its data. Use as a context manager, or call :meth:`close`.

    ``addons``: the add-ons installed in its database besides Odoo's own, from :data:`.schema.ADDONS`
    (``("ardesk_collections",)``: the ardesk_collections add-on's model, fields, groups and RPC method, see
    :mod:`.addons`); by default none, and their models do not exist (``Object ... doesn't exist``).
    The user's current company (``env.company``) is the admin user's ``company_id`` (company 1 unless written), or
    the first of the context's ``allowed_company_ids``.
    """

    def __init__(
        self,
        version: str = "17.0",
        seed="demo",
        size: int | None = None,
        faults=None,
        port: int = 0,
        host: str = "127.0.0.1",
        db: str = "demo",
        addons=(),
    ):
        if version not in {"14.0", "15.0", "16.0", "17.0", "18.0", "19.0"}:
            raise ValueError(f"unsupported Odoo version {version!r}")
        addons = (addons,) if isinstance(addons, str) else tuple(addons or ())
        for name in addons:
            if name not in ADDONS:
                raise ValueError(f"unknown add-on {name!r} (the stand-in serves {', '.join(ADDONS)})")
        self.version = version
        self.addons = addons
        self.db = db
        self.login = LOGIN
        self.password = PASSWORD
        self.api_key = f"standin-{major(version)}-0123456789abcdef0123456789abcdef"
        self.store = Store(version, addons=addons)
        generate(self.store, seed, size)
        self.warm()
        self.calls: Counter = Counter()
        self.requests = 0
        self._fault_base = 0
        self._faults = Faults.of(faults)
        self._counter_lock = threading.Lock()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.standin = self
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.store.base_url = self.url     # web.base.url: set by Odoo from the address its first login came to
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="odoo-standin", daemon=True)
        self._thread.start()

    def warm(self) -> None:
        """Build the indexes of the common receivable-line query now rather than on the first request."""
        from .domain import _index

        fields = self.store.fields["account.move.line"]
        with self.store.lock:
            for name in ("account_id", "parent_state", "reconciled", "partner_id", "company_id"):
                _index(self.store, "account.move.line", name, fields[name])

    # -- faults ----------------------------------------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, spec) -> None:
        with self._counter_lock:
            self._faults = Faults.of(spec)
            self._fault_base = self.requests

    def set_faults(self, **spec) -> None:
        """Change faults: latency, password and refuse are kept unless given; call-numbered faults are replaced
        (those not given are cleared), and call numbers count from now."""
        for key in CALL_FAULTS:
            spec[key] = _calls(spec.get(key))
        if "refuse" in spec:
            spec["refuse"] = dict(spec["refuse"] or {})
        self.faults = replace(self._faults, **spec)

    def _next_request(self) -> tuple[int, Faults]:
        with self._counter_lock:
            self.requests += 1
            return self.requests - self._fault_base, self._faults

    # -- the books, changed as a user of the ERP would -----------------------------------------------------
    def add_invoice(self, partner_id: int, amount, invoice_date, due_dates=None, **kw) -> int:
        with self.store.lock:
            return biz.add_invoice(self.store, partner_id, amount, invoice_date, due_dates, **kw)

    def pay(self, invoice_id: int, amount, day, **kw) -> int:
        with self.store.lock:
            return biz.pay(self.store, invoice_id, amount, day, **kw)

    def cancel(self, move_id: int) -> None:
        with self.store.lock:
            biz.cancel(self.store, move_id)

    def delete(self, move_id: int) -> None:
        with self.store.lock:
            biz.delete(self.store, move_id)

    def call(self, model: str, method: str, *args, **kwargs):
        """Run a model method in-process, as an RPC client would (for test setup and checks; no fault applies)."""
        with self.store.lock:
            self.store.refused = {}
            return orm.call(self.store, model, method, list(args), kwargs)

    # -- lifecycle ------------------------------------------------------------------------------------------
    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def version_info(self) -> dict:
        m = major(self.version)
        return {
            "server_version": self.version,
            "server_version_info": [m, 0, 0, "final", 0, ""],
            "server_serie": self.version,
            "protocol_version": 1,
        }

    # -- JSON-RPC services ------------------------------------------------------------------------------------
    def check_db(self, db) -> None:
        if db != self.db:
            raise errors.unknown_database(db)

    def authenticate(self, db, login, password) -> int | bool:
        self.check_db(db)
        expected = self._faults.password or self.password
        return UID if login == self.login and password in (expected, self.api_key) else False

    def rpc(self, service: str, method: str, args: list):
        self.calls[method if service != "object" else _object_method(method, args)] += 1
        if service == "common":
            if method == "version":
                return self.version_info()
            if method in ("login", "authenticate"):
                if len(args) < 3:
                    raise errors.rpc_type_error(f"{method}() missing required positional arguments")
                return self.authenticate(*args[:3])
            raise errors.RpcFault("builtins.AttributeError", f"Method not found: {method}")
        if service == "db":
            if method == "list":
                return [self.db]
            if method == "server_version":
                return self.version
            raise errors.RpcFault("builtins.KeyError", f"Method not found: {method}")
        if service == "object":
            if method not in ("execute", "execute_kw") or len(args) < 5:
                raise errors.RpcFault("builtins.NameError", f"Method not available {method}")
            db, uid, password, model, name = args[:5]
            self.check_db(db)
            expected = self._faults.password or self.password
            if uid != UID or password not in (expected, self.api_key):
                raise errors.access_denied()
            if method == "execute":
                call_args, call_kwargs = list(args[5:]), {}
            else:
                call_args = list(args[5]) if len(args) > 5 and args[5] else []
                call_kwargs = dict(args[6]) if len(args) > 6 and args[6] else {}
            return self.model_call(model, name, call_args, call_kwargs)
        raise errors.RpcFault("builtins.Exception", f"No such service {service!r}")

    def model_call(self, model: str, method: str, args: list, kwargs: dict):
        if not isinstance(method, str) or method.startswith("_"):
            raise errors.private_method(self.version, model, str(method))
        if model not in MODELS or model not in self.store.tables:
            raise errors.unknown_model(model)
        refused = self._faults.refuse
        if f"{model}.{method}" in refused:
            raise errors.access_refused(model, method, refused[f"{model}.{method}"])
        with self.store.lock:
            self.store.refused = dict(refused)  # what the method itself may not do (e.g. create the records it makes)
            return orm.call(self.store, model, method, args, kwargs)

    def json2(self, model: str, method: str, headers, body: dict):
        auth = headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        expected_keys = {self.api_key}
        if scheme.lower() != "bearer" or key.strip() not in expected_keys:
            raise _Unauthorized()
        db = headers.get("X-Odoo-Database")
        if db is not None:
            self.check_db(db)
        self.calls[method] += 1
        params = dict(body)
        ids = params.pop("ids", [])
        params.pop("context", None)
        args = [ids] if method in RECORD_METHODS else []
        return self.model_call(model, method, args, params)


def _object_method(method: str, args: list) -> str:
    return str(args[4]) if len(args) > 4 else method


class _Server(ThreadingHTTPServer):
    """The HTTP server, quiet when a client goes away (a timeout, a dropped connection), as Odoo's is."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class _Unauthorized(Exception):
    body: ClassVar[dict] = {
        "name": "werkzeug.exceptions.Unauthorized",
        "message": "Invalid apikey",
        "arguments": ["Invalid apikey", 401],
        "context": {},
        "debug": "Traceback (most recent call last):\nwerkzeug.exceptions.Unauthorized: 401 Unauthorized: "
        "Invalid apikey\n",
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.11"
    protocol_version = "HTTP/1.0"
    lose_reply = False  # set per request by the lost_reply_at fault: the answer is computed, then never sent

    def log_message(self, *args) -> None:  # quiet: tests read the counters instead
        pass

    @property
    def standin(self) -> StandIn:
        return self.server.standin

    def do_GET(self) -> None:
        self._answer(404, NOT_FOUND_HTML, "text/html; charset=utf-8")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        n, faults = self.standin._next_request()
        self.lose_reply = n in faults.lost_reply_at
        if faults.latency:
            time.sleep(faults.latency)
        if n in faults.drop_at:
            return self._hang_up()
        if n in faults.http_500_at:
            return self._answer(500, ERROR_500_HTML, "text/html; charset=utf-8")
        path = self.path.split("?", 1)[0]
        json2 = path.startswith("/json/2/") and major(self.standin.version) >= 19
        if path not in ("/jsonrpc", "/web/webclient/version_info") and not json2:
            return self._answer(404, NOT_FOUND_HTML, "text/html; charset=utf-8")
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except (ValueError, UnicodeDecodeError):
            return self._answer(400, BAD_JSON_HTML, "text/html; charset=utf-8")
        if json2:
            return self._json2(path, body, n in faults.rpc_error_at)
        if not isinstance(body, dict):
            return self._answer(400, BAD_JSON_HTML, "text/html; charset=utf-8")
        rid = body.get("id")
        params = body.get("params") or {}
        try:
            if n in faults.rpc_error_at:
                raise errors.injected()
            if path == "/web/webclient/version_info":
                self.standin.calls["version_info"] += 1
                result = self.standin.version_info()
            else:
                result = self.standin.rpc(
                    params.get("service"), params.get("method"), list(params.get("args") or [])
                )
            reply = {"jsonrpc": "2.0", "id": rid, "result": result}
        except errors.RpcFault as fault:
            reply = {"jsonrpc": "2.0", "id": rid, "error": fault.envelope(self.standin.version)}
        except Exception as exc:  # noqa: BLE001 - any failure is answered like an Odoo server error
            reply = {
                "jsonrpc": "2.0",
                "id": rid,
                "error": errors.internal(exc).envelope(self.standin.version),
            }
        self._answer(200, json.dumps(reply), "application/json")

    def _json2(self, path: str, body, inject: bool) -> None:
        parts = path[len("/json/2/") :].strip("/").split("/")
        if len(parts) != 2:
            return self._answer(404, NOT_FOUND_HTML, "text/html; charset=utf-8")
        try:
            if inject:
                raise errors.injected()
            if not isinstance(body, dict):
                raise errors.rpc_type_error("the body must be a JSON object of named arguments")
            result = self.standin.json2(parts[0], parts[1], self.headers, body)
            return self._answer(200, json.dumps(result), "application/json; charset=utf-8")
        except _Unauthorized as exc:
            return self._answer(401, json.dumps(exc.body), "application/json; charset=utf-8")
        except errors.RpcFault as fault:
            status = errors.JSON2_STATUS.get(fault.name, 500)
            return self._answer(status, json.dumps(fault.data()), "application/json; charset=utf-8")
        except Exception as exc:  # noqa: BLE001 - any failure is answered like an Odoo server error
            return self._answer(
                500, json.dumps(errors.internal(exc).data()), "application/json; charset=utf-8"
            )

    def _hang_up(self) -> None:
        """Close the connection without a word: the client sees the server go away (no status line, no body)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _answer(self, status: int, text: str, ctype: str) -> None:
        if self.lose_reply:  # the request was processed in full; only its answer goes missing
            return self._hang_up()
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def start_standin(version: str = "17.0", seed="demo", size: int | None = None, faults=None, **kw) -> StandIn:
    """Start a stand-in Odoo ``version`` on a free loopback port with books from ``seed``/``size``."""
    return StandIn(version=version, seed=seed, size=size, faults=faults, **kw)


__all__ = ["Faults", "StandIn", "start_standin"]
