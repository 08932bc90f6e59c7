from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

SLA_KINDS = [("response", "First response"), ("resolution", "Resolution")]
SLA_LINE_STATUS = [("ongoing", "On time"), ("at_risk", "At risk"), ("reached", "Reached"), ("failed", "Failed")]


def _to_second(moment):
    """A planned date to the nearest second, as it is stored (fractions of hours leave microseconds)."""
    return (moment + timedelta(microseconds=500_000)).replace(microsecond=0)


class KbeTicketSla(models.Model):
    """One SLA target of one ticket. It copies what it is measured against (name, hours, deadline)
    so a reached or failed SLA stays as it was when the policy changes or is deleted later.

    Its clock runs from ``date_start``; ``used_hours`` are the working hours it had already used
    before (a clock resumed after a pause or a reopening). While ``date_paused`` is set the clock
    stands still. Its status has one definition, :meth:`_kbe_status_sql`, used by the scheduled
    update and by every change made here."""

    _name = "kbe.ticket.sla"
    _description = "Ticket SLA Status"
    _order = "deadline, id"

    # identity
    ticket_id = fields.Many2one("kbe.ticket", required=True, ondelete="cascade", index=True)
    policy_id = fields.Many2one("kbe.sla.policy", ondelete="set null", index=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    name = fields.Char("SLA", required=True)
    kind = fields.Selection(SLA_KINDS, required=True)
    # target
    target_hours = fields.Float("Target (working hours)", required=True)
    at_risk_percent = fields.Float("At Risk After (%)", default=80.0, required=True)
    # clock
    date_start = fields.Datetime("Counted From", required=True)
    used_hours = fields.Float(
        "Used Before (working hours)", default=0.0, help="Working hours used before the clock last (re)started."
    )
    date_paused = fields.Datetime("Paused Since", help="The clock stands still while the ticket waits.")
    date_at_risk = fields.Datetime("At Risk From", required=True)
    deadline = fields.Datetime(required=True, index=True)
    reached_date = fields.Datetime("Reached On")
    status = fields.Selection(SLA_LINE_STATUS, required=True, default="ongoing", index=True)
    event_ids = fields.One2many("kbe.ticket.sla.event", "sla_id", "History")

    # ------------------------------------------------------------------ THE STATUS RULE

    @api.model
    def _kbe_status_sql(self, now):
        """The status of an SLA line, as an SQL expression on ``kbe_ticket_sla``: the one place
        the rule is written. Reached before (or at) its deadline: reached; its deadline passed
        before it was reached, before its pause or before ``now``: failed; its at-risk time
        passed (before its pause or ``now``): at risk; otherwise on time."""
        return SQL(
            """CASE WHEN kbe_ticket_sla.reached_date <= kbe_ticket_sla.deadline THEN 'reached'
                    WHEN kbe_ticket_sla.deadline <= COALESCE(kbe_ticket_sla.reached_date,
                                                             kbe_ticket_sla.date_paused, %(now)s) THEN 'failed'
                    WHEN kbe_ticket_sla.date_at_risk <= COALESCE(kbe_ticket_sla.date_paused, %(now)s) THEN 'at_risk'
                    ELSE 'ongoing' END""",
            now=now,
        )

    @api.model
    def _kbe_update_status(self, now, ids=None):
        """Apply :meth:`_kbe_status_sql` to the lines of ``ids`` (after a change made here), or to
        every running line whose at-risk time has come (the scheduled update: time only moves
        running lines towards at risk and failed). Deadlines passed are written in the lines'
        history and the tickets' SLA summary follows: two queries, whatever the volume. Returns
        the ids of the tickets whose lines changed."""
        self.env["kbe.ticket.sla"].flush_model()
        self.env["kbe.ticket.sla.event"].flush_model()
        if ids is None:
            where = SQL(
                """kbe_ticket_sla.reached_date IS NULL AND kbe_ticket_sla.date_paused IS NULL
                   AND kbe_ticket_sla.status IN ('ongoing', 'at_risk') AND kbe_ticket_sla.date_at_risk <= %s""",
                now,
            )
        else:
            where = SQL("kbe_ticket_sla.id = ANY(%s)", list(ids))
        status = self._kbe_status_sql(now)
        rows = self.env.execute_query(
            SQL(
                """
                WITH changed AS (
                    UPDATE kbe_ticket_sla
                       SET status = %(status)s, write_date = %(now)s, write_uid = %(uid)s
                     WHERE %(where)s AND kbe_ticket_sla.status IS DISTINCT FROM %(status)s
                 RETURNING id, ticket_id, company_id, status, deadline, reached_date
                ), failures AS (
                    INSERT INTO kbe_ticket_sla_event (sla_id, ticket_id, company_id, event, date, user_id, status,
                                                      status_before, deadline_before, deadline_after,
                                                      create_uid, create_date, write_uid, write_date)
                    SELECT id, ticket_id, company_id, 'failed', deadline, %(uid)s, 'failed', NULL, deadline,
                           deadline, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM changed
                     WHERE status = 'failed' AND reached_date IS NULL
                )
                SELECT DISTINCT ticket_id FROM changed
                """,
                status=status,
                where=where,
                now=now,
                uid=self.env.uid,
            )
        )
        self.env["kbe.ticket.sla"].invalidate_model(["status", "write_date", "write_uid", "event_ids"])
        ticket_ids = [row[0] for row in rows]
        if ticket_ids:
            self.env["kbe.ticket"]._kbe_update_sla_status_sql(ticket_ids)
        return ticket_ids

    @api.model
    def _cron_update_status(self, now=None):
        """Move running SLAs to "at risk" or "failed" as time passes: two queries whatever the volume."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        return len(self._kbe_update_status(now))

    # ------------------------------------------------------------------ PLANNING

    @api.model
    def _kbe_plan(self, calendar, start, target, used=0.0, percent=80.0):
        """(at-risk date, deadline) of a target of ``target`` working hours, ``used`` of which were
        used before ``start``: what is left is planned from ``start`` in ``calendar``."""

        def plan(hours):
            if hours <= 0:
                return start
            if not calendar:
                return _to_second(start + timedelta(hours=hours))
            planned = calendar.plan_hours(hours, start, compute_leaves=True) or start + timedelta(hours=hours)
            return _to_second(planned)

        deadline = plan(target - used)
        return min(plan(target * percent / 100 - used), deadline), deadline

    @api.model
    def _kbe_hours_between(self, calendar, start, end):
        """Working hours of ``calendar`` between ``start`` and ``end`` (all hours without one)."""
        if not start or not end or end <= start:
            return 0.0
        if not calendar:
            return (end - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    # ------------------------------------------------------------------ CLOCK CHANGES (system only)

    def _kbe_log(self, event, when, before=None, status_before=None, notes=None):
        """One history step per line, in one create; ``before``/``status_before``/``notes``: the
        deadline and status of each line (by id) before the step, and what to say of it."""
        before, status_before, notes = before or {}, status_before or {}, notes or {}
        self.env["kbe.ticket.sla.event"].create(
            [
                {
                    "sla_id": sla.id,
                    "event": event,
                    "date": when,
                    "status": sla.status,
                    "status_before": status_before.get(sla.id),
                    "deadline_before": before.get(sla.id, sla.deadline),
                    "deadline_after": sla.deadline,
                    "note": notes.get(sla.id),
                }
                for sla in self
            ]
        )

    def _kbe_reach(self, when=None):
        """Mark these SLAs reached at ``when`` (their status tells whether in time); those already
        reached keep their result. A paused clock resumes first: the pause does not count."""
        when = when or fields.Datetime.now()
        pending = self.filtered(lambda sla: not sla.reached_date)
        if not pending:
            return
        pending.filtered("date_paused")._kbe_resume(when)
        pending.write({"reached_date": when})
        self._kbe_update_status(when, pending.ids)
        pending._kbe_log("reached", when)

    def _kbe_pause(self, when):
        """Stop the clock of these running SLAs (the ticket waits for the customer)."""
        running = self.filtered(lambda sla: not sla.reached_date and not sla.date_paused)
        if running:
            running.write({"date_paused": when})
            self._kbe_update_status(when, running.ids)
            running._kbe_log("paused", when)

    def _kbe_resume(self, when, event="resumed"):
        """Start again the clock of these SLAs where it stopped (at their pause, or at the closing
        that reached them): the working time they had left is planned from ``when``. A target
        already missed stays missed (its deadline is kept)."""
        before = {sla.id: sla.deadline for sla in self}
        statuses = {sla.id: sla.status for sla in self}
        done, notes = self.browse(), {}
        for sla in self:
            stop = sla.date_paused or sla.reached_date
            if not stop:
                continue
            calendar = sla.ticket_id.team_id.resource_calendar_id
            used = sla.used_hours + self._kbe_hours_between(calendar, sla.date_start, stop)
            values = {"date_start": when, "used_hours": used, "date_paused": False, "reached_date": False}
            if used < sla.target_hours:
                values["date_at_risk"], values["deadline"] = self._kbe_plan(
                    calendar, when, sla.target_hours, used, sla.at_risk_percent
                )
            else:
                notes[sla.id] = self.env._("The target was already missed: its deadline stays.")
            sla.write(values)
            done |= sla
        if done:
            self._kbe_update_status(when, done.ids)
            done._kbe_log(event, when, before=before, status_before=statuses, notes=notes)

    def _kbe_restart(self, when):
        """A full target again from ``when``; the previous result stays in the history."""
        before = {sla.id: sla.deadline for sla in self}
        statuses = {sla.id: sla.status for sla in self}
        dates = {}
        for sla in self:
            calendar = sla.ticket_id.team_id.resource_calendar_id
            key = (calendar.id, sla.target_hours, sla.at_risk_percent)
            if key not in dates:
                dates[key] = self._kbe_plan(calendar, when, sla.target_hours, 0.0, sla.at_risk_percent)
            at_risk, deadline = dates[key]
            sla.write(
                {
                    "date_start": when,
                    "used_hours": 0.0,
                    "date_paused": False,
                    "reached_date": False,
                    "date_at_risk": at_risk,
                    "deadline": deadline,
                }
            )
        if self:
            self._kbe_update_status(when, self.ids)
            self._kbe_log("restarted", when, before=before, status_before=statuses)

    def _kbe_reopen(self, when):
        """The tickets of these SLAs were reopened: each resolution target does what its policy
        says (keep its result, restart, or resume its clock). First-response targets keep their
        result: the customer was answered."""
        done = self.filtered(lambda sla: sla.kind == "resolution" and sla.reached_date)
        by_mode = done.grouped(lambda sla: sla.policy_id.reopen_mode or "ignore")
        if by_mode.get("restart"):
            by_mode["restart"]._kbe_restart(when)
        if by_mode.get("resume"):
            by_mode["resume"]._kbe_resume(when)
        if by_mode.get("ignore"):
            by_mode["ignore"]._kbe_log("reopened", when, status_before={sla.id: sla.status for sla in done})
