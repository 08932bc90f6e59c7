import re
from datetime import date, timedelta

from odoo import http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeTourCase

SCRIPT = '<script>alert("kbe")</script><img src=x onerror=alert(1)>'

# every route of crm_kbe's portal that changes something (POST), with a record id where it takes one
POST_ROUTES = (
    "/my/tickets/new",
    "/my/tickets/{ticket}/close",
    "/my/tickets/{ticket}/reopen",
    "/my/tickets/{ticket}/attachments",
    "/my/partnership/apply",
    "/my/partnership/deals/new",
    "/my/partnership/forwards/{forward}/accept",
    "/my/partnership/forwards/{forward}/decline",
    "/my/partnership/funds/request",
    "/my/partnership/funds/{fund_request}/claim",
    "/my/partnership/plan/{plan}/agree",
)
WATCHED = (
    "kbe.ticket",
    "kbe.partner.qualification",
    "kbe.deal.registration",
    "kbe.lead.forward",
    "kbe.mdf.request",
    "kbe.partner.plan",
    "mail.message",
)


@tagged("post_install", "-at_install")
class TestPortalBadInput(KbeTourCase):
    """What every portal form refuses, as the channel partner's contact over HTTP: a post without
    the session's CSRF token (a forged form on another site) changes nothing on any route, and
    text with HTML or script is shown back as text, never run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        partner = cls.channel_partner
        contact = cls.user_channel_partner.partner_id
        cls.ticket = env["kbe.ticket"].create({"name": "Kotak kurang", "partner_id": contact.id})
        lead = env["crm.lead"].create({"name": "Prospek diteruskan", "type": "lead"})
        cls.forward = env["kbe.lead.forward"].create({"lead_id": lead.id, "partner_id": partner.id})
        fund = env["kbe.mdf.fund"].create(
            {
                "name": "MDF Uji",
                "amount": 50_000_000,
                "date_from": date.today() - timedelta(days=30),
                "date_to": date.today() + timedelta(days=150),
            }
        )
        fund.action_open()
        cls.allocation = env["kbe.mdf.allocation"].create(
            {"fund_id": fund.id, "partner_id": partner.id, "amount": 20_000_000}
        )
        cls.fund_request = env["kbe.mdf.request"].create(
            {
                "partner_id": partner.id,
                "allocation_id": cls.allocation.id,
                "name": "Pameran",
                "planned_cost": 5_000_000,
                "date_start": date.today(),
                "date_end": date.today() + timedelta(days=2),
            }
        )
        cls.plan = env["kbe.partner.plan"].create(
            {"partner_id": partner.id, "period": "year", "date_from": date(date.today().year, 1, 1)}
        )

    def _counts(self):
        # sudo: the whole tables, to tell that nothing was written
        return {model: self.env[model].sudo().search_count([]) for model in WATCHED}

    def _writes(self):
        # sudo: the last change of the records the routes may touch
        return [
            record.sudo().write_date
            for record in (self.ticket, self.forward, self.fund_request, self.plan, self.channel_partner)
        ]

    def test_no_post_without_the_sessions_csrf_token(self):
        self.authenticate(self.user_channel_partner.login, self.user_channel_partner.login)
        ids = {
            "ticket": self.ticket.id,
            "forward": self.forward.id,
            "fund_request": self.fund_request.id,
            "plan": self.plan.id,
        }
        counts, writes = self._counts(), self._writes()
        for route in POST_ROUTES:
            url = route.format(**ids)
            for token in (None, "forged-token"):
                data = {"name": "Dipalsukan", "subject": "Dipalsukan", "description": "x", "message": "x"}
                if token:
                    data["csrf_token"] = token
                with self.subTest(url=url, token=token), mute_logger("odoo.http"):
                    response = self.url_open(url, data=data, allow_redirects=False)
                    self.assertEqual(response.status_code, 400, f"{url} accepted a post without a valid token")
        self.env.invalidate_all()
        self.assertEqual(self._counts(), counts, "nothing created")
        self.assertEqual(self._writes(), writes, "nothing changed")

    def test_html_and_script_in_text_are_shown_as_text(self):
        self.authenticate(self.user_channel_partner.login, self.user_channel_partner.login)
        token = http.Request.csrf_token(self)
        response = self.url_open(
            "/my/partnership/deals/new",
            data={
                "csrf_token": token,
                "name": f"Gala {SCRIPT}",
                "customer_name": f"PT. Aman {SCRIPT}",
                "contact_name": f"Bu Sari {SCRIPT}",
                "expected_revenue": "1000000",
                "description": SCRIPT,
            },
        )
        registration = self.env["kbe.deal.registration"].search([("partner_id", "=", self.channel_partner.id)])
        self.assertEqual(len(registration), 1, re.findall(r'o_kbe_deal_error" role="alert">([^<]*)', response.text))
        page = self.url_open(f"/my/partnership/deals/{registration.id}").text
        ticket_response = self.url_open(
            "/my/tickets/new", data={"csrf_token": token, "subject": f"Rusak {SCRIPT}", "description": SCRIPT}
        )
        ticket = self.env["kbe.ticket"].search([("name", "like", "Rusak")])
        self.assertEqual(len(ticket), 1, re.findall(r"alert-danger[^>]*>([^<]*)", ticket_response.text))
        ticket_page = self.url_open(f"/my/tickets/{ticket.id}").text
        partnership = self.url_open("/my/partnership").text
        for shown in (page, ticket_page, partnership):
            self.assertNotIn("<script>alert", shown)
            self.assertNotIn("<img src=x onerror", shown)
        self.assertIn("&lt;script&gt;", page, "the partner sees what they typed, as text")
        self.assertIn("&lt;script&gt;", ticket_page)
