from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import KbeSalesCommon


class KbeSalesMethodCommon(KbeSalesCommon):
    """The B2B complex method of the corporate catering team, on Odoo's stages: New (needs
    confirmed), Qualified (decision makers identified, budget discussed — optional), Proposition
    (proposal presented), Won; and the telesales team's B2C method. The demo's methods are
    archived, so that only these apply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["kbe.sales.method"].search([]).action_archive()
        cls.stage_new = env.ref("crm.stage_lead1")
        cls.stage_qualified = env.ref("crm.stage_lead2")
        cls.stage_proposition = env.ref("crm.stage_lead3")
        cls.stage_won = env.ref("crm.stage_lead4")
        cls.method = env["kbe.sales.method"].create(
            {
                "name": "B2B Uji",
                "sales_style": "b2b_complex",
                "team_ids": [(6, 0, cls.team.ids)],
                "stage_ids": [
                    (6, 0, (cls.stage_new | cls.stage_qualified | cls.stage_proposition | cls.stage_won).ids)
                ],
                "step_ids": [
                    (0, 0, {"name": "Needs confirmed", "stage_id": cls.stage_new.id}),
                    (
                        0,
                        0,
                        {
                            "name": "Decision makers identified",
                            "stage_id": cls.stage_qualified.id,
                            "auto_rule": "decision_maker",
                        },
                    ),
                    (0, 0, {"name": "Budget discussed", "stage_id": cls.stage_qualified.id, "required": False}),
                    (0, 0, {"name": "Proposal presented", "stage_id": cls.stage_proposition.id}),
                ],
            }
        )
        cls.step_needs, cls.step_decision, cls.step_budget, cls.step_proposal = cls.method.step_ids
        cls.telesales_method = env["kbe.sales.method"].create(
            {
                "name": "B2C Uji",
                "sales_style": "b2c_telesales",
                "stage_ids": [(6, 0, (cls.stage_new | cls.stage_qualified | cls.stage_won).ids)],
                "step_ids": [
                    (0, 0, {"name": "Call held", "stage_id": cls.stage_new.id}),
                    (0, 0, {"name": "Offer made", "stage_id": cls.stage_qualified.id}),
                ],
            }
        )
        cls.other_team = env["crm.team"].create({"name": "Tim Tanpa Metode"})

    @classmethod
    def _opportunity(cls, **values):
        return cls._lead(type="opportunity", partner_id=cls.customer.id, stage_id=cls.stage_new.id, **values)

    def _tick(self, lead, *steps, user=None):
        """Tick ``steps`` on the opportunity's checklist in its form, as ``user`` (the rep)."""
        with Form(lead.with_user(user or self.user_salesman)) as form:
            for index in range(len(form.kbe_step_ids)):
                with form.kbe_step_ids.edit(index) as row:
                    if row.step_id in steps:
                        row.done = True


@tagged("post_install", "-at_install")
class TestSalesMethodChecklist(KbeSalesMethodCommon):
    def test_opportunity_gets_the_checklist_of_its_method(self):
        opportunity = self._opportunity()
        self.assertEqual(opportunity.kbe_sales_method_id, self.method)
        self.assertEqual(opportunity.kbe_step_ids.step_id, self.method.step_ids)
        self.assertEqual((opportunity.kbe_step_count, opportunity.kbe_step_done_count), (3, 0))
        telesales = self._opportunity(team_id=self.telesales_team.id, user_id=self.user_telesales.id)
        self.assertEqual(telesales.kbe_step_ids.step_id.mapped("name"), ["Call held", "Offer made"])

    def test_rep_is_told_which_steps_are_open(self):
        opportunity = self._opportunity()
        with self.assertRaises(UserError) as refusal:
            opportunity.with_user(self.user_salesman).write({"stage_id": self.stage_proposition.id})
        message = str(refusal.exception)
        self.assertIn("Needs confirmed (New)", message)
        self.assertIn("Decision makers identified (Qualified)", message)
        self.assertNotIn("Budget discussed", message, "an optional step does not block")
        self.assertNotIn("Proposal presented", message, "the steps of the target stage are done there")
        self.assertIn("ask a sales manager", message)
        self.assertEqual(opportunity.stage_id, self.stage_new)

    def test_statusbar_click_in_the_form_is_blocked_then_moves_once_ticked(self):
        opportunity = self._opportunity()
        with self.assertRaises(UserError), Form(opportunity.with_user(self.user_salesman)) as form:
            form.stage_id = self.stage_qualified
        self.assertEqual(opportunity.stage_id, self.stage_new)
        # ticking the step and clicking the next stage are saved together
        with Form(opportunity.with_user(self.user_salesman)) as form:
            with form.kbe_step_ids.edit(0) as row:
                self.assertEqual(row.step_id, self.step_needs)
                row.done = True
            self.assertEqual(form.kbe_step_done_count, 1, "the progress follows the ticks before saving")
            form.stage_id = self.stage_qualified
        self.assertEqual(opportunity.stage_id, self.stage_qualified)
        row = opportunity.kbe_step_ids.filtered(lambda row: row.step_id == self.step_needs)
        self.assertEqual(row.done_uid, self.user_salesman)
        self.assertTrue(row.done_date)
        self.assertAlmostEqual(opportunity.kbe_step_progress, 100 / 3, places=2)

    def test_won_button_is_blocked_while_steps_are_open(self):
        opportunity = self._opportunity()
        self._tick(opportunity, self.step_needs, self.step_decision)
        with self.assertRaises(UserError) as refusal:
            opportunity.with_user(self.user_salesman).action_set_won()
        self.assertIn("Proposal presented", str(refusal.exception))
        self._tick(opportunity, self.step_proposal)
        opportunity.with_user(self.user_salesman).action_set_won()
        self.assertTrue(opportunity.stage_id.is_won)

    def test_moving_back_is_always_allowed(self):
        opportunity = self._opportunity()
        self._tick(opportunity, self.step_needs, self.step_decision)
        opportunity.with_user(self.user_salesman).stage_id = self.stage_proposition
        # untick a step of a stage already passed: going back and forward again is checked anew
        self.env["kbe.lead.step"].search(
            [("lead_id", "=", opportunity.id), ("step_id", "=", self.step_decision.id)]
        ).with_user(self.user_salesman).done = False
        opportunity.with_user(self.user_salesman).stage_id = self.stage_new
        self.assertEqual(opportunity.stage_id, self.stage_new)
        with self.assertRaises(UserError):
            opportunity.with_user(self.user_salesman).stage_id = self.stage_proposition

    def test_kanban_move_of_several_opportunities_names_the_blocked_ones(self):
        ready, blocked = self._opportunity(name="Siap"), self._opportunity(name="Belum")
        self._tick(ready, self.step_needs)
        with self.assertRaises(UserError) as refusal:
            (ready | blocked).with_user(self.user_salesman).write({"stage_id": self.stage_qualified.id})
        self.assertIn("“Belum”", str(refusal.exception))
        self.assertNotIn("“Siap”", str(refusal.exception))
        self.assertEqual((ready | blocked).stage_id, self.stage_new, "nothing moved")
        self._tick(blocked, self.step_needs)
        (ready | blocked).with_user(self.user_salesman).write({"stage_id": self.stage_qualified.id})
        self.assertEqual((ready | blocked).stage_id, self.stage_qualified)

    def test_decision_maker_in_the_buying_centre_ticks_its_step(self):
        opportunity = self._opportunity()
        contact = self.env["res.partner"].create({"name": "Pak Direktur", "parent_id": self.customer.id})
        opportunity.with_user(self.user_salesman).kbe_buying_center_ids = [
            (0, 0, {"partner_id": contact.id, "role": "influencer"})
        ]
        row = opportunity.kbe_step_ids.filtered(lambda row: row.step_id == self.step_decision)
        self.assertFalse(row.done, "an influencer is not a decision maker")
        opportunity.kbe_buying_center_ids.with_user(self.user_salesman).role = "decision_maker"
        self.assertTrue(row.done)
        self.assertEqual(row.done_uid, self.user_salesman)

    def test_progress_of_many_opportunities_costs_one_query(self):
        leads = self.env["crm.lead"].union(*(self._opportunity(name=f"Peluang {i}") for i in range(6)))
        self._tick(leads[0], self.step_needs)
        leads = leads.with_user(self.user_salesman)
        leads[0].mapped("kbe_step_progress")  # the rep's record rules, cached once
        leads.invalidate_recordset()
        leads.mapped("name")  # the list or kanban reads the opportunities first
        with self.assertQueryCount(1):
            progress = leads.mapped("kbe_step_progress")
        self.assertEqual(progress[0], 100 / 3)
        self.assertEqual(progress[1:], [0.0] * 5)


@tagged("post_install", "-at_install")
class TestSalesMethodStandardOdoo(KbeSalesMethodCommon):
    """Opportunities without a method move as in standard Odoo, at the same cost."""

    def test_opportunity_without_method_moves_freely(self):
        opportunity = self._opportunity(team_id=self.other_team.id)
        self.assertEqual(opportunity.kbe_sales_style, "b2b_complex", "the style of the B2B method...")
        self.assertFalse(opportunity.kbe_sales_method_id, "...but the method names another team")
        self.assertFalse(opportunity.kbe_step_ids)
        opportunity.with_user(self.user_salesman).action_set_won()
        self.assertTrue(opportunity.stage_id.is_won)

    def _stage_write_queries(self, lead):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        lead.with_user(self.user_salesman).write({"stage_id": self.stage_won.id})
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_stage_write_without_method_costs_no_extra_query(self):
        first, second, warm = (self._opportunity(team_id=self.other_team.id, name=name) for name in "ABC")
        self._stage_write_queries(warm)  # the caches of the registry (the method index among them)
        with_feature = self._stage_write_queries(first)
        Method = self.env.registry["kbe.sales.method"]
        with patch.object(Method, "_kbe_method_index", lambda self: {}):
            without_feature = self._stage_write_queries(second)
        self.assertEqual(second.stage_id, self.stage_won)
        self.assertLessEqual(with_feature, without_feature, "no extra query for an opportunity without method")

    def test_no_method_at_all_means_no_query_for_it(self):
        self.env["kbe.sales.method"].search([]).action_archive()
        opportunity = self._opportunity()
        self.assertFalse(opportunity.kbe_sales_method_id)
        Lead = self.env.registry["crm.lead"]
        with patch.object(Lead, "_kbe_open_steps", side_effect=AssertionError("no checklist to read")):
            opportunity.with_user(self.user_salesman).action_set_won()
        self.assertTrue(opportunity.stage_id.is_won)


@tagged("post_install", "-at_install")
class TestStageOverride(KbeSalesMethodCommon):
    def test_manager_overrides_with_a_logged_reason(self):
        opportunity = self._opportunity()
        wizard_form = Form(
            self.env["kbe.stage.override"]
            .with_user(self.user_sales_manager)
            .with_context(default_lead_id=opportunity.id)
        )
        self.assertEqual(wizard_form.stage_id, self.stage_qualified, "the next stage is proposed")
        self.assertIn("Needs confirmed", wizard_form.open_steps)
        wizard_form.stage_id = self.stage_proposition
        wizard_form.reason = "Pelanggan lama, kebutuhan sudah jelas dari kontrak sebelumnya"
        wizard_form.save().action_apply()
        self.assertEqual(opportunity.stage_id, self.stage_proposition)
        skipped = opportunity.kbe_step_ids.filtered("skipped")
        self.assertEqual(skipped.step_id, self.step_needs | self.step_decision)
        self.assertIn("Skipped by Maya Manager: Pelanggan lama", skipped[0].skip_note)
        note = opportunity.message_ids.filtered(lambda message: "Stage overridden" in (message.body or ""))
        self.assertIn("Pelanggan lama, kebutuhan sudah jelas", note.body)
        self.assertIn("Needs confirmed", note.body)
        self.assertIn("Decision makers identified", note.body)
        self.assertEqual(note.author_id, self.user_sales_manager.partner_id)
        # the skipped steps no longer block; the ones of Proposition still do
        with self.assertRaises(UserError) as refusal:
            opportunity.with_user(self.user_salesman).action_set_won()
        self.assertIn("Proposal presented", str(refusal.exception))
        self.assertNotIn("Needs confirmed", str(refusal.exception))

    def test_reason_is_required(self):
        opportunity = self._opportunity()
        wizard = (
            self.env["kbe.stage.override"]
            .with_user(self.user_sales_manager)
            .create({"lead_id": opportunity.id, "stage_id": self.stage_qualified.id, "reason": "  "})
        )
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertEqual(opportunity.stage_id, self.stage_new)

    def test_rep_cannot_override(self):
        opportunity = self._opportunity()
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.env["kbe.stage.override"].with_user(self.user_salesman).create(
                {"lead_id": opportunity.id, "stage_id": self.stage_qualified.id, "reason": "Saya yakin"}
            )
        with self.assertRaises(AccessError):
            opportunity.with_user(self.user_salesman).action_kbe_stage_override()
        # the check is on the server, not in a context key or a view
        with self.assertRaises(AccessError):
            opportunity.with_user(self.user_salesman).with_context(
                kbe_stage_override=True, bypass=True
            )._kbe_override_stage(self.stage_qualified, "Saya yakin")
        self.assertEqual(opportunity.stage_id, self.stage_new)
        self.assertFalse(opportunity.kbe_step_ids.filtered("skipped"))

    def test_order_wins_the_opportunity_and_logs_open_steps(self):
        opportunity = self._opportunity()
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": opportunity.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 10})],
                }
            )
        )
        self.assertTrue(opportunity.stage_id.is_won, "a quotation for the opportunity is a fact: it wins it")
        self.assertEqual(
            opportunity.kbe_step_ids.filtered("skipped").step_id,
            self.step_needs | self.step_decision | self.step_proposal,
        )
        self.assertIn(order.name, opportunity.kbe_step_ids.filtered("skipped")[0].skip_note)
        self.assertTrue(
            any("steps of the sales method open" in (message.body or "") for message in opportunity.message_ids)
        )


@tagged("post_install", "-at_install")
class TestSalesMethodConfiguration(KbeSalesMethodCommon):
    def test_manager_configures_reps_read(self):
        method = self.method.with_user(self.user_salesman)
        self.assertEqual(method.step_ids.mapped("name")[0], "Needs confirmed")
        self.assertRights(self.user_salesman, (self.method, self.method.step_ids), "r--")
        self.assertRights(self.user_sales_manager, (self.method, self.method.step_ids), "rwd")
        self.assertRights(self.user_accountant, (self.method, self.method.step_ids), "---")
        with Form(self.method.with_user(self.user_sales_manager)) as form:
            with form.step_ids.new() as step:
                step.name = "Tasting session held"
                step.stage_id = self.stage_proposition
                step.required = False
        self.assertIn("Tasting session held", self.method.step_ids.mapped("name"))

    def test_new_step_reaches_the_open_opportunities(self):
        opportunity = self._opportunity()
        step = (
            self.env["kbe.sales.method.step"]
            .with_user(self.user_sales_manager)
            .create({"method_id": self.method.id, "stage_id": self.stage_new.id, "name": "Menu sent"})
        )
        self.assertIn(step, opportunity.kbe_step_ids.step_id)
        with self.assertRaises(UserError) as refusal:
            opportunity.with_user(self.user_salesman).stage_id = self.stage_qualified
        self.assertIn("Menu sent", str(refusal.exception))

    def test_one_active_method_per_sales_style_and_company(self):
        with self.assertRaises(ValidationError):
            self.env["kbe.sales.method"].with_user(self.user_sales_manager).create(
                {"name": "B2B Kedua", "sales_style": "b2b_complex", "stage_ids": [(6, 0, self.stage_new.ids)]}
            )
        other_company = self.env["res.company"].create({"name": "PT. Kaktus Berduri Surabaya"})
        self.env["kbe.sales.method"].create(
            {
                "name": "B2B Surabaya",
                "sales_style": "b2b_complex",
                "company_id": other_company.id,
                "stage_ids": [(6, 0, self.stage_new.ids)],
            }
        )

    def test_a_step_belongs_to_a_stage_of_its_method(self):
        with self.assertRaises(ValidationError):
            self.env["kbe.sales.method.step"].with_user(self.user_sales_manager).create(
                {"method_id": self.telesales_method.id, "stage_id": self.stage_proposition.id, "name": "Presentasi"}
            )

    def test_checklists_follow_the_opportunity_rules(self):
        mine = self._opportunity()
        theirs = self._opportunity(user_id=self.user_sales_all.id)
        unassigned = self._opportunity(user_id=False)
        Step = self.env["kbe.lead.step"]
        visible = Step.with_user(self.user_salesman).search([("lead_id", "in", (mine | theirs | unassigned).ids)])
        self.assertEqual(visible.lead_id, mine | unassigned)
        self.assertRights(self.user_salesman, mine.kbe_step_ids, "rw-")
        self.assertRights(self.user_salesman, theirs.kbe_step_ids, "---")
        self.assertRights(self.user_sales_all, mine.kbe_step_ids, "rw-")
        self.assertRights(self.user_accountant, mine.kbe_step_ids, "---")
        # another company's checklists stay there
        other_company = self.env["res.company"].create({"name": "PT. Kaktus Berduri Medan"})
        self.user_sales_all.company_ids |= other_company
        rows = Step.with_user(self.user_sales_all).with_context(allowed_company_ids=other_company.ids)
        self.assertFalse(rows.search([("lead_id", "=", mine.id)]))

    def test_demo_methods_on_kbe_stages(self):
        b2b = self.env.ref("crm_kbe.kbe_sales_method_b2b_demo")
        telesales = self.env.ref("crm_kbe.kbe_sales_method_telesales_demo")
        self.assertEqual(b2b.team_ids, self.env.ref("crm_kbe.crm_team_catering_demo"))
        self.assertEqual(telesales.team_ids, self.env.ref("crm_kbe.crm_team_telesales_demo"))
        self.assertIn("Decision makers identified", b2b.step_ids.mapped("name"))
        self.assertEqual(telesales.step_ids.mapped("name"), ["Call held", "Offer made"])
        sari = self.env.ref("crm_kbe.crm_lead_sari_proposition_demo")
        done = sari.kbe_step_ids.filtered("done").step_id
        self.assertIn(self.env.ref("crm_kbe.kbe_sales_method_step_b2b_decision_demo"), done, "its finance director")
