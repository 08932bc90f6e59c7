from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    kbe_territory_id = fields.Many2one(
        "kbe.territory", string="Territory", index="btree_not_null", tracking=True, check_company=True
    )
