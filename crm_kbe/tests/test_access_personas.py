from odoo.tests import TransactionCase, tagged

# the demo's personas (demo/res_users_demo.xml, README "Who does what"): the group their job
# needs, and groups they must not have
DEMO_PERSONAS = {
    "user_kbe_rep_demo": ("sales_team.group_sale_salesman", ["sales_team.group_sale_salesman_all_leads"]),
    "user_kbe_sales_manager_demo": ("sales_team.group_sale_manager", ["account.group_account_invoice"]),
    "user_kbe_telesales_demo": ("sales_team.group_sale_salesman", ["sales_team.group_sale_salesman_all_leads"]),
    "user_kbe_service_agent_demo": ("crm_kbe.group_service_agent", ["sales_team.group_sale_salesman"]),
    "user_kbe_service_manager_demo": ("crm_kbe.group_service_manager", ["sales_team.group_sale_salesman"]),
    "user_kbe_accountant_demo": ("account.group_account_invoice", ["sales_team.group_sale_salesman"]),
    "user_kbe_portal_demo": ("base.group_portal", ["base.group_user"]),
    "user_kbe_partner_manager_demo": ("crm_kbe.group_partner_manager", ["crm_kbe.group_service_agent"]),
}
EVERY_JOB_GROUP = [
    "sales_team.group_sale_salesman",
    "sales_team.group_sale_salesman_all_leads",
    "sales_team.group_sale_manager",
    "crm_kbe.group_service_agent",
    "crm_kbe.group_service_manager",
    "crm_kbe.group_partner_manager",
    "account.group_account_invoice",
    "account.group_account_manager",
    "base.group_system",
]


@tagged("post_install", "-at_install")
class TestDemoPersonas(TransactionCase):
    """Whoever tries the demo logs in as the person of a job (password = login) and gets only that
    job's rights, in that job's team."""

    def _persona(self, xmlid):
        return self.env.ref(f"crm_kbe.{xmlid}")

    def test_each_persona_has_only_the_rights_of_the_job(self):
        for xmlid, (job_group, forbidden) in DEMO_PERSONAS.items():
            user = self._persona(xmlid)
            with self.subTest(persona=user.login):
                self.assertTrue(user.has_group(job_group))
                for group in forbidden:
                    self.assertFalse(user.has_group(group), f"{user.login} must not be in {group}")
                # the job's group and what it implies: no other application right on top
                job_groups = self.env.ref(job_group) | self.env.ref(job_group).trans_implied_ids
                extra = [g for g in EVERY_JOB_GROUP if user.has_group(g) and self.env.ref(g) not in job_groups]
                self.assertFalse(extra, f"{user.login} has rights beyond the job: {extra}")

    def test_each_persona_logs_in_with_its_login_as_password(self):
        for xmlid in DEMO_PERSONAS:
            user = self._persona(xmlid)
            with self.subTest(persona=user.login):
                auth = user.with_user(user)._check_credentials(
                    {"type": "password", "login": user.login, "password": user.login}, {"interactive": False}
                )
                self.assertEqual(auth["uid"], user.id)

    def test_sales_personas_work_with_leads(self):
        # the KBE walkthrough starts from Leads: the sales personas have Odoo's "Leads" feature,
        # given to them only (employees in general keep Odoo's setting)
        for xmlid in ("user_kbe_rep_demo", "user_kbe_sales_manager_demo", "user_kbe_telesales_demo"):
            self.assertTrue(self._persona(xmlid).has_group("crm.group_use_lead"), xmlid)
        self.assertFalse(self.env.ref("crm_kbe.user_kbe_service_agent_demo").has_group("crm.group_use_lead"))

    def test_sales_personas_find_their_pipeline(self):
        for xmlid in ("user_kbe_rep_demo", "user_kbe_telesales_demo"):
            user = self._persona(xmlid)
            mine = (
                self.env["crm.lead"].with_user(user).search([("type", "=", "opportunity"), ("user_id", "=", user.id)])
            )
            self.assertTrue(mine, f"{user.login} opens an empty pipeline")
        calls = (
            self.env["kbe.call"].with_user(self._persona("user_kbe_telesales_demo")).search([("state", "=", "planned")])
        )
        self.assertIn(self._persona("user_kbe_telesales_demo"), calls.user_id)

    def test_personas_work_in_their_teams(self):
        catering = self.env.ref("crm_kbe.crm_team_catering_demo")
        self.assertIn(self._persona("user_kbe_rep_demo"), catering.member_ids)
        self.assertIn(self._persona("user_kbe_sales_manager_demo"), catering.member_ids)
        telesales = self.env.ref("crm_kbe.crm_team_telesales_demo")
        self.assertIn(self._persona("user_kbe_telesales_demo"), telesales.member_ids)
        care = self.env.ref("crm_kbe.kbe_service_team_catering_demo")
        self.assertIn(self._persona("user_kbe_service_agent_demo"), care.member_ids)
        self.assertIn(self._persona("user_kbe_service_manager_demo"), care.member_ids)
        portal = self._persona("user_kbe_portal_demo")
        self.assertEqual(portal.partner_id, self.env.ref("crm_kbe.res_partner_kita_yeyen_demo"))
        self.assertEqual(portal.commercial_partner_id, self.env.ref("crm_kbe.res_partner_kita_demo"))
