from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestTeleserviceTour(KbeTourCase):
    """In Chromium, the service agent (crm_kbe Service Agent only) takes a customer's call from
    Service > Calls, logs it and opens a ticket from it."""

    def test_agent_takes_a_call_and_opens_a_ticket(self):
        agent = self.user_service_agent
        team = self.env.ref("crm_kbe.kbe_service_team_catering_demo")
        team.member_ids |= agent
        yeyen = self.env.ref("crm_kbe.res_partner_kita_yeyen_demo")

        self.start_tour("/odoo/action-crm_kbe.kbe_call_action_service", "crm_kbe_teleservice_tour", login=agent.login)
        call = self.env["kbe.call"].search([("name", "=", "Nasi kotak basi saat tiba")])
        self.assertEqual(len(call), 1)
        self.assertEqual((call.direction, call.state, call.user_id, call.partner_id), ("inbound", "held", agent, yeyen))
        self.assertIn("20 kotak nasi basi", call.notes)
        ticket = call.ticket_id
        self.assertEqual((ticket.partner_id, ticket.team_id, ticket.user_id), (yeyen, team, agent))
        self.assertEqual((ticket.name, ticket.channel, ticket.kbe_origin_call_id), (call.name, "phone", call))
        self.assertIn("20 kotak nasi basi", ticket.description)
        self.assertEqual(ticket.kbe_call_ids, call)
