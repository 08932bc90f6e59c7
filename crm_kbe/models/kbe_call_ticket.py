from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

# The calls a service team owes its customers, in the order they are returned: the ticket whose
# SLA ends first, then the planned date (a ticket without SLA comes after those with one).
CALL_QUEUE_ORDER = "sla_deadline asc, date_planned asc, id asc"


class KbeCall(models.Model):
    """Calls of service tickets (teleservice): a call belongs to an opportunity or to a ticket (or
    only to a customer), never to both. A ticket's planned call is an activity on the ticket; see
    "THE AGENDA OF A PLANNED CALL" in kbe_call.py, which applies unchanged."""

    _inherit = "kbe.call"

    # relations
    ticket_id = fields.Many2one(
        "kbe.ticket",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        ondelete="set null",
    )
    service_team_id = fields.Many2one(
        related="ticket_id.team_id", string="Service Team", store=True, index="btree_not_null"
    )
    # the queue of calls to return: the ticket's next SLA deadline
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla_deadline",
        store=True,
        index=True,
        help="The ticket's next SLA deadline (first response if still due, else resolution): "
        "the calls to return are made in this order.",
    )

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("lead_id", "ticket_id")
    def _compute_partner_id(self):
        res = super()._compute_partner_id()
        for call in self:
            if call.ticket_id.partner_id and not call.partner_id:
                call.partner_id = call.ticket_id.partner_id
        return res

    @api.depends("user_id", "lead_id", "ticket_id")
    def _compute_team_id(self):
        # a ticket's call is the service team's work, not a sales team's
        ticket_calls = self.filtered("ticket_id")
        ticket_calls.team_id = False
        return super(KbeCall, self - ticket_calls)._compute_team_id()

    @api.depends("lead_id", "partner_id", "team_id", "ticket_id")
    def _compute_company_id(self):
        ticket_calls = self.filtered("ticket_id")
        for call in ticket_calls:
            call.company_id = call.ticket_id.company_id
        return super(KbeCall, self - ticket_calls)._compute_company_id()

    @api.depends("lead_id", "ticket_id")
    def _compute_purpose(self):
        res = super()._compute_purpose()
        for call in self:
            if call.ticket_id and not is_html_empty(call.ticket_id.description) and is_html_empty(call.purpose):
                call.purpose = call.ticket_id.description
        return res

    @api.depends("ticket_id.sla_response_deadline", "ticket_id.sla_resolution_deadline")
    def _compute_sla_deadline(self):
        for call in self:
            ticket = call.ticket_id
            deadlines = [d for d in (ticket.sla_response_deadline, ticket.sla_resolution_deadline) if d]
            call.sla_deadline = min(deadlines, default=False)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("lead_id", "ticket_id")
    def _check_lead_or_ticket(self):
        for call in self:
            if call.lead_id and call.ticket_id:
                raise ValidationError(
                    self.env._(
                        "The call “%(call)s” belongs either to the opportunity %(lead)s or to the ticket "
                        "%(ticket)s, not to both: plan a separate call for the other.",
                        call=call.name,
                        lead=call.lead_id.display_name,
                        ticket=call.ticket_id.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._kbe_check_ticket_access(vals.get("ticket_id") for vals in vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("ticket_id"):
            self._kbe_check_ticket_access([vals["ticket_id"]])
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_ticket(self):
        self.ensure_one()
        self.check_access("read")
        if not self.ticket_id:
            raise UserError(self.env._("The call “%(call)s” has no ticket.", call=self.name))
        self.ticket_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "kbe.ticket",
            "res_id": self.ticket_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_create_ticket(self):
        """ "New Ticket": a ticket for the caller's customer, described by the call's subject and
        notes, in the agent's service team and assigned to them, with the call linked to it."""
        self.ensure_one()
        self.check_access("write")
        Ticket = self.env["kbe.ticket"]
        if not Ticket.has_access("create"):
            raise UserError(self.env._("Only service agents open tickets from a call."))
        if self.ticket_id:
            raise UserError(
                self.env._(
                    "The call “%(call)s” already has the ticket %(ticket)s.",
                    call=self.name,
                    ticket=self.ticket_id.display_name,
                )
            )
        if self.lead_id:
            raise UserError(
                self.env._(
                    "The call “%(call)s” belongs to the opportunity %(lead)s: a ticket is opened from a "
                    "customer's call that belongs to no opportunity.",
                    call=self.name,
                    lead=self.lead_id.display_name,
                )
            )
        if self.state not in ("planned", "held"):
            raise UserError(self.env._("A ticket is opened from a call that takes place or took place."))
        if not self.partner_id:
            raise UserError(self.env._("Set the caller's customer before opening a ticket."))
        team = self.env["kbe.service.team"].search(
            [("member_ids", "in", self.env.uid), ("company_id", "=", self.company_id.id)], limit=1
        )
        description = self.notes if not is_html_empty(self.notes) else self.purpose
        ticket = Ticket.create(
            {
                "name": self.name,
                "partner_id": self.partner_id.id,
                "description": description if not is_html_empty(description) else False,
                "team_id": team.id,
                "user_id": self.env.uid,
                "channel": "phone",
                "company_id": self.company_id.id,
                "kbe_origin_call_id": self.id,
            }
        )
        self.ticket_id = ticket
        ticket.message_post(
            body=Markup("%s <b>%s</b>") % (self.env._("Opened from the call"), self.name),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "kbe.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @api.model
    def _kbe_check_ticket_access(self, ticket_ids):
        """A call is put on a ticket only by someone who may change that ticket: the call shows its
        description, and logs and plans activities in its chatter."""
        tickets = self.env["kbe.ticket"].browse({ticket_id for ticket_id in ticket_ids if ticket_id})
        if tickets:
            tickets.check_access("write")

    def _kbe_document(self):
        """A ticket's call has its activity on the ticket."""
        self.ensure_one()
        return self.ticket_id or super()._kbe_document()

    def _kbe_history_records(self):
        """A ticket's call is summed up on the ticket too."""
        records = super()._kbe_history_records()
        return [self.ticket_id, *records] if self.ticket_id else records

    def _kbe_followup_values(self, name=False, date_planned=False, user=None, purpose=False):
        values = super()._kbe_followup_values(name=name, date_planned=date_planned, user=user, purpose=purpose)
        values["ticket_id"] = self.ticket_id.id
        return values
