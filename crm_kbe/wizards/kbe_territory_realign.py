from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

PREVIEW_LIMIT = 200  # records listed in the preview (the counts are always complete)


class KbeTerritoryRealign(models.TransientModel):
    """After territories changed: which open leads and customers should move to another territory,
    with counts per move (a preview), then Apply. Won and lost leads are never moved. The work is
    ``kbe.territory._kbe_realign_plan`` and ``_kbe_realign_apply``."""

    _name = "kbe.territory.realign"
    _description = "Realign Territories"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    territory_ids = fields.Many2many(
        "kbe.territory",
        string="Territories",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
        help="Only the moves into or out of these territories and their sub-territories; empty: every "
        "territory of the company.",
    )
    scope = fields.Selection(
        [("all", "Leads and customers"), ("leads", "Open leads only"), ("customers", "Customers only")],
        required=True,
        default="all",
    )
    reassign = fields.Boolean(
        string="Reassign Salesperson and Team",
        default=True,
        help="Moved records also take the salesperson (and leads the team) of their new territory; "
        "otherwise only their territory changes.",
    )
    # preview
    lead_move_count = fields.Integer(string="Leads Moving", compute="_compute_preview")
    partner_move_count = fields.Integer(string="Customers Moving", compute="_compute_preview")
    preview_html = fields.Html(string="Moves", compute="_compute_preview", sanitize=False)
    lead_ids = fields.Many2many("crm.lead", string="Leads", compute="_compute_preview")
    partner_ids = fields.Many2many("res.partner", string="Customers", compute="_compute_preview")

    @api.depends("company_id", "territory_ids", "scope")
    def _compute_preview(self):
        for wizard in self:
            plan = wizard._plan() if wizard.company_id else {}
            leads = [i for ids in plan.get("crm.lead", {}).values() for i in ids]
            partners = [i for ids in plan.get("res.partner", {}).values() for i in ids]
            wizard.lead_move_count = len(leads)
            wizard.partner_move_count = len(partners)
            wizard.lead_ids = self.env["crm.lead"].browse(leads[:PREVIEW_LIMIT])
            wizard.partner_ids = self.env["res.partner"].browse(partners[:PREVIEW_LIMIT])
            wizard.preview_html = wizard._preview_table(plan)

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise ValidationError(self.env._("You may only realign the territories of your own companies."))

    def _plan(self):
        self.ensure_one()
        return self.env["kbe.territory"]._kbe_realign_plan(
            self.company_id,
            territories=self.territory_ids._origin or None,
            leads=self.scope in ("all", "leads"),
            customers=self.scope in ("all", "customers"),
        )

    def _preview_table(self, plan):
        """One row per move: from, to, leads, customers."""
        counts = {}
        for model_name, moves in plan.items():
            for (old, new), ids in moves.items():
                counts.setdefault((old, new), {"crm.lead": 0, "res.partner": 0})[model_name] += len(ids)
        if not counts:
            return Markup("<p>%s</p>") % self.env._(
                "Every open lead and customer is in its territory: nothing to move."
            )
        Territory = self.env["kbe.territory"].with_context(active_test=False)
        names = {t.id: t.complete_name for t in Territory.browse({i for pair in counts for i in pair if i})}
        none = self.env._("No territory")
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (names.get(old, none), names.get(new, none), count["crm.lead"], count["res.partner"])
            for (old, new), count in sorted(
                counts.items(), key=lambda item: (names.get(item[0][0], ""), names.get(item[0][1], ""))
            )
        )
        head = Markup("<tr><th>%s</th><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>") % (
            self.env._("From"),
            self.env._("To"),
            self.env._("Leads"),
            self.env._("Customers"),
        )
        return Markup(
            "<table class='table table-sm o_kbe_realign_preview'><thead>%s</thead><tbody>%s</tbody></table>"
        ) % (
            head,
            rows,
        )

    def action_apply(self):
        self.ensure_one()
        Territory = self.env["kbe.territory"]
        Territory.check_access("write")
        if self.company_id not in self.env.companies:
            raise UserError(
                self.env._("Switch to %(company)s to realign its territories.", company=self.company_id.name)
            )
        plan = self._plan()
        Territory._kbe_realign_apply(plan, reassign=self.reassign)
        leads = sum(len(ids) for ids in plan["crm.lead"].values()) if "crm.lead" in plan else 0
        partners = sum(len(ids) for ids in plan["res.partner"].values()) if "res.partner" in plan else 0
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(leads)s open leads and %(partners)s customers moved to their territory.",
                    leads=leads,
                    partners=partners,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
