from datetime import date, timedelta

from odoo.tests import new_test_user, tagged

from .common import KbeCommon

# the personas whose sight the rules shape, in the order they are tried
PERSONAS = (
    "user_portal",
    "user_channel_partner",
    "user_salesman",
    "user_telesales",
    "user_sales_all",
    "user_service_agent",
    "user_service_manager",
    "user_partner_manager",
    "user_accountant",
    "user_marketing",
    "user_marketing_manager",
)


@tagged("post_install", "-at_install")
class TestRecordRules(KbeCommon):
    """Every record rule crm_kbe defines is switched off in turn: some persona then sees what the
    rule kept from them (or no longer sees what the rule opened to them), while still seeing what
    it allowed: each rule has a case it allows and a case it refuses. A rule that changes nobody's
    sight is untested or useless; a new rule is covered without editing this test.

    Company rules are shown by a persona who also works in a second company, looking from it at
    the first company's records (demo data and the personas' set-up give every model records)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.second_company = cls.env["res.company"].create({"name": "PT. Kaktus Berduri Bandung"})
        for persona in PERSONAS:
            getattr(cls, persona).company_ids |= cls.second_company
        # a computed rebate line of a channel partner, not yet paid: the portal and the accountant
        # may not see it (the partner sees it once the settlement is done, the accountant once it
        # has its document)
        scheme = cls.env["kbe.incentive.scheme"].create(
            {"name": "Rebate Uji", "line_ids": [(0, 0, {"threshold": 0, "rate": 1})]}
        )
        settlement = cls.env["kbe.incentive.settlement"].create(
            {"name": "Uji", "date_from": "2026-01-01", "date_to": "2026-01-31", "scheme_ids": [(6, 0, scheme.ids)]}
        )
        done = cls.env["kbe.incentive.settlement"].create(
            {
                "name": "Uji selesai",
                "date_from": "2025-12-01",
                "date_to": "2025-12-31",
                "scheme_ids": [(6, 0, scheme.ids)],
            }
        )
        cls.env["kbe.incentive.settlement.line"].create(
            {"settlement_id": done.id, "scheme_id": scheme.id, "partner_id": cls.channel_partner.id}
        )
        done.state = "done"  # a settled period: its statements are the partners' to read
        bill = cls.env["account.move"].create({"move_type": "in_invoice", "partner_id": cls.channel_partner.id})
        cls.env["kbe.incentive.settlement.line"].create(
            [
                {"settlement_id": settlement.id, "scheme_id": scheme.id, "partner_id": cls.channel_partner.id},
                {
                    "settlement_id": settlement.id,
                    "scheme_id": scheme.id,
                    "partner_id": cls.channel_partner_2.id,
                    "move_id": bill.id,
                },
            ]
        )
        # records of the first company in the models whose demo records are shared by all companies
        company = cls.env.company
        cls.env["kbe.knowledge.article"].create({"name": "Hanya Jakarta", "company_id": company.id})
        cls.env["kbe.partner.tier"].create({"name": "Platinum Jakarta", "company_id": company.id})
        cls.env["kbe.partner.certification.type"].create({"name": "Barista Jakarta", "company_id": company.id})
        # a service order of another technician, with a part and a checklist item
        product = cls.env["product.product"].create({"name": "Pemanas Uji", "sale_ok": True})
        cls.env["kbe.service.order"].create(
            {
                "name": "Servis teknisi lain",
                "user_id": cls.user_service_manager.id,
                "line_ids": [(0, 0, {"product_id": product.id, "quantity": 1})],
                "task_ids": [(0, 0, {"name": "Cek kabel"})],
            }
        )
        # what the personas themselves work on: the rep's own call, the agent's own ticket and
        # service order, the channel partner's own records
        customer = cls.env["res.partner"].create({"name": "Pelanggan Aturan", "phone": "0812-0000-1111"})
        cls.env["kbe.call"].with_user(cls.user_salesman).create({"name": "Telepon saya", "partner_id": customer.id})
        own_ticket = cls.env["kbe.ticket"].create(
            {"name": "Tiket saya", "partner_id": cls.user_portal.partner_id.id, "user_id": cls.user_service_agent.id}
        )
        cls.env["kbe.call"].with_user(cls.user_service_agent).create(
            {"name": "Telepon tiket", "ticket_id": own_ticket.id}
        )
        cls.env["kbe.service.order"].create(
            {
                "name": "Servis saya",
                "user_id": cls.user_service_agent.id,
                "line_ids": [(0, 0, {"product_id": product.id, "quantity": 1})],
                "task_ids": [(0, 0, {"name": "Cek"})],
            }
        )
        cls._kbe_channel_partner_records(product)
        # sudo: the rules crm_kbe defines, read as they are stored
        data = cls.env["ir.model.data"].sudo().search([("module", "=", "crm_kbe"), ("model", "=", "ir.rule")])
        cls.rules = cls.env["ir.rule"].sudo().browse(data.mapped("res_id")).filtered("perm_read")

    @classmethod
    def _kbe_channel_partner_records(cls, product):
        """One record of each partner-program model for the first channel partner (the second
        partner's portal contact must not see them)."""
        env, partner = cls.env, cls.channel_partner
        contact = cls.user_channel_partner.partner_id
        today = date.today()
        silver = env.ref("crm_kbe.kbe_partner_tier_silver")
        env["kbe.deal.registration"].create(
            {
                "name": "Gala",
                "partner_id": partner.id,
                "customer_name": "PT. Aturan Gala",
                "email": "gala@aturan.example.com",
            }
        )
        # a registration accepted as the rep's opportunity (the rep reads it), beside others
        deal = env["crm.lead"].create({"name": "Gala sales", "type": "opportunity", "user_id": cls.user_salesman.id})
        env["kbe.deal.registration"].create(
            {"name": "Gala 2", "partner_id": partner.id, "customer_name": "PT. Aturan Dua", "lead_id": deal.id}
        )
        env["kbe.partner.qualification"].create({"partner_id": partner.id, "tier_id": silver.id})
        certification_type = env["kbe.partner.certification.type"].create({"name": "Penjamah Makanan"})
        env["kbe.partner.certification"].create({"partner_id": contact.id, "type_id": certification_type.id})
        env["kbe.partner.plan"].create(
            {
                "partner_id": partner.id,
                "period": "year",
                "date_from": date(today.year, 1, 1),
                "goal_ids": [(0, 0, {"measure": "won_revenue", "target": 100_000_000})],
            }
        )
        fund = env["kbe.mdf.fund"].create(
            {"name": "MDF Aturan", "amount": 10_000_000, "date_from": today, "date_to": today + timedelta(days=90)}
        )
        allocation = env["kbe.mdf.allocation"].create(
            {"fund_id": fund.id, "partner_id": partner.id, "amount": 5_000_000}
        )
        requests = env["kbe.mdf.request"].create(
            [
                {
                    "partner_id": partner.id,
                    "allocation_id": allocation.id,
                    "name": name,
                    "planned_cost": 1_000_000,
                    "date_start": today,
                    "date_end": today,
                }
                for name in ("Brosur", "Spanduk")
            ]
        )
        # the second one has its payment document
        env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": partner.id, "kbe_mdf_request_id": requests[1].id}
        )
        lead = env["crm.lead"].create({"name": "Prospek untuk mitra", "type": "lead"})
        env["kbe.lead.forward"].create({"lead_id": lead.id, "partner_id": partner.id})
        env["kbe.partner.scorecard"]._kbe_refresh(today.replace(day=1), today, partners=partner, period_kind="month")

    def _combined_user(self, rule):
        """A user in the rule's groups and in every other internal group with a rule on the same
        model: a rule that only widens another group's rule (a manager who is also an accountant)
        shows only on such a user."""
        Rule = self.env["ir.rule"].sudo()
        groups = Rule.search([("model_id", "=", rule.model_id.id)]).groups | rule.groups
        groups -= self.env.ref("base.group_portal") | self.env.ref("base.group_public")
        if not groups:
            return None
        user = new_test_user(self.env, login=f"kbe_rule_probe_{rule.id}", groups="base.group_user")
        user.write({"groups_id": [(4, group.id) for group in groups], "company_ids": [(4, self.second_company.id)]})
        return user

    def _sight(self, rule, persona, from_second_company=None):
        """The records of the rule's model the persona reads, as ids; None if they may not read the
        model at all. A company rule is looked at from the second company (by default)."""
        user = getattr(self, persona) if isinstance(persona, str) else persona
        Model = self.env[rule.model_id.model].with_user(user).with_context(active_test=False)
        if not Model.has_access("read"):
            return None
        if from_second_company is None:
            from_second_company = "company_ids" in (rule.domain_force or "")
        if from_second_company:
            Model = Model.with_context(allowed_company_ids=[self.second_company.id])
        return set(Model.search([]).ids)

    def _concerned(self, rule):
        if not rule.groups:  # a global rule
            return PERSONAS
        return tuple(persona for persona in PERSONAS if getattr(self, persona).groups_id & rule.groups)

    def test_every_rule_changes_what_someone_sees(self):
        self.assertGreater(len(self.rules), 40)
        for rule in self.rules:
            with self.subTest(rule=rule.name):
                witnesses = []
                candidates = list(self._concerned(rule))
                if rule.groups:
                    candidates.append(self._combined_user(rule))
                for persona in filter(None, candidates):
                    before = self._sight(rule, persona)
                    if before is None:
                        continue
                    rule.active = False
                    after = self._sight(rule, persona)
                    rule.active = True
                    # a restricting rule hides records (off, they appear) and leaves others in
                    # sight: the persona shows both its refusal and what it allows; a widening
                    # rule (another group's "see all") opens records, which go when it is off
                    # (a company rule allows what the persona sees from the first company)
                    allowed = self._sight(rule, persona, from_second_company=False) if before == set() else before
                    restricting = after > before and allowed
                    widening = before > after
                    if restricting or widening:
                        witnesses.append(persona)
                        break
                self.assertTrue(
                    witnesses, f"switching off “{rule.name}” changes what no persona sees: give it a test case"
                )
