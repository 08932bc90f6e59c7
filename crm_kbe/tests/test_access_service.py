from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeTourCase
from .service_common import KbeServiceCommon

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install")
class TestServiceAccess(KbeServiceCommon):
    """Service agents work their team's tickets and service orders and no sales data; the service
    manager every ticket; the portal customer reads their company's tickets and nothing of the
    back office."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_team = cls.env["kbe.ticket"].create(
            {"name": "Nasi basi", "partner_id": cls.yeyen.id, "team_id": cls.team.id, "user_id": cls.user_agent2.id}
        )
        cls.ticket_other_team = cls.env["kbe.ticket"].create(
            {
                "name": "Pemanas rusak",
                "partner_id": cls.dewi.id,
                "team_id": cls.team_other.id,
                "user_id": cls.user_agent_other.id,
            }
        )
        cls.service_order = cls.env["kbe.service.order"].create(
            {"name": "Ganti pemanas", "ticket_id": cls.ticket_team.id, "partner_id": cls.yeyen.id}
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {"name": "Peluang KITA", "type": "opportunity", "partner_id": cls.kita.id, "user_id": cls.user_salesman.id}
        )
        cls.order = cls.env["sale.order"].create({"partner_id": cls.kita.id, "user_id": cls.user_salesman.id})
        cls.call = cls.env["kbe.call"].create({"name": "Telepon KITA", "lead_id": cls.opportunity.id})

    def test_service_agent(self):
        agent = self.user_service_agent
        self.assertRights(agent, self.ticket_team, "rw-")
        self.assertRights(agent, self.service_order, "rw-")
        self.assertRights(agent, self.ticket_other_team, "---")
        for records in (self.opportunity, self.order, self.call):
            self.assertRights(agent, records, "---")
        # the upsell: the agent hands the customer to sales without seeing the pipeline
        self.ticket_team.with_user(agent).action_create_opportunity()
        lead = self.ticket_team.lead_id
        self.assertEqual(
            (lead.type, lead.partner_id, lead.kbe_ticket_id), ("opportunity", self.yeyen, self.ticket_team)
        )
        self.assertRights(agent, lead, "---")
        [values] = self.ticket_team.with_user(agent).read(["lead_id"])
        self.assertEqual(values["lead_id"][0], lead.id, "the ticket shows its opportunity's name")

    def test_service_manager(self):
        manager = self.user_service_manager
        self.assertRights(manager, self.ticket_team | self.ticket_other_team, "rwd")
        self.assertRights(manager, self.service_order, "rwd")
        for records in (self.opportunity, self.order, self.call):
            self.assertRights(manager, records, "---")

    def test_portal_customer(self):
        portal = self.portal_kita
        self.assertRights(portal, self.ticket_team, "r--")
        self.assertRights(portal, self.ticket_other_team, "---")
        for records in (self.opportunity, self.call, self.service_order, self.team):
            self.assertRights(portal, records, "---")
        # their company's quotation is theirs to read once it is shared with them (Odoo's rule)
        self.assertRights(portal, self.order, "---")
        self.order.message_subscribe(partner_ids=portal.partner_id.ids)
        self.assertRights(portal, self.order, "r--")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.ticket"].with_user(portal).create({"name": "Langsung", "partner_id": self.yeyen.id})


@tagged("post_install", "-at_install")
class TestServiceAccessWebClient(KbeTourCase):
    """Service agent and portal customer through the web client's JSON-RPC calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["kbe.service.team"].create(
            {"name": "Tim Layanan Uji", "member_ids": [(6, 0, cls.user_service_agent.ids)]}
        )
        cls.customer = cls.user_portal.partner_id
        cls.ticket = cls.env["kbe.ticket"].create(
            {"name": "Kotak penyok", "partner_id": cls.customer.id, "team_id": cls.team.id}
        )
        cls.other_ticket = cls.env["kbe.ticket"].create(
            {"name": "Tiket pelanggan lain", "partner_id": cls.env.ref("crm_kbe.res_partner_sari_rasa_demo").id}
        )
        cls.opportunity = cls.env["crm.lead"].create({"name": "Peluang", "type": "opportunity"})

    def test_service_agent_over_json_rpc(self):
        agent = self.user_service_agent
        [values] = self.kbe_call_kw(agent, "kbe.ticket", "web_read", self.ticket.ids, {"name": {}, "stage_id": {}})
        self.assertEqual(values["name"], "Kotak penyok")
        self.kbe_call_kw(agent, "kbe.ticket", "action_take", self.ticket.ids)
        self.assertEqual(self.ticket.user_id, agent)
        for model, method, args in (
            ("crm.lead", "web_search_read", ([], {"name": {}})),
            ("crm.lead", "web_read", (self.opportunity.ids, {"name": {}})),
            ("sale.order", "web_search_read", ([], {"name": {}})),
            ("kbe.ticket", "unlink", (self.ticket.ids,)),
        ):
            with self.subTest(model=model, method=method), self.assertRaisesRegex(Exception, "AccessError"):
                self.kbe_call_kw(agent, model, method, *args)
        self.assertTrue(self.ticket.exists())
        # calls: those of tickets (teleservice) and their own, never the sales calls
        calls = self.kbe_call_kw(agent, "kbe.call", "web_search_read", [], {"name": {}})["records"]
        # sudo: what the calls the agent read are, whoever may read them
        self.assertFalse(
            self.env["kbe.call"]
            .sudo()
            .browse([call["id"] for call in calls])
            .filtered(lambda call: not call.ticket_id and call.user_id != agent)
        )

    def test_portal_customer_over_json_rpc(self):
        portal = self.user_portal
        result = self.kbe_call_kw(portal, "kbe.ticket", "web_search_read", [], {"name": {}})
        self.assertEqual([r["id"] for r in result["records"]], self.ticket.ids, "only their company's tickets")
        for model, method, args in (
            ("kbe.ticket", "web_save", (self.ticket.ids, {"name": "Diubah"}, {})),
            ("kbe.ticket", "web_read", (self.other_ticket.ids, {"name": {}})),
            ("crm.lead", "web_search_read", ([], {"name": {}})),
            ("kbe.service.order", "web_search_read", ([], {"name": {}})),
            ("res.users", "web_save", (portal.ids, {"groups_id": [(4, self.env.ref("base.group_user").id)]}, {})),
        ):
            with self.subTest(model=model, method=method), self.assertRaisesRegex(Exception, "AccessError"):
                self.kbe_call_kw(portal, model, method, *args)
        self.assertEqual(self.ticket.name, "Kotak penyok")
        self.assertFalse(portal.has_group("base.group_user"))
