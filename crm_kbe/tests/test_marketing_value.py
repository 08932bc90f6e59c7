from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import KbeCommon


@tagged("post_install", "-at_install")
class TestCustomerValue(KbeCommon):
    """Customer value (RFM) on a known set of invoices of a company of its own, "PT. Kaktus
    Berduri Surabaya" (its quintiles are over its own six customers; the demo's are in the main
    company), as marketing sees it and as the sales rep finds it on the customer.

    The customers, by the day of each posted invoice (days before today, untaxed amount in USD):

    ========== ================================================ ======= ====== =====
    customer   invoices                                         R       F      M
    ========== ================================================ ======= ====== =====
    Anggrek    5, 10, 40, 70, 100, 130; credit note 20 (-500)   5       5      4
    Bakung     200, 230, 260, 290 (3,000 each)                  1       4      5
    Cempaka    30 (700)                                          3       1      1
    Dahlia     500, 530 (5,000 each): none in the 12 months     1       1      1
    Edelweiss  60, 150 (400 each)                               2       2      2
    Flamboyan  15, 45, 75 (2,000 each)                          4       3      3
    ========== ================================================ ======= ====== =====

    Anggrek's invoices are 2,000 each, the one of 5 days ago is 200 EUR at 2 EUR per USD (100 USD);
    it also has a draft and a cancelled invoice (ignored) and an invoice in the main company (a
    row of its own there)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.main_company = cls.env.company
        cls.company = cls.env["res.company"].create(
            {"name": "PT. Kaktus Berduri Surabaya", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.env["account.chart.template"].try_loading("generic_coa", cls.company, install_demo=False)
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {"currency_id": cls.eur.id, "company_id": cls.company.id, "name": "2000-01-01", "rate": 2.0}
        )
        for user in (cls.user_salesman, cls.user_marketing, cls.user_portal):
            user.company_ids |= cls.company
        Partner = cls.env["res.partner"]
        names = ("Anggrek", "Bakung", "Cempaka", "Dahlia", "Edelweiss", "Flamboyan")
        cls.customers = Partner.create([{"name": f"PT. {name}", "is_company": True} for name in names])
        cls.anggrek, cls.bakung, cls.cempaka, cls.dahlia, cls.edelweiss, cls.flamboyan = cls.customers
        # the rep's customers: a contact of Anggrek is where the rep looks too
        cls.anggrek_contact = Partner.create({"name": "Ibu Sekar", "parent_id": cls.anggrek.id})
        plan = [
            (cls.anggrek, [(10, 2000), (40, 2000), (70, 2000), (100, 2000), (130, 2000)]),
            (cls.bakung, [(200, 3000), (230, 3000), (260, 3000), (290, 3000)]),
            (cls.cempaka, [(30, 700)]),
            (cls.dahlia, [(500, 5000), (530, 5000)]),
            (cls.edelweiss, [(60, 400), (150, 400)]),
            (cls.flamboyan, [(15, 2000), (45, 2000), (75, 2000)]),
        ]
        moves = [cls._move(partner, days, amount) for partner, invoices in plan for days, amount in invoices]
        moves.append(cls._move(cls.anggrek, 20, 500, move_type="out_refund"))
        moves.append(cls._move(cls.anggrek, 5, 200, currency=cls.eur))
        cls.posted = cls.env["account.move"].concat(*moves)
        cls.posted.action_post()
        cls.draft = cls._move(cls.anggrek, 1, 9999)
        cancelled = cls._move(cls.anggrek, 2, 8888)
        cancelled.button_cancel()
        # Anggrek also buys from the main company
        cls.main_invoice = cls._move(cls.anggrek, 3, 1500, company=cls.main_company)
        cls.main_invoice.action_post()
        cls.Value = cls.env["kbe.customer.value"]

    @classmethod
    def _move(cls, partner, days_ago, amount, move_type="out_invoice", currency=None, company=None):
        company = company or cls.company
        return (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": cls.today - timedelta(days=days_ago),
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create({"name": "Nasi kotak", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )

    def _values(self, company=None):
        company = company or self.company
        return {value.partner_id: value for value in self.Value.search([("company_id", "=", company.id)])}

    def _rep_env_partner(self, user=None):
        return (
            self.env["res.partner"]
            .with_user(user or self.user_salesman)
            .with_context(allowed_company_ids=[self.company.id])
        )

    # ------------------------------------------------------------ figures, scores, tiers

    def test_figures_scores_and_tiers(self):
        self.Value._kbe_recompute(companies=self.company | self.main_company)
        values = self._values()
        self.assertEqual(set(values), set(self.customers), "one row per customer of the company, nobody else")
        anggrek = values[self.anggrek]
        # the EUR invoice counts 100 USD, the credit note subtracts, draft and cancelled do not count
        self.assertEqual(anggrek.revenue_lifetime, 5 * 2000 + 100 - 500)
        self.assertEqual(anggrek.revenue, 9600)
        self.assertEqual(anggrek.invoice_count, 6, "the credit note is no purchase")
        self.assertEqual(anggrek.invoice_count_lifetime, 6)
        self.assertEqual(anggrek.first_invoice_date, self.today - timedelta(days=130))
        self.assertEqual(
            anggrek.last_invoice_date, self.today - timedelta(days=5), "the draft and cancelled do not count"
        )
        self.assertEqual(anggrek.recency_days, 5)
        self.assertEqual(anggrek.average_order, 1600)
        self.assertEqual(anggrek.window_start, self.today - relativedelta(months=12) + timedelta(days=1))
        dahlia = values[self.dahlia]
        self.assertEqual((dahlia.invoice_count, dahlia.revenue, dahlia.revenue_lifetime), (0, 0, 10000))
        self.assertEqual(
            {partner.name: value.rfm_score for partner, value in values.items()},
            {
                "PT. Anggrek": "554",
                "PT. Bakung": "145",
                "PT. Cempaka": "311",
                "PT. Dahlia": "111",
                "PT. Edelweiss": "222",
                "PT. Flamboyan": "433",
            },
        )
        self.assertEqual((anggrek.r_score, anggrek.f_score, anggrek.m_score), (5, 5, 4))
        self.assertEqual(
            {partner.name: value.value_tier for partner, value in values.items()},
            {
                "PT. Anggrek": "champion",
                "PT. Bakung": "at_risk",  # bought often, not for 200 days
                "PT. Cempaka": "new",  # first purchase 30 days ago
                "PT. Dahlia": "lost",  # nothing in the window
                "PT. Edelweiss": "attention",
                "PT. Flamboyan": "potential",  # first purchase 75 days ago, but bought thrice
            },
        )
        # the main company has its own row for Anggrek, with only its own invoice
        main = self._values(self.main_company)[self.anggrek]
        self.assertEqual((main.revenue_lifetime, main.invoice_count), (1500, 1))

    def test_equal_values_share_a_score(self):
        # Edelweiss buys as much, as often and on the same day as Cempaka: one score for both
        self.env["account.move"].concat(
            self._move(self.edelweiss, 30, 700), self._move(self.cempaka, 60, 400), self._move(self.cempaka, 150, 400)
        ).action_post()
        self.Value._kbe_recompute(companies=self.company)
        values = self._values()
        self.assertEqual(values[self.edelweiss].revenue, values[self.cempaka].revenue)
        self.assertEqual(values[self.edelweiss].invoice_count, values[self.cempaka].invoice_count)
        self.assertEqual(values[self.edelweiss].rfm_score, values[self.cempaka].rfm_score)

    def test_window_setting(self):
        with self.assertRaises(ValidationError):
            self.company.kbe_value_window_months = 0
        with self.assertRaises(ValidationError):
            self.company.kbe_value_window_months = 121
        self.company.kbe_value_window_months = 3
        self.Value._kbe_recompute(companies=self.company)
        values = self._values()
        anggrek = values[self.anggrek]
        self.assertEqual(anggrek.window_start, self.today - relativedelta(months=3) + timedelta(days=1))
        self.assertEqual(anggrek.invoice_count, 4, "5, 10, 40 and 70 days ago")
        self.assertEqual(anggrek.revenue, 3 * 2000 + 100 - 500)
        self.assertEqual(anggrek.revenue_lifetime, 9600, "the lifetime does not depend on the window")
        self.assertEqual(values[self.bakung].value_tier, "lost", "Bakung's last purchase is 200 days old")
        self.assertEqual(values[self.bakung].invoice_count, 0)

    def test_vanished_invoices_remove_the_row(self):
        self.Value._kbe_recompute(companies=self.company)
        invoice = self.posted.filtered(lambda move: move.partner_id == self.cempaka)
        invoice.button_draft()
        invoice.button_cancel()
        self.Value._kbe_recompute(partners=self.cempaka, companies=self.company)
        self.assertNotIn(self.cempaka, self._values())
        self.assertIn(self.dahlia, self._values(), "the other customers keep their rows")

    # ------------------------------------------------------------ on demand

    def test_rep_recomputes_a_customer_on_demand(self):
        Partner = self._rep_env_partner()
        action = Partner.browse(self.anggrek_contact.id).action_kbe_recompute_value()
        self.assertEqual(action["tag"], "display_notification")
        values = self._values()
        self.assertEqual(set(values), {self.anggrek}, "only the customer asked for")
        self.assertEqual(values[self.anggrek].revenue_lifetime, 9600)
        self.assertNotIn(self.anggrek, self._values(self.main_company), "only in the rep's current company")
        # the rep reads it on the customer and on its contact, in the company they work in
        self.assertEqual(Partner.browse(self.anggrek_contact.id).kbe_revenue_lifetime, 9600)
        self.assertEqual(Partner.browse(self.anggrek.id).kbe_last_purchase_date, self.today - timedelta(days=5))

    def test_recompute_refused_on_unreadable_customer_and_to_portal(self):
        # a customer of a company the rep does not work for
        hidden = self.env["res.partner"].create({"name": "PT. Lain", "is_company": True, "company_id": self.company.id})
        self.user_salesman.company_ids -= self.company
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["res.partner"].with_user(self.user_salesman).browse(hidden.id).action_kbe_recompute_value()
        with self.assertRaises(AccessError):
            self._rep_env_partner(self.user_portal).browse(self.user_portal.partner_id.id).action_kbe_recompute_value()
        self.assertFalse(self._values())

    # ------------------------------------------------------------ the scheduled job

    def test_cron_by_company_reports_progress_and_gives_the_same_result(self):
        # on demand, in batches of two customers, then scored: the same rows as the nightly job's
        self.Value._kbe_recompute(partners=self.customers, companies=self.company, batch_size=2)
        fields_ = [name for name, field in self.Value._fields.items() if field.store and name != "write_date"]

        def rows():
            found = self.Value.search([("company_id", "=", self.company.id)]).read(fields_)
            for row in found:
                for name in ("id", "date_computed", "create_date", "write_uid", "create_uid"):
                    row.pop(name)
            return {row["partner_id"]: row for row in found}

        on_demand = rows()
        self.assertEqual(len(on_demand), 6)
        self.Value.search([]).unlink()
        progress = []
        notify = type(self.env["ir.cron"])._notify_progress

        def record(cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))
            return notify(cron, done=done, remaining=remaining, deactivate=deactivate)

        with patch.object(type(self.env["ir.cron"]), "_notify_progress", record):
            self.Value._cron_kbe_recompute()
        companies = self.env["res.company"].search([])
        self.assertGreaterEqual(len(companies), 2)
        self.assertEqual(progress, [(done, len(companies) - done) for done in range(1, len(companies) + 1)])
        self.assertEqual(rows(), on_demand)
        self.assertTrue(self._values(self.main_company), "the main company's customers too")
        # run again: nothing changed, nothing written
        self.env.execute_query(SQL("UPDATE kbe_customer_value SET write_date = '2000-01-01'"))
        self.Value._cron_kbe_recompute()
        self.env.invalidate_all()
        self.assertEqual(set(self.Value.search([]).mapped("write_date")), {fields.Datetime.to_datetime("2000-01-01")})

    def test_query_count_does_not_grow_with_customers(self):
        many = self.env["res.partner"].create(
            [{"name": f"CV. Pelanggan {i:02d}", "is_company": True} for i in range(50)]
        )
        moves = self.env["account.move"].concat(
            *(self._move(partner, 10 + i, 100 + i) for i, partner in enumerate(many))
        )
        moves.action_post()
        self.env.flush_all()
        self._rep_env_partner().browse(self.anggrek.ids).action_kbe_recompute_value()  # warm the caches
        counts = []
        for partners in (many[:5], many):
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            self._rep_env_partner().browse(partners.ids).action_kbe_recompute_value()
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertEqual(counts[0], counts[1], "as many queries for 5 customers as for 50")
        self.assertEqual(len(self._values()), 51)
        with self.assertQueryCount(counts[1]):
            self._rep_env_partner().browse(many.ids).action_kbe_recompute_value()

    # ------------------------------------------------------------ on the customer

    def test_rep_searches_and_groups_customers_by_tier(self):
        self.Value._kbe_recompute(companies=self.company)
        Partner = self._rep_env_partner()
        self.assertEqual(Partner.search([("kbe_value_tier", "=", "champion")]), self.anggrek | self.anggrek_contact)
        self.assertEqual(
            Partner.search([("id", "in", self.customers.ids), ("kbe_value_tier", "in", ("lost", "at_risk"))]),
            self.bakung | self.dahlia,
        )
        self.assertIn(self.user_salesman.partner_id, Partner.search([("kbe_value_tier", "=", False)]))
        self.assertEqual(
            Partner.search([("id", "in", self.customers.ids), ("kbe_r_score", ">=", 4)]), self.anggrek | self.flamboyan
        )
        self.assertTrue(Partner.fields_get(["kbe_value_tier"], ["groupable"])["kbe_value_tier"]["groupable"])
        groups = Partner.read_group(
            [("id", "in", (self.customers | self.anggrek_contact).ids)], ["kbe_value_tier"], ["kbe_value_tier"]
        )
        by_tier = {group["kbe_value_tier"]: group["kbe_value_tier_count"] for group in groups}
        self.assertEqual(by_tier, {"champion": 2, "at_risk": 1, "new": 1, "lost": 1, "attention": 1, "potential": 1})
        # each group's domain finds its customers again (the list opens a group with it)
        champions = next(group for group in groups if group["kbe_value_tier"] == "champion")
        self.assertEqual(Partner.search(champions["__domain"]), self.anggrek | self.anggrek_contact)
        # sorted by lifetime revenue in a list
        ordered = Partner.search([("id", "in", self.customers.ids)], order="kbe_revenue_lifetime desc")
        self.assertEqual(
            ordered.mapped("name"),
            ["PT. Bakung", "PT. Dahlia", "PT. Anggrek", "PT. Flamboyan", "PT. Edelweiss", "PT. Cempaka"],
        )
        # and in another company, the values of that company: Anggrek has only its main-company row
        main = (
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .with_context(allowed_company_ids=[self.main_company.id])
        )
        self.Value._kbe_recompute(partners=self.anggrek, companies=self.main_company)
        self.assertEqual(main.browse(self.anggrek.id).kbe_revenue_lifetime, 1500)

    def test_profile_tab_shows_the_value_to_the_rep(self):
        arch = self._rep_env_partner().get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="kbe_value_tier"', arch)
        self.assertIn('name="action_kbe_recompute_value"', arch)
