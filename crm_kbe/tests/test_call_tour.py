from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestCallTour(KbeTourCase):
    """In Chromium: a rep plans a call on a KBE opportunity, logs it as held with a follow-up."""

    def test_call_tour(self):
        self.start_tour("/odoo/crm", "crm_kbe_call_tour", login="admin")
        lead = self.env.ref("crm_kbe.crm_lead_sari_proposition_demo")
        call = lead.kbe_call_ids.filtered(lambda c: c.name == "Konfirmasi menu prasmanan")
        self.assertEqual(call.state, "held")
        self.assertEqual(call.outcome, "interested")
        self.assertAlmostEqual(call.duration, 20 / 60, places=2)
        self.assertIn("tes rasa", call.notes)
        followup = call.followup_ids
        self.assertEqual(followup.state, "planned")
        self.assertEqual(followup.activity_id.res_id, lead.id)
