from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestServiceInvoiceTour(KbeTourCase):
    """In Chromium, the accountant (Invoicing / Billing only) invoices the done service orders the
    service manager billed: from Invoicing -> Customers -> Orders to Invoice, each confirmed sales
    order to its posted invoice; the ticket then shows what was billed and invoiced."""

    def setUp(self):
        super().setUp()
        self.part, self.thermostat, self.hour = self.env["product.product"].create(
            [
                {"name": "Elemen pemanas", "type": "consu", "list_price": 150.0, "invoice_policy": "order"},
                {"name": "Termostat", "type": "consu", "list_price": 90.0, "invoice_policy": "order"},
                {
                    "name": "Jam teknisi",
                    "type": "service",
                    "list_price": 80.0,
                    "invoice_policy": "order",
                    "uom_id": self.env.ref("uom.product_uom_hour").id,
                    "uom_po_id": self.env.ref("uom.product_uom_hour").id,
                },
            ]
        )
        self.customer = self.env["res.partner"].create({"name": "PT. Graha Prasmanan", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Lestari", "parent_id": self.customer.id})
        team = self.env["kbe.service.team"].create(
            {"name": "Tim Teknisi Uji", "member_ids": [(6, 0, self.user_service_agent.ids)]}
        )
        manager = self.user_service_manager
        self.ticket = (
            self.env["kbe.ticket"]
            .with_user(manager)
            .create({"name": "Pemanas prasmanan tidak panas", "partner_id": contact.id, "team_id": team.id})
        )
        Order = self.env["kbe.service.order"].with_user(manager)
        self.heater_order, self.thermostat_order = Order.create(
            [
                {
                    "name": "Ganti elemen pemanas",
                    "ticket_id": self.ticket.id,
                    "user_id": self.user_service_agent.id,
                    "time_spent": 2.5,
                    "time_product_id": self.hour.id,
                    "line_ids": [
                        (0, 0, {"product_id": self.part.id, "quantity": 2}),
                        (0, 0, {"product_id": self.part.id, "quantity": 1, "billable": False}),
                    ],
                },
                {
                    "name": "Ganti termostat",
                    "ticket_id": self.ticket.id,
                    "user_id": self.user_service_agent.id,
                    "time_spent": 1.0,
                    "time_product_id": self.hour.id,
                    "line_ids": [(0, 0, {"product_id": self.thermostat.id, "quantity": 1})],
                },
            ]
        )
        orders = self.heater_order | self.thermostat_order
        orders.action_done()
        orders.action_bill()

    def _invoiced(self, order):
        """(product, quantity) of each line of the posted invoices of the order's sales order."""
        # sudo: the test reads the result; the service manager is no salesman nor accountant
        lines = order.sudo().sale_order_id.invoice_ids.invoice_line_ids
        return sorted((line.product_id.name, line.quantity) for line in lines)

    def test_accountant_invoices_the_done_service_orders(self):
        accountant = self.user_accountant
        # sudo: the test reads the orders the manager billed, for the checks after the tour
        sales = (self.heater_order | self.thermostat_order).sudo().sale_order_id
        self.assertEqual(len(sales), 2, "one confirmed sales order per service order")

        self.start_tour("/odoo", "kbe_service_invoice_tour", login=accountant.login)

        sales.invalidate_recordset()
        self.assertEqual(sales.mapped("invoice_status"), ["invoiced", "invoiced"])
        invoices = sales.invoice_ids
        self.assertEqual(len(invoices), 2, "one invoice per sales order")
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(set(invoices.mapped("move_type")), {"out_invoice"})
        self.assertEqual(invoices.create_uid, accountant, "the accountant made them")
        self.assertEqual(invoices.partner_id, self.customer)
        # the invoices bill exactly the billed parts and time: the free part is not on them
        self.assertEqual(self._invoiced(self.heater_order), [("Elemen pemanas", 2.0), ("Jam teknisi", 2.5)])
        self.assertEqual(self._invoiced(self.thermostat_order), [("Jam teknisi", 1.0), ("Termostat", 1.0)])
        for order, amount in ((self.heater_order, 2 * 150 + 2.5 * 80), (self.thermostat_order, 90 + 80)):
            with self.subTest(order=order.name):
                invoice = order.sudo().sale_order_id.invoice_ids  # sudo: the test reads the result
                self.assertEqual(invoice.amount_untaxed, amount)
                billed_part = order.line_ids.filtered("billable")
                self.assertEqual(billed_part.sale_line_id.invoice_lines.move_id, invoice)
                self.assertEqual(order.time_sale_line_id.invoice_lines.move_id, invoice)
                self.assertEqual(order.billing_state, "billed")
        # the service desk sees on the ticket what was billed and invoiced
        ticket = self.ticket.with_user(self.user_service_manager)
        ticket.invalidate_recordset()
        self.assertEqual(ticket.kbe_invoice_ids, invoices)
        self.assertEqual(
            ticket.kbe_billing_summary,
            ", ".join(f"{sale.name} ({sale.invoice_ids.name})" for sale in sales.sorted("id")),
        )
