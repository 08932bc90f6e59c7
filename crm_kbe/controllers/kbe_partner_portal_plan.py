from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from .kbe_partner_portal import KbePartnerPortal


class KbePartnerPortalPlan(KbePartnerPortal):
    """ "My partnership": the partner's business plan, its goals and progress, the agreement, and
    the latest scorecard. Read as the portal user: the record rules keep a partner to its own
    plans and scorecards."""

    def _kbe_partnership_values(self, partner, **kw):
        values = super()._kbe_partnership_values(partner, **kw)
        values.update(
            {
                "kbe_plan": self._kbe_current_plan(partner),
                "kbe_plan_error": kw.get("kbe_plan_error"),
                "kbe_scorecard": self._kbe_latest_scorecard(partner),
            }
        )
        return values

    def _kbe_current_plan(self, partner):
        """The plan of the period that includes today, else the latest one not closed."""
        plans = request.env["kbe.partner.plan"].search(
            [("partner_id", "=", partner.id), ("state", "!=", "closed")], order="date_from desc"
        )
        today = fields.Date.context_today(plans)
        return plans.filtered(lambda plan: plan.date_from <= today <= plan.date_to)[:1] or plans[:1]

    def _kbe_latest_scorecard(self, partner):
        Scorecard = request.env["kbe.partner.scorecard"]
        domain = [("partner_id", "=", partner.id)]
        return Scorecard.search(domain + [("period_kind", "=", "quarter")], order="date_from desc", limit=1) or (
            Scorecard.search(domain, order="date_to desc", limit=1)
        )

    @http.route("/my/partnership/plan/<int:plan_id>/agree", type="http", auth="user", methods=["POST"], website=True)
    def portal_partnership_plan_agree(self, plan_id, **kw):
        plan = request.env["kbe.partner.plan"].browse(plan_id).exists()
        if not plan:
            raise NotFound()
        if not plan.has_access("read"):
            raise Forbidden()
        try:
            plan.action_kbe_portal_agree()
        except (UserError, AccessError) as error:
            values = self._kbe_partnership_values(self._kbe_portal_partner(), kbe_plan_error=error.args[0])
            return request.render("crm_kbe.portal_my_partnership", values)
        return request.redirect("/my/partnership#kbe_partnership_plan")
