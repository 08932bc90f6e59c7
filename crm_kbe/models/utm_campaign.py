from odoo import fields, models


class UtmCampaign(models.Model):
    """A marketing campaign: objective, period, budget, target segments and channel activities
    (e-mail, newsletter, telemarketing, direct mail, web), then its evaluation."""

    _inherit = "utm.campaign"

    kbe_objective = fields.Text(string="Objective")
    kbe_date_start = fields.Date(string="Start")
    kbe_date_end = fields.Date(string="End")
    kbe_currency_id = fields.Many2one(related="company_id.currency_id", string="Campaign Currency")
    kbe_budget = fields.Monetary(string="Budget", currency_field="kbe_currency_id")
    kbe_segment_ids = fields.Many2many(
        "kbe.segment", "kbe_segment_utm_campaign_rel", "campaign_id", "segment_id", string="Target Segments"
    )
    kbe_activity_ids = fields.One2many("kbe.campaign.activity", "campaign_id", string="Channel Activities")

    def _kbe_responder_partners(self):
        """The customers (commercial partners) who responded to these campaigns through any
        channel: the start of a "responded to campaign X" segment (filled by the campaigns work)."""
        return self.env["res.partner"]
