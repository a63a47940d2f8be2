"""The Control sheet's inputs, read the one way every front reads them (buttons, headless refresh).

``typed_inputs`` checks the raw named-cell values and gives them their types; a bad one is an ``InputError`` that
names the cell and says what to type. ``settings_of`` turns them into the use cases' settings. Light on purpose:
the buttons import it on every click.
"""
from __future__ import annotations

import datetime as dt

from excel import layout
from receivables.config import validate_edges
from receivables.errors import InputError


def typed_inputs(raw: dict) -> dict:
    """Named-cell values (as a spreadsheet program or the file holds them) → typed inputs, checked."""
    return {
        "AsOfDate": _date(raw.get("AsOfDate"), "AsOfDate"),
        "BucketEdges": _text(raw.get("BucketEdges")) or str(layout.named_cell("BucketEdges").default),
        "AgeBy": _age_by(raw.get("AgeBy")),
        "DsoPeriodDays": _whole(raw.get("DsoPeriodDays"), "DsoPeriodDays"),
        "Source": _text(raw.get("Source")),
    }


def settings_of(raw: dict) -> dict:
    """The use cases' settings from the inputs: ``as_of``, ``edges``, ``by``, ``period_days``, ``source``."""
    inputs = typed_inputs(raw)
    text = inputs["BucketEdges"].replace(";", ",")
    try:
        edges = tuple(int(float(e)) for e in text.split(",") if e.strip())
    except ValueError:
        raise _bad("BucketEdges", "whole days separated by commas, e.g. 30,60,90", inputs["BucketEdges"]) from None
    validate_edges(edges, _where("BucketEdges"))
    return {"as_of": inputs["AsOfDate"], "edges": edges, "by": inputs["AgeBy"],
            "period_days": inputs["DsoPeriodDays"], "source": inputs["Source"]}


def _where(name: str) -> str:
    cell = layout.named_cell(name)
    return f"{cell.sheet}!{cell.cell}"


def _bad(name: str, expected: str, found) -> InputError:
    cell = layout.named_cell(name)
    return InputError(f"{cell.label}: expected {expected}, found {found!r}", source=_where(name),
                      hint=f"fix the yellow cell {name} on {cell.sheet}")


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value, name: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise _bad(name, "a date such as 2026-10-31, or blank for today", value)


def _whole(value, name: str) -> int | None:
    text = _text(value)
    if text is None:
        return None
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise _bad(name, "a whole number of days, or blank", value)


def _age_by(value) -> str:
    text = (_text(value) or "due").lower()
    if text not in ("due", "issued"):
        raise _bad("AgeBy", "due or issued", value)
    return text
