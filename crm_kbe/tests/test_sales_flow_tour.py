from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestSalesFlowTour(KbeTourCase):
    """The KBE document's walkthrough, clicked in Chromium by the admin (a sales manager)."""

    def test_kbe_sales_flow(self):
        self.env.ref("base.group_user").implied_ids |= self.env.ref("crm.group_use_lead")
        self.env.company.kbe_won_trigger = "quotation"
        self.start_tour("/odoo", "crm_kbe_sales_flow", login="admin")

        opportunity = self.env["crm.lead"].search([("name", "=", "Katering makan siang kantor")])
        self.assertEqual(len(opportunity), 1)
        self.assertEqual(opportunity.type, "opportunity")
        self.assertEqual(opportunity.partner_id.name, "PT. KITA Nusantara", "the existing customer was linked")
        self.assertIn("Yeyen", opportunity.partner_id.child_ids.mapped("name"))
        self.assertIn("150 orang", opportunity.description)
        self.assertEqual((opportunity.expected_revenue, opportunity.probability), (1500, 100))
        self.assertTrue(opportunity.stage_id.is_won, "creating the quotation marked it won")
        call = opportunity.kbe_call_ids.filtered(lambda c: c.name == "Kirim menu paket A")
        self.assertEqual(call.state, "held")
        self.assertIn("150 orang", call.purpose)
        self.assertEqual(call.followup_ids.state, "planned", "the follow-up call was scheduled")
        self.assertEqual(opportunity.order_ids.state, "sale")
        invoice = opportunity.kbe_invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.invoice_line_ids.product_id.name, "Nasi Kotak Paket A")
