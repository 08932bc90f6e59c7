import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

# the fields whose change changes which records a territory takes, or what it gives them
RULE_FIELDS = {
    "active",
    "company_id",
    "parent_id",
    "sequence",
    "country_ids",
    "state_ids",
    "city_names",
    "zip_range_ids",
    "industry_ids",
    "company_size_micro",
    "company_size_small",
    "company_size_medium",
    "company_size_large",
    "team_id",
    "user_id",
    "kbe_channel_partner_id",
}
# one boolean per company size of res_partner.COMPANY_SIZES
COMPANY_SIZE_FIELDS = {
    "micro": "company_size_micro",
    "small": "company_size_small",
    "medium": "company_size_medium",
    "large": "company_size_large",
}
NO_ZIP_RULE = float("inf")


def normalize_city(city):
    """A city as rules compare it: small letters, single spaces ("  Jakarta  SELATAN" → "jakarta selatan")."""
    return " ".join((city or "").split()).casefold()


def normalize_zip(code):
    """A postal code as ranges compare it: letters and digits only, in capitals ("12 345" → "12345")."""
    return re.sub(r"[^0-9A-Za-z]", "", code or "").upper()


def zip_bounds(zip_from, zip_to):
    """(low, high, numeric, width) of a range, or None when it cannot be compared: numeric when
    both bounds are digits, else strings of the same length (widths then counted in base 36)."""
    low, high = normalize_zip(zip_from), normalize_zip(zip_to or zip_from)
    if not low or not high:
        return None
    if low.isdigit() and high.isdigit():
        return low, high, True, int(high) - int(low)
    if len(low) != len(high):
        return None
    return low, high, False, int(high, 36) - int(low, 36)


def zip_in_range(code, bounds):
    low, high, numeric, _width = bounds
    if numeric:
        return code.isdigit() and int(low) <= int(code) <= int(high)
    return len(code) == len(low) and low <= code <= high


class KbeTerritory(models.Model):
    """A sales territory: region → area → territory. Its rules place new leads and customers, and
    its team, salesperson and channel partner take them (see ``_kbe_match``).

    Rules: countries, states, cities (compared without case and extra spaces), postal-code ranges,
    lines of business (the customer's industry) and company sizes. A rule left empty matches
    everything; a record must satisfy every rule that is set. A sub-territory inherits no rule of
    its parent, but is only considered for records its parent matches (an archived parent takes its
    sub-territories out of matching).

    Most specific wins, among the matching territories: the deepest one (a territory before its
    area, an area before its region), then the one with more kinds of rules set, then the one
    whose matching postal-code range is narrowest, then the lowest sequence, then the oldest. No
    match: nothing is assigned and nothing changes.

    Matching is set-based: the rules of a company are loaded once (and cached until a territory
    or range changes), then a whole batch of records is matched in Python without a query."""

    _name = "kbe.territory"
    _description = "Sales Territory"
    _inherit = ["mail.thread"]
    _parent_store = True
    _order = "complete_name"
    _rec_name = "complete_name"
    _check_company_auto = True

    # identity
    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    level = fields.Selection(
        [("region", "Region"), ("area", "Area"), ("territory", "Territory")],
        compute="_compute_level",
        store=True,
        recursive=True,
        help="Region at the top, areas inside regions, territories inside areas: the deeper, the more specific.",
    )
    # relations
    parent_id = fields.Many2one("kbe.territory", index=True, ondelete="restrict", check_company=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("kbe.territory", "parent_id", string="Sub-territories")
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Salesperson", tracking=True, domain="[('share', '=', False)]")
    kbe_channel_partner_id = fields.Many2one(
        "res.partner",
        string="Channel Partner",
        check_company=True,
        tracking=True,
        domain="[('kbe_partner_status', '=', 'active')]",
        help="The active channel partner who works this territory: new leads without one get it.",
    )
    # rules
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many(
        "res.country.state",
        string="States",
        domain="[('country_id', 'in', country_ids)] if country_ids else []",
    )
    city_names = fields.Char(
        string="Cities",
        help="Cities separated by commas, e.g. “Jakarta Pusat, Jakarta Selatan”; case and spaces do not matter.",
    )
    zip_range_ids = fields.One2many("kbe.territory.zip.range", "territory_id", string="Postal Code Ranges")
    industry_ids = fields.Many2many("res.partner.industry", string="Lines of Business")
    company_size_micro = fields.Boolean(string="Micro (1-9 people)")
    company_size_small = fields.Boolean(string="Small (10-49 people)")
    company_size_medium = fields.Boolean(string="Medium (50-249 people)")
    company_size_large = fields.Boolean(string="Large (250+ people)")
    # figures
    opportunity_count = fields.Integer(string="Open Opportunities", compute="_compute_counts")
    customer_count = fields.Integer(string="Customers", compute="_compute_counts")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for territory in self:
            if territory.parent_id:
                territory.complete_name = f"{territory.parent_id.complete_name} / {territory.name}"
            else:
                territory.complete_name = territory.name

    @api.depends("parent_id", "parent_id.level")
    def _compute_level(self):
        for territory in self:
            parent_level = territory.parent_id.level
            territory.level = (
                "region" if not territory.parent_id else ("area" if parent_level == "region" else "territory")
            )

    def _compute_counts(self):
        """Open opportunities and customers of each territory and its sub-territories: one grouped
        query per model for the whole batch."""
        self.opportunity_count = self.customer_count = 0
        territories = self.filtered("id")
        if not territories:
            return
        domain = [("kbe_territory_id", "child_of", territories.ids)]
        leads = self.env["crm.lead"]._read_group(
            domain + [("type", "=", "opportunity"), ("probability", "<", 100)], ["kbe_territory_id"], ["__count"]
        )
        partners = self.env["res.partner"]._read_group(
            domain + ["|", ("is_company", "=", True), ("parent_id", "=", False)], ["kbe_territory_id"], ["__count"]
        )
        for counts, fname in ((leads, "opportunity_count"), (partners, "customer_count")):
            for territory, count in counts:
                ancestors = {int(part) for part in territory.parent_path.split("/") if part}
                for target in territories:
                    if target.id in ancestors:
                        target[fname] += count

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A territory cannot be inside one of its own sub-territories."))

    @api.constrains("team_id", "user_id", "company_id")
    def _check_salesperson(self):
        for territory in self:
            user, team = territory.user_id, territory.team_id
            if user and team and user not in team.member_ids | team.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of the sales team %(team)s: add them to the team or choose "
                        "one of its members as the salesperson of %(territory)s.",
                        user=user.name,
                        team=team.name,
                        territory=territory.complete_name,
                    )
                )
            if user and territory.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(company)s, the company of %(territory)s.",
                        user=user.name,
                        company=territory.company_id.name,
                        territory=territory.complete_name,
                    )
                )

    @api.constrains("kbe_channel_partner_id")
    def _check_channel_partner(self):
        for territory in self:
            partner = territory.kbe_channel_partner_id
            if partner and partner.kbe_partner_status != "active":
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not an active channel partner: only active partners may work a territory.",
                        partner=partner.display_name,
                    )
                )

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        territories = super().create(vals_list)
        self.env.registry.clear_cache()  # the rules of _kbe_rules changed
        return territories

    def write(self, vals):
        result = super().write(vals)
        if RULE_FIELDS & vals.keys():
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_opportunities(self):
        """The open opportunities of this territory and its sub-territories."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [("kbe_territory_id", "child_of", self.id), ("probability", "<", 100)]
        action["context"] = {"default_kbe_territory_id": self.id, "default_type": "opportunity"}
        return action

    def action_view_customers(self):
        """The customers (companies) of this territory and its sub-territories."""
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id("account.res_partner_action_customer")
        action["domain"] = [("kbe_territory_id", "child_of", self.id)]
        action["context"] = {"default_kbe_territory_id": self.id, "default_is_company": True}
        return action

    def action_kbe_realign(self):
        """Open the realignment of these territories (a preview, then Apply)."""
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Realign Territories"),
            "res_model": "kbe.territory.realign",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_company_id": self[:1].company_id.id or self.env.company.id,
                "default_territory_ids": self.ids,
            },
        }

    # ------------------------------------------------------------
    # MATCHING
    # ------------------------------------------------------------

    @api.model
    @ormcache("company_id")
    def _kbe_rules(self, company_id):
        """The active territories of the company as plain tuples, parents before children: (id,
        parent_id, depth, kinds, countries, states, cities, ranges, industries, sizes, team_id,
        user_id, channel_partner_id, sequence). Cached until a territory or a postal-code range
        changes; an empty tuple when the company has none."""
        # sudo: the rules place every user's records, whatever the user may read; plain ids only
        territory_sudo = self.sudo().with_context(active_test=True)
        territories = territory_sudo.search_fetch(
            [("company_id", "=", company_id)],
            ["parent_id", "parent_path", "sequence", "city_names", "team_id", "user_id", "kbe_channel_partner_id"]
            + ["country_ids", "state_ids", "industry_ids", *COMPANY_SIZE_FIELDS.values()],
        )
        if not territories:
            return ()
        ranges = defaultdict(list)
        for zip_range in territories.zip_range_ids:
            bounds = zip_bounds(zip_range.zip_from, zip_range.zip_to)
            if bounds:
                ranges[zip_range.territory_id.id].append(bounds)
        rules = []
        for territory in territories:
            sizes = frozenset(size for size, fname in COMPANY_SIZE_FIELDS.items() if territory[fname])
            cities = frozenset(filter(None, (normalize_city(city) for city in (territory.city_names or "").split(","))))
            rule_sets = (
                frozenset(territory.country_ids.ids),
                frozenset(territory.state_ids.ids),
                cities,
                tuple(ranges[territory.id]),
                frozenset(territory.industry_ids.ids),
                sizes,
            )
            kinds = sum(1 for rule in rule_sets if rule)
            rules.append(
                (
                    territory.id,
                    territory.parent_id.id,
                    territory.parent_path.count("/") - 1,
                    kinds,
                    *rule_sets,
                    territory.team_id.id,
                    territory.user_id.id,
                    territory.kbe_channel_partner_id.id,
                    territory.sequence,
                )
            )
        # parents before children, so that each rule finds its parent's result already decided
        rules.sort(key=lambda rule: rule[2])
        return tuple(rules)

    @api.model
    def _kbe_match(self, company_id, facts_list):
        """The territory id (or False) of each facts tuple ``(country_id, state_id, city, zip,
        industry_id, company_size)`` (city and zip as entered), for records of ``company_id``: the
        most specific matching territory (see the class docstring). No query once the rules are
        cached; records with the same facts are matched once."""
        rules = self._kbe_rules(company_id)
        if not rules:
            return [False] * len(facts_list)
        known = {}
        result = []
        for facts in facts_list:
            key = (facts[0], facts[1], normalize_city(facts[2]), normalize_zip(facts[3]), facts[4], facts[5])
            if key not in known:
                known[key] = self._kbe_match_one(rules, key)
            result.append(known[key])
        return result

    @api.model
    def _kbe_match_one(self, rules, key):
        country, state, city, code, industry, size = key
        matched, best, best_key = set(), False, None
        for (
            rule_id,
            parent_id,
            depth,
            kinds,
            countries,
            states,
            cities,
            ranges,
            industries,
            sizes,
            _team_id,
            _user_id,
            _channel_partner_id,
            sequence,
        ) in rules:
            if parent_id and parent_id not in matched:
                continue  # outside its parent's match (or the parent is archived)
            if (
                (countries and country not in countries)
                or (states and state not in states)
                or (cities and city not in cities)
                or (industries and industry not in industries)
                or (sizes and size not in sizes)
            ):
                continue
            width = NO_ZIP_RULE
            if ranges:
                widths = [bounds[3] for bounds in ranges if code and zip_in_range(code, bounds)]
                if not widths:
                    continue
                width = min(widths)
            matched.add(rule_id)
            sort_key = (-depth, -kinds, width, sequence, rule_id)
            if best_key is None or sort_key < best_key:
                best, best_key = rule_id, sort_key
        return best

    @api.model
    def _kbe_assignment(self, company_id, territory_id):
        """(team_id, user_id, channel_partner_id) a territory gives its records."""
        return self._kbe_assignments(company_id).get(territory_id, (False, False, False))

    @api.model
    @ormcache("company_id")
    def _kbe_assignments(self, company_id):
        return {rule[0]: (rule[10], rule[11], rule[12]) for rule in self._kbe_rules(company_id)}

    @api.model
    @ormcache()
    def _kbe_any_territory(self):
        """Whether any company has an active territory: the one check (cached, no query) that
        creating leads and customers makes when territories are not used."""
        # sudo: whether territories exist, whoever creates a record
        return bool(self.sudo().with_context(active_test=True).search_count([], limit=1))

    @api.model
    def _kbe_companies_with_territories(self, company_ids):
        """The ones of ``company_ids`` that have active territories (cached: no query)."""
        return {company_id for company_id in company_ids if company_id and self._kbe_rules(company_id)}

    # ------------------------------------------------------------
    # REALIGNMENT
    # ------------------------------------------------------------

    @api.model
    def _kbe_realign_plan(self, company, territories=None, leads=True, customers=True):
        """Which open leads and customers of ``company`` should be in another territory now:
        ``{model: {(old_id, new_id): [record ids]}}`` (an id is False for no territory). Won and
        lost leads are never candidates; a record that no longer matches any territory moves out
        of its own. With ``territories``, only the moves into or out of them (and their
        sub-territories). A constant number of queries, whatever the number of records."""
        scope = None
        if territories:
            scope = set(self.with_context(active_test=False).search([("id", "child_of", territories.ids)]).ids)
        plan = {}
        sources = (("crm.lead", leads), ("res.partner", customers))
        for model_name, wanted in sources:
            moves = defaultdict(list)
            if wanted:
                candidates = self.env[model_name]._kbe_realign_candidates(company.id)
                matches = self._kbe_match(company.id, [facts for _id, _old, facts in candidates])
                for (record_id, old, _facts), new in zip(candidates, matches, strict=True):
                    if new == old or (scope is not None and old not in scope and new not in scope):
                        continue
                    moves[old, new].append(record_id)
            plan[model_name] = dict(moves)
        return plan

    @api.model
    def _kbe_realign_apply(self, plan, reassign=True):
        """Move the records of ``plan`` (see ``_kbe_realign_plan``): one write per model and
        target territory; with ``reassign``, they also take the territory's salesperson (and, for
        leads, its team, and its channel partner where they have none). Tracking notes the move in
        each lead's and customer's chatter; each territory concerned gets a summary."""
        companies = {}
        moved_in, moved_out = defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
        for model_name, moves in plan.items():
            by_target = defaultdict(list)
            for (old, new), ids in moves.items():
                by_target[new] += ids
                moved_in[new][model_name] += len(ids)
                moved_out[old][model_name] += len(ids)
            for new, ids in by_target.items():
                records = self.env[model_name].browse(ids)
                values = {"kbe_territory_id": new}
                channel_partner_id = False
                if reassign and new:
                    territory = self.browse(new)
                    company_id = companies.setdefault(new, territory.company_id.id)
                    team_id, user_id, channel_partner_id = self._kbe_assignment(company_id, new)
                    if user_id:
                        values["user_id"] = user_id
                    if team_id and model_name == "crm.lead":
                        values["team_id"] = team_id
                records.write(values)
                if channel_partner_id and model_name == "crm.lead":
                    records.filtered(lambda lead: not lead.kbe_channel_partner_id).write(
                        {"kbe_channel_partner_id": channel_partner_id}
                    )
        for territory in self.browse(sorted((set(moved_in) | set(moved_out)) - {False})).exists():
            territory.message_post(
                body=self.env._(
                    "Realignment: %(leads_in)s open leads and %(customers_in)s customers moved in, "
                    "%(leads_out)s open leads and %(customers_out)s customers moved out.",
                    leads_in=moved_in[territory.id]["crm.lead"],
                    customers_in=moved_in[territory.id]["res.partner"],
                    leads_out=moved_out[territory.id]["crm.lead"],
                    customers_out=moved_out[territory.id]["res.partner"],
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _kbe_realign_company(self, company_id, reassign=False):
        """Realign every territory of a company at once (the demo data places the records entered
        before its territories existed); by default only the territory changes."""
        company = self.env["res.company"].browse(company_id)
        self._kbe_realign_apply(self._kbe_realign_plan(company), reassign=reassign)
