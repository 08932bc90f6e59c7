from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..models.res_partner import COMPANY_SIZES
from .common_territory import KbeTerritoryCommon


@tagged("post_install", "-at_install")
class TestTerritoryMatching(KbeTerritoryCommon):
    """Which territory a record's address, line of business and company size fall in."""

    def test_most_specific_territory_wins(self):
        # the deepest matching level
        self.assertEqual(self._match(state=self.jawa_barat, city="Bandung"), self.region)
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Timur"), self.area)
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat"), self.pusat)
        # same depth and as many rules: the narrower postal-code rule beats the city rule
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat", code="10320"), self.menteng)
        # same depth, more kinds of rules (line of business and size) set
        big_food = {"industry": self.food, "size": "large"}
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat", **big_food), self.big_catering)
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat", industry=self.food), self.pusat)

    def test_cities_ignore_case_and_spaces(self):
        for city in ("jakarta pusat", "  JAKARTA   Pusat ", "Kota Jakarta Pusat"):
            with self.subTest(city=city):
                self.assertEqual(self._match(state=self.jakarta, city=city), self.pusat)
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat Baru"), self.area)

    def test_postal_code_ranges_include_their_bounds(self):
        for code, expected in (
            ("10310", self.menteng),
            ("10350", self.menteng),
            ("10 330", self.menteng),
            ("10309", self.area),
            ("10351", self.area),
            ("1031", self.area),
            ("ABCDE", self.area),
        ):
            with self.subTest(code=code):
                self.assertEqual(self._match(state=self.jakarta, code=code), expected)
        # ranges of letters and digits compare as text of the same length
        self.menteng.zip_range_ids = [(0, 0, {"zip_from": "SW1A", "zip_to": "SW9Z"})]
        self.assertEqual(self._match(state=self.jakarta, code="sw5b"), self.menteng)
        self.assertEqual(self._match(state=self.jakarta, code="SW5BB"), self.area)

    def test_bad_postal_code_ranges_are_refused(self):
        Range = self.env["kbe.territory.zip.range"].with_user(self.user_sales_manager)
        for zip_from, zip_to in (("10350", "10310"), ("SW1", "SW9Z"), ("---", "---"), ("SW9Z", "SW1A")):
            with self.subTest(zip_from=zip_from, zip_to=zip_to), self.assertRaises(ValidationError):
                Range.create({"territory_id": self.menteng.id, "zip_from": zip_from, "zip_to": zip_to})
        single = Range.create({"territory_id": self.big_catering.id, "zip_from": "10110"})
        self.assertEqual(single.display_name, "10110")

    def test_no_match_assigns_nothing(self):
        self.assertFalse(self._match(state=self.jawa_timur, city="Surabaya"))
        self.assertFalse(self._match(country=self.env.ref("base.be"), city="Jakarta Pusat"))
        self.assertFalse(self._match(country=self.env["res.country"]))

    def test_sub_territory_only_inside_its_parent(self):
        # Jakarta Pusat's city in Jawa Barat: the area (Jakarta) does not match, so neither does Pusat
        self.assertEqual(self._match(state=self.jawa_barat, city="Jakarta Pusat"), self.region)
        # an archived area takes its territories out of matching
        self.area.active = False
        self.assertEqual(self._match(state=self.jakarta, city="Jakarta Pusat"), self.region)

    def test_a_company_matches_only_its_territories(self):
        other = self.env["res.company"].create({"name": "PT. Kaktus Bandung"})
        self.assertEqual(self.env["kbe.territory"]._kbe_match(other.id, [self._facts(state=self.jakarta)]), [False])

    def test_company_size_rules_cover_every_size(self):
        self.assertEqual(
            {key for key, _label in COMPANY_SIZES},
            {"micro", "small", "medium", "large"},
            "a territory has one company-size rule per size of res_partner.COMPANY_SIZES",
        )

    def test_territory_rules_are_checked(self):
        Territory = self.env["kbe.territory"].with_user(self.user_sales_manager)
        outsider = self.env["res.users"].create(
            {"name": "Orang Luar", "login": "kbe_outsider", "groups_id": [(6, 0, self.env.ref("base.group_user").ids)]}
        )
        with self.assertRaises(ValidationError):
            Territory.create({"name": "Salah", "team_id": self.team.id, "user_id": outsider.id})
        with self.assertRaises(ValidationError):
            Territory.create({"name": "Bukan mitra", "kbe_channel_partner_id": self.customer.id})
        with self.assertRaises(UserError):  # Odoo's parent store refuses it before the constraint
            self.region.with_user(self.user_sales_manager).parent_id = self.pusat


@tagged("post_install", "-at_install")
class TestTerritoryAssignment(KbeTerritoryCommon):
    """New leads and customers are placed in their territory, whatever creates them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.menteng_customer = cls.env["res.partner"].create(
            {
                "name": "PT. Menteng Boga",
                "is_company": True,
                "street": "Jl. Cikini 3",
                "city": "Jakarta Pusat",
                "zip": "10330",
                "state_id": cls.jakarta.id,
                "country_id": cls.indonesia.id,
            }
        )
        cls.pusat_customer = cls.env["res.partner"].create(
            {
                "name": "PT. Gambir Sejahtera",
                "is_company": True,
                "city": "Jakarta Pusat",
                "state_id": cls.jakarta.id,
                "country_id": cls.indonesia.id,
                "user_id": cls.user_sales_manager.id,
            }
        )

    def _address(self, **values):
        return {"country_id": self.indonesia.id, "state_id": self.jakarta.id, "city": "Jakarta Pusat", **values}

    def test_form_proposes_territory_team_and_salesperson(self):
        with Form(self.env["crm.lead"].with_user(self.user_sales_all)) as form:
            form.name = "Katering rapat Menteng"
            self.assertEqual(form.user_id, self.user_sales_all)
            form.partner_id = self.menteng_customer
            self.assertEqual(form.kbe_territory_id, self.menteng)
            self.assertEqual(form.user_id, self.user_salesman)
            self.assertEqual(form.team_id, self.team)
        lead = form.record
        self.assertEqual(
            (lead.kbe_territory_id, lead.user_id, lead.team_id), (self.menteng, self.user_salesman, self.team)
        )
        # the proposal may be changed: the rep keeps the lead
        with Form(self.env["crm.lead"].with_user(self.user_sales_all)) as form:
            form.name = "Katering rapat Menteng, saya sendiri"
            form.partner_id = self.menteng_customer
            form.user_id = self.user_sales_all
        self.assertEqual((form.record.kbe_territory_id, form.record.user_id), (self.menteng, self.user_sales_all))

    def test_mail_gateway_lead(self):
        lead = self.env["crm.lead"].message_new(
            {
                "subject": "Pesan nasi kotak",
                "from": "Budi <budi@gambir.example.com>",
                "email_from": "budi@gambir.example.com",
                "author_id": self.pusat_customer.id,
            }
        )
        self.assertEqual(lead.kbe_territory_id, self.pusat)
        self.assertEqual(lead.user_id, self.user_rep_pusat)
        self.assertEqual(lead.team_id, self.team)
        self.assertEqual(lead.kbe_channel_partner_id, self.channel_partner)

    def test_create_values_of_the_caller_are_left_alone(self):
        values = [{"name": "Nilai", **self._address()}]
        self.env["crm.lead"].create(values)
        self.assertEqual(values, [{"name": "Nilai", **self._address()}])

    def test_import(self):
        result = (
            self.env["crm.lead"]
            .with_user(self.user_sales_manager)
            .load(
                ["name", "city", "zip", "state_id/id", "country_id/id", "user_id/.id"],
                [
                    ["Impor Menteng", "Jakarta Pusat", "10340", "base.state_id_jk", "base.id", ""],
                    ["Impor Gambir", "Jakarta Pusat", "", "base.state_id_jk", "base.id", ""],
                    ["Impor dengan sales", "Jakarta Pusat", "", "base.state_id_jk", "base.id", self.user_salesman.id],
                    ["Impor Surabaya", "Surabaya", "", "base.state_id_ji", "base.id", ""],
                ],
            )
        )
        self.assertFalse(result["messages"])
        menteng, gambir, chosen, surabaya = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual((menteng.kbe_territory_id, menteng.user_id), (self.menteng, self.user_salesman))
        self.assertEqual((gambir.kbe_territory_id, gambir.user_id), (self.pusat, self.user_rep_pusat))
        self.assertEqual((chosen.kbe_territory_id, chosen.user_id), (self.pusat, self.user_salesman))
        self.assertFalse(surabaya.kbe_territory_id)
        self.assertFalse(surabaya.user_id, "no territory: the empty salesperson column stays empty")

    def test_rpc_create_keeps_what_was_chosen(self):
        Lead = self.env["crm.lead"].with_user(self.user_sales_manager)
        chosen_user = Lead.create({"name": "Pilihan", "user_id": self.user_salesman.id, **self._address()})
        self.assertEqual(chosen_user.kbe_territory_id, self.pusat)
        self.assertEqual(chosen_user.user_id, self.user_salesman)
        self.assertEqual(chosen_user.team_id, self.team, "the chosen rep is in the territory's team")
        chosen_team = Lead.create({"name": "Tim telesales", "team_id": self.telesales_team.id, **self._address()})
        self.assertEqual(chosen_team.team_id, self.telesales_team)
        self.assertEqual(chosen_team.user_id, self.user_sales_manager, "the territory's rep is not of that team")
        explicit = Lead.create({"name": "Wilayah pilihan", "kbe_territory_id": self.region.id, **self._address()})
        self.assertEqual((explicit.kbe_territory_id, explicit.user_id), (self.region, self.user_sales_manager))
        quick = Lead.with_context(default_user_id=self.user_sales_manager.id).create(
            {"name": "Kolom Maya", **self._address()}
        )
        self.assertEqual((quick.kbe_territory_id, quick.user_id), (self.pusat, self.user_sales_manager))
        nothing = Lead.create({"name": "Tanpa alamat"})
        self.assertEqual(
            (nothing.kbe_territory_id, nothing.user_id), (self.env["kbe.territory"], self.user_sales_manager)
        )

    def test_website_like_create_as_public_user(self):
        public = self.env.ref("base.public_user")
        # sudo: what the website form does for a visitor
        lead_sudo = (
            self.env["crm.lead"]
            .with_user(public)
            .sudo()
            .create(
                {"name": "Dari situs", "email_from": "tamu@example.com", "user_id": False, **self._address(zip="10311")}
            )
        )
        self.assertEqual(lead_sudo.kbe_territory_id, self.menteng)
        self.assertEqual(lead_sudo.user_id, self.user_salesman)
        self.assertEqual(lead_sudo.team_id, self.team)
        self.assertEqual(lead_sudo.company_id, self.env.company)

    def test_lead_takes_its_customer_address_and_profile(self):
        self.pusat_customer.write({"industry_id": self.food.id, "kbe_company_size": "large"})
        lead = (
            self.env["crm.lead"]
            .with_user(self.user_sales_manager)
            .create({"name": "Katering kantor", "partner_id": self.pusat_customer.id})
        )
        self.assertEqual(lead.city, "Jakarta Pusat")
        self.assertEqual(lead.kbe_territory_id, self.big_catering)

    def test_customers_are_placed_and_their_contacts_follow(self):
        Partner = self.env["res.partner"].with_user(self.user_sales_manager)
        self.assertEqual(self.menteng_customer.kbe_territory_id, self.menteng)
        self.assertEqual(self.menteng_customer.user_id, self.user_salesman)
        self.assertEqual(self.pusat_customer.kbe_territory_id, self.pusat)
        self.assertEqual(self.pusat_customer.user_id, self.user_sales_manager, "the chosen salesperson is kept")
        contact = Partner.create({"name": "Ibu Sinta", "parent_id": self.menteng_customer.id, "city": "Bandung"})
        self.assertEqual(contact.kbe_territory_id, self.menteng)
        person = Partner.create({"name": "Pak Joko", **self._address(city="jakarta timur")})
        self.assertEqual(person.kbe_territory_id, self.area)
        far = Partner.create({"name": "PT. Surabaya", "is_company": True, "city": "Surabaya"})
        self.assertFalse(far.kbe_territory_id)
        self.assertFalse(far.user_id)
        # moving a customer to another territory moves its contacts
        self.menteng_customer.kbe_territory_id = self.pusat
        self.assertEqual(contact.kbe_territory_id, self.pusat)

    def test_partner_form_proposes_territory(self):
        with Form(self.env["res.partner"].with_user(self.user_sales_manager)) as form:
            form.company_type = "company"
            form.name = "PT. Kebon Sirih"
            form.country_id = self.indonesia
            form.state_id = self.jakarta
            form.city = "Jakarta Pusat"
            self.assertEqual(form.kbe_territory_id, self.pusat)
            self.assertEqual(form.user_id, self.user_rep_pusat)
        self.assertEqual(form.record.kbe_territory_id, self.pusat)

    def test_batch_create_queries_do_not_grow_with_territories(self):
        """Placing a batch in territories costs no query once the rules are cached; without
        territories nothing is even matched."""
        Lead = self.env["crm.lead"].with_user(self.user_sales_manager)

        def values():
            return [
                {"name": f"Lead {i}", "user_id": self.user_salesman.id, **self._address(zip=f"103{i:02d}")}
                for i in range(30)
            ]

        company_id = self.env.company.id
        Lead.create(values()[:1])  # warm the caches of both cases
        self.env.flush_all()
        with self.assertQueryCount(0):
            self.env["kbe.territory"]._kbe_companies_with_territories({company_id})
        start = self.cr.sql_log_count
        leads = Lead.create(values())
        self.env.flush_all()
        with_territories = self.cr.sql_log_count - start
        self.assertEqual(len(leads.kbe_territory_id), 2)  # Menteng (10310-10329) and Jakarta Pusat
        (self.region | self.area | self.pusat | self.menteng | self.big_catering).active = False
        Lead.create(values()[:1])
        self.env.flush_all()
        with self.assertQueryCount(0):  # what creating a lead asks when no company has territories
            self.assertFalse(self.env["kbe.territory"]._kbe_any_territory())
        start = self.cr.sql_log_count
        leads = Lead.create(values())
        self.env.flush_all()
        without = self.cr.sql_log_count - start
        self.assertFalse(leads.kbe_territory_id)
        self.assertLessEqual(with_territories, without + 1, "placing 30 leads costs at most one query")

    def test_smart_buttons_count_open_opportunities_of_sub_territories(self):
        Lead = self.env["crm.lead"]
        Lead.create({"name": "Buka", "type": "opportunity", **self._address()})
        Lead.create({"name": "Buka Menteng", "type": "opportunity", **self._address(zip="10320")})
        won = Lead.create({"name": "Menang", "type": "opportunity", **self._address()})
        won.action_set_won()
        self.assertEqual(self.pusat.opportunity_count, 1)
        self.assertEqual(self.area.opportunity_count, 2)
        self.assertEqual(self.region.customer_count, 2)  # the two customers of the set-up
        action = self.area.with_user(self.user_sales_manager).action_view_opportunities()
        self.assertEqual(Lead.search(action["domain"]).mapped("name"), ["Buka Menteng", "Buka"])


@tagged("post_install", "-at_install")
class TestTerritoryAccess(KbeTerritoryCommon):
    """Salespeople read territories; Sales / Administrator configures them; each company its own."""

    def test_rights_per_group(self):
        records = (self.pusat, self.menteng.zip_range_ids)
        self.assertRights(self.user_salesman, records, "r--")
        self.assertRights(self.user_sales_manager, records, "rwd")
        for user in (self.user_accountant, self.user_internal, self.user_portal, self.user_service_agent):
            self.assertRights(user, records, "---")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.env["kbe.territory"].with_user(self.user_salesman).create({"name": "Wilayah saya"})
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            self.pusat.with_user(self.user_salesman).action_kbe_realign()

    def test_each_company_sees_its_territories(self):
        other = self.env["res.company"].create({"name": "PT. Kaktus Surabaya"})
        theirs = self.env["kbe.territory"].create({"name": "Surabaya", "company_id": other.id})
        manager = self.user_sales_manager
        manager.company_ids |= other
        Territory = self.env["kbe.territory"].with_user(manager)
        self.assertNotIn(theirs, Territory.with_context(allowed_company_ids=self.env.company.ids).search([]))
        self.assertEqual(Territory.with_context(allowed_company_ids=other.ids).search([]), theirs)
        self.assertFalse(self.kbe_may(self.user_salesman, theirs, "read"))
