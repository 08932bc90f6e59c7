from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestServiceTour(KbeTourCase):
    """In Chromium: the portal customer opens a ticket from My account; the service agent of the
    team handles it to the end."""

    def test_portal_customer_then_agent(self):
        customer, agent = self.user_portal, self.user_service_agent
        team = self.env.ref("crm_kbe.kbe_service_team_catering_demo")
        team.write({"assignment_method": "manual", "member_ids": [(4, agent.id)]})

        self.start_tour("/my/tickets", "crm_kbe_portal_ticket", login=customer.login)
        ticket = self.env["kbe.ticket"].search([("name", "=", "Nasi kotak terlambat datang")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.partner_id, ticket.team_id, ticket.channel), (customer.partner_id, team, "portal"))
        self.assertEqual(ticket.commercial_partner_id, self.portal_company)
        self.assertEqual(ticket.type_id, self.env.ref("crm_kbe.kbe_ticket_type_complaint"))
        attachment = self.env["ir.attachment"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(attachment.name, "surat_jalan.txt")

        self.start_tour("/odoo/action-crm_kbe.kbe_ticket_action", "crm_kbe_agent_ticket", login=agent.login)
        self.assertEqual(ticket.user_id, agent)
        self.assertEqual(ticket.article_ids, self.env.ref("crm_kbe.kbe_knowledge_article_late_delivery_demo"))
        self.assertEqual(len(ticket.service_order_ids), 1)
        self.assertEqual(ticket.service_order_ids.partner_id, customer.partner_id)
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.root_cause, "delivery")
