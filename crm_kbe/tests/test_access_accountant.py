import ast

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeSalesCommon, KbeTourCase

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


class KbeConfirmedOrder:
    """A rep's opportunity and its confirmed order, waiting for the accountant."""

    @classmethod
    def _kbe_confirmed_order(cls, rep, customer, product):
        cls.opportunity = cls.env["crm.lead"].create(
            {"name": "Katering kantor", "type": "opportunity", "user_id": rep.id, "partner_id": customer.id}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": rep.id,
                "opportunity_id": cls.opportunity.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 4, "price_unit": 100})],
            }
        )
        cls.order.action_confirm()


@tagged("post_install", "-at_install")
class TestAccountantAccess(KbeConfirmedOrder, KbeSalesCommon):
    """The accountant (Invoicing / Billing only) reads and invoices every confirmed order, and
    may not read, change or delete opportunities, leads, calls or tickets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._kbe_confirmed_order(cls.user_salesman, cls.customer, cls.product)

    def test_accountant_rights_per_model(self):
        accountant = self.user_accountant
        self.assertRights(accountant, self.order, "rw-")
        self.assertRights(accountant, self.order.order_line, "rw-")
        self.assertRights(accountant, self.opportunity, "---")
        call = self.env["kbe.call"].create({"name": "Telepon", "lead_id": self.opportunity.id})
        self.assertRights(accountant, call, "---")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["crm.lead"].with_user(accountant).search([])
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["sale.order"].with_user(accountant).create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.ticket"].with_user(accountant).search([])

    def test_accountant_invoices_with_odoos_wizard_and_posts(self):
        accountant = self.user_accountant
        to_invoice = self.env["sale.order"].with_user(accountant).search([("invoice_status", "=", "to invoice")])
        self.assertIn(self.order, to_invoice)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_user(accountant)
            .with_context(active_model="sale.order", active_ids=self.order.ids)
            .create({})
        )
        invoice = self.env["account.move"].with_user(accountant).browse(wizard.create_invoices()["res_id"])
        self.assertRights(accountant, invoice, "rwd")
        invoice.action_post()
        self.assertEqual((invoice.state, self.order.invoice_status), ("posted", "invoiced"))
        self.assertEqual(self.opportunity.kbe_realized_revenue, 400)
        self.assertRights(accountant, self.opportunity, "---")

    def test_accountant_works_from_the_invoicing_app(self):
        menus = self.env["ir.ui.menu"].with_user(self.user_accountant).load_menus(debug=False)
        xmlids = {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}
        self.assertIn("crm_kbe.sale_order_menu_to_invoice", xmlids)
        self.assertIn("account.menu_finance_receivables", xmlids)
        self.assertNotIn("crm.crm_menu_root", xmlids, "no CRM app for the accountant")
        # the rep works from the CRM and Sales apps, not from Invoicing
        menus = self.env["ir.ui.menu"].with_user(self.user_salesman).load_menus(debug=False)
        xmlids = {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}
        self.assertNotIn("crm_kbe.sale_order_menu_to_invoice", xmlids)


@tagged("post_install", "-at_install")
class TestAccountantWebClient(KbeConfirmedOrder, KbeTourCase):
    """The accountant's clicks as the web client sends them (``/web/dataset/call_kw``): the orders
    to invoice, the order form, Odoo's Create Invoice wizard, the invoice form and Confirm."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create({"name": "PT. Uji Tagihan", "is_company": True})
        product = cls.env["product.product"].create({"name": "Snack Box Uji", "list_price": 100.0})
        cls._kbe_confirmed_order(cls.user_salesman, customer, product)

    def _view(self, user, model, view_type="form"):
        """A view as the web client loads it for ``user``: its arch, and the specification
        ``web_read``/``web_search_read`` get for its fields (relations with their names)."""
        views = self.kbe_call_kw(user, model, "get_views", [[False, view_type]])
        spec = {
            name: {"fields": {"display_name": {}}} if field.get("relation") else {}
            for name, field in views["models"][model]["fields"].items()
        }
        return views["views"][view_type]["arch"], spec

    def test_accountant_over_json_rpc(self):
        accountant = self.user_accountant
        call = self.kbe_call_kw
        # Invoicing -> Customers -> Orders to Invoice: Odoo's action, its list view
        menu = self.env.ref("crm_kbe.sale_order_menu_to_invoice")
        action = self.kbe_jsonrpc(accountant, "/web/action/load", {"action_id": menu.action.id})
        self.assertEqual(action["res_model"], "sale.order")
        __, spec = self._view(accountant, "sale.order", "list")
        result = call(accountant, "sale.order", "web_search_read", ast.literal_eval(action["domain"]), spec)
        self.assertIn(self.order.id, [r["id"] for r in result["records"]])
        # the order form opens for the accountant, without sale_crm's Opportunity field that
        # would only lead them to an access error
        arch, spec = self._view(accountant, "sale.order")
        self.assertNotIn('name="opportunity_id"', arch)
        self.assertIn('name="opportunity_id"', self._view(self.user_salesman, "sale.order")[0])
        [order] = call(accountant, "sale.order", "web_read", self.order.ids, spec)
        self.assertEqual(order["state"], "sale")
        # "Create Invoice": Odoo's wizard
        wizard_id = call(
            accountant,
            "sale.advance.payment.inv",
            "create",
            {},
            context={"active_model": "sale.order", "active_ids": self.order.ids},
        )
        action = call(accountant, "sale.advance.payment.inv", "create_invoices", [wizard_id])
        invoice_id = action["res_id"]
        # the invoice form: no Opportunity field for someone without sales rights
        arch, spec = self._view(accountant, "account.move")
        self.assertNotIn('name="kbe_opportunity_id"', arch)
        self.assertIn('name="kbe_opportunity_id"', self._view(self.user_sales_manager, "account.move")[0])
        [invoice] = call(accountant, "account.move", "web_read", [invoice_id], spec)
        self.assertEqual(invoice["state"], "draft")
        call(accountant, "account.move", "action_post", [invoice_id])
        self.assertEqual(self.opportunity.kbe_realized_revenue, 400)
        for method, args in (
            ("web_search_read", ([], {"name": {}})),
            ("web_read", (self.opportunity.ids, {"kbe_realized_revenue": {}})),
            ("action_kbe_view_invoices", (self.opportunity.ids,)),
        ):
            with self.subTest(method=method), self.assertRaisesRegex(Exception, "AccessError"):
                call(accountant, "crm.lead", method, *args)
