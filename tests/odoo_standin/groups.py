"""``read_group`` (the 17.0 shape, also served by 19.0 over /jsonrpc) and 19.0's ``formatted_read_group``."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .domain import compile_domain
from .errors import invalid_field, rpc_value_error
from .store import CENT, Store

NUMERIC = ("integer", "float", "monetary")
AGGREGATORS = ("sum", "avg", "min", "max", "count", "count_distinct", "array_agg", "bool_and", "bool_or")


def _parse_groupby(store: Store, model: str, spec: str) -> tuple[str, str | None]:
    name, _, gran = spec.partition(":")
    fld = store.fields[model].get(name)
    if fld is None:
        raise invalid_field(store, model, name)
    if fld.type in ("date", "datetime"):
        gran = gran or "month"
        if gran not in ("day", "week", "month", "quarter", "year"):
            raise rpc_value_error(f"Invalid date/time grouping {spec!r}")
        return name, gran
    return name, None


def _parse_aggregate(store: Store, model: str, spec: str) -> tuple[str, str, str] | None:
    """(output key, field, function) for 'f', 'f:sum' or 'alias:sum(f)'; None for fields without aggregate."""
    m = re.fullmatch(r"(\w+)(?::(\w+)(?:\((\w+)\))?)?", spec)
    if not m:
        raise rpc_value_error(f"Invalid field specification {spec!r}.")
    alias, func, fname = m.group(1), m.group(2), m.group(3) or m.group(1)
    if alias == "__count":
        return ("__count", "id", "count")
    fld = store.fields[model].get(fname)
    if fld is None:
        raise invalid_field(store, model, fname)
    if func is None:
        if fld.type not in NUMERIC or fname == "id":
            return None
        func = "sum"
    if func not in AGGREGATORS:
        raise rpc_value_error(f"Invalid aggregation function {func!r}.")
    return alias, fname, func


def _bucket(value, gran: str):
    """(key, label, from, to) of the date bucket holding ``value`` ('YYYY-MM-DD...')."""
    d = date.fromisoformat(value[:10])
    if gran == "day":
        start, end = d, date.fromordinal(d.toordinal() + 1)
        label = d.strftime("%d %b %Y")
    elif gran == "week":
        start = date.fromordinal(d.toordinal() - d.weekday())
        end = date.fromordinal(start.toordinal() + 7)
        label = f"W{start.isocalendar()[1]} {start.isocalendar()[0]}"
    elif gran == "month":
        start = d.replace(day=1)
        end = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        label = f"{calendar.month_name[d.month]} {d.year}"
    elif gran == "quarter":
        q = (d.month - 1) // 3
        start = date(d.year, 3 * q + 1, 1)
        end = date(d.year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        label = f"Q{q + 1} {d.year}"
    else:
        start, end, label = date(d.year, 1, 1), date(d.year + 1, 1, 1), str(d.year)
    return start.isoformat(), label, start.isoformat(), end.isoformat()


def _groups(store: Store, model: str, domain, groupby: list[str], aggs):
    from .orm import active

    pred = compile_domain(store, model, active(store, model, domain))
    specs = [(spec, *_parse_groupby(store, model, spec)) for spec in groupby]
    table = {}
    for row in store.tables[model].values():
        if not pred(row):
            continue
        key = []
        for _spec, name, gran in specs:
            value = store.raw(model, row, name)
            if gran and value:
                key.append(_bucket(value, gran))
            else:
                key.append(value if not isinstance(value, list) else tuple(value))
        table.setdefault(tuple(key), []).append(row)
    return specs, table


def _aggregate(store: Store, model: str, rows, agg):
    _alias, fname, func = agg
    if func == "count":
        return len(rows)
    fld = store.fields[model][fname]
    values = [store.raw(model, r, fname) for r in rows]
    if func == "count_distinct":
        return len({v for v in values if v is not False})
    if func == "array_agg":
        return values
    if func in ("bool_and", "bool_or"):
        return all(values) if func == "bool_and" else any(values)
    nums = [v or 0 for v in values]
    result = {
        "sum": sum(nums),
        "min": min(nums, default=0),
        "max": max(nums, default=0),
        "avg": (sum(nums) / len(nums)) if nums else 0,
    }[func]
    return result / CENT if fld.type == "monetary" else result


def _group_value(store: Store, model: str, name: str, gran, value):
    fld = store.fields[model][name]
    if gran:
        return value[1] if value else False
    if fld.type == "many2one":
        return [value, store.display_name(fld.relation, value)] if value else False
    return value


def _group_leaves(name: str, gran, value) -> list:
    if gran:
        if not value:
            return [(name, "=", False)]
        return ["&", (name, ">=", value[2]), (name, "<", value[3])]
    if isinstance(value, tuple):
        return [(name, "in", list(value))]
    return [(name, "=", value)]


def _sort_key(store: Store, model: str, specs, key):
    out = []
    for (_spec, name, gran), value in zip(specs, key):
        fld = store.fields[model][name]
        if gran:
            v = value[0] if value else "~"
        elif fld.type == "many2one":
            v = store.display_name(fld.relation, value) if value else "~"
        else:
            v = "~" if value is False or value is None else value
        out.append((v is None, str(v) if not isinstance(v, (int, float)) else f"{v:020.4f}"))
    return out


def read_group(
    store: Store, model: str, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
):
    """Odoo 17's ``read_group``: one dict per group with the group values, counts, aggregates and domains."""
    groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
    used = groupby[:1] if lazy else groupby
    aggs = [a for a in (_parse_aggregate(store, model, f) for f in fields or []) if a]
    aggs = [a for a in aggs if a[1] not in {g.split(":")[0] for g in used}]
    specs, table = _groups(store, model, domain, used, aggs)
    keys = sorted(
        table,
        key=lambda k: _sort_key(store, model, specs, k),
        reverse=bool(orderby and str(orderby).strip().lower().endswith("desc")),
    )
    keys = keys[int(offset or 0) :][: int(limit)] if limit else keys[int(offset or 0) :]
    out = []
    for key in keys:
        rows = table[key]
        group = {}
        leaves = []
        for (spec, name, gran), value in zip(specs, key):
            group[spec if gran else name] = _group_value(store, model, name, gran, value)
            leaves += _group_leaves(name, gran, value)
            if gran:
                group.setdefault("__range", {})[spec] = {"from": value[2], "to": value[3]} if value else False
        if lazy and used:
            group[f"{used[0].split(':')[0]}_count"] = len(rows)
            group["__context"] = {"group_by": groupby[1:]}
        else:
            group["__count"] = len(rows)
        for agg in aggs:
            group[agg[0]] = _aggregate(store, model, rows, agg)
        group["__domain"] = _and_domains(leaves, list(domain or []))
        out.append(group)
    if not used:
        rows = [r for rows in table.values() for r in rows]
        return [
            {
                "__count": len(rows),
                **{a[0]: _aggregate(store, model, rows, a) for a in aggs},
                "__domain": list(domain or []),
            }
        ]
    return out


def _and_domains(a: list, b: list) -> list:
    """``a AND b`` as one explicit prefix domain."""
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return a or b
    return ["&"] + a + b


def _norm(domain: list) -> list:
    """A domain with its implicit '&' made explicit, leaves as lists (as they travel over JSON)."""
    size = 0
    for item in reversed(domain):
        if item in ("&", "|"):
            size -= 1
        elif item != "!":
            size += 1
    items = [list(x) if isinstance(x, tuple) else x for x in domain]
    return ["&"] * max(size - 1, 0) + items


def formatted_read_group(
    store: Store,
    model: str,
    domain=None,
    groupby=(),
    aggregates=(),
    having=(),
    offset=0,
    limit=None,
    order=None,
):
    """Odoo 19's ``formatted_read_group``: groups with ``__extra_domain`` and aggregates keyed 'field:func'."""
    groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
    aggs = []
    for spec in aggregates or []:
        if spec == "__count":
            aggs.append(("__count", "id", "count"))
            continue
        fname, _, func = spec.partition(":")
        if not func:
            raise rpc_value_error(f"Invalid aggregate specification {spec!r}: expected 'field:aggregator'.")
        parsed = _parse_aggregate(store, model, f"{fname}:{func}")
        aggs.append((spec, parsed[1], parsed[2]))
    specs, table = _groups(store, model, domain, groupby, aggs)
    keys = sorted(
        table,
        key=lambda k: _sort_key(store, model, specs, k),
        reverse=bool(order and str(order).strip().lower().endswith("desc")),
    )
    keys = keys[int(offset or 0) :][: int(limit)] if limit else keys[int(offset or 0) :]
    out = []
    for key in keys:
        rows = table[key]
        group, leaves = {}, []
        for (spec, name, gran), value in zip(specs, key):
            if gran:
                group[spec] = [value[2], value[1]] if value else False
            else:
                group[spec] = _group_value(store, model, name, gran, value)
            leaves += [list(x) if isinstance(x, tuple) else x for x in _group_leaves(name, gran, value)]
        group["__extra_domain"] = _norm(leaves)
        for agg in aggs:
            group[agg[0]] = _aggregate(store, model, rows, agg)
        out.append(group)
    return out
