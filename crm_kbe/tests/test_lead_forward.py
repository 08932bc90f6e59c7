from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import KbeCommon


@tagged("post_install", "-at_install")
class TestLeadForward(KbeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kbe_forward_response_days = 3
        cls.today = fields.Date.today()  # the personas have no time zone: UTC
        # only the test partners take leads: the demo partners are suspended for the test
        cls.env["res.partner"].search(
            [("kbe_partner_status", "=", "active"), ("id", "not in", (cls.channel_partner | cls.channel_partner_2).ids)]
        ).kbe_partner_status = "suspended"
        cls.gold = cls.env.ref("crm_kbe.kbe_partner_tier_gold")
        cls.silver = cls.env.ref("crm_kbe.kbe_partner_tier_silver")
        cls.gold.forward_priority = 20
        cls.silver.forward_priority = 10
        # the program manager's own leads (unassigned leads are everyone's in "own documents")
        cls.leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Gathering {index}",
                    "type": "lead",
                    "partner_name": f"PT. Peserta {index}",
                    "contact_name": f"Kontak {index}",
                    "email_from": f"kontak{index}@peserta{index}.example.com",
                    "user_id": cls.user_partner_manager.id,
                }
                for index in range(4)
            ]
        )
        cls.Forward = cls.env["kbe.lead.forward"].with_user(cls.user_partner_manager)

    def _forward(self, lead, partner):
        return self.Forward._kbe_forward_leads(lead.with_user(self.user_partner_manager), "manual", partner)

    def test_accept(self):
        lead = self.leads[0]
        forward = self._forward(lead, self.channel_partner)
        self.assertEqual(forward.respond_by, self.today + timedelta(days=3))
        forward_portal = forward.with_user(self.user_channel_partner)
        self.assertEqual(forward_portal.lead_name, "Gathering 0")
        self.assertEqual(forward_portal.lead_email, "kontak0@peserta0.example.com")
        self.assertFalse(lead.with_user(self.user_channel_partner).has_access("read"), "no access to the lead")
        forward_portal._kbe_portal_respond(self.user_channel_partner.partner_id, True)
        self.assertEqual(forward.state, "accepted")
        self.assertEqual(lead.kbe_channel_partner_id, self.channel_partner)
        self.assertEqual(forward.responded_by_id, self.user_channel_partner.partner_id)
        self.assertFalse(forward.activity_ids)

    def test_decline_gives_the_lead_back(self):
        lead = self.leads[1]
        forward = self._forward(lead, self.channel_partner)
        forward.with_user(self.user_channel_partner)._kbe_portal_respond(
            self.user_channel_partner.partner_id, False, "Fully booked that month"
        )
        self.assertEqual(forward.state, "declined")
        self.assertEqual(forward.decline_reason, "Fully booked that month")
        self.assertFalse(lead.kbe_channel_partner_id)
        self.assertEqual(lead.user_id, self.user_partner_manager, "the lead stays as it was")
        self.assertEqual(forward.activity_ids.user_id, self.user_partner_manager)
        self.assertFalse(forward.with_user(self.user_channel_partner).lead_email, "closed: no contact any more")
        # once closed, it cannot be answered again; a new forward of the lead is possible
        with self.assertRaises(UserError):
            forward.with_user(self.user_channel_partner)._kbe_portal_respond(self.user_channel_partner.partner_id, True)
        self.assertFalse(lead.kbe_channel_partner_id)
        self._forward(lead, self.channel_partner_2)

    def test_other_partner_cannot_answer(self):
        forward = self._forward(self.leads[0], self.channel_partner)
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            forward.with_user(self.user_channel_partner_2).check_access("read")
        with self.assertRaises(UserError):
            forward.with_user(self.user_channel_partner_2)._kbe_portal_respond(
                self.user_channel_partner_2.partner_id, True
            )
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            forward.with_user(self.user_channel_partner).action_accept()
        self.assertEqual(forward.state, "offered")
        self.assertFalse(self.leads[0].kbe_channel_partner_id)

    def test_timeout_via_cron(self):
        late = self._forward(self.leads[0], self.channel_partner)
        on_time = self._forward(self.leads[1], self.channel_partner)
        late.sudo().write({"offered_on": self.today - timedelta(days=5), "respond_by": self.today - timedelta(days=1)})
        with self.assertRaises(UserError):
            late.with_user(self.user_channel_partner)._kbe_portal_respond(self.user_channel_partner.partner_id, True)
        self.assertEqual(late.state, "offered")
        self.assertFalse(self.leads[0].kbe_channel_partner_id)
        self.env["kbe.lead.forward"]._cron_expire()
        self.assertEqual(late.state, "expired")
        self.assertEqual(on_time.state, "offered")
        self.assertEqual(len(late.activity_ids), 1)
        self.assertFalse(self.leads[0].kbe_channel_partner_id)
        # re-running adds nothing
        late.state = "offered"
        self.env["kbe.lead.forward"]._cron_expire()
        self.assertEqual(len(late.activity_ids), 1, "one reminder for one forward")

    def test_one_open_forward_per_lead(self):
        self._forward(self.leads[0], self.channel_partner)
        with self.assertRaises(UserError):
            self._forward(self.leads[0], self.channel_partner_2)
        with self.assertRaises(UserError):
            self.Forward._kbe_forward_leads(
                (self.leads[1] + self.leads[1]).with_user(self.user_partner_manager), "load"
            )
        # two managers at the same moment: the database refuses the second open forward
        second = self._forward(self.leads[1], self.channel_partner_2)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            second.write({"lead_id": self.leads[0].id})
            second.flush_recordset()
        self.assertEqual(self.env["kbe.lead.forward"].search_count([("lead_id", "=", self.leads[0].id)]), 1)

    def test_lead_worked_by_a_partner_cannot_be_forwarded(self):
        self.leads[2].kbe_channel_partner_id = self.channel_partner
        with self.assertRaises(UserError):
            self._forward(self.leads[2], self.channel_partner_2)
        self.channel_partner_2.kbe_partner_status = "suspended"
        with self.assertRaises(UserError):
            self._forward(self.leads[3], self.channel_partner_2)
        self.assertFalse(self.env["kbe.lead.forward"].search([("lead_id", "in", self.leads.ids)]))

    def test_choose_by_tier(self):
        """The Gold partner gets the leads, even if busier than the Silver one."""
        self.channel_partner_2.kbe_partner_tier_id = self.gold
        self._forward(self.leads[0], self.channel_partner_2)
        forwards = self.Forward._kbe_forward_leads(self.leads[1:3].with_user(self.user_partner_manager), "tier")
        self.assertEqual(forwards.partner_id, self.channel_partner_2)

    def test_choose_by_load(self):
        """By load, each lead goes to the least busy partner, counting those just given (ties: the first partner)."""
        self._forward(self.leads[0], self.channel_partner)
        queries = []
        # the first run warms the caches (rules, groups): the next two are compared
        for leads in (self.leads[1:2], self.leads[1:2], self.leads[1:4]):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            plan = self.Forward._kbe_plan_forwards(leads.with_user(self.user_partner_manager), "load")
            queries.append(self.env.cr.sql_log_count - before)
        self.assertEqual(queries[1], queries[2], "the same queries whatever the number of leads")
        self.assertEqual(
            [partner for _lead, partner in plan], [self.channel_partner_2, self.channel_partner, self.channel_partner_2]
        )

    def test_wizard_by_hand_over_many_leads(self):
        wizard_form = Form(
            self.env["kbe.lead.forward.wizard"]
            .with_user(self.user_partner_manager)
            .with_context(active_model="crm.lead", active_ids=self.leads[:2].ids)
        )
        wizard_form.method = "manual"
        wizard_form.partner_id = self.channel_partner_2
        self.assertIn("Gathering 1 → CV. Mitra Lain", wizard_form.preview)
        action = wizard_form.save().action_apply()
        forwards = self.env["kbe.lead.forward"].search(action["domain"])
        self.assertEqual(forwards.lead_id, self.leads[:2])
        self.assertEqual(set(forwards.mapped("state")), {"offered"})
        self.assertEqual(forwards.partner_id, self.channel_partner_2)
        self.assertEqual(forwards.user_id, self.user_partner_manager)
