from datetime import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from .service_common import KbeServiceCommon

# Jakarta is UTC+7: Friday 20 November 2026 15:00 in Jakarta is 08:00 UTC.
FRIDAY_15H = datetime(2026, 11, 20, 8, 0)


@tagged("post_install", "-at_install")
class TestTicketSla(KbeServiceCommon):
    """SLA deadlines counted in the team's working hours (Mon-Fri 08-12, 13-17 Jakarta)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["kbe.sla.policy"].create(
            {"name": "Standard", "team_id": cls.team.id, "response_hours": 4, "resolution_hours": 8}
        )

    def _sla(self, ticket, kind):
        return ticket.sla_ids.filtered(lambda sla: sla.kind == kind)

    def _run_cron(self):
        self.env["kbe.ticket.sla"]._cron_update_status()

    def test_deadlines_skip_the_weekend_and_lunch(self):
        with freeze_time(FRIDAY_15H):
            ticket = self._ticket()
        # Friday 15-17 counts 2 hours; the rest is on Monday morning / after lunch
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 11, 23, 3, 0), "Monday 10:00 Jakarta")
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 11, 23, 8, 0), "Monday 15:00 Jakarta")
        self.assertEqual(ticket.sla_status, "on_time")
        # nothing changes over the weekend
        with freeze_time(datetime(2026, 11, 22, 12, 0)):
            self._run_cron()
        self.assertEqual(set(ticket.sla_ids.mapped("status")), {"ongoing"})
        # Monday 14:00 Jakarta: no reply yet (failed), resolution 80% used (at risk)
        with freeze_time(datetime(2026, 11, 23, 7, 0)):
            self._run_cron()
        self.assertEqual(self._sla(ticket, "response").status, "failed")
        self.assertEqual(self._sla(ticket, "resolution").status, "at_risk")
        self.assertEqual(ticket.sla_status, "failed")
        self.assertEqual(self.team.failed_ticket_count, 1)

    def test_first_reply_and_closing_reach_the_slas(self):
        with freeze_time(FRIDAY_15H):
            ticket = self._ticket(user=self.user_service_agent)
        # an internal note is no response to the customer
        with freeze_time(datetime(2026, 11, 20, 9, 0)):
            ticket.with_user(self.user_service_agent).message_post(
                body="Called the driver", subtype_xmlid="mail.mt_note"
            )
        self.assertEqual(self._sla(ticket, "response").status, "ongoing")
        self.assertFalse(ticket.date_first_response)
        # Monday 09:00 Jakarta: the agent answers the customer
        with freeze_time(datetime(2026, 11, 23, 2, 0)):
            ticket.with_user(self.user_service_agent).message_post(
                body="Maaf, kami kirim ulang", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        response = self._sla(ticket, "response")
        self.assertEqual(response.status, "reached")
        self.assertEqual(response.reached_date, datetime(2026, 11, 23, 2, 0))
        self.assertFalse(ticket.sla_response_deadline, "no response deadline once answered")
        # Monday 16:00 Jakarta: closed after the resolution deadline (15:00)
        with freeze_time(datetime(2026, 11, 23, 9, 0)):
            ticket.with_user(self.user_service_agent).write({"root_cause": "delivery"})
            ticket.with_user(self.user_service_agent).action_close()
        self.assertEqual(self._sla(ticket, "resolution").status, "failed")
        self.assertEqual(ticket.sla_status, "failed")

    def test_reply_from_the_customer_is_no_first_response(self):
        with freeze_time(FRIDAY_15H):
            ticket = self._ticket()
            ticket.message_post(
                body="Any news?", author_id=self.yeyen.id, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(self._sla(ticket, "response").status, "ongoing")

    def test_policy_applies_by_priority_type_and_customer_tag(self):
        corporate = self.env.ref("crm_kbe.res_partner_category_corporate_demo")
        urgent = self.env["kbe.sla.policy"].create(
            {
                "name": "Urgent complaint",
                "team_id": self.team.id,
                "priority": "3",
                "type_ids": [(6, 0, self.type_complaint.ids)],
                "response_hours": 1,
            }
        )
        corporate_policy = self.env["kbe.sla.policy"].create(
            {
                "name": "Corporate",
                "team_id": self.team.id,
                "partner_tag_ids": [(6, 0, corporate.ids)],
                "resolution_hours": 2,
            }
        )
        with freeze_time(FRIDAY_15H):
            normal = self._ticket(type_id=self.type_complaint.id, partner_id=self.dewi.id)
            urgent_ticket = self._ticket(type_id=self.type_complaint.id, priority="3", partner_id=self.dewi.id)
            urgent_question = self._ticket(type_id=self.type_question.id, priority="3", partner_id=self.dewi.id)
            corporate_ticket = self._ticket(partner_id=self.yeyen.id)  # PT. KITA is tagged Corporate
        self.assertEqual(normal.sla_ids.policy_id, self.policy)
        self.assertEqual(urgent_ticket.sla_ids.policy_id, self.policy | urgent)
        self.assertEqual(urgent_question.sla_ids.policy_id, self.policy)
        self.assertEqual(corporate_ticket.sla_ids.policy_id, self.policy | corporate_policy)
        # raising the priority later adds the urgent target; the tightest deadline shows
        with freeze_time(FRIDAY_15H):
            normal.priority = "3"
        self.assertIn(urgent, normal.sla_ids.policy_id)
        self.assertEqual(normal.sla_response_deadline, datetime(2026, 11, 20, 9, 0), "Friday 16:00 Jakarta")
        # a ticket of another team gets none of them
        self.assertFalse(self._ticket(team_id=self.team_other.id).sla_ids)

    def test_policy_change_keeps_reached_and_failed_slas(self):
        with freeze_time(FRIDAY_15H):
            answered = self._ticket()
            late = self._ticket()
            fresh = self._ticket()
        with freeze_time(datetime(2026, 11, 23, 2, 0)):
            answered.message_post(
                body="On it",
                author_id=self.user_service_agent.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with freeze_time(datetime(2026, 11, 23, 4, 0)):  # Monday 11:00 Jakarta: response deadline passed
            self._run_cron()
        self.assertEqual(self._sla(late, "response").status, "failed")
        # the policy is relaxed afterwards
        with freeze_time(datetime(2026, 11, 23, 4, 0)):
            self.policy.write({"response_hours": 16, "resolution_hours": 24, "name": "Relaxed"})
        reached = self._sla(answered, "response")
        self.assertEqual((reached.status, reached.target_hours, reached.name), ("reached", 4, "Standard"))
        failed = self._sla(late, "response")
        self.assertEqual((failed.status, failed.target_hours), ("failed", 4))
        self.assertEqual(failed.deadline, datetime(2026, 11, 23, 3, 0))
        # an SLA still running follows the new target, counted from the ticket's opening
        ongoing = self._sla(fresh, "resolution")
        self.assertEqual((ongoing.status, ongoing.target_hours, ongoing.name), ("ongoing", 24, "Relaxed"))
        # 24h = Fri 2h + Mon 8h + Tue 8h + Wed 6h -> Wednesday 15:00 Jakarta
        self.assertEqual(ongoing.deadline, datetime(2026, 11, 25, 8, 0))
        # deleting the policy keeps the history
        self.policy.unlink()
        self.assertEqual(reached.exists().status, "reached")
        self.assertFalse(reached.policy_id)

    def test_agents_cannot_edit_sla_results(self):
        ticket = self._ticket(user=self.user_service_agent)
        with self.assertRaises(AccessError):
            ticket.sla_ids.with_user(self.user_service_agent).write({"status": "reached"})
        with self.assertRaises(AccessError):
            ticket.sla_ids.with_user(self.user_service_agent).unlink()
        # closing still stamps them, as the system does it
        ticket.with_user(self.user_service_agent).write({"root_cause": "other"})
        ticket.with_user(self.user_service_agent).action_close()
        self.assertEqual(set(ticket.sla_ids.mapped("status")), {"reached"})

    def test_bad_policy_targets_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "needs a first-response or a resolution target"):
            self.env["kbe.sla.policy"].create({"name": "Nothing", "team_id": self.team.id})
        with self.assertRaisesRegex(ValidationError, "between 0 and"):
            self.env["kbe.sla.policy"].create(
                {"name": "Negative", "team_id": self.team.id, "response_hours": -1, "resolution_hours": 8}
            )
        with self.assertRaisesRegex(ValidationError, "needs a first-response"), self.env.cr.savepoint():
            self.policy.write({"response_hours": 0, "resolution_hours": 0})
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.response_hours, 4, "a refused change changes nothing")
