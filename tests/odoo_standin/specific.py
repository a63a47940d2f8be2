"""Methods only some models have: ``res.users.context_get``, external ids, ``message_post`` on models with a
chatter, ``account.move.get_portal_url``, the move's state buttons, and what ``mail.activity`` does on create and
unlink beyond the generic ORM (its defaults, its CHECK and FOREIGN KEY constraints, the document it points at).
"""

from __future__ import annotations

import hashlib
import html
import uuid

from . import business as biz
from .errors import (
    check_violation,
    expected_singleton,
    foreign_key,
    missing_record,
    rpc_value_error,
)
from .store import Store

MESSAGE_KWARGS = {
    "body",
    "subject",
    "message_type",
    "email_from",
    "author_id",
    "parent_id",
    "subtype_xmlid",
    "subtype_id",
    "partner_ids",
    "attachments",
    "attachment_ids",
    "body_is_html",
    "message_id",
    "date",
    "is_internal",
    "email_layout_xmlid",
    "email_add_signature",
    "record_name",
    "reply_to",
    "model_description",
    "outgoing_email_to",
    "incoming_email_to",
    "incoming_email_cc",
}


def _ids(ids) -> list[int]:
    if ids is False or ids is None:
        return []
    if isinstance(ids, int):
        return [ids]
    return [int(i) for i in ids]


def bare_html(text: str) -> str:
    """What ``tools.html_sanitize`` makes of HTML that is bare text (no tag): one paragraph, its entities kept as
    entities (``"yop"`` -> ``"<p>yop</p>"``, ``"a & b"`` and ``"a &amp; b"`` -> ``"<p>a &amp; b</p>"``)."""
    return "<p>" + html.escape(html.unescape(text), quote=False) + "</p>"


def context_get(store: Store, model: str):
    return {"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}


def check_object_reference(store: Store, model: str, module, xml_id, raise_on_access_error=False):
    for row in store.tables["ir.model.data"].values():
        if row["module"] == module and row["name"] == xml_id:
            return [row["model"], row["res_id"]]
    raise rpc_value_error(f"External ID not found in the system: {module}.{xml_id}")


def xmlid_to_res_model_res_id(store: Store, model: str, xmlid, raise_if_not_found=False):
    module, _, name = str(xmlid).partition(".")
    return check_object_reference(store, model, module, name)


def message_post(
    store: Store,
    model: str,
    ids,
    body="",
    subject=None,
    message_type="notification",
    subtype_xmlid=None,
    subtype_id=False,
    partner_ids=None,
    message_id=None,
    body_is_html=False,
    author_id=None,
    email_from=None,
    **extra,
):
    unsupported = sorted(set(extra) - MESSAGE_KWARGS)
    if unsupported:
        raise rpc_value_error(
            "Those values are not supported when posting or notifying: " + ", ".join(unsupported)
        )
    ids = _ids(ids)
    if len(ids) != 1:
        raise expected_singleton(model, ids)
    if ids[0] not in store.tables[model]:
        raise missing_record(model, ids[0])
    text = body or ""
    if store.major >= 17 and not body_is_html:
        text = "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""
    elif text and "<" not in text:
        text = bare_html(text)  # 14-16, or an HTML body: sanitized as HTML
    if subtype_xmlid:
        subtype = check_object_reference(store, model, *str(subtype_xmlid).split(".", 1))[1]
    else:
        subtype = subtype_id or 2
    mid = store.insert(
        "mail.message",
        {
            "subject": subject or False,
            "body": text,
            "model": model,
            "res_id": ids[0],
            "date": store.clock.strftime("%Y-%m-%d %H:%M:%S"),
            "message_type": message_type,
            "subtype_id": subtype,
            "author_id": author_id or 3,
            "partner_ids": list(partner_ids or []),
            "message_id": message_id or f"<{store.next_id['mail.message']}-standin-{ids[0]}-{model}@standin>",
            "email_from": email_from or '"Mitchell Admin" <admin@standin.example>',
            "is_internal": subtype == 2,
        },
    )
    return mid


def get_portal_url(
    store: Store,
    model: str,
    ids,
    suffix=None,
    report_type=None,
    download=None,
    query_string=None,
    anchor=None,
):
    """portal.mixin.get_portal_url: the record's portal path with its access token, which the first call makes and
    stores (``_portal_ensure_token``, as the superuser)."""
    ids = _ids(ids)
    if len(ids) != 1:
        raise expected_singleton(model, ids)
    row = store.tables[model].get(ids[0])
    if row is None:
        raise missing_record(model, ids[0])
    token = row.get("access_token")
    if not token:
        token = str(uuid.UUID(bytes=hashlib.sha1(f"standin-{ids[0]}".encode()).digest()[:16]))
        store.update(model, [ids[0]], {"access_token": token})
    return f"/my/invoices/{ids[0]}{suffix or ''}?access_token={token}"


def get_base_url(store: Store, model: str, ids):
    """BaseModel.get_base_url: the ``web.base.url`` system parameter (one record, or none)."""
    ids = _ids(ids)
    if len(ids) > 1:
        raise expected_singleton(model, ids)
    return getattr(store, "base_url", "http://localhost:8069")


def _state_method(state: str):
    def change(store: Store, model: str, ids):
        for rid in _ids(ids):
            if rid not in store.tables[model]:
                raise missing_record(model, rid)
            biz.set_state(store, rid, state)
        return True

    return change


# -- activities -------------------------------------------------------------------------------------------------
def activity_defaults(store: Store) -> dict:
    """mail.activity's field defaults: assigned to the calling user, due today (``fields.Date.context_today``).
    ``activity_type_id`` has none over RPC: its default needs a ``default_res_model(_id)`` in the context."""
    return {"user_id": 2, "date_deadline": store.clock.strftime("%Y-%m-%d"), "automated": False}


def check_activity(store: Store, row: dict, changed) -> None:
    """What refuses an activity row (as created, or as a write of ``changed`` fields leaves it) once its NOT NULL
    columns are set, in the order PostgreSQL and Odoo check: the ``check_res_id_is_set`` CHECK constraint (17+;
    up to 16 ``res_id`` is NOT NULL instead), the foreign keys of the columns set, then the document itself when
    it changes: computing the stored ``res_name`` reads it, which fails on a record that does not exist with the
    document's MissingError."""
    if store.major >= 17 and not row.get("res_id"):
        raise check_violation("Activities have to be linked to records with a not null res_id.")
    for name in ("res_model_id", "activity_type_id", "user_id"):
        value = row.get(name)
        if name in changed and value and value not in store.tables[store.fields["mail.activity"][name].relation]:
            raise foreign_key(store, "mail.activity", name)
    document = store.activity_document(row)
    if ("res_model_id" in changed or "res_id" in changed) and (
        document is None or document[1] not in store.tables[document[0]]
    ):
        raise missing_record(store.tables["ir.model"][row["res_model_id"]]["model"], row.get("res_id"))


def activity_unlink(store: Store, model: str, ids):
    """mail.activity.unlink reads each activity's ``date_deadline`` first (to notify its assignee), so an id that
    no longer exists (deleted earlier, by another user or by a first try whose answer was lost) is a MissingError
    rather than the silent success of a plain unlink."""
    ids = _ids(ids)
    for rid in ids:
        if rid not in store.tables[model]:
            raise missing_record(model, rid)
    store.remove(model, ids)
    return True


# Per-model field defaults (added to the generic ones; None: no default), row checks run before a created or written
# row is stored, and stored computed fields (model -> fn(store, row) -> values) set on each row created or written.
# Add-ons (addons.py) add their models' own.
DEFAULTS = {"mail.activity": activity_defaults, "mail.activity.type": lambda store: {"delay_unit": "days"}}
ROW_CHECKS = {"mail.activity": check_activity}
STORED_COMPUTES: dict = {}

SPECIFIC = {
    ("res.users", "context_get"): context_get,
    ("ir.model.data", "check_object_reference"): check_object_reference,
    ("ir.model.data", "xmlid_to_res_model_res_id"): xmlid_to_res_model_res_id,
    ("account.move", "get_portal_url"): get_portal_url,
    ("account.move", "get_base_url"): get_base_url,
    ("account.move", "action_post"): _state_method("posted"),
    ("account.move", "button_draft"): _state_method("draft"),
    ("account.move", "button_cancel"): _state_method("cancel"),
    ("mail.activity", "unlink"): activity_unlink,
}
