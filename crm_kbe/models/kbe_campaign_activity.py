import base64
import csv
import io
import math
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

CAMPAIGN_CHANNELS = [
    ("email", "E-mail"),
    ("newsletter", "Newsletter"),
    ("telemarketing", "Telemarketing"),
    ("direct_mail", "Direct Mail"),
    ("web", "Web"),
]
# the UTM medium each channel's leads, orders and invoices carry (xml ids)
CHANNEL_MEDIUMS = {
    "email": "utm.utm_medium_email",
    "newsletter": "crm_kbe.utm_medium_newsletter",
    "telemarketing": "crm_kbe.utm_medium_telemarketing",
    "direct_mail": "crm_kbe.utm_medium_direct_mail",
    "web": "utm.utm_medium_website",
}
# which segment members a channel reaches
CHANNEL_REACH = {"email": "email", "newsletter": "email", "telemarketing": "phone", "direct_mail": "post"}
# the call outcomes that count as a response (and may become a lead)
POSITIVE_CALL_OUTCOMES = ("interested", "info_sent", "ordered")
# the figures of an activity, as the campaign analysis (kbe.campaign.report) sums them
FIGURES = (
    "targeted",
    "reached",
    "responded",
    "lead_count",
    "opportunity_count",
    "won_count",
    "won_revenue",
    "invoiced_revenue",
)
# the most a cost may be: more is a typing mistake
MAX_COST = 1e13
CSV_COLUMNS = ("name", "street", "street2", "zip", "city", "state", "country", "reply_code")


class KbeCampaignActivity(models.Model):
    """One channel activity of a campaign: a mass mailing, a call list, a direct-mail run or a
    set of tracked web links, over the campaign's target segments. Each activity has its own UTM
    source: the leads, orders and invoices it brings carry the campaign, the channel's medium and
    that source, which is how the evaluation attributes them."""

    _name = "kbe.campaign.activity"
    _description = "Campaign Channel Activity"
    _inherit = ["mail.thread"]
    _order = "date_planned, id"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, tracking=True)
    campaign_id = fields.Many2one("utm.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    channel = fields.Selection(CAMPAIGN_CHANNELS, required=True, tracking=True)
    segment_ids = fields.Many2many(
        "kbe.segment",
        "kbe_campaign_activity_segment_rel",
        "activity_id",
        "segment_id",
        string="Segments",
        check_company=True,
        compute="_compute_segment_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    medium_id = fields.Many2one(
        "utm.medium",
        compute="_compute_medium_id",
        store=True,
        readonly=False,
        precompute=True,
        ondelete="restrict",
    )
    source_id = fields.Many2one(
        "utm.source",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="Created with the activity: its leads, orders and invoices carry it.",
    )
    date_planned = fields.Datetime(string="Planned On", tracking=True)
    date_end = fields.Datetime(string="Until", help="Telemarketing: the calls are spread up to this date.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("scheduled", "Scheduled"),
            ("running", "Running"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
    )
    # what each channel works through (filled by the channel's step)
    mailing_id = fields.Many2one("mailing.mailing", copy=False, index="btree_not_null")
    mailing_list_ids = fields.Many2many(
        "mailing.list",
        "kbe_campaign_activity_mailing_list_rel",
        "activity_id",
        "list_id",
        string="Mailing Lists",
        help="Newsletter: the lists it goes to; the segments' e-mail members are added to a list of the activity.",
    )
    team_id = fields.Many2one("crm.team", string="Call Team", check_company=True)
    call_ids = fields.One2many("kbe.call", "kbe_campaign_activity_id", string="Calls")
    recipient_ids = fields.One2many("kbe.campaign.recipient", "activity_id", string="Direct-Mail Recipients")
    link_ids = fields.One2many("link.tracker", "kbe_campaign_activity_id", string="Tracked Links")
    link_url = fields.Char(string="Landing Page", help="Web: the page the tracked links lead to.")
    # figures (from the campaign analysis)
    targeted = fields.Integer(compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    reached = fields.Integer(compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    responded = fields.Integer(compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    lead_count = fields.Integer(string="Leads", compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    opportunity_count = fields.Integer(
        string="Opportunities", compute="_compute_figures", groups="crm_kbe.group_marketing_user"
    )
    won_count = fields.Integer(string="Won", compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    won_revenue = fields.Monetary(compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    invoiced_revenue = fields.Monetary(compute="_compute_figures", groups="crm_kbe.group_marketing_user")
    roi = fields.Float(
        string="ROI (%)",
        compute="_compute_figures",
        groups="crm_kbe.group_marketing_user",
        help="(Won revenue − cost) / cost; empty without a cost.",
    )
    call_count = fields.Integer(compute="_compute_channel_counts")
    recipient_count = fields.Integer(compute="_compute_channel_counts")
    link_count = fields.Integer(compute="_compute_channel_counts")

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("campaign_id")
    def _compute_segment_ids(self):
        for activity in self:
            if not activity.segment_ids and activity.campaign_id.kbe_segment_ids:
                activity.segment_ids = activity.campaign_id.kbe_segment_ids

    @api.depends("channel")
    def _compute_medium_id(self):
        for activity in self:
            if activity.channel:
                activity.medium_id = self.env.ref(CHANNEL_MEDIUMS[activity.channel], raise_if_not_found=False)

    def _compute_figures(self):
        figures = self.env["kbe.campaign.report"]._kbe_figures("activity_id", self.ids)
        for activity in self:
            values = figures.get(activity.id, {})
            for name in FIGURES:
                activity[name] = values.get(name, 0)
            activity.roi = _roi(activity.won_revenue, activity.cost)

    @api.depends("call_ids", "recipient_ids", "link_ids")
    def _compute_channel_counts(self):
        counts = {}
        for model, field in (
            ("kbe.call", "kbe_campaign_activity_id"),
            ("kbe.campaign.recipient", "activity_id"),
            ("link.tracker", "kbe_campaign_activity_id"),
        ):
            counts[model] = dict(self.env[model]._read_group([(field, "in", self.ids)], [field], ["__count"]))
        for activity in self:
            activity.call_count = counts["kbe.call"].get(activity, 0)
            activity.recipient_count = counts["kbe.campaign.recipient"].get(activity, 0)
            activity.link_count = counts["link.tracker"].get(activity, 0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("cost")
    def _check_cost(self):
        for activity in self:
            if not math.isfinite(activity.cost) or not 0 <= activity.cost <= MAX_COST:
                raise ValidationError(
                    self.env._("The cost of “%(activity)s” must be a positive amount.", activity=activity.name)
                )

    @api.constrains("date_planned", "date_end")
    def _check_dates(self):
        for activity in self:
            if activity.date_planned and activity.date_end and activity.date_end < activity.date_planned:
                raise ValidationError(self.env._("“%(activity)s” must end after it starts.", activity=activity.name))

    @api.constrains("campaign_id", "company_id")
    def _check_campaign_company(self):
        for activity in self:
            if activity.campaign_id.company_id and activity.campaign_id.company_id != activity.company_id:
                raise ValidationError(
                    self.env._(
                        "“%(activity)s” belongs to the company of its campaign, %(company)s.",
                        activity=activity.name,
                        company=activity.campaign_id.company_id.name,
                    )
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            _check_amount(self.env, vals, "cost")
        without_source = [vals for vals in vals_list if not vals.get("source_id")]
        if without_source:
            campaigns = self.env["utm.campaign"].browse([vals.get("campaign_id") for vals in without_source])
            wanted = [
                f"{campaign.title or campaign.name} – {vals.get('name')}"
                for campaign, vals in zip(campaigns, without_source, strict=True)
            ]
            names = self.env["utm.mixin"]._get_unique_names("utm.source", wanted)
            sources = self.env["utm.source"].create([{"name": name} for name in names])
            for vals, source in zip(without_source, sources, strict=True):
                vals["source_id"] = source.id
        return super().create(vals_list)

    def write(self, vals):
        _check_amount(self.env, vals, "cost")
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS: state
    # ------------------------------------------------------------

    def action_schedule(self):
        self._kbe_move_state(("draft",), "scheduled")

    def action_start(self):
        self._kbe_move_state(("draft", "scheduled"), "running")

    def action_done(self):
        self._kbe_move_state(("scheduled", "running"), "done")

    def action_cancel(self):
        self._kbe_move_state(("draft", "scheduled", "running"), "cancel")

    def action_draft(self):
        self._kbe_move_state(("cancel",), "draft")

    # ------------------------------------------------------------
    # ACTIONS: e-mail and newsletter
    # ------------------------------------------------------------

    def action_kbe_prepare_mailing(self):
        """Create the activity's mass mailing (or refresh its recipients while it is a draft):
        e-mail to the segments' members reachable by e-mail, personalised with the customer's
        name, salesperson and last product; a newsletter to mailing lists. The user sends it with
        the mailing's own Send button."""
        self._kbe_check_changeable()
        self.ensure_one()
        if self.channel not in ("email", "newsletter"):
            raise UserError(self.env._("Only an e-mail or newsletter activity has a mailing."))
        if self.mailing_id and self.mailing_id.state != "draft":
            raise UserError(self.env._("The mailing of “%(activity)s” is already sent.", activity=self.name))
        values = self._kbe_mailing_values()
        if self.mailing_id:
            self.mailing_id.write({key: values[key] for key in ("mailing_domain", "contact_list_ids") if key in values})
        else:
            self.mailing_id = self.env["mailing.mailing"].create(values)
        if self.state == "draft":
            self.state = "scheduled"
        return self.action_view_mailing()

    def action_view_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
            "name": self.env._("Mailing"),
        }

    # ------------------------------------------------------------
    # ACTIONS: telemarketing
    # ------------------------------------------------------------

    def action_kbe_create_calls(self):
        """One planned call per member of the segments reachable by phone, spread over the call
        team's members from the planned date to the end date, each carrying the campaign and the
        activity (crm_kbe's call lists do the work and skip opt-outs and calls already planned)."""
        self._kbe_check_changeable()
        self.ensure_one()
        if self.channel != "telemarketing":
            raise UserError(self.env._("Only a telemarketing activity makes calls."))
        if not self.team_id:
            raise UserError(self.env._("Choose the team that makes the calls of “%(activity)s”.", activity=self.name))
        agents = self.team_id.member_ids or self.team_id.user_id
        date_start = self.date_planned or fields.Datetime.now()
        date_end = self.date_end or date_start + timedelta(days=5)
        partners = self._kbe_members("phone")
        if not partners:
            raise UserError(self.env._("No member of the segments can be reached by phone."))
        calls, skipped = (
            self.env["kbe.call"]
            .with_company(self.company_id)
            ._kbe_create_call_list(
                partners,
                agents,
                date_start,
                date_end,
                {
                    "name": self.name,
                    "team_id": self.team_id.id,
                    "campaign_id": self.campaign_id.id,
                    "kbe_campaign_activity_id": self.id,
                    "direction": "outbound",
                },
            )
        )
        if self.state in ("draft", "scheduled"):
            self.state = "running"
        self.message_post(
            body=self.env._(
                "%(created)s calls planned, %(skipped)s members skipped.",
                created=len(calls),
                skipped=sum(len(records) for records in skipped.values()),
            )
        )
        return self.action_view_calls()

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_call_action")
        action["domain"] = [("kbe_campaign_activity_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_kbe_leads_from_calls(self):
        """A lead for each held call of the activity with a positive outcome and no opportunity
        yet, carrying the campaign and the call's summary, for the customer's salesperson."""
        self._kbe_check_changeable()
        self.ensure_one()
        self._kbe_leads_from_calls()
        return self.action_view_leads()

    # ------------------------------------------------------------
    # ACTIONS: direct mail
    # ------------------------------------------------------------

    def action_kbe_prepare_recipients(self):
        """A recipient row with its reply code for each member of the segments with a postal
        address who has none yet; running it again adds only the new members."""
        self._kbe_check_changeable()
        self.ensure_one()
        if self.channel != "direct_mail":
            raise UserError(self.env._("Only a direct-mail activity has letters to print."))
        partners = self._kbe_members("post") - self.recipient_ids.partner_id
        self.env["kbe.campaign.recipient"].create([{"activity_id": self.id, "partner_id": p.id} for p in partners])
        if self.state == "draft":
            self.state = "scheduled"
        return self.action_view_recipients()

    def action_view_recipients(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm_kbe.kbe_campaign_recipient_action")
        action["domain"] = [("activity_id", "=", self.id)]
        action["context"] = {"default_activity_id": self.id}
        return action

    def action_kbe_print_letters(self):
        self._kbe_check_changeable()
        return self.recipient_ids.action_print_letters()

    def action_kbe_print_labels(self):
        self._kbe_check_changeable()
        return self.recipient_ids.action_print_labels()

    def action_kbe_export_csv(self):
        """The recipients' addresses and reply codes as a CSV file for a mailing house, attached
        to the activity."""
        self._kbe_check_changeable()
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.source_id.name or self.name}.csv",
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "text/csv",
                "datas": base64.b64encode(self._kbe_recipients_csv().encode("utf-8-sig")),
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    # ------------------------------------------------------------
    # ACTIONS: web
    # ------------------------------------------------------------

    def action_kbe_create_link(self):
        """A tracked link to the landing page carrying the campaign, the medium and the
        activity's source: its short URL goes into ads, social posts or the website."""
        self._kbe_check_changeable()
        self.ensure_one()
        self._kbe_create_link()
        return self.action_view_links()

    def action_view_links(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "link.tracker",
            "view_mode": "list,form",
            "domain": [("kbe_campaign_activity_id", "=", self.id)],
            "context": {
                "default_kbe_campaign_activity_id": self.id,
                "default_campaign_id": self.campaign_id.id,
                "default_medium_id": self.medium_id.id,
                "default_source_id": self.source_id.id,
                "default_url": self.link_url,
            },
            "name": self.env._("Tracked Links"),
        }

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_all_leads")
        action["domain"] = [("campaign_id", "=", self.campaign_id.id), ("source_id", "=", self.source_id.id)]
        action["context"] = {"active_test": False, "create": False}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _kbe_check_changeable(self):
        """Public actions change the activity: the caller must be allowed to."""
        self.check_access("write")
        closed = self.filtered(lambda a: a.state in ("done", "cancel"))
        if closed:
            raise UserError(self.env._("“%(activity)s” is closed.", activity=closed[0].name))

    def _kbe_move_state(self, from_states, to_state):
        self.check_access("write")
        wrong = self.filtered(lambda a: a.state not in from_states)
        if wrong:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "“%(activity)s” is %(state)s: it cannot become %(new)s.",
                    activity=wrong[0].name,
                    state=states[wrong[0].state],
                    new=states[to_state],
                )
            )
        self.state = to_state

    def _kbe_leads_from_calls(self):
        calls = self.call_ids.filtered(
            lambda c: c.state == "held" and c.outcome in POSITIVE_CALL_OUTCOMES and not c.lead_id
        )
        for call in calls:
            lead = call.kbe_campaign_activity_id._kbe_create_lead(
                call.partner_id, call._kbe_summary()[1], user=call.user_id
            )
            # sudo: the call may be a team-mate's; the activity's manager links its lead to it
            call.sudo().lead_id = lead
        return calls.lead_id

    def _kbe_create_link(self):
        if not self.link_url:
            raise UserError(self.env._("Give the landing page of “%(activity)s” first.", activity=self.name))
        link = self.env["link.tracker"].create(
            {
                "url": self.link_url,
                "title": self.name,
                "campaign_id": self.campaign_id.id,
                "medium_id": self.medium_id.id,
                "source_id": self.source_id.id,
                "kbe_campaign_activity_id": self.id,
            }
        )
        if self.state in ("draft", "scheduled"):
            self.state = "running"
        return link

    def _kbe_members(self, reach):
        """The segments' members reachable through ``reach`` (email / phone / post)."""
        return self.segment_ids._kbe_members(reach)

    def _kbe_mailing_values(self):
        values = {
            "subject": self.name,
            "campaign_id": self.campaign_id.id,
            "medium_id": self.medium_id.id,
            "source_id": self.source_id.id,
            "mailing_type": "mail",
        }
        if self.channel == "newsletter":
            lists = self.mailing_list_ids | self._kbe_segment_mailing_list()
            if not lists:
                raise UserError(self.env._("Choose the mailing lists of the newsletter, or its segments."))
            body = self._kbe_body(personal=False)
            values.update(
                mailing_model_id=self.env["ir.model"]._get_id("mailing.list"),
                contact_list_ids=[(6, 0, lists.ids)],
            )
        else:
            partners = self._kbe_members("email")
            if not partners:
                raise UserError(self.env._("No member of the segments can be reached by e-mail."))
            body = self._kbe_body(personal=True)
            values.update(
                mailing_model_id=self.env["ir.model"]._get_id("res.partner"),
                mailing_domain=repr([("id", "in", partners.ids)]),
            )
        if not self.mailing_id:
            values.update(body_arch=body, body_html=body)
        return values

    def _kbe_segment_mailing_list(self):
        """The newsletter's own mailing list, holding the segments' e-mail members (existing
        contacts are reused by address, opted-out ones stay opted out)."""
        partners = self._kbe_members("email").filtered("email")
        if not partners:
            return self.env["mailing.list"]
        mailing_list = self.env["mailing.list"].search([("name", "=", self.source_id.name)], limit=1)
        if not mailing_list:
            mailing_list = self.env["mailing.list"].create({"name": self.source_id.name})
        Contact = self.env["mailing.contact"]
        emails = {partner.email_normalized: partner for partner in partners if partner.email_normalized}
        existing = Contact.search([("email_normalized", "in", list(emails))])
        known = set(existing.mapped("email_normalized"))
        new = Contact.create([{"name": p.name, "email": p.email} for email, p in emails.items() if email not in known])
        mailing_list.contact_ids |= existing | new
        return mailing_list

    def _kbe_body(self, personal):
        """The mailing's first body: Odoo's placeholders (``t-out``) for the customer's name,
        their last product and their salesperson, which e-mail marketing users may write
        without being template editors (``res.partner.mail_allowed_qweb_expressions``)."""
        lines = [
            Markup('<p>Yth. <t t-out="object.name"/>,</p>'),
            Markup("<p>%s</p>") % (self.campaign_id.kbe_objective or self.campaign_id.title or ""),
        ]
        if personal:
            lines += [
                Markup('<p>Pesanan terakhir Anda: <t t-out="object.kbe_last_product_name"/></p>'),
                Markup('<p>Salam hangat,<br/><t t-out="object.user_id.name"/></p>'),
            ]
        return Markup('<div class="o_layout">%s</div>') % Markup("").join(lines)

    def _kbe_create_lead(self, partner, note, user=None):
        """A lead for ``partner`` from this activity: campaign, medium and source, the response
        (``note``) and the customer's profile in the memo, for the customer's salesperson."""
        self.ensure_one()
        commercial = partner.commercial_partner_id
        salesperson = user if user and not commercial.user_id else commercial.user_id
        team = salesperson.sale_team_id or self.team_id
        description = Markup("<p>%s</p>") % self.env._(
            "Campaign %(campaign)s, %(activity)s (%(channel)s).",
            campaign=self.campaign_id.title,
            activity=self.name,
            channel=dict(CAMPAIGN_CHANNELS)[self.channel],
        )
        for text in (note, partner.kbe_profile_summary):
            if text:
                description += Markup("<p>%s</p>") % text
        # sudo: the lead goes to the customer's salesperson, whose documents a marketing user
        # may not create; the caller's right on the activity was checked by the public action
        leads_sudo = self.env["crm.lead"].sudo().with_company(self.company_id)
        lead_sudo = leads_sudo.create(
            {
                "name": self.env._("%(partner)s – %(campaign)s", partner=partner.name, campaign=self.campaign_id.title),
                "partner_id": partner.id,
                "campaign_id": self.campaign_id.id,
                "medium_id": self.medium_id.id,
                "source_id": self.source_id.id,
                "user_id": salesperson.id,
                "team_id": team.id,
                "company_id": self.company_id.id,
                "description": description,
            }
        )
        return lead_sudo.with_env(self.env)

    def _kbe_recipients_csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for recipient in self.recipient_ids:
            partner = recipient.partner_id
            writer.writerow(
                [
                    _csv_safe(value)
                    for value in (
                        partner.display_name,
                        partner.street or "",
                        partner.street2 or "",
                        partner.zip or "",
                        partner.city or "",
                        partner.state_id.name or "",
                        partner.country_id.name or "",
                        recipient.reply_code,
                    )
                ]
            )
        return buffer.getvalue()

    def _kbe_sync_mailing_state(self):
        """The activity follows its mailing: sending → running, sent → done."""
        for activity in self:
            mailing_state = activity.mailing_id.state
            if mailing_state == "done" and activity.state not in ("done", "cancel"):
                activity.state = "done"
            elif mailing_state in ("in_queue", "sending") and activity.state in ("draft", "scheduled"):
                activity.state = "running"


def _check_amount(env, vals, name):
    """An amount typed in (a cost, a budget) is a finite, positive number: checked before the
    ORM rounds it (a NaN would fail there with no sentence for the user)."""
    value = vals.get(name)
    if value is None or value is False:
        return
    try:
        value = float(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(env._("The amount %(value)r is not a number.", value=value)) from error
    if not math.isfinite(value) or not 0 <= value <= MAX_COST:
        raise ValidationError(env._("An amount must be a positive number, not %(value)s.", value=value))


def _roi(revenue, cost):
    """Return on investment in percent; 0 (shown empty) without a cost."""
    return (revenue - cost) / cost * 100.0 if cost else 0.0


def _csv_safe(value):
    """A cell a spreadsheet will not run as a formula."""
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
