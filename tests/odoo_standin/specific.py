"""Methods only some models have: ``res.users.context_get``, external ids, ``message_post`` on models with a
chatter, ``account.move.get_portal_url`` and the move's state buttons.
"""

from __future__ import annotations

import hashlib
import html

from . import business as biz
from .errors import RpcFault, expected_singleton, rpc_value_error
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
        raise RpcFault(
            "odoo.exceptions.MissingError",
            f"Record does not exist or has been deleted.\n(Record: {model}({ids[0]},), User: 2)",
        )
    text = body or ""
    if store.major >= 17 and not body_is_html:
        text = "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""
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
    ids = _ids(ids)
    if len(ids) != 1:
        raise expected_singleton(model, ids)
    token = hashlib.sha1(f"standin-{ids[0]}".encode()).hexdigest()[:36]
    return f"/my/invoices/{ids[0]}{suffix or ''}?access_token={token}"


def _state_method(state: str):
    def change(store: Store, model: str, ids):
        for rid in _ids(ids):
            if rid not in store.tables[model]:
                raise RpcFault(
                    "odoo.exceptions.MissingError",
                    f"Record does not exist or has been deleted.\n(Record: {model}({rid},), User: 2)",
                )
            biz.set_state(store, rid, state)
        return True

    return change


SPECIFIC = {
    ("res.users", "context_get"): context_get,
    ("ir.model.data", "check_object_reference"): check_object_reference,
    ("ir.model.data", "xmlid_to_res_model_res_id"): xmlid_to_res_model_res_id,
    ("account.move", "get_portal_url"): get_portal_url,
    ("account.move", "action_post"): _state_method("posted"),
    ("account.move", "button_draft"): _state_method("draft"),
    ("account.move", "button_cancel"): _state_method("cancel"),
}
