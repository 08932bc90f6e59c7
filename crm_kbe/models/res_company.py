from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    kbe_portal_team_id = fields.Many2one(
        "kbe.service.team",
        "Portal Service Team",
        check_company=True,
        help="Team receiving the tickets customers open on the portal. Empty: the company's first team.",
    )
