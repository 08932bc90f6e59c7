from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon

# Monday 2026-12-07 in Jakarta (UTC+7): 09:00 local is 02:00 UTC
MONDAY = datetime(2026, 12, 7)


def utc(day, hour, minute=0):
    """Naive UTC of ``hour``:``minute`` Jakarta time, ``day`` days after MONDAY."""
    return MONDAY + timedelta(days=day, hours=hour - 7, minutes=minute)


@tagged("post_install", "-at_install")
class TestDispatchConflicts(KbeServiceCommon):
    """The dispatcher sees the visits that cannot happen as planned: two at once for one
    technician, or outside the technician's working hours (Mon-Fri 08-12 and 13-17 here)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Order = cls.env["kbe.service.order"].with_user(cls.user_service_manager)
        cls.ticket = cls.env["kbe.ticket"].create(
            {"name": "Warmer broken", "partner_id": cls.yeyen.id, "team_id": cls.team.id}
        )

    def _order(self, start, hours=1.0, user=None, **values):
        vals = {
            "name": "Check the buffet warmers",
            "ticket_id": self.ticket.id,
            "user_id": (user or self.user_service_agent).id,
            "date_planned": start,
            "duration": hours,
        }
        vals.update(values)
        return self.Order.create(vals)

    def test_two_orders_at_once_conflict_until_one_moves_or_is_cancelled(self):
        first = self._order(utc(0, 9), 2.0)
        second = self._order(utc(0, 10), 1.0)
        other_technician = self._order(utc(0, 10), 1.0, user=self.user_agent2)
        self.assertEqual(first.dispatch_conflict, "Overlaps another order")
        self.assertEqual(second.dispatch_conflict, "Overlaps another order")
        self.assertFalse(other_technician.dispatch_conflict)

        second.action_kbe_dispatch(self.user_service_agent.id, utc(0, 11))  # starts when the first ends
        self.assertFalse(first.dispatch_conflict)
        self.assertFalse(second.dispatch_conflict)

        third = self._order(utc(0, 9, 30), 0.5)
        self.assertTrue(first.dispatch_conflict)
        third.action_cancel()
        self.assertFalse(first.dispatch_conflict)
        self.assertFalse(third.dispatch_conflict, "a cancelled visit is nobody's conflict")

    def test_orders_outside_working_hours(self):
        inside = self._order(utc(0, 8), 4.0)  # 08-12, the whole morning
        evening = self._order(utc(0, 17, 30), 1.0)
        over_lunch = self._order(utc(1, 11), 3.0)
        saturday = self._order(utc(5, 9), 1.0)
        self.assertFalse(inside.dispatch_conflict)
        for order in (evening, over_lunch, saturday):
            self.assertEqual(order.dispatch_conflict, "Outside working hours", order.name)
        both = self._order(utc(5, 9, 30), 1.0)
        self.assertEqual(both.dispatch_conflict, "Overlaps another order, Outside working hours")

    def test_technicians_own_hours_and_time_off_come_before_the_teams(self):
        saturday_shift = self.env["resource.calendar"].create(
            {
                "name": "Weekend field shift",
                "tz": "Asia/Jakarta",
                "attendance_ids": [
                    (0, 0, {"name": f"day {day}", "dayofweek": str(day), "hour_from": 8, "hour_to": 16})
                    for day in (2, 3, 4, 5, 6)
                ],
            }
        )
        resource = self.env["resource.resource"].create(
            {"name": self.user_agent2.name, "user_id": self.user_agent2.id, "calendar_id": saturday_shift.id}
        )
        saturday = self._order(utc(5, 9), 1.0, user=self.user_agent2)
        monday = self._order(utc(0, 9), 1.0, user=self.user_agent2)
        self.assertFalse(saturday.dispatch_conflict)
        self.assertEqual(monday.dispatch_conflict, "Outside working hours")
        self.assertEqual(self._order(utc(5, 9), 1.0).dispatch_conflict, "Outside working hours", "agent 1: team hours")

        self.env["resource.calendar.leaves"].create(
            {
                "name": "Sick",
                "resource_id": resource.id,
                "calendar_id": saturday_shift.id,
                "date_from": utc(5, 0),
                "date_to": utc(5, 23),
            }
        )
        saturday.invalidate_recordset(["dispatch_conflict"])
        self.assertEqual(saturday.dispatch_conflict, "Outside working hours")

    def test_conflicts_of_many_orders_cost_the_same_queries_as_of_a_few(self):
        def orders(count):
            return self.Order.create(
                [
                    {
                        "name": f"Visit {index}",
                        "user_id": (self.user_service_agent, self.user_agent2)[index % 2].id,
                        "date_planned": utc(index % 5, 8 + index % 9),
                        "duration": 1.5,
                    }
                    for index in range(count)
                ]
            )

        def count_queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records.mapped("dispatch_conflict")
            return self.env.cr.sql_log_count - before

        few, many = orders(4), orders(60)
        count_queries(few)  # the registry's caches (rules, calendars) are filled once
        self.assertEqual(count_queries(many), count_queries(few))


@tagged("post_install", "-at_install")
class TestDispatchBoard(KbeServiceCommon):
    """The service manager plans the technicians' week on the board and drags orders onto them;
    agents reach only what their rules give them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Order = cls.env["kbe.service.order"]
        ticket = cls.env["kbe.ticket"].create(
            {"name": "Late lunch", "partner_id": cls.yeyen.id, "team_id": cls.team.id}
        )
        other_ticket = cls.env["kbe.ticket"].create(
            {"name": "Other team's", "partner_id": cls.dewi.id, "team_id": cls.team_other.id}
        )
        cls.planned = Order.create(
            {"name": "Warmers", "ticket_id": ticket.id, "user_id": cls.user_service_agent.id, "date_planned": utc(0, 9)}
        )
        cls.unassigned = Order.create(
            {"name": "Cooling box", "ticket_id": ticket.id, "user_id": False, "date_planned": utc(2, 14)}
        )
        cls.other_team = Order.create(
            {
                "name": "Other team's visit",
                "ticket_id": other_ticket.id,
                "user_id": cls.user_agent_other.id,
                "date_planned": utc(1, 9),
            }
        )
        cls.next_week = Order.create(
            {"name": "Next week", "ticket_id": ticket.id, "user_id": cls.user_agent2.id, "date_planned": utc(8, 9)}
        )

    def board(self, user, team=False, start=MONDAY, days=7):
        return (
            self.env["kbe.service.order"]
            .with_user(user)
            .kbe_dispatch_board(
                str(start - timedelta(hours=7)), str(start + timedelta(days=days) - timedelta(hours=7)), team
            )
        )

    def test_manager_sees_every_technician_the_week_and_the_unassigned(self):
        board = self.board(self.user_service_manager)
        technicians = {tech["name"]: tech for tech in board["technicians"]}
        self.assertLessEqual({"Andi Agent", "Budi Agent", "Citra Other Team"}, set(technicians))
        numbers = [order["number"] for order in board["orders"]]
        self.assertIn(self.planned.number, numbers)
        self.assertIn(self.other_team.number, numbers)
        self.assertNotIn(self.next_week.number, numbers, "next week's order is not on this week's board")
        self.assertIn(self.unassigned.number, [order["number"] for order in board["unassigned"]])
        # Andi works the team's office hours: Monday 08-12 and 13-17 Jakarta, as UTC
        monday_hours = [hours for hours in technicians["Andi Agent"]["hours"] if hours[0].startswith("2026-12-07")]
        self.assertEqual(
            monday_hours,
            [["2026-12-07 01:00:00", "2026-12-07 05:00:00"], ["2026-12-07 06:00:00", "2026-12-07 10:00:00"]],
        )

        team_board = self.board(self.user_service_manager, team=self.team.id)
        self.assertNotIn("Citra Other Team", {tech["name"] for tech in team_board["technicians"]})
        self.assertNotIn(self.other_team.number, [order["number"] for order in team_board["orders"]])

    def test_agent_sees_their_teams_orders_only(self):
        board = self.board(self.user_service_agent)
        numbers = [order["number"] for order in board["orders"]]
        self.assertIn(self.planned.number, numbers)
        self.assertNotIn(self.other_team.number, numbers)
        other_board = self.board(self.user_service_agent, team=self.team_other.id)
        self.assertEqual(other_board["orders"], [], "the other team's orders stay out of reach")

    def test_drag_an_unassigned_order_onto_a_technician(self):
        conflicts = self.unassigned.with_user(self.user_service_manager).action_kbe_dispatch(
            self.user_agent2.id, "2026-12-08 02:00:00"
        )
        self.assertEqual(conflicts, [])
        self.assertEqual((self.unassigned.user_id, self.unassigned.date_planned), (self.user_agent2, utc(1, 9)))
        # onto Andi at the time of his Monday visit: it is planned, and both show the conflict
        conflicts = self.unassigned.with_user(self.user_service_manager).action_kbe_dispatch(
            self.user_service_agent.id, "2026-12-07 02:00:00"
        )
        self.assertEqual(conflicts, ["overlap"])
        self.assertEqual(self.planned.dispatch_conflict, "Overlaps another order")
        # back to "Unassigned"
        self.unassigned.with_user(self.user_service_manager).action_kbe_dispatch(False, "2026-12-07 02:00:00")
        self.assertFalse(self.unassigned.user_id)
        self.assertFalse(self.planned.dispatch_conflict)

    def test_bad_drops_are_refused_and_change_nothing(self):
        order = self.unassigned.with_user(self.user_service_manager)
        portal = self.portal_kita
        for user_id, when in (
            (self.user_agent2.id, "nonsense"),
            (self.user_agent2.id, None),
            ("1", "2026-12-08 02:00:00"),
            ([self.user_agent2.id], "2026-12-08 02:00:00"),
        ):
            with self.subTest(user_id=user_id, when=when), self.assertRaises(UserError):
                order.action_kbe_dispatch(user_id, when)
        with self.assertRaises(ValidationError):
            order.action_kbe_dispatch(portal.id, "2026-12-08 02:00:00")
        self.assertEqual((self.unassigned.user_id.id, self.unassigned.date_planned), (False, utc(2, 14)))

        self.planned.action_done()
        with self.assertRaises(UserError):
            self.planned.with_user(self.user_service_manager).action_kbe_dispatch(
                self.user_agent2.id, "2026-12-08 02:00:00"
            )
        self.assertEqual(self.planned.user_id, self.user_service_agent)

    def test_an_agent_cannot_move_another_teams_order(self):
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.other_team.with_user(self.user_service_agent).action_kbe_dispatch(
                self.user_service_agent.id, "2026-12-08 02:00:00"
            )
        self.assertEqual(self.other_team.user_id, self.user_agent_other)

    def test_technician_of_another_company_is_refused(self):
        company2 = self.env["res.company"].create({"name": "KBE Surabaya"})
        outsider = new_test_user(
            self.env,
            login="kbe_tech_sby",
            groups="crm_kbe.group_service_agent",
            company_id=company2.id,
            company_ids=[(6, 0, company2.ids)],
        )
        with self.assertRaises(ValidationError):
            self.unassigned.with_user(self.user_service_manager).action_kbe_dispatch(outsider.id, "2026-12-08 02:00:00")

    def test_who_is_not_in_the_service_sees_no_board(self):
        for user in (self.user_internal, self.user_salesman, self.portal_kita):
            with self.subTest(user=user.login), mute_logger("odoo.addons.base.models.ir_model"):
                with self.assertRaises(AccessError):
                    self.board(user)

    def test_bad_periods_are_refused(self):
        Order = self.env["kbe.service.order"].with_user(self.user_service_manager)
        for start, stop, team in (
            ("2026-12-14 00:00:00", "2026-12-07 00:00:00", False),
            ("2026-12-07 00:00:00", "2026-12-07 00:00:00", False),
            ("2026-01-01 00:00:00", "2026-12-31 00:00:00", False),
            ("yesterday", "today", False),
            (None, None, False),
            ("2026-12-07 00:00:00", "2026-12-14 00:00:00", "1"),
            ("2026-12-07 00:00:00", "2026-12-14 00:00:00", 999999),
        ):
            with self.subTest(start=start, stop=stop, team=team), self.assertRaises(UserError):
                Order.kbe_dispatch_board(start, stop, team)

    def test_board_queries_do_not_grow_with_the_orders(self):
        def count_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.board(self.user_service_manager)
            return self.env.cr.sql_log_count - before

        count_queries()  # the registry's caches (rules, calendars) are filled once
        few = count_queries()
        self.env["kbe.service.order"].create(
            [
                {
                    "name": f"Visit {index}",
                    "partner_id": (self.yeyen, self.dewi)[index % 2].id,
                    "user_id": (self.user_service_agent, self.user_agent2, self.user_agent_other)[index % 3].id,
                    "date_planned": utc(index % 7, 8 + index % 10),
                }
                for index in range(150)
            ]
        )
        self.assertLessEqual(count_queries(), few + 2)


@tagged("post_install", "-at_install")
class TestTechnicianVisit(KbeServiceCommon):
    """The technician checks in on site and completes the order: the time on site is kept."""

    def test_check_in_and_done_keep_the_time_on_site(self):
        order = self.env["kbe.service.order"].create(
            {"name": "Warmers", "partner_id": self.yeyen.id, "user_id": self.user_service_agent.id}
        )
        order = order.with_user(self.user_service_agent)
        with freeze_time("2026-12-07 02:00:00"):
            order.action_start()
        self.assertEqual((order.state, order.date_started), ("in_progress", datetime(2026, 12, 7, 2, 0)))
        with freeze_time("2026-12-07 03:30:40"):
            order.action_done()
        self.assertEqual((order.state, order.time_spent), ("done", 1.5))

    def test_time_written_by_the_technician_stays(self):
        order = (
            self.env["kbe.service.order"]
            .create({"name": "Warmers", "partner_id": self.yeyen.id, "user_id": self.user_service_agent.id})
            .with_user(self.user_service_agent)
        )
        with freeze_time("2026-12-07 02:00:00"):
            order.action_start()
        order.time_spent = 0.75
        with freeze_time("2026-12-07 05:00:00"):
            order.action_done()
        self.assertEqual(order.time_spent, 0.75)
