from datetime import date

from odoo.tests import new_test_user, tagged
from odoo.tools import date_utils

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestPartnerTour(KbeTourCase):
    """The partner channel in Chromium, each step clicked by the person who does it: the prospect
    reseller (portal) applies, the partner program manager qualifies it as Silver, the partner
    registers a deal on the portal, the manager accepts it; the deal is won by its salesperson and
    invoiced by the accountant; the manager settles the rebates, which makes the rebate bill, and
    reads the partner's scorecard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.silver = env.ref("crm_kbe.kbe_partner_tier_silver")
        # what this program asks of a reseller on the day it joins: the signed agreement (the
        # figures are reviewed later by the scheduled review)
        cls.silver.write(
            {
                "min_won_revenue": 0,
                "min_certified_count": 0,
                "min_satisfaction": 0,
                "agreement_required": True,
                "certification_requirement_ids": [(5, 0, 0)],
            }
        )
        cls.prospect = env["res.partner"].create({"name": "PT. Calon Mitra", "is_company": True, "city": "Bekasi"})
        cls.prospect_user = new_test_user(env, login="kbe_calon_mitra", name="Sinta Calon", groups="base.group_portal")
        cls.prospect_user.partner_id.parent_id = cls.prospect
        cls.package = env["product.product"].create(
            {"name": "Paket gathering 300 pax", "list_price": 150_000_000, "sale_ok": True, "type": "service"}
        )
        today = date.today()
        cls.month = (date_utils.start_of(today, "month"), date_utils.end_of(today, "month"))
        cls.scheme = env["kbe.incentive.scheme"].create(
            {
                "name": "Rebate Mitra",
                "tier_ids": [(6, 0, cls.silver.ids)],
                "document_type": "in_invoice",
                "line_ids": [(0, 0, {"threshold": 100_000_000, "rate": 2})],
            }
        )

    def test_prospect_to_rebate_bill_and_scorecard(self):
        self.start_tour("/my", "crm_kbe_partner_apply", login="kbe_calon_mitra")
        qualification = self.env["kbe.partner.qualification"].search([("partner_id", "=", self.prospect.id)])
        self.assertEqual((qualification.state, qualification.tier_id), ("submitted", self.silver))
        self.assertEqual(self.prospect.kbe_partner_status, "prospect")

        self.start_tour(
            "/odoo/action-crm_kbe.kbe_partner_qualification_action",
            "crm_kbe_partner_qualify",
            login="kbe_partner_manager",
        )
        self.assertEqual(qualification.state, "approved")
        self.assertEqual((self.prospect.kbe_partner_status, self.prospect.kbe_partner_tier_id), ("active", self.silver))

        self.start_tour("/my/partnership", "crm_kbe_partner_register_deal", login="kbe_calon_mitra")
        registration = self.env["kbe.deal.registration"].search([("partner_id", "=", self.prospect.id)])
        self.assertEqual((registration.state, registration.expected_revenue), ("submitted", 150_000_000))

        self.start_tour(
            "/odoo/action-crm_kbe.kbe_deal_registration_action",
            "crm_kbe_partner_accept_deal",
            login="kbe_partner_manager",
        )
        opportunity = registration.lead_id
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(opportunity.kbe_channel_partner_id, self.prospect)

        # won by its salesperson and invoiced by the accountant (their clicks are the KBE
        # walkthrough's own tours)
        salesperson = opportunity.user_id
        order = (
            self.env["sale.order"]
            .with_user(salesperson)
            .create(
                {
                    "partner_id": opportunity.partner_id.id,
                    "opportunity_id": opportunity.id,
                    "order_line": [(0, 0, {"product_id": self.package.id, "product_uom_qty": 1})],
                }
            )
        )
        order.with_user(salesperson).action_confirm()
        if not opportunity.stage_id.is_won:
            opportunity.with_user(salesperson).action_set_won()
        invoice = order.with_user(self.user_accountant)._create_invoices()
        invoice.with_user(self.user_accountant).action_post()
        self.assertEqual(invoice.kbe_channel_partner_id, self.prospect, "the invoice carries the partner")

        self.env["kbe.incentive.settlement"].with_user(self.user_partner_manager).create(
            {
                "name": "Rebate Mitra Baru",
                "date_from": self.month[0],
                "date_to": self.month[1],
                "scheme_ids": [(6, 0, self.scheme.ids)],
            }
        )
        self.start_tour(
            "/odoo/action-crm_kbe.kbe_incentive_settlement_action",
            "crm_kbe_partner_settle",
            login="kbe_partner_manager",
        )
        bill = self.env["account.move"].search(
            [("partner_id", "=", self.prospect.id), ("move_type", "=", "in_invoice")]
        )
        self.assertEqual(len(bill), 1, "one rebate bill for the partner")
        self.assertAlmostEqual(bill.amount_untaxed, 3_000_000, msg="2 % of the 150 million invoiced through it")

        self.start_tour(
            "/odoo/action-crm_kbe.kbe_partner_scorecard_action",
            "crm_kbe_partner_scorecard",
            login="kbe_partner_manager",
        )
        card = self.env["kbe.partner.scorecard"].search(
            [("partner_id", "=", self.prospect.id), ("date_from", "=", self.month[0]), ("date_to", "=", self.month[1])]
        )
        self.assertEqual((card.won_revenue, card.invoiced_revenue), (150_000_000, 150_000_000))
