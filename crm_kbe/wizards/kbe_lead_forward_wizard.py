from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.kbe_lead_forward import FORWARD_METHODS


class KbeLeadForwardWizard(models.TransientModel):
    """Forward leads to channel partners: by tier, by load or to a partner chosen by hand. The
    choice of the partners and the forwards themselves are ``kbe.lead.forward``'s."""

    _name = "kbe.lead.forward.wizard"
    _description = "Forward Leads to Channel Partners"

    lead_ids = fields.Many2many(
        "crm.lead",
        string="Leads",
        default=lambda self: self._default_lead_ids(),
        required=True,
    )
    method = fields.Selection(FORWARD_METHODS, string="Choose the Partner", default="tier", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        domain="[('kbe_partner_status', '=', 'active'), ('is_company', '=', True)]",
    )
    preview = fields.Text(compute="_compute_preview", string="Forwards")

    def _default_lead_ids(self):
        if self.env.context.get("active_model") != "crm.lead":
            return self.env["crm.lead"]
        return self.env["crm.lead"].browse(self.env.context.get("active_ids") or [])

    @api.depends("lead_ids", "method", "partner_id")
    def _compute_preview(self):
        for wizard in self:
            try:
                plan = self.env["kbe.lead.forward"]._kbe_plan_forwards(
                    wizard.lead_ids, wizard.method, wizard.partner_id
                )
            except UserError as error:
                wizard.preview = str(error)
                continue
            wizard.preview = "\n".join(f"{lead.name} → {partner.name}" for lead, partner in plan) or False

    def action_apply(self):
        self.ensure_one()
        self.env["kbe.lead.forward"].check_access("create")
        if not self.lead_ids:
            raise UserError(self.env._("Select the leads to forward."))
        forwards = self.env["kbe.lead.forward"]._kbe_forward_leads(self.lead_ids, self.method, self.partner_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forwarded Leads"),
            "res_model": "kbe.lead.forward",
            "view_mode": "list,form",
            "domain": [("id", "in", forwards.ids)],
        }
