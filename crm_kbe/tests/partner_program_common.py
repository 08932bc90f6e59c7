from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from .common import KbeCommon


class KbeProgramCommon(KbeCommon):
    """The three tiers with known requirements, a certification type and helpers that give a
    channel partner won deals, certified people and approved qualifications."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.tier_registered = cls.env.ref("crm_kbe.kbe_partner_tier_registered")
        cls.tier_silver = cls.env.ref("crm_kbe.kbe_partner_tier_silver")
        cls.tier_gold = cls.env.ref("crm_kbe.kbe_partner_tier_gold")
        tiers = cls.tier_registered | cls.tier_silver | cls.tier_gold
        cls.env["kbe.partner.tier"].search([("id", "not in", tiers.ids)]).active = False
        common = {"agreement_required": True, "validity_months": 12, "renewal_reminder_days": 30}
        cls.tier_registered.write({**common, "min_won_revenue": 0, "min_certified_count": 0, "min_satisfaction": 0})
        cls.tier_silver.write(
            {**common, "min_won_revenue": 100_000_000, "min_certified_count": 1, "min_satisfaction": 0}
        )
        cls.tier_gold.write({**common, "min_won_revenue": 500_000_000, "min_certified_count": 2, "min_satisfaction": 0})
        tiers.certification_requirement_ids = [Command.clear()]
        cls.cert_type = cls.env["kbe.partner.certification.type"].create(
            {"name": "Penjamah Makanan Uji", "validity_months": 24}
        )
        cls.won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.end_customer = cls.env["res.partner"].create({"name": "PT. Klien Akhir", "is_company": True})
        for partner in (cls.channel_partner, cls.channel_partner_2):
            partner.kbe_partner_manager_id = cls.user_partner_manager

    @classmethod
    def _won_deal(cls, channel_partner, amount, closed=None):
        lead = cls.env["crm.lead"].create(
            {
                "name": f"Katering acara via {channel_partner.name}",
                "type": "opportunity",
                "partner_id": cls.end_customer.id,
                "kbe_channel_partner_id": channel_partner.id,
                "expected_revenue": amount,
                "stage_id": cls.won_stage.id,
            }
        )
        lead.date_closed = fields.Datetime.to_datetime(closed or cls.today)
        return lead

    @classmethod
    def _certify(cls, channel_partner, name, date=None, cert_type=None):
        contact = cls.env["res.partner"].create({"name": name, "parent_id": channel_partner.id})
        return cls.env["kbe.partner.certification"].create(
            {"partner_id": contact.id, "type_id": (cert_type or cls.cert_type).id, "date": date or cls.today}
        )

    def _qualify(self, partner, tier, valid_from=None, user=None, **values):
        """A qualification of ``partner`` for ``tier`` submitted, judged met and approved by
        ``user`` (the program manager by default)."""
        user = user or self.user_partner_manager
        qualification = (
            self.env["kbe.partner.qualification"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "tier_id": tier.id,
                    "agreement_signed": True,
                    "valid_from": valid_from or self.today,
                    **values,
                }
            )
        )
        qualification.action_submit()
        qualification.line_ids.write({"verdict": "met"})
        qualification.action_approve()
        return qualification

    def _months_ago(self, months):
        return self.today - relativedelta(months=months)
