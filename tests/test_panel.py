"""The control-panel workbook: built without Excel, read back by openpyxl, oletools and LibreOffice."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from excel import layout, vba
from excel.check import check_workbook, read_modules, summary
from excel.panel import build_panel
from receivables.errors import InputError
from tests.xlwings_book import HOSTILE, sample_data

SOFFICE = shutil.which("soffice")
CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="session")
def panel(tmp_path_factory) -> Path:
    return build_panel(tmp_path_factory.mktemp("panel"), sample_data())


@pytest.fixture(scope="session")
def office(panel, tmp_path_factory) -> Path:
    """LibreOffice's reading of the panel: .ods, .pdf, one .csv per sheet, and the .xlsm as a spreadsheet program
    saves it back (shared strings, its own styles and relationships), converted in parallel."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is required for these tests")
    out = tmp_path_factory.mktemp("office")
    runs = []
    for target in ("ods", "pdf", CSV_ALL_SHEETS, "xlsm:Calc MS Excel 2007 VBA XML"):
        profile = tmp_path_factory.mktemp("lo-profile")
        runs.append(subprocess.Popen(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", target, "--outdir", str(out), str(panel)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    return out


def _part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


def _sheet_part(path: Path, sheet_name: str) -> str:
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rid_attr = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    book = etree.fromstring(_part(path, "xl/workbook.xml").encode())
    rid = next(s.get(rid_attr) for s in book.iter(f"{main}sheet") if s.get("name") == sheet_name)
    rels = etree.fromstring(_part(path, "xl/_rels/workbook.xml.rels").encode())
    return "xl/" + next(r.get("Target") for r in rels if r.get("Id") == rid)


def test_panel_round_trips_through_openpyxl(panel):
    """Every sheet, name, table and column format is where layout says, and values read back exactly."""
    import openpyxl

    book = openpyxl.load_workbook(panel)
    assert book.sheetnames == [layout.CONTROL, *(s.name for s in layout.SHEETS), layout.CONF_SHEET]
    data = sample_data()
    for sheet in layout.SHEETS:
        ws = book[sheet.name]
        columns = layout.columns_of(sheet, data.bucket_labels)
        assert [c.value for c in ws[sheet.header_row]] == [c.header for c in columns]
        assert list(ws.tables) == [sheet.table]
        assert ws.freeze_panes == f"A{sheet.header_row + 1}"
        assert ws.sheet_state == ("hidden" if sheet.hidden else "visible")
        col_formats = {i: d.number_format for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
        assert col_formats == {i: layout.NUMBER_FORMATS[c.kind] for i, c in enumerate(columns, start=1)}
        rows = [] if sheet.owner == layout.PEOPLE else data.rows.get(sheet.name, [])
        for r, row in enumerate(rows, start=sheet.header_row + 1):
            for i, column in enumerate(columns, start=1):
                got, want = ws.cell(r, i).value, row.get(column.field)
                if isinstance(want, dt.date):
                    got = got.date()
                elif isinstance(want, Decimal):
                    got = Decimal(str(got))
                assert got == (want if want != "" else None), (sheet.name, r, column.header)
    notes = book[layout.NOTES]
    assert notes.tables["tblNotes"].ref == "A1:L2"          # an empty first row, ready for typing
    assert book[layout.CONF_SHEET].sheet_state == "hidden"
    conf = [book[layout.CONF_SHEET].cell(r, 1).value for r in range(1, len(layout.CONF_KEYS) + 2)]
    assert conf == [*layout.CONF_KEYS, None]                  # xlwings reads A1 down to the first blank
    for named in layout.NAMED_CELLS:
        (title, ref), = book.defined_names[named.name].destinations
        assert (title, ref.replace("$", "")) == (named.sheet, named.cell)
    control = book[layout.CONTROL]
    assert control["C5"].value == "30,60,90" and control["C11"].value == "Ready."
    assert control["C15"].value == pytest.approx(123456.78)
    assert {str(v.sqref) for v in control.data_validations.dataValidation} == {
        layout.named_cell(n).cell for n in layout.VALIDATIONS}


def test_hostile_text_is_stored_as_text_never_a_formula(panel):
    xml = _part(panel, _sheet_part(panel, layout.INVOICES))
    assert "<f>" not in xml and "<f " not in xml
    shared = re.findall(r"<si><t[^>]*>(.*?)</t></si>", _part(panel, "xl/sharedStrings.xml"), re.DOTALL)
    unescape = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"'}
    shared = [re.sub("|".join(unescape), lambda m: unescape[m.group(0)], s) for s in shared]
    for r, name in enumerate(HOSTILE, start=2):
        cell = re.search(rf'<c r="A{r}"[^>]*>.*?</c>', xml).group(0)
        assert 't="s"' in cell, cell
        assert shared[int(re.search(r"<v>(\d+)</v>", cell).group(1))] == name


def test_libreoffice_opens_it_sees_values_buttons_and_modules(panel, office):
    import csv

    assert (office / "collections.pdf").stat().st_size > 10_000
    with open(office / "collections-Invoices.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [r[0] for r in rows[1:len(HOSTILE) + 1]] == list(HOSTILE)
    content = _part(office / "collections.ods", "content.xml")
    bound = re.findall(r'form:label="([^"]+)".*?VBAProject\.(\w+)\.(\w+)\?language=Basic', content, re.DOTALL)
    assert bound == [(b.caption, layout.VBA_MODULE, b.macro) for b in layout.BUTTONS]
    with zipfile.ZipFile(office / "collections.ods") as ods:
        assert f"Basic/VBAProject/{layout.VBA_MODULE}.xml" in ods.namelist()
        assert "Basic/VBAProject/Module1.xml" not in ods.namelist()


def test_vba_every_button_macro_is_one_runpython_line_into_excel_buttons(panel):
    import excel.buttons

    modules = read_modules(panel)
    assert set(modules) >= {layout.XLWINGS_MODULE, layout.VBA_MODULE} and "Module1" not in modules
    assert vba.xlwings_versions(modules[layout.XLWINGS_MODULE]) == {layout.XLWINGS_PIN}
    calls = vba.macro_calls(modules[layout.VBA_MODULE])
    assert calls == {b.macro: b.function for b in layout.BUTTONS}
    assert all(callable(getattr(excel.buttons, f)) for f in calls.values())
    vml = _part(panel, "xl/drawings/vmlDrawing1.vml")
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml) == [b.macro for b in layout.BUTTONS]


def test_check_passes_the_panel_as_a_spreadsheet_program_saved_it(office):
    resaved = office / "collections.xlsm"
    assert check_workbook(resaved) == []
    vml = "".join(_part(resaved, n) for n in zipfile.ZipFile(resaved).namelist() if n.endswith(".vml"))
    assert f"{layout.VBA_MODULE}.{layout.BUTTONS[0].macro}" in vml      # it names the macro another way


def _edit_vba(src: Path, dest: Path, edit) -> Path:
    from pyopenvba import ExcelFile

    shutil.copyfile(src, dest)
    with ExcelFile(dest) as book:
        edit(book)
        book.save()
    return dest


def _drop_sheet(src: Path, dest: Path, sheet_name: str) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rf'<sheet name="{sheet_name}"[^>]*/>'.encode(), b"", data)
            new.writestr(item, data)
    return dest


def test_check_passes_a_fresh_panel_and_names_each_fault(panel, tmp_path):
    assert check_workbook(panel) == []
    assert "sound ardesk panel" in summary([], panel)

    no_module = _edit_vba(panel, tmp_path / "a.xlsm", lambda b: b.vba_project().delete_module(layout.VBA_MODULE))
    old = _edit_vba(panel, tmp_path / "b.xlsm", lambda b: b.set_module(
        layout.XLWINGS_MODULE, b.get_module(layout.XLWINGS_MODULE).replace(layout.XLWINGS_PIN, "0.30.10")))
    stray = _edit_vba(panel, tmp_path / "c.xlsm", lambda b: b.set_module(
        layout.VBA_MODULE, b.get_module(layout.VBA_MODULE).replace("b.run_dso()", "b.send_everything()")))
    no_sheet = _drop_sheet(panel, tmp_path / "d.xlsm", layout.ISSUES)

    messages = {name: [str(f) for f in check_workbook(path)] for name, path in
                {"module": no_module, "version": old, "stray": stray, "sheet": no_sheet}.items()}
    assert any(f"module {layout.VBA_MODULE!r}" in m and "ardesk workbook new" in m for m in messages["module"])
    assert messages["version"] == [m for m in messages["version"] if "0.30.10" in m] != []
    assert "install xlwings==0.37.8" in messages["version"][0]
    assert messages["stray"] == ["error: macro 'ArdeskRunDso' calls excel.buttons.send_everything(), which does "
                                 "not exist in this ardesk; upgrade ardesk, or " + check_module_rebuild()]
    assert messages["sheet"] == [f"error: sheet {layout.ISSUES!r} is missing; " + check_module_rebuild()]
    assert "1 error(s)" in summary(check_workbook(no_sheet))
    assert [f.severity for f in check_workbook(tmp_path / "missing.xlsm")] == ["error"]


def check_module_rebuild() -> str:
    from excel.check import REBUILD

    return REBUILD


def test_build_refuses_wrong_suffix_and_bad_values(tmp_path):
    with pytest.raises(InputError, match=r"\.xlsm"):
        build_panel(tmp_path / "panel.xlsx")
    data = sample_data(2)
    data.rows[layout.INVOICES][1]["total"] = 12.5     # a float amount is refused, naming sheet, row and column
    with pytest.raises(InputError, match=r"Invoices, row 3, column 'Total'"):
        build_panel(tmp_path / "p.xlsm", data)
    assert not (tmp_path / "p.xlsm").exists() and list(tmp_path.iterdir()) == []


def test_a_panel_built_before_a_button_existed_is_sound_with_a_warning(tmp_path, monkeypatch):
    """A panel made before Write back notes (its VBA module without the macro, no such button) still works for
    everything it has: the check warns and says how to get the button, it does not call the panel broken."""
    newest = layout.BUTTONS[-1]
    old_source = re.sub(rf"\r\nSub {newest.macro}\(\)\r\n.*?End Sub\r\n", "\r\n", vba.module_source(), flags=re.DOTALL)
    assert newest.macro not in old_source and "ArdeskRefresh" in old_source
    monkeypatch.setattr(vba, "module_source", lambda: old_source)
    monkeypatch.setattr(layout, "BUTTONS", layout.BUTTONS[:-1])
    vba.project_bytes.cache_clear()
    try:
        old = build_panel(tmp_path / "old.xlsm")
    finally:
        vba.project_bytes.cache_clear()
    monkeypatch.undo()
    findings = check_workbook(old)
    assert [(f.severity, f.message) for f in findings] == [
        ("warning", f"this panel was built before the button {newest.caption!r}")]
    assert "ardesk workbook new" in findings[0].fix
