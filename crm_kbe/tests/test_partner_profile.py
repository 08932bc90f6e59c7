from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestPartnerProfile(KbeSalesCommon):
    """The customer profile a rep reads before calling, and where it is found."""

    def test_profile_tab_and_summary(self):
        with Form(self.env["res.partner"].with_user(self.user_salesman)) as form:
            form.name = "PT. Profil Uji"
            form.company_type = "company"
            form.industry_id = self.env.ref("base.res_partner_industry_I")
            form.kbe_company_size = "medium"
            form.kbe_founding_date = "1999-09-09"
            form.kbe_preferred_channel = "phone"
            form.kbe_preferred_time = "morning"
            form.kbe_needs = "Menu halal"
        company = form.record
        contact = self.env["res.partner"].create({"name": "Yeyen Uji", "parent_id": company.id})
        summary = contact.kbe_profile_summary
        for expected in ("Food/Hospitality", "Medium", "1999", "Phone", "morning", "Menu halal"):
            self.assertIn(expected, summary)

    def test_profile_is_searchable_and_groupable(self):
        kita = self.env.ref("crm_kbe.res_partner_kita_demo")
        found = self.env["res.partner"].with_user(self.user_salesman).search([("kbe_needs", "ilike", "vegetarian")])
        self.assertIn(kita, found)
        groups = self.env["res.partner"]._read_group(
            [("kbe_company_size", "!=", False)], ["kbe_company_size"], ["__count"]
        )
        self.assertIn("medium", dict(groups))

    def test_customer_smart_buttons_count_opportunities_orders_invoices(self):
        kita = self.env.ref("crm_kbe.res_partner_kita_demo")
        self.assertGreaterEqual(kita.opportunity_count, 2)
        self.assertGreaterEqual(kita.sale_order_count, 1)
        view = self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id, "form")["arch"]
        for button in (
            "action_view_opportunity",
            "action_view_sale_order",
            "action_view_partner_invoices",
            "kbe_profile",
        ):
            self.assertIn(button, view)
