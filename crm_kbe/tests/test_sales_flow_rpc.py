from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSalesFlowRpc(HttpCase):
    """The whole KBE flow over XML-RPC, as an integrator scripts it: every button is a public
    method that returns an action and needs no browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep = new_test_user(
            cls.env,
            login="kbe_rpc_rep",
            password="kbe_rpc_rep_pw",
            groups="sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )
        cls.env.company.kbe_won_trigger = "quotation"
        cls.product = cls.env["product.product"].create({"name": "Snack Box RPC", "list_price": 2.0})

    def _call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.rep.id, "kbe_rpc_rep_pw", model, method, list(args), kwargs
        )

    def test_flow_over_xmlrpc(self):
        customer_id = self._call("res.partner", "create", {"name": "PT. RPC Katering", "is_company": True})
        lead_id = self._call(
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
        action = self._call("crm.lead", "action_kbe_convert", [lead_id])
        self.assertEqual(action["res_model"], "kbe.lead.convert")
        wizard_id = self._call(
            "kbe.lead.convert",
            "create",
            {"lead_ids": [(6, 0, [lead_id])], "customer_action": "exist", "partner_id": customer_id},
        )
        action = self._call("kbe.lead.convert", "action_apply", [wizard_id])
        self.assertEqual(action["res_id"], lead_id)
        self._call("crm.lead", "write", [lead_id], {"expected_revenue": 100, "probability": 60})

        # "New Quotation" returns the quotation form with the opportunity's defaults
        action = self._call("crm.lead", "action_sale_quotations_new", [lead_id])
        context = action["context"]
        self.assertEqual(context["default_opportunity_id"], lead_id)
        self.assertEqual(context["default_partner_id"], customer_id)
        order_id = self._call(
            "sale.order",
            "create",
            {
                "partner_id": customer_id,
                "opportunity_id": lead_id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 50})],
            },
        )
        [lead] = self._call("crm.lead", "read", [lead_id], ["probability", "stage_id"])
        self.assertEqual(lead["probability"], 100, "the quotation marked the opportunity won")
        self._call("sale.order", "action_confirm", [order_id])

        # "Create Invoice" (Odoo's wizard returns an action XML-RPC cannot carry; crm_kbe's can)
        action = self._call("sale.order", "action_kbe_create_invoice", [order_id])
        invoice_id = action["res_id"]
        self._call("account.move", "action_post", [invoice_id])
        [invoice] = self._call("account.move", "read", [invoice_id], ["kbe_opportunity_id", "state"])
        self.assertEqual(invoice["kbe_opportunity_id"][0], lead_id)
        [lead] = self._call("crm.lead", "read", [lead_id], ["kbe_realized_revenue", "kbe_invoice_count"])
        self.assertEqual(lead["kbe_realized_revenue"], 100)
        self.assertEqual(lead["kbe_invoice_count"], 1)
        action = self._call("crm.lead", "action_kbe_view_invoices", [lead_id])
        self.assertEqual(action["res_id"], invoice_id)
