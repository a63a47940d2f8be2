"""QuickBooks Desktop layouts: Open Invoices, Customer Open Balance, A/R Aging Detail, and the IIF file.

The report builders return a :class:`Report` for ``render_writers``; :func:`write_iif` writes its own file
(INVOICE, CREDIT MEMO and PAYMENT transactions).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from connectors.quickbooks.render_options import (
    _METHODS,
    _TYPE,
    AGING_SECTIONS,
    QBD_AR_AGING_DETAIL,
    QBD_CUSTOMER_OPEN_BALANCE,
    QBD_OPEN_INVOICES,
    TITLES,
    Amt,
    Options,
    Report,
    _as_of_text,
    _footer,
    _grouped,
    _home,
    _name,
    _open_sorted,
    _pay_home,
    _section,
    _terms,
    days_past_due,
    fmt_plain,
)
from receivables.errors import InputError
from receivables.records import Books, ItemKind


def _qbd_open_invoices(books: Books, day: date, o: Options) -> Report:
    header = ["", "Type", "Date", "Num", "P. O. #", "Terms", "Due Date", "Aging", "Open Balance"]
    r = Report(
        TITLES[QBD_OPEN_INVOICES],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur = books.company_currency
    _grouped(
        books,
        _open_sorted(books),
        lambda i: [
            "",
            _TYPE[i.kind],
            i.issued,
            i.number,
            "",
            _terms(i),
            i.due or i.issued,
            days_past_due(i, day) if i.kind is ItemKind.INVOICE and days_past_due(i, day) > 0 else "",
            Amt(_home(books, i, i.open_amount), False, cur),
        ],
        [8],
        r,
        cur,
        total_word="Total ",
        symbol=False,
    )
    return r


def _qbd_open_balance(books: Books, day: date, o: Options) -> Report:
    header = ["", "Type", "Date", "Num", "Memo", "Due Date", "Open Balance"]
    r = Report(
        TITLES[QBD_CUSTOMER_OPEN_BALANCE],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur = books.company_currency
    short = {k: (v if len(v) <= 9 else v[:8] + "...") for k, v in _TYPE.items()}
    _grouped(
        books,
        _open_sorted(books),
        lambda i: [
            "",
            short[i.kind],
            i.issued,
            i.number,
            "",
            i.due or i.issued,
            Amt(_home(books, i, i.open_amount), False, cur),
        ],
        [6],
        r,
        cur,
        total_word="Total ",
        symbol=False,
    )
    return r


def _qbd_aging_detail(books: Books, day: date, o: Options) -> Report:
    """Rows in logical columns; the XLSX writer spreads them over the Desktop's spacer columns."""
    header = [
        "",
        "Type",
        "Date",
        "Num",
        "P. O. #",
        "Name",
        "Terms",
        "Due Date",
        "Class",
        "Aging",
        "Open Balance",
    ]
    r = Report(
        TITLES[QBD_AR_AGING_DETAIL],
        _as_of_text(day, replace(o, long_month=True)),
        header,
        desktop=True,
        footer=_footer(day, o, True),
    )
    cur, width = books.company_currency, len(header)
    labels = {
        AGING_SECTIONS[4]: "Current",
        AGING_SECTIONS[3]: "1 - 30",
        AGING_SECTIONS[2]: "31 - 60",
        AGING_SECTIONS[1]: "61 - 90",
        AGING_SECTIONS[0]: "> 90",
    }
    by = {s: [] for s in reversed(AGING_SECTIONS)}
    for i in sorted(books.open_items(), key=lambda i: (i.due or i.issued, _name(books, i), i.number)):
        by[_section(days_past_due(i, day))].append(i)
    grand = Decimal(0)
    for section, items in by.items():
        label = labels[section]
        r.rows.append(("group", [label] + [""] * (width - 1)))
        sub = Decimal(0)
        for i in items:
            d = days_past_due(i, day)
            v = _home(books, i, i.open_amount)
            sub += v
            r.rows.append(
                (
                    "detail",
                    [
                        "",
                        _TYPE[i.kind],
                        i.issued,
                        i.number,
                        "",
                        _name(books, i),
                        _terms(i),
                        i.due or i.issued,
                        "",
                        d if d > 0 else "",
                        Amt(v, False, cur),
                    ],
                )
            )
        r.rows.append(("subtotal", [f"Total {label}"] + [""] * (width - 2) + [Amt(sub, False, cur)]))
        grand += sub
    r.rows.append(("total", ["TOTAL"] + [""] * (width - 2) + [Amt(grand, False, cur)]))
    return r


# ---------------------------------------------------------------- IIF
_IIF_TRNS = ["TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "TOPRINT", "NAMEISTAXABLE", "ADDR1", "ADDR2", "ADDR3", "ADDR4", "ADDR5", "DUEDATE", "TERMS", "PAID", "PAYMETH", "SHIPVIA", "SHIPDATE", "OTHER1", "REP", "FOB", "PONUM", "INVTITLE", "INVMEMO", "SADDR1", "SADDR2", "SADDR3", "SADDR4", "SADDR5", "PAYITEM", "YEARTODATE", "WAGEBASE", "EXTRA", "TOSEND", "ISAJE"]
_IIF_SPL = ["SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "CLASS", "AMOUNT", "DOCNUM", "MEMO", "CLEAR", "QNTY", "PRICE", "INVITEM", "PAYMETH", "TAXABLE", "VALADJ", "REIMBEXP", "SERVICEDATE", "OTHER2", "OTHER3", "PAYITEM", "YEARTODATE", "WAGEBASE", "EXTRA"]


def write_iif(books: Books, path: Path, day: date, opts: Options) -> None:
    """Desktop IIF: INVOICE, CREDIT MEMO and PAYMENT transactions (TRNS + SPL lines summing to zero).

    IIF has no currency: foreign amounts are written in the company currency.
    """
    short = opts.iif_short_dates

    def d(x: date) -> str:
        return f"{x.month}/{x.day}/{x:%y}" if short else f"{x:%m/%d/%Y}"

    def clean(text: str) -> str:
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    t = opts.generated_at or datetime.combine(day, time(9, 41))
    lines = [
        "\t".join(["!HDR", "PROD", "VER", "REL", "IIFVER", "DATE", "TIME", "ACCNTNT", "ACCNTNTSPLITTIME"]),
        "\t".join(
            [
                "HDR",
                "QuickBooks Premier",
                "Version 34.0D",
                "Release R7P",
                "1",
                d(day),
                str(int((t.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds())),
                "N",
                "0",
            ]
        ),
        "\t".join(["!TRNS"] + _IIF_TRNS),
        "\t".join(["!SPL"] + _IIF_SPL),
        "!ENDTRNS",
    ]

    def trns(values: dict, spl: dict) -> None:
        lines.append("\t".join(["TRNS"] + [clean(str(values.get(k, ""))) for k in _IIF_TRNS]))
        lines.append("\t".join(["SPL"] + [clean(str(spl.get(k, ""))) for k in _IIF_SPL]))
        lines.append("ENDTRNS")

    cur = books.company_currency
    events = [(i.issued, 0, i) for i in books.items if i.kind is not ItemKind.PAYMENT]
    events += [(p.date, 1, p) for p in books.payments]
    for _, flag, x in sorted(events, key=lambda e: (e[0], e[1], e[2].id)):
        name = _name(books, x.customer_id)
        if flag:
            amt = fmt_plain(_pay_home(books, x), cur)
            trns(
                {
                    "TRNSTYPE": "PAYMENT",
                    "DATE": d(x.date),
                    "ACCNT": "Undeposited Funds",
                    "NAME": name,
                    "AMOUNT": amt,
                    "DOCNUM": x.number,
                    "PAYMETH": _METHODS[int(x.number or 0) % 4],
                    "TOSEND": "N",
                    "ISAJE": "N",
                },
                {
                    "TRNSTYPE": "PAYMENT",
                    "DATE": d(x.date),
                    "ACCNT": "Accounts Receivable",
                    "NAME": name,
                    "AMOUNT": fmt_plain(-_pay_home(books, x), cur),
                    "DOCNUM": x.number,
                },
            )
            continue
        total = _home(books, x, x.total)
        kind = "INVOICE" if x.kind is ItemKind.INVOICE else "CREDIT MEMO"
        trns(
            {
                "TRNSTYPE": kind,
                "DATE": d(x.issued),
                "ACCNT": "Accounts Receivable",
                "NAME": name,
                "AMOUNT": fmt_plain(total, cur),
                "DOCNUM": x.number,
                "CLEAR": "N",
                "TOPRINT": "N",
                "NAMEISTAXABLE": "N",
                "DUEDATE": d(x.due or x.issued),
                "TERMS": _terms(x),
                "PAID": "Y" if x.open_amount == 0 else "N",
                "TOSEND": "N",
                "ISAJE": "N",
            },
            {
                "TRNSTYPE": kind,
                "DATE": d(x.issued),
                "ACCNT": "Sales",
                "AMOUNT": fmt_plain(-total, cur),
                "DOCNUM": x.number,
                "CLEAR": "N",
                "QNTY": "-1" if total > 0 else "1",
                "PRICE": fmt_plain(abs(total), cur),
                "INVITEM": "Services",
                "TAXABLE": "N",
            },
        )
    try:
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode(opts.encoding))
    except UnicodeEncodeError as exc:
        raise InputError(
            f"a name cannot be written in {opts.encoding}: {exc.object[exc.start : exc.end]!r}",
            source=str(path),
            hint="choose encoding utf-8",
        ) from None
