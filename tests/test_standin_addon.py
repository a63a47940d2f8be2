"""The stand-in with the ardesk_collections add-on installed (``StandIn(version, addons=("ardesk_collections",))``),
through the real odoorpc 0.10.1 client over HTTP: the add-on's model, its unique Note ID per company and its one
public method ``ardesk_push_notes``, case for case as the add-on's own tests
(addon/17.0/ardesk_collections/tests/test_collection_note.py) check them, and the faults a push must survive."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from datetime import date

import odoorpc
import pytest

from tests.odoo_standin import StandIn, start_standin
from tests.odoo_standin.errors import RpcFault

NOTE = "ardesk.collection.note"
AML = "account.move.line"
ADDON = ("ardesk_collections",)
FLAG = {"17.0": "blocked", "18.0": None, "19.0": "no_followup"}  # the journal item's "No Follow-up" flag
LOST = (http.client.RemoteDisconnected, urllib.error.URLError, ConnectionError)
NOTE_FIELDS = {
    "external_id", "revision", "company_id", "partner_id", "move_id", "author", "user_id", "date", "text", "outcome",
    "currency_id", "promise_date", "promise_amount", "promise_state", "dispute_state", "disputed_amount",
    "next_action_date", "followup_level", "chatter_message_id",
}
PARTNER_FIELDS = {
    "ardesk_note_ids", "ardesk_note_count", "ardesk_stage", "ardesk_next_action_date", "ardesk_promise_amount",
    "ardesk_promise_date", "ardesk_disputed_amount", "ardesk_last_contact", "ardesk_currency_id",
    "ardesk_followup_level", "ardesk_followup_date",
}
MOVE_FIELDS = {"ardesk_note_ids", "ardesk_note_count", "ardesk_dispute_state"}
UNIQUE = "A collection note with this Note ID already exists in this company."


def connect(standin) -> odoorpc.ODOO:
    odoo = odoorpc.ODOO(standin.host, port=standin.port, timeout=10)
    odoo.login(standin.db, "admin", "admin")
    return odoo


def rpc_error(fn, *args, **kwargs) -> dict:
    """The ``data`` of the JSON-RPC error answering ``fn(*args, **kwargs)``."""
    with pytest.raises(odoorpc.error.RPCError) as caught:
        fn(*args, **kwargs)
    return caught.value.info["data"]


class Books:
    """The add-on's test fixture on the stand-in: a customer with a contact person and a posted invoice."""

    def __init__(self, standin: StandIn, odoo: odoorpc.ODOO):
        self.standin, self.odoo = standin, odoo
        contact = odoo.execute_kw("res.partner", "search_read", [[("parent_id", "!=", False)],
                                                                 ["commercial_partner_id"]], {"limit": 1})[0]
        self.contact, self.customer = contact["id"], contact["commercial_partner_id"][0]
        self.invoice = standin.add_invoice(self.customer, "1200.00", date(2026, 10, 1))
        self.invoice_name = self.read("account.move", self.invoice, ["name"])["name"]

    def note(self, **values) -> dict:
        base = {"external_id": "N-000000000001", "partner_id": self.customer, "date": "2026-11-02",
                "text": "Called <b>Jane</b> & co", "author": "jo"}
        base.update(values)
        return base

    def push(self, notes, **kw) -> list[dict]:
        return self.odoo.execute_kw(NOTE, "ardesk_push_notes", [notes], kw)

    def read(self, model: str, rid: int, fields: list[str]) -> dict:
        return self.odoo.execute_kw(model, "read", [[rid], fields])[0]

    def receivable_flags(self, flag: str) -> list[bool]:
        lines = self.odoo.execute_kw(AML, "search_read", [[("move_id", "=", self.invoice),
                                                           ("account_id.account_type", "=", "asset_receivable")],
                                                          [flag]])
        assert lines
        return [line[flag] for line in lines]

    def messages(self, text: str, model: str = "account.move", res_id: int | None = None) -> list[dict]:
        domain = [("model", "=", model), ("res_id", "=", res_id or self.invoice), ("body", "ilike", text)]
        return self.odoo.execute_kw("mail.message", "search_read", [domain, ["body"]])

    def activities(self, text: str) -> list[dict]:
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", self.customer), ("summary", "ilike", text)]
        return self.odoo.execute_kw("mail.activity", "search_read",
                                    [domain, ["summary", "date_deadline", "user_id", "activity_type_id", "note"]])


@pytest.fixture(params=["17.0", "18.0", "19.0"])
def books(request):
    with StandIn(request.param, addons=ADDON) as standin:
        yield Books(standin, connect(standin))


# -- installed or not ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_without_the_add_on_its_model_does_not_exist(version):
    with start_standin(version) as standin, start_standin(version, addons=ADDON) as installed:
        odoo = connect(standin)
        assert NOTE not in odoo.env
        assert odoo.execute_kw("ir.model", "search", [[("model", "=", NOTE)]]) == []
        for method, args in (("search_count", [[]]), ("fields_get", []), ("ardesk_push_notes", [[]])):
            error = rpc_error(odoo.execute_kw, NOTE, method, args)
            assert (error["name"], error["message"]) == ("odoo.exceptions.UserError", f"Object {NOTE} doesn't exist")
        with pytest.raises(odoorpc.error.RPCError, match="doesn't exist"):
            odoo.env[NOTE]  # noqa: B018 - odoorpc asks the model's fields_get
        with pytest.raises(RpcFault, match="doesn't exist"):
            standin.call(NOTE, "search", [])
        assert not {f for f in odoo.execute_kw("res.partner", "fields_get", [], {"attributes": ["type"]})
                    if f.startswith("ardesk")}
        assert odoo.execute_kw("ir.model.data", "search", [[("module", "=", "ardesk_collections")]]) == []
        # installing it adds its model's ir.model row last: every other model keeps its row and id
        other = connect(installed)
        rows = odoo.execute_kw("ir.model", "search_read", [[], ["model"]], {"order": "id"})
        with_addon = other.execute_kw("ir.model", "search_read", [[], ["model", "name"]], {"order": "id"})
        assert [r["model"] for r in with_addon] == [r["model"] for r in rows] + [NOTE]
        assert with_addon[-1]["name"] == "Collection Note"
    with pytest.raises(ValueError, match="unknown add-on 'ardesk_other'"):
        StandIn(version, addons=("ardesk_other",))


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_installed_the_model_has_the_add_ons_fields_groups_and_external_ids(version):
    with start_standin(version, addons=ADDON) as standin:
        odoo = connect(standin)
        assert NOTE in odoo.env
        described = odoo.execute_kw(NOTE, "fields_get", [], {"attributes": ["type", "string", "required",
                                                                             "readonly", "relation", "selection"]})
        assert set(described) == NOTE_FIELDS | {"id", "display_name", "create_date", "write_date"}
        assert described["external_id"] == {"type": "char", "string": "Note ID", "required": True, "readonly": False}
        assert described["partner_id"] == {"type": "many2one", "string": "Customer", "required": True,
                                           "readonly": False, "relation": "res.partner"}
        assert described["move_id"]["relation"] == "account.move" and not described["move_id"]["required"]
        assert described["promise_state"]["selection"] == [
            ["open", "Open"], ["kept", "Kept"], ["partly kept", "Partly kept"], ["broken", "Broken"],
            ["superseded", "Superseded"], ["unknown", "Unknown"]]
        assert described["dispute_state"]["selection"] == [["open", "Open"], ["resolved", "Resolved"]]
        assert {n: described[n]["type"] for n in ("promise_amount", "disputed_amount", "date", "text", "revision")} \
            == {"promise_amount": "monetary", "disputed_amount": "monetary", "date": "date", "text": "text",
                "revision": "integer"}
        assert all(described[n]["readonly"] for n in ("currency_id", "user_id", "chatter_message_id"))
        partner = odoo.execute_kw("res.partner", "fields_get", [], {"attributes": ["type", "store"]})
        move = odoo.execute_kw("account.move", "fields_get", [], {"attributes": ["type", "store"]})
        assert PARTNER_FIELDS <= set(partner) and MOVE_FIELDS <= set(move)
        assert partner["ardesk_stage"] == {"type": "selection", "store": False}
        xmlids = odoo.execute_kw("ir.model.data", "search_read",
                                 [[("module", "=", "ardesk_collections")], ["name", "model", "res_id"]])
        assert {x["name"]: x["model"] for x in xmlids} == {"model_ardesk_collection_note": "ir.model",
                                                             "group_collector": "res.groups",
                                                             "group_collections_manager": "res.groups"}
        groups = {x["name"]: x["res_id"] for x in xmlids}
        assert odoo.execute_kw("ir.model", "read", [[groups["model_ardesk_collection_note"]], ["model"]])[0][
            "model"] == NOTE
        group_field = "group_ids" if version == "19.0" else "groups_id"
        admin = odoo.execute_kw("res.users", "read", [[2], [group_field]])[0][group_field]
        assert {groups["group_collector"], groups["group_collections_manager"]} <= set(admin)
        assert odoo.execute_kw(NOTE, "search_count", [[]]) == 0
        assert odoo.execute_kw(NOTE, "default_get", [["company_id", "user_id", "date", "revision"]]) == {
            "company_id": 1, "user_id": 2, "date": "2026-10-31", "revision": 0}


# -- the add-on's own cases --------------------------------------------------------------------------------------
def test_push_creates_once_then_already_there_then_refuses_with_the_reason(books):
    odoo = books.odoo
    first = odoo.env[NOTE].ardesk_push_notes([books.note(move_id=books.invoice, outcome="reached")])  # odoorpc's way
    assert [(r["external_id"], r["status"], r["reason"]) for r in first] == [("N-000000000001", "created", False)]
    note = books.read(NOTE, first[0]["id"], ["partner_id", "company_id", "chatter_message_id", "user_id",
                                             "currency_id", "date", "text", "revision"])
    assert note["partner_id"][0] == books.customer and note["company_id"][0] == 1
    assert note["chatter_message_id"][0] == first[0]["message_id"] and note["user_id"][0] == 2
    assert (note["currency_id"][1], note["date"], note["revision"]) == ("USD", "2026-11-02", 0)
    assert note["text"] == "Called <b>Jane</b> & co"
    message = books.read("mail.message", first[0]["message_id"],
                         ["model", "res_id", "subtype_id", "author_id", "message_type", "body"])
    assert (message["model"], message["res_id"]) == ("account.move", books.invoice)
    assert message["subtype_id"][0] == odoo.env.ref("mail.mt_note").id
    assert (message["author_id"][0], message["message_type"]) == (3, "comment")  # the user's partner, a comment
    assert "&lt;b&gt;Jane&lt;/b&gt; &amp; co" in message["body"]
    assert message["body"] == (f"<b>Collection note N-000000000001</b>: 2026-11-02, jo<br>Invoice: {books.invoice_name}"
                               "<br>Outcome: reached<br><br>Called &lt;b&gt;Jane&lt;/b&gt; &amp; co")
    again = books.push([books.note(move_id=books.invoice, outcome="reached")])
    assert [(r["status"], r["id"], r["message_id"]) for r in again] == [
        ("already there", first[0]["id"], first[0]["message_id"])]
    assert len(books.messages("N-000000000001")) == 1
    results = books.push([
        books.note(external_id="N-2", partner_id=0),
        books.note(external_id="N-3", move_id=books.invoice + 100000),
        books.note(external_id="N-4", colour="blue"),
        books.note(external_id="N-5"),
    ])
    assert [r["status"] for r in results] == ["refused", "refused", "refused", "created"]
    assert [r["reason"] for r in results] == ["No customer with id 0.",
                                              f"No customer invoice with id {books.invoice + 100000}.",
                                              "Unknown keys in the note: colour", False]
    assert all(r["id"] is False and r["message_id"] is False for r in results[:3])
    assert odoo.execute_kw(NOTE, "search", [[("external_id", "in", ["N-2", "N-3", "N-4"])]]) == []
    # a note without a customer's own invoice, without an id, or a batch that is not a list
    other = odoo.execute_kw("account.move", "search_read", [[("move_type", "=", "out_invoice"),
                                                              ("commercial_partner_id", "!=", books.customer),
                                                              ("company_id", "=", 1)], ["name", "partner_id"]],
                            {"limit": 1})[0]
    customer = books.read("res.partner", books.customer, ["name"])["name"]
    results = books.push([books.note(external_id="N-6", move_id=other["id"]), {"text": "no id"}, "N-7"])
    assert [r["reason"] for r in results] == [f"Invoice {other['name']} is not {customer}'s.",
                                              "A note needs an external_id.", "A note needs an external_id."]
    assert [r["external_id"] for r in results] == ["N-6", None, None]
    error = rpc_error(books.push, {"external_id": "N-9"})
    assert (error["name"], error["message"]) == ("odoo.exceptions.UserError",
                                                 "ardesk_push_notes takes a list of notes.")
    assert sorted(n["external_id"] for n in odoo.execute_kw(NOTE, "search_read", [[], ["external_id"]])) == [
        "N-000000000001", "N-5"]


def test_a_contact_person_is_noted_on_its_customer(books):
    [result] = books.push([books.note(partner_id=books.contact)])
    assert result["status"] == "created"
    assert books.read(NOTE, result["id"], ["partner_id"])["partner_id"][0] == books.customer
    # on no invoice: posted on the customer's chatter
    message = books.read("mail.message", result["message_id"], ["model", "res_id"])
    assert (message["model"], message["res_id"]) == ("res.partner", books.customer)


def test_a_newer_revision_updates_and_posts_a_correction(books):
    [first] = books.push([books.note(next_action_date="2026-12-01")])
    [activity] = books.activities("N-000000000001")
    assert (activity["summary"], activity["date_deadline"], activity["user_id"][0], activity["activity_type_id"][1],
            activity["note"]) == ("Follow up collection note N-000000000001", "2026-12-01", 2, "To-Do",
                                  "<p>Called &lt;b&gt;Jane&lt;/b&gt; &amp; co</p>")
    [second] = books.push([books.note(revision=1, text="Promised Friday", next_action_date="2026-12-03")])
    assert (second["status"], second["id"]) == ("updated", first["id"])
    assert second["message_id"] != first["message_id"]
    body = books.read("mail.message", second["message_id"], ["body"])["body"]
    assert "Correction of collection note" in body
    assert body == ("<b>Correction of collection note N-000000000001 (revision 1)</b>: 2026-11-02, jo<br>"
                    "Next action: 2026-12-03<br><br>Promised Friday")
    [activity] = books.activities("N-000000000001")  # moved, not doubled
    assert (activity["date_deadline"], activity["user_id"][0]) == ("2026-12-03", 2)
    note = books.read(NOTE, first["id"], ["revision", "text", "chatter_message_id"])
    assert (note["revision"], note["text"], note["chatter_message_id"][0]) == (1, "Promised Friday",
                                                                               second["message_id"])
    # the same or an older revision changes nothing
    for revision in (1, 0):
        [again] = books.push([books.note(revision=revision, text="stale")])
        assert (again["status"], again["id"], again["message_id"]) == ("already there", first["id"],
                                                                       second["message_id"])
    assert books.read(NOTE, first["id"], ["text"])["text"] == "Promised Friday"
    assert len(books.messages("N-000000000001", "res.partner", books.customer)) == 2


def test_dispute_sets_and_clears_the_no_follow_up_flag(books):
    flag, version = FLAG[books.standin.version], books.standin.version
    lines_before = {lid: dict(row) for lid, row in books.standin.store.tables[AML].items()
                    if row["move_id"] == books.invoice}
    books.push([books.note(move_id=books.invoice, dispute_state="open", disputed_amount=1200.0)])
    if flag:
        assert all(books.receivable_flags(flag))
    else:  # 18 has no flag on journal items: nothing is written on them
        assert {lid: books.standin.store.tables[AML][lid] for lid in lines_before} == lines_before
    invoice = books.read("account.move", books.invoice, ["ardesk_dispute_state", "ardesk_note_count"])
    assert (invoice["ardesk_dispute_state"], invoice["ardesk_note_count"]) == ("open", 1)
    books.push([books.note(external_id="N-9", date="2026-11-09", move_id=books.invoice, dispute_state="resolved")])
    if flag:
        assert not any(books.receivable_flags(flag))
    if version == "19.0":  # the invoice's own flag follows its lines
        assert books.read("account.move", books.invoice, ["no_followup"])["no_followup"] is False
    invoice = books.read("account.move", books.invoice, ["ardesk_dispute_state", "ardesk_note_count",
                                                         "ardesk_note_ids"])
    assert (invoice["ardesk_dispute_state"], invoice["ardesk_note_count"]) == ("resolved", 2)
    assert len(invoice["ardesk_note_ids"]) == 2


def test_customer_fields_follow_the_notes(books):
    fields = ["ardesk_stage", "ardesk_promise_amount", "ardesk_promise_date", "ardesk_next_action_date",
              "ardesk_last_contact", "ardesk_disputed_amount", "ardesk_note_count", "ardesk_currency_id"]

    def customer(pid=None) -> dict:
        return books.read("res.partner", pid or books.customer, fields)

    assert customer()["ardesk_stage"] == "none" and customer()["ardesk_note_count"] == 0
    books.push([books.note(promise_date="2026-11-20", promise_amount=500.0, promise_state="open",
                           next_action_date="2026-11-21")])
    assert customer() == {"id": books.customer, "ardesk_stage": "promised", "ardesk_promise_amount": 500.0,
                          "ardesk_promise_date": "2026-11-20", "ardesk_next_action_date": "2026-11-21",
                          "ardesk_last_contact": "2026-11-02", "ardesk_disputed_amount": 0.0,
                          "ardesk_note_count": 1, "ardesk_currency_id": [1, "USD"]}
    books.push([books.note(external_id="N-10", date="2026-11-25", promise_date="2026-11-20", promise_amount=500.0,
                           promise_state="broken")])
    assert (customer()["ardesk_stage"], customer()["ardesk_promise_amount"]) == ("broken", 0.0)
    books.push([books.note(external_id="N-11", date="2026-11-26", move_id=books.invoice, dispute_state="open",
                           disputed_amount=1200.0)])
    now = customer()
    assert (now["ardesk_stage"], now["ardesk_disputed_amount"], now["ardesk_note_count"]) == ("disputed", 1200.0, 3)
    assert customer(books.contact)["ardesk_note_count"] == 3  # a contact person shows its customer's notes
    # the push's amounts are rounded to the currency's cents
    [rounded] = books.push([books.note(external_id="N-12", promise_date="2026-11-30", promise_amount=10.005)])
    assert books.read(NOTE, rounded["id"], ["promise_amount"])["promise_amount"] == 10.01


# -- one note per Note ID and company -----------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["15.0", "17.0", "19.0"])
def test_the_note_id_is_unique_per_company(version):
    with start_standin(version, addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        odoo = books.odoo
        [mine] = books.push([books.note()])
        vals = {"external_id": "N-000000000001", "partner_id": books.customer, "date": "2026-11-02"}
        error = rpc_error(odoo.execute_kw, NOTE, "create", [vals])
        # the SQL constraint's own message, after the "cannot be completed" Odoo puts before it from 16 on
        assert (error["name"], error["message"]) == (
            "odoo.exceptions.ValidationError", UNIQUE if version == "15.0" else
            f"The operation cannot be completed: {UNIQUE}")
        other = odoo.execute_kw(NOTE, "create", [{**vals, "external_id": "N-other"}])
        error = rpc_error(odoo.execute_kw, NOTE, "write", [[other], {"external_id": "N-000000000001"}])
        assert error["message"].endswith(UNIQUE)
        assert odoo.execute_kw(NOTE, "read", [[other], ["external_id"]])[0]["external_id"] == "N-other"
        # the same Note ID in another company is another note: the context's company, or the user's current one
        [there] = books.push([books.note()], context={"allowed_company_ids": [2]})
        assert there["status"] == "created" and there["id"] != mine["id"]
        assert books.read(NOTE, there["id"], ["company_id", "currency_id"]) == {
            "id": there["id"], "company_id": [2, "Stand-in Europe GmbH"], "currency_id": [2, "EUR"]}
        assert odoo.execute_kw(NOTE, "create", [{**vals, "company_id": 2, "external_id": "N-B"}])
        odoo.execute_kw("res.users", "write", [[2], {"company_id": 2}])
        assert [r["status"] for r in books.push([books.note(), books.note(external_id="N-B")])] == [
            "already there", "already there"]
        odoo.execute_kw("res.users", "write", [[2], {"company_id": 1}])
        [refused] = books.push([books.note()], context={"allowed_company_ids": [99]})
        assert (refused["status"], refused["reason"]) == ("refused", "Access to unauthorized or invalid companies.")


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_an_invoice_of_another_company_is_refused_as_odoo_checks_companies(version):
    with start_standin(version, addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        elsewhere = standin.add_invoice(books.customer, "300.00", date(2026, 10, 5), company_id=2)
        name = books.read("account.move", elsewhere, ["name"])["name"]
        [refused] = books.push([books.note(external_id="N-X", move_id=elsewhere)])
        assert refused["status"] == "refused"
        assert refused["reason"] == (
            "Incompatible companies on records:\n- 'N-X' belongs to company 'Stand-in US Inc' and 'Invoice' "
            f"(move_id: '{name}') belongs to another company.")
        assert books.odoo.execute_kw(NOTE, "search_count", [[]]) == 0 and not books.messages("N-X", res_id=elsewhere)
        [created] = books.push([books.note(external_id="N-X", move_id=elsewhere)],
                               context={"allowed_company_ids": [2, 1]})
        assert created["status"] == "created"


def test_a_value_odoo_cannot_convert_fails_the_whole_batch():
    """Only the add-on's own refusals (UserError and its kin) are per note: any other error rolls the whole request
    back, the notes before it included."""
    with start_standin("17.0", addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        messages, activities = len(standin.store.tables["mail.message"]), len(standin.store.tables["mail.activity"])
        good = books.note(move_id=books.invoice, dispute_state="open", next_action_date="2026-12-01")
        for bad, name, text in (
            ({"revision": "x"}, "builtins.ValueError", "invalid literal for int() with base 10: 'x'"),
            ({"promise_state": "maybe"}, "builtins.ValueError", f"Wrong value for {NOTE}.promise_state: 'maybe'"),
            ({"date": "2026-13-45"}, "builtins.ValueError", "time data '2026-13-45' does not match format '%Y-%m-%d'"),
            ({"promise_amount": "lots"}, "builtins.ValueError", "could not convert string to float: 'lots'"),
        ):
            error = rpc_error(books.push, [good, books.note(external_id="N-bad", **bad)])
            assert (error["name"], error["message"]) == (name, text)
            assert books.odoo.execute_kw(NOTE, "search_count", [[]]) == 0
            assert len(standin.store.tables["mail.message"]) == messages
            assert len(standin.store.tables["mail.activity"]) == activities
            assert not any(books.receivable_flags("blocked"))
        [created] = books.push([good])
        assert created["status"] == "created" and created["id"] == 5  # ids taken by the rolled-back tries stay taken


# -- faults --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_a_lost_reply_then_the_same_batch_again_leaves_each_note_once(version):
    with start_standin(version, addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        batch = [books.note(external_id=f"N-{i}", move_id=books.invoice if i % 2 else False,
                            dispute_state="open" if i == 1 else False,
                            next_action_date="2026-12-01" if i % 3 == 0 else False) for i in range(6)]
        standin.set_faults(drop_at=1, http_500_at=2)  # never arrived, or failed before anything was done
        with pytest.raises(LOST):
            books.push(batch)
        with pytest.raises(urllib.error.HTTPError):
            books.push(batch)
        assert standin.store.tables[NOTE] == {} and standin.calls["ardesk_push_notes"] == 0
        standin.set_faults(lost_reply_at=1)  # the whole batch is done, only its answer is lost
        with pytest.raises(LOST):
            books.push(batch)
        assert standin.calls["ardesk_push_notes"] == 1 and len(standin.store.tables[NOTE]) == 6
        flag_writes = {lid: row["write_date"] for lid, row in standin.store.tables[AML].items()
                       if row["move_id"] == books.invoice}
        again = books.push(batch)
        assert [r["status"] for r in again] == ["already there"] * 6
        notes = {n["external_id"]: n for n in books.odoo.execute_kw(NOTE, "search_read",
                                                                     [[], ["external_id", "chatter_message_id"]])}
        assert [r["id"] for r in again] == [notes[f"N-{i}"]["id"] for i in range(6)]
        assert [r["message_id"] for r in again] == [notes[f"N-{i}"]["chatter_message_id"][0] for i in range(6)]
        for i in range(6):
            on = ("account.move", books.invoice) if i % 2 else ("res.partner", books.customer)
            assert len(books.messages(f"N-{i}<", *on)) == 1  # exactly one chatter message per note
            assert len(books.activities(f"N-{i}")) == (1 if i % 3 == 0 else 0)
        assert {lid: row["write_date"] for lid, row in standin.store.tables[AML].items()
                if row["move_id"] == books.invoice} == flag_writes
        if FLAG[version]:
            assert all(books.receivable_flags(FLAG[version]))


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_refused_rights_answer_odoo_access_errors(version):
    with start_standin(version, addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        own = "You may not push collection notes."
        standin.set_faults(refuse={f"{NOTE}.ardesk_push_notes": own})
        error = rpc_error(books.push, [books.note()])
        assert (error["name"], error["message"]) == ("odoo.exceptions.AccessError", own)
        assert standin.calls["ardesk_push_notes"] == 1 and standin.store.tables[NOTE] == {}
        # a user without the create right on notes (check_create): the whole call, after the argument's check
        standin.set_faults(refuse={f"{NOTE}.create": True})
        error = rpc_error(books.push, [books.note()])
        assert error["name"] == "odoo.exceptions.AccessError"
        assert error["message"].startswith(f"You are not allowed to create 'Collection Note' ({NOTE}) records.")
        assert rpc_error(books.push, "x")["message"] == "ardesk_push_notes takes a list of notes."
        # without the write right a note cannot keep its chatter message: each is refused and left undone
        messages = len(standin.store.tables["mail.message"])
        standin.set_faults(refuse={f"{NOTE}.write": True})
        [refused] = books.push([books.note(move_id=books.invoice)])
        assert refused["status"] == "refused"
        assert refused["reason"].startswith(f"You are not allowed to modify 'Collection Note' ({NOTE}) records.")
        assert standin.store.tables[NOTE] == {} and len(standin.store.tables["mail.message"]) == messages
        standin.set_faults(refuse={})
        assert [r["status"] for r in books.push([books.note(move_id=books.invoice)])] == ["created"]


def test_push_over_json2():
    with start_standin("19.0", addons=ADDON) as standin:
        books = Books(standin, connect(standin))
        headers = {"Authorization": f"bearer {standin.api_key}", "X-Odoo-Database": standin.db,
                   "Content-Type": "application/json"}

        def post(path: str, body: dict):
            req = urllib.request.Request(standin.url + path, data=json.dumps(body).encode(), headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, json.loads(resp.read())
            except urllib.error.HTTPError as exc:
                return exc.code, json.loads(exc.read())

        status, results = post(f"/json/2/{NOTE}/ardesk_push_notes", {"notes": [books.note()]})
        assert status == 200 and [r["status"] for r in results] == ["created"]
        status, results = post(f"/json/2/{NOTE}/ardesk_push_notes", {"notes": [books.note()]})
        assert [r["status"] for r in results] == ["already there"]
        status, error = post(f"/json/2/{NOTE}/ardesk_push_notes", {"notes": {"external_id": "N-1"}})
        assert (status, error["name"], error["message"]) == (
            422, "odoo.exceptions.UserError", "ardesk_push_notes takes a list of notes.")
    with start_standin("19.0") as standin:
        headers["Authorization"] = f"bearer {standin.api_key}"
        req = urllib.request.Request(f"{standin.url}/json/2/{NOTE}/search_count", data=b"{}", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(req, timeout=10)
        assert failed.value.code == 422
        assert json.loads(failed.value.read())["message"] == f"Object {NOTE} doesn't exist"
