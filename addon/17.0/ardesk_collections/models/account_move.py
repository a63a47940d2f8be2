# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .collection_note import DISPUTE_STATES


class AccountMove(models.Model):
    _inherit = "account.move"

    ardesk_note_ids = fields.One2many("ardesk.collection.note", "move_id", string="Collection Notes")
    ardesk_note_count = fields.Integer(compute="_compute_ardesk_notes", string="Collection Note Count")
    ardesk_dispute_state = fields.Selection(DISPUTE_STATES, string="Dispute", compute="_compute_ardesk_notes")

    @api.depends_context("company", "uid")
    @api.depends("ardesk_note_ids.dispute_state", "ardesk_note_ids.date")
    def _compute_ardesk_notes(self):
        """The notes the user may read about the invoice, and its dispute as the latest note about it says."""
        Note = self.env["ardesk.collection.note"]
        notes = Note.search([("move_id", "in", self._origin.ids)], order="date, id")
        for move in self:
            mine = notes.filtered(lambda n, move=move: n.move_id == move._origin)
            disputes = mine.filtered("dispute_state")
            move.ardesk_note_count = len(mine)
            move.ardesk_dispute_state = disputes[-1].dispute_state if disputes else False

    def action_ardesk_notes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("ardesk_collections.action_ardesk_collection_note")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {
            "default_move_id": self.id,
            "default_partner_id": self.commercial_partner_id.id,
        }
        return action
