import re

from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestMdfPortal(KbeTourCase):
    """A channel partner requests funds and claims them on the portal; the other partner can
    neither use its allocation nor see its requests, over HTTP or RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manager_env = cls.env(user=cls.user_partner_manager, context={"mail_create_nolog": True, "mail_notrack": True})
        cls.fund = manager_env["kbe.mdf.fund"].create(
            {"name": "MDF Portal Uji", "date_from": "2027-01-01", "date_to": "2027-06-30", "amount": 500_000}
        )
        cls.fund.action_open()
        cls.allocation, cls.allocation_2 = manager_env["kbe.mdf.allocation"].create(
            [
                {"fund_id": cls.fund.id, "partner_id": cls.channel_partner.id, "amount": 100_000},
                {"fund_id": cls.fund.id, "partner_id": cls.channel_partner_2.id, "amount": 100_000},
            ]
        )
        cls.approved = manager_env["kbe.mdf.request"].create(
            {
                "name": "Pameran Uji",
                "allocation_id": cls.allocation.id,
                "planned_cost": 30_000,
                "date_start": "2027-02-01",
                "date_end": "2027-02-02",
            }
        )
        cls.approved.action_submit()
        cls.approved.action_pre_approve()

    def _csrf(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post_request(self, token, **values):
        data = {
            "csrf_token": token,
            "allocation_id": self.allocation.id,
            "name": "Tester kantor",
            "description": "Kotak makan siang gratis",
            "date_start": "2027-03-01",
            "date_end": "2027-03-02",
            "planned_cost": "20000",
            **values,
        }
        return self.url_open("/my/partnership/funds/request", data=data, allow_redirects=False)

    def _requests(self):
        return self.env["kbe.mdf.request"].search([("fund_id", "=", self.fund.id)])

    def test_request_and_claim(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        page = self.url_open("/my/partnership")
        self.assertIn("MDF Portal Uji", page.text)
        self.assertIn("Pameran Uji", page.text)
        token = self._csrf("/my/partnership/funds/request")
        response = self._post_request(token)
        self.assertEqual(response.status_code, 303)
        new = self._requests() - self.approved
        self.assertRecordValues(
            new,
            [
                {
                    "name": "Tester kantor",
                    "partner_id": self.channel_partner.id,
                    "state": "submitted",
                    "planned_cost": 20_000,
                }
            ],
        )
        self.assertIn(f"/my/partnership/funds/{new.id}", response.headers["Location"])

        token = self._csrf(f"/my/partnership/funds/{self.approved.id}")
        response = self.url_open(
            f"/my/partnership/funds/{self.approved.id}/claim",
            data={"csrf_token": token, "actual_cost": "25000"},
            files={"proof": ("nota.pdf", b"%PDF-1.4 nota", "application/pdf")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.approved.state, "claimed")
        self.assertEqual(self.approved.actual_cost, 25_000)
        self.assertEqual(self.approved.claim_attachment_ids.mapped("name"), ["nota.pdf"])

    def test_bad_input_changes_nothing(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        token = self._csrf("/my/partnership/funds/request")
        before = self._requests()
        for values in (
            {"name": "  "},
            {"name": "x" * 201},
            {"description": "x" * 5001},
            {"planned_cost": "nan"},
            {"planned_cost": "inf"},
            {"planned_cost": "-5"},
            {"planned_cost": "abc"},
            {"planned_cost": "70001"},  # above the remaining 70,000
            {"date_end": "2027-02-01"},
            {"date_start": "kemarin"},
        ):
            with self.subTest(values=values):
                response = self._post_request(token, **values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_kbe_mdf_errors", response.text)
        self.assertEqual(self._requests(), before)

        token = self._csrf(f"/my/partnership/funds/{self.approved.id}")
        url = f"/my/partnership/funds/{self.approved.id}/claim"
        proof = {"proof": ("nota.pdf", b"%PDF nota", "application/pdf")}
        for data, files in (
            ({"actual_cost": "30001"}, proof),  # above the pre-approved 30,000
            ({"actual_cost": "nan"}, proof),
            ({"actual_cost": "20000"}, None),  # no proof
            ({"actual_cost": "20000"}, {"proof": ("besar.pdf", b"0" * (10 * 1024 * 1024 + 1), "application/pdf")}),
        ):
            with self.subTest(data=data):
                response = self.url_open(url, data={"csrf_token": token, **data}, files=files, allow_redirects=False)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(self.approved.state, "pre_approved")
        self.assertFalse(self.approved.actual_cost)
        self.assertFalse(self.approved.claim_attachment_ids)

    def test_other_partner_isolated(self):
        self.authenticate("kbe_channel_partner_2", "kbe_channel_partner_2")
        page = self.url_open("/my/partnership")
        self.assertNotIn("Pameran Uji", page.text)
        token = self._csrf("/my/partnership/funds/request")
        before = self._requests()
        with mute_logger("odoo.addons.base.models.ir_rule"):
            response = self._post_request(token, allocation_id=self.allocation.id)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self._requests(), before, "no request on another partner's allocation")
        self.assertEqual(self.url_open(f"/my/partnership/funds/{self.approved.id}").status_code, 404)
        response = self.url_open(
            f"/my/partnership/funds/{self.approved.id}/claim",
            data={"csrf_token": token, "actual_cost": "1000"},
            files={"proof": ("nota.pdf", b"%PDF", "application/pdf")},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.approved.state, "pre_approved")

        # over RPC, as the web client would call it
        user = self.user_channel_partner_2
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            for method, args in (
                ("read", [[self.approved.id], ["name"]]),
                ("action_pre_approve", [[self.approved.id]]),
                ("write", [[self.approved.id], {"actual_cost": 1}]),
            ):
                with self.subTest(method=method), self.assertRaisesRegex(JsonRpcException, "AccessError"):
                    self.kbe_call_kw(user, "kbe.mdf.request", method, *args)
            with self.assertRaises(JsonRpcException):
                self.kbe_call_kw(user, "kbe.mdf.request", "_kbe_portal_claim", [self.approved.id], 1, [])
            own = self.kbe_call_kw(user, "kbe.mdf.allocation", "search_read", [], ["partner_id"])
        self.assertEqual([row["id"] for row in own], self.allocation_2.ids)
        self.assertEqual(self.approved.state, "pre_approved")
