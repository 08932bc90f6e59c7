from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from .crm_lead import SALES_STYLES


class KbeSalesMethod(models.Model):
    """How a sales style sells: the stages its opportunities go through and, per stage, the steps
    a salesperson completes before the opportunity may move past it (``kbe.sales.method.step``).

    An opportunity follows the active method of its company and sales style, when the method
    names no team or names the opportunity's team. Opportunities without a method move between
    stages as in standard Odoo."""

    _name = "kbe.sales.method"
    _description = "Sales Method"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    sales_style = fields.Selection(SALES_STYLES, required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    description = fields.Text(translate=True, help="When to use this method and what it is about.")
    # relations
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="The teams whose opportunities follow this method; empty: every team of the sales style.",
    )
    stage_ids = fields.Many2many(
        "crm.stage",
        string="Stages",
        required=True,
        help="The pipeline stages this method uses, each with its steps.",
    )
    step_ids = fields.One2many("kbe.sales.method.step", "method_id", string="Steps", copy=True)
    # figures
    step_count = fields.Integer(string="Steps Count", compute="_compute_step_count")

    @api.depends("step_ids")
    def _compute_step_count(self):
        counts = dict(
            self.env["kbe.sales.method.step"]._read_group(
                [("method_id", "in", self._origin.ids)], ["method_id"], ["__count"]
            )
        )
        for method in self:
            method.step_count = counts.get(method._origin, 0)

    @api.constrains("sales_style", "company_id", "active")
    def _check_one_method_per_style(self):
        active = self.filtered("active")
        if not active:
            return
        groups = self._read_group(
            [("active", "=", True), ("sales_style", "in", active.mapped("sales_style"))],
            ["company_id", "sales_style"],
            ["__count"],
        )
        for company, style, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The company %(company)s already has an active sales method for “%(style)s”: "
                        "archive it before activating another one.",
                        company=company.name,
                        style=dict(self._fields["sales_style"]._description_selection(self.env))[style],
                    )
                )

    @api.constrains("stage_ids")
    def _check_steps_in_stages(self):
        for method in self:
            outside = method.step_ids.filtered(lambda step, method=method: step.stage_id not in method.stage_ids)
            if outside:
                raise ValidationError(
                    self.env._(
                        "The stage %(stage)s has steps in the method “%(method)s”: remove its steps first.",
                        stage=outside[0].stage_id.name,
                        method=method.name,
                    )
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        methods = super().create(vals_list)
        self.env.registry.clear_cache()
        methods._kbe_sync_leads()
        return methods

    def write(self, vals):
        result = super().write(vals)
        if {"active", "sales_style", "company_id", "team_ids"} & set(vals):
            self.env.registry.clear_cache()
            self._kbe_sync_leads()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @tools.ormcache()
    def _kbe_method_index(self):
        """{(company id, sales style): (method id, team ids)} of the active methods, cached for
        the registry (cleared when a method changes): finding an opportunity's method costs no
        query, and nothing at all when no method is defined."""
        # sudo: the index of the configuration, the same for every user; records are browsed
        # later in the user's environment
        methods_sudo = self.sudo().search_fetch([("active", "=", True)], ["company_id", "sales_style", "team_ids"])
        return tools.frozendict(
            {
                (method.company_id.id, method.sales_style): (method.id, frozenset(method.team_ids.ids))
                for method in methods_sudo
            }
        )

    def _kbe_lead_domain(self):
        """The open opportunities this method applies to."""
        self.ensure_one()
        domain = [
            ("type", "=", "opportunity"),
            ("company_id", "=", self.company_id.id),
            ("kbe_sales_style", "=", self.sales_style),
            ("stage_id.is_won", "=", False),
        ]
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        return domain

    def _kbe_sync_leads(self):
        """Give the open opportunities of these methods the rows of their checklists."""
        leads = self.env["crm.lead"]
        for method in self.filtered("active"):
            # sudo: the checklists of every opportunity the method applies to, whoever owns it
            leads |= self.env["crm.lead"].sudo().search(method._kbe_lead_domain())
        if leads:
            leads._kbe_sync_steps()
