from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..models.kbe_call import CALL_OUTCOMES, CALL_SUBJECT_MAX, CALL_TEXT_MAX, MAX_CALL_HOURS, NOT_HELD_REASONS


class KbeCallLog(models.TransientModel):
    """Log a call in one step: held or not (and why), duration, outcome, notes, and the
    follow-up (another call or an activity), prefilled from the call. The work is done by
    ``kbe.call._kbe_log`` and the follow-up helpers of kbe.call."""

    _name = "kbe.call.log"
    _description = "Log a Call"

    call_id = fields.Many2one("kbe.call", ondelete="cascade")
    name = fields.Char(related="call_id.name", string="Subject")
    # a call taken or made on a ticket, logged without having been planned: the wizard creates it
    ticket_id = fields.Many2one("kbe.ticket", ondelete="cascade")
    subject = fields.Char(string="Call Subject", compute="_compute_subject", store=True, readonly=False)
    direction = fields.Selection([("inbound", "Inbound"), ("outbound", "Outbound")], required=True, default="inbound")
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_customer")
    lead_id = fields.Many2one(related="call_id.lead_id", string="Opportunity")
    phone = fields.Char(string="Number to Dial", compute="_compute_customer")
    purpose = fields.Html(compute="_compute_customer")
    profile_summary = fields.Text(string="Customer Profile", compute="_compute_customer")
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

    @api.depends("ticket_id")
    def _compute_subject(self):
        for wizard in self:
            if not wizard.subject and wizard.ticket_id:
                wizard.subject = wizard.ticket_id.name

    @api.depends("call_id", "ticket_id")
    def _compute_customer(self):
        for wizard in self:
            call, ticket = wizard.call_id, wizard.ticket_id
            partner = call.partner_id or ticket.partner_id
            wizard.partner_id = partner
            wizard.phone = call.phone or partner.phone or partner.mobile
            wizard.purpose = call.purpose if call else ticket.description
            wizard.profile_summary = partner.kbe_profile_summary

    @api.depends("call_id", "result")
    def _compute_duration(self):
        for wizard in self:
            wizard.duration = wizard.call_id.duration_planned if wizard.result == "held" else 0.0

    @api.depends("call_id", "ticket_id", "followup")
    def _compute_followup(self):
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for wizard in self:
            call = wizard.call_id
            subject = call.name or wizard.subject or wizard.ticket_id.name
            if not wizard.followup_name:
                wizard.followup_name = self.env._("Follow-up: %(subject)s", subject=subject) if subject else False
            if not wizard.followup_date:
                wizard.followup_date = fields.Datetime.now() + timedelta(days=2)
            if not wizard.followup_user_id:
                wizard.followup_user_id = call.user_id or self.env.user
            if not wizard.followup_activity_type_id:
                wizard.followup_activity_type_id = todo

    def action_apply(self):
        self.ensure_one()
        call = self.call_id
        # everything is checked before anything is written
        if call:
            call.check_access("write")
            if call.state != "planned":
                raise UserError(self.env._("The call “%(call)s” is not planned any more.", call=call.name))
        else:
            self._check_new_ticket_call()
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
        company = call.company_id or self.ticket_id.company_id
        if self.followup != "none":
            self.followup_user_id._kbe_check_assignable(company, role=self.env._("the follow-up's responsible"))
        log = {
            "state": self.result,
            "not_held_reason": self.not_held_reason,
            "date_done": self.date_done,
            "duration": self.duration if self.result == "held" else 0.0,
            "outcome": self.outcome,
            "notes": self.notes,
        }
        if call:
            call._kbe_log(**log)
        else:
            call = self.env["kbe.call"].create(self._new_ticket_call_values(log))
            call._kbe_post_summaries()
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

    def _check_new_ticket_call(self):
        """A call logged on a ticket without having been planned: on a ticket the user may
        change, with its customer, and with a subject."""
        ticket = self.ticket_id
        if not ticket:
            raise UserError(self.env._("Choose the call to log, or the ticket the call is about."))
        ticket._kbe_check_callable()
        subject = (self.subject or "").strip()
        if not subject:
            raise UserError(self.env._("A call needs a subject: say what the call is about."))
        if len(subject) > CALL_SUBJECT_MAX:
            raise UserError(
                self.env._(
                    "A call's subject has at most %(max)s characters: put the rest in its notes.",
                    max=CALL_SUBJECT_MAX,
                )
            )

    def _new_ticket_call_values(self, log):
        """The values of the call logged on the ticket, already held or not held."""
        ticket = self.ticket_id
        state = log["state"]
        return {
            "name": self.subject.strip(),
            "direction": self.direction,
            "ticket_id": ticket.id,
            "partner_id": ticket.partner_id.id,
            "user_id": self.env.uid,
            "company_id": ticket.company_id.id,
            "date_planned": log["date_done"] or fields.Datetime.now(),
            "duration_planned": log["duration"],
            "state": state,
            "not_held_reason": log["not_held_reason"] if state == "not_held" else False,
            "outcome": log["outcome"] if state == "held" else False,
            "date_done": log["date_done"] or fields.Datetime.now(),
            "duration": log["duration"] or 0.0,
            "notes": log["notes"],
        }
