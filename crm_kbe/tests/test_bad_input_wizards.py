from datetime import datetime, timedelta

import psycopg2

from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_call import KbeCallCommon
from .test_bad_input_routes import BIG_TEXT
from .test_bad_input_routes import KINDS as ROUTE_KINDS
from .test_portal_bad_input import SCRIPT

# What a refusal may be: crm_kbe's own message, a missing right, a record that does not exist,
# the ORM's refusal of a value of the wrong type, or the database's of an id that does not exist
REFUSALS = (
    UserError,
    ValidationError,
    AccessError,
    MissingError,
    ValueError,
    TypeError,
    psycopg2.IntegrityError,
    psycopg2.DataError,
)
UNKNOWN_ID = 999_999_999
# the kinds of bad input a wizard is tried with: the portal's, but for the CSRF token, which only
# exists for the portal's forms (the web client's RPC is a JSON call, checked by the session)
KINDS = tuple(kind for kind in ROUTE_KINDS if kind != "no csrf token")


@tagged("post_install", "-at_install")
class TestBadInputWizards(KbeCallCommon):
    """Every wizard of crm_kbe, called as the persona who uses it with each kind of bad input its
    fields can take: refused with a clear message (or, for HTML in text, kept as harmless text),
    and nothing changed. The same wizard with good values works, which shows that each refusal
    was for the bad value. A new wizard must be added to ``WIZARDS`` (the test says so)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_2 = env["res.company"].create({"name": "PT. Lain Sendiri"})
        cls.partner_company_2 = env["res.partner"].create({"name": "Pelanggan C2", "company_id": cls.company_2.id})
        cls.user_company_2 = env["res.users"].create(
            {
                "name": "Pengguna C2",
                "login": "kbe_user_c2",
                "company_id": cls.company_2.id,
                "company_ids": [(6, 0, cls.company_2.ids)],
                "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        cls.own_lead, cls.other_lead = env["crm.lead"].create(
            [
                {"name": "Katering rapat", "type": "lead", "partner_name": "PT. Rapat", "user_id": user.id}
                for user in (cls.user_salesman, cls.user_other_team)
            ]
        )
        cls.other_call = env["kbe.call"].create(
            {"name": "Bukan panggilanku", "partner_id": cls.customer.id, "user_id": cls.user_other_team.id}
        )
        cls.own_call = env["kbe.call"].create(
            {"name": "Tawarkan paket", "partner_id": cls.customer.id, "user_id": cls.user_salesman.id}
        )
        cls.ticket = env["kbe.ticket"].create({"name": "Keluhan pengiriman", "partner_id": cls.customer.id})
        cls.forward_lead = env["crm.lead"].create({"name": "Diteruskan", "type": "lead"})
        cls.other_company_lead = env["crm.lead"].create(
            {"name": "Prospek C2", "type": "lead", "company_id": cls.company_2.id}
        )
        # a direct mail of each company, with one letter each
        recipients = []
        for company in (env.company, cls.company_2):
            campaign = env["utm.campaign"].create({"title": f"Surat {company.name}", "company_id": company.id})
            activity = env["kbe.campaign.activity"].create(
                {"name": "Surat", "campaign_id": campaign.id, "channel": "direct_mail", "company_id": company.id}
            )
            recipients.append(
                env["kbe.campaign.recipient"].create({"activity_id": activity.id, "partner_id": cls.customer.id})
            )
        cls.recipient, cls.recipient_other = recipients
        # a lead entered before its territory existed, and a territory of the other company
        cls.territory_lead = env["crm.lead"].create({"name": "Katering Kota Uji", "city": "Kota Uji"})
        cls.territory = env["kbe.territory"].create({"name": "Wilayah Uji", "city_names": "Kota Uji"})
        cls.territory_company_2 = env["kbe.territory"].create({"name": "Wilayah C2", "company_id": cls.company_2.id})
        # an opportunity of a key-account method with a step open, for the stage override, and a
        # stage of another team
        cls.stage_new, cls.stage_qualified = env.ref("crm.stage_lead1"), env.ref("crm.stage_lead2")
        env["kbe.sales.method"].search([("sales_style", "=", "key_account")]).action_archive()
        env["kbe.sales.method"].create(
            {
                "name": "Key Account Uji",
                "sales_style": "key_account",
                "team_ids": [(6, 0, cls.team.ids)],
                "stage_ids": [(6, 0, (cls.stage_new | cls.stage_qualified).ids)],
                "step_ids": [(0, 0, {"name": "Rapat direksi", "stage_id": cls.stage_new.id})],
            }
        )
        cls.override_lead = env["crm.lead"].create(
            {
                "name": "Kontrak tahunan",
                "type": "opportunity",
                "team_id": cls.team.id,
                "kbe_sales_style": "key_account",
                "stage_id": cls.stage_new.id,
                "user_id": cls.user_salesman.id,
            }
        )
        cls.other_team_stage = env["crm.stage"].create({"name": "Tahap Tim Lain", "team_id": cls.other_team.id})

    # ------------------------------------------------------------------ the wizards

    def _wizards(self):
        """Per wizard: its persona, good values, the button, what it may change, and its bad
        inputs as (kind, values replacing the good ones)."""
        now = datetime.now()
        call_list = {
            "source": "partner",
            "partner_ids": [(6, 0, self.customer.ids)],
            "name": "Tawaran Lebaran",
            "team_id": self.team.id,
            "date_start": now,
            "date_end": now + timedelta(days=3),
            "duration_planned": 0.25,
        }
        call_log = {"call_id": self.own_call.id, "result": "held", "duration": 0.2, "notes": "<p>Tertarik.</p>"}
        return {
            "kbe.lead.convert": {
                "user": self.user_salesman,
                "context": {"active_model": "crm.lead"},
                "good": {"lead_ids": [(6, 0, self.own_lead.ids)], "customer_action": "create"},
                "watch": (self.own_lead, self.other_lead),
                "bad": [
                    ("empty", {"lead_ids": [(6, 0, [])]}),
                    ("empty", {"customer_action": "exist", "partner_id": False}),
                    ("wrong type", {"customer_action": "tidak tahu"}),
                    ("wrong type", {"name": "merge", "lead_ids": [(6, 0, (self.own_lead | self.other_lead).ids)]}),
                    ("negative", {"lead_ids": [(6, 0, [-1])]}),
                    ("unknown id", {"lead_ids": [(6, 0, [UNKNOWN_ID])]}),
                    ("unknown id", {"user_id": UNKNOWN_ID}),
                    ("someone else's id", {"lead_ids": [(6, 0, self.other_lead.ids)]}),
                    ("someone else's id", {"lead_ids": [(6, 0, self.other_company_lead.ids)]}),
                    ("someone else's id", {"user_id": self.user_portal.id}),
                    ("someone else's id", {"user_id": self.user_company_2.id}),
                    ("someone else's id", {"name": "merge", "merge_ids": [(6, 0, self.other_lead.ids)]}),
                ],
            },
            "kbe.call.list": {
                "user": self.user_salesman,
                "good": call_list,
                "watch": (self.customer,),
                "count": "kbe.call",
                "bad": [
                    ("empty", {"name": ""}),
                    ("empty", {"name": "   "}),
                    ("empty", {"partner_ids": [(6, 0, [])]}),
                    ("oversized", {"name": "x" * 201}),
                    ("oversized", {"purpose": BIG_TEXT}),
                    ("oversized", {"duration_planned": 1e300}),
                    ("oversized", {"date_end": now - timedelta(days=1)}),
                    ("wrong type", {"filter_domain": "bukan domain"}),
                    ("wrong type", {"filter_domain": "[('name', 'ilike')]"}),
                    ("wrong type", {"duration_planned": "lama"}),
                    ("negative", {"duration_planned": -0.5}),
                    ("not a number", {"duration_planned": float("nan")}),
                    ("not a number", {"duration_planned": float("inf")}),
                    ("unknown id", {"partner_ids": [(6, 0, [UNKNOWN_ID])]}),
                    ("unknown id", {"team_id": UNKNOWN_ID}),
                    ("someone else's id", {"team_id": self.other_team.id, "user_ids": [(6, 0, self.user_portal.ids)]}),
                    ("someone else's id", {"user_ids": [(6, 0, self.user_company_2.ids)]}),
                    ("script", {"name": f"Tawaran {SCRIPT}"}),
                    ("script", {"purpose": f"<p>Tawaran</p>{SCRIPT}"}),
                ],
            },
            "kbe.call.log": {
                "user": self.user_salesman,
                "good": call_log,
                "watch": (self.own_call, self.other_call),
                "count": "kbe.call",
                "bad": [
                    ("empty", {"result": "not_held", "not_held_reason": False}),
                    ("empty", {"result": "held", "date_done": False}),
                    ("empty", {"followup": "call", "followup_date": False}),
                    ("oversized", {"duration": 25}),
                    ("oversized", {"notes": BIG_TEXT}),
                    ("oversized", {"followup": "call", "followup_name": "x" * 201}),
                    ("wrong type", {"result": "mungkin"}),
                    ("wrong type", {"duration": "sebentar"}),
                    ("negative", {"duration": -1}),
                    ("not a number", {"duration": float("nan")}),
                    ("not a number", {"duration": float("-inf")}),
                    ("unknown id", {"call_id": UNKNOWN_ID}),
                    ("someone else's id", {"call_id": self.other_call.id}),
                    # a call logged on a ticket (teleservice): a service ticket is not a sales rep's
                    ("empty", {"call_id": False}),
                    ("someone else's id", {"call_id": False, "ticket_id": self.ticket.id, "subject": "Intip"}),
                    ("someone else's id", {"followup": "call", "followup_user_id": self.user_portal.id}),
                    ("someone else's id", {"followup": "call", "followup_user_id": self.user_company_2.id}),
                    ("script", {"notes": f"<p>Catatan</p>{SCRIPT}"}),
                ],
            },
            "kbe.lead.forward.wizard": {
                "user": self.user_partner_manager,
                "good": {
                    "lead_ids": [(6, 0, self.forward_lead.ids)],
                    "method": "manual",
                    "partner_id": self.channel_partner.id,
                },
                "watch": (self.forward_lead,),
                "count": "kbe.lead.forward",
                "bad": [
                    ("empty", {"lead_ids": [(6, 0, [])]}),
                    ("empty", {"partner_id": False}),
                    ("wrong type", {"method": "acak"}),
                    ("wrong type", {"partner_id": self.customer.id}),
                    ("negative", {"lead_ids": [(6, 0, [-1])]}),
                    ("unknown id", {"lead_ids": [(6, 0, [UNKNOWN_ID])]}),
                    ("unknown id", {"partner_id": UNKNOWN_ID}),
                    ("someone else's id", {"lead_ids": [(6, 0, self.other_company_lead.ids)]}),
                ],
            },
            "kbe.campaign.response.wizard": {
                "user": self.user_marketing,
                # the code as typed from the letter: small letters and spaces do not matter
                "good": {
                    "reply_code": f" {self.recipient.reply_code.lower()} ",
                    "response": "interested",
                    "note": "Minta brosur.",
                },
                "watch": (self.recipient, self.recipient_other),
                "count": "crm.lead",
                "bad": [
                    ("empty", {"reply_code": ""}),
                    ("empty", {"reply_code": "   "}),
                    ("oversized", {"reply_code": "K" * 5000}),
                    ("oversized", {"note": BIG_TEXT}),
                    ("wrong type", {"response": "mungkin"}),
                    ("wrong type", {"date_responded": "kemarin"}),
                    ("unknown id", {"reply_code": "KBE-ZZZZZ"}),
                    ("someone else's id", {"reply_code": self.recipient_other.reply_code}),
                    ("script", {"note": f"Tertarik {SCRIPT}"}),
                ],
            },
            "kbe.stage.override": {
                "user": self.user_sales_manager,
                "good": {
                    "lead_id": self.override_lead.id,
                    "stage_id": self.stage_qualified.id,
                    "reason": "Direksi sudah setuju lewat telepon.",
                },
                "watch": (self.override_lead,),
                "count": "mail.message",
                "bad": [
                    ("empty", {"reason": ""}),
                    ("empty", {"reason": "   "}),
                    ("empty", {"stage_id": False}),
                    ("empty", {"lead_id": False}),
                    ("oversized", {"reason": BIG_TEXT}),
                    ("wrong type", {"stage_id": "tahap"}),
                    ("negative", {"lead_id": -1}),
                    ("unknown id", {"lead_id": UNKNOWN_ID}),
                    ("unknown id", {"stage_id": UNKNOWN_ID}),
                    ("someone else's id", {"lead_id": self.other_company_lead.id}),
                    ("someone else's id", {"stage_id": self.other_team_stage.id}),
                    ("script", {"reason": f"Direksi setuju {SCRIPT}"}),
                ],
                "as_other": self.user_salesman,
            },
            "kbe.partner.scorecard.refresh": {
                "user": self.user_partner_manager,
                "good": {"period_kind": "month", "partner_ids": [(6, 0, self.channel_partner.ids)]},
                "watch": (self.channel_partner,),
                "count": "kbe.partner.scorecard",
                "bad": [
                    ("empty", {"date": False}),
                    ("wrong type", {"period_kind": "dekade"}),
                    ("wrong type", {"date": "kemarin"}),
                    ("negative", {"partner_ids": [(6, 0, [-1])]}),
                    ("unknown id", {"partner_ids": [(6, 0, [UNKNOWN_ID])]}),
                    ("someone else's id", {"partner_ids": [(6, 0, self.partner_company_2.ids)]}),
                ],
                "as_other": self.user_salesman,
            },
            "kbe.territory.realign": {
                "user": self.user_sales_manager,
                "good": {"territory_ids": [(6, 0, self.territory.ids)], "scope": "all", "reassign": False},
                "watch": (self.territory_lead, self.territory),
                "bad": [
                    ("empty", {"company_id": False}),
                    ("empty", {"scope": False}),
                    ("wrong type", {"scope": "semua"}),
                    ("negative", {"territory_ids": [(6, 0, [-1])]}),
                    ("unknown id", {"territory_ids": [(6, 0, [UNKNOWN_ID])]}),
                    ("unknown id", {"company_id": UNKNOWN_ID}),
                    ("someone else's id", {"territory_ids": [(6, 0, self.territory_company_2.ids)]}),
                    ("someone else's id", {"company_id": self.company_2.id, "territory_ids": [(6, 0, [])]}),
                ],
                "as_other": self.user_salesman,
            },
        }

    # ------------------------------------------------------------------ helpers

    def _state(self, spec):
        # sudo: the records the wizard may change, as stored, and the count of what it creates
        self.env.invalidate_all()
        watched = [(rec._name, rec.id, rec.sudo().read()[0]) for rec in spec["watch"]]
        count = self.env[spec["count"]].sudo().search_count([]) if spec.get("count") else None
        return watched, count

    def _run(self, spec, name, values, check=None):
        """Create the wizard with ``values`` over the good ones and press its button, as the
        persona; ``check(wizard)`` then looks at the result. Everything is undone afterwards, so
        each case starts from the same records."""
        Wizard = self.env[name].with_user(spec["user"]).with_context(**spec.get("context", {}))
        savepoint = self.env.cr.savepoint()
        try:
            with mute_logger("odoo.sql_db", "odoo.models", "odoo.addons.base.models.ir_rule"):
                wizard = Wizard.create({**spec["good"], **values})
                wizard.action_apply()
                self.env.flush_all()
            return check(wizard) if check else None
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def _script_stored(self, wizard):
        """Whether a script reached an HTML field of the wizard or of the calls it made."""
        # sudo: what is stored, whoever may read it
        records = [
            wizard.sudo(),
            self.env["kbe.call"].sudo().search([], order="id desc", limit=5),
            self.env["crm.lead"].sudo().search([], order="id desc", limit=5),
        ]
        for records_sudo in records:
            html = [name for name, field in records_sudo._fields.items() if field.type == "html" and field.store]
            for values in records_sudo.read(html):
                if any("<script" in str(values[name] or "") for name in html):
                    return True
        return False

    # ------------------------------------------------------------------ the test

    def test_every_wizard_refuses_every_kind_of_bad_input(self):
        wizards = self._wizards()
        transient = {name for name, model in self.env.registry.items() if name.startswith("kbe.") and model._transient}
        self.assertEqual(set(wizards), transient, "every crm_kbe wizard is tried here: add the new one to _wizards")
        problems = []
        for name, spec in wizards.items():
            kinds = {kind for kind, _values in spec["bad"]}
            self.assertLessEqual(kinds, set(KINDS), f"{name}: a kind of bad input this test does not know")
            self.assertGreaterEqual(len(kinds), 5, f"{name}: too few kinds of bad input tried")
            for kind, values in spec["bad"]:
                before = self._state(spec)
                where = f"{name} {kind} {str(values)[:80]}"
                try:
                    script_stored = self._run(spec, name, values, check=self._script_stored)
                except REFUSALS as error:
                    if not str(error).strip():
                        problems.append(f"{where}: refused without a message")
                    elif self._state(spec) != before:
                        problems.append(f"{where}: refused, but something changed")
                    continue
                if kind != "script":
                    problems.append(f"{where}: accepted")
                elif script_stored:
                    # accepted as text: no script may reach what is stored as HTML
                    problems.append(f"{where}: the script was stored as HTML")
            # good values work, as the persona (and not as a persona without the rights)
            try:
                self._run(spec, name, {})
            except REFUSALS as error:
                problems.append(f"{name}: good values refused: {error}")
            if spec.get("as_other"):
                with self.assertRaises(AccessError, msg=f"{name} as {spec['as_other'].login}"):
                    self._run({**spec, "user": spec["as_other"]}, name, {})
        self.assertFalse(problems, "\n".join(problems))
