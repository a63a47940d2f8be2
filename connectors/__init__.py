"""Connectors: turn a source (QuickBooks exports, Odoo) into canonical records. They never compute aging or DSO."""
from __future__ import annotations

from receivables import collector_paused

__all__ = ["collector_paused"]
