"""Test helpers: an xlwings remote-engine ``Book`` made from a workbook file, its actions applied back, and sample
panel data (with hostile customer names) built with fixed dates.

The remote engine (``xw.Book(json=payload)``) is a real xlwings Book whose API matches the desktop one; every write
comes back as an action in ``book.json()["actions"]``. Only the tests use it (it needs
``XLWINGS_LICENSE_KEY=noncommercial``, set by the tests through monkeypatch).
"""
from __future__ import annotations

import copy
import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path, PurePosixPath

from excel import layout
from excel.layout import PanelData

HOSTILE = ("=HYPERLINK(\"http://x.test\",\"click\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "'quoted",
           "0123", "2026-01-02", "Ünïcødé & <Co> \"Ltd\"")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _cell_to_rc(ref: str) -> tuple[int, int]:
    """'C4' -> (4, 3), 1-based."""
    letters, digits = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


def _rc_to_cell(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if value == "":
        return None
    return value


def payload_from_file(path: str | Path, name: str | None = None) -> dict:
    """The xlwings remote-engine payload of the workbook at ``path``: sheets' values, defined names, tables."""
    from lxml import etree
    from python_calamine import CalamineWorkbook

    calamine = CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as package:
        book_xml = etree.fromstring(package.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in
                etree.fromstring(package.read("xl/_rels/workbook.xml.rels"))}
        sheet_parts = [(s.get("name"), "xl/" + rels[s.get(f"{_REL}id")].lstrip("/").removeprefix("xl/"))
                       for s in book_xml.iter(f"{_MAIN}sheet")]
        tables_by_sheet: dict[str, list[dict]] = {}
        for sheet_name, part in sheet_parts:
            p = PurePosixPath(part)
            rels_name = str(p.parent / "_rels" / (p.name + ".rels"))
            if rels_name not in package.namelist():
                continue
            for rel in etree.fromstring(package.read(rels_name)):
                if rel.get("Type", "").endswith("/table"):
                    target = str(PurePosixPath("xl/tables") / PurePosixPath(rel.get("Target")).name)
                    table = etree.fromstring(package.read(target))
                    tables_by_sheet.setdefault(sheet_name, []).append(_table_api(table.get("name"),
                                                                                 table.get("ref")))
    sheet_index = {n: i for i, (n, _) in enumerate(sheet_parts)}
    sheets = []
    for sheet_name, _ in sheet_parts:
        sheet = calamine.get_sheet_by_name(sheet_name)
        values = [[None]]
        if sheet.start is not None:
            r0, c0 = sheet.start
            width = c0 + sheet.width
            values = [[None] * width for _ in range(r0)]
            values += [[None] * c0 + [_json_value(v) for v in row] for row in sheet.to_python()]
        sheets.append({"name": sheet_name, "values": values, "pictures": [],
                       "tables": tables_by_sheet.get(sheet_name, [])})
    names = []
    for defined in book_xml.iter(f"{_MAIN}definedName"):
        target = (defined.text or "").replace("'", "")
        if "!" not in target or defined.get("name", "").startswith("_xlnm"):
            continue
        sheet_name, address = target.lstrip("=").split("!")
        names.append({"name": defined.get("name"), "sheet_index": sheet_index[sheet_name],
                      "address": address.replace("$", ""), "book_scope": True,
                      "scope_sheet_name": None, "scope_sheet_index": None})
    import xlwings

    return {"client": "Microsoft Excel", "version": xlwings.__version__,
            "book": {"name": name or str(Path(path).resolve()), "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def _table_api(name: str, ref: str) -> dict:
    first, last = ref.split(":")
    (r1, c1), (_, c2) = _cell_to_rc(first), _cell_to_rc(last)
    return {"name": name, "range_address": ref, "header_row_range_address": f"{first}:{_rc_to_cell(r1, c2)}",
            "data_body_range_address": f"{_rc_to_cell(r1 + 1, c1)}:{last}", "total_row_range_address": None,
            "show_headers": True, "show_totals": False, "table_style": "TableStyleLight9",
            "show_autofilter": True}


def remote_book(payload: dict):
    """A remote-engine xlwings Book made from ``payload`` (needs XLWINGS_LICENSE_KEY in the environment).

    xlwings registers its engines when first imported; if that happened before the key was set, the remote
    engine is registered here.
    """
    import xlwings as xw

    if "remote" not in xw.engines.engines_by_name:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw.Book(json=payload)


def book_from_file(path: str | Path, name: str | None = None):
    """A remote-engine xlwings Book holding the workbook's contents."""
    return remote_book(payload_from_file(path, name))


def apply_actions(payload: dict, actions: list[dict]) -> dict:
    """The payload after Excel applied ``actions`` (setValues, rangeClearContents, resizeTable; setNumberFormat
    and setAutofit change no value), as a copy.

    Text written with Excel's ``'`` prefix is stored without it, as Excel does.
    """
    out = copy.deepcopy(payload)
    for action in actions:
        sheet = out["sheets"][action["sheet_position"]]
        func = action["func"]
        if func == "setValues":
            for i, row in enumerate(action["values"]):
                for j, value in enumerate(row):
                    if isinstance(value, str) and value.startswith("'"):
                        value = value[1:]
                    _put(sheet["values"], action["start_row"] + i, action["start_column"] + j, value)
        elif func == "rangeClearContents":
            for i in range(action["row_count"]):
                for j in range(action["column_count"]):
                    _put(sheet["values"], action["start_row"] + i, action["start_column"] + j, None)
        elif func == "resizeTable":
            index, address = action["args"]
            sheet["tables"][index] = _table_api(sheet["tables"][index]["name"], address.replace("$", ""))
        elif func in ("setNumberFormat", "setAutofit"):
            pass                                   # formats and row heights: the payload holds values only
        else:
            raise AssertionError(f"unexpected action {func}")
    return out


def _put(values: list[list], r: int, c: int, value) -> None:
    if value is None and (r >= len(values) or c >= len(values[r])):
        return
    while len(values) <= r:
        values.append([])
    row = values[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value


def sheet_values(payload: dict, sheet_name: str) -> list[list]:
    """The values of ``sheet_name`` in ``payload``, trailing empty rows dropped."""
    sheet = next(s for s in payload["sheets"] if s["name"] == sheet_name)
    rows = [list(r) for r in sheet["values"]]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def sample_data(n_invoices: int = 10, bucket_labels=("Current", "1-30", "31-60", "61-90", "91+")) -> PanelData:
    """Panel data as a refresh would produce it, as of 2026-10-31, with hostile customer names."""
    as_of = dt.date(2026, 10, 31)
    invoices, aging = [], []
    for i in range(n_invoices):
        customer = HOSTILE[i % len(HOSTILE)] if i < len(HOSTILE) else f"Customer {i % 997:03d}"
        due = as_of - dt.timedelta(days=(i * 17) % 140 - 20)
        days = (as_of - due).days
        invoices.append({
            "customer": customer, "number": f"INV/2026/{i:05d}", "kind": "invoice", "issued": due - dt.timedelta(30),
            "due": due, "days_past_due": days, "bucket": bucket_labels[min(max(0, (days + 29) // 30),
                                                                          len(bucket_labels) - 1)],
            "currency": "USD", "total": Decimal(1000 + i) + Decimal("0.25"), "open_amount": Decimal(500 + i),
            "open_amount_company": Decimal(500 + i), "flags": "", "source_ref": f"account.move,{i + 1}",
        })
    for label in HOSTILE[:3]:
        row = {"customer": label, "currency": "USD", "total": Decimal("300.10")}
        row.update({f"bucket:{b}": Decimal("100.05") if j < 2 else Decimal("0.00")
                    for j, b in enumerate(bucket_labels)})
        aging.append(row)
    dso = [{"month": f"2026-{m:02d}", "ar": Decimal("12000.00") + m, "credit_sales": Decimal("9000.00"),
            "dso": Decimal("40.0") + m, "countback_dso": Decimal("38.5"), "best_possible_dso": Decimal("20.0"),
            "average_days_delinquent": Decimal("20.0"), "cei": Decimal("81.2")} for m in range(1, 11)]
    figures = [{"bucket": b, "amount": Decimal(1000 * (j + 1))} for j, b in enumerate(bucket_labels)]
    issues = [{"severity": "warning", "count": 2, "source": "=cmd.csv", "column": "Currency", "rows": "3, 9",
               "message": "unknown currency 'XXX'"}]
    cells = {"DataAsOf": as_of.isoformat(), "LastRefresh": dt.datetime(2026, 11, 1, 6, 0),
             "TotalAR": Decimal("123456.78"),
             "OverdueAR": Decimal("23456.70"), "DsoValue": Decimal("42.5"), "CeiValue": Decimal("81.2")}
    return PanelData(rows={layout.INVOICES: invoices, layout.AGING: aging, layout.DSO: dso,
                           layout.FIGURES: figures, layout.ISSUES: issues}, bucket_labels=tuple(bucket_labels),
                     cells=cells)
