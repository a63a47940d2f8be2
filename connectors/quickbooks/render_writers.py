"""The CSV and XLSX writers: a :class:`Report` of cells written as QuickBooks writes its exports.

CSV: title block, blank line, header, rows, CRLF, and (Online) the timestamp footer. XLSX: merged title rows,
amounts as numbers or formula strings without cached values; Desktop spacer columns and Excel serial dates.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path

from connectors.quickbooks.render_options import Amt, Options, Report, fmt_amount, fmt_date
from receivables.errors import InputError
from receivables.money import quantize


# ---------------------------------------------------------------- CSV
def _text(cell, opts: Options, desktop: bool) -> str:
    if isinstance(cell, Amt):
        return fmt_amount(cell, opts, symbol=not desktop)
    if isinstance(cell, date):
        return fmt_date(cell, opts)
    return str(cell)


def title_rows(r: Report, opts: Options) -> list[list[str]]:
    """The title block: QBO company/title/period in the report's order; Desktop time, date, basis at left."""
    if r.desktop:
        t = opts.generated_at or datetime.combine(r.day or date(2000, 1, 1), time(9, 41))
        return [
            [f"{t:%I:%M %p}".lstrip("0"), opts.company],
            [f"{t:%m/%d/%y}", r.title],
            ["Accrual Basis", r.period],
        ]
    first = [opts.company, r.title] if r.company_first else [r.title, opts.company]
    return [[first[0]], [first[1]], [r.period]]


def write_csv(r: Report, path: Path, opts: Options) -> None:
    width = len(r.header)
    try:
        with open(path, "w", encoding=opts.encoding, newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            for row in title_rows(r, opts):
                w.writerow(row + [""] * (width - len(row)))
            w.writerow([])
            w.writerow(r.header)
            for _role, cells in r.rows:
                w.writerow([_text(c, opts, r.desktop) for c in cells])
            if not r.desktop:
                f.write("\r\n\r\n\r\n")
                w.writerow([r.footer])
    except UnicodeEncodeError as exc:
        raise InputError(
            f"a name cannot be written in {opts.encoding}: {exc.object[exc.start : exc.end]!r}",
            source=str(path),
            hint="choose encoding utf-8",
        ) from None


# ---------------------------------------------------------------- XLSX
_SPACED = "ADFHJLNPRTV"  # Desktop A/R Aging Detail: data columns with empty spacer columns between


def _excel_serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def write_xlsx(r: Report, path: Path, opts: Options, spacers: bool = False) -> None:
    """QBO: merged title rows, amounts as numbers or formula strings. Desktop: spacers, serial dates."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    if spacers and opts.instructions_tab:
        ws.title = "QuickBooks Export Tips"
        for n, line in enumerate(
            ("QuickBooks Desktop exported this report to Excel.", "The report itself is on the next sheet."),
            start=1,
        ):
            ws.cell(n, 1, line)
        ws = wb.create_sheet()
    ws.title = "Sheet1" if r.desktop else r.title.replace("/", "_")[:31]
    width = len(r.header)
    letter = (lambda c: _SPACED[c]) if spacers else (lambda c: get_column_letter(c + 1))
    for n, row in enumerate(title_rows(r, opts), start=1):
        if r.desktop:
            ws[f"A{n}"], ws[f"{letter(min(5, width - 1))}{n}"] = row[0], row[1]
        else:
            ws.cell(n, 1, row[0])
            ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)
    for c, name in enumerate(r.header):
        if name:
            ws[f"{letter(c)}5"] = name
    line, pending, details, subtotals = 6, {}, {}, {}
    grouped = r.sums_as_formulas and any(role == "group" for role, _ in r.rows)
    for role, cells in r.rows:
        if role == "group":
            pending = {}
        for c, cell in enumerate(cells):
            ref = f"{letter(c)}{line}"
            if isinstance(cell, Amt):
                value = quantize(cell.value, cell.currency)
                refs = None
                if opts.formulas and role == "subtotal" and grouped:
                    refs = pending.get(c)
                elif opts.formulas and role == "total" and r.sums_as_formulas:
                    refs = subtotals.get(c) or (details.get(c) if not subtotals else None)
                if refs and len(refs) <= 300:
                    ws[ref] = "=" + "+".join(refs)
                else:
                    ws[ref] = f"={value}" if opts.formulas else value
                ws[ref].number_format = '"$"#,##0.00' if cell.total and not r.desktop else "#,##0.00"
                if role == "detail":
                    pending.setdefault(c, []).append(ref)
                    details.setdefault(c, []).append(ref)
                elif role == "subtotal":
                    subtotals.setdefault(c, []).append(ref)
            elif isinstance(cell, date):
                if r.desktop:
                    ws[ref] = _excel_serial(cell)
                    ws[ref].number_format = "mm/dd/yyyy"
                elif opts.xlsx_dates == "date":
                    ws[ref] = cell
                    ws[ref].number_format = "dd/mm/yyyy" if opts.date_order == "DMY" else "mm/dd/yyyy"
                else:
                    ws[ref] = fmt_date(cell, opts)
            elif cell != "":
                ws[ref] = cell
        if role == "subtotal":
            pending = {}
        label = cells[0] if cells and isinstance(cells[0], str) else ""
        if label.startswith("   "):
            ws.row_dimensions[line].outlineLevel = (len(label) - len(label.lstrip(" "))) // 3
        line += 1
    if not r.desktop:
        t = opts.generated_at or datetime.combine(r.day or date(2000, 1, 1), time(9, 41))
        ws.cell(line + 3, 1, f"{t:%A}, {t:%b} {t:%d}, {t:%Y} {t:%I:%M:%S %p} {opts.timezone} - Accrual Basis")
    wb.save(path)
