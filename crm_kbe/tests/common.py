import unittest

from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import _find_executable


class KbeCommon(TransactionCase):
    """One user per persona (see README, "Who does what"), each with only the groups its job needs,
    built once per class.

    Tests act as these users (``with_user``): the superuser would skip the access rules a real
    user meets. Personas:

    - ``user_salesman``: sales rep, Sales / User: Own Documents Only
    - ``user_sales_manager``: sales manager, Sales / Administrator
    - ``user_telesales``: telesales agent, Sales / User: Own Documents Only, works call lists
    - ``user_service_agent`` / ``user_service_manager``: crm_kbe service groups only
    - ``user_accountant``: Invoicing / Billing, no CRM or sales rights
    - ``user_portal``: portal customer
    - ``user_partner_manager``: crm_kbe Partner Program Manager
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user_salesman = new_test_user(
            cls.env, login="kbe_salesman", name="Sari Sales", groups="sales_team.group_sale_salesman"
        )
        cls.user_sales_all = new_test_user(
            cls.env,
            login="kbe_sales_all",
            name="Budi All Leads",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.user_sales_manager = new_test_user(
            cls.env, login="kbe_sales_manager", name="Maya Manager", groups="sales_team.group_sale_manager"
        )
        cls.user_service_agent = new_test_user(
            cls.env, login="kbe_service_agent", name="Andi Agent", groups="crm_kbe.group_service_agent"
        )
        cls.user_service_manager = new_test_user(
            cls.env, login="kbe_service_manager", name="Wati Service", groups="crm_kbe.group_service_manager"
        )
        cls.user_partner_manager = new_test_user(
            cls.env, login="kbe_partner_manager", name="Joko Channel", groups="crm_kbe.group_partner_manager"
        )
        cls.user_telesales = new_test_user(
            cls.env, login="kbe_telesales", name="Tari Telesales", groups="sales_team.group_sale_salesman"
        )
        cls.user_accountant = new_test_user(
            cls.env, login="kbe_accountant", name="Ani Accountant", groups="account.group_account_invoice"
        )
        cls.user_internal = new_test_user(
            cls.env, login="kbe_internal", name="Intan Internal", groups="base.group_user"
        )
        cls.user_portal = new_test_user(cls.env, login="kbe_portal", name="Putri Portal", groups="base.group_portal")


class KbeSalesCommon(KbeCommon):
    """A sales team with its members, a catering product and a customer: the KBE sales flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Tim Katering Korporat",
                "user_id": cls.user_sales_manager.id,
                "member_ids": [(4, cls.user_salesman.id), (4, cls.user_sales_all.id)],
                "kbe_sales_style": "b2b_complex",
            }
        )
        cls.telesales_team = cls.env["crm.team"].create(
            {"name": "Telesales", "kbe_sales_style": "b2c_telesales", "member_ids": [(4, cls.user_sales_all.id)]}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "PT. Uji Katering", "is_company": True, "email": "beli@ujikatering.example.com"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Nasi Kotak Uji", "list_price": 100.0, "standard_price": 60.0, "type": "consu"}
        )
        cls.env.company.kbe_won_trigger = "quotation"

    @classmethod
    def _lead(cls, **values):
        values = {
            "name": "Katering rapat bulanan",
            "type": "lead",
            "user_id": cls.user_salesman.id,
            "team_id": cls.team.id,
            **values,
        }
        return cls.env["crm.lead"].create(values)


class KbeTourCase(HttpCase):
    """HttpCase whose tours fail, rather than skip, when no Chromium is installed."""

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        try:
            _find_executable()
        except unittest.SkipTest:
            self.fail("Chromium is required for the tours: apt-get install chromium")
        return super().start_tour(url_path, tour_name, step_delay=step_delay, **kwargs)
