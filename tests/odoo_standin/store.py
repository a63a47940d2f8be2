"""The stand-in's tables: rows as dicts keyed by id, one version's field set, and typed reads.

Money is held as integer cents in the rows (``monetary`` fields) and turned into JSON numbers only on the wire,
as Odoo does. Dates are ``YYYY-MM-DD`` strings, datetimes ``YYYY-MM-DD HH:MM:SS``, unset values ``False``.
Every create/write goes through :meth:`Store.insert`/:meth:`Store.update`, which keep ``write_date`` and the
revision counter (which invalidates cached searches) right. The clock is the store's own (``clock``), advanced one
second per change, so nothing depends on the wall clock.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from .schema import MODELS, Field, fields_for, major, models_for

CENT = 100
# (model, field) -> fn(store, row): how a computed field that an add-on brings is computed (filled by the add-on)
COMPUTERS: dict = {}


class Store:
    """All records of one stand-in database, for one Odoo version."""

    def __init__(self, version: str = "17.0", now: datetime = datetime(2026, 10, 31, 12, 0, 0), addons=()):
        self.version = version
        self.major = major(version)
        self.addons = tuple(addons)  # the add-ons installed in this database, beyond Odoo's own
        self.models = models_for(version, self.addons)
        self.fields: dict[str, dict[str, Field]] = {m: fields_for(m, version, self.addons) for m in self.models}
        self.tables: dict[str, dict[int, dict]] = {m: {} for m in self.models}
        self.next_id: dict[str, int] = {m: 1 for m in self.models}
        self.clock = now
        self.rev = 0
        self.lock = threading.RLock()
        self.cache: dict = {}
        self.partials_of: dict[int, list[int]] = {}  # move line id -> partial reconcile ids touching it
        self.lines_of: dict[int, list[int]] = {}  # move id -> its journal item ids
        self.charts: dict[int, dict] = {}  # company id -> accounts, journals, currencies, rates
        self.active_test = True  # the calling context's active_test
        self.context: dict = {}  # the calling context (allowed_company_ids, ...)
        self.refused: dict = {}  # the "model.method" calls the server refuses (an access right the user lacks)
        self.frozen_stamp: str | None = None  # while set, changes are stamped with it (bulk loading)

    # -- changes -------------------------------------------------------------------------------------------
    def tick(self) -> str:
        if self.frozen_stamp:
            return self.frozen_stamp
        self.clock += timedelta(seconds=1)
        self.rev += 1
        self.cache.clear()
        return self.clock.strftime("%Y-%m-%d %H:%M:%S")

    def insert(self, model: str, vals: dict, *, stamp: str | None = None) -> int:
        """Add one row; ``vals`` are stored values (cents for money). Returns the new id."""
        table = self.tables[model]
        rid = vals.get("id") or self.next_id[model]
        self.next_id[model] = max(self.next_id[model], rid + 1)
        stamp = stamp or self.tick()
        row = {"id": rid, "create_date": stamp, "write_date": stamp}
        row.update(vals)
        table[rid] = row
        if model == "account.partial.reconcile":
            for key in ("debit_move_id", "credit_move_id"):
                self.partials_of.setdefault(row[key], []).append(rid)
        elif model == "account.move.line":
            self.lines_of.setdefault(row["move_id"], []).append(rid)
        return rid

    def update(self, model: str, ids, vals: dict) -> None:
        stamp = self.tick()
        table = self.tables[model]
        for rid in ids:
            if rid in table:
                table[rid].update(vals)
                table[rid]["write_date"] = stamp

    def remove(self, model: str, ids) -> None:
        self.tick()
        table = self.tables[model]
        for rid in ids:
            row = table.pop(rid, None)
            if row is not None and model == "account.partial.reconcile":
                for key in ("debit_move_id", "credit_move_id"):
                    self.partials_of.get(row[key], []).remove(rid)
            elif row is not None and model == "account.move.line":
                self.lines_of.get(row["move_id"], []).remove(rid)

    # -- reads ---------------------------------------------------------------------------------------------
    def field(self, model: str, name: str) -> Field | None:
        return self.fields[model].get(name)

    def raw(self, model: str, row: dict, name: str):
        """The value of ``name`` on ``row`` as held in the store (cents for money, id for many2one)."""
        fld = self.fields[model][name]
        if fld.related:
            return self.follow(model, row, fld.related)
        if fld.type == "one2many":
            return self.children(fld.relation, fld.inverse, row["id"])
        if fld.compute:
            return self.computed(model, row, name)
        value = row.get(name, False)
        if value is None:
            return False
        if fld.type in ("many2many",) and value is False:
            return []
        return value

    def follow(self, model: str, row: dict, path: tuple[str, ...]):
        value = False
        for i, step in enumerate(path):
            value = self.raw(model, row, step)
            if i == len(path) - 1:
                return value
            fld = self.fields[model][step]
            row = self.tables[fld.relation].get(value) if value else None
            if row is None:
                return False
            model = fld.relation
        return value

    def children(self, model: str, inverse: str, parent_id: int) -> list[int]:
        if model == "account.move.line" and inverse == "move_id":
            return self.lines_of.get(parent_id, [])
        key = ("children", model, inverse)
        index = self.cache.get(key)
        if index is None:
            index = {}
            for rid, row in self.tables[model].items():
                parent = row.get(inverse)
                if parent:
                    index.setdefault(parent, []).append(rid)
            self.cache[key] = index
        return index.get(parent_id, [])

    def computed(self, model: str, row: dict, name: str):
        if name == "display_name":
            return self.display_name(model, row["id"])
        if model == "res.partner" and name in ("credit", "debit"):
            return self.partner_credit(row["id"]) if name == "credit" else 0
        if model == "res.partner" and name == "use_partner_credit_limit":
            return bool(row.get("credit_limit"))
        if model == "res.currency" and name == "decimal_places":
            return 2
        if model == "res.currency" and name in ("rate", "inverse_rate"):
            # units of this currency per unit of the user's company currency (company 1), as Odoo computes it
            per_company_unit = self.charts[1]["rates"].get(row["id"]) if self.charts else None
            inverse = float(per_company_unit) if per_company_unit else 1.0
            return round(1 / inverse, 6) if name == "rate" else inverse
        if model == "mail.activity" and name == "res_name":
            document = self.activity_document(row)
            return self.display_name(*document) if document else False
        if model == "mail.activity" and name == "state":
            # mail.activity._compute_state: against today in the assignee's time zone (the store's clock here)
            if "active" in self.fields[model] and not row.get("active", True):
                return "done"
            if not row.get("date_deadline"):
                return False
            today = self.clock.strftime("%Y-%m-%d")
            deadline = row["date_deadline"]
            return "today" if deadline == today else "overdue" if deadline < today else "planned"
        if model == "account.move" and name == "no_followup":
            return any(
                self.tables["account.move.line"][lid].get("no_followup")
                for lid in self.children("account.move.line", "move_id", row["id"])
            )
        compute = COMPUTERS.get((model, name))
        if compute is not None:
            return compute(self, row)
        return False

    def activity_document(self, row: dict) -> tuple[str, int] | None:
        """``(model, id)`` of the document an activity is attached to (``res_model_id``, ``res_id``), if any."""
        ir_model = self.tables["ir.model"].get(row.get("res_model_id"))
        model = ir_model["model"] if ir_model else None
        if model not in self.tables or not row.get("res_id"):
            return None
        return model, row["res_id"]

    def partner_credit(self, partner_id: int) -> int:
        key = ("credit",)
        totals = self.cache.get(key)
        if totals is None:
            totals = {}
            receivable = {aid for aid, acc in self.tables["account.account"].items() if acc.get("receivable")}
            for line in self.tables["account.move.line"].values():
                if (
                    line["account_id"] in receivable
                    and line["parent_state"] == "posted"
                    and line["partner_id"]
                ):
                    totals[line["partner_id"]] = totals.get(line["partner_id"], 0) + line["amount_residual"]
            self.cache[key] = totals
        return totals.get(partner_id, 0)

    def display_name(self, model: str, rid: int) -> str:
        row = self.tables[model].get(rid)
        if row is None:
            return ""
        if model == "account.account":
            return f"{row['code']} {row['name']}"
        if model == "account.move":
            return row["name"] if row.get("name") and row["name"] != "/" else f"Draft Entry ({rid})"
        if model == "account.move.line":
            return " - ".join(x for x in (row.get("move_name"), row.get("name")) if x)
        if model == "res.users":
            return self.tables["res.partner"][row["partner_id"]]["name"]
        if model == "res.country.state":  # _compute_display_name: the name and its country's code
            country = self.tables["res.country"].get(row.get("country_id")) or {}
            return f"{row['name']} ({country.get('code') or ''})"
        if model == "account.partial.reconcile":
            return str(rid)
        if model == "mail.activity":  # _compute_display_name: the summary, else the activity type's name
            kind = self.tables["mail.activity.type"].get(row.get("activity_type_id"))
            return row.get("summary") or (kind["name"] if kind else "")
        rec_name = MODELS[model].rec_name
        value = row.get(rec_name)
        return value if isinstance(value, str) and value else f"{model},{rid}"

    def to_wire(self, fld: Field, value, load: str = "_classic_read", model: str | None = None):
        """A stored value as Odoo sends it over JSON."""
        if fld.type == "monetary":
            return (value or 0) / CENT
        if fld.type == "many2one":
            if not value:
                return False
            if load == "_classic_write":
                return value
            return [value, self.display_name(fld.relation, value)]
        if fld.type in ("one2many", "many2many"):
            return list(value or [])
        if fld.type == "float":
            return float(value or 0)
        if fld.type == "integer":
            return int(value or 0)
        if fld.type == "boolean":
            return bool(value)
        return value if value not in (None,) else False
