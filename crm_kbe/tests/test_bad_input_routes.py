import re
from datetime import date, timedelta

from odoo import http
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KbeTourCase
from .test_portal_bad_input import POST_ROUTES, SCRIPT

BIG_TEXT = "x" * 200_000  # longer than any text crm_kbe's portal forms accept
# the kinds of bad input every portal route is tried with (each route, the kinds that fit its
# parameters: a route without a form still gets the bad ids and the missing token)
KINDS = (
    "empty",
    "oversized",
    "wrong type",
    "negative",
    "not a number",
    "unknown id",
    "someone else's id",
    "script",
    "no csrf token",
)
BAD_NUMBERS = {
    "wrong type": ("abc", "12,5,0", "1e"),
    "negative": ("-1", "-1000000"),
    "not a number": ("nan", "NaN", "inf", "-inf", "1e400"),
    "oversized": ("1e300",),
}
BAD_IDS = {
    "wrong type": ("abc", "1.5"),
    "negative": ("-1",),
    "unknown id": ("999999999", "99999999999999999999"),
}
BAD_URL_IDS = {
    "empty": ("",),
    "wrong type": ("abc",),
    "negative": ("-1",),
    "unknown id": ("999999999",),
    "oversized": ("9" * 30,),
}
WATCHED = (
    "kbe.ticket",
    "kbe.partner.qualification",
    "kbe.deal.registration",
    "kbe.lead.forward",
    "kbe.mdf.request",
    "kbe.partner.plan",
    "mail.message",
    "ir.attachment",
    "crm.lead",
)
# what a refusal looks like: an error status, or the form again with its error shown
ERROR_STATUSES = (400, 403, 404)
ERROR_BOX = re.compile(r'class="alert alert-danger[^"]*"[^>]*role="alert"|class="alert alert-danger o_kbe')


@tagged("post_install", "-at_install")
class TestBadInputRoutes(KbeTourCase):
    """Every POST route of crm_kbe's portal, tried over HTTP with each kind of bad input that fits
    its parameters (empty, oversized, wrong type, negative and NaN numbers, unknown ids, another
    customer's or company's ids, HTML and script in text, a missing CSRF token): each is refused
    with an error status or the form shown again with its message, and nothing changes. Text with
    HTML is the one kind a form may accept, as text: it is then shown escaped, never run. The
    same form with good values is accepted last, which shows each refusal was for the bad value."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        today = date.today()
        cls.company_2 = env["res.company"].create({"name": "PT. Lain Sendiri"})
        cls.product = env["product.product"].create({"name": "Nasi kotak", "sale_ok": True})
        cls.product_2 = env["product.product"].create(
            {"name": "Produk C2", "sale_ok": True, "company_id": cls.company_2.id}
        )
        # a prospect company applying to the program, with its portal contact
        cls.prospect = env["res.partner"].create({"name": "PT. Calon Mitra", "is_company": True})
        cls.user_prospect = cls.env["res.users"].create(
            {
                "name": "Citra Calon",
                "login": "kbe_prospect",
                "password": "kbe_prospect",
                "groups_id": [(6, 0, env.ref("base.group_portal").ids)],
            }
        )
        cls.user_prospect.partner_id.parent_id = cls.prospect
        cls.tier = env.ref("crm_kbe.kbe_partner_tier_silver")
        # the records of each route: the caller's own, and someone else's
        cls.ticket = env["kbe.ticket"].create({"name": "Kotak rusak", "partner_id": cls.user_portal.partner_id.id})
        cls.ticket_other = env["kbe.ticket"].create(
            {"name": "Bukan milikmu", "partner_id": cls.user_channel_partner.partner_id.id}
        )
        cls.forward, cls.forward_decline, cls.forward_other = env["kbe.lead.forward"].create(
            [
                {
                    "lead_id": env["crm.lead"].create({"name": f"Prospek {i}", "type": "lead"}).id,
                    "partner_id": partner.id,
                }
                for i, partner in enumerate((cls.channel_partner, cls.channel_partner, cls.channel_partner_2))
            ]
        )
        fund = env["kbe.mdf.fund"].create(
            {
                "name": "MDF Uji",
                "amount": 90_000_000,
                "date_from": today - timedelta(days=30),
                "date_to": today + timedelta(days=150),
            }
        )
        fund.action_open()
        cls.allocation, cls.allocation_other = env["kbe.mdf.allocation"].create(
            [
                {"fund_id": fund.id, "partner_id": partner.id, "amount": 20_000_000}
                for partner in (cls.channel_partner, cls.channel_partner_2)
            ]
        )
        cls.fund_request, cls.fund_request_other = env["kbe.mdf.request"].create(
            [
                {
                    "partner_id": allocation.partner_id.id,
                    "allocation_id": allocation.id,
                    "name": "Pameran",
                    "planned_cost": 5_000_000,
                    "date_start": today - timedelta(days=10),
                    "date_end": today - timedelta(days=8),
                }
                for allocation in (cls.allocation, cls.allocation_other)
            ]
        )
        (cls.fund_request | cls.fund_request_other).action_submit()
        (cls.fund_request | cls.fund_request_other).action_pre_approve()
        cls.plan, cls.plan_other = env["kbe.partner.plan"].create(
            [
                {
                    "partner_id": partner.id,
                    "period": "year",
                    "date_from": date(today.year, 1, 1),
                    "goal_ids": [(0, 0, {"measure": "won_revenue", "target": 500_000_000})],
                }
                for partner in (cls.channel_partner, cls.channel_partner_2)
            ]
        )
        cls.dates = {"start": str(today + timedelta(days=10)), "end": str(today + timedelta(days=12))}

    # ------------------------------------------------------------------ the routes

    def _routes(self):
        """Per route: who posts, the URL with the caller's record (``{id}``), someone else's
        record, good form values, and the kind of each field (text with required ones marked by
        ``*``, number, id with a foreign id, date)."""
        cp_user, portal = self.user_channel_partner, self.user_portal
        return (
            {
                "route": "/my/tickets/new",
                "user": portal,
                "good": {"subject": "Kotak kurang", "description": "Pesanan 40 kotak, datang 38."},
                "text": ("subject*", "description*"),
                "ids": {"product_id": self.product_2.id, "type_id": None},
            },
            {"route": "/my/tickets/{id}/close", "user": portal, "id": self.ticket, "other": self.ticket_other},
            {"route": "/my/tickets/{id}/reopen", "user": portal, "id": self.ticket, "other": self.ticket_other},
            {
                "route": "/my/tickets/{id}/attachments",
                "user": portal,
                "id": self.ticket,
                "other": self.ticket_other,
                "files": {"attachments": ("nota.pdf", b"%PDF-1.4 nota", "application/pdf")},
            },
            {
                "route": "/my/partnership/apply",
                "user": self.user_prospect,
                "good": {
                    "tier_id": str(self.tier.id),
                    "message": "Kami melayani 30 klien katering kantor di Jakarta.",
                    "agreement": "on",
                },
                "text": ("message*",),
                "ids": {"tier_id": None},
            },
            {
                "route": "/my/partnership/deals/new",
                "user": cp_user,
                "good": {
                    "name": "Katering gala perusahaan",
                    "customer_name": "PT. Pelanggan Baru Sekali",
                    "contact_name": "Bu Rina",
                    "email": "rina@pelanggan-baru-sekali.example.com",
                    "expected_revenue": "25000000",
                    "description": "Gala 300 tamu.",
                },
                "text": ("name*", "customer_name*", "contact_name", "description"),
                "numbers": ("expected_revenue",),
                "ids": {"product_ids": self.product_2.id},
                "dates": ("date_deadline",),
            },
            {
                "route": "/my/partnership/forwards/{id}/accept",
                "user": cp_user,
                "id": self.forward,
                "other": self.forward_other,
            },
            {
                "route": "/my/partnership/forwards/{id}/decline",
                "user": cp_user,
                "id": self.forward_decline,
                "other": self.forward_other,
                "good": {"reason": "Di luar wilayah kami."},
                "text": ("reason",),
            },
            {
                "route": "/my/partnership/funds/request",
                "user": cp_user,
                "good": {
                    "allocation_id": str(self.allocation.id),
                    "name": "Brosur katering",
                    "description": "Cetak 2.000 brosur.",
                    "planned_cost": "2500000",
                    "date_start": self.dates["start"],
                    "date_end": self.dates["end"],
                },
                "text": ("name*", "description"),
                "numbers": ("planned_cost*",),
                "ids": {"allocation_id": self.allocation_other.id},
                "dates": ("date_start", "date_end"),
            },
            {
                "route": "/my/partnership/funds/{id}/claim",
                "user": cp_user,
                "id": self.fund_request,
                "other": self.fund_request_other,
                "good": {"actual_cost": "4000000"},
                "numbers": ("actual_cost*",),
                "files": {"proof": ("nota.pdf", b"%PDF-1.4 nota", "application/pdf")},
            },
            {"route": "/my/partnership/plan/{id}/agree", "user": cp_user, "id": self.plan, "other": self.plan_other},
        )

    def _cases(self, spec):
        """(kind, url, form, files) of every bad input that fits the route's parameters."""
        url = spec["route"].replace("{id}", str(spec["id"].id)) if "id" in spec else spec["route"]
        good = spec.get("good", {})
        files = spec.get("files")
        cases = [("no csrf token", url, dict(good), files, False)]
        if "id" in spec:
            for kind, values in BAD_URL_IDS.items():
                cases += [(kind, spec["route"].replace("{id}", value), dict(good), files, True) for value in values]
            cases.append(("someone else's id", spec["route"].replace("{id}", str(spec["other"].id)), good, files, True))
        for name in spec.get("text", ()):
            required, name = name.endswith("*"), name.rstrip("*")
            if required:
                cases += [("empty", url, {**good, name: value}, files, True) for value in ("", "   ")]
            cases.append(("oversized", url, {**good, name: BIG_TEXT}, files, True))
            cases.append(("script", url, {**good, name: f"Teks {SCRIPT}"}, files, True))
        for name in spec.get("numbers", ()):
            required, name = name.endswith("*"), name.rstrip("*")
            if required:
                cases.append(("empty", url, {**good, name: ""}, files, True))
            for kind, values in BAD_NUMBERS.items():
                cases += [(kind, url, {**good, name: value}, files, True) for value in values]
        for name, foreign in spec.get("ids", {}).items():
            for kind, values in BAD_IDS.items():
                cases += [(kind, url, {**good, name: value}, files, True) for value in values]
            if foreign:
                cases.append(("someone else's id", url, {**good, name: str(foreign)}, files, True))
        for name in spec.get("dates", ()):
            cases += [("wrong type", url, {**good, name: value}, files, True) for value in ("2026-13-45", "kemarin")]
        return cases

    # ------------------------------------------------------------------ helpers

    def _state(self):
        # sudo: the whole tables and the routes' records as stored, to tell that nothing changed
        records = (
            self.ticket,
            self.ticket_other,
            self.forward,
            self.forward_decline,
            self.forward_other,
            self.fund_request,
            self.fund_request_other,
            self.plan,
            self.plan_other,
            self.prospect,
        )
        self.env.invalidate_all()
        return (
            {model: self.env[model].sudo().search_count([]) for model in WATCHED},
            [(record._name, record.id, record.sudo().write_date) for record in records],
        )

    def _post(self, url, form, files, with_token):
        data = dict(form) or {"submit": "1"}  # a form always posts something
        if with_token:
            data["csrf_token"] = http.Request.csrf_token(self)
        upload = {name: (filename, content, mimetype) for name, (filename, content, mimetype) in (files or {}).items()}
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model"):
            return self.url_open(url, data=data, files=upload or None, allow_redirects=False, timeout=60)

    def _try(self, spec, kind, url, form, files, with_token, before):
        """What is wrong with the answer to one bad input (None: refused, nothing changed)."""
        response = self._post(url, form, files, with_token)
        shown = response.text if response.status_code == 200 else ""
        changed = {
            k: (v[:40] if isinstance(v, str) else v) for k, v in form.items() if spec.get("good", {}).get(k) != v
        }
        where = f"{url[:70]} {kind} {changed}"
        if kind == "script" and response.status_code in (302, 303):
            # accepted as text: shown escaped wherever it appears
            page = self.url_open(response.headers["Location"], timeout=60).text
            if "<script>alert" in page or "<img src=x onerror" in page:
                return f"{where}: the script is shown unescaped"
            return None
        refused = response.status_code in ERROR_STATUSES or (response.status_code == 200 and ERROR_BOX.search(shown))
        if not refused:
            return f"{where}: accepted or no message (HTTP {response.status_code})"
        if "<script>alert" in shown:
            return f"{where}: the refused text is shown back unescaped"
        if self._state() != before:
            return f"{where}: refused, but something changed"
        return None

    # ------------------------------------------------------------------ the test

    def test_every_route_refuses_every_kind_of_bad_input(self):
        specs = self._routes()
        self.assertEqual(
            {spec["route"].replace("{id}", "{x}") for spec in specs},
            {re.sub(r"\{\w+\}", "{x}", route) for route in POST_ROUTES},
            "every POST route of the portal is tried here",
        )
        problems = []
        for spec in specs:
            self.authenticate(spec["user"].login, spec["user"].login)
            cases = self._cases(spec)
            kinds = {kind for kind, *_rest in cases}
            self.assertLessEqual(kinds, set(KINDS), f"{spec['route']}: a kind of bad input this test does not know")
            self.assertGreaterEqual(len(kinds), 4, f"{spec['route']}: too few kinds of bad input tried")
            for kind, url, form, files, with_token in cases:
                before = self._state()
                # text with HTML may be accepted (as text): undo it, so that the next case and the
                # good values start from the same records
                savepoint = self.env.cr.savepoint(flush=False) if kind == "script" else None
                try:
                    problem = self._try(spec, kind, url, form, files, with_token, before)
                finally:
                    if savepoint:
                        savepoint.close(rollback=True)
                        self.env.invalidate_all()
                if problem:
                    problems.append(problem)

            if spec.get("good") is not None or "id" in spec:
                url = spec["route"].replace("{id}", str(spec["id"].id)) if "id" in spec else spec["route"]
                response = self._post(url, spec.get("good", {}), spec.get("files"), True)
                if response.status_code not in (302, 303):
                    errors = re.findall(r"alert alert-danger[^>]*>\s*([^<]*)", response.text)[:3]
                    problems.append(f"{url}: good values refused (HTTP {response.status_code}) {errors}")
        self.assertFalse(problems, "\n".join(problems))
