import re
from datetime import timedelta

from odoo import fields
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestDealPortal(KbeTourCase):
    """Deal registration and forwarded leads on "My partnership", over HTTP and JSON-RPC, as the
    two partners' contacts: each sees and acts on its own records only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Registration = cls.env["kbe.deal.registration"]
        cls.product = cls.env["product.product"].create({"name": "Nasi Box Portal", "sale_ok": True})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Seminar 120 pax di Senayan",
                "type": "lead",
                "partner_name": "PT. Seminar Senayan",
                "contact_name": "Yudi",
                "email_from": "yudi@seminarsenayan.example.com",
                "user_id": cls.user_partner_manager.id,
            }
        )
        cls.forward = cls.env["kbe.lead.forward"].create(
            {"lead_id": cls.lead.id, "partner_id": cls.channel_partner.id, "user_id": cls.user_partner_manager.id}
        )
        cls.registration = cls.Registration.create(
            {
                "name": "Pernikahan 400 tamu",
                "partner_id": cls.channel_partner.id,
                "customer_name": "Keluarga Hadiwijaya",
                "email": "hadi@hadiwijaya.example.com",
                "state": "submitted",
            }
        )

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post(self, url, data):
        return self.url_open(url, data=data, allow_redirects=False)

    def _deal_form(self, **values):
        return {
            "name": "Gathering kantor 150 pax",
            "customer_name": "PT. Portal Uji Sejahtera",
            "contact_name": "Lina",
            "email": "lina@portaluji.example.com",
            "expected_revenue": "25000000",
            "date_deadline": str(fields.Date.today() + timedelta(days=20)),
            "product_ids": str(self.product.id),
            **values,
        }

    def test_register_over_http(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        csrf = self._csrf("/my/partnership/deals/new")
        response = self._post("/my/partnership/deals/new", {**self._deal_form(), "csrf_token": csrf})
        self.assertEqual(response.status_code, 303)
        registration = self.Registration.search([("customer_name", "=", "PT. Portal Uji Sejahtera")])
        self.assertTrue(response.headers["Location"].endswith(f"/my/partnership/deals/{registration.id}"))
        self.assertEqual(registration.partner_id, self.channel_partner)
        self.assertEqual(registration.registered_by_id, self.user_channel_partner.partner_id)
        self.assertEqual(registration.state, "submitted")
        self.assertEqual(registration.product_ids, self.product)
        self.assertEqual(registration.expected_revenue, 25000000)
        page = self.url_open(f"/my/partnership/deals/{registration.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("PT. Portal Uji Sejahtera", page.text)
        listing = self.url_open("/my/partnership")
        self.assertIn("Gathering kantor 150 pax", listing.text)
        self.assertIn("Pernikahan 400 tamu", listing.text)
        # without the CSRF token nothing is created
        with mute_logger("odoo.http"):
            response = self._post("/my/partnership/deals/new", self._deal_form(customer_name="Tanpa Token"))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Registration.search([("customer_name", "=", "Tanpa Token")]))

    def test_bad_input_refused(self):
        protected = self.Registration.create(
            {
                "name": "Gala",
                "partner_id": self.channel_partner_2.id,
                "customer_name": "PT. Dilindungi Abadi",
                "state": "submitted",
            }
        )
        protected.with_user(self.user_partner_manager).action_accept()
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        csrf = self._csrf("/my/partnership/deals/new")
        count = self.Registration.search_count([])
        for values, message in (
            ({"name": ""}, "Fill in"),
            ({"customer_name": "x" * 201}, "too long"),
            ({"description": "x" * 5001}, "too long"),
            ({"expected_revenue": "NaN"}, "positive amount"),
            ({"expected_revenue": "-1"}, "positive amount"),
            ({"product_ids": "987654321"}, "products from the list"),
            ({"customer_name": "Dilindungi Abadi"}, "another channel partner"),
        ):
            with self.subTest(values=values):
                response = self._post("/my/partnership/deals/new", {**self._deal_form(**values), "csrf_token": csrf})
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_kbe_deal_error", response.text)
                self.assertNotIn(self.channel_partner_2.name, response.text, "never says who protects it")
        self.assertEqual(self.Registration.search_count([]), count)

    def test_inactive_partner_cannot_register(self):
        self.channel_partner.kbe_partner_status = "suspended"
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        self.assertIn("o_kbe_deal_not_active", self.url_open("/my/partnership/deals/new").text)
        csrf = self._csrf("/my/partnership")
        count = self.Registration.search_count([])
        response = self._post("/my/partnership/deals/new", {**self._deal_form(), "csrf_token": csrf})
        self.assertIn("Only active channel partners", response.text)
        self.assertEqual(self.Registration.search_count([]), count)

    def test_accept_forward_over_http(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        page = self.url_open("/my/partnership")
        self.assertIn("yudi@seminarsenayan.example.com", page.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self._post(f"/my/partnership/forwards/{self.forward.id}/accept", {"csrf_token": csrf})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.forward.state, "accepted")
        self.assertEqual(self.lead.kbe_channel_partner_id, self.channel_partner)
        # answered once: a second answer is refused and changes nothing
        response = self._post(
            f"/my/partnership/forwards/{self.forward.id}/decline", {"csrf_token": csrf, "reason": "No"}
        )
        self.assertIn("cannot be answered any more", response.text)
        self.assertEqual(self.forward.state, "accepted")

    def test_decline_forward_over_http(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        csrf = self._csrf("/my/partnership")
        response = self._post(
            f"/my/partnership/forwards/{self.forward.id}/decline",
            {"csrf_token": csrf, "reason": "<b>Penuh</b> bulan itu"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.forward.state, "declined")
        self.assertEqual(self.forward.decline_reason, "<b>Penuh</b> bulan itu")
        self.assertFalse(self.lead.kbe_channel_partner_id)
        self.assertEqual(self.forward.activity_ids.user_id, self.user_partner_manager)

    def test_other_partner_isolated_over_http(self):
        self.authenticate("kbe_channel_partner_2", "kbe_channel_partner_2")
        page = self.url_open("/my/partnership")
        self.assertNotIn("Pernikahan 400 tamu", page.text)
        self.assertNotIn("Seminar 120 pax", page.text)
        self.assertNotIn("yudi@seminarsenayan", page.text)
        csrf = self._csrf("/my/partnership/deals/new")
        self.assertEqual(self.url_open(f"/my/partnership/deals/{self.registration.id}").status_code, 404)
        for answer in ("accept", "decline"):
            response = self._post(f"/my/partnership/forwards/{self.forward.id}/{answer}", {"csrf_token": csrf})
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self.forward.state, "offered")
        self.assertFalse(self.lead.kbe_channel_partner_id)

    def test_other_partner_isolated_over_rpc(self):
        user = self.user_channel_partner_2
        found = self.kbe_call_kw(user, "kbe.deal.registration", "search_read", [], fields=["name"])
        self.assertEqual(found, [])
        self.assertEqual(self.kbe_call_kw(user, "kbe.lead.forward", "search_read", [], fields=["lead_name"]), [])
        calls = (
            ("kbe.deal.registration", "read", [self.registration.id], ["name"]),
            ("kbe.deal.registration", "action_accept", [self.registration.id]),
            ("kbe.deal.registration", "write", [self.registration.id], {"state": "accepted"}),
            ("kbe.deal.registration", "create", {"name": "x", "customer_name": "y", "partner_id": user.partner_id.id}),
            ("kbe.lead.forward", "read", [self.forward.id], ["lead_email"]),
            ("kbe.lead.forward", "action_accept", [self.forward.id]),
            ("kbe.lead.forward", "_kbe_portal_respond", [self.forward.id], user.partner_id.id, True),
            ("crm.lead", "read", [self.lead.id], ["email_from"]),
        )
        for model, method, *args in calls:
            with self.subTest(method=method, model=model), self.assertRaises(JsonRpcException):
                with mute_logger("odoo.http"):
                    self.kbe_call_kw(user, model, method, *args)
        # the partner's own contact reads its registration, never the conflicts nor the leads
        own = self.kbe_call_kw(
            self.user_channel_partner, "kbe.deal.registration", "search_read", [], fields=["name", "state"]
        )
        self.assertEqual([row["name"] for row in own], ["Pernikahan 400 tamu"])
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.kbe_call_kw(
                self.user_channel_partner,
                "kbe.deal.registration",
                "read",
                [self.registration.id],
                ["conflict_lead_html"],
            )
        self.assertEqual(self.registration.state, "submitted")
        self.assertEqual(self.forward.state, "offered")
