from odoo import api, fields, models

BUYING_ROLES = [
    ("decision_maker", "Decision Maker"),
    ("influencer", "Influencer"),
    ("buyer", "Buyer"),
    ("user", "User"),
    ("gatekeeper", "Gatekeeper"),
]
ATTITUDES = [
    ("champion", "Champion"),
    ("supporter", "Supporter"),
    ("neutral", "Neutral"),
    ("sceptic", "Sceptic"),
    ("opponent", "Opponent"),
]
INFLUENCE_LEVELS = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]


class KbeBuyingCenterMember(models.Model):
    """A person of the customer's buying centre on a B2B opportunity: the role they play in the
    decision and where they stand."""

    _name = "kbe.buying.center.member"
    _description = "Buying Centre Member"
    _order = "lead_id, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    # identity
    sequence = fields.Integer(default=10)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, check_company=True, ondelete="cascade"
    )
    # the lead's company when the member is added (a compute on lead_id alone, as kbe.lead.step's)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, precompute=True, readonly=True
    )
    function = fields.Char(related="partner_id.function", string="Job Position")
    # state
    role = fields.Selection(BUYING_ROLES, required=True, default="influencer")
    attitude = fields.Selection(ATTITUDES, required=True, default="neutral")
    influence = fields.Selection(INFLUENCE_LEVELS, required=True, default="medium")
    notes = fields.Text()

    _sql_constraints = [
        ("lead_partner_unique", "unique(lead_id, partner_id)", "A contact appears once in the buying centre."),
    ]

    @api.depends("lead_id")
    def _compute_company_id(self):
        for member in self:
            member.company_id = member.lead_id.company_id

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members.lead_id._kbe_apply_auto_steps()
        return members

    def write(self, vals):
        result = super().write(vals)
        if "role" in vals or "lead_id" in vals:
            self.lead_id._kbe_apply_auto_steps()
        return result
