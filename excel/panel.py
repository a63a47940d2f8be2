"""Build the control-panel workbook (``collections.xlsm``) without Excel, with XlsxWriter.

Everything placed comes from :mod:`excel.layout`: one loop over ``layout.SHEETS`` writes every data sheet (a table
with filters and a frozen, wrapping header, each column's number format as the column default so the headless
refresher can restyle new rows from ``<col>``, rows of wrapped text as tall as their lines, and the sheet's print
setup: landscape, one page wide, the header on every page, a footer), then Control gets its named input cells,
buttons and charts, and the hidden ``xlwings.conf`` sheet tells xlwings which Python to run. Text is always
written as text, never as a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from excel import layout
from excel.layout import PanelData
from excel.tempfiles import new_temp, remove_leftovers
from excel.values import named_value, row_reader, to_double
from receivables.errors import InputError

FILE_NAME = "collections.xlsm"


def build_panel(path: str | os.PathLike, data: PanelData | None = None) -> Path:
    """Write the panel to ``path`` (a file, or a folder that gets ``collections.xlsm``) and return its path.

    With ``data`` the program sheets and output cells are filled; without it they are empty tables. The file is
    written beside its target and moved into place, so a half-written panel never replaces a good one.
    """
    target = Path(path)
    if target.is_dir() or not target.suffix:
        target = target / FILE_NAME
    if target.suffix.lower() != ".xlsm":
        raise InputError("the control panel must be an .xlsm file (it holds the buttons' macros)",
                         source=str(target), hint="use a name ending in .xlsm")
    target.parent.mkdir(parents=True, exist_ok=True)
    data = data or PanelData()
    from excel import vba

    project = vba.project_bytes()
    remove_leftovers(target)
    fd, tmp = new_temp(target)
    os.close(fd)
    try:
        book = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
        _PanelWriter(book, data).write(project)
        book.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)     # a temporary file is private; the panel is an ordinary document
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


class _PanelWriter:
    """Writes one workbook: the data sheets (one loop over the declarations), Control and xlwings.conf."""

    def __init__(self, book: xlsxwriter.Workbook, data: PanelData):
        self.book = book
        self.data = data
        self._formats: dict[tuple, object] = {}
        self.row_counts: dict[str, int] = {}

    def fmt(self, kind: str | None = None, role: str | None = None):
        """One shared Format per (number kind, role), so equal cells share a style index."""
        key = (kind, role)
        if key not in self._formats:
            props = dict(layout.FORMATS.get(role, {})) if role else {}
            if kind:
                props["num_format"] = layout.NUMBER_FORMATS[kind]
            self._formats[key] = self.book.add_format(props)
        return self._formats[key]

    def write(self, project: bytes) -> None:
        self.book.set_vba_name("ThisWorkbook")
        self.book.add_vba_project(io.BytesIO(project), is_stream=True)
        control = self.book.add_worksheet(layout.CONTROL)
        control.set_vba_name("Sheet1")
        for sheet in layout.SHEETS:
            self.write_sheet(sheet)
        self.write_control(control)
        self.write_conf()
        self.book.set_properties({"title": "ardesk collections desk", "comments": "Built by ardesk"})
        print_setup(control, layout.CONTROL_PRINT)
        control.activate()

    # -- data sheets ------------------------------------------------------------------------------------------------
    def write_sheet(self, sheet: layout.Sheet) -> None:
        ws = self.book.add_worksheet(sheet.name)
        columns, values = row_reader(sheet, self.data.bucket_labels)
        rows = [] if sheet.owner == layout.PEOPLE else self.data.rows.get(sheet.name, [])
        top = sheet.header_row - 1
        formats = [self.fmt(column.kind, "wrap" if column.wrap else None) for column in columns]
        for c, column in enumerate(columns):
            ws.set_column(c, c, column.width, formats[c])
        wraps = layout.has_wrap(columns)
        for r, line in enumerate(rows, start=top + 1):
            cells = values(line, r + 1)
            for c, value in enumerate(cells):
                if value is not None and value != "":         # a blank takes the column's format
                    self.write_value(ws, r, c, value, formats[c])
            height = layout.row_height(columns, cells) if wraps else None
            if height:
                ws.set_row(r, height)
        last = top + max(len(rows), 1)   # a table needs one data row: an empty one is ready for typing
        header = self.fmt(role="header")
        for c, column in enumerate(columns):
            if column.choices:       # a list in the cell, for every row a person may add
                ws.data_validation(top + 1, c, layout.MAX_ROWS - 1, c, {
                    "validate": "list", "source": list(column.choices), "ignore_blank": True,
                    "error_type": "warning", "error_title": column.header,
                    "error_message": "Choose one of: " + ", ".join(column.choices) + "."})
        ws.add_table(top, 0, last, len(columns) - 1, {
            "name": sheet.table, "autofilter": True, "style": "Table Style Light 9",
            "columns": [{"header": column.header, "format": self.fmt(column.kind), "header_format": header}
                        for column in columns],
        })
        height = layout.header_height(columns)
        if height:
            ws.set_row(top, height)
        ws.freeze_panes(top + 1, 0)
        print_setup(ws, sheet.print_setup, top)
        for highlight in layout.HIGHLIGHTS:
            if highlight.sheet != sheet.name:
                continue
            c = next(i for i, col in enumerate(columns) if col.field == highlight.field)
            options = dict(highlight.options)
            if "format" in options:
                options["format"] = self.book.add_format(options["format"])
            ws.conditional_format(top + 1, c, 1_048_575, c, options)
        if sheet.hidden:
            ws.hide()
        self.row_counts[sheet.name] = len(rows)

    @staticmethod
    def write_value(ws, r: int, c: int, value, cell_format) -> None:
        """Write one cell value (:mod:`excel.values`): text as text, dates as dates, numbers as numbers."""
        if value is None or value == "":
            ws.write_blank(r, c, None, cell_format)
        elif type(value) is str:
            ws.write_string(r, c, value, cell_format)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, c, value, cell_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), cell_format)
        else:
            ws.write_number(r, c, to_double(value), cell_format)

    # -- Control ----------------------------------------------------------------------------------------------------
    def write_control(self, ws) -> None:
        for c, width in enumerate(layout.CONTROL_WIDTHS):
            ws.set_column(c, c, width)
        ws.write_string(layout.CONTROL_TITLE[0], layout.CONTROL_TITLE[1], self.fmt(role="title"))
        ws.write_string(layout.CONTROL_SUBTITLE[0], layout.CONTROL_SUBTITLE[1], self.fmt(role="subtitle"))
        for cell, text in layout.CONTROL_SECTIONS:
            ws.write_string(cell, text, self.fmt(role="section"))
        for named in layout.NAMED_CELLS:
            if named.sheet != layout.CONTROL:
                continue
            row, col = xl_cell_to_rowcol(named.cell)
            ws.write_string(row, col - 1, named.label, self.fmt(role="label"))
            role = "input" if named.is_input else layout.CONTROL_ROLES.get(named.name, "output")
            kind = None if named.kind == layout.TEXT and not named.is_input else named.kind
            value = named_value(named.name, self.data.cells.get(named.name, named.default))
            self.write_value(ws, row, col, value, self.fmt(kind, role))
            self.book.define_name(named.name, f"='{named.sheet}'!${xl_col_to_name(col)}${row + 1}")
            if named.name in layout.VALIDATIONS:
                ws.data_validation(row, col, row, col, dict(layout.VALIDATIONS[named.name]))
        for name, height in layout.CONTROL_ROW_HEIGHTS.items():
            ws.set_row(xl_cell_to_rowcol(layout.named_cell(name).cell)[0], height)
        for button in layout.BUTTONS:
            ws.insert_button(button.cell, {"macro": button.macro, "caption": button.caption,
                                           **layout.BUTTON_SIZE})
        for chart in layout.CHARTS:
            self.insert_chart(ws, chart)
        ws.hide_gridlines(2)

    def insert_chart(self, ws, chart: layout.Chart) -> None:
        source = layout.sheet(chart.sheet)
        columns = layout.columns_of(source, self.data.bucket_labels)
        fields = [c.field for c in columns]
        points = self.row_counts.get(chart.sheet) or chart.default_points
        first, last = source.header_row, source.header_row + points - 1   # 0-based rows of the data

        def ref(field: str) -> list:
            c = fields.index(field)
            return [chart.sheet, first, c, last, c]

        xl_chart = self.book.add_chart({"type": chart.kind})
        for value_field in chart.values:
            c = fields.index(value_field)
            xl_chart.add_series({"name": [chart.sheet, source.header_row - 1, c], "categories": ref(chart.category),
                                 "values": ref(value_field), "marker": {"type": "circle"} if chart.kind == "line"
                                 else None})
        xl_chart.set_title({"name": chart.title, "name_font": {"size": 11}})
        axis_font = {"size": 9, "bold": False}
        xl_chart.set_x_axis({"name": chart.x_title, "name_font": axis_font} if chart.x_title else {})
        xl_chart.set_y_axis({"num_format": chart.y_format, **({"name": chart.y_title, "name_font": axis_font}
                                                              if chart.y_title else {})})
        xl_chart.set_legend({"position": "bottom"} if len(chart.values) > 1 else {"none": True})
        xl_chart.set_size({"width": chart.size[0], "height": chart.size[1]})
        ws.insert_chart(chart.cell, xl_chart)

    # -- xlwings.conf -----------------------------------------------------------------------------------------------
    def write_conf(self) -> None:
        ws = self.book.add_worksheet(layout.CONF_SHEET)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 60)
        for r, key in enumerate(layout.CONF_KEYS):
            ws.write_string(r, 0, key)
        note = self.fmt(role="note")
        for r, text in enumerate(layout.CONF_NOTES, start=len(layout.CONF_KEYS) + 2):
            ws.write_string(r, 0, text, note if r > len(layout.CONF_KEYS) + 2 else self.fmt(role="section"))
        ws.hide()


def print_setup(ws, setup: layout.PrintSetup, header_row: int | None = None) -> None:
    """Apply ``setup`` (:class:`excel.layout.PrintSetup`) to the XlsxWriter sheet ``ws``; ``header_row`` (0-based)
    is repeated on every page when the setup says so."""
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(setup.fit_width, setup.fit_height)
    if setup.repeat_header and header_row is not None:
        ws.repeat_rows(header_row)
    left, right, top, bottom = setup.margins
    ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    ws.set_footer(setup.footer, {"scale_with_doc": False})
    if setup.paper:
        ws.set_paper(setup.paper)
