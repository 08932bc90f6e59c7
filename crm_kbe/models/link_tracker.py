from odoo import fields, models


class LinkTracker(models.Model):
    _inherit = "link.tracker"

    kbe_campaign_activity_id = fields.Many2one(
        "kbe.campaign.activity", string="Campaign Activity", index="btree_not_null", ondelete="set null"
    )
