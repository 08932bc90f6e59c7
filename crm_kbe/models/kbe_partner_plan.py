from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import date_utils

PLAN_PERIODS = [("quarter", "Quarter"), ("year", "Year")]
PLAN_STATES = [("draft", "Draft"), ("agreed", "Agreed"), ("closed", "Closed")]
# fields that make the agreement: they cannot change once both sides agreed
PLAN_AGREED_FIELDS = {"partner_id", "period", "date_from", "date_to", "company_id"}


class KbePartnerPlan(models.Model):
    """A business plan agreed with a channel partner for a quarter or a year: goals per measure
    (won revenue, new customers...) with targets, their actual figures computed from the data,
    and joint actions planned as activities.

    The plan is agreed only when both sides agreed: the program manager with the "Agree" button,
    the partner's contact on the portal (``action_kbe_portal_agree``). Its goals are frozen from
    then on; reopening it to draft (with a message in the chatter) lets them change again."""

    _name = "kbe.partner.plan"
    _description = "Partner Business Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    # identity
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    note = fields.Html(string="Notes", help="Strategy, markets and commitments of both sides.")

    # relations
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True), ('kbe_partner_status', '=', 'active')]",
    )
    partner_tier_id = fields.Many2one(related="partner_id.kbe_partner_tier_id", string="Tier")
    user_id = fields.Many2one(
        "res.users",
        string="Partner Manager",
        tracking=True,
        domain="[('share', '=', False)]",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        help="The program manager who prepares the plan with the partner and follows it.",
    )
    goal_ids = fields.One2many("kbe.partner.plan.goal", "plan_id", string="Goals", copy=True)

    # period
    period = fields.Selection(PLAN_PERIODS, required=True, default="quarter", tracking=True)
    date_from = fields.Date(
        string="Start Date",
        required=True,
        tracking=True,
        default=lambda self: date_utils.start_of(fields.Date.context_today(self), "quarter"),
    )
    date_to = fields.Date(
        string="End Date",
        required=True,
        tracking=True,
        compute="_compute_date_to",
        store=True,
        readonly=False,
        precompute=True,
    )

    # state and agreement
    state = fields.Selection(PLAN_STATES, required=True, default="draft", tracking=True, copy=False)
    agreed_by_company_user_id = fields.Many2one(
        "res.users", string="Agreed by (Company)", readonly=True, copy=False, tracking=True
    )
    agreed_by_company_date = fields.Datetime(string="Agreed on (Company)", readonly=True, copy=False)
    agreed_by_partner_id = fields.Many2one(
        "res.partner", string="Agreed by (Partner)", readonly=True, copy=False, tracking=True
    )
    agreed_by_partner_date = fields.Datetime(string="Agreed on (Partner)", readonly=True, copy=False)

    # figures
    goal_count = fields.Integer(compute="_compute_progress", string="Number of Goals")
    progress = fields.Float(
        compute="_compute_progress",
        help="Average progress of the goals, weighted, each goal counting for at most 100 %.",
    )

    _sql_constraints = [
        ("date_range", "CHECK(date_from <= date_to)", "A business plan ends after it starts."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    # on the partner, not its name: renaming a partner (any contact form's save) then costs no
    # search of plans; the plan keeps the name it was made with
    @api.depends("partner_id", "period", "date_from", "date_to")
    def _compute_name(self):
        for plan in self:
            partner = plan.partner_id.name or self.env._("New partner")
            if not plan.date_from:
                plan.name = partner
            elif plan.period == "year":
                plan.name = self.env._("%(partner)s — %(year)s", partner=partner, year=plan.date_from.year)
            else:
                plan.name = self.env._(
                    "%(partner)s — Q%(quarter)s %(year)s",
                    partner=partner,
                    quarter=date_utils.get_quarter_number(plan.date_from),
                    year=plan.date_from.year,
                )

    @api.depends("partner_id")
    def _compute_user_id(self):
        for plan in self:
            plan.user_id = plan.partner_id.kbe_partner_manager_id or plan.user_id or self.env.user

    @api.depends("period", "date_from")
    def _compute_date_to(self):
        for plan in self:
            if plan.date_from:
                months = 12 if plan.period == "year" else 3
                plan.date_to = plan.date_from + relativedelta(months=months, days=-1)

    @api.depends("goal_ids.progress", "goal_ids.weight")
    def _compute_progress(self):
        # one batch for the actual figures of every goal of every plan (see the goal's compute)
        self.goal_ids.mapped("progress")
        for plan in self:
            total_weight = sum(plan.goal_ids.mapped("weight"))
            plan.goal_count = len(plan.goal_ids)
            plan.progress = (
                sum(goal.progress * goal.weight for goal in plan.goal_ids) / total_weight if total_weight else 0.0
            )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("partner_id")
    def _check_partner_active(self):
        for plan in self:
            if plan.partner_id.kbe_partner_status != "active":
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not an active channel partner: a business plan is made with an "
                        "active partner only.",
                        partner=plan.partner_id.display_name,
                    )
                )

    @api.constrains("partner_id", "date_from", "date_to", "company_id")
    def _check_overlap(self):
        """One plan per partner and period: no two plans of a partner overlap (one search)."""
        others = self.search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("date_from", "<=", max(self.mapped("date_to"))),
                ("date_to", ">=", min(self.mapped("date_from"))),
            ]
        )
        for plan in self:
            clash = others.filtered(
                lambda other, plan=plan: other != plan
                and other.partner_id == plan.partner_id
                and other.company_id == plan.company_id
                and other.date_from <= plan.date_to
                and other.date_to >= plan.date_from
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "%(partner)s already has a business plan for this period (%(plan)s): a partner "
                        "has one plan per period.",
                        partner=plan.partner_id.display_name,
                        plan=clash.name,
                    )
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        if PLAN_AGREED_FIELDS & set(vals) and any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._(
                    "The partner, period and dates of an agreed or closed business plan cannot change: "
                    "reopen it to draft first."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only draft business plans can be deleted."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_agree_company(self):
        """The program manager agrees to the plan for the company."""
        self.check_access("write")
        for plan in self:
            plan._kbe_check_can_agree()
            if plan.agreed_by_company_user_id:
                continue
            plan.write({"agreed_by_company_user_id": self.env.user.id, "agreed_by_company_date": fields.Datetime.now()})
            plan.message_post(
                body=self.env._("%(user)s agreed to the plan for the company.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        self._kbe_mark_agreed()
        return True

    def action_kbe_portal_agree(self):
        """A contact of the channel partner agrees to the plan for the partner (portal route or
        RPC): only a plan of their own company, in draft, with goals."""
        self.check_access("read")
        partner = self.env.user.partner_id
        for plan in self:
            if partner.commercial_partner_id != plan.partner_id:
                raise UserError(self.env._("Only a contact of %(partner)s can agree to its plan.", partner=plan.name))
            plan._kbe_check_can_agree()
            if plan.agreed_by_partner_id:
                raise UserError(self.env._("Your company already agreed to this plan."))
        # sudo: portal contacts cannot write plans; the checks above allow exactly this agreement
        plans_sudo = self.sudo()
        plans_sudo.write({"agreed_by_partner_id": partner.id, "agreed_by_partner_date": fields.Datetime.now()})
        for plan_sudo in plans_sudo:
            plan_sudo.message_post(
                body=self.env._("%(contact)s agreed to the plan for the partner.", contact=partner.name),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        plans_sudo._kbe_mark_agreed()
        return True

    def action_close(self):
        self.check_access("write")
        if any(plan.state != "agreed" for plan in self):
            raise UserError(self.env._("Only an agreed business plan can be closed."))
        self.write({"state": "closed"})
        return True

    def action_reset_draft(self):
        """Reopen the plan: both agreements are withdrawn, the goals may change, and both sides
        must agree again. The chatter says so."""
        self.check_access("write")
        plans = self.filtered(lambda plan: plan.state != "draft" or plan.agreed_by_company_user_id)
        plans.write(
            {
                "state": "draft",
                "agreed_by_company_user_id": False,
                "agreed_by_company_date": False,
                "agreed_by_partner_id": False,
                "agreed_by_partner_date": False,
            }
        )
        for plan in plans:
            plan.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(user)s reopened the plan to draft: the goals may change and both sides must agree again.",
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_view_scorecards(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_partner_scorecard_action")
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("date_from", ">=", self.date_from),
            ("date_to", "<=", self.date_to),
        ]
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_check_can_agree(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("%(plan)s is not a draft: it was already agreed.", plan=self.name))
        if not self.goal_ids:
            raise UserError(self.env._("%(plan)s has no goals yet: there is nothing to agree on.", plan=self.name))

    def _kbe_check_goals_editable(self):
        """Goals of agreed or closed plans are frozen; changing the goals of a draft plan withdraws
        an agreement one side already gave (it agreed to other goals)."""
        if any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._("The goals of an agreed or closed business plan cannot change: reopen it to draft first.")
            )
        # sudo: the goals' writer passed the goal's access rights and rules; the agreement they
        # change is void, whoever may write the plan
        agreed_sudo = self.sudo().filtered(lambda plan: plan.agreed_by_company_user_id or plan.agreed_by_partner_id)
        if agreed_sudo:
            agreed_sudo.write(
                {
                    "agreed_by_company_user_id": False,
                    "agreed_by_company_date": False,
                    "agreed_by_partner_id": False,
                    "agreed_by_partner_date": False,
                }
            )
            for plan_sudo in agreed_sudo:
                plan_sudo.message_post(
                    body=self.env._("The goals changed: both sides must agree to the plan again."),
                    subtype_xmlid="mail.mt_note",
                )

    def _kbe_mark_agreed(self):
        """Plans both sides agreed to become agreed."""
        both = self.filtered(
            lambda plan: plan.state == "draft" and plan.agreed_by_company_user_id and plan.agreed_by_partner_id
        )
        both.write({"state": "agreed"})
