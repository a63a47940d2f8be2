# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ArdeskCollectionNote(models.Model):
    _inherit = "ardesk.collection.note"

    _sql_constraints = [
        (
            "external_id_company_uniq",
            "unique(external_id, company_id)",
            "A collection note with this Note ID already exists in this company.",
        )
    ]
