from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.mail.tests.common import MockEmail
from odoo.tests import tagged

from .common import KbeTourCase

SEGMENT_NAME = "Pelanggan katering terbaik di Jakarta"
CAMPAIGN_TITLE = "Menu baru prasmanan Jakarta"


@tagged("post_install", "-at_install")
class TestMarketingTour(MockEmail, KbeTourCase):
    """In Chromium, the marketing user (crm_kbe Marketing User: Sales own documents + Email
    Marketing user) builds the segment of the best catering customers in Jakarta (Champions or
    Loyal), plans a campaign over it with an e-mail and a telemarketing activity, sends the
    mailing with Odoo's Send button, makes the calls, logs two of them as held with a positive
    outcome, makes the leads from them and, once the mass-mailing queue has run, reads the
    campaign's evaluation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.marketer = cls.user_marketing
        # a company that has no territories: the customers keep no salesperson and the leads of
        # the campaign's calls go to the marketing user who made the calls (with territories
        # they go to the territory's salesperson, see test_territory.py)
        env["kbe.territory"].search([]).action_archive()
        # what the marketing user finds already there: KBE's customers in Jakarta, their posted
        # invoices and their customer value (the nightly job's work), and the call team she is in
        today = fields.Date.context_today(env["res.partner"])
        customer = {"is_company": True, "country_id": env.ref("base.id").id}
        cls.mitra = env["res.partner"].create(
            {
                **customer,
                "name": "PT. Mitra Boga Jakarta",
                "email": "pesan@mitraboga.example.com",
                "phone": "021-5550-2001",
                "city": "Jakarta Pusat",
            }
        )
        cls.cahaya = env["res.partner"].create(
            {
                **customer,
                "name": "PT. Cahaya Kantin Sejahtera",
                "email": "kantin@cahaya.example.com",
                "phone": "021-5550-2002",
                "city": "Jakarta Selatan",
            }
        )
        # a customer of Jakarta who last ordered long ago: not among the best
        cls.lama = env["res.partner"].create(
            {
                **customer,
                "name": "CV. Warung Lama Jakarta",
                "email": "warung@lama.example.com",
                "phone": "021-5550-2003",
                "city": "Jakarta Barat",
            }
        )
        moves = [
            cls._invoice_vals(partner, today - relativedelta(months=month, days=2), 200, 9.0)
            for partner in (cls.mitra, cls.cahaya)
            for month in range(14)
        ]
        moves.append(cls._invoice_vals(cls.lama, today - relativedelta(months=20), 10, 3.0))
        env["account.move"].create(moves).action_post()
        env["kbe.customer.value"]._kbe_recompute()
        cls.call_team = env["crm.team"].create(
            {"name": "Telemarketing Kampanye", "member_ids": [(6, 0, cls.marketer.ids)]}
        )
        # the demo's segment of the same name is Mega's: here the marketing user builds it anew
        env["kbe.segment"].search([("name", "=", SEGMENT_NAME)]).active = False
        # the customers the rules must select: those of Jakarta whose value is Champion or Loyal
        values = env["kbe.customer.value"].search(
            [("company_id", "=", env.company.id), ("value_tier", "in", ("champion", "loyal"))]
        )
        cls.best = values.partner_id.filtered(lambda p: "jakarta" in (p.city or "").lower())

    @classmethod
    def _invoice_vals(cls, partner, invoice_date, quantity, price):
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_line_ids": [
                (0, 0, {"name": "Prasmanan makan siang", "quantity": quantity, "price_unit": price, "tax_ids": []})
            ],
        }

    def test_marketing_campaign_tour(self):
        # the story the tour checks on screen: three best customers in Jakarta (the demo's PT.
        # KITA and the two above), all reachable by e-mail and phone; Warung Lama is not one
        self.assertEqual(self.best, self.mitra | self.cahaya | self.env.ref("crm_kbe.res_partner_kita_demo"))
        self.assertTrue(all(partner.email and partner.phone for partner in self.best))

        self.start_tour("/odoo/crm", "crm_kbe_marketing_tour", login=self.marketer.login)

        segment = self.env["kbe.segment"].search([("name", "=", SEGMENT_NAME), ("user_id", "=", self.marketer.id)])
        self.assertEqual(len(segment), 1)
        self.assertEqual(segment.member_ids.partner_id, self.best)
        self.assertEqual(segment.email_count, len(self.best.filtered("email")))
        campaign = self.env["utm.campaign"].search([("title", "=", CAMPAIGN_TITLE)])
        self.assertEqual(campaign.kbe_segment_ids, segment)
        email = campaign.kbe_activity_ids.filtered(lambda a: a.channel == "email")
        phone = campaign.kbe_activity_ids.filtered(lambda a: a.channel == "telemarketing")
        self.assertEqual(email.mailing_id.state, "in_queue", "the marketing user sent the mailing")

        # what the mass-mailing cron does every few minutes (through a mocked SMTP server)
        with self.mock_mail_gateway():
            self.env["mailing.mailing"]._process_mass_mailing_queue()
        mailing = email.mailing_id
        self.assertEqual(mailing.state, "done")
        self.assertEqual(email.state, "done", "the activity follows its mailing")
        self.assertEqual(
            (mailing.campaign_id, mailing.medium_id, mailing.source_id),
            (campaign, self.env.ref("utm.utm_medium_email"), email.source_id),
        )
        traces = mailing.mailing_trace_ids
        self.assertEqual(self.env["res.partner"].browse(traces.mapped("res_id")), self.best, "one e-mail to each")
        self.assertEqual(set(traces.mapped("trace_status")), {"sent"})
        sent_to = {email for mail in self._mails for email in mail["email_to"]}
        self.assertEqual(len(self._mails), 3)
        self.assertEqual(sent_to, {partner.email_formatted for partner in self.best})
        self.assertIn("Pesanan terakhir Anda", self._mails[0]["body"], "the segment's personalised e-mail")

        self.start_tour("/odoo/crm", "crm_kbe_marketing_evaluation_tour", login=self.marketer.login)

        held = phone.call_ids.filtered(lambda c: c.state == "held")
        self.assertEqual(held.partner_id, self.mitra | self.cahaya)
        self.assertEqual(held.campaign_id, campaign)
        self.assertEqual(set(held.mapped("outcome")), {"interested", "info_sent"})
        self.assertEqual(len(phone.call_ids), len(self.best.filtered("phone")))
        leads = self.env["crm.lead"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(leads, held.lead_id, "one lead per positive call, linked to it")
        self.assertEqual(leads.medium_id, self.env.ref("crm_kbe.utm_medium_telemarketing"))
        self.assertEqual(leads.source_id, phone.source_id)
        self.assertEqual(leads.partner_id, self.mitra | self.cahaya)
        campaign = campaign.with_user(self.marketer)
        self.assertEqual(campaign.kbe_targeted, len(traces) + len(phone.call_ids))
        self.assertEqual(campaign.kbe_reached, len(traces) + 2)
        self.assertEqual(campaign.kbe_responded, 2)
        self.assertEqual(campaign.kbe_lead_count, 2)
