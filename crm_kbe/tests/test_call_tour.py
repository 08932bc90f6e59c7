from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestCallTour(KbeTourCase):
    """In Chromium: a rep plans a call on a KBE opportunity, logs it as held with a follow-up."""

    def _start(self, tour):
        self.start_tour("/odoo/crm", tour, login="admin")

    def test_call_tour(self):
        self._start("crm_kbe_call_tour")
        lead = self.env.ref("crm_kbe.crm_lead_sari_proposition_demo")
        call = lead.kbe_call_ids.filtered(lambda c: c.name == "Konfirmasi menu prasmanan")
        self.assertEqual(call.state, "held")
        self.assertEqual(call.outcome, "interested")
        self.assertAlmostEqual(call.duration, 20 / 60, places=2)
        self.assertIn("tes rasa", call.notes)
        followup = call.followup_ids
        self.assertEqual(followup.state, "planned")
        self.assertEqual(followup.activity_id.res_id, lead.id)

    def test_call_views_tour(self):
        self._start("crm_kbe_call_views_tour")
        missed = self.env.ref("crm_kbe.kbe_call_kita_lead_demo")
        self.assertEqual((missed.state, missed.not_held_reason), ("not_held", "no_answer"))
        sinar = self.env.ref("crm_kbe.res_partner_sinar_demo")
        listed = self.env["kbe.call"].search([("partner_id", "=", sinar.id), ("name", "=", "Promo paket Lebaran")])
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed.team_id, self.env.ref("crm_kbe.crm_team_catering_demo"))
