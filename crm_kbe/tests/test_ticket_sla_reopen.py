from datetime import datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .service_common import KbeServiceCommon

# The team works Mon-Fri 08-12 and 13-17 in Jakarta (UTC+7). All dates below are UTC.
MON_09H = datetime(2026, 11, 23, 2, 0)  # Monday 23 November 2026, 09:00 Jakarta
MON_11H = datetime(2026, 11, 23, 4, 0)
TUE_09H = datetime(2026, 11, 24, 2, 0)
TUE_10H = datetime(2026, 11, 24, 3, 0)
WED_10H = datetime(2026, 11, 25, 3, 0)
THU_10H = datetime(2026, 11, 26, 3, 0)


@tagged("post_install", "-at_install")
class TestTicketSlaReopen(KbeServiceCommon):
    """What reopening a closed ticket, or waiting for the customer, does to its SLA clocks, the
    at-risk threshold of each policy, and the history each SLA target keeps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_progress = cls.env.ref("crm_kbe.kbe_ticket_stage_in_progress")
        cls.stage_waiting = cls.env["kbe.ticket.stage"].create(
            {"name": "Menunggu pelanggan", "sequence": 15, "sla_pause": True}
        )

    def _policy(self, mode="ignore", team=None, **values):
        vals = {"name": f"Resolusi {mode}", "team_id": (team or self.team).id, "resolution_hours": 8}
        vals.update(reopen_mode=mode, **values)
        return self.env["kbe.sla.policy"].create(vals)

    def _open(self, **values):
        with freeze_time(MON_09H):
            return self._ticket(user=self.user_service_agent, **values)

    def _move(self, ticket, when, stage=None, close=False):
        agent_ticket = ticket.with_user(self.user_service_agent)
        with freeze_time(when):
            if close:
                agent_ticket.write({"root_cause": "delivery"})
                agent_ticket.action_close()
            elif stage:
                agent_ticket.write({"stage_id": stage.id})
            else:
                agent_ticket.action_reopen()

    def _events(self, sla):
        return [(event.event, event.status) for event in sla.event_ids]

    # ------------------------------------------------------------------ reopening modes

    def test_restart_counts_a_full_target_from_the_reopening(self):
        self._policy("restart")
        ticket = self._open()
        sla = ticket.sla_ids
        self.assertEqual(sla.deadline, TUE_09H, "8 working hours from Monday 09:00")
        self._move(ticket, MON_11H, close=True)
        self.assertEqual(sla.status, "reached")
        self._move(ticket, WED_10H)  # the customer calls back: the food came back cold
        # 8 hours from Wednesday 10:00: Wed 10-12, 13-17 and Thursday 08-10
        self.assertEqual((sla.date_start, sla.deadline, sla.reached_date), (WED_10H, THU_10H, False))
        self.assertEqual(sla.status, "ongoing")
        self.assertEqual(ticket.sla_status, "on_time")
        self.assertEqual(ticket.sla_resolution_deadline, THU_10H)
        self.assertEqual(self._events(sla), [("started", "ongoing"), ("reached", "reached"), ("restarted", "ongoing")])
        restarted = sla.event_ids[-1]
        self.assertEqual((restarted.status_before, restarted.deadline_before), ("reached", TUE_09H))
        self.assertEqual(restarted.deadline_after, THU_10H)
        self.assertEqual(restarted.user_id, self.user_service_agent)
        # closed late this time: the new result is failed, the first one stays in the history
        self._move(ticket, datetime(2026, 11, 26, 9, 0), close=True)
        self.assertEqual(sla.status, "failed")
        self.assertEqual(sla.event_ids.mapped("status"), ["ongoing", "reached", "ongoing", "failed"])

    def test_resume_plans_the_time_left_at_closing_from_the_reopening(self):
        self._policy("resume")
        ticket = self._open()
        sla = ticket.sla_ids
        self._move(ticket, MON_11H, close=True)  # 2 of 8 working hours used
        self._move(ticket, WED_10H)
        # the 6 hours left: Wednesday 10-12 and 13-17; at risk after 6.4 hours in all (80%)
        self.assertEqual(sla.deadline, datetime(2026, 11, 25, 10, 0), "Wednesday 17:00 Jakarta")
        self.assertEqual(sla.date_at_risk, datetime(2026, 11, 25, 8, 24), "Wednesday 15:24 Jakarta")
        self.assertEqual((sla.used_hours, sla.status, sla.reached_date), (2.0, "ongoing", False))
        resumed = sla.event_ids[-1]
        self.assertEqual((resumed.event, resumed.deadline_before), ("resumed", TUE_09H))
        # the scheduled update counts from the new deadline
        with freeze_time(datetime(2026, 11, 25, 9, 0)):
            self.env["kbe.ticket.sla"]._cron_update_status()
        self.assertEqual((sla.status, ticket.sla_status), ("at_risk", "at_risk"))

    def test_resume_keeps_a_missed_target_missed(self):
        self._policy("resume")
        ticket = self._open()
        sla = ticket.sla_ids
        self._move(ticket, TUE_10H, close=True)  # an hour after the deadline
        self.assertEqual(sla.status, "failed")
        self._move(ticket, WED_10H)
        self.assertEqual((sla.status, sla.deadline, sla.reached_date), ("failed", TUE_09H, False))
        self.assertIn("already missed", sla.event_ids[-1].note)
        self.assertEqual(ticket.sla_status, "failed")

    def test_ignore_keeps_the_result_at_closing(self):
        self._policy("ignore")
        ticket = self._open()
        sla = ticket.sla_ids
        self._move(ticket, MON_11H, close=True)
        self._move(ticket, WED_10H)
        self.assertEqual((sla.status, sla.reached_date, sla.deadline), ("reached", MON_11H, TUE_09H))
        self.assertEqual(self._events(sla), [("started", "ongoing"), ("reached", "reached"), ("reopened", "reached")])
        # and no new clock fails it later
        with freeze_time(datetime(2026, 12, 1, 3, 0)):
            self.env["kbe.ticket.sla"]._cron_update_status()
        self.assertEqual((sla.status, ticket.sla_status), ("reached", "on_time"))

    def test_reopening_keeps_the_first_response(self):
        self._policy("restart", response_hours=2)
        ticket = self._open()
        self._move(ticket, MON_11H, close=True)
        self._move(ticket, WED_10H)
        response = ticket.sla_ids.filtered(lambda sla: sla.kind == "response")
        self.assertEqual((response.status, response.reached_date), ("reached", MON_11H))
        self.assertEqual(self._events(response), [("started", "ongoing"), ("reached", "reached")])

    def test_existing_policies_keep_todays_behaviour(self):
        policy = self.env["kbe.sla.policy"].create({"name": "Lama", "team_id": self.team.id, "resolution_hours": 8})
        self.assertEqual((policy.reopen_mode, policy.at_risk_percent), ("ignore", 80))

    # ------------------------------------------------------------------ waiting for the customer

    def test_a_waiting_stage_pauses_the_clock(self):
        self._policy("ignore")
        ticket = self._open()
        sla = ticket.sla_ids
        self._move(ticket, MON_11H, stage=self.stage_waiting)
        self.assertEqual((sla.date_paused, sla.status), (MON_11H, "ongoing"))
        # days pass while the customer does not answer: the deadline is not missed
        with freeze_time(datetime(2026, 11, 25, 12, 0)):
            self.env["kbe.ticket.sla"]._cron_update_status()
        self.assertEqual((sla.status, ticket.sla_status), ("ongoing", "on_time"))
        # the customer answers on Thursday 10:00: the 6 hours left run from then
        self._move(ticket, THU_10H, stage=self.stage_progress)
        self.assertEqual((sla.date_paused, sla.deadline), (False, datetime(2026, 11, 26, 10, 0)))
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 11, 26, 10, 0))
        self.assertEqual(self._events(sla), [("started", "ongoing"), ("paused", "ongoing"), ("resumed", "ongoing")])

    def test_closing_a_waiting_ticket_does_not_count_the_wait(self):
        self._policy("ignore")
        ticket = self._open()
        self._move(ticket, MON_11H, stage=self.stage_waiting)
        self._move(ticket, WED_10H, close=True)  # solved by the customer's answer, two days later
        self.assertEqual(ticket.sla_ids.status, "reached")
        self.assertEqual(ticket.sla_ids.event_ids.mapped("event"), ["started", "paused", "resumed", "reached"])

    # ------------------------------------------------------------------ at-risk threshold

    def test_each_policy_sets_its_at_risk_threshold(self):
        self._policy(at_risk_percent=50)
        self._policy(team=self.team_other, at_risk_percent=90)
        early = self._open()
        late = self._open(team_id=self.team_other.id)
        self.assertEqual(early.sla_ids.date_at_risk, datetime(2026, 11, 23, 7, 0), "4 hours: Monday 14:00")
        self.assertEqual(late.sla_ids.date_at_risk, datetime(2026, 11, 24, 1, 12), "7.2 hours: Tuesday 08:12")
        with freeze_time(datetime(2026, 11, 23, 8, 0)):  # Monday 15:00
            self.env["kbe.ticket.sla"]._cron_update_status()
        self.assertEqual((early.sla_status, late.sla_status), ("at_risk", "on_time"))

    def test_changing_the_threshold_moves_running_targets(self):
        policy = self._policy(at_risk_percent=90)
        ticket = self._open()
        with freeze_time(datetime(2026, 11, 23, 8, 0)):  # Monday 15:00: 5 of 8 hours used
            policy.with_user(self.user_service_manager).at_risk_percent = 50
        sla = ticket.sla_ids
        self.assertEqual((sla.date_at_risk, sla.at_risk_percent), (datetime(2026, 11, 23, 7, 0), 50))
        self.assertEqual((sla.status, ticket.sla_status), ("at_risk", "at_risk"), "the change applies at once")
        updated = sla.event_ids[-1]
        self.assertEqual((updated.event, updated.status_before, updated.status), ("updated", False, "at_risk"))

    def test_bad_thresholds_are_refused(self):
        policy = self._policy(at_risk_percent=60)
        for value in (0, 100, -5, float("nan"), float("inf")):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, "1 to 99"):
                with self.env.cr.savepoint():
                    policy.with_user(self.user_service_manager).at_risk_percent = value
                    policy.flush_recordset()
        policy.invalidate_recordset()
        self.assertEqual(policy.at_risk_percent, 60, "a refused value changes nothing")

    # ------------------------------------------------------------------ one status rule

    def test_the_scheduled_update_and_every_change_share_one_rule(self):
        """A table of cases at ``now``: the status the rule gives each, on the lines of a change
        (``ids``) and in the scheduled update (running lines, as they were before ``now``)."""
        now = datetime(2026, 11, 25, 5, 0)
        hour = timedelta(hours=1)
        cases = {
            # name: (at risk from, deadline, reached on, paused since, expected)
            "on time": (now + hour, now + 2 * hour, False, False, "ongoing"),
            "at risk": (now - hour, now + hour, False, False, "at_risk"),
            "failed": (now - 2 * hour, now - hour, False, False, "failed"),
            "reached on time": (now - 3 * hour, now - hour, now - 2 * hour, False, "reached"),
            "reached late": (now - 3 * hour, now - 2 * hour, now - hour, False, "failed"),
            "reached at the deadline": (now - 3 * hour, now - hour, now - hour, False, "reached"),
            "paused before at risk": (now - hour, now - hour / 2, False, now - 3 * hour, "ongoing"),
            "paused at risk": (now - 4 * hour, now - hour, False, now - 3 * hour, "at_risk"),
        }
        ticket = self._ticket()
        SlaLine = self.env["kbe.ticket.sla"]

        def lines():
            return {
                name: SlaLine.create(
                    {
                        "ticket_id": ticket.id,
                        "name": name,
                        "kind": "resolution",
                        "target_hours": 8,
                        "date_start": now - 5 * hour,
                        "date_at_risk": at_risk,
                        "deadline": deadline,
                        "reached_date": reached,
                        "date_paused": paused,
                    }
                )
                for name, (at_risk, deadline, reached, paused, _expected) in cases.items()
            }

        changed = lines()
        SlaLine._kbe_update_status(now, [line.id for line in changed.values()])
        scheduled = lines()
        SlaLine._cron_update_status(now=now)
        for name, (*_dates, expected) in cases.items():
            with self.subTest(case=name):
                self.assertEqual(changed[name].status, expected)
                if not (changed[name].reached_date or changed[name].date_paused):
                    self.assertEqual(scheduled[name].status, expected, "the scheduled update agrees")
                else:
                    # reached and paused lines are decided when they are reached or paused
                    self.assertEqual(scheduled[name].status, "ongoing", "the scheduled update leaves them")
        # the ticket's summary: what the scheduled update wrote is what the compute reads
        written = (ticket.sla_status, ticket.sla_resolution_deadline)
        self.env.add_to_compute(ticket._fields["sla_status"], ticket)
        self.env.add_to_compute(ticket._fields["sla_resolution_deadline"], ticket)
        self.assertEqual((ticket.sla_status, ticket.sla_resolution_deadline), written)
        self.assertEqual(written, ("failed", now - hour), "failed; the earliest deadline not reached")

    def test_the_scheduled_update_costs_the_same_for_1_or_50_tickets(self):
        self._policy("ignore", response_hours=2)
        Sla = self.env["kbe.ticket.sla"]
        with freeze_time(MON_09H - timedelta(days=7)):
            Sla._cron_update_status()  # caches warmed

        def open_then_update(size, day):
            with freeze_time(MON_09H + timedelta(days=day)):
                self.env["kbe.ticket"].create(
                    [{"name": f"Antrian {i}", "team_id": self.team.id, "partner_id": self.dewi.id} for i in range(size)]
                )
            self.env.flush_all()
            self.env.invalidate_all()
            return freeze_time(MON_09H + timedelta(days=day + 3))

        with open_then_update(1, 0):
            before = self.env.cr.sql_log_count
            self.assertEqual(Sla._cron_update_status(), 1)
            one = self.env.cr.sql_log_count - before
        with open_then_update(50, 7), self.assertQueryCount(one):
            self.assertEqual(Sla._cron_update_status(), 50)

    # ------------------------------------------------------------------ report and access

    def test_sla_report_per_team_policy_and_target(self):
        team = self.env["kbe.service.team"].create(
            {
                "name": "Tim Laporan",
                "resource_calendar_id": self.calendar.id,
                "member_ids": [(6, 0, self.user_service_agent.ids)],
            }
        )
        policy = self._policy(team=team, response_hours=4)
        done, late, risky = (self._open(team_id=team.id) for _i in range(3))
        self._move(done, datetime(2026, 11, 23, 3, 0), close=True)  # Monday 10:00: both reached
        with freeze_time(datetime(2026, 11, 23, 9, 30)):  # Monday 16:30
            self.env["kbe.ticket.sla"]._cron_update_status()
        self.assertEqual((late.sla_status, risky.sla_status), ("failed", "failed"))
        Report = self.env["kbe.sla.report"].with_user(self.user_service_manager)
        measures = [
            "reached_count:sum",
            "failed_count:sum",
            "at_risk_count:sum",
            "ongoing_count:sum",
            "reached_rate:avg",
        ]
        [(found_team, found_policy, *totals)] = Report._read_group(
            [("team_id", "=", team.id)], ["team_id", "policy_id"], measures
        )
        self.assertEqual((found_team, found_policy), (team, policy))
        self.assertEqual(totals, [2, 2, 2, 0, 50.0], "2 reached, 2 responses failed, 2 resolutions at risk")
        by_kind = {
            kind: (reached, failed, at_risk, round(rate, 1))
            for kind, reached, failed, at_risk, rate in Report._read_group(
                [("team_id", "=", team.id)], ["kind"], measures[:3] + measures[4:]
            )
        }
        self.assertEqual(by_kind, {"response": (1, 2, 0, 33.3), "resolution": (1, 0, 2, 100.0)})
        # by month of the ticket's opening
        [(month, count)] = Report._read_group([("team_id", "=", team.id)], ["date_open:month"], ["target_count:sum"])
        self.assertEqual((month.month, count), (11, 6))

    def test_history_and_report_are_read_only_for_agents_and_closed_to_portal(self):
        self._policy("restart")
        ticket = self._open()
        event = ticket.sla_ids.event_ids
        agent = self.user_service_agent
        self.assertEqual(event.with_user(agent).read(["event"])[0]["event"], "started")
        self.assertTrue(self.env["kbe.sla.report"].with_user(agent).search([("ticket_id", "=", ticket.id)]))
        with self.assertRaises(AccessError):
            event.with_user(agent).write({"event": "reached"})
        with self.assertRaises(AccessError):
            self.env["kbe.ticket.sla.event"].with_user(self.user_service_manager).create(
                {"sla_id": ticket.sla_ids.id, "event": "reached"}
            )
        for model in ("kbe.ticket.sla.event", "kbe.sla.report"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.portal_kita).search([])
        # another company's history stays there
        other = self.env["res.company"].create({"name": "PT. Kaktus Berduri Surabaya"})
        self.user_service_manager.company_ids |= other
        Event = self.env["kbe.ticket.sla.event"].with_user(self.user_service_manager)
        self.assertFalse(Event.with_context(allowed_company_ids=other.ids).search([("ticket_id", "=", ticket.id)]))
        self.assertEqual(Event.search([("ticket_id", "=", ticket.id)]), event)
