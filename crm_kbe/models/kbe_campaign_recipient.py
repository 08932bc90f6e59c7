import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

# what a reply says, as typed from the letter or the phone
NOTE_MAX = 5_000
RESPONSES = [
    ("interested", "Interested"),
    ("order", "Ordered"),
    ("info", "Asked for Information"),
    ("not_interested", "Not Interested"),
    ("return", "Returned to Sender"),
]
# the responses that are a reply (a returned letter is not), and those worth a lead
REPLIES = ("interested", "order", "info", "not_interested")
LEAD_RESPONSES = ("interested", "order", "info")
# reply codes: "KBE-" and five characters nobody misreads (no 0/O, 1/I/L)
REPLY_CODE_PREFIX = "KBE-"
REPLY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REPLY_CODE_LENGTH = 5


class KbeCampaignRecipient(models.Model):
    """A recipient of a direct-mail activity: the personalised letter printed for them, its reply
    code, and their response, recorded by hand or by the code on the reply."""

    _name = "kbe.campaign.recipient"
    _description = "Direct-Mail Recipient"
    _order = "activity_id, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    activity_id = fields.Many2one("kbe.campaign.activity", required=True, ondelete="cascade", index=True)
    campaign_id = fields.Many2one(related="activity_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="activity_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Recipient", required=True, index=True, check_company=True)
    salesperson_id = fields.Many2one(related="partner_id.commercial_partner_id.user_id", string="Salesperson")
    reply_code = fields.Char(readonly=True, copy=False, index=True)
    date_printed = fields.Datetime(string="Printed On", readonly=True, copy=False)
    date_responded = fields.Datetime(string="Responded On", copy=False)
    response = fields.Selection(RESPONSES, copy=False)
    note = fields.Text()
    lead_id = fields.Many2one("crm.lead", copy=False, index="btree_not_null", readonly=True)

    _sql_constraints = [
        ("activity_partner_uniq", "unique(activity_id, partner_id)", "A customer receives a direct mail only once."),
        ("reply_code_uniq", "unique(reply_code)", "Each reply code is unique."),
    ]

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        codes = self._kbe_new_reply_codes(len(vals_list))
        for vals, code in zip(vals_list, codes, strict=True):
            vals["reply_code"] = code
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("response") and "date_responded" not in vals:
            vals = dict(vals, date_responded=fields.Datetime.now())
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_print_letters(self):
        """The personalised letters as a PDF; the recipients are marked printed."""
        return self._kbe_print("crm_kbe.action_report_kbe_campaign_letter")

    def action_print_labels(self):
        """A sheet of address labels for the recipients; they are marked printed."""
        return self._kbe_print("crm_kbe.action_report_kbe_campaign_labels")

    def action_create_lead(self):
        """A lead for each recipient who replied with interest, asked for information or
        ordered, and has none yet: with the campaign, the activity's channel and source, the
        response note and the customer's profile, for the customer's salesperson."""
        leads = self._kbe_create_leads()
        action = {"type": "ir.actions.act_window", "res_model": "crm.lead", "name": self.env._("Leads")}
        if len(leads) == 1:
            return {**action, "view_mode": "form", "res_id": leads.id}
        return {**action, "view_mode": "list,form", "domain": [("id", "in", leads.ids)]}

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_create_leads(self):
        """The leads of these recipients (created for those who have none): see action_create_lead."""
        self.check_access("write")
        for recipient in self:
            if recipient.response not in LEAD_RESPONSES:
                raise UserError(
                    self.env._(
                        "%(partner)s did not reply with interest: no lead to create.",
                        partner=recipient.partner_id.display_name,
                    )
                )
        for recipient in self.filtered(lambda r: not r.lead_id):
            responses = dict(RESPONSES)
            note = self.env._(
                "Direct-mail reply %(code)s: %(response)s. %(note)s",
                code=recipient.reply_code,
                response=responses[recipient.response],
                note=recipient.note or "",
            )
            recipient.lead_id = recipient.activity_id._kbe_create_lead(recipient.partner_id, note.strip())
        return self.lead_id

    def _kbe_print(self, report_xmlid):
        self.check_access("write")
        if not self:
            raise UserError(self.env._("There is no recipient to print for: prepare the recipients first."))
        self.filtered(lambda r: not r.date_printed).date_printed = fields.Datetime.now()
        if self.activity_id.filtered(lambda a: a.state in ("draft", "scheduled")):
            self.activity_id.filtered(lambda a: a.state in ("draft", "scheduled")).state = "running"
        return self.env.ref(report_xmlid).report_action(self)

    def _kbe_record_response(self, response, note=False, date=None, create_lead=False):
        """Record a response (by hand or from a reply code); a lead if asked for and worth one."""
        self.check_access("write")
        if note and len(note) > NOTE_MAX:
            raise UserError(self.env._("The note is too long (at most %(max)s characters).", max=NOTE_MAX))
        values = {"response": response, "date_responded": date or fields.Datetime.now()}
        if note:
            values["note"] = note
        self.write(values)
        if create_lead and response in LEAD_RESPONSES:
            return self._kbe_create_leads()
        return self.env["crm.lead"]

    @api.model
    def _kbe_new_reply_codes(self, count):
        """``count`` reply codes used by no recipient yet (of any company)."""
        codes = set()
        while len(codes) < count:
            wanted = {
                REPLY_CODE_PREFIX + "".join(secrets.choice(REPLY_CODE_ALPHABET) for __ in range(REPLY_CODE_LENGTH))
                for __ in range(count - len(codes))
            }
            # sudo: a code must be unique across companies, whose recipients the user cannot see
            taken = set(self.sudo().search([("reply_code", "in", list(wanted))]).mapped("reply_code"))
            codes |= wanted - taken
        return list(codes)[:count]

    @api.model
    def _kbe_find_by_code(self, code):
        """The recipient of a reply code (spaces and case do not matter), as the user may see it;
        a clear error for an unknown code or one of another company."""
        normalized = (code or "").strip().upper().replace(" ", "")
        if normalized and not normalized.startswith(REPLY_CODE_PREFIX):
            normalized = REPLY_CODE_PREFIX + normalized.removeprefix("KBE")
        recipient = self.search([("reply_code", "=", normalized)], limit=1) if normalized else self.browse()
        if recipient:
            return recipient
        # sudo: only to tell an unknown code from one of a company the user does not work for
        if normalized and self.sudo().search_count([("reply_code", "=", normalized)]):
            raise UserError(
                self.env._("The reply code %(code)s belongs to another company's direct mail.", code=normalized)
            )
        raise UserError(self.env._("No direct mail has the reply code “%(code)s”.", code=code or ""))
