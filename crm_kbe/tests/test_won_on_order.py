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

    def test_quotation_marks_won_by_default(self):
        self.assertEqual(self.env.company.kbe_won_trigger, "quotation")
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

    def test_confirming_agent_without_right_on_the_opportunity_wins_it(self):
        # a key-account opportunity of a colleague; the quotation is the agent's, who confirms it
        self.env.company.kbe_won_trigger = "confirm"
        self.opportunity.user_id = self.user_sales_all
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.opportunity.id,
                "user_id": self.user_salesman.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        self.assertFalse(self.opportunity.with_user(self.user_salesman).has_access("read"))
        order.with_user(self.user_salesman).action_confirm()
        self.assertTrue(self.opportunity.stage_id.is_won)
