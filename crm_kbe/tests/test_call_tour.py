from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestCallTour(KbeTourCase):
    """In Chromium, the telesales agent (Sales / Own Documents Only, in the telesales team) plans a
    call on their KBE opportunity, logs it as held with a follow-up, works their call queue and
    makes a call list for their team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls.user_telesales
        cls.telesales_team = cls.env.ref("crm_kbe.crm_team_telesales_demo")
        cls.telesales_team.member_ids |= cls.agent
        # the demo's Sari Rasa opportunity and PT. KITA's first call are the agent's to work
        cls.sari = cls.env.ref("crm_kbe.crm_lead_sari_proposition_demo")
        cls.sari.user_id = cls.agent
        (cls.sari.kbe_call_ids | cls.env.ref("crm_kbe.kbe_call_kita_lead_demo")).user_id = cls.agent

    def _start(self, tour):
        self.start_tour("/odoo/crm", tour, login=self.agent.login)

    def test_call_tour(self):
        self._start("crm_kbe_call_tour")
        call = self.sari.kbe_call_ids.filtered(lambda c: c.name == "Konfirmasi menu prasmanan")
        self.assertEqual((call.state, call.user_id), ("held", self.agent))
        self.assertEqual(call.outcome, "interested")
        self.assertAlmostEqual(call.duration, 20 / 60, places=2)
        self.assertIn("tes rasa", call.notes)
        followup = call.followup_ids
        self.assertEqual((followup.state, followup.user_id), ("planned", self.agent))
        self.assertEqual(followup.activity_id.res_id, self.sari.id)

    def test_call_views_tour(self):
        self._start("crm_kbe_call_views_tour")
        missed = self.env.ref("crm_kbe.kbe_call_kita_lead_demo")
        self.assertEqual((missed.state, missed.not_held_reason), ("not_held", "no_answer"))
        sinar = self.env.ref("crm_kbe.res_partner_sinar_demo")
        listed = self.env["kbe.call"].search([("partner_id", "=", sinar.id), ("name", "=", "Promo paket Lebaran")])
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed.team_id, self.telesales_team)
        self.assertIn(listed.user_id, self.telesales_team.member_ids)
