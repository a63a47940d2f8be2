"""A protocol-faithful Odoo stand-in server for tests: odoorpc 0.10.1 talks to it unmodified.

``start_standin(version="17.0", seed="demo", size=None, faults=None) -> StandIn`` serves database ``demo``,
user ``admin``, password ``admin`` (and ``StandIn.api_key``) on a free loopback port. ``addons=("ardesk_collections",)``
serves it with the ardesk_collections add-on installed (see :mod:`.addons`).
"""

from .server import Faults, StandIn, start_standin

__all__ = ["Faults", "StandIn", "start_standin"]
