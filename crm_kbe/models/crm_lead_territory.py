from collections import defaultdict

from odoo import api, fields, models
from odoo.addons.crm.models.crm_lead import PARTNER_ADDRESS_FIELDS_TO_SYNC
from odoo.tools import SQL


class CrmLead(models.Model):
    """TERRITORY: every new lead is placed in the most specific territory its address, line of
    business and company size match (``kbe.territory._kbe_match``), whatever created it (the form,
    the mail gateway, an import, the website, RPC); it takes the territory's team, salesperson and
    channel partner unless they were chosen. In the form, the territory and its team and
    salesperson are proposed as the address is typed, and may be changed."""

    _inherit = "crm.lead"

    kbe_territory_id = fields.Many2one(
        "kbe.territory", string="Territory", index="btree_not_null", tracking=True, check_company=True
    )

    @api.onchange("partner_id", "country_id", "state_id", "city", "zip", "kbe_company_size")
    def _onchange_kbe_territory(self):
        """Propose the territory of the address typed, and its team and salesperson."""
        company_ids = self.env["kbe.territory"]._kbe_companies_with_territories(
            {self.company_id.id or self.env.company.id}
        )
        if not company_ids:
            return
        for lead, territory_id in zip(self, self._kbe_match_territories(), strict=True):
            if not territory_id or territory_id == lead.kbe_territory_id.id:
                continue
            lead.kbe_territory_id = territory_id
            team_id, user_id, channel_partner_id = self.env["kbe.territory"]._kbe_assignment(
                lead.company_id.id or self.env.company.id, territory_id
            )
            if team_id:
                lead.team_id = team_id
            if user_id:
                lead.user_id = user_id
            if channel_partner_id and not lead.kbe_channel_partner_id:
                lead.kbe_channel_partner_id = channel_partner_id

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(self._kbe_place_in_territories(vals_list))

    # ------------------------------------------------------------
    # TERRITORY
    # ------------------------------------------------------------

    def _kbe_territory_facts(self):
        """The facts territories match, per lead: (country, state, city, zip, line of business,
        company size); the line of business and, when the lead has none, the company size are
        those of the customer's company."""
        return [
            (
                lead.country_id.id,
                lead.state_id.id,
                lead.city,
                lead.zip,
                lead.partner_id.commercial_partner_id.industry_id.id,
                lead.kbe_company_size or lead.partner_id.commercial_partner_id.kbe_company_size,
            )
            for lead in self
        ]

    def _kbe_match_territories(self):
        """The territory id (or False) each lead matches now, in order."""
        Territory = self.env["kbe.territory"]
        result = [False] * len(self)
        by_company = defaultdict(list)
        for index, lead in enumerate(self):
            by_company[lead.company_id.id or self.env.company.id].append(index)
        for company_id, indexes in by_company.items():
            leads = self.browse().concat(*(self[index] for index in indexes))
            for index, territory_id in zip(
                indexes, Territory._kbe_match(company_id, leads._kbe_territory_facts()), strict=True
            ):
                result[index] = territory_id
        return result

    @api.model
    def _kbe_place_in_territories(self, vals_list):
        """Return the create values of new leads completed with their territory and what it gives: its
        team and salesperson unless one was chosen (a value given, or a default in the context,
        as the pipeline's quick create in a salesperson's column), its channel partner unless the
        lead has one. No query when no company has territories (the check is cached)."""
        Territory = self.env["kbe.territory"]
        if not Territory._kbe_any_territory():
            return vals_list
        vals_list = [dict(vals) for vals in vals_list]  # the caller's values stay as they were
        context = self.env.context
        default_company = self.env.company.id
        todo = [vals for vals in vals_list if not vals.get("kbe_territory_id")]
        teams = self.env["crm.team"].browse({vals["team_id"] for vals in todo if vals.get("team_id")})
        team_companies = {team.id: team.company_id.id for team in teams} if teams else {}

        def company_of(vals):
            team_id = vals.get("team_id") or context.get("default_team_id")
            return (
                vals.get("company_id")
                or context.get("default_company_id")
                or team_companies.get(team_id)
                or default_company
            )

        companies = Territory._kbe_companies_with_territories({company_of(vals) for vals in todo})
        todo = [vals for vals in todo if company_of(vals) in companies]
        if not todo:
            return vals_list
        # the address Odoo takes from the customer (all of its fields, when it has any)
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in todo if vals.get("partner_id")})
        addresses, commercial = {}, {}
        for partner in partners:
            if any(partner[fname] for fname in PARTNER_ADDRESS_FIELDS_TO_SYNC):
                addresses[partner.id] = {
                    "country_id": partner.country_id.id,
                    "state_id": partner.state_id.id,
                    "city": partner.city,
                    "zip": partner.zip,
                }
            commercial[partner.id] = partner.commercial_partner_id
        by_company = {}
        for vals in todo:
            by_company.setdefault(company_of(vals), []).append(vals)
        for company_id, company_vals in by_company.items():
            facts = []
            for vals in company_vals:
                address = addresses.get(vals.get("partner_id"), {})
                customer = commercial.get(vals.get("partner_id"), self.env["res.partner"])
                facts.append(
                    (
                        *(
                            vals[fname] if fname in vals else address.get(fname, False)
                            for fname in ("country_id", "state_id", "city", "zip")
                        ),
                        customer.industry_id.id,
                        vals.get("kbe_company_size") or customer.kbe_company_size,
                    )
                )
            for vals, territory_id in zip(company_vals, Territory._kbe_match(company_id, facts), strict=True):
                if territory_id:
                    self._kbe_territory_values(vals, company_id, territory_id)
        return vals_list

    @api.model
    def _kbe_territory_values(self, vals, company_id, territory_id):
        """Put the territory and its team, salesperson and channel partner in ``vals`` (create
        values), keeping those chosen."""
        context = self.env.context
        team_id, user_id, channel_partner_id = self.env["kbe.territory"]._kbe_assignment(company_id, territory_id)
        vals["kbe_territory_id"] = territory_id
        if not vals.get("company_id"):
            vals["company_id"] = company_id
        chosen_user = vals.get("user_id") or context.get("default_user_id")
        chosen_team = vals.get("team_id") or context.get("default_team_id")
        if team_id and not chosen_team:
            team = self.env["crm.team"].browse(team_id)
            # sudo: whether the chosen salesperson is in the territory's team, whoever creates
            if not chosen_user or chosen_user in (team.sudo().member_ids | team.sudo().user_id).ids:
                vals["team_id"] = team_id
        if user_id and not chosen_user and (not chosen_team or vals.get("team_id") == team_id):
            vals["user_id"] = user_id
        if channel_partner_id and not vals.get("kbe_channel_partner_id"):
            vals["kbe_channel_partner_id"] = channel_partner_id

    @api.model
    def _kbe_realign_candidates(self, company_id):
        """The open leads of the company, with the facts territories match and their territory:
        active, not won, probability under 100. One query, whatever their number."""
        self.env["crm.lead"].flush_model(
            ["active", "company_id", "probability", "stage_id", "kbe_territory_id", "partner_id", "kbe_company_size"]
            + ["country_id", "state_id", "city", "zip"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id", "industry_id", "kbe_company_size"])
        self.env["crm.stage"].flush_model(["is_won"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lead.id, lead.kbe_territory_id, lead.country_id, lead.state_id, lead.city, lead.zip,
                       customer.industry_id, COALESCE(lead.kbe_company_size, customer.kbe_company_size)
                  FROM crm_lead lead
             LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
             LEFT JOIN res_partner contact ON contact.id = lead.partner_id
             LEFT JOIN res_partner customer ON customer.id = contact.commercial_partner_id
                 WHERE lead.active
                   AND lead.company_id = %(company_id)s
                   AND COALESCE(lead.probability, 0) < 100
                   AND NOT COALESCE(stage.is_won, FALSE)
                 ORDER BY lead.id
                """,
                company_id=company_id,
            )
        )
        return [(row[0], row[1] or False, tuple(row[2:])) for row in rows]
