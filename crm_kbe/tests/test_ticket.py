from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .service_common import KbeServiceCommon


@tagged("post_install", "-at_install")
class TestTicket(KbeServiceCommon):
    """A ticket from the customer's call to its closing, and who may see it."""

    def test_life_cycle_from_new_to_solved_and_reopened(self):
        with Form(self.env["kbe.ticket"].with_user(self.user_service_agent)) as form:
            form.name = "Nasi kotak datang terlambat"
            form.partner_id = self.yeyen
            form.team_id = self.team
            form.type_id = self.type_complaint
            form.channel = "phone"
        ticket = form.record
        self.assertRegex(ticket.number, r"^TKT/\d{4}/\d+$")
        self.assertEqual(ticket.stage_id, self.stage_new, "a new ticket starts in the team's first stage")
        self.assertEqual(ticket.commercial_partner_id, self.kita)
        self.assertEqual(ticket.partner_email, self.yeyen.email)
        self.assertIn(self.yeyen, ticket.message_partner_ids, "the customer follows the ticket")
        self.assertTrue(ticket.is_complaint)

        ticket.action_take()
        self.assertEqual(ticket.user_id, self.user_service_agent)
        self.assertTrue(ticket.date_assigned)

        # closing without a root cause is refused and changes nothing
        with self.assertRaisesRegex(UserError, "root cause"):
            ticket.action_close()
        self.assertFalse(ticket.is_closed)

        ticket.write({"root_cause": "delivery", "resolution": "<p>Driver rerouted, snack boxes offered.</p>"})
        ticket.action_close()
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.stage_id, self.stage_solved)
        self.assertTrue(ticket.date_closed)
        self.assertTrue(ticket.stage_id.fold, "closing stages are folded in the kanban")

        ticket.action_reopen()
        self.assertFalse(ticket.is_closed)
        self.assertFalse(ticket.date_closed)
        self.assertEqual(ticket.stage_id, self.stage_new)

    def test_demo_tells_the_kbe_service_story(self):
        demo = self.env["kbe.ticket"].search([("number", "!=", False), ("team_id.name", "!=", False)])
        types = self.type_complaint | self.type_request | self.type_question
        types |= self.env.ref("crm_kbe.kbe_ticket_type_field_service")
        self.assertLessEqual(types, demo.type_id, "demo tickets of each type")
        late = self.env.ref("crm_kbe.kbe_ticket_late_delivery_demo")
        self.assertTrue(late.is_complaint)
        self.assertEqual(late.commercial_partner_id, self.kita)
        self.assertTrue(late.sla_ids, "the late delivery complaint runs against SLAs")
        warmer = self.env.ref("crm_kbe.kbe_ticket_warmer_demo")
        self.assertTrue(warmer.service_order_ids.task_ids)
        self.assertTrue(self.env.ref("crm_kbe.kbe_service_team_catering_demo").alias_name)
        self.assertTrue(self.env["kbe.knowledge.article"].search_count([("is_published", "=", True)]) >= 2)

    def test_numbers_are_unique_and_subject_required(self):
        first, second = self._ticket(), self._ticket()
        self.assertNotEqual(first.number, second.number)
        with self.assertRaisesRegex(UserError, "subject"):
            self._ticket(name="   ")

    def test_manager_sets_up_a_team_with_an_alias(self):
        with Form(self.env["kbe.service.team"].with_user(self.user_service_manager)) as form:
            form.name = "Keluhan Katering"
            form.assignment_method = "round_robin"
            form.resource_calendar_id = self.calendar
            form.alias_name = "keluhan-katering"
            form.member_ids.add(self.user_service_agent)
        team = form.record.sudo()  # ir.model is for administrators to read
        self.assertEqual(team.alias_id.alias_model_id.model, "kbe.ticket")
        self.assertEqual(team.alias_id.alias_parent_thread_id, team.id)
        self.assertIn(f"'team_id': {team.id}", team.alias_id.alias_defaults)
        self.assertEqual(team.action_open_tickets()["domain"], [("team_id", "=", team.id)])
        # the overview counts open and unassigned tickets
        self._ticket(team_id=team.id)
        self.assertEqual((team.open_ticket_count, team.unassigned_ticket_count), (1, 0))

    def test_team_specific_stage_shows_only_in_that_team(self):
        stage = self.env["kbe.ticket.stage"].create(
            {"name": "Waiting for driver", "sequence": 0, "team_ids": [(6, 0, self.team.ids)]}
        )
        ticket = self._ticket()
        self.assertEqual(ticket.stage_id, stage, "the team's own first stage comes first")
        other = self._ticket(team_id=self.team_other.id)
        self.assertEqual(other.stage_id, self.stage_new)
        groups = (
            self.env["kbe.ticket"]
            .with_context(default_team_id=self.team_other.id)
            .read_group([("team_id", "=", self.team_other.id)], ["stage_id"], ["stage_id"])
        )
        self.assertNotIn(stage.id, [g["stage_id"][0] for g in groups if g["stage_id"]])

    # ---------------------------------------------------------------- assignment rules

    def test_manual_assignment_leaves_tickets_unassigned(self):
        self.team.assignment_method = "manual"
        tickets = self._ticket() | self._ticket()
        self.assertFalse(tickets.user_id)

    def test_round_robin_gives_tickets_to_members_in_turn(self):
        self.team.assignment_method = "round_robin"
        users = [self._ticket().user_id for _i in range(4)]
        agent, agent2 = self.user_service_agent, self.user_agent2
        first = users[0]
        second = agent2 if first == agent else agent
        self.assertEqual(users, [first, second, first, second])
        # a batch continues where the last ticket stopped
        batch = self.env["kbe.ticket"].create(
            [{"name": f"Batch {i}", "team_id": self.team.id, "partner_id": self.yeyen.id} for i in range(3)]
        )
        self.assertEqual(batch.mapped("user_id"), first | second)
        self.assertEqual(batch[0].user_id, first)

    def test_least_open_tickets_goes_to_the_least_busy_member(self):
        self.team.assignment_method = "manual"
        for _i in range(3):
            self._ticket(user_id=self.user_service_agent.id)
        self.team.assignment_method = "least_open"
        tickets = self.env["kbe.ticket"].create(
            [{"name": f"New {i}", "team_id": self.team.id, "partner_id": self.yeyen.id} for i in range(4)]
        )
        # agent2 had none: gets the first three, then both are at three
        self.assertEqual(tickets[:3].user_id, self.user_agent2)
        self.assertEqual(tickets[3].user_id, self.user_service_agent)
        # closed tickets do not count as load
        busy = self.env["kbe.ticket"].search([("user_id", "=", self.user_agent2.id), ("team_id", "=", self.team.id)])
        busy.write({"root_cause": "other"})
        busy.action_close()
        self.assertEqual(self._ticket().user_id, self.user_agent2)

    # ---------------------------------------------------------------- access

    def test_agent_sees_team_own_and_unassigned_tickets_only(self):
        own_team = self._ticket(user_id=self.user_agent2.id)
        other_assigned = self._ticket(team_id=self.team_other.id, user_id=self.user_agent_other.id)
        unassigned = self._ticket(team_id=self.team_other.id)
        mine = self._ticket(team_id=self.team_other.id, user_id=self.user_service_agent.id)
        Ticket = self.env["kbe.ticket"].with_user(self.user_service_agent)
        visible = Ticket.search([("id", "in", (own_team | other_assigned | unassigned | mine).ids)])
        self.assertEqual(visible, own_team | unassigned | mine)
        with self.assertRaises(AccessError):
            other_assigned.with_user(self.user_service_agent).read(["name"])
        # a manager sees everything
        visible = self.env["kbe.ticket"].with_user(self.user_service_manager).search([("id", "=", other_assigned.id)])
        self.assertEqual(visible, other_assigned)

    def test_salesman_and_employee_cannot_read_tickets_nor_configure(self):
        ticket = self._ticket()
        for user in (self.user_salesman, self.user_internal):
            with self.assertRaises(AccessError):
                ticket.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.team.with_user(self.user_service_agent).write({"assignment_method": "round_robin"})
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_service_agent).unlink()

    def test_portal_user_reads_only_own_company_tickets_and_cannot_write(self):
        kita_ticket = self._ticket()
        sari_ticket = self._ticket(partner_id=self.dewi.id)
        Ticket = self.env["kbe.ticket"].with_user(self.portal_kita)
        self.assertEqual(Ticket.search([("id", "in", (kita_ticket | sari_ticket).ids)]), kita_ticket)
        with self.assertRaises(AccessError):
            sari_ticket.with_user(self.portal_kita).read(["name"])
        with self.assertRaises(AccessError):
            kita_ticket.with_user(self.portal_kita).write({"priority": "3"})
        # internal fields stay internal, even over RPC
        for field in ("root_cause", "resolution", "sla_status", "sla_ids", "lead_id", "tag_ids", "article_ids"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                kita_ticket.with_user(self.portal_kita).read([field])
        self.assertEqual(kita_ticket.with_user(self.portal_kita).read(["name"])[0]["name"], "Late delivery")
        # public methods check access before doing anything
        with self.assertRaises(AccessError):
            kita_ticket.with_user(self.portal_kita).action_close()
        with self.assertRaises(AccessError):
            sari_ticket.with_user(self.portal_kita).action_create_opportunity()

    def test_multi_company_tickets_stay_in_their_company(self):
        other_company = self.env["res.company"].create({"name": "KBE Surabaya"})
        team_sby = self.env["kbe.service.team"].create({"name": "Surabaya care", "company_id": other_company.id})
        self.user_service_manager.company_ids = [(4, other_company.id)]
        ticket = self.env["kbe.ticket"].create(
            {"name": "Surabaya ticket", "team_id": team_sby.id, "company_id": other_company.id}
        )
        manager_env = self.env["kbe.ticket"].with_user(self.user_service_manager)
        self.assertFalse(
            manager_env.with_context(allowed_company_ids=[self.company.id]).search([("id", "=", ticket.id)]),
            "not visible while the company is not active",
        )
        self.assertEqual(
            manager_env.with_context(allowed_company_ids=[other_company.id]).search([("id", "=", ticket.id)]), ticket
        )
        # a manager of the other company only never sees it
        self.assertFalse(self.env["kbe.ticket"].with_user(self.user_service_agent).search([("id", "=", ticket.id)]))
        self.assertFalse(
            self.env["kbe.service.team"].with_user(self.user_service_agent).search([("id", "=", team_sby.id)])
        )
        # a ticket cannot use another company's team
        with self.assertRaises(UserError):
            self.env["kbe.ticket"].create({"name": "Mixed", "team_id": team_sby.id, "company_id": self.company.id})

    def test_multi_company_rules_cover_orders_articles_and_policies(self):
        other_company = self.env["res.company"].create({"name": "KBE Bandung"})
        team_bdg = self.env["kbe.service.team"].create({"name": "Bandung care", "company_id": other_company.id})
        policy = self.env["kbe.sla.policy"].create({"name": "BDG", "team_id": team_bdg.id, "resolution_hours": 8})
        order = self.env["kbe.service.order"].create({"name": "Bandung visit", "company_id": other_company.id})
        article = self.env["kbe.knowledge.article"].create({"name": "Bandung only", "company_id": other_company.id})
        shared = self.env["kbe.knowledge.article"].create({"name": "For every company"})
        manager = self.user_service_manager.with_context(allowed_company_ids=[self.company.id])
        self.assertFalse(self.env["kbe.sla.policy"].with_user(manager).search([("id", "=", policy.id)]))
        self.assertFalse(self.env["kbe.service.order"].with_user(manager).search([("id", "=", order.id)]))
        self.assertEqual(
            self.env["kbe.knowledge.article"].with_user(manager).search([("id", "in", (article | shared).ids)]),
            shared,
        )

    def test_agents_cannot_configure_the_service_desk(self):
        agent = self.user_service_agent
        with self.assertRaises(AccessError):
            self.env["kbe.sla.policy"].with_user(agent).create(
                {"name": "Mine", "team_id": self.team.id, "resolution_hours": 1}
            )
        with self.assertRaises(AccessError):
            self.env["kbe.ticket.stage"].with_user(agent).create({"name": "Agent stage"})
        with self.assertRaises(AccessError):
            self.env["kbe.ticket.type"].with_user(agent).create({"name": "Agent type"})
        with self.assertRaises(AccessError):
            self.env["kbe.service.team"].with_user(agent).create({"name": "Agent team"})
        with self.assertRaises(AccessError):
            self.env.ref("crm_kbe.kbe_knowledge_article_halal_demo").with_user(agent).unlink()
        # but they write articles and tag tickets
        article = self.env["kbe.knowledge.article"].with_user(agent).create({"name": "Tip from the desk"})
        self.assertTrue(article)
        self.assertTrue(self.env["kbe.ticket.tag"].with_user(agent).create({"name": "Agent tag"}))
        # a service manager configures
        self.assertTrue(self.env["kbe.ticket.stage"].with_user(self.user_service_manager).create({"name": "Mgr"}))

    def test_service_agent_reaches_the_service_menu(self):
        menus = self.env["ir.ui.menu"].with_user(self.user_service_agent).load_menus(debug=False)
        visible = {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}
        self.assertIn("crm.crm_menu_root", visible)
        self.assertIn("crm_kbe.crm_kbe_menu_ticket", visible)
        self.assertIn("crm_kbe.crm_kbe_menu_service_order_today", visible)
        self.assertNotIn("crm_kbe.crm_kbe_menu_service_config", visible)
        manager_menus = self.env["ir.ui.menu"].with_user(self.user_service_manager).load_menus(debug=False)
        self.assertIn(
            "crm_kbe.crm_kbe_menu_sla_policy",
            {menu.get("xmlid") for menu in manager_menus.values() if isinstance(menu, dict)},
        )
        salesman_menus = self.env["ir.ui.menu"].with_user(self.user_salesman).load_menus(debug=False)
        self.assertNotIn(
            "crm_kbe.crm_kbe_menu_service",
            {menu.get("xmlid") for menu in salesman_menus.values() if isinstance(menu, dict)},
        )

    # ---------------------------------------------------------------- CRM links

    def test_ticket_becomes_upsell_opportunity_linked_both_ways(self):
        ticket = self._ticket(user=self.user_service_agent, type_id=self.type_request.id)
        ticket.with_user(self.user_service_agent).action_create_opportunity()
        lead = ticket.lead_id
        self.assertTrue(lead)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.kbe_ticket_id, ticket)
        self.assertEqual(lead.partner_id, self.yeyen)
        with self.assertRaisesRegex(UserError, "already"):
            ticket.with_user(self.user_service_agent).action_create_opportunity()
        no_customer = self._ticket(partner_id=False)
        with self.assertRaisesRegex(UserError, "customer"):
            no_customer.action_create_opportunity()

    def test_customer_form_counts_open_tickets_and_complaints(self):
        self.env["kbe.ticket"].search([("commercial_partner_id", "=", self.kita.id)]).active = False
        self._ticket(type_id=self.type_complaint.id)
        self._ticket(type_id=self.type_request.id)
        closed = self._ticket(type_id=self.type_complaint.id, root_cause="delivery")
        closed.action_close()
        self.kita.invalidate_recordset()
        self.assertEqual(self.kita.with_user(self.user_service_agent).kbe_ticket_count, 2)
        # a salesman sees how many complaints the customer made without reading the tickets
        self.assertEqual(self.kita.with_user(self.user_salesman).kbe_complaint_count, 2)
        self.assertEqual(self.yeyen.with_user(self.user_salesman).kbe_complaint_count, 2)
        action = self.kita.with_user(self.user_service_agent).action_kbe_open_tickets()
        self.assertEqual(self.env["kbe.ticket"].with_user(self.user_service_agent).search_count(action["domain"]), 3)
        self.assertEqual(action["context"].get("search_default_filter_open"), 1)
        complaints = (
            self.kita.with_user(self.user_service_agent)
            .with_context(search_default_filter_complaint=1)
            .action_kbe_open_tickets()
        )
        self.assertEqual(complaints["context"].get("search_default_filter_complaint"), 1)
        self.assertNotIn("search_default_filter_open", complaints["context"])
