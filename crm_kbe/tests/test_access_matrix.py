from odoo.tests import tagged

from .common import KbeCommon

# Every crm_kbe model belongs to one area of work, by its name; a new model falls in one of them
# (or this test asks for it to be placed). The personas of an area work its records; the others
# may at most read them.
AREAS = (
    (
        "partner program",
        ("kbe.partner", "kbe.mdf", "kbe.incentive", "kbe.deal", "kbe.lead.forward"),
        ("user_partner_manager",),
    ),
    (
        "marketing",
        ("kbe.customer.value", "kbe.segment", "kbe.campaign"),
        ("user_marketing", "user_marketing_manager"),
    ),
    # calls are worked by sales (calls of opportunities and customers) and by service (calls of
    # tickets, teleservice): the record rules say which calls each may change
    (
        "calls",
        ("kbe.call",),
        (
            "user_salesman",
            "user_telesales",
            "user_partner_manager",
            "user_marketing",
            "user_marketing_manager",
            "user_service_agent",
            "user_service_manager",
            "user_sales_manager",
        ),
    ),
    # the partner program manager is a salesperson too (the channel's deals are opportunities)
    (
        "sales",
        ("kbe.lead", "kbe.territory", "kbe.sales", "kbe.forecast", "kbe.buying"),
        # marketing users are salespeople too: they log the calls of telemarketing campaigns
        (
            "user_salesman",
            "user_telesales",
            "user_partner_manager",
            "user_marketing",
            "user_marketing_manager",
            "user_sales_manager",
        ),
    ),
    (
        "service",
        ("kbe.ticket", "kbe.service", "kbe.sla", "kbe.knowledge"),
        ("user_service_agent", "user_service_manager"),
    ),
)
# the personas who are not employees: they act only through the portal's checked routes
PORTAL_PERSONAS = ("user_portal", "user_channel_partner", "user_channel_partner_2")
EMPLOYEE_PERSONAS = (
    "user_salesman",
    "user_telesales",
    "user_sales_manager",
    "user_service_agent",
    "user_service_manager",
    "user_accountant",
    "user_internal",
    "user_partner_manager",
    "user_marketing",
    "user_marketing_manager",
)
# fields that tie a record to a customer or partner: what a portal user may see of it is theirs
PARTNER_FIELDS = ("commercial_partner_id", "partner_id")


def area_of(model_name):
    for area, prefixes, personas in AREAS:
        if model_name.startswith(prefixes):
            return area, personas
    return None, ()


@tagged("post_install", "-at_install")
class TestAccessMatrix(KbeCommon):
    """For every crm_kbe model and every persona: who may read, write, create and delete, checked
    as that user. New models are covered by their name, without editing this test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.models = sorted(
            name
            for name, model in cls.env.registry.items()
            if name.startswith("kbe.") and not model._abstract and not model._transient
        )

    def _can(self, persona, model_name, operation):
        return self.env[model_name].with_user(getattr(self, persona)).has_access(operation)

    def test_every_model_has_an_area(self):
        self.assertIn("kbe.ticket", self.models)
        for model_name in self.models:
            with self.subTest(model=model_name):
                self.assertTrue(area_of(model_name)[0], f"{model_name}: add its prefix to an area of this test")

    def test_only_the_areas_people_change_its_records(self):
        for model_name in self.models:
            area, workers = area_of(model_name)
            for persona in EMPLOYEE_PERSONAS:
                if persona in workers:
                    continue
                for operation in ("write", "create", "unlink"):
                    with self.subTest(model=model_name, persona=persona, operation=operation):
                        self.assertFalse(
                            self._can(persona, model_name, operation),
                            f"{persona} may {operation} {model_name} ({area}), which is not their work",
                        )

    def test_each_area_manager_reads_every_model_of_the_area(self):
        for model_name in self.models:
            _area, workers = area_of(model_name)
            manager = workers[-1] if workers else None  # each area lists its manager last
            if manager:
                with self.subTest(model=model_name, persona=manager):
                    self.assertTrue(self._can(manager, model_name, "read"))

    def test_portal_users_change_nothing_directly(self):
        """Portal users create and change records only through the portal's routes, which call one
        checked method each: no crm_kbe model gives them write, create or delete rights."""
        for model_name in self.models:
            for persona in PORTAL_PERSONAS:
                for operation in ("write", "create", "unlink"):
                    with self.subTest(model=model_name, persona=persona, operation=operation):
                        self.assertFalse(self._can(persona, model_name, operation))

    def test_what_portal_users_read_of_a_customer_is_theirs(self):
        Rule = self.env["ir.rule"]
        portal_group = self.env.ref("base.group_portal")
        for model_name in self.models:
            if not self._can("user_portal", model_name, "read"):
                continue
            model = self.env[model_name]
            partner_field = next((name for name in PARTNER_FIELDS if name in model._fields), None)
            if not partner_field:
                continue  # reference data (types, stages, tiers...) readable by every portal user
            with self.subTest(model=model_name):
                rules = Rule.search([("model_id.model", "=", model_name), ("groups", "in", portal_group.ids)])
                self.assertTrue(rules, f"{model_name} is readable by portal users: it needs a portal record rule")
            for persona in PORTAL_PERSONAS:
                user = getattr(self, persona)
                visible = model.with_user(user).search([])
                with self.subTest(model=model_name, persona=persona):
                    # sudo: the owner of each visible record, read as it is stored
                    owners = visible.sudo().mapped(partner_field).commercial_partner_id
                    self.assertLessEqual(owners, user.commercial_partner_id, f"{persona} sees others' {model_name}")

    def test_every_company_record_stays_in_its_company(self):
        Rule = self.env["ir.rule"]
        for model_name in self.models:
            field = self.env[model_name]._fields.get("company_id")
            if not field or not field.store:
                continue
            with self.subTest(model=model_name):
                rules = Rule.search([("model_id.model", "=", model_name)])
                self.assertTrue(
                    any("company_ids" in (rule.domain_force or "") for rule in rules),
                    f"{model_name} has a company but no multi-company rule",
                )
