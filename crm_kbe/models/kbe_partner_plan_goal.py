import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

GOAL_MEASURES = [
    ("won_revenue", "Won Revenue"),
    ("new_customers", "New Customers"),
    ("pipeline_created", "Pipeline Created"),
    ("certified_people", "Certified People"),
    ("campaigns_run", "Campaigns Run"),
    ("satisfaction", "Customer Satisfaction (%)"),
]
MONETARY_MEASURES = {"won_revenue", "pipeline_created"}


class KbePartnerPlanGoal(models.Model):
    """A goal of a business plan: a measure, its target and its actual figure over the plan's
    period, computed from the data (opportunities, tickets, certifications) for every goal of every
    plan at once."""

    _name = "kbe.partner.plan.goal"
    _description = "Business Plan Goal"
    _order = "plan_id, sequence, id"

    # identity
    sequence = fields.Integer(default=10)
    measure = fields.Selection(GOAL_MEASURES, required=True, default="won_revenue")
    description = fields.Char(help="How the partner means to reach the goal.")
    # relations
    plan_id = fields.Many2one("kbe.partner.plan", string="Business Plan", required=True, index=True, ondelete="cascade")
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True, string="Channel Partner")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True, string="Company")
    currency_id = fields.Many2one(related="plan_id.currency_id", string="Currency")
    date_from = fields.Date(related="plan_id.date_from", string="Start Date")
    date_to = fields.Date(related="plan_id.date_to", string="End Date")
    state = fields.Selection(related="plan_id.state", string="Plan Status")
    # figures
    target = fields.Float(required=True, default=0.0, help="What the partner commits to reach over the period.")
    weight = fields.Float(default=1.0, help="How much the goal counts in the plan's progress.")
    is_monetary = fields.Boolean(compute="_compute_is_monetary")
    actual = fields.Float(compute="_compute_actual", help="The figure reached so far over the plan's period.")
    progress = fields.Float(compute="_compute_actual", help="Actual against target, at most 100 %.")

    _sql_constraints = [
        ("target_positive", "CHECK(target >= 0)", "A goal's target cannot be negative."),
        ("weight_positive", "CHECK(weight > 0)", "A goal's weight must be above zero."),
        ("measure_uniq", "UNIQUE(plan_id, measure)", "A business plan has one goal per measure."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("measure")
    def _compute_is_monetary(self):
        for goal in self:
            goal.is_monetary = goal.measure in MONETARY_MEASURES

    @api.depends("measure", "target", "plan_id.partner_id", "plan_id.date_from", "plan_id.date_to")
    def _compute_actual(self):
        """Every goal of every plan in a constant number of queries: one over opportunities for the
        opportunity measures, one over ticket ratings, one for certified people."""
        figures = self._kbe_actual_figures()
        for goal in self:
            key = (goal.plan_id.partner_id.id, goal.plan_id.date_from, goal.plan_id.date_to, goal.company_id.id)
            goal.actual = figures.get(key, {}).get(goal.measure, 0.0)
            # a goal of zero is reached
            goal.progress = min(goal.actual / goal.target * 100.0, 100.0) if goal.target > 0 else 100.0

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("target", "weight")
    def _check_figures(self):
        for goal in self:
            if not math.isfinite(goal.target) or goal.target < 0:
                raise ValidationError(self.env._("A goal's target is a number of zero or more."))
            if not math.isfinite(goal.weight) or goal.weight <= 0:
                raise ValidationError(self.env._("A goal's weight is a number above zero."))

    # ------------------------------------------------------------
    # ORM: goals are frozen once the plan is agreed
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["kbe.partner.plan"].browse([vals["plan_id"] for vals in vals_list if vals.get("plan_id")])
        plans._kbe_check_goals_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.plan_id._kbe_check_goals_editable()
        if vals.get("plan_id"):
            self.env["kbe.partner.plan"].browse(vals["plan_id"])._kbe_check_goals_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.plan_id._kbe_check_goals_editable()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_actual_figures(self):
        """{(partner_id, date_from, date_to, company_id): {measure: figure}} for the goals' plans."""
        periods = {
            (goal.plan_id.partner_id.id, goal.plan_id.date_from, goal.plan_id.date_to, goal.company_id.id)
            for goal in self
            if goal.plan_id.partner_id and goal.plan_id.date_from and goal.plan_id.date_to
        }
        figures = defaultdict(dict)
        if not periods:
            return figures
        measures = set(self.mapped("measure"))
        periods = sorted(periods)
        plans_cte = SQL(
            """plan_period AS (
                SELECT * FROM unnest(%s::int[], %s::date[], %s::date[], %s::int[])
                    AS p(partner_id, date_from, date_to, company_id)
            )""",
            [p[0] for p in periods],
            [p[1] for p in periods],
            [p[2] for p in periods],
            [p[3] for p in periods],
        )
        if measures & {"won_revenue", "new_customers", "pipeline_created", "campaigns_run"}:
            self._kbe_lead_figures(plans_cte, figures)
        if "satisfaction" in measures:
            self._kbe_satisfaction_figures(plans_cte, figures)
        if "certified_people" in measures:
            # sudo: counts of certified people only, also for the partner's portal contacts who read
            # their plan (they may not read certifications or opportunities)
            partners_sudo = self.env["res.partner"].sudo().browse({p[0] for p in periods})
            certified = {
                partner_id: values.get("certified_count", 0)
                for partner_id, values in partners_sudo._kbe_partner_figures().items()
            }
            for key in periods:
                figures[key]["certified_people"] = certified.get(key[0], 0)
        return figures

    def _kbe_lead_figures(self, plans_cte, figures):
        """Won revenue, new customers, pipeline created and campaigns run: one query over the
        opportunities the partners brought (archived ones too: lost deals were created in the
        period), whoever may read them: figures only."""
        self.env["crm.lead"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        query = SQL(
            """WITH %(plans)s,
            lead AS (
                SELECT p.partner_id, p.date_from, p.date_to, p.company_id, l.type, l.active, l.probability,
                       l.expected_revenue, l.campaign_id, l.create_date, l.date_closed,
                       customer.commercial_partner_id AS customer_id,
                       (l.active AND l.probability >= 100 AND l.date_closed >= p.date_from
                        AND l.date_closed < p.date_to + 1) AS won_in_period
                  FROM plan_period p
                  JOIN crm_lead l ON l.kbe_channel_partner_id = p.partner_id
                                 AND (l.company_id = p.company_id OR l.company_id IS NULL)
             LEFT JOIN res_partner customer ON customer.id = l.partner_id
            )
            SELECT partner_id, date_from, date_to, company_id,
                   COALESCE(SUM(expected_revenue) FILTER (WHERE won_in_period), 0),
                   COUNT(DISTINCT customer_id) FILTER (
                       WHERE won_in_period AND NOT EXISTS (
                           SELECT 1 FROM crm_lead earlier
                             JOIN res_partner ep ON ep.id = earlier.partner_id
                            WHERE ep.commercial_partner_id = lead.customer_id
                              AND earlier.active AND earlier.probability >= 100
                              AND earlier.date_closed < lead.date_from
                       )
                   ),
                   COALESCE(SUM(expected_revenue) FILTER (
                       WHERE type = 'opportunity' AND create_date >= date_from AND create_date < date_to + 1
                   ), 0),
                   COUNT(DISTINCT campaign_id) FILTER (
                       WHERE create_date >= date_from AND create_date < date_to + 1
                   )
              FROM lead
          GROUP BY partner_id, date_from, date_to, company_id""",
            plans=plans_cte,
        )
        for partner_id, date_from, date_to, company_id, won, new, pipeline, campaigns in self.env.execute_query(query):
            figures[(partner_id, date_from, date_to, company_id)].update(
                {"won_revenue": won, "new_customers": new, "pipeline_created": pipeline, "campaigns_run": campaigns}
            )

    def _kbe_satisfaction_figures(self, plans_cte, figures):
        """Average rating, in percent, of the tickets of the partners' customers (the companies of
        the opportunities they brought), rated in the period: one query."""
        self.env["rating.rating"].flush_model(["res_model", "res_id", "rating", "consumed"])
        self.env["kbe.ticket"].flush_model(["commercial_partner_id", "company_id"])
        self.env["crm.lead"].flush_model(["kbe_channel_partner_id", "partner_id"])
        query = SQL(
            """WITH %(plans)s,
            customer AS (
                SELECT DISTINCT p.partner_id, p.date_from, p.date_to, p.company_id, rp.commercial_partner_id
                  FROM plan_period p
                  JOIN crm_lead l ON l.kbe_channel_partner_id = p.partner_id
                  JOIN res_partner rp ON rp.id = l.partner_id
            )
            SELECT c.partner_id, c.date_from, c.date_to, c.company_id, AVG(r.rating) * 20
              FROM customer c
              JOIN kbe_ticket t ON t.commercial_partner_id = c.commercial_partner_id AND t.company_id = c.company_id
              JOIN rating_rating r ON r.res_model = 'kbe.ticket' AND r.res_id = t.id
             WHERE r.consumed AND r.rating >= 1
               AND r.write_date >= c.date_from AND r.write_date < c.date_to + 1
          GROUP BY c.partner_id, c.date_from, c.date_to, c.company_id""",
            plans=plans_cte,
        )
        for partner_id, date_from, date_to, company_id, rating in self.env.execute_query(query):
            figures[(partner_id, date_from, date_to, company_id)]["satisfaction"] = float(rating or 0.0)
