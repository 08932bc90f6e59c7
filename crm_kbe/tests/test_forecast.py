from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common_forecast import KbeForecastCommon

MEASURES = ("closed_won", "commit_amount", "best_case", "weighted", "invoiced")


@tagged("post_install", "-at_install")
class TestForecastCategory(KbeForecastCommon):
    """The forecast category of an opportunity follows its probability and won/lost state, and
    its salesperson may choose another one."""

    def test_category_follows_probability_won_and_lost(self):
        lead = self._opportunity(1000, 95, "2025-05-01")
        self.assertEqual(lead.kbe_forecast_category, "commit")
        lead.probability = 60
        self.assertEqual(lead.kbe_forecast_category, "best_case")
        lead.probability = 59
        self.assertEqual(lead.kbe_forecast_category, "pipeline")
        lead.action_set_won()
        self.assertEqual(lead.kbe_forecast_category, "closed")
        other = self._opportunity(1000, 70, "2025-05-01")
        other.action_set_lost()
        self.assertEqual(other.kbe_forecast_category, "omitted")
        other.action_unarchive()
        self.assertNotEqual(other.kbe_forecast_category, "omitted", "a restored opportunity is forecast again")

    def test_salesperson_chooses_the_category_until_the_probability_changes(self):
        lead = self._opportunity(1000, 95, "2025-05-01").with_user(self.user_salesman)
        with Form(lead) as form:
            form.kbe_forecast_category = "best_case"
        self.assertEqual(lead.kbe_forecast_category, "best_case")
        lead.name = "Katering rapat direksi"  # other changes keep the choice
        self.assertEqual(lead.kbe_forecast_category, "best_case")
        with Form(lead) as form:
            form.probability = 92
        self.assertEqual(lead.kbe_forecast_category, "commit")

    def test_stage_change_to_won_closes(self):
        lead = self._opportunity(1000, 30, "2025-05-01").with_user(self.user_salesman)
        lead.kbe_forecast_category = "omitted"
        lead.stage_id = self.won_stage
        self.assertEqual(lead.kbe_forecast_category, "closed")


@tagged("post_install", "-at_install")
class TestForecastFigures(KbeForecastCommon):
    """The figures of targets and of the forecast report on the known quarter."""

    def test_salesperson_target(self):
        self.assertFigures(
            self.target_rep,
            closed_won=1000,
            commit_amount=3000,
            best_case=6000,
            weighted=2000 * 0.95 + 3000 * 0.7 + 4000 * 0.3,
            invoiced=300,
            gap=9000,
            gap_invoiced=700,
            won_progress=10,
            opportunity_count=4,
        )

    def test_team_target_counts_every_member(self):
        self.assertFigures(
            self.target_team,
            closed_won=1000,
            commit_amount=3900,
            best_case=6900,
            weighted=5200 + 900 * 0.95,
            invoiced=300,
            gap=19000,
        )

    def test_territory_target_counts_its_sub_territories(self):
        self.assertFigures(
            self.target_jawa,
            closed_won=1000,
            commit_amount=3000,
            best_case=3000,
            weighted=2000 * 0.95 + 4000 * 0.3,
            invoiced=300,  # invoices of the won opportunity in Jakarta
            gap=4000,
        )

    def test_month_target_and_other_company(self):
        april = self._target("user", self.user_salesman, 3000, 0, period_type="month", date_from="2025-04-20")
        self.assertEqual(april.date_from, date(2025, 4, 1))
        self.assertFigures(april, closed_won=0, commit_amount=0, weighted=1200, opportunity_count=1)
        other = self._target("user", self.user_salesman, 3000, 0, company_id=self.company_b.id)
        self.assertFigures(other, closed_won=10000, commit_amount=10000, invoiced=0, opportunity_count=1)

    def test_figures_move_with_the_pipeline(self):
        self.lead_commit.with_user(self.user_salesman).action_set_won()
        self.lead_commit.date_closed = "2025-05-21 10:00:00"
        self.assertFigures(self.target_rep, closed_won=3000, commit_amount=3000, weighted=3300)

    def test_opportunities_button_opens_the_opportunities_of_the_figures(self):
        action = self.target_rep.with_user(self.user_salesman).action_view_opportunities()
        leads = self.env["crm.lead"].with_user(self.user_salesman).search(action["domain"])
        self.assertEqual(leads, self.lead_won | self.lead_commit | self.lead_best | self.lead_pipeline)

    def test_report_agrees_with_the_targets(self):
        Report = self.env["kbe.forecast.report"].with_user(self.user_sales_manager)
        Report._kbe_flush_sources()
        for target in self.target_rep | self.target_team | self.target_jawa:
            domain = target._kbe_report_domain() + [("line_type", "!=", "target")]
            [sums] = Report._read_group(domain, [], [f"{name}:sum" for name in MEASURES])
            with self.subTest(target=target.name):
                self.assertEqual(list(sums), [target[name] for name in MEASURES])
        # the target lines carry the target and its gap
        [[target_won, gap]] = Report._read_group(
            self.target_rep._kbe_report_domain(), [], ["target_won:sum", "gap:sum"]
        )
        self.assertEqual((target_won, gap), (10000, 9000))

    def test_report_lines_open_their_document(self):
        Report = self.env["kbe.forecast.report"].with_user(self.user_salesman)
        line = Report.search([("lead_id", "=", self.lead_commit.id), ("line_type", "=", "opportunity")])
        self.assertEqual(line.forecast_category, "commit")
        action = line.action_view_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", self.lead_commit.id))

    def test_figures_of_many_targets_cost_the_same_queries_as_one(self):
        users = [self.user_salesman, self.user_sales_all, self.user_sales_manager, self.user_telesales]
        many = self.target_rep | self.target_team | self.target_jawa
        for month in (4, 5):
            for user in users[1:]:
                many |= self._target("user", user, 100, 100, period_type="month", date_from=f"2025-{month:02d}-01")
        self.assertEqual(len(many), 9)
        counts = []
        for targets in (self.target_rep, many, self.target_rep):  # the first one puts the rules in cache
            targets = targets.with_user(self.user_sales_manager)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            targets.mapped("closed_won")
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[1], counts[2], "one statement for the figures of the whole batch")
        self.assertLessEqual(counts[1], 4)  # the targets, their figures, their company and currency


@tagged("post_install", "-at_install")
class TestForecastSnapshot(KbeForecastCommon):
    """The weekly job keeps one snapshot per target and ISO week of every current or future
    target; taken again in the week, it is updated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.target_now = cls._target("user", cls.user_salesman, 5000, 500, period_type="month", date_from=today)
        cls.target_next = cls._target(
            "team", cls.team, 5000, 500, period_type="quarter", date_from=today + timedelta(days=100)
        )
        cls.lead_now = cls._opportunity(2500, 95, cls.target_now.date_to)

    def test_cron_takes_one_snapshot_per_target_and_week(self):
        Snapshot = self.env["kbe.forecast.snapshot"]
        Snapshot._cron_kbe_take_snapshots()
        snapshots = Snapshot.search([("target_id", "in", (self.target_now | self.target_next | self.target_rep).ids)])
        self.assertEqual(snapshots.target_id, self.target_now | self.target_next, "past periods are not kept")
        now = snapshots.filtered(lambda s: s.target_id == self.target_now)
        self.assertEqual((now.commit_amount, now.target_won, now.gap), (2500, 5000, 5000))
        today = fields.Date.context_today(Snapshot)
        self.assertEqual(now.week_start, today - timedelta(days=today.weekday()))
        # later that week: won, and the job runs again
        self.lead_now.action_set_won()
        Snapshot._cron_kbe_take_snapshots()
        again = Snapshot.search([("target_id", "=", self.target_now.id)])
        self.assertEqual(again, now, "the week's snapshot is updated, not doubled")
        self.assertEqual((again.closed_won, again.gap), (2500, 2500))
        # next week, a second one
        Snapshot._kbe_take_snapshots(self.target_now, day=today + timedelta(days=7))
        self.assertEqual(Snapshot.search_count([("target_id", "=", self.target_now.id)]), 2)

    def test_manager_takes_a_snapshot_now(self):
        target = self.target_now.with_user(self.user_sales_manager)
        action = target.action_kbe_take_snapshot()
        snapshots = self.env["kbe.forecast.snapshot"].with_user(self.user_sales_manager).search(action["domain"])
        self.assertEqual(len(snapshots), 1)
        self.assertEqual(target.snapshot_count, 1)
        with self.assertRaises(AccessError):
            self.target_now.with_user(self.user_salesman).action_kbe_take_snapshot()
        # the rep reads the snapshots of their targets
        self.assertEqual(self.target_now.with_user(self.user_salesman).snapshot_ids, snapshots)


@tagged("post_install", "-at_install")
class TestForecastAccess(KbeForecastCommon):
    """Who sees which targets, snapshots and forecast lines: Odoo's rules for leads."""

    def test_own_documents_rep_sees_their_own_and_unassigned(self):
        colleague_target = self._target("user", self.user_sales_all, 100, 100)
        Target = self.env["kbe.sales.target"].with_user(self.user_salesman)
        visible = Target.search([("id", "in", (self.target_rep | self.target_team | colleague_target).ids)])
        self.assertEqual(visible, self.target_rep | self.target_team)
        self.assertRights(self.user_salesman, self.target_rep, "r--")
        self.assertRights(self.user_sales_all, colleague_target | self.target_rep, "r--")
        self.assertRights(self.user_sales_manager, colleague_target, "rwd")
        Report = self.env["kbe.forecast.report"].with_user(self.user_salesman)
        lines = Report.search([("date", ">=", "2025-04-01"), ("date", "<=", "2025-06-30")])
        self.assertNotIn(self.lead_colleague, lines.lead_id, "a colleague's opportunity is not in the rep's forecast")
        self.assertIn(self.lead_commit, lines.lead_id)
        all_lines = (
            self.env["kbe.forecast.report"].with_user(self.user_sales_all).search([("date", ">=", "2025-04-01")])
        )
        self.assertIn(self.lead_colleague, all_lines.lead_id)

    def test_people_outside_sales_see_nothing(self):
        for user in (self.user_accountant, self.user_portal, self.user_internal):
            with self.subTest(user=user.login):
                self.assertRights(user, self.target_team, "---")
                self.assertFalse(self.env["kbe.forecast.report"].with_user(user).has_access("read"))

    def test_targets_and_lines_stay_in_their_company(self):
        other = self._target("user", self.user_salesman, 3000, 0, company_id=self.company_b.id)
        Target = self.env["kbe.sales.target"].with_user(self.user_sales_manager)
        in_a = Target.with_context(allowed_company_ids=[self.env.company.id]).search([])
        self.assertIn(self.target_rep, in_a)
        self.assertNotIn(other, in_a)
        Report = self.env["kbe.forecast.report"].with_user(self.user_sales_manager)
        lines = Report.with_context(allowed_company_ids=[self.env.company.id]).search([("date", ">=", "2025-04-01")])
        self.assertNotIn(self.lead_company_b, lines.lead_id)
