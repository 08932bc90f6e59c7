from datetime import date, datetime

from .common import KbeSalesCommon


class KbeForecastCommon(KbeSalesCommon):
    """A known forecast: the second quarter of 2025 of the rep (``user_salesman``) in the team
    (with ``user_sales_all``), territories Jawa > Jakarta and Bali, and what falls in or out of it.

    In the quarter, for the rep: won 1,000 (Jakarta); open Commit 2,000 at 95 % (Jawa); open Best
    Case 3,000 at 70 % (Bali); open Pipeline 4,000 at 30 % (Jakarta, in April); invoiced 500 and a
    credit note of 200 (on the won one). Out of it: an omitted 5,000, a lost 6,000, a Commit 7,000
    closing in July, a deal won in March 8,000, an invoice of July, and another company's won
    10,000. The colleague has an open Commit 900 at 95 % in the team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_b = env["res.company"].create({"name": "PT. Kaktus Berduri Surabaya"})
        cls.user_salesman.company_ids |= cls.company_b
        cls.user_sales_manager.company_ids |= cls.company_b
        # the territories' rules match no lead of this data set: each lead is put in its
        # territory by hand, the others in none (a territory without rules would take them all)
        Territory = env["kbe.territory"]
        cls.jawa = Territory.create({"name": "Jawa", "city_names": "Kota Uji Jawa"})
        cls.jakarta = Territory.create({"name": "Jakarta", "parent_id": cls.jawa.id, "city_names": "Kota Uji Jakarta"})
        cls.bali = Territory.create({"name": "Bali", "city_names": "Kota Uji Bali"})
        cls.won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.open_stage = env["crm.stage"].search([("is_won", "=", False)], limit=1)
        cls.quarter = (date(2025, 4, 1), date(2025, 6, 30))
        cls.lead_won = cls._opportunity(1000, won=datetime(2025, 5, 10, 9), territory=cls.jakarta)
        cls.lead_commit = cls._opportunity(2000, 95, "2025-05-20", territory=cls.jawa)
        cls.lead_best = cls._opportunity(3000, 70, "2025-06-01", territory=cls.bali)
        cls.lead_pipeline = cls._opportunity(4000, 30, "2025-04-15", territory=cls.jakarta)
        cls.lead_omitted = cls._opportunity(5000, 30, "2025-05-01", territory=cls.jakarta)
        cls.lead_omitted.kbe_forecast_category = "omitted"
        cls.lead_lost = cls._opportunity(6000, 50, "2025-05-01", territory=cls.jakarta)
        cls.lead_lost.action_set_lost()
        cls._opportunity(7000, 95, "2025-07-05", territory=cls.jakarta)
        cls._opportunity(8000, won=datetime(2025, 3, 30, 9), deadline="2025-05-01", territory=cls.jakarta)
        cls.lead_colleague = cls._opportunity(900, 95, "2025-05-02", user=cls.user_sales_all)
        cls.lead_company_b = cls._opportunity(10000, won=datetime(2025, 5, 1, 9), company=cls.company_b, team=False)
        cls.invoice = cls._invoice("out_invoice", 500, "2025-05-05")
        cls._invoice("out_refund", 200, "2025-06-10")
        cls._invoice("out_invoice", 800, "2025-07-01")
        cls.target_rep = cls._target("user", cls.user_salesman, 10000, 1000)
        cls.target_team = cls._target("team", cls.team, 20000, 2000)
        cls.target_jawa = cls._target("territory", cls.jawa, 5000, 500)

    @classmethod
    def _opportunity(
        cls, revenue, probability=10, deadline=None, won=None, territory=None, user=None, company=None, team=None
    ):
        values = {
            "name": f"Katering {revenue}",
            "type": "opportunity",
            "partner_id": cls.customer.id,
            "user_id": (user or cls.user_salesman).id,
            "team_id": cls.team.id if team is None else team,
            "expected_revenue": revenue,
            "date_deadline": deadline,
            "kbe_territory_id": territory.id if territory else False,
            "stage_id": (cls.won_stage if won else cls.open_stage).id,
        }
        if company:
            values["company_id"] = company.id
        if not won:
            values["probability"] = probability
        lead = cls.env["crm.lead"].create(values)
        if won:
            lead.date_closed = won
        return lead

    @classmethod
    def _invoice(cls, move_type, amount, invoice_date):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_date": invoice_date,
                "invoice_user_id": cls.user_salesman.id,
                "team_id": cls.team.id,
                "kbe_opportunity_id": cls.lead_won.id,
                "invoice_line_ids": [
                    (0, 0, {"name": "Nasi kotak", "quantity": 1, "price_unit": amount, "tax_ids": [(6, 0, [])]})
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _target(cls, target_type, subject, won, invoiced, period_type="quarter", date_from="2025-04-01", **values):
        field_name = {"user": "user_id", "team": "team_id", "territory": "territory_id"}[target_type]
        return cls.env["kbe.sales.target"].create(
            {
                "target_type": target_type,
                field_name: subject.id,
                "period_type": period_type,
                "date_from": date_from,
                "target_won": won,
                "target_invoiced": invoiced,
                **values,
            }
        )

    def assertFigures(self, target, **expected):
        target.invalidate_recordset()
        for name, value in expected.items():
            with self.subTest(target=target.name, figure=name):
                self.assertAlmostEqual(target[name], value, places=2, msg=f"{target.name}: {name}")
