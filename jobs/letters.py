"""Reminder letters: one PDF per notice of a level whose channel is ``letter``, for window envelopes.

Made with ReportLab rather than from HTML (WeasyPrint): ReportLab installs from PyPI as a wheel on Windows, macOS and
Linux with nothing else, where WeasyPrint needs Pango and its libraries on the machine; the people who press the
panel's buttons should not need them. The words come from the notice's own template, block by block
(:func:`jobs.notices.letter_parts`: the same wording as its e-mail, in the customer's language); the layout is here:

- the letterhead (``[company]`` name, address and contact line) at the top;
- the address window of the paper's envelope: DIN 5008 form B on A4 (20 mm from the left, 45 mm from the top, with
  the sender's one-line return address above the customer's), a US #10 window envelope on ``letter``; fold marks
  on A4;
- the date, the subject, the greeting, the intro, a table of the open items (document, dated, due, days past due,
  amount, and interest and fees where charged) with totals per currency, the request, how to pay, the closing.

Every value is escaped before ReportLab reads it (its paragraphs take a markup of their own), so a customer named
``<b>`` prints as written. Text is set in a TrueType font that covers more than Latin-1 when the machine has one
(``[letters] font``, else DejaVu Sans, Liberation Sans or Arial where the system keeps them); without one, the
standard Helvetica, and characters it cannot show are replaced (and said, once, in the result).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from receivables.errors import ConfigError

from .notices import format_amount, format_day, letter_parts

#: Column headings and words of the letter by language (a language not here gets the English ones).
LABELS = {
    "en": {"document": "Document", "dated": "Dated", "due": "Due", "late": "Days late", "amount": "Amount",
           "interest": "Interest", "fees": "Fees", "total": "Total open",
           "grand": "Total due with interest and fees", "online": "Pay online", "pay": "How to pay",
           "invoice": "Invoice", "credit_note": "Credit note", "payment": "Payment", "page": "Page",
           "customer_no": "Customer no.", "early": "Early payment", "early_line": "{amount} if paid by {day}",
           "plan_broken": "The payment plan we agreed on {agreed_on} has ended: instalment {number}, due {due}, "
                          "was not paid in full ({shortfall} short). The items it covered are open again and listed "
                          "below."},
    "de": {"document": "Beleg", "dated": "Datum", "due": "Fällig", "late": "Tage", "amount": "Betrag",
           "interest": "Zinsen", "fees": "Gebühren", "total": "Offener Betrag",
           "grand": "Gesamt mit Zinsen und Gebühren", "online": "Online bezahlen", "pay": "Zahlung",
           "invoice": "Rechnung", "credit_note": "Gutschrift", "payment": "Zahlung", "page": "Seite",
           "customer_no": "Kundennummer", "early": "Skonto", "early_line": "{amount} bei Zahlung bis {day}",
           "plan_broken": "Die am {agreed_on} vereinbarte Ratenzahlung ist beendet: Rate {number}, fällig am {due}, "
                          "wurde nicht vollständig bezahlt (es fehlen {shortfall}). Die Posten, die sie umfasste, "
                          "sind wieder offen und unten aufgeführt."},
}

#: Where systems keep a TrueType font that covers Latin Extended, Greek and Cyrillic: regular, then bold.
_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
)


@dataclass(frozen=True)
class Letterhead:
    """The sender: ``[company]`` name, postal address (lines) and one contact line; the paper size."""

    name: str
    address: str = ""
    contact: str = ""
    paper: str = "A4"                 # "A4" or "letter"


@dataclass
class Letter:
    """A rendered letter: the PDF, and what could not be shown in its font."""

    pdf: bytes
    replaced: set[str] = field(default_factory=set)


def _fonts(path: str | None) -> tuple[str, str]:
    """Registered names of the regular and bold font (``Helvetica`` when no TrueType font is found)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pairs = [(path, path)] if path else list(_FONT_CANDIDATES)
    for regular, bold in pairs:
        if regular and os.path.isfile(regular):
            if "ArdeskSans" not in pdfmetrics.getRegisteredFontNames():
                try:
                    pdfmetrics.registerFont(TTFont("ArdeskSans", regular))
                    pdfmetrics.registerFont(TTFont("ArdeskSans-Bold", bold if os.path.isfile(bold) else regular))
                except Exception as exc:      # noqa: BLE001 - a damaged or unsupported font file: said in one line
                    raise ConfigError(f"[letters] font {regular} cannot be used: {exc}") from None
            return "ArdeskSans", "ArdeskSans-Bold"
        if path:
            raise ConfigError(f"[letters] font {path} does not exist", hint="give the path of a .ttf file")
    return "Helvetica", "Helvetica-Bold"


def _shown(text: str, font: str, replaced: set[str]) -> str:
    """``text`` with what the standard font cannot show replaced by "?" (noted in ``replaced``)."""
    if font != "Helvetica":
        return text
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            replaced.add(ch)
            out.append("?")
    return "".join(out)


def render_letter(notice, *, address: str, letterhead: Letterhead, as_of: date, lang: str | None = None,
                  payment_instructions: str = "", templates_dir: str | Path | None = None,
                  charges: dict[str, tuple[Decimal, Decimal]] | None = None, font: str | Path | None = None,
                  pay_links: dict[str, str] | None = None,
                  discounts: dict[str, tuple[date, Decimal]] | None = None,
                  plan_broken: dict | None = None, instalment: dict | None = None) -> Letter:
    """``notice`` (a :class:`~receivables.reminders.Notice`) as a PDF letter to ``address`` (lines). ``charges``:
    item id -> (interest, fees) where charged, shown per item and in the totals; ``discounts``: item id -> (last
    day, amount that settles it by then) where an early-payment discount is open, under the table."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch, mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

    parts = letter_parts(notice, company_name=letterhead.name, lang=lang, payment_instructions=payment_instructions,
                         as_of=as_of, templates_dir=templates_dir, pay_links=pay_links, instalment=instalment)
    words = LABELS.get(parts.lang, LABELS["en"])
    regular, bold = _fonts(str(font) if font else None)
    replaced: set[str] = set()

    def text(value: str) -> str:                   # a value as paragraph markup: escaped, lines kept
        return "<br/>".join(escape(_shown(line, regular, replaced)) for line in str(value).splitlines())

    paper = LETTER if letterhead.paper.lower() == "letter" else A4
    width, height = paper
    if paper is A4:       # DIN 5008 form B
        left, window_top, window_w, window_h = 25 * mm, 45 * mm, 85 * mm, 45 * mm
        body_top = 98.5 * mm
    else:                 # a US #10 window envelope
        left, window_top, window_w, window_h = 0.875 * inch, 1.75 * inch, 3.75 * inch, 1.25 * inch
        body_top = 3.5 * inch
    right = 20 * mm
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13)
    small = ParagraphStyle("small", parent=base, fontSize=7, leading=9)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=14, leading=17)
    subject_style = ParagraphStyle("subject", parent=base, fontName=bold, fontSize=11, leading=14, spaceAfter=8)
    right_style = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
    para = ParagraphStyle("para", parent=base, spaceAfter=6)

    def first_page(canvas, doc):
        canvas.saveState()
        y = height - 15 * mm
        for p, style in ((letterhead.name, head), (letterhead.address.replace("\n", ", "), small),
                         (letterhead.contact, small)):
            if p:
                f = Paragraph(text(p), style)
                _w, h = f.wrap(width - left - right, 30 * mm)
                f.drawOn(canvas, left, y - h)
                y -= h + 1
        top = height - window_top
        sender = ", ".join(x for x in [letterhead.name, *letterhead.address.splitlines()] if x.strip())
        ret = Paragraph(f"<u>{text(sender)}</u>", small)
        _w, h = ret.wrap(window_w, 10 * mm)
        ret.drawOn(canvas, left, top - 12 * mm)
        block = Paragraph(text("\n".join(line for line in [notice.customer, *address.splitlines()]
                                         if line.strip())), base)
        _w, h = block.wrap(window_w, window_h)
        block.drawOn(canvas, left, top - 17.7 * mm - h)
        if paper is A4:                               # fold marks and the hole-punch mark
            canvas.setLineWidth(0.3)
            for y_mark in (height - 105 * mm, height - 210 * mm, height / 2):
                canvas.line(4 * mm, y_mark, 8 * mm if y_mark != height / 2 else 10 * mm, y_mark)
        _footer(canvas, doc)
        canvas.restoreState()

    def later_page(canvas, doc):
        canvas.saveState()
        _footer(canvas, doc)
        canvas.restoreState()

    def _footer(canvas, doc):
        canvas.setFont(regular, 7)
        canvas.drawRightString(width - right, 10 * mm, _shown(f"{notice.customer} · {words['page']} {doc.page}",
                                                               regular, replaced))

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=paper, leftMargin=left, rightMargin=right, topMargin=20 * mm,
                          bottomMargin=18 * mm, title=_shown(parts.subject, regular, replaced),
                          author=letterhead.name, subject=f"{notice.level} {notice.customer_id}", invariant=True)
    frame_w = width - left - right
    doc.addPageTemplates([
        PageTemplate("first", [Frame(left, 18 * mm, frame_w, height - body_top - 18 * mm, id="first")],
                     onPage=first_page, autoNextPageTemplate="later"),
        PageTemplate("later", [Frame(left, 18 * mm, frame_w, height - 38 * mm, id="later")], onPage=later_page),
    ])
    story = [Paragraph(text(f"{words['customer_no']}: {notice.customer_id}"), right_style),
             Paragraph(text(format_day(as_of, parts.lang)), right_style), Spacer(1, 8 * mm),
             Paragraph(text(parts.subject), subject_style)]
    for block in (parts.greeting, parts.intro):
        for chunk in _paragraphs(block):
            story.append(Paragraph(text(chunk), para))
    if plan_broken:
        b = plan_broken
        story.append(Paragraph(text(words["plan_broken"].format(
            agreed_on=format_day(b["agreed_on"], parts.lang), number=b["number"], due=format_day(b["due"], parts.lang),
            shortfall=format_amount(b["shortfall"], b["currency"], parts.lang))), para))

    charges = charges or {}
    charged = any(sum(v) for v in charges.values())
    header = [words["document"], words["dated"], words["due"], words["late"], words["amount"]]
    if charged:
        header += [words["interest"], words["fees"]]
    rows = [header]
    totals: dict[str, list[Decimal]] = {}
    for item in notice.items:
        interest, fees = charges.get(item.id, (Decimal(0), Decimal(0)))
        late = str(item.days_past_due) if item.amount > 0 and (item.days_past_due or 0) > 0 else ""
        row = [f"{words.get(item.kind, item.kind)} {item.number}", format_day(item.issued, parts.lang),
               format_day(item.due, parts.lang), late, format_amount(item.amount, item.currency, parts.lang)]
        if charged:
            row += [format_amount(interest, item.currency, parts.lang) if interest else "",
                    format_amount(fees, item.currency, parts.lang) if fees else ""]
        rows.append(row)
        t = totals.setdefault(item.currency, [Decimal(0), Decimal(0), Decimal(0)])
        t[0] += item.amount
        t[1] += interest
        t[2] += fees
    spans = []
    for currency, (amount, interest, fees) in totals.items():
        row = [words["total"], "", "", "", format_amount(amount, currency, parts.lang)]
        if charged:
            row += [format_amount(interest, currency, parts.lang), format_amount(fees, currency, parts.lang)]
        spans.append(len(rows))
        rows.append(row)
        if charged:
            spans.append(len(rows))
            rows.append([words["grand"], "", "", "", format_amount(amount + interest + fees, currency, parts.lang),
                         "", ""])
    cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5)
    cell_right = ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT)
    cells = [[Paragraph(text(c), cell if i == 0 else cell_right) for i, c in enumerate(r)] for r in rows]
    widths = [20 * mm, 20 * mm, 12 * mm, 27 * mm] + ([21 * mm, 21 * mm] if charged else [])
    table = Table(cells, colWidths=[frame_w - sum(widths), *widths], repeatRows=1)
    n_items = len(notice.items)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEABOVE", (0, n_items + 1), (-1, n_items + 1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        *[("SPAN", (0, r), (3, r)) for r in spans],
    ]))
    story += [Spacer(1, 3 * mm), table, Spacer(1, 5 * mm)]
    early = [(item, discounts[item.id]) for item in notice.items if discounts and item.id in discounts]
    if early:
        story.append(Paragraph(text(words["early"]), ParagraphStyle("early", parent=base, fontName=bold)))
        story += [Paragraph(text(f"{words.get(item.kind, item.kind)} {item.number}: " + words["early_line"].format(
                      amount=format_amount(amount, item.currency, parts.lang), day=format_day(day, parts.lang))),
                      para) for item, (day, amount) in early]
        story.append(Spacer(1, 4 * mm))
    online = [(item.number, pay_links[item.id]) for item in notice.items if pay_links and pay_links.get(item.id)]
    if online:
        story.append(Paragraph(text(words["online"]), ParagraphStyle("online", parent=base, fontName=bold)))
        story += [Paragraph(text(f"{number}: {url}"), ParagraphStyle("url", parent=base, fontSize=8, leading=10))
                  for number, url in online]
        story.append(Spacer(1, 4 * mm))
    for chunk in _paragraphs(parts.request):
        story.append(Paragraph(text(chunk), para))
    if payment_instructions.strip():
        story += [Paragraph(text(words["pay"]), ParagraphStyle("pay", parent=base, fontName=bold)),
                  Paragraph(text(payment_instructions.strip()), para)]
    story += [Spacer(1, 4 * mm), Paragraph(text(parts.closing), base), Spacer(1, 2 * mm),
              Paragraph(text(letterhead.name), base)]
    doc.build(story)
    return Letter(buf.getvalue(), replaced)


def _paragraphs(block: str) -> list[str]:
    return [p.strip() for p in block.split("\n\n") if p.strip()]


def write_pdf(folder: Path, name: str, pdf: bytes) -> Path:
    """Write ``pdf`` as ``folder/name`` atomically (a reader never sees half a letter), readable by the owner only
    (:func:`receivables.private_files.write_private`): a letter holds a name and a postal address."""
    from receivables.private_files import write_private

    return write_private(folder / name, pdf, prefix=".letter-")


__all__ = ["LABELS", "Letter", "Letterhead", "render_letter", "write_pdf"]
