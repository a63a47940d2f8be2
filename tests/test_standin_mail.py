"""What writing collection notes back to Odoo uses, on the stand-in, through the real odoorpc 0.10.1 client over HTTP:
chatter notes found again by their Message-Id, the "no follow-up" flag of journal items per version, activities,
and the faults a write-back must survive (a reply lost after the work was done, an access right refused)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from datetime import date

import odoorpc
import pytest

from connectors.odoo import pull
from receivables.config import OdooConfig
from tests.odoo_standin import start_standin

AML = "account.move.line"
TODAY = date(2026, 10, 31)
# what a collections desk sets on an invoice's receivable lines to stop reminders: gone from journal items in 18
FOLLOWUP_FLAG = {"14.0": "blocked", "16.0": "blocked", "17.0": "blocked", "19.0": "no_followup"}
LOST = (http.client.RemoteDisconnected, urllib.error.URLError, ConnectionError)
NOT_NULL_16_18 = (
    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model "
    "requires the record being deleted. If possible, archive it instead.\n\nModel: Activity (mail.activity)\n"
    "Field: {label} ({field})\n"
)
NOT_NULL_19 = (
    "The operation cannot be completed: Missing required value for the field '{label}' ({field}).\n"
    "Model: 'Activity' (mail.activity)\n- create/update: a mandatory field is not set\n"
    "- delete: another model requires the record being deleted, you can archive it instead\n"
)


def connect(standin) -> odoorpc.ODOO:
    odoo = odoorpc.ODOO(standin.host, port=standin.port, timeout=10)
    odoo.login(standin.db, "admin", "admin")
    return odoo


def rpc_error(fn, *args) -> dict:
    """The ``error`` member of the JSON-RPC answer to ``fn(*args)``."""
    with pytest.raises(odoorpc.error.RPCError) as caught:
        fn(*args)
    return caught.value.info


def config(standin) -> OdooConfig:
    return OdooConfig(url=standin.url, db=standin.db, user="admin", batch_size=40, retries=1, backoff=0.001,
                      timeout=10)


def an_invoice(odoo) -> int:
    return odoo.execute_kw("account.move", "search", [[("move_type", "=", "out_invoice"),
                                                       ("state", "=", "posted")]], {"limit": 1})[0]


def stored_messages(standin, message_id: str) -> list[dict]:
    return [m for m in standin.store.tables["mail.message"].values() if m["message_id"] == message_id]


def todo_type(odoo) -> int:
    """mail.mail_activity_data_todo, the way a client resolves it without admin-only methods."""
    rows = odoo.execute_kw("ir.model.data", "search_read",
                           [[("module", "=", "mail"), ("name", "=", "mail_activity_data_todo")], ["model", "res_id"]])
    assert [r["model"] for r in rows] == ["mail.activity.type"]
    return rows[0]["res_id"]


def model_id(odoo, model: str) -> int:
    ids = odoo.execute_kw("ir.model", "search", [[("model", "=", model)]])
    assert len(ids) == 1
    return ids[0]


# -- chatter notes ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_note_posted_then_found_by_its_message_id(version):
    with start_standin(version) as standin:
        odoo = connect(standin)
        move_id = an_invoice(odoo)
        key = "<ardesk-note-7f3a@ardesk>"
        posted = odoo.env["account.move"].browse(move_id).message_post(
            body="Customer promised to pay <Friday> & asked for a copy", message_type="comment",
            subtype_xmlid="mail.mt_note", message_id=key)
        assert isinstance(posted, int)
        # a retry looks the note up by its Message-Id (and the document it is on) before posting again
        domain = [("message_id", "=", key), ("model", "=", "account.move"), ("res_id", "=", move_id)]
        assert odoo.execute_kw("mail.message", "search", [domain]) == [posted]
        found = odoo.execute_kw("mail.message", "search_read",
                                [domain, ["body", "message_type", "subtype_id", "message_id", "model", "res_id"]])
        assert found == [{
            "id": posted, "body": "<p>Customer promised to pay &lt;Friday&gt; &amp; asked for a copy</p>",
            "message_type": "comment", "subtype_id": [2, "Note"], "message_id": key, "model": "account.move",
            "res_id": move_id,
        }]
        assert odoo.execute_kw("mail.message", "search", [[("message_id", "=", "<ardesk-note-other@ardesk>")]]) == []
        # Odoo itself does not deduplicate: posting the same Message-Id twice makes two notes
        again = odoo.execute_kw("account.move", "message_post", [[move_id]],
                                {"body": "again", "message_type": "comment", "subtype_xmlid": "mail.mt_note",
                                 "message_id": key})
        assert again != posted and odoo.execute_kw("mail.message", "search_count", [domain]) == 2
        # customers have a chatter too
        partner_key = "<ardesk-note-partner@ardesk>"
        on_partner = odoo.execute_kw("res.partner", "message_post", [[4]],
                                     {"body": "Statement sent", "message_type": "comment",
                                      "subtype_xmlid": "mail.mt_note", "message_id": partner_key})
        assert odoo.execute_kw("mail.message", "search_read",
                               [[("message_id", "=", partner_key)], ["model", "res_id", "body"]]) == [
            {"id": on_partner, "model": "res.partner", "res_id": 4, "body": "<p>Statement sent</p>"}]


@pytest.mark.parametrize("version", ["14.0", "16.0", "17.0", "18.0", "19.0"])
def test_message_post_on_customers_and_on_records_that_are_gone(version):
    with start_standin(version) as standin:
        odoo = connect(standin)
        posted = odoo.execute_kw("res.partner", "message_post", [[5]],
                                 {"body": "Called, no answer", "message_type": "comment",
                                  "subtype_xmlid": "mail.mt_note", "message_id": "<ardesk-note-1@ardesk>"})
        row = standin.store.tables["mail.message"][posted]
        assert (row["model"], row["res_id"], row["body"]) == ("res.partner", 5, "<p>Called, no answer</p>")
        before = len(standin.store.tables["mail.message"])
        for model in ("res.partner", "account.move"):
            info = rpc_error(odoo.execute_kw, model, "message_post", [[999999]],
                             {"body": "x", "message_type": "comment", "subtype_xmlid": "mail.mt_note"})
            assert (info["data"]["name"], info["data"]["message"]) == (
                "odoo.exceptions.MissingError",
                f"Record does not exist or has been deleted.\n(Record: {model}(999999,), User: 2)")
        assert len(standin.store.tables["mail.message"]) == before


# -- the "no follow-up" flag on journal items ------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_follow_up_flag_written_on_receivable_lines_is_seen_by_the_pull(version):
    flag = FOLLOWUP_FLAG[version]
    with start_standin(version) as standin:
        odoo = connect(standin)
        inv = standin.add_invoice(4, "900.00", date(2026, 9, 1), [date(2026, 10, 1), date(2026, 11, 1)])
        books, state = pull(config(standin), password="admin", today=TODAY)
        domain = [("move_id", "=", inv), ("account_id.account_type", "=", "asset_receivable")]
        lines = odoo.execute_kw(AML, "search_read", [domain, [flag, "write_date"]], {"order": "date_maturity"})
        assert len(lines) == 2 and not any(r[flag] for r in lines)
        first, second = lines[0]["id"], lines[1]["id"]
        assert odoo.execute_kw(AML, "fields_get", [[flag]], {"attributes": ["type", "store", "readonly"]}) == {
            flag: {"type": "boolean", "store": True, "readonly": False}}

        assert odoo.execute_kw(AML, "write", [[first], {flag: True}]) is True
        after = odoo.execute_kw(AML, "read", [[first, second], [flag, "write_date"]])
        assert [r[flag] for r in after] == [True, False]
        assert after[0]["write_date"] > lines[0]["write_date"] and after[1]["write_date"] == lines[1]["write_date"]
        assert odoo.execute_kw(AML, "search", [domain + [(flag, "=", True)]]) == [first]
        if version == "19.0":  # the invoice's own flag follows its lines
            assert odoo.execute_kw("account.move", "read", [[inv], ["no_followup"]])[0]["no_followup"] is True

        def flags(pulled) -> dict:
            return {it.id: it.flags for it in pulled.items if it.id in (f"aml:{first}", f"aml:{second}")}

        # the pull reads the same field: an incremental pull and a full pull both see the flag
        assert flags(books) == {f"aml:{first}": frozenset(), f"aml:{second}": frozenset()}
        again, state = pull(config(standin), password="admin", today=TODAY, previous=books, state=state)
        fresh, _ = pull(config(standin), password="admin", today=TODAY)
        want = {f"aml:{first}": frozenset({"no_followup"}), f"aml:{second}": frozenset()}
        assert flags(again) == flags(fresh) == want
        # and cleared again
        assert odoo.execute_kw(AML, "write", [[first], {flag: False}]) is True
        cleared, _ = pull(config(standin), password="admin", today=TODAY, previous=again, state=state)
        assert flags(cleared) == flags(books)


def test_journal_items_have_no_follow_up_flag_in_18():
    with start_standin("18.0") as standin:
        odoo = connect(standin)
        lid = odoo.execute_kw(AML, "search", [[("move_id", "=", an_invoice(odoo)),
                                                ("account_id.account_type", "=", "asset_receivable")]])[0]
        row = dict(standin.store.tables[AML][lid])
        assert not {"blocked", "no_followup"} & set(odoo.execute_kw(AML, "fields_get", [], {"attributes": ["type"]}))
        for flag in ("blocked", "no_followup"):
            read = rpc_error(odoo.execute_kw, AML, "search_read", [[("id", "=", lid)], ["amount_residual", flag]])
            write = rpc_error(odoo.execute_kw, AML, "write", [[lid], {flag: True}])
            for info in (read, write):
                assert (info["data"]["name"], info["data"]["message"]) == (
                    "builtins.ValueError", f"Invalid field '{flag}' on model '{AML}'")
            leaf = rpc_error(odoo.execute_kw, AML, "search", [[(flag, "=", True)]])
            assert leaf["data"]["message"] == f"Invalid field {AML}.{flag} in leaf ('{flag}', '=', True)"
        assert standin.store.tables[AML][lid] == row  # nothing was written
        # 18 blocks follow-ups on the invoice instead (payment_state 'blocked')
        states = odoo.execute_kw("account.move", "fields_get", [["payment_state"]], {"attributes": ["selection"]})
        assert ["blocked", "Blocked"] in states["payment_state"]["selection"]


def test_write_keeps_odoo_errors_for_unknown_fields_and_records():
    with start_standin("19.0") as standin:
        odoo = connect(standin)
        info = rpc_error(odoo.execute_kw, AML, "write", [[1], {"blocked": True}])
        # write words it "on model" in 19 too, unlike reading an unknown field
        assert info["data"]["message"] == f"Invalid field 'blocked' on model '{AML}'"
        info = rpc_error(odoo.execute_kw, AML, "write", [[999999], {"no_followup": True}])
        assert (info["data"]["name"], info["data"]["message"]) == (
            "odoo.exceptions.MissingError",
            f"Record does not exist or has been deleted.\n(Record: {AML}(999999,), User: 2)")


# -- activities ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["14.0", "17.0", "19.0"])
def test_activity_created_found_and_removed(version):
    with start_standin(version) as standin:
        odoo = connect(standin)
        todo = todo_type(odoo)
        assert odoo.env.ref("mail.mail_activity_data_todo").id == todo  # check_object_reference
        assert odoo.execute_kw("mail.activity.type", "read", [[todo], ["name"]]) == [{"id": todo, "name": "To-Do"}]
        models = odoo.execute_kw("ir.model", "search_read",
                                 [[("model", "in", ["res.partner", "account.move"])], ["model", "name"]])
        assert {m["model"]: m["name"] for m in models} == {"res.partner": "Contact", "account.move": "Journal Entry"}
        move_id = an_invoice(odoo)
        move_name = odoo.execute_kw("account.move", "read", [[move_id], ["name"]])[0]["name"]
        aid = odoo.execute_kw("mail.activity", "create", [{
            "res_model_id": model_id(odoo, "account.move"), "res_id": move_id, "activity_type_id": todo,
            "summary": "Call back about the promise", "note": "Promised to pay Friday", "date_deadline": "2026-11-06",
            "user_id": 2,
        }])
        assert isinstance(aid, int)
        on_partner = odoo.execute_kw("mail.activity", "create", [{
            "res_model_id": model_id(odoo, "res.partner"), "res_id": 4, "activity_type_id": todo,
            "summary": "Send statement", "date_deadline": "2026-10-20", "note": "R&amp;D &lt;by Friday&gt; & co",
        }])
        # found by the document it is on: res_model is the stored related of res_model_id.model
        domain = [("res_model", "=", "account.move"), ("res_id", "=", move_id)]
        assert odoo.execute_kw("mail.activity", "search", [domain]) == [aid]
        fields = ["res_model", "res_id", "res_name", "activity_type_id", "summary", "note", "date_deadline",
                  "user_id", "state"]
        assert odoo.execute_kw("mail.activity", "search_read", [domain, fields]) == [{
            "id": aid, "res_model": "account.move", "res_id": move_id, "res_name": move_name,
            "activity_type_id": [todo, "To-Do"], "summary": "Call back about the promise",
            "note": "<p>Promised to pay Friday</p>", "date_deadline": "2026-11-06", "user_id": [2, "Mitchell Admin"],
            "state": "planned",
        }]
        partner = odoo.execute_kw("mail.activity", "read", [[on_partner], ["res_model", "user_id", "state", "note"]])
        assert partner == [{"id": on_partner, "res_model": "res.partner", "user_id": [2, "Mitchell Admin"],
                            "state": "overdue",  # assigned to the caller by default
                            "note": "<p>R&amp;D &lt;by Friday&gt; &amp; co</p>"}]  # sanitized: entities kept
        assert odoo.execute_kw("mail.activity", "search", [[("res_model", "=", "res.partner")]]) == [on_partner]
        assert odoo.execute_kw("mail.activity", "search", [[]]) == [on_partner, aid]  # date_deadline ASC
        described = odoo.execute_kw("mail.activity", "fields_get", [["res_model", "res_id", "res_model_id"]],
                                    {"attributes": ["type", "store", "required", "related", "relation"]})
        assert described["res_model"] == {"type": "char", "store": True, "required": False,
                                          "related": "res_model_id.model"}
        assert described["res_model_id"]["relation"] == "ir.model" and described["res_model_id"]["required"]
        assert described["res_id"]["type"] == "many2one_reference"
        assert described["res_id"]["required"] == (version == "14.0")  # a CHECK constraint from 17 on

        # moved to another day; a deadline cannot be taken away
        assert odoo.execute_kw("mail.activity", "write", [[aid], {"date_deadline": "2026-11-09"}]) is True
        assert odoo.execute_kw("mail.activity", "read", [[aid], ["date_deadline"]])[0]["date_deadline"] == "2026-11-09"
        info = rpc_error(odoo.execute_kw, "mail.activity", "write", [[aid], {"date_deadline": False}])
        assert info["data"]["name"] == "odoo.exceptions.ValidationError"
        assert "(date_deadline)" in info["data"]["message"]
        assert standin.store.tables["mail.activity"][aid]["date_deadline"] == "2026-11-09"

        assert odoo.execute_kw("mail.activity", "unlink", [[aid]]) is True
        assert odoo.execute_kw("mail.activity", "search", [domain]) == []
        assert odoo.execute_kw("mail.activity", "read", [[aid], ["summary"]]) == []
        # unlink reads the activity first: one that is gone already is a MissingError, not a silent success
        info = rpc_error(odoo.execute_kw, "mail.activity", "unlink", [[aid]])
        assert (info["data"]["name"], info["data"]["message"]) == (
            "odoo.exceptions.MissingError",
            f"Record does not exist or has been deleted.\n(Record: mail.activity({aid},), User: 2)")


@pytest.mark.parametrize("version", ["14.0", "16.0", "17.0", "18.0", "19.0"])
def test_activity_missing_a_required_value_is_refused_as_odoo_words_it(version):
    """A missing required value is refused by PostgreSQL (NOT NULL, or 17+'s CHECK on res_id) and answered as the
    ValidationError Odoo's RPC layer makes of it, never as psycopg2's own text; nothing is stored."""
    major = int(version.split(".")[0])
    with start_standin(version) as standin:
        odoo = connect(standin)
        move_id, account_move = an_invoice(odoo), model_id(odoo, "account.move")

        def refused(vals: dict) -> str:
            info = rpc_error(odoo.execute_kw, "mail.activity", "create", [vals])
            assert info["data"]["name"] == "odoo.exceptions.ValidationError"
            assert info["code"] == (0 if major >= 19 else 200)
            return info["data"]["message"]

        def not_null(label: str, field: str) -> str:
            if major >= 19:
                return NOT_NULL_19.format(label=label, field=field)
            if major >= 16:
                return NOT_NULL_16_18.format(label=label, field=field)
            return NOT_NULL_16_18.format(label=label, field=field).replace(")\nField:", "), Field:")[:-1]

        assert refused({"res_id": move_id, "summary": "x"}) == not_null("Document Model", "res_model_id")
        no_res_id = refused({"res_model_id": account_move, "summary": "x"})
        if major >= 17:
            assert no_res_id == "The operation cannot be completed: Activities have to be linked to records with " \
                                "a not null res_id."
        else:
            assert no_res_id == not_null("Related Document ID", "res_id")
        # date_deadline and user_id have defaults (today, the caller); set to False they are NULL
        vals = {"res_model_id": account_move, "res_id": move_id}
        assert refused({**vals, "date_deadline": False}) == not_null("Due Date", "date_deadline")
        assert refused({**vals, "user_id": False}) == not_null("Assigned to", "user_id")
        # a record that does not exist
        info = rpc_error(odoo.execute_kw, "mail.activity", "create", [{**vals, "res_id": 999999}])
        assert (info["data"]["name"], info["data"]["message"]) == (
            "odoo.exceptions.MissingError",
            "Record does not exist or has been deleted.\n(Record: account.move(999999,), User: 2)")
        assert standin.store.tables["mail.activity"] == {}
        aid = odoo.execute_kw("mail.activity", "create", [vals])
        assert odoo.execute_kw("mail.activity", "read", [[aid], ["date_deadline", "user_id", "activity_type_id"]]) == [
            {"id": aid, "date_deadline": "2026-10-31", "user_id": [2, "Mitchell Admin"], "activity_type_id": False}]


# -- faults --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_lost_reply_after_message_post_leaves_exactly_one_note(version):
    with start_standin(version) as standin:
        odoo = connect(standin)
        move_id = an_invoice(odoo)
        key = "<ardesk-note-lost@ardesk>"
        post = {"body": "Promised Friday", "message_type": "comment", "subtype_xmlid": "mail.mt_note",
                "message_id": key}
        standin.set_faults(lost_reply_at=1)
        with pytest.raises(LOST):
            odoo.execute_kw("account.move", "message_post", [[move_id]], post)
        # the work was done and kept: the client cannot tell, so it looks before posting again
        assert standin.calls["message_post"] == 1 and len(stored_messages(standin, key)) == 1
        found = odoo.execute_kw("mail.message", "search", [[("message_id", "=", key), ("model", "=", "account.move"),
                                                            ("res_id", "=", move_id)]])
        assert found == [stored_messages(standin, key)[0]["id"]]
        assert len(stored_messages(standin, key)) == 1
        # the server answers again from the next request on
        assert odoo.execute_kw("mail.message", "search_count", [[("message_id", "=", key)]]) == 1


def test_lost_reply_after_a_write_and_a_create_keeps_their_changes():
    with start_standin("17.0") as standin:
        odoo = connect(standin)
        move_id = an_invoice(odoo)
        lid = odoo.execute_kw(AML, "search", [[("move_id", "=", move_id),
                                                ("account_id.account_type", "=", "asset_receivable")]])[0]
        vals = {"res_model_id": model_id(odoo, "account.move"), "res_id": move_id, "summary": "Call back",
                "activity_type_id": todo_type(odoo)}
        standin.set_faults(lost_reply_at=[1, 2])
        with pytest.raises(LOST):
            odoo.execute_kw(AML, "write", [[lid], {"blocked": True}])
        with pytest.raises(LOST):
            odoo.execute_kw("mail.activity", "create", [vals])
        assert odoo.execute_kw(AML, "read", [[lid], ["blocked"]]) == [{"id": lid, "blocked": True}]
        assert odoo.execute_kw("mail.activity", "search_read", [[("res_id", "=", move_id)], ["summary"]]) == [
            {"id": 1, "summary": "Call back"}]
        # a lost reply is not a drop: drop_at loses the request itself, nothing is done
        standin.set_faults(drop_at=1, lost_reply_at=2)
        with pytest.raises(LOST):
            odoo.execute_kw("mail.activity", "create", [{**vals, "summary": "dropped"}])
        with pytest.raises(LOST):
            odoo.execute_kw("mail.activity", "create", [{**vals, "summary": "lost reply"}])
        summaries = sorted(a["summary"] for a in standin.store.tables["mail.activity"].values())
        assert summaries == ["Call back", "lost reply"]


def test_drop_and_http_500_before_a_post_leave_nothing():
    with start_standin("17.0") as standin:
        odoo = connect(standin)
        move_id = an_invoice(odoo)
        post = {"body": "x", "message_type": "comment", "subtype_xmlid": "mail.mt_note",
                "message_id": "<ardesk-note-never@ardesk>"}
        standin.set_faults(drop_at=1, http_500_at=2)
        with pytest.raises(LOST):
            odoo.execute_kw("account.move", "message_post", [[move_id]], post)
        with pytest.raises(urllib.error.HTTPError) as failed:
            odoo.execute_kw("account.move", "message_post", [[move_id]], post)
        assert failed.value.code == 500
        assert stored_messages(standin, post["message_id"]) == [] and standin.calls["message_post"] == 0
        assert isinstance(odoo.execute_kw("account.move", "message_post", [[move_id]], post), int)  # request 3
        assert len(stored_messages(standin, post["message_id"])) == 1


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_refused_calls_answer_odoo_access_errors(version):
    with start_standin(version) as standin:
        odoo = connect(standin)
        move_id = an_invoice(odoo)
        lid = odoo.execute_kw(AML, "search", [[("move_id", "=", move_id)]])[0]
        post = {"body": "x", "message_type": "comment", "subtype_xmlid": "mail.mt_note",
                "message_id": "<ardesk-note-refused@ardesk>"}
        own = "You are not allowed to post on this invoice."
        standin.set_faults(refuse={"account.move.message_post": own, f"{AML}.write": True})
        info = rpc_error(odoo.execute_kw, "account.move", "message_post", [[move_id]], post)
        assert info["code"] == (0 if version == "19.0" else 200) and info["message"] == "Odoo Server Error"
        assert set(info["data"]) == {"name", "message", "arguments", "context", "debug"}
        assert (info["data"]["name"], info["data"]["message"]) == ("odoo.exceptions.AccessError", own)
        flag = FOLLOWUP_FLAG[version]
        info = rpc_error(odoo.execute_kw, AML, "write", [[lid], {flag: True}])
        assert info["data"]["name"] == "odoo.exceptions.AccessError"
        assert info["data"]["message"].startswith(
            "You are not allowed to modify 'Journal Item' (account.move.line) records.")
        assert stored_messages(standin, post["message_id"]) == [] and not standin.store.tables[AML][lid][flag]
        # only the named calls are refused: reading, other models' notes, other methods go through
        assert odoo.execute_kw(AML, "read", [[lid], [flag]]) == [{"id": lid, flag: False}]
        assert isinstance(odoo.execute_kw("res.partner", "message_post", [[4]], post), int)
        # refusals stay until replaced, whatever other faults are set
        standin.set_faults(latency=0)
        assert rpc_error(odoo.execute_kw, "account.move", "message_post", [[move_id]], post)["data"]["message"] == own
        standin.set_faults(refuse={})
        assert isinstance(odoo.execute_kw("account.move", "message_post", [[move_id]], post), int)


def test_refusal_and_activities_over_json2():
    with start_standin("19.0") as standin:
        auth = {"Authorization": f"bearer {standin.api_key}", "X-Odoo-Database": standin.db,
                "Content-Type": "application/json"}

        def post(path: str, body: dict):
            req = urllib.request.Request(standin.url + path, data=json.dumps(body).encode(), headers=auth)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as exc:
                return exc.code, json.loads(exc.read())

        move_model = standin.call("ir.model", "search", [("model", "=", "account.move")])[0]
        status, aid = post("/json/2/mail.activity/create", {"vals_list": [{"res_model_id": move_model, "res_id": 1,
                                                                            "summary": "Call"}]})
        assert status == 200 and isinstance(aid, list) and len(aid) == 1
        status, rows = post("/json/2/mail.activity/search_read",
                            {"domain": [["res_model", "=", "account.move"]], "fields": ["summary", "res_id"]})
        assert (status, rows) == (200, [{"id": aid[0], "summary": "Call", "res_id": 1}])
        status, error = post("/json/2/mail.activity/create", {"vals_list": [{"res_id": 1}]})
        assert status == 422 and error["name"] == "odoo.exceptions.ValidationError"
        standin.set_faults(refuse={"mail.activity.unlink": ""})
        status, error = post("/json/2/mail.activity/unlink", {"ids": aid})
        assert status == 403 and error["name"] == "odoo.exceptions.AccessError"
        assert error["message"].startswith("You are not allowed to delete 'Activity' (mail.activity) records.")
        assert list(standin.store.tables["mail.activity"]) == aid
