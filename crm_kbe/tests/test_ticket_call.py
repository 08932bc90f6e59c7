from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestTicketCall(KbeServiceCommon):
    """Teleservice: the service agent logs and plans the customer's calls on a ticket, opens a
    ticket from a call, works the calls to return in SLA order; first-contact resolution."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls.user_service_agent
        cls.yeyen.phone = "0812-5550-1234"

    def _log_from_ticket(self, ticket, user=None, **values):
        """Log a call on ``ticket`` through its "Log a Call" button and the wizard, as ``user``."""
        user = user or self.agent
        action = ticket.with_user(user).action_log_call()
        with Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"])) as wizard:
            wizard.result = values.pop("result", "held")
            for name, value in values.items():
                setattr(wizard, name, value)
        wizard.record.action_apply()
        return ticket.kbe_call_ids.filtered(lambda call: call.state != "planned").sorted("id")[-1:]

    def _taken_call(self, user=None, **values):
        """An inbound call the agent takes from the Service > Calls menu, logged as held."""
        user = user or self.agent
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_call_action_service")
        context = safe_eval(action["context"], {"uid": user.id})
        with Form(self.env["kbe.call"].with_user(user).with_context(**context)) as form:
            form.name = values.pop("name", "Nasi kotak basi")
            form.partner_id = values.pop("partner_id", self.yeyen)
        call = form.record
        log = Form(self.env["kbe.call.log"].with_user(user).with_context(**call.action_open_log()["context"]))
        log.result = "held"
        log.notes = values.pop("notes", "<p>20 kotak nasi basi saat tiba.</p>")
        for name, value in values.items():
            setattr(log, name, value)
        log.save().action_apply()
        return call

    # ------------------------------------------------------------------ calls on a ticket

    def test_log_a_call_on_the_ticket(self):
        ticket = self._ticket(user=self.agent, user_id=self.agent.id)
        call = self._log_from_ticket(ticket, outcome="resolved", duration=0.25, notes="<p>Kirim ulang besok.</p>")
        self.assertEqual(
            (call.state, call.direction, call.outcome, call.user_id), ("held", "inbound", "resolved", self.agent)
        )
        self.assertEqual((call.ticket_id, call.partner_id, call.phone), (ticket, self.yeyen, "0812-5550-1234"))
        self.assertEqual(call.name, ticket.name, "the subject comes from the ticket")
        self.assertFalse(call.team_id, "a ticket's call is no sales team's")
        self.assertFalse(call.activity_id, "a call logged at once has no activity left")
        self.assertEqual(ticket.kbe_call_count, 1)
        summary = ticket.message_ids.filtered(lambda m: "Call held" in (m.body or ""))
        self.assertEqual(len(summary), 1, "the call's summary is in the ticket's chatter")
        self.assertIn("Kirim ulang besok", summary.body)
        self.assertIn(call, self.yeyen.with_user(self.agent).kbe_service_call_ids)

    def test_plan_a_call_on_the_ticket_puts_its_activity_on_the_ticket(self):
        ticket = self._ticket(user=self.agent, user_id=self.agent.id)
        action = ticket.with_user(self.agent).action_plan_call()
        with Form(self.env["kbe.call"].with_user(self.agent).with_context(**action["context"])) as form:
            form.date_planned = fields.Datetime.now() + timedelta(hours=2)
        call = form.record
        self.assertEqual((call.ticket_id, call.partner_id, call.direction), (ticket, self.yeyen, "outbound"))
        activity = call.activity_id
        self.assertEqual((activity.res_model, activity.res_id, activity.user_id), ("kbe.ticket", ticket.id, self.agent))
        self.assertEqual(activity, ticket.activity_ids)
        self.assertEqual((call.calendar_event_id.res_model, call.calendar_event_id.res_id), ("kbe.ticket", ticket.id))
        # logged: the activity is done on the ticket with the call's summary
        log = Form(self.env["kbe.call.log"].with_user(self.agent).with_context(**call.action_open_log()["context"]))
        log.outcome = "needs_visit"
        log.save().action_apply()
        self.assertEqual(call.state, "held")
        self.assertFalse(ticket.activity_ids)
        self.assertTrue(ticket.message_ids.filtered(lambda m: "Call held" in (m.body or "")))

    def test_a_follow_up_of_a_ticket_call_stays_on_the_ticket(self):
        ticket = self._ticket(user=self.agent, user_id=self.agent.id)
        call = self._log_from_ticket(ticket, outcome="callback", followup="call")
        followup = call.followup_ids
        self.assertEqual((followup.state, followup.ticket_id, followup.direction), ("planned", ticket, "outbound"))
        self.assertEqual(followup.activity_id.res_model, "kbe.ticket")

    def test_a_call_belongs_to_an_opportunity_or_a_ticket_not_both(self):
        ticket = self._ticket(user=self.agent)
        lead = self.env["crm.lead"].create({"name": "Upsell", "partner_id": self.yeyen.id})
        with self.assertRaises(ValidationError):
            self.env["kbe.call"].create({"name": "Dua-duanya", "ticket_id": ticket.id, "lead_id": lead.id})

    def test_bad_input_from_the_ticket_changes_nothing(self):
        ticket = self._ticket(user=self.agent)
        no_customer = self._ticket(user=self.agent, partner_id=False)
        other_team = self._ticket(team_id=self.team_other.id, user_id=self.user_agent_other.id)
        Wizard = self.env["kbe.call.log"].with_user(self.agent)
        cases = [
            ({"ticket_id": ticket.id, "subject": "   "}, UserError),
            ({"ticket_id": ticket.id, "subject": "x" * 201}, UserError),
            ({"ticket_id": ticket.id, "duration": float("nan")}, UserError),
            ({"ticket_id": no_customer.id}, UserError),
            ({"ticket_id": other_team.id}, AccessError),
            ({}, UserError),
        ]
        for values, error in cases:
            with self.subTest(values=str(values)[:60]), mute_logger("odoo.addons.base.models.ir_rule"):
                with self.assertRaises(error):
                    Wizard.create({"result": "held", **values}).action_apply()
        # sudo: what is stored, whoever may read it
        self.assertFalse(
            self.env["kbe.call"].sudo().search([("ticket_id", "in", (ticket | no_customer | other_team).ids)])
        )
        with self.assertRaises(UserError), mute_logger("odoo.addons.base.models.ir_rule"):
            no_customer.with_user(self.agent).action_log_call()

    # ------------------------------------------------------------------ a new ticket from a call

    def test_new_ticket_from_a_call(self):
        call = self._taken_call()
        self.assertEqual((call.direction, call.state, call.user_id), ("inbound", "held", self.agent))
        action = call.with_user(self.agent).action_create_ticket()
        ticket = self.env["kbe.ticket"].browse(action["res_id"])
        self.assertEqual((action["res_model"], call.ticket_id), ("kbe.ticket", ticket))
        self.assertEqual((ticket.name, ticket.partner_id, ticket.channel), ("Nasi kotak basi", self.yeyen, "phone"))
        self.assertIn("20 kotak nasi basi", ticket.description)
        self.assertEqual((ticket.team_id, ticket.user_id), (self.team, self.agent), "the agent's team, the agent")
        self.assertEqual(ticket.kbe_origin_call_id, call)
        self.assertEqual(ticket.with_user(self.agent).kbe_call_ids, call)
        self.assertEqual(ticket.kbe_call_count, 1)
        with self.assertRaises(UserError):
            call.with_user(self.agent).action_create_ticket()

    def test_new_ticket_only_for_service_agents_and_customer_calls(self):
        own = self.env["kbe.call"].with_user(self.user_salesman).create({"name": "Tanya", "partner_id": self.yeyen.id})
        with self.assertRaises(UserError):
            own.with_user(self.user_salesman).action_create_ticket()
        lead = self.env["crm.lead"].create({"name": "Upsell", "partner_id": self.yeyen.id})
        lead_call = self.env["kbe.call"].create({"name": "Tawaran", "lead_id": lead.id, "user_id": self.agent.id})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            lead_call.with_user(self.agent).action_create_ticket()
        with self.assertRaises(UserError):
            lead_call.action_create_ticket()  # even for who may: a ticket is no opportunity's
        # sudo: what was created, whoever may read it
        self.assertFalse(self.env["kbe.ticket"].sudo().search([("kbe_origin_call_id", "in", (own | lead_call).ids)]))

    # ------------------------------------------------------------------ the calls to return

    def _sla(self, ticket, hours):
        deadline = fields.Datetime.now() + timedelta(hours=hours)
        self.env["kbe.ticket.sla"].create(
            {
                "ticket_id": ticket.id,
                "name": "Respon",
                "kind": "response",
                "target_hours": hours,
                "date_start": fields.Datetime.now(),
                "date_at_risk": deadline - timedelta(minutes=10),
                "deadline": deadline,
            }
        )

    def _planned_call(self, ticket, hours_from_now, **values):
        return self.env["kbe.call"].create(
            {
                "name": f"Telepon balik {ticket.name}",
                "ticket_id": ticket.id,
                "user_id": self.agent.id,
                "date_planned": fields.Datetime.now() + timedelta(hours=hours_from_now),
                **values,
            }
        )

    def _queue_search(self, user):
        """The search of the "Calls to Return" the user sees: the menu's action, its default
        filter, its list's order, as (domain, order)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_call_action_to_return")
        view = self.env.ref("crm_kbe.kbe_call_view_list_to_return")
        order = view.arch_db.split('default_order="')[1].split('"')[0]
        domain = safe_eval(action["domain"], {"uid": user.id})
        filters = {"filter_my_service_teams": [("service_team_id.member_ids", "in", user.id)]}
        for key in safe_eval(action["context"], {"uid": user.id}):
            if key.startswith("search_default_"):
                domain += filters[key.removeprefix("search_default_")]
        return domain, order

    def _queue(self, user):
        domain, order = self._queue_search(user)
        return self.env["kbe.call"].with_user(user).search(domain, order=order)

    def test_calls_to_return_in_sla_order(self):
        late, soon, later, no_sla, closed = (
            self._ticket(name=name, user_id=self.agent.id) for name in ("Late", "Soon", "Later", "No SLA", "Closed")
        )
        self._sla(late, 1)
        self._sla(soon, 3)
        self._sla(later, 8)
        closed.write({"root_cause": "delivery"})
        closed.action_close()
        other_team = self._ticket(name="Other team", team_id=self.team_other.id)
        calls = {
            "no_sla_early": self._planned_call(no_sla, 1),
            "later": self._planned_call(later, 1),
            "soon_2": self._planned_call(soon, 5),
            "soon_1": self._planned_call(soon, 2),
            "late": self._planned_call(late, 6),
            "no_sla_late": self._planned_call(no_sla, 9),
        }
        self._planned_call(closed, 1)  # a closed ticket has no call to return
        self._planned_call(other_team, 1, user_id=self.user_agent_other.id)  # not the agent's team
        held = self._planned_call(late, 0)
        held.action_no_answer()  # logged: done
        self.env["kbe.call"].create({"name": "Bukan tiket", "partner_id": self.yeyen.id, "user_id": self.agent.id})
        expected = [calls[key] for key in ("late", "soon_1", "soon_2", "later", "no_sla_early", "no_sla_late")]
        self.assertEqual(list(self._queue(self.agent)), expected)
        self.assertEqual(calls["late"].sla_deadline, late.sla_response_deadline)
        # one query for the whole queue, whatever its size: the order is stored on the call
        domain, order = self._queue_search(self.agent)
        Call = self.env["kbe.call"].with_user(self.agent)
        Call.search(domain, order=order)
        with self.assertQueryCount(1):
            queue = Call.search(domain, order=order)
        self.assertEqual(len(queue), 6)
        # a deadline that moves moves the call in the queue
        late.sla_ids.sudo().deadline = fields.Datetime.now() + timedelta(hours=10)
        self.assertEqual(list(self._queue(self.agent))[:4], expected[1:4] + [calls["late"]])
        # the other team's agent sees their own team's call only
        self.assertEqual(self._queue(self.user_agent_other).ticket_id, other_team)

    # ------------------------------------------------------------------ first-contact resolution

    def _close(self, ticket, user=None):
        ticket = ticket.with_user(user or self.agent)
        ticket.root_cause = "quality"
        ticket.action_close()

    def test_first_contact_resolution_closed_during_its_only_call(self):
        call = self._taken_call()
        ticket = self.env["kbe.ticket"].browse(call.with_user(self.agent).action_create_ticket()["res_id"])
        self.assertFalse(ticket.kbe_first_contact_resolution, "an open ticket is not resolved")
        self._close(ticket)
        self.assertTrue(ticket.kbe_first_contact_resolution)
        self.assertEqual(ticket.kbe_first_contact_count, 1)
        # reopened: no longer resolved at the first contact, and closing it much later does not bring it back
        ticket.with_user(self.agent).action_reopen()
        self.assertFalse(ticket.kbe_first_contact_resolution)
        call.date_done -= timedelta(days=1)
        self._close(ticket)
        self.assertFalse(ticket.kbe_first_contact_resolution)
        self.assertEqual(ticket.kbe_first_contact_count, 0)

    def test_no_first_contact_resolution_with_two_calls_or_none(self):
        call = self._taken_call()
        ticket = self.env["kbe.ticket"].browse(call.with_user(self.agent).action_create_ticket()["res_id"])
        self._log_from_ticket(ticket, direction="outbound", subject="Konfirmasi penggantian")
        self._close(ticket)
        self.assertEqual(ticket.kbe_call_count, 2)
        self.assertFalse(ticket.kbe_first_contact_resolution, "two held calls: not the first contact")
        # a missed call is no contact: one held call and one not held is still the first contact
        other = self._ticket(user=self.agent, user_id=self.agent.id)
        self._log_from_ticket(other, result="not_held", not_held_reason="no_answer")
        self._log_from_ticket(other)
        self._close(other)
        self.assertTrue(other.kbe_first_contact_resolution)
        # a ticket without a call, closed at once, was not resolved by a call
        silent = self._ticket(user=self.agent, user_id=self.agent.id)
        self._close(silent)
        self.assertFalse(silent.kbe_first_contact_resolution)

    def test_first_contact_resolution_counts_in_one_query_per_batch(self):
        def tickets(count):
            result = self.env["kbe.ticket"]
            for __ in range(count):
                ticket = self._ticket(user=self.agent, user_id=self.agent.id)
                self._log_from_ticket(ticket)
                self._close(ticket)
                result |= ticket
            self.env.invalidate_all()
            return result

        few, many = tickets(2), tickets(6)
        self.assertEqual(set(many.mapped("kbe_first_contact_resolution")), {True})
        (few | many).mapped("date_closed")  # the tickets themselves are read: only the computes are counted
        counts = []
        for batch in (few, many):
            self.env.flush_all()
            queries = self.env.cr.sql_log_count
            batch._compute_kbe_first_contact_resolution()
            batch._compute_kbe_call_count()
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertEqual(counts[0], counts[1], "the same queries for 2 and for 6 tickets")
        self.assertLessEqual(counts[1], 2, "one query for the held calls, one for the call counts")

    # ------------------------------------------------------------------ who reaches which calls

    def test_who_reaches_which_calls(self):
        ticket = self._ticket(user=self.agent, user_id=self.agent.id)
        ticket_call = self._log_from_ticket(ticket)
        other_ticket = self._ticket(team_id=self.team_other.id, user_id=self.user_agent_other.id)
        other_team_call = self._planned_call(other_ticket, 1, user_id=self.user_agent_other.id)
        lead = self.env["crm.lead"].create({"name": "Katering", "user_id": self.user_salesman.id})
        lead_call = self.env["kbe.call"].with_user(self.user_salesman).create({"name": "Tawaran", "lead_id": lead.id})
        own_taken = self.env["kbe.call"].with_user(self.agent).create({"name": "Tanya", "partner_id": self.kita.id})
        self.assertRights(self.agent, ticket_call | own_taken, "rw-")
        self.assertRights(self.agent, other_team_call, "---")
        self.assertRights(self.agent, lead_call, "---")
        self.assertRights(self.user_service_manager, ticket_call | other_team_call, "rwd")
        self.assertRights(self.user_service_manager, lead_call, "---")
        self.assertRights(self.user_salesman, ticket_call, "---")
        self.assertRights(self.user_sales_manager, ticket_call, "---")
        self.assertRights(self.user_sales_manager, lead_call, "rwd")
        self.assertRights(self.user_portal, ticket_call | lead_call, "---")
        # a sales rep cannot put a call on a ticket to reach it
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            self.env["kbe.call"].with_user(self.user_salesman).create({"name": "Intip", "ticket_id": ticket.id})
        own_call = (
            self.env["kbe.call"].with_user(self.user_salesman).create({"name": "Intip", "partner_id": self.kita.id})
        )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            own_call.with_user(self.user_salesman).ticket_id = ticket
        # nor an agent on another team's ticket
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            own_taken.with_user(self.agent).ticket_id = other_team_call.ticket_id

    def test_calls_stay_in_their_company(self):
        company_2 = self.env["res.company"].create({"name": "PT. KBE Surabaya"})
        self.agent.company_ids |= company_2
        customer_2 = self.env["res.partner"].create({"name": "Pelanggan Surabaya", "company_id": company_2.id})
        ticket_2 = self.env["kbe.ticket"].create(
            {"name": "Di Surabaya", "partner_id": customer_2.id, "company_id": company_2.id, "user_id": self.agent.id}
        )
        call_2 = self._planned_call(ticket_2, 1)
        self.assertEqual(call_2.company_id, company_2, "a ticket's call is in the ticket's company")
        Call = self.env["kbe.call"].with_user(self.agent)
        self.assertNotIn(call_2, Call.with_context(allowed_company_ids=self.env.company.ids).search([]))
        self.assertIn(call_2, Call.with_context(allowed_company_ids=(self.env.company | company_2).ids).search([]))

    def test_customer_history_shows_calls_and_tickets_in_constant_queries(self):
        ticket = self._ticket(user=self.agent, user_id=self.agent.id)
        self._log_from_ticket(ticket)
        taken = self._taken_call(partner_id=self.kita)
        partners = (self.kita | self.yeyen).with_user(self.agent)
        self.assertIn(ticket, partners[0].kbe_service_ticket_ids)
        self.assertLessEqual(ticket.kbe_call_ids | taken, partners[1].kbe_service_call_ids, "the company's calls")
        self.assertEqual(partners[0].kbe_service_call_ids, partners[1].kbe_service_call_ids)
        self.env.invalidate_all()
        self.kita.with_user(self.agent).mapped("kbe_service_call_ids")  # warm the caches of the rules
        counts = []
        for batch in (self.kita, self.kita | self.yeyen | self.sari | self.dewi):
            self.env.invalidate_all()
            queries = self.env.cr.sql_log_count
            batch.with_user(self.agent).mapped("kbe_service_call_ids")
            batch.with_user(self.agent).mapped("kbe_service_ticket_ids")
            counts.append(self.env.cr.sql_log_count - queries)
        self.assertEqual(counts[0], counts[1], "the same queries for one customer and for four")
