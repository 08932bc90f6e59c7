from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    kbe_opportunity_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('type', '=', 'opportunity')]",
        help="The opportunity this invoice realizes: its posted invoices and credit notes make the "
        "opportunity's realized revenue. Credit notes keep it from their invoice.",
    )
    kbe_channel_partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active')]",
        help="The channel partner who brought the sale this invoice bills (from its order); credit "
        "notes keep it from their invoice. Incentive settlements count these invoices.",
    )
