"""Accounting changes a test makes "through the ERP": invoices, payments, reconciliations, cancellation, deletion.

They keep the stored computed fields consistent the way Odoo does: line residuals and ``reconciled`` from
``account.partial.reconcile``, a full reconcile when a match closes, the move's ``amount_residual`` and
``payment_state``, and ``write_date`` on every record touched. Amounts given here are decimal strings or
``Decimal`` in the document currency; they are held as integer cents.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .base import EARLY_TERM
from .matching import AML, MOVE, cents, iso, receivable_lines, reconcile, refresh_move, unreconcile
from .store import Store


def add_move(
    store: Store,
    *,
    company_id: int,
    partner_id: int,
    move_type: str,
    day: str,
    lines: list[dict],
    currency_id: int,
    name: str | None = None,
    state: str = "posted",
    journal: str = "sale",
    invoice_partner_id: int | None = None,
    extra: dict | None = None,
) -> int:
    """Create a balanced move from line dicts holding ``balance``/``amount_currency`` cents and optional keys."""
    ch = store.charts[company_id]
    journal_id = ch["journals"][journal]
    invoice = move_type != "entry"
    seq = store.next_id[MOVE]
    prefix = {"out_invoice": "INV", "out_refund": "RINV", "entry": "MISC" if journal == "general" else "BNK1"}
    name = name or (f"{prefix.get(move_type, 'MISC')}/{day[:4]}/{seq:05d}" if state == "posted" else "/")
    rec = [ln for ln in lines if ln.get("receivable")]
    total_cur = abs(sum(ln["amount_currency"] for ln in rec))
    total = abs(sum(ln["balance"] for ln in rec))
    sign = -1 if move_type == "out_refund" else 1
    partner = store.tables["res.partner"][invoice_partner_id or partner_id]
    dues = [ln["date_maturity"] for ln in rec if ln.get("date_maturity")]
    mid = store.insert(
        MOVE,
        {
            "name": name,
            "ref": False,
            "date": day,
            "move_type": move_type,
            "state": state,
            "payment_state": "not_paid",
            "journal_id": journal_id,
            "company_id": company_id,
            "currency_id": currency_id,
            "partner_id": invoice_partner_id or partner_id,
            "commercial_partner_id": partner.get("commercial_partner_id") or partner["id"],
            "invoice_date": day if invoice else False,
            "invoice_date_due": max(dues) if invoice and dues else False,
            "invoice_payment_term_id": False,
            "invoice_origin": False,
            "payment_reference": name if invoice else False,
            "invoice_user_id": 2 if invoice else False,
            "amount_untaxed": total_cur if invoice else 0,
            "amount_tax": 0,
            "amount_total": total_cur,
            "amount_residual": total_cur,
            "amount_total_signed": sign * total,
            "amount_residual_signed": sign * total,
            "amount_total_in_currency_signed": sign * total_cur,
            "payment_id": False,
            "origin_payment_id": False,
            "to_check": False,
            "checked": True,
            "delivery_date": False,
            **(extra or {}),
        },
    )
    for ln in lines:
        add_line(store, mid, ln)
    refresh_move(store, mid)
    return mid


def add_line(store: Store, mid: int, ln: dict) -> int:
    move = store.tables[MOVE][mid]
    ch = store.charts[move["company_id"]]
    account_id = ln.get("account_id") or (ch["receivable"] if ln.get("receivable") else ch["income"])
    balance = ln["balance"]
    receivable = account_id == ch["receivable"]
    return store.insert(
        AML,
        {
            "move_id": mid,
            "move_name": move["name"],
            "name": ln.get("name", move["name"] if receivable else "Services"),
            "ref": False,
            "date": move["date"],
            "date_maturity": ln.get("date_maturity", False),
            "parent_state": move["state"],
            "journal_id": move["journal_id"],
            "company_id": move["company_id"],
            "account_id": account_id,
            "partner_id": ln.get("partner_id", move["commercial_partner_id"]),
            "currency_id": move["currency_id"],
            "debit": max(balance, 0),
            "credit": max(-balance, 0),
            "balance": balance,
            "amount_currency": ln["amount_currency"],
            "amount_residual": balance if receivable else 0,
            "amount_residual_currency": ln["amount_currency"] if receivable else 0,
            "reconciled": False,
            "full_reconcile_id": False,
            "matching_number": False,
            "exclude_from_invoice_tab": receivable,
            "display_type": ln.get(
                "display_type",
                ("payment_term" if receivable and move["move_type"] != "entry" else "product")
                if store.major >= 16
                else False,
            ),
            "blocked": False,
            "no_followup": ln.get("no_followup", False),
            "discount_date": ln.get("discount_date", False),
            "discount_amount_currency": ln.get("discount_amount_currency", 0),
            "receivable": receivable,
        },
    )


def add_invoice(
    store: Store,
    partner_id: int,
    amount,
    invoice_date,
    due_dates=None,
    *,
    company_id: int = 1,
    currency: str | None = None,
    refund: bool = False,
    state: str = "posted",
    rate=None,
    early: bool = False,
    user_id: int = 2,
) -> int:
    """Post a customer invoice (or credit note with ``refund``) of ``amount`` in ``currency``; returns its id.

    ``due_dates`` is a list of dates (equal instalments, the last one takes the rounding) or of
    ``(date, amount)`` pairs; by default one instalment due 30 days after ``invoice_date``. ``early``: under the
    payment term "2/7 Net 30" (one instalment), whose receivable line carries the early-payment discount as Odoo
    16+ computes it (account.payment.term._compute_terms, discount on the total): ``discount_date`` 7 days after
    the invoice date, ``discount_amount_currency`` the total less 2 percent, rounded half up to the cent.
    ``user_id``: the invoice's salesperson.
    """
    ch = store.charts[company_id]
    currency_id = ch["currencies"][currency] if currency else ch["currency_id"]
    rate = Decimal(str(rate)) if rate is not None else ch["rates"].get(currency_id, Decimal(1))
    total = cents(amount)
    day = iso(invoice_date)
    if due_dates is None:
        due_dates = [date.fromisoformat(day) + timedelta(days=30)]
    parts = []
    if due_dates and isinstance(due_dates[0], tuple):
        parts = [(iso(d), cents(a)) for d, a in due_dates]
    else:
        share = total // len(due_dates)
        parts = [(iso(d), share) for d in due_dates]
        parts[-1] = (parts[-1][0], total - share * (len(due_dates) - 1))
    sign = -1 if refund else 1
    partner = store.tables["res.partner"][partner_id]
    commercial = partner.get("commercial_partner_id") or partner_id
    if early and (refund or len(parts) != 1):
        raise ValueError("an early-payment discount is for an invoice of one instalment")
    lines = []
    for due, part in parts:
        lines.append(
            {
                "receivable": True,
                "date_maturity": due,
                "partner_id": commercial,
                "amount_currency": sign * part,
                "balance": sign * int((part * rate).to_integral_value()),
            }
        )
        if early and store.major >= 16:
            lines[-1]["discount_date"] = iso(date.fromisoformat(day) + timedelta(days=EARLY_DAYS))
            lines[-1]["discount_amount_currency"] = part - early_off(part)
    lines.append(
        {
            "amount_currency": -sign * total,
            "balance": -sum(ln["balance"] for ln in lines),
            "partner_id": commercial,
        }
    )
    return add_move(
        store,
        company_id=company_id,
        partner_id=commercial,
        invoice_partner_id=partner_id,
        move_type="out_refund" if refund else "out_invoice",
        day=day,
        lines=lines,
        currency_id=currency_id,
        state=state,
        extra={"invoice_user_id": user_id, **({"invoice_payment_term_id": EARLY_TERM} if early else {})},
    )


EARLY_DAYS, EARLY_PERCENT = 7, 2      # the payment term "2/7 Net 30" (base.EARLY_TERM)


def early_off(cents: int) -> int:
    """The early-payment discount of "2/7 Net 30" on an amount in cents: 2 percent, rounded half up to the cent."""
    return (cents * EARLY_PERCENT * 2 + 100) // 200


def pay(store: Store, invoice_id: int, amount, day, *, company_amount=None) -> int:
    """Register a customer payment of ``amount`` (invoice currency) on ``day`` and match it to the invoice.

    The payment's receivable line is matched against the invoice's open instalments, earliest due first.
    Returns the payment move's id.
    """
    move = store.tables[MOVE][invoice_id]
    rate_lines = [store.tables[AML][lid] for lid in receivable_lines(store, invoice_id)]
    amount_cur = cents(amount)
    bal_total = sum(ln["balance"] for ln in rate_lines)
    cur_total = sum(ln["amount_currency"] for ln in rate_lines) or 1
    comp = cents(company_amount) if company_amount is not None else round(amount_cur * bal_total / cur_total)
    pay_mid = payment_move(
        store,
        move["company_id"],
        move["commercial_partner_id"],
        iso(day),
        amount_cur,
        comp,
        move["currency_id"],
    )
    credit_lid = receivable_lines(store, pay_mid)[0]
    left, left_cur = comp, amount_cur
    for lid in receivable_lines(store, invoice_id):
        line = store.tables[AML][lid]
        if left <= 0 or line["amount_residual"] <= 0:
            continue
        take = min(left, line["amount_residual"])
        take_cur = (
            min(left_cur, line["amount_residual_currency"])
            if take < line["amount_residual"]
            else line["amount_residual_currency"]
        )
        reconcile(store, lid, credit_lid, take, iso(day), take_cur, take_cur)
        left, left_cur = left - take, left_cur - take_cur
    return pay_mid


def payment_move(
    store: Store, company_id: int, partner_id: int, day: str, amount_cur: int, amount: int, currency_id: int
) -> int:
    """A posted customer payment: a bank debit and a receivable credit (unapplied until matched)."""
    ch = store.charts[company_id]
    pid = store.insert(
        "account.payment",
        {
            "name": False,
            "date": day,
            "amount": amount_cur,
            "partner_id": partner_id,
            "currency_id": currency_id,
            "move_id": False,
            "payment_type": "inbound",
            "state": "posted",
        },
    )
    mid = add_move(
        store,
        company_id=company_id,
        partner_id=partner_id,
        move_type="entry",
        day=day,
        currency_id=currency_id,
        journal="bank",
        extra={"payment_id": pid, "origin_payment_id": pid},
        lines=[
            {"receivable": True, "amount_currency": -amount_cur, "balance": -amount, "date_maturity": day},
            {
                "account_id": ch["bank"],
                "amount_currency": amount_cur,
                "balance": amount,
                "date_maturity": day,
            },
        ],
    )
    store.update("account.payment", [pid], {"move_id": mid, "name": store.tables[MOVE][mid]["name"]})
    return mid


def set_state(store: Store, move_id: int, state: str) -> None:
    """Post, reset to draft or cancel a move; leaving 'posted' undoes its matches first, as Odoo does."""
    move = store.tables[MOVE][move_id]
    if state != "posted":
        for lid in receivable_lines(store, move_id):
            if store.partials_of.get(lid):
                unreconcile(store, lid)
    vals = {"state": state}
    if state == "posted" and move.get("name") in (False, "/", None):
        prefix = {"out_invoice": "INV", "out_refund": "RINV"}.get(move["move_type"], "MISC")
        vals["name"] = f"{prefix}/{move['date'][:4]}/{move_id:05d}"
    lids = store.children(AML, "move_id", move_id)
    store.update(MOVE, [move_id], vals)
    store.update(AML, lids, {"parent_state": state, "move_name": store.tables[MOVE][move_id]["name"]})
    refresh_move(store, move_id)


def cancel(store: Store, move_id: int) -> None:
    """Cancel a move (Odoo's button_draft then button_cancel)."""
    set_state(store, move_id, "cancel")


def delete(store: Store, move_id: int) -> None:
    """Remove a move, its lines and its matches (what unlink of a draft move leaves behind)."""
    for lid in receivable_lines(store, move_id):
        if store.partials_of.get(lid):
            unreconcile(store, lid)
    lids = list(store.children(AML, "move_id", move_id))
    store.remove(AML, lids)
    store.remove(MOVE, [move_id])
