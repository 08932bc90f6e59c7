from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common_territory import KbeTerritoryCommon


@tagged("post_install", "-at_install")
class TestTerritoryRealign(KbeTerritoryCommon):
    """After the manager adds a territory (Kebon Sirih, postal codes 10345-10350 out of Menteng)
    the realignment previews and then applies the moves of open leads and customers; won and
    lost leads stay where they are."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo records leave the archived demo territories first
        cls.env["kbe.territory"]._kbe_realign_company(cls.env.company.id)
        address = {"country_id": cls.indonesia.id, "state_id": cls.jakarta.id, "city": "Jakarta Pusat", "zip": "10345"}
        Lead = cls.env["crm.lead"]
        cls.open_lead = Lead.create({"name": "Buka", "type": "opportunity", **address})
        cls.new_lead = Lead.create({"name": "Baru", "type": "lead", **address})
        cls.won_lead = Lead.create({"name": "Menang", "type": "opportunity", **address})
        cls.won_lead.action_set_won()
        cls.lost_lead = Lead.create({"name": "Kalah", "type": "opportunity", **address})
        cls.lost_lead.action_set_lost()
        cls.staying_lead = Lead.create({"name": "Tetap", "type": "opportunity", **address, "zip": "10320"})
        cls.customer_moving = cls.env["res.partner"].create({"name": "PT. Sirih", "is_company": True, **address})
        cls.contact = cls.env["res.partner"].create({"name": "Ibu Ani", "parent_id": cls.customer_moving.id})
        cls.env.flush_all()
        assert (cls.open_lead | cls.won_lead | cls.lost_lead).kbe_territory_id == cls.menteng
        assert (cls.open_lead | cls.won_lead).user_id == cls.user_salesman
        cls.kebon_sirih = cls.env["kbe.territory"].create(
            {
                "name": "Kebon Sirih",
                "parent_id": cls.menteng.id,
                "zip_range_ids": [(0, 0, {"zip_from": "10345", "zip_to": "10350"})],
                "team_id": cls.team.id,
                "user_id": cls.user_rep_pusat.id,
                "kbe_channel_partner_id": cls.channel_partner_2.id,
            }
        )

    def _wizard(self, territories=None, **values):
        form = Form(self.env["kbe.territory.realign"].with_user(self.user_sales_manager))
        for territory in territories or ():
            form.territory_ids.add(territory)
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def test_preview_counts_the_moves(self):
        form = self._wizard()
        self.assertEqual(form.lead_move_count, 2)
        self.assertEqual(form.partner_move_count, 1)
        wizard = form.save()
        self.assertEqual(wizard.lead_ids, self.open_lead | self.new_lead)
        self.assertEqual(wizard.partner_ids, self.customer_moving)
        self.assertIn("Jawa / Jakarta / Menteng", wizard.preview_html)
        self.assertIn("Jawa / Jakarta / Menteng / Kebon Sirih", wizard.preview_html)
        # nothing has moved yet
        self.assertEqual(self.open_lead.kbe_territory_id, self.menteng)
        # restricted to a territory the moves do not concern: nothing to move
        form = self._wizard()
        form.territory_ids.add(self.big_catering)
        self.assertEqual((form.lead_move_count, form.partner_move_count), (0, 0))
        form.scope = "leads"
        form.territory_ids.clear()
        self.assertEqual((form.lead_move_count, form.partner_move_count), (2, 0))

    def test_apply_moves_open_records_and_reassigns(self):
        wizard = self._wizard().save()
        wizard.action_apply()
        for lead in self.open_lead | self.new_lead:
            self.assertEqual(lead.kbe_territory_id, self.kebon_sirih)
            self.assertEqual(lead.user_id, self.user_rep_pusat)
            self.assertEqual(lead.team_id, self.team)
            self.assertEqual(lead.kbe_channel_partner_id, self.channel_partner_2)
        for closed in self.won_lead | self.lost_lead.with_context(active_test=False):
            self.assertEqual(closed.kbe_territory_id, self.menteng, "won and lost leads stay where they are")
            self.assertEqual(closed.user_id, self.user_salesman)
        self.assertEqual(self.staying_lead.kbe_territory_id, self.menteng)
        self.assertEqual(self.customer_moving.kbe_territory_id, self.kebon_sirih)
        self.assertEqual(self.customer_moving.user_id, self.user_rep_pusat)
        self.assertEqual(self.contact.kbe_territory_id, self.kebon_sirih, "the contact follows its company")
        # each territory concerned has a summary in its chatter
        self.assertIn("2 open leads and 1 customers moved in", self.kebon_sirih.message_ids[:1].body)
        self.assertIn("2 open leads and 1 customers moved out", self.menteng.message_ids[:1].body)
        # applied again, nothing moves
        self.assertEqual(self._wizard().lead_move_count, 0)

    def test_apply_without_reassigning(self):
        wizard = self._wizard(reassign=False).save()
        wizard.action_apply()
        self.assertEqual(self.open_lead.kbe_territory_id, self.kebon_sirih)
        self.assertEqual(self.open_lead.user_id, self.user_salesman, "only the territory changes")
        self.assertFalse(self.open_lead.kbe_channel_partner_id)
        self.assertEqual(self.customer_moving.user_id, self.user_salesman)

    def test_records_matching_no_territory_move_out(self):
        self.kebon_sirih.active = False
        self.menteng.zip_range_ids.zip_to = "10330"
        self.region.state_ids = self.jawa_barat
        wizard = self._wizard(territories=self.menteng).save()
        # the open, new and staying leads are in no territory now; the won one is not moved
        self.assertLessEqual(self.open_lead | self.new_lead | self.staying_lead, wizard.lead_ids)
        self.assertNotIn(self.won_lead, wizard.lead_ids)
        wizard.action_apply()
        self.assertFalse((self.open_lead | self.staying_lead).kbe_territory_id)
        self.assertEqual(self.open_lead.user_id, self.user_salesman, "leaving every territory keeps the salesperson")
        self.assertEqual(self.won_lead.kbe_territory_id, self.menteng)

    def test_only_sales_administrators_realign(self):
        for user in (self.user_salesman, self.user_sales_all, self.user_accountant):
            with (
                self.subTest(user=user.login),
                self.assertRaises(AccessError),
                mute_logger("odoo.addons.base.models.ir_model"),
            ):
                self.env["kbe.territory.realign"].with_user(user).create({})

    def test_plan_queries_do_not_grow_with_records(self):
        Territory = self.env["kbe.territory"]
        address = {"country_id": self.indonesia.id, "state_id": self.jakarta.id, "city": "Jakarta Pusat"}
        self.env["crm.lead"].create([{"name": f"L{i}", **address, "zip": "10345"} for i in range(5)])
        self.env.flush_all()
        Territory._kbe_realign_plan(self.env.company)  # rules cached
        start = self.cr.sql_log_count
        small = Territory._kbe_realign_plan(self.env.company)
        few = self.cr.sql_log_count - start
        self.env["crm.lead"].create([{"name": f"M{i}", **address, "zip": "10345"} for i in range(50)])
        self.env.flush_all()
        Territory._kbe_realign_plan(self.env.company)
        start = self.cr.sql_log_count
        large = Territory._kbe_realign_plan(self.env.company)
        self.assertEqual(self.cr.sql_log_count - start, few)
        self.assertEqual(sum(map(len, large["crm.lead"].values())), sum(map(len, small["crm.lead"].values())))
