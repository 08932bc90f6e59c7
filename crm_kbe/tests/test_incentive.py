from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KbeCommon


class KbeIncentiveCommon(KbeCommon):
    """A tiered rebate for Silver partners (2 % from 100,000, 4 % from 500,000) and posted
    invoices of deals the channel partners brought."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True, mail_notrack=True))
        categories = cls.env["product.category"].create([{"name": "Katering Uji"}, {"name": "Sewa Uji"}])
        cls.categ_catering, cls.categ_rent = categories
        cls.product_catering, cls.product_rent = cls.env["product.product"].create(
            [
                {"name": "Nasi Kotak Rebate", "type": "service", "categ_id": cls.categ_catering.id},
                {"name": "Sewa Tenda Rebate", "type": "service", "categ_id": cls.categ_rent.id},
            ]
        )
        cls.customer = cls.env["res.partner"].create({"name": "PT. Pelanggan Rebate", "is_company": True})
        cls.silver = cls.env.ref("crm_kbe.kbe_partner_tier_silver")
        cls.scheme = (
            cls.env["kbe.incentive.scheme"]
            .with_user(cls.user_partner_manager)
            .create(
                {
                    "name": "Rebate Uji",
                    "tier_ids": [Command.set(cls.silver.ids)],
                    "document_type": "out_refund",
                    "line_ids": [
                        Command.create({"threshold": 100_000, "rate": 2}),
                        Command.create({"threshold": 500_000, "rate": 4}),
                    ],
                }
            )
        )

    @classmethod
    def _invoice(cls, channel, amount, date, product=None, move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_date": date,
                "kbe_channel_partner_id": channel.id if channel else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.product_catering).id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _settlement(cls, date_from, date_to, scheme=None):
        return (
            cls.env["kbe.incentive.settlement"]
            .with_user(cls.user_partner_manager)
            .create(
                {
                    "name": f"Rebate {date_from}",
                    "date_from": date_from,
                    "date_to": date_to,
                    "scheme_ids": [Command.set((scheme or cls.scheme).ids)],
                }
            )
        )

    def _amounts(self, settlement):
        return {line.partner_id: (line.basis, line.rate, line.amount) for line in settlement.line_ids}


@tagged("post_install", "-at_install")
class TestIncentiveSettlement(KbeIncentiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel_partner_3 = cls.env["res.partner"].create(
            {
                "name": "CV. Mitra Kecil",
                "is_company": True,
                "kbe_partner_status": "active",
                "kbe_partner_tier_id": cls.silver.id,
            }
        )
        cls._invoice(cls.channel_partner, 300_000, "2025-01-10")
        cls._invoice(cls.channel_partner, 400_000, "2025-01-20", product=cls.product_rent)
        cls._invoice(cls.channel_partner_2, 150_000, "2025-01-15")
        cls._invoice(cls.channel_partner_2, 30_000, "2025-01-25", move_type="out_refund")
        cls._invoice(cls.channel_partner_3, 50_000, "2025-01-05")
        # not counted: outside the period, no channel partner, not posted
        cls._invoice(cls.channel_partner, 900_000, "2025-02-01")
        cls._invoice(False, 900_000, "2025-01-10")
        cls._invoice(cls.channel_partner, 900_000, "2025-01-10", post=False)

    def test_brackets(self):
        rates = [self.scheme._kbe_rate(basis) for basis in (-5_000, 0, 99_999, 100_000, 499_999, 500_000, 2_000_000)]
        self.assertEqual(rates, [0, 0, 0, 2, 2, 4, 4])

    def test_settlement_creates_one_document_per_partner(self):
        settlement = self._settlement("2025-01-01", "2025-01-31")
        settlement.action_compute()
        self.assertEqual(
            self._amounts(settlement),
            {
                self.channel_partner: (700_000, 4, 28_000),
                self.channel_partner_2: (120_000, 2, 2_400),
                self.channel_partner_3: (50_000, 0, 0),
            },
        )
        settlement.action_create_documents()
        self.assertEqual(settlement.state, "done")
        moves = settlement.line_ids.move_id.sudo()
        self.assertRecordValues(
            moves.sorted("amount_untaxed"),
            [
                {
                    "move_type": "out_refund",
                    "partner_id": self.channel_partner_2.id,
                    "amount_untaxed": 2_400,
                    "state": "draft",
                },
                {
                    "move_type": "out_refund",
                    "partner_id": self.channel_partner.id,
                    "amount_untaxed": 28_000,
                    "state": "draft",
                },
            ],
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)]
        )
        self.assertEqual(len(attachments), 2, "each document has its calculation attached")
        line = settlement.line_ids.filtered(lambda line: line.partner_id == self.channel_partner_2)
        self.assertIn("30,000.00", line.calculation, "the table lists the credit note")

        settlement.action_create_documents()
        self.assertEqual(settlement.line_ids.move_id.sudo(), moves, "running it again creates nothing twice")
        again = self._settlement("2025-01-01", "2025-01-31")
        again.action_create_documents()
        self.assertFalse(again.line_ids.move_id, "a second settlement of the period counts nothing twice")

    def test_credit_note_after_settlement_counts_in_the_next(self):
        january = self._settlement("2025-01-01", "2025-01-31")
        january.action_create_documents()
        # posted after January was settled, dated in January
        self._invoice(self.channel_partner, 100_000, "2025-01-28", move_type="out_refund")
        february = self._settlement("2025-02-01", "2025-02-28")
        february.action_create_documents()
        self.assertEqual(self._amounts(february)[self.channel_partner], (800_000, 4, 32_000))
        march = self._settlement("2025-03-01", "2025-03-31")
        march.action_compute()
        self.assertNotIn(self.channel_partner, self._amounts(march), "the credit note is counted once")

    def test_category_filter(self):
        scheme = self.scheme.copy(
            {"name": "Rebate katering saja", "category_ids": [Command.set(self.categ_catering.ids)]}
        )
        settlement = self._settlement("2025-01-01", "2025-01-31", scheme=scheme)
        settlement.action_compute()
        self.assertEqual(self._amounts(settlement)[self.channel_partner], (300_000, 2, 6_000))

    def test_queries_do_not_grow_with_partners(self):
        settlement = self._settlement("2025-01-01", "2025-01-31")
        settlement.action_compute()
        settlement._kbe_compute_lines()  # warm the caches (languages, currencies)
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        settlement._kbe_compute_lines()
        few = self.env.cr.sql_log_count - queries
        more = self.env["res.partner"].create(
            [
                {
                    "name": f"Mitra {i}",
                    "is_company": True,
                    "kbe_partner_status": "active",
                    "kbe_partner_tier_id": self.silver.id,
                }
                for i in range(6)
            ]
        )
        for partner in more:
            self._invoice(partner, 200_000, "2025-01-12")
        self.env.invalidate_all()
        queries = self.env.cr.sql_log_count
        lines = settlement._kbe_compute_lines()
        self.assertEqual(len(lines), 9)
        self.assertLessEqual(self.env.cr.sql_log_count - queries, few, "3 times the partners, no more queries")

    def test_rights_and_statements(self):
        settlement = self._settlement("2025-01-01", "2025-01-31")
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_salesman).action_compute()
        self.assertEqual(settlement.state, "draft")
        settlement.action_create_documents()
        own = settlement.line_ids.filtered(lambda line: line.partner_id == self.channel_partner)
        lines = self.env["kbe.incentive.settlement.line"].with_user(self.user_channel_partner).search([])
        self.assertEqual(lines, own)
        self.assertEqual(lines.read(["basis", "rate", "amount", "date_from"])[0]["amount"], 28_000)
        self.assertRights(self.user_channel_partner_2, own, "---")
        self.assertRights(self.user_channel_partner, own, "r--")
