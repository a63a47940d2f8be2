"""Postal addresses, collectors and early-payment discounts from the sources.

Odoo, through the real odoorpc client against the stand-in: a customer's address from its address fields, its
collector its salesperson or, without one, the salesperson most of its open invoices name; an invoice's early-payment
discount from its receivable line (16+) while it is open in full; all of it kept up by an incremental pull (a
changed address, a partly paid invoice, salespeople changed on invoices alone) as a full pull gives it, and through
the ledger. QuickBooks: an IIF file's customer list gives addresses and reps, its TERMS discounts as the open balances
are derived; a contact list in a folder of exports gives addresses the exports lack.
"""
from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from connectors.odoo import pull
from connectors.quickbooks import read_export, read_source
from receivables.config import OdooConfig
from receivables.ledger import Ledger
from tests.odoo_standin import start_standin

TODAY = date(2026, 10, 31)


def config(s) -> OdooConfig:
    return OdooConfig(url=s.url, db=s.db, user="admin", batch_size=60, retries=1, backoff=0.001, timeout=10)


def strip(books):
    return books.company_currency, books.customers, books.items, books.payments, books.allocations


# -- what the stand-in's rows say, worked out here from the raw rows -----------------------------------------------
def expected_address(store, partner_id: int) -> str:
    row = store.tables["res.partner"][partner_id]
    state = store.tables["res.country.state"].get(row.get("state_id"))
    country = store.tables["res.country"].get(row.get("country_id"))
    place = " ".join(x for x in (row.get("zip"), row.get("city")) if x)
    parts = [row.get("street"), row.get("street2"), place, state and state["name"], country and country["name"]]
    return "\n".join(p for p in parts if p)


def user_name(store, user_id) -> str:
    return store.tables["res.partner"][store.tables["res.users"][user_id]["partner_id"]]["name"] if user_id else ""


def open_invoices(store, partner_id: int) -> list[int]:
    """The posted customer invoices of company 1 with an open receivable line, of one commercial partner."""
    moves = store.tables["account.move"]
    found = set()
    for line in store.tables["account.move.line"].values():
        move = moves[line["move_id"]]
        if (line.get("receivable") and line["partner_id"] == partner_id and line["parent_state"] == "posted"
                and not line["reconciled"] and line["amount_residual"] and move["move_type"] == "out_invoice"
                and line["company_id"] == 1):
            found.add(move["id"])
    return sorted(found)


def expected_collector(store, partner_id: int) -> str:
    row = store.tables["res.partner"][partner_id]
    if row.get("user_id"):
        return user_name(store, row["user_id"])
    moves = store.tables["account.move"]
    counts = Counter(moves[m]["invoice_user_id"] for m in open_invoices(store, partner_id)
                     if moves[m]["invoice_user_id"])
    if not counts:
        return ""
    top = max(counts.values())
    tied = [m for m in open_invoices(store, partner_id) if counts.get(moves[m]["invoice_user_id"]) == top]
    latest = max(tied, key=lambda m: (moves[m]["invoice_date"], m))
    return user_name(store, moves[latest]["invoice_user_id"])


def expected_discounts(store) -> dict[str, tuple[date, Decimal]]:
    """Open receivable lines of company 1 with a discount date, open in full: their discount, in the currency."""
    out = {}
    for lid, line in store.tables["account.move.line"].items():
        if (line.get("receivable") and line["company_id"] == 1 and line["parent_state"] == "posted"
                and not line["reconciled"] and line["amount_residual"] and line.get("discount_date")
                and line["amount_residual_currency"] == line["amount_currency"]):
            out[f"aml:{lid}"] = (date.fromisoformat(line["discount_date"]),
                                 Decimal(line["discount_amount_currency"]).scaleb(-2))
    return out


def given_discounts(books) -> dict:
    return {i.id: (i.discount_until, i.discount_amount) for i in books.items if i.discount_until is not None}


def without_salesperson(s, partner_id: int, users: list[int]) -> None:
    """Through the ERP: the partner loses its salesperson, and its open invoices name ``users`` in turn."""
    s.call("res.partner", "write", [partner_id], {"user_id": False})
    for move, user in zip(open_invoices(s.store, partner_id), users):
        s.call("account.move", "write", [move], {"invoice_user_id": user})


def busiest(store, count: int) -> list[int]:
    """The ``count`` customers of company 1 with the most open invoices (at least two each)."""
    partners = {ln["partner_id"] for ln in store.tables["account.move.line"].values() if ln.get("receivable")}
    ranked = sorted((-len(open_invoices(store, p)), p) for p in partners if p)
    return [p for n, p in ranked[:count] if n <= -2]


@pytest.mark.parametrize("version", ["14.0", "16.0", "17.0", "19.0"])
def test_an_odoo_pull_gives_addresses_collectors_and_discounts(version, tmp_path):
    with start_standin(version=version) as s:
        store = s.store
        first, second = busiest(store, 2)
        n = len(open_invoices(store, first))
        without_salesperson(s, first, [4] * (n - 1) + [3])         # Joel Willis on all but one
        without_salesperson(s, second, [3, 4, 3, 4][:len(open_invoices(store, second)) // 2 * 2])   # a tie
        books, state = pull(config(s), password="admin", today=TODAY)
        customers = {c.id: c for c in books.customers}
        assert customers[str(first)].collector == "Joel Willis"
        assert customers[str(second)].collector == expected_collector(store, second) != ""
        assert state["no_salesperson"] == sorted([str(first), str(second)], key=int)
        for cid, customer in customers.items():
            if cid != "0":
                assert customer.address == expected_address(store, int(cid)), cid
                assert customer.collector == expected_collector(store, int(cid)), cid
        acme = next(c for c in books.customers if c.name == "Acme Ltd")
        assert acme.address == "100 Market Street\n94000 San Francisco\nCalifornia\nUnited States"
        assert {c.address.split("\n")[-1] for c in books.customers if c.address} == {"United States", "Germany",
                                                                                       "France"}
        assert sum(1 for c in books.customers if not c.address) >= 1            # every tenth has none
        assert {c.collector for c in books.customers} >= {"Mitchell Admin", "Marc Demo", "Joel Willis"}
        if version < "16":
            assert given_discounts(books) == {}                 # no early-payment discount before 16
        else:
            want = expected_discounts(store)
            assert given_discounts(books) == want and len(want) >= 3
            early_lines = [ln for ln in store.tables["account.move.line"].values()
                           if ln.get("discount_date") and ln["company_id"] == 1 and not ln["reconciled"]]
            assert any(ln["amount_residual_currency"] != ln["amount_currency"] for ln in early_lines), \
                "the books have an early-payment invoice partly paid"
        with Ledger(tmp_path / "l.db") as led:
            loaded = led.load(led.store(books, source_key="odoo:demo", state=state))
            assert strip(loaded) == strip(books)


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_an_incremental_pull_follows_addresses_salespeople_and_discounts_as_a_full_pull_gives_them(version):
    with start_standin(version=version) as s:
        store = s.store
        first, second = busiest(store, 2)
        without_salesperson(s, first, [3] * len(open_invoices(store, first)))
        books, state = pull(config(s), password="admin", today=TODAY)
        assert {c.id: c.collector for c in books.customers}[str(first)] == "Marc Demo"
        # through the ERP: a new street, a partly paid early-payment invoice, invoices given another salesperson
        # (the invoices are written, their journal items are not), and a salesperson for a customer without one
        s.call("res.partner", "write", [second], {"street": "1 New Road", "street2": False, "state_id": False})
        early = next(ln for ln in store.tables["account.move.line"].values()
                     if ln.get("discount_date") and ln["company_id"] == 1 and not ln["reconciled"]
                     and ln["amount_residual_currency"] == ln["amount_currency"])
        s.pay(early["move_id"], "1.00", TODAY)
        for move in open_invoices(store, first):
            s.call("account.move", "write", [move], {"invoice_user_id": 4})
        third = next(p for p in busiest(store, 5) if p not in (first, second))
        s.call("res.partner", "write", [third], {"user_id": False})
        s.call("res.partner", "write", [third], {"user_id": 4})
        again, again_state = pull(config(s), password="admin", today=TODAY, previous=books,
                                  state=json.loads(json.dumps(state)))
        fresh, fresh_state = pull(config(s), password="admin", today=TODAY)
        assert again_state["mode"] == "incremental"
        assert strip(again) == strip(fresh)
        assert again_state["no_salesperson"] == fresh_state["no_salesperson"] == [str(first)]
        customers = {c.id: c for c in again.customers}
        assert customers[str(first)].collector == "Joel Willis"
        assert customers[str(third)].collector == "Joel Willis"
        assert customers[str(second)].address.startswith("1 New Road\n")
        assert f"aml:{early['id']}" in given_discounts(books) and f"aml:{early['id']}" not in given_discounts(again)
        assert given_discounts(again) == expected_discounts(store)


# -- QuickBooks ----------------------------------------------------------------------------------------------------
IIF_HEADER = ("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tDUEDATE\tTERMS\tREP\n"
              "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\n!ENDTRNS\n")
CUST = ("!CUST\tNAME\tBADDR1\tBADDR2\tBADDR3\tBADDR4\tBADDR5\tEMAIL\tREP\tCOMPANYNAME\n"
        "CUST\tAlpine Tools\tAlpine Tools\t12 Ridge Road\tSuite 4\tDenver, CO 80202\t\tap@alpine.example\t\t"
        "Alpine Tools\n"
        "CUST\tBirch & Co\tBirch & Co Ltd\t5 Elm Street\tBoston, MA 02108\t\t\t\tKL\tBirch & Co Ltd\n")


def trns(kind: str, day: str, name: str, amount: str, num: str, due: str = "", terms: str = "", rep: str = "") -> str:
    account = "Accounts Receivable" if kind != "PAYMENT" else "Undeposited Funds"
    other = "Sales" if kind != "PAYMENT" else "Accounts Receivable"
    minus = amount[1:] if amount.startswith("-") else "-" + amount
    return (f"TRNS\t\t{kind}\t{day}\t{account}\t{name}\t{amount}\t{num}\t{due}\t{terms}\t{rep}\n"
            f"SPL\t\t{kind}\t{day}\t{other}\t{name}\t{minus}\t{num}\nENDTRNS\n")


def test_an_iif_file_gives_addresses_reps_and_discounts_of_invoices_open_in_full(tmp_path):
    text = (IIF_HEADER + CUST
            + trns("INVOICE", "10/01/2026", "Alpine Tools", "500.00", "1001", "10/31/2026", "2% 10 Net 30", "JS")
            + trns("INVOICE", "10/25/2026", "Alpine Tools", "1234.56", "1002", "11/24/2026", "2% 10 Net 30", "MB")
            + trns("INVOICE", "10/26/2026", "Alpine Tools", "80.00", "1003", "", "1% 10 Net 30", "MB")
            + trns("PAYMENT", "10/27/2026", "Alpine Tools", "200.00", "P1")
            + trns("INVOICE", "10/20/2026", "Birch & Co", "300.00", "2001", "11/19/2026", "Net 30", "JS")
            + trns("INVOICE", "10/21/2026", "Cedar LLC", "10.00", "3001", "11/20/2026", "Net 30", "AB")
            + trns("INVOICE", "10/22/2026", "Cedar LLC", "100.25", "3002", "11/21/2026", "2%10Net30", "CD")
            + trns("CREDIT MEMO", "10/23/2026", "Cedar LLC", "-10.00", "3003", "", "2% 10 Net 30", "CD")
            + trns("INVOICE", "10/24/2026", "Dune Co", "100.25", "4001", "11/23/2026", "2%10Net30", "")
            + trns("CREDIT MEMO", "10/25/2026", "Dune Co", "-0.25", "4002", "", "", ""))
    path = tmp_path / "books.iif"
    path.write_text(text, encoding="utf-8")
    books = read_export(path)
    items = {i.number: i for i in books.items}
    # payments and credits settle the oldest invoice first: 1001 and 3001 (no discount terms) take them, so 1002,
    # 1003 and 3002 stay open in full; 4001, credited in part, is not
    assert (items["1001"].open_amount, items["3001"].open_amount) == (Decimal("300.00"), Decimal("0.00"))
    assert items["4001"].open_amount == Decimal("100.00")
    assert {n: (i.discount_until, i.discount_amount) for n, i in items.items() if i.discount_until} == {
        "1002": (date(2026, 11, 4), Decimal("1209.87")),
        "1003": (date(2026, 11, 5), Decimal("79.20")),                # DUEDATE blank: due from its terms
        "3002": (date(2026, 11, 1), Decimal("98.24"))}
    customers = {c.id: c for c in books.customers}
    assert customers["Alpine Tools"].address == "12 Ridge Road\nSuite 4\nDenver, CO 80202"     # name line left out
    assert customers["Birch & Co"].address == "5 Elm Street\nBoston, MA 02108"
    assert customers["Cedar LLC"].address == ""
    # the customer list's rep first; else the rep most transactions name, a tie to the latest
    assert {c.id: c.collector for c in books.customers} == {"Alpine Tools": "MB", "Birch & Co": "KL",
                                                            "Cedar LLC": "CD", "Dune Co": ""}


def write_csv(path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def test_a_contact_list_in_a_folder_of_exports_gives_the_addresses_the_exports_lack(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    write_csv(folder / "open.csv", [
        ["Open Invoices Report"], ["Harbor Lane Supply Co"], ["As of October 31, 2026"], [],
        ["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"],
        ["Alpine Tools", "", "", "", "", "", ""],
        ["", "10/02/2026", "Invoice", "5001", "Net 30", "11/01/2026", "1,000.00"],
        ["Total for Alpine Tools", "", "", "", "", "", "$1,000.00"],
        ["birch & co", "", "", "", "", "", ""],
        ["", "10/05/2026", "Invoice", "5004", "Net 30", "11/04/2026", "9.99"],
        ["Total for birch & co", "", "", "", "", "", "$9.99"],
        ["TOTAL", "", "", "", "", "", "$1,009.99"], [], [], [" Saturday, October 31, 2026 09:41 AM GMTZ"]])
    write_csv(folder / "contacts.csv", [
        ["Customer Contact List"], ["Harbor Lane Supply Co"], [],
        ["", "Customer", "Phone Numbers", "Email", "Full Name", "Billing Address"],
        ["", "Alpine Tools", "(303) 555-0100", "ap@alpine.example", "Ann Alpine", "12 Ridge Road\nDenver, CO 80202"],
        ["", "Birch & Co", "", "ap@birch.example", "", "5 Elm Street, Boston, MA 02108"],
        ["", "Nobody Inc", "", "x@nobody.example", "", "1 Nowhere"]])
    write_csv(folder / "pl.csv", [["Profit and Loss"], ["Harbor Lane Supply Co"], ["October 2026"], [],
                                  ["", "Total"], ["Income", "100.00"]])
    books = read_source(folder)
    assert {c.id: c.address for c in books.customers} == {"Alpine Tools": "12 Ridge Road\nDenver, CO 80202",
                                                          "birch & co": "5 Elm Street, Boston, MA 02108"}
    said = [str(n) for n in books.notes]
    assert "books: postal addresses of 2 customers from the contact list contacts.csv" in said
    assert any("skipped pl.csv: not a receivables report" in n for n in said)
    assert not any("contacts.csv: not a receivables report" in n for n in said)
