"""QuickBooks Desktop IIF transaction files (tab separated): INVOICE, CREDIT MEMO and PAYMENT transactions.

Each transaction is a ``TRNS`` line, its ``SPL`` distribution lines and ``ENDTRNS``; the column names come from the
``!TRNS``/``!SPL`` header lines. The TRNS amount and the SPL amounts must add up to zero, or the file is refused.
IIF records no open balance and not which payment settles which invoice: open balances and paid dates are derived
per customer, oldest invoice first (said in the books' notes). The report date is the ``!HDR`` export date when
there is one, else the last transaction date. Due dates come from ``DUEDATE`` or, where it is blank or missing, are
estimated from ``Net N`` terms (a blank ``DUEDATE`` is named row by row in the notes). Transactions of the other
types QuickBooks documents (``GENERAL JOURNAL``, ``CASH SALE``, ``ESTIMATE``...) are skipped and counted in the
notes; a ``TRNSTYPE`` QuickBooks does not document is refused.

An invoice's ``TERMS`` with an early-payment discount (``2% 10 Net 30``) give its discount
(:func:`~connectors.quickbooks.common.early_discount`, as its open balance is derived). A customer's address is its
``CUST`` line's bill-to address (``BADDR1`` to ``BADDR5``, one line each, less a first line that only repeats the
customer's name, as QuickBooks starts the block with it); its collector is the ``REP`` of its ``CUST`` line, else the
rep most of its transactions name (``REP`` of their ``TRNS`` line; on a tie the latest transaction's).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from receivables.errors import InputError, Issue
from receivables.records import (
    ISSUED_HISTORY,
    OPEN_ITEMS,
    PAYMENT_DATES,
    PAYMENTS,
    Books,
    Invoice,
    ItemKind,
    Payment,
)

from .cells import parse_amount
from .common import (
    ESTIMATED_FLAG,
    Dates,
    Ids,
    blank_due_note,
    collectors,
    customers_for,
    due_from_terms,
    early_payment,
    file_name,
    type_class,
    types_note,
    unknown_type,
    with_collectors,
    with_discounts,
)
from .history import FIFO_NOTE, derive_open

_NONE = frozenset()
_ESTIMATED = frozenset({ESTIMATED_FLAG})


def _fields(line: str) -> list[str]:
    out = []
    for field in line.rstrip("\r").split("\t"):
        field = field.strip()
        if len(field) >= 2 and field[0] == field[-1] == '"':
            field = field[1:-1]
        out.append(field)
    return out


def read_iif(text: str, source: str, company_currency: str) -> Books:
    headers: dict[str, list[str]] = {}
    transactions = []           # (row, trns dict, [(row, spl dict)])
    current = None
    customers: set[str] = set()
    listed: dict[str, dict] = {}        # customer -> its CUST line
    hdr_date = None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = _fields(line)
        key = fields[0].upper()
        if key.startswith("!"):
            headers[key[1:]] = [f.upper() for f in fields]
            continue
        if key in ("TRNS", "SPL") and key not in headers:
            raise InputError(f"a {key} line before its !{key} header line", source=source, row=number,
                             hint="export the IIF file again from QuickBooks Desktop")
        record = dict(zip(headers.get(key, [])[1:], fields[1:]))
        if key == "TRNS":
            if current is not None:
                raise InputError("a TRNS line before the previous transaction's ENDTRNS", source=source,
                                 row=number, hint="export the IIF file again from QuickBooks Desktop")
            current = (number, record, [])
        elif key == "SPL":
            if current is None:
                raise InputError("an SPL line outside a transaction", source=source, row=number,
                                 hint="export the IIF file again from QuickBooks Desktop")
            current[2].append((number, record))
        elif key == "ENDTRNS":
            if current is None:
                raise InputError("ENDTRNS without a transaction", source=source, row=number)
            transactions.append(current)
            current = None
        elif key == "HDR":
            hdr_date = (record.get("DATE", ""), number)
        elif key == "CUST" and record.get("NAME"):
            customers.add(record["NAME"])
            listed[record["NAME"]] = record
        elif key not in headers:
            raise InputError(f"unknown IIF line keyword {fields[0][:20]!r}", source=source, row=number,
                             hint="an IIF file has !HDR, TRNS, SPL, ENDTRNS and list lines")
    if current is not None:
        raise InputError("the last transaction has no ENDTRNS: the file is cut short", source=source,
                         row=current[0], hint="export the IIF file again; it may still be being written")
    if not transactions and not customers:
        raise InputError("an IIF file with no transactions", source=source,
                         hint="export INVOICE, PAYMENT and CREDIT MEMO transactions")

    fname = file_name(source)
    notes: list[Issue] = []
    wanted = []
    skipped: Counter = Counter()
    for row, trns, spls in transactions:
        amount = _amount(trns, source, row)
        total = amount + sum((_amount(s, source, r) for r, s in spls), amount * 0)
        if spls and total != 0:
            raise InputError(f"the transaction's lines add up to {total}, not 0", source=source, row=row,
                             column="AMOUNT", hint="each TRNS amount must balance its SPL lines")
        kind = type_class(trns.get("TRNSTYPE", ""))
        if kind is None:
            raise unknown_type(trns.get("TRNSTYPE", ""), source, row, "TRNSTYPE")
        if not isinstance(kind, ItemKind):
            skipped[trns["TRNSTYPE"].strip()] += 1
            continue
        if not trns.get("NAME"):
            raise InputError("a transaction with no customer", source=source, row=row, column="NAME",
                             hint="every INVOICE, PAYMENT and CREDIT MEMO needs the customer's NAME")
        wanted.append((row, trns, kind, amount))

    texts = {t["DATE"] for _, t, _, _ in wanted if "DATE" in t} | {t.get("DUEDATE", "") for _, t, _, _ in wanted}
    if hdr_date:
        texts.add(hdr_date[0])

    def where(text):
        for row, trns, _, _ in wanted:
            for column in ("DATE", "DUEDATE"):
                if trns.get(column) == text:
                    return row, column
        return (hdr_date[1], "DATE") if hdr_date else (None, None)
    dates = Dates(source, notes)
    dates.prepare(texts, where)
    day = dates.cache

    ids, items, payments = Ids(), [], []
    early: dict = {}                    # invoice id -> the early-payment terms of its TRNS line
    reps: tuple[list, list, list] = ([], [], [])
    has_due = "DUEDATE" in headers.get("TRNS", [])
    if not has_due and any(kind is ItemKind.INVOICE for _, _, kind, _ in wanted):
        notes.append(Issue(fname, "the file has no DUEDATE column: due dates are estimated from the TERMS of each "
                           "invoice (Net 30: 30 days after its date)", severity="warning"))
    for row, trns, kind, amount in wanted:
        issued = day.get(trns.get("DATE", ""))
        if issued is None:
            raise InputError("a transaction with no date", source=source, row=row, column="DATE")
        customer, number = trns["NAME"], trns.get("DOCNUM", "")
        customers.add(customer)
        for found, value in zip(reps, (customer, trns.get("REP", ""), issued)):
            found.append(value)
        ref = f"{fname}:{row}"
        if kind is ItemKind.PAYMENT:
            pay_id = ids.make("payment", number, customer, issued, abs(amount))
            payments.append(Payment(pay_id, customer, issued, abs(amount), company_currency, (), number, ref))
            continue
        total = abs(amount) if kind is ItemKind.INVOICE else -abs(amount)
        due, flags = day.get(trns.get("DUEDATE", "")), _NONE
        if due is None and kind is ItemKind.CREDIT_NOTE:
            due = issued
        elif due is None:
            terms = trns.get("TERMS", "")
            due = due_from_terms(terms, issued)
            if has_due:                     # the DUEDATE column is there but blank: named row by row
                notes.append(blank_due_note(fname, row, "DUEDATE", terms, due))
            if due is not None:
                flags = _ESTIMATED
        item_id = ids.make(kind.value, number, customer, issued, abs(amount))
        items.append(Invoice(item_id, number, customer, kind, issued, due, company_currency, total, total, total,
                             ref, flags, None, customer))
        if kind is ItemKind.INVOICE and (terms := early_payment(trns.get("TERMS", ""))):
            early[item_id] = terms

    items = with_discounts(derive_open(items, payments, company_currency), early)
    all_dates = [i.issued for i in items] + [p.date for p in payments]
    period = (min(all_dates), max(all_dates)) if all_dates else None
    report_date = day.get(hdr_date[0]) if hdr_date else None
    if report_date is None:
        report_date = period[1] if period else None
        notes.append(Issue(fname, "the file has no export date: open balances stand at its last transaction date",
                           severity="info"))
    notes.append(Issue(fname, FIFO_NOTE, severity="warning"))
    if skipped:
        notes.append(types_note(fname, skipped, "TRNSTYPE"))
    return Books(source=source, company_currency=company_currency, report_date=report_date,
                 customers=_listed(with_collectors(customers_for(customers), collectors(*reps)), listed),
                 items=tuple(items), payments=tuple(payments),
                 knows=frozenset({ISSUED_HISTORY, PAYMENTS, OPEN_ITEMS, PAYMENT_DATES}), notes=tuple(notes),
                 period=period, kinds=("iif",))


def _listed(customers, listed: dict[str, dict]):
    """``customers`` with the address and rep of their ``CUST`` lines (see the module's docstring)."""
    if not listed:
        return customers
    out = []
    for customer in customers:
        record = listed.get(customer.id)
        if record is not None:
            lines = [record.get(f"BADDR{k}", "").strip() for k in range(1, 6)]
            names = {customer.id.casefold(), customer.id.rsplit(":", 1)[-1].casefold(),
                     record.get("COMPANYNAME", "").strip().casefold()}
            if lines[0].casefold() in names:
                lines = lines[1:]
            rep = record.get("REP", "").strip()
            customer = replace(customer, address="\n".join(line for line in lines if line),
                               collector=rep or customer.collector)
        out.append(customer)
    return tuple(out)


def _amount(record: dict, source: str, row: int):
    text = record.get("AMOUNT", "")
    value = parse_amount(text)
    if value is None or not text.strip():
        raise InputError(f"not an amount: {text[:40]!r}", source=source, row=row, column="AMOUNT",
                         hint="IIF amounts look like 205 or -55.00")
    return value
