from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

BILLING = [
    ("billable", "Billable"),
    ("warranty", "Warranty (not billed)"),
    ("contract", "Service Contract (not billed)"),
]
BILLING_STATES = [("to_bill", "To Bill"), ("billed", "Billed"), ("not_billable", "Not Billable")]


class KbeServiceOrder(models.Model):
    """Billing of completed service orders: their billable parts and time go onto confirmed sales
    orders (one per service order, or one per customer and month), which accounting invoices the
    normal Odoo way (Invoicing > Orders to Invoice)."""

    _inherit = "kbe.service.order"

    billing = fields.Selection(
        BILLING,
        default="billable",
        required=True,
        tracking=True,
        help="Warranty and contract work is not billed: neither its parts nor its time.",
    )
    billing_state = fields.Selection(
        BILLING_STATES, "Billing Status", compute="_compute_billing_state", store=True, index=True
    )
    time_sale_line_id = fields.Many2one("sale.order.line", "Time Billed On", readonly=True, copy=False)

    @api.depends("billing", "sale_order_id")
    def _compute_billing_state(self):
        for order in self:
            if order.billing != "billable":
                order.billing_state = "not_billable"
            else:
                order.billing_state = "billed" if order.sale_order_id else "to_bill"

    def _kbe_check_billable(self):
        for order in self:
            if order.billing != "billable":
                raise UserError(
                    self.env._(
                        "Service order %(order)s is %(billing)s work: it is not billed.",
                        order=order.number,
                        billing=dict(self._fields["billing"]._description_selection(self.env))[order.billing],
                    )
                )

    def action_bill(self):
        """One confirmed sales order per completed service order, for its billable parts and time."""
        return self._kbe_bill(lambda order: order.id)

    def action_bill_grouped(self):
        """One confirmed sales order per customer and month of completion."""
        return self._kbe_bill(
            lambda order: (
                order.company_id.id,
                order.partner_id.commercial_partner_id.id,
                order.date_done and order.date_done.strftime("%Y-%m"),
            )
        )

    def _kbe_bill(self, group_key):
        self.check_access("write")
        if not self.env.user.has_group("crm_kbe.group_service_manager"):
            raise AccessError(self.env._("Only service managers bill service orders."))
        if not self:
            raise UserError(self.env._("Select the completed service orders to bill."))
        items = self._kbe_items_to_bill()
        groups = defaultdict(lambda: self.browse())
        for order in self:
            groups[group_key(order)] |= order
        sale_orders = self.env["sale.order"]
        for orders in groups.values():
            sale_orders |= orders._kbe_create_confirmed_sale_order(items)
        if self.env["sale.order"].has_access("read"):
            action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
            if len(sale_orders) == 1:
                action.update({"res_id": sale_orders.id, "views": [(False, "form")], "view_mode": "form"})
            else:
                action["domain"] = [("id", "in", sale_orders.ids)]
            return action
        return True

    def _kbe_create_confirmed_sale_order(self, items):
        """The confirmed sales order of these service orders (one customer, one company), each of
        its lines linked to the part or time it bills."""
        first = self[0]
        leads = self.ticket_id.lead_id
        shipping = self.address_id if len(self.address_id) == 1 else first.partner_id.commercial_partner_id
        # sudo: service managers bill their orders without being salesmen; the service orders'
        # access was checked by the caller, and only their billable parts and time are ordered
        sale_model = self.env["sale.order"].sudo().with_company(first.company_id)
        sale_order = sale_model.create(
            {
                "partner_id": first.partner_id.commercial_partner_id.id,
                "partner_shipping_id": shipping.id,
                "company_id": first.company_id.id,
                "origin": ", ".join(self.mapped("number")),
                "opportunity_id": leads.id if len(leads) == 1 else False,
            }
        )
        sources, values = [], []
        for order in self:
            if len(self) > 1:
                values.append(
                    {
                        "display_type": "line_section",
                        "name": f"{order.number} {order.name}",
                        "order_id": sale_order.id,
                    }
                )
                sources.append(False)
            for source, vals in items[order]:
                values.append(dict(vals, order_id=sale_order.id))
                sources.append(source)
        # sudo: the lines of the order created above
        sale_lines = self.env["sale.order.line"].sudo().with_company(first.company_id).create(values)
        sale_order.action_confirm()
        for source, sale_line in zip(sources, sale_lines, strict=True):
            if source and source._name == "kbe.service.order":
                source.time_sale_line_id = sale_line
            elif source:
                source.sale_line_id = sale_line
        self.write({"sale_order_id": sale_order.id})
        for order in self:
            order.message_post(
                body=self.env._("Billed on the confirmed sales order %(so)s.", so=sale_order.name),
                subtype_xmlid="mail.mt_note",
            )
        return sale_order.with_env(self.env)
