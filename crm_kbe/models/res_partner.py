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
