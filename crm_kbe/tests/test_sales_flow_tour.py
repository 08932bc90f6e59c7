from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestSalesFlowTour(KbeTourCase):
    """The KBE document's walkthrough, clicked in Chromium by the people who do it: the sales rep
    (Own Documents Only) from the customer to the confirmed order, then the accountant (Invoicing
    / Billing only) from Invoicing -> Orders to Invoice to the posted invoice."""

    def test_kbe_sales_flow_rep_then_accountant(self):
        # the "Leads" setting of CRM (KBE works from leads); the rep belongs to a sales team
        self.env.ref("base.group_user").implied_ids |= self.env.ref("crm.group_use_lead")
        self.env.company.kbe_won_trigger = "quotation"
        team = self.env.ref("crm_kbe.crm_team_catering_demo")
        team.member_ids |= self.user_salesman

        self.start_tour("/odoo", "crm_kbe_sales_flow", login=self.user_salesman.login)
        opportunity = self.env["crm.lead"].search([("name", "=", "Katering makan siang kantor")])
        self.assertEqual(len(opportunity), 1)
        self.assertEqual((opportunity.type, opportunity.user_id), ("opportunity", self.user_salesman))
        self.assertEqual(opportunity.partner_id.name, "PT. KITA Nusantara", "the existing customer was linked")
        self.assertIn("Yeyen", opportunity.partner_id.child_ids.mapped("name"))
        self.assertIn("150 orang", opportunity.description)
        self.assertEqual((opportunity.expected_revenue, opportunity.probability), (1500, 100))
        self.assertTrue(opportunity.stage_id.is_won, "creating the quotation marked it won")
        call = opportunity.kbe_call_ids.filtered(lambda c: c.name == "Kirim menu paket A")
        self.assertEqual((call.state, call.user_id), ("held", self.user_salesman))
        self.assertIn("150 orang", call.purpose)
        self.assertEqual(call.followup_ids.state, "planned", "the follow-up call was scheduled")
        order = opportunity.order_ids
        self.assertEqual((order.state, order.invoice_status), ("sale", "to invoice"))
        self.assertFalse(opportunity.kbe_realized_revenue)

        self.start_tour("/odoo", "crm_kbe_invoice_flow", login=self.user_accountant.login)
        invoice = opportunity.kbe_invoice_ids
        self.assertEqual(len(invoice), 1, "the invoice of the order keeps the opportunity")
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "posted"))
        self.assertEqual(invoice.create_uid, self.user_accountant)
        self.assertEqual(invoice.invoice_line_ids.product_id.name, "Nasi Kotak Paket A")
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(opportunity.kbe_realized_revenue, invoice.amount_untaxed_signed)
        self.assertGreater(opportunity.kbe_realized_revenue, 0, "the posted invoice realized the opportunity")
