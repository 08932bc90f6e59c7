from odoo.tests import tagged

from .common_campaign import KbeCampaignCommon


@tagged("post_install", "-at_install")
class TestMarketingEvaluation(KbeCampaignCommon):
    """The figures of a campaign and of its activities on a known set of results, as the
    marketing user reads them: the funnel, the money, the return on investment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Activity = env["kbe.campaign.activity"].with_user(cls.user_marketing)
        base = {"campaign_id": cls.campaign.id}
        cls.email = Activity.create({**base, "name": "E-mail", "channel": "email", "cost": 100.0})
        cls.calls = Activity.create(
            {**base, "name": "Telepon", "channel": "telemarketing", "team_id": cls.sales_team.id}
        )
        cls.letters = Activity.create({**base, "name": "Surat", "channel": "direct_mail", "cost": 200.0})
        cls.web = Activity.create(
            {**base, "name": "Iklan", "channel": "web", "link_url": "https://kaktusberduri.example.com/x"}
        )
        # e-mail: 3 sent, 2 delivered (one bounced), both responded (a reply, a click)
        cls.email.action_kbe_prepare_mailing()
        bounced = env["res.partner"].create({"name": "Salah Alamat", "email": "salah@example.com"})
        env["mailing.trace"].create(
            [
                {"mass_mailing_id": cls.email.mailing_id.id, "model": "res.partner", "res_id": partner.id, **values}
                for partner, values in (
                    (cls.rasa, {"trace_status": "reply"}),
                    (cls.dapur, {"trace_status": "open", "links_click_datetime": "2026-03-03 02:00:00"}),
                    (bounced, {"trace_status": "bounce"}),
                )
            ]
        )
        # telemarketing: 2 calls held (one positive), one cancelled; the positive one a lead
        cls.calls.action_kbe_create_calls()
        for call in cls.calls.call_ids:
            outcome = "interested" if call.partner_id == cls.rasa else "not_interested"
            call._kbe_log("held", outcome=outcome)
        env["kbe.call"].create(
            {
                "name": "Batal",
                "partner_id": cls.dapur.id,
                "user_id": cls.user_salesman.id,
                "kbe_campaign_activity_id": cls.calls.id,
                "campaign_id": cls.campaign.id,
                "state": "cancelled",
            }
        )
        cls.calls.action_kbe_leads_from_calls()  # the button
        env["crm.lead"].browse(cls.calls.call_ids.lead_id.ids).type = "lead"
        # direct mail: 2 printed, one returned, one ordered: its opportunity won and invoiced
        cls.letters.action_kbe_prepare_recipients()
        cls.letters.action_kbe_print_letters()
        rasa, warung = cls.letters.recipient_ids.sorted(lambda r: r.partner_id != cls.rasa)
        warung._kbe_record_response("return")
        rasa._kbe_record_response("order")
        # the salesperson's work, done here as the administrator
        lead = env["crm.lead"].browse(rasa._kbe_create_leads().id)
        lead.convert_opportunity(lead.partner_id)
        lead.expected_revenue = 1000.0
        lead.action_set_won()
        order = env["sale.order"].create(
            {
                "partner_id": cls.rasa.id,
                "opportunity_id": lead.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 40, "tax_id": False})],
            }
        )
        order.action_confirm()
        order._create_invoices().action_post()
        # web: 3 clicks on its link
        link = cls.web._kbe_create_link()
        env["link.tracker.click"].create([{"link_id": link.id, "ip": f"198.51.100.{i}"} for i in range(3)])
        # a lead of the campaign through none of its activities
        env["crm.lead"].create({"name": "Dari pameran", "campaign_id": cls.campaign.id}).type = "lead"

    def test_activity_figures(self):
        expected = {
            self.email: (3, 2, 2, 0),
            self.calls: (2, 2, 1, 1),
            self.letters: (2, 1, 1, 1),
            self.web: (0, 3, 3, 0),
        }
        activities = (self.email | self.calls | self.letters | self.web).with_user(self.user_marketing)
        for activity in activities:
            with self.subTest(channel=activity.channel):
                self.assertEqual(
                    (activity.targeted, activity.reached, activity.responded, activity.lead_count),
                    expected[activity],
                )
        letters = self.letters.with_user(self.user_marketing)
        self.assertEqual((letters.opportunity_count, letters.won_count), (1, 1))
        self.assertEqual(letters.won_revenue, 1000.0)
        self.assertEqual(letters.invoiced_revenue, 200.0, "40 boxes at 5.00, untaxed")
        self.assertAlmostEqual(letters.roi, 400.0)
        self.assertEqual(self.calls.with_user(self.user_marketing).roi, 0.0, "no cost, no ROI")

    def test_campaign_figures_roi_and_conversion(self):
        campaign = self.campaign.with_user(self.user_marketing)
        self.assertEqual(
            (campaign.kbe_targeted, campaign.kbe_reached, campaign.kbe_responded),
            (7, 8, 7),
        )
        self.assertEqual(campaign.kbe_lead_count, 3, "two from activities, one from the campaign alone")
        self.assertEqual((campaign.kbe_opportunity_count, campaign.kbe_won_count), (1, 1))
        self.assertEqual(
            (campaign.kbe_won_revenue, campaign.kbe_invoiced_revenue, campaign.kbe_cost), (1000.0, 200.0, 300.0)
        )
        self.assertAlmostEqual(campaign.kbe_roi, 700.0 / 3)
        self.assertAlmostEqual(campaign.kbe_roi_invoiced, -100.0 / 3)
        self.assertAlmostEqual(campaign.kbe_response_rate, 7 / 8 * 100)
        self.assertAlmostEqual(campaign.kbe_win_rate, 100 / 3)
        empty = self.env["utm.campaign"].with_user(self.user_marketing).create({"title": "Tanpa biaya"})
        self.assertEqual((empty.kbe_cost, empty.kbe_roi, empty.kbe_reach_rate), (0.0, 0.0, 0.0))

    def test_analysis_pivots_by_channel(self):
        Report = self.env["kbe.campaign.report"].with_user(self.user_marketing)
        rows = Report._read_group(
            [("campaign_id", "=", self.campaign.id)], ["channel"], ["reached:sum", "lead_count:sum", "cost:sum"]
        )
        self.assertEqual(
            {channel: (reached, leads, cost) for channel, reached, leads, cost in rows},
            {
                "email": (2, 0, 100.0),
                "telemarketing": (2, 1, 0.0),
                "direct_mail": (1, 1, 200.0),
                "web": (3, 0, 0.0),
                False: (0, 1, 0.0),
            },
        )
        segment_rows = Report._read_group([("campaign_id", "=", self.campaign.id)], ["segment_id"], ["targeted:sum"])
        self.assertEqual(dict(segment_rows)[self.segment], 7)

    def test_figures_cost_the_same_queries_for_one_or_many_campaigns(self):
        others = self.env["utm.campaign"].create([{"title": f"Kampanye {i}"} for i in range(5)])
        for campaign in others:
            self.env["kbe.campaign.activity"].create(
                {"name": "E-mail", "campaign_id": campaign.id, "channel": "email", "cost": 10.0}
            )
        one = self.campaign.with_user(self.user_marketing)
        many = (self.campaign | others).with_user(self.user_marketing)
        self.env.flush_all()
        queries = []
        for campaigns in (many, one, many):  # the first one warms the caches
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            campaigns.mapped("kbe_roi")
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[1], queries[2], "six campaigns cost the queries of one")
        self.assertLessEqual(queries[2], 4)

    def test_leads_from_the_mailing_and_the_link_count_for_their_activity(self):
        # what Odoo gives a lead from a mailing (mass_mailing_crm) or from a tracked link (the
        # website's UTM cookie): the campaign, the medium and the mailing's or link's source
        mailing = self.email.mailing_id
        link = self.web.link_ids
        self.env["crm.lead"].create(
            [
                {
                    "name": "Balasan e-mail",
                    "campaign_id": mailing.campaign_id.id,
                    "medium_id": mailing.medium_id.id,
                    "source_id": mailing.source_id.id,
                },
                {
                    "name": "Formulir situs",
                    "campaign_id": link.campaign_id.id,
                    "medium_id": link.medium_id.id,
                    "source_id": link.source_id.id,
                },
            ]
        )
        email = self.email.with_user(self.user_marketing)
        self.assertEqual(email.lead_count, 1)
        self.assertEqual(email.lead_count, mailing.crm_lead_count, "the same count as Email Marketing's")
        self.assertEqual(self.web.with_user(self.user_marketing).lead_count, 1)
        self.assertEqual(self.campaign.with_user(self.user_marketing).kbe_lead_count, 5)
