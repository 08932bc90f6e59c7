import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, html2plaintext, is_html_empty

TICKET_PRIORITIES = [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")]
TICKET_CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("web", "Web form"),
    ("walk_in", "Walk-in"),
]
ROOT_CAUSES = [
    ("product", "Product defect"),
    ("delivery", "Delivery or logistics"),
    ("quality", "Food quality"),
    ("service", "Service or staff"),
    ("billing", "Billing"),
    ("usage", "Usage question"),
    ("customer", "Solved by the customer"),
    ("other", "Other"),
]
SLA_STATUS = [("on_time", "On time"), ("at_risk", "At risk"), ("failed", "Failed")]
WORD_RE = re.compile(r"\w{4,}", re.UNICODE)
# the longest reply a portal customer may post on a ticket, in characters of text
PORTAL_REPLY_MAX = 10000


class KbeTicket(models.Model):
    _name = "kbe.ticket"
    _description = "Service Ticket"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin", "rating.mixin"]
    _order = "priority desc, id desc"
    _rec_names_search = ["name", "number", "partner_id.name"]
    _primary_email = "partner_email"
    _mail_post_access = "read"
    _check_company_auto = True

    # identity
    number = fields.Char("Reference", readonly=True, copy=False, index=True, default="/")
    name = fields.Char("Subject", required=True, tracking=True, index="trigram")
    description = fields.Html()
    active = fields.Boolean(default=True)
    color = fields.Integer(groups="base.group_user")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    # customer
    partner_id = fields.Many2one("res.partner", "Customer", tracking=True, index=True, check_company=True)
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer Company", store=True, index=True
    )
    partner_email = fields.Char(
        "Customer E-mail", compute="_compute_partner_email", store=True, readonly=False, precompute=True
    )
    partner_phone = fields.Char(related="partner_id.phone", string="Customer Phone")
    # classification
    type_id = fields.Many2one(
        "kbe.ticket.type", tracking=True, index=True, default=lambda self: self._default_type_id()
    )
    is_complaint = fields.Boolean(related="type_id.is_complaint", store=True)
    priority = fields.Selection(TICKET_PRIORITIES, default="1", required=True, tracking=True, index=True)
    channel = fields.Selection(TICKET_CHANNELS, default="phone", required=True)
    tag_ids = fields.Many2many("kbe.ticket.tag", string="Tags", groups="base.group_user")
    product_id = fields.Many2one("product.product", check_company=True)
    sale_order_id = fields.Many2one(
        "sale.order",
        "Sales Order",
        check_company=True,
        domain="[('partner_id', 'child_of', commercial_partner_id)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')),"
        " ('partner_id', 'child_of', commercial_partner_id)]",
    )
    # handling
    team_id = fields.Many2one("kbe.service.team", "Service Team", tracking=True, index=True, check_company=True)
    user_id = fields.Many2one(
        "res.users",
        "Assigned to",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    stage_id = fields.Many2one(
        "kbe.ticket.stage",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
        domain="['|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, index=True)
    date_open = fields.Datetime("Opened On", default=fields.Datetime.now, readonly=True, copy=False, index=True)
    date_assigned = fields.Datetime("Assigned On", readonly=True, copy=False, groups="base.group_user")
    date_first_response = fields.Datetime("First Response On", readonly=True, copy=False, groups="base.group_user")
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False, index=True)
    resolution = fields.Html("Resolution Notes", copy=False, groups="base.group_user")
    root_cause = fields.Selection(ROOT_CAUSES, copy=False, tracking=True, groups="base.group_user")
    # SLA
    sla_ids = fields.One2many("kbe.ticket.sla", "ticket_id", "SLAs", copy=False, groups="base.group_user")
    sla_status = fields.Selection(
        SLA_STATUS, "SLA Status", compute="_compute_sla", store=True, index=True, groups="base.group_user"
    )
    sla_response_deadline = fields.Datetime(
        "Respond Before", compute="_compute_sla", store=True, groups="base.group_user"
    )
    sla_resolution_deadline = fields.Datetime(
        "Resolve Before", compute="_compute_sla", store=True, groups="base.group_user"
    )
    # links
    service_order_ids = fields.One2many("kbe.service.order", "ticket_id", "Service Orders", groups="base.group_user")
    service_order_count = fields.Integer(compute="_compute_service_order_count", groups="base.group_user")
    article_ids = fields.Many2many(
        "kbe.knowledge.article",
        "kbe_ticket_article_rel",
        "ticket_id",
        "article_id",
        string="Solved by Articles",
        copy=False,
        groups="base.group_user",
    )
    suggested_article_ids = fields.Many2many(
        "kbe.knowledge.article",
        string="Suggested Articles",
        compute="_compute_suggested_article_ids",
        groups="base.group_user",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        "Upsell Opportunity",
        copy=False,
        index="btree_not_null",
        check_company=True,
        groups="base.group_user",
    )

    # ------------------------------------------------------------------ defaults, computes

    @api.model
    def _default_type_id(self):
        return self.env["kbe.ticket.type"].search([], limit=1).id

    @api.depends("partner_id")
    def _compute_partner_email(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.partner_email = ticket.partner_id.email

    @api.depends("team_id")
    def _compute_stage_id(self):
        Team = self.env["kbe.service.team"]
        stages_by_team = {}
        for ticket in self:
            if ticket.is_closed and ticket.stage_id:
                continue
            stages = stages_by_team.get(ticket.team_id.id)
            if stages is None:
                stages = stages_by_team[ticket.team_id.id] = Team._kbe_stages_for_teams(ticket.team_id).filtered(
                    lambda stage: not stage.is_closed
                )
            if not ticket.stage_id or ticket.stage_id not in stages:
                ticket.stage_id = stages[:1]

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        teams = self.env["kbe.service.team"].browse(team_id) if team_id else self.env["kbe.service.team"]
        return stages | self.env["kbe.service.team"]._kbe_stages_for_teams(teams)

    @api.depends("sla_ids.status", "sla_ids.deadline", "sla_ids.kind", "sla_ids.reached_date")
    def _compute_sla(self):
        """The SLA summary, read with the query the scheduled update writes it with (one query)."""
        ids = [ticket._origin.id for ticket in self if ticket._origin.id]
        rows = {}
        if ids:
            self.env["kbe.ticket.sla"].flush_model(["ticket_id", "status", "deadline", "kind", "reached_date"])
            rows = {row[0]: row[1:] for row in self.env.execute_query(self._kbe_sla_summary_sql(ids))}
        for ticket in self:
            status, response, resolution = rows.get(ticket._origin.id, (False, False, False))
            ticket.sla_status = status
            ticket.sla_response_deadline = response
            ticket.sla_resolution_deadline = resolution

    def _compute_service_order_count(self):
        groups = self.env["kbe.service.order"]._read_group([("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"])
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.service_order_count = counts.get(ticket.id, 0)

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"
        return res

    @api.depends("name", "type_id", "product_id")
    def _compute_suggested_article_ids(self):
        """Articles for the ticket's type, product or subject words: one search for the whole batch."""
        Article = self.env["kbe.knowledge.article"]
        words_by_ticket = {ticket.id: {w.lower() for w in WORD_RE.findall(ticket.name or "")} for ticket in self}
        all_words = set().union(*words_by_ticket.values()) if words_by_ticket else set()
        domains = []
        if self.type_id:
            domains.append([("ticket_type_ids", "in", self.type_id.ids)])
        if self.product_id:
            domains.append([("product_ids", "in", self.product_id.product_tmpl_id.ids)])
        domains += [[("name", "ilike", word)] for word in sorted(all_words)]
        domains += [[("keywords", "ilike", word)] for word in sorted(all_words)]
        candidates = Article.search(expression.OR(domains), limit=200) if domains else Article
        for ticket in self:
            words = words_by_ticket[ticket.id]
            scored = []
            for article in candidates:
                score = 0
                if ticket.type_id and ticket.type_id in article.ticket_type_ids:
                    score += 3
                if ticket.product_id and ticket.product_id.product_tmpl_id in article.product_ids:
                    score += 3
                text = f"{article.name} {article.keywords or ''}".lower()
                score += sum(1 for word in words if word in text)
                if score and article not in ticket.article_ids:
                    scored.append((-score, article.id))
            ticket.suggested_article_ids = [article_id for __, article_id in sorted(scored)[:5]]

    # ------------------------------------------------------------------ constraints, CRUD

    @api.constrains("name")
    def _check_name(self):
        for ticket in self:
            if not (ticket.name or "").strip():
                raise UserError(self.env._("A ticket needs a subject."))

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        sequence_of = {}  # the company's ticket sequence, looked up once per batch
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                if company not in sequence_of:
                    # what next_by_code looks up for each number
                    Sequence = self.env["ir.sequence"]
                    Sequence.check_access("read")
                    sequence_of[company] = Sequence.search(
                        [("code", "=", "kbe.ticket"), ("company_id", "in", [company.id, False])],
                        order="company_id",
                        limit=1,
                    )
                sequence = sequence_of[company]
                vals["number"] = sequence.with_company(company)._next() if sequence else self.env._("New")
            if vals.get("user_id"):
                vals["date_assigned"] = now
        tickets = super().create(vals_list)
        tickets._kbe_auto_assign()
        tickets._kbe_sla_apply()
        # the customer follows their tickets: one subscription per customer, not per ticket
        for partner, partner_tickets in tickets.filtered("partner_id").grouped("partner_id").items():
            partner_tickets.message_subscribe(partner.ids)
        return tickets

    def write(self, vals):
        if vals.get("user_id"):
            vals["date_assigned"] = fields.Datetime.now()
        closing = reopening = pausing = unpausing = self.browse()
        if "stage_id" in vals:
            stage = self.env["kbe.ticket.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                closing = self.filtered(lambda t: not t.is_closed)
                missing = closing.filtered(lambda t: not (vals.get("root_cause") or t.root_cause))
                if missing:
                    raise UserError(
                        self.env._(
                            "Set a root cause before closing %(tickets)s.",
                            tickets=", ".join(missing.mapped("number")),
                        )
                    )
                vals["date_closed"] = fields.Datetime.now()
            else:
                reopening = self.filtered("is_closed")
                if reopening:
                    vals["date_closed"] = False
                # a stage where the ticket waits for the customer stops its SLA clocks
                pausing = self.filtered(lambda t: stage.sla_pause and (t.is_closed or not t.stage_id.sla_pause))
                unpausing = self.filtered(lambda t: not stage.sla_pause and t.stage_id.sla_pause and not t.is_closed)
        res = super().write(vals)
        if closing or reopening or pausing or unpausing:
            self._kbe_sla_stage_changed(closing, reopening, pausing, unpausing)
        if closing:
            closing.filtered(lambda t: not t.date_first_response).date_first_response = fields.Datetime.now()
            closing._kbe_send_rating_request()
        if {"team_id", "priority", "type_id", "partner_id"} & set(vals):
            self._kbe_sla_apply()
        return res

    # ------------------------------------------------------------------ mail gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to a team's alias: a ticket for the sender, created as a contact if unknown."""
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and msg_dict.get("email_from"):
            partner = self.env["res.partner"].find_or_create(msg_dict["email_from"])
            msg_dict["author_id"] = partner.id
        values.setdefault("name", (msg_dict.get("subject") or "").strip() or self.env._("No subject"))
        values.setdefault("channel", "email")
        values.setdefault("partner_id", partner.id)
        if msg_dict.get("body") and not is_html_empty(msg_dict["body"]):
            values.setdefault("description", msg_dict["body"])
        ticket = super().message_new(msg_dict, custom_values=values)
        cc_partners = self.env["mail.thread"]._mail_find_partner_from_emails(
            ticket._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).keys(), records=ticket, force_create=False
        )
        ticket.message_subscribe([p.id for p in cc_partners if p])
        return ticket

    def message_update(self, msg_dict, update_vals=None):
        """A customer's reply threads into the ticket; on a closed ticket it reopens it. A reply
        from someone who is neither of the customer's company, a follower nor an employee (a
        forwarded thread, a stranger) lands on the ticket as an internal note: the customer is not
        sent it, and its sender gets no access to the ticket."""
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if self._kbe_is_known_correspondent(author):
            # whom a party copies follows the ticket (a stranger cannot add followers)
            partners = self.env["mail.thread"]._mail_find_partner_from_emails(
                self._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).keys(), records=self, force_create=False
            )
            self.message_subscribe([p.id for p in partners if p])
        else:
            msg_dict["is_internal"] = True
        res = super().message_update(msg_dict, update_vals=update_vals)
        if author and author.commercial_partner_id in self.commercial_partner_id:
            self.filtered("is_closed")._kbe_reopen()
        return res

    def message_post(self, **kwargs):
        # portal customers reply through the chatter's /mail/message/post: keep a reply to a size
        # an agent can read (employees and the mail gateway are not limited)
        if self.env.user.share:
            body = kwargs.get("body") or ""
            if len(html2plaintext(body) if body else "") > PORTAL_REPLY_MAX:
                raise UserError(
                    self.env._(
                        "Your reply is too long: keep it under %(max)s characters, or attach a file.",
                        max=PORTAL_REPLY_MAX,
                    )
                )
        return super().message_post(**kwargs)

    def _kbe_is_known_correspondent(self, author):
        """Whether ``author`` (a partner, possibly empty) may write to these tickets as a party."""
        if not author:
            return False
        if author.user_ids and not author.user_ids[:1].share:
            return True  # an employee
        return all(
            author.commercial_partner_id == ticket.commercial_partner_id or author in ticket.message_partner_ids
            for ticket in self
        )

    def _message_post_after_hook(self, message, msg_vals):
        # an employee's public reply is the first response the SLA counts
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and message.author_id.user_ids
            and not message.author_id.user_ids[:1].share
        ):
            pending = self.filtered(lambda t: not t.date_first_response)
            if pending:
                # sudo: any employee who may post may stamp the first response and its SLA
                pending.sudo().date_first_response = message.date
                # sudo: the first-response SLA line follows the same stamp
                pending.sla_ids.sudo().filtered(lambda sla: sla.kind == "response")._kbe_reach(message.date)
        return super()._message_post_after_hook(message, msg_vals)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id and self.partner_id not in self.message_partner_ids:
            self._message_add_suggested_recipient(recipients, partner=self.partner_id, reason=self.env._("Customer"))
        return recipients

    def _rating_get_parent_field_name(self):
        return "team_id"

    # ------------------------------------------------------------------ actions

    def action_take(self):
        """Assign the tickets to me. Two agents taking the same ticket at once: the row lock makes
        the second wait for the first, and then refuses (a ticket someone else holds is reassigned
        by a manager, not taken)."""
        self.check_access("write")
        if not self:
            return True
        self.flush_recordset(["user_id"])
        self.env.cr.execute(SQL("SELECT id FROM kbe_ticket WHERE id IN %s FOR UPDATE", tuple(self.ids)))
        self.invalidate_recordset(["user_id"])
        held = self.filtered(lambda ticket: ticket.user_id and ticket.user_id != self.env.user)
        if held and not self.env.user.has_group("crm_kbe.group_service_manager"):
            raise UserError(
                self.env._(
                    "%(ticket)s is already assigned to %(user)s: ask them or a service manager to hand it over.",
                    ticket=held[0].display_name,
                    user=held[0].user_id.name,
                )
            )
        self.write({"user_id": self.env.uid})
        return True

    def action_close(self):
        self.check_access("write")
        for team, tickets in self.filtered(lambda t: not t.is_closed).grouped("team_id").items():
            stage = self.env["kbe.service.team"]._kbe_stages_for_teams(team).filtered("is_closed")[:1]
            if not stage:
                raise UserError(self.env._("No closing stage is configured for this team."))
            tickets.write({"stage_id": stage.id})
        return True

    def action_reopen(self):
        self.check_access("write")
        self._kbe_reopen()
        return True

    def action_link_article(self, article_id):
        """Record that an article solved these tickets."""
        self.check_access("write")
        article = self.env["kbe.knowledge.article"].browse(article_id).exists()
        if not article:
            raise UserError(self.env._("This article does not exist any more."))
        article.check_access("read")
        for ticket in self.filtered(lambda t, a=article: a not in t.article_ids):
            ticket.article_ids = [fields.Command.link(article.id)]
            ticket.message_post(
                body=Markup("%s <b>%s</b>") % (self.env._("Solved with the article"), article.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_create_service_order(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_service_order_action")
        action.update(
            {
                "views": [(False, "form")],
                "view_mode": "form",
                "context": {
                    "default_ticket_id": self.id,
                    "default_name": self.name,
                    "default_user_id": self.user_id.id or self.env.uid,
                },
            }
        )
        return action

    def action_open_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_kbe.kbe_service_order_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id, "default_name": self.name}
        return action

    def action_open_ratings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("rating.rating_rating_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id), ("consumed", "=", True)]
        action["context"] = {}
        return action

    def action_create_opportunity(self):
        """Turn the ticket into an upsell opportunity for sales, linked both ways."""
        self.ensure_one()
        self.check_access("write")
        if self.lead_id:
            raise UserError(self.env._("This ticket already has an upsell opportunity."))
        if not self.partner_id:
            raise UserError(self.env._("Set the customer before creating an opportunity."))
        lead = (
            self.env["crm.lead"]
            # sudo: service agents hand the opportunity to sales without being salesmen themselves
            .sudo()
            .create(
                {
                    "name": self.env._("Upsell: %(subject)s", subject=self.name),
                    "type": "opportunity",
                    "partner_id": self.partner_id.id,
                    "user_id": self.commercial_partner_id.user_id.id or False,
                    "company_id": self.company_id.id,
                    "description": self.description,
                    "kbe_ticket_id": self.id,
                }
            )
        )
        self.lead_id = lead
        self.message_post(
            body=Markup("%s <b>%s</b>") % (self.env._("Upsell opportunity created:"), lead.name),
            subtype_xmlid="mail.mt_note",
        )
        if not self.env["crm.lead"].has_access("read"):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------ helpers

    def _kbe_auto_assign(self):
        todo = self.filtered(lambda t: t.team_id and not t.user_id and not t.is_closed)
        by_user = {}
        for team, tickets in todo.grouped("team_id").items():
            for ticket, user in zip(tickets, team._kbe_pick_assignees(len(tickets)), strict=True):
                if user:
                    by_user[user] = by_user.get(user, self.browse()) | ticket
        for user, tickets in by_user.items():
            tickets.write({"user_id": user.id})

    def _kbe_reopen(self):
        closed = self.filtered("is_closed")
        for team, tickets in closed.grouped("team_id").items():
            stage = self.env["kbe.service.team"]._kbe_stages_for_teams(team).filtered(lambda s: not s.is_closed)[:1]
            tickets.write({"stage_id": stage.id})

    def _kbe_check_own_ticket(self, partner):
        """Customers close and reopen the tickets they opened, not their colleagues'."""
        for ticket in self:
            if ticket.partner_id != partner:
                raise UserError(
                    self.env._(
                        "Only %(contact)s, who opened %(ticket)s, can close or reopen it.",
                        contact=ticket.partner_id.name,
                        ticket=ticket.display_name,
                    )
                )

    def _kbe_close_by_customer(self, partner):
        """The customer closes the ticket from the portal (the caller checked their access)."""
        self._kbe_check_own_ticket(partner)
        for ticket in self.filtered(lambda t: not t.is_closed):
            ticket.message_post(
                body=self.env._("Closed by the customer."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            ticket.write({"root_cause": ticket.root_cause or "customer"})
            ticket.action_close()

    def _kbe_reopen_by_customer(self, partner):
        """The customer reopens the ticket from the portal (the caller checked their access)."""
        self._kbe_check_own_ticket(partner)
        for ticket in self.filtered("is_closed"):
            ticket.message_post(
                body=self.env._("Reopened by the customer."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            ticket._kbe_reopen()

    def _kbe_send_rating_request(self):
        for ticket in self.filtered(lambda t: t.partner_id and t.stage_id.rating_template_id):
            # sudo: the rating request is sent on behalf of the company, whoever closes the ticket
            ticket.sudo().rating_send_request(ticket.stage_id.rating_template_id, force_send=False)

    def _kbe_sla_stage_changed(self, closing, reopening, pausing, unpausing):
        """Closing reaches the SLAs, reopening does what their policies say, a waiting stage
        pauses and resumes their clocks (the caller checked the user may change the tickets)."""
        now = fields.Datetime.now()
        # sudo: SLA lines are measured by the system, never edited by hand, whoever moves the ticket
        lines_sudo = self.sla_ids.sudo()
        if closing:
            lines_sudo.filtered(lambda sla: sla.ticket_id in closing)._kbe_reach(now)
        if reopening:
            lines_sudo.filtered(lambda sla: sla.ticket_id in reopening)._kbe_reopen(now)
        if unpausing:
            lines_sudo.filtered(lambda sla: sla.ticket_id in unpausing and sla.date_paused)._kbe_resume(now)
        if pausing:
            lines_sudo.filtered(lambda sla: sla.ticket_id in pausing)._kbe_pause(now)

    def _kbe_sla_apply(self):
        """Create the SLA targets that apply to these tickets; targets no longer applying are
        removed and those whose policy changed follow it (counted from where their clock
        started), unless they are already reached or failed (history stays)."""
        SlaLine = self.env["kbe.ticket.sla"]
        # sudo: SLA lines follow the policies of the team, whoever edits the ticket
        policies = self.env["kbe.sla.policy"].sudo().search([("team_id", "in", self.team_id.ids)])
        now = fields.Datetime.now()
        to_create, to_unlink, to_update = [], SlaLine, {}
        dates = {}  # tickets opened together on one team's hours share their deadlines
        for ticket in self:
            open_lines = ticket.sla_ids.filtered(lambda sla: sla.status in ("ongoing", "at_risk"))
            done_keys = {(sla.policy_id.id, sla.kind) for sla in ticket.sla_ids if sla.status in ("reached", "failed")}
            wanted = (
                policies.filtered(lambda p, t=ticket: p.team_id == t.team_id and p._matches(t))
                if not ticket.is_closed
                else policies.browse()
            )
            start = ticket.date_open or now
            calendar = ticket.team_id.resource_calendar_id
            wanted_keys = set()
            for policy in wanted:
                for kind, hours in (("response", policy.response_hours), ("resolution", policy.resolution_hours)):
                    if hours <= 0 or (policy.id, kind) in done_keys:
                        continue
                    if kind == "response" and ticket.date_first_response:
                        continue
                    wanted_keys.add((policy.id, kind))
                    current = open_lines.filtered(lambda sla, p=policy, k=kind: sla.policy_id == p and sla.kind == k)
                    target = (hours, policy.name, policy.at_risk_percent)
                    if current:
                        line = current[0]
                        to_unlink |= current[1:]
                        if (line.target_hours, line.name, line.at_risk_percent) != target:
                            to_update[line] = (calendar, target)
                        continue
                    key = (calendar.id, start, hours, policy.at_risk_percent)
                    if key not in dates:
                        dates[key] = SlaLine._kbe_plan(calendar, start, hours, 0.0, policy.at_risk_percent)
                    at_risk, deadline = dates[key]
                    to_create.append(
                        {
                            "ticket_id": ticket.id,
                            "policy_id": policy.id,
                            "name": policy.name,
                            "kind": kind,
                            "target_hours": hours,
                            "at_risk_percent": policy.at_risk_percent,
                            "date_start": start,
                            "date_at_risk": at_risk,
                            "deadline": deadline,
                        }
                    )
            to_unlink |= open_lines.filtered(lambda sla, keys=wanted_keys: (sla.policy_id.id, sla.kind) not in keys)
        # sudo: SLA lines are bookkeeping derived from the tickets the caller just changed; agents
        # only read them
        if to_unlink:
            to_unlink.sudo().unlink()  # sudo: as above
        if to_update:
            self._kbe_sla_follow_policies(to_update, now)
        if to_create:
            created = SlaLine.sudo().create(to_create)  # sudo: as above
            SlaLine._kbe_update_status(now, created.ids)
            created._kbe_log("started", now)

    def _kbe_sla_follow_policies(self, to_update, now):
        """Running SLA lines (keys of ``to_update``) take their policy's new target
        ``(hours, name, at-risk %)``, still counted from where their clock started."""
        lines = self.env["kbe.ticket.sla"].concat(*to_update).sudo()  # sudo: as in _kbe_sla_apply
        before = {line.id: line.deadline for line in lines}
        for line in lines:
            calendar, (hours, name, percent) = to_update[line]
            at_risk, deadline = line._kbe_plan(calendar, line.date_start, hours, line.used_hours, percent)
            line.write(
                {
                    "target_hours": hours,
                    "name": name,
                    "at_risk_percent": percent,
                    "date_at_risk": at_risk,
                    "deadline": deadline,
                }
            )
        lines._kbe_update_status(now, lines.ids)
        lines._kbe_log("updated", now, before=before)

    @api.model
    def _kbe_sla_summary_sql(self, ticket_ids):
        """THE rule of a ticket's SLA summary: failed if any target failed, else at risk if any is,
        else on time; the earliest unreached deadline of each kind."""
        return SQL(
            """
            SELECT ticket_id,
                   CASE WHEN bool_or(status = 'failed') THEN 'failed'
                        WHEN bool_or(status = 'at_risk') THEN 'at_risk'
                        ELSE 'on_time' END,
                   MIN(deadline) FILTER (WHERE kind = 'response' AND reached_date IS NULL),
                   MIN(deadline) FILTER (WHERE kind = 'resolution' AND reached_date IS NULL)
              FROM kbe_ticket_sla
             WHERE ticket_id = ANY(%(ids)s)
          GROUP BY ticket_id
            """,
            ids=list(ticket_ids),
        )

    @api.model
    def _kbe_update_sla_status_sql(self, ticket_ids):
        """Write the stored SLA summary of these tickets in one query (after an SLA status update)."""
        fnames = ["sla_status", "sla_response_deadline", "sla_resolution_deadline"]
        self.flush_model(fnames)  # what the ORM still has to write must not overwrite this update
        self.env.cr.execute(
            SQL(
                """
                UPDATE kbe_ticket t
                   SET sla_status = agg.status,
                       sla_response_deadline = agg.response,
                       sla_resolution_deadline = agg.resolution
                  FROM (%(summary)s) AS agg(ticket_id, status, response, resolution)
                 WHERE t.id = agg.ticket_id
                """,
                summary=self._kbe_sla_summary_sql(ticket_ids),
            )
        )
        self.invalidate_model(fnames)
        # what depends on the summary (the calls to return, ordered by SLA deadline) follows
        self.browse(ticket_ids).modified(fnames)

    def _kbe_portal_description(self):
        """Plain text of the description, for the portal list."""
        return html2plaintext(self.description or "")
