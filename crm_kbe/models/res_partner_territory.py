from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    kbe_territory_id = fields.Many2one("kbe.territory", string="Territory", index="btree_not_null", tracking=True)
