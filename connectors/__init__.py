"""Connectors: turn a source (QuickBooks exports, Odoo) into canonical records. They never compute aging or DSO."""
