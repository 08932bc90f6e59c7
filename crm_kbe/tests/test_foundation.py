from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KbeCommon


@tagged("post_install", "-at_install")
class TestFoundation(KbeCommon):
    """What an administrator sees right after installing crm_kbe."""

    def _visible_menu_xmlids(self, user):
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}

    def test_groups_form_one_category_and_imply_the_right_rights(self):
        category = self.env.ref("crm_kbe.module_category_crm_kbe")
        agent = self.env.ref("crm_kbe.group_service_agent")
        manager = self.env.ref("crm_kbe.group_service_manager")
        partner = self.env.ref("crm_kbe.group_partner_manager")
        marketing = self.env.ref("crm_kbe.group_marketing_user")
        marketing_manager = self.env.ref("crm_kbe.group_marketing_manager")
        self.assertEqual((agent | manager | partner | marketing | marketing_manager).category_id, category)
        # a service manager is also an agent; a partner program manager works the CRM as a salesman
        self.assertIn(agent, manager.trans_implied_ids)
        self.assertIn(self.env.ref("base.group_user"), agent.trans_implied_ids)
        self.assertIn(self.env.ref("sales_team.group_sale_salesman"), partner.trans_implied_ids)
        # a marketing user works with Odoo's Email Marketing and logs telemarketing calls as a salesman
        self.assertIn(marketing, marketing_manager.trans_implied_ids)
        for implied in ("sales_team.group_sale_salesman", "mass_mailing.group_mass_mailing_user"):
            self.assertIn(self.env.ref(implied), marketing.trans_implied_ids)
        self.assertNotIn(self.env.ref("sales_team.group_sale_salesman_all_leads"), marketing.trans_implied_ids)
        # crm_kbe adds exactly these five groups; sales and e-mail marketing rights stay Odoo's own
        kbe_groups = self.env["res.groups"].search([("category_id", "=", category.id)])
        self.assertEqual(kbe_groups, agent | manager | partner | marketing | marketing_manager)
        self.assertTrue(self.user_service_manager.has_group("crm_kbe.group_service_agent"))
        self.assertFalse(self.user_service_agent.has_group("crm_kbe.group_service_manager"))
        self.assertTrue(self.user_partner_manager.has_group("sales_team.group_sale_salesman"))

    def test_administrator_gets_the_crm_kbe_manager_groups(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("crm_kbe.group_service_manager"))
        self.assertTrue(admin.has_group("crm_kbe.group_partner_manager"))

    def test_menus_live_in_the_crm_app(self):
        crm_root = self.env.ref("crm.crm_menu_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", crm_root.id)])
        kbe_menus = self.env["ir.model.data"].search([("module", "=", "crm_kbe"), ("model", "=", "ir.ui.menu")])
        self.assertTrue(kbe_menus)
        # every crm_kbe menu hangs in the CRM app, none makes an app of its own; the one exception
        # is the accountant's "Orders to Invoice", in the Invoicing app where they work
        to_invoice = self.env.ref("crm_kbe.sale_order_menu_to_invoice")
        self.assertEqual(to_invoice.parent_id, self.env.ref("account.menu_finance_receivables"))
        self.assertLessEqual(set(kbe_menus.mapped("res_id")) - set(to_invoice.ids), set(menus.ids))

    def test_salesman_finds_customers_and_products_in_crm(self):
        visible = self._visible_menu_xmlids(self.user_salesman)
        self.assertIn("crm.crm_menu_root", visible)
        self.assertIn("crm_kbe.crm_kbe_menu_customer", visible)
        self.assertIn("crm_kbe.crm_kbe_menu_product", visible)
        # the actions behind them open for a salesman
        action = self.env.ref("crm_kbe.product_template_action")
        products = self.env[action.res_model].with_user(self.user_salesman).search([("sale_ok", "=", True)])
        self.assertIn("Nasi Kotak Paket A", products.mapped("name"))

    def test_plain_employee_and_portal_user_do_not_see_crm_menus(self):
        visible = self._visible_menu_xmlids(self.user_internal)
        self.assertNotIn("crm_kbe.crm_kbe_menu_customer", visible)
        self.assertNotIn("crm.crm_menu_root", visible)
        # a portal customer has no back-end menus at all
        with self.assertRaises(AccessError):
            self._visible_menu_xmlids(self.user_portal)

    def test_demo_company_is_pt_kaktus_berduri(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.name, "PT. Kaktus Berduri")
        self.assertEqual(company.street, "Jl. Letjen Suprapto 26")
        self.assertEqual(company.street2, "Cempaka Putih")
        self.assertEqual(company.city, "Jakarta Pusat")
        self.assertEqual(company.country_id, self.env.ref("base.id"))
        self.assertEqual(company.phone, "021-8448205")

    def test_demo_customers_are_indonesian_catering_customers(self):
        kita = self.env.ref("crm_kbe.res_partner_kita_demo")
        self.assertEqual(kita.name, "PT. KITA")
        self.assertTrue(kita.is_company)
        self.assertIn("Yeyen", kita.child_ids.mapped("name"))
        customers = (
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .search([("category_id", "=", self.env.ref("crm_kbe.res_partner_category_catering_demo").id)])
        )
        self.assertGreaterEqual(len(customers), 4)
        self.assertEqual(set(customers.country_id.mapped("code")), {"ID"})
        # the "Customers" menu's own filter (customer_rank) finds them
        action = self.env.ref("account.res_partner_action_customer")
        self.assertIn("customer", action.context)
        self.assertTrue(all(c.customer_rank > 0 for c in customers))

    def test_demo_catering_products_can_be_sold(self):
        category = self.env.ref("crm_kbe.product_category_catering_demo")
        products = self.env["product.template"].search([("categ_id", "=", category.id)])
        self.assertGreaterEqual(len(products), 5)
        self.assertTrue(all(products.mapped("sale_ok")))
        self.assertTrue(all(p > 0 for p in products.mapped("list_price")))

    def test_manifest_declares_what_the_foundation_promises(self):
        module = self.env["ir.module.module"].search([("name", "=", "crm_kbe")])
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.latest_version, "18.0.1.5.0")
        self.assertEqual(module.license, "LGPL-3")
        self.assertTrue(module.application)
        deps = set(module.dependencies_id.mapped("name"))
        self.assertLessEqual({"crm", "sale_crm", "sale_management", "account"}, deps)
