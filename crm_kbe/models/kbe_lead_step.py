from odoo import api, fields, models


class KbeLeadStep(models.Model):
    """A step of the sales method on one opportunity: its checklist. Ticked by whoever may change
    the opportunity; a manager's stage override or a winning order marks the open ones skipped,
    with the reason."""

    _name = "kbe.lead.step"
    _description = "Opportunity Step"
    _order = "lead_id, step_id"
    _rec_name = "step_id"

    # identity
    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, ondelete="cascade", index=True)
    step_id = fields.Many2one("kbe.sales.method.step", required=True, ondelete="cascade", index=True)
    # the lead's company when the row is made (a compute on lead_id alone: writing a lead, Odoo's
    # hot path, then costs no search of its steps)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True, index=True, precompute=True, readonly=True
    )
    stage_id = fields.Many2one(related="step_id.stage_id")
    required = fields.Boolean(related="step_id.required")
    description = fields.Text(related="step_id.description")
    # state
    done = fields.Boolean()
    done_uid = fields.Many2one(
        "res.users", string="Done By", compute="_compute_done_by", store=True, readonly=False, precompute=True
    )
    done_date = fields.Datetime(
        string="Done On", compute="_compute_done_by", store=True, readonly=False, precompute=True
    )
    skipped = fields.Boolean(
        readonly=True, help="Left open when a manager overrode the stage or an order won the deal."
    )
    skip_note = fields.Char(readonly=True)

    _sql_constraints = [
        ("lead_step_unique", "unique(lead_id, step_id)", "A step appears once on an opportunity."),
    ]

    @api.depends("lead_id")
    def _compute_company_id(self):
        for step in self:
            step.company_id = step.lead_id.company_id

    @api.depends("done")
    def _compute_done_by(self):
        for step in self:
            if not step.done:
                step.done_uid = step.done_date = False
            elif not step.done_uid:
                step.done_uid = self.env.user
                step.done_date = fields.Datetime.now()
