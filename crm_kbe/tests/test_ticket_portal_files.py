import re

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon

PDF = b"%PDF-1.4 daftar pesanan"


@tagged("post_install", "-at_install")
class TestTicketPortalFiles(KbeServiceCommon, HttpCase):
    """The customer's ticket page over HTTP: the files they may see and send, the team they may
    choose when the company allows it, closing and rating once, and two customers kept apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kita_ticket = cls.env["kbe.ticket"].create(
            {"name": "Kurang 20 nasi kotak", "partner_id": cls.yeyen.id, "team_id": cls.team.id}
        )
        cls.sari_ticket = cls.env["kbe.ticket"].create(
            {"name": "Rahasia Sari Rasa", "partner_id": cls.dewi.id, "team_id": cls.team.id}
        )

    def _attach(self, ticket, name, content, message_body, subtype):
        attachment = self.env["ir.attachment"].create(
            {"name": name, "raw": content, "res_model": "kbe.ticket", "res_id": ticket.id}
        )
        ticket.with_user(self.user_service_agent).message_post(
            body=message_body, attachment_ids=attachment.ids, message_type="comment", subtype_xmlid=subtype
        )
        return attachment

    def _upload(self, ticket, files):
        data = {"csrf_token": http.Request.csrf_token(self)}
        with mute_logger("odoo.http"):
            return self.url_open(f"/my/tickets/{ticket.id}/attachments", data=data, files=files)

    def _ticket_files(self, ticket):
        return self.env["ir.attachment"].search([("res_model", "=", "kbe.ticket"), ("res_id", "=", ticket.id)])

    def test_page_lists_public_files_not_internal_ones(self):
        reply = self._attach(self.kita_ticket, "jadwal-kirim.pdf", PDF, "Jadwal pengiriman baru", "mail.mt_comment")
        self._attach(self.kita_ticket, "margin-internal.xlsx", b"rahasia", "Catatan margin", "mail.mt_note")
        self.env["ir.attachment"].create(
            {"name": "lepas-tanpa-pesan.pdf", "raw": PDF, "res_model": "kbe.ticket", "res_id": self.kita_ticket.id}
        )
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        response = self._upload(self.kita_ticket, {"attachments": ("foto-kotak.png", b"\x89PNG kotak", "image/png")})
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/tickets/{self.kita_ticket.id}", response.url)
        page = response.text
        self.assertIn("jadwal-kirim.pdf", page, "the agent's public reply's file is listed")
        self.assertIn("foto-kotak.png", page, "the customer's own upload is listed")
        self.assertNotIn("margin-internal.xlsx", page, "an internal note's file is never listed")
        self.assertNotIn("lepas-tanpa-pesan.pdf", page, "a file on no public message is not listed")
        # the listed link downloads the file for the customer
        link = re.search(rf'href="(/web/content/{reply.id}\?access_token=[^"&]+)', page)
        self.assertTrue(link, "the agent's file has a download link")
        self.assertEqual(self.url_open(link.group(1)).content, PDF)

    def test_customer_upload_becomes_their_public_message(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        self._upload(
            self.kita_ticket,
            [
                ("attachments", ("nota.pdf", PDF, "application/pdf")),
                ("attachments", ("daftar.csv", b"menu,jumlah\nnasi,20", "text/csv")),
            ],
        )
        message = self.kita_ticket.message_ids[0]
        self.assertEqual(message.author_id, self.yeyen)
        self.assertFalse(message.subtype_id.internal, "agents and the customer both see it")
        self.assertEqual(sorted(message.attachment_ids.mapped("name")), ["daftar.csv", "nota.pdf"])
        self.assertEqual(message.attachment_ids.filtered(lambda a: a.name == "nota.pdf").raw, PDF)
        # the agent finds the files on the ticket
        agent_files = self._ticket_files(self.kita_ticket.with_user(self.user_service_agent))
        self.assertEqual(sorted(agent_files.mapped("name")), ["daftar.csv", "nota.pdf"])

    def test_oversized_disallowed_or_too_many_files_are_refused(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        cases = [
            ({"attachments": ("besar.pdf", b"0" * (10 * 1024 * 1024 + 1), "application/pdf")}, "larger than 10 MB"),
            ({"attachments": ("skrip.exe", b"MZ", "application/octet-stream")}, "not of an accepted kind"),
            ({"attachments": ("halaman.html", b"<script>alert(1)</script>", "text/html")}, "not of an accepted kind"),
            ({"attachments": ("tanpa-ekstensi", b"x", "text/plain")}, "not of an accepted kind"),
            ([("attachments", (f"f{i}.txt", b"x", "text/plain")) for i in range(6)], "Attach at most 5 files."),
        ]
        messages = len(self.kita_ticket.message_ids)
        for files, error in cases:
            with self.subTest(error=error):
                response = self._upload(self.kita_ticket, files)
                self.assertEqual(response.status_code, 200)
                self.assertIn(error, response.text)
                self.assertIn("o_kbe_ticket_errors", response.text)
        self.kita_ticket.invalidate_recordset()
        self.assertEqual(len(self.kita_ticket.message_ids), messages, "nothing posted")
        self.assertFalse(self._ticket_files(self.kita_ticket), "nothing stored")

    def test_another_customers_ticket_is_refused(self):
        self._attach(self.sari_ticket, "harga-sari.pdf", PDF, "Harga khusus Sari Rasa", "mail.mt_comment")
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        messages = len(self.sari_ticket.message_ids)
        response = self._upload(self.sari_ticket, {"attachments": ("nota.pdf", PDF, "application/pdf")})
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn("harga-sari.pdf", response.text)
        self.sari_ticket.invalidate_recordset()
        self.assertEqual(len(self.sari_ticket.message_ids), messages)
        self.assertEqual(self._ticket_files(self.sari_ticket).mapped("name"), ["harga-sari.pdf"])

    def test_two_customers_are_kept_apart(self):
        kita_file = self._attach(self.kita_ticket, "kita.pdf", b"%PDF kita", "Untuk KITA", "mail.mt_comment")
        sari_file = self._attach(self.sari_ticket, "sari.pdf", b"%PDF sari", "Untuk Sari", "mail.mt_comment")
        for login, own, own_file, other, other_file in (
            ("kbe_portal_kita", self.kita_ticket, kita_file, self.sari_ticket, sari_file),
            ("kbe_portal_sari", self.sari_ticket, sari_file, self.kita_ticket, kita_file),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                listing = self.url_open("/my/tickets?filterby=all").text
                self.assertIn(own.number, listing)
                self.assertNotIn(other.number, listing)
                page = self.url_open(f"/my/tickets/{own.id}").text
                self.assertIn(own_file.name, page)
                self.assertNotIn(other_file.name, page)
                response = self.url_open(f"/my/tickets/{other.id}")
                self.assertNotIn(other.name, response.text)
                self.assertNotIn(other_file.name, response.text)
                with mute_logger("odoo.http"):
                    download = self.url_open(f"/web/content/{other_file.id}?download=true")
                self.assertNotEqual(download.content, other_file.raw, "the other customer's file does not download")
                token = http.Request.csrf_token(self)
                with mute_logger("odoo.http"):
                    closing = self.url_open(f"/my/tickets/{other.id}/close", data={"csrf_token": token})
                self.assertIn(closing.status_code, (403, 404))
                self.assertFalse(other.is_closed)

    def test_team_choice_follows_the_company_setting(self):
        self.team_other.portal_visible = True
        hidden = self.env["kbe.service.team"].create({"name": "Tim Internal", "resource_calendar_id": self.calendar.id})
        self.company.kbe_portal_team_id = self.team
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        token = http.Request.csrf_token(self)

        def post(subject, team):
            data = {"subject": subject, "description": "Tolong dicek", "team_id": str(team.id), "csrf_token": token}
            return self.url_open("/my/tickets/new", data=data)

        # off (the default): no choice offered, a posted team is ignored
        self.assertFalse(self.company.kbe_portal_team_choice)
        self.assertNotIn("o_kbe_ticket_team", self.url_open("/my/tickets/new").text)
        post("Tanpa pilihan", self.team_other)
        ticket = self.env["kbe.ticket"].search([("name", "=", "Tanpa pilihan")])
        self.assertEqual(ticket.team_id, self.team, "the company's portal team, as before")

        settings = self.env["res.config.settings"].create({"kbe_portal_team_choice": True})
        settings.execute()
        form = self.url_open("/my/tickets/new").text
        self.assertIn("o_kbe_ticket_team", form)
        self.assertIn("Test Other Team", form, "a portal-visible team is offered")
        self.assertNotIn("Tim Internal", form, "a team not visible on the portal is not offered")
        post("Pilih tim lain", self.team_other)
        ticket = self.env["kbe.ticket"].search([("name", "=", "Pilih tim lain")])
        self.assertEqual(ticket.team_id, self.team_other)
        # a forged id (a hidden team) is refused, nothing created
        count = self.env["kbe.ticket"].search_count([])
        response = post("Tim palsu", hidden)
        self.assertIn("Choose a service team from the list.", response.text)
        self.assertEqual(self.env["kbe.ticket"].search_count([]), count)

    def test_close_then_rate_once(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        page = self.url_open(f"/my/tickets/{self.kita_ticket.id}").text
        self.assertNotIn("/rate/", page, "an open ticket is not rated")
        token = http.Request.csrf_token(self)
        self.url_open(f"/my/tickets/{self.kita_ticket.id}/close", data={"csrf_token": token})
        self.assertTrue(self.kita_ticket.is_closed)
        page = self.url_open(f"/my/tickets/{self.kita_ticket.id}").text
        rating_token = re.search(r'href="/rate/([^/"]+)/5"', page).group(1)
        self.url_open(f"/rate/{rating_token}/submit_feedback", data={"rate": "5", "csrf_token": token})
        self.kita_ticket.invalidate_recordset()
        self.assertEqual(self.kita_ticket.rating_last_value, 5)
        page = self.url_open(f"/my/tickets/{self.kita_ticket.id}").text
        self.assertIn("Your rating:", page)
        self.assertNotIn("/rate/", page, "once rated, the ticket offers no second rating")
        # posting again with the same token changes the one rating, it adds no second one
        self.url_open(f"/rate/{rating_token}/submit_feedback", data={"rate": "1", "csrf_token": token})
        ratings = self.env["rating.rating"].search(
            [("res_model", "=", "kbe.ticket"), ("res_id", "=", self.kita_ticket.id), ("consumed", "=", True)]
        )
        self.assertEqual(len(ratings), 1)

    def test_files_sent_with_a_new_ticket_are_listed(self):
        self.authenticate("kbe_portal_kita", "kbe_portal_kita")
        data = {"subject": "Kotak penyok", "description": "Lihat foto", "csrf_token": http.Request.csrf_token(self)}
        response = self.url_open(
            "/my/tickets/new", data=data, files={"attachments": ("kotak-penyok.jpg", b"\xff\xd8jpeg", "image/jpeg")}
        )
        ticket = self.env["kbe.ticket"].search([("name", "=", "Kotak penyok")])
        self.assertEqual(ticket.message_ids.attachment_ids.mapped("name"), ["kotak-penyok.jpg"])
        self.assertIn("kotak-penyok.jpg", response.text, "the customer sees the file on the ticket page")
        # a kind of file outside the list is refused on the new-ticket form too
        data["subject"] = "Dengan skrip"
        response = self.url_open("/my/tickets/new", data=data, files={"attachments": ("a.js", b"x", "text/javascript")})
        self.assertIn("not of an accepted kind", response.text)
        self.assertFalse(self.env["kbe.ticket"].search([("name", "=", "Dengan skrip")]))
