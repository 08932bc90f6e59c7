from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import date_utils, mute_logger

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestPartnerScorecard(KbeSalesCommon):
    """Scorecards: the figures of each partner's deals, invoices and customers' tickets over a
    period, ranked by won revenue, rebuilt without changes when nothing changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.q_start, cls.q_end = date_utils.start_of(today, "quarter"), date_utils.end_of(today, "quarter")
        cls.Scorecard = cls.env["kbe.partner.scorecard"].with_user(cls.user_partner_manager)
        cls.partners = cls.channel_partner | cls.channel_partner_2
        # partner 1: two deals won this quarter, one lost, one open; partner 2: one big deal
        cls._won(cls.customer, 300.0, cls.channel_partner)
        cls._won(cls.customer, 200.0, cls.channel_partner)
        cls._lead(
            type="opportunity", expected_revenue=90.0, kbe_channel_partner_id=cls.channel_partner.id
        ).action_set_lost()
        cls._lead(type="opportunity", expected_revenue=1000.0, kbe_channel_partner_id=cls.channel_partner.id)
        cls._won(cls.customer, 5000.0, cls.channel_partner_2)
        # invoices through partner 1: posted 1,000, credit note 300, a draft and last quarter's
        cls._invoice(cls.channel_partner, 1000.0)
        cls._invoice(cls.channel_partner, 300.0, move_type="out_refund")
        cls._invoice(cls.channel_partner, 500.0, post=False)
        cls._invoice(cls.channel_partner, 400.0, invoice_date=cls.q_start - timedelta(days=1))
        # a ticket of the partner's customer, rated 4 of 5
        team = cls.env["kbe.service.team"].create({"name": "Layanan Mitra"})
        ticket = cls.env["kbe.ticket"].create(
            {"name": "Nasi dingin", "partner_id": cls.customer.id, "team_id": team.id}
        )
        cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("kbe.ticket"),
                "res_id": ticket.id,
                "rating": 4,
                "consumed": True,
            }
        )

    @classmethod
    def _won(cls, customer, amount, channel):
        lead = cls._lead(
            type="opportunity", partner_id=customer.id, expected_revenue=amount, kbe_channel_partner_id=channel.id
        )
        lead.action_set_won()
        return lead

    @classmethod
    def _invoice(cls, channel, amount, move_type="out_invoice", invoice_date=None, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_date": invoice_date or fields.Date.today(),
                "kbe_channel_partner_id": channel.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": cls.product.id, "quantity": 1, "price_unit": amount, "tax_ids": [(6, 0, [])]})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _refresh(self, partners=None, date_from=None, date_to=None):
        return self.Scorecard._kbe_refresh(date_from or self.q_start, date_to or self.q_end, partners=partners)

    def test_figures_from_deals_invoices_and_tickets(self):
        wizard = Form(self.env["kbe.partner.scorecard.refresh"].with_user(self.user_partner_manager))
        wizard.period_kind = "quarter"
        wizard.partner_ids.add(self.channel_partner)
        wizard.partner_ids.add(self.channel_partner_2)
        action = wizard.save().action_apply()
        cards = self.Scorecard.search(action["domain"] + [("partner_id", "in", self.partners.ids)])
        self.assertEqual(cards.partner_id, self.partners)
        card, card_2 = (cards.filtered(lambda c, p=p: c.partner_id == p) for p in self.partners)
        self.assertEqual(card.period_kind, "quarter")
        self.assertEqual(card.pipeline, 1000.0, "open opportunities only")
        self.assertEqual(card.won_revenue, 500.0)
        self.assertEqual((card.won_count, card.lost_count), (2, 1))
        self.assertAlmostEqual(card.win_rate, 200.0 / 3)
        self.assertEqual(card.avg_deal, 250.0)
        self.assertEqual(card.invoiced_revenue, 700.0, "posted invoices of the quarter minus the credit note")
        self.assertEqual(card.ticket_count, 1)
        self.assertAlmostEqual(card.rating_avg, 80.0)
        self.assertEqual(card.partner_tier_id, self.channel_partner.kbe_partner_tier_id)
        self.assertLess(card_2.rank, card.rank, "ranked by won revenue")
        self.assertEqual(card_2.invoiced_revenue, 0.0)
        self.assertEqual(card_2.win_rate, 100.0)

    def test_refresh_twice_changes_nothing_and_updates_what_changed(self):
        cards = self._refresh(self.partners)
        self.env.flush_all()
        old = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute("UPDATE kbe_partner_scorecard SET write_date = %s WHERE id IN %s", (old, tuple(cards.ids)))
        cards.invalidate_recordset()
        again = self._refresh(self.partners)
        self.env.flush_all()
        cards.invalidate_recordset()
        self.assertEqual(again, cards, "no second scorecard for the same period")
        self.assertEqual(set(cards.mapped("write_date")), {old}, "nothing written when nothing changed")
        # partner 1 wins a big deal: its card changes and it moves up
        self._won(self.customer, 6000.0, self.channel_partner)
        self._refresh(self.partners)
        self.env.flush_all()
        cards.invalidate_recordset()
        card, card_2 = (cards.filtered(lambda c, p=p: c.partner_id == p) for p in self.partners)
        self.assertEqual(card.won_revenue, 6500.0)
        self.assertNotEqual(card.write_date, old)
        self.assertEqual(card_2.write_date, old, "the other partner's card did not change")
        self.assertLess(card.rank, card_2.rank, "partner 1 moves up")

    def test_query_count_does_not_grow_with_partners(self):
        partners = self.env["res.partner"].create(
            [{"name": f"PT. Mitra Skor {i}", "is_company": True, "kbe_partner_status": "active"} for i in range(6)]
        )
        for partner in partners:
            self._won(self.customer, 10.0, partner)
            self._invoice(partner, 10.0)
        self.env.flush_all()
        last_year = date_utils.start_of(self.q_start, "year") - timedelta(days=1)

        def count(records, date_from, date_to):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._refresh(records, date_from, date_to)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        count(partners[5:], date_utils.start_of(last_year, "year"), last_year)  # warm the caches
        one = count(partners[:1], self.q_start, self.q_end)
        five = count(partners[1:5], self.q_start, self.q_end)
        self.assertEqual(one, five, "refreshing 1 or 4 partners takes the same number of queries")
        # refreshing existing cards: also constant
        self.assertEqual(count(partners[:1], self.q_start, self.q_end), count(partners[:5], self.q_start, self.q_end))

    def test_access_and_refusals(self):
        cards = self._refresh(self.partners)
        own = self.Scorecard.with_user(self.user_channel_partner).search([])
        self.assertEqual(own, cards.filtered(lambda c: c.partner_id == self.channel_partner))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            cards.with_user(self.user_channel_partner).read(["won_revenue"])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            own.with_user(self.user_channel_partner).write({"won_revenue": 1.0})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["kbe.partner.scorecard"].with_user(self.user_salesman).search([])
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["kbe.partner.scorecard.refresh"].with_user(self.user_salesman).create({})
        with self.assertRaises(UserError):
            self._refresh(self.partners, self.q_end, self.q_start)
        with self.assertRaises(UserError):
            self._refresh(self.partners, self.q_start, self.q_start + timedelta(days=10))
        self.assertEqual(self.Scorecard.search_count([("partner_id", "in", self.partners.ids)]), 2)

    def test_cron_refreshes_current_periods_idempotently(self):
        Scorecard = self.env["kbe.partner.scorecard"]
        Scorecard._cron_kbe_refresh()
        count = Scorecard.search_count([])
        kinds = set(Scorecard.search([("partner_id", "=", self.channel_partner.id)]).mapped("period_kind"))
        self.assertEqual(kinds, {"month", "quarter"})
        self.assertEqual(
            Scorecard.search_count([("partner_id", "=", self.channel_partner.id)]),
            4,
            "current and previous month and quarter",
        )
        Scorecard._cron_kbe_refresh()
        self.assertEqual(Scorecard.search_count([]), count)
