from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestPartnerChannel(KbeSalesCommon):
    """The channel partner who brought a deal follows it from the opportunity to its order and
    invoices, where the partner program measures and rewards it."""

    def test_channel_partner_follows_order_and_invoice(self):
        opportunity = self._lead(type="opportunity", partner_id=self.customer.id)
        opportunity.with_user(self.user_salesman).kbe_channel_partner_id = self.channel_partner
        order_form = Form(
            self.env["sale.order"].with_user(self.user_salesman).with_context(default_opportunity_id=opportunity.id)
        )
        order_form.partner_id = self.customer
        with order_form.order_line.new() as line:
            line.product_id = self.product
        order = order_form.save()
        self.assertEqual(
            order.kbe_channel_partner_id, self.channel_partner, "the order carries the partner who brought the deal"
        )
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.kbe_channel_partner_id, self.channel_partner)
        invoice.action_post()
        refund = invoice._reverse_moves()
        self.assertEqual(
            refund.kbe_channel_partner_id, self.channel_partner, "a credit note counts against the same partner"
        )

    def test_tier_in_use_cannot_be_deleted(self):
        silver = self.env.ref("crm_kbe.kbe_partner_tier_silver")
        with self.assertRaisesRegex(UserError, "tier of"):
            silver.with_user(self.user_partner_manager).unlink()
        self.assertTrue(silver.exists())
        spare = self.env["kbe.partner.tier"].create({"name": "Platinum", "sequence": 40})
        spare.with_user(self.user_partner_manager).unlink()
        self.assertFalse(spare.exists())
