import ast
import logging
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .kbe_call import CALL_OUTCOMES
from .kbe_customer_value import VALUE_TIERS
from .res_partner import COMPANY_SIZES, CONTACT_CHANNELS

_logger = logging.getLogger(__name__)

# how a segment's members can be reached
SEGMENT_CHANNELS = [("email", "E-mail"), ("phone", "Phone"), ("post", "Post")]
SEGMENT_TARGETS = [
    ("customer", "Customers"),
    ("contact", "Contacts"),
]
WITH_WITHOUT = [("with", "Has one"), ("without", "Has none")]
# the checkbox of each value tier and company size (a selection cannot be a many2many)
TIER_FIELDS = {tier: f"tier_{tier}" for tier, _label in VALUE_TIERS}
SIZE_FIELDS = {size: f"size_{size}" for size, _label in COMPANY_SIZES}
# the fields whose change re-evaluates a dynamic segment
RULE_FIELDS = (
    "target",
    "company_id",
    "user_id",
    "industry_ids",
    *SIZE_FIELDS.values(),
    "preferred_channel",
    "category_ids",
    "city",
    "state_ids",
    "country_ids",
    *TIER_FIELDS.values(),
    "r_min",
    "r_max",
    "f_min",
    "f_max",
    "m_min",
    "m_max",
    "revenue_min",
    "revenue_max",
    "opportunity_filter",
    "ticket_filter",
    "last_call_outcome",
    "responded_campaign_id",
    "reach_channel",
    "domain",
)
# the largest revenue bound a segment accepts (company currency)
MAX_REVENUE = 1e15
# the cron re-evaluates the dynamic segments not evaluated for this long (hours): a second run the
# same day finds nothing left to do
CRON_REFRESH_HOURS = 20


class KbeSegment(models.Model):
    """A named set of customers or contacts defined by rules (profile, customer value, activity,
    opt-outs), dynamic (re-evaluated before each use and daily) or frozen (kept as it was).

    It is evaluated with its author's rights and companies, never as the superuser: the rules
    become one ``res.partner`` search made as the author in the segment's company (plus one for
    the responders of a campaign), and the members are written from it in one statement."""

    _name = "kbe.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "name, id"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Author",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        copy=False,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The segment is evaluated with this user's rights and companies.",
    )
    kind = fields.Selection(
        [("dynamic", "Dynamic"), ("frozen", "Frozen")],
        required=True,
        default="dynamic",
        tracking=True,
        help="Dynamic: re-evaluated before each use and every night. Frozen: the members stay as they were "
        "when it was frozen.",
    )
    target = fields.Selection(
        SEGMENT_TARGETS,
        required=True,
        default="customer",
        help="Customers: companies and individuals buying on their own (commercial entities). Contacts: the "
        "people, of customer companies or on their own.",
    )
    # rules: profile (of the customer: line of business, size, tags of the contact or its company)
    industry_ids = fields.Many2many("res.partner.industry", string="Line of Business")
    size_micro = fields.Boolean(string="Micro")
    size_small = fields.Boolean(string="Small")
    size_medium = fields.Boolean(string="Medium")
    size_large = fields.Boolean(string="Large")
    preferred_channel = fields.Selection(
        CONTACT_CHANNELS, help="The contact's preferred channel, or its company's when the contact has none."
    )
    category_ids = fields.Many2many("res.partner.category", string="Tags", help="Any of these tags.")
    city = fields.Char(help="Part of the city's name: Jakarta finds Jakarta Selatan and Jakarta Timur.")
    state_ids = fields.Many2many("res.country.state", string="States")
    country_ids = fields.Many2many("res.country", string="Countries")
    # rules: customer value (of the segment's company)
    tier_champion = fields.Boolean(string="Champions")
    tier_loyal = fields.Boolean(string="Loyal")
    tier_potential = fields.Boolean(string="Potential Loyalists")
    tier_new = fields.Boolean(string="New")
    tier_attention = fields.Boolean(string="Need Attention")
    tier_at_risk = fields.Boolean(string="At Risk")
    tier_lost = fields.Boolean(string="Lost")
    r_min = fields.Integer(string="R from", default=1)
    r_max = fields.Integer(string="R to", default=5)
    f_min = fields.Integer(string="F from", default=1)
    f_max = fields.Integer(string="F to", default=5)
    m_min = fields.Integer(string="M from", default=1)
    m_max = fields.Integer(string="M to", default=5)
    revenue_min = fields.Monetary(
        string="Revenue from", currency_field="currency_id", help="Revenue over the value window; 0: no minimum."
    )
    revenue_max = fields.Monetary(
        string="Revenue up to", currency_field="currency_id", help="Revenue over the value window; 0: no maximum."
    )
    # rules: activity
    opportunity_filter = fields.Selection(
        WITH_WITHOUT,
        string="Open Opportunity",
        help="An opportunity of the customer's company, neither won nor lost, that the author may read.",
    )
    ticket_filter = fields.Selection(
        WITH_WITHOUT, string="Open Ticket", help="A service ticket of the customer's company not closed yet."
    )
    last_call_outcome = fields.Selection(
        CALL_OUTCOMES,
        help="The outcome of the latest held call (with the customer's company, or with the contact) the author "
        "may read.",
    )
    responded_campaign_id = fields.Many2one(
        "utm.campaign",
        string="Responded to Campaign",
        index="btree_not_null",
        ondelete="set null",
        help="Customers who responded to this campaign, through any of its channels.",
    )
    # rules: reach and power users' domain
    reach_channel = fields.Selection(
        SEGMENT_CHANNELS, string="Only Reachable by", help="Keep only the members reachable through this channel."
    )
    domain = fields.Char(
        string="Extra Conditions", help="A domain on contacts, for power users: members must match it too."
    )
    # members
    member_ids = fields.One2many("kbe.segment.member", "segment_id", string="Member Lines")
    member_count = fields.Integer(string="Members", compute="_compute_member_counts")
    email_count = fields.Integer(string="Reachable by E-mail", compute="_compute_member_counts")
    phone_count = fields.Integer(string="Reachable by Phone", compute="_compute_member_counts")
    post_count = fields.Integer(string="Reachable by Post", compute="_compute_member_counts")
    preview_count = fields.Integer(
        string="Matching Now",
        compute="_compute_preview_count",
        help="How many customers the rules select now, as the author; the members change on Refresh.",
    )
    date_refreshed = fields.Datetime(string="Evaluated On", readonly=True, copy=False)
    refresh_error = fields.Text(string="Evaluation Problem", readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("member_ids")
    def _compute_member_counts(self):
        Member = self.env["kbe.segment.member"]
        counts = {segment: {} for segment in self}
        for channel in ("email", "phone", "post", None):
            domain = [("segment_id", "in", self.ids)]
            if channel:
                domain.append((f"reach_{channel}", "=", True))
            for segment, count in Member._read_group(domain, ["segment_id"], ["__count"]):
                counts[segment][channel] = count
        for segment in self:
            segment.member_count = counts[segment].get(None, 0)
            segment.email_count = counts[segment].get("email", 0)
            segment.phone_count = counts[segment].get("phone", 0)
            segment.post_count = counts[segment].get("post", 0)

    @api.depends(*RULE_FIELDS)
    def _compute_preview_count(self):
        """One count per segment, as its author: what Refresh would give."""
        for segment in self:
            try:
                with self.env.cr.savepoint():
                    matched = segment._kbe_matched_sql()
                    count = 0
                    if matched is not None:
                        count = self.env.execute_query(SQL("SELECT COUNT(*) FROM (%s) matched", matched))[0][0]
            except (AccessError, UserError, ValidationError, ValueError, SyntaxError):
                count = 0
            segment.preview_count = count

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("user_id", "company_id")
    def _check_user_id(self):
        for segment in self:
            if segment.user_id.share:
                raise ValidationError(self.env._("The author of a segment must be an employee."))
            # sudo: the author's companies, read to check them
            if segment.company_id not in segment.user_id.sudo().company_ids:
                raise ValidationError(
                    self.env._(
                        "The author %(user)s does not work in %(company)s, whose customers the segment selects.",
                        user=segment.user_id.name,
                        company=segment.company_id.name,
                    )
                )

    @api.constrains("r_min", "r_max", "f_min", "f_max", "m_min", "m_max")
    def _check_scores(self):
        for segment in self:
            for score in ("R", "F", "M"):
                low, high = segment[f"{score.lower()}_min"], segment[f"{score.lower()}_max"]
                if not 1 <= low <= high <= 5:
                    raise ValidationError(self.env._("%(score)s goes from 1 to 5, its lower bound first.", score=score))

    @api.constrains("revenue_min", "revenue_max")
    def _check_revenue(self):
        for segment in self:
            bounds = (segment.revenue_min, segment.revenue_max)
            if not all(math.isfinite(bound) and 0 <= bound <= MAX_REVENUE for bound in bounds):
                raise ValidationError(self.env._("Revenue bounds are amounts of zero or more."))
            if segment.revenue_max and segment.revenue_min > segment.revenue_max:
                raise ValidationError(
                    self.env._("The revenue of segment %(name)s starts above where it ends.", name=segment.name)
                )

    @api.constrains("domain")
    def _check_domain(self):
        for segment in self.filtered("domain"):
            try:
                domain = segment._kbe_extra_domain()
                self.env["res.partner"]._where_calc(domain)
            except (ValueError, SyntaxError, TypeError, KeyError) as error:
                raise ValidationError(
                    self.env._("The extra conditions are not a valid domain on contacts: %(error)s", error=error)
                ) from error

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kbe_check_amounts(vals)
        segments = super().create(vals_list)
        # a new segment shows its members at once; a segment created frozen is a snapshot of now
        segments._kbe_refresh()
        return segments

    def write(self, vals):
        if (
            "user_id" in vals
            and vals["user_id"] != self.env.user.id
            and not self.env.su
            and not self.env.user.has_group("crm_kbe.group_marketing_manager")
        ):
            # the author's rights decide what the segment sees: only a manager hands one over
            raise UserError(self.env._("Only a marketing manager may change the author of a segment."))
        self._kbe_check_amounts(vals)
        result = super().write(vals)
        if any(name in vals for name in (*RULE_FIELDS, "kind", "active")):
            self._kbe_refresh(only_dynamic=True)
        return result

    @api.model
    def _kbe_check_amounts(self, vals):
        """Revenue bounds from outside (RPC, import) are finite amounts, checked before Odoo rounds them."""
        for fname in ("revenue_min", "revenue_max"):
            value = vals.get(fname)
            if value is None or value is False:
                continue
            if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= MAX_REVENUE:
                raise ValidationError(self.env._("Revenue bounds are amounts of zero or more."))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for segment, vals in zip(self, vals_list, strict=True):
            vals.setdefault("name", self.env._("%(name)s (copy)", name=segment.name))
        return vals_list

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_kbe_refresh(self):
        """Re-evaluate dynamic segments now (the author and marketing managers)."""
        self.check_access("write")
        frozen = self.filtered(lambda s: s.kind == "frozen")
        if frozen:
            raise UserError(
                self.env._(
                    "Segment %(name)s is frozen: its members stay as they were. Unfreeze it, or duplicate it as "
                    "a dynamic segment, to evaluate its rules again.",
                    name=frozen[0].name,
                )
            )
        self._kbe_refresh()
        return True

    def action_kbe_freeze(self):
        """Take a snapshot: evaluate the rules one last time and keep these members."""
        self.check_access("write")
        dynamic = self.filtered(lambda s: s.kind == "dynamic")
        dynamic._kbe_refresh()
        dynamic.kind = "frozen"
        return True

    def action_kbe_unfreeze(self):
        """Make a frozen segment dynamic again: its rules are evaluated now."""
        self.check_access("write")
        self.filtered(lambda s: s.kind == "frozen").kind = "dynamic"
        return True

    def action_kbe_duplicate_dynamic(self):
        """A new dynamic segment with the same rules, authored by the current user."""
        self.ensure_one()
        self.check_access("read")
        copy = self.copy({"kind": "dynamic", "user_id": self.env.user.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "kbe.segment",
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_view_members(self):
        """The members as contacts; with the context key ``kbe_segment_channel`` (email, phone,
        post), those reachable through it."""
        self.ensure_one()
        self.check_access("read")
        channel = self.env.context.get("kbe_segment_channel")
        condition = [("segment_id", "=", self.id)]
        name = self.env._("Members of %(segment)s", segment=self.name)
        if channel in dict(SEGMENT_CHANNELS):
            condition.append((f"reach_{channel}", "=", True))
            name = self.env._(
                "Members of %(segment)s reachable by %(channel)s",
                segment=self.name,
                channel=dict(self._fields["reach_channel"]._description_selection(self.env))[channel],
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "name": name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("kbe_segment_member_ids", "any", condition)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------
    # BUSINESS: members
    # ------------------------------------------------------------

    def _kbe_members(self, channel=None):
        """The members (``res.partner``) of these segments, those reachable through ``channel``
        (email / phone / post) if given. Dynamic segments are re-evaluated first."""
        self._kbe_refresh(only_dynamic=True)
        domain = [("segment_id", "in", self.ids)]
        if channel:
            domain.append((f"reach_{channel}", "=", True))
        members = self.env["kbe.segment.member"]._search(domain)
        # one query whatever the size: the partners of the member lines, as a subquery
        partner_ids = members.subselect(SQL.identifier(members.table, "partner_id"))
        return self.env["res.partner"].search([("id", "in", partner_ids)], order="id")

    def _kbe_refresh(self, only_dynamic=False):
        """Re-evaluate these segments' rules as their author and write their members: the new
        ones enter with the time of now, those that no longer match leave, those that stay keep
        their date and get their reach flags updated. A few queries per segment, whatever its
        size. A segment that cannot be evaluated (its author lost its company, its extra domain
        broke) says why in ``refresh_error``.

        Callers check the user's rights on the segments first (``action_kbe_refresh``); the
        members are the result of the author's evaluation, the same whoever triggers it."""
        segments = self.filtered(lambda s: s.kind == "dynamic") if only_dynamic else self
        if not segments:
            return True
        now = fields.Datetime.now()
        self.env.flush_all()
        for segment in segments:
            error = False
            try:
                with self.env.cr.savepoint():
                    matched = segment._kbe_matched_sql()
                    if matched is None:
                        error = self.env._(
                            "The author %(user)s does not work in %(company)s: nobody is a member until a "
                            "marketing manager gives the segment an author of that company.",
                            user=segment.user_id.name,
                            company=segment.company_id.name,
                        )
                        matched = SQL(
                            "SELECT NULL::int AS id, FALSE AS reach_email, FALSE AS reach_phone, FALSE AS reach_post "
                            "WHERE FALSE"
                        )
                    self.env.execute_query(segment._kbe_write_members_sql(matched, now))
            except (AccessError, UserError, ValueError, SyntaxError) as exc:
                _logger.warning("segment %s could not be evaluated: %s", segment.id, exc)
                error = self.env._("The rules could not be evaluated as the author: %(error)s", error=str(exc))
            # sudo: the evaluation's time and outcome are the segment's own data, written whoever
            # triggered it (a campaign's sender evaluates its segments before use)
            segment_sudo = segment.sudo()
            segment_sudo.write({"date_refreshed": now, "refresh_error": error})
        self.env["kbe.segment.member"].invalidate_model()
        segments.invalidate_recordset()
        return True

    def _kbe_write_members_sql(self, matched, now):
        """One statement: the members matched now enter (with ``now``) or update their reach, the
        others leave. ``matched`` selects (id, reach_email, reach_phone, reach_post)."""
        self.ensure_one()
        uid = self.env.uid
        return SQL(
            """
            WITH matched AS MATERIALIZED (%(matched)s),
            gone AS (
                DELETE FROM kbe_segment_member member
                 WHERE member.segment_id = %(segment)s
                   AND NOT EXISTS (SELECT 1 FROM matched WHERE matched.id = member.partner_id)
            )
            INSERT INTO kbe_segment_member (
                segment_id, partner_id, company_id, date_entered, reach_email, reach_phone, reach_post,
                create_uid, create_date, write_uid, write_date
            )
            SELECT %(segment)s, matched.id, %(company)s, %(now)s, matched.reach_email, matched.reach_phone,
                   matched.reach_post, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM matched
            ON CONFLICT (segment_id, partner_id) DO UPDATE
               SET reach_email = EXCLUDED.reach_email,
                   reach_phone = EXCLUDED.reach_phone,
                   reach_post = EXCLUDED.reach_post,
                   company_id = EXCLUDED.company_id,
                   write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
             WHERE (kbe_segment_member.reach_email, kbe_segment_member.reach_phone, kbe_segment_member.reach_post,
                    kbe_segment_member.company_id)
                   IS DISTINCT FROM
                   (EXCLUDED.reach_email, EXCLUDED.reach_phone, EXCLUDED.reach_post, EXCLUDED.company_id)
            """,
            matched=matched,
            segment=self.id,
            company=self.company_id.id,
            now=now,
            uid=uid,
        )

    # ------------------------------------------------------------
    # BUSINESS: evaluation as the author
    # ------------------------------------------------------------

    def _kbe_author_env(self):
        """The environment the segment is evaluated in: its author, not superuser, in the
        segment's company only (the author's companies ∩ the segment's); None when the author does
        not work in that company."""
        self.ensure_one()
        author, company = self.user_id, self.company_id
        if not author or company not in author.sudo().company_ids:  # sudo: the author's companies, read to check
            return None
        return self.with_user(author).with_context(allowed_company_ids=[company.id]).env

    def _kbe_matched_sql(self):
        """SELECT id, reach_email, reach_phone, reach_post of the contacts the rules select, as
        the author (record rules included); None when the author may not evaluate it."""
        self.ensure_one()
        env = self._kbe_author_env()
        if env is None:
            return None
        Partner = env["res.partner"]
        query = Partner._search(self._kbe_domain(env))
        table = query.table
        email_blocked = Partner._search([("is_blacklisted", "=", True)])
        phone_blocked = Partner._search([("phone_sanitized_blacklisted", "=", True)])
        reach_email = SQL(
            "(%s IS NOT NULL AND %s NOT IN %s)",
            SQL.identifier(table, "email_normalized"),
            SQL.identifier(table, "id"),
            email_blocked.subselect(),
        )
        reach_phone = SQL(
            "((COALESCE(%s, '') != '' OR COALESCE(%s, '') != '') AND %s NOT IN %s)",
            SQL.identifier(table, "phone"),
            SQL.identifier(table, "mobile"),
            SQL.identifier(table, "id"),
            phone_blocked.subselect(),
        )
        reach_post = SQL(
            "(COALESCE(%s, '') != '' AND COALESCE(%s, '') != '' AND %s IS NOT NULL)",
            SQL.identifier(table, "street"),
            SQL.identifier(table, "city"),
            SQL.identifier(table, "country_id"),
        )
        reach = {"email": reach_email, "phone": reach_phone, "post": reach_post}
        if self.reach_channel:
            query.add_where(reach[self.reach_channel])
        return query.select(
            SQL.identifier(table, "id"),
            SQL("%s AS reach_email", reach_email),
            SQL("%s AS reach_phone", reach_phone),
            SQL("%s AS reach_post", reach_post),
        )

    def _kbe_domain(self, env):
        """The rules as a domain on ``res.partner`` for ``env`` (the author's)."""
        self.ensure_one()
        company = self.company_id
        domain = [
            ("partner_share", "=", True),  # customers, not the employees
            ("commercial_partner_id", "!=", company.partner_id.id),  # nor the company and its people
        ]
        if self.target == "customer":
            domain += ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        else:
            domain += [("is_company", "=", False), ("type", "=", "contact")]
        domain = expression.AND([domain, self._kbe_profile_domain(), self._kbe_value_domain(company)])
        domain = expression.AND([domain, self._kbe_activity_domain(env), self._kbe_extra_domain()])
        return domain

    def _kbe_profile_domain(self):
        domain = []
        if self.industry_ids:
            domain.append(("commercial_partner_id.industry_id", "in", self.industry_ids.ids))
        sizes = [size for size, fname in SIZE_FIELDS.items() if self[fname]]
        if sizes:
            domain.append(("commercial_partner_id.kbe_company_size", "in", sizes))
        if self.preferred_channel:
            domain += [
                "|",
                ("kbe_preferred_channel", "=", self.preferred_channel),
                "&",
                ("kbe_preferred_channel", "=", False),
                ("commercial_partner_id.kbe_preferred_channel", "=", self.preferred_channel),
            ]
        if self.category_ids:
            domain += [
                "|",
                ("category_id", "in", self.category_ids.ids),
                ("commercial_partner_id.category_id", "in", self.category_ids.ids),
            ]
        if self.city:
            domain.append(("city", "ilike", self.city.strip()))
        if self.state_ids:
            domain.append(("state_id", "in", self.state_ids.ids))
        if self.country_ids:
            domain.append(("country_id", "in", self.country_ids.ids))
        return domain

    def _kbe_value_domain(self, company):
        """Conditions on the customer value row of the segment's company, all on the same row."""
        conditions = []
        tiers = [tier for tier, fname in TIER_FIELDS.items() if self[fname]]
        if tiers:
            conditions.append(("value_tier", "in", tiers))
        for score in ("r", "f", "m"):
            low, high = self[f"{score}_min"], self[f"{score}_max"]
            if low > 1:
                conditions.append((f"{score}_score", ">=", low))
            if high < 5:
                conditions.append((f"{score}_score", "<=", high))
        if self.revenue_min:
            conditions.append(("revenue", ">=", self.revenue_min))
        if self.revenue_max:
            conditions.append(("revenue", "<=", self.revenue_max))
        if not conditions:
            return []
        conditions.append(("company_id", "=", company.id))
        return [("commercial_partner_id.kbe_value_ids", "any", conditions)]

    def _kbe_activity_domain(self, env):
        Partner = env["res.partner"]
        domain = []
        if self.opportunity_filter:
            # the opportunities the author may read, neither won nor lost (lost ones are archived)
            with_opportunity = Partner._search(
                [("opportunity_ids", "any", [("type", "=", "opportunity"), ("stage_id.is_won", "=", False)])]
            )
            operator = "in" if self.opportunity_filter == "with" else "not in"
            domain.append(
                (
                    "commercial_partner_id",
                    operator,
                    with_opportunity.subselect(SQL.identifier(with_opportunity.table, "commercial_partner_id")),
                )
            )
        if self.ticket_filter:
            tickets = (
                env["kbe.ticket"]
                # sudo: whether a customer has open tickets is shown to every employee on the customer
                # (res.partner.kbe_ticket_count); only the customers, in the author's company, come out
                .sudo()
                ._search([("is_closed", "=", False), ("company_id", "in", env.companies.ids)])
            )
            operator = "in" if self.ticket_filter == "with" else "not in"
            domain.append(
                (
                    "commercial_partner_id",
                    operator,
                    tickets.subselect(SQL.identifier(tickets.table, "commercial_partner_id")),
                )
            )
        if self.last_call_outcome:
            domain.append(("id", "in", self._kbe_last_call_sql(env)))
        if self.responded_campaign_id:
            responders = self.responded_campaign_id.with_env(env)._kbe_responder_partners()
            domain.append(("commercial_partner_id", "in", responders.ids))
        return domain

    def _kbe_last_call_sql(self, env):
        """The customers (or contacts) whose latest held call the author may read had the outcome."""
        Call = env["kbe.call"]
        partner_field = "commercial_partner_id" if self.target == "customer" else "partner_id"
        calls = Call._search([("state", "=", "held"), (partner_field, "!=", False)])
        partner = SQL.identifier(calls.table, partner_field)
        calls.order = SQL(
            "%s, %s DESC NULLS LAST, %s DESC",
            partner,
            SQL.identifier(calls.table, "date_done"),
            SQL.identifier(calls.table, "id"),
        )
        latest = calls.select(
            SQL(
                "DISTINCT ON (%s) %s AS partner_id, %s AS outcome",
                partner,
                partner,
                SQL.identifier(calls.table, "outcome"),
            )
        )
        return SQL(
            "(SELECT latest.partner_id FROM (%s) latest WHERE latest.outcome = %s)", latest, self.last_call_outcome
        )

    def _kbe_extra_domain(self):
        if not self.domain or self.domain.strip() in ("", "[]"):
            return []
        domain = ast.literal_eval(self.domain)
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a domain is a list of conditions"))
        return list(domain)

    # ------------------------------------------------------------
    # CRON
    # ------------------------------------------------------------

    @api.model
    def _cron_kbe_refresh(self, batch_size=20):
        """Every night: re-evaluate the dynamic segments not evaluated for CRON_REFRESH_HOURS, a
        batch at a time (progress reported, the cron comes back for the rest), each as its
        author. Re-runnable: a second run finds them evaluated."""
        domain = [
            ("kind", "=", "dynamic"),
            "|",
            ("date_refreshed", "=", False),
            ("date_refreshed", "<", fields.Datetime.now() - timedelta(hours=CRON_REFRESH_HOURS)),
        ]
        segments = self.search(domain, limit=batch_size, order="date_refreshed asc nulls first, id")
        segments._kbe_refresh()
        self.env["ir.cron"]._notify_progress(done=len(segments), remaining=self.search_count(domain))
        return segments
