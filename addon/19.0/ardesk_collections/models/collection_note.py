# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collection notes: what a collector recorded about a customer or an invoice, written by the ardesk desk.

The desk writes notes in batches through :meth:`ArdeskCollectionNote.ardesk_push_notes`: one public, idempotent
method that creates each note once per company (its ``external_id`` is unique per company), posts it on the
invoice's (or the customer's) chatter as an internal note, keeps Odoo's own "No Follow-up" flag of the invoice's
receivable lines in step with the note's dispute, and schedules a To-Do for its next action. Sending the same batch
again changes nothing and answers "already there"; a newer revision of a note updates it and posts a correction.
"""
from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError

from .series import FOLLOWUP_FLAG, check_create

PROMISE_STATES = [
    ("open", "Open"),
    ("kept", "Kept"),
    ("partly kept", "Partly kept"),
    ("broken", "Broken"),
    ("superseded", "Superseded"),
    ("unknown", "Unknown"),
]
DISPUTE_STATES = [("open", "Open"), ("resolved", "Resolved")]
INVOICE_TYPES = ("out_invoice", "out_refund", "out_receipt")
# What a pushed note may carry; anything else in it is refused.
PUSH_KEYS = {
    "external_id",
    "revision",
    "partner_id",
    "move_id",
    "author",
    "date",
    "text",
    "outcome",
    "promise_date",
    "promise_amount",
    "promise_state",
    "dispute_state",
    "disputed_amount",
    "next_action_date",
    "followup_level",
}


class ArdeskCollectionNote(models.Model):
    _name = "ardesk.collection.note"
    _description = "Collection Note"
    _order = "date desc, id desc"
    _rec_name = "external_id"
    _check_company_auto = True

    external_id = fields.Char(
        string="Note ID",
        required=True,
        index=True,
        copy=False,
        help="The note's id at the desk: unique per company.",
    )
    revision = fields.Integer(default=0, copy=False, help="Edits of the note at the desk.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index=True,
        ondelete="set null",
        check_company=True,
        domain=[("move_type", "in", INVOICE_TYPES)],
    )
    author = fields.Char(help="Who wrote the note at the desk.")
    user_id = fields.Many2one(
        "res.users", string="Written by", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    text = fields.Text(string="Note")
    outcome = fields.Char(help="What the contact gave: reached, left message, no answer, ...")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, readonly=True
    )
    promise_date = fields.Date(index=True)
    promise_amount = fields.Monetary(currency_field="currency_id")
    promise_state = fields.Selection(PROMISE_STATES, index=True)
    dispute_state = fields.Selection(DISPUTE_STATES, string="Dispute", index=True)
    disputed_amount = fields.Monetary(currency_field="currency_id")
    next_action_date = fields.Date(string="Next Action", index=True)
    followup_level = fields.Char(
        string="Reminder Level",
        index=True,
        help="The level of the reminder the desk sent, when the note records one (friendly, first, ...).",
    )
    chatter_message_id = fields.Many2one(
        "mail.message", readonly=True, ondelete="set null", copy=False
    )

    @api.depends("move_id.currency_id", "company_id.currency_id")
    def _compute_currency_id(self):
        for note in self:
            note.currency_id = note.move_id.currency_id or note.company_id.currency_id

    # -- the desk's write-back ------------------------------------------------------------------------------------
    @api.model
    def ardesk_push_notes(self, notes):
        """Create or update each of ``notes`` (a list of dicts, keys :data:`PUSH_KEYS`) in the user's current
        company, exactly once; return one result per note, in order: ``{"external_id", "status", "id",
        "message_id", "reason"}`` where status is ``created``, ``updated`` (a newer revision), ``already there``
        or ``refused`` (with the reason in plain words). One note's refusal does not undo the others."""
        if not isinstance(notes, list):
            raise UserError(_("ardesk_push_notes takes a list of notes."))
        check_create(self)
        results = []
        for vals in notes:
            external_id = vals.get("external_id") if isinstance(vals, dict) else None
            try:
                with self.env.cr.savepoint():
                    results.append(self._ardesk_push_one(vals))
            except (UserError, ValidationError, AccessError, MissingError) as exc:
                results.append(
                    {
                        "external_id": external_id,
                        "status": "refused",
                        "id": False,
                        "message_id": False,
                        "reason": str(exc.args[0] if exc.args else exc),
                    }
                )
        return results

    def _ardesk_push_one(self, vals):
        if not isinstance(vals, dict) or not vals.get("external_id"):
            raise UserError(_("A note needs an external_id."))
        unknown = sorted(set(vals) - PUSH_KEYS)
        if unknown:
            raise UserError(_("Unknown keys in the note: %s", ", ".join(unknown)))
        company = self.env.company
        external_id = str(vals["external_id"])
        revision = int(vals.get("revision") or 0)
        found = self.search(
            [("external_id", "=", external_id), ("company_id", "=", company.id)], limit=1
        )
        if found and found.revision >= revision:
            return {
                "external_id": external_id,
                "status": "already there",
                "id": found.id,
                "message_id": found.chatter_message_id.id,
                "reason": False,
            }
        partner = self.env["res.partner"].browse(int(vals.get("partner_id") or 0)).exists()
        if not partner:
            raise UserError(_("No customer with id %s.", vals.get("partner_id")))
        partner = partner.commercial_partner_id
        move = self.env["account.move"]
        if vals.get("move_id"):
            move = move.browse(int(vals["move_id"])).exists()
            if not move or move.move_type not in INVOICE_TYPES:
                raise UserError(_("No customer invoice with id %s.", vals.get("move_id")))
            if move.commercial_partner_id != partner:
                raise UserError(
                    _("Invoice %(move)s is not %(partner)s's.", move=move.name, partner=partner.name)
                )
        values = {
            "external_id": external_id,
            "revision": revision,
            "company_id": company.id,
            "partner_id": partner.id,
            "move_id": move.id or False,
            "author": vals.get("author") or False,
            "date": vals.get("date") or fields.Date.context_today(self),
            "text": vals.get("text") or False,
            "outcome": vals.get("outcome") or False,
            "promise_date": vals.get("promise_date") or False,
            "promise_amount": vals.get("promise_amount") or 0.0,
            "promise_state": vals.get("promise_state") or False,
            "dispute_state": vals.get("dispute_state") or False,
            "disputed_amount": vals.get("disputed_amount") or 0.0,
            "next_action_date": vals.get("next_action_date") or False,
            "followup_level": vals.get("followup_level") or False,
        }
        if found:
            found.write(values)
            note, status = found, "updated"
        else:
            note, status = self.create(values), "created"
        note._ardesk_post(correction=bool(found))
        note._ardesk_followup_flag()
        note._ardesk_activity()
        return {
            "external_id": external_id,
            "status": status,
            "id": note.id,
            "message_id": note.chatter_message_id.id,
            "reason": False,
        }

    def _ardesk_body(self, correction):
        self.ensure_one()
        head = (
            _("Correction of collection note %(id)s (revision %(rev)s)", id=self.external_id, rev=self.revision)
            if correction
            else _("Collection note %s", self.external_id)
        )
        lines = [Markup("<b>%s</b>: %s") % (head, self.date)]
        if self.author:
            lines[0] += Markup(", %s") % self.author
        if self.move_id:
            lines.append(Markup("%s: %s") % (_("Invoice"), self.move_id.name))
        if self.outcome:
            lines.append(Markup("%s: %s") % (_("Outcome"), self.outcome))
        if self.followup_level:
            lines.append(Markup("%s: %s") % (_("Reminder level"), self.followup_level))
        if self.promise_date:
            lines.append(
                Markup("%s: %s %s %s")
                % (_("Promise to pay"), self.promise_amount or "", _("by"), self.promise_date)
            )
        if self.dispute_state:
            lines.append(Markup("%s: %s") % (_("Dispute"), self.dispute_state))
        if self.next_action_date:
            lines.append(Markup("%s: %s") % (_("Next action"), self.next_action_date))
        if self.text:
            lines.append(Markup(""))
            lines.extend(escape(line) for line in self.text.splitlines())
        return Markup("<br/>").join(lines)

    def _ardesk_post(self, correction=False):
        """Post the note on its invoice's chatter (else its customer's) as an internal note by the pushing
        user. Posting needs no write access to the invoice: the note itself is the user's right to post."""
        author = self.env.user.partner_id
        # An internal note is never mailed, but Odoo wants a sender address: the user's, else the company's, else
        # OdooBot's (an API user often has none).
        email_from = (
            author.email_formatted
            or self.env.company.partner_id.email_formatted
            or self.env.ref("base.partner_root").email_formatted
        )
        for note in self:
            target = note.move_id or note.partner_id
            message = target.sudo().message_post(
                body=note._ardesk_body(correction),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                author_id=author.id,
                email_from=email_from,
            )
            note.chatter_message_id = message.id

    def _ardesk_followup_flag(self):
        """Keep Odoo's "No Follow-up" flag of the invoice's receivable lines in step with the note's dispute."""
        for note in self:
            if not note.move_id or not note.dispute_state or not FOLLOWUP_FLAG:
                continue
            wanted = note.dispute_state == "open"
            lines = note.move_id.sudo().line_ids.filtered(
                lambda line, wanted=wanted: line.account_id.account_type == "asset_receivable"
                and line[FOLLOWUP_FLAG] != wanted
            )
            if lines:
                lines.write({FOLLOWUP_FLAG: wanted})

    def _ardesk_activity(self):
        """A To-Do on the customer for the pushing user at the note's next action date (moved, not doubled, when a
        newer revision changes the date)."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for note in self:
            if not note.next_action_date:
                continue
            summary = _("Follow up collection note %s", note.external_id)
            Activity = self.env["mail.activity"].sudo()
            existing = Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", note.partner_id.id),
                    ("summary", "=", summary),
                ],
                limit=1,
            )
            if existing:
                existing.date_deadline = note.next_action_date
                continue
            note.partner_id.sudo().activity_schedule(
                activity_type_id=todo.id if todo else False,
                date_deadline=note.next_action_date,
                summary=summary,
                note=escape(note.text or ""),
                user_id=self.env.uid,
            )
