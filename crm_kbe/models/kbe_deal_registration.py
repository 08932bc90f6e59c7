import math
import re
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize

DEAL_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("expired", "Expired"),
]
# e-mail domains anyone can have: two customers sharing one are not the same company
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.id",
        "ymail.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "aol.com",
        "mail.com",
        "gmx.com",
        "proton.me",
        "protonmail.com",
    }
)
# legal forms left out when comparing company names ("PT. Nusantara Expo" = "Nusantara Expo Tbk")
LEGAL_FORMS = frozenset({"pt", "cv", "ud", "pd", "tbk", "persero", "ltd", "inc", "co", "llc"})
# a name shorter than this matches too many customers to mean anything
MIN_KEY_LENGTH = 3
# a submitted registration nobody decided on expires after this many days
SUBMITTED_EXPIRY_DAYS = 60
# limits of what a partner may type on the portal
NAME_MAX = 200
AMOUNT_PATTERN = re.compile(r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
TEXT_MAX = 5000
PRODUCTS_MAX = 20


def customer_key(name):
    """The company name as compared for conflicts: lower case, no punctuation, no legal form."""
    words = re.sub(r"[^\w]+", " ", (name or "").lower()).split()
    key = " ".join(word for word in words if word not in LEGAL_FORMS)
    return key if len(key) >= MIN_KEY_LENGTH else ""


def email_domain(email):
    """The company domain of an e-mail address; empty for public mail providers."""
    normalized = email_normalize(email or "") or ""
    domain = normalized.rpartition("@")[2]
    return "" if not domain or domain in PUBLIC_EMAIL_DOMAINS else domain


class KbeDealRegistration(models.Model):
    """A deal a channel partner registers: the end customer it is working on, to be protected from
    other partners once the program manager accepts it. Accepting creates the opportunity, worked
    through the partner (``crm.lead.kbe_channel_partner_id``)."""

    _name = "kbe.deal.registration"
    _description = "Deal Registration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(string="Deal", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active'), ('is_company', '=', True)]",
        help="The channel partner registering the deal.",
    )
    registered_by_id = fields.Many2one(
        "res.partner",
        help="The contact of the channel partner who registered the deal (on the portal).",
    )
    # the end customer
    customer_name = fields.Char(string="Customer", required=True, tracking=True, index="trigram")
    contact_name = fields.Char()
    email = fields.Char()
    phone = fields.Char()
    customer_key = fields.Char(compute="_compute_customer_key", store=True, index="trigram")
    email_normalized = fields.Char(compute="_compute_email_fields", store=True, index="btree_not_null")
    email_domain = fields.Char(
        compute="_compute_email_fields",
        store=True,
        index="btree_not_null",
        help="The company domain of the e-mail, empty for public providers (gmail.com...).",
    )
    # the deal
    currency_id = fields.Many2one(related="company_id.currency_id")
    expected_revenue = fields.Monetary(currency_field="currency_id", tracking=True)
    date_deadline = fields.Date(string="Expected Closing", tracking=True)
    product_ids = fields.Many2many("product.product", string="Products of Interest", check_company=True)
    description = fields.Text()
    # state
    state = fields.Selection(DEAL_STATES, default="draft", required=True, tracking=True, index=True, copy=False)
    submitted_on = fields.Date(readonly=True, copy=False)
    accepted_on = fields.Date(readonly=True, copy=False, index="btree_not_null")
    protection_until = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Until this day no other channel partner can register this customer.",
    )
    is_protected = fields.Boolean(compute="_compute_is_protected", string="Protected")
    reject_reason = fields.Text(string="Reason of Refusal", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who works the opportunity once accepted; empty: the partner's manager, or you.",
    )
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True, copy=False, index="btree_not_null")
    # conflicts, for the program manager only: leads of any owner and other partners' registrations
    conflict_registration_ids = fields.Many2many(
        "kbe.deal.registration",
        compute="_compute_conflicts",
        string="Conflicting Registrations",
        groups="crm_kbe.group_partner_manager",
    )
    conflict_lead_count = fields.Integer(
        compute="_compute_conflicts", string="Conflicting Leads", groups="crm_kbe.group_partner_manager"
    )
    conflict_lead_html = fields.Html(
        compute="_compute_conflicts",
        string="Conflicting Leads and Opportunities",
        sanitize=False,
        groups="crm_kbe.group_partner_manager",
    )
    conflict_count = fields.Integer(
        compute="_compute_conflicts", string="Conflicts", groups="crm_kbe.group_partner_manager"
    )

    _sql_constraints = [
        (
            "expected_revenue_positive",
            "CHECK(expected_revenue IS NULL OR expected_revenue >= 0)",
            "The expected revenue cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("customer_name")
    def _compute_customer_key(self):
        for registration in self:
            registration.customer_key = customer_key(registration.customer_name) or False

    @api.depends("email")
    def _compute_email_fields(self):
        for registration in self:
            registration.email_normalized = email_normalize(registration.email or "") or False
            registration.email_domain = email_domain(registration.email) or False

    @api.depends("state", "protection_until")
    def _compute_is_protected(self):
        today = fields.Date.context_today(self)
        for registration in self:
            registration.is_protected = bool(
                registration.state == "accepted"
                and registration.protection_until
                and registration.protection_until >= today
            )

    @api.depends("customer_key", "email_normalized", "email_domain", "lead_id", "company_id")
    def _compute_conflicts(self):
        """Leads, opportunities and other registrations of the same customer (name), e-mail or
        company domain: one search of each for the whole batch, matched in memory."""
        leads = self._kbe_conflicting_leads()
        others = self._kbe_matching_registrations([("state", "in", ("submitted", "accepted"))])
        for registration in self:
            matched_leads = [
                (lead, reason)
                for lead in leads - registration.lead_id
                if (reason := registration._kbe_match_reason(*_lead_keys(lead)))
            ]
            matched_regs = others.filtered(
                lambda other, reg=registration: other != reg
                and other._origin != reg._origin
                and other.company_id == reg.company_id
                and reg._kbe_match_reason(other.customer_name, other.email_normalized, other.email_domain)
            )
            registration.conflict_registration_ids = matched_regs
            registration.conflict_lead_count = len(matched_leads)
            registration.conflict_lead_html = self._kbe_conflict_table(matched_leads)
            registration.conflict_count = len(matched_leads) + len(matched_regs)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("expected_revenue")
    def _check_expected_revenue(self):
        for registration in self:
            revenue = registration.expected_revenue or 0.0
            if not math.isfinite(revenue) or revenue < 0:
                raise ValidationError(self.env._("The expected revenue must be a positive amount."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_submit(self):
        """Send the registration to the program manager."""
        self.check_access("write")
        if any(registration.state != "draft" for registration in self):
            raise UserError(self.env._("Only draft registrations can be submitted."))
        self._kbe_check_partner_active()
        self._kbe_check_protection()
        self.write({"state": "submitted", "submitted_on": fields.Date.context_today(self)})
        return True

    def action_accept(self):
        """Accept the registration: create its opportunity, worked through the channel partner,
        and protect the customer from other partners for the company's protection period."""
        self.check_access("write")
        if any(registration.state != "submitted" for registration in self):
            raise UserError(self.env._("Only submitted registrations can be accepted."))
        self._kbe_lock_customers()
        self._kbe_check_partner_active()
        today = fields.Date.context_today(self)
        for registration in self:
            # one by one: two registrations of one customer accepted together protect each other
            registration._kbe_check_protection()
            user = registration.user_id or registration.partner_id.kbe_partner_manager_id or self.env.user
            lead = registration._kbe_create_opportunity(user)
            registration.write(
                {
                    "state": "accepted",
                    "accepted_on": today,
                    "user_id": user.id,
                    "lead_id": lead.id,
                    "protection_until": today + timedelta(days=registration.company_id.kbe_deal_protection_days),
                }
            )
        return True

    def action_reject(self, reason=None):
        """Refuse the registration, with a reason the partner reads on the portal."""
        self.check_access("write")
        if any(registration.state not in ("draft", "submitted") for registration in self):
            raise UserError(self.env._("Only draft or submitted registrations can be rejected."))
        reason = (reason or "").strip()
        if not reason and any(not (registration.reject_reason or "").strip() for registration in self):
            raise UserError(self.env._("Give the reason of the refusal before rejecting the registration."))
        values = {"state": "rejected", "protection_until": False}
        if reason:
            values["reject_reason"] = reason
        self.write(values)
        return True

    def action_draft(self):
        """Back to draft, to correct and submit again (rejected or expired without opportunity)."""
        self.check_access("write")
        if any(registration.state not in ("rejected", "expired") or registration.lead_id for registration in self):
            raise UserError(self.env._("Only rejected or expired registrations without opportunity go back to draft."))
        self.write({"state": "draft", "reject_reason": False, "protection_until": False})
        return True

    def action_view_opportunity(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _kbe_portal_register(self, values):
        """Create and submit the registration ``values`` (from the portal form, as typed) of the
        current user's company, after checking every value; raises ``UserError`` with a sentence
        for the partner when one is wrong, and creates nothing then."""
        contact = self.env.user.partner_id
        partner = contact.commercial_partner_id
        if partner.kbe_partner_status != "active":
            raise UserError(self.env._("Only active channel partners can register deals."))
        clean = self._kbe_clean_portal_values(values, partner)
        clean.update(
            {
                "partner_id": partner.id,
                "registered_by_id": contact.id,
                "company_id": (partner.company_id or self.env.company).id,
            }
        )
        clean.update({"state": "submitted", "submitted_on": fields.Date.context_today(self)})
        # checked before anything is created: a refused registration leaves nothing behind
        # sudo: the draft in memory holds products, which portal users cannot read
        self.sudo().new(clean)._kbe_check_protection()
        # sudo: portal users have no create right; the partner and contact are forced to the caller's
        return self.sudo().with_context(mail_create_nosubscribe=True).create(clean)

    @api.model
    def _kbe_clean_portal_values(self, values, partner):
        """The registration values of the portal form, checked (``UserError`` on the first wrong one)."""
        texts = {}
        limits = {
            "name": (NAME_MAX, self.env._("Deal")),
            "customer_name": (NAME_MAX, self.env._("Customer")),
            "contact_name": (NAME_MAX, self.env._("Contact name")),
            "email": (NAME_MAX, self.env._("E-mail")),
            "phone": (64, self.env._("Phone")),
            "description": (TEXT_MAX, self.env._("Description")),
        }
        for field_name, (limit, label) in limits.items():
            text = str(values.get(field_name) or "").strip()
            if len(text) > limit:
                raise UserError(
                    self.env._('"%(field)s" is too long (at most %(max)s characters).', field=label, max=limit)
                )
            texts[field_name] = text or False
        for field_name in ("name", "customer_name"):
            if not texts[field_name]:
                raise UserError(self.env._('Fill in "%(field)s".', field=limits[field_name][1]))
        if not texts["contact_name"] and not texts["email"]:
            raise UserError(self.env._("Give the customer's contact name or e-mail."))
        if texts["email"] and not email_normalize(texts["email"]):
            raise UserError(self.env._("The e-mail address is not valid."))
        revenue = self._kbe_parse_amount(values.get("expected_revenue"))
        deadline = False
        if values.get("date_deadline"):
            try:
                deadline = fields.Date.to_date(str(values["date_deadline"]))
            except ValueError:
                deadline = None
            if not deadline:
                raise UserError(self.env._("The expected closing date is not a date."))
            if deadline < fields.Date.context_today(self):
                raise UserError(self.env._("The expected closing date is in the past."))
        products = self._kbe_portal_products(values.get("product_ids") or [], partner)
        return {**texts, "expected_revenue": revenue, "date_deadline": deadline, "product_ids": [(6, 0, products.ids)]}

    @api.model
    def _kbe_parse_amount(self, raw):
        text = str(raw if raw is not None else "").strip()
        if not text:
            return 0.0
        # digits, with commas between thousands if any ("25,000,000"), and decimals after a point
        amount = float(text.replace(",", "")) if AMOUNT_PATTERN.fullmatch(text) else math.nan
        if not math.isfinite(amount) or amount < 0 or amount > 1e15:
            raise UserError(self.env._("The expected revenue must be a positive amount."))
        return amount

    @api.model
    def _kbe_portal_products(self, raw_ids, partner):
        """The sellable products of ``raw_ids`` (ids as typed); refuses an unknown one."""
        if isinstance(raw_ids, str | int):
            raw_ids = [raw_ids]
        try:
            ids = {int(raw) for raw in raw_ids if str(raw).strip()}
        except (TypeError, ValueError):
            raise UserError(self.env._("Choose the products from the list.")) from None
        if len(ids) > PRODUCTS_MAX:
            raise UserError(self.env._("Choose at most %(max)s products.", max=PRODUCTS_MAX))
        if not ids:
            return self.env["product.product"]
        company = partner.company_id or self.env.company
        products_sudo = (
            self.env["product.product"]
            # sudo: portal users cannot read products; only sellable products of the company are accepted
            .sudo()
            .search([("id", "in", list(ids)), ("sale_ok", "=", True), ("company_id", "in", (False, company.id))])
        )
        if len(products_sudo) != len(ids):
            raise UserError(self.env._("Choose the products from the list."))
        return products_sudo

    def _kbe_check_partner_active(self):
        inactive = self.partner_id.filtered(lambda partner: partner.kbe_partner_status != "active")
        if inactive:
            raise UserError(
                self.env._(
                    "%(partners)s is not an active channel partner.",
                    partners=", ".join(inactive.mapped("display_name")),
                )
            )

    def _kbe_check_protection(self):
        """Refuse registrations of a customer another partner registered and still protects;
        the partner is never told who."""
        today = fields.Date.context_today(self)
        protected = self._kbe_matching_registrations([("state", "=", "accepted"), ("protection_until", ">=", today)])
        for registration in self:
            if protected.filtered(
                lambda other, reg=registration: other.partner_id != reg.partner_id
                and other.company_id == reg.company_id
                and reg._kbe_match_reason(other.customer_name, other.email_normalized, other.email_domain)
            ):
                raise UserError(
                    self.env._(
                        "The customer %(customer)s is already registered by another channel partner and "
                        "protected: it cannot be registered now. Your partner manager can tell you more.",
                        customer=registration.customer_name,
                    )
                )

    def _kbe_lock_customers(self):
        """Serialise the decisions on the same customers: two managers accepting two partners'
        registrations of one customer at once would both pass the protection check."""
        keys = self.mapped("customer_key") + self.mapped("email_normalized") + self.mapped("email_domain")
        for key in sorted(set(filter(None, keys))):
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s))", f"kbe_deal:{key}"))

    def _kbe_create_opportunity(self, user):
        """The opportunity of this accepted registration, its customer matched or created."""
        self.ensure_one()
        lines = [self.description or ""]
        if self.product_ids:
            lines.append(
                self.env._("Products of interest: %(products)s", products=", ".join(self.product_ids.mapped("name")))
            )
        description = Markup("<br/>").join(escape(line) for line in lines if line)
        values = {
            "name": self.name,
            "type": "opportunity",
            "partner_name": self.customer_name,
            "contact_name": self.contact_name,
            "email_from": self.email,
            "phone": self.phone,
            "expected_revenue": self.expected_revenue,
            "date_deadline": self.date_deadline,
            "user_id": user.id,
            "company_id": self.company_id.id,
            "kbe_channel_partner_id": self.partner_id.id,
            "description": description,
        }
        # sudo: the opportunity belongs to the chosen salesperson, whose documents the program
        # manager may not read ("own documents only"); the registration's write access was checked
        lead_sudo = self.env["crm.lead"].sudo().with_company(self.company_id).create(values)
        # by e-mail first (Odoo's matching by name alone would take any contact called "Dewi"),
        # then a company of exactly that name; else the lead creates the customer
        customer = lead_sudo._find_matching_partner(email_only=True) or lead_sudo.partner_id.search(
            [("name", "=ilike", self.customer_name), ("is_company", "=", True)], limit=1
        )
        lead_sudo._handle_partner_assignment(force_partner_id=customer.id, create_missing=True)
        self.message_post(
            body=self.env._("Opportunity %(name)s created for %(user)s.", name=lead_sudo.name, user=user.name)
        )
        return lead_sudo

    def _kbe_matching_registrations(self, domain):
        """Registrations (of any partner: sudo) matching the customers of ``self`` and ``domain``."""
        match_domain = self._kbe_match_domain("customer_key", "email_normalized", "email_domain")
        if not match_domain:
            return self.browse()
        # sudo: conflicts and protection concern other partners' registrations, never shown to the partner
        return self.sudo().search(expression.AND([domain, match_domain]))

    def _kbe_conflicting_leads(self):
        """Active leads and opportunities (any owner: sudo) matching the customers of ``self``."""
        name_domain = self._kbe_match_domain("partner_name", "email_normalized", "email_from")
        if not name_domain:
            return self.env["crm.lead"]
        partner_domain = self._kbe_match_domain("partner_id.commercial_partner_id.name", None, None)
        if partner_domain:
            name_domain = expression.OR([name_domain, partner_domain])
        companies = self.company_id.ids or [self.env.company.id]
        return (
            self.env["crm.lead"]
            # sudo: the program manager sees who works the customer, whoever owns the lead; the field is
            # restricted to program managers and shows only a summary of each lead
            .sudo()
            .search(expression.AND([[("company_id", "in", [False, *companies])], name_domain]), limit=200)
        )

    def _kbe_match_domain(self, name_field, email_field, domain_field):
        """One domain matching any of the customers of ``self`` on ``name_field`` (ilike the
        customer key), ``email_field`` (= the e-mail) and ``domain_field`` (the registrations'
        ``email_domain``, or an e-mail field ending with @domain)."""
        domains = []
        for registration in self:
            if registration.customer_key:
                domains.append([(name_field, "ilike", registration.customer_key)])
            if email_field and registration.email_normalized:
                domains.append([(email_field, "=", registration.email_normalized)])
            if domain_field == "email_domain" and registration.email_domain:
                domains.append([(domain_field, "=", registration.email_domain)])
            elif domain_field and registration.email_domain:
                domains.append([(domain_field, "=ilike", f"%@{registration.email_domain}")])
        return expression.OR(domains) if domains else []

    def _kbe_match_reason(self, name, email, email_or_domain):
        """Why a customer (its ``name``, normalised ``email``, e-mail or domain) is this one's:
        "name", "email", "domain", or "" when it is not."""
        self.ensure_one()
        if self.customer_key and self.customer_key in customer_key(name):
            return "name"
        if self.email_normalized and email and self.email_normalized == email:
            return "email"
        other_domain = email_domain(email_or_domain) if "@" in (email_or_domain or "") else email_or_domain
        if self.email_domain and other_domain and self.email_domain == other_domain.lower():
            return "domain"
        return ""

    def _kbe_conflict_table(self, matched_leads):
        if not matched_leads:
            return False
        reasons = {
            "name": self.env._("same customer"),
            "email": self.env._("same e-mail"),
            "domain": self.env._("same company domain"),
        }
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (
                lead.name,
                lead.partner_name or lead.partner_id.commercial_partner_id.name or "",
                lead.email_from or "",
                lead.user_id.name or "",
                lead.stage_id.name or "",
                reasons[reason],
            )
            for lead, reason in matched_leads
        )
        header = Markup("<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Lead"),
            self.env._("Customer"),
            self.env._("Email"),
            self.env._("Salesperson"),
            self.env._("Stage"),
            self.env._("Match"),
        )
        return Markup(
            '<table class="table table-sm o_kbe_deal_conflicts"><thead>%s</thead><tbody>%s</tbody></table>'
        ) % (
            header,
            rows,
        )

    @api.model
    def _kbe_accepted_count_by_partner(self, partner_ids, date_from, date_to):
        """{partner id: number of registrations accepted from ``date_from`` to ``date_to``} (the
        scorecard), in one grouped query."""
        groups = self.sudo()._read_group(  # sudo: figures for the scorecard, never the records
            [("partner_id", "in", list(partner_ids)), ("accepted_on", ">=", date_from), ("accepted_on", "<=", date_to)],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    @api.model
    def _cron_expire(self, batch_size=500):
        """Protection over: accepted registrations expire; submitted ones nobody decided on expire
        after their expected closing date or SUBMITTED_EXPIRY_DAYS days. Re-runnable."""
        today = fields.Date.context_today(self)
        domain = [
            "|",
            "&",
            ("state", "=", "accepted"),
            ("protection_until", "<", today),
            "&",
            ("state", "=", "submitted"),
            "|",
            ("date_deadline", "<", today),
            ("submitted_on", "<", today - timedelta(days=SUBMITTED_EXPIRY_DAYS)),
        ]
        registrations = self.search(domain, limit=batch_size)
        registrations.write({"state": "expired"})
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(registrations), remaining=remaining)
        return registrations


def _lead_keys(lead):
    """What a lead says of its customer, for ``_kbe_match_reason``: name, e-mail, e-mail."""
    names = {lead.partner_name or "", lead.partner_id.commercial_partner_id.name or ""}
    return " | ".join(sorted(names)), lead.email_normalized, lead.email_from
