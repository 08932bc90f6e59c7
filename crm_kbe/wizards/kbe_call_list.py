import ast
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class KbeCallList(models.TransientModel):
    """Telesales call list: one planned call per selected customer or opportunity, spread over a
    team's members and a date window. The work is done by ``kbe.call._kbe_create_call_list``."""

    _name = "kbe.call.list"
    _description = "Create a Call List"

    source = fields.Selection(
        [("partner", "Customers"), ("lead", "Opportunities")], string="Call", required=True, default="partner"
    )
    partner_ids = fields.Many2many(
        "res.partner", "kbe_call_list_partner_rel", "wizard_id", "partner_id", string="Customers"
    )
    lead_ids = fields.Many2many("crm.lead", "kbe_call_list_lead_rel", "wizard_id", "lead_id", string="Opportunities")
    filter_domain = fields.Char(
        string="Or by Filter",
        help="Customers or opportunities matching this filter are added to the selection.",
    )
    filter_model = fields.Char(compute="_compute_filter_model")
    name = fields.Char(string="Subject", required=True)
    purpose = fields.Html()
    date_start = fields.Datetime(string="From", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(
        string="To", required=True, default=lambda self: fields.Datetime.now() + timedelta(days=5)
    )
    duration_planned = fields.Float(string="Planned Duration", default=0.25)
    team_id = fields.Many2one("crm.team", required=True, default=lambda self: self.env.user.sale_team_id)
    user_ids = fields.Many2many(
        "res.users",
        "kbe_call_list_user_rel",
        "wizard_id",
        "user_id",
        string="Agents",
        compute="_compute_user_ids",
        store=True,
        readonly=False,
    )
    assignment = fields.Selection(
        [("round_robin", "Round robin"), ("workload", "By workload")],
        string="Spread",
        required=True,
        default="round_robin",
        help="Round robin gives the calls in turn; by workload gives each call to the agent with the "
        "fewest calls planned in the window.",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    call_ids = fields.Many2many("kbe.call", "kbe_call_list_call_rel", "wizard_id", "call_id", string="Calls Created")
    created_count = fields.Integer(string="Created", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    skipped_details = fields.Text(string="Skipped Because", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model == "res.partner" and ids:
            values.update(source="partner", partner_ids=[(6, 0, ids)])
        elif model == "crm.lead" and ids:
            values.update(source="lead", lead_ids=[(6, 0, ids)])
        # "select all" in a list sends the list's filter rather than every id
        if model in ("res.partner", "crm.lead") and self.env.context.get("active_domain"):
            values.update(
                source="partner" if model == "res.partner" else "lead",
                filter_domain=repr(self.env.context["active_domain"]),
            )
        return values

    @api.depends("source")
    def _compute_filter_model(self):
        for wizard in self:
            wizard.filter_model = "res.partner" if wizard.source == "partner" else "crm.lead"

    @api.depends("team_id")
    def _compute_user_ids(self):
        for wizard in self:
            wizard.user_ids = wizard.team_id.member_ids

    def _get_targets(self):
        """The selected customers or opportunities, plus those matching the filter; the user must
        be able to read them."""
        self.ensure_one()
        model = "res.partner" if self.source == "partner" else "crm.lead"
        targets = self.partner_ids if self.source == "partner" else self.lead_ids
        if self.filter_domain and self.filter_domain.strip() not in ("", "[]"):
            try:
                domain = ast.literal_eval(self.filter_domain)
            except (ValueError, SyntaxError) as error:
                raise UserError(self.env._("The filter is not a valid domain.")) from error
            targets |= self.env[model].search(domain)
        targets.check_access("read")
        return targets

    def action_apply(self):
        self.ensure_one()
        self.check_access("write")
        strangers = self.user_ids - self.team_id.member_ids - self.team_id.user_id
        if strangers:
            raise UserError(
                self.env._(
                    "Not in the team %(team)s: %(users)s. Give the calls to its members.",
                    users=", ".join(strangers.mapped("name")),
                    team=self.team_id.name,
                )
            )
        targets = self._get_targets()
        if not targets:
            raise UserError(self.env._("Select customers or opportunities, or give a filter, to call."))
        calls, skipped = self.env["kbe.call"]._kbe_create_call_list(
            targets,
            self.user_ids,
            self.date_start,
            self.date_end,
            {
                "name": self.name,
                "purpose": self.purpose,
                "team_id": self.team_id.id,
                "duration_planned": self.duration_planned,
                "direction": "outbound",
            },
            assignment=self.assignment,
        )
        labels = {
            "no_phone": self.env._("no phone number"),
            "blacklisted": self.env._("opted out of calls"),
            "planned": self.env._("a call is already planned in the window"),
            "other_company": self.env._("a contact of another company"),
        }
        details = []
        for reason, label in labels.items():
            records = skipped.get(reason)
            if records:
                names = ", ".join(record.display_name for record in records[:10])
                more = "…" if len(records) > 10 else ""
                details.append(
                    self.env._(
                        "%(count)s skipped, %(reason)s: %(names)s%(more)s",
                        count=len(records),
                        reason=label,
                        names=names,
                        more=more,
                    )
                )
        self.write(
            {
                "state": "done",
                "call_ids": [(6, 0, calls.ids)],
                "created_count": len(calls),
                "skipped_count": sum(len(records) for records in skipped.values()),
                "skipped_details": "\n".join(details) or False,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Call List Created"),
        }

    def action_open_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_call_action")
        action["domain"] = [("id", "in", self.call_ids.ids)]
        action["context"] = {}
        return action
