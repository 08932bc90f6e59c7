from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .kbe_customer_value import VALUE_TIERS

COMPANY_SIZES = [
    ("micro", "Micro (1-9 people)"),
    ("small", "Small (10-49 people)"),
    ("medium", "Medium (50-249 people)"),
    ("large", "Large (250+ people)"),
]
CONTACT_CHANNELS = [
    ("phone", "Phone"),
    ("whatsapp", "WhatsApp"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("letter", "Letter"),
]
CONTACT_TIMES = [
    ("morning", "Morning (08-11)"),
    ("midday", "Midday (11-14)"),
    ("afternoon", "Afternoon (14-17)"),
    ("evening", "Evening (17-20)"),
    ("anytime", "Any time"),
]
PARTNER_STATUSES = [
    ("prospect", "Prospect"),
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("ended", "Ended"),
]


class ResPartner(models.Model):
    """The customer profile a sales rep reads before calling (the document's "sub profiling")."""

    _inherit = "res.partner"

    # Line of business is Odoo's own industry_id; tags are category_id.
    kbe_company_size = fields.Selection(COMPANY_SIZES, string="Company Size", tracking=True)
    kbe_founding_date = fields.Date(string="Founded On")
    kbe_preferred_channel = fields.Selection(CONTACT_CHANNELS, string="Preferred Channel", tracking=True)
    kbe_preferred_time = fields.Selection(CONTACT_TIMES, string="Preferred Contact Time")
    kbe_needs = fields.Text(string="Needs and Preferences")
    kbe_profile_summary = fields.Text(
        string="Profile Summary",
        compute="_compute_kbe_profile_summary",
        help="One paragraph of the customer's profile, shown where a rep acts on it (calls, conversion).",
    )

    @api.depends(
        "commercial_partner_id",
        "commercial_partner_id.industry_id",
        "commercial_partner_id.kbe_company_size",
        "commercial_partner_id.kbe_founding_date",
        "kbe_preferred_channel",
        "kbe_preferred_time",
        "kbe_needs",
        "commercial_partner_id.kbe_needs",
        "category_id",
    )
    def _compute_kbe_profile_summary(self):
        sizes = dict(self._fields["kbe_company_size"]._description_selection(self.env))
        channels = dict(self._fields["kbe_preferred_channel"]._description_selection(self.env))
        times = dict(self._fields["kbe_preferred_time"]._description_selection(self.env))
        for partner in self:
            company = partner.commercial_partner_id
            parts = []
            if company.industry_id:
                parts.append(company.industry_id.display_name)
            if company.kbe_company_size:
                parts.append(sizes[company.kbe_company_size])
            if company.kbe_founding_date:
                parts.append(self.env._("founded %(year)s", year=company.kbe_founding_date.year))
            channel = partner.kbe_preferred_channel or company.kbe_preferred_channel
            time = partner.kbe_preferred_time or company.kbe_preferred_time
            if channel or time:
                parts.append(
                    self.env._(
                        "prefers %(channel)s %(time)s",
                        channel=channels.get(channel, self.env._("any channel")),
                        time=times.get(time, "").lower(),
                    ).strip()
                )
            tags = partner.category_id | company.category_id
            if tags:
                parts.append(", ".join(tags.mapped("name")))
            summary = " · ".join(parts)
            needs = partner.kbe_needs or company.kbe_needs
            if needs:
                summary = "\n".join(filter(None, [summary, self.env._("Needs: %(needs)s", needs=needs)]))
            partner.kbe_profile_summary = summary or False

    # --- service and support ---
    kbe_ticket_ids = fields.One2many(
        "kbe.ticket", "partner_id", "Service Tickets", groups="crm_kbe.group_service_agent"
    )
    kbe_ticket_count = fields.Integer("Open Tickets", compute="_compute_kbe_ticket_stats", groups="base.group_user")
    kbe_complaint_count = fields.Integer("Complaints", compute="_compute_kbe_ticket_stats", groups="base.group_user")
    kbe_rating_avg = fields.Float("Service Rating", compute="_compute_kbe_ticket_stats", groups="base.group_user")

    def _compute_kbe_ticket_stats(self):
        """Open tickets and complaints of the customer's whole company, and its average rating:
        two grouped queries for the batch."""
        commercial = self.commercial_partner_id
        groups = (
            self.env["kbe.ticket"]
            # sudo: counts only, so that salespeople see a customer's complaints without reading tickets
            .sudo()
            ._read_group(
                [("commercial_partner_id", "in", commercial.ids), ("company_id", "in", self.env.companies.ids)],
                ["commercial_partner_id", "is_closed", "is_complaint"],
                ["__count"],
            )
        )
        open_count, complaints = {}, {}
        for partner, is_closed, is_complaint, count in groups:
            if not is_closed:
                open_count[partner.id] = open_count.get(partner.id, 0) + count
            if is_complaint:
                complaints[partner.id] = complaints.get(partner.id, 0) + count
        ratings = (
            self.env["rating.rating"]
            # sudo: same reason, an average only
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", "kbe.ticket"),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                    ("partner_id", "child_of", commercial.ids),
                ],
                ["partner_id"],
                ["rating:sum", "__count"],
            )
        )
        rating_sum = {}
        for partner, total, count in ratings:
            key = partner.commercial_partner_id.id
            prev = rating_sum.get(key, (0.0, 0))
            rating_sum[key] = (prev[0] + total, prev[1] + count)
        for partner in self:
            key = partner.commercial_partner_id.id
            partner.kbe_ticket_count = open_count.get(key, 0)
            partner.kbe_complaint_count = complaints.get(key, 0)
            total, count = rating_sum.get(key, (0.0, 0))
            partner.kbe_rating_avg = total / count if count else 0.0

    def action_kbe_open_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_ticket_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id, "search_default_filter_open": 1}
        if self.env.context.get("search_default_filter_complaint"):
            # the "Complaints" smart button opens the complaints, closed ones included
            action["context"] = {"default_partner_id": self.id, "search_default_filter_complaint": 1}
        return action

    # ------------------------------------------------------------
    # CALLS (kbe.call)
    # ------------------------------------------------------------

    kbe_call_ids = fields.One2many("kbe.call", "partner_id", string="Calls")
    kbe_value_ids = fields.One2many("kbe.customer.value", "partner_id", string="Customer Value")
    kbe_segment_member_ids = fields.One2many(
        "kbe.segment.member", "partner_id", string="Segment Memberships", groups="crm_kbe.group_marketing_user"
    )
    kbe_call_count = fields.Integer(
        string="Call Count", compute="_compute_kbe_call_count", help="Calls with this customer and its contacts."
    )

    def _compute_kbe_call_count(self):
        # a company counts the calls of its contacts: one group by customer company, one by contact
        Call = self.env["kbe.call"]
        ids = self._origin.ids
        by_company = dict(
            Call._read_group([("commercial_partner_id", "in", ids)], ["commercial_partner_id"], ["__count"])
        )
        by_contact = dict(Call._read_group([("partner_id", "in", ids)], ["partner_id"], ["__count"]))
        for partner in self:
            origin = partner._origin
            if origin and origin.commercial_partner_id == origin:
                partner.kbe_call_count = by_company.get(origin, 0)
            else:
                partner.kbe_call_count = by_contact.get(origin, 0)

    def action_kbe_view_calls(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_call_action")
        if self.commercial_partner_id == self:
            action["domain"] = [("commercial_partner_id", "=", self.id)]
        else:
            action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "default_name": self.env._("Call %(partner)s", partner=self.name),
        }
        return action

    # ------------------------------------------------------------
    # PARTNER PROGRAM (channel partners: kbe.partner.*)
    # ------------------------------------------------------------

    kbe_partner_status = fields.Selection(
        PARTNER_STATUSES,
        string="Partner Status",
        tracking=True,
        index="btree_not_null",
        help="Empty for a customer that is not a channel partner. Prospect: applying; Active: may "
        "register deals, receive leads, funds and incentives; Suspended or Ended: may not.",
    )
    kbe_partner_manager_id = fields.Many2one(
        "res.users",
        string="Partner Manager",
        tracking=True,
        domain="[('share', '=', False)]",
        help="The partner program manager who looks after this channel partner.",
    )
    kbe_partner_since = fields.Date(string="Partner Since")

    def action_kbe_view_channel_opportunities(self):
        """The opportunities this channel partner brought."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("kbe_channel_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_kbe_channel_partner_id": self.commercial_partner_id.id}
        return action


class ResPartnerProgram(models.Model):
    """PROGRAM, QUALIFICATION, TRAINING: the partner's tier follows its qualifications, and the
    figures the program measures a partner by (``_kbe_partner_figures``)."""

    _inherit = "res.partner"

    # "set null": uninstalling crm_kbe drops the tiers without touching the partners; a tier in use
    # cannot be deleted (kbe.partner.tier's ondelete check)
    kbe_partner_tier_id = fields.Many2one(
        "kbe.partner.tier",
        string="Partner Tier",
        tracking=True,
        index="btree_not_null",
        ondelete="set null",
        compute="_compute_kbe_partner_tier_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The tier of the partner's latest valid approved qualification; a partner without any "
        "approved qualification keeps the tier given by hand.",
    )
    kbe_qualification_ids = fields.One2many(
        "kbe.partner.qualification",
        "partner_id",
        string="Qualifications",
        groups="crm_kbe.group_partner_manager",
    )
    kbe_qualification_count = fields.Integer(
        compute="_compute_kbe_qualification_count", string="Qualification Count", groups="crm_kbe.group_partner_manager"
    )
    kbe_certified_count = fields.Integer(
        compute="_compute_kbe_certified_count",
        string="Certified People",
        groups="crm_kbe.group_partner_manager",
        help="Contacts of the partner with a valid certification.",
    )

    @api.depends(
        "kbe_qualification_ids.state",
        "kbe_qualification_ids.tier_id",
        "kbe_qualification_ids.valid_from",
        "kbe_qualification_ids.valid_to",
    )
    def _compute_kbe_partner_tier_id(self):
        today = None
        for partner in self:
            if not partner._origin:
                # a partner being created has no qualification yet: no tier unless one is given
                # (reading the field here would ask for its default, a query for nothing)
                partner.kbe_partner_tier_id = False
                continue
            decided = partner.kbe_qualification_ids.filtered(lambda q: q.state in ("approved", "expired"))
            if not decided:
                # never qualified through the program: the tier given by hand stays
                partner.kbe_partner_tier_id = partner.kbe_partner_tier_id
                continue
            today = today or fields.Date.context_today(self)  # the user's time zone: read once, if needed
            valid = decided.filtered(
                lambda q, today=today: q.state == "approved"
                and q.valid_from
                and q.valid_from <= today
                and (not q.valid_to or today <= q.valid_to)
            )
            latest = valid.sorted(lambda q: (q.valid_from, q.date_approved or q.valid_from, q.id))[-1:]
            partner.kbe_partner_tier_id = latest.tier_id

    def _compute_kbe_qualification_count(self):
        groups = self.env["kbe.partner.qualification"]._read_group(
            [("partner_id", "in", self._origin.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.kbe_qualification_count = counts.get(partner._origin.id, 0)

    def _compute_kbe_certified_count(self):
        figures = self._origin.commercial_partner_id._kbe_certified_counts()
        for partner in self:
            partner.kbe_certified_count = figures.get(partner._origin.commercial_partner_id.id, 0)

    def action_view_kbe_qualifications(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_partner_qualification_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_view_kbe_certifications(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_partner_certification_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_valid": 1}
        return action

    def _kbe_activate_partner(self):
        """A partner whose first application is approved becomes an active partner."""
        newcomers = self.filtered(lambda p: p.kbe_partner_status in (False, "prospect"))
        if newcomers:
            # sudo: the partner's program status follows the approval its caller was allowed to make
            newcomers_sudo = newcomers.sudo()
            newcomers_sudo.write({"kbe_partner_status": "active"})
            newcomers_sudo.filtered(lambda p: not p.kbe_partner_since).kbe_partner_since = fields.Date.context_today(
                self
            )

    # ------------------------------------------------------------
    # FIGURES (won revenue, certified people, satisfaction)
    # ------------------------------------------------------------

    @api.model
    def _kbe_empty_figures(self):
        return {"won_revenue": 0.0, "certified_count": 0, "satisfaction": None}

    def _kbe_partner_figures(self, date_from=None, date_to=None):
        """{partner id: {"won_revenue", "certified_count", "satisfaction"}} for these channel
        partners (companies), in three queries whatever their number:

        - won_revenue: expected revenue (company currency) of the won opportunities they brought
          (kbe_channel_partner_id) closed from ``date_from`` to ``date_to`` (default: the last 12
          months up to today);
        - certified_count: their contacts with a valid certification;
        - satisfaction: average rating, in percent (5 stars = 100), of the service tickets of the
          customers of their opportunities, rated in the period; None when there is no rating.
        """
        today = fields.Date.context_today(self)
        date_to = date_to or today
        date_from = date_from or (date_to - relativedelta(years=1) + timedelta(days=1))
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        ids = self.ids
        result = {partner_id: self._kbe_empty_figures() for partner_id in ids}
        if not ids:
            return result
        won = (
            self.env["crm.lead"]
            # sudo: the program measures every deal the partner brought, not only the caller's own
            .sudo()
            .with_context(active_test=False)
            ._read_group(
                [
                    ("kbe_channel_partner_id", "in", ids),
                    ("type", "=", "opportunity"),
                    ("stage_id.is_won", "=", True),
                    ("date_closed", ">=", start),
                    ("date_closed", "<", end),
                ],
                ["kbe_channel_partner_id"],
                ["expected_revenue:sum"],
            )
        )
        for partner, revenue in won:
            result[partner.id]["won_revenue"] = revenue or 0.0
        for partner_id, count in self._kbe_certified_counts().items():
            result[partner_id]["certified_count"] = count
        for partner_id, satisfaction in self._kbe_satisfaction(start, end).items():
            result[partner_id]["satisfaction"] = satisfaction
        return result

    def _kbe_certified_counts(self):
        """{partner id: contacts with a valid certification}: one grouped query."""
        groups = (
            self.env["kbe.partner.certification"]
            # sudo: counts only, the same whoever asks
            .sudo()
            ._read_group(
                [("commercial_partner_id", "in", self.ids), ("state", "=", "valid")],
                ["commercial_partner_id"],
                ["partner_id:count_distinct"],
            )
        )
        return {partner.id: count for partner, count in groups}

    def _kbe_satisfaction(self, start, end):
        """{partner id: average rating in percent} of the customers of these partners' channel
        opportunities (their whole companies), over the ratings of kbe.ticket given in the period:
        one query (each customer's ratings counted once per channel partner)."""
        self.env["crm.lead"].flush_model(["kbe_channel_partner_id", "partner_id", "active"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["rating.rating"].flush_model(["res_model", "partner_id", "rating", "consumed", "write_date"])
        query = SQL(
            """
            WITH customers AS (
                SELECT DISTINCT lead.kbe_channel_partner_id AS channel_id, customer.commercial_partner_id AS customer_id
                  FROM crm_lead lead
                  JOIN res_partner customer ON customer.id = lead.partner_id
                 WHERE lead.kbe_channel_partner_id IN %(ids)s
            )
            SELECT customers.channel_id, AVG(rating.rating) * 20
              FROM customers
              JOIN res_partner rater ON rater.commercial_partner_id = customers.customer_id
              JOIN rating_rating rating ON rating.partner_id = rater.id
             WHERE rating.res_model = 'kbe.ticket'
               AND rating.consumed
               AND rating.rating >= 1
               AND rating.write_date >= %(start)s
               AND rating.write_date < %(end)s
          GROUP BY customers.channel_id
            """,
            ids=tuple(self.ids),
            start=start,
            end=end,
        )
        self.env.cr.execute(query)
        return {channel_id: float(average) for channel_id, average in self.env.cr.fetchall()}


class ResPartnerCampaign(models.Model):
    """Marketing: what a campaign's personalised mailings and letters say about the customer."""

    _inherit = "res.partner"

    kbe_last_product_id = fields.Many2one(
        "product.product",
        string="Last Product",
        compute="_compute_kbe_last_product",
        groups="sales_team.group_sale_salesman",
        help="The last product the customer bought (posted invoice or confirmed order), of the current companies.",
    )
    kbe_last_product_name = fields.Char(
        string="Last Product Name", compute="_compute_kbe_last_product", groups="sales_team.group_sale_salesman"
    )

    @api.model
    def mail_allowed_qweb_expressions(self):
        # the campaign mailings' placeholder, for e-mail marketing users who are not template editors
        return (*super().mail_allowed_qweb_expressions(), "object.kbe_last_product_name")

    def _compute_kbe_last_product(self):
        """One query for all the partners (a mailing's recipients): the product of the latest
        confirmed order line or posted customer invoice line of their commercial partner."""
        commercial = {partner.id: partner.commercial_partner_id.id for partner in self}
        last = {}
        if self.ids:
            self.env["sale.order.line"].flush_model(["order_id", "product_id", "display_type"])
            self.env["sale.order"].flush_model(["state", "partner_id", "date_order", "company_id"])
            self.env["account.move.line"].flush_model(["move_id", "product_id", "display_type"])
            self.env["account.move"].flush_model(["state", "move_type", "partner_id", "invoice_date", "company_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT DISTINCT ON (bought.commercial_id) bought.commercial_id, bought.product_id
                      FROM (
                        SELECT rp.commercial_partner_id AS commercial_id, sol.product_id,
                               so.date_order AS date, sol.id AS line_id
                          FROM sale_order_line sol
                          JOIN sale_order so ON so.id = sol.order_id
                          JOIN res_partner rp ON rp.id = so.partner_id
                         WHERE so.state = 'sale' AND sol.product_id IS NOT NULL AND sol.display_type IS NULL
                           AND rp.commercial_partner_id IN %(partners)s AND so.company_id IN %(companies)s
                         UNION ALL
                        SELECT rp.commercial_partner_id, aml.product_id, am.invoice_date::timestamp, aml.id
                          FROM account_move_line aml
                          JOIN account_move am ON am.id = aml.move_id
                          JOIN res_partner rp ON rp.id = am.partner_id
                         WHERE am.state = 'posted' AND am.move_type = 'out_invoice'
                           AND aml.display_type = 'product' AND aml.product_id IS NOT NULL
                           AND rp.commercial_partner_id IN %(partners)s AND am.company_id IN %(companies)s
                      ) AS bought
                     ORDER BY bought.commercial_id, bought.date DESC NULLS LAST, bought.line_id DESC
                    """,
                    partners=tuple(set(commercial.values())),
                    companies=tuple(self.env.companies.ids),
                )
            )
            last = dict(self.env.cr.fetchall())
        products = self.env["product.product"].browse(set(last.values()))
        names = {product.id: product.name for product in products}
        for partner in self:
            product_id = last.get(commercial.get(partner.id))
            partner.kbe_last_product_id = product_id or False
            partner.kbe_last_product_name = names.get(product_id, False)


# the customer's value on the partner (kbe.customer.value of the current company): partner field -> value field
KBE_VALUE_FIELDS = {
    "kbe_value_tier": "value_tier",
    "kbe_rfm_score": "rfm_score",
    "kbe_r_score": "r_score",
    "kbe_f_score": "f_score",
    "kbe_m_score": "m_score",
    "kbe_first_purchase_date": "first_invoice_date",
    "kbe_last_purchase_date": "last_invoice_date",
    "kbe_value_invoice_count": "invoice_count",
    "kbe_value_revenue": "revenue",
    "kbe_revenue_lifetime": "revenue_lifetime",
}


class ResPartnerCustomerValue(models.Model):
    """MARKETING: CUSTOMER VALUE. The value (``kbe.customer.value``) of the customer's commercial
    partner to the current company, on every contact of the customer: computed in one query per
    batch of partners, searchable (``_kbe_search_value``), and groupable and sortable in lists
    (``_field_to_sql`` reads the value row in SQL, as ``account.move.status_in_payment`` does):
    the value is stored once, in ``kbe.customer.value``, never copied on the partner."""

    _inherit = "res.partner"

    kbe_value_tier = fields.Selection(
        VALUE_TIERS,
        string="Value Tier",
        compute="_compute_kbe_value",
        search="_search_kbe_value_tier",
        groups="base.group_user",
        help="From the customer's recency, frequency and monetary scores in this company (Customer Value).",
    )
    kbe_rfm_score = fields.Char(
        string="RFM", compute="_compute_kbe_value", search="_search_kbe_rfm_score", groups="base.group_user"
    )
    kbe_r_score = fields.Integer(
        string="Recency (R)", compute="_compute_kbe_value", search="_search_kbe_r_score", groups="base.group_user"
    )
    kbe_f_score = fields.Integer(
        string="Frequency (F)", compute="_compute_kbe_value", search="_search_kbe_f_score", groups="base.group_user"
    )
    kbe_m_score = fields.Integer(
        string="Monetary (M)", compute="_compute_kbe_value", search="_search_kbe_m_score", groups="base.group_user"
    )
    kbe_first_purchase_date = fields.Date(
        string="First Purchase",
        compute="_compute_kbe_value",
        search="_search_kbe_first_purchase_date",
        groups="base.group_user",
    )
    kbe_last_purchase_date = fields.Date(
        string="Last Purchase",
        compute="_compute_kbe_value",
        search="_search_kbe_last_purchase_date",
        groups="base.group_user",
    )
    kbe_value_invoice_count = fields.Integer(
        string="Invoices (Window)",
        compute="_compute_kbe_value",
        search="_search_kbe_value_invoice_count",
        groups="base.group_user",
    )
    kbe_value_revenue = fields.Monetary(
        string="Revenue (Window)",
        compute="_compute_kbe_value",
        search="_search_kbe_value_revenue",
        groups="base.group_user",
    )
    kbe_revenue_lifetime = fields.Monetary(
        string="Lifetime Revenue",
        compute="_compute_kbe_value",
        search="_search_kbe_revenue_lifetime",
        groups="base.group_user",
    )

    def _compute_kbe_value(self):
        """One query for the batch: the value rows of the partners' commercial partners in the
        current company (a partner without one has empty figures)."""
        commercial = self._origin.commercial_partner_id
        values = self.env["kbe.customer.value"].search_fetch(
            [("partner_id", "in", commercial.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id", *KBE_VALUE_FIELDS.values()],
        )
        by_partner = {value.partner_id.id: value for value in values}
        empty = self.env["kbe.customer.value"]
        for partner in self:
            value = by_partner.get(partner._origin.commercial_partner_id.id, empty)
            for fname, value_fname in KBE_VALUE_FIELDS.items():
                partner[fname] = value[value_fname]

    def _kbe_search_value(self, fname, operator, value):
        """The partners whose value row in the current company matches ``(field, operator, value)``
        (read with the user's rights); a partner without a row has the empty value (False, 0), and
        matches when that value does (``('kbe_value_tier', '!=', 'lost')`` finds them)."""
        Value = self.env["kbe.customer.value"]
        condition = [(KBE_VALUE_FIELDS[fname], operator, value)]
        company = [("company_id", "=", self.env.company.id)]
        matching = Value._search(company + condition).subselect("partner_id")
        if not Value.new({}).filtered_domain(condition):
            return [("commercial_partner_id", "in", matching)]
        return [
            "|",
            ("commercial_partner_id", "in", matching),
            ("commercial_partner_id", "not in", Value._search(company).subselect("partner_id")),
        ]

    def _search_kbe_value_tier(self, operator, value):
        return self._kbe_search_value("kbe_value_tier", operator, value)

    def _search_kbe_rfm_score(self, operator, value):
        return self._kbe_search_value("kbe_rfm_score", operator, value)

    def _search_kbe_r_score(self, operator, value):
        return self._kbe_search_value("kbe_r_score", operator, value)

    def _search_kbe_f_score(self, operator, value):
        return self._kbe_search_value("kbe_f_score", operator, value)

    def _search_kbe_m_score(self, operator, value):
        return self._kbe_search_value("kbe_m_score", operator, value)

    def _search_kbe_first_purchase_date(self, operator, value):
        return self._kbe_search_value("kbe_first_purchase_date", operator, value)

    def _search_kbe_last_purchase_date(self, operator, value):
        return self._kbe_search_value("kbe_last_purchase_date", operator, value)

    def _search_kbe_value_invoice_count(self, operator, value):
        return self._kbe_search_value("kbe_value_invoice_count", operator, value)

    def _search_kbe_value_revenue(self, operator, value):
        return self._kbe_search_value("kbe_value_revenue", operator, value)

    def _search_kbe_revenue_lifetime(self, operator, value):
        return self._kbe_search_value("kbe_revenue_lifetime", operator, value)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The value fields in SQL, for grouping and sorting partner lists: the commercial
        partner's value row in the current company (one lookup in its unique index). The company
        is one of the user's, whose rows every employee reads (the value's company rule)."""
        if fname not in KBE_VALUE_FIELDS:
            return super()._field_to_sql(alias, fname, query=query, flush=flush)
        self.check_field_access_rights("read", [fname])
        Value = self.env["kbe.customer.value"]
        value_fname = KBE_VALUE_FIELDS[fname]
        return SQL(
            """(SELECT %s FROM kbe_customer_value kbe_value
                 WHERE kbe_value.partner_id = %s AND kbe_value.company_id = %s)""",
            SQL.identifier("kbe_value", value_fname, to_flush=Value._fields[value_fname] if flush else None),
            self._field_to_sql(alias, "commercial_partner_id", query, flush),
            self.env.company.id,
        )

    def action_kbe_recompute_value(self):
        """Recompute now the customer value of these partners' customers (commercial partners) in
        the user's current companies: the list action "Recompute Customer Value" and the button on
        the Profile tab. For salespeople, on partners they may read."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople may recompute the customer value."))
        self.check_access("read")
        customers = self.commercial_partner_id
        customers.check_access("read")
        companies = self.env.companies
        # sudo: the value counts every posted invoice of the customer, also those the salesperson
        # may not read; only for these customers, in the user's own (current) companies
        values_sudo = self.env["kbe.customer.value"].sudo()
        values_sudo._kbe_recompute(partners=customers, companies=companies)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Customer value recomputed for %(count)s customers.", count=len(customers)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
