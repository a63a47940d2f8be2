"""A seeded generator of realistic receivable books for the stand-in.

Two companies (USD and EUR), customers with child invoice contacts, invoices in the company currency and in the
other one, payment terms with several instalments, partial and full payments matched as
``account.partial.reconcile`` (some dated after past dates, so aging at past dates differs; at each of the last
12 month ends a credit note and a payment received before it are matched after it), credit notes applied and
open, unapplied payments, cancelled and draft moves, and a manual journal entry receivable line without due date.
Customers have postal addresses (a few none) and one of three salespeople; about a quarter of the single-instalment
invoices are under the payment term "2/7 Net 30", whose receivable line carries the early-payment discount (16+),
some of them partly paid since. None of this draws on the seeded random numbers, so the books' amounts are what
they were without it.
``seed`` is ``"demo"`` or an integer; ``size`` is roughly the number of open receivable items.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from . import business as biz
from .base import EARLY_TERM, USD, seed_base
from .store import Store

TODAY = date(2026, 10, 31)
DEFAULT_SIZE = 120
STORY_ITEMS = 1500  # beyond this many open items, plain open invoices are built row by row in bulk
NAMES = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Wonka",
    "Gringotts",
    "Oceanic",
    "Monarch",
    "Duff",
    "Krusty",
    "Pied Piper",
    "Dunder",
    "Sterling",
)
SUFFIXES = ("Ltd", "Inc", "GmbH", "LLC", "SA", "BV", "Corp", "& Co")
SALESPEOPLE = ("Marc Demo", "Joel Willis")      # beside the admin, Mitchell Admin (user 2)


def generate(store: Store, seed="demo", size: int | None = None, today: date = TODAY) -> None:
    """Fill ``store`` with base data and about ``size`` open receivable items, reproducibly from ``seed``."""
    rng = random.Random(0 if seed == "demo" else int(seed))
    size = DEFAULT_SIZE if size is None else int(size)
    seed_base(store)
    customers = _customers(store, rng, max(8, min(2000, size // 8)))
    _salespeople(store, customers)
    _special_cases(store, customers, today)
    opened = sum(
        1
        for ln in store.tables[biz.AML].values()
        if ln.get("receivable") and ln["parent_state"] == "posted" and not ln["reconciled"]
    )
    while opened < min(size, STORY_ITEMS):
        opened += _one_invoice(store, rng, customers, today)
    _settled_after_month_ends(store, customers, today)
    if opened < size:
        _bulk_open(store, rng, customers, today, size - opened)
    store.frozen_stamp = None
    store.cache.clear()
    store.clock = max(store.clock, _dt(today))
    store.rev += 1


def _dt(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 12, 0, 0)


def _customers(store: Store, rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    """Customers as (company id, commercial partner id, partner to invoice) triples."""
    out = []
    for i in range(count):
        name = f"{NAMES[i % len(NAMES)]} {SUFFIXES[(i // len(NAMES)) % len(SUFFIXES)]}"
        if i >= len(NAMES) * len(SUFFIXES):
            name += f" {i}"
        pid = store.next_id["res.partner"]
        store.insert(
            "res.partner",
            {
                "name": name,
                "complete_name": name,
                "is_company": True,
                "active": True,
                "type": "contact",
                "parent_id": False,
                "commercial_partner_id": pid,
                "email": f"ap{i}@customer{i}.example",
                "phone": f"+1 555 01{i % 100:02d}",
                "mobile": f"+1 555 02{i % 100:02d}",
                "vat": False,
                "ref": f"C{i:05d}",
                "lang": rng.choice(("en_US", "en_US", "fr_FR", "de_DE")),
                "company_id": False,
                "user_id": 2,
                "credit_limit": float(rng.choice((0, 5000, 20000, 100000))),
                "trust": rng.choice(("good", "normal", "bad")),
                "property_payment_term_id": rng.choice((1, 2, 3, 4)),
                "invoice_warn": "no-message",
                "invoice_warn_msg": False,
                "invoice_sending_method": "email",
                **address(i),
            },
            stamp="2024-01-01 09:00:00",
        )
        target = pid
        if i % 4 == 1:
            contact = f"{name}, Accounts Payable"
            target = store.insert(
                "res.partner",
                {
                    "name": "Accounts Payable",
                    "complete_name": contact,
                    "is_company": False,
                    "active": True,
                    "type": "invoice",
                    "parent_id": pid,
                    "commercial_partner_id": pid,
                    "email": f"payables{i}@customer{i}.example",
                    "lang": "en_US",
                    "company_id": False,
                },
                stamp="2024-01-01 09:00:00",
            )
        out.append((2 if i % 5 == 4 else 1, pid, target))
    return out


def address(i: int) -> dict:
    """The address fields of the ``i``-th customer: most in the United States, some in Germany and France, every
    tenth none (the eighth of each ten)."""
    blank = {"street": False, "street2": False, "zip": False, "city": False, "state_id": False, "country_id": False}
    k = i % 10
    if k == 7:
        return blank
    if k == 5:
        return {**blank, "street": f"Hauptstraße {i + 1}", "zip": f"80{i % 1000:03d}", "city": "München",
                "state_id": 4, "country_id": 2}
    if k in (8, 9):
        return {**blank, "street": f"{i + 1} rue de Rivoli", "zip": "75001", "city": "Paris", "country_id": 3}
    if k in (3, 6):
        return {**blank, "street": f"{200 + i} Broadway", "street2": f"Floor {k}", "zip": f"10{i % 1000:03d}",
                "city": "New York", "state_id": 2, "country_id": 1}
    return {**blank, "street": f"{100 + i} Market Street", "street2": f"Suite {i % 7 + 1}00" if i % 2 else False,
            "zip": f"94{i % 1000:03d}", "city": "San Francisco", "state_id": 1, "country_id": 1}


def _salespeople(store: Store, customers) -> None:
    """The salespeople (users 3 and 4 beside the admin) and each customer's: the ``k``-th customer's is the
    ``k % 3``-th of admin, Marc Demo, Joel Willis."""
    users = [2]
    for name in SALESPEOPLE:
        pid = store.next_id["res.partner"]
        store.insert("res.partner", {"name": name, "complete_name": name, "is_company": False, "active": True,
                                     "type": "contact", "parent_id": False, "commercial_partner_id": pid,
                                     "lang": "en_US", "email": f"{name.split()[0].lower()}@standin.example",
                                     "company_id": False}, stamp="2024-01-01 09:00:00")
        users.append(store.insert("res.users", {"login": name.split()[0].lower(), "partner_id": pid, "company_id": 1,
                                                "company_ids": [1, 2], "lang": "en_US", "tz": "Europe/Brussels",
                                                "groups_id": [1], "group_ids": [1]}, stamp="2024-01-01 09:00:00"))
    partners = store.tables["res.partner"]
    for k, (_, commercial, _) in enumerate(customers):
        partners[commercial]["user_id"] = users[k % 3]


def _salesperson(store: Store, partner_id: int, move_seq: int) -> int:
    """An invoice's salesperson: its customer's, but every fifth invoice (by entry number) someone else's."""
    partners = store.tables["res.partner"]
    own = partners[partners[partner_id].get("commercial_partner_id") or partner_id].get("user_id") or 2
    if move_seq % 5:
        return own
    users = sorted(store.tables["res.users"])[1:]          # not __system__
    return users[(users.index(own) + 1) % len(users)] if own in users else own


def _special_cases(store: Store, customers, today: date) -> None:
    """Cases every book has, whatever the seed: draft, cancelled, open credit note, unapplied payment, manual JE."""
    cid, commercial, target = next(c for c in customers if c[1] != c[2])
    d = today - timedelta(days=50)
    store.frozen_stamp = f"{d.isoformat()} 10:00:00"
    biz.add_invoice(store, target, "1000.00", d, company_id=cid)
    biz.add_invoice(store, commercial, "250.00", d, company_id=cid, state="draft")
    cancelled = biz.add_invoice(store, commercial, "400.00", d, company_id=cid)
    biz.cancel(store, cancelled)
    biz.add_invoice(store, commercial, "75.00", d + timedelta(days=3), company_id=cid, refund=True)
    biz.payment_move(
        store,
        cid,
        commercial,
        (d + timedelta(days=5)).isoformat(),
        30000,
        30000,
        store.charts[cid]["currency_id"],
    )
    ch = store.charts[cid]
    biz.add_move(
        store,
        company_id=cid,
        partner_id=commercial,
        move_type="entry",
        day=(d - timedelta(days=200)).isoformat(),
        journal="general",
        currency_id=ch["currency_id"],
        lines=[
            {
                "receivable": True,
                "balance": 12345,
                "amount_currency": 12345,
                "date_maturity": False,
                "name": "Opening balance",
                "display_type": "product" if store.major >= 16 else False,
                "no_followup": store.major >= 19,
            },
            {"balance": -12345, "amount_currency": -12345, "name": "Opening balance"},
        ],
    )


def month_ends(today: date, count: int) -> list[date]:
    """The last ``count`` month ends on or before ``today``, oldest first."""
    out, day = [], today
    if (day + timedelta(days=1)).month == day.month:
        day = day.replace(day=1) - timedelta(days=1)
    while len(out) < count:
        out.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return out[::-1]


def _settled_after_month_ends(store: Store, customers, today: date) -> None:
    """Matches that straddle each of the last 12 month ends, whatever the seed.

    Per month end E: an invoice credited after E by a credit note issued before E (open at E, so the aging at E
    shows the invoice in full and the credit note on its own), and an older invoice partly settled after E by a
    payment received before E (unapplied at E).
    """
    ones = [c for c in customers if c[0] == 1]
    for k, end in enumerate(month_ends(today, 12)):
        if end + timedelta(days=9) > today:
            continue
        cid, commercial, target = ones[k % len(ones)]
        cur = store.charts[cid]["currency_id"]
        store.frozen_stamp = f"{(end - timedelta(days=20)).isoformat()} 10:00:00"
        inv = biz.add_invoice(store, target, Decimal(600 + 37 * k), end - timedelta(days=20), company_id=cid)
        old = biz.add_invoice(store, commercial, Decimal(900 + 11 * k), end - timedelta(days=45),
                              [end - timedelta(days=15)], company_id=cid)
        store.frozen_stamp = f"{(end - timedelta(days=3)).isoformat()} 10:00:00"
        refund = biz.add_invoice(store, commercial, "150.00", end - timedelta(days=3), company_id=cid, refund=True)
        received = biz.payment_move(store, cid, commercial, (end - timedelta(days=2)).isoformat(), 50000, 50000, cur)
        store.frozen_stamp = f"{(end + timedelta(days=9)).isoformat()} 10:00:00"
        biz.reconcile(store, biz.receivable_lines(store, inv)[0], biz.receivable_lines(store, refund)[0], 15000,
                      (end + timedelta(days=7)).isoformat())
        biz.reconcile(store, biz.receivable_lines(store, old)[0], biz.receivable_lines(store, received)[0], 50000,
                      (end + timedelta(days=9)).isoformat())


def _one_invoice(store: Store, rng: random.Random, customers, today: date) -> int:
    """Post one invoice with its story (payments, credit note, cancellation); returns open items it left."""
    cid, commercial, target = _pick(rng, customers)
    ch = store.charts[cid]
    age = int(rng.triangular(0, 420, 30))
    day = today - timedelta(days=age)
    store.frozen_stamp = f"{day.isoformat()} 10:00:00"
    foreign = rng.random() < 0.15
    currency = ("EUR" if ch["currency_id"] == USD else "USD") if foreign else None
    amount = Decimal(int(rng.lognormvariate(7, 1.1) * 100) + 100) / 100
    plan = rng.random()
    if plan < 0.6:
        dues = [day + timedelta(days=30)]
    elif plan < 0.75:
        dues = [day]
    elif plan < 0.9:
        dues = [day, day + timedelta(days=60)]
    else:
        dues = [day + timedelta(days=30), day + timedelta(days=60), day + timedelta(days=90)]
    kind = rng.random()
    state = "draft" if kind < 0.02 else "posted"
    seq = store.next_id[biz.MOVE]
    mid = biz.add_invoice(
        store,
        target if rng.random() < 0.5 else commercial,
        amount,
        day,
        dues,
        company_id=cid,
        currency=currency,
        state=state,
        early=len(dues) == 1 and dues[0] == day + timedelta(days=30) and seq % 4 == 0,
        user_id=_salesperson(store, commercial, seq),
    )
    if state == "draft":
        return 0
    if kind < 0.04:
        biz.cancel(store, mid)
        return 0
    if kind < 0.09:  # credit note, applied or left open
        refund = biz.add_invoice(
            store,
            commercial,
            (amount * Decimal("0.2")).quantize(Decimal("0.01")),
            day + timedelta(days=rng.randint(1, 20)),
            company_id=cid,
            currency=currency,
            refund=True,
        )
        if rng.random() < 0.5 and (day + timedelta(days=20)) <= today:
            credit_lid = biz.receivable_lines(store, refund)[0]
            debit_lid = biz.receivable_lines(store, mid)[0]
            credit = store.tables[biz.AML][credit_lid]
            take = min(-credit["amount_residual"], store.tables[biz.AML][debit_lid]["amount_residual"])
            biz.reconcile(store, debit_lid, credit_lid, take, store.tables[biz.MOVE][refund]["date"])
    elif age > 5:
        story = rng.random()
        last = min(today, day + timedelta(days=age))
        pay_day = day + timedelta(days=rng.randint(1, max(1, (last - day).days)))
        if story < 0.55:  # paid in full, some after their due date, some after a past month end
            biz.pay(store, mid, amount, pay_day)
        elif story < 0.75:  # partly paid
            biz.pay(
                store,
                mid,
                (amount * Decimal(rng.choice(("0.25", "0.5", "0.3")))).quantize(Decimal("0.01")),
                pay_day,
            )
        elif story < 0.8:  # overpaid: the excess stays as an unapplied payment
            pay_mid = biz.pay(store, mid, amount + Decimal("10.00"), pay_day)
            _ = pay_mid
    return sum(1 for lid in _open_lines(store, mid)) + (1 if kind < 0.09 else 0)


def _pick(rng: random.Random, customers):
    """A customer, a few big ones more often than the rest."""
    if rng.random() < 0.5:
        return customers[(int(rng.paretovariate(1.0)) - 1) % len(customers)]
    return customers[rng.randrange(len(customers))]


def _open_lines(store: Store, mid: int):
    lines = store.tables[biz.AML]
    return [lid for lid in biz.receivable_lines(store, mid) if not lines[lid]["reconciled"]]


def _bulk_open(store: Store, rng: random.Random, customers, today: date, count: int) -> None:
    """Append ``count`` open single-instalment invoices, building the rows directly (fast for large books)."""
    moves, lines = store.tables[biz.MOVE], store.tables[biz.AML]
    lines_of = store.lines_of
    mid, lid = store.next_id[biz.MOVE], store.next_id[biz.AML]
    dtype_rec = "payment_term" if store.major >= 16 else False
    dtype_inc = "product" if store.major >= 16 else False
    for _ in range(count):
        cid, commercial, target = _pick(rng, customers)
        ch = store.charts[cid]
        day = today - timedelta(days=int(rng.triangular(0, 420, 30)))
        d, due = day.isoformat(), (day + timedelta(days=30)).isoformat()
        stamp = d + " 10:00:00"
        cur = ch["currency_id"]
        amount = int(rng.lognormvariate(7, 1.1) * 100) + 100
        name = f"INV/{d[:4]}/{mid:06d}"
        early = mid % 5 == 0 and store.major >= 16
        moves[mid] = {
            "id": mid,
            "create_date": stamp,
            "write_date": stamp,
            "name": name,
            "ref": False,
            "date": d,
            "move_type": "out_invoice",
            "state": "posted",
            "payment_state": "not_paid",
            "journal_id": ch["journals"]["sale"],
            "company_id": cid,
            "currency_id": cur,
            "partner_id": target,
            "commercial_partner_id": commercial,
            "invoice_date": d,
            "invoice_date_due": due,
            "invoice_payment_term_id": EARLY_TERM if early else 2,
            "invoice_origin": False,
            "payment_reference": name,
            "invoice_user_id": _salesperson(store, commercial, mid),
            "amount_untaxed": amount,
            "amount_tax": 0,
            "amount_total": amount,
            "amount_residual": amount,
            "amount_total_signed": amount,
            "amount_residual_signed": amount,
            "amount_total_in_currency_signed": amount,
            "payment_id": False,
            "origin_payment_id": False,
            "to_check": False,
            "checked": True,
            "delivery_date": False,
        }
        common = {
            "create_date": stamp,
            "write_date": stamp,
            "move_id": mid,
            "move_name": name,
            "ref": False,
            "date": d,
            "parent_state": "posted",
            "journal_id": ch["journals"]["sale"],
            "company_id": cid,
            "partner_id": commercial,
            "currency_id": cur,
            "reconciled": False,
            "full_reconcile_id": False,
            "matching_number": False,
            "blocked": False,
            "no_followup": False,
            "discount_date": False,
            "discount_amount_currency": 0,
        }
        lines[lid] = {
            **common,
            "id": lid,
            "name": name,
            "discount_date": (day + timedelta(days=biz.EARLY_DAYS)).isoformat() if early else False,
            "discount_amount_currency": amount - biz.early_off(amount) if early else 0,
            "date_maturity": due,
            "account_id": ch["receivable"],
            "debit": amount,
            "credit": 0,
            "balance": amount,
            "amount_currency": amount,
            "amount_residual": amount,
            "amount_residual_currency": amount,
            "exclude_from_invoice_tab": True,
            "display_type": dtype_rec,
            "receivable": True,
        }
        lines[lid + 1] = {
            **common,
            "id": lid + 1,
            "name": "Services",
            "date_maturity": False,
            "account_id": ch["income"],
            "debit": 0,
            "credit": amount,
            "balance": -amount,
            "amount_currency": -amount,
            "amount_residual": 0,
            "amount_residual_currency": 0,
            "exclude_from_invoice_tab": False,
            "display_type": dtype_inc,
            "receivable": False,
        }
        lines_of[mid] = [lid, lid + 1]
        mid, lid = mid + 1, lid + 2
    store.next_id[biz.MOVE], store.next_id[biz.AML] = mid, lid
