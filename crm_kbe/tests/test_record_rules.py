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
)


@tagged("post_install", "-at_install")
class TestRecordRules(KbeCommon):
    """Every record rule crm_kbe defines is switched off in turn: some persona then sees what the
    rule kept from them (or no longer sees what the rule opened to them). A rule that changes
    nobody's sight is untested or useless; a new rule is covered without editing this test.

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
        cls.env["kbe.incentive.settlement.line"].create(
            {"settlement_id": settlement.id, "scheme_id": scheme.id, "partner_id": cls.channel_partner.id}
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
        # sudo: the rules crm_kbe defines, read as they are stored
        data = cls.env["ir.model.data"].sudo().search([("module", "=", "crm_kbe"), ("model", "=", "ir.rule")])
        cls.rules = cls.env["ir.rule"].sudo().browse(data.mapped("res_id")).filtered("perm_read")

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

    def _sight(self, rule, persona):
        """The records of the rule's model the persona reads, as ids; None if they may not read the
        model at all. A company rule is looked at from the second company."""
        user = getattr(self, persona) if isinstance(persona, str) else persona
        Model = self.env[rule.model_id.model].with_user(user).with_context(active_test=False)
        if not Model.has_access("read"):
            return None
        if "company_ids" in (rule.domain_force or ""):
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
                    if after != before:
                        witnesses.append(persona)
                        break
                self.assertTrue(
                    witnesses, f"switching off “{rule.name}” changes what no persona sees: give it a test case"
                )
