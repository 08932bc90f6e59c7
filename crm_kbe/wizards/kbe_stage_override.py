from odoo import api, fields, models
from odoo.exceptions import UserError

REASON_MAX = 2000


class KbeStageOverride(models.TransientModel):
    """A sales manager moves an opportunity past the open steps of its sales method, with a
    reason that is logged on the opportunity and on the steps skipped. The work is
    ``crm.lead._kbe_override_stage``'s, which checks the manager's right itself."""

    _name = "kbe.stage.override"
    _description = "Override the Stage of an Opportunity"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade")
    team_id = fields.Many2one(related="lead_id.team_id")
    stage_id = fields.Many2one(
        "crm.stage",
        string="Move To",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="['|', ('team_id', '=', False), ('team_id', '=', team_id)]",
    )
    reason = fields.Text(required=True)
    open_steps = fields.Text(string="Open Steps Skipped", compute="_compute_open_steps")

    @api.depends("lead_id")
    def _compute_stage_id(self):
        for wizard in self:
            lead = wizard.lead_id
            if not lead:
                wizard.stage_id = False
                continue
            stages = lead._stage_find(domain=[("sequence", ">=", lead.stage_id.sequence)], limit=None)
            wizard.stage_id = (stages - lead.stage_id)[:1] or lead.stage_id

    @api.depends("lead_id", "stage_id")
    def _compute_open_steps(self):
        for wizard in self:
            if not wizard.lead_id or not wizard.stage_id:
                wizard.open_steps = False
                continue
            steps = wizard.lead_id._origin._kbe_open_steps(wizard.stage_id).get(wizard.lead_id._origin)
            wizard.open_steps = "\n".join(f"{step.stage_id.name}: {step.name}" for step in steps) if steps else False

    def action_apply(self):
        self.ensure_one()
        lead = self.lead_id
        lead._kbe_check_override_right()
        lead.check_access("write")
        if not self.stage_id:
            raise UserError(self.env._("Choose the stage to move the opportunity to."))
        if self.stage_id.team_id and self.stage_id.team_id != lead.team_id:
            raise UserError(
                self.env._(
                    "The stage %(stage)s belongs to another sales team than “%(lead)s”.",
                    stage=self.stage_id.name,
                    lead=lead.name,
                )
            )
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for overriding the stage."))
        if len(reason) > REASON_MAX:
            raise UserError(self.env._("The reason is too long: at most %(max)s characters.", max=REASON_MAX))
        lead._kbe_override_stage(self.stage_id, reason)
        return {"type": "ir.actions.act_window_close"}
