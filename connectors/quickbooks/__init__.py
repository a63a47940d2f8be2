"""Readers for the receivables reports QuickBooks Online and Desktop export (CSV, XLSX, IIF), and for the sales
reports that give DSO its credit sales (Sales by Customer Summary and Detail: :mod:`connectors.quickbooks.sales`).

- :func:`read_export` reads one file into :class:`~receivables.records.Books`.
- :func:`detect` names the report kind of a file (one of the ``QBO_*``/``QBD_*``/``IIF`` constants).
- :func:`read_source` reads a file, or a folder of exports merged into one ``Books`` (see
  :mod:`connectors.quickbooks.source` for the merge rule).

The report kind is found from the title text, columns by their names, the date order per file from its values.
Every printed subtotal and total is checked against the rows. Bad input raises
:class:`~receivables.errors.InputError` naming the file, row and column; nothing partial is returned.
"""
from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from connectors import collector_paused
from connectors.files import regular_file
from receivables.errors import ArdeskError, InputError, summarised
from receivables.records import Books

from .grid import Sheet, decode_text, is_xlsx, load_csv, load_xlsx, read_bytes
from .kinds import (
    ALL_KINDS,
    HISTORY_KINDS,
    IIF,
    OPEN_ITEM_KINDS,
    QBD_AR_AGING_DETAIL,
    QBD_CUSTOMER_OPEN_BALANCE,
    QBD_OPEN_INVOICES,
    QBD_SALES_BY_CUSTOMER_DETAIL,
    QBD_SALES_BY_CUSTOMER_SUMMARY,
    QBO_AR_AGING_DETAIL,
    QBO_AR_AGING_SUMMARY,
    QBO_CUSTOMER_BALANCE_DETAIL,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    QBO_OPEN_INVOICES,
    QBO_SALES_BY_CUSTOMER_DETAIL,
    QBO_SALES_BY_CUSTOMER_SUMMARY,
    QBO_TRANSACTION_LIST_BY_CUSTOMER,
    SALES_KINDS,
    Layout,
    find_layout,
    title_kind,
)

__all__ = [
    "ALL_KINDS",
    "HISTORY_KINDS",
    "IIF",
    "OPEN_ITEM_KINDS",
    "QBD_AR_AGING_DETAIL",
    "QBD_CUSTOMER_OPEN_BALANCE",
    "QBD_OPEN_INVOICES",
    "QBD_SALES_BY_CUSTOMER_DETAIL",
    "QBD_SALES_BY_CUSTOMER_SUMMARY",
    "QBO_AR_AGING_DETAIL",
    "QBO_AR_AGING_SUMMARY",
    "QBO_CUSTOMER_BALANCE_DETAIL",
    "QBO_INVOICES_AND_PAYMENTS",
    "QBO_INVOICE_LIST",
    "QBO_OPEN_INVOICES",
    "QBO_SALES_BY_CUSTOMER_DETAIL",
    "QBO_SALES_BY_CUSTOMER_SUMMARY",
    "QBO_TRANSACTION_LIST_BY_CUSTOMER",
    "SALES_KINDS",
    "detect",
    "read_export",
    "read_source",
]


def _load(path: Path, data: bytes | None = None) -> tuple[str, object]:
    """``("iif", text)`` or ``("layout", Layout)`` for the file at ``path`` (whose bytes ``data`` may be read)."""
    source = str(path)
    data = read_bytes(path) if data is None else data
    if is_xlsx(data):
        sheets = load_xlsx(data, source)
    else:
        text = decode_text(data, source)
        if text.lstrip().startswith("!"):
            return IIF, text
        sheets = [load_csv(text, source)]
    for sheet in sheets:
        layout = find_layout(sheet)
        if layout is not None:
            return "layout", layout
    raise _unknown(sheets, source)


class NotReceivables(InputError):
    """The file is readable but is not a receivables report ardesk knows (an A/P aging, a P&L...): a folder skips
    it and says so, a file given alone is refused."""

    def __init__(self, message: str, *, source: str, title: str | None, hint: str | None = None):
        super().__init__(message, source=source, hint=hint)
        self.title = title


def _title(sheets: list[Sheet]) -> str | None:
    """The first text of the first sheet: the report's title, as QuickBooks prints it on the first row."""
    for sheet in sheets[:1]:
        for row in sheet.rows[:5]:
            for cell in row:
                if cell and cell.strip():
                    return cell.strip()[:80]
    return None


def _unknown(sheets: list[Sheet], source: str) -> InputError:
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:40]):
            for cell in row:
                kind = title_kind(cell) if cell and len(cell) < 200 else None
                if kind:
                    return InputError(f"found the title {cell.strip()!r} but no header row with its columns",
                                      source=source, row=index + 1,
                                      hint="export the report again with its standard columns and title block")
    return NotReceivables("not a QuickBooks receivables report: no known report title (such as 'Open Invoices' or "
                          "'A/R Aging Detail') above a header row", source=source, title=_title(sheets),
                          hint="export Open Invoices, A/R Aging Detail or Summary, Invoice List, Customer Balance "
                               "Detail, Transaction List by Customer, Invoices and Received Payments, or an IIF file")


def detect(path: str | Path) -> str:
    """The report kind of the export at ``path`` (e.g. ``"qbo_open_invoices"``, ``"iif"``)."""
    path = regular_file(path)
    kind, found = _guarded(lambda: _load(path), path)
    return IIF if kind == IIF else found.kind


def read_export(path: str | Path, *, company_currency: str = "USD", progress=None) -> Books:
    """Read one QuickBooks export (CSV, XLSX or IIF) into ``Books``. ``progress(done, total, "reading")``, when
    given, hears how far a large CSV export has been read (in bytes).

    Only a regular file is read (:func:`connectors.files.regular_file`): a pipe, a device, a socket, a symbolic
    link that loops or a file over :data:`connectors.files.MAX_BYTES` is refused naming it.
    """
    path = regular_file(path)
    books = _guarded(lambda: _read(path, company_currency.upper(), progress), path)
    return replace(books, notes=summarised(books.notes))


def _read(path: Path, company_currency: str, progress=None) -> Books:
    from .history import read_history
    from .iif import read_iif
    from .open_items import read_aging_summary, read_open_items
    from .sales import read_sales

    data = read_bytes(path)
    if not is_xlsx(data):
        from .columnar import read_columnar

        books = read_columnar(data, str(path), company_currency, progress=progress)
        if books is not None:
            return books
    kind, found = _load(path, data)
    if kind == IIF:
        return read_iif(found, str(path), company_currency)
    layout: Layout = found
    if is_xlsx(data):                           # a large sheet, loaded as text: read by columns where it can be
        from .columnar import read_sheet_columns

        books = read_sheet_columns(layout, company_currency)
        if books is not None:
            return books
    if layout.kind == QBO_AR_AGING_SUMMARY:
        return read_aging_summary(layout, company_currency)
    if layout.kind in OPEN_ITEM_KINDS:
        return read_open_items(layout, company_currency)
    if layout.kind in SALES_KINDS:
        return read_sales(layout, company_currency)
    return read_history(layout, company_currency)


def read_source(path: str | Path, *, company_currency: str = "USD", progress=None) -> Books:
    """Read a file, or a folder of exports merged into one ``Books`` (newest export of each kind).

    A folder's exports are listed by :func:`connectors.files.files_in`: each must be a regular file, as a file
    given alone must (see :func:`read_export`).
    """
    from .source import read_folder

    path = Path(path)
    if _is_folder(path):
        return read_folder(path, company_currency=company_currency.upper(), read=read_export)
    return read_export(path, company_currency=company_currency, progress=progress)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False                    # read_export names what is wrong with the path


def _guarded(work, path):
    """Run ``work``; turn an unexpected failure on malformed input into an ``InputError`` naming the file.

    The cyclic garbage collector is paused meanwhile: a large export allocates hundreds of thousands of small
    objects and no cycles, and repeated collections would otherwise cost more than the parse.
    """
    try:
        with collector_paused():
            return work()
    except ArdeskError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, ArithmeticError, RecursionError, StopIteration) as exc:
        raise InputError(f"cannot read the export ({type(exc).__name__}: {str(exc)[:80]})", source=str(path),
                         hint="export the report again from QuickBooks without editing it") from None
