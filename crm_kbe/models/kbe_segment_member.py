from odoo import fields, models


class KbeSegmentMember(models.Model):
    _name = "kbe.segment.member"
    _description = "Segment Member"
    _order = "segment_id, date_entered desc, id"
    _rec_name = "partner_id"

    segment_id = fields.Many2one("kbe.segment", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Member", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="segment_id.company_id", store=True, index=True)
    date_entered = fields.Datetime(string="Entered On", required=True, default=fields.Datetime.now)
    reach_email = fields.Boolean(string="By E-mail")
    reach_phone = fields.Boolean(string="By Phone")
    reach_post = fields.Boolean(string="By Post")

    _sql_constraints = [
        ("segment_partner_uniq", "unique(segment_id, partner_id)", "A customer is a member of a segment only once."),
    ]
