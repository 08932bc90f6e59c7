from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .partner_program_common import KbeProgramCommon


@tagged("post_install", "-at_install")
class TestPartnerTraining(KbeProgramCommon):
    """Certifications of partner contacts: expiry, reminders once, and how they count as
    certified people in the partner's figures and its qualification checklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Certification = cls.env["kbe.partner.certification"]
        # Rina's expires in ten days, Bayu's in a year and a half, Sinta's expired last month
        cls.cert_soon = cls._certify(
            cls.channel_partner, "Rina Uji", date=cls.today - relativedelta(months=24, days=-10)
        )
        cls.cert_later = cls._certify(cls.channel_partner, "Bayu Uji", date=cls.today - relativedelta(months=6))
        cls.cert_expired = cls._certify(cls.channel_partner, "Sinta Uji", date=cls.today - relativedelta(months=25))
        cls.cert_other = cls._certify(cls.channel_partner_2, "Rudi Uji")

    def test_expiry_from_type_validity(self):
        self.assertEqual(self.cert_later.expiry_date, self.cert_later.date + relativedelta(months=24))
        self.assertEqual(
            (self.cert_soon.state, self.cert_later.state, self.cert_expired.state), ("valid", "valid", "expired")
        )
        self.assertEqual(self.cert_soon.commercial_partner_id, self.channel_partner)

    def test_cron_expires_and_counts_follow(self):
        figures = self.channel_partner._kbe_partner_figures()
        self.assertEqual(figures[self.channel_partner.id]["certified_count"], 2)
        with freeze_time(self.today + relativedelta(days=11)):
            self.Certification._cron_kbe_certifications()
            self.assertEqual(self.cert_soon.state, "expired")
            self.assertEqual(self.cert_later.state, "valid")
            figures = (self.channel_partner | self.channel_partner_2)._kbe_partner_figures()
        self.assertEqual(figures[self.channel_partner.id]["certified_count"], 1)
        self.assertEqual(figures[self.channel_partner_2.id]["certified_count"], 1)
        self.assertEqual(
            self.channel_partner.with_user(self.user_partner_manager).kbe_certified_count, 1, "the smart button agrees"
        )

    def test_expiry_reminder_once(self):
        self.Certification._cron_kbe_certifications()
        self.Certification._cron_kbe_certifications()
        self.assertEqual(len(self.cert_soon.activity_ids), 1, "reminded once, however often the cron runs")
        self.assertEqual(self.cert_soon.activity_ids.user_id, self.user_partner_manager)
        self.assertFalse(self.cert_later.activity_ids, "not reminded more than 30 days before")
        self.assertFalse(self.cert_expired.activity_ids, "nothing to remind of an expired one")
        # renewed: the new expiry is reminded in its time
        self.cert_soon.with_user(self.user_partner_manager).date = self.today
        self.assertFalse(self.cert_soon.reminder_sent)
        self.assertEqual(self.cert_soon.state, "valid")

    def test_score_refused_out_of_range(self):
        cert = self.cert_later.with_user(self.user_partner_manager)
        cert.score = 88
        for bad in (120.0, -1.0, float("nan"), float("inf")):
            with self.subTest(score=bad), self.assertRaises(ValidationError):
                cert.score = bad
            self.assertEqual(cert.score, 88)

    def test_only_people_of_partners_are_certified(self):
        Certification = self.Certification.with_user(self.user_partner_manager)
        with self.assertRaises(ValidationError):  # Odoo's: rolls the refused create back
            Certification.create({"partner_id": self.user_portal.partner_id.id, "type_id": self.cert_type.id})
        self.assertFalse(Certification.search([("partner_id", "=", self.user_portal.partner_id.id)]))

    def test_certified_people_feed_the_checklist(self):
        self.tier_silver.certification_requirement_ids = [(0, 0, {"type_id": self.cert_type.id, "required_count": 3})]
        qualification = (
            self.env["kbe.partner.qualification"]
            .with_user(self.user_partner_manager)
            .create({"partner_id": self.channel_partner.id, "tier_id": self.tier_silver.id})
        )
        qualification.action_submit()
        lines = {(line.criterion, line.certification_type_id): line for line in qualification.line_ids}
        general = lines[("certified_people", self.env["kbe.partner.certification.type"])]
        by_type = lines[("certified_people", self.cert_type)]
        self.assertEqual((general.required_value, general.actual_value, general.computed_met), (1, 2, True))
        self.assertEqual((by_type.required_value, by_type.actual_value, by_type.computed_met), (3, 2, False))

    def test_figures_in_constant_queries(self):
        partners = self.channel_partner | self.channel_partner_2
        self._won_deal(self.channel_partner, 150_000_000)
        # the end customer's people rated two tickets: 5 and 3 stars, 80 %
        contact = self.env["res.partner"].create({"name": "Yanti Klien", "parent_id": self.end_customer.id})
        tickets = self.env["kbe.ticket"].create(
            [{"name": f"Pesanan terlambat {i}", "partner_id": contact.id} for i in range(2)]
        )
        ticket_model = self.env["ir.model"]._get_id("kbe.ticket")
        self.env["rating.rating"].create(
            [
                {
                    "res_model_id": ticket_model,
                    "res_id": ticket.id,
                    "partner_id": contact.id,
                    "rating": rate,
                    "consumed": True,
                }
                for ticket, rate in zip(tickets, (5, 3), strict=True)
            ]
        )
        self.uid = self.user_partner_manager.id  # the program manager asks (self.env follows)
        partners = partners.with_env(self.env)
        partners._kbe_partner_figures()  # warm the caches of the registry
        self.env.invalidate_all()
        with self.assertQueryCount(kbe_partner_manager=4):
            partners[:1]._kbe_partner_figures()
        self.env.invalidate_all()
        with self.assertQueryCount(kbe_partner_manager=4):  # the same for more partners
            figures = partners._kbe_partner_figures()
        self.assertEqual(figures[self.channel_partner.id]["won_revenue"], 150_000_000)
        self.assertAlmostEqual(figures[self.channel_partner.id]["satisfaction"], 80.0)
        self.assertIsNone(figures[self.channel_partner_2.id]["satisfaction"], "no rating: not measured")

    def test_portal_sees_own_company_certifications_only(self):
        Certification = self.Certification.with_user(self.user_channel_partner)
        self.assertEqual(
            Certification.search([]), self.cert_soon | self.cert_later | self.cert_expired, "only its own people's"
        )
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.cert_other.with_user(self.user_channel_partner).read(["score"])
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.cert_later.with_user(self.user_channel_partner).write({"score": 100})
        self.assertEqual(self.cert_later.score, 0)
