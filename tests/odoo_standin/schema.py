"""Models and fields the stand-in serves, with the version each field exists in.

Each field is declared once with the Odoo major versions it exists in (``since``/``until``, inclusive), whether it
is stored, and, for related fields, the dotted path it follows. :func:`fields_for` gives one version's field set.
A model or field that an add-on brings (``addon="ardesk_collections"``) exists only in a database where that add-on
is installed: :func:`models_for` and :func:`fields_for` take the installed add-ons.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSIONS = ("14.0", "15.0", "16.0", "17.0", "18.0", "19.0")


@dataclass(frozen=True, slots=True)
class Field:
    """One field of one model: what ``fields_get`` reports and how the store reads it."""

    type: str
    string: str
    relation: str | None = None
    selection: tuple[tuple[str, str], ...] | None = None
    required: bool = False
    readonly: bool = False
    store: bool = True
    related: tuple[str, ...] | None = (
        None  # a related field follows this path (e.g. account_id, account_type)
    )
    compute: bool = False  # computed by the store at read time (not stored)
    inverse: str | None = None  # one2many: the many2one field on the comodel
    since: int = 0
    until: int = 99
    company_dependent: bool = False
    model_field: str | None = None  # many2one_reference: the char field naming the document's model
    addon: str | None = None  # the add-on that adds this field (absent unless it is installed)

    def describe(self) -> dict:
        out = {
            "type": self.type,
            "string": self.string,
            "required": self.required,
            "readonly": self.readonly or self.compute or bool(self.related),
            "store": self.store,
            "sortable": self.store,
            "searchable": True,
        }
        if self.relation:
            out["relation"] = self.relation
        if self.selection is not None:
            out["selection"] = [list(pair) for pair in self.selection]
        if self.related:
            out["related"] = ".".join(self.related)
        if self.company_dependent:
            out["company_dependent"] = True
        if self.model_field:
            out["model_field"] = self.model_field
        return out


def F(type_, string, **kw) -> Field:
    return Field(type_, string, **kw)


def sel(*keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, k.replace("_", " ").title()) for k in keys)


MOVE_TYPES = sel("entry", "out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt")
PAYMENT_STATES_14 = sel("not_paid", "in_payment", "paid", "partial", "reversed", "invoicing_legacy")
PAYMENT_STATES_18 = sel(
    "not_paid", "in_payment", "paid", "partial", "reversed", "blocked", "invoicing_legacy"
)
ACCOUNT_TYPES = sel(
    "asset_receivable",
    "asset_cash",
    "asset_current",
    "asset_non_current",
    "asset_prepayments",
    "asset_fixed",
    "liability_payable",
    "liability_credit_card",
    "liability_current",
    "liability_non_current",
    "equity",
    "equity_unaffected",
    "income",
    "income_other",
    "expense",
    "expense_depreciation",
    "expense_direct_cost",
    "off_balance",
)
ACCOUNT_TYPES_19 = ACCOUNT_TYPES + sel("expense_other")
INTERNAL_TYPES = sel("receivable", "payable", "liquidity", "other")
DISPLAY_TYPES_14 = sel("line_section", "line_note")
DISPLAY_TYPES_16 = sel(
    "cogs", "epd", "line_note", "line_section", "payment_term", "product", "rounding", "tax"
)
DISPLAY_TYPES_17 = DISPLAY_TYPES_16 + sel("discount")
DISPLAY_TYPES_19 = DISPLAY_TYPES_17 + sel(
    "line_subsection", "non_deductible_product", "non_deductible_product_total", "non_deductible_tax"
)

_COMMON = {
    "id": F("integer", "ID", readonly=True),
    "display_name": F("char", "Display Name", store=False, compute=True),
    "create_date": F("datetime", "Created on", readonly=True),
    "write_date": F("datetime", "Last Updated on", readonly=True),
}


@dataclass(frozen=True)
class Model:
    """A model: its fields, default order and the field that names a record."""

    name: str
    description: str
    fields: dict
    order: str = "id"
    rec_name: str = "name"
    thread: bool = False  # has message_post
    addon: str | None = None  # the add-on that brings this model (absent unless it is installed)


MODELS: dict[str, Model] = {}


def model(model_name, description, /, order="id", rec_name="name", thread=False, addon=None, **fields):
    MODELS[model_name] = Model(model_name, description, {**_COMMON, **fields}, order, rec_name, thread, addon)


model(
    "res.currency",
    "Currency",
    order="active desc, name",
    name=F("char", "Currency", required=True),
    symbol=F("char", "Symbol"),
    decimal_places=F("integer", "Decimal Places", store=False, compute=True),
    rounding=F("float", "Rounding Factor"),
    rate=F("float", "Current Rate", store=False, compute=True),
    inverse_rate=F("float", "Inverse Rate", store=False, compute=True, since=16),
    active=F("boolean", "Active"),
    position=F("selection", "Symbol Position", selection=sel("after", "before")),
)
model(
    "res.company",
    "Companies",
    order="sequence, name",
    name=F("char", "Company Name", required=True),
    sequence=F("integer", "Sequence"),
    currency_id=F("many2one", "Currency", relation="res.currency", required=True),
    partner_id=F("many2one", "Partner", relation="res.partner", required=True),
    parent_id=F("many2one", "Parent Company", relation="res.company"),
)
model(
    "res.partner",
    "Contact",
    order="complete_name ASC, id DESC",
    rec_name="complete_name",
    thread=True,
    name=F("char", "Name"),
    complete_name=F("char", "Complete Name", readonly=True),
    email=F("char", "Email"),
    phone=F("char", "Phone"),
    mobile=F("char", "Mobile", until=18),
    vat=F("char", "Tax ID"),
    ref=F("char", "Reference"),
    lang=F(
        "selection",
        "Language",
        selection=(("en_US", "English (US)"), ("fr_FR", "French"), ("de_DE", "German")),
    ),
    active=F("boolean", "Active"),
    is_company=F("boolean", "Is a Company"),
    type=F("selection", "Address Type", selection=sel("contact", "invoice", "delivery", "other")),
    parent_id=F("many2one", "Related Company", relation="res.partner"),
    child_ids=F("one2many", "Contact", relation="res.partner", inverse="parent_id", store=False),
    commercial_partner_id=F("many2one", "Commercial Entity", relation="res.partner", readonly=True),
    company_id=F("many2one", "Company", relation="res.company"),
    user_id=F("many2one", "Salesperson", relation="res.users"),
    street=F("char", "Street"),
    street2=F("char", "Street2"),
    zip=F("char", "Zip"),
    city=F("char", "City"),
    state_id=F("many2one", "State", relation="res.country.state"),
    country_id=F("many2one", "Country", relation="res.country"),
    credit=F("monetary", "Total Receivable", store=False, compute=True),
    debit=F("monetary", "Total Payable", store=False, compute=True),
    credit_limit=F("float", "Credit Limit", company_dependent=True),
    trust=F(
        "selection",
        "Degree of trust you have in this debtor",
        selection=sel("good", "normal", "bad"),
        company_dependent=True,
    ),
    property_payment_term_id=F(
        "many2one", "Customer Payment Terms", relation="account.payment.term", company_dependent=True
    ),
    use_partner_credit_limit=F("boolean", "Partner Limit", store=False, compute=True, since=16),
    invoice_warn=F("selection", "Invoice", selection=sel("no-message", "warning", "block"), until=18),
    invoice_warn_msg=F("text", "Message for Invoice", until=18),
    invoice_sending_method=F("selection", "Invoice sending", selection=sel("email", "manual"), since=18),
)
model(
    "res.users",
    "User",
    order="name, login",
    thread=False,
    name=F("char", "Name", related=("partner_id", "name"), store=False),
    login=F("char", "Login", required=True),
    partner_id=F("many2one", "Related Partner", relation="res.partner"),
    company_id=F("many2one", "Company", relation="res.company"),
    company_ids=F("many2many", "Companies", relation="res.company"),
    lang=F("selection", "Language", selection=(("en_US", "English (US)"),)),
    tz=F("char", "Timezone"),
    groups_id=F("many2many", "Groups", relation="res.groups", until=18),
    group_ids=F("many2many", "Groups", relation="res.groups", since=19),
)
model("res.groups", "Access Groups", name=F("char", "Name"))
MODELS["account.account.type"] = Model(
    "account.account.type",
    "Account Type",
    {**_COMMON, "name": F("char", "Account Type"), "type": F("selection", "Type", selection=INTERNAL_TYPES)},
)
model(
    "account.account",
    "Account",
    order="code, id",
    rec_name="code",
    code=F("char", "Code", required=True),
    name=F("char", "Account Name", required=True),
    user_type_id=F("many2one", "Type", relation="account.account.type", until=15),
    internal_type=F(
        "selection", "Internal Type", selection=INTERNAL_TYPES, related=("user_type_id", "type"), until=15
    ),
    account_type=F("selection", "Type", selection=ACCOUNT_TYPES, since=16, until=18),
    reconcile=F("boolean", "Allow Reconciliation"),
    non_trade=F("boolean", "Non Trade", since=16),
    company_id=F("many2one", "Company", relation="res.company", until=17),
    company_ids=F("many2many", "Companies", relation="res.company", since=18),
    deprecated=F("boolean", "Deprecated", until=18),
    active=F("boolean", "Active", since=19),
)
MODELS["account.account"].fields["account_type_19"] = F(
    "selection", "Type", selection=ACCOUNT_TYPES_19, since=19
)
model(
    "account.journal",
    "Journal",
    order="sequence, type, code",
    name=F("char", "Journal Name"),
    code=F("char", "Short Code"),
    sequence=F("integer", "Sequence"),
    type=F("selection", "Type", selection=sel("sale", "purchase", "cash", "bank", "general")),
    company_id=F("many2one", "Company", relation="res.company"),
)
model(
    "account.payment.term",
    "Payment Terms",
    order="sequence, id",
    name=F("char", "Payment Terms"),
    sequence=F("integer", "Sequence"),
    early_discount=F("boolean", "Early Discount", since=17),  # 16: per term line, not modelled here
    discount_percentage=F("float", "Discount %", since=17),
    discount_days=F("integer", "Discount Days", since=17),
)
model("account.full.reconcile", "Full Reconcile", name=F("char", "Number"))
model(
    "account.payment",
    "Payments",
    order="date desc, name desc",
    name=F("char", "Number"),
    date=F("date", "Date"),
    amount=F("monetary", "Amount"),
    partner_id=F("many2one", "Customer/Vendor", relation="res.partner"),
    currency_id=F("many2one", "Currency", relation="res.currency"),
    move_id=F("many2one", "Journal Entry", relation="account.move"),
    payment_type=F("selection", "Payment Type", selection=sel("outbound", "inbound")),
    state=F("selection", "Status", selection=sel("draft", "posted", "cancel")),
)
model(
    "account.move",
    "Journal Entry",
    order="date desc, name desc, id desc",
    thread=True,
    name=F("char", "Number"),
    ref=F("char", "Reference"),
    date=F("date", "Date", required=True),
    move_type=F("selection", "Type", selection=MOVE_TYPES, required=True),
    state=F("selection", "Status", selection=sel("draft", "posted", "cancel"), required=True),
    payment_state=F("selection", "Payment Status", selection=PAYMENT_STATES_14, until=17),
    journal_id=F("many2one", "Journal", relation="account.journal", required=True),
    company_id=F("many2one", "Company", relation="res.company"),
    currency_id=F("many2one", "Currency", relation="res.currency"),
    company_currency_id=F(
        "many2one",
        "Company Currency",
        relation="res.currency",
        store=False,
        related=("company_id", "currency_id"),
    ),
    partner_id=F("many2one", "Partner", relation="res.partner"),
    commercial_partner_id=F("many2one", "Commercial Entity", relation="res.partner"),
    invoice_date=F("date", "Invoice/Bill Date"),
    invoice_date_due=F("date", "Due Date"),
    invoice_payment_term_id=F("many2one", "Payment Terms", relation="account.payment.term"),
    invoice_origin=F("char", "Origin"),
    payment_reference=F("char", "Payment Reference"),
    invoice_user_id=F("many2one", "Salesperson", relation="res.users"),
    amount_untaxed=F("monetary", "Untaxed Amount"),
    amount_tax=F("monetary", "Tax"),
    amount_total=F("monetary", "Total"),
    amount_residual=F("monetary", "Amount Due"),
    amount_total_signed=F("monetary", "Total Signed"),
    amount_residual_signed=F("monetary", "Amount Due Signed"),
    amount_total_in_currency_signed=F("monetary", "Total in Currency Signed", since=15),
    line_ids=F("one2many", "Journal Items", relation="account.move.line", inverse="move_id", store=False),
    invoice_line_ids=F(
        "one2many", "Invoice lines", relation="account.move.line", inverse="move_id", store=False
    ),
    payment_id=F("many2one", "Payment", relation="account.payment", until=17),
    origin_payment_id=F("many2one", "Payment", relation="account.payment", since=18),
    to_check=F("boolean", "To Check", until=17),
    checked=F("boolean", "Checked", since=18),
    delivery_date=F("date", "Delivery Date", since=17),
    access_token=F("char", "Security Token"),       # portal.mixin: made by the first get_portal_url
    no_followup=F("boolean", "No Follow-Up", since=19, store=False, compute=True),
)
MODELS["account.move"].fields["payment_state_18"] = F(
    "selection", "Payment Status", selection=PAYMENT_STATES_18, since=18
)
model(
    "account.move.line",
    "Journal Item",
    order="date desc, move_name desc, id",
    rec_name="name",
    move_id=F("many2one", "Journal Entry", relation="account.move", required=True),
    move_name=F("char", "Number"),
    name=F("char", "Label"),
    ref=F("char", "Reference"),
    date=F("date", "Date"),
    date_maturity=F("date", "Due Date"),
    parent_state=F("selection", "Status", selection=sel("draft", "posted", "cancel")),
    journal_id=F("many2one", "Journal", relation="account.journal"),
    company_id=F("many2one", "Company", relation="res.company"),
    company_currency_id=F(
        "many2one",
        "Company Currency",
        relation="res.currency",
        store=False,
        related=("company_id", "currency_id"),
    ),
    account_id=F("many2one", "Account", relation="account.account"),
    partner_id=F("many2one", "Partner", relation="res.partner"),
    currency_id=F("many2one", "Currency", relation="res.currency", required=True),
    debit=F("monetary", "Debit"),
    credit=F("monetary", "Credit"),
    balance=F("monetary", "Balance"),
    amount_currency=F("monetary", "Amount in Currency"),
    amount_residual=F("monetary", "Residual Amount"),
    amount_residual_currency=F("monetary", "Residual Amount in Currency"),
    reconciled=F("boolean", "Reconciled"),
    full_reconcile_id=F("many2one", "Matching", relation="account.full.reconcile"),
    matching_number=F("char", "Matching #"),
    matched_debit_ids=F(
        "one2many",
        "Matched Debits",
        relation="account.partial.reconcile",
        inverse="credit_move_id",
        store=False,
    ),
    matched_credit_ids=F(
        "one2many",
        "Matched Credits",
        relation="account.partial.reconcile",
        inverse="debit_move_id",
        store=False,
    ),
    account_internal_type=F(
        "selection",
        "Internal Type",
        selection=INTERNAL_TYPES,
        store=False,
        related=("account_id", "user_type_id", "type"),
        until=15,
    ),
    exclude_from_invoice_tab=F("boolean", "Exclude from Invoice Tab", until=15),
    account_type=F(
        "selection",
        "Internal Type",
        selection=ACCOUNT_TYPES,
        store=False,
        related=("account_id", "account_type"),
        since=16,
    ),
    display_type=F("selection", "Display Type", selection=DISPLAY_TYPES_14, until=15),
    blocked=F("boolean", "No Follow-up", until=17),
    no_followup=F("boolean", "No Follow-up", since=19),
    invoice_date=F("date", "Invoice/Bill Date", since=17, related=("move_id", "invoice_date")),
    move_type=F(
        "selection", "Type", selection=MOVE_TYPES, store=False, related=("move_id", "move_type"), since=16
    ),
    payment_id=F(
        "many2one", "Originator Payment", relation="account.payment", related=("move_id", "payment_id"), until=17
    ),
    discount_date=F("date", "Discount Date", since=16),
    discount_amount_currency=F("monetary", "Discount amount in Currency", since=16),
)
_aml = MODELS["account.move.line"].fields
_aml["payment_id_18"] = F(
    "many2one", "Originator Payment", relation="account.payment", related=("move_id", "origin_payment_id"), since=18
)
_aml["display_type_16"] = F("selection", "Display Type", selection=DISPLAY_TYPES_16, since=16, until=16)
_aml["display_type_17"] = F("selection", "Display Type", selection=DISPLAY_TYPES_17, since=17, until=18)
_aml["display_type_19"] = F("selection", "Display Type", selection=DISPLAY_TYPES_19, since=19)
model(
    "account.partial.reconcile",
    "Partial Reconcile",
    rec_name="id",
    debit_move_id=F("many2one", "Debit line", relation="account.move.line", required=True),
    credit_move_id=F("many2one", "Credit line", relation="account.move.line", required=True),
    full_reconcile_id=F("many2one", "Full Reconcile", relation="account.full.reconcile"),
    exchange_move_id=F("many2one", "Exchange Move", relation="account.move"),
    amount=F("monetary", "Amount"),
    debit_amount_currency=F("monetary", "Debit amount in currency"),
    credit_amount_currency=F("monetary", "Credit amount in currency"),
    debit_currency_id=F("many2one", "Debit Currency", relation="res.currency"),
    credit_currency_id=F("many2one", "Credit Currency", relation="res.currency"),
    company_id=F("many2one", "Company", relation="res.company"),
    max_date=F("date", "Max Date of Matched Lines"),
)
model("mail.message.subtype", "Message subtypes", name=F("char", "Message Type"))
model(
    "mail.message",
    "Message",
    order="id desc",
    rec_name="subject",
    subject=F("char", "Subject"),
    body=F("html", "Contents"),
    model=F("char", "Related Document Model"),
    res_id=F("integer", "Related Document ID"),
    date=F("datetime", "Date"),
    message_type=F(
        "selection", "Type", selection=sel("email", "comment", "notification", "user_notification")
    ),
    subtype_id=F("many2one", "Subtype", relation="mail.message.subtype"),
    author_id=F("many2one", "Author", relation="res.partner"),
    partner_ids=F("many2many", "Recipients", relation="res.partner"),
    message_id=F("char", "Message-Id"),
    email_from=F("char", "From"),
    is_internal=F("boolean", "Employee Only"),
)
model(
    "ir.model",
    "Models",
    order="model",
    rec_name="name",
    name=F("char", "Model Description"),
    model=F("char", "Model"),
)
model(
    "ir.model.data",
    "Model Data",
    order="module, model, name",
    rec_name="name",
    module=F("char", "Module"),
    name=F("char", "External Identifier"),
    model=F("char", "Model Name"),
    res_id=F("integer", "Record ID"),
)
# Activities (addons/mail/models/mail_activity*.py). Declared after the models above so that their ir.model rows
# and ids stay as they were. Only the fields a collections desk reads or writes, in Odoo's declaration order: when
# several NOT NULL columns are missing, PostgreSQL names the first one.
model(
    "mail.activity.type",
    "Activity Type",
    order="sequence, id",
    name=F("char", "Name", required=True),
    summary=F("char", "Default Summary"),
    sequence=F("integer", "Sequence"),
    active=F("boolean", "Active"),
    delay_count=F("integer", "Schedule"),
    delay_unit=F("selection", "Delay units", selection=sel("days", "weeks", "months"), required=True),
    icon=F("char", "Icon"),
)
model(
    "mail.activity",
    "Activity",
    order="date_deadline ASC, id ASC",  # 14-16: 'date_deadline ASC' (the same rows: ties come in id order)
    rec_name="summary",
    res_model_id=F("many2one", "Document Model", relation="ir.model", required=True),
    res_model=F("char", "Related Document Model", related=("res_model_id", "model"), readonly=True),
    # a Many2oneReference: NOT NULL up to 16; from 17 not required but CHECK(res_id IS NOT NULL AND res_id != 0)
    res_id_16=F("many2one_reference", "Related Document ID", required=True, model_field="res_model", until=16),
    res_id_17=F("many2one_reference", "Related Document ID", model_field="res_model", since=17),
    res_name=F("char", "Document Name", compute=True, readonly=True),  # stored compute: the document's name
    activity_type_id=F("many2one", "Activity Type", relation="mail.activity.type"),
    summary=F("char", "Summary"),
    note=F("html", "Note"),
    date_deadline=F("date", "Due Date", required=True),
    automated=F("boolean", "Automated activity", readonly=True),
    user_id=F("many2one", "Assigned to", relation="res.users", required=True),
    state_14=F("selection", "State", selection=sel("overdue", "today", "planned"), store=False, compute=True,
               until=16),
    state_17=F("selection", "State", selection=sel("overdue", "today", "planned", "done"), store=False,
               compute=True, since=17),
    active=F("boolean", "Active", since=17),
)

# Countries and states (addons/base/models/res_country.py), for partners' addresses. Declared after the models above
# so that their ir.model rows and ids stay as they were, and before the add-on's, whose rows come last.
model(
    "res.country",
    "Country",
    order="name",
    name=F("char", "Country Name", required=True),
    code=F("char", "Country Code"),
)
model(
    "res.country.state",
    "Country state",
    order="code",
    name=F("char", "State Name", required=True),
    code=F("char", "State Code", required=True),
    country_id=F("many2one", "Country", relation="res.country", required=True),
)
# The ardesk_collections add-on (addon/<series>/ardesk_collections): its collection notes, in the add-on's declaration
# order, and what it adds to customers and invoices (computed from the notes the user may read). Declared last so
# that every other model's ir.model row and id stays as it is without the add-on.
ARDESK = "ardesk_collections"
PROMISE_STATES = (
    ("open", "Open"),
    ("kept", "Kept"),
    ("partly kept", "Partly kept"),
    ("broken", "Broken"),
    ("superseded", "Superseded"),
    ("unknown", "Unknown"),
)
DISPUTE_STATES = (("open", "Open"), ("resolved", "Resolved"))
COLLECTION_STAGES = (
    ("none", "Not contacted"),
    ("contacted", "Contacted"),
    ("promised", "Promise to pay"),
    ("broken", "Promise broken"),
    ("disputed", "Disputed"),
)
model(
    "ardesk.collection.note",
    "Collection Note",
    order="date desc, id desc",
    rec_name="external_id",
    addon=ARDESK,
    external_id=F("char", "Note ID", required=True),
    revision=F("integer", "Revision"),
    company_id=F("many2one", "Company", relation="res.company", required=True),
    partner_id=F("many2one", "Customer", relation="res.partner", required=True),
    move_id=F("many2one", "Invoice", relation="account.move"),
    author=F("char", "Author"),
    user_id=F("many2one", "Written by", relation="res.users", readonly=True),
    date=F("date", "Date", required=True),
    text=F("text", "Note"),
    outcome=F("char", "Outcome"),
    # a stored compute (the invoice's currency, else the company's): kept in the row by the add-on's code
    currency_id=F("many2one", "Currency", relation="res.currency", readonly=True),
    promise_date=F("date", "Promise Date"),
    promise_amount=F("monetary", "Promise Amount"),
    promise_state=F("selection", "Promise State", selection=PROMISE_STATES),
    dispute_state=F("selection", "Dispute", selection=DISPUTE_STATES),
    disputed_amount=F("monetary", "Disputed Amount"),
    next_action_date=F("date", "Next Action"),
    followup_level=F("char", "Reminder Level"),
    chatter_message_id=F("many2one", "Chatter Message", relation="mail.message", readonly=True),
)
MODELS["res.partner"].fields.update(
    ardesk_note_ids=F(
        "one2many", "Collection Notes", relation="ardesk.collection.note", inverse="partner_id", store=False,
        addon=ARDESK,
    ),
    ardesk_note_count=F("integer", "Collection Note Count", store=False, compute=True, addon=ARDESK),
    ardesk_stage=F(
        "selection", "Collection Stage", selection=COLLECTION_STAGES, store=False, compute=True, addon=ARDESK
    ),
    ardesk_next_action_date=F("date", "Next Collection Action", store=False, compute=True, addon=ARDESK),
    ardesk_promise_amount=F("monetary", "Open Promise", store=False, compute=True, addon=ARDESK),
    ardesk_promise_date=F("date", "Promised For", store=False, compute=True, addon=ARDESK),
    ardesk_disputed_amount=F("monetary", "Disputed", store=False, compute=True, addon=ARDESK),
    ardesk_last_contact=F("date", "Last Contact", store=False, compute=True, addon=ARDESK),
    ardesk_currency_id=F("many2one", "Ardesk Currency", relation="res.currency", store=False, compute=True,
                         addon=ARDESK),
    ardesk_followup_level=F("char", "Reminder Level", store=False, compute=True, addon=ARDESK),
    ardesk_followup_date=F("date", "Last Reminder", store=False, compute=True, addon=ARDESK),
)
MODELS["account.move"].fields.update(
    ardesk_note_ids=F(
        "one2many", "Collection Notes", relation="ardesk.collection.note", inverse="move_id", store=False,
        addon=ARDESK,
    ),
    ardesk_note_count=F("integer", "Collection Note Count", store=False, compute=True, addon=ARDESK),
    ardesk_dispute_state=F("selection", "Dispute", selection=DISPUTE_STATES, store=False, compute=True,
                           addon=ARDESK),
)
ADDONS = (ARDESK,)  # the add-ons a stand-in can be started with

# A field that exists under one name in every version but whose selection (or whether it is required) changed is
# declared under an alias "<name>_<version>"; ALIASES maps it back to the public name.
ALIASES = {
    "account_type_19": "account_type",
    "payment_state_18": "payment_state",
    "payment_id_18": "payment_id",
    "display_type_16": "display_type",
    "display_type_17": "display_type",
    "display_type_19": "display_type",
    "res_id_16": "res_id",
    "res_id_17": "res_id",
    "state_14": "state",
    "state_17": "state",
}


def major(version: str) -> int:
    return int(str(version).split(".")[0].split("~")[-1])


def fields_for(model_name: str, version: str, addons=()) -> dict[str, Field]:
    """The fields ``model_name`` has in ``version`` with ``addons`` installed, by public name."""
    m = major(version)
    out: dict[str, Field] = {}
    for name, fld in MODELS[model_name].fields.items():
        if fld.since <= m <= fld.until and (fld.addon is None or fld.addon in addons):
            if fld.company_dependent and m < 18:
                fld = Field(**{**_asdict(fld), "store": False})
            out[ALIASES.get(name, name)] = fld
    return out


def models_for(version: str, addons=()) -> list[str]:
    m = major(version)
    return [
        name
        for name, mdl in MODELS.items()
        if not (name == "account.account.type" and m >= 16) and (mdl.addon is None or mdl.addon in addons)
    ]


def _asdict(fld: Field) -> dict:
    return {slot: getattr(fld, slot) for slot in Field.__slots__}
