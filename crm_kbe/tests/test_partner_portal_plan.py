from odoo import fields, http
from odoo.tests import tagged
from odoo.tools import date_utils, mute_logger

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestPartnerPortalPlan(KbeTourCase):
    """ "My partnership": a partner's contact sees its own plan, goals and scorecard and agrees to
    the plan; another partner's contact gets nothing, over HTTP or RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.q_start, cls.q_end = date_utils.start_of(today, "quarter"), date_utils.end_of(today, "quarter")
        Plan = cls.env["kbe.partner.plan"].with_user(cls.user_partner_manager)
        cls.plan = Plan.create(
            {
                "partner_id": cls.channel_partner.id,
                "date_from": cls.q_start,
                "goal_ids": [
                    (0, 0, {"measure": "won_revenue", "target": 1000.0, "description": "Pernikahan besar"}),
                    (0, 0, {"measure": "campaigns_run", "target": 2.0}),
                ],
            }
        )
        cls.plan.action_agree_company()
        cls.plan_2 = Plan.create({"partner_id": cls.channel_partner_2.id, "date_from": cls.q_start})
        lead = cls.env["crm.lead"].create(
            {
                "name": "Katering gala",
                "type": "opportunity",
                "expected_revenue": 400.0,
                "kbe_channel_partner_id": cls.channel_partner.id,
            }
        )
        lead.action_set_won()
        cls.env["kbe.partner.scorecard"]._kbe_refresh(cls.q_start, cls.q_end, partners=cls.channel_partner)

    def _agree(self, plan, **data):
        return self.url_open(
            f"/my/partnership/plan/{plan.id}/agree", data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def test_partner_sees_its_plan_and_agrees_over_http(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        page = self.url_open("/my/partnership").text
        self.assertIn(self.plan.name, page)
        self.assertIn("Pernikahan besar", page)
        self.assertIn("40 %", page, "won 400 of 1,000")
        self.assertIn("Agree to this plan", page)
        self.assertIn("o_kbe_scorecard", page)
        self.assertNotIn(self.plan_2.name, page)
        response = self._agree(self.plan)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/agree", response.url, "back on My partnership")
        self.plan.invalidate_recordset()
        self.assertEqual(self.plan.state, "agreed")
        self.assertEqual(self.plan.agreed_by_partner_id, self.user_channel_partner.partner_id)
        page = self.url_open("/my/partnership").text
        self.assertNotIn("Agree to this plan", page)
        self.assertIn("o_kbe_plan_partner_agreed", page)

    def test_other_partner_is_refused_over_http_and_rpc(self):
        self.authenticate("kbe_channel_partner_2", "kbe_channel_partner_2")
        page = self.url_open("/my/partnership").text
        self.assertNotIn(self.plan.name, page)
        self.assertNotIn("o_kbe_scorecard", page, "partner 2 has no scorecard and never sees partner 1's")
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http"):
            self.assertEqual(self._agree(self.plan).status_code, 403)
            self.assertEqual(self._agree(self.plan.browse(999999)).status_code, 404)
        # its own plan without goals: a clear refusal on the page
        page = self._agree(self.plan_2).text
        self.assertIn("has no goals yet", page)
        for method, args in (
            ("action_kbe_portal_agree", ()),
            ("web_read", ({"name": {}},)),
            ("write", ({"state": "agreed"},)),
        ):
            with self.subTest(method=method), self.assertRaisesRegex(Exception, "AccessError"):
                with mute_logger("odoo.http"):
                    self.kbe_call_kw(self.user_channel_partner_2, "kbe.partner.plan", method, self.plan.ids, *args)
        with self.assertRaisesRegex(Exception, "AccessError"), mute_logger("odoo.http"):
            self.kbe_call_kw(
                self.user_channel_partner_2, "kbe.partner.plan.goal", "web_read", self.plan.goal_ids.ids, {"target": {}}
            )
        (self.plan | self.plan_2).invalidate_recordset()
        self.assertEqual((self.plan.state, self.plan_2.state), ("draft", "draft"))
        self.assertFalse((self.plan | self.plan_2).agreed_by_partner_id)

    def test_agreeing_needs_the_csrf_token(self):
        self.authenticate("kbe_channel_partner", "kbe_channel_partner")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/my/partnership/plan/{self.plan.id}/agree", data={"confirm": "1"})
        self.assertEqual(response.status_code, 400)
        self.plan.invalidate_recordset()
        self.assertFalse(self.plan.agreed_by_partner_id)
