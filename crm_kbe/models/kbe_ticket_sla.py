from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

SLA_KINDS = [("response", "First response"), ("resolution", "Resolution")]
SLA_LINE_STATUS = [("ongoing", "On time"), ("at_risk", "At risk"), ("reached", "Reached"), ("failed", "Failed")]
AT_RISK_SHARE = 0.8  # a target is at risk once 80% of its working time is used


class KbeTicketSla(models.Model):
    """One SLA target of one ticket. It copies what it is measured against (name, hours, deadline)
    so a reached or failed SLA stays as it was when the policy changes or is deleted later."""

    _name = "kbe.ticket.sla"
    _description = "Ticket SLA Status"
    _order = "deadline, id"

    ticket_id = fields.Many2one("kbe.ticket", required=True, ondelete="cascade", index=True)
    policy_id = fields.Many2one("kbe.sla.policy", ondelete="set null", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    name = fields.Char("SLA", required=True)
    kind = fields.Selection(SLA_KINDS, required=True)
    target_hours = fields.Float("Target (working hours)", required=True)
    date_start = fields.Datetime("Counted From", required=True)
    date_at_risk = fields.Datetime("At Risk From", required=True)
    deadline = fields.Datetime(required=True, index=True)
    reached_date = fields.Datetime("Reached On")
    status = fields.Selection(SLA_LINE_STATUS, required=True, default="ongoing", index=True)

    @api.model
    def _kbe_dates(self, calendar, start, hours):
        """(at-risk date, deadline) for ``hours`` working hours from ``start`` in ``calendar``."""
        if not calendar:
            return start + timedelta(hours=hours * AT_RISK_SHARE), start + timedelta(hours=hours)
        deadline = calendar.plan_hours(hours, start, compute_leaves=True) or start + timedelta(hours=hours)
        at_risk = calendar.plan_hours(hours * AT_RISK_SHARE, start, compute_leaves=True) or deadline
        return at_risk, deadline

    @api.model
    def _kbe_status(self, deadline, at_risk, reached_date, now):
        if reached_date:
            return "reached" if reached_date <= deadline else "failed"
        if now >= deadline:
            return "failed"
        return "at_risk" if now >= at_risk else "ongoing"

    def _kbe_reach(self, when=None):
        """Mark these SLAs reached at ``when``; those already reached or failed keep their result."""
        when = when or fields.Datetime.now()
        pending = self.filtered(lambda sla: sla.status in ("ongoing", "at_risk"))
        # one write per result (on time or failed), not one per line
        by_status = pending.grouped(lambda sla: self._kbe_status(sla.deadline, sla.date_at_risk, when, when))
        for status, lines in by_status.items():
            lines.write({"reached_date": when, "status": status})

    @api.model
    def _cron_update_status(self, now=None):
        """Move ongoing SLAs to "at risk" or "failed" as time passes: two queries whatever the volume."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE kbe_ticket_sla
                   SET status = CASE WHEN deadline <= %(now)s THEN 'failed' ELSE 'at_risk' END,
                       write_date = %(now)s
                 WHERE reached_date IS NULL
                   AND (
                        (status = 'ongoing' AND date_at_risk <= %(now)s)
                     OR (status IN ('ongoing', 'at_risk') AND deadline <= %(now)s)
                   )
             RETURNING ticket_id
                """,
                now=now,
            )
        )
        ticket_ids = list({row[0] for row in self.env.cr.fetchall()})
        if ticket_ids:
            self.env["kbe.ticket"]._kbe_update_sla_status_sql(ticket_ids)
        self.env["kbe.ticket.sla"].invalidate_model(["status"])
        return len(ticket_ids)
