# Copyright 2026 ardesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What differs in this series (17.0): the journal item's "No Follow-up" flag, and how access is checked."""

FOLLOWUP_FLAG = "blocked"


def check_create(model):
    """Raise AccessError unless the user may create records of ``model``."""
    model.check_access_rights("create")
