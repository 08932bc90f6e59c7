from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestServiceOrder(KbeServiceCommon):
    """A ticket sends a technician: checklist, parts, time, sign-off, and a sales order for them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.delivery = cls.env["res.partner"].create(
            {"name": "PT. KITA gudang", "type": "delivery", "parent_id": cls.kita.id, "street": "Jl. Gudang 3"}
        )
        cls.ticket = cls.env["kbe.ticket"].create(
            {"name": "Pemanas prasmanan rusak", "partner_id": cls.kita.id, "team_id": cls.team.id}
        )
        cls.part = cls.env.ref("crm_kbe.product_snack_box_demo").product_variant_id
        cls.labour = cls.env.ref("crm_kbe.product_coffee_break_demo").product_variant_id

    def _plan(self, user=None):
        action = self.ticket.with_user(user or self.user_service_agent).action_create_service_order()
        with Form(
            self.env["kbe.service.order"].with_user(user or self.user_service_agent).with_context(**action["context"])
        ) as form:
            form.duration = 2
            with form.task_ids.new() as task:
                task.name = "Check the warmers"
            with form.task_ids.new() as task:
                task.name = "Replace the faulty one"
        return form.record

    def test_ticket_plans_orders_at_the_customer_delivery_address(self):
        order = self._plan()
        self.assertEqual(order.ticket_id, self.ticket)
        self.assertEqual(order.partner_id, self.kita)
        self.assertEqual(order.address_id, self.delivery, "the site defaults to the delivery address")
        self.assertEqual(order.user_id, self.user_service_agent)
        self.assertTrue(order.number.startswith("FSO/"))
        self.assertEqual((order.date_planned_end - order.date_planned).total_seconds(), 7200)
        second = self._plan()
        self.assertEqual(self.ticket.service_order_count, 2)
        self.assertEqual(self.ticket.action_open_service_orders()["domain"], [("ticket_id", "=", self.ticket.id)])
        self.assertNotEqual(order.number, second.number)

    def test_technician_finds_today_orders_in_the_my_today_list(self):
        order = self._plan()
        action = self.env.ref("crm_kbe.kbe_service_order_action_my_today")
        self.assertIn("calendar", action.view_mode)
        search = self.env.ref("crm_kbe.kbe_service_order_view_search")
        self.assertIn("filter_today", search.arch)
        orders = (
            self.env["kbe.service.order"]
            .with_user(self.user_service_agent)
            .search([("user_id", "=", self.user_service_agent.id)])
        )
        self.assertIn(order, orders)
        self.assertFalse(
            self.env["kbe.service.order"].with_user(self.user_agent_other).search([("id", "=", order.id)]),
            "a technician of another team does not see it",
        )

    def test_completion_needs_the_checklist_and_bills_parts_and_time(self):
        order = self._plan().with_user(self.user_service_agent)
        order.write(
            {
                "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 3})],
                "time_spent": 1.5,
                "time_product_id": self.labour.id,
            }
        )
        with self.assertRaisesRegex(UserError, "checklist"):
            order.action_done()
        self.assertEqual(order.state, "planned")
        with self.assertRaisesRegex(UserError, "Complete"):
            order.action_create_sale_order()
        order.task_ids.write({"done": True})
        self.assertEqual(order.checklist_progress, 100)
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_done)
        # the technician is no salesman, yet bills the visit
        self.assertFalse(self.user_service_agent.has_group("sales_team.group_sale_salesman"))
        order.action_create_sale_order()
        sale = order.sudo().sale_order_id  # sudo: the test reads the result, not as the technician
        self.assertEqual(sale.partner_id, self.kita)
        self.assertEqual(sale.partner_shipping_id, self.delivery)
        self.assertEqual(sale.origin, order.number)
        self.assertEqual(
            sorted((line.product_id, line.product_uom_qty) for line in sale.order_line),
            sorted([(self.part, 3.0), (self.labour, 1.5)]),
        )
        with self.assertRaisesRegex(UserError, "already billed"):
            order.action_create_sale_order()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            order.action_cancel()

    def test_nothing_to_bill_is_refused(self):
        order = self._plan().with_user(self.user_service_agent)
        order.task_ids.write({"done": True})
        order.action_done()
        with self.assertRaisesRegex(UserError, "no parts or billable time"):
            order.action_create_sale_order()
        self.assertFalse(order.sale_order_id)

    def test_sign_off_needs_a_name_and_bad_numbers_are_refused(self):
        order = self._plan().with_user(self.user_service_agent)
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        with self.assertRaisesRegex(ValidationError, "who signed"):
            order.write({"signature": png})
        order.write({"signature": png, "signed_by": "Yeyen"})
        self.assertTrue(order.date_signed)
        with self.assertRaisesRegex(ValidationError, "between 0 and"):
            order.write({"time_spent": -1})
        with self.assertRaisesRegex(ValidationError, "positive"):
            order.write({"line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 0})]})

    def test_portal_and_salesman_cannot_touch_service_orders(self):
        order = self._plan()
        for user in (self.portal_kita, self.user_salesman):
            with self.assertRaises(AccessError):
                order.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                order.with_user(user).action_create_sale_order()
