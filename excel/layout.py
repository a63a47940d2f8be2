"""Every sheet, column and named cell of the control panel, declared once as data.

The panel builder (``excel.panel``), the headless refresher (``excel.package``), the buttons and the checker read
these declarations; no cell address or sheet name is written anywhere else.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from receivables.panel import Panel

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
        Column("As of", "as_of", DATE, 11),             # every aging row says its date and its books' date
        Column("Books as of", "source_date", DATE, 11),
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
    """What a refresh writes: lines per program-owned sheet, the aging bucket labels, and output named cells.

    ``rows[sheet_name]`` is a sequence of lines: objects whose attributes are the sheet's :attr:`Column.field`
    names (the engine's typed lines of :mod:`receivables.panel`, or :class:`~receivables.errors.Issue` on the
    Issues sheet; the Aging sheet's bucket columns read ``line.buckets`` in the order of ``bucket_labels``), or
    dicts keyed by the fields (``"bucket:<label>"`` for a bucket).
    Values are ``str``, ``int``, ``Decimal``, ``datetime.date`` or ``None`` (see :mod:`excel.values`); text is
    always written as text, never as a formula.
    """

    rows: dict[str, Sequence[object]] = field(default_factory=dict)
    bucket_labels: tuple[str, ...] = ("Current", "1-30", "31-60", "61-90", "91+")
    cells: dict[str, object] = field(default_factory=dict)


def panel_data(panel: Panel, refreshed_at: str = "") -> PanelData:
    """Where each part of the engine's :class:`~receivables.panel.Panel` goes on the workbook."""
    source_date = panel.source_date.isoformat() if panel.source_date else "?"
    cells = {
        "LastRefresh": refreshed_at,
        "DataAsOf": f"{panel.as_of.isoformat()} (books as of {source_date}, {panel.source})",
        "TotalAR": panel.total_ar, "OverdueAR": panel.overdue_ar, "DsoValue": panel.dso_value,
        "CeiValue": panel.cei_value, "Status": panel.status,
    }
    return PanelData(rows={INVOICES: panel.invoices, AGING: panel.aging, FIGURES: panel.figures, DSO: panel.dso,
                           CUSTOMERS: panel.customers, REMINDERS: (), ISSUES: panel.issues},
                     bucket_labels=panel.bucket_labels, cells=cells)


def columns_of(sheet_: Sheet, bucket_labels: tuple[str, ...]) -> tuple[Column, ...]:
    """The concrete columns of ``sheet_`` for the given bucket labels (inserted before "Total" on Aging)."""
    if not sheet_.dynamic_field:
        return sheet_.columns
    fixed = list(sheet_.columns)
    at = next(i for i, c in enumerate(fixed) if c.field == "total")
    dyn = [Column(label, sheet_.dynamic_field + label, MONEY, 13) for label in bucket_labels]
    return tuple(fixed[:at] + dyn + fixed[at:])


# --- Presentation of the Control sheet, declared as data (read by excel.panel and excel.check) ---------------------

#: Cell formats by role; number formats of data cells come from NUMBER_FORMATS by column kind.
FORMATS = {
    "title": {"bold": True, "font_size": 16, "font_color": "#1F3864"},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "section": {"bold": True, "font_color": "#1F3864", "bottom": 1},
    "label": {"font_color": "#404040"},
    "input": {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"},
    "output": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#D9D9D9"},
    "status": {"bold": True, "bg_color": "#F2F2F2", "border": 1, "border_color": "#D9D9D9", "text_wrap": True},
    "note": {"italic": True, "font_color": "#7F7F7F", "text_wrap": True, "valign": "top"},
}

#: Width of Control's columns A.. (label in B, value in C, buttons from E).
CONTROL_WIDTHS = (2, 38, 24, 2, 20, 4)
CONTROL_TITLE = ("B2", "ardesk collections desk")
CONTROL_SUBTITLE = ("B3", "Yellow cells are inputs; press a button to run. Notes belong to you: type them on Notes.")
CONTROL_SECTIONS = (("B10", "Result"), ("B14", "Key figures"))

# Data validation of inputs, by named cell (XlsxWriter ``data_validation`` options).
VALIDATIONS = {
    "AsOfDate": {"validate": "date", "criteria": ">=", "value": "1990-01-01",
                 "input_title": "As-of date", "input_message": "The books as they stood at the end of this day. "
                 "Leave blank for today.", "error_message": "Type a date such as 2026-10-31, or leave blank."},
    "AgeBy": {"validate": "list", "source": ["due", "issued"],
              "error_message": "Choose due or issued."},
    "DsoPeriodDays": {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 3660,
                      "input_title": "DSO period", "input_message": "Days in the DSO period (e.g. 90). "
                      "Leave blank for calendar months.",
                      "error_message": "Type a whole number of days, 1 to 3660."},
    "BucketEdges": {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 60,
                    "input_title": "Bucket edges", "input_message": "Days past due where buckets end, "
                    "ascending, separated by commas: 30,60,90 gives Current, 1-30, 31-60, 61-90, 91+.",
                    "error_message": "Type edges such as 30,60,90."},
}


@dataclass(frozen=True)
class Button:
    """A Form button on Control bound to its own one-line VBA macro calling ``excel.buttons.<function>``."""

    caption: str
    macro: str            # Sub name in the VBA module VBA_MODULE
    function: str         # function name in excel.buttons
    cell: str             # top-left cell of the button on Control


VBA_MODULE = "ArdeskButtons"          # our module in the VBA project (source: excel/vba/ArdeskButtons.bas)
XLWINGS_MODULE = "xlwings"            # xlwings' own module, taken from its quickstart_standalone.xlsm
XLWINGS_PIN = "0.37.8"                # the xlwings version the VBA module is written for (pyproject pins it)
BUTTON_SIZE = {"width": 150, "height": 30}

BUTTONS: tuple[Button, ...] = (
    Button("Refresh", "ArdeskRefresh", "refresh", "E4"),
    Button("Run aging", "ArdeskRunAging", "run_aging", "E6"),
    Button("DSO", "ArdeskRunDso", "run_dso", "E8"),
    # Buttons of later features are declared here, with their macro in ArdeskButtons.bas and their function in
    # excel.buttons, when those features exist (a button must never call an unbuilt feature):
    #   Button("Build reminders", "ArdeskBuildReminders", "build_reminders", "E10"),
    #   Button("Send reminders", "ArdeskSendReminders", "send_reminders", "E12"),
    #   Button("Write back notes", "ArdeskPushNotes", "push_notes", "E14"),
)


@dataclass(frozen=True)
class Chart:
    """A chart on Control: categories and values are columns (by field) of a program sheet."""

    title: str
    kind: str             # XlsxWriter chart type
    sheet: str
    category: str
    values: tuple[str, ...]
    cell: str             # where it is placed on Control
    default_points: int   # rows plotted when the panel is built without data
    size: tuple[int, int] = (480, 288)


CHARTS: tuple[Chart, ...] = (
    Chart("Open AR by aging bucket", "column", FIGURES, "bucket", ("amount",), "B21", 5),
    Chart("DSO trend", "line", DSO, "month", ("dso", "countback_dso"), "F21", 12),
)


@dataclass(frozen=True)
class Highlight:
    """A conditional format over a whole data column (so it holds however many rows a refresh writes)."""

    sheet: str
    field: str
    options: dict


HIGHLIGHTS: tuple[Highlight, ...] = (
    Highlight(INVOICES, "days_past_due", {"type": "3_color_scale", "min_color": "#C6EFCE",
                                          "mid_type": "num", "mid_value": 30, "mid_color": "#FFEB9C",
                                          "max_type": "num", "max_value": 90, "max_color": "#FFC7CE"}),
    Highlight(INVOICES, "bucket", {"type": "cell", "criteria": "==", "value": '"Current"',
                                   "format": {"bg_color": "#C6EFCE", "font_color": "#006100"}}),
    Highlight(INVOICES, "bucket", {"type": "cell", "criteria": "!=", "value": '"Current"',
                                   "format": {"bg_color": "#FFEB9C", "font_color": "#9C5700"}}),
    Highlight(CUSTOMERS, "over_limit", {"type": "cell", "criteria": "==", "value": '"yes"',
                                        "format": {"bg_color": "#FFC7CE", "font_color": "#9C0006"}}),
    Highlight(CUSTOMERS, "risk_score", {"type": "data_bar", "bar_color": "#F4B183", "bar_solid": True}),
)

#: Keys of xlwings' own config sheet (read by xlwings.bas ``GetConfigFromSheet``, from A1 down to the first blank).
CONF_KEYS = ("Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env", "Show Console")
CONF_NOTES = (
    "How to fill this sheet (hidden; unhide it with right-click on a sheet tab > Unhide):",
    ("Interpreter_Win / Interpreter_Mac: full path of the Python that has ardesk installed, e.g. "
     r"C:\Users\me\ardesk\.venv\Scripts\pythonw.exe or /Users/me/ardesk/.venv/bin/python."),
    "PYTHONPATH: leave blank when ardesk is installed in that Python; else the folder that holds ardesk's code.",
    "Conda Path / Conda Env: only for a conda Python (e.g. C:\\Users\\me\\miniconda3 and ardesk); else leave blank.",
    "Show Console: TRUE to see Python's console while a button runs (Windows); blank otherwise.",
    "Blank values fall back to xlwings' own settings. Keep the keys in column A from A1 down with no blank row.",
)
