from contextlib import closing
from datetime import timedelta

from odoo import fields, sql_db
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeCommon


class KbeDealCommon(KbeCommon):
    """Two active partners, the program manager and a KBE lead already worked by the sales team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.kbe_deal_protection_days = 90
        cls.today = fields.Date.today()  # the personas have no time zone: UTC
        cls.kbe_lead = cls.env["crm.lead"].create(
            {
                "name": "Katering kantor Graha Boga",
                "type": "opportunity",
                "partner_name": "PT. Graha Boga Sentosa",
                "email_from": "ratna@grahaboga.example.com",
                "user_id": cls.user_salesman.id,
            }
        )
        cls.product = cls.env["product.product"].create({"name": "Prasmanan Uji", "sale_ok": True})
        cls.Registration = cls.env["kbe.deal.registration"]

    @classmethod
    def _register(cls, user, **values):
        """A registration submitted over the portal by ``user`` (a partner's contact)."""
        values = {
            "name": "Gala dinner",
            "customer_name": "PT. Balai Sidang Uji",
            "contact_name": "Dewi",
            "email": "dewi@balaisidanguji.example.com",
            "expected_revenue": "1500000",
            **values,
        }
        return cls.Registration.with_user(user)._kbe_portal_register(values)


@tagged("post_install", "-at_install")
class TestDealRegistration(KbeDealCommon):
    def test_conflicts_by_name_email_and_domain(self):
        """The program manager sees the KBE lead and the other partner's registration of the same
        customer, matched on the name (legal form aside), the e-mail or the company domain; a
        public mail domain matches nothing."""
        first = self._register(self.user_channel_partner)
        by_name = self._register(
            self.user_channel_partner_2, customer_name="Balai Sidang Uji Tbk", email="x@other.example.com"
        )
        by_domain = self._register(
            self.user_channel_partner_2, name="Rapat", customer_name="Graha Boga", email="andi@grahaboga.example.com"
        )
        by_lead_email = self._register(
            self.user_channel_partner_2,
            name="Rapat 2",
            customer_name="Ratna pribadi",
            email="Ratna@grahaboga.example.com",
        )
        public = self._register(
            self.user_channel_partner_2, name="Ulang tahun", customer_name="Keluarga Santoso", email="dewi@gmail.com"
        )
        public_2 = self._register(
            self.user_channel_partner, name="Arisan", customer_name="Ibu Wati", email="wati@gmail.com"
        )
        manager_regs = (first | by_name | by_domain | by_lead_email | public | public_2).with_user(
            self.user_partner_manager
        )
        first_m, by_name_m, by_domain_m, by_lead_email_m, public_m, public_2_m = manager_regs
        self.assertEqual(first_m.conflict_registration_ids, by_name)
        self.assertEqual(by_name_m.conflict_registration_ids, first)
        self.assertEqual(first_m.conflict_lead_count, 0)
        self.assertEqual(by_domain_m.conflict_lead_count, 1, "same company domain as the KBE lead")
        self.assertIn("Katering kantor Graha Boga", by_domain_m.conflict_lead_html)
        self.assertEqual(by_lead_email_m.conflict_lead_count, 1)
        self.assertEqual(by_domain_m.conflict_registration_ids, by_lead_email)
        self.assertEqual(by_domain_m.conflict_count, 2)
        self.assertEqual(public_m.conflict_count, 0, "gmail.com is no company")
        self.assertEqual(public_2_m.conflict_count, 0)
        # the salesman's lead is not the program manager's: it is shown through the summary only
        self.assertFalse(self.kbe_lead.with_user(self.user_partner_manager).has_access("read"))

    def test_conflicts_are_computed_in_batch(self):
        """The same number of queries for 2 registrations as for 6: no search per record."""
        registrations = self.Registration
        for index in range(6):
            registrations |= self._register(
                self.user_channel_partner,
                name=f"Deal {index}",
                customer_name=f"Pelanggan Nomor {index}",
                email=f"k{index}@pelanggan{index}.example.com",
            )
        queries = []
        # the first run warms the caches (rules, groups): the next two are compared
        for batch in (registrations[:2], registrations[:2], registrations):
            batch = batch.with_user(self.user_partner_manager)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            counts = batch.mapped("conflict_count")
            queries.append(self.env.cr.sql_log_count - before)
            self.assertEqual(counts, [0] * len(batch))
        self.assertEqual(queries[1], queries[2])
        self.assertLessEqual(queries[2], 4)

    def test_partner_never_reads_conflicts(self):
        registration = self._register(self.user_channel_partner, customer_name="Graha Boga Sentosa")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            registration.with_user(self.user_channel_partner).read(["conflict_lead_html"])

    def test_accept_creates_the_opportunity_with_protection(self):
        registration = self._register(
            self.user_channel_partner, date_deadline=str(self.today + timedelta(days=30)), product_ids=[self.product.id]
        ).with_user(self.user_partner_manager)
        registration.user_id = self.user_salesman
        registration.action_accept()
        lead = registration.lead_id.sudo()
        self.assertEqual(registration.state, "accepted")
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.kbe_channel_partner_id, self.channel_partner)
        self.assertEqual(lead.expected_revenue, 1500000)
        self.assertEqual(lead.date_deadline, self.today + timedelta(days=30))
        self.assertEqual(lead.user_id, self.user_salesman)
        self.assertEqual(lead.partner_id.commercial_partner_id.name, "PT. Balai Sidang Uji", "customer created")
        self.assertIn("Prasmanan Uji", lead.description)
        self.assertEqual(registration.protection_until, self.today + timedelta(days=90))
        self.assertTrue(registration.is_protected)
        # the salesperson reads the registration of their opportunity, and only that one
        other = self._register(self.user_channel_partner_2, customer_name="Lain Sekali", email="a@lain.example.com")
        self.assertRights(self.user_salesman, registration, "r--")
        self.assertRights(self.user_salesman, other, "---")
        # no partner may accept or change it over RPC
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_model"):
            other.with_user(self.user_channel_partner_2).action_accept()
        self.assertEqual(other.state, "submitted")

    def test_accept_matches_an_existing_customer(self):
        customer = self.env["res.partner"].create(
            {"name": "PT. Balai Sidang Uji", "is_company": True, "email": "dewi@balaisidanguji.example.com"}
        )
        registration = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        registration.action_accept()
        self.assertEqual(registration.lead_id.sudo().partner_id, customer)
        self.assertEqual(registration.user_id, self.user_partner_manager, "no salesperson chosen: the manager")

    def test_reject_needs_a_reason(self):
        registration = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        with self.assertRaises(UserError):
            registration.action_reject()
        self.assertEqual(registration.state, "submitted")
        registration.action_reject(reason="Customer already served directly by KBE.")
        self.assertEqual(registration.state, "rejected")
        self.assertEqual(registration.reject_reason, "Customer already served directly by KBE.")
        self.assertFalse(registration.lead_id)

    def test_other_partner_refused_during_protection(self):
        registration = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        registration.action_accept()
        count = self.Registration.search_count([])
        for values in (
            {"customer_name": "Balai Sidang Uji"},
            {"customer_name": "Another Name", "email": "dewi@balaisidanguji.example.com"},
            {"customer_name": "Another Name", "email": "budi@balaisidanguji.example.com"},
        ):
            with self.subTest(values=values), self.assertRaises(UserError) as refusal:
                self._register(self.user_channel_partner_2, **values)
            self.assertNotIn(self.channel_partner.name, str(refusal.exception), "never says who")
        self.assertEqual(self.Registration.search_count([]), count)
        # the same partner may register the customer again (another event)
        self._register(self.user_channel_partner, name="Second event")
        # and once the protection is over, anyone may
        registration.sudo().protection_until = self.today - timedelta(days=1)
        self._register(self.user_channel_partner_2, name="After protection")

    def test_backend_accept_refused_during_protection(self):
        """A second partner's registration entered before the protection cannot be accepted
        while the first partner's customer is protected."""
        first = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        second = self._register(self.user_channel_partner_2, customer_name="PT Balai Sidang Uji").with_user(
            self.user_partner_manager
        )
        first.action_accept()
        with self.assertRaises(UserError):
            second.action_accept()
        self.assertEqual(second.state, "submitted")
        self.assertFalse(second.lead_id)

    def test_accepting_two_partners_together_refused(self):
        first = self._register(self.user_channel_partner)
        second = self._register(self.user_channel_partner_2, customer_name="Balai Sidang Uji Tbk")
        leads_before = self.env["crm.lead"].search_count([])
        with self.assertRaises(UserError):
            (first | second).with_user(self.user_partner_manager).action_accept()
        self.assertEqual((first | second).mapped("state"), ["submitted", "submitted"])
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)

    def test_accept_locks_the_customer(self):
        """While one manager accepts a registration, a second transaction deciding on the same
        customer waits: the advisory lock of the customer is held until the first commits."""
        registration = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        registration._kbe_lock_customers()
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other_cr:
            other_cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", ["kbe_deal:balai sidang uji"])
            self.assertFalse(other_cr.fetchone()[0], "the second transaction cannot take the customer")
            other_cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", ["kbe_deal:another customer"])
            self.assertTrue(other_cr.fetchone()[0], "other customers are not blocked")
            other_cr.rollback()

    def test_inactive_partner_cannot_register(self):
        self.channel_partner_2.kbe_partner_status = "suspended"
        count = self.Registration.search_count([])
        with self.assertRaises(UserError):
            self._register(self.user_channel_partner_2)
        self.assertEqual(self.Registration.search_count([]), count)

    def test_expiry(self):
        protected = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        protected.action_accept()
        stale = self._register(self.user_channel_partner, name="Old", customer_name="Pelanggan Lama")
        fresh = self._register(self.user_channel_partner, name="New", customer_name="Pelanggan Baru")
        protected.sudo().protection_until = self.today - timedelta(days=1)
        stale.sudo().submitted_on = self.today - timedelta(days=61)
        self.Registration._cron_expire()
        self.assertEqual(protected.state, "expired")
        self.assertEqual(stale.state, "expired")
        self.assertEqual(fresh.state, "submitted")
        self.assertEqual(protected.accepted_on, self.today, "still counted as accepted in the period")
        # re-running changes nothing
        self.Registration._cron_expire()
        self.assertEqual(fresh.state, "submitted")

    def test_accepted_count_by_partner(self):
        first = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        second = self._register(self.user_channel_partner, name="Two", customer_name="Pelanggan Dua")
        self._register(self.user_channel_partner_2, name="Three", customer_name="Pelanggan Tiga")
        (first | second.with_user(self.user_partner_manager)).action_accept()
        partners = self.channel_partner | self.channel_partner_2
        with self.assertQueryCount(1):
            counts = self.Registration._kbe_accepted_count_by_partner(partners.ids, self.today, self.today)
        self.assertEqual(counts, {self.channel_partner.id: 2})
        self.assertEqual(
            self.Registration._kbe_accepted_count_by_partner(
                partners.ids, self.today + timedelta(days=1), self.today + timedelta(days=30)
            ),
            {},
        )

    def test_settings_periods(self):
        """The protection set in Settings is the one an acceptance gives; out of range is refused."""
        self.env["res.config.settings"].create({"kbe_deal_protection_days": 30}).execute()
        registration = self._register(self.user_channel_partner).with_user(self.user_partner_manager)
        registration.action_accept()
        self.assertEqual(registration.protection_until, self.today + timedelta(days=30))
        for field_name in ("kbe_deal_protection_days", "kbe_forward_response_days"):
            with self.subTest(field=field_name), self.assertRaises(ValidationError):
                self.env.company.write({field_name: -1})
        self.assertEqual(self.env.company.kbe_deal_protection_days, 30)

    def test_bad_values_refused(self):
        count = self.Registration.search_count([])
        for values in (
            {"name": ""},
            {"customer_name": "  "},
            {"name": "x" * 201},
            {"description": "x" * 5001},
            {"expected_revenue": "nan"},
            {"expected_revenue": "inf"},
            {"expected_revenue": "-5"},
            {"expected_revenue": "lots"},
            {"email": "not an e-mail"},
            {"date_deadline": "2020-01-01"},
            {"date_deadline": "soon"},
            {"product_ids": ["999999999"]},
            {"product_ids": ["abc"]},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                self._register(self.user_channel_partner, **values)
        self.assertEqual(self.Registration.search_count([]), count)
