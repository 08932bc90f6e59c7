from odoo import api, fields, models

CRITERIA = [
    ("won_revenue", "Won Revenue"),
    ("certified_people", "Certified People"),
    ("satisfaction", "Customer Satisfaction"),
    ("agreement", "Signed Agreement"),
]


class KbePartnerQualificationLine(models.Model):
    """One criterion of a tier on a qualification: what the tier requires, the partner's figure
    when it was submitted, the evidence, and the reviewer's verdict."""

    _name = "kbe.partner.qualification.line"
    _description = "Partner Qualification Criterion"
    _order = "qualification_id, sequence, id"

    qualification_id = fields.Many2one("kbe.partner.qualification", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="qualification_id.company_id", store=True, string="Company")
    currency_id = fields.Many2one(related="qualification_id.currency_id", string="Currency")
    sequence = fields.Integer(default=10)
    criterion = fields.Selection(CRITERIA, required=True)
    certification_type_id = fields.Many2one(
        "kbe.partner.certification.type",
        string="Certification",
        ondelete="restrict",
        help="For certified people: the certification the tier asks for (empty: any certification).",
    )
    required_value = fields.Float(string="Required", help="What the tier asks for.")
    actual_value = fields.Float(string="Actual", help="The partner's figure when the qualification was submitted.")
    actual_known = fields.Boolean(
        string="Measured", default=True, help="Off when the figure cannot be measured yet (no rating)."
    )
    computed_met = fields.Boolean(
        string="Figure Meets", compute="_compute_computed_met", store=True, help="The figure reaches the requirement."
    )
    evidence_ids = fields.Many2many(
        "ir.attachment",
        "kbe_partner_qualification_line_attachment_rel",
        "line_id",
        "attachment_id",
    )
    verdict = fields.Selection(
        [("pending", "Pending"), ("met", "Met"), ("not_met", "Not Met")],
        default="pending",
        required=True,
        help="The reviewer's decision on this criterion.",
    )
    note = fields.Text(string="Reviewer Note", groups="crm_kbe.group_partner_manager")

    @api.depends("criterion", "required_value", "actual_value", "actual_known")
    def _compute_computed_met(self):
        for line in self:
            line.computed_met = line.actual_known and line.actual_value >= line.required_value

    @api.depends("criterion", "certification_type_id")
    def _compute_display_name(self):
        labels = dict(self._fields["criterion"]._description_selection(self.env))
        for line in self:
            label = labels.get(line.criterion, "")
            if line.certification_type_id:
                label = f"{label}: {line.certification_type_id.name}"
            line.display_name = label
