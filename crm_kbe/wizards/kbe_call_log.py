from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..models.kbe_call import CALL_OUTCOMES, CALL_TEXT_MAX, MAX_CALL_HOURS, NOT_HELD_REASONS


class KbeCallLog(models.TransientModel):
    """Log a call in one step: held or not (and why), duration, outcome, notes, and the
    follow-up (another call or an activity), prefilled from the call. The work is done by
    ``kbe.call._kbe_log`` and the follow-up helpers of kbe.call."""

    _name = "kbe.call.log"
    _description = "Log a Call"

    call_id = fields.Many2one("kbe.call", required=True, ondelete="cascade")
    name = fields.Char(related="call_id.name", string="Subject")
    partner_id = fields.Many2one(related="call_id.partner_id", string="Customer")
    lead_id = fields.Many2one(related="call_id.lead_id", string="Opportunity")
    phone = fields.Char(related="call_id.phone", string="Number to Dial")
    purpose = fields.Html(related="call_id.purpose", string="Purpose")
    profile_summary = fields.Text(related="call_id.profile_summary", string="Customer Profile")
    result = fields.Selection([("held", "Held"), ("not_held", "Not held")], required=True, default="held")
    not_held_reason = fields.Selection(NOT_HELD_REASONS, string="Reason")
    date_done = fields.Datetime(string="Call Date", default=fields.Datetime.now)
    duration = fields.Float(compute="_compute_duration", store=True, readonly=False, help="In hours.")
    outcome = fields.Selection(CALL_OUTCOMES)
    notes = fields.Html()
    followup = fields.Selection(
        [("none", "No follow-up"), ("call", "Another call"), ("activity", "An activity")],
        string="Follow-up",
        required=True,
        default="none",
    )
    followup_name = fields.Char(string="Follow-up Subject", compute="_compute_followup", store=True, readonly=False)
    followup_date = fields.Datetime(string="Follow-up On", compute="_compute_followup", store=True, readonly=False)
    followup_user_id = fields.Many2one(
        "res.users",
        string="Follow-up By",
        compute="_compute_followup",
        store=True,
        readonly=False,
        domain="[('share', '=', False)]",
    )
    followup_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Activity Type",
        compute="_compute_followup",
        store=True,
        readonly=False,
    )
    followup_note = fields.Html(string="Follow-up Note")

    @api.depends("call_id", "result")
    def _compute_duration(self):
        for wizard in self:
            wizard.duration = wizard.call_id.duration_planned if wizard.result == "held" else 0.0

    @api.depends("call_id", "followup")
    def _compute_followup(self):
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for wizard in self:
            call = wizard.call_id
            if not wizard.followup_name:
                wizard.followup_name = self.env._("Follow-up: %(subject)s", subject=call.name) if call else False
            if not wizard.followup_date:
                wizard.followup_date = fields.Datetime.now() + timedelta(days=2)
            if not wizard.followup_user_id:
                wizard.followup_user_id = call.user_id or self.env.user
            if not wizard.followup_activity_type_id:
                wizard.followup_activity_type_id = todo

    def action_apply(self):
        self.ensure_one()
        call = self.call_id
        call.check_access("write")
        # everything is checked before anything is written
        if call.state != "planned":
            raise UserError(self.env._("The call “%(call)s” is not planned any more.", call=call.name))
        if self.result == "not_held" and not self.not_held_reason:
            raise UserError(self.env._("Say why the call was not held: no answer, busy, voicemail or wrong number."))
        if self.result == "held" and not self.date_done:
            raise UserError(self.env._("A held call needs the date it took place."))
        if not 0 <= self.duration <= MAX_CALL_HOURS:
            raise UserError(self.env._("The duration of a call must be between 0 and 24 hours."))
        if max(len(self.notes or ""), len(self.followup_note or "")) > CALL_TEXT_MAX:
            raise UserError(self.env._("The notes are too long (at most %(max)s characters).", max=CALL_TEXT_MAX))
        if self.followup != "none" and not self.followup_date:
            raise UserError(self.env._("Choose when the follow-up takes place."))
        if self.followup == "activity" and not self.followup_activity_type_id:
            raise UserError(self.env._("Choose the type of the follow-up activity."))
        if self.followup != "none":
            self.followup_user_id._kbe_check_assignable(call.company_id, role=self.env._("the follow-up's responsible"))
        call._kbe_log(
            state=self.result,
            not_held_reason=self.not_held_reason,
            date_done=self.date_done,
            duration=self.duration if self.result == "held" else 0.0,
            outcome=self.outcome,
            notes=self.notes,
        )
        if self.followup == "call":
            self.env["kbe.call"].create(
                call._kbe_followup_values(
                    name=self.followup_name,
                    date_planned=self.followup_date,
                    user=self.followup_user_id,
                    purpose=None if is_html_empty(self.followup_note) else self.followup_note,
                )
            )
        elif self.followup == "activity":
            call._kbe_schedule_followup_activity(
                self.followup_activity_type_id,
                fields.Date.to_date(self.followup_date),
                summary=self.followup_name,
                note=self.followup_note,
                user=self.followup_user_id,
            )
        return {"type": "ir.actions.act_window_close"}
