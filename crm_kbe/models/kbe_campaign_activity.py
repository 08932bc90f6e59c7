from odoo import fields, models

CAMPAIGN_CHANNELS = [
    ("email", "E-mail"),
    ("newsletter", "Newsletter"),
    ("telemarketing", "Telemarketing"),
    ("direct_mail", "Direct Mail"),
    ("web", "Web"),
]


class KbeCampaignActivity(models.Model):
    """One channel activity of a campaign: a mass mailing, a call list, a direct-mail run or a
    set of tracked web links, over the campaign's target segments."""

    _name = "kbe.campaign.activity"
    _description = "Campaign Channel Activity"
    _inherit = ["mail.thread"]
    _order = "date_planned, id"

    name = fields.Char(required=True, tracking=True)
    campaign_id = fields.Many2one("utm.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    channel = fields.Selection(CAMPAIGN_CHANNELS, required=True, tracking=True)
    segment_ids = fields.Many2many(
        "kbe.segment", "kbe_campaign_activity_segment_rel", "activity_id", "segment_id", string="Segments"
    )
    date_planned = fields.Datetime(string="Planned On", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("running", "Running"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
    )
    # what each channel works through (filled by the channel's step)
    mailing_id = fields.Many2one("mailing.mailing", string="Mailing", copy=False, index="btree_not_null")
    call_ids = fields.One2many("kbe.call", "kbe_campaign_activity_id", string="Calls")
    recipient_ids = fields.One2many("kbe.campaign.recipient", "activity_id", string="Direct-Mail Recipients")
    link_ids = fields.One2many("link.tracker", "kbe_campaign_activity_id", string="Tracked Links")
