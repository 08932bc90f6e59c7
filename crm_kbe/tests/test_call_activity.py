from datetime import date, datetime

from odoo.addons.crm_kbe.models.calendar_event import CalendarEvent as KbeCalendarEvent
from odoo.addons.crm_kbe.models.mail_activity import MailActivity as KbeMailActivity
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

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
        event = call.calendar_event_id
        call.activity_id.with_user(self.user_salesman).unlink()
        self.assertEqual(call.state, "cancelled")
        self.assertFalse(event.exists(), "the cancelled call leaves no entry in the calendar")
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


@tagged("post_install", "-at_install")
class TestCallSyncCost(KbeCallCommon):
    """Moving, completing or deleting a calendar entry or an activity that is no call's costs
    exactly the queries Odoo's own method costs: crm_kbe's overrides are measured against the
    same operation with the override skipped (``super(<crm_kbe's class>, record)``), on twin
    records, as the rep."""

    def _cost(self, operation):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        operation()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _events(self, count=4):
        return (
            self.env["calendar.event"]
            .with_user(self.user_salesman)
            .create(
                [
                    {
                        "name": f"Rapat internal {index}",
                        "start": datetime(2026, 3, 10, 2, 0),
                        "stop": datetime(2026, 3, 10, 3, 0),
                        "user_id": self.user_salesman.id,
                        "partner_ids": [(6, 0, self.user_salesman.partner_id.ids)],
                    }
                    for index in range(count)
                ]
            )
        )

    def _activities(self, count=4):
        todo = self.env.ref("mail.mail_activity_data_todo")
        return self.env["mail.activity"].concat(
            *(
                self.lead.with_user(self.user_salesman).activity_schedule(
                    activity_type_id=todo.id, summary=f"Kirim menu {index}", user_id=self.user_salesman.id
                )
                for index in range(count)
            )
        )

    def _assert_same_cost(self, records, kbe_class, method, *args, **kwargs):
        """``method`` costs with crm_kbe's override (of ``kbe_class``) what it costs without."""
        warm_ours, warm_theirs, ours, theirs = records

        def with_crm_kbe(record):
            return getattr(record, method)(*args, **kwargs)

        def stock(record):
            return _without_crm_kbe(kbe_class, record, method, *args, **kwargs)

        # the first cold use of each path fills the registry's caches (access rules): out of the count
        self._cost(lambda: with_crm_kbe(warm_ours))
        self._cost(lambda: stock(warm_theirs))
        cost, stock_cost = self._cost(lambda: with_crm_kbe(ours)), self._cost(lambda: stock(theirs))
        self.assertLessEqual(cost, stock_cost, f"{method}: crm_kbe's override costs no query more than Odoo's")

    def test_move_other_calendar_entry_costs_no_query(self):
        vals = {"start": datetime(2026, 3, 11, 2, 0), "stop": datetime(2026, 3, 11, 3, 0)}
        self._assert_same_cost(self._events(), KbeCalendarEvent, "write", vals)

    def test_delete_other_calendar_entry_costs_no_query(self):
        self._assert_same_cost(self._events(), KbeCalendarEvent, "unlink")

    def test_delete_other_activity_costs_no_query(self):
        self._assert_same_cost(self._activities(), KbeMailActivity, "unlink")

    def test_reschedule_other_activity_costs_no_query(self):
        self._assert_same_cost(self._activities(), KbeMailActivity, "write", {"date_deadline": date(2026, 3, 20)})

    def test_complete_other_activity_costs_no_query(self):
        self._assert_same_cost(self._activities(), KbeMailActivity, "_action_done", feedback="Terkirim")


def _without_crm_kbe(kbe_class, record, method, *args, **kwargs):
    """``record.method(...)`` as Odoo defines it, crm_kbe's override in ``kbe_class`` skipped."""
    return getattr(super(kbe_class, record), method)(*args, **kwargs)


@tagged("post_install", "-at_install")
class TestCallSyncAccess(KbeCallCommon):
    """What Odoo lets a user do to a calendar entry or an activity does not let them change a
    call they may not change: the call's entry and activity follow the call's own rights."""

    def test_colleague_of_another_team_cannot_move_the_call_through_its_calendar_entry(self):
        call = self._call()
        event = call.calendar_event_id.with_user(self.user_other_team)
        self.assertTrue(event.has_access("write"), "Odoo lets every employee edit a shared calendar entry")
        self.assertFalse(call.with_user(self.user_other_team).has_access("write"))
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            event.write({"start": datetime(2026, 3, 16, 2, 0), "stop": datetime(2026, 3, 16, 2, 30)})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            event.unlink()
        self.assertEqual(call.state, "planned")
        self.assertEqual(call.date_planned, datetime(2026, 3, 10, 3, 0))

    def test_colleague_of_another_team_cannot_cancel_or_log_the_call_through_its_activity(self):
        # a call on the customer: its activity is on the partner, which every employee may edit
        call = self._call(lead_id=False, partner_id=self.customer.id)
        activity = call.activity_id.with_user(self.user_other_team)
        self.assertTrue(activity.has_access("unlink"), "Odoo lets them delete an activity of the customer")
        self.assertTrue(activity.has_access("write"))
        for operation in (
            activity.unlink,
            lambda: activity.action_feedback(feedback="Sudah"),
            lambda: activity.write({"date_deadline": date(2026, 3, 20)}),
        ):
            with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
                operation()
        self.assertEqual(call.state, "planned")
        self.assertEqual(call.activity_id.date_deadline, date(2026, 3, 10))

    def test_the_manager_changes_a_reps_call_from_either_side(self):
        """The sales manager, who may change every call, works a rep's call from its calendar
        entry and from its activity: the call, and the other side, follow each time."""
        manager = self.user_sales_manager
        call = self._call()
        call.calendar_event_id.with_user(manager).write(
            {"start": datetime(2026, 3, 17, 2, 0), "stop": datetime(2026, 3, 17, 2, 30)}
        )
        self.assertEqual(
            (call.date_planned, call.activity_id.date_deadline), (datetime(2026, 3, 17, 2, 0), date(2026, 3, 17))
        )
        call.activity_id.with_user(manager).write({"date_deadline": date(2026, 3, 18)})
        self.assertEqual((call.date_planned, call.calendar_event_id.start), (datetime(2026, 3, 18, 2, 0),) * 2)
        call.activity_id.with_user(manager).action_feedback(feedback="Sudah ditelepon")
        self.assertEqual(call.state, "held")
        self.assertIn("Sudah ditelepon", call.notes)
        other = self._call(name="Batal")
        event = other.calendar_event_id
        other.activity_id.with_user(manager).unlink()
        self.assertEqual(other.state, "cancelled")
        self.assertFalse(event.exists())

    def test_other_entries_and_activities_stay_free_for_everyone(self):
        # the same colleague moves and deletes entries and activities that are no call's
        event = self.env["calendar.event"].create(
            {"name": "Rapat", "start": datetime(2026, 3, 10, 2, 0), "stop": datetime(2026, 3, 10, 3, 0)}
        )
        event.with_user(self.user_other_team).write({"start": datetime(2026, 3, 12, 2, 0)})
        self.assertEqual(event.stop, datetime(2026, 3, 12, 3, 0))
        activity = self.customer.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_other_team.id)
        activity.with_user(self.user_other_team).action_feedback(feedback="Beres")
        self.assertFalse(activity.exists())
