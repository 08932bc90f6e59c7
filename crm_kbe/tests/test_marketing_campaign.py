from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_campaign import KbeCampaignCommon


@tagged("post_install", "-at_install")
class TestMarketingCampaign(KbeCampaignCommon):
    """The campaign's plan (period, budget, segments), its channel activities and their states,
    who may do what, and the customers who responded."""

    def test_campaign_form_plans_period_budget_and_segments(self):
        with Form(self.env["utm.campaign"].with_user(self.user_marketing)) as form:
            form.title = "Promo Tumpeng Agustus"
            form.kbe_date_start = "2026-08-01"
            form.kbe_date_end = "2026-08-31"
            form.kbe_budget = 750.0
            form.kbe_segment_ids.add(self.segment)
            form.kbe_objective = "Tumpeng 17 Agustus"
        campaign = form.save()
        activity = self._activity("email", name="E-mail tumpeng", campaign_id=campaign.id)
        self.assertEqual(activity.segment_ids, self.segment, "an activity starts with its campaign's segments")
        self.assertEqual(activity.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertIn("Promo Tumpeng Agustus", activity.source_id.name, "each activity has its own UTM source")
        self.assertEqual(campaign.kbe_activity_count, 1)

    def test_activity_form_plans_a_call_list(self):
        with Form(
            self.env["kbe.campaign.activity"]
            .with_user(self.user_marketing)
            .with_context(default_campaign_id=self.campaign.id)
        ) as form:
            form.name = "Telepon pelanggan"
            form.channel = "telemarketing"
            form.team_id = self.sales_team
            form.cost = 80.0
            self.assertEqual(form.medium_id, self.env.ref("crm_kbe.utm_medium_telemarketing"))
        activity = form.save()
        self.assertEqual(activity.segment_ids, self.segment)
        self.assertEqual(activity.state, "draft")

    def test_campaign_refuses_a_period_ending_before_it_starts_and_bad_budgets(self):
        campaign = self.campaign.with_user(self.user_marketing)
        with self.assertRaises(ValidationError):
            campaign.write({"kbe_date_start": "2026-04-01", "kbe_date_end": "2026-03-01"})
        for budget in (-1.0, float("nan"), float("inf")):
            with self.subTest(budget=budget), self.assertRaises(ValidationError):
                campaign.write({"kbe_budget": budget})
        with self.assertRaises(ValidationError):
            self._activity("web", cost=float("nan"))
        with self.assertRaises(ValidationError):
            self._activity("web", cost=-5.0)

    def test_activity_states_move_forward_and_refuse_wrong_steps(self):
        activity = self._activity("web", link_url="https://kaktusberduri.example.com/promo")
        activity.action_schedule()
        self.assertEqual(activity.state, "scheduled")
        with self.assertRaises(UserError):
            activity.action_schedule()
        activity.action_start()
        activity.action_done()
        self.assertEqual(activity.state, "done")
        with self.assertRaises(UserError):
            activity.action_cancel()
        with self.assertRaises(UserError, msg="a closed activity makes no new links"):
            activity.action_kbe_create_link()
        other = self._activity("web")
        other.action_cancel()
        other.action_draft()
        self.assertEqual(other.state, "draft")

    def test_rights_per_group(self):
        activity = self._activity("direct_mail", cost=50.0)
        activity.action_kbe_prepare_recipients()
        recipients = activity.recipient_ids
        # the sales rep reads the activities and direct-mail replies, changes nothing
        self.assertRights(self.user_salesman, (activity, recipients), "r--")
        self.assertRights(self.user_marketing, (activity, recipients), "rwd")
        self.assertRights(self.user_marketing_manager, (activity, recipients), "rwd")
        self.assertRights(self.user_accountant, (activity, recipients), "---")
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self._activity("email", user=self.user_salesman)
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            recipients[0].with_user(self.user_salesman)._kbe_record_response("interested")
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.env["kbe.campaign.response.wizard"].with_user(self.user_salesman).create(
                {"reply_code": recipients[0].reply_code, "response": "interested"}
            )
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            activity.with_user(self.user_salesman).action_kbe_prepare_recipients()
        # the figures are for marketing: a rep does not read them
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.env["kbe.campaign.report"].with_user(self.user_salesman).search([])

    def test_sales_rep_opens_the_campaign_activities(self):
        # (the campaign form itself is Email Marketing's, for its users)
        email = self._activity("email")
        email.action_kbe_prepare_mailing()
        activity = self._activity("direct_mail")
        activity.action_kbe_prepare_recipients()
        activity.recipient_ids[0]._kbe_record_response("interested", create_lead=True)
        # another's lead: the rep may not read it
        self.env["crm.lead"].browse(activity.recipient_ids.lead_id.ids).user_id = self.user_sales_manager
        for record in (email, activity):
            with self.subTest(channel=record.channel):
                form = Form(record.with_user(self.user_salesman))
                self.assertEqual(form.id, record.id)

    def test_responder_partners_are_the_commercial_partners_who_answered(self):
        contact = self.env["res.partner"].create({"name": "Bu Rini", "parent_id": self.warung.id})
        email = self._activity("email")
        email.action_kbe_prepare_mailing()
        self.env["mailing.trace"].create(
            [
                {
                    "mass_mailing_id": email.mailing_id.id,
                    "model": "res.partner",
                    "res_id": self.rasa.id,
                    "email": self.rasa.email,
                    "trace_status": "open",
                },
                {
                    "mass_mailing_id": email.mailing_id.id,
                    "model": "res.partner",
                    "res_id": self.dapur.id,
                    "email": self.dapur.email,
                    "trace_status": "sent",
                },
            ]
        )
        calls = self._activity("telemarketing", team_id=self.sales_team.id)
        self.env["kbe.call"].create(
            {
                "name": "Telepon promo",
                "partner_id": contact.id,
                "user_id": self.user_salesman.id,
                "campaign_id": self.campaign.id,
                "kbe_campaign_activity_id": calls.id,
                "state": "held",
                "date_done": "2026-03-05 03:00:00",
                "outcome": "interested",
            }
        )
        responders = self.campaign.with_user(self.user_marketing)._kbe_responder_partners()
        self.assertEqual(responders, self.rasa | self.warung, "opened, and a positive call (as its company)")
        letters = self._activity("direct_mail")
        letters.action_kbe_prepare_recipients()
        letters.recipient_ids.filtered(lambda r: r.partner_id == self.warung)._kbe_record_response("not_interested")
        self.assertEqual(self.campaign._kbe_responder_partners(), self.rasa | self.warung)
        self.assertFalse(self.env["utm.campaign"]._kbe_responder_partners())
