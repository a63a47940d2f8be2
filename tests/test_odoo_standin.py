"""The Odoo stand-in, driven over HTTP by the real odoorpc 0.10.1 client for every version profile."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from datetime import date
from decimal import Decimal

import odoorpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.odoo_standin import start_standin
from tests.odoo_standin.domain import compile_domain, search_ids
from tests.odoo_standin.errors import RpcFault
from tests.odoo_standin.generator import generate
from tests.odoo_standin.store import Store

VERSIONS = ["14.0", "16.0", "17.0", "18.0", "19.0"]
AML = "account.move.line"


def connect(standin, password="admin") -> odoorpc.ODOO:
    odoo = odoorpc.ODOO(standin.host, port=standin.port, timeout=10)
    odoo.login(standin.db, "admin", password)
    return odoo


def rpc_error(fn) -> dict:
    with pytest.raises(odoorpc.error.RPCError) as caught:
        fn()
    return caught.value.info


def receivable_domain(version: str) -> list:
    if version in ("14.0", "15.0"):
        leaf = ("account_internal_type", "=", "receivable")
    else:
        leaf = ("account_id.account_type", "=", "asset_receivable")
    return [leaf, ("parent_state", "=", "posted"), ("reconciled", "=", False)]


@pytest.fixture(scope="module", params=VERSIONS)
def served(request):
    with start_standin(request.param) as standin:
        yield standin, connect(standin)


def cents(x) -> int:
    return int(Decimal(str(x)) * 100)


# -- protocol ------------------------------------------------------------------------------------------------
def test_login_version_and_wrong_password(served):
    standin, odoo = served
    assert odoo.version == standin.version
    assert odoo.env.uid == 2 and odoo.env.context["lang"] == "en_US"
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
        connect(standin, password="nope")
    info = rpc_error(
        lambda: odoo.json(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [standin.db, 2, "nope", "res.partner", "search", [[]]],
            },
        )
    )
    assert (info["data"]["name"], info["data"]["message"]) == (
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    )
    assert info["code"] == (0 if standin.version == "19.0" else 200)
    # an API key works in the password slot
    assert (
        odoo.json(
            "/jsonrpc",
            {"service": "common", "method": "login", "args": [standin.db, "admin", standin.api_key]},
        )["result"]
        == 2
    )


def test_search_read_paging_order_and_domains(served):
    standin, odoo = served
    dom = receivable_domain(standin.version)
    fields = ["date_maturity", "amount_residual", "partner_id", "move_id"]
    everything = odoo.execute_kw(AML, "search_read", [dom, fields], {"order": "id"})
    assert len(everything) == odoo.execute_kw(AML, "search_count", [dom])
    assert len(everything) >= 100 and all(r["amount_residual"] != 0 for r in everything)
    pages = []
    for offset in range(0, len(everything), 37):
        pages += odoo.execute_kw(
            AML, "search_read", [dom, fields], {"order": "id", "offset": offset, "limit": 37}
        )
    assert pages == everything
    by_due = odoo.execute_kw(
        AML, "search_read", [dom, ["date_maturity"]], {"order": "date_maturity desc, id"}
    )
    dues = [r["date_maturity"] for r in by_due]
    unset = [d for d in dues if d is False]
    assert unset and dues[: len(unset)] == unset  # PostgreSQL: NULLS FIRST when descending
    assert dues[len(unset) :] == sorted(dues[len(unset) :], reverse=True)
    # prefix operators, negation, like, in, dotted paths and child_of agree with a filter over the full read
    partner = everything[0]["partner_id"][0]
    mixed = [
        "|",
        ("partner_id", "child_of", partner),
        "!",
        ("move_id.name", "not ilike", "inv/"),
        ("amount_residual", ">", 0),
    ]
    got = {r["id"] for r in odoo.execute_kw(AML, "search_read", [dom + mixed, ["id"]])}
    want = {
        r["id"]
        for r in everything
        if r["amount_residual"] > 0 and (r["partner_id"][0] == partner or "INV/" in r["move_id"][1])
    }
    assert got == want and got
    none = odoo.execute_kw(AML, "search", [dom + [("id", "in", [])]])
    assert none == []


def test_read_many2one_shapes_and_missing_ids(served):
    standin, odoo = served
    line = odoo.execute_kw(
        AML, "search_read", [receivable_domain(standin.version), ["partner_id"]], {"limit": 1}
    )[0]
    pid, name = line["partner_id"]
    assert (
        odoo.execute_kw("res.partner", "read", [[pid], ["name"]])[0]["name"] == name.split(", ")[-1] or name
    )
    bare = odoo.execute_kw(AML, "read", [[line["id"]], ["partner_id"]], {"load": "_classic_write"})
    assert bare == [{"id": line["id"], "partner_id": pid}]
    assert odoo.execute_kw("account.move", "read", [[999999], ["name"]]) == []
    move = odoo.env["account.move"].browse(
        odoo.env["account.move"].search([("move_type", "=", "out_invoice")], limit=1)
    )
    assert move.partner_id.id and move.line_ids.ids and move.currency_id.name in ("USD", "EUR")


@pytest.mark.parametrize("version", VERSIONS)
def test_fields_get_follows_the_version(version):
    store = Store(version)
    from tests.odoo_standin.orm import fields_get

    aml, move = fields_get(store, AML), fields_get(store, "account.move")
    account, partner = fields_get(store, "account.account"), fields_get(store, "res.partner")
    major = int(version[:2])
    assert ("account_internal_type" in aml) == (major <= 15)
    assert ("account_type" in aml) == (major >= 16) and (major < 16 or aml["account_type"]["store"] is False)
    assert ("blocked" in aml) == (major <= 17) and ("no_followup" in aml) == (major >= 19)
    assert ("payment_term" in dict(aml["display_type"]["selection"])) == (major >= 16)
    assert ("company_id" in account, "company_ids" in account) == (major <= 17, major >= 18)
    assert ("payment_id" in move, "origin_payment_id" in move) == (major <= 17, major >= 18)
    assert ("mobile" in partner, "invoice_warn" in partner) == (major <= 18, major <= 18)
    assert partner["credit_limit"]["store"] == (major >= 18) and partner["credit"]["store"] is False
    assert move["partner_id"] == {**move["partner_id"], "type": "many2one", "relation": "res.partner"}
    assert ("blocked" in dict(move["payment_state"]["selection"])) == (major >= 18)


def test_version_specific_errors(served):
    standin, odoo = served
    v19 = standin.version == "19.0"
    old = standin.version in ("14.0", "15.0")
    foreign = "account_type" if old else "account_internal_type"
    value = "asset_receivable" if old else "receivable"
    info = rpc_error(lambda: odoo.execute_kw(AML, "search_read", [[(foreign, "=", value)], ["id"]]))
    word = "condition" if v19 else "leaf"
    assert info["data"]["name"] == "builtins.ValueError"
    assert info["data"]["message"] == f"Invalid field {AML}.{foreign} in {word} ('{foreign}', '=', '{value}')"
    info = rpc_error(lambda: odoo.execute_kw(AML, "read", [[1], [foreign]]))
    assert info["data"]["message"] == (
        f"Invalid field '{foreign}' on '{AML}'" if v19 else f"Invalid field '{foreign}' on model '{AML}'"
    )
    info = rpc_error(lambda: odoo.execute_kw("res.partner", "_search", [[]]))
    assert info["data"]["name"] == "odoo.exceptions.AccessError"
    assert info["data"]["message"] == (
        "Private methods (such as 'res.partner._search') cannot be called remotely."
        if v19
        else "Private methods (such as _search) cannot be called remotely."
    )
    info = rpc_error(lambda: odoo.execute_kw("res.partner", "nosuch", [[]]))
    assert info["data"]["message"] == (
        "The method 'res.partner.nosuch' does not exist"
        if v19
        else "The method 'nosuch' does not exist on the model 'res.partner'"
    )
    info = rpc_error(lambda: odoo.execute_kw("no.such", "search", [[]]))
    assert (info["data"]["name"], info["data"]["message"]) == (
        "odoo.exceptions.UserError",
        "Object no.such doesn't exist",
    )
    assert set(info["data"]) == {"name", "message", "arguments", "context", "debug"}
    info = rpc_error(
        lambda: odoo.json(
            "/jsonrpc", {"service": "common", "method": "login", "args": ["nodb", "admin", "admin"]}
        )
    )
    assert info["data"]["name"] == "psycopg2.OperationalError"
    assert 'database "nodb" does not exist' in info["data"]["message"]
    assert odoo.db.list() == [standin.db]


def test_message_post_and_retry_lookup(served):
    standin, odoo = served
    move_id = odoo.env["account.move"].search([("move_type", "=", "out_invoice")], limit=1)[0]
    msg = (
        odoo.env["account.move"]
        .browse(move_id)
        .message_post(
            body="Promised <b>Friday</b>",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            message_id="<ar-note-1@ardesk>",
        )
    )
    assert isinstance(msg, int)
    found = odoo.env["mail.message"].search_read(
        [("message_id", "=", "<ar-note-1@ardesk>")], ["body", "model", "res_id", "subtype_id"]
    )
    assert [(m["id"], m["model"], m["res_id"]) for m in found] == [(msg, "account.move", move_id)]
    escaped = standin.version not in ("14.0", "15.0", "16.0")
    assert found[0]["body"] == (
        "<p>Promised &lt;b&gt;Friday&lt;/b&gt;</p>" if escaped else "Promised <b>Friday</b>"
    )
    assert found[0]["subtype_id"][1] == "Note"
    partner_msg = odoo.execute_kw("res.partner", "message_post", [[4]], {"body": "x", "body_is_html": True})
    assert isinstance(partner_msg, int) and partner_msg > msg
    info = rpc_error(
        lambda: odoo.execute_kw("account.move", "message_post", [[move_id, move_id + 1]], {"body": "x"})
    )
    assert info["data"]["message"].startswith("Expected singleton")


def test_read_group_totals_match_search_read(served):
    standin, odoo = served
    dom = receivable_domain(standin.version)
    lines = odoo.execute_kw(AML, "search_read", [dom, ["partner_id", "amount_residual", "date_maturity"]])
    by_partner: dict = {}
    for line in lines:
        key = line["partner_id"] and line["partner_id"][0]
        by_partner[key] = by_partner.get(key, 0) + cents(line["amount_residual"])
    groups = odoo.execute_kw(
        AML, "read_group", [dom, ["amount_residual:sum"], ["partner_id"]], {"lazy": False}
    )
    assert {
        (g["partner_id"] and g["partner_id"][0]): cents(g["amount_residual"]) for g in groups
    } == by_partner
    assert sum(g["__count"] for g in groups) == len(lines)
    # each group's __domain selects exactly its lines
    g = groups[0]
    assert odoo.execute_kw(AML, "search_count", [g["__domain"]]) == g["__count"]
    months = odoo.execute_kw(
        AML, "read_group", [dom, ["amount_residual:sum"], ["date_maturity:month"]], {"lazy": False}
    )
    assert sum(cents(m["amount_residual"]) for m in months) == sum(by_partner.values())
    dated = [m for m in months if m["date_maturity:month"]]
    assert dated and all(m["__range"]["date_maturity:month"]["from"].endswith("-01") for m in dated)


# -- faults ----------------------------------------------------------------------------------------------------
def test_injected_faults_as_odoorpc_sees_them():
    with start_standin("17.0", faults={"password": "secret"}) as standin:
        with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):
            connect(standin)
        odoo = connect(standin, password="secret")
        standin.set_faults(http_500_at=1, rpc_error_at=2, drop_at=3)
        with pytest.raises(urllib.error.HTTPError) as http_error:
            odoo.execute_kw("res.partner", "search", [[]])
        assert http_error.value.code == 500
        info = rpc_error(lambda: odoo.execute_kw("res.partner", "search", [[]]))
        assert info["data"]["name"] == "psycopg2.errors.SerializationFailure"
        with pytest.raises((http.client.RemoteDisconnected, urllib.error.URLError, ConnectionError)):
            odoo.execute_kw("res.partner", "search", [[]])
        assert odoo.execute_kw("res.partner", "search_count", [[]]) > 0  # call 4: healthy again
        standin.set_faults(latency=0.2)
        started = time.perf_counter()
        odoo.execute_kw("res.partner", "search_count", [[]])
        assert time.perf_counter() - started >= 0.2
        assert standin.calls["search"] == 0 and standin.calls["search_count"] == 2  # faulted calls never ran


def test_http_edges_and_json2():
    with start_standin("19.0") as standin:

        def post(path, body: bytes, headers=None):
            req = urllib.request.Request(
                standin.url + path, data=body, headers={"Content-Type": "application/json", **(headers or {})}
            )
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status, resp.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()

        assert post("/jsonrpc", b"{not json")[0] == 400
        status, text = post("/web/nothing", b"{}")
        assert status == 404 and text.lstrip().startswith("<!doctype html>")
        auth = {"Authorization": f"bearer {standin.api_key}", "X-Odoo-Database": standin.db}
        status, text = post(
            "/json/2/res.partner/search_read",
            json.dumps({"domain": [["is_company", "=", True]], "fields": ["name"], "limit": 2}).encode(),
            auth,
        )
        assert status == 200 and [set(r) for r in json.loads(text)] == [{"id", "name"}] * 2
        status, text = post(
            "/json/2/res.partner/read", json.dumps({"ids": [4], "fields": ["name"]}).encode(), auth
        )
        assert json.loads(text) == [{"id": 4, "name": "Acme Ltd"}]
        status, text = post("/json/2/res.partner/search", b"{}", {"Authorization": "bearer wrong"})
        assert status == 401 and json.loads(text)["message"] == "Invalid apikey"
        status, text = post(
            "/json/2/account.move.line/formatted_read_group",
            json.dumps(
                {
                    "domain": [
                        ["parent_state", "=", "posted"],
                        ["account_id.account_type", "=", "asset_receivable"],
                    ],
                    "groupby": ["partner_id"],
                    "aggregates": ["amount_residual:sum"],
                }
            ).encode(),
            auth,
        )
        groups = json.loads(text)
        assert (
            status == 200
            and groups
            and {"partner_id", "__extra_domain", "amount_residual:sum"} <= set(groups[0])
        )
        status, text = post(
            "/json/2/res.partner/read", json.dumps({"ids": [4], "fields": ["mobile"]}).encode(), auth
        )
        assert status == 422 and json.loads(text)["name"] == "builtins.ValueError"
    with start_standin("17.0") as old:
        req = urllib.request.Request(old.url + "/json/2/res.partner/search", data=b"{}")
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(req, timeout=10)
        assert missing.value.code == 404


# -- the books ------------------------------------------------------------------------------------------------
def test_books_have_the_cases_collections_meet():
    store = Store("17.0")
    generate(store, "demo")
    moves, lines = store.tables["account.move"], store.tables[AML]
    states = {m["state"] for m in moves.values()}
    assert {"draft", "posted", "cancel"} <= states
    rec = [ln for ln in lines.values() if ln.get("receivable") and ln["parent_state"] == "posted"]
    assert any(ln["date_maturity"] is False for ln in rec)  # manual entry without due date
    by_move: dict = {}
    for ln in rec:
        by_move.setdefault(ln["move_id"], set()).add(ln["date_maturity"])
    assert max(len(d) for d in by_move.values()) >= 3  # instalments
    kinds = {moves[ln["move_id"]]["move_type"] for ln in rec if not ln["reconciled"]}
    assert {"out_invoice", "out_refund", "entry"} <= kinds  # open credit notes, payments
    child = [m for m in moves.values() if m["partner_id"] != m["commercial_partner_id"]]
    assert child and all(
        lines[lid]["partner_id"] == m["commercial_partner_id"]
        for m in child
        for lid in store.lines_of[m["id"]]
    )
    assert {moves[ln["move_id"]]["currency_id"] for ln in rec} == {1, 2}
    partials = store.tables["account.partial.reconcile"].values()
    assert {p["company_id"] for p in partials} == {1, 2}
    # residuals agree with the recorded matches, and some were matched after a past month end
    for ln in rec:
        matched = sum(
            p["amount"] * (1 if p["debit_move_id"] == ln["id"] else -1)
            for p in partials
            if ln["id"] in (p["debit_move_id"], p["credit_move_id"])
        )
        assert ln["amount_residual"] == ln["balance"] - matched
        assert ln["reconciled"] == (ln["amount_residual"] == 0)
    assert any(
        p["max_date"] > "2026-06-30" and lines[p["debit_move_id"]]["date"] <= "2026-06-30" for p in partials
    )
    other = Store("17.0")
    generate(other, "demo")
    assert other.tables[AML] == store.tables[AML]  # reproducible


def test_changes_through_the_erp_keep_residuals_and_write_date():
    with start_standin("17.0") as standin:
        odoo = connect(standin)
        inv = standin.add_invoice(4, "900.00", date(2026, 9, 1), [date(2026, 10, 1), date(2026, 11, 1)])
        lids = odoo.env[AML].search(
            [("move_id", "=", inv), ("account_id.account_type", "=", "asset_receivable")],
            order="date_maturity",
        )
        before = odoo.execute_kw(AML, "read", [lids, ["amount_residual", "write_date"]])
        assert [cents(r["amount_residual"]) for r in before] == [45000, 45000]
        standin.pay(inv, "600.00", date(2026, 10, 20))
        after = odoo.execute_kw(
            AML, "read", [lids, ["amount_residual", "reconciled", "write_date", "matched_credit_ids"]]
        )
        assert [cents(r["amount_residual"]) for r in after] == [0, 30000]
        assert after[0]["reconciled"] and all(
            a["write_date"] > b["write_date"] for a, b in zip(after, before)
        )
        partial = odoo.execute_kw(
            "account.partial.reconcile", "read", [after[1]["matched_credit_ids"], ["max_date", "amount"]]
        )
        assert [(p["max_date"], cents(p["amount"])) for p in partial] == [("2026-10-20", 15000)]
        move = odoo.execute_kw("account.move", "read", [[inv], ["payment_state", "amount_residual"]])[0]
        assert (move["payment_state"], cents(move["amount_residual"])) == ("partial", 30000)
        standin.cancel(inv)
        assert (
            odoo.execute_kw(AML, "search_count", [[("id", "in", lids), ("parent_state", "=", "posted")]]) == 0
        )
        standin.delete(inv)
        assert odoo.execute_kw("account.move", "read", [[inv], ["name"]]) == []
        # reset to draft and post again over RPC: the lines follow the move's state
        other = standin.add_invoice(5, "120.00", date(2026, 10, 2))
        odoo.execute_kw("account.move", "button_draft", [[other]])
        assert (
            odoo.execute_kw(AML, "search_count", [[("move_id", "=", other), ("parent_state", "=", "draft")]])
            == 2
        )
        odoo.execute_kw("account.move", "action_post", [[other]])
        assert (
            odoo.execute_kw(AML, "search_count", [[("move_id", "=", other), ("parent_state", "=", "posted")]])
            == 2
        )
        # archived records disappear from searches unless the context says active_test=False
        odoo.execute_kw("res.partner", "write", [[5], {"active": False}])
        assert 5 not in odoo.execute_kw("res.partner", "search", [[("is_company", "=", True)]])
        assert 5 in odoo.execute_kw(
            "res.partner", "search", [[("is_company", "=", True)]], {"context": {"active_test": False}}
        )
        rates = odoo.execute_kw("res.currency", "search_read", [[], ["name", "rate"]])
        assert {r["name"]: r["rate"] for r in rates} == {"USD": 1.0, "EUR": round(1 / 1.08, 6)}
        new = odoo.execute_kw("res.partner", "create", [{"name": "New Co", "is_company": True}])
        odoo.execute_kw("res.partner", "write", [[new], {"email": "ap@new.example"}])
        assert odoo.execute_kw("res.partner", "search", [[("email", "=like", "ap@%")]]) == [new]


def test_bulk_books_page_fast():
    store = Store("17.0")
    generate(store, 7, size=4000)
    dom = receivable_domain("17.0")
    ids = search_ids(store, AML, dom + [("id", ">", 0)], "id")
    assert len(ids) >= 4000
    from tests.odoo_standin.orm import search_read

    started = time.perf_counter()
    last, pulled = 0, 0
    while True:
        batch = search_read(
            store,
            AML,
            dom + [("id", ">", last)],
            ["partner_id", "amount_residual", "move_id"],
            limit=2000,
            order="id",
        )
        if not batch:
            break
        pulled, last = pulled + len(batch), batch[-1]["id"]
    assert pulled == len(ids) and time.perf_counter() - started < 2.0


# -- the domain planner agrees with plain evaluation ---------------------------------------------------------------
_STORE = Store("17.0")
generate(_STORE, 3)
LEAVES = [
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
    ("reconciled", "!=", False),
    ("date_maturity", "=", False),
    ("date_maturity", "<", "2026-06-01"),
    ("amount_residual", ">=", 100),
    ("account_id.account_type", "=", "asset_receivable"),
    ("move_id.move_type", "in", ["out_refund", "entry"]),
    ("partner_id", "in", [4, 5, False]),
    ("partner_id.name", "ilike", "ac"),
    ("name", "not ilike", "inv"),
    ("company_id", "=", 2),
    ("id", ">", 300),
    ("id", "<=", 500),
    ("currency_id", "!=", 1),
    ("move_id", "any", [("state", "=", "draft")]),
    ("partner_id", "child_of", 5),
    ("id", "in", [3, 40, 41, 300, 10**6]),
    ("matched_debit_ids.max_date", ">=", "2026-05-01"),
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(LEAVES), st.sampled_from(["|", "!", "&"])), max_size=6))
def test_indexed_search_equals_plain_evaluation(domain):
    try:
        pred = compile_domain(_STORE, AML, domain)
    except RpcFault:
        return  # not a well-formed prefix domain
    want = sorted(rid for rid, row in _STORE.tables[AML].items() if pred(row))
    _STORE.cache.clear()
    assert search_ids(_STORE, AML, domain, "id") == want


# -- faults reported against real Odoo -------------------------------------------------------------------------
def test_default_orders_x2many_membership_and_dotted_account_conditions(served):
    """Every model's default order is valid in its version (a search without ``order`` works), an x2many compared
    with a list of ids matches any of them as in Odoo, and a dotted condition through ``account_id`` works."""
    standin, odoo = served
    from tests.odoo_standin.schema import fields_for, models_for

    for model in models_for(standin.version):
        odoo.execute_kw(model, "search", [[]], {"limit": 1})
    accounts = standin.store.tables["account.account"]
    company_field = "company_ids" if standin.version in ("18.0", "19.0") else "company_id"
    got = odoo.execute_kw("account.account", "search", [[(company_field, "in", [2])]])
    want = [aid for aid, a in accounts.items() if 2 in (a.get(company_field) if company_field == "company_ids"
                                                          else [a.get("company_id")])]
    assert got and sorted(got) == sorted(want) and len(got) < len(accounts)
    if company_field == "company_ids":
        assert odoo.execute_kw("account.account", "search_count", [[("company_ids", "not in", [2])]]) \
            == len(accounts) - len(want)
        assert odoo.execute_kw("account.account", "search_count", [[("company_ids", "=", False)]]) == 0
    leaf = (("account_id.internal_type", "=", "receivable") if standin.version in ("14.0", "15.0")
            else ("account_id.account_type", "=", "asset_receivable"))
    dotted = odoo.execute_kw("account.move.line", "search", [[leaf]])
    assert sorted(dotted) == sorted(odoo.execute_kw("account.move.line", "search", [receivable_domain(
        standin.version)[:1]]))
    assert "move_type" in fields_for("account.move.line", standin.version) or standin.version in ("14.0", "15.0")


def test_a_client_that_goes_away_leaves_no_traceback(capsys):
    """A client timing out (the server then writes to a closed socket) is not an error worth printing; any other
    failure in a handler still is."""
    with start_standin("17.0") as standin:
        standin.set_faults(latency=0.3)
        odoo = odoorpc.ODOO(standin.host, port=standin.port, timeout=0.05, version="17.0")
        with pytest.raises(OSError):  # the client's timeout
            odoo.json("/jsonrpc", {"service": "common", "method": "version", "args": []})
        time.sleep(0.5)
        for exc in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset")):
            try:
                raise exc
            except OSError:
                standin.httpd.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a real bug")
        except ValueError:
            standin.httpd.handle_error(None, ("127.0.0.1", 1))
        assert "a real bug" in capsys.readouterr().err
