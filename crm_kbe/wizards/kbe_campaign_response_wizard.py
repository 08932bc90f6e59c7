from odoo import api, fields, models

from ..models.kbe_campaign_recipient import LEAD_RESPONSES, RESPONSES


class KbeCampaignResponseWizard(models.TransientModel):
    """Record a direct-mail response by the reply code printed on the letter: the code finds
    the recipient, the response and its date are written on it, and an interested reply can
    become a lead at once."""

    _name = "kbe.campaign.response.wizard"
    _description = "Record a Direct-Mail Response"

    reply_code = fields.Char(required=True, help="The code printed on the letter, e.g. KBE-7F3K2.")
    response = fields.Selection(RESPONSES, required=True, default="interested")
    date_responded = fields.Datetime(string="Responded On", required=True, default=fields.Datetime.now)
    note = fields.Text()
    create_lead = fields.Boolean(
        string="Create a Lead",
        compute="_compute_create_lead",
        store=True,
        readonly=False,
        help="A lead for the customer's salesperson, with the campaign and the response.",
    )
    recipient_id = fields.Many2one("kbe.campaign.recipient", readonly=True)
    lead_id = fields.Many2one("crm.lead", readonly=True)

    @api.depends("response")
    def _compute_create_lead(self):
        for wizard in self:
            wizard.create_lead = wizard.response in LEAD_RESPONSES

    def action_apply(self):
        self.ensure_one()
        recipient = self.env["kbe.campaign.recipient"]._kbe_find_by_code(self.reply_code)
        lead = recipient._kbe_record_response(
            self.response, note=self.note, date=self.date_responded, create_lead=self.create_lead
        )
        self.write({"recipient_id": recipient.id, "lead_id": lead.id})
        if lead:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.lead",
                "res_id": lead.id,
                "view_mode": "form",
                "name": lead.name,
            }
        return {"type": "ir.actions.act_window_close"}
