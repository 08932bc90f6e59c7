from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class KbePartnerTier(models.Model):
    """A level of the partner program (Registered, Silver, Gold...): what a channel partner must
    reach to hold it (requirements) and what it gets for it (benefits). Tiers are ordered by
    ``sequence``: a higher sequence is a higher tier."""

    _name = "kbe.partner.tier"
    _description = "Partner Tier"
    _order = "sequence, id"

    # identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Order of the tiers, lowest first.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to use the tier in every company.")
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", help="The currency the revenue requirement is in."
    )
    description = fields.Html(translate=True)
    color = fields.Integer()

    # requirements
    min_won_revenue = fields.Monetary(
        string="Minimum Won Revenue",
        currency_field="currency_id",
        help="Revenue of the opportunities won through the partner over the last 12 months.",
    )
    min_certified_count = fields.Integer(
        string="Minimum Certified People", help="Contacts of the partner with a valid certification."
    )
    min_satisfaction = fields.Float(
        string="Minimum Customer Satisfaction (%)",
        help="Average rating (in percent) of the tickets of the partner's customers; 0 for no requirement.",
    )
    agreement_required = fields.Boolean(string="Signed Agreement Required")

    # benefits
    rebate_rate = fields.Float(string="Rebate (%)", help="Rebate on invoiced revenue through the partner.")
    mdf_share = fields.Float(
        string="MDF Share (%)", help="Share of a market development fund allocated to each partner of this tier."
    )
    forward_priority = fields.Integer(
        string="Lead Forwarding Priority", help="Partners of a higher priority are offered forwarded leads first."
    )

    partner_count = fields.Integer(compute="_compute_partner_count", string="Partners")

    _sql_constraints = [
        ("min_won_revenue_positive", "CHECK(min_won_revenue >= 0)", "The minimum won revenue cannot be negative."),
        (
            "min_certified_positive",
            "CHECK(min_certified_count >= 0)",
            "The minimum certified people cannot be negative.",
        ),
        (
            "min_satisfaction_range",
            "CHECK(min_satisfaction >= 0 AND min_satisfaction <= 100)",
            "The minimum customer satisfaction is a percentage between 0 and 100.",
        ),
        (
            "rebate_rate_range",
            "CHECK(rebate_rate >= 0 AND rebate_rate <= 100)",
            "The rebate is a percentage between 0 and 100.",
        ),
        (
            "mdf_share_range",
            "CHECK(mdf_share >= 0 AND mdf_share <= 100)",
            "The MDF share is a percentage between 0 and 100.",
        ),
    ]

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for tier in self:
            tier.currency_id = (tier.company_id or self.env.company).currency_id

    def _compute_partner_count(self):
        groups = self.env["res.partner"]._read_group(
            [("kbe_partner_tier_id", "in", self.ids)], ["kbe_partner_tier_id"], ["__count"]
        )
        counts = {tier.id: count for tier, count in groups}
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        in_use = self.filtered("partner_count")
        if in_use:
            raise UserError(
                self.env._(
                    "%(tier)s is the tier of %(count)s partners: give them another tier, or archive it.",
                    tier=in_use[0].name,
                    count=in_use[0].partner_count,
                )
            )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_channel_partner_action")
        action["domain"] = [("kbe_partner_tier_id", "=", self.id)]
        action["context"] = {"default_kbe_partner_tier_id": self.id, "default_is_company": True}
        return action

    # ------------------------------------------------------------
    # PROGRAM, QUALIFICATION, TRAINING (kbe.partner.qualification, kbe.partner.certification)
    # ------------------------------------------------------------

    validity_months = fields.Integer(
        string="Validity (months)",
        default=12,
        help="How long an approved qualification for this tier stays valid.",
    )
    renewal_reminder_days = fields.Integer(
        string="Renewal Reminder (days)",
        default=30,
        help="Days before a qualification of this tier expires when its partner manager is reminded to renew it.",
    )
    certification_requirement_ids = fields.One2many(
        "kbe.partner.certification.requirement",
        "tier_id",
        string="Required Certifications",
        help="How many contacts of the partner must hold a valid certification of each type.",
    )

    @api.constrains("validity_months", "renewal_reminder_days")
    def _check_kbe_validity_months(self):
        for tier in self:
            if tier.validity_months < 1 or tier.validity_months > 120:
                raise ValidationError(
                    self.env._("The validity of tier %(tier)s is between 1 and 120 months.", tier=tier.name)
                )
            if tier.renewal_reminder_days < 0 or tier.renewal_reminder_days > 365:
                raise ValidationError(
                    self.env._("The renewal reminder of tier %(tier)s is between 0 and 365 days.", tier=tier.name)
                )

    def _kbe_meets(self, figures, signed=False, by_type=None):
        """Whether a partner with these ``figures`` (one value of res.partner._kbe_partner_figures)
        meets this tier's requirements. A satisfaction that cannot be measured yet (no rating)
        does not count against the partner; ``by_type`` is {certification type id: certified
        contacts} and ``signed`` whether the partner's agreement is signed."""
        self.ensure_one()
        by_type = by_type or {}
        if figures["won_revenue"] < self.min_won_revenue:
            return False
        if figures["certified_count"] < self.min_certified_count:
            return False
        if self.min_satisfaction and figures["satisfaction"] is not None:
            if figures["satisfaction"] < self.min_satisfaction:
                return False
        if self.agreement_required and not signed:
            return False
        return all(
            by_type.get(requirement.type_id.id, 0) >= requirement.required_count
            for requirement in self.certification_requirement_ids
        )
