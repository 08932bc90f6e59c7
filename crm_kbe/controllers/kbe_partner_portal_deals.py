from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..models.kbe_deal_registration import NAME_MAX, TEXT_MAX
from .kbe_partner_portal import KbePartnerPortal

PORTAL_LIST_LIMIT = 50
FORM_FIELDS = (
    "name",
    "customer_name",
    "contact_name",
    "email",
    "phone",
    "expected_revenue",
    "date_deadline",
    "description",
)


class KbePartnerDealsPortal(KbePartnerPortal):
    """Deal registrations and forwarded leads on "My partnership". Every write goes through one
    checked model method; reading is as the portal user (record rules: own company only)."""

    def _kbe_partnership_values(self, partner, **kw):
        values = super()._kbe_partnership_values(partner, **kw)
        domain = [("partner_id", "=", partner.id)]
        values.update(
            {
                "kbe_deal_registrations": request.env["kbe.deal.registration"].search(domain, limit=PORTAL_LIST_LIMIT),
                "kbe_lead_forwards": request.env["kbe.lead.forward"].search(
                    domain + [("state", "in", ("offered", "accepted"))], limit=PORTAL_LIST_LIMIT
                ),
                "kbe_today": fields.Date.context_today(request.env.user),
            }
        )
        return values

    # ------------------------------------------------------------------ deal registrations

    @http.route("/my/partnership/deals/new", type="http", auth="user", methods=["GET"], website=True)
    def portal_kbe_deal_new(self, **kw):
        return request.render("crm_kbe.portal_kbe_deal_new", self._kbe_deal_form_values({}, None))

    @http.route("/my/partnership/deals/new", type="http", auth="user", methods=["POST"], website=True)
    def portal_kbe_deal_create(self, **post):
        values = {key: post.get(key) for key in FORM_FIELDS}
        values["product_ids"] = request.httprequest.form.getlist("product_ids")
        try:
            registration_sudo = request.env["kbe.deal.registration"]._kbe_portal_register(values)
        except AccessError:
            error = request.env._("Your account cannot register deals: ask your partner manager.")
            return request.render("crm_kbe.portal_kbe_deal_new", self._kbe_deal_form_values(post, error))
        except (UserError, ValidationError) as error:
            return request.render("crm_kbe.portal_kbe_deal_new", self._kbe_deal_form_values(post, error.args[0]))
        return request.redirect(f"/my/partnership/deals/{registration_sudo.id}")

    @http.route("/my/partnership/deals/<int:registration_id>", type="http", auth="user", website=True)
    def portal_kbe_deal(self, registration_id, **kw):
        try:
            registration_sudo = self._document_check_access("kbe.deal.registration", registration_id)
        except (AccessError, MissingError):
            return request.not_found()
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "kbe_partnership_deal", "registration": registration_sudo})
        return request.render("crm_kbe.portal_kbe_deal", values)

    # ------------------------------------------------------------------ forwarded leads

    @http.route(
        "/my/partnership/forwards/<int:forward_id>/<any(accept,decline):answer>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_kbe_forward_answer(self, forward_id, answer, reason=None, **kw):
        forward = request.env["kbe.lead.forward"].browse(forward_id).exists()
        try:
            if not forward:
                raise MissingError(request.env._("This lead does not exist."))
            forward.check_access("read")
        except (AccessError, MissingError):
            return request.not_found()
        try:
            forward._kbe_portal_respond(request.env.user.partner_id, answer == "accept", reason)
        except UserError as error:
            partner = self._kbe_portal_partner()
            values = self._kbe_partnership_values(partner)
            values["kbe_deal_error"] = error.args[0]
            return request.render("crm_kbe.portal_my_partnership", values)
        return request.redirect("/my/partnership#kbe_partnership_deals")

    # ------------------------------------------------------------------ helpers

    def _kbe_deal_form_values(self, post, error):
        partner = self._kbe_portal_partner()
        values = self._prepare_portal_layout_values()
        company = partner.company_id or request.env.user.company_id
        values.update(
            {
                "page_name": "kbe_partnership_deal_new",
                "kbe_partner": partner,
                "error": error,
                "post": post,
                "name_max": NAME_MAX,
                "text_max": TEXT_MAX,
                "selected_product_ids": request.httprequest.form.getlist("product_ids") if post else [],
                "products": request.env["product.product"]
                # sudo: portal users cannot read products; only sellable ones of the company are offered
                .sudo()
                .search([("sale_ok", "=", True), ("company_id", "in", (False, company.id))], limit=200),
            }
        )
        return values
