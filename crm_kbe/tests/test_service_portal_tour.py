from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import KbeTourCase

FILE = "foto-pemanas.png"


@tagged("post_install", "-at_install")
class TestServicePortalTour(KbeTourCase):
    """In Chromium, the portal customer sends a file on her company's ticket, closes it and rates
    it with a comment; the file stays on her public message, the rating is stored, and a customer
    of another company sees neither."""

    def setUp(self):
        super().setUp()
        agent = self.user_service_agent
        team = self.env["kbe.service.team"].create({"name": "Tim Layanan Uji", "member_ids": [(6, 0, agent.ids)]})
        self.ticket = (
            self.env["kbe.ticket"]
            .with_user(agent)
            .create(
                {
                    "name": "Pemanas prasmanan mati saat acara",
                    "partner_id": self.user_portal.partner_id.id,
                    "team_id": team.id,
                    "user_id": agent.id,
                }
            )
        )
        self.other_company = self.env["res.partner"].create({"name": "CV. Pelanggan Lain", "is_company": True})
        self.user_other = new_test_user(
            self.env, login="kbe_portal_other", name="Lina Lain", groups="base.group_portal"
        )
        self.user_other.partner_id.parent_id = self.other_company

    def test_customer_adds_a_file_closes_and_rates_the_ticket(self):
        customer = self.user_portal.partner_id
        self.start_tour("/my/tickets", "kbe_service_portal_tour", login=self.user_portal.login)

        ticket = self.ticket
        ticket.invalidate_recordset()
        self.assertTrue(ticket.is_closed, "she closed it from the portal")
        attachment = self.env["ir.attachment"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(attachment.name, FILE)
        self.assertEqual(attachment.raw, b"foto pemanas dingin")
        message = ticket.message_ids.filtered(lambda m: attachment in m.attachment_ids)
        self.assertEqual(message.author_id, customer, "the file is on her own message")
        self.assertEqual(message.message_type, "comment")
        self.assertFalse(message.subtype_id.internal, "a public message: the agents and she both see it")
        self.assertIn(attachment, ticket.with_user(self.user_service_agent).message_ids.attachment_ids)

        rating = self.env["rating.rating"].search(
            [("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id), ("consumed", "=", True)]
        )
        self.assertEqual(len(rating), 1, "rated once")
        self.assertEqual((rating.rating, rating.partner_id), (5, customer))
        self.assertEqual(rating.feedback, "Teknisi datang cepat, pemanas menyala lagi.")
        self.assertEqual(rating.rated_partner_id, self.user_service_agent.partner_id)
        self.assertEqual(ticket.rating_last_value, 5)

        # a customer of another company sees neither the ticket, nor its file, nor its rating
        other = self.user_other
        self.assertFalse(self.kbe_may(other, ticket, "read"))
        self.assertFalse(self.kbe_may(other, attachment, "read"))
        self.authenticate(other.login, other.login)
        for filterby in ("open", "closed", "all"):
            page = self.url_open(f"/my/tickets?filterby={filterby}")
            self.assertEqual(page.status_code, 200)
            self.assertNotIn(ticket.name, page.text)
        response = self.url_open(f"/my/tickets/{ticket.id}")
        self.assertNotIn(f"/my/tickets/{ticket.id}", response.url, "sent back to My account")
        self.assertNotIn(FILE, response.text)
        self.assertNotIn(ticket.name, response.text)
        with mute_logger("odoo.http"):
            download = self.url_open(f"/web/content/{attachment.id}")
        self.assertIn(download.status_code, (403, 404))
        self.assertNotIn(b"foto pemanas dingin", download.content)
