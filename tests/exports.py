"""QuickBooks Online Open Invoices exports written as the report prints them, for tests that need a source of a
chosen size (the layout of connectors/quickbooks/sample's Open Invoices file)."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from tests.xlwings_book import HOSTILE

AS_OF = dt.date(2026, 10, 31)


def open_invoices(rows: list[tuple[str, str, dt.date, Decimal]], as_of: dt.date = AS_OF) -> str:
    """A QuickBooks Online Open Invoices export (as the report prints it) of ``(customer, number, due, amount)``,
    run on ``as_of``."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerows([["Open Invoices Report"], ["Harbor Test Co"], [f"As of {as_of:%b} {as_of.day}, {as_of.year}"], []])
    w.writerow(["", "Date", "Transaction type", "Num", "Term", "Due date", "Open balance"])
    customers: dict[str, list] = {}
    for customer, number, due, amount in rows:
        customers.setdefault(customer, []).append((number, due, amount))
    for customer, items in customers.items():
        w.writerow([customer, "", "", "", "", "", ""])
        for number, due, amount in items:
            issued = due - dt.timedelta(days=30)
            w.writerow(["", issued.strftime("%m/%d/%Y"), "Invoice", number, "Net 30", due.strftime("%m/%d/%Y"),
                        f"{amount:,.2f}"])
        w.writerow([f"Total for {customer}", "", "", "", "", "", f"${sum(a for _, _, a in items):,.2f}"])
    w.writerow(["TOTAL", "", "", "", "", "", f"${sum(r[3] for r in rows):,.2f}"])
    return out.getvalue()


def export_rows(n: int) -> list[tuple[str, str, dt.date, Decimal]]:
    """``n`` open invoices, the first ones to customers with names a spreadsheet would read as formulas."""
    return [(HOSTILE[i] if i < len(HOSTILE) else f"Customer {i % 997:03d}", f"INV{1000 + i}",
             AS_OF - dt.timedelta(days=(i * 17) % 140 - 20), Decimal(500 + i) + Decimal("0.25")) for i in range(n)]
