from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class KbeLeadConvert(models.TransientModel):
    """Convert to Opportunity, as the KBE document describes it: convert or merge, create or link a
    customer, choose salesperson and team. Works on one lead (form button) or many (list action);
    the work itself is done by ``crm.lead._kbe_convert`` / ``_kbe_merge`` through Odoo's steps.

    Every choice is computed as the user who converts (``compute_sudo=False``, as in Odoo's
    wizard): the duplicates listed are those they may read, and the existing customer proposed
    is the one Odoo's ``_find_matching_partner`` finds (e-mail, then company or contact name)."""

    _name = "kbe.lead.convert"
    _description = "Convert Leads to Opportunities"

    lead_ids = fields.Many2many(
        "crm.lead",
        "kbe_lead_convert_lead_rel",
        "wizard_id",
        "lead_id",
        string="Leads",
        required=True,
        context={"active_test": False},
    )
    lead_count = fields.Integer(compute="_compute_lead_count")
    memo = fields.Html(related="lead_ids.description", string="Internal Memo", readonly=True)
    name = fields.Selection(
        [("convert", "Convert to opportunity"), ("merge", "Merge with an existing opportunity")],
        string="Conversion Action",
        default="convert",
        required=True,
    )
    duplicate_ids = fields.Many2many(
        "crm.lead",
        "kbe_lead_convert_duplicate_rel",
        "wizard_id",
        "lead_id",
        string="Likely Duplicates",
        compute="_compute_duplicate_ids",
        store=True,
        readonly=False,
        compute_sudo=False,
        context={"active_test": False},
        help="Leads and opportunities with the same e-mail, phone, customer or company name.",
    )
    hidden_duplicate_count = fields.Integer(
        compute="_compute_duplicate_ids", store=True, readonly=False, compute_sudo=False
    )
    hidden_duplicate_message = fields.Char(compute="_compute_hidden_duplicate_message")
    merge_ids = fields.Many2many(
        "crm.lead",
        "kbe_lead_convert_merge_rel",
        "wizard_id",
        "lead_id",
        string="Merge Into",
        compute="_compute_merge_ids",
        store=True,
        readonly=False,
        compute_sudo=False,
        context={"active_test": False},
        domain="[('id', 'in', duplicate_ids)]",
    )
    customer_action = fields.Selection(
        [
            ("create", "Create a new customer"),
            ("exist", "Link to an existing customer"),
            ("nothing", "Do not link to a customer"),
        ],
        string="Related Customer",
        compute="_compute_customer_action",
        store=True,
        readonly=False,
        compute_sudo=False,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        compute_sudo=False,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        compute_sudo=False,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", compute="_compute_team_id", store=True, readonly=False, compute_sudo=False
    )

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        if (
            "lead_ids" in fields_list
            and not result.get("lead_ids")
            and self.env.context.get("active_model") == "crm.lead"
        ):
            result["lead_ids"] = [fields.Command.set(self.env.context.get("active_ids") or [])]
        return result

    @api.depends("lead_ids")
    def _compute_lead_count(self):
        for wizard in self:
            wizard.lead_count = len(wizard.lead_ids)

    @api.depends("lead_ids")
    def _compute_duplicate_ids(self):
        for wizard in self:
            # the leads themselves, not the onchange's copies (which would recompute their fields)
            lead = wizard.lead_ids._origin
            if len(lead) != 1:
                wizard.duplicate_ids = wizard.hidden_duplicate_count = False
                continue
            wizard.duplicate_ids, wizard.hidden_duplicate_count = lead._kbe_get_duplicates()

    @api.depends("hidden_duplicate_count")
    def _compute_hidden_duplicate_message(self):
        for wizard in self:
            count = wizard.hidden_duplicate_count
            if count == 1:
                message = self.env._(
                    "1 similar lead belongs to a colleague you cannot see; ask your manager to merge it."
                )
            elif count:
                message = self.env._(
                    "%(count)s similar leads belong to colleagues you cannot see; ask your manager to merge them.",
                    count=count,
                )
            else:
                message = False
            wizard.hidden_duplicate_message = message

    @api.depends("duplicate_ids", "name")
    def _compute_merge_ids(self):
        for wizard in self:
            if wizard.name == "merge" and not wizard.merge_ids:
                opportunities = wizard.duplicate_ids.filtered(lambda lead: lead.type == "opportunity" and lead.active)
                wizard.merge_ids = opportunities[:1]
            elif wizard.name != "merge":
                wizard.merge_ids = False

    @api.depends("lead_ids")
    def _compute_customer_action(self):
        for wizard in self:
            lead = wizard.lead_ids[:1]._origin
            if len(wizard.lead_ids) > 1:
                wizard.customer_action = "create"
            elif lead.partner_id or (lead and lead._find_matching_partner()):
                wizard.customer_action = "exist"
            elif lead.partner_name or lead.contact_name:
                wizard.customer_action = "create"
            else:
                wizard.customer_action = "nothing"

    @api.depends("customer_action", "lead_ids")
    def _compute_partner_id(self):
        for wizard in self:
            if wizard.customer_action != "exist":
                wizard.partner_id = False
            elif not wizard.partner_id and len(wizard.lead_ids) == 1:
                wizard.partner_id = wizard.lead_ids._origin._find_matching_partner()

    @api.depends("lead_ids")
    def _compute_user_id(self):
        for wizard in self:
            users = wizard.lead_ids.user_id
            wizard.user_id = users if len(users) == 1 else self.env.user

    @api.depends("user_id")
    def _compute_team_id(self):
        for wizard in self:
            if not wizard.user_id:
                continue
            if wizard.team_id and wizard.user_id in wizard.team_id.member_ids | wizard.team_id.user_id:
                continue
            teams = wizard.lead_ids.team_id
            if len(teams) == 1 and wizard.lead_ids.user_id == wizard.user_id:
                wizard.team_id = teams  # the leads' own salesperson and team
            elif len(teams) == 1 and wizard.user_id in teams.member_ids | teams.user_id:
                wizard.team_id = teams
            else:
                wizard.team_id = self.env["crm.team"]._get_default_team_id(user_id=wizard.user_id.id, domain=None)

    def action_apply(self):
        self.ensure_one()
        # The leads and targets were chosen by the caller (over RPC: any ids). Reading the
        # many2many as the user would silently drop the ones they cannot see, so take every id
        # given and check the user's right to change each of them.
        leads = self.sudo().lead_ids.sudo(False)
        if not leads:
            raise UserError(self.env._("Select the leads to convert."))
        leads.check_access("write")
        if self.user_id != self.env.user:  # who may change the leads may take them
            for company in leads.company_id or self.env.company:
                self.user_id._kbe_check_assignable(company, role=self.env._("the salesperson"))
        if self.name == "merge":
            if len(leads) != 1:
                raise UserError(
                    self.env._("Merge one lead at a time: open it and choose the opportunity to merge into.")
                )
            # _kbe_merge refuses, with a message, targets the user may not change
            result = leads._kbe_merge(self.sudo().merge_ids.sudo(False), user=self.user_id, team=self.team_id)
        else:
            if self.customer_action == "exist" and not self.partner_id:
                raise UserError(self.env._("Choose the existing customer to link, or another Related Customer option."))
            result = leads._kbe_convert(
                customer_action=self.customer_action or "nothing",
                partner=self.partner_id,
                user=self.user_id,
                team=self.team_id,
            )
        if len(result) == 1:
            return result.redirect_lead_opportunity_view()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = expression.AND([[("id", "in", result.ids)], [("type", "=", "opportunity")]])
        return action
