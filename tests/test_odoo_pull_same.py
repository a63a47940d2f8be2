"""The Odoo connector's per-line mapping (connectors/odoo/mapping.LineMapper, with its caches) gives the very records
the plain per-row mapping it replaced gave: whole pulls compared record by record, by ``repr`` (so an amount's
exponent counts: 5.00 is not 5.0), and bad values from the server refused with the same one-line error."""
from __future__ import annotations

import gc
import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

import connectors.odoo.sync as sync
from connectors.odoo import mapping as m
from connectors.odoo import pull
from receivables.config import OdooConfig
from receivables.errors import RemoteError
from receivables.money import quantize
from receivables.records import Invoice, ItemKind, Payment
from tests.odoo_standin import start_standin

TODAY = date(2026, 10, 31)


# -- the reference: the per-row mapping as it was before LineMapper, kept verbatim -------------------------------

def _amount(value, currency, where):
    digits = m.precision(currency)
    quantum, tolerance = Decimal(1).scaleb(-digits), Decimal(1).scaleb(-digits - 2)
    if value is False or value is None:
        value = 0
    try:
        exact = m.wire_money(value)
    except (TypeError, ValueError):
        raise RemoteError(f"Odoo sent {value!r} where an amount was expected", source=where) from None
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded != exact and abs(exact - rounded) >= tolerance:
        raise RemoteError(f"Odoo sent {value!r}, finer than {currency or 'the currency'} allows", source=where)
    return rounded


def _item_kind(kind, balance):
    if kind == m.INVOICE:
        return ItemKind.INVOICE
    if kind == m.REFUND:
        return ItemKind.CREDIT_NOTE
    if kind == m.PAYMENT:
        return ItemKind.PAYMENT
    return ItemKind.PAYMENT if balance < 0 else ItemKind.INVOICE


def reference_line_records(row, kind, followup_flag, cutoff, paid_on, applied_to):
    lid = int(row["id"])
    where = f"account.move.line,{lid}"
    company_cur = m.m2o_name(row.get("company_currency_id")) or None
    currency = m.m2o_name(row.get("currency_id")) or company_cur or ""
    balance = _amount(row.get("balance"), company_cur, where)
    residual = _amount(row.get("amount_residual"), company_cur, where)
    residual_cur = _amount(row.get("amount_residual_currency"), currency, where)
    total_cur = _amount(row.get("amount_currency"), currency, where)
    if currency == company_cur or (total_cur == 0 and balance != 0):
        total_cur, residual_cur = balance, residual
    line_date = m.day(row.get("date"), where)
    if line_date is None:
        raise RemoteError("journal item without a date", source=where)
    partner = m.m2o_id(row.get("partner_id"))
    customer = str(partner) if partner else m.NO_PARTNER
    is_open = not row.get("reconciled") and residual != 0
    flags = {"no_followup"} if followup_flag and row.get(followup_flag) else set()
    if kind == m.OTHER:
        flags.add("journal_entry")
    until = discount = None                                 # the early-payment discount, while open in full
    if row.get("discount_date") and is_open and residual_cur == total_cur:
        until = m.day(row["discount_date"], where)
        discount = _amount(row.get("discount_amount_currency"), currency, where)
    item = Invoice(id=f"aml:{lid}", number=str(row.get("move_name") or m.m2o_name(row.get("move_id"))),
                   customer_id=customer, kind=_item_kind(kind, balance), issued=line_date,
                   due=m.day(row.get("date_maturity"), where), currency=currency, total=total_cur,
                   open_amount=residual_cur if is_open else quantize(Decimal(0), currency),
                   open_amount_company=residual if is_open else quantize(Decimal(0), company_cur),
                   source_ref=f"account.move.line,{lid}", flags=frozenset(flags),
                   paid_on=paid_on if row.get("reconciled") else None,
                   customer_name=m.m2o_name(row.get("partner_id")), total_company=balance,
                   discount_until=until, discount_amount=discount)
    payment = None
    if kind == m.PAYMENT and line_date >= cutoff and balance < 0:
        payment = Payment(id=f"aml:{lid}", customer_id=customer, date=line_date, amount=-total_cur,
                          currency=currency, applied_to=applied_to,
                          number=str(row.get("move_name") or ""), source_ref=f"account.move.line,{lid}")
    return item, payment


def reference_build_records(p, rows, kinds, partials):
    paid_on, applied, allocations = {}, {}, []
    for row in partials:
        a = m.allocation(row, p.currency)
        allocations.append(a)
        for lid in (m.m2o_id(row["debit_move_id"]), m.m2o_id(row["credit_move_id"])):
            paid_on[lid] = max(paid_on.get(lid, a.date), a.date)
        applied.setdefault(m.m2o_id(row["credit_move_id"]), []).append(a.debit_item_id)
    items, payments = {}, {}
    for row in rows:
        lid = int(row["id"])
        item, payment = reference_line_records(row, kinds.get(lid, m.OTHER), p.profile.followup_flag, p.cutoff,
                                               paid_on.get(lid), tuple(sorted(set(applied.get(lid, ())))))
        items[lid] = item
        if payment:
            payments[lid] = payment
    return items, payments, allocations


def same(a, b) -> None:
    """Equal books, record by record and by repr (flags compared as sorted lists: a set's order is not a value)."""
    def shown(rec):
        return repr(replace(rec, flags=tuple(sorted(rec.flags)))) if isinstance(rec, Invoice) else repr(rec)

    for name in ("customers", "items", "payments", "allocations"):
        left, right = getattr(a, name), getattr(b, name)
        assert len(left) == len(right), name
        for x, y in zip(left, right):
            assert shown(x) == shown(y)
    assert (a.company_currency, a.report_date, a.knows, a.period, a.notes) == \
        (b.company_currency, b.report_date, b.knows, b.period, b.notes)


@pytest.mark.parametrize("version,size,company", [("14.0", None, None), ("16.0", None, 2), ("17.0", 3000, None),
                                                  ("19.0", None, None), ("19.0", None, 2)])
def test_full_and_incremental_pulls_give_the_records_the_per_row_mapping_gave(version, size, company, monkeypatch):
    with start_standin(version=version, size=size) as s:
        cfg = OdooConfig(url=s.url, db=s.db, user="admin", batch_size=300, company=company, backoff=0.001)
        books, state = pull(cfg, password="admin", today=TODAY)
        with monkeypatch.context() as patch:
            patch.setattr(sync, "build_records", reference_build_records)
            expected, expected_state = pull(cfg, password="admin", today=TODAY)
        same(books, expected)
        assert state["line_ids"] == expected_state["line_ids"] and state["kinds"] == expected_state["kinds"]
        s.add_invoice(5, "1234.56", TODAY, [TODAY + timedelta(days=30), TODAY + timedelta(days=60)])
        later = TODAY + timedelta(days=2)
        again, _ = pull(cfg, password="admin", today=later, previous=books, state=json.loads(json.dumps(state)))
        with monkeypatch.context() as patch:
            patch.setattr(sync, "build_records", reference_build_records)
            expected, _ = pull(cfg, password="admin", today=later, previous=books, state=json.loads(json.dumps(state)))
        same(again, expected)
    assert gc.isenabled()


GOOD = {"id": 7, "move_id": [3, "INV/7"], "move_name": "INV/7", "partner_id": [9, "Acme"], "date": "2026-10-01",
        "date_maturity": "2026-10-31", "currency_id": [2, "EUR"], "company_currency_id": [1, "USD"],
        "amount_currency": 110.5, "balance": 100.25, "amount_residual": 100.25, "amount_residual_currency": 110.5,
        "reconciled": False, "no_followup": True}
ROWS = [{}, {"currency_id": False}, {"currency_id": [1, "USD"]}, {"amount_currency": 0.0},
        {"balance": -0.0, "amount_residual": -0.0}, {"balance": 1e-7}, {"balance": -1e-7}, {"balance": 100},
        {"balance": "100.25"}, {"reconciled": True}, {"move_name": False}, {"move_name": False, "move_id": False},
        {"partner_id": False}, {"date_maturity": False}, {"date": "2026-10-01 12:00:00"}, {"no_followup": False},
        {"currency_id": [4, "JPY"], "amount_currency": 12000.0, "amount_residual_currency": 12000.0},
        {"currency_id": [5, "KWD"], "amount_currency": 30.125, "amount_residual_currency": 30.125},
        # refused, with the error the line alone gave
        {"balance": 100.251}, {"balance": True}, {"balance": [1]}, {"balance": "NaN"}, {"balance": float("nan")},
        {"balance": float("inf")}, {"amount_currency": 110.505}, {"date": False}, {"date": "31/10/2026"},
        {"date": 20261031}, {"date_maturity": "tomorrow"}, {"balance": 100.251, "date": False},
        {"currency_id": [4, "JPY"], "amount_currency": 12000.5}]


@pytest.mark.parametrize("kind", [m.INVOICE, m.REFUND, m.PAYMENT, m.OTHER])
def test_each_line_alone_and_in_a_batch_gives_the_per_row_result_or_error(kind):
    cutoff, paid, applied = date(2025, 1, 1), date(2026, 10, 20), ("aml:1", "aml:2")
    mapper = m.LineMapper("no_followup", cutoff)                 # one mapper: its caches carry over
    for n, change in enumerate(ROWS):
        for sign in (1, -1):
            row = dict(GOOD, id=100 + n, **change)
            for key in ("balance", "amount_residual", "amount_currency", "amount_residual_currency"):
                if isinstance(row[key], float):
                    row[key] *= sign
            try:
                want = reference_line_records(row, kind, "no_followup", cutoff, paid, applied)
            except RemoteError as exc:
                with pytest.raises(RemoteError) as alone:
                    m.line_records(row, kind, "no_followup", cutoff, paid, applied)
                with pytest.raises(RemoteError) as batched:
                    mapper.records([dict(GOOD, id=1), row], {row["id"]: kind}, {row["id"]: paid}, {row["id"]: applied})
                assert str(alone.value) == str(batched.value) == str(exc) and "\n" not in str(exc)
                continue
            item, payment = m.line_records(row, kind, "no_followup", cutoff, paid, applied)
            items, payments = mapper.records([row], {row["id"]: kind}, {row["id"]: paid}, {row["id"]: applied})
            for got in ((item, payment), (items[row["id"]], payments.get(row["id"]))):
                assert repr(got) == repr(want), change
