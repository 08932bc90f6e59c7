from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestTechnicianTour(KbeTourCase):
    """In Chromium on a phone-sized screen, the field technician (crm_kbe Service Agent only)
    works his visit of the day from "My Service Orders Today" to the customer's signature."""

    browser_size = "375x740"
    touch_enabled = True

    def test_technician_completes_his_visit_on_a_phone(self):
        technician = new_test_user(
            self.env, login="kbe_technician", name="Teguh Teknisi", groups="crm_kbe.group_service_agent"
        )
        team = self.env["kbe.service.team"].create({"name": "Field Test Team", "member_ids": [(6, 0, technician.ids)]})
        yeyen = self.env.ref("crm_kbe.res_partner_kita_yeyen_demo")
        ticket = self.env["kbe.ticket"].create({"name": "Warmers broken", "partner_id": yeyen.id, "team_id": team.id})
        part = self.env["product.product"].create({"name": "Thermostat Uji", "type": "consu", "list_price": 150000})
        order = self.env["kbe.service.order"].create(
            {
                "name": "Repair the buffet warmers",
                "number": "KBE-VISIT-1",
                "ticket_id": ticket.id,
                "user_id": technician.id,
                "date_planned": fields.Datetime.now() - timedelta(minutes=30),
                "task_ids": [(0, 0, {"name": "Check the thermostat"}), (0, 0, {"name": "Test the heating"})],
            }
        )

        self.start_tour(
            "/odoo/action-crm_kbe.kbe_service_order_action_my_today",
            "crm_kbe_service_technician_tour",
            login=technician.login,
        )

        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_started and order.date_started <= order.date_done)
        self.assertEqual(order.task_ids.mapped("done"), [True, True])
        self.assertEqual((order.line_ids.product_id, order.line_ids.quantity), (part, 1.0))
        self.assertEqual(order.signed_by, "Yeyen")
        self.assertTrue(order.signature, "the customer's signature is kept")
