import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, date_utils

PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter")]
TARGET_TYPES = [("user", "Salesperson"), ("team", "Sales Team"), ("territory", "Territory")]
# the field naming the subject of each kind of target
SUBJECT_FIELDS = {"user": "user_id", "team": "team_id", "territory": "territory_id"}
# the figures of a target, read from the forecast (kbe.forecast.report) in one query per batch
FIGURES = ("closed_won", "commit_amount", "best_case", "weighted", "invoiced")
AMOUNT_FIELDS = ("target_won", "target_invoiced")


class KbeSalesTarget(models.Model):
    """A sales target for one month or quarter, of one salesperson, sales team or territory (a
    territory's target counts its sub-territories too): the revenue to win and to invoice. Its
    figures are the forecast of its subject in its period (see ``kbe.forecast.report``), whoever
    reads them: a team's target shows the whole team's figures."""

    _name = "kbe.sales.target"
    _description = "Sales Target"
    _inherit = ["mail.thread"]
    _order = "date_from desc, name, id"
    _check_company_auto = True

    # identity
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # subject: exactly one, of the target's type
    target_type = fields.Selection(TARGET_TYPES, string="Target For", required=True, default="user", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index="btree_not_null",
        domain="[('share', '=', False)]",
        check_company=True,
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index="btree_not_null",
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    territory_id = fields.Many2one(
        "kbe.territory",
        index="btree_not_null",
        check_company=True,
        compute="_compute_territory_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    # period
    period_type = fields.Selection(PERIOD_TYPES, string="Period", required=True, default="month", tracking=True)
    date_from = fields.Date(
        string="Period Start",
        required=True,
        default=lambda self: date_utils.start_of(fields.Date.context_today(self), "month"),
        tracking=True,
        help="The first day of the month or quarter (any day of it is moved to its first day).",
    )
    date_to = fields.Date(string="Period End", compute="_compute_date_to", store=True)
    period_name = fields.Char(compute="_compute_date_to", store=True)
    # targets
    target_won = fields.Monetary(string="Won Revenue Target", tracking=True)
    target_invoiced = fields.Monetary(string="Invoiced Revenue Target", tracking=True)
    # figures of the period, from the forecast
    closed_won = fields.Monetary(compute="_compute_figures")
    commit_amount = fields.Monetary(compute="_compute_figures", string="Commit")
    best_case = fields.Monetary(compute="_compute_figures")
    weighted = fields.Monetary(compute="_compute_figures", string="Weighted Pipeline")
    invoiced = fields.Monetary(compute="_compute_figures")
    gap = fields.Monetary(compute="_compute_figures", string="Gap to Target", help="Won target − closed won.")
    gap_invoiced = fields.Monetary(
        compute="_compute_figures", string="Gap to Invoiced Target", help="Invoiced target − invoiced."
    )
    won_progress = fields.Float(compute="_compute_figures", string="Won (%)")
    invoiced_progress = fields.Float(compute="_compute_figures", string="Invoiced (%)")
    opportunity_count = fields.Integer(compute="_compute_figures", string="Opportunities")
    snapshot_ids = fields.One2many("kbe.forecast.snapshot", "target_id", string="Snapshots")
    snapshot_count = fields.Integer(compute="_compute_snapshot_count")

    @api.depends("period_name", "target_type", "user_id.name", "team_id.name", "territory_id.complete_name")
    def _compute_name(self):
        for target in self:
            subject = target[SUBJECT_FIELDS[target.target_type]] if target.target_type else None
            subject_name = (subject.display_name if subject else "") or ""
            target.name = " · ".join(part for part in (target.period_name, subject_name) if part)

    # only the subject of the target's type stays: changing the type clears the others
    @api.depends("target_type")
    def _compute_user_id(self):
        for target in self.filtered(lambda t: t.target_type != "user"):
            target.user_id = False

    @api.depends("target_type")
    def _compute_team_id(self):
        for target in self.filtered(lambda t: t.target_type != "team"):
            target.team_id = False

    @api.depends("target_type")
    def _compute_territory_id(self):
        for target in self.filtered(lambda t: t.target_type != "territory"):
            target.territory_id = False

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for target in self:
            start = target.date_from
            if not start:
                target.date_to = target.period_name = False
                continue
            start = date_utils.start_of(start, target.period_type or "month")
            target.date_to = date_utils.end_of(start, target.period_type or "month")
            if target.period_type == "quarter":
                target.period_name = f"{start.year}-Q{date_utils.get_quarter_number(start)}"
            else:
                target.period_name = f"{start.year}-{start.month:02d}"

    def _compute_figures(self):
        figures = self._kbe_read_figures()
        for target in self:
            values = figures.get(target._origin.id, {})
            for name in FIGURES:
                target[name] = values.get(name, 0.0)
            target.opportunity_count = values.get("opportunity_count", 0)
            target.gap = (target.target_won or 0.0) - target.closed_won
            target.gap_invoiced = (target.target_invoiced or 0.0) - target.invoiced
            target.won_progress = 100.0 * target.closed_won / target.target_won if target.target_won else 0.0
            target.invoiced_progress = (
                100.0 * target.invoiced / target.target_invoiced if target.target_invoiced else 0.0
            )

    @api.depends("snapshot_ids")
    def _compute_snapshot_count(self):
        counts = dict(
            self.env["kbe.forecast.snapshot"]._read_group(
                [("target_id", "in", self._origin.ids)], ["target_id"], ["__count"]
            )
        )
        for target in self:
            target.snapshot_count = counts.get(target._origin, 0)

    @api.constrains("target_won", "target_invoiced")
    def _check_amounts(self):
        for target in self:
            target._kbe_check_amounts({name: target[name] for name in AMOUNT_FIELDS}, target.name)

    def _kbe_check_amounts(self, vals, name=None):
        """Refuse target amounts that are not finite or are negative (before Odoo rounds them:
        an infinite amount cannot be rounded)."""
        for field_name in AMOUNT_FIELDS:
            amount = vals.get(field_name) or 0.0
            if not isinstance(amount, int | float) or not math.isfinite(amount) or amount < 0:
                raise ValidationError(
                    self.env._(
                        "The %(field)s of “%(target)s” must be a positive amount, not %(value)s.",
                        field=self._fields[field_name].get_description(self.env)["string"],
                        target=name or self.env._("the target"),
                        value=amount,
                    )
                )

    @api.constrains("target_type", "user_id", "team_id", "territory_id")
    def _check_subject(self):
        for target in self:
            if not target[SUBJECT_FIELDS[target.target_type]]:
                raise ValidationError(
                    self.env._(
                        "Choose the %(subject)s of the target “%(target)s”.",
                        subject=dict(self._fields["target_type"]._description_selection(self.env))[
                            target.target_type
                        ].lower(),
                        target=target.period_name,
                    )
                )

    @api.constrains("company_id", "target_type", "user_id", "team_id", "territory_id", "period_type", "date_from")
    def _check_unique(self):
        groups = self._read_group(
            [("company_id", "in", self.company_id.ids), ("date_from", "in", self.mapped("date_from"))],
            ["company_id", "target_type", "user_id", "team_id", "territory_id", "period_type", "date_from:day"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            raise ValidationError(
                self.env._(
                    "There is already a target for %(target)s: change that one instead.",
                    target=self.filtered(lambda t: t.date_from == groups[0][6])[:1].name or groups[0][6],
                )
            )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kbe_check_amounts(vals)
            if vals.get("date_from"):
                vals["date_from"] = date_utils.start_of(
                    fields.Date.to_date(vals["date_from"]), vals.get("period_type") or "month"
                )
        return super().create(vals_list)

    def write(self, vals):
        self._kbe_check_amounts(vals, self[:1].name if len(self) == 1 else None)
        res = super().write(vals)
        if "date_from" in vals or "period_type" in vals:
            for target in self:
                start = date_utils.start_of(target.date_from, target.period_type)
                if start != target.date_from:
                    super(KbeSalesTarget, target).write({"date_from": start})
        return res

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_opportunities(self):
        """The opportunities that make the target's figures: won in its period, or open and
        expected to close in it (not omitted), of its subject."""
        self.check_access("read")
        lead_ids = [
            lead_id for values in self._kbe_read_figures(with_leads=True).values() for lead_id in values["lead_ids"]
        ]
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_opportunities")
        action.update(
            {
                "name": self.env._("Opportunities of %(target)s", target=self[:1].name)
                if len(self) == 1
                else action["name"],
                "domain": [("id", "in", lead_ids)],
                "context": {"create": False, "active_test": False},
            }
        )
        return action

    def action_view_forecast(self):
        """The forecast lines of the target's subject and period, in the forecast's list."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_forecast_report_action")
        action.update(
            {
                "domain": self._kbe_report_domain(),
                "view_mode": "list,pivot,graph",
                "views": [(False, "list"), (False, "pivot"), (False, "graph")],
                "context": {},
            }
        )
        return action

    def action_view_snapshots(self):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_forecast_snapshot_action")
        action["domain"] = [("target_id", "in", self.ids)]
        action["context"] = {}
        return action

    def action_kbe_take_snapshot(self):
        """Store the forecast of these targets today (Sales / Administrator): one snapshot per
        target and week, updated when taken again in the same week."""
        self.check_access("write")
        self.env["kbe.forecast.snapshot"]._kbe_take_snapshots(self)
        return self.action_view_snapshots()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_report_domain(self):
        self.ensure_one()
        subject = self[SUBJECT_FIELDS[self.target_type]]
        field_name = SUBJECT_FIELDS[self.target_type]
        operator = "child_of" if self.target_type == "territory" else "="
        return [
            ("company_id", "=", self.company_id.id),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            (field_name, operator, subject.id),
        ]

    def _kbe_figures_query(self, with_leads=False):
        """SQL of the figures of these targets, one row per target that has any: target_id, then
        FIGURES, opportunity_count (and lead_ids), from the forecast lines of its subject in its
        period: one statement for the whole batch, whatever its size."""
        targets = self._origin
        leads = (
            SQL(", ARRAY_AGG(lead_id) FILTER (WHERE line_type = 'opportunity') AS lead_ids") if with_leads else SQL()
        )
        return SQL(
            """
            WITH targets AS (
                SELECT t.id, t.target_type, t.user_id, t.team_id, t.company_id, t.date_from, t.date_to,
                       tt.parent_path
                  FROM kbe_sales_target t
                  LEFT JOIN kbe_territory tt ON tt.id = t.territory_id
                 WHERE t.id = ANY(%(ids)s)
            ), lines AS (
                SELECT r.line_type, r.lead_id, r.date, r.user_id, r.team_id, r.company_id, rt.parent_path,
                       r.closed_won, r.commit_amount, r.best_case, r.weighted, r.invoiced
                  FROM kbe_forecast_report r
                  LEFT JOIN kbe_territory rt ON rt.id = r.territory_id
                 WHERE r.line_type != 'target'
                   AND r.company_id = ANY(%(companies)s)
                   AND (r.user_id = ANY(%(users)s) OR r.team_id = ANY(%(teams)s) OR %(territories)s)
                   AND r.date BETWEEN (SELECT MIN(date_from) FROM targets) AND (SELECT MAX(date_to) FROM targets)
            ), matched AS (
                SELECT t.id AS target_id, l.*
                  FROM targets t JOIN lines l ON l.user_id = t.user_id
                 WHERE t.target_type = 'user' AND l.company_id = t.company_id
                   AND l.date BETWEEN t.date_from AND t.date_to
                 UNION ALL
                SELECT t.id, l.*
                  FROM targets t JOIN lines l ON l.team_id = t.team_id
                 WHERE t.target_type = 'team' AND l.company_id = t.company_id
                   AND l.date BETWEEN t.date_from AND t.date_to
                 UNION ALL
                SELECT t.id, l.*
                  FROM targets t JOIN lines l ON starts_with(l.parent_path, t.parent_path)
                 WHERE t.target_type = 'territory' AND l.company_id = t.company_id
                   AND l.date BETWEEN t.date_from AND t.date_to
            )
            SELECT target_id,
                   COALESCE(SUM(closed_won), 0) AS closed_won,
                   COALESCE(SUM(commit_amount), 0) AS commit_amount,
                   COALESCE(SUM(best_case), 0) AS best_case,
                   COALESCE(SUM(weighted), 0) AS weighted,
                   COALESCE(SUM(invoiced), 0) AS invoiced,
                   COUNT(*) FILTER (WHERE line_type = 'opportunity') AS opportunity_count
                   %(leads)s
              FROM matched
             GROUP BY target_id
            """,
            ids=targets.ids or [0],
            companies=targets.company_id.ids or [0],
            users=targets.user_id.ids,
            teams=targets.team_id.ids,
            territories=SQL(
                """r.territory_id IN (SELECT c.id FROM kbe_territory c
                                        JOIN kbe_territory p ON starts_with(c.parent_path, p.parent_path)
                                       WHERE p.id = ANY(%s))""",
                targets.territory_id.ids,
            )
            if targets.territory_id
            else SQL("FALSE"),
            leads=leads,
        )

    def _kbe_read_figures(self, with_leads=False):
        """{target id: {figure: value, "opportunity_count": n[, "lead_ids": [...]]}} of these targets."""
        targets = self._origin
        if not targets.ids:
            return {}
        self.env["kbe.forecast.report"]._kbe_flush_sources()
        rows = self.env.execute_query_dict(targets._kbe_figures_query(with_leads=with_leads))
        figures = {row["target_id"]: row for row in rows}
        if with_leads:
            for target_id in targets.ids:
                figures.setdefault(target_id, {"lead_ids": []})
                figures[target_id]["lead_ids"] = [
                    lead_id for lead_id in figures[target_id].get("lead_ids") or [] if lead_id
                ]
        return figures
