"""The RPC errors the stand-in answers with, worded per Odoo version as seen on real 17.0 and 19.0 servers."""

from __future__ import annotations

import traceback

from .schema import MODELS, major

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
    """An error the server reports to the client (not a failure of the stand-in itself). ``integrity``: the database
    refused a row (Odoo's code sees a psycopg2 IntegrityError, which only the RPC layer turns into this error)."""

    def __init__(self, name: str, message: str, arguments=None, integrity: bool = False):
        super().__init__(message)
        self.name = name
        self.message = message
        self.arguments = list(arguments) if arguments is not None else [message]
        self.integrity = integrity

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


def invalid_field_in_values(model: str, name: str) -> RpcFault:
    """An unknown field in the values of ``create``/``write``: BaseModel.create/write word it the same way in every
    version (19 included, where reading an unknown field says "on 'model'" instead)."""
    return RpcFault("builtins.ValueError", f"Invalid field {name!r} on model {model!r}")


def missing_record(model: str, rid) -> RpcFault:
    return RpcFault(
        "odoo.exceptions.MissingError",
        f"Record does not exist or has been deleted.\n(Record: {model}({rid},), User: 2)",
    )


# PostgreSQL refuses a row (a NOT NULL column left empty, a CHECK or FOREIGN KEY constraint) and Odoo's RPC layer
# turns the psycopg2 IntegrityError into a ValidationError before answering: odoo/service/model.py ``check`` in 14-15,
# ``retrying``/``_as_validation_error`` in 16-18, ``BaseModel._sql_error_to_message`` in 19. The client never sees
# psycopg2's own "null value in column ..." text. Texts below are those of each version's source.
_DELETE_14 = "- Delete: another model requires the record being deleted. If possible, archive it instead."


def not_null(store, model: str, field: str) -> RpcFault:
    """A required (NOT NULL) column left empty by a create or write."""
    description, label = MODELS[model].description, store.fields[model][field].string
    if store.major >= 19:
        text = (
            f"The operation cannot be completed: Missing required value for the field '{label}' ({field}).\n"
            f"Model: '{description}' ({model})\n"
            "- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it instead\n"
        )
    elif store.major >= 16:
        text = (
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
            f"{_DELETE_14}\n\nModel: {description} ({model})\nField: {label} ({field})\n"
        )
    else:
        text = (
            "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
            f"{_DELETE_14}\n\nModel: {description} ({model}), Field: {label} ({field})"
        )
    return RpcFault("odoo.exceptions.ValidationError", text, integrity=True)


def sql_constraint(store, message: str) -> RpcFault:
    """A model's own SQL constraint (a UNIQUE or CHECK of its ``_sql_constraints``, 19's ``models.Constraint``)
    refused the row: its message as the model declares it, after Odoo's prefix from 16 on (14-15 give it bare)."""
    if store.major >= 16:
        message = f"The operation cannot be completed: {message}"
    return RpcFault("odoo.exceptions.ValidationError", message, integrity=True)


def check_violation(message: str) -> RpcFault:
    """A model's SQL CHECK constraint refused the row: its own message, after Odoo's prefix (16-19)."""
    return RpcFault("odoo.exceptions.ValidationError", f"The operation cannot be completed: {message}", integrity=True)


def foreign_key(store, model: str, field: str) -> RpcFault:
    """A many2one naming a record that does not exist (PostgreSQL's ``<table>_<column>_fkey``)."""
    description, label = MODELS[model].description, store.fields[model][field].string
    constraint = f"{model.replace('.', '_')}_{field}_fkey"
    if store.major >= 19:
        text = (
            "The operation cannot be completed: Another model is using the record you are trying to delete.\n\n"
            f"The troublemaker is: '{description}' ({model})\n"
            f"Thanks to the following constraint: '{label}' ({field})\n"
            "How about archiving the record instead?"
        )
    elif store.major >= 16:
        text = (
            "The operation cannot be completed: another model requires the record being deleted. If possible, "
            f"archive it instead.\n\nModel: {description} ({model})\nConstraint: {constraint}\n"
        )
    else:
        text = (
            "The operation cannot be completed: another model requires the record being deleted. If possible, "
            f"archive it instead.\n\nModel: {description} ({model}), Constraint: {constraint}"
        )
    return RpcFault("odoo.exceptions.ValidationError", text, integrity=True)


# The operation an access right is checked for, by method (ir.model.access: read, write, create, unlink)
_ACCESS_VERBS = {"create": "create", "unlink": "delete"}
_READS = {"read", "search", "search_read", "search_count", "read_group", "formatted_read_group", "fields_get",
          "name_search", "name_get", "exists", "default_get", "get_portal_url", "get_base_url"}


def access_refused(model: str, method: str, message=None) -> RpcFault:
    """What a user without the access right gets (``ir.model.access._make_access_error``): ``message`` as given, or
    Odoo's own wording for the method's operation, e.g. "You are not allowed to modify 'Journal Item'
    (account.move.line) records."."""
    if not isinstance(message, str) or not message:
        verb = _ACCESS_VERBS.get(method) or ("access" if method in _READS else "modify")
        description = MODELS[model].description if model in MODELS else model
        message = (
            f"You are not allowed to {verb} '{description}' ({model}) records.\n\n"
            "No group currently allows this operation.\n\n"
            "Contact your administrator to request access if necessary."
        )
    return RpcFault("odoo.exceptions.AccessError", message)


def user_error(message: str) -> RpcFault:
    return RpcFault("odoo.exceptions.UserError", message)


def access_error(message: str) -> RpcFault:
    return RpcFault("odoo.exceptions.AccessError", message)


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
