import ast
from xmlrpc.client import Fault

from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestSalesFlowRpc(KbeTourCase):
    """The whole KBE flow over XML-RPC, as an integrator scripts it, by the people who do it: the
    rep (Own Documents Only) from the customer to the confirmed order, the accountant (Invoicing
    / Billing only) from the orders to invoice to the posted invoice. Every button is a public
    method that returns an action and needs no browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kbe_won_trigger = "quotation"
        cls.product = cls.env["product.product"].create({"name": "Snack Box RPC", "list_price": 2.0})

    def _call(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def _rep(self, model, method, *args, **kwargs):
        return self._call(self.user_salesman, model, method, *args, **kwargs)

    def _accountant(self, model, method, *args, **kwargs):
        return self._call(self.user_accountant, model, method, *args, **kwargs)

    def test_flow_over_xmlrpc_rep_then_accountant(self):
        customer_id = self._rep("res.partner", "create", {"name": "PT. RPC Katering", "is_company": True})
        lead_id = self._rep(
            "crm.lead",
            "create",
            {
                "name": "Katering RPC",
                "type": "lead",
                "partner_name": "PT. RPC Katering",
                "description": "<p>Memo: 50 nasi kotak</p>",
            },
        )
        # "Convert to Opportunity" opens the KBE wizard
        action = self._rep("crm.lead", "action_kbe_convert", [lead_id])
        self.assertEqual(action["res_model"], "kbe.lead.convert")
        wizard_id = self._rep(
            "kbe.lead.convert",
            "create",
            {"lead_ids": [(6, 0, [lead_id])], "customer_action": "exist", "partner_id": customer_id},
        )
        action = self._rep("kbe.lead.convert", "action_apply", [wizard_id])
        self.assertEqual(action["res_id"], lead_id)
        self._rep("crm.lead", "write", [lead_id], {"expected_revenue": 100, "probability": 60})

        # "New Quotation" returns the quotation form with the opportunity's defaults
        action = self._rep("crm.lead", "action_sale_quotations_new", [lead_id])
        context = action["context"]
        self.assertEqual(context["default_opportunity_id"], lead_id)
        self.assertEqual(context["default_partner_id"], customer_id)
        order_id = self._rep(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "opportunity_id": lead_id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 50})],
            },
        )
        [lead] = self._rep("crm.lead", "read", [lead_id], ["probability", "user_id"])
        self.assertEqual(lead["probability"], 100, "the quotation marked the opportunity won")
        self.assertEqual(lead["user_id"][0], self.user_salesman.id)
        self._rep("sale.order", "action_confirm", [order_id])

        # the accountant: the order is among the orders to invoice (Invoicing -> Orders to Invoice)
        domain = ast.literal_eval(self.env.ref("sale.action_orders_to_invoice").domain)
        to_invoice = self._accountant("sale.order", "search", domain)
        self.assertIn(order_id, to_invoice)
        # "Create Invoice" (Odoo's wizard returns an action XML-RPC cannot carry; crm_kbe's can)
        action = self._accountant("sale.order", "action_kbe_create_invoice", [order_id])
        invoice_id = action["res_id"]
        self._accountant("account.move", "action_post", [invoice_id])
        [invoice] = self._accountant("account.move", "read", [invoice_id], ["kbe_opportunity_id", "state"])
        self.assertEqual(invoice["state"], "posted")
        self.assertEqual(invoice["kbe_opportunity_id"][0], lead_id, "the invoice names its opportunity")
        # ... though the accountant may not open the opportunity itself
        with self.assertRaisesRegex(Fault, "AccessError|not allowed"):
            self._accountant("crm.lead", "read", [lead_id], ["kbe_realized_revenue"])

        # the rep sees the opportunity realized
        [lead] = self._rep("crm.lead", "read", [lead_id], ["kbe_realized_revenue", "kbe_invoice_count"])
        self.assertEqual(lead["kbe_realized_revenue"], 100)
        self.assertEqual(lead["kbe_invoice_count"], 1)
        action = self._rep("crm.lead", "action_kbe_view_invoices", [lead_id])
        self.assertEqual(action["res_id"], invoice_id)
