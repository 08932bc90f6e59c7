from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.kbe_customer_value import VALUE_TIERS
from ..models.kbe_segment import SIZE_FIELDS, TIER_FIELDS
from ..models.res_partner import COMPANY_SIZES
from .common import KbeCommon


@tagged("post_install", "-at_install")
class TestMarketingSegment(KbeCommon):
    """Segments as Mega from marketing builds them: each rule picks the right customers among a
    known set (all tagged "Uji Segmen", which every segment here also asks for, so that demo
    customers stay out), reach per channel respects the blacklists, dynamic segments follow the
    customers and frozen ones keep their snapshot, and a segment sees what its author sees."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.second_company = env["res.company"].create({"name": "PT. Kaktus Berduri Surabaya"})
        cls.tag = env["res.partner.category"].create({"name": "Uji Segmen"})
        cls.tag_corporate = env["res.partner.category"].create({"name": "Uji Korporat"})
        indonesia = env.ref("base.id")
        cls.industry_food = env.ref("base.res_partner_industry_I")
        cls.industry_it = env.ref("base.res_partner_industry_J")
        cls.jakarta = env["res.partner"].create(
            {
                "name": "PT. Uji Jakarta",
                "is_company": True,
                "street": "Jl. Sudirman 1",
                "city": "Jakarta Selatan",
                "country_id": indonesia.id,
                "email": "beli@ujijakarta.example.com",
                "phone": "+62 21 5550 1001",
                "industry_id": cls.industry_food.id,
                "kbe_company_size": "medium",
                "kbe_preferred_channel": "email",
                "category_id": [(6, 0, (cls.tag | cls.tag_corporate).ids)],
            }
        )
        cls.jakarta_contact = env["res.partner"].create(
            {"name": "Dian Jakarta", "parent_id": cls.jakarta.id, "email": "dian@ujijakarta.example.com"}
        )
        cls.bandung = env["res.partner"].create(
            {
                "name": "CV. Uji Bandung",
                "is_company": True,
                "city": "Bandung",
                "country_id": indonesia.id,
                "phone": "+62 22 5550 2002",
                "industry_id": cls.industry_it.id,
                "kbe_company_size": "small",
                "kbe_preferred_channel": "phone",
                "category_id": [(6, 0, cls.tag.ids)],
            }
        )
        cls.bandung_contact = env["res.partner"].create(
            {"name": "Asep Bandung", "parent_id": cls.bandung.id, "kbe_preferred_channel": "whatsapp"}
        )
        # what the value helper computes: one row per customer and company
        Value = env["kbe.customer.value"]
        Value.create(
            [
                {
                    "partner_id": cls.jakarta.id,
                    "company_id": cls.company.id,
                    "value_tier": "champion",
                    "r_score": 5,
                    "f_score": 4,
                    "m_score": 5,
                    "revenue": 50_000_000,
                },
                {
                    "partner_id": cls.bandung.id,
                    "company_id": cls.company.id,
                    "value_tier": "at_risk",
                    "r_score": 1,
                    "f_score": 3,
                    "m_score": 2,
                    "revenue": 5_000_000,
                },
                # Bandung is a champion of the other company: not of ours
                {
                    "partner_id": cls.bandung.id,
                    "company_id": cls.second_company.id,
                    "value_tier": "champion",
                    "r_score": 5,
                    "f_score": 5,
                    "m_score": 5,
                    "revenue": 90_000_000,
                },
            ]
        )

    def _segment(self, user=None, **values):
        """A segment of the tagged test customers, created by ``user`` (Mega by default)."""
        user = user or self.user_marketing
        values = {"name": "Uji", "category_ids": [(6, 0, self.tag.ids)], **values}
        return self.env["kbe.segment"].with_user(user).create(values)

    def _members(self, segment):
        return segment.member_ids.partner_id

    # ------------------------------------------------------------
    # rules
    # ------------------------------------------------------------

    def test_profile_rules(self):
        cases = [
            ({}, self.jakarta | self.bandung),
            ({"city": "jakarta"}, self.jakarta),
            ({"industry_ids": [(6, 0, self.industry_it.ids)]}, self.bandung),
            ({"size_small": True, "size_large": True}, self.bandung),
            ({"size_medium": True, "size_small": True}, self.jakarta | self.bandung),
            ({"preferred_channel": "email"}, self.jakarta),
            ({"category_ids": [(6, 0, self.tag_corporate.ids)]}, self.jakarta),
            ({"country_ids": [(6, 0, self.env.ref("base.id").ids)], "city": "Bandung"}, self.bandung),
            # contacts: the people, chosen by their company's profile and tags
            ({"target": "contact"}, self.jakarta_contact | self.bandung_contact),
            ({"target": "contact", "industry_ids": [(6, 0, self.industry_food.ids)]}, self.jakarta_contact),
            # the contact's own preferred channel first, its company's when it has none
            ({"target": "contact", "preferred_channel": "phone"}, self.env["res.partner"]),
            ({"target": "contact", "preferred_channel": "whatsapp"}, self.bandung_contact),
            ({"target": "contact", "preferred_channel": "email"}, self.jakarta_contact),
        ]
        for values, expected in cases:
            with self.subTest(rules=values):
                self.assertEqual(self._members(self._segment(**values)), expected)

    def test_every_value_tier_and_company_size_has_its_checkbox(self):
        Segment = self.env["kbe.segment"]
        for tier, _label in VALUE_TIERS:
            self.assertIn(TIER_FIELDS[tier], Segment._fields, f"value tier {tier} cannot be chosen in a segment")
        for size, _label in COMPANY_SIZES:
            self.assertIn(SIZE_FIELDS[size], Segment._fields, f"company size {size} cannot be chosen in a segment")

    def test_customer_value_rules_use_the_segments_company(self):
        cases = [
            ({"tier_champion": True, "tier_loyal": True}, self.jakarta),
            ({"tier_at_risk": True}, self.bandung),
            ({"r_min": 4}, self.jakarta),
            ({"r_max": 2, "f_min": 3, "f_max": 3}, self.bandung),
            ({"m_min": 2, "m_max": 4}, self.bandung),
            ({"revenue_min": 10_000_000}, self.jakarta),
            ({"revenue_max": 10_000_000}, self.bandung),
            ({"tier_champion": True, "revenue_max": 10_000_000}, self.env["res.partner"]),
            # a contact is chosen by its company's value
            ({"target": "contact", "tier_champion": True}, self.jakarta_contact),
        ]
        for values, expected in cases:
            with self.subTest(rules=values):
                self.assertEqual(self._members(self._segment(**values)), expected)

    def test_bad_rules_are_refused_with_a_sentence(self):
        for values in (
            {"r_min": 0},
            {"f_min": 4, "f_max": 2},
            {"m_max": 6},
            {"revenue_min": float("inf")},
            {"revenue_min": -1},
            {"revenue_min": 20, "revenue_max": 10},
            {"domain": "[('no_such_field', '=', 1)]"},
            {"domain": "import os"},
        ):
            with self.subTest(rules=values), self.assertRaises(ValidationError):
                self._segment(**values)
        segment = self._segment(domain="[('city', 'ilike', 'bandung')]")
        self.assertEqual(self._members(segment), self.bandung, "the extra domain narrows the members")

    def test_open_opportunity_is_one_the_author_may_read(self):
        Lead = self.env["crm.lead"]
        stage_won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Lead.create(
            [
                # Mega's own opportunity with Bandung's buyer (the customer's company counts)
                {
                    "name": "Katering kantor Bandung",
                    "type": "opportunity",
                    "partner_id": self.bandung_contact.id,
                    "user_id": self.user_marketing.id,
                },
                # another rep's opportunity with Jakarta: Mega (own documents only) does not see it
                {
                    "name": "Katering Jakarta",
                    "type": "opportunity",
                    "partner_id": self.jakarta.id,
                    "user_id": self.user_salesman.id,
                },
            ]
        )
        segment = self._segment(opportunity_filter="with")
        self.assertEqual(self._members(segment), self.bandung)
        self.assertEqual(self._members(self._segment(opportunity_filter="without")), self.jakarta)
        # an author who reads every opportunity sees both
        author_all = new_test_user(
            self.env,
            login="kbe_marketing_all",
            groups="crm_kbe.group_marketing_user,sales_team.group_sale_salesman_all_leads",
        )
        segment_all = self._segment(user=author_all, opportunity_filter="with")
        self.assertEqual(self._members(segment_all), self.jakarta | self.bandung)
        # won or lost, it is no longer open
        Lead.search([("partner_id", "in", (self.jakarta | self.bandung_contact).ids)]).write({"stage_id": stage_won.id})
        segment_all.with_user(author_all).action_kbe_refresh()
        self.assertFalse(segment_all.member_ids)

    def test_open_ticket(self):
        Ticket = self.env["kbe.ticket"]
        Ticket.create({"name": "Nasi basi", "partner_id": self.jakarta_contact.id})
        closed = Ticket.create({"name": "Pesanan telat", "partner_id": self.bandung.id, "root_cause": "delivery"})
        closed.action_close()
        # Mega may not read tickets; whether a customer has open ones is shown to every employee
        self.assertFalse(self.kbe_may(self.user_marketing, closed, "read"))
        self.assertEqual(self._members(self._segment(ticket_filter="with")), self.jakarta)
        self.assertEqual(self._members(self._segment(ticket_filter="without")), self.bandung)

    def test_last_call_outcome_is_the_latest_held_call_the_author_reads(self):
        Call = self.env["kbe.call"]

        def held(partner, outcome, day, user):
            call = Call.create({"name": "Tawaran menu", "partner_id": partner.id, "user_id": user.id})
            call._kbe_log("held", date_done=datetime(2026, 3, day, 3, 0), outcome=outcome)

        held(self.jakarta_contact, "interested", 1, self.user_marketing)
        held(self.jakarta, "not_interested", 5, self.user_marketing)
        held(self.bandung, "interested", 2, self.user_marketing)
        # a later call of another rep, out of Mega's sight
        held(self.bandung, "complaint", 9, self.user_salesman)
        Call.create({"name": "Belum", "partner_id": self.bandung.id, "user_id": self.user_marketing.id})
        self.assertEqual(self._members(self._segment(last_call_outcome="interested")), self.bandung)
        self.assertEqual(self._members(self._segment(last_call_outcome="not_interested")), self.jakarta)
        self.assertFalse(self._segment(last_call_outcome="complaint").member_ids)
        # a contact's own calls
        self.assertEqual(
            self._members(self._segment(target="contact", last_call_outcome="interested")), self.jakarta_contact
        )

    def test_responded_to_campaign_starts_the_next_campaign(self):
        campaign = self.env["utm.campaign"].create({"name": "Menu Ramadan"})
        responders = self.bandung

        def responder_partners(campaigns):
            return responders.with_env(campaigns.env)

        with patch.object(type(self.env["utm.campaign"]), "_kbe_responder_partners", responder_partners):
            segment = self._segment(responded_campaign_id=campaign.id)
            self.assertEqual(self._members(segment), self.bandung)
            contacts = self._segment(target="contact", responded_campaign_id=campaign.id)
            self.assertEqual(self._members(contacts), self.bandung_contact)

    # ------------------------------------------------------------
    # reach and counts
    # ------------------------------------------------------------

    def test_opt_outs_per_channel_and_counts(self):
        self.env["mail.blacklist"]._add(self.jakarta.email)
        self.env["phone.blacklist"]._add([self.bandung.phone_sanitized])
        segment = self._segment()
        members = {member.partner_id: member for member in segment.member_ids}
        self.assertEqual(set(members), set(self.jakarta | self.bandung))
        # a blacklisted e-mail: still reachable by phone and post
        self.assertEqual(
            (members[self.jakarta].reach_email, members[self.jakarta].reach_phone, members[self.jakarta].reach_post),
            (False, True, True),
        )
        # a blacklisted phone, no e-mail, no street
        self.assertEqual(
            (members[self.bandung].reach_email, members[self.bandung].reach_phone, members[self.bandung].reach_post),
            (False, False, False),
        )
        segment = segment.with_user(self.user_marketing)
        self.assertEqual(
            (segment.member_count, segment.email_count, segment.phone_count, segment.post_count), (2, 0, 1, 1)
        )
        self.assertEqual(segment._kbe_members("phone"), self.jakarta)
        self.assertFalse(segment._kbe_members("email"))
        # the phone blacklist lifted: reachable again at the next evaluation
        self.env["phone.blacklist"]._remove([self.bandung.phone_sanitized])
        self.assertEqual(segment._kbe_members("phone"), self.jakarta | self.bandung)
        # only those reachable by e-mail
        only_email = self._segment(target="contact", reach_channel="email")
        self.assertEqual(self._members(only_email), self.jakarta_contact)

    def test_members_open_as_contacts(self):
        segment = self._segment()
        action = segment.with_user(self.user_marketing).with_context(kbe_segment_channel="phone").action_view_members()
        partners = self.env["res.partner"].with_user(self.user_marketing).search(action["domain"])
        self.assertEqual(partners, self.jakarta | self.bandung)
        action = segment.with_user(self.user_marketing).with_context(kbe_segment_channel="post").action_view_members()
        self.assertEqual(self.env["res.partner"].with_user(self.user_marketing).search(action["domain"]), self.jakarta)

    def test_preview_count_while_editing(self):
        with Form(self.env["kbe.segment"].with_user(self.user_marketing)) as form:
            form.name = "Pratinjau"
            form.category_ids.add(self.tag)
            self.assertEqual(form.preview_count, 2)
            form.city = "Jakarta"
            self.assertEqual(form.preview_count, 1)

    # ------------------------------------------------------------
    # dynamic and frozen
    # ------------------------------------------------------------

    def test_dynamic_follows_customers_frozen_keeps_its_snapshot(self):
        with freeze_time("2026-03-01 02:00:00"):
            dynamic = self._segment(city="Jakarta")
            frozen = self._segment(city="Jakarta")
            frozen.with_user(self.user_marketing).action_kbe_freeze()
        self.assertEqual(frozen.kind, "frozen")
        entered = dynamic.member_ids.date_entered
        self.assertEqual(entered, datetime(2026, 3, 1, 2, 0))
        newcomer = self.env["res.partner"].create(
            {"name": "PT. Baru Jakarta", "is_company": True, "city": "Jakarta Barat", "category_id": self.tag.ids}
        )
        with freeze_time("2026-03-02 02:00:00"):
            members = (dynamic | frozen).with_user(self.user_marketing)._kbe_members()
        self.assertEqual(members, self.jakarta | newcomer)
        dates = {member.partner_id: member.date_entered for member in dynamic.member_ids}
        self.assertEqual(dates, {self.jakarta: entered, newcomer: datetime(2026, 3, 2, 2, 0)})
        self.assertEqual(self._members(frozen), self.jakarta, "a frozen segment keeps its members")
        # a member that no longer matches leaves
        self.jakarta.city = "Bogor"
        self.assertEqual(dynamic.with_user(self.user_marketing)._kbe_members(), newcomer)
        self.assertEqual(self._members(frozen), self.jakarta)
        # refreshing a frozen segment is refused; duplicating it gives a dynamic one of the user
        with self.assertRaises(UserError):
            frozen.with_user(self.user_marketing).action_kbe_refresh()
        action = frozen.with_user(self.user_marketing_manager).action_kbe_duplicate_dynamic()
        copy = self.env["kbe.segment"].browse(action["res_id"])
        self.assertEqual((copy.kind, copy.user_id), ("dynamic", self.user_marketing_manager))
        self.assertEqual(self._members(copy), newcomer)
        # unfrozen, it follows its rules again
        frozen.with_user(self.user_marketing).action_kbe_unfreeze()
        self.assertEqual(self._members(frozen), newcomer)

    # ------------------------------------------------------------
    # evaluated as the author
    # ------------------------------------------------------------

    def test_partner_of_another_company_is_never_a_member(self):
        self.user_marketing.company_ids |= self.second_company
        self.env["res.partner"].create(
            {
                "name": "PT. Uji Surabaya",
                "is_company": True,
                "city": "Jakarta Utara",
                "company_id": self.second_company.id,
                "category_id": self.tag.ids,
            }
        )
        self.assertEqual(self._members(self._segment(city="Jakarta")), self.jakarta)

    def test_cron_evaluates_as_the_author(self):
        Segment = self.env["kbe.segment"]
        self.env["crm.lead"].create(
            [
                {
                    "name": "Mega",
                    "type": "opportunity",
                    "partner_id": self.bandung.id,
                    "user_id": self.user_marketing.id,
                },
                {
                    "name": "Sari",
                    "type": "opportunity",
                    "partner_id": self.jakarta.id,
                    "user_id": self.user_salesman.id,
                },
            ]
        )
        own = self._segment(opportunity_filter="with")
        # Jakarta's buyer in the other company, found by a segment of an author who then leaves it
        self.user_marketing_manager.company_ids |= self.second_company
        surabaya = self.env["res.partner"].create(
            {
                "name": "PT. Uji Surabaya",
                "is_company": True,
                "company_id": self.second_company.id,
                "category_id": self.tag.ids,
            }
        )
        leaver = self._segment(user=self.user_marketing_manager, company_id=self.second_company.id).sudo()
        self.assertIn(surabaya, leaver.member_ids.partner_id)
        self.user_marketing_manager.company_ids -= self.second_company
        # both evaluated yesterday; a frozen one stays as it is
        frozen = self._segment()
        frozen.with_user(self.user_marketing).action_kbe_freeze()
        (own | leaver).sudo().date_refreshed = fields.Datetime.now() - timedelta(days=1)
        # the superuser runs the cron: it would see every opportunity and every company
        self.assertTrue(Segment.env.su)
        with mute_logger("odoo.addons.crm_kbe.models.kbe_segment"):
            done = Segment._cron_kbe_refresh()
        self.assertIn(own, done)
        self.assertIn(leaver, done)
        self.assertNotIn(frozen, done)
        self.assertEqual(self._members(own), self.bandung, "the author's own opportunities only")
        self.assertFalse(leaver.member_ids, "the author no longer works in that company")
        self.assertIn(self.user_marketing_manager.name, leaver.refresh_error)
        self.assertEqual(self._members(frozen), self.jakarta | self.bandung)
        # re-run the same night: nothing left to do
        self.assertFalse(Segment._cron_kbe_refresh() & (own | leaver))

    def test_only_the_author_and_managers_change_a_segment(self):
        mine = self._segment()
        managers = self._segment(user=self.user_marketing_manager)
        self.assertRights(self.user_marketing, mine, "rwd")
        self.assertRights(self.user_marketing, managers, "r")
        self.assertRights(self.user_marketing_manager, mine, "rwd")
        self.assertRights(self.user_salesman, mine, "")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            managers.with_user(self.user_marketing).action_kbe_refresh()
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            managers.with_user(self.user_marketing).action_kbe_freeze()
        self.assertEqual(managers.kind, "dynamic")
        # the author's rights decide what the segment sees: only a manager hands it over
        with self.assertRaises(UserError):
            mine.with_user(self.user_marketing).user_id = self.user_marketing_manager
        mine.with_user(self.user_marketing_manager).user_id = self.user_marketing_manager
        self.assertRights(self.user_marketing, mine, "r")
        # and never to someone who does not work in its company
        with self.assertRaises(ValidationError):
            mine.with_user(self.user_marketing_manager).user_id = new_test_user(
                self.env,
                login="kbe_elsewhere",
                groups="crm_kbe.group_marketing_user",
                company_id=self.second_company.id,
                company_ids=[(6, 0, self.second_company.ids)],
            )

    def test_queries_do_not_grow_with_members(self):
        Partner = self.env["res.partner"]
        small_tag, large_tag = self.env["res.partner.category"].create([{"name": "Lima"}, {"name": "Lima puluh"}])
        Partner.create(
            [
                {"name": f"Pelanggan {i}", "email": f"p{i}@uji.example.com", "category_id": small_tag.ids}
                for i in range(5)
            ]
            + [
                {"name": f"Pelanggan besar {i}", "phone": f"+62 811 000 {i:04d}", "category_id": large_tag.ids}
                for i in range(50)
            ]
        )
        small = self._segment(category_ids=[(6, 0, small_tag.ids)])
        large = self._segment(category_ids=[(6, 0, large_tag.ids)])
        self.assertEqual((small.member_count, large.member_count), (5, 50))
        counts = []
        for segment, tag in ((small, small_tag), (large, large_tag)):
            segment = segment.with_user(self.user_marketing)
            with freeze_time("2026-03-01 02:00:00"):
                segment.action_kbe_refresh()  # the caches of rules, groups and companies warm
            # they all get an address: the refresh updates every member's reach
            Partner.search([("category_id", "in", tag.ids)]).write(
                {"street": "Jl. Margonda 1", "city": "Depok", "country_id": self.env.ref("base.id").id}
            )
            self.env.flush_all()
            self.env.cr.flush()  # the tracking of the addresses
            self.env.invalidate_all()
            with freeze_time("2026-03-01 03:00:00"):
                before = self.env.cr.sql_log_count
                with self.assertQueryCount(15):
                    segment.action_kbe_refresh()
                counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], "as many queries for 50 members as for 5")
        self.assertEqual((small.post_count, large.post_count), (5, 50), "now reachable by post")
