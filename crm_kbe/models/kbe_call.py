import math
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import clean_context, html2plaintext, is_html_empty, plaintext2html

CALL_STATES = [
    ("planned", "Planned"),
    ("held", "Held"),
    ("not_held", "Not Held"),
    ("cancelled", "Cancelled"),
]
NOT_HELD_REASONS = [
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("voicemail", "Voicemail"),
    ("wrong_number", "Wrong number"),
]
CALL_OUTCOMES = [
    ("interested", "Interested"),
    ("callback", "Asked to call back"),
    ("info_sent", "Information to send"),
    ("ordered", "Ordered"),
    ("not_interested", "Not interested"),
    ("complaint", "Complaint"),
    # service calls (calls of tickets)
    ("resolved", "Solved during the call"),
    ("needs_visit", "Needs a visit"),
]
# a call longer than this is a typing mistake (hours)
MAX_CALL_HOURS = 24.0
# the longest subject of a call, in characters (a subject, not the notes)
CALL_SUBJECT_MAX = 200
# what an agent types in a call's purpose or notes (HTML, in characters)
CALL_TEXT_MAX = 50_000


# ------------------------------------------------------------------------------------------------
# THE AGENDA OF A PLANNED CALL
#
# A planned call is also a "Call" activity (on its opportunity, else on its customer) inside one
# calendar entry of its responsible. The call owns both, and the link has one direction:
#
# - The call creates, moves, renames, completes and removes its activity and entry itself
#   (``_kbe_sync_create_activities``, ``_kbe_sync_update_activities``,
#   ``_kbe_sync_remove_activities``), from its own create, write and unlink, which have checked
#   the user's rights on the call. They are written with sudo (they sit in the responsible's
#   agenda, who may be a team-mate) and with the context key ``kbe_call_sync``: the overrides of
#   ``mail.activity`` and ``calendar.event`` do not send the owner's own changes back.
# - A change a user makes on the activity or the entry (moved, reassigned, marked done, deleted),
#   which standard Odoo lets any employee make, reaches the call only through
#   ``kbe.call._kbe_agenda_changed``: it keeps the planned calls, checks that the user may change
#   each of them (AccessError otherwise: nothing changes, no sudo), writes the call with the
#   user's rights, and brings the other agenda item in step.
# - An activity or entry of no call costs no query (``kbe_call_id`` is read with them).
# ------------------------------------------------------------------------------------------------


class KbeCall(models.Model):
    """A customer call, planned or logged: the document's "Scheduling Logged Calls".

    A planned call is also a "Call" activity on its opportunity (or customer) and an entry in the
    responsible's calendar: see "THE AGENDA OF A PLANNED CALL" above."""

    _name = "kbe.call"
    _description = "Customer Call"
    _inherit = ["mail.thread"]
    _order = "date_planned desc, id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(string="Subject", required=True, tracking=True)
    direction = fields.Selection(
        [("outbound", "Outbound"), ("inbound", "Inbound")],
        required=True,
        default="outbound",
    )
    # relations
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer Company", store=True, index=True
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="set null",
    )
    campaign_id = fields.Many2one("utm.campaign", index="btree_not_null")
    kbe_campaign_activity_id = fields.Many2one(
        "kbe.campaign.activity", string="Campaign Activity", index="btree_not_null", ondelete="set null"
    )
    phone = fields.Char(string="Number to Dial", compute="_compute_phone", store=True, readonly=False, precompute=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    followup_of_id = fields.Many2one("kbe.call", string="Follow-up of", index="btree_not_null", copy=False)
    followup_ids = fields.One2many("kbe.call", "followup_of_id", string="Follow-up Calls")
    # what the rep reads before calling
    purpose = fields.Html(
        compute="_compute_purpose",
        store=True,
        readonly=False,
        precompute=True,
        help="Why we call: taken from the opportunity's internal memo.",
    )
    profile_summary = fields.Text(related="partner_id.kbe_profile_summary", string="Customer Profile")
    # state
    state = fields.Selection(
        CALL_STATES, string="Status", required=True, default="planned", tracking=True, copy=False, index=True
    )
    not_held_reason = fields.Selection(NOT_HELD_REASONS, string="Reason Not Held", tracking=True, copy=False)
    outcome = fields.Selection(CALL_OUTCOMES, tracking=True, copy=False)
    notes = fields.Html(copy=False)
    date_planned = fields.Datetime(
        string="Planned Date", required=True, default=fields.Datetime.now, tracking=True, index=True
    )
    duration_planned = fields.Float(string="Planned Duration", default=0.25, help="In hours.")
    date_done = fields.Datetime(string="Call Date", copy=False, tracking=True)
    duration = fields.Float(copy=False, aggregator="sum", help="Actual duration, in hours.")
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    is_today = fields.Boolean(string="Planned Today", compute="_compute_is_today", search="_search_is_today")
    # the planned call in the responsible's activities and calendar
    activity_id = fields.Many2one("mail.activity", readonly=True, copy=False, index="btree_not_null")
    calendar_event_id = fields.Many2one(
        "calendar.event", string="Calendar Entry", readonly=True, copy=False, index="btree_not_null"
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for call in self:
            if call.lead_id.partner_id and not call.partner_id:
                call.partner_id = call.lead_id.partner_id

    @api.depends("partner_id", "lead_id")
    def _compute_phone(self):
        for call in self:
            call.phone = call._kbe_number_of(call.partner_id, call.lead_id) or call.phone

    @api.depends("user_id", "lead_id")
    def _compute_team_id(self):
        for call in self:
            if call.lead_id.team_id:
                call.team_id = call.lead_id.team_id
            elif call.user_id and (not call.team_id or call.user_id not in call.team_id.member_ids):
                call.team_id = call.user_id.sale_team_id or call.team_id

    @api.depends("lead_id", "partner_id", "team_id")
    def _compute_company_id(self):
        for call in self:
            company = call.lead_id.company_id or call.partner_id.company_id or call.team_id.company_id
            if company:
                call.company_id = company
            elif not call.company_id:
                call.company_id = self.env.company

    @api.depends("lead_id")
    def _compute_purpose(self):
        for call in self:
            if call.lead_id and not is_html_empty(call.lead_id.description) and is_html_empty(call.purpose):
                call.purpose = call.lead_id.description

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for call in self:
            call.is_overdue = call.state == "planned" and call.date_planned < now

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        domain = [("state", "=", "planned"), ("date_planned", "<", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", *domain]

    def _kbe_today_bounds(self):
        """Start and end (UTC, naive) of today in the user's time zone."""
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        today = datetime.now(tz).date()
        start = tz.localize(datetime.combine(today, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
        return start, start + timedelta(days=1)

    def _compute_is_today(self):
        start, end = self._kbe_today_bounds()
        for call in self:
            call.is_today = start <= call.date_planned < end

    def _search_is_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Planned Today."))
        start, end = self._kbe_today_bounds()
        domain = [("date_planned", ">=", start), ("date_planned", "<", end)]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("duration", "duration_planned")
    def _check_duration(self):
        for call in self:
            for value in (call.duration, call.duration_planned):
                if not math.isfinite(value) or value < 0 or value > MAX_CALL_HOURS:
                    raise ValidationError(
                        self.env._(
                            "The duration of the call “%(call)s” must be between 0 and 24 hours.",
                            call=call.name,
                        )
                    )

    @api.constrains("user_id", "company_id")
    def _check_user(self):
        for call in self:
            call.user_id._kbe_check_assignable(call.company_id, role=self.env._("the call's responsible"))

    @api.constrains("name")
    def _check_name(self):
        if any(not (call.name or "").strip() for call in self):
            raise ValidationError(self.env._("A call needs a subject: say what the call is about."))
        if any(len(call.name) > CALL_SUBJECT_MAX for call in self):
            raise ValidationError(
                self.env._(
                    "A call's subject has at most %(max)s characters: put the rest in its purpose.",
                    max=CALL_SUBJECT_MAX,
                )
            )

    @api.constrains("state", "date_done", "not_held_reason")
    def _check_state(self):
        for call in self:
            if call.state == "held" and not call.date_done:
                raise ValidationError(
                    self.env._("The held call “%(call)s” needs the date it took place.", call=call.name)
                )
            if call.state == "not_held" and not call.not_held_reason:
                raise ValidationError(
                    self.env._(
                        "Say why the call “%(call)s” was not held (no answer, busy, voicemail, wrong number).",
                        call=call.name,
                    )
                )

    @api.constrains("partner_id", "lead_id", "company_id")
    def _check_customer(self):
        for call in self:
            if not call.partner_id and not call.lead_id:
                raise ValidationError(
                    self.env._("The call “%(call)s” needs a customer or an opportunity.", call=call.name)
                )
            partner_company = call.partner_id.company_id or call.partner_id.commercial_partner_id.company_id
            if partner_company and partner_company != call.company_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is a contact of the company %(other)s: a call of %(company)s cannot be "
                        "made on it.",
                        partner=call.partner_id.display_name,
                        other=partner_company.name,
                        company=call.company_id.name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._kbe_check_lead_access(vals.get("lead_id") for vals in vals_list)
        calls = super().create(vals_list)
        calls.filtered(lambda c: c.state == "planned")._kbe_sync_create_activities()
        return calls

    def write(self, vals):
        if vals.get("lead_id"):
            self._kbe_check_lead_access([vals["lead_id"]])
        if "state" in vals and not self.env.context.get("kbe_call_sync"):
            leaving = self.filtered(lambda c: c.state == "planned" and vals["state"] != "planned")
        else:
            leaving = self.browse()
        res = super().write(vals)
        if self.env.context.get("kbe_call_sync"):
            return res
        # a planned call is an activity and a calendar entry: keep them in step
        if leaving:
            leaving._kbe_sync_remove_activities(done=vals["state"] in ("held", "not_held"))
        if vals.get("state") == "planned":
            self.filtered(lambda c: not c.activity_id)._kbe_sync_create_activities()
        if {"date_planned", "duration_planned", "user_id", "name", "lead_id", "partner_id", "ticket_id"} & set(vals):
            self.filtered(lambda c: c.state == "planned")._kbe_sync_update_activities()
        return res

    def unlink(self):
        # sudo: the call's own activity and calendar entry go with it, whoever's agenda they are in
        # (super checks the right to delete the call first)
        activities = self.activity_id.sudo()
        events = self.calendar_event_id.sudo()  # sudo: as above
        res = super().unlink()
        activities.with_context(kbe_call_sync=True).exists().unlink()
        events.with_context(kbe_call_sync=True).exists().unlink()
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_log(self):
        """Open the log wizard: held or not, outcome, notes and follow-up in one step."""
        self.ensure_one()
        self.check_access("write")
        if self.state in ("held", "not_held"):
            raise UserError(self.env._("The call “%(call)s” is already logged.", call=self.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Call"),
            "res_model": "kbe.call.log",
            "view_mode": "form",
            "target": "new",
            "context": {"default_call_id": self.id},
        }

    def action_no_answer(self):
        """One click from the queue: the customer did not answer."""
        self.check_access("write")
        self._kbe_log(state="not_held", not_held_reason="no_answer")
        return True

    def action_cancel(self):
        self.check_access("write")
        if self.filtered(lambda c: c.state in ("held", "not_held")):
            raise UserError(self.env._("A call that was logged cannot be cancelled."))
        self.write({"state": "cancelled"})
        return True

    def action_replan(self):
        self.check_access("write")
        if self.filtered(lambda c: c.state in ("held", "not_held")):
            raise UserError(self.env._("A call that was logged cannot be planned again: plan a follow-up."))
        self.write({"state": "planned"})
        return True

    def action_open_document(self):
        self.ensure_one()
        self.check_access("read")
        record = self.lead_id or self.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # LOGGING AND FOLLOW-UP (the work of the kbe.call.log wizard)
    # ------------------------------------------------------------

    def _kbe_log(self, state, not_held_reason=False, date_done=None, duration=0.0, outcome=False, notes=False):
        """Log these calls as held or not held in one write, then post the summary on the
        opportunity and on the customer (the Call activity is marked done with it)."""
        if state not in ("held", "not_held"):
            raise UserError(self.env._("A call is logged as held or not held."))
        if self.filtered(lambda c: c.state in ("held", "not_held", "cancelled")):
            raise UserError(self.env._("Only planned calls can be logged."))
        values = {
            "state": state,
            "not_held_reason": not_held_reason if state == "not_held" else False,
            "outcome": outcome if state == "held" else False,
            "date_done": date_done or fields.Datetime.now(),
            "duration": duration or 0.0,
            "notes": notes,
        }
        self.with_context(kbe_call_sync=True).write(values)
        self._kbe_post_summaries()
        return True

    def _kbe_post_summaries(self):
        """Post the summary of these logged calls where the customer's history is (the Call
        activity of a planned call is marked done with it, as its feedback)."""
        for call in self:
            html, plain = call._kbe_summary()
            records = call._kbe_history_records()
            # sudo: a rep may log a team-mate's call (the caller checked the right on the call)
            activity = call.activity_id.sudo()
            if activity:
                done_on = (activity.res_model, activity.res_id)
                records = [r for r in records if (r._name, r.id) != done_on]
                # sudo: a rep may log a team-mate's call; the Call activity is done with the
                # summary as its feedback, on the opportunity (or customer) it belongs to
                activity.with_context(kbe_call_sync=True)._action_done(feedback=plain)
            for record in records:
                # sudo: the summary goes where the customer's history is, even on a record the
                # rep may read but not write (a team-mate's opportunity)
                record.sudo().message_post(
                    body=html,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                    author_id=self.env.user.partner_id.id,
                )
        self.with_context(kbe_call_sync=True).write({"activity_id": False})

    def _kbe_history_records(self):
        """The records whose chatter tells the call's story: its opportunity and its customer."""
        self.ensure_one()
        return [record for record in (self.lead_id, self.partner_id) if record]

    def _kbe_summary(self):
        """The chatter summary of a logged call, as (HTML, plain text)."""
        self.ensure_one()
        reasons = dict(self._fields["not_held_reason"]._description_selection(self.env))
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        directions = dict(self._fields["direction"]._description_selection(self.env))
        if self.state == "held":
            head = self.env._(
                "Call held: %(subject)s (%(direction)s, %(minutes)s min)",
                subject=self.name,
                direction=directions[self.direction].lower(),
                minutes=round(self.duration * 60),
            )
        else:
            head = self.env._(
                "Call not held: %(subject)s (%(reason)s)",
                subject=self.name,
                reason=reasons.get(self.not_held_reason, ""),
            )
        lines = [head]
        if self.outcome:
            lines.append(self.env._("Outcome: %(outcome)s", outcome=outcomes[self.outcome]))
        html = Markup("<p><b>%s</b></p>") % head
        html += Markup("").join(Markup("<p>%s</p>") % line for line in lines[1:])
        if not is_html_empty(self.notes):
            html += Markup("<div>%s</div>") % self.notes
            lines.append(html2plaintext(self.notes))
        return html, "\n".join(lines)

    def _kbe_followup_values(self, name=False, date_planned=False, user=None, purpose=False):
        """Values of a follow-up call of this one, prefilled from it."""
        self.ensure_one()
        return {
            "name": name or self.env._("Follow-up: %(subject)s", subject=self.name),
            "direction": "outbound",
            "partner_id": self.partner_id.id,
            "lead_id": self.lead_id.id,
            "campaign_id": self.campaign_id.id,
            "phone": self.phone,
            "user_id": (user or self.user_id).id,
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            "date_planned": date_planned or fields.Datetime.now() + timedelta(days=2),
            "duration_planned": self.duration_planned,
            "purpose": purpose or self.purpose,
            "followup_of_id": self.id,
        }

    def _kbe_schedule_followup_activity(self, activity_type, date_deadline, summary=False, note=False, user=None):
        """A follow-up as an Odoo activity on the opportunity (or the customer)."""
        self.ensure_one()
        document = self._kbe_document()
        return document.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=date_deadline,
            summary=summary or self.env._("Follow-up: %(subject)s", subject=self.name),
            note=note or "",
            user_id=(user or self.user_id or self.env.user).id,
        )

    # ------------------------------------------------------------
    # ACTIVITY AND CALENDAR
    # ------------------------------------------------------------

    def _kbe_document(self):
        """The record that carries the call's activity: the opportunity, else the customer."""
        self.ensure_one()
        return self.lead_id or self.partner_id

    @api.model
    def _kbe_number_of(self, partner, lead):
        return lead.phone or lead.mobile or partner.phone or partner.mobile or False

    def _kbe_local_date(self):
        """The planned date as a date in the responsible's time zone (an activity's deadline)."""
        self.ensure_one()
        tz = pytz.timezone(self.user_id.tz or self.env.user.tz or "UTC")
        return pytz.utc.localize(self.date_planned).astimezone(tz).date()

    def _kbe_activity_values(self):
        self.ensure_one()
        document = self._kbe_document()
        return {
            "res_model_id": self.env["ir.model"]._get_id(document._name),
            "res_id": document.id,
            "activity_type_id": self._kbe_activity_type().id,
            "summary": self.name,
            "note": self.purpose if not is_html_empty(self.purpose) else False,
            "date_deadline": self._kbe_local_date(),
            "user_id": (self.user_id or self.env.user).id,
            "kbe_call_id": self.id,
        }

    def _kbe_event_values(self):
        self.ensure_one()
        document = self._kbe_document()
        user = self.user_id or self.env.user
        return {
            "name": self.env._("Call: %(subject)s", subject=self.name),
            "start": self.date_planned,
            "stop": self.date_planned + timedelta(hours=max(self.duration_planned, 0.25)),
            "duration": max(self.duration_planned, 0.25),
            "user_id": user.id,
            "partner_ids": [(6, 0, user.partner_id.ids)],
            "res_model_id": self.env["ir.model"]._get_id(document._name),
            "res_id": document.id,
            # no purpose here: it is often the opportunity's internal memo, and every employee may
            # read calendar entries; the call and its activity (on the opportunity) carry it
            "alarm_ids": [(6, 0, [])],
            "kbe_call_id": self.id,
            # the activity is the call's only reminder; the calendar entry carries it
            "activity_ids": [(0, 0, self._kbe_activity_values())],
        }

    @api.model
    def _kbe_activity_type(self):
        return self.env.ref("mail.mail_activity_data_call")

    def _kbe_sync_create_activities(self):
        """One "Call" activity per planned call, inside a calendar entry of the responsible,
        created in one batch."""
        calls = self.filtered(lambda c: c.state == "planned" and not c.activity_id and (c.lead_id or c.partner_id))
        if not calls:
            return
        events = (
            self.env["calendar.event"]
            # sudo: the call's access was checked when it was created or written; its activity and
            # calendar entry belong to the responsible, who may be a team-mate of the user
            .sudo()
            .with_context(clean_context(self.env.context))
            .with_context(
                kbe_call_sync=True,
                no_mail_to_attendees=True,
                dont_notify=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                tracking_disable=True,
            )
            .create([call._kbe_event_values() for call in calls])
        )
        activities = events.activity_ids
        by_call = {activity.kbe_call_id: activity for activity in activities}
        for call, event in zip(calls, events, strict=True):
            call.with_context(kbe_call_sync=True).write(
                {"calendar_event_id": event.id, "activity_id": by_call[call].id}
            )

    @api.model
    def _kbe_check_lead_access(self, lead_ids):
        """A call is put on an opportunity only by someone who may change that opportunity: the
        call shows its memo and phone, and logs and plans activities in its chatter."""
        leads = self.env["crm.lead"].browse({lead_id for lead_id in lead_ids if lead_id})
        if leads:
            leads.check_access("write")

    def _kbe_agenda_changed(self, change, origin, feedback=False, **values):
        """The one way from a call's activity or calendar entry back to the call (see "THE AGENDA
        OF A PLANNED CALL"). ``change``: "moved" (``values``: the call's new date, duration or
        responsible), "done" (the activity's ``feedback`` becomes the notes) or "removed";
        ``origin``: "activity" or "event", the item the user changed. Returns the planned calls
        changed; the others (held, cancelled) keep their agenda items under Odoo's rules alone."""
        planned = self._kbe_planned_to_change() if self else self
        if not planned:
            return planned
        owner = planned.with_context(kbe_call_sync=True)
        if change == "moved":
            owner.write(values)
            if origin == "activity":
                # the entry follows the call (an entry moves its own activity: Odoo's calendar)
                planned._kbe_sync_update_activities()
        elif change == "done":
            owner.write(
                {
                    "state": "held",
                    "date_done": fields.Datetime.now(),
                    "notes": plaintext2html(feedback) if feedback else False,
                    "activity_id": False,
                }
            )
        elif change == "removed":
            # sudo: the other agenda item of the cancelled call goes with it (see the owner's
            # removal); the user's right on the call was checked above
            others = planned.calendar_event_id.sudo() if origin == "activity" else planned.activity_id.sudo()
            owner.write({"state": "cancelled", "activity_id": False})
            others.with_context(kbe_call_sync=True).exists().unlink()
        else:
            raise ValueError(change)
        return planned

    def _kbe_planned_to_change(self):
        """The planned ones among these calls, for a change made from their activity or calendar
        entry: whoever makes it needs the right to change the call itself."""
        # sudo: only to tell which calls are still planned (a held call keeps its activity or
        # entry, which then follow Odoo's rules alone); the planned ones are changed with the
        # user's own rights
        planned = self.browse(self.sudo().filtered(lambda call: call.state == "planned").ids)
        if planned:  # an activity or entry of no planned call asks nothing of the user
            planned.check_access("write")
        return planned

    def _kbe_sync_update_activities(self):
        """The call was rescheduled, reassigned or renamed: its activity and calendar entry follow."""
        for call in self:
            # sudo: see _kbe_sync_create_activities
            activity = call.activity_id.sudo()
            if activity:
                document = call._kbe_document()
                # sudo: see _kbe_sync_create_activities
                activity.with_context(kbe_call_sync=True, mail_activity_quick_update=True).write(
                    {
                        "res_model_id": self.env["ir.model"]._get_id(document._name),
                        "res_id": document.id,
                        "summary": call.name,
                        "date_deadline": call._kbe_local_date(),
                        "user_id": (call.user_id or self.env.user).id,
                    }
                )
            # sudo: see _kbe_sync_create_activities
            event = call.calendar_event_id.sudo()
            if event:
                user = call.user_id or self.env.user
                event.with_context(kbe_call_sync=True, no_mail_to_attendees=True, dont_notify=True).write(
                    {
                        "name": self.env._("Call: %(subject)s", subject=call.name),
                        "start": call.date_planned,
                        "stop": call.date_planned + timedelta(hours=max(call.duration_planned, 0.25)),
                        "user_id": user.id,
                        "partner_ids": [(6, 0, user.partner_id.ids)],
                    }
                )
            elif not activity:
                call._kbe_sync_create_activities()

    def _kbe_move_to_lead(self, lead):
        """The calls move to ``lead`` (an opportunity merge), their activity and calendar entry
        with them (the merge's caller checked the right on the opportunities)."""
        lead_model = self.env["ir.model"]._get_id(lead._name)
        owner = self.with_context(kbe_call_sync=True)
        owner.write({"lead_id": lead.id})
        agenda = {"res_model_id": lead_model, "res_id": lead.id}
        owner.calendar_event_id.with_context(kbe_call_sync=True).write(agenda)
        owner.activity_id.with_context(kbe_call_sync=True).write(agenda)

    def _kbe_sync_remove_activities(self, done=False):
        """The call left the planned state: a held or missed call completes its activity, a
        cancelled one removes it with its calendar entry."""
        # sudo: see _kbe_sync_create_activities
        activities = self.activity_id.sudo()
        if done:
            activities.with_context(kbe_call_sync=True)._action_done()
        else:
            events = self.calendar_event_id.sudo()  # sudo: as above
            activities.with_context(kbe_call_sync=True).unlink()
            events.with_context(kbe_call_sync=True).unlink()
        self.with_context(kbe_call_sync=True).write({"activity_id": False})
