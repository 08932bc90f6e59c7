from odoo import fields
from odoo.tests import tagged

from .common import KbeTourCase


@tagged("post_install", "-at_install")
class TestSalesOrganisationTour(KbeTourCase):
    """In Chromium: the sales manager defines the territory of Jakarta Pusat; a new opportunity
    from PT. KITA's address there lands with the territory's salesperson, who works it through
    the B2B complex sale's checklist and sees it count against her target of the month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.rep = cls.user_salesman
        cls.team = env["crm.team"].create(
            {
                "name": "Tim Katering Korporat",
                "user_id": cls.user_sales_manager.id,
                "member_ids": [(4, cls.rep.id)],
                "kbe_sales_style": "b2b_complex",
            }
        )
        # the manager defines the territories here: the demo's are put aside
        env["kbe.territory"].search([]).action_archive()
        cls.stages = [env.ref(f"crm.stage_lead{i}") for i in (1, 2, 3, 4)]
        new, qualified, proposition, _won = cls.stages
        env["kbe.sales.method"].search([("sales_style", "=", "b2b_complex")]).action_archive()
        env["kbe.sales.method"].create(
            {
                "name": "B2B Complex Sale",
                "sales_style": "b2b_complex",
                "team_ids": [(6, 0, cls.team.ids)],
                "stage_ids": [(6, 0, [stage.id for stage in cls.stages])],
                "step_ids": [
                    (0, 0, {"name": "Needs confirmed", "stage_id": new.id, "sequence": 1}),
                    (
                        0,
                        0,
                        {
                            "name": "Decision makers identified",
                            "stage_id": qualified.id,
                            "sequence": 1,
                            "auto_rule": "decision_maker",
                        },
                    ),
                    (0, 0, {"name": "Proposal presented", "stage_id": proposition.id, "sequence": 1}),
                ],
            }
        )
        jakarta = env.ref("base.state_id_jk")
        cls.kita = env["res.partner"].create(
            {
                "name": "PT. KITA",
                "is_company": True,
                "street": "Jl. Medan Merdeka Barat 12",
                "city": "Jakarta Pusat",
                "zip": "10110",
                "state_id": jakarta.id,
                "country_id": env.ref("base.id").id,
            }
        )
        cls.yeyen = env["res.partner"].create({"name": "Yeyen", "parent_id": cls.kita.id, "function": "Purchasing"})
        cls.today = fields.Date.context_today(cls.rep)
        cls.target = env["kbe.sales.target"].create(
            {
                "target_type": "user",
                "user_id": cls.rep.id,
                "period_type": "month",
                "date_from": cls.today.replace(day=1),
                "target_won": 50_000_000,
            }
        )

    def test_territory_checklist_and_forecast(self):
        self.start_tour("/odoo", "crm_kbe_territory_define", login=self.user_sales_manager.login)
        territory = self.env["kbe.territory"].search([("name", "=", "Jakarta Pusat")])
        self.assertEqual((territory.team_id, territory.user_id), (self.team, self.rep))

        # a request from the website form, sent from PT. KITA: nobody chose its salesperson
        lead = (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": "PT. KITA - katering rapat bulanan",
                    "type": "opportunity",
                    "partner_id": self.kita.id,
                    "expected_revenue": 30_000_000,
                    "date_deadline": self.today,
                    "stage_id": self.stages[0].id,
                }
            )
        )
        self.assertEqual(lead.kbe_territory_id, territory, "placed in the territory of its address")
        self.assertEqual((lead.user_id, lead.team_id), (self.rep, self.team), "with the territory's salesperson")
        self.assertEqual(self.target.commit_amount, 0.0)

        self.start_tour("/odoo", "crm_kbe_territory_work", login=self.rep.login)
        self.assertEqual(lead.stage_id, self.stages[2], "worked through to Proposition")
        self.assertTrue(all(lead.kbe_step_ids.mapped("done")), "every step of the checklist is done")
        self.assertEqual(lead.kbe_buying_center_ids.partner_id, self.yeyen)
        self.assertEqual(lead.kbe_forecast_category, "commit")
        self.target.invalidate_recordset()
        self.assertEqual(self.target.commit_amount, 30_000_000, "the deal counts in her commit")
        self.assertEqual(self.target.gap, 50_000_000, "nothing won yet: the whole target is still to win")
