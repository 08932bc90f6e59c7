from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged, users, warmup

from .common import KbeSalesCommon


@tagged("post_install", "-at_install")
class TestLeadConvert(KbeSalesCommon):
    """The KBE "Convert to Opportunity" wizard, as a sales rep (Own Documents Only) uses it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # another rep of the same team: the rep cannot read this colleague's leads
        cls.user_colleague = new_test_user(
            cls.env, login="kbe_salesman_colleague", name="Rina Rekan", groups="sales_team.group_sale_salesman"
        )
        cls.team.member_ids |= cls.user_colleague

    def _wizard(self, leads, user=None):
        leads = leads.with_user(user or self.user_salesman)
        action = leads.action_kbe_convert()
        self.assertEqual(action["res_model"], "kbe.lead.convert")
        return Form(
            self.env["kbe.lead.convert"].with_user(user or self.user_salesman).with_context(**action["context"])
        )

    def test_button_opens_kbe_wizard_with_odoo_defaults(self):
        lead = self._lead(
            partner_name="PT. Baru Jaya", contact_name="Rudianto Wibisono", email_from="rw@barujaya.example.com"
        )
        wizard = self._wizard(lead)
        self.assertEqual(wizard.name, "convert")
        self.assertEqual(wizard.customer_action, "create", "no matching customer: propose to create one")
        self.assertEqual(wizard.user_id, self.user_salesman)
        self.assertEqual(wizard.team_id, self.team)

    def test_list_action_opens_kbe_wizard_beside_odoos(self):
        bound = {action["id"] for action in self.env["ir.actions.actions"].get_bindings("crm.lead")["action"]}
        self.assertIn(self.env.ref("crm_kbe.crm_lead_action_kbe_convert").id, bound)
        self.assertIn(self.env.ref("crm.action_crm_send_mass_convert").id, bound, "Odoo's mass conversion stays")
        leads = self._lead(name="A") | self._lead(name="B")
        server_action = self.env.ref("crm_kbe.crm_lead_action_kbe_convert").with_user(self.user_salesman)
        action = server_action.with_context(active_model="crm.lead", active_ids=leads.ids).run()
        self.assertEqual(action["res_model"], "kbe.lead.convert")

    def test_convert_creating_customer_carries_profile_and_memo(self):
        lead = self._lead(
            partner_name="PT. Baru Jaya",
            contact_name="Rudi",
            email_from="rudi@barujaya.example.com",
            phone="0812-0000-1111",
            description="<p>Ingin katering makan siang 200 pax setiap Jumat.</p>",
            kbe_company_size="medium",
            kbe_preferred_channel="whatsapp",
            kbe_needs="Menu halal, tanpa kacang",
        )
        wizard = self._wizard(lead)
        wizard.customer_action = "create"
        wizard.save().action_apply()
        self.assertEqual(lead.type, "opportunity")
        contact = lead.partner_id
        self.assertEqual(contact.name, "Rudi")
        company = contact.parent_id
        self.assertEqual(company.name, "PT. Baru Jaya")
        self.assertTrue(company.is_company)
        self.assertEqual(company.kbe_company_size, "medium")
        self.assertEqual(company.kbe_needs, "Menu halal, tanpa kacang")
        self.assertEqual(contact.kbe_preferred_channel, "whatsapp")
        self.assertIn("200 pax", str(contact.comment), "the memo goes to the customer's internal notes")
        self.assertIn("200 pax", str(lead.description), "the memo stays on the opportunity")
        self.assertIn("Menu halal", contact.kbe_profile_summary)

    def test_convert_linking_existing_customer_is_proposed(self):
        lead = self._lead(partner_name="PT. Uji Katering", email_from="beli@ujikatering.example.com")
        wizard = self._wizard(lead)
        self.assertEqual(wizard.customer_action, "exist")
        self.assertEqual(wizard.partner_id, self.customer)
        partners_before = self.env["res.partner"].search_count([])
        wizard.save().action_apply()
        self.assertEqual(lead.partner_id, self.customer)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before, "no duplicate customer")

    def test_convert_without_customer(self):
        lead = self._lead()
        wizard = self._wizard(lead)
        wizard.customer_action = "nothing"
        wizard.save().action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertFalse(lead.partner_id)
        self.assertTrue(lead.stage_id, "the opportunity lands in the team's first stage")

    def test_convert_assigns_salesperson_and_team(self):
        lead = self._lead(user_id=False, team_id=False)
        wizard = self._wizard(lead, user=self.user_sales_all)
        wizard.customer_action = "nothing"
        wizard.user_id = self.user_salesman
        wizard.team_id = self.team
        wizard.save().action_apply()
        self.assertEqual(lead.user_id, self.user_salesman)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.kbe_sales_style, "b2b_complex", "the team's sales style follows")

    def test_merge_into_existing_opportunity_keeps_history_and_odoos_follower_rule(self):
        opportunity = self._lead(type="opportunity", partner_id=self.customer.id, name="Katering kantor")
        lead = self._lead(partner_id=self.customer.id, email_from="beli@ujikatering.example.com")
        lead.message_post(body="Telepon pertama: tertarik paket A")
        attachment = self.env["ir.attachment"].create(
            {"name": "menu.pdf", "raw": b"%PDF", "res_model": "crm.lead", "res_id": lead.id}
        )
        activity = lead.activity_schedule(
            "mail.mail_activity_data_call", summary="Telepon balik", user_id=self.user_salesman.id
        )
        # Odoo moves only the followers who wrote on the merged lead in the last 30 days
        silent, active = self.env["res.partner"].create([{"name": "Pengamat"}, {"name": "Penulis"}])
        lead.message_subscribe(partner_ids=(silent | active).ids)
        lead.message_post(body="Saya ikut menangani", author_id=active.id)
        wizard = self._wizard(lead).save()
        self.assertIn(opportunity, wizard.duplicate_ids)
        wizard.name = "merge"
        self.assertEqual(wizard.merge_ids, opportunity, "the likely opportunity is proposed as target")
        wizard.action_apply()
        self.assertFalse(lead.exists(), "the merged lead is gone")
        self.assertTrue(opportunity.exists())
        self.assertIn("Telepon pertama", " ".join(opportunity.message_ids.mapped("body")))
        self.assertEqual((attachment.res_model, attachment.res_id), ("crm.lead", opportunity.id))
        self.assertEqual(activity.res_id, opportunity.id)
        self.assertIn(active, opportunity.message_partner_ids, "who wrote lately follows the result")
        self.assertNotIn(silent, opportunity.message_partner_ids, "Odoo's follower rule is kept")

    def test_mass_conversion_from_list(self):
        leads = self.env["crm.lead"]
        for index in range(5):
            leads |= self._lead(
                name=f"Lead {index}",
                partner_name=f"CV. Massal {index}",
                contact_name=f"Kontak {index}",
                email_from=f"kontak{index}@massal.example.com",
            )
        # one lead's e-mail already belongs to a customer: it is linked, not duplicated
        leads[0].email_from = "beli@ujikatering.example.com"
        wizard = self._wizard(leads)
        self.assertEqual(wizard.lead_count, 5)
        wizard.save().action_apply()
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertEqual(leads[0].partner_id, self.customer)
        self.assertEqual(len(leads[1:].partner_id), 4)
        self.assertEqual(len(leads[1:].partner_id.parent_id), 4)

    def test_mass_conversion_costs_constant_queries_per_lead_and_half_of_odoos(self):
        def make(tag, count):
            return self.env["crm.lead"].create(
                [
                    {
                        "name": f"{tag}-{i}",
                        "type": "lead",
                        "partner_name": f"PT. {tag} {i}",
                        "contact_name": f"Kontak {i}",
                        "email_from": f"k{i}@{tag}.example.com",
                        "team_id": self.team.id,
                    }
                    for i in range(count)
                ]
            )

        def queries(leads, convert):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            convert(leads)
            self.env.flush_all()
            self.assertEqual(set(leads.mapped("type")), {"opportunity"})
            return self.env.cr.sql_log_count - before

        def kbe(leads):
            leads._kbe_convert(customer_action="create", user=self.user_salesman, team=self.team)

        def odoo(leads):
            self.env["crm.lead2opportunity.partner.mass"].with_context(
                active_model="crm.lead", active_ids=leads.ids, active_id=leads[0].id
            ).create(
                {
                    "lead_tomerge_ids": [(6, 0, leads.ids)],
                    "action": "each_exist_or_create",
                    "user_ids": [(6, 0, self.user_salesman.ids)],
                    "team_id": self.team.id,
                    "deduplicate": False,
                }
            ).action_mass_convert()

        # warm the caches (ormcache, prefetch) first: only per-lead costs are compared
        queries(make("ow", 5), odoo)
        queries(make("kw", 5), kbe)
        kbe_10, kbe_20, kbe_40 = (
            queries(make("k1", 10), kbe),
            queries(make("k2", 20), kbe),
            queries(make("k4", 40), kbe),
        )
        odoo_10, odoo_40 = queries(make("o1", 10), odoo), queries(make("o4", 40), odoo)
        kbe_per_lead, odoo_per_lead = (kbe_40 - kbe_10) / 30, (odoo_40 - odoo_10) / 30
        # constant per lead: each of the 10 leads from 10 to 20 costs what each of the 20 from 20 to 40 costs
        self.assertAlmostEqual(
            (kbe_20 - kbe_10) / 10, (kbe_40 - kbe_20) / 20, delta=0.5, msg=f"queries: {kbe_10}, {kbe_20}, {kbe_40}"
        )
        self.assertLessEqual(
            kbe_per_lead,
            odoo_per_lead / 2,
            f"crm_kbe: {kbe_per_lead:.1f} queries per lead, Odoo: {odoo_per_lead:.1f}",
        )

    # the rep and their colleagues' records

    def test_duplicate_of_another_rep_is_announced_not_shown(self):
        colleague_lead = self._lead(
            name="Katering kantor (Rina)",
            user_id=self.user_colleague.id,
            partner_name="PT. Sama Sama",
            email_from="info@samasama.example.com",
        )
        own_duplicate = self._lead(name="Pertanyaan lama", email_from="info@samasama.example.com", type="opportunity")
        lead = self._lead(partner_name="PT. Sama Sama", contact_name="Sari", email_from="info@samasama.example.com")
        wizard = self._wizard(lead)
        self.assertEqual(
            [duplicate.id for duplicate in wizard.duplicate_ids],
            own_duplicate.ids,
            "only the duplicates the rep may read are listed",
        )
        self.assertEqual(wizard.hidden_duplicate_count, 1)
        self.assertEqual(
            wizard.hidden_duplicate_message,
            "1 similar lead belongs to a colleague you cannot see; ask your manager to merge it.",
        )
        wizard.customer_action = "create"
        wizard.save().action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id.parent_id.name, "PT. Sama Sama")
        self.assertEqual(colleague_lead.type, "lead", "the colleague's lead is left alone")
        # the manager, who sees everything, is shown both and told of nothing hidden
        manager_wizard = self._wizard(colleague_lead, user=self.user_sales_manager)
        self.assertIn(lead, manager_wizard.duplicate_ids)
        self.assertFalse(manager_wizard.hidden_duplicate_message)

    def test_duplicates_by_phone_and_company_name_hidden_ones_counted(self):
        # crm_kbe's criteria beside Odoo's e-mail: the same phone, the same company name (any case)
        by_phone = self._lead(name="Telepon masuk", phone="+62 812 7777 0303", type="opportunity")
        by_name = self._lead(name="Dari pameran", partner_name="pt. warung sehat")
        lost = self._lead(name="Tahun lalu", partner_name="PT. Warung Sehat", type="opportunity")
        lost.action_set_lost()
        self._lead(name="Lain sama sekali", partner_name="CV. Lain", phone="+62 812 0000 0000")
        # a colleague's lead with the same phone, and one with the same company name
        self._lead(name="Milik Rina 1", user_id=self.user_colleague.id, phone="+62 812 7777 0303")
        self._lead(name="Milik Rina 2", user_id=self.user_colleague.id, partner_name="PT. Warung Sehat")
        lead = self._lead(partner_name="PT. Warung Sehat", contact_name="Wulan", phone="+62 812 7777 0303")
        wizard = self._wizard(lead)
        self.assertEqual(
            set(wizard.duplicate_ids.ids),
            {by_phone.id, by_name.id, lost.id},
            "the rep's own leads with that phone or company name, lost opportunities included",
        )
        self.assertEqual(wizard.hidden_duplicate_count, 2)
        self.assertIn("2 similar leads belong to colleagues", wizard.hidden_duplicate_message)

    def test_merge_refused_with_a_message_when_target_is_not_writable(self):
        colleague_opportunity = self._lead(
            type="opportunity", user_id=self.user_colleague.id, partner_id=self.customer.id
        )
        lead = self._lead(partner_id=self.customer.id)
        # the target is not offered to the rep; chosen anyway over RPC, the merge is refused
        wizard = (
            self.env["kbe.lead.convert"]
            .with_user(self.user_salesman)
            .create({"lead_ids": [(6, 0, lead.ids)], "name": "merge", "merge_ids": [(6, 0, colleague_opportunity.ids)]})
        )
        with self.assertRaisesRegex(UserError, "not yours to change: ask your manager to merge them"):
            wizard.action_apply()
        self.assertTrue(lead.exists())
        self.assertEqual((lead.type, colleague_opportunity.user_id), ("lead", self.user_colleague))

    def test_mass_conversion_as_rep_beside_colleagues_duplicates(self):
        leads = self.env["crm.lead"]
        for index in range(3):
            leads |= self._lead(
                name=f"Massal {index}", contact_name=f"Kontak {index}", email_from=f"k{index}@m.example.com"
            )
        colleague_lead = self._lead(user_id=self.user_colleague.id, email_from="k0@m.example.com")
        server_action = self.env.ref("crm_kbe.crm_lead_action_kbe_convert").with_user(self.user_salesman)
        action = server_action.with_context(active_model="crm.lead", active_ids=leads.ids).run()
        wizard = Form(self.env["kbe.lead.convert"].with_user(self.user_salesman).with_context(**action["context"]))
        self.assertEqual(wizard.lead_count, 3)
        result = wizard.save().action_apply()
        self.assertEqual(self.env["crm.lead"].search(result["domain"]).ids, leads.sorted("id", reverse=True).ids)
        self.assertEqual(set(leads.mapped("type")), {"opportunity"})
        self.assertEqual(leads.partner_id.mapped("name"), ["Kontak 0", "Kontak 1", "Kontak 2"])
        self.assertEqual(leads.user_id, self.user_salesman)
        self.assertEqual(colleague_lead.type, "lead")

    def test_extensions_of_odoos_conversion_hooks_apply(self):
        """Another addon extends Odoo's customer values and conversion data: crm_kbe's wizard
        (single and mass) ends up with what those extensions add."""
        Lead = self.registry["crm.lead"]
        prepare_customer_values, convert_data = Lead._prepare_customer_values, Lead._convert_opportunity_data

        def extended_customer_values(lead, partner_name, is_company=False, parent_id=False):
            values = prepare_customer_values(lead, partner_name, is_company=is_company, parent_id=parent_id)
            return dict(values, ref=f"EXT-{lead.id}")

        def extended_convert_data(lead, customer, team_id=False):
            return dict(convert_data(lead, customer, team_id=team_id), priority="2")

        single = self._lead(partner_name="PT. Ekstensi", contact_name="Eka", email_from="eka@ekstensi.example.com")
        many = self._lead(name="M1", contact_name="Mira") | self._lead(name="M2", partner_name="CV. Dua")
        with (
            patch.object(Lead, "_prepare_customer_values", extended_customer_values),
            patch.object(Lead, "_convert_opportunity_data", extended_convert_data),
        ):
            wizard = self._wizard(single)
            wizard.customer_action = "create"
            wizard.save().action_apply()
            self._wizard(many).save().action_apply()
        for lead in single | many:
            self.assertEqual(lead.priority, "2", f"{lead.name}: _convert_opportunity_data was used")
            customers = lead.partner_id | lead.partner_id.parent_id
            self.assertEqual(set(customers.mapped("ref")), {f"EXT-{lead.id}"}, f"{lead.name}: customer values")
        self.assertEqual(many[1].partner_id.name, "CV. Dua", "no contact name: the company is the customer")

    @users("kbe_salesman")
    @warmup
    def test_single_conversion_through_the_form_query_count(self):
        lead = self._lead(
            partner_name="PT. Hitung",
            contact_name="Hana",
            email_from="hana@hitung.example.com",
            phone="+62 812 5555 0101",
        ).with_user(self.env.user)
        # stock Odoo's wizard: about 80 queries for the same clicks (tools/bench_lead_convert.py)
        with self.assertQueryCount(kbe_salesman=55):
            wizard = self._wizard(lead)
            wizard.customer_action = "create"
            wizard.save().action_apply()
        self.assertEqual(lead.partner_id.parent_id.name, "PT. Hitung")

    # refusals: a clear message and nothing changed

    def test_refuses_lead_of_another_company(self):
        other = self.env["res.company"].create({"name": "PT. Lain"})
        lead = self._lead(company_id=other.id, team_id=False, user_id=False)
        with self.assertRaisesRegex(UserError, "PT. Lain"):
            lead.with_context(allowed_company_ids=[self.env.company.id])._kbe_convert(customer_action="nothing")
        self.assertEqual(lead.type, "lead")

    def test_refuses_lost_or_archived_lead(self):
        lead = self._lead()
        lead.action_set_lost()
        with self.assertRaisesRegex(UserError, "lost or archived"):
            self._wizard(lead.with_context(active_test=False)).save().action_apply()
        self.assertEqual(lead.type, "lead")

    def test_refuses_record_already_opportunity(self):
        opportunity = self._lead(type="opportunity")
        wizard = self._wizard(opportunity)
        wizard.customer_action = "nothing"
        with self.assertRaisesRegex(UserError, "already an opportunity"):
            wizard.save().action_apply()

    def test_refuses_link_without_customer(self):
        lead = self._lead()
        wizard_record = (
            self.env["kbe.lead.convert"]
            .with_user(self.user_salesman)
            .create({"lead_ids": [(6, 0, lead.ids)], "customer_action": "exist", "partner_id": False})
        )
        with self.assertRaisesRegex(UserError, "existing customer"):
            wizard_record.action_apply()
        self.assertEqual(lead.type, "lead")

    def test_refuses_a_salesperson_who_is_not_an_employee_of_the_company(self):
        lead = self._lead()
        other_company = self.env["res.company"].create({"name": "PT. Cabang Medan"})
        outsider = new_test_user(
            self.env,
            login="kbe_medan_rep",
            groups="sales_team.group_sale_salesman",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        for user, message in ((self.user_portal, "not an employee"), (outsider, "does not work in")):
            wizard_record = (
                self.env["kbe.lead.convert"]
                .with_user(self.user_salesman)
                .create({"lead_ids": [(6, 0, lead.ids)], "customer_action": "nothing", "user_id": user.id})
            )
            with self.subTest(user=user.login), self.assertRaisesRegex(ValidationError, message):
                wizard_record.action_apply()
        self.assertEqual((lead.type, lead.user_id), ("lead", self.user_salesman), "nothing changed")

    def test_refuses_merge_without_target(self):
        lead = self._lead()
        wizard_record = (
            self.env["kbe.lead.convert"]
            .with_user(self.user_salesman)
            .create({"lead_ids": [(6, 0, lead.ids)], "name": "merge"})
        )
        wizard_record.merge_ids = False
        with self.assertRaisesRegex(UserError, "opportunity to merge into"):
            wizard_record.action_apply()
        self.assertTrue(lead.exists())
        self.assertEqual(lead.type, "lead")

    def test_salesman_cannot_convert_colleagues_lead_by_rpc(self):
        lead = self._lead(user_id=self.user_sales_all.id, team_id=self.telesales_team.id)
        wizard_record = (
            self.env["kbe.lead.convert"]
            .with_user(self.user_salesman)
            .create({"lead_ids": [(6, 0, lead.ids)], "customer_action": "nothing"})
        )
        with self.assertRaises(AccessError):
            wizard_record.action_apply()
        self.assertEqual(lead.type, "lead")
