from odoo import fields, models


class KbeServiceOrderTask(models.Model):
    _name = "kbe.service.order.task"
    _description = "Service Order Checklist Item"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("kbe.service.order", "Service Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("To Do", required=True)
    done = fields.Boolean()

    def write(self, vals):
        if vals.get("order_id"):
            # rules are checked on the record as it was: the order it moves to must be one the
            # user may change too (another team's, another company's are refused)
            self.env["kbe.service.order"].browse(vals["order_id"]).check_access("write")
        return super().write(vals)
