from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestTicketPortal(KbeServiceCommon, HttpCase):
    """Customers under "My account": their company's tickets, a form to open one, close and reopen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kita_ticket = cls.env["kbe.ticket"].create(
            {"name": "Kurang 20 nasi kotak", "partner_id": cls.yeyen.id, "team_id": cls.team.id}
        )
        cls.sari_ticket = cls.env["kbe.ticket"].create(
            {"name": "Rahasia Sari Rasa", "partner_id": cls.dewi.id, "team_id": cls.team.id}
        )

    def _post_new(self, data, files=None):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open("/my/tickets/new", data=data, files=files)

    def test_customers_see_only_their_company_tickets(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        page = self.url_open("/my/tickets?filterby=all").text
        self.assertIn(self.kita_ticket.number, page)
        self.assertNotIn(self.sari_ticket.number, page)
        self.assertNotIn("Rahasia Sari Rasa", page)
        # another company's ticket page sends the customer back to their account
        response = self.url_open(f"/my/tickets/{self.sari_ticket.id}")
        self.assertNotIn("Rahasia Sari Rasa", response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)
        # and the other customer sees the reverse
        self.authenticate("kbe_portal_sari", "kbe_portal_sari")
        page = self.url_open("/my/tickets?filterby=all").text
        self.assertIn(self.sari_ticket.number, page)
        self.assertNotIn(self.kita_ticket.number, page)

    def test_customer_page_hides_internal_notes_and_fields(self):
        self.kita_ticket.message_post(body="Pelanggan sulit, beri diskon", subtype_xmlid="mail.mt_note")
        self.kita_ticket.message_post(
            body="Kami kirim 20 kotak lagi", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.kita_ticket.write({"root_cause": "delivery", "resolution": "<p>Driver salah alamat</p>"})
        messages = (
            self.env["mail.message"]
            .with_user(self.portal_kita)
            .search([("model", "=", "kbe.ticket"), ("res_id", "=", self.kita_ticket.id)])
        )
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("Kami kirim 20 kotak lagi", bodies)
        self.assertNotIn("beri diskon", bodies)
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        page = self.url_open(f"/my/tickets/{self.kita_ticket.id}").text
        self.assertIn("Kurang 20 nasi kotak", page)
        self.assertNotIn("beri diskon", page)
        self.assertNotIn("Driver salah alamat", page, "resolution notes show only once the ticket is closed")

    def test_customer_opens_a_ticket_with_an_attachment(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        self.assertEqual(self.url_open("/my/tickets/new").status_code, 200)
        response = self._post_new(
            {
                "subject": "Sambal terlalu pedas",
                "description": "Tolong <script>alert('x')</script> kurangi pedasnya",
                "type_id": str(self.type_complaint.id),
                "product_id": str(self.product.id),
            },
            files={"attachments": ("foto.txt", b"photo of the sambal", "text/plain")},
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["kbe.ticket"].search([("name", "=", "Sambal terlalu pedas")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.yeyen)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.type_id, self.type_complaint)
        self.assertEqual(ticket.product_id, self.product)
        self.assertEqual(
            ticket.team_id, self.env["kbe.service.team"].search([("company_id", "=", self.company.id)], limit=1)
        )
        self.assertNotIn("<script>", ticket.description)
        self.assertIn("kurangi pedasnya", ticket.description)
        attachment = self.env["ir.attachment"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])
        self.assertEqual(attachment.name, "foto.txt")
        self.assertEqual(attachment.raw, b"photo of the sambal")
        self.assertTrue(response.url.endswith(f"/my/tickets/{ticket.id}"))
        self.assertIn("Sambal terlalu pedas", self.url_open("/my/tickets").text)

    def test_portal_tickets_go_to_the_team_set_in_settings(self):
        settings = self.env["res.config.settings"].create({"kbe_portal_team_id": self.team_other.id})
        settings.execute()
        self.assertEqual(self.company.kbe_portal_team_id, self.team_other)
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        self._post_new({"subject": "Untuk tim lain", "description": "Tolong dicek"})
        ticket = self.env["kbe.ticket"].search([("name", "=", "Untuk tim lain")])
        self.assertEqual(ticket.team_id, self.team_other)

    def test_form_refuses_empty_or_oversized_input(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        count = self.env["kbe.ticket"].search_count([])
        cases = [
            ({"subject": "", "description": "something"}, None, "Give your ticket a subject."),
            ({"subject": "Subject", "description": "   "}, None, "Describe your request."),
            ({"subject": "x" * 201, "description": "d"}, None, "The subject is too long"),
            ({"subject": "S", "description": "d" * 10001}, None, "The description is too long"),
            ({"subject": "S", "description": "d", "type_id": "999999"}, None, "Choose a ticket type from the list."),
            ({"subject": "S", "description": "d", "product_id": "abc"}, None, "Choose a product from the list."),
            (
                {"subject": "S", "description": "d"},
                [("attachments", (f"f{i}.txt", b"x", "text/plain")) for i in range(6)],
                "Attach at most 5 files.",
            ),
            (
                {"subject": "S", "description": "d"},
                {"attachments": ("big.bin", b"0" * (10 * 1024 * 1024 + 1), "application/octet-stream")},
                "larger than 10 MB",
            ),
        ]
        for data, files, message in cases:
            with self.subTest(message=message):
                response = self._post_new(data, files=files)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count, "refused forms create nothing")

    def test_customer_replies_on_own_ticket_only(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "kbe.ticket",
                "thread_id": self.kita_ticket.id,
                "post_data": {"body": "Sudah diterima, terima kasih", "message_type": "comment"},
            },
        )
        message = self.kita_ticket.message_ids[0]
        self.assertEqual(message.author_id, self.yeyen)
        self.assertIn("Sudah diterima", message.body)
        count = len(self.sari_ticket.message_ids)
        with self.assertRaisesRegex(JsonRpcException, "NotFound"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "kbe.ticket",
                    "thread_id": self.sari_ticket.id,
                    "post_data": {"body": "Intrusion", "message_type": "comment"},
                },
            )
        self.sari_ticket.invalidate_recordset()
        self.assertEqual(len(self.sari_ticket.message_ids), count)

    def test_reply_longer_than_the_limit_is_refused(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        count = len(self.kita_ticket.message_ids)
        with self.assertRaisesRegex(JsonRpcException, "UserError"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "kbe.ticket",
                    "thread_id": self.kita_ticket.id,
                    "post_data": {"body": "x" * 10001, "message_type": "comment"},
                },
            )
        portal = self.env["res.users"].search([("login", "=", "kbe_portal_kita")])
        with self.assertRaisesRegex(UserError, "too long"):
            self.kita_ticket.with_user(portal).message_post(body="x" * 10001, message_type="comment")
        self.kita_ticket.invalidate_recordset()
        self.assertEqual(len(self.kita_ticket.message_ids), count)

    def test_product_of_another_company_is_refused(self):
        company_2 = self.env["res.company"].create({"name": "PT. Cabang Dua"})
        part = self.env["product.product"].create(
            {"name": "Suku cadang C2", "sale_ok": True, "company_id": company_2.id}
        )
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        count = self.env["kbe.ticket"].search_count([])
        form = self.url_open("/my/tickets/new")
        self.assertNotIn("Suku cadang C2", form.text, "the form offers no other company's product")
        response = self._post_new({"subject": "S", "description": "d", "product_id": str(part.id)})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose a product from the list.", response.text)
        self.assertNotIn("PT. Cabang Dua", response.text)
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count)

    def test_customer_closes_and_reopens_own_ticket_only(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        token = http.Request.csrf_token(self)
        self.url_open(f"/my/tickets/{self.kita_ticket.id}/close", data={"csrf_token": token})
        self.assertTrue(self.kita_ticket.is_closed)
        self.assertEqual(self.kita_ticket.root_cause, "customer")
        self.assertTrue(any("Closed by the customer" in body for body in self.kita_ticket.message_ids.mapped("body")))
        self.url_open(f"/my/tickets/{self.kita_ticket.id}/reopen", data={"csrf_token": token})
        self.assertFalse(self.kita_ticket.is_closed)
        # another company's ticket cannot be closed
        response = self.url_open(f"/my/tickets/{self.sari_ticket.id}/close", data={"csrf_token": token})
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self.sari_ticket.is_closed)

    def test_colleague_cannot_close_a_ticket_they_did_not_open(self):
        colleague = self.env["res.partner"].create({"name": "Budi KITA", "parent_id": self.kita.id})
        new_test_user(self.env, login="kbe_portal_budi", groups="base.group_portal", partner_id=colleague.id)
        self.authenticate("kbe_portal_budi", "kbe_portal_budi")
        page = self.url_open(f"/my/tickets/{self.kita_ticket.id}").text
        self.assertIn(self.kita_ticket.name, page, "the company's ticket is visible")
        self.assertNotIn("o_kbe_ticket_close", page, "but only its author gets the close button")
        token = http.Request.csrf_token(self)
        with mute_logger("odoo.http"):
            self.url_open(f"/my/tickets/{self.kita_ticket.id}/close", data={"csrf_token": token})
        self.assertFalse(self.kita_ticket.is_closed)

    def test_published_articles_are_readable_on_the_portal(self):
        published = self.env.ref("crm_kbe.kbe_knowledge_article_late_delivery_demo")
        internal = self.env.ref("crm_kbe.kbe_knowledge_article_warmer_demo")
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        page = self.url_open("/my/knowledge").text
        self.assertIn(published.name, page)
        self.assertNotIn(internal.name, page)
        self.assertIn("free snack box", self.url_open(f"/my/knowledge/{published.id}").text)
        response = self.url_open(f"/my/knowledge/{internal.id}")
        self.assertNotIn("spare warmer", response.text)
