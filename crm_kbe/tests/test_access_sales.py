from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeSalesCommon, KbeTourCase

MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


class KbeSalesRecords:
    """A rep's own lead, opportunity, call and order, and the same of a rep of another team."""

    @classmethod
    def _kbe_sales_records(cls, own_user, own_team, other_user, other_team, customer):
        env = cls.env
        cls.lead_own, cls.lead_other = (
            env["crm.lead"].create({"name": name, "type": "lead", "user_id": user.id, "team_id": team.id})
            for name, user, team in (
                ("Lead milik Sari", own_user, own_team),
                ("Lead milik Budi", other_user, other_team),
            )
        )
        cls.opportunity_own, cls.opportunity_other = (
            env["crm.lead"].create(
                {"name": name, "type": "opportunity", "user_id": user.id, "team_id": team.id, "partner_id": customer.id}
            )
            for name, user, team in (
                ("Peluang milik Sari", own_user, own_team),
                ("Peluang milik Budi", other_user, other_team),
            )
        )
        cls.call_own, cls.call_other = (
            env["kbe.call"].create(
                {"name": name, "partner_id": customer.id, "lead_id": lead.id, "user_id": user.id, "team_id": team.id}
            )
            for name, lead, user, team in (
                ("Telepon Sari", cls.opportunity_own, own_user, own_team),
                ("Telepon Budi", cls.opportunity_other, other_user, other_team),
            )
        )
        cls.order_own, cls.order_other = (
            env["sale.order"].create(
                {"partner_id": customer.id, "user_id": user.id, "team_id": team.id, "opportunity_id": opportunity.id}
            )
            for user, team, opportunity in (
                (own_user, own_team, cls.opportunity_own),
                (other_user, other_team, cls.opportunity_other),
            )
        )


@tagged("post_install", "-at_install")
class TestSalesAccess(KbeSalesRecords, KbeSalesCommon):
    """What the sales personas may read, write, create and delete: the rep (Own Documents Only)
    their own documents, the telesales agent also their team's calls, the sales manager all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._kbe_sales_records(cls.user_salesman, cls.team, cls.user_sales_all, cls.telesales_team, cls.customer)

    def test_rep_works_on_own_documents_only(self):
        rep = self.user_salesman
        for own, other in (
            (self.lead_own, self.lead_other),
            (self.opportunity_own, self.opportunity_other),
            (self.call_own, self.call_other),
            (self.order_own, self.order_other),
        ):
            # Odoo lets no rep delete a lead or an order (only managers); calls are the rep's own
            self.assertRights(rep, own, "rwd" if own._name == "kbe.call" else "rw-")
            self.assertRights(rep, other, "---")
        everything = self.lead_own | self.lead_other | self.opportunity_own | self.opportunity_other
        self.assertEqual(
            self.env["crm.lead"].with_user(rep).search([("id", "in", everything.ids)]),
            self.lead_own | self.opportunity_own,
        )
        self.opportunity_own.with_user(rep).write({"expected_revenue": 2500, "probability": 40})
        self.assertEqual(self.opportunity_own.prorated_revenue, 1000)

    def test_rep_cannot_reach_other_reps_documents_through_buttons(self):
        rep = self.user_salesman
        for action in (
            lambda: self.lead_other.with_user(rep).action_kbe_convert(),
            lambda: self.opportunity_other.with_user(rep).action_kbe_view_invoices(),
            lambda: self.opportunity_other.with_user(rep).action_sale_quotations_new(),
            lambda: self.call_other.with_user(rep).action_no_answer(),
            lambda: self.order_other.with_user(rep).action_confirm(),
        ):
            with self.subTest(action=action), self.assertRaises(AccessError), mute_logger(*MUTE):
                action()
        self.assertEqual((self.lead_other.type, self.call_other.state), ("lead", "planned"))
        self.assertEqual(self.order_other.state, "draft")

    def test_rep_creates_for_self_not_for_other_reps(self):
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        lead = Lead.create({"name": "Katering baru", "type": "lead"})
        self.assertEqual(lead.user_id, self.user_salesman, "a rep's new lead is their own")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            Lead.create({"name": "Untuk Budi", "type": "lead", "user_id": self.user_sales_all.id})
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.call"].with_user(self.user_salesman).create(
                {
                    "name": "Untuk Budi",
                    "partner_id": self.customer.id,
                    "user_id": self.user_sales_all.id,
                    "team_id": self.telesales_team.id,
                }
            )
        order = self.env["sale.order"].with_user(self.user_salesman).create({"partner_id": self.customer.id})
        self.assertEqual(order.user_id, self.user_salesman)

    def test_telesales_agent_works_the_team_calls(self):
        agent = self.user_telesales
        # a call of a team-mate is in the agent's queue; their leads and orders are not
        self.assertRights(agent, self.call_other, "rwd")
        self.assertRights(agent, self.call_own, "---")
        self.assertRights(agent, (self.lead_other | self.opportunity_other, self.order_other), "---")
        household = self.env["res.partner"].create({"name": "Ibu Ratna", "phone": "0812-5550-1234"})
        call_list = (
            self.env["kbe.call.list"]
            .with_user(agent)
            .create(
                {
                    "name": "Promo Lebaran",
                    "source": "partner",
                    "partner_ids": [(6, 0, household.ids)],
                    "team_id": self.telesales_team.id,
                }
            )
        )
        call_list.action_apply()
        call = call_list.call_ids
        self.assertEqual((len(call), call.partner_id, call.team_id), (1, household, self.telesales_team))
        self.assertRights(agent, call, "rwd")

    def test_sales_manager_sees_and_deletes_everything(self):
        manager = self.user_sales_manager
        for records in (
            self.lead_own | self.lead_other,
            self.opportunity_own | self.opportunity_other,
            self.call_own | self.call_other,
            self.order_own | self.order_other,
        ):
            self.assertRights(manager, records, "rwd")

    def test_partner_manager_has_a_reps_sales_rights(self):
        manager = self.user_partner_manager
        self.assertRights(manager, (self.lead_own | self.opportunity_other, self.order_other), "---")
        partner = self.env["res.partner"].with_user(manager).create({"name": "CV. Mitra Reseller", "is_company": True})
        lead = self.env["crm.lead"].with_user(manager).create({"name": "Lead reseller", "partner_id": partner.id})
        self.assertRights(manager, lead, "rw-")
        with self.assertRaises(AccessError), mute_logger(*MUTE):
            self.env["kbe.ticket"].with_user(manager).search([])


@tagged("post_install", "-at_install")
class TestSalesAccessWebClient(KbeSalesRecords, KbeTourCase):
    """The same rules through the web client's JSON-RPC calls (``/web/dataset/call_kw``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create({"name": "Tim Uji", "member_ids": [(4, cls.user_salesman.id)]})
        cls.other_team = cls.env["crm.team"].create({"name": "Tim Lain", "member_ids": [(4, cls.user_sales_all.id)]})
        cls.customer = cls.env["res.partner"].create({"name": "PT. Uji Web", "is_company": True})
        cls._kbe_sales_records(cls.user_salesman, cls.team, cls.user_sales_all, cls.other_team, cls.customer)

    def test_rep_over_json_rpc(self):
        rep = self.user_salesman
        everything = self.lead_own | self.lead_other | self.opportunity_own | self.opportunity_other
        result = self.kbe_call_kw(
            rep, "crm.lead", "web_search_read", [("id", "in", everything.ids)], {"name": {}, "user_id": {}}
        )
        self.assertEqual({r["id"] for r in result["records"]}, set((self.lead_own | self.opportunity_own).ids))
        [values] = self.kbe_call_kw(rep, "crm.lead", "web_read", self.opportunity_own.ids, {"name": {}})
        self.assertEqual(values["name"], "Peluang milik Sari")
        for model, method, args in (
            ("crm.lead", "web_read", (self.opportunity_other.ids, {"name": {}})),
            ("crm.lead", "web_save", (self.opportunity_other.ids, {"expected_revenue": 1}, {})),
            ("crm.lead", "action_kbe_convert", (self.lead_other.ids,)),
            ("kbe.call", "web_read", (self.call_other.ids, {"name": {}})),
            ("kbe.call", "unlink", (self.call_other.ids,)),
            ("sale.order", "action_confirm", (self.order_other.ids,)),
            ("crm.lead", "unlink", (self.lead_own.ids,)),
        ):
            with self.subTest(model=model, method=method), self.assertRaisesRegex(Exception, "AccessError"):
                self.kbe_call_kw(rep, model, method, *args)
        self.assertTrue(self.call_other.exists())
        self.assertTrue(self.lead_own.exists())
        self.assertEqual((self.opportunity_other.expected_revenue, self.order_other.state), (0, "draft"))
