# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

STAGES = [
    ("none", "Not contacted"),
    ("contacted", "Contacted"),
    ("promised", "Promise to pay"),
    ("broken", "Promise broken"),
    ("disputed", "Disputed"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    ardesk_note_ids = fields.One2many("ardesk.collection.note", "partner_id", string="Collection Notes")
    ardesk_note_count = fields.Integer(compute="_compute_ardesk_collections", string="Collection Note Count")
    ardesk_stage = fields.Selection(STAGES, string="Collection Stage", compute="_compute_ardesk_collections")
    ardesk_next_action_date = fields.Date(string="Next Collection Action", compute="_compute_ardesk_collections")
    ardesk_promise_amount = fields.Monetary(
        string="Open Promise", compute="_compute_ardesk_collections", currency_field="ardesk_currency_id"
    )
    ardesk_promise_date = fields.Date(string="Promised For", compute="_compute_ardesk_collections")
    ardesk_disputed_amount = fields.Monetary(
        string="Disputed", compute="_compute_ardesk_collections", currency_field="ardesk_currency_id"
    )
    ardesk_last_contact = fields.Date(string="Last Contact", compute="_compute_ardesk_collections")
    ardesk_currency_id = fields.Many2one("res.currency", compute="_compute_ardesk_collections")
    ardesk_followup_level = fields.Char(
        string="Reminder Level",
        compute="_compute_ardesk_collections",
        help="The level of the latest reminder the desk sent this customer.",
    )
    ardesk_followup_date = fields.Date(string="Last Reminder", compute="_compute_ardesk_collections")

    @api.depends_context("company", "uid")
    @api.depends(
        "ardesk_note_ids.date",
        "ardesk_note_ids.promise_state",
        "ardesk_note_ids.dispute_state",
        "ardesk_note_ids.next_action_date",
        "ardesk_note_ids.followup_level",
    )
    def _compute_ardesk_collections(self):
        """From the notes the user may read (record rules apply: a collector sees their companies' notes only).
        A dispute is open when the latest note about it (its invoice, or the customer) opened it; the open
        promise is the latest note's whose promise is still open."""
        Note = self.env["ardesk.collection.note"]
        by_partner = {}
        commercial = self._origin.commercial_partner_id
        for note in Note.search([("partner_id", "in", commercial.ids)], order="date, id"):
            by_partner.setdefault(note.partner_id.id, []).append(note)
        for partner in self:
            notes = by_partner.get(partner._origin.commercial_partner_id.id, [])
            latest_dispute = {}
            for note in notes:
                if note.dispute_state:
                    latest_dispute[note.move_id.id or 0] = note
            open_disputes = [n for n in latest_dispute.values() if n.dispute_state == "open"]
            promises = [n for n in notes if n.promise_state]
            last_promise = promises[-1] if promises else None
            if open_disputes:
                stage = "disputed"
            elif last_promise and last_promise.promise_state == "open":
                stage = "promised"
            elif last_promise and last_promise.promise_state in ("broken", "partly kept"):
                stage = "broken"
            else:
                stage = "contacted" if notes else "none"
            partner.ardesk_stage = stage
            partner.ardesk_note_count = len(notes)
            partner.ardesk_last_contact = notes[-1].date if notes else False
            partner.ardesk_next_action_date = max(
                (n.next_action_date for n in notes if n.next_action_date), default=False
            )
            is_open = last_promise and last_promise.promise_state == "open"
            partner.ardesk_promise_amount = last_promise.promise_amount if is_open else 0.0
            partner.ardesk_promise_date = last_promise.promise_date if is_open else False
            partner.ardesk_disputed_amount = sum(n.disputed_amount for n in open_disputes)
            partner.ardesk_currency_id = self.env.company.currency_id
            reminders = [n for n in notes if n.followup_level]
            partner.ardesk_followup_level = reminders[-1].followup_level if reminders else False
            partner.ardesk_followup_date = reminders[-1].date if reminders else False

    def action_ardesk_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ardesk_collections.action_ardesk_collection_note")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
