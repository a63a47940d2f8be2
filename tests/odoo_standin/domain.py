"""Odoo search domains and orders, compiled once into Python predicates and sort keys over the store's rows.

A dotted path (``move_id.state``) is evaluated as Odoo does it: the sub-condition is searched on the comodel
first and the row's many2one is tested against that id set, so a large search stays one pass over the rows.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal

from .errors import invalid_field_in_leaf, rpc_value_error
from .order import parse_order, sort_rows
from .store import CENT, Store

OPERATORS = {
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "like",
    "ilike",
    "not like",
    "not ilike",
    "=like",
    "=ilike",
    "child_of",
    "parent_of",
    "any",
    "not any",
    "=?",
}
TRUE_LEAF, FALSE_LEAF = (1, "=", 1), (0, "=", 1)


def compile_domain(store: Store, model: str, domain) -> callable:
    """A predicate ``row -> bool`` for ``domain`` on ``model``; raises the version's error for a bad leaf."""
    if not domain:
        return lambda row: True
    items = [tuple(x) if isinstance(x, list) else x for x in domain]
    stack: list = []
    for item in reversed(items):
        if item == "&" or item == "|":
            if len(stack) < 2:
                raise rpc_value_error(f"Domain {domain!r} is syntactically not correct.")
            a, b = stack.pop(), stack.pop()
            stack.append(_and(a, b) if item == "&" else _or(a, b))
        elif item == "!":
            if not stack:
                raise rpc_value_error(f"Domain {domain!r} is syntactically not correct.")
            a = stack.pop()
            stack.append(lambda row, a=a: not a(row))
        elif isinstance(item, tuple) and len(item) == 3:
            stack.append(compile_leaf(store, model, item))
        else:
            raise rpc_value_error(f"Invalid leaf {item!r}")
    pred = stack.pop()
    while stack:  # implicit '&' between what is left
        pred = _and(pred, stack.pop())
    return pred


def _and(a, b):
    return lambda row: a(row) and b(row)


def _or(a, b):
    return lambda row: a(row) or b(row)


def compile_leaf(store: Store, model: str, leaf: tuple) -> callable:
    left, op, value = leaf
    if leaf in (TRUE_LEAF, FALSE_LEAF) or (left in (0, 1) and op == "="):
        result = left == value
        return lambda row: result
    op = op.lower() if isinstance(op, str) else op
    if op not in OPERATORS:
        raise rpc_value_error(f"Invalid leaf {leaf!r}")
    if not isinstance(left, str):
        raise rpc_value_error(f"Invalid leaf {leaf!r}")
    path = left.split(".")
    fields = store.fields[model]
    fld = fields.get(path[0])
    if fld is None:
        raise invalid_field_in_leaf(store, model, path[0], leaf)
    if fld.related:
        return compile_leaf(store, model, (".".join(fld.related + tuple(path[1:])), op, value))
    if op == "=?":
        if value is False or value is None:
            return lambda row: True
        op = "="
    name = path[0]
    if len(path) > 1 or op in ("any", "not any"):
        if fld.type not in ("many2one", "one2many", "many2many"):
            raise invalid_field_in_leaf(store, model, path[0], leaf)
        if op in ("any", "not any"):
            sub = value
        else:
            sub = [(".".join(path[1:]), op, value)]
        ids = set(search_ids(store, fld.relation, sub))
        return _member(store, model, name, fld, ids, negate=op == "not any")
    if op in ("child_of", "parent_of"):
        target = fld.relation if fld.type != "integer" else model
        roots = value if isinstance(value, (list, tuple)) else [value]
        ids = _hierarchy(store, target, roots, down=op == "child_of")
        return _member(store, model, name, fld, ids)
    if fld.type in ("one2many", "many2many") and op in ("=", "!=", "<>", "in", "not in"):
        return _x2many_leaf(store, model, name, fld, op, value, leaf)
    getter = _getter(store, model, name, fld)
    if (
        fld.type == "many2one"
        and isinstance(value, str)
        and op in ("=", "!=", "like", "ilike", "not like", "not ilike", "=like", "=ilike")
    ):
        positive = {"!=": "=", "not like": "like", "not ilike": "ilike"}.get(op, op)
        ids = {
            rid
            for rid in store.tables[fld.relation]
            if _text_match(positive, store.display_name(fld.relation, rid), value)
        }
        member = _member(store, model, name, fld, ids)
        return (lambda row: not member(row)) if positive != op else member
    value = _coerce(fld, value)
    return _op(op, getter, value, fld)


def _getter(store: Store, model: str, name: str, fld):
    if fld.store and not fld.compute and not fld.related and fld.type not in ("one2many", "many2many"):
        if fld.type == "boolean":
            return lambda row: bool(row.get(name))
        return lambda row: row.get(name, False) if row.get(name) is not None else False
    return lambda row: store.raw(model, row, name)


def _member(store: Store, model: str, name: str, fld, ids: set, negate: bool = False):
    if fld.type in ("one2many", "many2many"):
        getter = _getter(store, model, name, fld)
        if negate:
            return lambda row: not any(i in ids for i in getter(row))
        return lambda row: any(i in ids for i in getter(row))
    if negate:
        return lambda row: row.get(name) not in ids
    return lambda row: row.get(name) in ids


def _x2many_leaf(store: Store, model: str, name: str, fld, op: str, value, leaf):
    """An x2many field compared with ids, as Odoo does: ``in``/``=`` hold when any related id is among them,
    ``not in``/``!=`` when none is; ``= False`` means "no related record" and ``!= False`` "some"."""
    getter = _getter(store, model, name, fld)
    if value is False or value is None:
        if op in ("=", "in"):
            return lambda row: not getter(row)
        return lambda row: bool(getter(row))
    values = value if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(v, str) for v in values):
        ids = {
            rid
            for rid in store.tables[fld.relation]
            if any(_text_match("ilike", store.display_name(fld.relation, rid), v) for v in values if isinstance(v, str))
        } | {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        ids = set(values)
    else:
        raise rpc_value_error(f"Invalid leaf {leaf!r}")
    if op in ("=", "in"):
        return lambda row: any(i in ids for i in getter(row))
    return lambda row: not any(i in ids for i in getter(row))


def _hierarchy(store: Store, model: str, roots, down: bool) -> set:
    parent_field = "parent_id"
    table = store.tables[model]
    roots = {r for r in roots if isinstance(r, int)}
    if down:
        found, frontier = set(roots), set(roots)
        while frontier:
            frontier = {rid for rid, row in table.items() if row.get(parent_field) in frontier} - found
            found |= frontier
        return found
    found = set()
    for rid in roots:
        while rid and rid not in found:
            found.add(rid)
            rid = table.get(rid, {}).get(parent_field)
    return found


def _coerce(fld, value):
    if fld.type == "monetary":
        def convert(v):
            return v if v is False or v is None else int((Decimal(str(v)) * CENT).to_integral_value())

        return [convert(v) for v in value] if isinstance(value, (list, tuple)) else convert(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _like_regex(pattern: str, exact: bool, ignore_case: bool):
    parts = []
    for ch in pattern:
        parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    body = "".join(parts)
    if not exact:
        body = ".*" + body + ".*"
    return re.compile(body + r"\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _text_match(op: str, text, pattern) -> bool:
    if text is False or text is None:
        return False
    rx = _like_regex(str(pattern), op.startswith("="), "ilike" in op)
    return rx.match(str(text)) is not None


def _op(op: str, get, value, fld):
    if op in ("=", "!=", "<>"):
        if fld.type == "boolean":
            want = bool(value)
            return (lambda row: get(row) == want) if op == "=" else (lambda row: get(row) != want)
        if value is False or value is None:
            return (lambda row: get(row) is False) if op == "=" else (lambda row: get(row) is not False)
        return (lambda row: get(row) == value) if op == "=" else (lambda row: get(row) != value)
    if op in ("in", "not in"):
        values = value if isinstance(value, list) else [value]
        with_unset = any(v is False or v is None for v in values)
        if fld.type == "boolean":
            wanted = {bool(v) for v in values}
            return (lambda row: get(row) in wanted) if op == "in" else (lambda row: get(row) not in wanted)
        wanted = {v for v in values if v is not False and v is not None}
        if op == "in":
            return lambda row: (get(row) in wanted) or (with_unset and get(row) is False)
        return lambda row: get(row) not in wanted and not (with_unset and get(row) is False)
    if op in ("<", "<=", ">", ">="):
        if value is False or value is None:
            return lambda row: False
        cmp = {
            "<": lambda a: a < value,
            "<=": lambda a: a <= value,
            ">": lambda a: a > value,
            ">=": lambda a: a >= value,
        }[op]

        def compare(row):
            got = get(row)
            return got is not False and got is not None and cmp(got)

        return compare
    positive = op.replace("not ", "")
    if value is False or value is None or value == "":
        if op.startswith("not"):
            return lambda row: get(row) is False
        return lambda row: True if not op.startswith("=") else get(row) is False
    rx = _like_regex(str(value), positive.startswith("="), "ilike" in positive)
    if op.startswith("not"):
        return lambda row: get(row) is False or rx.match(str(get(row))) is None
    return lambda row: get(row) is not False and rx.match(str(get(row))) is not None


def search_ids(store: Store, model: str, domain, order: str | None = None) -> list[int]:
    """Ids matching ``domain`` in ``order`` (cached until the next change to the store)."""
    key = ("search", model, repr(domain), order)
    ids = store.cache.get(key)
    if ids is None:
        ids = _plan(store, model, list(domain or []))
        keys = parse_order(store, model, order)
        if keys and keys[0][0] == "id":
            ids = sorted(ids, reverse=keys[0][1])
        else:
            table = store.tables[model]
            ids = [row["id"] for row in sort_rows(store, model, [table[i] for i in ids], order)]
        store.cache[key] = ids
    return ids


def _plan(store: Store, model: str, domain: list) -> list[int]:
    """Matching ids: indexed leaves of the top-level conjunction narrow the rows, then the rest is evaluated."""
    terms = _top_terms(domain)
    if terms is None:  # malformed: let the evaluator say so
        pred = compile_domain(store, model, domain)
        return [rid for rid, row in store.tables[model].items() if pred(row)]
    id_tests = [t for t in terms if _is_id_range(t)]
    others = [t for t in terms if not _is_id_range(t)]
    key = ("plan", model, repr(others))
    ids = store.cache.get(key)
    if ids is None:
        ids = store.cache[key] = sorted(_conjunction(store, model, others))
    lo, hi = 0, len(ids)
    for _, op, value in id_tests:  # ids are sorted: an id range is two bisections
        if op in (">", ">="):
            lo = max(lo, (bisect_right if op == ">" else bisect_left)(ids, value))
        else:
            hi = min(hi, (bisect_left if op == "<" else bisect_right)(ids, value))
    return ids[lo:hi] if lo or hi != len(ids) else ids


def _top_terms(domain: list) -> list | None:
    """The terms of a domain's top-level conjunction: leaves as tuples, other sub-trees as prefix lists."""
    items = [tuple(x) if isinstance(x, list) else x for x in domain]
    pos = 0

    def subtree() -> list:
        nonlocal pos
        if pos >= len(items):
            raise IndexError
        item = items[pos]
        pos += 1
        if item in ("&", "|"):
            return [item, *subtree(), *subtree()]
        if item == "!":
            return [item, *subtree()]
        return [item]

    terms: list = []
    try:
        while pos < len(items):
            tree = subtree()
            terms.append(tree)
    except IndexError:
        return None
    flat: list = []
    while terms:
        tree = terms.pop(0)
        if tree[0] == "&":
            rest = tree[1:]
            left = _prefix_len(rest)
            terms[:0] = [rest[:left], rest[left:]]
        elif len(tree) == 1:
            flat.append(tree[0])
        else:
            flat.append(tree)
    return flat


def _prefix_len(items: list) -> int:
    """Length of the first complete prefix expression in ``items``."""
    need, i = 1, 0
    while need:
        item = items[i]
        need += 1 if item in ("&", "|") else 0 if item == "!" else -1
        i += 1
    return i


def _conjunction(store: Store, model: str, terms: list):
    table = store.tables[model]
    sets, rest = [], []
    for term in terms:
        found = _leaf_ids(store, model, term) if isinstance(term, tuple) else None
        if found is not None:
            sets.append(found)
        else:
            rest.append(term)
    if sets:
        sets.sort(key=len)
        candidates = set(sets[0])
        for other in sets[1:]:
            candidates &= other
    else:
        candidates = table.keys()
    if rest:
        preds = [compile_domain(store, model, t if isinstance(t, list) else [t]) for t in rest]
        return [rid for rid in candidates if all(p(table[rid]) for p in preds)]
    return list(candidates)


def _is_id_range(leaf) -> bool:
    return (
        isinstance(leaf, tuple)
        and len(leaf) == 3
        and leaf[0] == "id"
        and leaf[1] in ("<", "<=", ">", ">=")
        and isinstance(leaf[2], int)
        and not isinstance(leaf[2], bool)
    )


def _leaf_ids(store: Store, model: str, leaf) -> set | None:
    """The ids matching an '='/'in' leaf on a stored field, or a dotted many2one path, from an index; else None."""
    if not (isinstance(leaf, tuple) and len(leaf) == 3 and isinstance(leaf[0], str)):
        return None
    left, op, value = leaf
    if left == "id" and op in ("=", "in"):
        values = value if isinstance(value, (list, tuple)) else [value]
        table = store.tables[model]
        return {v for v in values if isinstance(v, int) and v in table}
    path = left.split(".")
    fld = store.fields[model].get(path[0])
    if fld is None:
        raise invalid_field_in_leaf(store, model, path[0], leaf)
    if fld.related:
        return _leaf_ids(store, model, (".".join(fld.related + tuple(path[1:])), op, value))
    if not fld.store or fld.compute or fld.type in ("one2many", "many2many"):
        return None
    if len(path) > 1 or op == "any":
        if fld.type != "many2one" or op in ("not any",):
            return None
        sub = value if op == "any" else [(".".join(path[1:]), op, value)]
        values = search_ids(store, fld.relation, sub)
    elif op in ("=", "in"):
        if fld.type == "many2one" and (
            isinstance(value, str) or (isinstance(value, list) and any(isinstance(v, str) for v in value))
        ):
            return None
        values = _coerce(fld, value if op == "in" else [value])
        if not isinstance(values, list):
            return None
        if fld.type == "boolean":
            values = [bool(v) for v in values]
        values = [False if v is None else v for v in values]
        if any(isinstance(v, (list, dict)) for v in values):
            return None
    else:
        return None
    index = _index(store, model, path[0], fld)
    if len(values) == 1:
        return index.get(values[0], set())
    out: set = set()
    for v in values:
        out |= index.get(v, set())
    return out


def _index(store: Store, model: str, name: str, fld) -> dict:
    key = ("index", model, name)
    index = store.cache.get(key)
    if index is None:
        index = {}
        boolean = fld.type == "boolean"
        for rid, row in store.tables[model].items():
            v = row.get(name, False)
            v = bool(v) if boolean else (False if v is None else v)
            bucket = index.get(v)
            if bucket is None:
                index[v] = bucket = set()
            bucket.add(rid)
        store.cache[key] = index
    return index
