from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

SNAPSHOT_BATCH = 500  # targets per statement of the weekly job


class KbeForecastSnapshot(models.Model):
    """The forecast of one target as it stood in one ISO week (taken on ``date``, the last time
    that week): managers follow how commit, best case and weighted pipeline moved towards the
    target. One per target and week; taking it again in the same week updates it."""

    _name = "kbe.forecast.snapshot"
    _description = "Forecast Snapshot"
    _order = "week_start desc, target_id"
    _rec_name = "week"

    # identity
    target_id = fields.Many2one("kbe.sales.target", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    target_type = fields.Selection(related="target_id.target_type", store=True, string="Target For")
    user_id = fields.Many2one(related="target_id.user_id", store=True, string="Salesperson")
    team_id = fields.Many2one(related="target_id.team_id", store=True, string="Sales Team")
    territory_id = fields.Many2one(related="target_id.territory_id", store=True, string="Territory")
    period_type = fields.Selection(related="target_id.period_type", string="Period")
    date = fields.Date(string="Taken On", required=True, readonly=True)
    week_start = fields.Date(string="Week", required=True, readonly=True, help="The Monday of the ISO week.")
    week = fields.Char(string="ISO Week", required=True, readonly=True)
    # figures on that day
    closed_won = fields.Monetary(readonly=True, aggregator="sum")
    commit_amount = fields.Monetary(string="Commit", readonly=True, aggregator="sum")
    best_case = fields.Monetary(readonly=True, aggregator="sum")
    weighted = fields.Monetary(string="Weighted Pipeline", readonly=True, aggregator="sum")
    invoiced = fields.Monetary(readonly=True, aggregator="sum")
    target_won = fields.Monetary(string="Won Target", readonly=True, aggregator="sum")
    target_invoiced = fields.Monetary(string="Invoiced Target", readonly=True, aggregator="sum")
    gap = fields.Monetary(string="Gap to Target", readonly=True, aggregator="sum")
    gap_invoiced = fields.Monetary(string="Gap to Invoiced Target", readonly=True, aggregator="sum")

    _sql_constraints = [
        ("target_week_unique", "UNIQUE (target_id, week_start)", "A target has one snapshot per week."),
    ]

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_kbe_take_snapshots(self):
        """Weekly: the forecast of every target of the current or a future period, in batches of
        ``SNAPSHOT_BATCH`` targets (one statement each), progress reported. Re-running it in the
        same week updates that week's snapshots: it never makes a second one."""
        today = fields.Date.context_today(self)
        targets = self.env["kbe.sales.target"].search([("date_to", ">=", today)], order="id")
        done = 0
        for start in range(0, len(targets), SNAPSHOT_BATCH):
            batch = targets[start : start + SNAPSHOT_BATCH]
            self._kbe_take_snapshots(batch, day=today)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(targets) - done)

    @api.model
    def _kbe_take_snapshots(self, targets, day=None):
        """Store the figures of ``targets`` on ``day`` (today by default) as their snapshot of its
        ISO week, in one statement: created, or updated when the week has one already."""
        if not targets:
            return
        day = day or fields.Date.context_today(self)
        week_start = day - timedelta(days=day.weekday())
        year, week, _weekday = day.isocalendar()
        self.env["kbe.forecast.report"]._kbe_flush_sources()
        self.flush_model()
        self.env.execute_query(
            SQL(
                """
                WITH figures AS (%(figures)s)
                INSERT INTO kbe_forecast_snapshot (
                    target_id, company_id, target_type, user_id, team_id, territory_id, date, week_start, week,
                    closed_won, commit_amount, best_case, weighted, invoiced, target_won, target_invoiced,
                    gap, gap_invoiced, create_uid, create_date, write_uid, write_date)
                SELECT t.id, t.company_id, t.target_type, t.user_id, t.team_id, t.territory_id,
                       %(day)s, %(week_start)s, %(week)s,
                       COALESCE(f.closed_won, 0), COALESCE(f.commit_amount, 0), COALESCE(f.best_case, 0),
                       COALESCE(f.weighted, 0), COALESCE(f.invoiced, 0),
                       COALESCE(t.target_won, 0), COALESCE(t.target_invoiced, 0),
                       COALESCE(t.target_won, 0) - COALESCE(f.closed_won, 0),
                       COALESCE(t.target_invoiced, 0) - COALESCE(f.invoiced, 0),
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM kbe_sales_target t
                  LEFT JOIN figures f ON f.target_id = t.id
                 WHERE t.id = ANY(%(ids)s)
                ON CONFLICT (target_id, week_start) DO UPDATE
                   SET date = EXCLUDED.date, closed_won = EXCLUDED.closed_won,
                       commit_amount = EXCLUDED.commit_amount, best_case = EXCLUDED.best_case,
                       weighted = EXCLUDED.weighted, invoiced = EXCLUDED.invoiced,
                       target_won = EXCLUDED.target_won, target_invoiced = EXCLUDED.target_invoiced,
                       gap = EXCLUDED.gap, gap_invoiced = EXCLUDED.gap_invoiced,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                figures=targets._kbe_figures_query(),
                day=day,
                week_start=week_start,
                week=f"{year}-W{week:02d}",
                uid=self.env.uid,
                ids=targets.ids,
            )
        )
        self.invalidate_model()
        targets.invalidate_recordset(["snapshot_ids", "snapshot_count"])
