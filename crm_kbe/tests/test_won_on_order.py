from odoo.addons.crm_kbe import post_init_hook
from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestWonOnOrder(KbeSalesCommon):
    """The company setting "Mark the opportunity as Won when" and the reopening on cancel."""

    def setUp(self):
        super().setUp()
        self.opportunity = self._lead(type="opportunity", partner_id=self.customer.id, expected_revenue=500)
        self.first_stage = self.opportunity.stage_id

    def _new_quotation(self):
        action = self.opportunity.with_user(self.user_salesman).action_sale_quotations_new()
        with Form(self.env["sale.order"].with_user(self.user_salesman).with_context(**action["context"])) as form:
            with form.order_line.new() as line:
                line.product_id = self.product
                line.product_uom_qty = 10
        return form.record

    def test_quotation_marks_won_in_kbe_process(self):
        self.env.company.kbe_won_trigger = "quotation"
        order = self._new_quotation()
        self.assertEqual(order.opportunity_id, self.opportunity)
        self.assertEqual(order.team_id, self.team)
        self.assertTrue(self.opportunity.stage_id.is_won)
        self.assertEqual(self.opportunity.probability, 100)
        self.assertIn("Marked as won", " ".join(self.opportunity.message_ids.mapped("body")))

    def test_confirm_setting_waits_for_the_order(self):
        self.env.company.kbe_won_trigger = "confirm"
        order = self._new_quotation()
        self.assertFalse(self.opportunity.stage_id.is_won)
        order.with_user(self.user_salesman).action_confirm()
        self.assertTrue(self.opportunity.stage_id.is_won)

    def test_never_setting_leaves_it_to_the_rep(self):
        self.env.company.kbe_won_trigger = "never"
        order = self._new_quotation()
        order.with_user(self.user_salesman).action_confirm()
        self.assertFalse(self.opportunity.stage_id.is_won)
        self.assertEqual(self.opportunity.stage_id, self.first_stage)

    def test_cancelling_the_only_order_reopens_the_opportunity(self):
        order = self._new_quotation()
        self.assertTrue(self.opportunity.stage_id.is_won)
        order.with_user(self.user_salesman)._action_cancel()
        self.assertFalse(self.opportunity.stage_id.is_won)
        self.assertEqual(self.opportunity.stage_id, self.first_stage)
        self.assertIn("Reopened", " ".join(self.opportunity.message_ids.mapped("body")))

    def test_cancelling_one_of_two_orders_keeps_it_won(self):
        first = self._new_quotation()
        self._new_quotation()
        first.with_user(self.user_salesman)._action_cancel()
        self.assertTrue(self.opportunity.stage_id.is_won)

    def _colleague_opportunity_order(self, trigger):
        """An order of the rep linked to a colleague's opportunity that the rep cannot read."""
        self.env.company.kbe_won_trigger = trigger
        self.opportunity.user_id = self.user_sales_all
        stage = self.opportunity.stage_id
        self.assertFalse(self.opportunity.with_user(self.user_salesman).has_access("read"))
        order = (
            self.env["sale.order"]
            .with_user(self.user_salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "opportunity_id": self.opportunity.id,
                    "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
                }
            )
        )
        return order, stage

    def test_rep_cannot_win_a_colleagues_opportunity_with_a_quotation(self):
        order, stage = self._colleague_opportunity_order("quotation")
        self.assertEqual(order.opportunity_id, self.opportunity, "Odoo's own link is kept")
        self.assertEqual(self.opportunity.stage_id, stage, "the colleague's deal stays where it was")
        self.assertFalse(self.opportunity.kbe_won_order_id)

    def test_rep_cannot_win_a_colleagues_opportunity_by_confirming(self):
        order, stage = self._colleague_opportunity_order("confirm")
        order.with_user(self.user_salesman).action_confirm()
        self.assertEqual(order.state, "sale", "the rep's own order is confirmed as in Odoo")
        self.assertEqual(self.opportunity.stage_id, stage)
        self.assertLess(self.opportunity.probability, 100)

    def test_relinking_own_quotation_to_a_colleagues_opportunity_does_not_win_it(self):
        self.env.company.kbe_won_trigger = "quotation"
        other = self._lead(type="opportunity", partner_id=self.customer.id, user_id=self.user_sales_all.id)
        stage = other.stage_id
        order = self._new_quotation()
        order.with_user(self.user_salesman).write({"opportunity_id": other.id})
        self.assertEqual(other.stage_id, stage)
        self.assertFalse(other.kbe_won_order_id)


@tagged("post_install", "-at_install")
class TestWonTriggerDefault(KbeSalesCommon):
    """Installing crm_kbe changes nothing in a company that already sells: "won on quotation" is
    on only where there was no opportunity nor sales order yet."""

    def _company(self, name):
        company = self.env["res.company"].create({"name": name})
        self.user_sales_manager.company_ids |= company
        return company

    def test_new_company_keeps_odoo_behaviour(self):
        company = self._company("PT. Baru")
        self.assertEqual(company.kbe_won_trigger, "never")
        opportunity = self._lead(type="opportunity", company_id=company.id, team_id=False, user_id=False)
        self.env["sale.order"].with_company(company).create(
            {"partner_id": self.customer.id, "opportunity_id": opportunity.id, "company_id": company.id}
        )
        self.assertFalse(opportunity.stage_id.is_won, "Odoo's New Quotation does not win the opportunity")

    def test_install_turns_kbe_process_on_only_where_nothing_was_sold(self):
        selling, with_order, fresh, chosen = (
            self._company(name) for name in ("PT. Lama", "PT. Order", "PT. Baru", "PT. Pilih")
        )
        self._lead(type="opportunity", company_id=selling.id, team_id=False, user_id=False)
        self.env["sale.order"].create({"partner_id": self.customer.id, "company_id": with_order.id})
        # a lead is no sale yet; a company that chose "confirm" keeps its choice
        self._lead(company_id=fresh.id, team_id=False, user_id=False)
        chosen.kbe_won_trigger = "confirm"
        post_init_hook(self.env)
        self.assertEqual(selling.kbe_won_trigger, "never")
        self.assertEqual(with_order.kbe_won_trigger, "never")
        self.assertEqual(fresh.kbe_won_trigger, "quotation")
        self.assertEqual(chosen.kbe_won_trigger, "confirm")

    def test_settings_show_the_company_choice(self):
        # the CRM settings are the administrator's job
        self.env.company.kbe_won_trigger = "confirm"
        settings = self.env["res.config.settings"].with_user(self.env.ref("base.user_admin")).create({})
        self.assertEqual(settings.kbe_won_trigger, "confirm")
        settings.kbe_won_trigger = "never"
        settings.execute()
        self.assertEqual(self.env.company.kbe_won_trigger, "never")
