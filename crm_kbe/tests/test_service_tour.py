import unittest

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import _find_executable


@tagged("post_install", "-at_install")
class TestServiceTour(HttpCase):
    """In Chromium: a customer opens a ticket on the portal; an agent handles it to the end."""

    def test_portal_customer_then_agent(self):
        try:
            _find_executable()
        except unittest.SkipTest:
            self.fail("Chromium is required for the tours: apt-get install chromium")
        yeyen = self.env.ref("crm_kbe.res_partner_kita_yeyen_demo")
        new_test_user(
            self.env,
            login="kbe_tour_portal",
            groups="base.group_portal",
            partner_id=yeyen.id,
            name=yeyen.name,
            email=yeyen.email,
        )
        agent = new_test_user(
            self.env, login="kbe_tour_agent", name="Andi Tour Agent", groups="crm_kbe.group_service_agent"
        )
        team = self.env.ref("crm_kbe.kbe_service_team_catering_demo")
        team.write({"assignment_method": "manual", "member_ids": [(4, agent.id)]})

        self.start_tour("/my/tickets", "crm_kbe_portal_ticket", login="kbe_tour_portal")
        ticket = self.env["kbe.ticket"].search([("name", "=", "Nasi kotak terlambat datang")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.partner_id, ticket.team_id, ticket.channel), (yeyen, team, "portal"))
        self.assertEqual(ticket.type_id, self.env.ref("crm_kbe.kbe_ticket_type_complaint"))
        attachment = self.env["ir.attachment"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(attachment.name, "surat_jalan.txt")

        self.start_tour("/odoo/action-crm_kbe.kbe_ticket_action", "crm_kbe_agent_ticket", login="kbe_tour_agent")
        self.assertEqual(ticket.user_id, agent)
        self.assertEqual(ticket.article_ids, self.env.ref("crm_kbe.kbe_knowledge_article_late_delivery_demo"))
        self.assertEqual(len(ticket.service_order_ids), 1)
        self.assertEqual(ticket.service_order_ids.partner_id, yeyen)
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.root_cause, "delivery")
