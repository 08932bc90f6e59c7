from odoo import fields, models

from .crm_lead import SALES_STYLES


class CrmTeam(models.Model):
    _inherit = "crm.team"

    kbe_sales_style = fields.Selection(
        SALES_STYLES,
        string="Sales Style",
        help="How this team sells; new opportunities of the team start with this sales style.",
    )
