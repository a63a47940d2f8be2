"""Walk the body of a grouped QuickBooks report: group headings, detail rows, subtotals and the grand total.

QuickBooks prints a group heading (only one cell filled), the group's rows, then ``Total for <group>`` (Online) or
``Total <group>`` (Desktop), and ``TOTAL`` at the end. The walker checks every printed subtotal and the total
against the rows above it, to the cent, and refuses the file naming the rows that disagree. What follows ``TOTAL``
(the footer with the export time and basis) is ignored.

The work is done column by column (a detail row is one whose date cell holds a value; only the few other rows are
looked at one by one), so that a 100,000-row export costs little more than reading the CSV.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, Inexact, localcontext
from itertools import accumulate, compress, count
from operator import itemgetter, ne

from receivables.errors import InputError
from receivables.money import money

from .cells import BAD_COMMA, parse_amount
from .kinds import (
    AMOUNT,
    DATE,
    FAMOUNT,
    FOPEN,
    OPEN,
    QBO_INVOICES_AND_PAYMENTS,
    SUMMARY_KINDS,
    TOTAL,
    Layout,
    norm,
)

CHECKED = (OPEN, AMOUNT, FOPEN, FAMOUNT)
_NOT_AMOUNT_CHAR = re.compile(r"[^0-9.,\n-]")
_DIGITS = frozenset("0123456789")
@dataclass
class Body:
    """The detail rows of a report, by column.

    ``index[k]`` is the 0-based sheet index of the k-th detail row (file row ``index[k] + 1``), ``paths[k]`` the
    group headings above it, ``values[j][k]`` its ``Decimal`` in the checked column ``keys[j]``. Columns of text are
    cut from the detail rows once, when first asked for, and kept.
    """

    keys: tuple
    index: list
    paths: list
    values: list
    has_total: bool
    rows: list
    picked: list                     # the detail rows themselves, for reading further columns
    texts: dict = field(default_factory=dict, repr=False)

    def cells(self, col: int) -> list[str]:
        """Column ``col`` of the detail rows."""
        texts = self.texts.get(col)
        if texts is None:
            texts = self.texts[col] = column(self.picked, None, col)
        return texts

    def only(self, keep: list[bool]) -> Body:
        """The detail rows where ``keep`` is true (rows a reader skips, such as estimates, taken out)."""
        pick = list(compress(range(len(self.index)), keep))
        return Body(self.keys, [self.index[k] for k in pick], [self.paths[k] for k in pick],
                    [[values[k] for k in pick] for values in self.values], self.has_total, self.rows,
                    [self.picked[k] for k in pick])

    @property
    def details(self) -> list[tuple]:
        """Row by row: ``(index, row, headings, values)``, for reports small enough not to need columns."""
        return [(i, self.rows[i], p, v) for i, p, v in zip(self.index, self.paths, zip(*self.values))]


def column(rows: list, index: list | None, col: int) -> list[str]:
    """The cells of column ``col`` in the rows at ``index`` (all ``rows`` when ``None``), blank where a row is short."""
    picked = rows if index is None else list(map(rows.__getitem__, index))
    try:
        return list(map(itemgetter(col), picked))
    except IndexError:
        return [r[col] if col < len(r) else "" for r in picked]


def amounts(texts: list[str]) -> tuple[list, int]:
    """``Decimal`` values of a column of amount texts, and the position of the first text that is not an amount
    (``-1`` when all are).

    Plain columns (digits, one sign, thousands commas every three digits) are converted in one pass, each cell by
    :func:`~receivables.money.money`; anything else (currency symbols, parentheses, blanks) goes through
    :func:`parse_amount` one cell at a time.
    """
    joined = "\n".join(texts)
    if texts and not _NOT_AMOUNT_CHAR.search(joined) and not BAD_COMMA.search(joined):
        try:
            return list(map(money, joined.replace(",", "").split("\n"))), -1
        except ValueError:
            pass
    values = [parse_amount(t) for t in texts]
    bad = next((k for k, v in enumerate(values) if v is None), -1)
    return values, bad


def _amounts_beside(texts: list[str], read: list[tuple]) -> tuple[list, int]:
    """:func:`amounts` of ``texts``, taking the values of an earlier column of the same rows (``read`` holds
    ``(texts, values)`` pairs) where a cell prints the same: a foreign open balance beside the open balance (equal on
    every row in the home currency), an amount beside the open balance of items still fully open. Only the cells
    that differ are converted; a cell's value depends on its text alone, so the result is what :func:`amounts`
    gives."""
    for earlier, values in read:
        if len(texts) < 64 or sum(map(ne, texts[:64], earlier[:64])) > 16:
            continue
        differ = list(compress(count(), map(ne, texts, earlier)))
        if len(differ) * 2 > len(texts):
            continue
        parsed, bad = amounts(list(map(texts.__getitem__, differ)))
        if bad >= 0:
            return parsed, differ[bad]
        out = list(values)
        for k, value in zip(differ, parsed):
            out[k] = value
        return out, -1
    return amounts(texts)


def walk(layout: Layout, *, require_total: bool) -> Body:
    sheet = layout.sheet
    rows, source = sheet.rows, sheet.source
    summary = layout.kind in SUMMARY_KINDS
    flat = layout.kind == QBO_INVOICES_AND_PAYMENTS
    # A summary's amount columns (aging buckets, or the months of a sales summary) and its total.
    keys: list = list(layout.buckets or layout.spans) + [TOTAL] if summary else \
        [k for k in CHECKED if k in layout.columns]
    cols = [layout.columns.get(k, k) for k in keys]     # bucket and span keys are already column indices
    names = [layout.header_names.get(c, str(c)) for c in cols]
    date_col = None if summary else layout.columns.get(DATE)
    start = layout.header_index + 1
    body = range(start, len(rows))
    width = max([len(rows[layout.header_index])] + [c + 1 for c in cols])
    tail = rows[start:]
    if tail and min(map(len, tail)) < width:
        for row in list(compress(tail, map(width.__gt__, map(len, tail)))):    # short rows (blank lines) padded
            row.extend([""] * (width - len(row)))
    if date_col is not None:
        dates = column(tail, None, date_col)
        title = rows[layout.header_index][date_col]
        # Rows whose date starts with a digit are detail rows; only the others are looked at one by one.
        others = [k for k, c in enumerate(dates) if c[:1] not in _DIGITS
                  and (not c.strip() or c == title or c.strip().lower().startswith("total"))]
    else:
        others = list(range(len(body)))
    index, paths, spans, has_total = groups(rows.__getitem__, others, start, len(body), rows[layout.header_index],
                                            layout, summary=summary, flat=flat)
    if require_total and not has_total:
        raise InputError("no TOTAL row: the report is cut short", source=source, row=len(rows),
                         hint="export the whole report again; the file may still be downloading")

    picked = list(map(rows.__getitem__, index))
    values, sums, read = [], [], []
    for j, c in enumerate(cols):
        texts = column(picked, None, c)
        parsed, bad = _amounts_beside(texts, read)
        read.append((texts, parsed))
        if bad >= 0:
            i = index[bad]
            raise InputError(f"not an amount: {rows[i][c][:40]!r}", source=source, row=i + 1, column=names[j],
                             hint="amounts look like 1,234.56, -$1,234.56 or (1,234.56)")
        values.append(parsed)
        sums.append(_running_sums(parsed) if spans else None)
    with localcontext() as ctx:
        ctx.traps[Inexact] = True
        doubtful = [span for span in spans if not _agrees(rows[span[1]], cols, sums, summary, span[2], span[3])]
    for label, i, first, end in doubtful:         # checked again row by row, which words the error
        _check(source, rows, index, values, label, i, cols, names, summary, first, end)
    return Body(tuple(keys), index, paths, values, has_total, rows, picked)


def groups(row_at, others: list[int], start: int, count: int, header: list, layout: Layout, *, summary: bool,
           flat: bool) -> tuple[list, list, list, bool]:
    """The structure of a report's body from its rows that are not plain detail rows.

    ``row_at(i)`` gives the sheet row ``i``; the body is the ``count`` rows from sheet index ``start``, and
    ``others`` the positions in it (ascending) of the rows that may be headings, subtotals, blank or ``TOTAL``; all
    the rows between are detail rows. Returns the sheet index of every detail row, the group headings above each,
    the spans ``(label, sheet index, first detail position, end detail position)`` each subtotal (and ``TOTAL``)
    closes, and whether there is a ``TOTAL``. Shared by the row reader (:func:`walk`) and the column reader
    (:mod:`connectors.quickbooks.columnar`), so both see the same groups.
    """
    source = layout.sheet.source
    date_col = None if summary else layout.columns.get(DATE)
    index: list[int] = []
    paths: list[tuple] = []
    spans = []                       # (label, sheet index, first detail position, end detail position)
    stack: list[list] = []           # [heading, detail position at the heading]
    path: tuple = ()
    unclosed: list[tuple] = []       # (depth, first detail position, end detail position) of false headings
    has_total = False
    previous = 0
    for k in [*others, count]:
        if k > previous:                                      # a run of detail rows
            index.extend(range(start + previous, start + k))
            paths.extend([path] * (k - previous))
        previous = k + 1
        if k == count:
            break
        i = start + k
        row = row_at(i)
        label = next((c.strip() for c in row if c and c.strip()), None)
        if label is None or row == header:
            continue
        if label.upper() == "TOTAL":
            spans.append((label, i, 0, len(index)))
            has_total = True
            break
        closed = _closing(label, stack)
        if closed is not None:
            spans.append((label, i, stack[closed][1], len(index)))
            unclosed.extend((depth, stack[depth][1], len(index)) for depth in range(closed + 1, len(stack)))
            del stack[closed:]
            path = tuple(g[0] for g in stack)
            continue
        if label.lower().startswith("total for "):
            raise InputError(f"{label[:60]!r} closes a group that has no heading above it", source=source,
                             row=i + 1, hint="export the report again without editing it")
        filled = sum(1 for c in row if c and c.strip())
        if summary and filled > 1:
            index.append(i)
            paths.append(path)
        elif filled == 1:
            if flat and stack:                  # headings without subtotals: each one starts a new group
                stack.clear()
                path = ()
            stack.append([label, len(index)])
            path = path + (label,)
        else:
            raise InputError(f"a row with amounts but no date (starts with {label[:40]!r})", source=source,
                             row=i + 1, column=layout.name_of(DATE) if date_col is not None else None,
                             hint="every transaction row needs a date; export the report again without editing it")
    if spans and len(spans) > has_total:
        # Headings never closed by a subtotal in a report that has subtotals were not groups (a customer row with
        # no amounts, say): take them out of the paths of the rows below them.
        unclosed.extend((depth, entry[1], len(index)) for depth, entry in enumerate(stack))
        for depth, first, end in sorted(unclosed, reverse=True):
            for k in range(first, end):
                p = paths[k]
                paths[k] = p[:depth] + p[depth + 1:]
    return index, paths, spans, has_total


def _running_sums(values: list) -> list | None:
    """``sums[k]`` = the sum of ``values[:k]``, exactly; ``None`` when a sum would need rounding."""
    with localcontext() as ctx:
        ctx.traps[Inexact] = True
        try:
            return list(accumulate(values, initial=Decimal(0)))
        except Inexact:
            return None


def _agrees(row, cols, sums, summary, first, end) -> bool:
    """Whether a subtotal row's printed amounts equal the sums of its rows, from the running sums; ``False`` when
    they differ or that cannot be decided so. Called with ``Inexact`` trapped, so no difference is rounded."""
    for c, running in zip(cols, sums):
        text = row[c] if c < len(row) else ""
        if not text.strip() and not summary:
            continue
        if running is None:
            return False
        printed = parse_amount(text)
        try:
            if printed is None or printed != running[end] - running[first]:
                return False
        except Inexact:
            return False
    return True


def _closing(label: str, stack: list) -> int | None:
    """The stack position of the group ``label`` closes (``Total for X`` or Desktop ``Total X``), or ``None``."""
    low = label.lower()
    if low.startswith("total for "):
        name = norm(label[10:])
    elif low.startswith("total "):
        name = norm(label[6:])
    else:
        return None
    for pos in range(len(stack) - 1, -1, -1):
        if norm(stack[pos][0]) == name:
            return pos
    return None


def _check(source, rows, index, values, label, i, cols, names, summary, first, end):
    row = rows[i]
    for j, c in enumerate(cols):
        text = row[c] if c < len(row) else ""
        if not text.strip() and not summary:
            continue
        printed = parse_amount(text)
        if printed is None:
            raise InputError(f"not an amount in {label[:40]!r}: {text[:40]!r}", source=source, row=i + 1,
                             column=names[j], hint="export the report again without editing it")
        computed = sum(values[j][first:end], Decimal(0))
        if printed != computed:
            if first >= end:
                where = "no rows"
            elif end - first == 1:
                where = f"row {index[first] + 1}"
            else:
                where = f"rows {index[first] + 1}-{index[end - 1] + 1}"
            raise InputError(f"{where} add up to {computed} but {label[:40]!r} says {printed}", source=source,
                             row=i + 1, column=names[j],
                             hint="the rows do not match the report's own total; export the report again")
