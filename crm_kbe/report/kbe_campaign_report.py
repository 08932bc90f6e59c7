from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.kbe_campaign_activity import CAMPAIGN_CHANNELS, FIGURES, POSITIVE_CALL_OUTCOMES
from ..models.kbe_campaign_recipient import REPLIES

# the tables the analysis reads: flushed before the figures are read in the same transaction
SOURCES = {
    "kbe.campaign.activity": [
        "campaign_id",
        "company_id",
        "channel",
        "cost",
        "source_id",
        "date_planned",
        "mailing_id",
    ],
    "kbe.call": ["kbe_campaign_activity_id", "state", "outcome"],
    "kbe.campaign.recipient": ["activity_id", "date_printed", "response"],
    "mailing.trace": ["mass_mailing_id", "trace_status", "links_click_datetime"],
    "link.tracker": ["kbe_campaign_activity_id"],
    "link.tracker.click": ["link_id"],
    "crm.lead": ["campaign_id", "source_id", "type", "stage_id", "active", "expected_revenue"],
    "account.move": ["campaign_id", "source_id", "state", "move_type", "amount_untaxed_signed"],
}


class KbeCampaignReport(models.Model):
    """Campaign analysis: one row per channel activity (its main segment, its planned date) with
    the figures of each step of the funnel, plus one row per campaign for the leads and invoices
    of the campaign that came through none of its activities. The figures of activities and
    campaigns (their forms and the comparison list) are read from here: one definition."""

    _name = "kbe.campaign.report"
    _description = "Campaign Analysis"
    _auto = False
    _order = "date desc, id"
    _rec_name = "activity_id"

    activity_id = fields.Many2one("kbe.campaign.activity", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    channel = fields.Selection(CAMPAIGN_CHANNELS, readonly=True)
    segment_id = fields.Many2one("kbe.segment", string="Main Segment", readonly=True)
    date = fields.Date(string="Planned On", readonly=True)
    targeted = fields.Integer(readonly=True, aggregator="sum")
    reached = fields.Integer(
        readonly=True, aggregator="sum", help="Sent or delivered, calls held, letters printed, link clicks."
    )
    responded = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Opened, clicked or replied, calls with a positive outcome, direct-mail replies.",
    )
    lead_count = fields.Integer(string="Leads", readonly=True, aggregator="sum")
    opportunity_count = fields.Integer(string="Opportunities", readonly=True, aggregator="sum")
    won_count = fields.Integer(string="Won", readonly=True, aggregator="sum")
    won_revenue = fields.Monetary(readonly=True, aggregator="sum")
    invoiced_revenue = fields.Monetary(readonly=True, aggregator="sum")
    cost = fields.Monetary(readonly=True, aggregator="sum")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._kbe_query()))

    @api.model
    def _kbe_query(self):
        return SQL(
            """
            WITH traces AS (
                SELECT t.mass_mailing_id AS mailing_id,
                       COUNT(*) AS targeted,
                       COUNT(*) FILTER (WHERE t.trace_status IN ('pending', 'sent', 'open', 'reply')) AS reached,
                       COUNT(*) FILTER (WHERE t.trace_status IN ('open', 'reply')
                                           OR t.links_click_datetime IS NOT NULL) AS responded
                  FROM mailing_trace t
                 GROUP BY t.mass_mailing_id
            ), calls AS (
                SELECT c.kbe_campaign_activity_id AS activity_id,
                       COUNT(*) FILTER (WHERE c.state != 'cancelled') AS targeted,
                       COUNT(*) FILTER (WHERE c.state = 'held') AS reached,
                       COUNT(*) FILTER (WHERE c.state = 'held' AND c.outcome IN %(positive)s) AS responded
                  FROM kbe_call c
                 WHERE c.kbe_campaign_activity_id IS NOT NULL
                 GROUP BY c.kbe_campaign_activity_id
            ), recipients AS (
                SELECT r.activity_id,
                       COUNT(*) AS targeted,
                       COUNT(*) FILTER (WHERE r.date_printed IS NOT NULL
                                          AND r.response IS DISTINCT FROM 'return') AS reached,
                       COUNT(*) FILTER (WHERE r.response IN %(replies)s) AS responded
                  FROM kbe_campaign_recipient r
                 GROUP BY r.activity_id
            ), clicks AS (
                SELECT l.kbe_campaign_activity_id AS activity_id, COUNT(*) AS clicks
                  FROM link_tracker_click k
                  JOIN link_tracker l ON l.id = k.link_id
                 WHERE l.kbe_campaign_activity_id IS NOT NULL
                 GROUP BY l.kbe_campaign_activity_id
            ), leads AS (
                SELECT l.campaign_id, l.source_id,
                       EXISTS (SELECT 1 FROM kbe_campaign_activity a
                                WHERE a.campaign_id = l.campaign_id AND a.source_id = l.source_id) AS attributed,
                       COUNT(*) AS lead_count,
                       COUNT(*) FILTER (WHERE l.type = 'opportunity') AS opportunity_count,
                       COUNT(*) FILTER (WHERE s.is_won AND l.active) AS won_count,
                       COALESCE(SUM(l.expected_revenue) FILTER (WHERE s.is_won AND l.active), 0) AS won_revenue
                  FROM crm_lead l
                  LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.campaign_id IS NOT NULL
                 GROUP BY l.campaign_id, l.source_id
            ), invoices AS (
                SELECT m.campaign_id, m.source_id,
                       EXISTS (SELECT 1 FROM kbe_campaign_activity a
                                WHERE a.campaign_id = m.campaign_id AND a.source_id = m.source_id) AS attributed,
                       SUM(m.amount_untaxed_signed) AS invoiced_revenue
                  FROM account_move m
                 WHERE m.campaign_id IS NOT NULL
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY m.campaign_id, m.source_id
            ), others AS (
                SELECT campaign_id,
                       SUM(lead_count) AS lead_count, SUM(opportunity_count) AS opportunity_count,
                       SUM(won_count) AS won_count, SUM(won_revenue) AS won_revenue, 0 AS invoiced_revenue
                  FROM leads WHERE NOT attributed GROUP BY campaign_id
                 UNION ALL
                SELECT campaign_id, 0, 0, 0, 0, SUM(invoiced_revenue)
                  FROM invoices WHERE NOT attributed GROUP BY campaign_id
            )
            SELECT a.id * 2 AS id,
                   a.id AS activity_id,
                   a.campaign_id,
                   a.company_id,
                   a.channel,
                   (SELECT MIN(rel.segment_id) FROM kbe_campaign_activity_segment_rel rel
                     WHERE rel.activity_id = a.id) AS segment_id,
                   COALESCE(a.date_planned::date, c.kbe_date_start) AS date,
                   COALESCE(t.targeted, 0) + COALESCE(ca.targeted, 0) + COALESCE(r.targeted, 0) AS targeted,
                   COALESCE(t.reached, 0) + COALESCE(ca.reached, 0) + COALESCE(r.reached, 0)
                       + COALESCE(k.clicks, 0) AS reached,
                   COALESCE(t.responded, 0) + COALESCE(ca.responded, 0) + COALESCE(r.responded, 0)
                       + COALESCE(k.clicks, 0) AS responded,
                   COALESCE(l.lead_count, 0) AS lead_count,
                   COALESCE(l.opportunity_count, 0) AS opportunity_count,
                   COALESCE(l.won_count, 0) AS won_count,
                   COALESCE(l.won_revenue, 0) AS won_revenue,
                   COALESCE(i.invoiced_revenue, 0) AS invoiced_revenue,
                   COALESCE(a.cost, 0) AS cost
              FROM kbe_campaign_activity a
              JOIN utm_campaign c ON c.id = a.campaign_id
              LEFT JOIN traces t ON t.mailing_id = a.mailing_id
              LEFT JOIN calls ca ON ca.activity_id = a.id
              LEFT JOIN recipients r ON r.activity_id = a.id
              LEFT JOIN clicks k ON k.activity_id = a.id
              LEFT JOIN leads l ON l.campaign_id = a.campaign_id AND l.source_id = a.source_id
              LEFT JOIN invoices i ON i.campaign_id = a.campaign_id AND i.source_id = a.source_id
             UNION ALL
            SELECT c.id * 2 + 1 AS id,
                   NULL AS activity_id,
                   c.id AS campaign_id,
                   c.company_id,
                   NULL AS channel,
                   NULL AS segment_id,
                   c.kbe_date_start AS date,
                   0, 0, 0,
                   SUM(o.lead_count), SUM(o.opportunity_count), SUM(o.won_count),
                   SUM(o.won_revenue), SUM(o.invoiced_revenue),
                   0
              FROM utm_campaign c
              JOIN others o ON o.campaign_id = c.id
             GROUP BY c.id
            """,
            positive=tuple(POSITIVE_CALL_OUTCOMES),
            replies=tuple(REPLIES),
        )

    @api.model
    def _kbe_figures(self, group_field, ids):
        """The figures summed per ``group_field`` (activity_id or campaign_id) for ``ids``, in
        one query, as the user may read the analysis: {id: {figure: value}}."""
        if not ids:
            return {}
        for model, names in SOURCES.items():
            self.env[model].flush_model(names)
        measures = [*FIGURES, "cost"]
        rows = self._read_group([(group_field, "in", ids)], [group_field], [f"{name}:sum" for name in measures])
        return {record.id: dict(zip(measures, values, strict=True)) for record, *values in rows}
