import threading

import psycopg2

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .service_common import KbeServiceCommon

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install")
class TestServiceReach(KbeServiceCommon):
    """What an agent or a manager may not reach stays out of reach through the records hanging off
    it: parts and checklist items follow their service order, a policy or an item cannot be moved
    into another team or company, an order is attached only to a ticket the agent works."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_ticket = cls.env["kbe.ticket"].create(
            {
                "name": "Tiket tim lain",
                "partner_id": cls.dewi.id,
                "team_id": cls.team_other.id,
                "user_id": cls.user_agent_other.id,
            }
        )
        cls.other_order = cls.env["kbe.service.order"].create(
            {
                "name": "Servis tim lain",
                "ticket_id": cls.other_ticket.id,
                "user_id": cls.user_agent_other.id,
                "line_ids": [(0, 0, {"product_id": cls.product.id, "quantity": 2})],
                "task_ids": [(0, 0, {"name": "Cek pemanas"})],
            }
        )
        cls.own_order = cls.env["kbe.service.order"].create(
            {"name": "Servis saya", "partner_id": cls.yeyen.id, "user_id": cls.user_service_agent.id}
        )

    def test_parts_and_checklist_follow_their_order(self):
        agent = self.user_service_agent
        line, task = self.other_order.line_ids, self.other_order.task_ids
        self.assertRights(agent, (self.other_order, line, task), "---")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.service.order.task"].with_user(agent).create({"order_id": self.other_order.id, "name": "X"})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.service.order.line"].with_user(agent).create(
                {"order_id": self.other_order.id, "product_id": self.product.id}
            )
        own_task = (
            self.env["kbe.service.order.task"].with_user(agent).create({"order_id": self.own_order.id, "name": "Y"})
        )
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            own_task.write({"order_id": self.other_order.id})
        self.assertEqual(own_task.order_id, self.own_order)
        self.assertEqual((line.quantity, task.name, task.done), (2, "Cek pemanas", False), "nothing changed")
        # the team's manager keeps every order's parts and checklist
        self.assertRights(self.user_service_manager, (line, task), "rwd")

    def test_order_attached_only_to_a_ticket_the_agent_works(self):
        agent = self.user_service_agent
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.own_order.with_user(agent).write({"ticket_id": self.other_ticket.id})
        self.assertFalse(self.own_order.ticket_id)
        self.assertEqual(self.own_order.partner_id, self.yeyen, "the customer did not follow the other ticket")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.service.order"].with_user(agent).create({"name": "Z", "ticket_id": self.other_ticket.id})
        own_ticket = self.env["kbe.ticket"].create(
            {"name": "Tiket saya", "partner_id": self.yeyen.id, "team_id": self.team.id}
        )
        self.own_order.with_user(agent).ticket_id = own_ticket
        self.assertEqual(self.own_order.ticket_id, own_ticket)

    def test_second_company_manager_cannot_move_records_into_the_first(self):
        company_2 = self.env["res.company"].create({"name": "PT. Cabang Bandung"})
        manager_2 = new_test_user(
            self.env,
            login="kbe_service_manager_c2",
            groups="crm_kbe.group_service_manager",
            company_id=company_2.id,
            company_ids=[(6, 0, company_2.ids)],
        )
        team_2 = self.env["kbe.service.team"].create(
            {
                "name": "Tim Bandung",
                "company_id": company_2.id,
                "resource_calendar_id": company_2.resource_calendar_id.id,
            }
        )
        policy_2 = self.env["kbe.sla.policy"].create({"name": "SLA Bandung", "team_id": team_2.id, "response_hours": 4})
        order_2 = self.env["kbe.service.order"].create({"name": "Servis Bandung", "company_id": company_2.id})
        task_2 = self.env["kbe.service.order.task"].create({"order_id": order_2.id, "name": "Cek"})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            policy_2.with_user(manager_2).write({"team_id": self.team.id})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            task_2.with_user(manager_2).write({"order_id": self.own_order.id})
        self.assertEqual((policy_2.company_id, task_2.company_id), (company_2, company_2))
        policy_2.with_user(manager_2).response_hours = 6  # their own company's policy stays theirs

    def test_bad_hours_are_refused(self):
        for bad in (float("nan"), float("inf"), -1.0, 1e308):
            with self.subTest(value=bad), self.assertRaises(ValidationError):
                self.own_order.with_user(self.user_service_agent).write({"time_spent": bad})
            with self.subTest(value=bad), self.assertRaises(ValidationError):
                self.env["kbe.sla.policy"].with_user(self.user_service_manager).create(
                    {"name": "Rusak", "team_id": self.team.id, "resolution_hours": bad}
                )
        self.assertEqual(self.own_order.time_spent, 0)
        self.assertFalse(self.env["kbe.sla.policy"].search([("name", "=", "Rusak")]))

    def test_taking_a_ticket_someone_holds_is_refused(self):
        ticket = self.env["kbe.ticket"].create(
            {
                "name": "Sudah dipegang",
                "partner_id": self.yeyen.id,
                "team_id": self.team.id,
                "user_id": self.user_agent2.id,
            }
        )
        with self.assertRaisesRegex(UserError, "already assigned"):
            ticket.with_user(self.user_service_agent).action_take()
        self.assertEqual(ticket.user_id, self.user_agent2)
        ticket.with_user(self.user_service_manager).action_take()  # a manager may take it over
        self.assertEqual(ticket.user_id, self.user_service_manager)


@tagged("post_install", "-at_install")
class TestTicketTakeConcurrency(TransactionCase):
    """Two agents press "Take" on the same new ticket at the same moment, each in their own
    database transaction: one gets it; the other is refused (or, in Odoo's RPC, retried and then
    refused) and nobody's take is silently overwritten. The records are committed for the two
    transactions to see them, and removed afterwards."""

    def test_two_agents_take_at_once(self):
        registry = self.env.registry
        with registry.cursor() as cr:
            env = self.env(cr=cr)
            agents = env["res.users"]
            for login in ("kbe_race_agent_1", "kbe_race_agent_2"):
                agents |= new_test_user(env, login=login, groups="crm_kbe.group_service_agent")
            team = env["kbe.service.team"].create({"name": "Tim Rebutan", "member_ids": [(6, 0, agents.ids)]})
            partner = env["res.partner"].create({"name": "Pelanggan Rebutan"})
            ticket = env["kbe.ticket"].create({"name": "Rebutan", "partner_id": partner.id, "team_id": team.id})
            ids = {
                "users": agents.ids,
                "partners": agents.partner_id.ids + partner.ids,
                "team": team.id,
                "ticket": ticket.id,
            }
            cr.commit()
        self.addCleanup(self._remove, ids)

        results = {}
        barrier = threading.Barrier(2, timeout=20)

        def take(uid):
            with registry.cursor() as cr:
                env = self.env(cr=cr, user=uid, context={})
                barrier.wait()
                try:
                    env["kbe.ticket"].browse(ids["ticket"]).action_take()
                    cr.commit()
                    results[uid] = "took"
                except (UserError, psycopg2.errors.SerializationFailure) as error:
                    cr.rollback()
                    results[uid] = type(error).__name__

        threads = [threading.Thread(target=take, args=(uid,)) for uid in ids["users"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(sorted(results.values()).count("took"), 1, results)
        loser = next(outcome for outcome in results.values() if outcome != "took")
        self.assertIn(loser, ("UserError", "SerializationFailure"))
        winner = next(uid for uid, outcome in results.items() if outcome == "took")
        with registry.cursor() as cr:
            self.assertEqual(self.env(cr=cr)["kbe.ticket"].browse(ids["ticket"]).user_id.id, winner)

    def _remove(self, ids):
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr)
            env["kbe.ticket"].browse(ids["ticket"]).unlink()
            env["kbe.service.team"].browse(ids["team"]).unlink()
            env["res.users"].browse(ids["users"]).unlink()
            env["res.partner"].browse(ids["partners"]).unlink()
            cr.commit()
