from odoo import api, fields, models
from odoo.exceptions import ValidationError

AUTO_RULES = [
    ("decision_maker", "A decision maker is in the buying centre"),
]


class KbeSalesMethodStep(models.Model):
    """A step of a sales method in one of its stages: "Decision makers identified" in
    Qualification. A required step open on an opportunity keeps it from moving past that stage."""

    _name = "kbe.sales.method.step"
    _description = "Sales Method Step"
    _order = "stage_sequence, sequence, id"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True, help="What the salesperson does to complete this step.")
    sequence = fields.Integer(default=10)
    required = fields.Boolean(
        default=True, help="Required steps must be done before the opportunity moves past their stage."
    )
    auto_rule = fields.Selection(
        AUTO_RULES,
        string="Done Automatically When",
        help="The step is ticked on its own when this is true of the opportunity.",
    )
    # relations
    method_id = fields.Many2one(
        "kbe.sales.method", string="Sales Method", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="method_id.company_id", store=True, index=True)
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade", index=True)
    stage_sequence = fields.Integer(related="stage_id.sequence", string="Stage Sequence", store=True)

    @api.constrains("stage_id", "method_id")
    def _check_stage_of_method(self):
        for step in self:
            if step.stage_id not in step.method_id.stage_ids:
                raise ValidationError(
                    self.env._(
                        "The step “%(step)s” is in the stage %(stage)s, which the method “%(method)s” does not use.",
                        step=step.name,
                        stage=step.stage_id.name,
                        method=step.method_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        steps.method_id._kbe_sync_leads()
        return steps
