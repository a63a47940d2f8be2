"""Model methods the stand-in answers over RPC: search, read, fields_get, create/write/unlink and friends.

Each method receives the store, the model name and the arguments exactly as they arrived (positional args as a
list, named args as a dict); record methods take the ids first, as Odoo's RPC layer passes them.
"""

from __future__ import annotations

import inspect

from . import (
    addons,  # noqa: F401 - registers the add-ons' methods, defaults, checks and computed fields
    groups,
)
from . import business as biz
from .domain import compile_domain, search_ids
from .errors import (
    invalid_field,
    invalid_field_in_values,
    missing_record,
    not_null,
    rpc_type_error,
    unknown_method,
    unknown_model,
)
from .schema import MODELS
from .specific import DEFAULTS, ROW_CHECKS, SPECIFIC, STORED_COMPUTES, _ids, bare_html, message_post
from .store import CENT, Store


def call(store: Store, model: str, method: str, args: list, kwargs: dict):
    """Run ``model.method(*args, **kwargs)`` as Odoo's ``call_kw`` would; the store lock is held by the caller."""
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None) or {}
    store.context = context if isinstance(context, dict) else {}
    store.active_test = context.get("active_test", True) if isinstance(context, dict) else True
    if model not in store.tables:  # a model of an add-on that is not installed
        raise unknown_model(model)
    fn = _method(store, model, method)
    try:
        inspect.signature(fn).bind(store, model, *args, **kwargs)
    except TypeError as exc:
        raise rpc_type_error(f"{model}.{method}() {exc}") from None
    return fn(store, model, *args, **kwargs)


def _method(store: Store, model: str, method: str):
    specific = SPECIFIC.get((model, method))
    if specific:
        return specific
    if method == "message_post" and MODELS[model].thread:
        return message_post
    if method == "name_get" and store.major >= 17:
        raise unknown_method(store.version, model, method)
    if method == "formatted_read_group" and store.major < 19:
        raise unknown_method(store.version, model, method)
    fn = GENERIC.get(method)
    if fn is None:
        raise unknown_method(store.version, model, method)
    return fn


def check_fields(store: Store, model: str, names) -> list[str]:
    if not names:
        return [n for n in store.fields[model]]
    for name in names:
        if name not in store.fields[model]:
            raise invalid_field(store, model, name)
    return list(names)


def read_rows(store: Store, model: str, rows, names, load: str = "_classic_read") -> list[dict]:
    fields = store.fields[model]
    readers = [(n, _reader(store, model, n, fields[n], load)) for n in names if n != "id"]
    out = []
    for row in rows:
        rec = {"id": row["id"]}
        for name, reader in readers:
            rec[name] = reader(row)
        out.append(rec)
    return out


def _reader(store: Store, model: str, name: str, fld, load: str):
    """A fast ``row -> wire value`` for one field of one read."""
    plain = fld.store and not fld.related and not fld.compute
    if plain and fld.type == "monetary":
        return lambda row: (row.get(name) or 0) / CENT
    if plain and fld.type == "many2one":
        if load == "_classic_write":
            return lambda row: row.get(name) or False
        names: dict = {}
        relation = fld.relation

        def m2o(row):
            rid = row.get(name)
            if not rid:
                return False
            label = names.get(rid)
            if label is None:
                label = names[rid] = store.display_name(relation, rid)
            return [rid, label]

        return m2o
    if plain and fld.type in ("char", "date", "datetime", "selection", "text", "html"):
        return lambda row: row.get(name) or False
    if plain and fld.type == "boolean":
        return lambda row: bool(row.get(name))
    first = store.fields[model].get(fld.related[0]) if fld.related else None
    if first is not None and first.type == "many2one" and first.store and not first.related:
        # a related field: the same first hop gives the same value, so follow each hop value once per read
        seen: dict = {}
        hop = fld.related[0]

        def related(row):
            key = row.get(hop)
            if key not in seen:
                seen[key] = store.to_wire(fld, store.raw(model, row, name), load)
            return seen[key]

        return related
    return lambda row: store.to_wire(fld, store.raw(model, row, name), load)


# -- generic methods ---------------------------------------------------------------------------------------
def fields_get(store: Store, model: str, allfields=None, attributes=None):
    out = {}
    for name, fld in store.fields[model].items():
        if allfields and name not in allfields:
            continue
        desc = fld.describe()
        out[name] = {k: v for k, v in desc.items() if not attributes or k in attributes}
    return out


def active(store: Store, model: str, domain) -> list:
    """``domain`` with Odoo's implicit ``('active', '=', True)`` on models that can archive records."""
    domain = list(domain or [])
    if not store.active_test or "active" not in store.fields[model]:
        return domain
    if any(isinstance(leaf, (list, tuple)) and leaf and leaf[0] == "active" for leaf in domain):
        return domain
    return [("active", "=", True), *domain] if domain else [("active", "=", True)]


def search(store: Store, model: str, domain=None, offset=0, limit=None, order=None, count=False):
    ids = search_ids(store, model, active(store, model, domain), order)
    if count:
        return len(ids)
    return _page(ids, offset, limit)


def _page(items, offset, limit):
    offset = int(offset or 0)
    if limit:
        return items[offset : offset + int(limit)]
    return items[offset:]


def search_count(store: Store, model: str, domain=None, limit=None):
    n = len(search_ids(store, model, active(store, model, domain)))
    return min(n, int(limit)) if limit else n


def search_read(
    store: Store,
    model: str,
    domain=None,
    fields=None,
    offset=0,
    limit=None,
    order=None,
    load="_classic_read",
    **_kw,
):
    names = check_fields(store, model, fields)
    ids = _page(search_ids(store, model, active(store, model, domain), order), offset, limit)
    table = store.tables[model]
    return read_rows(store, model, [table[i] for i in ids], names, load)


def read(store: Store, model: str, ids=None, fields=None, load="_classic_read"):
    names = check_fields(store, model, fields)
    table = store.tables[model]
    return read_rows(store, model, [table[i] for i in _ids(ids) if i in table], names, load)


def exists(store: Store, model: str, ids):
    return [i for i in _ids(ids) if i in store.tables[model]]


def name_get(store: Store, model: str, ids):
    return [[i, store.display_name(model, i)] for i in _ids(ids) if i in store.tables[model]]


def name_search(store: Store, model: str, name="", args=None, operator="ilike", limit=100):
    pred = compile_domain(store, model, args or [])
    out = []
    for rid, row in store.tables[model].items():
        label = store.display_name(model, rid)
        if pred(row) and (
            not name or (name.lower() in label.lower() if "ilike" in operator else name == label)
        ):
            out.append([rid, label])
    return out[:limit] if limit else out


def default_get(store: Store, model: str, fields_list=None):
    names = check_fields(store, model, fields_list)
    defaults = {
        "active": True,
        "type": "contact",
        "state": "draft",
        "move_type": "entry",
        "lang": "en_US",
        "message_type": "notification",
        "company_id": 1,
        "currency_id": 1,
    }
    if model in DEFAULTS:
        defaults.update(DEFAULTS[model](store))
    return {n: defaults[n] for n in names if defaults.get(n) is not None}


def _to_store(store: Store, model: str, vals: dict) -> dict:
    out = {}
    for name, value in vals.items():
        fld = store.fields[model].get(name)
        if fld is None:
            raise invalid_field_in_values(model, name)
        if fld.readonly and fld.related or fld.type == "one2many":
            continue
        if fld.type == "boolean":
            value = bool(value)
        elif fld.type == "html" and isinstance(value, str) and value and "<" not in value:
            value = bare_html(value)
        elif fld.type == "monetary":
            value = biz.cents(str(value)) if value not in (False, None) else 0
        elif fld.type == "many2many":
            value = _m2m(value)
        elif fld.type == "many2one" and isinstance(value, (list, tuple)):
            value = value[0] if value else False
        out[name] = value
    return out


def _m2m(commands) -> list[int]:
    ids: list[int] = []
    for cmd in commands or []:
        if isinstance(cmd, int):
            ids.append(cmd)
        elif cmd[0] == 6:
            ids = list(cmd[2])
        elif cmd[0] == 4:
            ids.append(cmd[1])
        elif cmd[0] in (3, 2):
            ids = [i for i in ids if i != cmd[1]]
        elif cmd[0] == 5:
            ids = []
    return ids


def create(store: Store, model: str, vals_list):
    single = isinstance(vals_list, dict)
    out = []
    for vals in [vals_list] if single else vals_list:
        row = {
            name: False
            for name, fld in store.fields[model].items()
            if fld.store and not fld.related and fld.type != "one2many"
        }
        row.pop("id", None), row.pop("create_date", None), row.pop("write_date", None)
        row.update(default_get(store, model, [n for n in row if n in store.fields[model]]))
        row.update(_to_store(store, model, vals))
        _check_row(store, model, row, row)
        if model in STORED_COMPUTES:
            row.update(STORED_COMPUTES[model](store, row))
        if model == "res.partner":
            _partner_names(store, row)
        out.append(store.insert(model, row))
    return out[0] if single else out


def _check_row(store: Store, model: str, row: dict, changed) -> None:
    """Refuse a row as the database would: a required (NOT NULL) column among ``changed`` left empty (False is a
    value for a boolean; an unset many2one, date or char is NULL), then the model's own constraints."""
    fields = store.fields[model]
    for name in changed:
        fld = fields.get(name)
        if fld is None or not fld.required or not fld.store or fld.related or fld.compute:
            continue
        value = row.get(name)
        if value is None or (value is False and fld.type != "boolean"):
            raise not_null(store, model, name)
    if model in ROW_CHECKS:
        ROW_CHECKS[model](store, row, changed)


def _partner_names(store: Store, row: dict) -> None:
    parent = store.tables["res.partner"].get(row.get("parent_id"))
    row["complete_name"] = f"{parent['name']}, {row.get('name') or ''}" if parent else (row.get("name") or "")
    row["commercial_partner_id"] = (
        (parent.get("commercial_partner_id") or parent["id"])
        if parent
        else row.get("id") or store.next_id["res.partner"]
    )


def write(store: Store, model: str, ids, vals):
    ids = [i for i in _ids(ids)]
    missing = [i for i in ids if i not in store.tables[model]]
    if missing:
        raise missing_record(model, missing[0])
    values = _to_store(store, model, vals)
    for i in ids:  # every row as it would be written, checked before any is changed (one transaction)
        _check_row(store, model, {**store.tables[model][i], **values}, values)
    store.update(model, ids, values)
    if model in STORED_COMPUTES:  # stored computed fields follow the written values (in the same change)
        for i in ids:
            store.tables[model][i].update(STORED_COMPUTES[model](store, store.tables[model][i]))
    if model == "res.partner" and ("name" in values or "parent_id" in values):
        for i in ids:
            _partner_names(store, store.tables[model][i])
    return True


def unlink(store: Store, model: str, ids):
    ids = [i for i in _ids(ids) if i in store.tables[model]]
    if model == "account.move":
        for i in ids:
            biz.delete(store, i)
    else:
        store.remove(model, ids)
    return True


GENERIC = {
    "fields_get": fields_get,
    "search": search,
    "search_count": search_count,
    "search_read": search_read,
    "read": read,
    "exists": exists,
    "name_get": name_get,
    "name_search": name_search,
    "default_get": default_get,
    "create": create,
    "write": write,
    "unlink": unlink,
    "read_group": groups.read_group,
    "formatted_read_group": groups.formatted_read_group,
}
