from datetime import date, datetime

from odoo.tests import tagged

from .common_call import KbeCallCommon


@tagged("post_install", "-at_install")
class TestCallActivity(KbeCallCommon):
    """A planned call is one "Call" activity on the opportunity and one entry in the
    responsible's calendar; each side follows the other."""

    def _events_of(self, call):
        return self.env["calendar.event"].search([("activity_ids.kbe_call_id", "=", call.id)])

    def test_planned_call_is_one_activity_and_one_calendar_entry(self):
        before = self.env["calendar.event"].search_count([])
        call = self._call()
        activity = call.activity_id
        self.assertEqual(self.lead.activity_ids, activity, "one activity on the opportunity, no duplicate")
        self.assertEqual(activity.activity_type_id, self.call_type)
        self.assertEqual(activity.user_id, self.user_salesman)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertEqual(activity.summary, "Tawarkan paket A")
        self.assertIn("tes rasa", activity.note)
        event = call.calendar_event_id
        self.assertEqual(self.env["calendar.event"].search_count([]), before + 1, "one calendar entry")
        self.assertEqual(event.activity_ids, activity)
        self.assertEqual(event.start, datetime(2026, 3, 10, 3, 0))
        self.assertEqual(event.user_id, self.user_salesman)
        self.assertEqual(
            event.partner_ids, self.user_salesman.partner_id, "only the rep: no invitation to the customer"
        )
        self.assertFalse(event.alarm_ids, "the activity is the only reminder")
        self.assertIn(
            event,
            self.env["calendar.event"].with_user(self.user_salesman).search([("user_id", "=", self.user_salesman.id)]),
        )

    def test_activity_of_call_without_opportunity_on_customer(self):
        call = self._call(lead_id=False, partner_id=self.customer.id)
        self.assertEqual(call.activity_id.res_model, "res.partner")
        self.assertEqual(call.activity_id.res_id, self.customer.id)

    def test_reschedule_call_moves_activity_and_event(self):
        call = self._call()
        call.write({"date_planned": datetime(2026, 3, 13, 7, 30), "user_id": self.user_salesman_2.id})
        self.assertEqual(call.activity_id.date_deadline, date(2026, 3, 13))
        self.assertEqual(call.activity_id.user_id, self.user_salesman_2)
        self.assertEqual(call.calendar_event_id.start, datetime(2026, 3, 13, 7, 30))
        self.assertEqual(call.calendar_event_id.user_id, self.user_salesman_2)
        self.assertEqual(len(self.lead.activity_ids), 1)
        self.assertEqual(len(self._events_of(call)), 1)

    def test_reschedule_activity_moves_call(self):
        call = self._call()
        # the rep drags the activity to another day from the chatter: same time of day
        call.activity_id.with_user(self.user_salesman).write({"date_deadline": date(2026, 3, 12)})
        self.assertEqual(call.date_planned, datetime(2026, 3, 12, 3, 0))
        self.assertEqual(call.calendar_event_id.start, datetime(2026, 3, 12, 3, 0))

    def test_move_calendar_entry_moves_call(self):
        call = self._call()
        call.calendar_event_id.with_user(self.user_salesman).write(
            {"start": datetime(2026, 3, 16, 2, 0), "stop": datetime(2026, 3, 16, 2, 30)}
        )
        self.assertEqual(call.date_planned, datetime(2026, 3, 16, 2, 0))
        self.assertEqual(call.duration_planned, 0.5)
        self.assertEqual(call.activity_id.date_deadline, date(2026, 3, 16))

    def test_logging_completes_activity(self):
        call = self._call()
        event = call.calendar_event_id
        call.with_user(self.user_salesman)._kbe_log("held", duration=0.2, outcome="interested")
        self.assertFalse(self.lead.activity_ids, "the Call activity is done")
        self.assertFalse(call.activity_id)
        self.assertTrue(event.exists(), "the calendar keeps the call that took place")
        done = self.lead.message_ids.filtered(lambda m: m.mail_activity_type_id == self.call_type)
        self.assertEqual(len(done), 1, "one message: the done activity carries the summary")
        self.assertIn("Call held", done.body)

    def test_activity_done_from_chatter_logs_call(self):
        call = self._call()
        call.activity_id.with_user(self.user_salesman).action_feedback(feedback="Setuju tes rasa Jumat")
        self.assertEqual(call.state, "held")
        self.assertTrue(call.date_done)
        self.assertIn("Setuju tes rasa Jumat", call.notes)
        self.assertFalse(self.lead.activity_ids)

    def test_cancel_call_removes_activity_and_event(self):
        call = self._call()
        event = call.calendar_event_id
        call.with_user(self.user_salesman).action_cancel()
        self.assertFalse(self.lead.activity_ids)
        self.assertFalse(event.exists())
        call.with_user(self.user_salesman).action_replan()
        self.assertEqual(len(self.lead.activity_ids), 1, "planned again: one activity again")
        self.assertTrue(call.calendar_event_id)

    def test_delete_activity_or_event_cancels_call(self):
        call = self._call()
        call.activity_id.with_user(self.user_salesman).unlink()
        self.assertEqual(call.state, "cancelled")
        other = self._call(name="Lain")
        other.calendar_event_id.with_user(self.user_salesman).unlink()
        self.assertEqual(other.state, "cancelled")
        self.assertFalse(self.lead.activity_ids)

    def test_delete_call_removes_activity_and_event(self):
        call = self._call()
        activity, event = call.activity_id, call.calendar_event_id
        call.with_user(self.user_salesman).unlink()
        self.assertFalse(activity.exists())
        self.assertFalse(event.exists())
