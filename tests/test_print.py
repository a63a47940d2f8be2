"""The control panel as a printed report: the demo panel, and the same panel after a headless refresh that changed
its row counts, printed to PDF by LibreOffice and read back with poppler (pdftotext, pdfinfo); and its cells as a
finance user reads them (amounts to the currency's places, a date-time Last refresh, names rather than paths).

LibreOffice starts once for this module (both files in one conversion).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from excel import layout, sheets
from excel.package import write_panel_data
from receivables.money import precision

SOFFICE, PDFTOTEXT, PDFINFO = shutil.which("soffice"), shutil.which("pdftotext"), shutil.which("pdfinfo")
#: The demo panel printed 56 letter pages before it had a print setup (57 in the report of issue 16); it prints 12
#: now. The bound leaves room for more sample rows, not for a sheet spread over several pages wide.
MAX_PAGES = 18
FOOTER = re.compile(r"^(?P<sheet>\S.*?)\s{2,}printed\s+\S+\s+Page (?P<page>\d+) of (?P<pages>\d+)$")
PRINTED = [s for s in layout.SHEETS if not s.hidden]


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    """The demo's folder: sample exports, ardesk.toml, the ledger and the panel."""
    from jobs.demo import demo

    out = tmp_path_factory.mktemp("demo")
    demo(out)
    return out


@pytest.fixture(scope="module")
def refreshed(desk, tmp_path_factory) -> Path:
    """A copy of the demo panel refreshed headless (``ardesk refresh``) as of an earlier date: other row counts."""
    from jobs.refresh import refresh_workbook
    from jobs.settings import settings_for

    path = tmp_path_factory.mktemp("refreshed") / "refreshed.xlsm"
    shutil.copy(desk / "collections.xlsm", path)
    write_panel_data(path, layout.PanelData(cells={"AsOfDate": dt.date(2026, 3, 31)}))
    result = refresh_workbook(path, str(desk / "exports"), settings_for(desk / "ardesk.toml"),
                              today=dt.date(2026, 10, 31))
    assert result.written, result.message
    return path


@pytest.fixture(scope="module")
def printed(desk, refreshed, tmp_path_factory) -> dict[str, list[str]]:
    """File stem -> the text of each PDF page (``pdftotext -layout``), both files printed by one LibreOffice."""
    if not (SOFFICE and PDFTOTEXT and PDFINFO):
        pytest.fail("LibreOffice (soffice) and poppler-utils (pdftotext, pdfinfo) are needed for this test")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), str(desk / "collections.xlsm"), str(refreshed)],
                   check=True, timeout=180, capture_output=True)
    pages = {}
    for pdf in sorted(out.glob("*.pdf")):
        info = subprocess.run([PDFINFO, str(pdf)], check=True, capture_output=True, text=True).stdout
        count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        pages[pdf.stem] = text.split("\f")[:count]
        assert len(pages[pdf.stem]) == count
    assert set(pages) == {"collections", "refreshed"}
    return pages


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def _sheet_pages(pages: list[str]) -> dict[str, list[list[str]]]:
    """Sheet name -> its pages' lines (footer dropped), found by each page's footer, which also numbers the page
    within the printout."""
    by_sheet: dict[str, list[list[str]]] = {}
    for number, page in enumerate(pages, start=1):
        lines = _lines(page)
        footer = FOOTER.match(lines[-1])
        assert footer, f"page {number} has no footer 'SHEET  printed DATE  Page x of y': {lines[-1]!r}"
        assert (int(footer["page"]), int(footer["pages"])) == (number, len(pages))
        by_sheet.setdefault(footer["sheet"], []).append(lines[:-1])
    return by_sheet


@pytest.mark.parametrize("name", ["collections", "refreshed"])
def test_each_sheet_prints_one_page_wide_with_its_header_on_every_page(printed, name):
    pages = printed[name]
    assert len(pages) <= MAX_PAGES, f"{len(pages)} pages"
    by_sheet = _sheet_pages(pages)
    assert list(by_sheet) == [layout.CONTROL, *(s.name for s in PRINTED)]      # in order, none left out
    assert len(by_sheet[layout.CONTROL]) == 1 and "ardesk collections desk" in by_sheet[layout.CONTROL][0][0]
    assert len(by_sheet[layout.INVOICES]) >= 2          # the rows go on over pages, the header with them
    for sheet in PRINTED:
        first, last = sheet.columns[0].header, sheet.columns[-1].header.split()[0]
        for number, lines in enumerate(by_sheet[sheet.name], start=1):
            # the header row starts the page (a wrapped header takes two lines): the first column's header and
            # the last column's are on one line of it, so the page holds every column: one page wide
            at = next((i for i, line in enumerate(lines[:3]) if line.startswith(first)), None)
            assert at is not None, (sheet.name, number, lines[:3])
            assert re.search(rf"\s{re.escape(last)}(\s|$)", lines[at]), (sheet.name, number, lines[at])
            if number > 1:
                assert lines[at].split() == by_sheet[sheet.name][0][at].split(), (sheet.name, number)


def test_print_titles_and_page_setup_survive_a_refresh(desk, refreshed):
    def setup(path: Path) -> tuple[list, dict]:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode()
            titles = sorted(re.findall(r'<definedName name="_xlnm\.Print_Titles"[^>]*>([^<]+)</definedName>', book))
            parts = {}
            from excel.package.opc import Package

            with Package(path) as pkg:
                for sheet in layout.SHEETS:
                    xml = z.read(pkg.sheet(sheet.name).part).decode()
                    parts[sheet.name] = re.findall(r"<pageSetup\b[^>]*/>|<headerFooter\b.*?</headerFooter>|"
                                                   r"<pageSetUpPr\b[^>]*/>|<pageMargins\b[^>]*/>", xml)
        return titles, parts

    titles, parts = setup(desk / "collections.xlsm")
    assert titles == sorted(f"{s.name}!$1:$1" for s in layout.SHEETS)
    assert all('orientation="landscape"' in " ".join(p) and 'fitToHeight="0"' in " ".join(p)
               and "&amp;P of &amp;N" in " ".join(p) for p in parts.values())
    assert setup(refreshed) == (titles, parts)
    rows = {n: len(CalamineWorkbook.from_path(str(p)).get_sheet_by_name(layout.INVOICES).to_python())
            for n, p in (("demo", desk / "collections.xlsm"), ("refreshed", refreshed))}
    assert rows["refreshed"] != rows["demo"]


def _sheet_rows(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


@pytest.mark.parametrize("name", ["demo", "refreshed"])
def test_amounts_hold_no_more_places_than_their_currency(desk, refreshed, name):
    path = desk / "collections.xlsm" if name == "demo" else refreshed
    aging = _sheet_rows(path, layout.AGING)
    company = Counter(r[1] for r in aging[1:]).most_common(1)[0][0]
    checked = 0
    for sheet in layout.SHEETS:
        rows = _sheet_rows(path, sheet.name)
        if len(rows) < 2:
            continue
        headers = rows[0]
        cur = headers.index("Currency") if "Currency" in headers else None
        for c, column in enumerate(layout.columns_of(sheet, tuple(headers[2:-3]) if sheet.dynamic_field else ())):
            if column.kind != layout.MONEY:
                continue
            for r, row in enumerate(rows[1:], start=2):
                if row[c] == "":
                    continue
                places = precision(row[cur] if cur is not None and "company" not in column.header else company)
                assert -Decimal(repr(row[c])).as_tuple().exponent <= places, (sheet.name, r, column.header, row[c])
                checked += 1
    assert checked > 500


def test_control_says_when_and_from_what_and_the_issues_read_as_a_list(desk, refreshed):
    import openpyxl

    for path in (desk / "collections.xlsm", refreshed):
        book = openpyxl.load_workbook(path)
        control = book[layout.CONTROL]
        last = control[layout.named_cell("LastRefresh").cell]
        assert isinstance(last.value, dt.datetime) and last.number_format == "yyyy-mm-dd hh:mm"
        assert abs(last.value - dt.datetime.now()) < dt.timedelta(minutes=10)     # local time, to the minute
        books = control[layout.named_cell("DataAsOf").cell].value
        assert books.endswith(", exports)") and "/" not in books and "\\" not in books
        assert control[layout.named_cell("CeiValue").cell].number_format == '0.0"%"'
        issues = book[layout.ISSUES]
        header = [c.value for c in issues[1]]
        assert header == [c.header for c in layout.sheet(layout.ISSUES).columns]
        lines = [dict(zip(header, (c.value for c in row))) for row in issues.iter_rows(min_row=2)]
        assert 0 < len(lines) < 25
        assert all(len(line["Message"]) <= sheets.MESSAGE_MAX and "/" not in line["Source"] for line in lines)
        assert len({(ln["Severity"], ln["Source"], ln["Column"], ln["Message"]) for ln in lines}) == len(lines)
        assert sum(line["Count"] for line in lines) >= len(lines)
        customers = book[layout.CUSTOMERS]
        col = next(c.column for c in customers[1] if c.value == "% current")
        assert customers.cell(2, col).number_format == '0.0"%"' and 0 <= customers.cell(2, col).value <= 100
    with zipfile.ZipFile(desk / "collections.xlsm") as z:
        charts = "".join(z.read(n).decode() for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    for chart in layout.CHARTS:
        assert chart.x_title in charts and chart.y_title in charts
    assert charts.count('formatCode="#,##0"') >= len(layout.CHARTS)


def test_issue_lines_group_count_cut_and_name_files():
    from receivables.errors import Issue

    long = "x " * 400
    found = [Issue("/data/books/open.csv", "due date missing", row, "Due") for row in (31, 7, 12, 40, 52, 60, 7)]
    found += [Issue("/data/books", f"{n} invoices may be overstated", severity="warning") for n in (31, 28, 3)]
    found += [Issue("odoo:https://erp.example.com/prod", long.strip(), severity="error"),
              Issue("C:\\Users\\ann\\open.csv", "due date missing", 3, "Due", severity="info")]
    lines = sheets.issue_lines(found)
    assert [(ln.severity, ln.source, ln.column, ln.rows, ln.count) for ln in lines] == [
        ("error", "odoo:https://erp.example.com/prod", None, None, 1),
        ("warning", "open.csv", "Due", "7, 12, 31, 40, 52, ... (6 rows)", 7),
        ("warning", "books", None, None, 3),
        ("info", "open.csv", "Due", "3", 1)]
    assert lines[0].message.endswith("\u2026") and len(lines[0].message) <= sheets.MESSAGE_MAX
    assert lines[1].message == "due date missing"
    assert lines[2].message == "31 invoices may be overstated (first of 3; figures differ)"


def test_an_older_panel_gets_the_new_columns_and_formats_on_refresh(tmp_path, monkeypatch):
    """A panel built before the Issues sheet had counts and Last refresh a date-time: the next headless refresh
    writes the new Issues columns (table and all) and a date-time Last refresh that shows as one."""
    import dataclasses

    import openpyxl

    from excel.panel import build_panel

    old_issues = dataclasses.replace(layout.sheet(layout.ISSUES), columns=(
        layout.Column("Severity", "severity", layout.TEXT, 9), layout.Column("Source", "source", layout.TEXT, 40),
        layout.Column("Row", "row", layout.INT, 7), layout.Column("Message", "message", layout.TEXT, 90)))
    monkeypatch.setattr(layout, "SHEETS", tuple(old_issues if s.name == layout.ISSUES else s for s in layout.SHEETS))
    monkeypatch.setattr(layout, "NAMED_CELLS", tuple(
        dataclasses.replace(c, kind=layout.TEXT) if c.name == "LastRefresh" else c for c in layout.NAMED_CELLS))
    monkeypatch.setattr(layout, "FORMATS", {k: {p: v for p, v in f.items() if p != "text_wrap"}
                                            for k, f in layout.FORMATS.items()})
    path = build_panel(tmp_path / "old.xlsm", layout.PanelData(cells={"LastRefresh": "2026-11-01T06:00:00+00:00"}))
    monkeypatch.undo()

    when = dt.datetime(2026, 11, 2, 7, 30)
    long = "a long message " * 30
    write_panel_data(path, layout.PanelData(rows={layout.ISSUES: sheets.issue_lines([
        {"severity": "warning", "source": "/x/open.csv", "row": r, "column": "Due", "message": long}
        for r in (3, 9)])}, cells={"LastRefresh": when}))
    book = openpyxl.load_workbook(path)
    ws = book[layout.ISSUES]
    headers = [c.header for c in layout.sheet(layout.ISSUES).columns]
    assert [c.value for c in ws[1]] == headers
    assert [c.name for c in ws.tables["tblIssues"].tableColumns] == headers and ws.tables["tblIssues"].ref == "A1:F2"
    line = dict(zip(headers, (c.value for c in ws[2])))
    assert (line["Count"], line["Source"], line["Rows"], line["Column"]) == (2, "open.csv", "3, 9", "Due")
    assert ws["F2"].alignment.wrap_text and ws["A1"].alignment.wrap_text
    assert ws.row_dimensions[2].height == 3 * layout.LINE_HEIGHT             # 250 characters in a 90-wide cell
    last = book[layout.CONTROL][layout.named_cell("LastRefresh").cell]
    assert last.value == when and last.number_format == "yyyy-mm-dd hh:mm"
    assert last.fill.fgColor.rgb.endswith("F2F2F2")                          # its own look kept


def test_number_formats_compare_as_spreadsheet_programs_write_them_and_styles_are_derived():
    """``0.0"%"`` (ours) and ``0.0\\%`` (LibreOffice's) are one format, ``0.0%`` another; a derived style keeps
    everything of its base and adds the number format or the wrapping asked for, once."""
    from excel.package.styles import Styles, _norm

    assert _norm('0.0"%"') == _norm("0.0\\%") != _norm("0.0%")
    assert _norm("yyyy-mm-dd hh:mm") == _norm("YYYY\\-MM\\-DD\\ HH:MM")
    assert _norm("#,##0.00;[Red]-#,##0.00") == _norm("#,##0.00;[RED]\\-#,##0.00")
    xml = (b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1">'
           b'<numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="2">'
           b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           b'<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFill="1"/></cellXfs></styleSheet>')
    styles = Styles(xml, "xl/styles.xml")
    percent = styles.style_for(layout.PERCENT)
    assert percent == 2 and b'formatCode="0.0&quot;%&quot;"' in styles.xml       # not the true percent 164
    stamp = styles.derive(1, kind=layout.DATETIME)
    wrapped = styles.derive(1, wrap=True)
    assert (stamp, wrapped) == (3, 4) and styles.derive(1, wrap=True) == 4 and styles.derive(4, wrap=True) == 4
    xfs = styles._xfs()
    assert b'fillId="2"' in xfs[3] and b'applyNumberFormat="1"' in xfs[3] and b'numFmtId="166"' in xfs[3]
    assert xfs[4].endswith(b'applyAlignment="1"><alignment wrapText="1"/></xf>') and b'fillId="2"' in xfs[4]
    assert b'<cellXfs count="5">' in styles.xml
