"""Headless refresh of the panel file (excel.package): notes and non-data parts survive, writes are atomic,
text stays text, the Aging columns follow the buckets, and LibreOffice opens the result.

LibreOffice plays "a person opened the panel, typed notes and saved it" (through UNO) and is the independent
reader of the refreshed files; it starts twice per run of this module (one edit, one conversion).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from excel.layout import PanelData
from excel.package import read_inputs, read_notes, workbook_lock, write_panel_data
from excel.package.opc import Package
from excel.panel import build_panel
from receivables.errors import InputError, WorkbookBusy

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "<b>&amp;</b>",
    "  padded  ",
    "ctrl\x01char",
    "_x0041_",
    "Ünïcødé 😀",
    "line\nbreak",
]

UNO_SCRIPT = r"""
import json, os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
src, dst, profile, edits = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
pipe = "ardesk_test_%d" % os.getpid()
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore", "--nologo",
                         "-env:UserInstallation=" + profile, "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
desktop = None
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    for sheet, cell, kind, value in edits:
        ws = doc.Sheets.getByName(sheet)
        if kind == "width":
            ws.Columns.getByIndex(int(cell)).Width = value
            continue
        c = ws.getCellRangeByName(cell)
        if kind == "text":
            c.setString(value)
        else:
            c.setValue(value)
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 VBA XML"),))
    doc.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        proc.wait(30)
    except Exception:
        proc.kill()
"""

# What a person types on Notes (and Control) before saving in the spreadsheet program.
NOTE_EDITS = [
    ["Notes", "A2", "value", 46300],
    ["Notes", "B2", "text", "jane"],
    ["Notes", "C2", "text", HOSTILE[0]],
    ["Notes", "D2", "text", "INV-0042"],
    ["Notes", "E2", "text", "Called; promised <Friday> & more"],
    ["Notes", "F2", "text", "Reached"],       # the list's word, typed in another case
    ["Notes", "H2", "value", 46307],
    ["Notes", "I2", "value", 120.5],
    ["Notes", "K2", "text", "n-1"],
    ["Notes", "A3", "value", 46301],
    ["Notes", "B3", "text", "omar"],
    ["Notes", "C3", "text", "Beta GmbH"],
    ["Notes", "E3", "text", HOSTILE[1]],
    ["Notes", "F3", "text", "left message; e-mail sent"],
    ["Notes", "G3", "text", "open"],
    ["Notes", "J3", "value", 46310],
    ["Control", "C4", "value", 46295],  # AsOfDate typed as a date
    ["Invoices", "A7", "text", "stray typing"],  # typed on a program sheet: replaced by the refresh
    ["Invoices", "0", "width", 12000],  # a person widened the Customer column
]
EXPECTED_NOTES = [
    {
        "written_at": date(2026, 10, 5),
        "author": "jane",
        "customer": HOSTILE[0],
        "invoice": "INV-0042",
        "text": "Called; promised <Friday> & more",
        "outcome": "reached",
        "dispute": None,
        "promise_date": date(2026, 10, 12),
        "promise_amount": Decimal("120.5"),
        "next_action_date": None,
        "uid": "n-1",
        "synced_at": None,
        "_row": 2,
    },
    {
        "written_at": date(2026, 10, 6),
        "author": "omar",
        "customer": "Beta GmbH",
        "invoice": None,
        "text": HOSTILE[1],
        "outcome": "left message, e-mail sent",
        "dispute": "open",
        "promise_date": None,
        "promise_amount": None,
        "next_action_date": date(2026, 10, 15),
        "uid": None,
        "synced_at": None,
        "_row": 3,
    },
]


def invoice_rows(n: int, start: int = 0) -> list[dict]:
    customers = ["Acme Ltd", "Beta GmbH", *HOSTILE]
    return [
        {
            "customer": customers[i % len(customers)],
            "number": f"INV-{i:06d}",
            "kind": "invoice",
            "issued": date(2026, 9, 1 + i % 28),
            "due": date(2026, 10, 1 + i % 28),
            "days_past_due": i % 90,
            "bucket": "1-30",
            "currency": "USD",
            "total": Decimal(f"{1000 + i}.25"),
            "open_amount": Decimal(f"{i}.10") - Decimal(500),
            "open_amount_company": Decimal("0.01"),
            "flags": None,
            "source_ref": f"odoo:{i}",
        }
        for i in range(start, start + n)
    ]


def aging_rows(labels) -> list[dict]:
    row = {"customer": "Acme Ltd", "currency": "USD", "total": Decimal("600.00")}
    row.update({f"bucket:{label}": Decimal(f"{i + 1}00.00") for i, label in enumerate(labels)})
    return [row, {"customer": HOSTILE[2], "currency": "EUR", "total": Decimal("-0.01")}]


def panel_data(n: int = 5, labels=("Current", "1-30", "31-60", "61-90", "91+")) -> PanelData:
    return PanelData(
        rows={
            "Invoices": invoice_rows(n),
            "Aging": aging_rows(labels),
            "Issues": [{"severity": "warning", "count": 1, "source": "x.csv", "rows": "3", "message": HOSTILE[4]}],
        },
        bucket_labels=tuple(labels),
        cells={
            "Status": "Refreshed.",
            "LastRefresh": datetime(2026, 11, 2, 6, 0),
            "TotalAR": Decimal("1234.56"),
            "DsoValue": Decimal("41.3"),
        },
    )


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_parts(path: Path, *names: str) -> set[str]:
    with Package(path) as pkg:
        out = set()
        for name in names:
            ref = pkg.sheet(name)
            out.add(ref.part)
            out.update(pkg.tables_of(ref))
        return out


def calamine_rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _uno_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYENV", "VIRTUAL_ENV"))}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("package")


@pytest.fixture(scope="module")
def built(workdir) -> Path:
    return build_panel(workdir / "built" / "collections.xlsm")


@pytest.fixture(scope="module")
def resaved(workdir, built) -> Path:
    """The built panel after a person opened it in LibreOffice, typed notes and saved it."""
    if not (shutil.which("soffice") and Path("/usr/bin/python3").exists()):
        pytest.fail("LibreOffice (soffice) and /usr/bin/python3 with python3-uno are needed for this test")
    script = workdir / "uno_edit.py"
    script.write_text(UNO_SCRIPT)
    out = workdir / "resaved" / "collections.xlsm"
    out.parent.mkdir()
    import json

    subprocess.run(
        [
            "/usr/bin/python3",
            str(script),
            str(built),
            str(out),
            (workdir / "lo1").as_uri(),
            json.dumps(NOTE_EDITS),
        ],
        check=True,
        timeout=180,
        env=_uno_env(),
        cwd=workdir,
    )
    return out


@pytest.fixture(scope="module", params=["built", "resaved"])
def refreshed(request, workdir) -> tuple[Path, Path]:
    """(before, after): a copy of the panel refreshed once with a long list, then again with a short one."""
    src = request.getfixturevalue(request.param)
    dst = workdir / f"refreshed-{request.param}" / "collections.xlsm"
    dst.parent.mkdir()
    shutil.copy(src, dst)
    write_panel_data(dst, panel_data(40))
    write_panel_data(dst, panel_data(5))
    return src, dst


def test_refresh_keeps_notes_and_every_non_data_part(refreshed):
    before, after = refreshed
    old, new = members(before), members(after)
    data_parts = sheet_parts(before, "Invoices", "Aging", "Issues")
    with Package(before) as pkg:
        control = pkg.sheet("Control").part
        workbook = pkg.workbook_part
    assert set(new) == set(old)
    changed = {n for n in old if old[n] != new[n]}
    assert changed - {workbook} <= data_parts | {control}
    assert control in changed and sheet_parts(before, "Invoices") <= changed
    if workbook in changed:  # only calcPr may change there (formulas on Control read the data sheets)
        def strip(b: bytes) -> bytes:
            return re.sub(rb"<calcPr\b[^>]*/>", b"", b)

        assert strip(old[workbook]) == strip(new[workbook])
        assert b'fullCalcOnLoad="1"' in new[workbook]
    assert new["xl/vbaProject.bin"] == old["xl/vbaProject.bin"]
    assert read_notes(after) == read_notes(before)


def test_notes_and_inputs_typed_in_libreoffice_read_back(resaved, refreshed):
    assert read_notes(resaved) == EXPECTED_NOTES
    assert read_inputs(resaved)["AsOfDate"] == date(2026, 9, 30)
    assert read_inputs(refreshed[1]) == read_inputs(refreshed[0])


def test_refreshed_data_reads_back_exactly(refreshed):
    _before, after = refreshed
    rows = calamine_rows(after, "Invoices")
    expected = invoice_rows(5)
    assert rows[0][:3] == ["Customer", "Number", "Kind"]
    assert len(rows) == 6  # header + 5: the 40-row refresh and the stray typing are gone
    for got, want in zip(rows[1:], expected):
        assert got[0] == want["customer"]
        assert got[3] == want["issued"]  # a date, so the cell has a date style
        assert Decimal(str(got[8])) == want["total"] and Decimal(str(got[9])) == want["open_amount"]
    import openpyxl

    wb = openpyxl.load_workbook(after)
    ws = wb["Invoices"]
    assert ws.tables["tblInvoices"].ref == "A1:N6"
    assert ws["D2"].is_date and ws["I2"].number_format.startswith("#,##0.00")
    assert wb["Control"]["C11"].value == "Refreshed." and Decimal(str(wb["Control"]["C15"].value)) == Decimal(
        "1234.56"
    )
    with zipfile.ZipFile(after) as z, Package(after) as pkg:
        xml = z.read(pkg.sheet("Invoices").part)
    assert re.search(rb"<f[\s>/]", xml) is None and b"1000.25" in xml and b"-499.90" in xml
    assert b'<dimension ref="A1:N6"/>' in xml


def test_sheet_head_kept_with_widened_column(refreshed):
    """Before <sheetData> only the dimension changes: column widths a person set, views and styles stay."""
    before, after = refreshed
    heads = []
    for path in (before, after):
        with zipfile.ZipFile(path) as z, Package(path) as pkg:
            head = z.read(pkg.sheet("Invoices").part).split(b"<sheetData")[0]
        heads.append(re.sub(rb"<dimension [^>]*>", b"", head))
    assert heads[0] == heads[1]
    if before.parent.name == "resaved":
        assert b'width="32.' not in heads[1]  # LibreOffice saved the widened Customer column


def test_aging_columns_follow_bucket_labels(workdir, built):
    path = workdir / "aging.xlsm"
    shutil.copy(built, path)
    labels = ("Current", "1-30", "31-60", "61-90", "91-120", "121+")
    write_panel_data(path, PanelData(rows={"Aging": aging_rows(labels)}, bucket_labels=labels))
    import openpyxl

    ws = openpyxl.load_workbook(path)["Aging"]
    headers = ["Customer", "Currency", *labels, "Total", "As of", "Books as of"]
    assert [c.value for c in ws[1]] == headers
    assert [c.name for c in ws.tables["tblAging"].tableColumns] == headers
    assert ws.tables["tblAging"].ref == "A1:K3"
    assert [c.value for c in ws[2]][2:9] == [100, 200, 300, 400, 500, 600, 600]
    assert ws["G2"].number_format == ws["C2"].number_format != "General"  # new column styled like the others
    short = ("Current", "1-45", "46+")
    write_panel_data(path, PanelData(rows={"Aging": aging_rows(short)}, bucket_labels=short))
    ws = openpyxl.load_workbook(path)["Aging"]
    assert [c.value for c in ws[1]] == ["Customer", "Currency", *short, "Total", "As of", "Books as of"]
    table = ws.tables["tblAging"]
    assert table.ref == "A1:H3" and len(table.tableColumns) == 8
    ids = [c.id for c in table.tableColumns]
    assert len(set(ids)) == 8 and ids[:3] == [1, 2, 3]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_any_text_stays_text(built, workdir, texts):
    path = workdir / "text.xlsm"
    shutil.copy(built, path)
    write_panel_data(path, PanelData(rows={"Invoices": [{"customer": t} for t in texts]}))
    got = [r[0] for r in calamine_rows(path, "Invoices")[1:]]
    # lone surrogates cannot be stored in a file; everything else comes back exactly, as text
    assert got == [t.encode("utf-8", "replace").decode() for t in texts] or not any(texts)


def test_fault_mid_write_leaves_previous_file(workdir, built):
    path = workdir / "fault.xlsm"
    shutil.copy(built, path)
    before = path.read_bytes()
    rows = invoice_rows(6000)
    rows[4500]["total"] = 12.5  # a float cannot be written exactly: the write fails after thousands of rows
    with pytest.raises(TypeError, match="row 4502"):
        write_panel_data(path, PanelData(rows={"Invoices": rows}))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".~ardesk")) == []


KILL_SCRIPT = r"""
import sys
from tests.test_package import invoice_rows
from excel.layout import PanelData
from excel.package import write_panel_data
data = PanelData(rows={"Invoices": invoice_rows(150000)})
print("ready", flush=True)
write_panel_data(sys.argv[1], data)
"""


def test_kill_mid_write_leaves_previous_file(workdir, built):
    folder = workdir / "kill"
    folder.mkdir()
    path = folder / "collections.xlsm"
    shutil.copy(built, path)
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            temps = [p for p in folder.iterdir() if p.name.startswith(".~ardesk")]
            if temps and temps[0].stat().st_size > 200_000:
                break
            assert proc.poll() is None, "the write finished before it could be interrupted"
            time.sleep(0.005)
        else:
            pytest.fail("no temporary file appeared")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert path.read_bytes() == before
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    # the killed write's temporary file: named by check, removed by the next write (and by check --repair)
    left = [p for p in folder.iterdir() if p.name.startswith(".~ardesk")]
    assert len(left) == 1
    from excel.check import check_workbook

    assert [f.message for f in check_workbook(path) if "interrupted write" in f.message] == [
        f"1 temporary file(s) left beside it by an interrupted write ({left[0].name})"]
    write_panel_data(path, PanelData(rows={"Invoices": invoice_rows(3)}))
    assert [p.name for p in folder.iterdir() if p.name.startswith(".~ardesk")] == []
    shutil.copy(left[0].with_name("collections.xlsm"), left[0])          # as if another write had been killed
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["workbook", "check", "--repair", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("removed 1 temporary file(s) left by an interrupted write\n")
    assert [p.name for p in folder.iterdir() if p.name.startswith(".~ardesk")] == []


def test_open_workbook_is_left_alone(workdir, built):
    path = workdir / "locked" / "collections.xlsm"
    path.parent.mkdir()
    shutil.copy(built, path)
    before = path.read_bytes()
    assert workbook_lock(path) is None
    owner = path.parent / "~$collections.xlsm"
    owner.write_bytes(bytes([4]) + b"jane" + b" " * 49)
    with pytest.raises(WorkbookBusy, match=r"open in Excel by jane \(owner file ~\$collections.xlsm\)"):
        write_panel_data(path, panel_data())
    owner.unlink()
    lo = path.parent / ".~lock.collections.xlsm#"
    lo.write_text(",omar,desk7,23.11.2026 08:00,file:///home/omar/.config/libreoffice/4;")
    assert workbook_lock(path) == "open in LibreOffice by omar on desk7 (lock file .~lock.collections.xlsm#)"
    with pytest.raises(WorkbookBusy):
        write_panel_data(path, panel_data())
    assert path.read_bytes() == before


def test_bad_input_cell_and_bad_file_are_one_line_errors(workdir, built):
    path = workdir / "inputs.xlsm"
    shutil.copy(built, path)
    write_panel_data(path, PanelData(cells={"AsOfDate": "next tuesday", "DsoPeriodDays": 90}))
    with pytest.raises(InputError) as err:
        read_inputs(path)
    assert str(err.value) == (
        "inputs.xlsm, Control!C4 (AsOfDate): expected a date, found 'next tuesday' "
        "(type a date such as 2026-10-31)"
    )
    junk = workdir / "junk.xlsm"
    junk.write_text("not a zip")
    with pytest.raises(InputError, match="is not a workbook file"):
        write_panel_data(junk, panel_data())


@pytest.fixture(scope="module")
def libreoffice_csv(workdir, built, resaved) -> Path:
    """Every sheet of both refreshed panels (ardesk-built and LibreOffice-resaved) as CSV, in one LibreOffice
    run."""
    out, src = workdir / "csv", workdir / "csv-src"
    out.mkdir()
    src.mkdir()
    files = []
    for name, panel in (("built", built), ("resaved", resaved)):
        files.append(src / f"{name}.xlsm")
        shutil.copy(panel, files[-1])
        write_panel_data(files[-1], panel_data(5))
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(workdir / 'lo2').as_uri()}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        timeout=180,
        capture_output=True,
        env=_uno_env(),
    )
    return out


@pytest.mark.parametrize("name", ["built", "resaved"])
def test_libreoffice_opens_refreshed_file(libreoffice_csv, name):
    def sheet(sheet_name):
        with open(libreoffice_csv / f"{name}-{sheet_name}.csv", newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    invoices = sheet("Invoices")
    assert len(invoices) == 6 and invoices[1][0] == "Acme Ltd" and invoices[1][1] == "INV-000000"
    assert invoices[1][3] == "2026-09-01" and invoices[1][8] == "1000.25"
    assert [r[0] for r in invoices[1:]] == [r["customer"] for r in invoice_rows(5)]
    aging = sheet("Aging")
    assert aging[0] == ["Customer", "Currency", "Current", "1-30", "31-60", "61-90", "91+", "Total", "As of",
                        "Books as of"]
    assert aging[2][0] == HOSTILE[2]
    notes = sheet("Notes")
    if name == "resaved":
        assert notes[1][2] == HOSTILE[0] and notes[2][4] == HOSTILE[1]


def test_calc_chain_naming_replaced_cells_is_dropped(workdir, built):
    """A calc chain as Excel leaves it, listing a cell of a replaced sheet, goes (with its relationship and
    content type) and the workbook recalculates on open; a file without such a chain keeps its parts."""
    path = workdir / "calc.xlsm"
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Type="http://schemas.openxml'
                    b'formats.org/officeDocument/2006/relationships/calcChain" '
                    b'Target="calcChain.xml"/></Relationships>',
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
                )
            elif info.filename == "xl/workbook.xml":
                data = re.sub(rb"<calcPr\b[^>]*/>", b'<calcPr calcId="191029"/>', data)
            dst.writestr(info, data)
        dst.writestr(
            "xl/calcChain.xml",
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain '
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="E20" i="1"/>'
            b'<c r="B7" i="3"/></calcChain>',     # i: the sheet's place (3: Invoices, after Control and Today)
        )
    write_panel_data(path, panel_data(3))
    new = members(path)
    assert "xl/calcChain.xml" not in new
    assert b"calcChain" not in new["xl/_rels/workbook.xml.rels"] + new["[Content_Types].xml"]
    assert b'<calcPr calcId="191029" fullCalcOnLoad="1"/>' in new["xl/workbook.xml"]
    assert len(calamine_rows(path, "Invoices")) == 4


def test_chart_ranges_follow_the_rows_written(workdir, built):
    path = workdir / "charts.xlsm"
    shutil.copy(built, path)
    labels = ("Current", "1-30", "31-60", "61-90", "91-120", "121+")
    figures = [{"bucket": lb, "amount": Decimal(i * 10)} for i, lb in enumerate(labels)]
    write_panel_data(path, PanelData(rows={"Figures": figures}, bucket_labels=labels))

    def refs(p):
        with zipfile.ZipFile(p) as z:
            return sorted(set(re.findall(rb"<c:f>(Figures![^<]+)</c:f>",
                                         b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/charts/")))))
    assert refs(path) == [b"Figures!$A$2:$A$7", b"Figures!$B$1", b"Figures!$B$2:$B$7"]
    assert refs(built) == [b"Figures!$A$2:$A$6", b"Figures!$B$1", b"Figures!$B$2:$B$6"]
    assert calamine_rows(path, "Figures")[6] == ["121+", 50.0]
