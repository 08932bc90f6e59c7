from odoo import http
from odoo.tests import HttpCase, tagged

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestTicketRating(KbeServiceCommon, HttpCase):
    """When a ticket closes the customer rates it; the rating shows on ticket, team and customer."""

    def _submit(self, rating, rate, feedback):
        response = self.url_open(
            f"/rate/{rating.access_token}/submit_feedback",
            data={"rate": rate, "feedback": feedback, "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)

    def test_closing_asks_for_a_rating_and_the_customer_rates_from_the_email_link(self):
        ticket = self._ticket(user=self.user_service_agent, user_id=self.user_service_agent.id)
        ticket.with_user(self.user_service_agent).write({"root_cause": "delivery"})
        ticket.with_user(self.user_service_agent).action_close()
        request = self.env["mail.message"].search(
            [("model", "=", "kbe.ticket"), ("res_id", "=", ticket.id), ("body", "ilike", "/rate/")]
        )
        self.assertEqual(len(request), 1, "the rating request is sent when the ticket closes")
        rating = self.env["rating.rating"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(rating.partner_id, self.yeyen)
        self.assertEqual(rating.rated_partner_id, self.user_service_agent.partner_id)
        self.assertIn(f"/rate/{rating.access_token}/5", request.body)
        # the customer clicks "satisfied" in the e-mail, without logging in, and sends a comment
        self.authenticate(None, None)
        response = self.url_open(f"/rate/{rating.access_token}/5")
        self.assertEqual(response.status_code, 200)
        self._submit(rating, 5, "Cepat sekali, terima kasih")
        ticket.invalidate_recordset()
        self.assertEqual(ticket.rating_last_value, 5)
        self.assertEqual(self.team.rating_percentage_satisfaction, 100)
        self.kita.invalidate_recordset()
        self.assertEqual(self.kita.kbe_rating_avg, 5)
        self.assertEqual(ticket.with_user(self.user_service_agent).action_open_ratings()["res_model"], "rating.rating")

    def test_portal_customer_rates_a_closed_ticket_from_the_portal(self):
        ticket = self._ticket(root_cause="usage")
        ticket.action_close()
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        page = self.url_open(f"/my/tickets/{ticket.id}").text
        self.assertIn("How did we do?", page)
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id), ("partner_id", "=", self.yeyen.id)]
        )
        self.assertIn(f"/rate/{rating.access_token}/1", page)
        self._submit(rating, 1, "Terlambat lagi")
        ticket.invalidate_recordset()
        self.assertEqual(ticket.rating_last_value, 1)
        self.assertNotIn("How did we do?", self.url_open(f"/my/tickets/{ticket.id}").text)
