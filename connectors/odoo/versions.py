"""What differs between Odoo versions, in one table.

Every per-version field name the connector relies on lives here and nowhere else. A profile is chosen from the
server's ``version_info`` (``"17.0"``, ``"saas~17.4"``, ``"18.0+e"``); fields of ``res.partner`` that come and go
(``mobile``, ``credit_limit`` when the user may not read it) are checked once with ``fields_get`` instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from receivables.errors import RemoteError


@dataclass(frozen=True)
class Profile:
    """Field names of one Odoo major version.

    - ``receivable``: the domain leaf on ``account.account`` that selects receivable accounts.
    - ``followup_flag``: the journal-item boolean meaning "no follow-up" (``blocked`` up to 17, gone in 18,
      ``no_followup`` from 19).
    - ``payment_field``: the ``account.move`` field pointing at the originating ``account.payment``
      (``payment_id`` up to 17, ``origin_payment_id`` from 18).
    - ``has_line_invoice_date``: journal items carry ``invoice_date`` (17+).
    - ``partner_fields``: the ``res.partner`` fields wanted when ``fields_get`` says they exist and are readable.
    - ``line_kind``: journal items carry ``move_type`` and ``payment_id`` (related to their entry; 16+), so an
      item's kind comes with the item.
    - ``partner_fields_known``: ``partner_fields`` are all there and readable by any user who may read journal
      items (16+: ``credit_limit`` lives in ``account`` with the same groups), so no ``fields_get`` is needed. Up
      to 15 ``credit_limit`` is in ``base`` and the set depends on the modules installed: ask ``fields_get``.
    - ``line_discount``: journal items carry the early-payment discount of their payment term (16+):
      ``discount_date``, the last day it applies, and ``discount_amount_currency``, the amount to pay by then in
      the item's currency (the discounted amount, not the discount: what the register-payment wizard takes as the
      amount due when it grants the discount).
    """

    major: int
    receivable: tuple
    followup_flag: str | None
    payment_field: str
    has_line_invoice_date: bool
    partner_fields: tuple[str, ...]
    line_kind: bool = False
    partner_fields_known: bool = False
    line_discount: bool = False

    @property
    def line_receivable(self) -> tuple:
        """The domain leaf on ``account.move.line`` selecting items of receivable accounts."""
        field, op, value = self.receivable
        return ("account_id." + field, op, value)


_PARTNER_COMMON = ("name", "email", "phone", "lang", "commercial_partner_id", "credit_limit",
                   "property_payment_term_id", "write_date", "street", "street2", "zip", "city", "state_id",
                   "country_id", "user_id")

PROFILES: dict[int, Profile] = {
    14: Profile(14, ("internal_type", "=", "receivable"), "blocked", "payment_id", False,
                _PARTNER_COMMON + ("mobile",)),
    15: Profile(15, ("internal_type", "=", "receivable"), "blocked", "payment_id", False,
                _PARTNER_COMMON + ("mobile",)),
    16: Profile(16, ("account_type", "=", "asset_receivable"), "blocked", "payment_id", False,
                _PARTNER_COMMON + ("mobile",), True, True, True),
    17: Profile(17, ("account_type", "=", "asset_receivable"), "blocked", "payment_id", True,
                _PARTNER_COMMON + ("mobile",), True, True, True),
    18: Profile(18, ("account_type", "=", "asset_receivable"), None, "origin_payment_id", True,
                _PARTNER_COMMON + ("mobile",), True, True, True),
    19: Profile(19, ("account_type", "=", "asset_receivable"), "no_followup", "origin_payment_id",
                True,
                _PARTNER_COMMON, True, True, True),
}

_MAJOR = re.compile(r"^(?:saas~)?(\d+)")


def major_of(version: str) -> int:
    """The major number of an Odoo ``server_version`` string."""
    m = _MAJOR.match(str(version or "").strip())
    if not m:
        raise RemoteError(f"the server reported an unknown Odoo version {version!r}",
                          hint="ardesk reads Odoo 14.0 to 19.0")
    return int(m.group(1))


def profile_for(version: str) -> Profile:
    """The profile of ``version``; versions past the newest known one use the newest profile."""
    major = major_of(version)
    if major < min(PROFILES):
        raise RemoteError(f"Odoo {version} is too old for ardesk", hint="ardesk reads Odoo 14.0 to 19.0")
    return PROFILES.get(major, PROFILES[max(PROFILES)])
