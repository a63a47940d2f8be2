"""The base records every stand-in database starts with: currencies, two companies, the admin user, a chart of
accounts and journals per company, payment terms (one with an early-payment discount, as Odoo ships "2/7 Net 30"),
message subtypes, activity types, countries and states, ``ir.model`` and external ids, and the data of the add-ons
installed (``Store.addons``).
"""

from __future__ import annotations

from decimal import Decimal

from . import addons
from .schema import MODELS
from .store import Store

USD, EUR = 1, 2
EARLY_TERM = 5            # the payment term with an early-payment discount: 2% within 7 days, else net 30
COUNTRIES = (("United States", "US"), ("Germany", "DE"), ("France", "FR"), ("Belgium", "BE"))
STATES = (("California", "CA", 1), ("New York", "NY", 1), ("Texas", "TX", 1), ("Bavaria", "BY", 2))


def seed_base(store: Store) -> None:
    """Currencies, companies, the admin user, charts of accounts, journals, terms and external ids."""
    ins = store.insert
    stamp = "2024-01-01 08:00:00"
    store.frozen_stamp = stamp
    ins(
        "res.currency",
        {"id": USD, "name": "USD", "symbol": "$", "rounding": 0.01, "active": True, "position": "before"},
    )
    ins(
        "res.currency",
        {"id": EUR, "name": "EUR", "symbol": "€", "rounding": 0.01, "active": True, "position": "after"},
    )
    for pid, name in ((1, "Stand-in US Inc"), (2, "Stand-in Europe GmbH"), (3, "Mitchell Admin")):
        ins(
            "res.partner",
            {
                "id": pid,
                "name": name,
                "complete_name": name,
                "is_company": pid < 3,
                "active": True,
                "type": "contact",
                "parent_id": False,
                "commercial_partner_id": pid,
                "lang": "en_US",
                "email": f"info{pid}@standin.example",
                "company_id": False,
            },
        )
    ins(
        "res.company",
        {
            "id": 1,
            "name": "Stand-in US Inc",
            "sequence": 1,
            "currency_id": USD,
            "partner_id": 1,
            "parent_id": False,
        },
    )
    ins(
        "res.company",
        {
            "id": 2,
            "name": "Stand-in Europe GmbH",
            "sequence": 2,
            "currency_id": EUR,
            "partner_id": 2,
            "parent_id": False,
        },
    )
    ins("res.groups", {"id": 1, "name": "Internal User"})
    ins(
        "res.users",
        {
            "id": 1,
            "login": "__system__",
            "partner_id": 3,
            "company_id": 1,
            "company_ids": [1, 2],
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "groups_id": [1],
            "group_ids": [1],
        },
    )
    ins(
        "res.users",
        {
            "id": 2,
            "login": "admin",
            "partner_id": 3,
            "company_id": 1,
            "company_ids": [1, 2],
            "lang": "en_US",
            "tz": "Europe/Brussels",
            "groups_id": [1],
            "group_ids": [1],
        },
    )
    if "account.account.type" in store.tables:
        for tid, (name, kind) in enumerate(
            (
                ("Receivable", "receivable"),
                ("Payable", "payable"),
                ("Bank and Cash", "liquidity"),
                ("Income", "other"),
            ),
            1,
        ):
            ins("account.account.type", {"id": tid, "name": name, "type": kind})
    for term_id, name in enumerate(
        ("Immediate Payment", "30 Days", "30% Now, Balance 60 Days", "3 Instalments (30/60/90)"), 1
    ):
        ins("account.payment.term", {"id": term_id, "name": name, "sequence": term_id})
    # account/data/account_data.xml: account_payment_term_30days_early_discount
    ins("account.payment.term", {"id": EARLY_TERM, "name": "2/7 Net 30", "sequence": EARLY_TERM,
                                 "early_discount": True, "discount_percentage": 2.0, "discount_days": 7})
    for cid, (name, code) in enumerate(COUNTRIES, 1):
        ins("res.country", {"id": cid, "name": name, "code": code})
    for sid, (name, code, country) in enumerate(STATES, 1):
        ins("res.country.state", {"id": sid, "name": name, "code": code, "country_id": country})
    for cid, cur in ((1, USD), (2, EUR)):
        accounts = {}
        for key, code, name, acc_type, internal, type_id, rec in (
            ("receivable", "121000", "Account Receivable", "asset_receivable", "receivable", 1, True),
            ("payable", "211000", "Account Payable", "liability_payable", "payable", 2, True),
            ("bank", "101401", "Bank", "asset_cash", "liquidity", 3, False),
            ("income", "400000", "Product Sales", "income", "other", 4, False),
        ):
            accounts[key] = ins(
                "account.account",
                {
                    "code": code,
                    "name": name,
                    "account_type": acc_type,
                    "internal_type": internal,
                    "user_type_id": type_id,
                    "reconcile": rec,
                    "non_trade": False,
                    "company_id": cid,
                    "company_ids": [cid],
                    "deprecated": False,
                    "active": True,
                    "receivable": key == "receivable",
                },
            )
        journals = {}
        for seq, (key, code, name) in enumerate(
            (
                ("sale", "INV", "Customer Invoices"),
                ("bank", "BNK1", "Bank"),
                ("general", "MISC", "Miscellaneous Operations"),
            ),
            1,
        ):
            journals[key] = ins(
                "account.journal",
                {"name": name, "code": code, "sequence": seq, "type": key, "company_id": cid},
            )
        other = EUR if cur == USD else USD
        store.charts[cid] = {
            **accounts,
            "journals": journals,
            "currency_id": cur,
            "currencies": {"USD": USD, "EUR": EUR},
            "rates": {cur: Decimal(1), other: Decimal("1.08") if cur == USD else Decimal("0.92")},
        }
    for sid, name in ((1, "Discussions"), (2, "Note"), (3, "Activities")):
        ins("mail.message.subtype", {"id": sid, "name": name})
    # mail's default activity types (mail/data/mail_activity_type_data.xml), To-Do among them
    for tid, (name, icon, delay, sequence) in enumerate(
        (
            ("Email", "fa-envelope", 0, 3),
            ("Call", "fa-phone", 2, 6),
            ("Meeting", "fa-users", 0, 9),
            ("To-Do", "fa-check", 5, 12),
            ("Upload Document", "fa-upload", 5, 25),
        ),
        1,
    ):
        ins(
            "mail.activity.type",
            {
                "id": tid,
                "name": name,
                "summary": name,
                "sequence": sequence,
                "active": True,
                "delay_count": delay,
                "delay_unit": "days",
                "icon": icon,
            },
        )
    # an ir.model row is named by the model's description, as Odoo's are (access errors quote that name)
    for name in store.models:
        ins("ir.model", {"name": MODELS[name].description, "model": name})
    for module, name, model, res_id in (
        ("base", "main_company", "res.company", 1),
        ("base", "main_partner", "res.partner", 1),
        ("base", "partner_admin", "res.partner", 3),
        ("base", "user_admin", "res.users", 2),
        ("base", "user_root", "res.users", 1),
        ("base", "USD", "res.currency", USD),
        ("base", "EUR", "res.currency", EUR),
        ("mail", "mt_comment", "mail.message.subtype", 1),
        ("mail", "mt_note", "mail.message.subtype", 2),
        ("mail", "mt_activities", "mail.message.subtype", 3),
        ("mail", "mail_activity_data_email", "mail.activity.type", 1),
        ("mail", "mail_activity_data_call", "mail.activity.type", 2),
        ("mail", "mail_activity_data_meeting", "mail.activity.type", 3),
        ("mail", "mail_activity_data_todo", "mail.activity.type", 4),
        ("mail", "mail_activity_data_upload_document", "mail.activity.type", 5),
        ("account", "account_payment_term_30days", "account.payment.term", 2),
    ):
        ins("ir.model.data", {"module": module, "name": name, "model": model, "res_id": res_id})
    addons.install(store)  # the installed add-ons' groups and external ids
    ins("ir.model.data", {"module": "account", "name": "account_payment_term_30days_early_discount",
                          "model": "account.payment.term", "res_id": EARLY_TERM})
    store.frozen_stamp = None
