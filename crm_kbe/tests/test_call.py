from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_call import KbeCallCommon


@tagged("post_install", "-at_install")
class TestCall(KbeCallCommon):
    """A call is planned knowing its purpose and the customer, then logged in one step."""

    def test_prefilled_from_opportunity(self):
        call = self._call()
        self.assertEqual(call.state, "planned")
        self.assertEqual(call.partner_id, self.contact, "the customer comes from the opportunity")
        self.assertEqual(call.phone, "0812-1111-2222", "the number to dial is the contact's")
        self.assertIn("tes rasa", call.purpose, "the purpose is the opportunity's internal memo")
        self.assertIn("Makan siang 80 orang", call.profile_summary, "the customer's profile is beside it")
        self.assertEqual(call.team_id, self.team)
        self.assertEqual(call.user_id, self.user_salesman)
        self.assertEqual(call.company_id, self.lead.company_id)

    def test_form_as_salesman(self):
        with Form(self.env["kbe.call"].with_user(self.user_salesman)) as form:
            form.name = "Tanya jumlah porsi"
            form.lead_id = self.lead.with_user(self.user_salesman)
            self.assertIn("tes rasa", form.purpose)
            self.assertEqual(form.phone, "0812-1111-2222")
        self.assertEqual(form.record.partner_id, self.contact)

    @freeze_time("2026-03-10 04:00:00")
    def test_log_held_posts_summary(self):
        call = self._call()
        wizard = Form(self.env["kbe.call.log"].with_user(self.user_salesman).with_context(default_call_id=call.id))
        wizard.result = "held"
        wizard.duration = 0.25
        wizard.outcome = "interested"
        wizard.notes = "<p>Minta contoh menu minggu depan.</p>"
        wizard.save().action_apply()
        self.assertEqual(call.state, "held")
        self.assertEqual(call.duration, 0.25)
        self.assertEqual(call.outcome, "interested")
        self.assertEqual(call.date_done, datetime(2026, 3, 10, 4, 0))
        lead_bodies = " ".join(self.lead.message_ids.mapped("body"))
        self.assertIn("Call held: Tawarkan paket A", lead_bodies, "the opportunity's chatter has the summary")
        self.assertIn("Minta contoh menu", lead_bodies)
        self.assertIn("Call held: Tawarkan paket A", " ".join(self.contact.message_ids.mapped("body")))
        self.assertEqual(self.lead.kbe_call_count, 1)

    def test_log_not_held_each_reason(self):
        for reason in ("no_answer", "busy", "voicemail", "wrong_number"):
            call = self._call(name=f"Panggilan {reason}")
            wizard = Form(self.env["kbe.call.log"].with_user(self.user_salesman).with_context(default_call_id=call.id))
            wizard.result = "not_held"
            wizard.not_held_reason = reason
            wizard.save().action_apply()
            self.assertEqual((call.state, call.not_held_reason, call.duration), ("not_held", reason, 0.0))
            self.assertFalse(call.outcome)
            self.assertIn(f"Call not held: Panggilan {reason}", self.lead.message_ids[0].body)

    def test_not_held_without_reason_refused(self):
        call = self._call()
        wizard = (
            self.env["kbe.call.log"].with_user(self.user_salesman).create({"call_id": call.id, "result": "not_held"})
        )
        with self.assertRaisesRegex(UserError, "not held"):
            wizard.action_apply()
        self.assertEqual(call.state, "planned", "nothing changed")

    def test_call_and_follow_up_go_to_employees_of_the_company_only(self):
        call = self._call()
        wizard = (
            self.env["kbe.call.log"]
            .with_user(self.user_salesman)
            .create(
                {
                    "call_id": call.id,
                    "result": "held",
                    "date_done": datetime(2026, 3, 10, 3, 0),
                    "followup": "call",
                    "followup_date": datetime(2026, 3, 12, 3, 0),
                    "followup_user_id": self.user_portal.id,
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "not an employee"):
            wizard.action_apply()
        self.assertEqual(call.state, "planned", "the call was not logged either")
        with self.assertRaisesRegex(ValidationError, "not an employee"):
            self._call(user_id=self.user_portal.id)
        with self.assertRaisesRegex(ValidationError, "not an employee"):
            call.write({"user_id": self.user_portal.id})
        self.env.invalidate_all(flush=False)  # what the refused write left in the cache, as a request would
        self.assertEqual(call.user_id, self.user_salesman, "nothing changed")

    def test_no_answer_one_click_and_cancel(self):
        call = self._call()
        call.action_no_answer()
        self.assertEqual((call.state, call.not_held_reason), ("not_held", "no_answer"))
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            call.action_cancel()
        other = self._call(name="Batal")
        other.action_cancel()
        self.assertEqual(other.state, "cancelled")
        with self.assertRaisesRegex(UserError, "Only planned calls"):
            other._kbe_log("held")

    def test_followup_call_prefilled(self):
        call = self._call()
        wizard = Form(self.env["kbe.call.log"].with_user(self.user_salesman).with_context(default_call_id=call.id))
        wizard.outcome = "callback"
        wizard.followup = "call"
        self.assertEqual(wizard.followup_name, "Follow-up: Tawarkan paket A")
        self.assertEqual(wizard.followup_user_id, self.user_salesman)
        wizard.followup_date = datetime(2026, 3, 12, 3, 0)
        wizard.save().action_apply()
        followup = call.followup_ids
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.state, "planned")
        self.assertEqual(followup.lead_id, self.lead)
        self.assertEqual(followup.partner_id, self.contact)
        self.assertEqual(followup.date_planned, datetime(2026, 3, 12, 3, 0))
        self.assertEqual(followup.purpose, call.purpose)
        self.assertEqual(self.lead.kbe_next_call_id, followup)
        self.assertEqual(followup.activity_id.res_id, self.lead.id, "the follow-up is a Call activity too")

    def test_followup_activity(self):
        call = self._call()
        todo = self.env.ref("mail.mail_activity_data_todo")
        wizard = Form(self.env["kbe.call.log"].with_user(self.user_salesman).with_context(default_call_id=call.id))
        wizard.followup = "activity"
        wizard.followup_activity_type_id = todo
        wizard.followup_name = "Kirim penawaran"
        wizard.followup_date = datetime(2026, 3, 11, 3, 0)
        wizard.save().action_apply()
        activity = self.lead.activity_ids.filtered(lambda a: a.activity_type_id == todo)
        self.assertEqual(activity.summary, "Kirim penawaran")
        self.assertEqual(str(activity.date_deadline), "2026-03-11")
        self.assertEqual(activity.user_id, self.user_salesman)
        self.assertFalse(self.lead.activity_ids.filtered("kbe_call_id"), "the logged call's activity is done")

    def test_refusals(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and 24 hours"):
            self._call(duration_planned=-0.5)
        with self.assertRaisesRegex(ValidationError, "between 0 and 24 hours"):
            self._call(duration_planned=25)
        call = self._call()
        # as over RPC, a refused write is rolled back
        with self.assertRaisesRegex(ValidationError, "between 0 and 24 hours"), self.cr.savepoint():
            call.write({"state": "held", "date_done": datetime(2026, 3, 10, 3, 0), "duration": 30})
        with self.assertRaisesRegex(ValidationError, "needs the date it took place"), self.cr.savepoint():
            call.write({"state": "held", "date_done": False})
        with self.assertRaisesRegex(ValidationError, "needs a customer or an opportunity"):
            self.env["kbe.call"].with_user(self.user_salesman).create({"name": "Siapa?"})
        self.env.invalidate_all()
        self.assertEqual(call.state, "planned", "a refused write changes nothing")
        wizard = self.env["kbe.call.log"].with_user(self.user_salesman).create({"call_id": call.id, "duration": 48})
        with self.assertRaisesRegex(UserError, "between 0 and 24 hours"):
            wizard.action_apply()
        wizard.write({"duration": 0.5, "date_done": False})
        with self.assertRaisesRegex(UserError, "needs the date"):
            wizard.action_apply()
        self.assertEqual(call.state, "planned", "nothing changed")

    def test_refuse_contact_of_other_company(self):
        other_company = self.env["res.company"].create({"name": "PT. Lain"})
        stranger = self.env["res.partner"].create(
            {"name": "Pak Lain", "phone": "0813-0000", "company_id": other_company.id}
        )
        with self.assertRaisesRegex(ValidationError, "contact of the company PT. Lain"):
            self.env["kbe.call"].create({"name": "Salah", "partner_id": stranger.id, "company_id": self.env.company.id})

    def test_counts_and_next_call_batch(self):
        self._call(date_planned=datetime(2026, 3, 12, 3, 0))
        first = self._call(date_planned=datetime(2026, 3, 11, 3, 0))
        self._call(name="Selesai").action_no_answer()
        leads = self.lead | self.env["crm.lead"].create(
            [{"name": f"Lead {i}", "type": "opportunity"} for i in range(9)]
        )
        leads.invalidate_recordset()
        with self.assertQueryCount(2):
            counts = leads.mapped("kbe_call_count")
        self.assertEqual(counts[0], 3)
        leads.invalidate_recordset()
        with self.assertQueryCount(1):
            self.assertEqual(leads.mapped("kbe_next_call_id"), first)
        self.assertEqual(self.lead.kbe_next_call_date, first.date_planned)
        partners = self.customer | self.contact
        partners.invalidate_recordset()
        with self.assertQueryCount(3):
            self.assertEqual(partners.mapped("kbe_call_count"), [3, 3], "the company counts its contacts' calls")

    def test_next_call_on_card_only_readable(self):
        """The pipeline card shows the rep the earliest planned call the rep may read."""
        own = self._call(name="Konfirmasi menu", date_planned=datetime(2026, 3, 12, 3, 0))
        # an earlier call of another team on the same opportunity: not the rep's to read
        self._call(
            user=self.env.user,
            name="Survei kepuasan",
            date_planned=datetime(2026, 3, 11, 3, 0),
            user_id=self.user_other_team.id,
            team_id=self.other_team.id,
        )
        card = self.lead.with_user(self.user_salesman).read(["kbe_next_call_date", "kbe_next_call_subject"])[0]
        self.assertEqual(card["kbe_next_call_date"], own.date_planned)
        self.assertEqual(card["kbe_next_call_subject"], "Konfirmasi menu")
        manager_card = self.lead.with_user(self.user_sales_manager)
        self.assertEqual(manager_card.kbe_next_call_subject, "Survei kepuasan", "the manager reads every call")
        own.action_no_answer()
        self.lead.invalidate_recordset()
        self.assertFalse(self.lead.with_user(self.user_salesman).kbe_next_call_date, "no planned call the rep may read")

    def test_calls_until_won(self):
        self._call().with_user(self.user_salesman)._kbe_log("held", duration=0.1)
        self._call(name="Kedua").with_user(self.user_salesman)._kbe_log("held", duration=0.1)
        self._call(name="Tidak diangkat").action_no_answer()
        self.assertEqual(self.lead.kbe_calls_until_won, 0, "not won yet")
        self.lead.action_set_won()
        self.assertEqual(self.lead.kbe_calls_until_won, 2, "two calls were held before it was won")

    def test_overdue_and_today_filters(self):
        with freeze_time("2026-03-10 04:00:00"):
            late = self._call(date_planned=datetime(2026, 3, 9, 3, 0))
            today = self._call(date_planned=datetime(2026, 3, 10, 8, 0))
            tomorrow = self._call(date_planned=datetime(2026, 3, 11, 3, 0))
            Call = self.env["kbe.call"].with_user(self.user_salesman).with_context(tz="Asia/Jakarta")
            self.assertEqual(Call.search([("is_overdue", "=", True)]), late)
            self.assertEqual(Call.search([("is_today", "=", True)]), today)
            self.assertEqual(Call.search([("is_today", "=", False), ("lead_id", "=", self.lead.id)]), late | tomorrow)
            self.assertTrue(late.is_overdue)
            self.assertFalse(tomorrow.is_overdue)

    def test_merge_keeps_calls(self):
        other = self.env["crm.lead"].create(
            {
                "name": "Katering lagi",
                "type": "opportunity",
                "partner_id": self.contact.id,
                "user_id": self.user_salesman.id,
            }
        )
        kept_call = self._call()
        moved_call = self._call(lead_id=other.id, name="Dari lead lain")
        held = self._call(lead_id=other.id, name="Sudah")
        held.action_no_answer()
        merged = (self.lead | other).with_user(self.user_salesman).merge_opportunity()
        survivor = merged
        self.assertTrue(survivor.exists())
        gone = (self.lead | other) - survivor
        self.assertFalse(gone.exists())
        self.assertEqual((kept_call | moved_call | held).lead_id, survivor, "every call points to the surviving lead")
        self.assertEqual(moved_call.activity_id.res_id, survivor.id)
        self.assertEqual(moved_call.calendar_event_id.res_id, survivor.id)
        self.assertEqual(survivor.kbe_call_count, 3)

    def test_kbe_wizard_merge_keeps_calls(self):
        lead = self.env["crm.lead"].create(
            {"name": "Lead baru KITA", "type": "lead", "partner_id": self.contact.id, "user_id": self.user_salesman.id}
        )
        call = self._call(lead_id=lead.id, name="Dari lead")
        result = lead._kbe_merge(self.lead)
        self.assertEqual(result, self.lead)
        self.assertFalse(lead.exists())
        self.assertEqual(call.lead_id, self.lead)
        self.assertEqual(call.activity_id.res_id, self.lead.id)

    def test_deleted_lead_leaves_no_dangling_call(self):
        lead = self.env["crm.lead"].create(
            {"name": "Dihapus", "partner_id": self.contact.id, "user_id": self.user_salesman.id}
        )
        call = self._call(lead_id=lead.id)
        lead.unlink()
        self.assertFalse(call.lead_id)
        self.assertEqual(call.state, "cancelled", "its activity went with the lead: the call is cancelled")
        self.assertEqual(call.partner_id, self.contact, "the call stays with the customer")

    def test_reporting_per_agent_outcome_day(self):
        """The analysis answers calls per agent, per outcome and per day, as a manager sees them."""
        self._call()._kbe_log("held", duration=0.2, outcome="interested", date_done=datetime(2026, 3, 10, 3, 0))
        self._call(user_id=self.user_salesman_2.id)._kbe_log(
            "held", duration=0.1, outcome="interested", date_done=datetime(2026, 3, 10, 4, 0)
        )
        self._call(user_id=self.user_salesman_2.id)._kbe_log("not_held", not_held_reason="busy")
        Call = self.env["kbe.call"].with_user(self.user_sales_manager)
        domain = [("lead_id", "=", self.lead.id)]
        per_agent = dict(Call._read_group(domain, ["user_id"], ["__count"]))
        self.assertEqual(per_agent, {self.user_salesman: 1, self.user_salesman_2: 2})
        per_outcome = dict(Call._read_group(domain + [("state", "=", "held")], ["outcome"], ["duration:sum"]))
        self.assertAlmostEqual(per_outcome["interested"], 0.3)
        per_day = Call._read_group(domain + [("state", "=", "held")], ["date_done:day"], ["__count"])
        self.assertEqual([(str(day.date()), count) for day, count in per_day], [("2026-03-10", 2)])

    def test_log_refuses_bad_durations_and_keeps_no_script(self):
        call = self._call()
        for duration in (float("nan"), float("inf"), -0.5, 25.0):
            wizard = (
                self.env["kbe.call.log"]
                .with_user(self.user_salesman)
                .create({"call_id": call.id, "result": "held", "duration": duration})
            )
            with self.subTest(duration=duration), self.assertRaisesRegex(UserError, "between 0 and 24 hours"):
                wizard.action_apply()
        self.assertEqual(call.state, "planned", "nothing logged")
        wizard = (
            self.env["kbe.call.log"]
            .with_user(self.user_salesman)
            .create(
                {
                    "call_id": call.id,
                    "result": "held",
                    "duration": 0.1,
                    "notes": '<p>Minta brosur</p><script>alert("x")</script>',
                }
            )
        )
        wizard.action_apply()
        self.assertNotIn("<script", call.notes)
        self.assertNotIn("<script", self.lead.message_ids[0].body)
        self.assertIn("Minta brosur", self.lead.message_ids[0].body)
