import inspect
import logging

from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeCommon

_logger = logging.getLogger(__name__)

# What a refusal may look like: the right is missing, or the business rule says no
REFUSALS = (AccessError, MissingError, UserError, ValidationError)
MUTE = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule", "odoo.http")


def crm_kbe_public_methods(model):
    """The public methods crm_kbe defines on ``model`` (its own models and its extensions of
    Odoo's): those any logged-in user may call over RPC on ids of their choice."""
    methods = {}
    mro = type(model).__mro__
    odoo_names = {name for cls in mro if not cls.__module__.startswith("odoo.addons.crm_kbe.") for name in vars(cls)}
    for cls in mro:
        if not cls.__module__.startswith("odoo.addons.crm_kbe."):
            continue
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            if name in odoo_names:
                continue  # an extension of Odoo's own method (action_confirm...): Odoo checks first
            if getattr(member, "_api", None) == "model":
                continue  # no records to refuse; such methods check their arguments
            methods.setdefault(name, member)
    return methods


@tagged("post_install", "-at_install")
class TestPublicMethods(KbeCommon):
    """Every public method of every crm_kbe model, and of crm_kbe's extensions of Odoo's models,
    called by each persona on records they may not change: refused, or harmless (nothing
    changes). A method added later is probed without editing this test."""

    PERSONAS = (
        "user_portal",
        "user_channel_partner",
        "user_internal",
        "user_accountant",
        "user_service_agent",
        "user_salesman",
        "user_service_manager",
        "user_partner_manager",
        "user_marketing",
        "user_marketing_manager",
    )

    def _snapshot(self, record):
        # sudo: the state of the record as it is stored, whoever may read it
        record_sudo = record.sudo()
        stored = [name for name, field in record_sudo._fields.items() if field.store and name not in ("write_date",)]
        values = record_sudo.read(stored)[0] if record_sudo.exists() else None
        messages = (
            self.env["mail.message"].search_count([("model", "=", record._name), ("res_id", "=", record.id)])
            if "message_ids" in record_sudo._fields
            else 0
        )
        return values, messages

    def _samples(self, model_name):
        """A few records of the model, from the demo data or earlier tests' set-up."""
        # sudo: the probe picks records of every owner, then tells which each persona may change
        return self.env[model_name].sudo().with_context(active_test=False).search([], limit=5, order="id desc")

    def test_public_methods_refuse_records_the_caller_may_not_change(self):
        models = sorted(
            name
            for name, model in self.env.registry.items()
            if not model._abstract and not model._transient and crm_kbe_public_methods(self.env[name])
        )
        self.assertIn("kbe.ticket", models)
        self.assertIn("crm.lead", models, "crm_kbe's actions on opportunities are probed too")
        probed = 0
        for model_name in models:
            methods = crm_kbe_public_methods(self.env[model_name])
            samples = self._samples(model_name)
            for persona in self.PERSONAS:
                user = getattr(self, persona)
                target = next((rec for rec in samples if not self.kbe_may(user, rec, "write")), None)
                if not target:
                    continue
                for name, method in methods.items():
                    args = [False] * sum(
                        1
                        for param in list(inspect.signature(method).parameters.values())[1:]
                        if param.default is inspect.Parameter.empty
                        and param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD)
                    )
                    before = self._snapshot(target)
                    # a record the caller may not even read is refused for want of rights, before any
                    # business rule: "already assigned to ..." would tell them what they may not see
                    refusals = REFUSALS if self.kbe_may(user, target, "read") else (AccessError, MissingError)
                    with self.subTest(model=model_name, method=name, user=user.login):
                        try:
                            with self.env.cr.savepoint(), mute_logger(*MUTE):
                                getattr(target.with_user(user), name)(*args)
                                after = self._snapshot(target)
                        except refusals:
                            after = before  # refused; the savepoint undid whatever was started
                        self.env.invalidate_all()
                        self.assertEqual(
                            after,
                            before,
                            f"{user.login} changed {target} through {model_name}.{name}(), which they may not change",
                        )
                    probed += 1
        _logger.info("probed %s public method calls", probed)
        self.assertGreater(probed, 50)
