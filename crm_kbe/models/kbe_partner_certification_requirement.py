from odoo import fields, models


class KbePartnerCertificationRequirement(models.Model):
    """How many contacts of a partner of a tier must hold a certification of a type."""

    _name = "kbe.partner.certification.requirement"
    _description = "Certifications Required by a Tier"
    _order = "tier_id, type_id"

    type_id = fields.Many2one("kbe.partner.certification.type", required=True, ondelete="cascade", index=True)
    tier_id = fields.Many2one("kbe.partner.tier", required=True, ondelete="cascade", index=True)
    required_count = fields.Integer(string="Certified People", default=1, required=True)

    _sql_constraints = [
        ("type_tier_unique", "UNIQUE(type_id, tier_id)", "A tier asks for a certification type only once."),
        ("required_count_positive", "CHECK(required_count > 0)", "At least one certified person is required."),
    ]
