from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KbeServiceOrderLine(models.Model):
    _name = "kbe.service.order.line"
    _description = "Part Used on a Service Order"
    _order = "order_id, sequence, id"
    _check_company_auto = True

    order_id = fields.Many2one("kbe.service.order", "Service Order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product", "Part", required=True, check_company=True, domain="[('sale_ok', '=', True)]"
    )
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    billable = fields.Boolean(default=True, help="Untick for a part given free: it is not billed.")
    sale_line_id = fields.Many2one("sale.order.line", "Billed On", readonly=True, copy=False)

    @api.constrains("quantity")
    def _check_quantity(self):
        if any(line.quantity <= 0 for line in self):
            raise ValidationError(self.env._("A part's quantity must be positive."))

    def write(self, vals):
        if vals.get("order_id"):
            # rules are checked on the record as it was: the order it moves to must be one the
            # user may change too (another team's, another company's are refused)
            self.env["kbe.service.order"].browse(vals["order_id"]).check_access("write")
        return super().write(vals)
