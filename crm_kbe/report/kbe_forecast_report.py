from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.crm_lead_forecast import FORECAST_CATEGORIES

# the tables the forecast reads: flushed before its figures are read in the same transaction
SOURCES = {
    "crm.lead": [
        "type",
        "active",
        "stage_id",
        "probability",
        "expected_revenue",
        "prorated_revenue",
        "date_deadline",
        "date_closed",
        "user_id",
        "team_id",
        "company_id",
        "kbe_territory_id",
        "kbe_forecast_category",
    ],
    "crm.stage": ["is_won"],
    "account.move": [
        "state",
        "move_type",
        "invoice_date",
        "date",
        "amount_untaxed_signed",
        "invoice_user_id",
        "team_id",
        "company_id",
        "kbe_opportunity_id",
        "commercial_partner_id",
    ],
    "res.partner": ["kbe_territory_id"],
    "kbe.sales.target": [
        "target_type",
        "user_id",
        "team_id",
        "territory_id",
        "company_id",
        "date_from",
        "date_to",
        "target_won",
        "target_invoiced",
    ],
}
# the measures of a forecast, summed over its lines (``kbe.sales.target`` reads the same ones)
MEASURES = (
    "closed_won",
    "commit_amount",
    "best_case",
    "weighted",
    "invoiced",
    "target_won",
    "target_invoiced",
    "gap",
    "gap_invoiced",
)
LINE_TYPES = [("opportunity", "Opportunity"), ("invoice", "Invoice"), ("target", "Target")]


class KbeForecastReport(models.Model):
    """The sales forecast, one line per opportunity in its period, per posted customer invoice or
    credit note, and per target, each with its share of the measures, so that a pivot by period
    and salesperson, team or territory sums to the forecast:

    - an opportunity won (active, in a won stage) counts on the day it was won (``date_closed``,
      UTC): its expected revenue is closed won, and counts in commit and best case too;
    - an open opportunity counts on its expected closing date (``date_deadline``; none, not in
      the forecast): its expected revenue is in commit if its category is Commit (or Closed), in
      best case if Commit, Closed or Best Case; its weighted revenue (Odoo's prorated revenue:
      expected revenue × probability) is in weighted pipeline unless it is Omitted;
    - lost, archived and omitted opportunities, leads and records without a company are not in it;
    - an invoice counts on its invoice date with its untaxed amount in company currency (credit
      notes negative), for its own salesperson and team (``invoice_user_id``, ``team_id``), and
      the territory of its opportunity (``kbe_opportunity_id``) or else of its customer;
    - a target counts on the first day of its period for its salesperson, team or territory, with
      its won and invoiced targets;
    - gap (to the won target) is target − closed won; invoiced gap, invoiced target − invoiced.

    ``kbe.sales.target`` reads its figures from here: one definition of the forecast."""

    _name = "kbe.forecast.report"
    _description = "Sales Forecast"
    _auto = False
    _order = "date desc, id"

    name = fields.Char(string="Description", readonly=True)
    line_type = fields.Selection(LINE_TYPES, string="Line", readonly=True)
    date = fields.Date(readonly=True, help="Won on, expected closing, invoice date, or the target's period start.")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    target_id = fields.Many2one("kbe.sales.target", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    territory_id = fields.Many2one("kbe.territory", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    forecast_category = fields.Selection(FORECAST_CATEGORIES, readonly=True)
    closed_won = fields.Monetary(readonly=True, aggregator="sum")
    commit_amount = fields.Monetary(
        string="Commit", readonly=True, aggregator="sum", help="Closed won plus the open opportunities in Commit."
    )
    best_case = fields.Monetary(
        readonly=True, aggregator="sum", help="Commit plus the open opportunities in Best Case."
    )
    weighted = fields.Monetary(
        string="Weighted Pipeline",
        readonly=True,
        aggregator="sum",
        help="Expected revenue × probability of the open opportunities, but the omitted ones.",
    )
    invoiced = fields.Monetary(readonly=True, aggregator="sum", help="Posted invoices minus credit notes, untaxed.")
    target_won = fields.Monetary(string="Won Target", readonly=True, aggregator="sum")
    target_invoiced = fields.Monetary(string="Invoiced Target", readonly=True, aggregator="sum")
    gap = fields.Monetary(string="Gap to Target", readonly=True, aggregator="sum", help="Won target − closed won.")
    gap_invoiced = fields.Monetary(
        string="Gap to Invoiced Target", readonly=True, aggregator="sum", help="Invoiced target − invoiced."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._kbe_query()))

    @api.model
    def _kbe_query(self):
        return SQL(
            """
            SELECT l.id * 3 AS id,
                   'opportunity' AS line_type,
                   l.name AS name,
                   CASE WHEN s.is_won THEN l.date_closed::date ELSE l.date_deadline END AS date,
                   l.id AS lead_id, NULL::integer AS move_id, NULL::integer AS target_id,
                   l.user_id, l.team_id, l.kbe_territory_id AS territory_id, l.company_id,
                   CASE WHEN s.is_won THEN 'closed' ELSE l.kbe_forecast_category END AS forecast_category,
                   CASE WHEN s.is_won THEN l.expected_revenue ELSE 0 END AS closed_won,
                   CASE WHEN s.is_won OR l.kbe_forecast_category IN ('closed', 'commit')
                        THEN l.expected_revenue ELSE 0 END AS commit_amount,
                   CASE WHEN s.is_won OR l.kbe_forecast_category IN ('closed', 'commit', 'best_case')
                        THEN l.expected_revenue ELSE 0 END AS best_case,
                   CASE WHEN s.is_won THEN 0 ELSE COALESCE(l.prorated_revenue, 0) END AS weighted,
                   0 AS invoiced, 0 AS target_won, 0 AS target_invoiced,
                   CASE WHEN s.is_won THEN -l.expected_revenue ELSE 0 END AS gap,
                   0 AS gap_invoiced
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.active
               AND l.type = 'opportunity'
               AND l.company_id IS NOT NULL
               AND ((s.is_won AND l.date_closed IS NOT NULL)
                    OR (s.is_won IS NOT TRUE AND l.date_deadline IS NOT NULL
                        AND l.kbe_forecast_category IS DISTINCT FROM 'omitted'))
             UNION ALL
            SELECT m.id * 3 + 1,
                   'invoice',
                   m.name,
                   COALESCE(m.invoice_date, m.date),
                   m.kbe_opportunity_id, m.id, NULL,
                   m.invoice_user_id, m.team_id, COALESCE(o.kbe_territory_id, p.kbe_territory_id), m.company_id,
                   NULL,
                   0, 0, 0, 0,
                   COALESCE(m.amount_untaxed_signed, 0), 0, 0,
                   0, -COALESCE(m.amount_untaxed_signed, 0)
              FROM account_move m
              LEFT JOIN crm_lead o ON o.id = m.kbe_opportunity_id
              LEFT JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
             UNION ALL
            SELECT t.id * 3 + 2,
                   'target',
                   t.name,
                   t.date_from,
                   NULL, NULL, t.id,
                   t.user_id, t.team_id, t.territory_id, t.company_id,
                   NULL,
                   0, 0, 0, 0, 0,
                   t.target_won, t.target_invoiced,
                   t.target_won, t.target_invoiced
              FROM kbe_sales_target t
            """
        )

    @api.model
    def _kbe_flush_sources(self):
        for model_name, field_names in SOURCES.items():
            self.env[model_name].flush_model(field_names)

    def action_view_document(self):
        """Open the opportunity, invoice or target of this line (the drill-down of a pivot cell)."""
        self.ensure_one()
        self.check_access("read")
        record = {"opportunity": self.lead_id, "invoice": self.move_id, "target": self.target_id}[self.line_type]
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
            "target": "current",
        }
