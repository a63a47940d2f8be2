"""The bundled sample exports: QuickBooks Online reports of the fictional Harbor Lane Supply Co,
as of 2026-10-31.

They are generated (``python -m connectors.quickbooks.render --out DIR``) from ``receivables.samplebooks``
with its default seed, and feed ``ardesk demo``.
"""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent
