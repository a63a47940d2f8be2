"""Every sheet, column and named cell of the control panel, declared once as data.

The panel builder (``excel.panel``), the headless refresher (``excel.package``), the buttons and the checker read
these declarations; no cell address or sheet name is written anywhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Cell kinds: how a value is written and formatted.
TEXT, MONEY, DATE, INT, DAYS, PERCENT, NUMBER = "text", "money", "date", "int", "days", "percent", "number"

NUMBER_FORMATS = {
    TEXT: "@",
    MONEY: "#,##0.00;[Red]-#,##0.00",
    DATE: "yyyy-mm-dd",
    INT: "0",
    DAYS: "0.0",
    PERCENT: "0.0",
    NUMBER: "General",
}

PROGRAM, PEOPLE = "program", "people"


@dataclass(frozen=True)
class Column:
    header: str
    field: str            # key in the row dicts the jobs produce
    kind: str = TEXT
    width: float = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    owner: str = PROGRAM  # PROGRAM sheets are replaced whole by every refresh; PEOPLE sheets are never rewritten
    table: str | None = None  # Excel table (ListObject) name
    header_row: int = 1   # 1-based row of the header; data follows
    # For a sheet whose middle columns depend on the inputs (the aging buckets): the field prefix of those columns.
    dynamic_field: str | None = None
    hidden: bool = False


@dataclass(frozen=True)
class NamedCell:
    name: str
    sheet: str
    cell: str             # A1 reference on ``sheet``
    label: str
    kind: str = TEXT
    default: object = None
    is_input: bool = False


CONTROL, INVOICES, AGING, DSO, CUSTOMERS, REMINDERS, NOTES, ISSUES = (
    "Control", "Invoices", "Aging", "DSO", "Customers", "Reminders", "Notes", "Issues")
FIGURES = "Figures"
CONF_SHEET = "xlwings.conf"

SHEETS: tuple[Sheet, ...] = (
    Sheet(INVOICES, table="tblInvoices", columns=(
        Column("Customer", "customer", TEXT, 32),
        Column("Number", "number", TEXT, 14),
        Column("Kind", "kind", TEXT, 12),
        Column("Issued", "issued", DATE, 11),
        Column("Due", "due", DATE, 11),
        Column("Days past due", "days_past_due", INT, 8),
        Column("Bucket", "bucket", TEXT, 10),
        Column("Currency", "currency", TEXT, 8),
        Column("Total", "total", MONEY, 13),
        Column("Open", "open_amount", MONEY, 13),
        Column("Open (company)", "open_amount_company", MONEY, 14),
        Column("Flags", "flags", TEXT, 12),
        Column("Source", "source_ref", TEXT, 24),
    )),
    # The bucket columns between Currency and Total follow the BucketEdges input ("bucket:Current", ...).
    Sheet(AGING, table="tblAging", dynamic_field="bucket:", columns=(
        Column("Customer", "customer", TEXT, 32),
        Column("Currency", "currency", TEXT, 8),
        Column("Total", "total", MONEY, 14),
    )),
    Sheet(DSO, table="tblDso", columns=(
        Column("Month", "month", TEXT, 9),
        Column("AR at month end", "ar", MONEY, 15),
        Column("Credit sales", "credit_sales", MONEY, 15),
        Column("DSO", "dso", DAYS, 8),
        Column("Countback DSO", "countback_dso", DAYS, 10),
        Column("Best possible DSO", "best_possible_dso", DAYS, 10),
        Column("Avg days delinquent", "average_days_delinquent", DAYS, 10),
        Column("CEI %", "cei", PERCENT, 8),
    )),
    Sheet(CUSTOMERS, table="tblCustomers", columns=(
        Column("Customer", "customer", TEXT, 32),
        Column("Parent", "parent", TEXT, 20),
        Column("Email", "email", TEXT, 24),
        Column("Open AR", "open_ar", MONEY, 14),
        Column("Overdue", "overdue", MONEY, 14),
        Column("% current", "percent_current", PERCENT, 9),
        Column("Credit limit", "credit_limit", MONEY, 13),
        Column("Limit used %", "limit_used", PERCENT, 9),
        Column("Over limit", "over_limit", TEXT, 8),
        Column("Days late 3m", "days_late_3m", DAYS, 9),
        Column("Days late 6m", "days_late_6m", DAYS, 9),
        Column("Days late 12m", "days_late_12m", DAYS, 9),
        Column("Days to pay 12m", "days_to_pay_12m", DAYS, 9),
        Column("Trend", "trend", TEXT, 11),
        Column("Segment", "segment", TEXT, 10),
        Column("Risk", "risk_score", INT, 7),
        Column("Risk factors", "risk_factors", TEXT, 48),
    )),
    Sheet(REMINDERS, table="tblReminders", columns=(
        Column("Customer", "customer", TEXT, 32),
        Column("Level", "level", TEXT, 12),
        Column("Items", "items", TEXT, 30),
        Column("Amount due", "amount", MONEY, 14),
        Column("Channel", "channel", TEXT, 10),
        Column("Status", "status", TEXT, 12),
    )),
    Sheet(NOTES, table="tblNotes", owner=PEOPLE, columns=(
        Column("Date", "written_at", DATE, 11),
        Column("Author", "author", TEXT, 14),
        Column("Customer", "customer", TEXT, 32),
        Column("Invoice", "invoice", TEXT, 14),
        Column("Note", "text", TEXT, 60),
        Column("Promise date", "promise_date", DATE, 11),
        Column("Promise amount", "promise_amount", MONEY, 13),
        Column("Next action", "next_action_date", DATE, 11),
        Column("Note id", "uid", TEXT, 14),
        Column("Synced", "synced_at", TEXT, 16),
    )),
    Sheet(ISSUES, table="tblIssues", columns=(
        Column("Severity", "severity", TEXT, 9),
        Column("Source", "source", TEXT, 40),
        Column("Row", "row", INT, 7),
        Column("Message", "message", TEXT, 90),
    )),
    # Fixed-shape figures the Control sheet's charts read (aging by bucket in company currency).
    Sheet(FIGURES, table="tblFigures", hidden=True, columns=(
        Column("Bucket", "bucket", TEXT, 12),
        Column("Amount", "amount", MONEY, 14),
    )),
)

NAMED_CELLS: tuple[NamedCell, ...] = (
    NamedCell("AsOfDate", CONTROL, "C4", "As-of date (blank = today)", DATE, None, True),
    NamedCell("BucketEdges", CONTROL, "C5", "Aging bucket edges (days)", TEXT, "30,60,90", True),
    NamedCell("AgeBy", CONTROL, "C6", "Age by (due / issued)", TEXT, "due", True),
    NamedCell("DsoPeriodDays", CONTROL, "C7", "DSO period days (blank = calendar)", INT, None, True),
    NamedCell("Source", CONTROL, "C8", "Source (blank = ardesk.toml's default)", TEXT, None, True),
    NamedCell("ReminderPolicy", CONTROL, "C9", "Reminder policy", TEXT, "standard", True),
    NamedCell("Status", CONTROL, "C11", "Status", TEXT, "Ready.", False),
    NamedCell("LastRefresh", CONTROL, "C12", "Last refresh", TEXT, None, False),
    NamedCell("DataAsOf", CONTROL, "C13", "Books as of", TEXT, None, False),
    NamedCell("TotalAR", CONTROL, "C15", "Open AR (company currency)", MONEY, None, False),
    NamedCell("OverdueAR", CONTROL, "C16", "Overdue AR", MONEY, None, False),
    NamedCell("DsoValue", CONTROL, "C17", "DSO (days)", DAYS, None, False),
    NamedCell("CeiValue", CONTROL, "C18", "CEI %", PERCENT, None, False),
)


def sheet(name: str) -> Sheet:
    return next(s for s in SHEETS if s.name == name)


def named_cell(name: str) -> NamedCell:
    return next(c for c in NAMED_CELLS if c.name == name)


@dataclass
class PanelData:
    """What a refresh writes: rows per program-owned sheet, the aging bucket labels, and output named cells.

    ``rows[sheet_name]`` is a list of dicts keyed by :attr:`Column.field` (the Aging sheet's bucket columns are keyed
    ``"bucket:<label>"``). Values are ``str``, ``int``, ``Decimal``, ``datetime.date`` or ``None``; text is always
    written as text, never as a formula.
    """

    rows: dict[str, list[dict]] = field(default_factory=dict)
    bucket_labels: tuple[str, ...] = ("Current", "1-30", "31-60", "61-90", "91+")
    cells: dict[str, object] = field(default_factory=dict)


def columns_of(sheet_: Sheet, bucket_labels: tuple[str, ...]) -> tuple[Column, ...]:
    """The concrete columns of ``sheet_`` for the given bucket labels (inserted before "Total" on Aging)."""
    if not sheet_.dynamic_field:
        return sheet_.columns
    fixed = list(sheet_.columns)
    at = next(i for i, c in enumerate(fixed) if c.field == "total")
    dyn = [Column(label, sheet_.dynamic_field + label, MONEY, 13) for label in bucket_labels]
    return tuple(fixed[:at] + dyn + fixed[at:])
