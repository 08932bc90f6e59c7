from odoo import api, fields, models

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
    kbe_partner_tier_id = fields.Many2one(
        "kbe.partner.tier", string="Partner Tier", tracking=True, index="btree_not_null", ondelete="restrict"
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
