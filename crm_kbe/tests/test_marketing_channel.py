import base64
import csv
import io

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_campaign import KbeCampaignCommon


@tagged("post_install", "-at_install")
class TestMarketingChannel(KbeCampaignCommon):
    """Each channel of a campaign as the marketing user runs it, and the campaign kept by the
    leads, orders and invoices that come from it."""

    def test_email_mailing_goes_to_the_reachable_members_personalised(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.rasa.id, "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 20})]}
        )
        order.action_confirm()
        activity = self._activity("email")
        activity.action_kbe_prepare_mailing()
        mailing = activity.mailing_id
        self.assertEqual(mailing.campaign_id, self.campaign)
        self.assertEqual(mailing.source_id, activity.source_id)
        self.assertEqual(mailing.medium_id, self.env.ref("utm.utm_medium_email"))
        self.assertEqual(activity.state, "scheduled")
        recipients = self.env["res.partner"].search(mailing.with_user(self.user_marketing)._get_recipients_domain())
        self.assertEqual(recipients, self.rasa | self.dapur, "the e-mail members, not Warung Sentosa")
        body = mailing.with_user(self.user_marketing)._render_field("body_html", self.rasa.ids)[self.rasa.id]
        self.assertIn("PT. Rasa Prima", body)
        self.assertIn("Nasi Kotak Rendang", body, "the customer's last product")
        self.assertIn(self.user_salesman.name, body, "their salesperson")
        # Odoo's mailing sends it; the activity follows
        mailing.with_user(self.user_marketing).action_put_in_queue()
        self.assertEqual(activity.state, "running")
        mailing.write({"state": "done"})
        self.assertEqual(activity.state, "done")

    def test_last_product_is_read_for_all_recipients_at_once(self):
        partners = self.rasa | self.dapur | self.warung
        for partner in partners:
            self.env["sale.order"].create(
                {"partner_id": partner.id, "order_line": [(0, 0, {"product_id": self.product.id})]}
            ).action_confirm()
        queries = []
        for recipients in (partners, self.rasa, partners):  # the first one warms the caches
            recipients = recipients.with_user(self.user_marketing)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            names = recipients.mapped("kbe_last_product_name")
            queries.append(self.env.cr.sql_log_count - before)
            self.assertEqual(names, ["Nasi Kotak Rendang"] * len(recipients))
        self.assertEqual(queries[1], queries[2], "three recipients cost the queries of one")
        self.assertLessEqual(queries[2], 6)

    def test_newsletter_builds_a_list_of_the_segment(self):
        existing = self.env["mailing.contact"].create({"name": "Dapur Ibu", "email": "pesan@dapuribu.example.com"})
        activity = self._activity("newsletter")
        activity.action_kbe_prepare_mailing()
        mailing = activity.mailing_id
        self.assertEqual(mailing.mailing_model_real, "mailing.contact")
        contacts = mailing.contact_list_ids.contact_ids
        self.assertEqual(sorted(contacts.mapped("email")), sorted([self.rasa.email, self.dapur.email]))
        self.assertIn(existing, contacts, "an existing contact is reused, not duplicated")
        self.assertEqual(mailing.medium_id, self.env.ref("crm_kbe.utm_medium_newsletter"))

    def test_telemarketing_makes_one_call_per_phone_member_with_the_campaign(self):
        activity = self._activity(
            "telemarketing",
            team_id=self.sales_team.id,
            date_planned="2026-03-02 01:00:00",
            date_end="2026-03-06 10:00:00",
        )
        activity.action_kbe_create_calls()
        calls = activity.call_ids
        self.assertEqual(calls.partner_id, self.rasa | self.warung)
        self.assertEqual(calls.campaign_id, self.campaign)
        self.assertTrue(set(calls.user_id) <= set(self.sales_team.member_ids), "spread over the team")
        self.assertEqual(activity.state, "running")
        # a second run plans no duplicate
        activity.action_kbe_create_calls()
        self.assertEqual(len(activity.call_ids), 2)
        # the positive call becomes a lead with the campaign, for the customer's salesperson
        rasa_call = calls.filtered(lambda c: c.partner_id == self.rasa)
        rasa_call.sudo()._kbe_log("held", outcome="interested", notes="<p>Mau coba 50 kotak</p>")
        calls.filtered(lambda c: c.partner_id == self.warung).sudo()._kbe_log("held", outcome="not_interested")
        action = activity.action_kbe_leads_from_calls()
        self.assertEqual(
            self.env["crm.lead"].search(action["domain"]), rasa_call.lead_id, "one lead, the positive call's"
        )
        lead = rasa_call.lead_id
        self.assertEqual((lead.campaign_id, lead.source_id), (self.campaign, activity.source_id))
        self.assertEqual(lead.medium_id, self.env.ref("crm_kbe.utm_medium_telemarketing"))
        self.assertEqual(lead.user_id, self.user_salesman)

    def test_direct_mail_recipients_codes_letters_labels_and_csv(self):
        activity = self._activity("direct_mail")
        activity.action_kbe_prepare_recipients()
        recipients = activity.recipient_ids
        self.assertEqual(recipients.partner_id, self.rasa | self.warung, "the members with a postal address")
        codes = recipients.mapped("reply_code")
        self.assertEqual(len(set(codes)), 2)
        for code in codes:
            self.assertRegex(code, r"^KBE-[2-9A-HJKMNP-Z]{5}$")
        activity.action_kbe_prepare_recipients()
        self.assertEqual(activity.recipient_ids, recipients, "run again, it adds nobody twice")
        rasa = recipients.filtered(lambda r: r.partner_id == self.rasa)
        html = self.env["ir.actions.report"]._render_qweb_html("crm_kbe.report_kbe_campaign_letter", rasa.ids)[0]
        html = html.decode()
        for text in ("PT. Rasa Prima", "Jl. Kemang Raya 5", self.user_salesman.name, rasa.reply_code):
            self.assertIn(text, html)
        labels = self.env["ir.actions.report"]._render_qweb_html("crm_kbe.report_kbe_campaign_labels", recipients.ids)
        self.assertEqual(labels[0].decode().count("o_kbe_label"), 2)
        action = activity.action_kbe_print_letters()
        self.assertEqual(action["report_name"], "crm_kbe.report_kbe_campaign_letter")
        self.assertTrue(all(recipients.mapped("date_printed")), "printing marks them printed")
        action = activity.action_kbe_export_csv()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = list(csv.reader(io.StringIO(base64.b64decode(attachment.datas).decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["name", "street", "street2", "zip", "city", "state", "country", "reply_code"])
        self.assertIn(
            ["PT. Rasa Prima", "Jl. Kemang Raya 5", "", "12730", "Jakarta Selatan", "", "Indonesia", rasa.reply_code],
            rows,
        )

    def test_response_by_reply_code_and_lead_with_the_campaign_context(self):
        activity = self._activity("direct_mail")
        activity.action_kbe_prepare_recipients()
        rasa = activity.recipient_ids.filtered(lambda r: r.partner_id == self.rasa)
        wizard = Form(self.env["kbe.campaign.response.wizard"].with_user(self.user_marketing))
        wizard.reply_code = rasa.reply_code.lower().replace("kbe-", "")
        wizard.response = "interested"
        wizard.note = "Minta contoh menu untuk 80 orang"
        self.assertTrue(wizard.create_lead, "an interested reply proposes a lead")
        wizard.save().action_apply()
        self.assertEqual(rasa.response, "interested")
        self.assertTrue(rasa.date_responded)
        lead = rasa.lead_id
        self.assertEqual((lead.campaign_id, lead.source_id), (self.campaign, activity.source_id))
        self.assertEqual(lead.medium_id, self.env.ref("crm_kbe.utm_medium_direct_mail"))
        self.assertEqual(lead.user_id, self.user_salesman, "for the customer's salesperson")
        self.assertEqual(lead.team_id, self.sales_team)
        self.assertIn("Minta contoh menu", lead.description)
        self.assertIn(activity.name, lead.description)
        # the salesperson sees it in their pipeline
        self.assertTrue(self.kbe_may(self.user_salesman, lead, "write"))
        for code in ("KBE-ZZZZZ", "", "tidak ada"):
            with self.subTest(code=code), self.assertRaises(UserError):
                Form(self.env["kbe.campaign.response.wizard"].with_user(self.user_marketing))
                self.env["kbe.campaign.response.wizard"].with_user(self.user_marketing).create(
                    {"reply_code": code or " ", "response": "info"}
                ).action_apply()
        warung = activity.recipient_ids - rasa
        with self.assertRaises(UserError):
            warung.with_user(self.user_marketing).action_create_lead()

    def test_reply_code_of_another_company_is_refused_clearly(self):
        other_company = self.env["res.company"].create({"name": "PT. Kaktus Berduri Surabaya"})
        campaign = self.env["utm.campaign"].create({"title": "Promo Surabaya", "company_id": other_company.id})
        activity = (
            self.env["kbe.campaign.activity"]
            .with_company(other_company)
            .create(
                {
                    "name": "Surat Surabaya",
                    "campaign_id": campaign.id,
                    "channel": "direct_mail",
                    "company_id": other_company.id,
                }
            )
        )
        recipient = self.env["kbe.campaign.recipient"].create(
            {"activity_id": activity.id, "partner_id": self.warung.id}
        )
        wizard = (
            self.env["kbe.campaign.response.wizard"]
            .with_user(self.user_marketing)
            .create({"reply_code": recipient.reply_code, "response": "order"})
        )
        with self.assertRaisesRegex(UserError, "another company"):
            wizard.action_apply()
        self.assertFalse(recipient.response)

    def test_web_link_carries_the_utm(self):
        activity = self._activity("web", link_url="https://kaktusberduri.example.com/promo")
        action = activity.action_kbe_create_link()
        link = activity.link_ids
        self.assertEqual(action["domain"], [("kbe_campaign_activity_id", "=", activity.id)])
        self.assertEqual(link.campaign_id, self.campaign)
        self.assertEqual(link.source_id, activity.source_id)
        self.assertEqual(link.medium_id, self.env.ref("utm.utm_medium_website"))
        self.assertIn("utm_campaign=", link.redirected_url)
        self.assertIn("utm_source=", link.redirected_url)
        self.assertIn("utm_medium=Website", link.redirected_url)
        self.assertTrue(link.short_url)
        with self.assertRaises(UserError):
            self._activity("web").action_kbe_create_link()

    def test_orders_and_invoices_keep_the_campaign_of_their_opportunity(self):
        activity = self._activity("direct_mail")
        activity.action_kbe_prepare_recipients()
        rasa = activity.recipient_ids.filtered(lambda r: r.partner_id == self.rasa)
        rasa._kbe_record_response("order")
        lead = rasa._kbe_create_leads()
        lead.with_user(self.user_salesman).convert_opportunity(lead.partner_id)
        # an order made on the opportunity otherwise than by its button keeps the campaign too
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": self.rasa.id,
                    "opportunity_id": lead.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 40})],
                }
            )
        )
        self.assertEqual(
            (order.campaign_id, order.medium_id, order.source_id), (lead.campaign_id, lead.medium_id, lead.source_id)
        )
        # and through the button (Odoo's context)
        action = lead.with_user(self.user_salesman).action_sale_quotations_new()
        quotation = Form(self.env["sale.order"].with_user(self.user_salesman).with_context(**action["context"]))
        quotation.partner_id = self.rasa
        self.assertEqual(quotation.save().campaign_id, self.campaign)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual((invoice.campaign_id, invoice.source_id), (self.campaign, activity.source_id))

    def test_closed_or_foreign_activities_refuse_channel_actions(self):
        activity = self._activity("email")
        with self.assertRaises(UserError):
            activity.action_kbe_create_calls()
        with self.assertRaises(UserError):
            activity.action_kbe_prepare_recipients()
        activity.action_cancel()
        with self.assertRaises(UserError):
            activity.action_kbe_prepare_mailing()
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(UserError):
            self._activity("telemarketing").action_kbe_create_calls()
