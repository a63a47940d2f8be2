"""Every sheet, column and named cell of the control panel, declared once as data.

The panel builder (``excel.panel``), the headless refresher (``excel.package``), the buttons and the checker read
these declarations; no cell address or sheet name is written anywhere else.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from receivables.records import DISPUTE_STATES, OUTCOMES

# Cell kinds: how a value is written and formatted.
TEXT, MONEY, DATE, INT, DAYS, PERCENT, NUMBER = "text", "money", "date", "int", "days", "percent", "number"
DATETIME = "datetime"     # a naive local date and time (Last refresh)

NUMBER_FORMATS = {
    TEXT: "@",
    MONEY: "#,##0.00;[Red]-#,##0.00",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
    INT: "0",
    DAYS: "0.0",
    # Percentages are stored as the 0-100 numbers the reports print (rounded to 0.1), and shown with a literal
    # "%": a true percent format (0.0%) would need fractions, i.e. numbers that differ from `ardesk customers`.
    PERCENT: '0.0"%"',
    NUMBER: "General",
}

#: Height in points of one line of the default font (Calibri 11); a wrapped cell's row gets one per line.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0    # Excel's largest row height
#: Character widths a table header keeps free for its filter button.
FILTER_BUTTON = 2
#: Width of an average character of text, in the digit widths column widths are measured in (for row heights).
CHAR_WIDTH = 0.9

PROGRAM, PEOPLE = "program", "people"
SEND_CHOICES = ("yes", "no")      # the Reminders sheet's Send column
MAX_ROWS = 1_048_576      # rows of a worksheet


@dataclass(frozen=True)
class Column:
    """A data column. ``width`` (in characters) is at least the longest word of the header plus the filter
    button's room, so no header is cut: a longer header wraps onto a second line instead. A ``wrap`` column's
    text wraps within the width and its row grows (no text is cut at the column's edge, in print either)."""

    header: str
    field: str            # key in the row dicts the jobs produce
    kind: str = TEXT
    width: float = 14
    wrap: bool = False
    optional: bool = False    # a people sheet's column that panels built before it do not have (read as blank)
    choices: tuple[str, ...] = ()   # a people sheet's column offering these values as a list in the cell

    def __post_init__(self) -> None:
        words = max((len(w) for w in self.header.split()), default=0)
        if self.width < words + FILTER_BUTTON:
            object.__setattr__(self, "width", float(words + FILTER_BUTTON))


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints (written by excel.panel; a headless refresh keeps what the file holds).

    ``paper`` None leaves the paper to the printer and the user's locale (Letter in North America, A4 elsewhere):
    the desk is used on both sides of the Atlantic and fitting to the page width makes either work. A footer
    cannot read a cell, so it holds no as-of date (that is on every Aging row and on Control); it names the sheet,
    the day it was printed and the page, so a loose page says where it comes from.
    """

    landscape: bool = True
    fit_width: int = 1
    fit_height: int = 0          # 0: as many pages tall as the rows need
    repeat_header: bool = True   # the header row on every page (print titles)
    footer: str = "&L&8&A&C&8printed &D&R&8Page &P of &N"
    margins: tuple[float, float, float, float] = (0.25, 0.25, 0.75, 0.75)   # Excel's "Narrow": l, r, t, b (in)
    paper: int | None = None     # XlsxWriter paper index (1 Letter, 9 A4); None: the printer's default


PRINT = PrintSetup()
CONTROL_PRINT = PrintSetup(fit_height=1, repeat_header=False)


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
    print_setup: PrintSetup = PRINT


@dataclass(frozen=True)
class NamedCell:
    name: str
    sheet: str
    cell: str             # A1 reference on ``sheet``
    label: str
    kind: str = TEXT
    default: object = None
    is_input: bool = False


CONTROL, TODAY, INVOICES, AGING, DSO, CUSTOMERS, REMINDERS, NOTES, ISSUES = (
    "Control", "Today", "Invoices", "Aging", "DSO", "Customers", "Reminders", "Notes", "Issues")
FIGURES = "Figures"
CONF_SHEET = "xlwings.conf"

SHEETS: tuple[Sheet, ...] = (
    # The collector's day (receivables.worklist), ranked, first after Control. Every refresh writes it whole; the
    # columns from Outcome to Follow up on are the person's: what is typed there becomes a collection note at the
    # next refresh or Write back notes, exactly as if typed on Notes (TODAY_PEOPLE_FIELDS, excel.package.read).
    Sheet(TODAY, table="tblToday", columns=(
        Column("Rank", "rank", INT, 6),
        Column("Customer", "customer", TEXT, 30),
        Column("Next action", "next_action", TEXT, 14),
        Column("Why", "reason", TEXT, 48, wrap=True),
        Column("Overdue", "overdue", MONEY, 13),
        Column("Promise", "promise", TEXT, 22, wrap=True),
        Column("Last touch", "last_touch", DATE, 11),
        Column("Phone", "phone", TEXT, 16),
        Column("Email", "email", TEXT, 24),
        Column("Outcome", "outcome", TEXT, 13, choices=OUTCOMES),
        Column("Note", "text", TEXT, 40),
        Column("Promise date", "promise_date", DATE, 11),
        Column("Promise amount", "promise_amount", MONEY, 13),
        Column("Follow up on", "next_action_date", DATE, 11),
        Column("Score", "score", INT, 8),
        Column("Collector", "collector", TEXT, 14),
        Column("Day", "day", DATE, 11),
        Column("Customer id", "customer_id", TEXT, 14),
    )),
    Sheet(INVOICES, table="tblInvoices", columns=(
        Column("Customer", "customer", TEXT, 34),
        Column("Number", "number", TEXT, 14),
        Column("Kind", "kind", TEXT, 12),
        Column("Issued", "issued", DATE, 11),
        Column("Due", "due", DATE, 11),
        Column("Days past due", "days_past_due", INT, 11),
        Column("Bucket", "bucket", TEXT, 10),
        Column("Currency", "currency", TEXT, 8),
        Column("Total", "total", MONEY, 13),
        Column("Open", "open_amount", MONEY, 13),
        Column("Open (company)", "open_amount_company", MONEY, 14),
        Column("Flags", "flags", TEXT, 12),
        Column("Source", "source_ref", TEXT, 56, wrap=True),
        Column("Dispute", "dispute", TEXT, 14),
    )),
    # The bucket columns between Currency and Total follow the BucketEdges input ("bucket:Current", ...).
    Sheet(AGING, table="tblAging", dynamic_field="bucket:", columns=(
        Column("Customer", "customer", TEXT, 34),
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
        Column("Best possible DSO", "best_possible_dso", DAYS, 14),
        Column("Avg days delinquent", "average_days_delinquent", DAYS, 10),
        Column("CEI %", "cei", PERCENT, 8),
    )),
    Sheet(CUSTOMERS, table="tblCustomers", columns=(
        Column("Customer", "customer", TEXT, 34),
        Column("Parent", "parent", TEXT, 22),
        Column("Email", "email", TEXT, 24),
        Column("Open AR", "open_ar", MONEY, 14),
        Column("Overdue", "overdue", MONEY, 14),
        Column("% current", "percent_current", PERCENT, 9),
        Column("Credit limit", "credit_limit", MONEY, 13),
        Column("Limit used %", "limit_used", PERCENT, 9),
        Column("Over limit", "over_limit", TEXT, 8),
        Column("Days late 3m", "days_late_3m", DAYS, 10),
        Column("Days late 6m", "days_late_6m", DAYS, 10),
        Column("Days late 12m", "days_late_12m", DAYS, 10),
        Column("Days to pay 12m", "days_to_pay_12m", DAYS, 10),
        Column("Trend", "trend", TEXT, 11),
        Column("Segment", "segment", TEXT, 10),
        Column("Risk", "risk_score", INT, 7),
        Column("Risk factors", "risk_factors", TEXT, 48, wrap=True),
        Column("Promise", "promise", TEXT, 30, wrap=True),
        Column("Dispute", "dispute", TEXT, 26, wrap=True),
        Column("Plan", "plan", TEXT, 30, wrap=True),
    )),
    # A reminder batch (Build reminders): one row per customer, reminded or not and why. Send is the one cell a
    # person changes here (yes / no) before Send reminders; the rest is the program's.
    Sheet(REMINDERS, table="tblReminders", columns=(
        Column("Customer", "customer", TEXT, 32),
        Column("Level", "level", TEXT, 10),
        Column("Channel", "channel", TEXT, 9),
        Column("Email", "email", TEXT, 26),
        Column("Items", "items", TEXT, 30, wrap=True),
        Column("Amount due", "totals", TEXT, 18, wrap=True),
        Column("Interest and fees", "charges", TEXT, 24, wrap=True),
        Column("Send", "send", TEXT, 7, choices=SEND_CHOICES),
        Column("Status", "status", TEXT, 12),
        Column("Why", "reason", TEXT, 48, wrap=True),
        Column("Batch", "batch", INT, 7),
        Column("Customer id", "customer_id", TEXT, 14),
    )),
    Sheet(NOTES, table="tblNotes", owner=PEOPLE, columns=(
        Column("Date", "written_at", DATE, 11),
        Column("Author", "author", TEXT, 14),
        Column("Customer", "customer", TEXT, 32),
        Column("Invoice", "invoice", TEXT, 14),
        Column("Note", "text", TEXT, 60),
        Column("Outcome", "outcome", TEXT, 13, optional=True, choices=OUTCOMES),
        Column("Dispute", "dispute", TEXT, 9, optional=True, choices=DISPUTE_STATES),
        Column("Promise date", "promise_date", DATE, 11),
        Column("Promise amount", "promise_amount", MONEY, 13),
        Column("Next action", "next_action_date", DATE, 11),
        Column("Note id", "uid", TEXT, 14),
        Column("Synced", "synced_at", TEXT, 16),
    )),
    # One line per kind of problem (see issue_lines): how many ("7 warning(s) from open.csv"), which rows, and the
    # message once.
    Sheet(ISSUES, table="tblIssues", columns=(
        Column("Count", "count", INT, 7),
        Column("Severity", "severity", TEXT, 9),
        Column("Source", "source", TEXT, 30, wrap=True),
        Column("Column", "column", TEXT, 12, wrap=True),
        Column("Rows", "rows", TEXT, 18, wrap=True),
        Column("Message", "message", TEXT, 90, wrap=True),
    )),
    # Fixed-shape figures the Control sheet's charts read (aging by bucket in company currency).
    Sheet(FIGURES, table="tblFigures", hidden=True, columns=(
        Column("Bucket", "bucket", TEXT, 12),
        Column("Amount", "amount", MONEY, 14),
    )),
)

#: The Today sheet's columns that belong to the person: read as a collection note before every rewrite.
TODAY_PEOPLE_FIELDS = ("outcome", "text", "promise_date", "promise_amount", "next_action_date")

#: The program's only cells on the people's Notes sheet, written in place row by row (excel.package.notes).
NOTE_PROGRAM_FIELDS = ("uid", "synced_at")

NAMED_CELLS: tuple[NamedCell, ...] = (
    NamedCell("AsOfDate", CONTROL, "C4", "As-of date (blank = today)", DATE, None, True),
    NamedCell("BucketEdges", CONTROL, "C5", "Aging bucket edges (days)", TEXT, "30,60,90", True),
    NamedCell("AgeBy", CONTROL, "C6", "Age by (due / issued)", TEXT, "due", True),
    NamedCell("DsoPeriodDays", CONTROL, "C7", "DSO period days (blank = calendar)", INT, None, True),
    NamedCell("Source", CONTROL, "C8", "Source (blank = ardesk.toml's default)", TEXT, None, True),
    NamedCell("ReminderPolicy", CONTROL, "C9", "Reminder policy", TEXT, "standard", True),
    NamedCell("Status", CONTROL, "C11", "Status", TEXT, "Ready.", False),
    NamedCell("LastRefresh", CONTROL, "C12", "Last refresh", DATETIME, None, False),
    NamedCell("DataAsOf", CONTROL, "C13", "Books as of", TEXT, None, False),
    NamedCell("TotalAR", CONTROL, "C15", "Open AR (company currency)", MONEY, None, False),
    NamedCell("OverdueAR", CONTROL, "C16", "Overdue AR", MONEY, None, False),
    NamedCell("DsoValue", CONTROL, "C17", "DSO (days)", DAYS, None, False),
    NamedCell("CeiValue", CONTROL, "C18", "CEI %", PERCENT, None, False),
    # the day's work (receivables.worklist), also on the Today sheet
    NamedCell("CustomersToCall", CONTROL, "C19", "Customers to call today", INT, None, False),
    NamedCell("PromisesDueToday", CONTROL, "C20", "Promises due today", INT, None, False),
    NamedCell("BrokenPromises", CONTROL, "C21", "Broken promises", INT, None, False),
    NamedCell("DisputesOpen", CONTROL, "C22", "Disputes open", INT, None, False),
)

#: The key figures of the day's work (a panel built before them has none: they are then left out).
WORK_CELLS = ("CustomersToCall", "PromisesDueToday", "BrokenPromises", "DisputesOpen")


def sheet(name: str) -> Sheet:
    return next(s for s in SHEETS if s.name == name)


def named_cell(name: str) -> NamedCell:
    return next(c for c in NAMED_CELLS if c.name == name)


@dataclass
class PanelData:
    """What a refresh writes: lines per program-owned sheet, the aging bucket labels, and output named cells.

    ``rows[sheet_name]`` is a sequence of lines: objects whose attributes are the sheet's :attr:`Column.field`
    names (the engine's typed lines of :mod:`receivables.panel`, or :class:`IssueLine` on the Issues sheet, made
    by :func:`issue_lines`; the Aging sheet's bucket columns read ``line.buckets`` in the order of
    ``bucket_labels``), or dicts keyed by the fields (``"bucket:<label>"`` for a bucket).
    Values are ``str``, ``int``, ``Decimal``, ``datetime.date``, a naive local ``datetime.datetime`` (a DATETIME
    cell) or ``None`` (see :mod:`excel.values`); text is always written as text, never as a formula.
    """

    rows: dict[str, Sequence[object]] = field(default_factory=dict)
    bucket_labels: tuple[str, ...] = ("Current", "1-30", "31-60", "61-90", "91+")
    cells: dict[str, object] = field(default_factory=dict)


# --- Row heights of wrapped text ---------------------------------------------------------------------------------

def text_lines(text: str, width: float) -> int:
    """Lines a wrapped cell ``width`` characters wide needs for ``text``: words kept whole where they fit, a word
    longer than the cell broken. An estimate on the wide side: a character counted as :data:`CHAR_WIDTH` of the
    digit width that column widths are measured in (text averages less), a character's room kept free."""
    room = max(int((width - 1) / CHAR_WIDTH), 1)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            need = len(word) + (1 if used else 0)
            if used + need <= room:
                used += need
                continue
            if used:
                lines += 1
            lines += (len(word) - 1) // room
            used = len(word) - (len(word) - 1) // room * room
    return lines


def row_height(columns: Sequence[Column], values: Sequence[object],
               widths: Sequence[float] | None = None) -> float | None:
    """The height (points) a row of ``values`` needs for its wrapped text, or None when one line is enough;
    ``widths`` are the columns' widths where they differ from the declared ones (a file's own)."""
    lines = 1
    for i, (column, value) in enumerate(zip(columns, values)):
        if column.wrap and type(value) is str:
            width = widths[i] if widths else column.width
            if len(value) * CHAR_WIDTH > width - 1 or "\n" in value:
                lines = max(lines, text_lines(value, width))
    return None if lines == 1 else min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def header_height(columns: Sequence[Column], widths: Sequence[float] | None = None) -> float | None:
    """The height of a header row whose text wraps (headers longer than their column), None for one line."""
    lines = max((text_lines(c.header, widths[i] if widths else c.width) for i, c in enumerate(columns)),
                default=1)
    return None if lines == 1 else min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


def has_wrap(columns: Sequence[Column]) -> bool:
    return any(c.wrap for c in columns)


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
    "output_wrap": {"bg_color": "#F2F2F2", "border": 1, "border_color": "#D9D9D9", "text_wrap": True,
                    "valign": "top"},
    "header": {"text_wrap": True},   # data sheets' header cells: a long header wraps (see Column.width)
    "wrap": {"text_wrap": True},     # data cells of a Column(wrap=True)
}

#: Roles of Control's output cells other than "output", and rows taller than one line (points).
CONTROL_ROLES = {"Status": "status", "DataAsOf": "output_wrap"}
CONTROL_ROW_HEIGHTS = {"Status": 45, "DataAsOf": 30}

#: Width of Control's columns A.. (label in B, value in C, buttons from E).
CONTROL_WIDTHS = (2, 38, 28, 2, 20, 4)
CONTROL_TITLE = ("B2", "ardesk collections desk")
CONTROL_SUBTITLE = ("B3", "Yellow cells are inputs; press a button to run. Notes belong to you: type them on Notes "
                          "or beside a customer on Today.")
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
    Button("Build reminders", "ArdeskBuildReminders", "build_reminders", "E10"),
    Button("Send reminders", "ArdeskSendReminders", "send_reminders", "E12"),
    Button("Write back notes", "ArdeskPushNotes", "push_notes", "E14"),
    # Buttons of later features are declared here, with their macro in ArdeskButtons.bas and their function in
    # excel.buttons, when those features exist (a button must never call an unbuilt feature).
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
    x_title: str = ""     # axis titles: categories (x) and values (y)
    y_title: str = ""
    y_format: str = "#,##0"   # the value axis' number format (a thousands separator)
    size: tuple[int, int] = (480, 288)


CHARTS: tuple[Chart, ...] = (
    Chart("Open AR by aging bucket", "column", FIGURES, "bucket", ("amount",), "B25", 5,
          x_title="Days past due", y_title="Open AR (company currency)"),
    Chart("DSO trend", "line", DSO, "month", ("dso", "countback_dso"), "F25", 12, x_title="Month", y_title="Days"),
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

# --- The Jobs block on Control: the last run of each scheduled job --------------------------------------------------

#: Scheduled job (``[jobs]`` in ardesk.toml) -> the named cell that says when it last ran and how that went
#: ("2026-11-02 06:00 ok: 1,234 open items"), written by every headless refresh (jobs.runs); in the order shown.
JOB_CELLS: dict[str, str] = {
    "refresh": "JobRefresh",
    "notes_push": "JobNotesPush",
    "remind_build": "JobRemindBuild",
    "remind_send": "JobRemindSend",
    "worklist": "JobWorklist",
    "prune": "JobPrune",
    "privacy_prune": "JobPrivacyPrune",
}
#: The block's heading row: under the lowest chart (a chart's height in rows of 20 pixels), one row apart.
JOBS_ROW = max(int(c.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) + math.ceil(c.size[1] / 20) for c in CHARTS) + 1
NAMED_CELLS += tuple(NamedCell(cell, CONTROL, f"C{JOBS_ROW + 1 + i}", f"Job {job}")
                     for i, (job, cell) in enumerate(JOB_CELLS.items()))
CONTROL_SECTIONS += ((f"B{JOBS_ROW}", "Jobs: the last run of each"),)


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
