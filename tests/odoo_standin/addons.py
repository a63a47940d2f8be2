"""Add-ons a stand-in database can have installed: ``ardesk_collections`` (addon/<series>/ardesk_collections).

``StandIn(version, addons=("ardesk_collections",))`` serves the add-on's contract: the model
``ardesk.collection.note`` (its fields are declared in :mod:`.schema`), its unique Note ID per company, its groups
and external ids, what it adds to customers and invoices, and its one public method ``ardesk_push_notes``, which
does here what the add-on's code does in Odoo, in the same order and with the same words:

* a non-list argument: ``UserError`` "ardesk_push_notes takes a list of notes."; a user without the create right
  on notes (``refuse={"ardesk.collection.note.create": ...}``): that ``AccessError`` for the whole call;
* each note in its own savepoint, in the user's current company (the context's ``allowed_company_ids``, else the
  user's ``company_id``): ``created``, ``updated`` (a newer revision), ``already there`` (the same or an older
  revision) or ``refused`` with the UserError/ValidationError/AccessError/MissingError's message as reason, its
  changes undone while the others stay;
* any other failure (a value Odoo cannot convert: ``int("x")``, a date that is not one, a selection value the field
  does not have) fails the whole call and undoes the whole batch, as the request's transaction is rolled back.

A created or updated note is posted on its invoice's chatter (else its customer's) as an internal note by the user;
a note about an invoice with a dispute sets (open) or clears (resolved) the "No Follow-up" flag of the invoice's
receivable lines (``blocked`` up to 17, ``no_followup`` from 19, nothing in 18); a next action date schedules one
To-Do on the customer for the user, moved (not doubled) by a newer revision.
"""

from __future__ import annotations

import html
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from . import specific
from .errors import (
    RpcFault,
    access_error,
    access_refused,
    foreign_key,
    sql_constraint,
    user_error,
)
from .schema import ARDESK, DISPUTE_STATES, PROMISE_STATES
from .store import CENT, COMPUTERS, Store

NOTE = "ardesk.collection.note"
AML = "account.move.line"
UID = 2  # the RPC user (admin)
INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")
PUSH_KEYS = {
    "external_id",
    "revision",
    "partner_id",
    "move_id",
    "author",
    "date",
    "text",
    "outcome",
    "promise_date",
    "promise_amount",
    "promise_state",
    "dispute_state",
    "disputed_amount",
    "next_action_date",
    "followup_level",
}
UNIQUE_MESSAGE = "A collection note with this Note ID already exists in this company."
# the errors the add-on catches per note (odoo.exceptions' UserError and its kin); anything else fails the call
REFUSALS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
}


# -- the environment ------------------------------------------------------------------------------------------
def user_companies(store: Store) -> list[int]:
    user = store.tables["res.users"][UID]
    return list(user.get("company_ids") or [user["company_id"]])


def _allowed(store: Store) -> list[int]:
    """The context's ``allowed_company_ids``, checked as ``env.company``/``env.companies`` check them."""
    allowed = store.context.get("allowed_company_ids") if isinstance(store.context, dict) else None
    if not allowed:
        return []
    allowed = list(allowed) if isinstance(allowed, (list, tuple)) else [allowed]
    if set(allowed) - set(user_companies(store)):
        raise access_error("Access to unauthorized or invalid companies.")
    return allowed


def current_company(store: Store) -> int:
    """``env.company``: the first allowed company of the context, else the user's current company."""
    allowed = _allowed(store)
    return allowed[0] if allowed else store.tables["res.users"][UID]["company_id"]


def readable_companies(store: Store) -> list[int]:
    """``env.companies``, the ``company_ids`` of the add-on's multi-company record rule."""
    return _allowed(store) or user_companies(store)


def _today(store: Store) -> str:
    return store.clock.strftime("%Y-%m-%d")


def _xmlid(store: Store, module: str, name: str) -> int | bool:
    for row in store.tables["ir.model.data"].values():
        if row["module"] == module and row["name"] == name:
            return row["res_id"]
    return False


def _ir_model(store: Store, model: str) -> int:
    return next(rid for rid, row in store.tables["ir.model"].items() if row["model"] == model)


# -- installation -----------------------------------------------------------------------------------------------
def install(store: Store) -> None:
    """The add-ons' data (security groups and external ids), loaded with the base records."""
    if ARDESK not in store.addons:
        return
    collector = store.insert("res.groups", {"name": "Collector"})
    manager = store.insert("res.groups", {"name": "Collections Manager"})
    for uid in (1, UID):  # the manager group lists base.user_root and base.user_admin; it implies Collector
        user = store.tables["res.users"][uid]
        groups = [*user.get("groups_id", []), collector, manager]
        store.update("res.users", [uid], {"groups_id": groups, "group_ids": list(groups)})
    for name, model, res_id in (
        ("model_ardesk_collection_note", "ir.model", _ir_model(store, NOTE)),
        ("group_collector", "res.groups", collector),
        ("group_collections_manager", "res.groups", manager),
    ):
        store.insert("ir.model.data", {"module": ARDESK, "name": name, "model": model, "res_id": res_id})


# -- the note's ORM side: defaults, stored compute, constraints ----------------------------------------------------
def note_defaults(store: Store) -> dict:
    return {
        "company_id": current_company(store),
        "user_id": UID,
        "date": _today(store),
        "revision": 0,
        "currency_id": None,  # computed, no default
    }


def note_currency(store: Store, row: dict) -> dict:
    """``_compute_currency_id``: the invoice's currency, else the company's."""
    move = store.tables["account.move"].get(row.get("move_id"))
    company = store.tables["res.company"].get(row.get("company_id"))
    currency = (move or {}).get("currency_id") or (company or {}).get("currency_id") or False
    return {"currency_id": currency}


def check_note(store: Store, row: dict, changed) -> None:
    """What refuses a note row beyond NOT NULL: on create the INSERT's UNIQUE(external_id, company_id), then its
    foreign keys, then ``_check_company`` (run by create after the INSERT); a write checks companies first (before
    its UPDATE is flushed)."""
    writing = "id" in row
    if writing:
        _check_company(store, row, changed)
    if "external_id" in changed or "company_id" in changed:
        for rid, other in store.tables[NOTE].items():
            if (
                rid != row.get("id")
                and other["external_id"] == row["external_id"]
                and other["company_id"] == row["company_id"]
            ):
                raise sql_constraint(store, UNIQUE_MESSAGE)
    fields = store.fields[NOTE]
    for name in ("company_id", "partner_id", "move_id", "user_id", "chatter_message_id"):
        value = row.get(name)
        if name in changed and value and value not in store.tables[fields[name].relation]:
            raise foreign_key(store, NOTE, name)
    if not writing:
        _check_company(store, row, changed)


def _check_company(store: Store, row: dict, changed) -> None:
    """``_check_company_auto``: the customer and the invoice (``check_company=True``) are the note's company's or
    shared (no company); else Odoo's UserError, worded as ``BaseModel._check_company`` words it."""
    company = row.get("company_id")
    lines = []
    for name, model in (("partner_id", "res.partner"), ("move_id", "account.move")):
        corecord = store.tables[model].get(row.get(name)) if name in changed else None
        if corecord and corecord.get("company_id") and corecord["company_id"] != company:
            label = store.fields[NOTE][name].string
            lines.append(
                f"- {row.get('external_id')!r} belongs to company {store.display_name('res.company', company)!r} "
                f"and {label!r} ({name}: {store.display_name(model, corecord['id'])!r}) belongs to another company."
            )
    if lines:
        raise user_error("\n".join(["Incompatible companies on records:", *lines]))


# -- what the add-on adds to customers and invoices (computed from the notes the user may read) -----------------------
def _notes_by(store: Store, key: str) -> dict[int, list[dict]]:
    companies = tuple(readable_companies(store))
    cache_key = ("ardesk notes by", key, companies)
    found = store.cache.get(cache_key)
    if found is None:
        found = {}
        rows = sorted(store.tables[NOTE].values(), key=lambda n: (n["date"] or "", n["id"]))
        for note in rows:
            if note["company_id"] in companies and note.get(key):
                found.setdefault(note[key], []).append(note)
        store.cache[cache_key] = found
    return found


def _partner_summary(store: Store, row: dict) -> dict:
    """``res.partner._compute_ardesk_collections`` for one partner (its commercial partner's notes)."""
    commercial = row.get("commercial_partner_id") or row["id"]
    notes = _notes_by(store, "partner_id").get(commercial, [])
    latest_dispute: dict = {}
    for note in notes:
        if note.get("dispute_state"):
            latest_dispute[note.get("move_id") or 0] = note
    open_disputes = [n for n in latest_dispute.values() if n["dispute_state"] == "open"]
    promises = [n for n in notes if n.get("promise_state")]
    last_promise = promises[-1] if promises else None
    last_state = last_promise["promise_state"] if last_promise else None
    if open_disputes:
        stage = "disputed"
    elif last_state == "open":
        stage = "promised"
    elif last_state in ("broken", "partly kept"):
        stage = "broken"
    else:
        stage = "contacted" if notes else "none"
    is_open = last_state == "open"
    reminders = [n for n in notes if n.get("followup_level")]
    company = store.tables["res.company"][current_company(store)]
    return {
        "ardesk_stage": stage,
        "ardesk_note_count": len(notes),
        "ardesk_last_contact": notes[-1]["date"] if notes else False,
        "ardesk_next_action_date": max((n["next_action_date"] for n in notes if n.get("next_action_date")),
                                       default=False),
        "ardesk_promise_amount": last_promise["promise_amount"] if is_open else 0,
        "ardesk_promise_date": last_promise["promise_date"] if is_open else False,
        "ardesk_disputed_amount": sum(n.get("disputed_amount") or 0 for n in open_disputes),
        "ardesk_currency_id": company["currency_id"],
        "ardesk_followup_level": reminders[-1]["followup_level"] if reminders else False,
        "ardesk_followup_date": reminders[-1]["date"] if reminders else False,
    }


def _move_summary(store: Store, row: dict) -> dict:
    """``account.move._compute_ardesk_notes``: the invoice's notes and its dispute as the latest note says."""
    notes = _notes_by(store, "move_id").get(row["id"], [])
    disputes = [n for n in notes if n.get("dispute_state")]
    return {
        "ardesk_note_count": len(notes),
        "ardesk_dispute_state": disputes[-1]["dispute_state"] if disputes else False,
    }


def _summary_field(summary, name: str):
    return lambda store, row: summary(store, row)[name]


# -- ardesk_push_notes --------------------------------------------------------------------------------------------
class _Journal:
    """The rows a push changed, so that a savepoint (one note) or the whole request can be rolled back. Ids taken
    stay taken, as PostgreSQL's sequences do."""

    def __init__(self, store: Store):
        self.store = store
        self.entries: list[tuple[str, int, dict | None]] = []

    def created(self, model: str, rid: int) -> None:
        self.entries.append((model, rid, None))

    def changing(self, model: str, rid: int) -> None:
        self.entries.append((model, rid, dict(self.store.tables[model][rid])))

    def undo(self, mark: int = 0) -> None:
        while len(self.entries) > mark:
            model, rid, saved = self.entries.pop()
            if saved is None:
                self.store.tables[model].pop(rid, None)
            else:
                self.store.tables[model][rid] = saved
        self.store.tick()  # cached searches and indexes saw the undone rows


def _check_right(store: Store, method: str) -> None:
    """The user's access right on notes for ``method`` (create, write), refused as the server refuses that call."""
    key = f"{NOTE}.{method}"
    if key in store.refused:
        raise access_refused(NOTE, method, store.refused[key])


def push_notes(store: Store, model: str, notes):
    """``ardesk.collection.note.ardesk_push_notes(notes)`` (``@api.model``)."""
    if not isinstance(notes, list):
        raise user_error("ardesk_push_notes takes a list of notes.")
    _check_right(store, "create")
    journal = _Journal(store)
    results = []
    try:
        for vals in notes:
            external_id = vals.get("external_id") if isinstance(vals, dict) else None
            mark = len(journal.entries)
            try:
                results.append(_push_one(store, journal, vals))
            except RpcFault as fault:
                if fault.name not in REFUSALS or fault.integrity:  # the database's refusals fail the request
                    raise
                journal.undo(mark)
                results.append(
                    {
                        "external_id": external_id,
                        "status": "refused",
                        "id": False,
                        "message_id": False,
                        "reason": fault.message,
                    }
                )
    except Exception:
        journal.undo()
        raise
    return results


def _push_one(store: Store, journal: _Journal, vals) -> dict:
    from . import orm

    if not isinstance(vals, dict) or not vals.get("external_id"):
        raise user_error("A note needs an external_id.")
    unknown = sorted(set(vals) - PUSH_KEYS)
    if unknown:
        raise user_error(f"Unknown keys in the note: {', '.join(unknown)}")
    company = current_company(store)
    external_id = str(vals["external_id"])
    revision = int(vals.get("revision") or 0)
    found = next(
        (n for n in store.tables[NOTE].values() if n["external_id"] == external_id and n["company_id"] == company),
        None,
    )
    if found and found["revision"] >= revision:
        message = found.get("chatter_message_id")
        return {
            "external_id": external_id,
            "status": "already there",
            "id": found["id"],
            "message_id": message if message in store.tables["mail.message"] else False,
            "reason": False,
        }
    partner = store.tables["res.partner"].get(int(vals.get("partner_id") or 0))
    if partner is None:
        raise user_error(f"No customer with id {vals.get('partner_id')}.")
    partner = store.tables["res.partner"][partner.get("commercial_partner_id") or partner["id"]]
    move = None
    if vals.get("move_id"):
        move = store.tables["account.move"].get(int(vals["move_id"]))
        if move is None or move["move_type"] not in INVOICE_TYPES:
            raise user_error(f"No customer invoice with id {vals.get('move_id')}.")
        if move["commercial_partner_id"] != partner["id"]:
            raise user_error(f"Invoice {move['name']} is not {partner['name']}'s.")
    values = {
        "external_id": external_id,
        "revision": revision,
        "company_id": company,
        "partner_id": partner["id"],
        "move_id": move["id"] if move else False,
        "author": _char(vals.get("author") or False),
        "date": _date(vals.get("date")) or _today(store),
        "text": _char(vals.get("text") or False),
        "outcome": _char(vals.get("outcome") or False),
        "promise_date": _date(vals.get("promise_date") or False),
        "promise_amount": _money(vals.get("promise_amount") or 0.0),
        "promise_state": _selection("promise_state", PROMISE_STATES, vals.get("promise_state") or False),
        "dispute_state": _selection("dispute_state", DISPUTE_STATES, vals.get("dispute_state") or False),
        "disputed_amount": _money(vals.get("disputed_amount") or 0.0),
        "next_action_date": _date(vals.get("next_action_date") or False),
        "followup_level": _char(vals.get("followup_level") or False),
    }
    if found:
        _check_right(store, "write")
        journal.changing(NOTE, found["id"])
        orm.write(store, NOTE, [found["id"]], values)
        note_id, status = found["id"], "updated"
    else:
        note_id, status = orm.create(store, NOTE, values), "created"
        journal.created(NOTE, note_id)
    note = store.tables[NOTE][note_id]
    message_id = _post(store, journal, note, correction=bool(found))
    _followup_flag(store, journal, note)
    _activity(store, journal, note)
    return {"external_id": external_id, "status": status, "id": note_id, "message_id": message_id, "reason": False}


# Values as Odoo's fields convert them (a value they cannot convert raises Python's own error)
def _char(value):
    return value if value is False or isinstance(value, str) else str(value)


def _date(value):
    """``fields.Date.to_date``: the first 10 characters, parsed as YYYY-MM-DD."""
    if not value:
        return False
    value = value[:10]
    return datetime.strptime(value, "%Y-%m-%d").date().isoformat()


def _money(value) -> float:
    """A Monetary value (a float), rounded to the currency's cents."""
    amount = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(amount)


def _selection(name: str, selection, value):
    if not value or value in dict(selection):
        return value or False
    raise ValueError(f"Wrong value for {NOTE}.{name}: {value!r}")


def _text(value) -> str:
    """Text as it is left in a sanitized HTML body (markupsafe's escape, then lxml's serialization)."""
    return html.escape(str(value), quote=False)


def _body(store: Store, note: dict, correction: bool) -> str:
    """``_ardesk_body``, as the mail.message body Odoo stores for it (sanitized: ``<br/>`` becomes ``<br>``)."""
    if correction:
        head = f"Correction of collection note {note['external_id']} (revision {note['revision']})"
    else:
        head = f"Collection note {note['external_id']}"
    first = f"<b>{_text(head)}</b>: {_text(note['date'])}"
    if note.get("author"):
        first += f", {_text(note['author'])}"
    lines = [first]
    if note.get("move_id"):
        lines.append(f"Invoice: {_text(store.tables['account.move'][note['move_id']]['name'])}")
    if note.get("outcome"):
        lines.append(f"Outcome: {_text(note['outcome'])}")
    if note.get("followup_level"):
        lines.append(f"Reminder level: {_text(note['followup_level'])}")
    if note.get("promise_date"):
        amount = (note.get("promise_amount") or 0) / CENT
        lines.append(f"Promise to pay: {_text(amount or '')} by {_text(note['promise_date'])}")
    if note.get("dispute_state"):
        lines.append(f"Dispute: {_text(note['dispute_state'])}")
    if note.get("next_action_date"):
        lines.append(f"Next action: {_text(note['next_action_date'])}")
    if note.get("text"):
        lines.append("")
        lines.extend(_text(line) for line in note["text"].splitlines())
    return "<br>".join(lines)


def _post(store: Store, journal: _Journal, note: dict, correction: bool) -> int:
    """``_ardesk_post``: an internal note on the invoice (else the customer) by the user, then the note's
    ``chatter_message_id`` (a write by the user)."""
    target = ("account.move", note["move_id"]) if note.get("move_id") else ("res.partner", note["partner_id"])
    message_id = specific.message_post(
        store,
        target[0],
        [target[1]],
        body=_body(store, note, correction),
        message_type="comment",
        subtype_xmlid="mail.mt_note",
        author_id=store.tables["res.users"][UID]["partner_id"],
        body_is_html=True,
    )
    journal.created("mail.message", message_id)
    _check_right(store, "write")
    journal.changing(NOTE, note["id"])
    store.update(NOTE, [note["id"]], {"chatter_message_id": message_id})
    return message_id


def followup_flag(store: Store) -> str | None:
    """The journal item's "No Follow-up" field of this version (none in 18)."""
    return "blocked" if store.major <= 17 else "no_followup" if store.major >= 19 else None


def _followup_flag(store: Store, journal: _Journal, note: dict) -> None:
    flag = followup_flag(store)
    if not note.get("move_id") or not note.get("dispute_state") or not flag:
        return
    wanted = note["dispute_state"] == "open"
    accounts = store.tables["account.account"]
    lines = [
        lid
        for lid in store.children(AML, "move_id", note["move_id"])
        if accounts[store.tables[AML][lid]["account_id"]].get("account_type") == "asset_receivable"
        and bool(store.tables[AML][lid].get(flag)) != wanted
    ]
    if lines:
        for lid in lines:
            journal.changing(AML, lid)
        store.update(AML, lines, {flag: wanted})


def _activity(store: Store, journal: _Journal, note: dict) -> None:
    """``_ardesk_activity``: one To-Do on the customer at the next action date, moved by a newer revision."""
    from . import orm

    if not note.get("next_action_date"):
        return
    summary = f"Follow up collection note {note['external_id']}"
    partner_model = _ir_model(store, "res.partner")
    archivable = "active" in store.fields["mail.activity"]
    existing = sorted(
        (
            a
            for a in store.tables["mail.activity"].values()
            if a["res_model_id"] == partner_model
            and a.get("res_id") == note["partner_id"]
            and a.get("summary") == summary
            and (not archivable or a.get("active", True))
        ),
        key=lambda a: (a["date_deadline"], a["id"]),
    )
    if existing:
        journal.changing("mail.activity", existing[0]["id"])
        store.update("mail.activity", [existing[0]["id"]], {"date_deadline": note["next_action_date"]})
        return
    activity_id = orm.create(
        store,
        "mail.activity",
        {
            "res_model_id": partner_model,
            "res_id": note["partner_id"],
            "activity_type_id": _xmlid(store, "mail", "mail_activity_data_todo"),
            "date_deadline": note["next_action_date"],
            "summary": summary,
            "note": _text(note.get("text") or ""),
            "automated": True,
            "user_id": UID,
        },
    )
    journal.created("mail.activity", activity_id)


# -- registration -------------------------------------------------------------------------------------------------
def register() -> None:
    specific.SPECIFIC[(NOTE, "ardesk_push_notes")] = push_notes
    specific.DEFAULTS[NOTE] = note_defaults
    specific.ROW_CHECKS[NOTE] = check_note
    specific.STORED_COMPUTES[NOTE] = note_currency
    for name in (
        "ardesk_stage",
        "ardesk_note_count",
        "ardesk_last_contact",
        "ardesk_next_action_date",
        "ardesk_promise_amount",
        "ardesk_promise_date",
        "ardesk_disputed_amount",
        "ardesk_currency_id",
        "ardesk_followup_level",
        "ardesk_followup_date",
    ):
        COMPUTERS[("res.partner", name)] = _summary_field(_partner_summary, name)
    for name in ("ardesk_note_count", "ardesk_dispute_state"):
        COMPUTERS[("account.move", name)] = _summary_field(_move_summary, name)


register()
