"""XLSX exports are read with calamine (connectors.quickbooks.grid._calamine_sheets) into exactly the Sheets openpyxl
gives (grid._openpyxl_sheets), or left to openpyxl.

Every workbook here is read both ways, each path called explicitly: where the calamine path takes a workbook (it must,
for every formula-free layout the renderer writes and for the benchmark's), its sheets equal openpyxl's text for
text, row for row, and ``read_export`` gives equal books either way; where it does not (formulas, error cells,
escaped or untrimmed texts, times, date-styled numbers beyond the dates...), it says so (``None``) and the openpyxl
reading, or its error, stands.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from html import escape

import pytest
import xlsxwriter

from benchmarks.e2e import _write_open_invoices_xlsx
from connectors.quickbooks import grid, read_export
from receivables.errors import InputError
from tests.fixtures import qbrender
from tests.fixtures.qbrender import IIF, KINDS, render
from tests.fixtures.samplebooks import generate

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:openpyxl.*")   # read here without load_xlsx's silence

AS_OF = date(2026, 10, 31)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: The kinds the renderer writes as XLSX (every kind but IIF that it has a layout for).
XLSX_KINDS = tuple(k for k in KINDS if k != IIF and k in qbrender._BUILDERS)
VARIANTS = {
    "default": {},
    "date cells": {"xlsx_dates": "date"},
    "parentheses, title case": {"parentheses": True, "header_case": "title", "title_first": False},
    "day first": {"date_order": "DMY", "xlsx_dates": "date", "long_month": False, "symbol": "€"},
    "instructions tab": {"instructions_tab": True},
    "multicurrency": {"multicurrency": True},
    "locations, ageing": {"locations": True, "ageing": True},
}


def both(data: bytes, source: str = "book.xlsx"):
    """``(calamine's sheets or None, openpyxl's sheets)`` of the workbook ``data``."""
    return grid._calamine_sheets(data, source), grid._openpyxl_sheets(data, source)


def assert_fast(data: bytes, source: str = "book.xlsx") -> list:
    fast, slow = both(data, source)
    assert fast is not None, "the calamine path was not taken"
    assert fast == slow
    assert all(type(c) is str for s in fast for row in s.rows for c in row)
    return fast


def assert_left_to_openpyxl(data: bytes, source: str = "book.xlsx") -> list:
    fast, slow = both(data, source)
    assert fast is None
    assert grid.load_xlsx(data, source) == slow
    return slow


def read_both(path, monkeypatch):
    """``(books, books read with the calamine path switched off)``; the first read must take the calamine path."""
    taken = []
    fast_path = grid._calamine_sheets

    def spy(data, source):
        sheets = fast_path(data, source)
        taken.append(sheets is not None)
        return sheets

    with monkeypatch.context() as m:
        m.setattr(grid, "_calamine_sheets", spy)
        fast = read_export(path)
    assert taken == [True]
    with monkeypatch.context() as m:
        m.setattr(grid, "_calamine_sheets", lambda data, source: None)
        slow = read_export(path)
    return fast, slow


@pytest.fixture(scope="module")
def books():
    return generate(seed=11, customers=12, invoices=150)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_every_rendered_layout_is_read_by_calamine_exactly(tmp_path, books, kind, variant, monkeypatch):
    path = render(books, kind, tmp_path / "x.xlsx", as_of=AS_OF, **VARIANTS[variant])
    assert_fast(path.read_bytes(), str(path))
    fast, slow = read_both(path, monkeypatch)
    assert fast == slow


def test_the_renderer_writes_the_layouts_tested_here():
    assert len(XLSX_KINDS) >= 10 and "qbo_open_invoices" in XLSX_KINDS and "qbd_ar_aging_detail" in XLSX_KINDS


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_formulas_are_left_to_openpyxl_which_evaluates_them(tmp_path, books, kind):
    path = render(books, kind, tmp_path / "x.xlsx", as_of=AS_OF, formulas=True)
    assert_left_to_openpyxl(path.read_bytes(), str(path))
    assert read_export(path).items


@pytest.mark.parametrize("rows", [1, 3000])
def test_the_benchmark_layout(tmp_path, rows, monkeypatch):
    path = tmp_path / "open.xlsx"
    _write_open_invoices_xlsx(rows, path)
    sheets = assert_fast(path.read_bytes(), str(path))
    assert len(sheets[0].rows) > rows + 5 and sheets[0].rows[4][1:3] == ["Date", "Transaction type"]
    fast, slow = read_both(path, monkeypatch)
    assert fast == slow and len(fast.items) == rows


def xlsxwriter_book(build, **options) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
    build(wb)
    wb.close()
    return buffer.getvalue()


# (XlsxWriter writes 16 significant digits: 0.30000000000000004 is read back as 0.3 both ways)
NUMBERS = [0, 1, -1, 7, 15000, 1234.5, -4418.61, 0.1, 0.30000000000000004, 1 / 3, 2.5e-7, 1e-300, -1e-300,
           123456789012345, -999999999999999, 999999999999999.5, 1e16, 9.87654321e20, -2.5e200, 1.5e308,
           5e-324, 2958466, 45000.25]


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared strings", "inline strings"])
def test_numbers_dates_booleans_merges_and_blank_margins(constant_memory):
    def build(wb):
        ws = wb.add_worksheet("Report")
        money = wb.add_format({"num_format": '"$"#,##0.00'})
        ws.merge_range(2, 2, 2, 8, "Open Invoices", wb.add_format({"bold": True}))     # C3:I3, rows 1-2 blank
        ws.merge_range(3, 2, 3, 8, "  Harbor & Sons <Ltd>  ")
        for r, number in enumerate(NUMBERS, start=5):
            ws.write_number(r, 3, number, money if r % 2 else None)
            ws.write_string(r, 4, f"row {r}\nline two" if r % 5 == 0 else f"  indented {r}")
            ws.write_boolean(r, 5, r % 3 == 0)
            ws.write_string(r, 6, "Café — 東京 ½")
        formats = ["mm/dd/yyyy", "d mmm yyyy", "yyyy-mm-dd hh:mm", "dd/mm/yy", 14, 22]
        days = [date(1900, 1, 1), date(1900, 2, 28), date(1900, 3, 1), date(2026, 10, 31), date(9999, 12, 31),
                datetime(2026, 10, 31, 12, 30), datetime(2026, 1, 1, 0, 0, 1), datetime(1999, 12, 31, 23, 59, 58)]
        for r, day in enumerate(days, start=5):
            ws.write_datetime(r, 7, day, wb.add_format({"num_format": formats[r % len(formats)]}))
        ws.write_number(len(NUMBERS) + 6, 7, 3_000_000.5, money)     # a large amount beside date styles
        second = wb.add_worksheet("Notes")
        second.write_string(0, 0, "only text")
        second.hide()
        wb.add_worksheet("Empty")

    data = xlsxwriter_book(build, constant_memory=constant_memory)
    sheets = assert_fast(data)
    report = sheets[0].rows
    assert report[2][2] == "Open Invoices" and report[0] == [""] * 9 and report[3][2] == "  Harbor & Sons <Ltd>  "
    assert [row[3] for row in report[5:5 + len(NUMBERS)]] == [
        "0", "1", "-1", "7", "15000", "1234.5", "-4418.61", "0.1", "0.3", "0.3333333333333333",
        "2.5e-07", "1e-300", "-1e-300", "123456789012345", "-999999999999999", "999999999999999.5",
        "1e+16", "9.87654321e+20", "-2.5e+200", "1.5e+308", "5e-324", "2958466", "45000.25"]
    assert [row[7] for row in report[5:13]] == ["1900-01-01", "1900-02-28", "1900-03-01", "2026-10-31", "9999-12-31",
                                                "2026-10-31", "2026-01-01", "1999-12-31"]
    assert report[6][5] == "True" and report[7][5] == "False"
    assert [s.name for s in sheets] == ["Report", "Notes", "Empty"] and sheets[2].rows == []


def test_a_chart_sheet_is_no_worksheet_either_way():
    def build(wb):
        ws = wb.add_worksheet("Data")
        ws.write_column(0, 0, [1, 2, 3])
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"values": "=Data!$A$1:$A$3"})
        wb.add_chartsheet("Chart").set_chart(chart)
        wb.add_worksheet("After").write_string(0, 1, "x")

    sheets = assert_fast(xlsxwriter_book(build))
    assert [s.name for s in sheets] == ["Data", "After"] and sheets[1].rows == [["", "x"]]


@pytest.mark.parametrize("case", ["formula", "text formula", "time", "duration", "carriage return",
                                  "date-styled big number"])
def test_what_calamine_reads_otherwise_is_left_to_openpyxl(case):
    def build(wb):
        ws = wb.add_worksheet()
        ws.write_string(0, 0, "Open Invoices")
        if case == "formula":
            ws.write_formula(1, 0, "=1+2", None, 3)
        elif case == "text formula":
            ws.write_string(1, 0, "=1+2")                    # a text openpyxl's path evaluates
        elif case == "time":
            ws.write_datetime(1, 0, time(9, 41), wb.add_format({"num_format": "hh:mm"}))
        elif case == "duration":
            ws.write_number(1, 0, 1.5, wb.add_format({"num_format": "[h]:mm"}))
        elif case == "carriage return":
            ws.write_string(1, 0, "a\r\nb")                 # written as a_x000D_: calamine decodes it, openpyxl not
        elif case == "date-styled big number":
            ws.write_number(1, 0, 3e6, wb.add_format({"num_format": "mm/dd/yyyy"}))   # openpyxl: #VALUE!

    sheets = assert_left_to_openpyxl(xlsxwriter_book(build))
    assert sheets[0].rows[0][0] == "Open Invoices"


# ---------------------------------------------------------------- hand-written packages
def package(sheet: str, *, strings: list[str] | None = None, formats: dict[int, str] | None = None,
            styles: list[int] | None = None, dimension: str | None = "A1:E6") -> bytes:
    """A minimal XLSX: one sheet whose ``<sheetData>`` is ``sheet``, optional shared strings and cell styles."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType='
               '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if strings else "")
            + ('<Override PartName="/xl/styles.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
               if styles else "") + "</Types>",
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            '<Relationship Id="rId2" Target="sharedStrings.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            '<Relationship Id="rId3" Target="styles.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
            "</Relationships>",
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Report" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/worksheets/sheet1.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{sheet}</sheetData>'
            "</worksheet>",
    }
    if strings:
        parts["xl/sharedStrings.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'
                                         + "".join(strings) + "</sst>")
    if styles:
        numfmts = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape(code)}"/>' for i, code in formats.items())
        xfs = "".join(f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                      for n in styles)
        parts["xl/styles.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
            f'<numFmts count="{len(formats)}">{numfmts}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(styles)}">{xfs}</cellXfs></styleSheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


def inline(ref: str, text: str, preserve: bool = False) -> str:
    space = ' xml:space="preserve"' if preserve else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def test_hand_written_packages_read_alike():
    rows = ('<row r="1">' + inline("A1", "Open Invoices") + '</row>'
            '<row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c><c r="D3" t="s"><v>2</v></c>'
            '<c r="E3" t="s"><v>3</v></c></row>'
            '<row r="4"><c r="A4" s="0"/>' + inline("B4", "&gt; 90") + inline("C4", "A &amp; B")
            + inline("D4", "  kept  ", preserve=True) + '<c r="E4" t="b"><v>1</v></c></row>'
            '<row r="5"><c r="B5"><v>1E3</v></c><c r="C5" t="str"><v>text</v></c><c r="D5"><v></v></c>'
            '<c r="H5"><v>9</v></c></row>'          # H5 lies beyond the declared A1:E6: openpyxl drops it
            '<row r="9"/>')                         # past the declared rows too
    strings = ["<si><t>ab</t></si>", "<si/>", '<si><r><t xml:space="preserve">rich </t></r><r><t>text</t></r>'
               '<rPh sb="0" eb="1"><t>phonetic</t></rPh></si>', "<si><t>a\r\nb</t></si>"]
    sheets = assert_fast(package(rows, strings=strings))
    assert sheets[0].rows == [["Open Invoices", "", "", "", ""], [""] * 5, ["", "ab", "", "rich text", "a\nb"],
                              ["", "> 90", "A & B", "  kept  ", "True"], ["", "1000", "text", "", ""], [""] * 5]
    # rows up to the last row element when that is within the declared size; a declared size of one cell
    assert assert_fast(package(rows + '<row r="20"/>', strings=strings, dimension="A1:E30"))[0].rows[19] == [""] * 5
    assert assert_fast(package(rows, strings=strings, dimension="A1"))[0].rows == [["Open Invoices"]]
    assert assert_fast(package("", dimension="A1"))[0].rows == []


@pytest.mark.parametrize("case", ["error cell", "ISO date cell", "untrimmed text", "untrimmed shared string",
                                  "blank character reference", "CDATA", "escape", "no size", "prefixed namespace",
                                  "shared formula", "empty formula", "long integer", "infinity", "date default style",
                                  "1904 dates"])
def test_hand_written_packages_calamine_would_read_otherwise(case):
    options = {}
    cell = {"error cell": '<c r="B2" t="e"><v>#N/A</v></c>',
            "ISO date cell": '<c r="B2" t="d"><v>2026-10-31</v></c>',
            "untrimmed text": inline("B2", "  Customer  "),
            "untrimmed shared string": '<c r="B2" t="s"><v>0</v></c>',
            "blank character reference": inline("B2", "Customer&#32;"),
            "CDATA": '<c r="B2" t="inlineStr"><is><t><![CDATA[x]]></t></is></c>',
            "escape": inline("B2", "a_x000D_b"),
            "shared formula": '<c r="B2"><f t="shared" si="0" ref="B2:B3">1+1</f><v>2</v></c>',
            "long integer": '<c r="B2"><v>10000000000000000</v></c>',
            "infinity": '<c r="B2"><v>1e999</v></c>',
            "empty formula": '<c r="B2"><f/></c>'}.get(case, '<c r="B2" s="1"><v>45000</v></c>')
    rows = '<row r="1">' + inline("A1", "Open Invoices") + f'</row><row r="2">{cell}</row>'
    if case == "untrimmed shared string":
        options["strings"] = ["<si><t> padded</t></si>"]
    if case == "no size":
        options["dimension"] = None
    if case in ("date default style", "1904 dates"):
        options.update(formats={164: "mm/dd/yyyy"}, styles=[164, 164] if case == "date default style" else [0, 164])
    data = package(rows, **options)
    if case == "prefixed namespace":
        data = _rewrite(data, "xl/worksheets/sheet1.xml", lambda x: x.replace(b"<", b"<x:").replace(
            b"<x:?xml", b"<?xml").replace(b"<x:/", b"</x:").replace(b'xmlns="', b'xmlns:x="'))
    if case == "1904 dates":
        data = _rewrite(data, "xl/workbook.xml",
                        lambda x: x.replace(b"<sheets>", b'<workbookPr date1904="1"/><sheets>'))
    sheets = assert_left_to_openpyxl(data)
    assert sheets[0].rows[0][0] == "Open Invoices"


def _rewrite(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            dst.writestr(info.filename, change(part) if info.filename == name else part)
    return out.getvalue()


def test_dates_calamine_and_openpyxl_judge_alike_and_otherwise():
    serials = ["1", "59", "60", "61", "366", "45000", "45000.5", "100.75", "2958465", "2958465.25"]
    rows = '<row r="1">' + "".join(f'<c r="{chr(65 + i)}1" s="1"><v>{v}</v></c>' for i, v in enumerate(serials))
    rows += '</row><row r="2"><c r="A2" s="2"><v>-4418.61</v></c><c r="B2" s="2"><v>3000000</v></c></row>'
    formats = {164: "mm/dd/yyyy", 165: "0.00"}
    sheets = assert_fast(package(rows, formats=formats, styles=[0, 164, 165], dimension="A1:J2"))
    assert sheets[0].rows[0] == ["1900-01-01", "1900-02-28", "1900-02-28", "1900-03-01", "1900-12-31", "2023-03-15",
                                 "2023-03-15", "1900-04-09", "9999-12-31", "9999-12-31"]
    assert sheets[0].rows[1][:2] == ["-4418.61", "3000000"]
    # a time, 1899, rounding to the next day, #VALUE! (up to 10000-01-01 by rounding), a damaged cell
    for value in ("0.5", "-1", "45000.99999999999", "2958465.999999999", "2958466", "-3e6", "nan"):
        data = package(f'<row r="1"><c r="A1" s="1"><v>{value}</v></c></row>', formats=formats, styles=[0, 164, 165])
        assert grid._calamine_sheets(data, "x.xlsx") is None, value
        assert outcome(grid.load_xlsx, data) == outcome(grid._openpyxl_sheets, data), value


def test_styles_calamine_judges_otherwise_than_openpyxl_are_left_to_it():
    # openpyxl takes any y, m, d... outside quotes for a date; calamine (0.9) not one after a fill character
    formats = {164: "mm/dd/yyyy", 165: "#,##0*y"}
    data = package('<row r="1"><c r="A1" s="1"><v>45000</v></c><c r="B1" s="2"><v>45000</v></c></row>',
                   formats=formats, styles=[0, 164, 165])
    judged = grid._calamine_date_styles(zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml"), 3)
    assert judged[:2] == [False, True]
    fast, slow = both(data)
    assert slow[0].rows[0][:2] == ["2023-03-15", "2023-03-15"]
    assert fast is None if judged[2] is False else fast == slow
    assert grid.load_xlsx(data, "book.xlsx") == slow


def outcome(read, data: bytes):
    try:
        return read(data, "x.xlsx")
    except InputError as exc:
        return str(exc)


@pytest.mark.parametrize("damage", ["unclosed element", "bad number", "missing shared string"])
def test_damaged_sheets_are_worded_by_the_openpyxl_path(damage):
    filler = "".join(f'<row r="{r}">' + inline(f"A{r}", f"line {r}") + "</row>" for r in range(2, 3000))
    bad = {"unclosed element": '<row r="3000"><c r="A3000"><v>1</v></row>',
           "bad number": '<row r="3000"><c r="A3000" t="n"><v>12abc</v></c></row>',
           "missing shared string": '<row r="3000"><c r="A3000" t="s"><v>7</v></c></row>'}[damage]
    data = package('<row r="1">' + inline("A1", "Open Invoices") + "</row>" + filler + bad, dimension="A1:E3000")
    assert grid._calamine_sheets(data, "x.xlsx") is None
    with pytest.raises(InputError) as fast_error:
        grid.load_xlsx(data, "x.xlsx")
    with pytest.raises(InputError) as slow_error:
        grid._openpyxl_sheets(data, "x.xlsx")
    assert str(fast_error.value) == str(slow_error.value) and "damaged" in str(fast_error.value)
