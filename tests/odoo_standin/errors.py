"""The RPC errors the stand-in answers with, worded per Odoo version as seen on real 17.0 and 19.0 servers."""

from __future__ import annotations

import traceback

from .schema import major

EXCEPTION_CLASSES = {
    "odoo.exceptions.AccessDenied": "AccessDenied",
    "odoo.exceptions.AccessError": "AccessError",
    "odoo.exceptions.UserError": "UserError",
    "odoo.exceptions.MissingError": "MissingError",
    "odoo.exceptions.ValidationError": "ValidationError",
    "builtins.ValueError": "ValueError",
    "builtins.AttributeError": "AttributeError",
    "builtins.TypeError": "TypeError",
    "psycopg2.OperationalError": "OperationalError",
    "builtins.KeyError": "KeyError",
}
# HTTP status of the same error on Odoo 19's /json/2 (the JSON-RPC route always answers 200)
JSON2_STATUS = {
    "odoo.exceptions.AccessDenied": 401,
    "odoo.exceptions.AccessError": 403,
    "odoo.exceptions.MissingError": 404,
    "odoo.exceptions.UserError": 422,
    "odoo.exceptions.ValidationError": 422,
    "builtins.ValueError": 422,
    "builtins.TypeError": 422,
    "builtins.AttributeError": 404,
}


class RpcFault(Exception):
    """An error the server reports to the client (not a failure of the stand-in itself)."""

    def __init__(self, name: str, message: str, arguments=None):
        super().__init__(message)
        self.name = name
        self.message = message
        self.arguments = list(arguments) if arguments is not None else [message]

    def data(self) -> dict:
        cls = EXCEPTION_CLASSES.get(self.name, self.name.rsplit(".", 1)[-1])
        debug = (
            'Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 1770, in '
            f"_serve_db\n    return service_model.retrying(self._serve_ir_http, self.env)\n{cls}: "
            f"{self.message}\n"
        )
        return {
            "name": self.name,
            "debug": debug,
            "message": self.message,
            "arguments": self.arguments,
            "context": {},
        }

    def envelope(self, version: str) -> dict:
        return {
            "code": 0 if major(version) >= 19 else 200,
            "message": "Odoo Server Error",
            "data": self.data(),
        }


def access_denied() -> RpcFault:
    return RpcFault("odoo.exceptions.AccessDenied", "Access Denied")


def private_method(version: str, model: str, method: str) -> RpcFault:
    if major(version) >= 19:
        text = f"Private methods (such as '{model}.{method}') cannot be called remotely."
    else:
        text = f"Private methods (such as {method}) cannot be called remotely."
    return RpcFault("odoo.exceptions.AccessError", text)


def unknown_model(model: str) -> RpcFault:
    return RpcFault("odoo.exceptions.UserError", f"Object {model} doesn't exist")


def unknown_method(version: str, model: str, method: str) -> RpcFault:
    if major(version) >= 19:
        text = f"The method '{model}.{method}' does not exist"
    else:
        text = f"The method '{method}' does not exist on the model '{model}'"
    return RpcFault("builtins.AttributeError", text)


def invalid_field_in_leaf(store, model: str, name: str, leaf) -> RpcFault:
    word = "condition" if store.major >= 19 else "leaf"
    return RpcFault("builtins.ValueError", f"Invalid field {model}.{name} in {word} {tuple(leaf)!r}")


def invalid_field(store, model: str, name: str) -> RpcFault:
    if store.major >= 19:
        return RpcFault("builtins.ValueError", f"Invalid field {name!r} on {model!r}")
    return RpcFault("builtins.ValueError", f"Invalid field {name!r} on model {model!r}")


def rpc_value_error(message: str) -> RpcFault:
    return RpcFault("builtins.ValueError", message)


def rpc_type_error(message: str) -> RpcFault:
    return RpcFault("builtins.TypeError", message)


def unknown_database(db: str) -> RpcFault:
    return RpcFault(
        "psycopg2.OperationalError",
        'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
        f'FATAL:  database "{db}" does not exist\n',
    )


def expected_singleton(model: str, ids) -> RpcFault:
    return RpcFault("builtins.ValueError", f"Expected singleton: {model}{tuple(ids)!r}")


def injected() -> RpcFault:
    """The error the ``rpc_error_at`` fault answers with (a serialization failure, which Odoo retries)."""
    return RpcFault(
        "psycopg2.errors.SerializationFailure", "could not serialize access due to concurrent update"
    )


def internal(exc: BaseException) -> RpcFault:
    """A bug in the stand-in, reported like an Odoo server bug rather than a dropped request."""
    fault = RpcFault(f"builtins.{type(exc).__name__}", str(exc) or type(exc).__name__)
    fault.debug_text = "".join(traceback.format_exception(exc))
    return fault
