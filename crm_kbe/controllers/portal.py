import base64

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import plaintext2html

SUBJECT_MAX = 200
# record ids are PostgreSQL integers
MAX_RECORD_ID = 2**31 - 1
DESCRIPTION_MAX = 10000
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
TICKETS_PER_PAGE = 20


class KbeServicePortal(CustomerPortal):
    """Service tickets and knowledge articles under "My account"."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "kbe_ticket_count" in counters:
            Ticket = request.env["kbe.ticket"]
            values["kbe_ticket_count"] = Ticket.search_count([]) if Ticket.has_access("read") else 0
        return values

    # ------------------------------------------------------------------ tickets

    @http.route(["/my/tickets", "/my/tickets/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_tickets(self, page=1, filterby="open", **kw):
        Ticket = request.env["kbe.ticket"]
        filters = {
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
            "all": {"label": request.env._("All"), "domain": []},
        }
        if filterby not in filters:
            filterby = "open"
        domain = filters[filterby]["domain"]
        count = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/tickets",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=TICKETS_PER_PAGE,
        )
        tickets = Ticket.search(domain, order="id desc", limit=TICKETS_PER_PAGE, offset=pager["offset"])
        request.session["my_kbe_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets,
                "page_name": "kbe_ticket",
                "pager": pager,
                "default_url": "/my/tickets",
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("crm_kbe.portal_my_tickets", values)

    @http.route("/my/tickets/<int:ticket_id>", type="http", auth="public", website=True)
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access("kbe.ticket", ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {"page_name": "kbe_ticket", "ticket": ticket_sudo},
            "my_kbe_tickets_history",
            False,
            **kw,
        )
        partner = request.env.user.partner_id
        if (
            ticket_sudo.is_closed
            and not request.env.user._is_public()
            and partner.commercial_partner_id == ticket_sudo.commercial_partner_id
            and not ticket_sudo.rating_last_value
        ):
            # sudo record: the customer's read access was checked above; the token lets them rate once
            values["rating_token"] = ticket_sudo._rating_get_access_token(partner)
        return request.render("crm_kbe.portal_my_ticket", values)

    @http.route("/my/tickets/new", type="http", auth="user", methods=["GET"], website=True)
    def portal_ticket_new(self, **kw):
        return request.render("crm_kbe.portal_ticket_new", self._kbe_ticket_form_values({}, []))

    @http.route("/my/tickets/new", type="http", auth="user", methods=["POST"], website=True)
    def portal_ticket_create(self, **post):
        files = [f for f in request.httprequest.files.getlist("attachments") if f and f.filename]
        errors, values = self._kbe_validate_ticket_form(post, files)
        if errors:
            return request.render("crm_kbe.portal_ticket_new", self._kbe_ticket_form_values(post, errors))
        user = request.env.user
        # sudo: portal customers cannot read teams; the company's portal team (or its first team) takes them
        team = user.company_id.sudo().kbe_portal_team_id or (
            # sudo: same reason, the company's first team
            request.env["kbe.service.team"].sudo().search([("company_id", "=", user.company_id.id)], limit=1)
        )
        values.update(
            {
                "partner_id": user.partner_id.id,
                "channel": "portal",
                "company_id": user.company_id.id,
                "team_id": team.id,
            }
        )
        # sudo: portal customers have no create right on tickets; the customer is forced to themselves
        ticket = request.env["kbe.ticket"].sudo().with_context(mail_create_nosubscribe=True).create(values)
        if files:
            attachments = (
                request.env["ir.attachment"]
                # sudo: the files go on the ticket just created for this customer, checked for size above
                .sudo()
                .create(
                    [
                        {
                            "name": f.filename,
                            "datas": base64.b64encode(f.read()),
                            "res_model": "kbe.ticket",
                            "res_id": ticket.id,
                        }
                        for f in files
                    ]
                )
            )
            ticket.message_post(
                body=request.env._("Attachments sent with the ticket."),
                attachment_ids=attachments.ids,
                author_id=user.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return request.redirect(f"/my/tickets/{ticket.id}")

    @http.route("/my/tickets/<int:ticket_id>/close", type="http", auth="user", methods=["POST"], website=True)
    def portal_ticket_close(self, ticket_id, **kw):
        ticket = self._kbe_check_ticket(ticket_id)
        # sudo: customers cannot write tickets; they may only close those of their company
        ticket.sudo()._kbe_close_by_customer(request.env.user.partner_id)
        return request.redirect(f"/my/tickets/{ticket.id}")

    @http.route("/my/tickets/<int:ticket_id>/reopen", type="http", auth="user", methods=["POST"], website=True)
    def portal_ticket_reopen(self, ticket_id, **kw):
        ticket = self._kbe_check_ticket(ticket_id)
        # sudo: customers cannot write tickets; they may only reopen those of their company
        ticket.sudo()._kbe_reopen_by_customer(request.env.user.partner_id)
        return request.redirect(f"/my/tickets/{ticket.id}")

    # ------------------------------------------------------------------ knowledge base

    @http.route(["/my/knowledge", "/my/knowledge/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_knowledge(self, page=1, search=None, **kw):
        Article = request.env["kbe.knowledge.article"]
        domain = [("is_published", "=", True)]
        if search:
            domain += ["|", ("name", "ilike", search), ("keywords", "ilike", search)]
        count = Article.search_count(domain)
        pager = portal_pager(url="/my/knowledge", url_args={"search": search}, total=count, page=page, step=20)
        articles = Article.search(domain, limit=20, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({"articles": articles, "pager": pager, "page_name": "kbe_knowledge", "search": search})
        return request.render("crm_kbe.portal_my_knowledge", values)

    @http.route("/my/knowledge/<int:article_id>", type="http", auth="user", website=True)
    def portal_knowledge_article(self, article_id, **kw):
        article = request.env["kbe.knowledge.article"].browse(article_id).exists()
        if not article or not article.has_access("read") or not article.is_published:
            return request.redirect("/my/knowledge")
        values = self._prepare_portal_layout_values()
        values.update({"article": article, "page_name": "kbe_knowledge"})
        return request.render("crm_kbe.portal_knowledge_article", values)

    # ------------------------------------------------------------------ helpers

    def _kbe_portal_product_domain(self):
        """The products a customer may name on a ticket: sellable ones of their company (or shared)."""
        return [("sale_ok", "=", True), ("company_id", "in", (False, request.env.user.company_id.id))]

    def _kbe_check_ticket(self, ticket_id):
        """The ticket, as the logged-in customer reads it; raises when they may not."""
        ticket = request.env["kbe.ticket"].browse(ticket_id).exists()
        if not ticket:
            raise MissingError(request.env._("This ticket does not exist."))
        ticket.check_access("read")
        return ticket

    def _kbe_ticket_form_values(self, post, errors):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kbe_ticket_new",
                "ticket_types": request.env["kbe.ticket.type"].search([]),
                "products": request.env["product.product"]
                # sudo: portal customers cannot read products; only sellable ones are offered
                .sudo()
                .search(self._kbe_portal_product_domain()),
                "errors": errors,
                "post": post,
                "subject_max": SUBJECT_MAX,
                "description_max": DESCRIPTION_MAX,
            }
        )
        return values

    def _kbe_validate_ticket_form(self, post, files):
        """Errors (a list of sentences) and the ticket values of the portal form."""
        errors = []
        subject = (post.get("subject") or "").strip()
        description = (post.get("description") or "").strip()
        if not subject:
            errors.append(request.env._("Give your ticket a subject."))
        elif len(subject) > SUBJECT_MAX:
            errors.append(request.env._("The subject is too long (at most %(max)s characters).", max=SUBJECT_MAX))
        if not description:
            errors.append(request.env._("Describe your request."))
        elif len(description) > DESCRIPTION_MAX:
            errors.append(
                request.env._("The description is too long (at most %(max)s characters).", max=DESCRIPTION_MAX)
            )
        ticket_type = request.env["kbe.ticket.type"]
        if post.get("type_id"):
            ticket_type = ticket_type.browse(self._kbe_int(post["type_id"])).exists()
            if not ticket_type:
                errors.append(request.env._("Choose a ticket type from the list."))
        product = request.env["product.product"]
        if post.get("product_id"):
            # sudo: portal customers cannot read products; only sellable ones are accepted
            product = product.sudo().search(
                [("id", "=", self._kbe_int(post["product_id"])), *self._kbe_portal_product_domain()], limit=1
            )
            if not product:
                errors.append(request.env._("Choose a product from the list."))
        if len(files) > ATTACHMENT_MAX_COUNT:
            errors.append(request.env._("Attach at most %(max)s files.", max=ATTACHMENT_MAX_COUNT))
        for f in files:
            f.seek(0, 2)
            size = f.tell()
            f.seek(0)
            if size > ATTACHMENT_MAX_BYTES:
                errors.append(request.env._("The file %(name)s is larger than 10 MB.", name=f.filename))
        values = {
            "name": subject,
            # the customer's text is escaped (plaintext2html): any HTML in it is shown, never run
            "description": plaintext2html(description),
            "type_id": ticket_type.id or False,
            "product_id": product.id or False,
        }
        return errors, values

    @staticmethod
    def _kbe_int(value):
        """The record id typed in a form, or 0 for anything that is not one (text, a negative
        number, a number past the database's ids)."""
        try:
            number = int(value)
        except (TypeError, ValueError):
            return 0
        return number if 0 < number <= MAX_RECORD_ID else 0
