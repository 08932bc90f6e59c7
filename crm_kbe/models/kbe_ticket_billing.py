from odoo import api, fields, models


class KbeTicket(models.Model):
    """What the ticket's service orders were billed on: sales orders and their invoices."""

    _inherit = "kbe.ticket"

    kbe_sale_order_ids = fields.Many2many(
        "sale.order", compute="_compute_kbe_billing", string="Billed Sales Orders", groups="base.group_user"
    )
    kbe_invoice_ids = fields.Many2many(
        "account.move", compute="_compute_kbe_billing", string="Invoices", groups="base.group_user"
    )
    kbe_sale_order_count = fields.Integer(compute="_compute_kbe_billing", groups="base.group_user")
    kbe_billing_summary = fields.Char(
        "Billed On",
        compute="_compute_kbe_billing",
        groups="base.group_user",
        help="The sales orders and invoices of the ticket's service orders.",
    )

    @api.depends("service_order_ids.sale_order_id.invoice_ids.state")
    def _compute_kbe_billing(self):
        groups = self.env["kbe.service.order"]._read_group(
            [("ticket_id", "in", self.ids), ("sale_order_id", "!=", False)],
            ["ticket_id"],
            ["sale_order_id:array_agg"],
        )
        sale_ids = {ticket.id: set(ids) for ticket, ids in groups}
        # sudo: service users see what their tickets were billed on without sales or accounting
        # rights; only references are shown, of the orders the ticket's service orders point to
        sales = self.env["sale.order"].sudo().browse({i for ids in sale_ids.values() for i in ids})
        invoices = {sale.id: sale.invoice_ids.filtered(lambda move: move.state != "cancel") for sale in sales}
        for ticket in self:
            ticket_sales = sales.browse(sorted(sale_ids.get(ticket.id, ())))
            ticket_invoices = sales.env["account.move"].union(*(invoices[sale.id] for sale in ticket_sales))
            ticket.kbe_sale_order_ids = ticket_sales.ids
            ticket.kbe_invoice_ids = ticket_invoices.ids
            ticket.kbe_sale_order_count = len(ticket_sales)
            ticket.kbe_billing_summary = ", ".join(
                f"{sale.name} ({', '.join(invoices[sale.id].mapped('name')) or self.env._('not invoiced')})"
                for sale in ticket_sales
            )

    def action_open_kbe_sale_orders(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("id", "in", self.kbe_sale_order_ids.ids)]
        return action
