from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..models.kbe_mdf_request import DESCRIPTION_MAX, NAME_MAX, PROOF_MAX_BYTES, PROOF_MAX_COUNT
from .kbe_partner_portal import KbePartnerPortal


class KbePartnerPortalFunds(KbePartnerPortal):
    """Market development funds and incentive statements on "My partnership": the partner's
    allocations and requests, a form to request funds on its own allocation, and the claim of a
    pre-approved request with its proof. Every write goes through a checked method of
    ``kbe.mdf.request``, as the portal user; the record rules keep the partner to its own."""

    def _kbe_partnership_values(self, partner, **kw):
        values = super()._kbe_partnership_values(partner, **kw)
        env = request.env
        models = ("kbe.mdf.allocation", "kbe.mdf.request", "kbe.incentive.settlement.line")
        allocations, requests, statements = (
            env[model].search([("partner_id", "=", partner.id)]) if env[model].has_access("read") else env[model]
            for model in models
        )
        values.update(
            {
                "kbe_mdf_allocations": allocations,
                "kbe_mdf_requests": requests,
                "kbe_mdf_can_request": any(a.fund_state == "open" and a.remaining_amount > 0 for a in allocations),
                "kbe_incentive_statements": statements.filtered(lambda line: line.settlement_state == "done"),
            }
        )
        return values

    # ------------------------------------------------------------ new request

    @http.route("/my/partnership/funds/request", type="http", auth="user", methods=["GET"], website=True)
    def portal_kbe_mdf_request_new(self, **kw):
        return self._kbe_mdf_render_form({}, [])

    @http.route("/my/partnership/funds/request", type="http", auth="user", methods=["POST"], website=True)
    def portal_kbe_mdf_request_create(self, **post):
        env = request.env
        allocation_id = post.get("allocation_id") or ""
        allocation = env["kbe.mdf.allocation"].browse(int(allocation_id) if allocation_id.isdigit() else [])
        try:
            planned_cost = float(post.get("planned_cost") or "")
        except ValueError:
            return self._kbe_mdf_render_form(post, [env._("The planned cost must be a number.")])
        values = {
            "name": post.get("name", ""),
            "description": post.get("description", ""),
            "planned_cost": planned_cost,
            "date_start": post.get("date_start"),
            "date_end": post.get("date_end"),
        }
        try:
            with env.cr.savepoint():
                new_request = env["kbe.mdf.request"]._kbe_portal_create(allocation, values)
        except (AccessError, MissingError):
            return self._kbe_mdf_render_form(post, [env._("This allocation is not yours.")], status=403)
        except (UserError, ValidationError) as error:
            return self._kbe_mdf_render_form(post, [str(error)])
        return request.redirect(f"/my/partnership/funds/{new_request.id}")

    # ------------------------------------------------------------ a request and its claim

    @http.route("/my/partnership/funds/<int:request_id>", type="http", auth="user", methods=["GET"], website=True)
    def portal_kbe_mdf_request(self, request_id, **kw):
        fund_request = self._kbe_mdf_check_request(request_id)
        if not fund_request:
            return request.not_found()
        return self._kbe_mdf_render_request(fund_request, [])

    @http.route(
        "/my/partnership/funds/<int:request_id>/claim", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_kbe_mdf_claim(self, request_id, **post):
        env = request.env
        fund_request = self._kbe_mdf_check_request(request_id)
        if not fund_request:
            return request.not_found()
        try:
            actual_cost = float(post.get("actual_cost") or "")
        except ValueError:
            return self._kbe_mdf_render_request(fund_request, [env._("The actual cost must be a number.")])
        proofs = []
        for upload in request.httprequest.files.getlist("proof")[: PROOF_MAX_COUNT + 1]:
            if not upload.filename:
                continue
            # read one byte more than allowed: the model refuses what is larger
            proofs.append((upload.filename, upload.read(PROOF_MAX_BYTES + 1), upload.mimetype))
        try:
            with env.cr.savepoint():
                fund_request._kbe_portal_claim(actual_cost, proofs)
        except (UserError, ValidationError) as error:
            return self._kbe_mdf_render_request(fund_request, [str(error)])
        return request.redirect(f"/my/partnership/funds/{fund_request.id}")

    # ------------------------------------------------------------ helpers

    def _kbe_mdf_check_request(self, request_id):
        """The request if the portal user may read it (its company's), else an empty recordset."""
        fund_request = request.env["kbe.mdf.request"].browse(request_id).exists()
        try:
            fund_request.check_access("read")
        except AccessError:
            return request.env["kbe.mdf.request"]
        return fund_request

    def _kbe_mdf_render_form(self, post, errors, status=None):
        partner = self._kbe_portal_partner()
        allocations = request.env["kbe.mdf.allocation"]
        if allocations.has_access("read"):
            allocations = allocations.search([("partner_id", "=", partner.id), ("fund_state", "=", "open")])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kbe_partnership_funds",
                "allocations": allocations,
                "post": post,
                "errors": errors,
                "name_max": NAME_MAX,
                "description_max": DESCRIPTION_MAX,
            }
        )
        response = request.render("crm_kbe.portal_kbe_mdf_request_form", values)
        if status or errors:
            response.status_code = status or 400
        return response

    def _kbe_mdf_render_request(self, fund_request, errors):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kbe_partnership_funds",
                "fund_request": fund_request,
                "errors": errors,
                "proof_max_count": PROOF_MAX_COUNT,
            }
        )
        response = request.render("crm_kbe.portal_kbe_mdf_request", values)
        if errors:
            response.status_code = 400
        return response
