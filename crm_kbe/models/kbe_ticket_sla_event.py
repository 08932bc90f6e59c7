from odoo import fields, models

from .kbe_ticket_sla import SLA_LINE_STATUS

SLA_EVENTS = [
    ("started", "Started"),
    ("updated", "Target changed"),
    ("paused", "Paused"),
    ("resumed", "Resumed"),
    ("reached", "Reached"),
    ("failed", "Deadline passed"),
    ("reopened", "Reopened, result kept"),
    ("restarted", "Restarted"),
]


class KbeTicketSlaEvent(models.Model):
    """One step in the life of an SLA target: when it started, paused, was reached, failed, or
    what a reopening did to it. Written by the system only (in batches), read by agents."""

    _name = "kbe.ticket.sla.event"
    _description = "Ticket SLA History"
    _order = "date, id"
    _rec_name = "event"

    sla_id = fields.Many2one("kbe.ticket.sla", "SLA", required=True, ondelete="cascade", index=True)
    ticket_id = fields.Many2one(related="sla_id.ticket_id", store=True, index=True)
    company_id = fields.Many2one(related="sla_id.company_id", store=True, index=True)
    event = fields.Selection(SLA_EVENTS, required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", "By", default=lambda self: self.env.uid)
    status_before = fields.Selection(SLA_LINE_STATUS)
    status = fields.Selection(SLA_LINE_STATUS, "Status After", help="The SLA's status once this step was done.")
    deadline_before = fields.Datetime()
    deadline_after = fields.Datetime()
    note = fields.Char()
