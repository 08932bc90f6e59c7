import unittest

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import _find_executable
from odoo.tools import mute_logger


class KbePersonas:
    """One user per persona (see README, "Who does what"), each with only the groups its job needs,
    built once per class; the password of each is its login (``new_test_user``), so tours and
    RPC tests log in as them.

    Tests act as these users (``with_user``, ``start_tour(login=...)``): the superuser would skip
    the access rules a real user meets. Personas:

    - ``user_salesman``: sales rep, Sales / User: Own Documents Only
    - ``user_sales_all``: a second rep, Sales / User: All Documents
    - ``user_sales_manager``: sales manager, Sales / Administrator
    - ``user_telesales``: telesales agent, Sales / User: Own Documents Only, works call lists
    - ``user_service_agent`` / ``user_service_manager``: crm_kbe service groups only
    - ``user_accountant``: Invoicing / Billing, no CRM or sales rights
    - ``user_internal``: an employee with no application rights
    - ``user_portal``: portal customer, a contact of the customer company ``portal_company``
    - ``user_partner_manager``: crm_kbe Partner Program Manager
    - ``user_marketing`` / ``user_marketing_manager``: crm_kbe Marketing User / Manager (segments,
      campaigns; Email Marketing user)
    - ``user_channel_partner`` / ``user_channel_partner_2``: portal contacts of two active channel
      partners, ``channel_partner`` and ``channel_partner_2`` (Silver), who must never see each
      other's records
    """

    @classmethod
    def _kbe_create_personas(cls):
        env = cls.env
        cls.company = env.company
        cls.user_salesman = new_test_user(
            env, login="kbe_salesman", name="Sari Sales", groups="sales_team.group_sale_salesman"
        )
        cls.user_sales_all = new_test_user(
            env, login="kbe_sales_all", name="Budi All Leads", groups="sales_team.group_sale_salesman_all_leads"
        )
        cls.user_sales_manager = new_test_user(
            env, login="kbe_sales_manager", name="Maya Manager", groups="sales_team.group_sale_manager"
        )
        cls.user_service_agent = new_test_user(
            env, login="kbe_service_agent", name="Andi Agent", groups="crm_kbe.group_service_agent"
        )
        cls.user_service_manager = new_test_user(
            env, login="kbe_service_manager", name="Wati Service", groups="crm_kbe.group_service_manager"
        )
        cls.user_partner_manager = new_test_user(
            env, login="kbe_partner_manager", name="Joko Channel", groups="crm_kbe.group_partner_manager"
        )
        cls.user_telesales = new_test_user(
            env, login="kbe_telesales", name="Tari Telesales", groups="sales_team.group_sale_salesman"
        )
        cls.user_accountant = new_test_user(
            env, login="kbe_accountant", name="Ani Accountant", groups="account.group_account_invoice"
        )
        cls.user_marketing = new_test_user(
            env, login="kbe_marketing", name="Mega Marketing", groups="crm_kbe.group_marketing_user"
        )
        cls.user_marketing_manager = new_test_user(
            env, login="kbe_marketing_manager", name="Rina Campaigns", groups="crm_kbe.group_marketing_manager"
        )
        cls.user_internal = new_test_user(env, login="kbe_internal", name="Intan Internal", groups="base.group_user")
        cls.portal_company = env["res.partner"].create({"name": "PT. Pelanggan Portal", "is_company": True})
        cls.user_portal = new_test_user(env, login="kbe_portal", name="Putri Portal", groups="base.group_portal")
        cls.user_portal.partner_id.parent_id = cls.portal_company
        # channel partners (partner program): two resellers, each with a portal contact
        tier = env.ref("crm_kbe.kbe_partner_tier_silver")
        cls.channel_partner, cls.channel_partner_2 = env["res.partner"].create(
            [
                {
                    "name": "PT. Mitra Acara",
                    "is_company": True,
                    "kbe_partner_status": "active",
                    "kbe_partner_tier_id": tier.id,
                },
                {
                    "name": "CV. Mitra Lain",
                    "is_company": True,
                    "kbe_partner_status": "active",
                    "kbe_partner_tier_id": tier.id,
                },
            ]
        )
        cls.user_channel_partner = new_test_user(
            env, login="kbe_channel_partner", name="Rani Reseller", groups="base.group_portal"
        )
        cls.user_channel_partner.partner_id.parent_id = cls.channel_partner
        cls.user_channel_partner_2 = new_test_user(
            env, login="kbe_channel_partner_2", name="Rudi Reseller", groups="base.group_portal"
        )
        cls.user_channel_partner_2.partner_id.parent_id = cls.channel_partner_2

    def kbe_may(self, user, records, operation):
        """Whether ``user`` may ``operation`` ("read", "write", "unlink") every one of ``records``:
        the access rights of the model and its record rules, as every button and RPC call checks."""
        try:
            with mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
                records.with_user(user).check_access(operation)
        except AccessError:
            return False
        return True

    def assertRights(self, user, records, rights):
        """``rights`` lists what ``user`` may do on each of ``records`` (a recordset, or a tuple of
        recordsets of several models): "r" read, "w" write, "d" delete, "-" for what they may not
        ("rw-": read and write, not delete)."""
        for recordset in records if isinstance(records, tuple) else (records,):
            for letter, operation in zip("rwd", ("read", "write", "unlink"), strict=True):
                with self.subTest(user=user.login, model=recordset._name, operation=operation):
                    self.assertEqual(
                        self.kbe_may(user, recordset, operation),
                        letter in rights,
                        f"{user.login} {'may' if letter in rights else 'may not'} {operation} {recordset}",
                    )


class KbeCommon(KbePersonas, TransactionCase):
    """TransactionCase with the personas (``KbePersonas``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._kbe_create_personas()


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
            {
                "name": "Telesales",
                "kbe_sales_style": "b2c_telesales",
                "member_ids": [(4, cls.user_sales_all.id), (4, cls.user_telesales.id)],
            }
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


class KbeTourCase(KbePersonas, HttpCase):
    """HttpCase with the personas, whose tours fail, rather than skip, when no Chromium is
    installed, and which calls the web client's JSON-RPC routes as a persona."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._kbe_create_personas()

    def start_tour(self, url_path, tour_name, step_delay=None, **kwargs):
        try:
            _find_executable()
        except unittest.SkipTest:
            self.fail("Chromium is required for the tours: apt-get install chromium")
        return super().start_tour(url_path, tour_name, step_delay=step_delay, **kwargs)

    def kbe_jsonrpc(self, user, route, params):
        """POST a JSON-RPC request to ``route`` in a session of ``user``, as the web client does;
        an error raises ``JsonRpcException`` named after the exception ("...AccessError")."""
        if getattr(self, "_kbe_session_user", None) != user:
            self.authenticate(user.login, user.login)
            self._kbe_session_user = user
        return self.make_jsonrpc_request(route, params)

    def kbe_call_kw(self, user, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as ``user`` through ``/web/dataset/call_kw``."""
        return self.kbe_jsonrpc(
            user,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )
