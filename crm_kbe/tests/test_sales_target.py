from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_forecast import KbeForecastCommon


@tagged("post_install", "-at_install")
class TestSalesTarget(KbeForecastCommon):
    """Targets per month or quarter of a salesperson, a team or a territory, set by managers."""

    def test_manager_sets_a_target_for_a_period(self):
        Target = self.env["kbe.sales.target"].with_user(self.user_sales_manager)
        with Form(Target) as form:
            form.target_type = "user"
            form.user_id = self.user_sales_all
            form.period_type = "quarter"
            form.date_from = date(2025, 11, 17)
            form.target_won = 50000
            form.target_invoiced = 40000
        target = form.record
        self.assertEqual((target.date_from, target.date_to), (date(2025, 10, 1), date(2025, 12, 31)))
        self.assertEqual(target.name, "2025-Q4 · Budi All Leads")
        target.period_type = "month"
        self.assertEqual((target.date_from, target.date_to), (date(2025, 10, 1), date(2025, 10, 31)))
        self.assertEqual(target.name, "2025-10 · Budi All Leads")

    def test_one_subject_of_the_target_type(self):
        target = self.target_team.with_user(self.user_sales_manager)
        with Form(target) as form:
            form.target_type = "territory"
            form.territory_id = self.bali
        self.assertFalse(target.team_id, "the team of a territory target is cleared")
        self.assertEqual(target.name, "2025-Q2 · Bali")
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            target.write({"target_type": "team"})

    def test_bad_amounts_are_refused(self):
        for amount in (-1, float("inf"), float("nan")):
            with self.subTest(amount=amount), self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.target_rep.with_user(self.user_sales_manager).target_won = amount
        self.assertEqual(self.target_rep.target_won, 10000, "nothing changed")

    def test_one_target_per_subject_and_period(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._target("user", self.user_salesman, 1, 1, date_from="2025-05-15")
        # another period type, period or company is another target
        self._target("user", self.user_salesman, 1, 1, period_type="month", date_from="2025-05-15")
        self._target("user", self.user_salesman, 1, 1, date_from="2025-07-01")
        self._target("user", self.user_salesman, 1, 1, company_id=self.company_b.id)

    def test_salespeople_read_targets_only_managers_change_them(self):
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["kbe.sales.target"].with_user(self.user_salesman).create(
                {"target_type": "user", "user_id": self.user_salesman.id, "target_won": 1e9}
            )
        self.assertRights(self.user_salesman, self.target_team, "r--")
        self.assertRights(self.user_sales_manager, self.target_team, "rwd")
        # the rep opens their target and its figures
        with Form(self.target_rep.with_user(self.user_salesman)) as form:
            self.assertEqual(form.closed_won, 1000)
