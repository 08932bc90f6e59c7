import base64

import psycopg2.errors

from odoo import api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import KbeCommon


class KbeMdfCommon(KbeCommon):
    """An open fund of 1,000,000 with an allocation of 100,000 for each of the two channel
    partners, as the program manager sets it up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nolog=True, mail_notrack=True))
        funds = cls.env["kbe.mdf.fund"].with_user(cls.user_partner_manager)
        cls.fund = funds.create(
            {"name": "MDF Uji", "date_from": "2027-01-01", "date_to": "2027-06-30", "amount": 1_000_000}
        )
        cls.fund.action_open()
        cls.allocation, cls.allocation_2 = (
            cls.env["kbe.mdf.allocation"]
            .with_user(cls.user_partner_manager)
            .create(
                [
                    {"fund_id": cls.fund.id, "partner_id": cls.channel_partner.id, "amount": 100_000},
                    {"fund_id": cls.fund.id, "partner_id": cls.channel_partner_2.id, "amount": 100_000},
                ]
            )
        )

    @classmethod
    def _request(cls, cost, allocation=None, **values):
        allocation = allocation or cls.allocation
        return (
            cls.env["kbe.mdf.request"]
            .with_user(cls.user_partner_manager)
            .create(
                {
                    "name": "Booth pameran",
                    "allocation_id": allocation.id,
                    "planned_cost": cost,
                    "date_start": "2027-02-01",
                    "date_end": "2027-02-03",
                    **values,
                }
            )
        )

    def _claim(self, fund_request, cost):
        """The manager enters the partner's claim with its proof and submits it."""
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_partner_manager)
            .create({"name": "nota.pdf", "datas": base64.b64encode(b"%PDF nota"), "res_model": fund_request._name})
        )
        fund_request.write({"actual_cost": cost, "claim_attachment_ids": [(6, 0, attachment.ids)]})
        fund_request.action_submit_claim()


@tagged("post_install", "-at_install")
class TestMdfFund(KbeMdfCommon):
    def test_allocate_by_tier_share(self):
        fund = self.fund.copy({"name": "MDF per tier", "amount": 2_000_000}).with_user(self.user_partner_manager)
        fund.action_allocate_by_tier()
        by_partner = {a.partner_id: a for a in fund.allocation_ids}
        silver_share = self.channel_partner.kbe_partner_tier_id.mdf_share
        self.assertEqual(by_partner[self.channel_partner].amount, 2_000_000 * silver_share / 100)
        for allocation in fund.allocation_ids:
            self.assertEqual(allocation.amount, 2_000_000 * allocation.partner_id.kbe_partner_tier_id.mdf_share / 100)
        self.assertNotIn(self.user_portal.partner_id.commercial_partner_id, by_partner, "customers get no share")
        allocations = fund.allocation_ids
        fund.action_allocate_by_tier()
        self.assertEqual(fund.allocation_ids, allocations, "a second run creates no allocation twice")
        self.assertEqual(fund.allocated_amount, sum(allocations.mapped("amount")))

    def test_allocate_by_tier_never_above_fund(self):
        registered = self.env["res.partner"].create(
            {
                "name": "CV. Terdaftar",
                "is_company": True,
                "kbe_partner_status": "active",
                "kbe_partner_tier_id": self.env.ref("crm_kbe.kbe_partner_tier_registered").id,
            }
        )
        fund = self.fund.copy({"name": "MDF kecil", "amount": 100_000}).with_user(self.user_partner_manager)
        self.env["kbe.mdf.allocation"].with_user(self.user_partner_manager).create(
            {"fund_id": fund.id, "partner_id": registered.id, "amount": 95_000}
        )
        with self.assertRaisesRegex(UserError, "more than the fund"):
            fund.action_allocate_by_tier()
        self.assertEqual(fund.allocation_ids.partner_id, registered, "nothing was allocated")

    def test_allocations_cannot_exceed_fund(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.allocation.with_user(self.user_partner_manager).amount = 950_000
        self.assertEqual(self.fund.allocated_amount, 200_000)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.fund.with_user(self.user_partner_manager).amount = 150_000

    def test_only_managers_manage_funds(self):
        self.assertRights(self.user_partner_manager, (self.fund, self.allocation), "rwd")
        self.assertRights(self.user_salesman, (self.fund, self.allocation), "---")
        self.assertRights(self.user_channel_partner, self.allocation, "r--")
        self.assertRights(self.user_channel_partner_2, self.allocation, "---")
        with self.assertRaises(AccessError):
            self.fund.with_user(self.user_salesman).action_allocate_by_tier()


@tagged("post_install", "-at_install")
class TestMdfRequest(KbeMdfCommon):
    def test_life_cycle_vendor_bill(self):
        fund_request = self._request(40_000)
        fund_request.action_submit()
        self.assertEqual(fund_request.activity_ids.user_id, fund_request.user_id or self.user_partner_manager)
        fund_request.action_pre_approve()
        self.assertEqual(fund_request.state, "pre_approved")
        self.assertTrue(fund_request.campaign_id, "a campaign is created for the activity")
        self.assertFalse(fund_request.activity_ids, "the review is done")
        self.assertEqual(self.allocation.committed_amount, 40_000)
        self.assertEqual(self.allocation.remaining_amount, 60_000)

        self._claim(fund_request, 35_000)
        fund_request.action_approve_claim()
        self.assertEqual(fund_request.claim_approved_amount, 35_000)
        self.assertEqual(self.allocation.committed_amount, 35_000, "the approved claim releases the rest")

        fund_request.action_create_payment()
        move = fund_request.move_id.sudo()
        self.assertRecordValues(
            move, [{"move_type": "in_invoice", "state": "draft", "partner_id": self.channel_partner.id}]
        )
        self.assertRecordValues(
            move.invoice_line_ids,
            [{"product_id": self.env.ref("crm_kbe.product_product_kbe_mdf").id, "price_unit": 35_000, "quantity": 1}],
        )
        with self.assertRaises(UserError):
            fund_request.action_create_payment()
        self.assertEqual(fund_request.move_id, move, "one payment document only")

        self.assertRights(self.user_accountant, fund_request, "r--")
        move = move.with_user(self.user_accountant)
        move.invoice_date = fields.Date.today()
        move.action_post()
        self.assertEqual(fund_request.state, "paid")
        self.assertEqual(self.allocation.paid_amount, 35_000)
        self.assertEqual(self.fund.paid_amount, 35_000)
        move.button_draft()
        self.assertEqual(fund_request.state, "claim_approved", "a payment set back to draft is not paid")
        move.button_cancel()
        self.assertFalse(fund_request.move_id, "a cancelled payment frees the request for a new one")

    def test_payment_by_credit_note(self):
        fund_request = self._request(20_000, payment_document="out_refund")
        fund_request.action_submit()
        fund_request.action_pre_approve()
        self._claim(fund_request, 20_000)
        fund_request.action_approve_claim()
        fund_request.action_create_payment()
        self.assertRecordValues(
            fund_request.move_id.sudo(),
            [
                {
                    "move_type": "out_refund",
                    "state": "draft",
                    "partner_id": self.channel_partner.id,
                    "amount_untaxed": 20_000,
                }
            ],
        )

    def test_claim_above_approval_refused(self):
        fund_request = self._request(40_000)
        fund_request.action_submit()
        fund_request.action_pre_approve()
        with self.assertRaisesRegex(UserError, "more than the pre-approved amount"):
            self._claim(fund_request, 40_001)
        self.assertEqual(fund_request.state, "pre_approved")
        fund_request.actual_cost = 0
        with self.assertRaisesRegex(UserError, "proof"):
            fund_request.write({"actual_cost": 10_000, "claim_attachment_ids": [(5, 0, 0)]})
            fund_request.action_submit_claim()
        self.assertEqual(fund_request.state, "pre_approved")
        self._claim(fund_request, 30_000)
        with self.assertRaisesRegex(ValidationError, "cannot exceed its pre-approved amount"), self.env.cr.savepoint():
            fund_request.claim_approved_amount = 45_000
            fund_request.action_approve_claim()
        self.assertEqual(fund_request.state, "claimed")

    def test_no_overspend(self):
        first, second = self._request(60_000), self._request(50_000)
        (first | second).action_submit()
        first.action_pre_approve()
        with self.assertRaisesRegex(UserError, "would overspend"):
            second.action_pre_approve()
        self.assertEqual(second.state, "submitted")
        self.assertEqual(self.allocation.committed_amount, 60_000)
        with self.assertRaisesRegex(UserError, "more than what remains"):
            self._request(50_000).action_submit()

    def test_request_must_use_own_allocation(self):
        with self.assertRaises(ValidationError):
            self._request(1_000, partner_id=self.channel_partner_2.id)

    def test_refusals_by_rights(self):
        fund_request = self._request(10_000)
        fund_request.action_submit()
        self.assertRights(self.user_accountant, fund_request, "---")
        for user in (self.user_salesman, self.user_channel_partner, self.user_accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                fund_request.with_user(user).action_pre_approve()
        self.assertEqual(fund_request.state, "submitted")
        self.assertRights(self.user_channel_partner, fund_request, "r--")
        self.assertRights(self.user_channel_partner_2, fund_request, "---")

    def test_spent_and_return_by_partner(self):
        fund_request = self._request(40_000)
        fund_request.action_submit()
        fund_request.action_pre_approve()
        self._claim(fund_request, 30_000)
        fund_request.action_approve_claim()
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            [
                {
                    "name": "Dari pameran",
                    "type": "opportunity",
                    "campaign_id": fund_request.campaign_id.id,
                    "expected_revenue": 500_000,
                    "stage_id": won_stage.id,
                },
                {"name": "Dari pameran 2", "type": "lead", "campaign_id": fund_request.campaign_id.id},
            ]
        )
        self.assertEqual((fund_request.lead_count, fund_request.opportunity_count), (1, 1))
        self.assertEqual(self.fund.won_revenue, 500_000)
        partners = (self.channel_partner | self.channel_partner_2).ids
        with self.assertQueryCount(2):
            figures = self.env["kbe.mdf.request"]._kbe_spent_and_return_by_partner(partners, "2027-01-01", "2027-12-31")
        self.assertEqual(figures, {self.channel_partner.id: (30_000, 500_000), self.channel_partner_2.id: (0.0, 0.0)})


@tagged("post_install", "-at_install")
class TestMdfConcurrency(KbeCommon):
    """Two program managers pre-approve two requests of one allocation at the same moment, in
    two real transactions (committed fixtures, removed afterwards)."""

    def _committed_fixtures(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            partner = env["res.partner"].create(
                {"name": "PT. Uji Kunci", "is_company": True, "kbe_partner_status": "active"}
            )
            fund = env["kbe.mdf.fund"].create(
                {
                    "name": "MDF Kunci",
                    "date_from": "2027-01-01",
                    "date_to": "2027-12-31",
                    "amount": 100,
                    "state": "open",
                }
            )
            allocation = env["kbe.mdf.allocation"].create({"fund_id": fund.id, "partner_id": partner.id, "amount": 100})
            requests = env["kbe.mdf.request"].create(
                [
                    {
                        "name": name,
                        "allocation_id": allocation.id,
                        "planned_cost": cost,
                        "state": "submitted",
                        "date_start": "2027-01-10",
                        "date_end": "2027-01-11",
                    }
                    for name, cost in (("Pertama", 60), ("Kedua", 50))
                ]
            )
            ids = (partner.id, fund.id, allocation.id, *requests.ids)
        self.addCleanup(self._drop_fixtures, ids)
        return ids

    def _drop_fixtures(self, ids):
        partner_id, fund_id, _allocation_id, *request_ids = ids
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            requests = env["kbe.mdf.request"].browse(request_ids)
            campaigns = requests.campaign_id
            requests.write({"state": "cancelled"})
            requests.unlink()
            campaigns.unlink()
            env["kbe.mdf.fund"].browse(fund_id).unlink()
            env["res.partner"].browse(partner_id).unlink()

    @mute_logger("odoo.sql_db")
    def test_two_approvals_at_once(self):
        _partner_id, _fund_id, allocation_id, first_id, second_id = self._committed_fixtures()
        admin = self.env.ref("base.user_admin").id  # a program manager that exists outside this test's transaction
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, admin, {"tracking_disable": True})
            env_b = api.Environment(cr_b, admin, {"tracking_disable": True})
            env_a["kbe.mdf.request"].browse(first_id).action_pre_approve()  # a holds the allocation's lock

            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                cr_b.execute(SQL("SELECT id FROM kbe_mdf_allocation WHERE id = %s FOR UPDATE NOWAIT", allocation_id))
            cr_b.rollback()

            # b's approval waits for a's: here it gives up after 300 ms, having changed nothing
            cr_b.execute(SQL("SET LOCAL lock_timeout = '300ms'"))
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                env_b["kbe.mdf.request"].browse(second_id).action_pre_approve()
            cr_b.rollback()

            # b began before a commits: once a commits, b cannot serialize (Odoo retries it)...
            cr_b.execute(SQL("SELECT 1"))
            cr_a.commit()
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                env_b["kbe.mdf.request"].browse(second_id).action_pre_approve()
            cr_b.rollback()

            # ...and the retry sees a's approval: the allocation would be overspent
            with self.assertRaisesRegex(UserError, "would overspend"):
                env_b["kbe.mdf.request"].browse(second_id).action_pre_approve()
            cr_b.rollback()
            states = env_b["kbe.mdf.request"].browse([first_id, second_id]).mapped("state")
            self.assertEqual(states, ["pre_approved", "submitted"])
            self.assertEqual(env_b["kbe.mdf.allocation"].browse(allocation_id).committed_amount, 60)
