from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.osv import expression

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

    @api.constrains("probability")
    def _check_kbe_probability(self):
        for lead in self:
            if lead.probability and not 0 <= lead.probability <= 100:
                raise ValidationError(
                    self.env._(
                        "The probability of “%(lead)s” must be between 0 and 100 %%, not %(value)s.",
                        lead=lead.name,
                        value=lead.probability,
                    )
                )

    @api.constrains("expected_revenue", "kbe_margin_percent")
    def _check_kbe_revenue_margin(self):
        for lead in self:
            if (lead.expected_revenue or 0.0) < 0:
                raise ValidationError(
                    self.env._("The expected revenue of “%(lead)s” cannot be negative.", lead=lead.name)
                )
            if not 0 <= (lead.kbe_margin_percent or 0.0) <= 100:
                raise ValidationError(
                    self.env._(
                        "The expected margin of “%(lead)s” must be between 0 and 100 %%, not %(value)s.",
                        lead=lead.name,
                        value=lead.kbe_margin_percent,
                    )
                )

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_kbe_convert(self):
        """Open the KBE conversion wizard on these leads (the form button and the list action)."""
        self.check_access("write")
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_lead_convert_action")
        action["context"] = {
            "default_lead_ids": [Command.set(self.ids)],
            "active_model": "crm.lead",
            "active_ids": self.ids,
        }
        return action

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
            if lead.probability == 100 or lead.stage_id.is_won:
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

    def _kbe_find_duplicates(self):
        """Likely duplicates of this lead: same e-mail, phone, customer or company name."""
        self.ensure_one()
        domains = []
        if self.email_normalized:
            domains.append([("email_normalized", "=", self.email_normalized)])
        if self.phone_sanitized:
            domains.append([("phone_sanitized", "=", self.phone_sanitized)])
        if self.partner_id:
            domains.append([("partner_id", "child_of", self.partner_id.commercial_partner_id.id)])
        if self.partner_name:
            domains.append([("partner_name", "=ilike", self.partner_name.strip())])
        if not domains:
            return self.browse()
        domain = expression.AND(
            [
                expression.OR(domains),
                [("id", "!=", self._origin.id), ("probability", "<", 100)],
                ["|", ("active", "=", True), ("type", "=", "opportunity")],
            ]
        )
        return self.with_context(active_test=False).search(domain, limit=20)

    def _kbe_create_customers(self):
        """Give every lead without a customer one: the customer whose e-mail matches, else a new
        company (from the company name) and contact, created in one batch per kind."""
        # The person converting does not follow every customer created on the way (Odoo would
        # subscribe them to each). The salesperson is set after creation, with one write per
        # salesperson, so that they follow all their new customers in one batch.
        context = {k: v for k, v in self.env.context.items() if k != "default_user_id"}
        Partner = self.env["res.partner"].with_context(context, mail_create_nosubscribe=True)
        leads = self.filtered(lambda lead: not lead.partner_id)
        emails = {lead.email_normalized for lead in leads if lead.email_normalized}
        by_email = {}
        if emails:
            for partner in Partner.search([("email_normalized", "in", list(emails))], order="id"):
                by_email.setdefault(partner.email_normalized, partner)
        matched = {lead: by_email[lead.email_normalized] for lead in leads if lead.email_normalized in by_email}
        to_create = leads.filtered(lambda lead: lead not in matched)
        salesperson_of = {}

        def create(values_by_lead):
            values_list = []
            for lead, values in values_by_lead:
                salesperson_of.setdefault(values.pop("user_id", False), []).append(lead)
                values_list.append(values)
            return Partner.create(values_list)

        with_company = to_create.filtered("partner_name")
        companies = create(
            [(lead, lead._prepare_customer_values(lead.partner_name, is_company=True)) for lead in with_company]
        )
        company_of = dict(zip(with_company, companies, strict=True))
        contact_leads = to_create.filtered(lambda lead: lead.contact_name or not lead.partner_name)
        contacts = create(
            [
                (
                    lead,
                    lead._prepare_customer_values(
                        lead.contact_name or lead.name,
                        is_company=False,
                        parent_id=company_of[lead].id if lead in company_of else False,
                    ),
                )
                for lead in contact_leads
            ]
        )
        contact_of = dict(zip(contact_leads, contacts, strict=True))
        for user_id, user_leads in salesperson_of.items():
            if user_id:
                created = Partner.browse([company_of[lead].id for lead in user_leads if lead in company_of])
                created |= Partner.browse([contact_of[lead].id for lead in user_leads if lead in contact_of])
                created.with_context(mail_auto_subscribe_no_notify=True).user_id = user_id
        customer_of = {**company_of, **contact_of, **matched}
        for lead in leads:
            lead.partner_id = customer_of[lead]

    def _kbe_convert(self, customer_action="create", partner=None, user=None, team=None):
        """Convert leads to opportunities in batch: one write per target stage, whatever the
        number of leads. ``customer_action`` is create / exist / nothing.

        A salesperson given many opportunities at once gets one notification listing them,
        not one e-mail per opportunity and per customer created for it."""
        self._kbe_check_convertible()
        batch = len(self) > 1
        leads = self.with_context(mail_auto_subscribe_no_notify=True) if batch else self
        if customer_action == "exist":
            if not partner:
                raise UserError(self.env._("Choose the existing customer to link the leads to."))
            leads.partner_id = partner
        elif customer_action == "create":
            leads.with_context(default_user_id=(user or self.env["res.users"]).id or False)._kbe_create_customers()
        common = {"type": "opportunity", "date_conversion": self.env.cr.now()}
        if user:
            common["user_id"] = user.id
        if team:
            common["team_id"] = team.id
        # group by the stage each lead lands in: a lead keeps its stage, else its team's first
        by_stage = {}
        stage_of_team = {}
        for lead in leads:
            stage = lead.stage_id
            if not stage:
                lead_team = team or lead.team_id
                if lead_team not in stage_of_team:
                    stage_of_team[lead_team] = self._stage_find(team_id=lead_team.id)
                stage = stage_of_team[lead_team]
            by_stage.setdefault(stage, leads.browse())
            by_stage[stage] |= lead
        for stage, stage_leads in by_stage.items():
            stage_leads.write(dict(common, stage_id=stage.id))
        if batch and user and user != self.env.user:
            self._kbe_notify_assignment(user)
        return self

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

    def _kbe_merge(self, targets, user=None, team=None):
        """Merge these leads into ``targets`` (opportunities), keeping everything."""
        self._kbe_check_convertible(merge=True)
        if not targets - self:
            raise UserError(self.env._("Choose the opportunity to merge into."))
        everything = self | targets
        result = everything.merge_opportunity(
            user_id=user.id if user else False, team_id=team.id if team else False, auto_unlink=False
        )
        if result.type == "lead":
            result._kbe_convert(customer_action="nothing", user=user, team=team)
        # merge_opportunity kept what it needs on the head: the others are removed as the
        # user who could see them (same as Odoo's merge)
        (everything - result).sudo().unlink()
        return result

    def _merge_dependences(self, opportunities):
        """Nothing is lost in a merge: on top of Odoo's messages, attachments, activities and
        meetings, every follower of the merged records follows the result (Odoo keeps only those
        who wrote in the last 30 days)."""
        result = super()._merge_dependences(opportunities)
        self._kbe_merge_calls(opportunities)
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", opportunities.ids)])
        )
        # one subscription per set of subtypes, not one per follower
        existing = set(self.message_follower_ids.partner_id.ids)
        partners_by_subtypes = {}
        for follower in followers:
            if follower.partner_id.id not in existing:
                existing.add(follower.partner_id.id)
                partners_by_subtypes.setdefault(tuple(follower.subtype_ids.ids), []).append(follower.partner_id.id)
        for subtype_ids, partner_ids in partners_by_subtypes.items():
            self._message_subscribe(partner_ids=partner_ids, subtype_ids=list(subtype_ids))
        return result

    # --- service and support ---
    kbe_ticket_id = fields.Many2one("kbe.ticket", "Service Ticket", index="btree_not_null", copy=False)

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

    @api.depends("kbe_call_ids.state", "kbe_call_ids.date_planned")
    def _compute_kbe_next_call(self):
        # one search for the whole batch, the earliest planned call of each opportunity first; it
        # fetches the subject too, which the pipeline card shows (no second query for the names)
        Call = self.env["kbe.call"]
        next_call = {}
        if self._origin.ids:
            planned = Call.search_fetch(
                [("lead_id", "in", self._origin.ids), ("state", "=", "planned")],
                ["lead_id", "date_planned", "name"],
                order="date_planned, id",
            )
            for call in planned:
                next_call.setdefault(call.lead_id.id, call)
        without_call = []
        for lead in self:
            call = next_call.get(lead._origin.id)
            if call:
                lead.kbe_next_call_id = call
                lead.kbe_next_call_date = call.date_planned
            else:
                without_call.append(lead.id)
        # one assignment for all the opportunities without a planned call
        without_call = self.browse(without_call)
        without_call.kbe_next_call_id = Call
        without_call.kbe_next_call_date = False

    @api.depends(
        "stage_id.is_won", "probability", "active", "date_closed", "kbe_call_ids.state", "kbe_call_ids.date_done"
    )
    def _compute_kbe_calls_until_won(self):
        won = self.filtered(
            lambda lead: lead._origin.id and lead.active and (lead.stage_id.is_won or lead.probability == 100)
        )
        counts = defaultdict(int)
        if won:
            # sudo: a figure of the opportunity, whoever made the calls
            held = (
                self.env["kbe.call"]
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
        calls.with_context(kbe_call_sync=True).write({"lead_id": self.id})
        lead_model = self.env["ir.model"]._get_id(self._name)
        calls.calendar_event_id.with_context(kbe_call_sync=True).write({"res_model_id": lead_model, "res_id": self.id})
        calls.activity_id.with_context(kbe_call_sync=True).write({"res_model_id": lead_model, "res_id": self.id})
        self.message_post(
            body=self.env._("%(count)s calls moved here by the merge.", count=len(calls)),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
