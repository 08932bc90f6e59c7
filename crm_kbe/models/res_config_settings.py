from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kbe_won_trigger = fields.Selection(related="company_id.kbe_won_trigger", readonly=False)

    # --- service and support ---
    kbe_portal_team_id = fields.Many2one(
        related="company_id.kbe_portal_team_id", readonly=False, string="Portal Service Team"
    )
    kbe_portal_team_choice = fields.Boolean(related="company_id.kbe_portal_team_choice", readonly=False)

    # --- partners: deal registration and lead forwarding ---
    kbe_deal_protection_days = fields.Integer(related="company_id.kbe_deal_protection_days", readonly=False)
    kbe_forward_response_days = fields.Integer(related="company_id.kbe_forward_response_days", readonly=False)

    # --- marketing: customer value ---
    kbe_value_window_months = fields.Integer(related="company_id.kbe_value_window_months", readonly=False)
