from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KbePartnerCertificationType(models.Model):
    """A training a channel partner's contacts pass (food safety, KBE menus...): how long it is
    valid, and how many certified people each tier asks for."""

    _name = "kbe.partner.certification.type"
    _description = "Partner Certification Type"
    _order = "sequence, name, id"

    # identity
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to use it in every company.")
    description = fields.Html(translate=True)

    # rules
    validity_months = fields.Integer(
        string="Validity (months)", default=24, help="How long a certification stays valid; 0 for no expiry."
    )
    requirement_ids = fields.One2many(
        "kbe.partner.certification.requirement", "type_id", string="Required per Tier", copy=True
    )

    # figures
    certification_count = fields.Integer(compute="_compute_certification_count", string="Valid Certifications")

    _sql_constraints = [
        ("validity_months_range", "CHECK(validity_months >= 0)", "The validity of a certification cannot be negative.")
    ]

    def _compute_certification_count(self):
        groups = self.env["kbe.partner.certification"]._read_group(
            [("type_id", "in", self.ids), ("state", "=", "valid")], ["type_id"], ["__count"]
        )
        counts = {cert_type.id: count for cert_type, count in groups}
        for cert_type in self:
            cert_type.certification_count = counts.get(cert_type.id, 0)

    @api.constrains("validity_months")
    def _check_validity_months(self):
        for cert_type in self:
            if cert_type.validity_months > 240:
                raise ValidationError(
                    self.env._("A certification is valid for at most 240 months (%(name)s).", name=cert_type.name)
                )

    def action_view_certifications(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_partner_certification_action")
        action["domain"] = [("type_id", "=", self.id)]
        action["context"] = {"default_type_id": self.id}
        return action
