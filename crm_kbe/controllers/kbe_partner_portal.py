from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.http import request


class KbePartnerPortal(CustomerPortal):
    """ "My partnership" on the portal: what a channel partner's contacts see of the partner
    program. Each area of the program adds its section to the page (``_kbe_partnership_values``
    and the template ``crm_kbe.portal_my_partnership``) and its own routes under /my/partnership/.

    Everything is read as the portal user: the record rules of each model keep a partner to its
    own records (its commercial entity's)."""

    def _kbe_portal_partner(self):
        """The channel partner the logged-in user works for: their commercial entity."""
        return request.env.user.partner_id.commercial_partner_id

    def _kbe_partnership_values(self, partner, **kw):
        """The values of the "My partnership" page; areas add theirs (call super first)."""
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "kbe_partnership", "kbe_partner": partner})
        return values

    @http.route("/my/partnership", type="http", auth="user", website=True)
    def portal_my_partnership(self, **kw):
        partner = self._kbe_portal_partner()
        return request.render("crm_kbe.portal_my_partnership", self._kbe_partnership_values(partner, **kw))
