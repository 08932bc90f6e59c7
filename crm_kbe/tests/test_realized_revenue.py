from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestRealizedRevenue(KbeSalesCommon):
    """Orders and invoices stay linked to the opportunity; realized revenue follows posted invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls.env["res.users"].create(
            {
                "name": "Akuntan",
                "login": "kbe_accountant_all_leads",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            cls.env.ref("account.group_account_invoice").id,
                            cls.env.ref("sales_team.group_sale_salesman_all_leads").id,
                        ],
                    )
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.opportunity = self._lead(type="opportunity", partner_id=self.customer.id, expected_revenue=1000)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.opportunity.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 5, "price_unit": 100})],
            }
        )
        order.action_confirm()
        self.order = order

    def _invoice(self):
        invoice = self.order.with_user(self.accountant)._create_invoices()
        return invoice

    def test_invoice_keeps_the_opportunity(self):
        invoice = self._invoice()
        self.assertEqual(invoice.kbe_opportunity_id, self.opportunity)
        self.assertEqual(self.opportunity.kbe_invoice_count, 1)
        self.assertEqual(self.opportunity.kbe_realized_revenue, 0, "a draft invoice realizes nothing")
        invoice.action_post()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 500)
        action = self.opportunity.with_user(self.user_salesman).action_kbe_view_invoices()
        self.assertEqual(action["res_id"], invoice.id)

    def test_credit_note_reduces_realized_revenue(self):
        invoice = self._invoice()
        invoice.action_post()
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Sebagian nasi kotak terlambat"})
        )
        with Form(wizard):
            pass
        result = wizard.refund_moves()
        refund = self.env["account.move"].browse(result["res_id"])
        self.assertEqual(refund.kbe_opportunity_id, self.opportunity, "the credit note keeps the link")
        refund.invoice_line_ids[0].quantity = 2
        refund.action_post()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 300)

    def test_cancelled_invoice_no_longer_counts(self):
        invoice = self._invoice()
        invoice.action_post()
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self.opportunity.kbe_realized_revenue, 0)

    def test_realized_revenue_is_in_company_currency(self):
        other_currency = self.env["res.currency"].create({"name": "KBX", "symbol": "K", "rounding": 0.01})
        self.env["res.currency.rate"].create(
            {"currency_id": other_currency.id, "rate": 2.0, "company_id": self.env.company.id}
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "currency_id": other_currency.id,
                "kbe_opportunity_id": self.opportunity.id,
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id, "quantity": 1, "price_unit": 200})],
            }
        )
        invoice.action_post()
        self.assertAlmostEqual(self.opportunity.kbe_realized_revenue, 100, places=2)


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
    def test_refuses_to_invoice_a_quotation(self):
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "order_line": [(0, 0, {"product_id": self.product.id})]}
        )
        with self.assertRaisesRegex(UserError, "confirmed"):
            order.with_user(self.user_sales_manager).action_kbe_create_invoice()
        self.assertFalse(order.invoice_ids)
