from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .kbe_partner_portal import KbePartnerPortal
from .portal import KbeServicePortal

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class KbePartnerPortalProgram(KbePartnerPortal):
    """Program, qualification and training on "My partnership": the latest qualification and its
    validity, the certifications of the company's people, and the application form of a company
    that is not an active partner yet (/my/partnership/apply)."""

    def _kbe_partnership_values(self, partner, **kw):
        values = super()._kbe_partnership_values(partner, **kw)
        # read as the portal user: the record rules keep them to their own company's records
        Qualification = request.env["kbe.partner.qualification"]
        Certification = request.env["kbe.partner.certification"]
        values.update(
            {
                "kbe_qualification": Qualification.search([("partner_id", "=", partner.id)], limit=1),
                "kbe_certifications": Certification.search(
                    [("commercial_partner_id", "=", partner.id)], order="state desc, expiry_date, id"
                ),
                "kbe_applied": kw.get("applied") == "1",
                "kbe_may_apply": self._kbe_may_apply(partner),
            }
        )
        return values

    def _kbe_may_apply(self, partner):
        if partner.kbe_partner_status == "active":
            return False
        return not request.env["kbe.partner.qualification"].search_count(
            [("partner_id", "=", partner.id), ("state", "in", ("draft", "submitted"))]
        )

    def _kbe_apply_values(self, post, error=None, blocked=False):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kbe_partnership_apply",
                "kbe_partner": self._kbe_portal_partner(),
                "tiers": request.env["kbe.partner.tier"].search([]),
                "post": post,
                "error": error,
                "blocked": blocked,
                "message_max": 2000,
            }
        )
        return values

    @http.route("/my/partnership/apply", type="http", auth="user", methods=["GET"], website=True)
    def portal_partnership_apply_form(self, **kw):
        partner = self._kbe_portal_partner()
        error = None
        if partner.kbe_partner_status == "active":
            error = request.env._("Your company is already an active partner.")
        elif not self._kbe_may_apply(partner):
            error = request.env._("Your company already has an application under review.")
        return request.render("crm_kbe.portal_partnership_apply", self._kbe_apply_values({}, error, bool(error)))

    @http.route("/my/partnership/apply", type="http", auth="user", methods=["POST"], website=True)
    def portal_partnership_apply(self, **post):
        upload = request.httprequest.files.get("evidence")
        evidence = None
        if upload and upload.filename:
            # read one byte past the limit: enough to refuse a larger file without loading it all
            content = upload.read(EVIDENCE_MAX_BYTES + 1)
            evidence = {"name": upload.filename, "content": content}
        values = {
            "tier_id": KbeServicePortal._kbe_int(post.get("tier_id")),
            "message": post.get("message") or "",
            "agreement": bool(post.get("agreement")),
            "evidence": evidence,
        }
        try:
            request.env["kbe.partner.qualification"]._kbe_portal_apply(values)
        except UserError as error:
            post.pop("csrf_token", None)
            return request.render("crm_kbe.portal_partnership_apply", self._kbe_apply_values(post, error.args[0]))
        return request.redirect("/my/partnership?applied=1")
