"""Render :class:`~receivables.records.Books` into the files QuickBooks exports, layout for layout.

This is what the bundled sample exports are made with, and what the round-trip tests feed the readers: every
quirk of the real files is reproduced (title blocks in either order, ``Total for X`` subtotals with the
currency symbol, ``TOTAL``, timestamp footers, CRLF, thousands separators, ``-100.00`` in detail and
``-$4,418.61`` in totals, parentheses on request, XLSX amounts as formula strings without cached values,
Desktop spacer columns and Excel serial dates, IIF). One plain function does it all: ``render(books, kind,
path, as_of=..., ...)``. Nothing here reads the clock: the footer's timestamp comes from ``generated_at``
(default: ``as_of`` 09:41).

The work is split by responsibility: ``render_options`` (kinds, :class:`Options`, cells and formatting),
``render_qbo`` (QuickBooks Online layouts), ``render_desktop`` (Desktop layouts and IIF) and
``render_writers`` (CSV and XLSX). This module is the entry point and re-exports their public names.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from connectors.quickbooks.render_desktop import (
    _qbd_aging_detail,
    _qbd_open_balance,
    _qbd_open_invoices,
    write_iif,
)
from connectors.quickbooks.render_options import (
    AGING_SECTIONS,
    IIF,
    KINDS,
    QBD_AR_AGING_DETAIL,
    QBD_CUSTOMER_OPEN_BALANCE,
    QBD_OPEN_INVOICES,
    QBO_AR_AGING_DETAIL,
    QBO_AR_AGING_SUMMARY,
    QBO_CUSTOMER_BALANCE_DETAIL,
    QBO_INVOICE_LIST,
    QBO_INVOICES_AND_PAYMENTS,
    QBO_KINDS,
    QBO_OPEN_INVOICES,
    QBO_TRANSACTION_LIST,
    TITLES,
    Amt,
    Options,
    Report,
    days_past_due,
    fmt_amount,
    fmt_date,
    fmt_plain,
)
from connectors.quickbooks.render_qbo import (
    _aging_detail,
    _aging_summary,
    _customer_balance_detail,
    _invoice_list,
    _invoices_and_payments,
    _open_invoices,
    _transaction_list,
)
from connectors.quickbooks.render_writers import title_rows, write_csv, write_xlsx
from receivables.errors import InputError
from receivables.records import Books
from receivables.samplebooks import COMPANY
from receivables.samplebooks import as_of as books_as_of

__all__ = [
    "AGING_SECTIONS",
    "IIF",
    "KINDS",
    "QBD_AR_AGING_DETAIL",
    "QBD_CUSTOMER_OPEN_BALANCE",
    "QBD_OPEN_INVOICES",
    "QBO_AR_AGING_DETAIL",
    "QBO_AR_AGING_SUMMARY",
    "QBO_CUSTOMER_BALANCE_DETAIL",
    "QBO_INVOICES_AND_PAYMENTS",
    "QBO_INVOICE_LIST",
    "QBO_KINDS",
    "QBO_OPEN_INVOICES",
    "QBO_TRANSACTION_LIST",
    "SAMPLE_KINDS",
    "TITLES",
    "Amt",
    "Options",
    "Report",
    "days_past_due",
    "default_filename",
    "fmt_amount",
    "fmt_date",
    "fmt_plain",
    "render",
    "title_rows",
    "write_csv",
    "write_iif",
    "write_sample",
    "write_xlsx",
]
_BUILDERS = {
    QBO_OPEN_INVOICES: _open_invoices,
    QBO_AR_AGING_DETAIL: _aging_detail,
    QBO_AR_AGING_SUMMARY: _aging_summary,
    QBO_INVOICE_LIST: _invoice_list,
    QBO_CUSTOMER_BALANCE_DETAIL: _customer_balance_detail,
    QBO_TRANSACTION_LIST: _transaction_list,
    QBO_INVOICES_AND_PAYMENTS: _invoices_and_payments,
    QBD_OPEN_INVOICES: _qbd_open_invoices,
    QBD_CUSTOMER_OPEN_BALANCE: _qbd_open_balance,
    QBD_AR_AGING_DETAIL: _qbd_aging_detail,
}


def render(books: Books, kind: str, path: str | Path, *, as_of: date | None = None, **options) -> Path:
    """Write ``books`` as they stood at the end of ``as_of`` (default: their report date) as an export.

    The file type follows ``path``'s suffix (.csv, .xlsx, .iif); ``options`` are fields of :class:`Options`.
    """
    path = Path(path)
    if kind not in KINDS:
        raise InputError(f"unknown QuickBooks report kind {kind!r}", hint="use one of " + ", ".join(KINDS))
    day = as_of or books.report_date
    if day is None:
        raise InputError("these books have no report date", source=books.source, hint="pass as_of=")
    opts = Options(**options)
    try:
        view = books_as_of(books, day)
    except ValueError as exc:
        raise InputError(str(exc), source=books.source, hint="render as of the books' report date") from None
    if kind == IIF:
        write_iif(view, path, day, opts)
        return path
    report = _BUILDERS[kind](view, day, opts)
    report.day = day
    if opts.title_first is not None:
        report.company_first = not opts.title_first
    if path.suffix.lower() == ".xlsx":
        write_xlsx(report, path, opts, spacers=kind == QBD_AR_AGING_DETAIL)
    else:
        write_csv(report, path, opts)
    return path


def default_filename(company: str, kind: str, suffix: str = ".csv") -> str:
    """QuickBooks Online's download name: ``<Company>_<Title with "/" as "_">.csv``."""
    return f"{company}_{TITLES.get(kind, 'Transactions').replace('/', '_')}{suffix}"


# ---------------------------------------------------------------- the bundled sample
SAMPLE_KINDS = (
    (QBO_OPEN_INVOICES, ".csv"),
    (QBO_AR_AGING_DETAIL, ".xlsx"),
    (QBO_INVOICE_LIST, ".csv"),
    (QBO_CUSTOMER_BALANCE_DETAIL, ".csv"),
    (QBO_INVOICES_AND_PAYMENTS, ".csv"),
)


def write_sample(out: str | Path, *, seed: int = 7, end: date | None = None) -> list[Path]:
    """Write the bundled sample exports (QBO layouts of the sample company's books) into ``out``."""
    from receivables.samplebooks import SAMPLE_END, generate

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    books = generate(seed=seed, end=end or SAMPLE_END)
    paths = []
    for kind, suffix in SAMPLE_KINDS:
        path = out / default_filename(COMPANY, kind, suffix)
        paths.append(render(books, kind, path, as_of=books.report_date))
    return paths


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the sample company's QuickBooks Online exports.")
    parser.add_argument("--out", required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for written in write_sample(args.out, seed=args.seed):
        print(written)
