from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestLeadRevenue(KbeSalesCommon):
    """Expected revenue, probability, margin and weighted revenue as a rep sets them."""

    def test_margin_and_weighted_revenue(self):
        opportunity = self._lead(type="opportunity").with_user(self.user_salesman)
        with Form(opportunity) as form:
            form.expected_revenue = 20000
            form.probability = 60
            form.kbe_margin_percent = 25
        self.assertEqual(opportunity.kbe_margin_amount, 5000)
        self.assertEqual(opportunity.prorated_revenue, 12000, "weighted revenue = revenue x probability")

    def test_sales_style_follows_team_and_stays_editable(self):
        opportunity = self._lead(type="opportunity", team_id=self.telesales_team.id)
        self.assertEqual(opportunity.kbe_sales_style, "b2c_telesales")
        opportunity.kbe_sales_style = "key_account"
        self.assertEqual(opportunity.kbe_sales_style, "key_account")

    def test_figures_are_in_reports(self):
        self._lead(type="opportunity", expected_revenue=1000, probability=50, kbe_margin_percent=10)
        groups = self.env["crm.lead"]._read_group(
            [("team_id", "=", self.team.id)],
            ["kbe_sales_style"],
            ["prorated_revenue:sum", "kbe_margin_amount:sum", "kbe_realized_revenue:sum"],
        )
        self.assertEqual(groups, [("b2b_complex", 500.0, 100.0, 0.0)])

    def test_refuses_absurd_margin(self):
        opportunity = self._lead(type="opportunity", expected_revenue=1000, probability=40, kbe_margin_percent=20)
        for margin in (150, -1):
            with (
                self.subTest(margin=margin),
                self.assertRaisesRegex(ValidationError, "expected margin .* must be between 0 and 100"),
                self.env.cr.savepoint(),
            ):
                opportunity.with_user(self.user_salesman).write({"kbe_margin_percent": margin})
        self.assertEqual(opportunity.kbe_margin_amount, 200, "the margin stays as it was")

    def test_negative_expected_revenue_stays_allowed_as_in_odoo(self):
        """crm_kbe adds no rule to Odoo's own fields: a credit deal with a negative amount saves."""
        opportunity = self._lead(type="opportunity", probability=50, kbe_margin_percent=10)
        with Form(opportunity.with_user(self.user_salesman)) as form:
            form.expected_revenue = -1000
        self.assertEqual((opportunity.prorated_revenue, opportunity.kbe_margin_amount), (-500, -100))
