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
# the kinds of file customers may send: documents, spreadsheets, pictures, text
ATTACHMENT_EXTENSIONS = frozenset(
    ("pdf", "png", "jpg", "jpeg", "gif", "txt", "csv", "doc", "docx", "xls", "xlsx", "odt", "ods")
)
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
        return self._kbe_render_ticket(ticket_sudo, access_token, [], **kw)

    @http.route("/my/tickets/<int:ticket_id>/attachments", type="http", auth="user", methods=["POST"], website=True)
    def portal_ticket_attach(self, ticket_id, **kw):
        ticket = self._kbe_check_ticket(ticket_id)
        files = [f for f in request.httprequest.files.getlist("attachments") if f and f.filename]
        errors = self._kbe_check_files(files)
        if not files:
            errors.append(request.env._("Choose at least one file to send."))
        if errors:
            # sudo: the customer's read access was checked above; the page shows what they may see
            return self._kbe_render_ticket(ticket.sudo(), None, errors)
        # sudo: customers cannot write tickets; the files go on their own company's ticket, checked above
        self._kbe_post_files(ticket.sudo(), files, request.env._("Files sent by the customer."))
        return request.redirect(f"/my/tickets/{ticket.id}#kbe_ticket_attachments")

    def _kbe_render_ticket(self, ticket_sudo, access_token, errors, **kw):
        """The customer's ticket page, with the errors of a refused upload if any."""
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {
                "page_name": "kbe_ticket",
                "ticket": ticket_sudo,
                "attachments": self._kbe_ticket_attachments(ticket_sudo),
                "errors": errors,
                "attachment_max_count": ATTACHMENT_MAX_COUNT,
                "attachment_extensions": ", ".join(sorted(ATTACHMENT_EXTENSIONS)),
            },
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
        team = values.pop("team")  # chosen on the form and checked above, or none
        # sudo: portal customers cannot read teams; the company's portal team (or its first team) takes them
        team = team or user.company_id.sudo().kbe_portal_team_id
        Team = request.env["kbe.service.team"]
        # sudo: same reason, the company's first team
        team = team or Team.sudo().search([("company_id", "=", user.company_id.id)], limit=1)
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
            self._kbe_post_files(ticket, files, request.env._("Attachments sent with the ticket."))
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

    def _kbe_check_files(self, files):
        """Sentences saying what is wrong with the files a customer sends (count, size, kind)."""
        errors = []
        if len(files) > ATTACHMENT_MAX_COUNT:
            errors.append(request.env._("Attach at most %(max)s files.", max=ATTACHMENT_MAX_COUNT))
        for f in files:
            f.seek(0, 2)
            size = f.tell()
            f.seek(0)
            if size > ATTACHMENT_MAX_BYTES:
                errors.append(request.env._("The file %(name)s is larger than 10 MB.", name=f.filename))
            extension = f.filename.rpartition(".")[2].lower() if "." in f.filename else ""
            if extension not in ATTACHMENT_EXTENSIONS:
                errors.append(
                    request.env._(
                        "The file %(name)s is not of an accepted kind (%(kinds)s).",
                        name=f.filename,
                        kinds=", ".join(sorted(ATTACHMENT_EXTENSIONS)),
                    )
                )
        return errors

    def _kbe_post_files(self, ticket_sudo, files, body):
        """Post the customer's files on the ticket as a message of theirs, visible to them and the agents
        (the caller checked the customer's access and the files)."""
        partner = request.env.user.partner_id
        ticket_sudo.message_post(
            body=body,
            # created by message_post on the ticket: Odoo links no existing attachment for a portal user
            attachments=[(f.filename, f.read()) for f in files],
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _kbe_ticket_attachments(self, ticket_sudo):
        """The files the customer may see on the ticket: those of its public messages (their own and
        the agents' replies), never those of internal notes nor files only attached to the ticket."""
        Message = request.env["mail.message"]
        messages = (
            # sudo: the caller checked the customer's access to the ticket; only public messages are kept
            Message.sudo().search(
                [
                    ("model", "=", "kbe.ticket"),
                    ("res_id", "=", ticket_sudo.id),
                    ("message_type", "in", ("comment", "email", "email_outgoing")),
                    ("is_internal", "=", False),
                    "|",
                    ("subtype_id", "=", False),
                    ("subtype_id.internal", "=", False),
                ]
            )
        )
        attachments = messages.attachment_ids.sorted("id")
        attachments.generate_access_token()
        return attachments

    def _kbe_portal_teams(self):
        """The teams a customer may choose on the portal: none unless their company allows it."""
        company = request.env.user.company_id
        # sudo: portal customers cannot read companies' settings nor teams; only the portal-visible
        # teams of their own company are offered
        if not company.sudo().kbe_portal_team_choice:
            return request.env["kbe.service.team"]
        Team = request.env["kbe.service.team"]
        return (
            # sudo: same reason
            Team.sudo().search([("company_id", "=", company.id), ("portal_visible", "=", True)])
        )

    def _kbe_ticket_form_values(self, post, errors):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "kbe_ticket_new",
                "teams": self._kbe_portal_teams(),
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
        team = request.env["kbe.service.team"]
        teams = self._kbe_portal_teams()
        if teams and post.get("team_id"):
            team = teams.filtered(lambda t: t.id == self._kbe_int(post["team_id"]))
            if not team:
                errors.append(request.env._("Choose a service team from the list."))
        errors += self._kbe_check_files(files)
        values = {
            "team": team,
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
