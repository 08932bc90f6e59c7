from odoo import api, fields, models


class KbeTerritory(models.Model):
    """A sales territory: region → area → territory. Its rules place new leads and customers, and
    its team, salesperson and channel partner take them (see ``_kbe_match``)."""

    _name = "kbe.territory"
    _description = "Sales Territory"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_name = "parent_id"
    _order = "complete_name"
    _rec_name = "complete_name"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    # relations
    parent_id = fields.Many2one("kbe.territory", string="Parent", index=True, ondelete="restrict", check_company=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("kbe.territory", "parent_id", string="Sub-territories")
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Salesperson", tracking=True, domain="[('share', '=', False)]")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = f"{territory.parent_id.complete_name} / {territory.name}"
            else:
                territory.complete_name = territory.name
