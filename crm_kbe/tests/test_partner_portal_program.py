from odoo import http
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestPartnerPortalProgram(KbeTourCase):
    """The partner program on the portal, over HTTP: a customer applies to become a partner,
    bad input is refused and creates nothing, and a partner never sees another's qualification
    (pages and JSON-RPC)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_registered = cls.env.ref("crm_kbe.kbe_partner_tier_registered")
        cls.Qualification = cls.env["kbe.partner.qualification"]
        # partner 1's application was rejected, with a reason only partner 1 may read
        cls.rejected = cls.Qualification.create(
            {
                "partner_id": cls.channel_partner.id,
                "tier_id": cls.env.ref("crm_kbe.kbe_partner_tier_gold").id,
                "reject_reason": "Alasan-khusus-Mitra-Acara",
                "internal_note": "<p>Catatan internal tim</p>",
            }
        )
        cls.rejected.action_reject()

    def _apply(self, files=None, **data):
        data = {
            "tier_id": self.tier_registered.id,
            "message": "Kami penyelenggara acara kantor di Jakarta Barat.",
            "agreement": "1",
            **data,
            "csrf_token": http.Request.csrf_token(self),
        }
        return self.url_open("/my/partnership/apply", data=data, files=files)

    def _applications(self):
        return self.Qualification.search([("partner_id", "=", self.portal_company.id)])

    def test_customer_applies_on_the_portal(self):
        self.authenticate(self.user_portal.login, self.user_portal.login)
        self.assertIn("/my/partnership/apply", self.url_open("/my").text, "the home page invites to apply")
        self.assertEqual(self.url_open("/my/partnership/apply").status_code, 200)

        response = self._apply(files={"evidence": ("profil.pdf", b"%PDF-1.4 profil perusahaan", "application/pdf")})
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/partnership", response.url)
        application = self._applications()
        self.assertEqual(
            (application.state, application.kind, application.origin, application.tier_id),
            ("submitted", "application", "portal", self.tier_registered),
        )
        self.assertTrue(application.agreement_signed)
        self.assertEqual(application.attachment_ids.name, "profil.pdf")
        self.assertEqual(self.portal_company.kbe_partner_status, "prospect")
        self.assertIn("o_kbe_applied", response.text)

        page = self.url_open("/my/partnership/apply").text
        self.assertIn("already has an application", page)
        self.assertNotIn("o_kbe_apply_form", page, "no form while an application is under review")
        response = self._apply()
        self.assertIn("already has an application", response.text, "a second open application is refused")
        self.assertEqual(self._applications(), application)

    def test_bad_input_is_refused(self):
        self.authenticate(self.user_portal.login, self.user_portal.login)
        cases = [
            ({"message": "   "}, None, "Tell us about your company"),
            ({"message": "x" * 2001}, None, "too long"),
            ({"agreement": ""}, None, "Accept the partner agreement"),
            ({"tier_id": "999999"}, None, "Choose the tier"),
            ({}, {"evidence": ("besar.pdf", b"0" * (10 * 1024 * 1024 + 1), "application/pdf")}, "larger than 10 MB"),
        ]
        for data, files, message in cases:
            with self.subTest(message=message):
                response = self._apply(files=files, **data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertFalse(self._applications(), "a refused application creates nothing")
        self.assertFalse(self.portal_company.kbe_partner_status)

    def test_partners_never_see_each_other(self):
        self.authenticate(self.user_channel_partner.login, self.user_channel_partner.login)
        self.assertNotIn("/my/partnership/apply", self.url_open("/my").text, "an active partner does not apply")
        self.assertIn("Alasan-khusus-Mitra-Acara", self.url_open("/my/partnership").text)
        self.assertNotIn("Catatan internal", self.url_open("/my/partnership").text)
        self.authenticate(self.user_channel_partner_2.login, self.user_channel_partner_2.login)
        self.assertNotIn("Alasan-khusus-Mitra-Acara", self.url_open("/my/partnership").text)

        found = self.kbe_call_kw(
            self.user_channel_partner_2, "kbe.partner.qualification", "search_read", [], ["reject_reason"]
        )
        self.assertFalse([row for row in found if row["id"] == self.rejected.id])
        for method, args in (("read", [[self.rejected.id], ["state"]]), ("action_draft", [[self.rejected.id]])):
            with self.subTest(method=method), self.assertRaises(JsonRpcException) as caught:
                self.kbe_call_kw(self.user_channel_partner_2, "kbe.partner.qualification", method, *args)
            self.assertIn("AccessError", str(caught.exception))
        # partner 1 itself may read its own, never its internal notes nor decide it
        for method, args in (
            ("read", [[self.rejected.id], ["internal_note"]]),
            ("action_draft", [[self.rejected.id]]),
        ):
            with self.subTest(method=method), self.assertRaises(JsonRpcException):
                self.kbe_call_kw(self.user_channel_partner, "kbe.partner.qualification", method, *args)
        self.assertEqual(self.rejected.state, "rejected")
