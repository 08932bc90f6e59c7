from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestRealizedRevenue(KbeSalesCommon):
    """Orders and invoices stay linked to the opportunity; realized revenue follows the invoices
    the accountant (Invoicing / Billing only, no right on opportunities) creates and posts."""

    def setUp(self):
        super().setUp()
        self.opportunity = self._lead(type="opportunity", partner_id=self.customer.id, expected_revenue=1000)
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": self.opportunity.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 5, "price_unit": 100})],
                }
            )
        )
        order.action_confirm()
        self.order = order.with_user(self.user_accountant)

    def _invoice(self):
        """The accountant's "Create Invoice" on the order: Odoo's wizard."""
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(self.user_accountant)
            .with_context(active_model="sale.order", active_ids=self.order.ids)
            .create({})
        )
        action = wizard.create_invoices()
        return self.env["account.move"].with_user(self.user_accountant).browse(action["res_id"])

    def test_invoice_keeps_the_opportunity(self):
        invoice = self._invoice()
        self.assertEqual(invoice.kbe_opportunity_id, self.opportunity)
        self.assertEqual(self.opportunity.kbe_invoice_count, 1)
        self.assertEqual(self.opportunity.kbe_realized_revenue, 0, "a draft invoice realizes nothing")
        invoice.action_post()
        self.assertEqual(self.opportunity.with_user(self.user_salesman).kbe_realized_revenue, 500)
        action = self.opportunity.with_user(self.user_salesman).action_kbe_view_invoices()
        self.assertEqual(action["res_id"], invoice.id)

    def test_accountant_cannot_open_the_opportunity(self):
        invoice = self._invoice()
        with self.assertRaises(AccessError):
            invoice.kbe_opportunity_id.check_access("read")
        with self.assertRaises(AccessError):
            self.opportunity.with_user(self.user_accountant).read(["kbe_realized_revenue"])
        # the invoice itself reads fine, its opportunity's name included (as a many2one's name)
        [values] = invoice.read(["kbe_opportunity_id", "state"])
        self.assertEqual(values["kbe_opportunity_id"], (self.opportunity.id, self.opportunity.display_name))

    def test_credit_note_reduces_realized_revenue(self):
        invoice = self._invoice()
        invoice.action_post()
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Sebagian nasi kotak terlambat"})
        )
        with Form(wizard):
            pass
        result = wizard.refund_moves()
        refund = self.env["account.move"].with_user(self.user_accountant).browse(result["res_id"])
        self.assertEqual(refund.kbe_opportunity_id, self.opportunity, "the credit note keeps the link")
        refund.invoice_line_ids[0].quantity = 2
        refund.action_post()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 300)

    def test_cancelled_invoice_no_longer_counts(self):
        invoice = self._invoice()
        invoice.action_post()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 500)
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 0)

    def test_realized_revenue_is_in_company_currency(self):
        other_currency = self.env["res.currency"].create({"name": "KBX", "symbol": "K", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {"currency_id": other_currency.id, "rate": 2.0, "company_id": self.env.company.id}
        )
        invoice = self._invoice()
        # the accountant bills this one in the customer's currency: 500 KBX are 250 in company currency
        invoice.currency_id = other_currency
        invoice.action_post()
        self.assertAlmostEqual(self.opportunity.kbe_realized_revenue, 250, places=2)


@tagged("post_install", "-at_install")
class TestMultiCompany(KbeSalesCommon):
    def test_other_company_opportunities_stay_apart(self):
        other = self.env["res.company"].create({"name": "PT. Cabang Surabaya"})
        foreign = self.env["crm.lead"].create(
            {"name": "Katering Surabaya", "type": "opportunity", "company_id": other.id}
        )
        mine = self._lead(type="opportunity", company_id=self.env.company.id)
        self.user_salesman.company_ids = [(6, 0, self.env.company.ids)]
        visible = self.env["crm.lead"].with_user(self.user_salesman).search([("id", "in", (foreign | mine).ids)])
        self.assertEqual(visible, mine)
        # an invoice of the other company cannot point at our opportunity
        with self.assertRaisesRegex(UserError, "company"):
            self.env["account.move"].with_company(other).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "kbe_opportunity_id": mine.id,
                }
            )


@tagged("post_install", "-at_install")
class TestCreateInvoiceAction(KbeSalesCommon):
    """``action_kbe_create_invoice``: the "Create Invoice" button for scripts, the accountant's."""

    def _order(self, **values):
        return self.env["sale.order"].create(
            {"partner_id": self.customer.id, "order_line": [(0, 0, {"product_id": self.product.id})], **values}
        )

    def test_accountant_invoices_a_confirmed_order(self):
        order = self._order(opportunity_id=self._lead(type="opportunity").id)
        order.action_confirm()
        action = order.with_user(self.user_accountant).action_kbe_create_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.line_ids.sale_line_ids.order_id, order)
        self.assertEqual(invoice.kbe_opportunity_id, order.opportunity_id)
        self.assertEqual(order.invoice_status, "invoiced")

    def test_refuses_to_invoice_a_quotation(self):
        order = self._order()
        with self.assertRaisesRegex(UserError, "confirmed"):
            order.with_user(self.user_accountant).action_kbe_create_invoice()
        self.assertFalse(order.invoice_ids)

    def test_people_without_order_rights_cannot_invoice(self):
        order = self._order()
        order.action_confirm()
        for user in (self.user_service_agent, self.user_internal, self.user_portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                order.with_user(user).action_kbe_create_invoice()
        self.assertFalse(order.invoice_ids)
