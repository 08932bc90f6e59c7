from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
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

    def test_a_team_keeps_to_its_company(self):
        company_2 = self.env["res.company"].create({"name": "PT. Cabang Medan"})
        calendar_1 = self.env.company.resource_calendar_id
        with self.assertRaises(UserError):
            self.env["kbe.service.team"].create(
                {"name": "Tim Medan", "company_id": company_2.id, "resource_calendar_id": calendar_1.id}
            )
        team_2 = self.env["kbe.service.team"].create({"name": "Tim Medan", "company_id": company_2.id})
        self.assertEqual(team_2.resource_calendar_id, company_2.resource_calendar_id, "its company's hours")
        with self.assertRaises(UserError):
            team_2.resource_calendar_id = calendar_1

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
