from odoo import fields, models

RESPONSES = [
    ("interested", "Interested"),
    ("order", "Ordered"),
    ("info", "Asked for Information"),
    ("not_interested", "Not Interested"),
    ("return", "Returned to Sender"),
]


class KbeCampaignRecipient(models.Model):
    """A recipient of a direct-mail activity: the personalised letter printed for them, its reply
    code, and their response, recorded by hand or by the code on the reply."""

    _name = "kbe.campaign.recipient"
    _description = "Direct-Mail Recipient"
    _order = "activity_id, id"
    _rec_name = "partner_id"

    activity_id = fields.Many2one("kbe.campaign.activity", required=True, ondelete="cascade", index=True)
    campaign_id = fields.Many2one(related="activity_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="activity_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Recipient", required=True, index=True)
    reply_code = fields.Char(readonly=True, copy=False, index=True)
    date_printed = fields.Datetime(string="Printed On", readonly=True, copy=False)
    date_responded = fields.Datetime(string="Responded On", copy=False)
    response = fields.Selection(RESPONSES, copy=False)
    note = fields.Text()
    lead_id = fields.Many2one("crm.lead", string="Lead", copy=False, index="btree_not_null")

    _sql_constraints = [
        ("activity_partner_uniq", "unique(activity_id, partner_id)", "A customer receives a direct mail only once."),
        ("reply_code_uniq", "unique(reply_code)", "Each reply code is unique."),
    ]
