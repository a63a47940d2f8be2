"""Customer contacts from a QuickBooks export, for reminders: who to write to, call, or send a letter.

QuickBooks has no receivables report that carries e-mail addresses, so a desk on QuickBooks exports gives a contact
list beside them (``ardesk remind build --contacts FILE`` or ``[reminders] contacts``). The reader finds the header
row by its columns, whatever report wrote it:

- QuickBooks Online's *Customer Contact List* (Customer, Phone Numbers, Email, Full Name, Billing Address);
- QuickBooks Desktop's *Customer Contact List* (Customer, Bill to, Primary Contact, Main Phone, Main Email);
- a customer list exported as CSV or XLSX (Name or Display Name As, Email, Phone, Contact, Billing Address ...);
- an IIF customer list (``!CUST`` with NAME, EMAIL, PHONE1, CONT1, BADDR1..5).

Customers are matched by name as the receivables exports print them (a sub-customer as ``Parent:Child``), without
regard to case and surrounding spaces. Rows naming no customer, and the report's title and footer lines, are passed
over; a header with no customer column, or with neither an e-mail nor a phone column, is refused with one line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from connectors.files import regular_file
from receivables.errors import InputError

from .grid import decode_text, is_xlsx, load_csv, load_xlsx, read_bytes

# Header names, in order of preference, of each field (compared without case, spaces or punctuation).
_CUSTOMER = ("customer", "customerfullname", "displaynameas", "name", "fullnamecustomer")
_EMAIL = ("email", "mainemail", "emailaddress", "e-mail")
_PHONE = ("phonenumbers", "phone", "mainphone", "phone1", "mobile", "altphone", "phone2")
_NAME = ("fullname", "primarycontact", "contact", "cont1", "contactname")
_ADDRESS = ("billingaddress", "billto", "billaddress")
_ADDRESS_LINES = tuple(f"baddr{i}" for i in range(1, 6))


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", str(text or "").casefold()).replace("-", "") if text else ""


@dataclass(frozen=True)
class ContactRow:
    customer: str
    email: str
    phone: str
    name: str
    address: str


def read_contacts(path: str | Path) -> list[ContactRow]:
    """The contacts in the export at ``path``, one per customer row that names a customer."""
    path = regular_file(path)
    source = str(path)
    data = read_bytes(path)
    if is_xlsx(data):
        rows = [r for sheet in load_xlsx(data, source)[:1] for r in sheet.rows]
    else:
        text = decode_text(data, source)
        if text.lstrip().startswith("!"):
            return _iif(text, source)
        rows = load_csv(text, source).rows
    return _table(rows, source)


def _pick(header: dict[str, int], names: tuple[str, ...]) -> int | None:
    for n in names:
        if _key(n) in header:
            return header[_key(n)]
    return None


def _table(rows: list[list[str]], source: str) -> list[ContactRow]:
    for index, row in enumerate(rows[:40]):
        header = {}
        for col, cell in enumerate(row):
            header.setdefault(_key(cell), col)
        customer = _pick(header, _CUSTOMER)
        email, phone = _pick(header, _EMAIL), _pick(header, _PHONE)
        if customer is None or (email is None and phone is None):
            continue
        name, address = _pick(header, _NAME), _pick(header, _ADDRESS)
        out = []
        for r in rows[index + 1:]:
            def cell(col, r=r):
                return str(r[col]).strip() if col is not None and col < len(r) and r[col] is not None else ""
            who = cell(customer)
            if not who or (not cell(email) and not cell(phone) and not cell(name) and not cell(address)):
                continue                 # a title, total or footer line, or a customer with nothing to reach
            out.append(ContactRow(who, cell(email), cell(phone), cell(name), cell(address)))
        return out
    raise InputError("no header row with a customer column and an e-mail or phone column", source=source,
                     hint="export the Customer Contact List (or the customer list) with its Email and Phone columns")


def _iif(text: str, source: str) -> list[ContactRow]:
    header: list[str] | None = None
    out = []
    for line in text.splitlines():
        cells = line.split("\t")
        if cells and cells[0].strip().upper() == "!CUST":
            header = [_key(c) for c in cells]
            continue
        if header is None or not cells or cells[0].strip().upper() != "CUST":
            continue
        values = dict(zip(header, (c.strip().strip('"') for c in cells)))
        who = values.get("name", "")
        if not who:
            continue
        address = ", ".join(values[k] for k in _ADDRESS_LINES if values.get(k))
        out.append(ContactRow(who, values.get("email", ""), values.get("phone1", "") or values.get("phone2", ""),
                              values.get("cont1", ""), address))
    if header is None:
        raise InputError("an IIF file without a !CUST customer list", source=source,
                         hint="export the Customer:Job list as IIF, or give the Customer Contact List report")
    return out
