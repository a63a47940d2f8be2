"""Reading what people typed: the Notes sheet's rows, the Today sheet's outcomes and the Control sheet's input cells,
from the file.

Numbers (promise amounts, serial dates, whole numbers) are made by :func:`receivables.money.money`: exact and
finite, whatever the cell holds.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from excel.layout import DATE, INT, MONEY, NAMED_CELLS, NOTES, TEXT, TODAY, TODAY_PEOPLE_FIELDS, NamedCell, sheet
from receivables.errors import InputError
from receivables.money import money

from .cells import col_index, serial_date, split_ref
from .opc import NS, Package, parse, string_item

_C, _V, _IS, _F = f"{{{NS}}}c", f"{{{NS}}}v", f"{{{NS}}}is", f"{{{NS}}}f"


def _value(pkg: Package, c) -> object:
    """A cell's value: str for text (shared strings resolved), a number as an exact ``Decimal`` (text when it is
    not a finite number), bool, or None."""
    t = c.get("t", "n")
    if t == "inlineStr":
        is_ = c.find(_IS)
        return string_item(is_) if is_ is not None else ""
    v = c.findtext(_V)
    if v is None or v == "":
        return None
    if t == "s":
        try:
            return pkg.shared_strings[int(v)]
        except (ValueError, IndexError):
            return None
    if t in ("str", "e"):
        return v
    if t == "b":
        return v.strip() in ("1", "true")
    try:
        return money(v)
    except ValueError:
        return v


def _sheet_cells(pkg: Package, name: str) -> dict[int, dict[int, object]]:
    """row -> column -> value of every non-empty cell of sheet ``name``."""
    ref = pkg.sheet(name)
    root = parse(pkg.read(ref.part), ref.part)
    out: dict[int, dict[int, object]] = {}
    r = 0
    for row in root.iter(f"{{{NS}}}row"):
        r = int(row.get("r", r + 1))
        col = 0
        for c in row.iterchildren(_C):
            cref = c.get("r")
            col = col_index(re.match(r"[A-Za-z]+", cref).group(0)) if cref else col + 1
            value = _value(pkg, c)
            if value is not None and value != "":
                out.setdefault(r, {})[col] = value
    return out


def _convert(value: object, kind: str, date1904: bool, where: dict) -> object:
    if value is None:
        return None
    if kind == DATE:
        if isinstance(value, Decimal):
            return serial_date(value, date1904)
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(
                f"expected a date, found {value!r}", **where, hint="type a date such as 2026-10-31"
            ) from None
    if kind == MONEY:
        if isinstance(value, Decimal):
            return value
        try:
            return money(str(value).replace(",", ""))
        except ValueError:
            raise InputError(
                f"expected an amount, found {value!r}", **where, hint="type a plain number such as 1250.00"
            ) from None
    if kind == INT:
        try:
            number = value if isinstance(value, Decimal) else money(str(value))
            if number != number.to_integral_value():
                raise ValueError(f"not a whole number: {number}")
            return int(number)
        except ValueError:
            raise InputError(
                f"expected a whole number, found {value!r}",
                **where,
                hint="type a whole number or leave it blank",
            ) from None
    if isinstance(value, Decimal):  # a number typed into a text column (an invoice number, say)
        return format(value.normalize() if value == value.to_integral_value() else value, "f")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _choice(value: object, choices: tuple[str, ...], where: dict) -> str | None:
    """A list-in-the-cell column's value as one of ``choices`` (several, comma-separated, where a person typed
    more than one), whatever its case and spacing; blank is None."""
    if value is None or not str(value).strip():
        return None
    known = {c.casefold(): c for c in choices}
    out = []
    for part in re.split(r"[,;]", str(value)):
        word = " ".join(part.split()).casefold()
        if not word:
            continue
        if word not in known:
            raise InputError(f"{part.strip()!r} is not one of: {', '.join(choices)}", **where,
                             hint="choose from the list in the cell, or leave it blank")
        if known[word] not in out:
            out.append(known[word])
    return ", ".join(out) or None


def read_notes(path: str | Path) -> list[dict]:
    """The rows people typed on the Notes sheet, as dicts keyed by the layout's fields (plus ``"_row"``, the
    sheet row). Columns are found by their header text, so moved columns still read right; a column added to the
    layout after the panel was built reads as blank; blank rows are skipped; dates come back as ``date``, amounts
    as ``Decimal``, text as ``str`` (Outcome and Dispute in their list's own spelling)."""
    with Package(path) as pkg:
        return notes_from_cells(_sheet_cells(pkg, sheet(NOTES).name), Path(path).name, pkg.date1904)


def notes_from_cells(cells: dict[int, dict[int, object]], name: str, date1904: bool) -> list[dict]:
    """:func:`read_notes` of a sheet's non-empty cells (row -> column -> value, numbers as Decimal), from a file
    or from an open workbook (:func:`excel.live.read_live_notes`)."""
    layout = sheet(NOTES)
    header = cells.get(layout.header_row, {})
    by_header = {str(v).strip(): col for col, v in header.items()}
    missing = [c.header for c in layout.columns if c.header not in by_header and not c.optional]
    if missing:
        raise InputError(
            f"the Notes sheet has no column {missing[0]!r} in row {layout.header_row}",
            source=name,
            hint="restore the header, or copy the notes into a new panel",
        )
    out = []
    for r in sorted(k for k in cells if k > layout.header_row):
        values = cells[r]
        rec: dict[str, object] = {}
        for col in layout.columns:
            where = {"source": f"{name}, sheet {layout.name}", "row": r, "column": col.header}
            at = by_header.get(col.header)
            value = _convert(values.get(at), col.kind, date1904, where) if at is not None else None
            rec[col.field] = _choice(value, col.choices, where) if col.choices else value
        if all(v is None for v in rec.values()):
            continue
        rec["_row"] = r
        out.append(rec)
    return out


def read_today(path: str | Path) -> list[dict]:
    """What a person typed on the Today sheet, as Notes rows (:func:`today_from_cells`); none from a panel built
    before the sheet existed."""
    with Package(path) as pkg:
        if not any(s.name.casefold() == TODAY.casefold() for s in pkg.sheets):
            return []
        return today_from_cells(_sheet_cells(pkg, sheet(TODAY).name), Path(path).name, pkg.date1904)


def today_from_cells(cells: dict[int, dict[int, object]], name: str, date1904: bool) -> list[dict]:
    """The Today rows where a person typed an outcome, a note, a promise or a follow-up date, each as the Notes
    row it stands for: that customer, dated the worklist's day (the row's Day, so the note's id is the same
    whenever and however often the row is read), with what was typed. The rest of the row is the program's."""
    layout = sheet(TODAY)
    header = {str(v).strip(): col for col, v in cells.get(layout.header_row, {}).items()}
    wanted = [c for c in layout.columns if c.field in (*TODAY_PEOPLE_FIELDS, "customer", "customer_id", "day")]
    missing = [c.header for c in wanted if c.header not in header]
    if missing:
        raise InputError(f"the Today sheet has no column {missing[0]!r} in row {layout.header_row}",
                         source=name, hint="restore the header, or press Refresh to rebuild the sheet")
    out = []
    for r in sorted(k for k in cells if k > layout.header_row):
        values = cells[r]
        rec: dict[str, object] = {}
        for col in wanted:
            where = {"source": f"{name}, sheet {layout.name}", "row": r, "column": col.header}
            value = _convert(values.get(header[col.header]), col.kind, date1904, where)
            rec[col.field] = _choice(value, col.choices, where) if col.choices else value
        if all(rec[f] is None for f in TODAY_PEOPLE_FIELDS):
            continue
        customer = rec["customer"] or rec["customer_id"]
        if not customer or rec["day"] is None:
            raise InputError("this row has no customer or no Day: it is not a row of the worklist",
                             source=f"{name}, sheet {layout.name}", row=r,
                             hint="type outcomes on a customer's row of the list, or on the Notes sheet")
        out.append({"written_at": rec["day"], "author": None, "customer": customer, "invoice": None,
                    "text": rec["text"], "outcome": rec["outcome"], "dispute": None,
                    "promise_date": rec["promise_date"], "promise_amount": rec["promise_amount"],
                    "next_action_date": rec["next_action_date"], "_row": r})
    return out


def read_reminder_choices(path: str | Path) -> dict[tuple[int, str], bool]:
    """The Reminders sheet's Send column as a person left it: (batch, customer id) -> send or not."""
    from excel.layout import REMINDERS

    with Package(path) as pkg:
        return choices_from_cells(_sheet_cells(pkg, sheet(REMINDERS).name), Path(path).name)


def choices_from_cells(cells: dict[int, dict[int, object]], name: str) -> dict[tuple[int, str], bool]:
    """:func:`read_reminder_choices` of a sheet's non-empty cells, from a file or an open workbook. A Send cell
    reads yes or no in any case (also true / false, 1 / 0); anything else is refused, naming the cell."""
    from excel.layout import REMINDERS

    layout = sheet(REMINDERS)
    header = {str(v).strip(): col for col, v in cells.get(layout.header_row, {}).items()}
    needed = {c.field: c.header for c in layout.columns if c.field in ("send", "batch", "customer_id")}
    missing = [h for h in needed.values() if h not in header]
    if missing:
        raise InputError(f"the Reminders sheet has no column {missing[0]!r} in row {layout.header_row}",
                         source=name, hint="press Build reminders again to rebuild the sheet")
    out: dict[tuple[int, str], bool] = {}
    for r in sorted(k for k in cells if k > layout.header_row):
        row = cells[r]
        batch, customer = row.get(header[needed["batch"]]), row.get(header[needed["customer_id"]])
        if batch is None or customer is None:
            continue
        value = str(row.get(header[needed["send"]], "")).strip().casefold()
        if value in ("yes", "true", "1", "y"):
            send = True
        elif value in ("no", "false", "0", "n", ""):
            send = False
        else:
            raise InputError(f"Send must be yes or no, found {value!r}", source=f"{name}, sheet {layout.name}",
                             row=r, column=needed["send"], hint="choose yes or no from the list in the cell")
        out[(int(Decimal(str(batch))), _convert(customer, TEXT, False, {}))] = send
    return out


def read_inputs(path: str | Path) -> dict:
    """The Control sheet's input named cells (layout ``is_input``), name -> value (None when blank), found
    through the workbook's defined names so a moved cell still reads right."""
    with Package(path) as pkg:
        by_sheet: dict[str, dict] = {}
        out = {}
        for nc in NAMED_CELLS:
            if not nc.is_input:
                continue
            sheet_name, cell = pkg.named_cell(nc.name, nc.sheet, nc.cell)
            real = pkg.sheet(sheet_name).name
            if real not in by_sheet:
                by_sheet[real] = _sheet_cells(pkg, real)
            row, col = split_ref(cell)
            value = by_sheet[real].get(row, {}).get(col)
            out[nc.name] = _input_value(nc, value, pkg, f"{Path(path).name}, {real}!{cell} ({nc.name})")
        return out


def _input_value(nc: NamedCell, value: object, pkg: Package, source: str) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    kind = TEXT if nc.kind not in (DATE, INT, MONEY) else nc.kind
    return _convert(value, kind, pkg.date1904, {"source": source})
