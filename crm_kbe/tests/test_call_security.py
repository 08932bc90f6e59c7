from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_call import KbeCallCommon

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install")
class TestCallSecurity(KbeCallCommon):
    """Salesmen see their own and their team's calls, "All Documents" and managers all of them,
    nobody another company's; portal and plain employees none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._call(name="Milik Sari")
        cls.teammate = cls._call(user=cls.user_salesman, name="Milik Rudi", user_id=cls.user_salesman_2.id)
        cls.other = cls.env["kbe.call"].create(
            {
                "name": "Milik tim lain",
                "partner_id": cls.customer.id,
                "user_id": cls.user_other_team.id,
                "team_id": cls.other_team.id,
            }
        )
        cls.other_company = cls.env["res.company"].create({"name": "PT. Cabang Surabaya"})
        cls.user_surabaya = new_test_user(
            cls.env,
            login="kbe_salesman_surabaya",
            groups="sales_team.group_sale_salesman",
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.foreign = cls.env["kbe.call"].create(
            {
                "name": "Di perusahaan lain",
                "partner_id": cls.customer.id,
                "user_id": cls.user_surabaya.id,
                "company_id": cls.other_company.id,
            }
        )
        cls.all_calls = cls.own | cls.teammate | cls.other | cls.foreign

    def _visible(self, user, companies=None):
        env_calls = self.env["kbe.call"].with_user(user)
        if companies:
            env_calls = env_calls.with_context(allowed_company_ids=companies.ids)
        return env_calls.search([("id", "in", self.all_calls.ids)])

    def test_salesman_sees_own_and_team(self):
        self.assertEqual(self._visible(self.user_salesman), self.own | self.teammate)
        self.assertEqual(self._visible(self.user_other_team), self.other)
        self.teammate.with_user(self.user_salesman).write({"name": "Diubah oleh Sari"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.other.with_user(self.user_salesman).write({"name": "Tidak boleh"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.other.with_user(self.user_salesman).action_open_log()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.other.with_user(self.user_salesman).action_no_answer()
        self.assertEqual(self.other.state, "planned")

    def test_all_documents_and_manager_see_all_of_their_companies(self):
        self.assertEqual(self._visible(self.user_sales_all), self.own | self.teammate | self.other)
        self.assertEqual(self._visible(self.user_sales_manager), self.own | self.teammate | self.other)
        self.user_sales_manager.company_ids |= self.other_company
        both = self.env.company | self.other_company
        self.assertEqual(self._visible(self.user_sales_manager, both), self.all_calls)

    def test_no_access_without_sales_rights(self):
        # service agents work calls of tickets, never the sales calls (test_ticket_call.py)
        self.assertNotIn(self.own, self.env["kbe.call"].with_user(self.user_service_agent).search([]))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.own.with_user(self.user_service_agent).action_no_answer()
        for user in (self.user_internal, self.user_portal):
            with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
                self.env["kbe.call"].with_user(user).search([])
            with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
                self.own.with_user(user).action_no_answer()
            with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
                self.env["kbe.call.log"].with_user(user).create({"call_id": self.own.id})
        self.assertEqual(self.own.state, "planned")

    def test_salesman_cannot_plan_for_another_team(self):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["kbe.call"].with_user(self.user_salesman).create(
                {
                    "name": "Untuk tim lain",
                    "partner_id": self.customer.id,
                    "user_id": self.user_other_team.id,
                    "team_id": self.other_team.id,
                }
            )

    def test_salesman_logs_teammates_call_on_their_opportunity(self):
        """Rudi's call on Sari's opportunity (which Rudi cannot write) is logged by Rudi."""
        call = self._call(user=self.user_salesman, user_id=self.user_salesman_2.id, name="Tolong telepon")
        call.with_user(self.user_salesman_2)._kbe_log("held", duration=0.1, outcome="interested")
        self.assertEqual(call.state, "held")
        self.assertIn("Call held: Tolong telepon", self.lead.message_ids[0].body)

    def test_call_only_on_an_opportunity_the_rep_may_change(self):
        foreign = self.env["crm.lead"].create(
            {
                "name": "Peluang rekan",
                "type": "opportunity",
                "user_id": self.user_other_team.id,
                "description": "<p>Rahasia</p>",
            }
        )
        Call = self.env["kbe.call"].with_user(self.user_salesman)
        count = Call.sudo().search_count([])
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            Call.create({"name": "Curi", "lead_id": foreign.id})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.own.with_user(self.user_salesman).write({"lead_id": foreign.id})
        self.assertEqual(Call.sudo().search_count([]), count)
        self.assertEqual(self.own.lead_id, self.lead)
        self.assertFalse(foreign.activity_ids, "no activity landed on the colleague's opportunity")

    def test_calendar_entry_does_not_copy_the_memo(self):
        call = self._call(name="Tanya menu")
        self.assertIn("paket A", call.purpose, "the call shows its opportunity's memo to the rep")
        self.assertFalse(call.calendar_event_id.description, "every employee reads calendar entries")

    def test_subject_and_durations_are_checked(self):
        call = self.own.with_user(self.user_salesman)
        for values in ({"name": ""}, {"name": "   "}, {"duration": float("nan")}, {"duration_planned": float("inf")}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                call.write(values)
        self.assertEqual((self.own.name, self.own.duration), ("Milik Sari", 0))
