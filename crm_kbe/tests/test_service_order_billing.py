from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install")
class TestServiceOrderBilling(KbeServiceCommon):
    """Done service orders go onto confirmed sales orders (time in hours with the service product,
    parts with theirs), which the accountant invoices the normal Odoo way; warranty and contract
    work is not billed; the ticket shows what was billed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part, cls.hour = cls.env["product.product"].create(
            [
                {"name": "Elemen pemanas", "type": "consu", "list_price": 150.0, "invoice_policy": "order"},
                {
                    "name": "Jam teknisi",
                    "type": "service",
                    "list_price": 80.0,
                    "invoice_policy": "order",
                    "uom_id": cls.env.ref("uom.product_uom_hour").id,
                    "uom_po_id": cls.env.ref("uom.product_uom_hour").id,
                },
            ]
        )
        cls.ticket = cls.env["kbe.ticket"].create(
            {"name": "Pemanas prasmanan rusak", "partner_id": cls.yeyen.id, "team_id": cls.team.id}
        )

    def _done_order(self, billing="billable", ticket=None, partner=None, date_done=None, **values):
        order = (
            self.env["kbe.service.order"]
            .with_user(self.user_service_agent)
            .create(
                {
                    "name": "Ganti elemen pemanas",
                    "ticket_id": (ticket or self.ticket).id,
                    "billing": billing,
                    "time_spent": 2.5,
                    "time_product_id": self.hour.id,
                    "line_ids": [
                        (0, 0, {"product_id": self.part.id, "quantity": 2}),
                        (0, 0, {"product_id": self.part.id, "quantity": 1, "billable": False}),
                    ],
                    **values,
                }
            )
        )
        order.action_done()
        if date_done:
            # sudo: the test dates the completion, as if done that day
            order.sudo().date_done = date_done
        return order.with_user(self.user_service_manager)

    def test_manager_bills_a_done_order_on_a_confirmed_sales_order(self):
        order = self._done_order()
        self.assertEqual(order.billing_state, "to_bill")
        order.action_bill()
        self.assertEqual(order.billing_state, "billed")
        sale = order.sudo().sale_order_id  # sudo: the test reads the result, the manager is no salesman
        self.assertEqual(sale.state, "sale", "a done order goes to a confirmed order, not a quotation")
        self.assertEqual(sale.partner_id, self.kita)
        self.assertEqual(sale.invoice_status, "to invoice")
        self.assertEqual(
            sorted((line.product_id.name, line.product_uom_qty, line.product_uom.name) for line in sale.order_line),
            sorted([("Elemen pemanas", 2.0, "Units"), ("Jam teknisi", 2.5, "Hours")]),
            "the free part is not billed",
        )
        billed_part, free_part = order.line_ids.sorted("id")
        self.assertEqual(billed_part.sale_line_id.product_uom_qty, 2.0)
        self.assertFalse(free_part.sale_line_id)
        self.assertEqual(order.time_sale_line_id.product_id, self.hour)
        self.assertEqual(sale.amount_untaxed, 2 * 150 + 2.5 * 80)
        with self.assertRaisesRegex(UserError, "already billed"):
            order.action_bill()
        self.assertEqual(len(sale.order_line), 2, "billing twice adds nothing")

    def test_warranty_and_contract_work_is_not_billed(self):
        for billing in ("warranty", "contract"):
            order = self._done_order(billing=billing)
            self.assertEqual(order.billing_state, "not_billable")
            with self.assertRaisesRegex(UserError, "it is not billed"):
                order.action_bill()
            with self.assertRaisesRegex(UserError, "it is not billed"):
                order.with_user(self.user_service_agent).action_create_sale_order()
            self.assertFalse(order.sale_order_id)
        with self.assertRaisesRegex(UserError, "it is not billed"), mute_logger(*MUTE):
            (self._done_order() | order).action_bill_grouped()
        self.assertFalse(
            self.env["kbe.service.order"].search([("ticket_id", "=", self.ticket.id), ("sale_order_id", "!=", False)]),
            "a refused batch bills nothing",
        )

    def test_grouping_per_customer_and_month(self):
        sari_ticket = self.env["kbe.ticket"].create(
            {"name": "Kompor", "partner_id": self.dewi.id, "team_id": self.team.id}
        )
        march_1 = self._done_order(date_done=datetime(2026, 3, 2, 10))
        march_2 = self._done_order(date_done=datetime(2026, 3, 20, 10), time_spent=1.0)
        april = self._done_order(date_done=datetime(2026, 4, 1, 10))
        sari = self._done_order(ticket=sari_ticket, date_done=datetime(2026, 3, 5, 10))
        (march_1 | march_2 | april | sari).action_bill_grouped()
        self.assertEqual(march_1.sale_order_id, march_2.sale_order_id, "one customer, one month: one order")
        self.assertNotEqual(april.sale_order_id, march_1.sale_order_id)
        self.assertNotIn(sari.sale_order_id, (march_1 | april).sale_order_id)
        sale = march_1.sudo().sale_order_id  # sudo: the test reads the result
        self.assertEqual(sale.state, "sale")
        products = sale.order_line.filtered(lambda line: not line.display_type)
        self.assertEqual(
            sorted((line.product_id, line.product_uom_qty) for line in products),
            sorted([(self.part, 2.0), (self.hour, 2.5), (self.part, 2.0), (self.hour, 1.0)]),
        )
        self.assertEqual(
            sale.order_line.filtered(lambda line: line.display_type == "line_section").mapped("name"),
            [f"{march_1.number} {march_1.name}", f"{march_2.number} {march_2.name}"],
        )
        self.assertIn(march_2.number, sale.origin)
        self.assertEqual(sari.sudo().sale_order_id.partner_id, self.sari)

    def test_accountant_invoices_the_billed_order_and_the_ticket_shows_it(self):
        order = self._done_order()
        order.action_bill()
        accountant = self.user_accountant
        sale = self.env["sale.order"].with_user(accountant).search([("invoice_status", "=", "to invoice")])
        self.assertIn(order.sudo().sale_order_id, sale, "the order waits in Orders to Invoice")
        sale = order.sudo().sale_order_id.with_user(accountant)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(accountant)
            .with_context(active_model="sale.order", active_ids=sale.ids)
            .create({})
        )
        invoice = self.env["account.move"].with_user(accountant).browse(wizard.create_invoices()["res_id"])
        invoice.action_post()
        self.assertEqual((invoice.state, sale.invoice_status), ("posted", "invoiced"))
        self.assertEqual(invoice.amount_untaxed, 500)
        ticket = self.ticket.with_user(self.user_service_manager)
        self.assertEqual(ticket.kbe_sale_order_ids, sale)
        self.assertEqual(ticket.kbe_invoice_ids, invoice)
        self.assertEqual(ticket.kbe_sale_order_count, 1)
        self.assertEqual(ticket.kbe_billing_summary, f"{sale.name} ({invoice.name})")

    def test_ticket_billing_is_computed_in_one_batch(self):
        tickets = self.ticket | self.env["kbe.ticket"].create(
            [{"name": f"Tiket {i}", "partner_id": self.yeyen.id, "team_id": self.team.id} for i in range(3)]
        )
        for ticket in tickets:
            self._done_order(ticket=ticket).action_bill()
        tickets = tickets.with_user(self.user_service_manager)
        tickets.invalidate_recordset()
        with self.assertQueryCount(8):
            summaries = tickets.mapped("kbe_billing_summary")
        self.assertTrue(all(summary.endswith("(not invoiced)") for summary in summaries))

    def test_agents_portal_and_other_companies_cannot_bill(self):
        order = self._done_order()
        with self.assertRaisesRegex(AccessError, "Only service managers"):
            order.with_user(self.user_service_agent).action_bill()
        for user in (self.user_portal, self.portal_kita, self.user_accountant, self.user_salesman):
            with self.assertRaises(AccessError), mute_logger(*MUTE):
                order.with_user(user).action_bill()
        company_2 = self.env["res.company"].create({"name": "PT. Lain Sendiri"})
        other = self.env["kbe.service.order"].create(
            {"name": "Servis lain", "company_id": company_2.id, "state": "done", "time_spent": 1.0}
        )
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            other.with_user(self.user_service_manager).action_bill_grouped()
        self.assertEqual((order.billing_state, other.billing_state), ("to_bill", "to_bill"))
        self.assertFalse(other.sale_order_id)

    def test_forms_show_the_billing_to_service_users(self):
        order = self._done_order()
        order.action_bill()
        with Form(order) as form:
            self.assertEqual(form.billing_state, "billed")
            self.assertEqual(form.sale_order_id, order.sale_order_id)
        form = Form(self.ticket.with_user(self.user_service_agent))
        self.assertIn(order.sudo().sale_order_id.name, form.kbe_billing_summary)
        warranty = self._done_order(billing="warranty")
        self.assertEqual(
            self.env["kbe.service.order"]
            .with_user(self.user_service_manager)
            .search([("id", "in", (order | warranty).ids), ("billing_state", "=", "not_billable")]),
            warranty,
        )
