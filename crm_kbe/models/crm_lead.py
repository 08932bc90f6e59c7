import math
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL, email_normalize, email_split, escape_psql, parse_contact_from_email

from .res_partner import COMPANY_SIZES, CONTACT_CHANNELS, CONTACT_TIMES

SALES_STYLES = [
    ("b2b_complex", "B2B complex sale"),
    ("b2c_telesales", "B2C telesales"),
    ("key_account", "Key account"),
    ("channel", "Through a sales partner"),
    ("online", "Online / self-service"),
    ("walk_in", "Walk-in / counter"),
]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The internal memo of the document is Odoo's own ``description`` ("Internal Notes" tab):
    # merged by merge_opportunity, copied to the customer by _prepare_customer_values.

    # profile of the prospect, carried to the customer created from the lead
    kbe_company_size = fields.Selection(COMPANY_SIZES, string="Company Size")
    kbe_preferred_channel = fields.Selection(CONTACT_CHANNELS, string="Preferred Channel")
    kbe_preferred_time = fields.Selection(CONTACT_TIMES, string="Preferred Contact Time")
    kbe_needs = fields.Text(string="Needs and Preferences")

    # revenue and probability as a rep sets them
    kbe_sales_style = fields.Selection(
        SALES_STYLES,
        string="Sales Style",
        compute="_compute_kbe_sales_style",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    kbe_margin_percent = fields.Float(string="Expected Margin (%)", digits=(5, 2), tracking=True)
    kbe_margin_amount = fields.Monetary(
        string="Expected Margin",
        currency_field="company_currency",
        compute="_compute_kbe_margin_amount",
        store=True,
        aggregator="sum",
    )
    kbe_invoice_ids = fields.One2many("account.move", "kbe_opportunity_id", string="Invoices")
    kbe_invoice_count = fields.Integer(string="Invoice Count", compute="_compute_kbe_invoice_count")
    kbe_realized_revenue = fields.Monetary(
        string="Realized Revenue",
        currency_field="company_currency",
        compute="_compute_kbe_realized_revenue",
        store=True,
        aggregator="sum",
        help="Untaxed amount of the posted customer invoices minus credit notes of this opportunity, "
        "in company currency.",
    )
    # the channel partner (reseller, event organiser, agent) who brought the deal: its orders and
    # invoices carry it, and the partner program measures and rewards the partner on them
    kbe_channel_partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('kbe_partner_status', '=', 'active')]",
        help="The channel partner who brought this lead or deal.",
    )
    # set when an order marked the opportunity won, to reopen it if that order is cancelled
    kbe_won_order_id = fields.Many2one("sale.order", string="Won by Order", copy=False, readonly=True)
    kbe_stage_before_won_id = fields.Many2one("crm.stage", string="Stage Before Won", copy=False, readonly=True)

    @api.depends("team_id")
    def _compute_kbe_sales_style(self):
        for lead in self:
            if lead.team_id.kbe_sales_style:
                lead.kbe_sales_style = lead.team_id.kbe_sales_style
            elif not lead.kbe_sales_style:
                lead.kbe_sales_style = "b2b_complex"

    @api.depends("expected_revenue", "kbe_margin_percent")
    def _compute_kbe_margin_amount(self):
        for lead in self:
            lead.kbe_margin_amount = (lead.expected_revenue or 0.0) * (lead.kbe_margin_percent or 0.0) / 100.0

    @api.depends("kbe_invoice_ids")
    def _compute_kbe_invoice_count(self):
        counts = dict(
            self.env["account.move"]._read_group(
                [("kbe_opportunity_id", "in", self._origin.ids), ("move_type", "in", ("out_invoice", "out_refund"))],
                ["kbe_opportunity_id"],
                ["__count"],
            )
        )
        for lead in self:
            lead.kbe_invoice_count = counts.get(lead._origin, 0)

    @api.depends(
        "kbe_invoice_ids.state",
        "kbe_invoice_ids.move_type",
        "kbe_invoice_ids.amount_untaxed_signed",
    )
    def _compute_kbe_realized_revenue(self):
        # amount_untaxed_signed is in company currency and negative on credit notes
        totals = dict(
            self.env["account.move"]._read_group(
                [
                    ("kbe_opportunity_id", "in", self._origin.ids),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                ],
                ["kbe_opportunity_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        for lead in self:
            lead.kbe_realized_revenue = totals.get(lead._origin, 0.0)

    @api.constrains("kbe_margin_percent")
    def _check_kbe_margin_percent(self):
        # expected revenue and probability are Odoo's fields, checked by Odoo: only crm_kbe's own
        # margin is checked here
        for lead in self:
            margin = lead.kbe_margin_percent or 0.0
            if not math.isfinite(margin) or not 0 <= margin <= 100:
                raise ValidationError(
                    self.env._(
                        "The expected margin of “%(lead)s” must be between 0 and 100 %%, not %(value)s.",
                        lead=lead.name,
                        value=margin,
                    )
                )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_kbe_convert(self):
        """Open the KBE conversion wizard on these leads (the form button and the list action)."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Convert to Opportunity"),
            "res_model": "kbe.lead.convert",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_lead_ids": [Command.set(self.ids)],
                "active_model": "crm.lead",
                "active_ids": self.ids,
            },
        }

    def action_kbe_view_invoices(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("account.action_move_out_invoice_type")
        invoices = self.kbe_invoice_ids.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        if len(invoices) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = invoices.id
        return action

    # ------------------------------------------------------------
    # CONVERSION, WON ON ORDER
    # ------------------------------------------------------------

    def _prepare_customer_values(self, partner_name, is_company=False, parent_id=False):
        # carry the prospect's profile to the customer created from it; the memo (description)
        # already goes to the partner's internal notes
        values = super()._prepare_customer_values(partner_name, is_company=is_company, parent_id=parent_id)
        if is_company or not parent_id:
            values.update(
                {
                    "kbe_company_size": self.kbe_company_size,
                    "kbe_needs": self.kbe_needs,
                }
            )
        values.update(
            {
                "kbe_preferred_channel": self.kbe_preferred_channel,
                "kbe_preferred_time": self.kbe_preferred_time,
            }
        )
        return values

    def _kbe_check_convertible(self, merge=False):
        """Refuse, with the reason, leads the conversion wizard must not touch."""
        allowed_companies = self.env.companies
        for lead in self:
            if lead.company_id and lead.company_id not in allowed_companies:
                raise UserError(
                    self.env._(
                        "“%(lead)s” belongs to the company %(company)s, which you are not working in.",
                        lead=lead.name,
                        company=lead.company_id.name,
                    )
                )
            if not lead.active:
                raise UserError(
                    self.env._(
                        "“%(lead)s” is lost or archived: restore it before converting it.",
                        lead=lead.name,
                    )
                )
            if lead.probability == 100:  # what Odoo's convert_opportunity skips
                raise UserError(self.env._("“%(lead)s” is already won.", lead=lead.name))
            if not merge and lead.type == "opportunity":
                raise UserError(self.env._("“%(lead)s” is already an opportunity.", lead=lead.name))

    def _kbe_mark_won_by_order(self, order):
        """Mark these opportunities won because ``order`` was created or confirmed for them."""
        to_win = self.filtered(lambda lead: lead.type == "opportunity" and lead.active and not lead.stage_id.is_won)
        for lead in to_win:
            lead.kbe_stage_before_won_id = lead.stage_id
        to_win.kbe_won_order_id = order
        to_win.action_set_won()
        for lead in to_win:
            lead.message_post(
                body=self.env._("Marked as won by the sales order %(order)s.", order=order._get_html_link()),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return to_win

    def _kbe_reopen_after_cancel(self, cancelled_orders):
        """Reopen opportunities won by an order when none of their orders is left standing."""
        for lead in self.filtered(lambda lead: lead.stage_id.is_won and lead.kbe_won_order_id):
            standing = lead.order_ids.filtered(lambda o: o.state != "cancel") - cancelled_orders
            if standing:
                continue
            stage = lead.kbe_stage_before_won_id
            if not stage or stage.is_won:
                stage = lead._stage_find(domain=[("is_won", "=", False)])
            order = lead.kbe_won_order_id
            lead.write({"stage_id": stage.id, "kbe_won_order_id": False, "kbe_stage_before_won_id": False})
            lead.message_post(
                body=self.env._(
                    "Reopened: the sales order %(order)s that marked it won was cancelled.",
                    order=order._get_html_link(),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    # --- duplicates: Odoo's _get_lead_duplicates, with crm_kbe's criteria added ---

    def _get_lead_duplicates(self, partner=None, email=None, include_lost=False):
        """Odoo matches on e-mail and customer. Called on one lead (crm_kbe's wizard does), this
        also finds the leads with that lead's phone, commercial entity or company name; Odoo's
        own callers use an empty recordset and get Odoo's result unchanged. Like Odoo's, the
        search runs as the current user: only leads they may read."""
        duplicates = super()._get_lead_duplicates(partner=partner, email=email, include_lost=include_lost)
        # crm_kbe's wizard searches its criteria itself, with the count of hidden ones in one query
        own_search = self.env.context.get("kbe_duplicates_own_search")
        domains = self._kbe_duplicate_domains() if len(self) == 1 and not own_search else []
        if not domains:
            return duplicates
        # the same states as Odoo's search above
        if include_lost:
            state = ["|", ("type", "=", "opportunity"), ("active", "=", True)]
        else:
            state = ["&", ("active", "=", True), "|", ("stage_id", "=", False), ("stage_id.is_won", "=", False)]
        domain = expression.AND([expression.OR(domains), state])
        return duplicates | self.with_context(active_test=False).search(domain)

    def _kbe_duplicate_domains(self):
        self.ensure_one()
        domains = []
        if self.phone_sanitized:
            domains.append([("phone_sanitized", "=", self.phone_sanitized)])
        if self.partner_id:
            domains.append([("partner_id", "child_of", self.partner_id.commercial_partner_id.id)])
        if self.partner_name and self.partner_name.strip():
            domains.append([("partner_name", "=ilike", escape_psql(self.partner_name.strip()))])
        return domains

    def _kbe_get_duplicates(self):
        """The likely duplicates of this lead that the current user may read, found as Odoo's
        conversion wizard finds them (lost opportunities included) and by crm_kbe's criteria,
        and how many more the user may not read (a colleague's lead with the same e-mail, phone
        or company), so that the wizard can tell them to ask a manager: ``(leads, count)``.

        Odoo's search (``_get_lead_duplicates``, with what other addons add to it) runs as the
        user; crm_kbe's criteria and the count of hidden matches take one more query."""
        self.ensure_one()
        lead = self._origin
        email = self.partner_id.email or self.email_from
        duplicates = self.with_context(kbe_duplicates_own_search=True)._get_lead_duplicates(
            partner=self.partner_id, email=email, include_lost=True
        )
        domains = self._kbe_duplicate_domains()
        emails = [email_normalize(part) for part in email_split(email)] if email else []
        email_domains = [[("email_normalized", "=", normalized)] for normalized in emails if normalized]
        if not domains and not email_domains:
            return duplicates - lead, 0
        state = ["|", ("type", "=", "opportunity"), ("active", "=", True)]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        # sudo: every match, to count those the user may not read; only the ids the user's own
        # search (record rules applied) also finds leave this method as records
        matches = Lead.sudo()._search(
            expression.AND([expression.OR(domains + email_domains), state, [("id", "!=", lead.id)]])
        )
        lead_id = SQL.identifier(Lead._table, "id")
        if domains:
            visible = Lead._search(expression.AND([expression.OR(domains), state]))
            readable = SQL("%s IN %s", lead_id, visible.subselect())
        else:
            readable = SQL("FALSE")
        rows = self.env.execute_query(matches.select(lead_id, readable))
        duplicates |= Lead.browse(match_id for match_id, is_readable in rows if is_readable)
        hidden = sum(1 for match_id, is_readable in rows if not is_readable and match_id not in duplicates._ids)
        return duplicates - lead, hidden

    # --- conversion: Odoo's steps, batched where Odoo goes lead by lead ---

    def _kbe_convert(self, customer_action="create", partner=None, user=None, team=None):
        """Convert these leads to opportunities through Odoo's own steps, so that what other
        addons add to them applies: the customer by ``_find_matching_partner`` (mass conversion),
        ``_prepare_customer_values`` and ``_handle_partner_assignment``, the conversion by
        ``_convert_opportunity_data``, salesperson and team by ``_handle_salesmen_assignment``.
        ``customer_action`` is create / exist / nothing.

        Where Odoo goes lead by lead, many leads are done in batches: the new customers are
        created together and leads with the same conversion values are written together.
        Nothing reads the probability between these steps, so Odoo's predictive scoring runs once
        for all the changes. A salesperson given many opportunities at once gets one
        notification listing them, not one e-mail each."""
        self._kbe_check_convertible()
        batch = len(self) > 1
        leads = self.with_context(mail_auto_subscribe_no_notify=True) if batch else self
        if customer_action == "exist" and not partner:
            raise UserError(self.env._("Choose the existing customer to link the leads to."))
        if customer_action == "exist":
            leads._handle_partner_assignment(force_partner_id=partner.id, create_missing=False)
        elif customer_action == "create":
            # as in Odoo's wizards, new customers get the salesperson the leads are assigned to
            customer_of = leads.with_context(default_user_id=user.id if user else False)._kbe_find_or_create_customers(
                match_email=batch
            )
            for lead in leads.filtered(lambda lead: lead.partner_id != customer_of[lead]):
                lead.partner_id = customer_of[lead]
            # every lead has its customer by now: Odoo's step (and its extensions) runs on them
            leads._handle_partner_assignment(create_missing=True)
        leads._kbe_convert_opportunities(team)
        # Odoo's step, on the leads whose salesperson or team changes (the others would only be
        # written their own values)
        to_assign = leads.filtered(lambda lead: (user and lead.user_id != user) or (team and lead.team_id != team))
        if to_assign:
            to_assign._handle_salesmen_assignment(
                user_ids=user.ids if user else False, team_id=team.id if team else False
            )
        if batch and user and user != self.env.user:
            self._kbe_notify_assignment(user)
        return self

    def _kbe_convert_opportunities(self, team=None):
        """Odoo's ``convert_opportunity`` in batch. Odoo writes each lead on its own, and its
        check of the next lead reads the probability, which re-runs predictive scoring per lead.
        Here Odoo's ``_convert_opportunity_data`` gives the values of each lead (so that its
        extensions apply), and leads with the same values are written together, after Odoo's
        check (``_kbe_check_convertible``). The team is written with them: the opportunity keeps
        the team the user confirmed in the wizard instead of Odoo recomputing it from the type."""
        leads_by_values = defaultdict(list)
        for lead in self:
            lead_team = team or lead.team_id
            values = lead._convert_opportunity_data(lead.partner_id, team_id=lead_team.id)
            values.setdefault("team_id", lead_team.id)
            leads_by_values[tuple(sorted(values.items()))].append(lead.id)
        for values, lead_ids in leads_by_values.items():
            self.browse(lead_ids).write(dict(values))

    def _kbe_find_or_create_customers(self, match_email=False):
        """The customer of each lead: its own; with ``match_email`` (the mass conversion's "Use
        existing partner or create") the one with its e-mail (``_find_matching_partner``); else a
        new one, created in batch as Odoo's ``_create_customer`` makes them one at a time."""
        customer_of = {lead: lead.partner_id for lead in self}
        missing = self.filtered(lambda lead: not lead.partner_id)
        if match_email:
            customer_of.update({lead: lead._find_matching_partner(email_only=True) for lead in missing})
            missing = missing.filtered(lambda lead: not customer_of[lead])
        customer_of.update(missing._kbe_create_customers())
        return customer_of

    def _kbe_create_customers(self):
        """Create the customers of these leads in one batch per kind, as ``_create_customer``
        makes them one at a time: a company from the company name, a contact (in that company)
        from the contact name or the e-mail, else the company alone, else a contact named after
        the lead; all from ``_prepare_customer_values``. Returns {lead: customer}."""
        # The person converting does not follow every customer created on the way (Odoo would
        # subscribe them to each): the salesperson of each customer does. No "Contact created"
        # note opens each customer's chatter: the opportunity's chatter records the conversion.
        Partner = self.env["res.partner"].with_context(
            {k: v for k, v in self.env.context.items() if k != "default_user_id"},
            mail_create_nosubscribe=True,
            mail_create_nolog=True,
        )

        # the defaults of a new customer depend on the context, not on its values: ask for them
        # once for all (the ORM would ask again for each customer)
        defaults = Partner._add_missing_default_values({}) if self else {}
        # the salesperson is set after creation, with one write per salesperson: they follow all
        # their new customers in one subscription, not one per customer
        salesperson_of = defaultdict(list)

        def create(values_by_lead):
            for lead, values in values_by_lead:
                salesperson_of[values.pop("user_id", False)].append(lead)
            partners = Partner.create([{**defaults, **values} for _lead, values in values_by_lead])
            return dict(zip((lead for lead, _values in values_by_lead), partners, strict=True))

        def contact_name(lead):
            return lead.contact_name or (parse_contact_from_email(lead.email_from)[0] if lead.email_from else False)

        company_of = create(
            [
                (lead, lead._prepare_customer_values(lead.partner_name, is_company=True))
                for lead in self
                if lead.partner_name
            ]
        )
        # Odoo's company sync (res.partner create) reads the commercial fields of each new contact's
        # company, one company at a time (the pricelist is computed for each alone): read them for
        # all the new companies at once, the same values in one batch (for one, there is no batch)
        companies = Partner.browse([company.id for company in company_of.values()])
        for fname in Partner._commercial_fields() if len(companies) > 1 else ():
            companies.mapped(fname)
        contact_of = create(
            [
                (
                    lead,
                    lead._prepare_customer_values(
                        contact_name(lead) or lead.name,
                        is_company=False,
                        parent_id=company_of[lead].id if lead in company_of else False,
                    ),
                )
                for lead in self
                if contact_name(lead) or lead not in company_of
            ]
        )
        for user_id, user_leads in salesperson_of.items():
            if user_id:
                partners = Partner.browse([company_of[lead].id for lead in user_leads if lead in company_of])
                partners |= Partner.browse([contact_of[lead].id for lead in user_leads if lead in contact_of])
                partners.with_context(mail_auto_subscribe_no_notify=True).user_id = user_id
        return {lead: contact_of.get(lead) or company_of[lead] for lead in self}

    def _kbe_notify_assignment(self, user):
        """One message to ``user`` listing the opportunities just assigned to them."""
        links = "".join(f"<li>{lead._get_html_link()}</li>" for lead in self[:50])
        more = self.env._("… and %(count)s more", count=len(self) - 50) if len(self) > 50 else ""
        self.env["mail.thread"].message_notify(
            partner_ids=user.partner_id.ids,
            subject=self.env._("%(count)s opportunities assigned to you", count=len(self)),
            body=Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
            % (
                self.env._("%(user)s converted these leads and assigned them to you:", user=self.env.user.name),
                Markup(links),
                more,
            ),
            model=False,
            res_id=False,
        )

    # --- merge: Odoo's merge_opportunity; crm_kbe's calls move with the rest ---

    def _kbe_merge(self, targets, user=None, team=None):
        """Merge these leads into ``targets`` with Odoo's ``merge_opportunity`` (its rules for
        fields, messages, attachments, meetings and followers), as Odoo's wizard does."""
        self._kbe_check_convertible(merge=True)
        if not targets - self:
            raise UserError(self.env._("Choose the opportunity to merge into."))
        everything = self | targets
        not_writable = everything - everything._filtered_access("write")
        if not_writable:
            raise UserError(
                self.env._(
                    "%(count)s of the records to merge are not yours to change: ask your manager to merge them.",
                    count=len(not_writable),
                )
            )
        result = everything.merge_opportunity(
            user_id=user.id if user else False, team_id=team.id if team else False, auto_unlink=False
        )
        if result.type == "lead":
            result._kbe_convert(customer_action="nothing", user=user, team=team)
        # sudo: as in Odoo's merge, the merged records are removed with full rights; the user
        # may write every one of them (checked above)
        (everything - result).sudo().unlink()
        return result

    def _merge_dependences(self, opportunities):
        """On top of what Odoo moves (messages, attachments, activities, meetings), the calls
        of the merged opportunities move to the result. Followers are Odoo's business."""
        result = super()._merge_dependences(opportunities)
        self._kbe_merge_calls(opportunities)
        return result

    # --- service and support ---
    kbe_ticket_id = fields.Many2one(
        "kbe.ticket", "Service Ticket", index="btree_not_null", copy=False, check_company=True
    )

    def action_kbe_open_ticket(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "kbe.ticket",
            "res_id": self.kbe_ticket_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # CALLS (kbe.call)
    # ------------------------------------------------------------

    kbe_call_ids = fields.One2many("kbe.call", "lead_id", string="Calls")
    kbe_call_count = fields.Integer(string="Call Count", compute="_compute_kbe_call_count")
    kbe_next_call_id = fields.Many2one("kbe.call", string="Next Call", compute="_compute_kbe_next_call")
    kbe_next_call_date = fields.Datetime(string="Next Call On", compute="_compute_kbe_next_call")
    kbe_next_call_subject = fields.Char(string="Next Call Subject", compute="_compute_kbe_next_call")
    kbe_calls_until_won = fields.Integer(
        string="Calls until Won",
        compute="_compute_kbe_calls_until_won",
        store=True,
        aggregator="avg",
        help="Calls held with the customer before the opportunity was won.",
    )

    @api.depends("kbe_call_ids")
    def _compute_kbe_call_count(self):
        counts = dict(self.env["kbe.call"]._read_group([("lead_id", "in", self._origin.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.kbe_call_count = counts.get(lead._origin, 0)

    @api.depends("kbe_call_ids.state", "kbe_call_ids.date_planned", "kbe_call_ids.name")
    @api.depends_context("uid", "allowed_company_ids")  # under the call's record rules: each user their own
    def _compute_kbe_next_call(self):
        # one query for the whole batch: the earliest planned call of each opportunity among those
        # the user may read (``_search`` applies the call's record rules), with its date and its
        # subject, which the pipeline card shows as text (no display name of the calls to build);
        # the cache is filled once per field, no record per card: the pipeline's first load stays
        # within 10 % of Odoo's own card (tools/bench_pipeline_kanban.py)
        Call = self.env["kbe.call"]
        lead_ids = [lead_id for lead_id in self._origin._ids if lead_id]
        next_call = {}
        if lead_ids:
            query = Call._search([("lead_id", "in", lead_ids), ("state", "=", "planned")])
            lead, date, name = (
                Call._field_to_sql(Call._table, fname, query) for fname in ("lead_id", "date_planned", "name")
            )
            call_id = SQL.identifier(Call._table, "id")
            query.order = SQL("%s, %s, %s", lead, date, call_id)
            rows = self.env.execute_query(query.select(SQL("DISTINCT ON (%s) %s", lead, lead), call_id, date, name))
            next_call = {row[0]: row[1:] for row in rows}
        found = [next_call.get(lead_id, (None, None, None)) for lead_id in self._origin._ids]
        for index, fname in enumerate(("kbe_next_call_id", "kbe_next_call_date", "kbe_next_call_subject")):
            self.env.cache.update(self, self._fields[fname], [values[index] for values in found])

    @api.depends("probability", "active", "date_closed", "kbe_call_ids.state", "kbe_call_ids.date_done")
    def _compute_kbe_calls_until_won(self):
        # won as Odoo counts it (a won stage sets the probability to 100): no stage to read
        won = self.filtered(lambda lead: lead._origin.id and lead.active and lead.probability == 100)
        counts = defaultdict(int)
        if won:
            held = (
                self.env["kbe.call"]
                # sudo: a figure of the opportunity, whoever made the calls
                .sudo()
                .search_fetch([("lead_id", "in", won._origin.ids), ("state", "=", "held")], ["lead_id", "date_done"])
            )
            closed_on = {lead._origin: lead.date_closed for lead in won}
            for call in held:
                closed = closed_on.get(call.lead_id)
                if not closed or not call.date_done or call.date_done <= closed:
                    counts[call.lead_id] += 1
        for lead in self:
            lead.kbe_calls_until_won = counts.get(lead._origin, 0) if lead in won else 0

    def action_kbe_view_calls(self):
        """The calls of this opportunity, new ones prefilled from it (purpose = internal memo)."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_call_action")
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_name": self.env._("Call about %(lead)s", lead=self.name),
            "search_default_filter_planned": 0,
        }
        return action

    def _kbe_merge_calls(self, opportunities):
        """The calls of merged opportunities move to the surviving one, with their activities
        (moved by Odoo) and calendar entries."""
        # sudo: the user merging may see the opportunities but not every team-mate's call on them
        calls = self.env["kbe.call"].sudo().search([("lead_id", "in", (opportunities - self).ids)])
        if not calls:
            return
        calls._kbe_move_to_lead(self)
        self.message_post(
            body=self.env._("%(count)s calls moved here by the merge.", count=len(calls)),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
