"""crm_kbe installs without demo data, and uninstalls cleanly, in a database that already has
CRM, sales and accounting data (the situation of a company already running Odoo).

The database of the test run itself was created with crm_kbe and its demo data; this test works
in a second, throw-away database, driving ``odoo-bin`` as an administrator would.
"""

import subprocess
import sys
from contextlib import closing
from pathlib import Path

import odoo
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tools import SQL, config

ODOO_BIN = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"


@tagged("post_install", "-at_install", "crm_kbe_lifecycle")
class TestInstallLifecycle(BaseCase):
    def setUp(self):
        super().setUp()
        self.dbname = f"{config['db_name']}_{self._testMethodName[5:25]}"
        self._drop()
        self.addCleanup(self._drop)

    def _drop(self):
        odoo.sql_db.close_db(self.dbname)
        with closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
            cr._cnx.autocommit = True  # DROP DATABASE refuses to run in a transaction
            cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(self.dbname)))

    def _odoo(self, *args, stdin=None):
        cmd = [sys.executable, str(ODOO_BIN), *args[:1], "-d", self.dbname, "--log-level=warn", "--no-http", *args[1:]]
        if config.rcfile:
            cmd[3:3] = ["-c", config.rcfile]
        proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=900, check=False)
        self.assertEqual(proc.returncode, 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        self.assertNotIn(" ERROR ", proc.stderr, proc.stderr[-3000:])
        return proc

    def _query(self, query, params=()):
        with odoo.sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()

    def _assert_no_trace_of_crm_kbe(self):
        self.assertEqual(self._query("SELECT state FROM ir_module_module WHERE name = 'crm_kbe'"), [("uninstalled",)])
        self.assertEqual(self._query("SELECT count(*) FROM ir_model_data WHERE module = 'crm_kbe'"), [(0,)])
        self.assertEqual(self._query("SELECT count(*) FROM ir_model WHERE model LIKE 'kbe.%%'"), [(0,)])
        self.assertEqual(
            self._query("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'kbe\\_%%'"), [(0,)]
        )
        self.assertEqual(
            self._query(
                "SELECT count(*) FROM information_schema.columns WHERE column_name LIKE 'kbe\\_%%' "
                "AND table_name IN ('res_partner', 'crm_lead', 'sale_order', 'account_move')"
            ),
            [(0,)],
        )

    def test_install_without_demo(self):
        # a production database: no demo data anywhere
        self._odoo("server", "-i", "crm_kbe", "--without-demo=all", "--stop-after-init")
        self.assertEqual(
            self._query("SELECT state, demo FROM ir_module_module WHERE name = 'crm_kbe'"), [("installed", False)]
        )
        xmlids = {name for (name,) in self._query("SELECT name FROM ir_model_data WHERE module = 'crm_kbe'")}
        self.assertIn("group_service_agent", xmlids)
        self.assertIn("crm_kbe_menu_customers", xmlids)
        self.assertFalse({x for x in xmlids if x.endswith("_demo")}, "demo records were loaded without demo")
        company, trigger = self._query("SELECT name, kbe_won_trigger FROM res_company ORDER BY id LIMIT 1")[0]
        self.assertNotEqual(company, "PT. Kaktus Berduri", "the demo story must not rename a real company")
        self.assertEqual(trigger, "quotation", "a company that starts selling with crm_kbe follows KBE's process")

    def test_install_and_uninstall_beside_existing_crm_sale_account_data(self):
        # 1. a company's existing Odoo: CRM, sales and accounting with their data, and a second
        #    company that sells too (Odoo's demo opportunities and orders are the first one's)
        self._odoo("server", "-i", "sale_crm,sale_management,account", "--stop-after-init")
        self._odoo(
            "shell",
            stdin=(
                "company = env['res.company'].create({'name': 'PT. Sudah Jualan'})\n"
                "env['sale.order'].create({'partner_id': env.ref('base.res_partner_2').id, "
                "'company_id': company.id})\n"
                "env.cr.commit()\n"
            ),
        )
        counts = (
            "SELECT (SELECT count(*) FROM crm_lead), (SELECT count(*) FROM sale_order), "
            "(SELECT count(*) FROM account_move), (SELECT count(*) FROM res_partner)"
        )
        before = self._query(counts)
        self.assertTrue(all(before[0]), before)

        # 2. crm_kbe installs beside that data (with its demo story, as the database has demo data)
        self._odoo("server", "-i", "crm_kbe", "--stop-after-init")
        self.assertEqual(self._query("SELECT state FROM ir_module_module WHERE name = 'crm_kbe'"), [("installed",)])
        # the company that already sold: Odoo's "New Quotation" keeps leaving its opportunities open
        self.assertEqual(
            self._query("SELECT kbe_won_trigger FROM res_company WHERE name = 'PT. Sudah Jualan'"), [("never",)]
        )

        # 3. uninstalling it leaves no trace of crm_kbe, and the company's own data as it was
        self._odoo(
            "shell",
            stdin=(
                "env['ir.module.module'].search([('name', '=', 'crm_kbe')]).button_immediate_uninstall()\n"
                "env.cr.commit()\n"
            ),
        )
        self._assert_no_trace_of_crm_kbe()
        self.assertEqual(self._query(counts), before)
        # Odoo's own mass conversion is still in the lead list (crm_kbe never unbinds it)
        self.assertEqual(
            self._query(
                "SELECT m.model FROM ir_act_window a JOIN ir_model_data d ON d.res_id = a.id "
                "AND d.model = 'ir.actions.act_window' AND d.module = 'crm' "
                "AND d.name = 'action_crm_send_mass_convert' "
                "JOIN ir_model m ON m.id = a.binding_model_id"
            ),
            [("crm.lead",)],
        )


@tagged("post_install", "-at_install")
class TestDemoKeepsOdooStandard(TransactionCase):
    """The demo story adds records and changes no standard record's meaning (the test database
    has crm_kbe's demo data; Odoo's own suites run in it)."""

    def test_employees_keep_odoo_lead_setting(self):
        # Leads are a CRM setting (Settings > CRM > Leads): the demo does not turn it on for everyone
        self.assertNotIn(self.env.ref("crm.group_use_lead"), self.env.ref("base.group_user").implied_ids)
        self.assertFalse(self.env.ref("base.user_demo").has_group("crm.group_use_lead"))

    def test_demo_numbers_match_no_other_contact(self):
        own = self.env["ir.model.data"].search([("module", "=", "crm_kbe"), ("model", "=", "res.partner")])
        partners = self.env["res.partner"].browse(own.mapped("res_id")).filtered("phone")
        others = self.env["res.partner"].search([("id", "not in", partners.ids), ("phone", "!=", False)])
        tails = {"".join(c for c in p.phone if c.isdigit())[-7:] for p in others}
        for partner in partners:
            self.assertNotIn("".join(c for c in partner.phone if c.isdigit())[-7:], tails, partner.phone)
