from datetime import timedelta

from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestServiceVisitDemo(TransactionCase):
    """The demo continues the late lunch delivery: the complaint handled by phone gets a technician
    visit by Teguh Santoso (kbe_tech), a service agent with no sales rights, and the technicians'
    week has planned orders, one of them unassigned, for the dispatch board."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tech = cls.env.ref("crm_kbe.user_kbe_field_technician_demo")
        cls.visit = cls.env.ref("crm_kbe.kbe_service_order_late_delivery_visit_demo")
        cls.complaint = cls.env.ref("crm_kbe.kbe_ticket_late_delivery_demo")

    def test_the_late_delivery_complaint_gets_a_technician_visit(self):
        visit, complaint = self.visit, self.complaint
        self.assertTrue(complaint.is_complaint)
        self.assertIn(visit, complaint.service_order_ids, "the visit is on the complaint's ticket")
        self.assertEqual(visit.partner_id, complaint.partner_id, "at the customer who complained")
        self.assertEqual(visit.partner_id.commercial_partner_id, self.env.ref("crm_kbe.res_partner_kita_demo"))
        self.assertEqual((visit.user_id, visit.user_id.login), (self.tech, "kbe_tech"))
        self.assertEqual(visit.state, "planned")
        self.assertGreater(visit.date_planned, complaint.date_open, "planned after the complaint came in")
        checklist = " ".join(visit.task_ids.mapped("name"))
        self.assertIn("food warmers", checklist)
        self.assertIn("cooling box", checklist)
        self.assertEqual(visit.line_ids.product_id, self.env.ref("crm_kbe.product_cooling_box_seal_demo"))
        self.assertTrue(visit.line_ids.billable)
        # the service desk called the customer to announce it, on the ticket
        announce = complaint.kbe_call_ids.filtered(lambda call: call.outcome == "needs_visit")
        self.assertEqual(len(announce), 1)
        self.assertEqual((announce.direction, announce.state), ("outbound", "held"))
        self.assertEqual(announce.partner_id, complaint.partner_id)
        self.assertIn(announce.user_id, complaint.team_id.member_ids)

    def test_the_technician_is_a_service_agent_of_the_team_without_sales_rights(self):
        tech = self.tech
        self.assertEqual(tech.name, "Teguh Santoso")
        self.assertEqual(tech.company_id, self.env.ref("base.main_company"))
        self.assertTrue(tech.has_group("crm_kbe.group_service_agent"))
        for group in (
            "sales_team.group_sale_salesman",
            "crm_kbe.group_service_manager",
            "account.group_account_invoice",
            "base.group_system",
        ):
            with self.subTest(group=group):
                self.assertFalse(tech.has_group(group))
        self.assertIn(tech, self.visit.team_id.member_ids, "an agent of the complaint's team")
        self.assertIn(tech, self.env.ref("crm_kbe.kbe_service_team_field_demo").member_ids)
        # he logs in with the demo password (the login)
        tech.with_user(tech)._check_credentials({"type": "password", "password": "kbe_tech"}, {"interactive": True})
        with self.assertRaises(AccessDenied):
            tech.with_user(tech)._check_credentials({"type": "password", "password": "wrong"}, {"interactive": True})
        self.assertFalse(self.env["sale.order"].with_user(tech).has_access("read"), "no sales rights")

    def test_the_technician_completes_his_visit(self):
        tech = self.tech
        mine = self.env["kbe.service.order"].with_user(tech).search([("user_id", "=", tech.id)])
        self.assertIn(self.visit, mine)
        visit = self.visit.with_user(tech)
        self.assertEqual(visit.ticket_id.with_user(tech).name, self.complaint.name, "he reads the ticket he visits")
        visit.action_start()
        visit.task_ids.write({"done": True})
        visit.write({"time_spent": 1.5})
        visit.action_done()
        self.assertEqual((visit.state, visit.billing_state), ("done", "to_bill"))

    def test_the_technicians_week_fills_the_dispatch_board(self):
        start = self.visit.date_planned.replace(hour=0, minute=0, second=0)
        week = self.env["kbe.service.order"].search(
            [
                ("state", "=", "planned"),
                ("date_planned", ">=", start),
                ("date_planned", "<", start + timedelta(days=7)),
            ]
        )
        rudi = self.env.ref("crm_kbe.user_kbe_technician_demo")
        self.assertGreaterEqual(len(week.filtered(lambda order: order.user_id == self.tech)), 2)
        self.assertGreaterEqual(len(week.filtered(lambda order: order.user_id == rudi)), 2)
        unassigned = week.filtered(lambda order: not order.user_id)
        self.assertTrue(unassigned, "an order waits for the dispatcher")
        self.assertTrue(unassigned.team_id, "in a team's board")
        self.assertGreater(len({order.date_planned.date() for order in week}), 2, "spread over the week")
