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

    def test_refuses_absurd_figures(self):
        opportunity = self._lead(type="opportunity", expected_revenue=1000, probability=40, kbe_margin_percent=20)
        for values, message in (
            ({"probability": 120}, "probability"),
            ({"expected_revenue": -5}, "cannot be negative"),
            ({"kbe_margin_percent": 150}, "margin"),
            ({"kbe_margin_percent": -1}, "margin"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                opportunity.with_user(self.user_salesman).write(values)
        self.assertEqual(
            (opportunity.expected_revenue, opportunity.probability, opportunity.kbe_margin_percent), (1000, 40, 20)
        )
