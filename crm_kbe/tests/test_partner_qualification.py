from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .partner_program_common import KbeProgramCommon


@tagged("post_install", "-at_install")
class TestPartnerQualification(KbeProgramCommon):
    """A qualification's life cycle (submit, verdicts, approve or reject, expire, renew), the
    partner's tier following its latest valid approval, and the nightly review's proposals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prospect = cls.env["res.partner"].create(
            {"name": "PT. Calon Mitra Acara", "is_company": True, "kbe_partner_status": "prospect"}
        )
        cls.Qualification = cls.env["kbe.partner.qualification"]

    def _application(self, partner=None, tier=None):
        qualification = self.Qualification.with_user(self.user_partner_manager).create(
            {"partner_id": (partner or self.prospect).id, "tier_id": (tier or self.tier_registered).id}
        )
        qualification.action_submit()
        return qualification

    # ------------------------------------------------------------ approve / reject

    def test_approve_first_application_activates_partner(self):
        qualification = self._application()
        self.assertEqual(
            set(qualification.line_ids.mapped("criterion")),
            {"won_revenue", "agreement"},
            "the checklist holds the criteria the Registered tier asks for",
        )
        with self.assertRaisesRegex(UserError, "verdict"):
            qualification.action_approve()
        self.assertEqual(qualification.state, "submitted")
        self.assertEqual(self.prospect.kbe_partner_status, "prospect")

        qualification.line_ids.write({"verdict": "met"})
        qualification.action_approve()
        self.assertEqual(qualification.state, "approved")
        self.assertEqual(qualification.reviewer_id, self.user_partner_manager)
        self.assertEqual(qualification.valid_to, self.today + relativedelta(months=12, days=-1))
        self.assertEqual(self.prospect.kbe_partner_status, "active", "the first approval makes the partner active")
        self.assertEqual(self.prospect.kbe_partner_since, self.today)
        self.assertEqual(self.prospect.kbe_partner_tier_id, self.tier_registered)
        with self.assertRaisesRegex(UserError, "history"):
            qualification.with_user(self.user_partner_manager).unlink()
        self.assertTrue(qualification.exists(), "an approval stays in the history")

    def test_not_met_criterion_needs_a_note(self):
        qualification = self._application()
        qualification.line_ids.write({"verdict": "met"})
        agreement = qualification.line_ids.filtered(lambda line: line.criterion == "agreement")
        agreement.verdict = "not_met"
        with self.assertRaisesRegex(UserError, "not met"):
            qualification.action_approve()
        self.assertEqual(qualification.state, "submitted")
        self.assertFalse(self.prospect.kbe_partner_tier_id)
        agreement.note = "Signed on paper at the Kemang office, scan to follow."
        qualification.action_approve()
        self.assertEqual(self.prospect.kbe_partner_tier_id, self.tier_registered)

    def test_reject_needs_a_reason(self):
        qualification = self._application(tier=self.tier_silver)
        with self.assertRaisesRegex(UserError, "reason"):
            qualification.action_reject()
        self.assertEqual(qualification.state, "submitted")
        qualification.reject_reason = "No won deal through you yet."
        qualification.action_reject()
        self.assertEqual(qualification.state, "rejected")
        self.assertEqual(self.prospect.kbe_partner_status, "prospect", "a rejection changes nothing on the partner")
        self.assertFalse(self.prospect.kbe_partner_tier_id)
        with self.assertRaises(UserError):
            qualification.tier_id = self.tier_gold
        self.assertEqual(qualification.tier_id, self.tier_silver, "a decided qualification is kept as it was")

    # ------------------------------------------------------------ validity, expiry, renewal

    def test_tier_follows_latest_valid_approval_expire_and_renew(self):
        partner = self.channel_partner
        old = self._qualify(partner, self.tier_gold, valid_from=self._months_ago(14))
        self.assertFalse(partner.kbe_partner_tier_id, "an approval that is no longer valid gives no tier")
        current = self._qualify(partner, self.tier_silver, valid_from=self._months_ago(2))
        self.assertEqual(partner.kbe_partner_tier_id, self.tier_silver)

        self.Qualification._cron_kbe_review_partners()
        self.assertEqual(old.state, "expired")
        self.assertEqual(current.state, "approved")
        self.assertEqual(partner.kbe_partner_tier_id, self.tier_silver)
        history = partner.with_user(self.user_partner_manager).kbe_qualification_ids
        self.assertEqual(history.filtered(lambda q: q.origin != "review"), old | current, "every qualification is kept")
        self.assertEqual(history.filtered(lambda q: q.origin == "review").kind, "downgrade", "no figure for Silver")

        action = old.with_user(self.user_partner_manager).action_renew()
        renewal = self.Qualification.browse(action["res_id"])
        self.assertEqual((renewal.kind, renewal.state, renewal.valid_from), ("renewal", "draft", self.today))
        renewal.action_submit()
        renewal.line_ids.write({"verdict": "met"})
        renewal.with_user(self.user_partner_manager).action_approve()
        self.assertEqual(partner.kbe_partner_tier_id, self.tier_gold, "the latest valid approval gives the tier")

        renewal.write({"state": "expired"})
        self.assertEqual(partner.kbe_partner_tier_id, self.tier_silver, "back to the approval still valid")

    def test_renewal_gives_its_tier_on_its_first_day(self):
        partner = self.channel_partner
        current = self._qualify(partner, self.tier_silver, valid_from=self._months_ago(11))
        action = current.with_user(self.user_partner_manager).action_renew()
        renewal = self.Qualification.browse(action["res_id"]).with_user(self.user_partner_manager)
        self.assertEqual(renewal.valid_from, current.valid_to + relativedelta(days=1), "it follows without a gap")
        renewal.tier_id = self.tier_gold  # the partner grew: renewed one tier higher
        renewal.action_submit()
        renewal.line_ids.write({"verdict": "met", "note": "Grew with the wedding season."})
        renewal.action_approve()
        self.assertEqual(partner.kbe_partner_tier_id, self.tier_silver, "not before its start")
        with freeze_time(renewal.valid_from):
            self.Qualification._cron_kbe_review_partners()
            self.assertEqual(partner.kbe_partner_tier_id, self.tier_gold)
            self.assertEqual((current.state, renewal.state), ("expired", "approved"))

    def test_renewal_reminder_once(self):
        qualification = self._qualify(
            self.channel_partner, self.tier_silver, valid_from=self._months_ago(12) + relativedelta(days=20)
        )
        self.Qualification._cron_kbe_review_partners()
        self.Qualification._cron_kbe_review_partners()
        activities = qualification.activity_ids
        self.assertEqual(len(activities), 1, "the partner manager is reminded once")
        self.assertEqual(activities.user_id, self.user_partner_manager)
        self.assertEqual(activities.date_deadline, qualification.valid_to)

    # ------------------------------------------------------------ scheduled review

    def test_review_proposes_upgrade_and_downgrade_once(self):
        # partner 2 reaches Gold: won revenue, two certified people and a signed agreement
        self._qualify(self.channel_partner_2, self.tier_silver)
        self._won_deal(self.channel_partner_2, 600_000_000)
        self._won_deal(self.channel_partner_2, 900_000_000, closed=self._months_ago(14))  # out of the period
        self._certify(self.channel_partner_2, "Dewi Bersertifikat")
        self._certify(self.channel_partner_2, "Eko Bersertifikat")
        # partner 1 is Silver by hand without any figure: below its tier
        self.assertEqual(self.channel_partner.kbe_partner_tier_id, self.tier_silver)

        self.Qualification._cron_kbe_review_partners()
        proposals = self.Qualification.search(
            [("partner_id", "in", (self.channel_partner | self.channel_partner_2).ids), ("origin", "=", "review")]
        )
        by_partner = {proposal.partner_id: proposal for proposal in proposals}
        upgrade, downgrade = by_partner[self.channel_partner_2], by_partner[self.channel_partner]
        self.assertEqual((upgrade.kind, upgrade.tier_id, upgrade.state), ("upgrade", self.tier_gold, "submitted"))
        self.assertEqual(upgrade.previous_tier_id, self.tier_silver)
        self.assertEqual(upgrade.activity_ids.user_id, self.user_partner_manager, "the partner manager reviews it")
        revenue = upgrade.line_ids.filtered(lambda line: line.criterion == "won_revenue")
        self.assertEqual(revenue.actual_value, 600_000_000, "only the deals won in the last 12 months count")
        self.assertTrue(revenue.computed_met)
        self.assertEqual((downgrade.kind, downgrade.tier_id), ("downgrade", self.tier_registered))
        self.assertEqual(
            (self.channel_partner.kbe_partner_tier_id, self.channel_partner_2.kbe_partner_tier_id),
            (self.tier_silver, self.tier_silver),
            "the review never changes a tier by itself",
        )

        self.Qualification._cron_kbe_review_partners()
        self.assertEqual(
            self.Qualification.search_count(
                [("partner_id", "in", (self.channel_partner | self.channel_partner_2).ids), ("origin", "=", "review")]
            ),
            2,
            "no second open proposal for the same partner",
        )
        # approving the proposal is what changes the tier
        upgrade.line_ids.write({"verdict": "met"})
        upgrade.with_user(self.user_partner_manager).action_approve()
        self.assertEqual(self.channel_partner_2.kbe_partner_tier_id, self.tier_gold)

    # ------------------------------------------------------------ refusals

    def test_refusals_as_persona(self):
        qualification = self._application()
        qualification.line_ids.write({"verdict": "met"})
        prospect_user = self.user_portal.copy({"login": "kbe_prospect_portal", "name": "Citra Calon"})
        prospect_user.partner_id.parent_id = self.prospect
        # a portal user of the partner itself reads its qualification, never decides it
        self.assertEqual(qualification.with_user(prospect_user).state, "submitted")
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            qualification.with_user(prospect_user).action_approve()
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            qualification.with_user(prospect_user).read(["internal_note"])
        # salespeople and other partners do not see it at all
        for user in (self.user_salesman, self.user_channel_partner_2):
            with mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
                with self.assertRaises(AccessError):
                    qualification.with_user(user).action_approve()
                with self.assertRaises(AccessError):
                    qualification.with_user(user).read(["state"])
        self.assertEqual(qualification.state, "submitted")
        self.assertEqual(self.prospect.kbe_partner_status, "prospect")
        self.assertRights(self.user_partner_manager, qualification, "rwd")

    def test_other_company_qualifications_are_hidden(self):
        other_company = self.env["res.company"].create({"name": "PT. KBE Surabaya"})
        qualification = self.Qualification.create(
            {"partner_id": self.prospect.id, "tier_id": self.tier_registered.id, "company_id": other_company.id}
        )
        self.assertFalse(
            self.kbe_may(self.user_partner_manager, qualification, "read"), "not in the manager's companies"
        )
        self.assertNotIn(
            qualification,
            self.Qualification.with_user(self.user_partner_manager).search([("partner_id", "=", self.prospect.id)]),
        )

    def test_views_open_for_the_program_manager(self):
        for model, types in (
            ("kbe.partner.qualification", ["list", "kanban", "form", "search"]),
            ("kbe.partner.certification", ["list", "form", "search"]),
            ("kbe.partner.certification.type", ["list", "form"]),
            ("res.partner", ["form"]),
        ):
            with self.subTest(model=model):
                views = (
                    self.env[model]
                    .with_user(self.user_partner_manager)
                    .get_views([(False, view_type) for view_type in types])
                )
                self.assertEqual(set(views["views"]), set(types))
        arch = self.env["res.partner"].with_user(self.user_partner_manager).get_views([(False, "form")])
        self.assertIn("action_view_kbe_qualifications", arch["views"]["form"]["arch"])
        arch = self.env["res.partner"].with_user(self.user_salesman).get_views([(False, "form")])
        self.assertNotIn("action_view_kbe_qualifications", arch["views"]["form"]["arch"], "managers only")
