import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .test_sales_method import KbeSalesMethodCommon


@tagged("post_install", "-at_install")
class TestBuyingCenter(KbeSalesMethodCommon):
    """The buying centre of a B2B opportunity: who decides, who influences, who uses, who guards
    the door, and where each stands; it follows the opportunity's rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.director, cls.purchasing, cls.secretary = Partner.create(
            [
                {"name": "Bapak Direktur", "parent_id": cls.customer.id, "function": "Director"},
                {"name": "Ibu Pembelian", "parent_id": cls.customer.id, "function": "Purchasing"},
                {"name": "Mbak Sekretaris", "parent_id": cls.customer.id, "function": "Secretary"},
            ]
        )

    def test_rep_records_roles_and_attitudes_in_the_form(self):
        opportunity = self._opportunity()
        with Form(opportunity.with_user(self.user_salesman)) as form:
            for partner, role, attitude in (
                (self.director, "decision_maker", "sceptic"),
                (self.purchasing, "influencer", "champion"),
                (self.secretary, "gatekeeper", "neutral"),
            ):
                with form.kbe_buying_center_ids.new() as member:
                    member.partner_id = partner
                    member.role = role
                    member.attitude = attitude
        members = opportunity.kbe_buying_center_ids
        self.assertEqual(
            [(m.partner_id, m.role, m.attitude, m.function) for m in members],
            [
                (self.director, "decision_maker", "sceptic", "Director"),
                (self.purchasing, "influencer", "champion", "Purchasing"),
                (self.secretary, "gatekeeper", "neutral", "Secretary"),
            ],
        )
        decision = opportunity.kbe_step_ids.filtered(lambda row: row.step_id == self.step_decision)
        self.assertTrue(decision.done, "a decision maker in the buying centre ticks “Decision makers identified”")

    def test_a_contact_appears_once_per_opportunity(self):
        opportunity, other = self._opportunity(), self._opportunity(name="Lain")
        Member = self.env["kbe.buying.center.member"].with_user(self.user_salesman)
        Member.create({"lead_id": opportunity.id, "partner_id": self.director.id, "role": "decision_maker"})
        Member.create({"lead_id": other.id, "partner_id": self.director.id, "role": "user"})
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            Member.create({"lead_id": opportunity.id, "partner_id": self.director.id, "role": "influencer"})

    def test_buying_centre_follows_the_opportunity_rules(self):
        Member = self.env["kbe.buying.center.member"]
        mine = self._opportunity()
        theirs = self._opportunity(user_id=self.user_sales_all.id)
        unassigned = self._opportunity(user_id=False)
        members = Member.create(
            [{"lead_id": lead.id, "partner_id": self.director.id} for lead in (mine, theirs, unassigned)]
        )
        visible = Member.with_user(self.user_salesman).search([("id", "in", members.ids)])
        self.assertEqual(visible.lead_id, mine | unassigned)
        self.assertRights(self.user_salesman, members.filtered(lambda m: m.lead_id == mine), "rwd")
        self.assertRights(self.user_salesman, members.filtered(lambda m: m.lead_id == theirs), "---")
        self.assertRights(self.user_sales_all, members, "rwd")
        self.assertRights(self.user_sales_manager, members, "rwd")
        self.assertRights(self.user_accountant, members, "---")
        self.assertRights(self.user_portal, members, "---")
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            Member.with_user(self.user_salesman).create({"lead_id": theirs.id, "partner_id": self.purchasing.id})

    def test_buying_centre_stays_in_its_company(self):
        member = self.env["kbe.buying.center.member"].create(
            {"lead_id": self._opportunity().id, "partner_id": self.director.id}
        )
        self.assertEqual(member.company_id, self.env.company)
        other_company = self.env["res.company"].create({"name": "PT. Kaktus Berduri Bali"})
        self.user_sales_all.company_ids |= other_company
        Member = self.env["kbe.buying.center.member"].with_user(self.user_sales_all)
        self.assertEqual(Member.search([("id", "=", member.id)]), member)
        self.assertFalse(Member.with_context(allowed_company_ids=other_company.ids).search([("id", "=", member.id)]))

    def test_buying_centre_shows_on_b2b_opportunities(self):
        arch = self.env["crm.lead"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("kbe_sales_style not in ('b2b_complex', 'key_account')", arch)
        self.assertIn('name="kbe_buying_center"', arch)

    def test_demo_buying_centre(self):
        sari = self.env.ref("crm_kbe.crm_lead_sari_proposition_demo")
        roles = {member.partner_id.name: (member.role, member.attitude) for member in sari.kbe_buying_center_ids}
        self.assertEqual(roles["Hendra Gunawan"], ("decision_maker", "sceptic"))
        self.assertEqual(roles["Dewi Lestari"], ("influencer", "champion"))

    def test_merge_keeps_the_buying_centre(self):
        first, second = self._opportunity(name="Satu"), self._opportunity(name="Dua")
        Member = self.env["kbe.buying.center.member"].with_user(self.user_salesman)
        Member.create({"lead_id": first.id, "partner_id": self.director.id, "role": "decision_maker"})
        Member.create({"lead_id": second.id, "partner_id": self.director.id, "role": "user"})
        Member.create({"lead_id": second.id, "partner_id": self.secretary.id, "role": "gatekeeper"})
        result = (first | second).with_user(self.user_salesman).merge_opportunity(auto_unlink=True)
        self.assertEqual(
            sorted((m.partner_id.name, m.role) for m in result.kbe_buying_center_ids),
            sorted(
                [("Bapak Direktur", "decision_maker" if result == first else "user"), ("Mbak Sekretaris", "gatekeeper")]
            ),
        )
