"""Odoo ``order`` specifications: parsing with the version's error for an unknown field, and sorting rows."""

from __future__ import annotations

import re

from .errors import invalid_field, rpc_value_error
from .schema import MODELS
from .store import Store


def parse_order(store: Store, model: str, order: str | None) -> list[tuple[str, bool]]:
    spec = order or MODELS[model].order
    keys = []
    for part in spec.split(","):
        bits = part.strip().split()
        if not bits:
            continue
        name = bits[0]
        desc = len(bits) > 1 and bits[1].lower() == "desc"
        if (
            len(bits) > 2
            or (len(bits) > 1 and bits[1].lower() not in ("asc", "desc"))
            or not re.fullmatch(r"[a-z_][a-z0-9_.]*", name)
        ):
            raise rpc_value_error(
                f'Invalid "order" specified ({spec}). A valid "order" specification is a '
                f"comma-separated list of valid field names (optionally followed by asc/desc "
                f"for the direction)"
            )
        _check_path(store, model, name)
        keys.append((name, desc))
    return keys


def _check_path(store: Store, model: str, name: str) -> None:
    steps = name.split(".")
    for i, step in enumerate(steps):
        fld = store.fields[model].get(step)
        if fld is None or (i < len(steps) - 1 and fld.type != "many2one"):
            raise invalid_field(store, model, step)
        model = fld.relation or model


def sort_rows(store: Store, model: str, rows: list, order: str | None) -> list:
    """Rows sorted by an Odoo order spec; unset values last ascending and first descending, like PostgreSQL."""
    keys = parse_order(store, model, order)
    for name, desc in reversed(keys):
        fld = store.fields[model][name.split(".")[0]]
        if "." in name:
            path = tuple(name.split("."))

            def key(row, path=path):
                value = store.follow(model, row, path)
                return value if not isinstance(value, list) else None
        elif fld.type == "many2one":
            names: dict = {}

            def key(row, name=name, fld=fld, names=names):
                rid = store.raw(model, row, name)
                if rid not in names:
                    names[rid] = store.display_name(fld.relation, rid) if rid else None
                return names[rid]
        elif fld.type == "boolean":

            def key(row, name=name):
                return int(bool(store.raw(model, row, name)))
        elif fld.store and not fld.related and not fld.compute:

            def key(row, name=name):
                return row.get(name)
        else:

            def key(row, name=name):
                return store.raw(model, row, name)

        decorated = [(key(r), r) for r in rows]
        present = [(k, r) for k, r in decorated if k is not None and k is not False]
        missing = [r for k, r in decorated if k is None or k is False]
        present.sort(key=lambda kr: kr[0], reverse=desc)
        rows = missing + [r for _, r in present] if desc else [r for _, r in present] + missing
    return rows
