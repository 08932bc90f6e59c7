from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.kbe_ticket import TICKET_PRIORITIES
from ..models.kbe_ticket_sla import SLA_KINDS, SLA_LINE_STATUS


class KbeSlaReport(models.Model):
    """SLA analysis: one row per SLA target of a ticket, with its team, policy, periods (the
    ticket's opening, the target's deadline) and one count per status, so that a pivot shows
    reached / failed / at risk / on time per team, policy and period, and the share reached in
    time. The status is the line's, as the one status rule wrote it."""

    _name = "kbe.sla.report"
    _description = "SLA Analysis"
    _auto = False
    _order = "deadline desc, id desc"

    sla_id = fields.Many2one("kbe.ticket.sla", "SLA Target", readonly=True)
    ticket_id = fields.Many2one("kbe.ticket", readonly=True)
    name = fields.Char("SLA", readonly=True)
    policy_id = fields.Many2one("kbe.sla.policy", readonly=True)
    team_id = fields.Many2one("kbe.service.team", "Service Team", readonly=True)
    user_id = fields.Many2one("res.users", "Assigned to", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(SLA_KINDS, readonly=True)
    priority = fields.Selection(TICKET_PRIORITIES, readonly=True)
    status = fields.Selection(SLA_LINE_STATUS, readonly=True)
    is_paused = fields.Boolean("Paused", readonly=True)
    date_open = fields.Datetime("Ticket Opened On", readonly=True)
    deadline = fields.Datetime(readonly=True)
    reached_date = fields.Datetime("Reached On", readonly=True)
    target_hours = fields.Float("Target (working hours)", readonly=True, aggregator="avg")
    target_count = fields.Integer("Targets", readonly=True, aggregator="sum")
    reached_count = fields.Integer("Reached", readonly=True, aggregator="sum")
    failed_count = fields.Integer("Failed", readonly=True, aggregator="sum")
    at_risk_count = fields.Integer("At Risk", readonly=True, aggregator="sum")
    ongoing_count = fields.Integer("On Time", readonly=True, aggregator="sum")
    reached_rate = fields.Float(
        "Reached in Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the decided targets (reached or failed) that were reached before their deadline.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._kbe_query()))

    @api.model
    def _kbe_query(self):
        return SQL(
            """
            SELECT s.id AS id,
                   s.id AS sla_id,
                   s.ticket_id,
                   s.name,
                   s.policy_id,
                   t.team_id,
                   t.user_id,
                   s.company_id,
                   s.kind,
                   t.priority,
                   s.status,
                   s.date_paused IS NOT NULL AS is_paused,
                   t.date_open,
                   s.deadline,
                   s.reached_date,
                   s.target_hours,
                   1 AS target_count,
                   (s.status = 'reached')::int AS reached_count,
                   (s.status = 'failed')::int AS failed_count,
                   (s.status = 'at_risk')::int AS at_risk_count,
                   (s.status = 'ongoing')::int AS ongoing_count,
                   CASE WHEN s.status = 'reached' THEN 100.0
                        WHEN s.status = 'failed' THEN 0.0 END AS reached_rate
              FROM kbe_ticket_sla s
              JOIN kbe_ticket t ON t.id = s.ticket_id
             WHERE t.active
            """
        )
