from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import date_utils, mute_logger

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestPartnerPlan(KbeSalesCommon):
    """Business plans: both sides agree, goals freeze, actual figures come from the deals the
    partner brought."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quarter_start = date_utils.start_of(fields.Date.today(), "quarter")
        cls.Plan = cls.env["kbe.partner.plan"].with_user(cls.user_partner_manager)
        cls.plan = cls.Plan.create(
            {
                "partner_id": cls.channel_partner.id,
                "period": "quarter",
                "date_from": cls.quarter_start,
                "goal_ids": [
                    (0, 0, {"measure": "won_revenue", "target": 1000.0, "weight": 2.0}),
                    (0, 0, {"measure": "new_customers", "target": 4.0}),
                    (0, 0, {"measure": "pipeline_created", "target": 1000.0}),
                    (0, 0, {"measure": "campaigns_run", "target": 1.0}),
                    (0, 0, {"measure": "satisfaction", "target": 90.0}),
                    (0, 0, {"measure": "certified_people", "target": 2.0}),
                ],
            }
        )
        cls.goals = {goal.measure: goal for goal in cls.plan.goal_ids}

    def _won(self, customer, amount, channel=None, closed=None, **values):
        lead = self._lead(
            type="opportunity",
            partner_id=customer.id,
            expected_revenue=amount,
            kbe_channel_partner_id=channel.id if channel else False,
            **values,
        )
        lead.action_set_won()
        if closed:
            lead.date_closed = closed
        return lead

    def _agree_as_partner(self, user, plan=None):
        (plan or self.plan).with_user(user).action_kbe_portal_agree()

    # ------------------------------------------------------------------ life cycle

    def test_plan_is_agreed_only_when_both_sides_agreed(self):
        self.assertEqual(self.plan.date_to, self.quarter_start + date_utils.relativedelta(months=3, days=-1))
        self.assertIn(f"Q{date_utils.get_quarter_number(self.quarter_start)}", self.plan.name)
        self.assertEqual(self.plan.user_id, self.user_partner_manager, "the creating manager follows the plan")
        self.plan.with_user(self.user_partner_manager).action_agree_company()
        self.assertEqual(self.plan.state, "draft", "the partner has not agreed yet")
        self.assertEqual(self.plan.agreed_by_company_user_id, self.user_partner_manager)
        self._agree_as_partner(self.user_channel_partner)
        self.assertEqual(self.plan.state, "agreed")
        self.assertEqual(self.plan.agreed_by_partner_id, self.user_channel_partner.partner_id)
        self.assertTrue(self.plan.agreed_by_partner_date)
        self.plan.with_user(self.user_partner_manager).action_close()
        self.assertEqual(self.plan.state, "closed")

    def test_manager_prepares_a_yearly_plan_in_the_form(self):
        self.channel_partner_2.kbe_partner_manager_id = self.user_partner_manager
        form = Form(self.env["kbe.partner.plan"].with_user(self.user_partner_manager))
        form.partner_id = self.channel_partner_2
        form.period = "year"
        form.date_from = date_utils.start_of(self.quarter_start, "year")
        self.assertEqual(form.date_to, date_utils.end_of(self.quarter_start, "year"))
        with form.goal_ids.new() as goal:
            goal.measure = "new_customers"
            goal.target = 5
        plan = form.save()
        self.assertEqual(plan.name, f"CV. Mitra Lain — {self.quarter_start.year}")
        self.assertEqual(plan.user_id, self.user_partner_manager, "the partner's manager")
        self.assertEqual(plan.goal_ids.progress, 0.0)

    def test_partner_may_agree_first(self):
        self._agree_as_partner(self.user_channel_partner)
        self.assertEqual(self.plan.state, "draft")
        self.plan.with_user(self.user_partner_manager).action_agree_company()
        self.assertEqual(self.plan.state, "agreed")

    def test_agreed_goals_are_frozen_until_reopened_with_a_message(self):
        self.plan.with_user(self.user_partner_manager).action_agree_company()
        self._agree_as_partner(self.user_channel_partner)
        goal = self.goals["won_revenue"].with_user(self.user_partner_manager)
        with self.assertRaises(UserError):
            goal.target = 5.0
        with self.assertRaises(UserError):
            goal.unlink()
        with self.assertRaises(UserError):
            self.plan.with_user(self.user_partner_manager).write(
                {"goal_ids": [(0, 0, {"measure": "campaigns_run", "target": 9.0})]}
            )
        with self.assertRaises(UserError):
            self.plan.with_user(self.user_partner_manager).date_from = self.quarter_start - timedelta(days=1)
        self.assertEqual(goal.target, 1000.0)
        self.assertEqual(len(self.plan.goal_ids), 6)
        self.assertEqual(self.plan.date_from, self.quarter_start)

        messages = len(self.plan.message_ids)
        self.plan.with_user(self.user_partner_manager).action_reset_draft()
        self.assertEqual(self.plan.state, "draft")
        self.assertFalse(self.plan.agreed_by_company_user_id or self.plan.agreed_by_partner_id)
        self.assertIn("reopened the plan to draft", self.plan.message_ids[0].body)
        self.assertGreater(len(self.plan.message_ids), messages)
        goal.target = 800.0
        self.assertEqual(goal.target, 800.0)

    def test_changing_goals_withdraws_a_given_agreement(self):
        self.plan.with_user(self.user_partner_manager).action_agree_company()
        self.goals["campaigns_run"].with_user(self.user_partner_manager).target = 3.0
        self.assertFalse(self.plan.agreed_by_company_user_id, "the company agreed to other goals")
        self._agree_as_partner(self.user_channel_partner)
        self.assertEqual(self.plan.state, "draft", "the company must agree to the new goals")

    # ------------------------------------------------------------------ refusals

    def test_refusals_change_nothing(self):
        empty = self.Plan.create(
            {"partner_id": self.channel_partner_2.id, "period": "quarter", "date_from": self.quarter_start}
        )
        with self.assertRaises(UserError):
            self._agree_as_partner(self.user_channel_partner_2, empty)
        with self.assertRaises(UserError):
            empty.with_user(self.user_partner_manager).action_agree_company()
        self.assertFalse(empty.agreed_by_partner_id or empty.agreed_by_company_user_id)
        # another partner's contact, over RPC with any id
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self._agree_as_partner(self.user_channel_partner_2)
        # an internal user is not the partner
        with self.assertRaises(UserError):
            self._agree_as_partner(self.user_partner_manager)
        # a portal contact cannot write the plan directly
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.plan.with_user(self.user_channel_partner).write({"state": "agreed"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.plan.with_user(self.user_channel_partner).action_agree_company()
        # salespeople get nothing new
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.plan.with_user(self.user_salesman).read(["name"])
        self.assertEqual(self.plan.state, "draft")
        self.assertFalse(self.plan.agreed_by_partner_id or self.plan.agreed_by_company_user_id)
        # the partner agrees once only
        self._agree_as_partner(self.user_channel_partner)
        with self.assertRaises(UserError):
            self._agree_as_partner(self.user_channel_partner)
        # closing a draft plan
        with self.assertRaises(UserError):
            self.plan.with_user(self.user_partner_manager).action_close()
        self.assertEqual(self.plan.state, "draft")

    def test_targets_are_finite_and_positive(self):
        goal = self.goals["won_revenue"].with_user(self.user_partner_manager)
        for bad in (-1.0, float("inf"), float("nan")):
            with self.subTest(target=bad), self.assertRaises(ValidationError):
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    goal.target = bad
                    goal.flush_recordset()
        goal.invalidate_recordset()
        self.assertEqual(goal.target, 1000.0)

    def test_one_plan_per_partner_and_period(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Plan.create(
                {
                    "partner_id": self.channel_partner.id,
                    "period": "year",
                    "date_from": date_utils.start_of(self.quarter_start, "year"),
                }
            )
        next_quarter = self.Plan.create(
            {
                "partner_id": self.channel_partner.id,
                "date_from": self.quarter_start + date_utils.relativedelta(months=3),
            }
        )
        self.assertEqual(self.Plan.search_count([("partner_id", "=", self.channel_partner.id)]), 2)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            next_quarter.date_from = self.plan.date_to
            next_quarter.flush_recordset()
        next_quarter.invalidate_recordset()
        self.assertEqual(next_quarter.date_from, self.quarter_start + date_utils.relativedelta(months=3))
        with self.assertRaises(IntegrityError), self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.plan.goal_ids = [(0, 0, {"measure": "won_revenue", "target": 1.0})]
            self.plan.flush_recordset()
        self.plan.invalidate_recordset()
        self.assertEqual(len(self.plan.goal_ids), 6, "one goal per measure")
        prospect = self.env["res.partner"].create(
            {"name": "PT. Calon Mitra", "is_company": True, "kbe_partner_status": "prospect"}
        )
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.Plan.create({"partner_id": prospect.id, "date_from": self.quarter_start})

    def test_plans_of_another_company_are_hidden(self):
        other = self.env["res.company"].create({"name": "KBE Surabaya"})
        plan = self.env["kbe.partner.plan"].create(
            {"partner_id": self.channel_partner.id, "company_id": other.id, "date_from": self.quarter_start}
        )
        self.assertFalse(self.Plan.search([("id", "=", plan.id)]), "the manager works in the first company only")
        self.assertFalse(
            self.env["kbe.partner.plan.goal"].with_user(self.user_partner_manager).search([("plan_id", "=", plan.id)])
        )

    # ------------------------------------------------------------------ actual figures

    def test_goal_actuals_come_from_the_partners_deals(self):
        old_customer = self.customer
        new_customer, other_new = self.env["res.partner"].create(
            [{"name": "PT. Baru Sekali", "is_company": True}, {"name": "CV. Baru Juga", "is_company": True}]
        )
        before = fields.Datetime.to_datetime(self.quarter_start) - timedelta(days=40)
        # the old customer bought directly last quarter: not a new customer this quarter
        self._won(old_customer, 999.0, closed=before)
        campaign, campaign_2 = self.env["utm.campaign"].create([{"name": "Expo Pernikahan"}, {"name": "Iftar"}])
        self._won(new_customer, 300.0, self.channel_partner, campaign_id=campaign.id)
        self._won(old_customer, 200.0, self.channel_partner, campaign_id=campaign.id)
        self._won(other_new, 50.0, self.channel_partner, closed=before)  # closed last quarter
        self._lead(type="opportunity", expected_revenue=1000.0, kbe_channel_partner_id=self.channel_partner.id)
        self._lead(kbe_channel_partner_id=self.channel_partner.id, campaign_id=campaign_2.id)
        lost = self._lead(type="opportunity", expected_revenue=70.0, kbe_channel_partner_id=self.channel_partner.id)
        lost.action_set_lost()
        # another partner's deal counts for that partner only
        self._won(other_new, 5000.0, self.channel_partner_2)
        # satisfaction: tickets of the partner's customers, rated 5 and 3
        team = self.env["kbe.service.team"].create({"name": "Layanan Mitra"})
        tickets = self.env["kbe.ticket"].create(
            [
                {"name": "Nasi kurang", "partner_id": new_customer.id, "team_id": team.id},
                {"name": "Telat", "partner_id": old_customer.id, "team_id": team.id},
            ]
        )
        model = self.env["ir.model"]._get_id("kbe.ticket")
        self.env["rating.rating"].create(
            [
                {"res_model_id": model, "res_id": ticket.id, "rating": rating, "consumed": True}
                for ticket, rating in zip(tickets, (5, 3), strict=True)
            ]
        )
        plan = self.plan.with_user(self.user_partner_manager)
        plan.invalidate_recordset()
        goals = {goal.measure: goal for goal in plan.goal_ids}
        self.assertEqual(goals["won_revenue"].actual, 500.0, "won this quarter through the partner")
        self.assertEqual(goals["won_revenue"].progress, 50.0)
        self.assertEqual(goals["new_customers"].actual, 1.0, "the old customer had won before")
        # created this quarter: the three won, the open and the lost opportunity (not the lead)
        self.assertEqual(goals["pipeline_created"].actual, 1620.0)
        self.assertEqual(goals["pipeline_created"].progress, 100.0, "capped at 100 %")
        self.assertEqual(goals["campaigns_run"].actual, 2.0)
        self.assertAlmostEqual(goals["satisfaction"].actual, 80.0)
        expected_certified = 0.0
        if hasattr(self.env["res.partner"], "_kbe_partner_figures"):
            figures = self.channel_partner._kbe_partner_figures()
            expected_certified = figures.get(self.channel_partner.id, {}).get("certified_count", 0)
        self.assertEqual(goals["certified_people"].actual, expected_certified)
        # weighted average: won revenue counts twice
        progress = [50.0, 50.0, 25.0, 100.0, 100.0, 80.0 / 90.0 * 100.0, min(expected_certified * 50.0, 100.0)]
        expected = sum(progress) / 7
        self.assertAlmostEqual(plan.progress, expected, places=2)
        # the partner's contact sees the same figures on its plan
        self.assertEqual(
            self.plan.with_user(self.user_channel_partner).goal_ids.mapped("actual"), plan.goal_ids.mapped("actual")
        )

    def test_actuals_of_many_plans_in_constant_queries(self):
        partners = self.env["res.partner"].create(
            [{"name": f"PT. Mitra Uji {i}", "is_company": True, "kbe_partner_status": "active"} for i in range(5)]
        )
        measures = ["won_revenue", "new_customers", "pipeline_created", "campaigns_run", "satisfaction"]
        plans = self.Plan.create(
            [
                {
                    "partner_id": partner.id,
                    "date_from": self.quarter_start - date_utils.relativedelta(months=3 * i),
                    "goal_ids": [(0, 0, {"measure": measure, "target": 10.0}) for measure in measures],
                }
                for i, partner in enumerate(partners)
            ]
        )
        for partner in partners:
            self._won(self.customer, 10.0, partner)
        self.env.flush_all()

        def count(records):
            records.invalidate_recordset()
            records.goal_ids.invalidate_recordset()
            before = self.env.cr.sql_log_count
            records.mapped("progress")
            return self.env.cr.sql_log_count - before

        one, five = count(plans[:1]), count(plans)
        self.assertEqual(one, five, "the figures of 5 plans take as many queries as those of one")
        plans.invalidate_recordset()
        plans.goal_ids.invalidate_recordset()
        with self.assertQueryCount(5):
            plans.mapped("progress")
