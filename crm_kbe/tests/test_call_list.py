from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_call import KbeCallCommon

WINDOW = (datetime(2026, 4, 6, 1, 0), datetime(2026, 4, 10, 10, 0))


@tagged("post_install", "-at_install")
class TestCallList(KbeCallCommon):
    """Telesales call lists: one call per customer spread over the team, the rest skipped with
    the reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.good = Partner.create([{"name": f"Pelanggan {i}", "phone": f"0812-7000-00{i:02d}"} for i in range(4)])
        cls.no_phone = Partner.create({"name": "Tanpa Telepon", "email": "tanpa@example.com"})
        cls.opted_out = Partner.create({"name": "Tidak Mau Ditelepon", "phone": "0812-9999-0001"})
        # sudo: set-up of the opt-out list, as the mailing administrator would
        cls.env["phone.blacklist"].sudo().create({"number": "0812-9999-0001"})
        cls.opted_out_mobile = Partner.create(
            {"name": "Mobile Diblokir", "phone": "021-1234567", "mobile": "0812-9999-0002"}
        )
        cls.env["phone.blacklist"].sudo().create({"number": "0812-9999-0002"})  # sudo: as above
        cls.already = Partner.create({"name": "Sudah Dijadwalkan", "phone": "0812-5555-0001"})
        cls.env["kbe.call"].create(
            {"name": "Sudah ada", "partner_id": cls.already.id, "date_planned": datetime(2026, 4, 7, 2, 0)}
        )
        cls.other_company = cls.env["res.company"].create({"name": "PT. Lain"})
        cls.foreign = Partner.create(
            {"name": "Kontak Lain", "phone": "0812-4444-0001", "company_id": cls.other_company.id}
        )

    def _wizard(self, user=None, companies=None, **values):
        user = user or self.user_salesman
        context = {"active_model": "res.partner", "active_ids": values.pop("partners").ids}
        if companies:
            context["allowed_company_ids"] = companies.ids
        form = Form(self.env["kbe.call.list"].with_user(user).with_context(**context))
        form.name = "Promo paket Lebaran"
        form.date_start, form.date_end = WINDOW
        form.team_id = self.team
        for field, value in values.items():
            setattr(form, field, value)
        return form.save()

    def test_create_with_each_skip_reason(self):
        # a manager working in KBE who also sees the other company's contacts
        self.user_sales_manager.company_ids |= self.other_company
        targets = self.good | self.no_phone | self.opted_out | self.opted_out_mobile | self.already | self.foreign
        wizard = self._wizard(
            user=self.user_sales_manager,
            companies=self.env.company | self.other_company,
            partners=targets,
            purpose="<p>Tawarkan paket Lebaran</p>",
        )
        self.assertEqual(wizard.user_ids, self.user_salesman | self.user_salesman_2, "the team's members")
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.created_count, 4)
        self.assertEqual(wizard.skipped_count, 5)
        self.assertEqual(wizard.call_ids.partner_id, self.good)
        details = wizard.skipped_details
        self.assertIn("1 skipped, no phone number: Tanpa Telepon", details)
        self.assertRegex(details, "2 skipped, opted out of calls: .*Tidak Mau Ditelepon")
        self.assertRegex(details, "2 skipped, opted out of calls: .*Mobile Diblokir")
        self.assertIn("1 skipped, a call is already planned in the window: Sudah Dijadwalkan", details)
        self.assertIn("1 skipped, a contact of another company: Kontak Lain", details)
        calls = wizard.call_ids
        self.assertEqual(set(calls.mapped("state")), {"planned"})
        self.assertEqual(set(calls.mapped("name")), {"Promo paket Lebaran"})
        self.assertIn("Tawarkan paket Lebaran", calls[0].purpose)
        self.assertEqual(calls.team_id, self.team)
        self.assertTrue(all(WINDOW[0] <= call.date_planned <= WINDOW[1] for call in calls))
        self.assertEqual(len(calls.activity_id), 4, "each call is a Call activity of its agent")

    def test_round_robin(self):
        wizard = self._wizard(partners=self.good, assignment="round_robin")
        wizard.action_apply()
        calls = wizard.call_ids.sorted(lambda c: c.partner_id.id)
        self.assertEqual(calls.mapped("user_id"), self.user_salesman | self.user_salesman_2)
        self.assertEqual(len(calls.filtered(lambda c: c.user_id == self.user_salesman)), 2)
        self.assertNotEqual(calls[0].user_id, calls[1].user_id, "in turn")
        mine = calls.filtered(lambda c: c.user_id == self.user_salesman).sorted("date_planned")
        self.assertEqual(mine[0].date_planned, WINDOW[0], "an agent's calls are spread over the window")
        self.assertGreater(mine[1].date_planned, mine[0].date_planned)

    def test_by_workload(self):
        self.env["kbe.call"].create(
            [
                {
                    "name": "Beban",
                    "partner_id": self.contact.id,
                    "user_id": self.user_salesman.id,
                    "date_planned": datetime(2026, 4, 8, 2, i),
                }
                for i in range(3)
            ]
        )
        wizard = self._wizard(partners=self.good, assignment="workload")
        wizard.action_apply()
        calls = wizard.call_ids
        # Sari already has 3 calls in the window: Rudi gets the first three, then they take turns
        self.assertEqual(len(calls.filtered(lambda c: c.user_id == self.user_salesman_2)), 3)
        self.assertEqual(len(calls.filtered(lambda c: c.user_id == self.user_salesman)), 1)

    def test_from_opportunities_and_filter(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": "Uji List A",
                    "type": "opportunity",
                    "phone": "0812-3000-0001",
                    "team_id": self.team.id,
                    "user_id": self.user_salesman.id,
                    "description": "<p>Memo A</p>",
                },
                {
                    "name": "Uji List B",
                    "type": "opportunity",
                    "partner_id": self.good[0].id,
                    "team_id": self.team.id,
                    "user_id": self.user_salesman.id,
                },
                {
                    "name": "Uji List C",
                    "type": "opportunity",
                    "team_id": self.team.id,
                    "user_id": self.user_salesman.id,
                },
            ]
        )
        wizard = (
            self.env["kbe.call.list"]
            .with_user(self.user_salesman)
            .create(
                {
                    "source": "lead",
                    "name": "Tindak lanjut",
                    "filter_domain": "[('name', 'like', 'Uji List')]",
                    "date_start": WINDOW[0],
                    "date_end": WINDOW[1],
                    "team_id": self.team.id,
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(wizard.call_ids.lead_id, leads[:2])
        self.assertEqual(wizard.created_count, 2)
        self.assertIn("no phone number: Uji List C", wizard.skipped_details)
        self.assertEqual(wizard.call_ids.filtered(lambda c: c.lead_id == leads[0]).phone, "0812-3000-0001")

    def test_refusals(self):
        wizard = self._wizard(partners=self.env["res.partner"])
        with self.assertRaisesRegex(UserError, "Select customers or opportunities"):
            wizard.action_apply()
        wizard = self._wizard(partners=self.good)
        wizard.date_end = datetime(2026, 4, 1)
        with self.assertRaisesRegex(UserError, "must end after it starts"):
            wizard.action_apply()
        wizard.write({"date_end": WINDOW[1], "user_ids": [(5, 0, 0)]})
        with self.assertRaisesRegex(UserError, "no member"):
            wizard.action_apply()
        wizard.write({"user_ids": [(6, 0, (self.user_salesman | self.user_other_team).ids)]})
        with self.assertRaisesRegex(UserError, "Not in the team Telesales Uji: Lina Other"):
            wizard.action_apply()
        self.assertFalse(self.env["kbe.call"].search([("name", "=", "Promo paket Lebaran")]), "nothing created")

    def test_select_all_sends_the_filter(self):
        wizard = (
            self.env["kbe.call.list"]
            .with_user(self.user_salesman)
            .with_context(active_model="res.partner", active_domain=[("name", "like", "Pelanggan")])
            .create({"name": "Semua", "date_start": WINDOW[0], "date_end": WINDOW[1], "team_id": self.team.id})
        )
        self.assertEqual(wizard.source, "partner")
        wizard.action_apply()
        self.assertEqual(wizard.call_ids.partner_id, self.good)

    def test_large_list_in_background_batches(self):
        """Beyond a batch, the cron makes the list batch by batch with the same result, and running
        a batch again creates nothing twice."""
        targets = self.good | self.no_phone
        with patch("odoo.addons.crm_kbe.wizards.kbe_call_list.BATCH_SIZE", 2):
            wizard = self._wizard(partners=targets)
            wizard.action_apply()
            self.assertEqual((wizard.state, wizard.target_count, wizard.created_count), ("queued", 5, 0))
            Wizard = self.env["kbe.call.list"]
            for __ in range(3):
                Wizard._cron_create_call_lists()
        self.assertEqual(wizard.state, "done")
        self.assertEqual((wizard.created_count, wizard.skipped_count), (4, 1))
        self.assertIn("1 skipped, no phone number: Tanpa Telepon", wizard.skipped_details)
        calls = wizard.call_ids
        self.assertEqual(calls.partner_id, self.good)
        self.assertEqual(calls.create_uid, self.user_salesman, "made as the user who asked for the list")
        per_agent = [len(calls.filtered(lambda c, u=u: c.user_id == u)) for u in wizard.user_ids]
        self.assertEqual(per_agent, [2, 2], "round robin goes on from one batch to the next")
        self.assertIn("Promo paket Lebaran", self.team.message_ids[0].body, "the team's chatter has the report")
        # a batch run again (after a crash, say) does not plan the same customers twice
        wizard.write({"state": "queued", "done_count": 0})
        with patch("odoo.addons.crm_kbe.wizards.kbe_call_list.BATCH_SIZE", 10):
            self.env["kbe.call.list"]._cron_create_call_lists()
        self.assertEqual(self.env["kbe.call"].search_count([("partner_id", "in", self.good.ids)]), 4)

    def test_queries_per_call_constant(self):
        """The hot path: the queries of a call list grow by the same number per call."""
        Partner = self.env["res.partner"]
        Call = self.env["kbe.call"].with_user(self.user_sales_manager)
        users = self.user_salesman | self.user_salesman_2
        counts = []
        for size in (3, 5, 10, 15):  # the first round warms the caches
            partners = Partner.create(
                [{"name": f"Massal {size}-{i}", "phone": f"0813-{size:02d}-{i:04d}"} for i in range(size)]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            calls, __ = Call._kbe_create_call_list(
                partners.with_user(self.user_sales_manager), users, *WINDOW, {"name": "Massal", "team_id": self.team.id}
            )
            self.env.flush_all()
            counts.append(self.cr.sql_log_count - start)
            self.assertEqual(len(calls), size)
        counts = counts[1:]
        self.assertEqual(counts[1] - counts[0], counts[2] - counts[1], f"queries for 5, 10, 15 calls: {counts}")
        per_call = (counts[2] - counts[0]) / 10
        self.assertLessEqual(per_call, 25, f"{per_call} queries per call")

    def test_bad_input_is_refused_before_any_call_is_made(self):
        """What every call of a list will carry is checked when the list is made, not in the
        scheduler's batches later: each refusal says what to fix and makes no call."""
        calls = self.env["kbe.call"].search_count([])
        cases = (
            ({"name": "   "}, "subject of 1 to"),
            ({"name": "x" * 201}, "subject of 1 to"),
            ({"duration_planned": float("nan")}, "planned duration"),
            ({"duration_planned": float("inf")}, "planned duration"),
            ({"duration_planned": -1.0}, "planned duration"),
            ({"duration_planned": 25.0}, "planned duration"),
            ({"date_end": WINDOW[0] - timedelta(hours=1)}, "must end after it starts"),
            ({"user_ids": [(6, 0, self.user_other_team.ids)]}, "Not in the team"),
        )
        for values, message in cases:
            with self.subTest(values=values):
                wizard = self._wizard(partners=self.good)
                wizard.write(values)
                with self.assertRaisesRegex(UserError, message):
                    wizard.action_apply()
                self.assertEqual(wizard.state, "draft")
        self.assertEqual(self.env["kbe.call"].search_count([]), calls, "no call made")

    def test_script_in_the_purpose_is_not_kept(self):
        wizard = self._wizard(partners=self.good, purpose='<p>Tawarkan</p><script>alert("x")</script>')
        wizard.action_apply()
        self.assertEqual(len(wizard.call_ids), len(self.good))
        for call in wizard.call_ids:
            self.assertIn("Tawarkan", call.purpose)
            self.assertNotIn("<script", call.purpose)
