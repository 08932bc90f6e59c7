from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    """TERRITORY: a new customer (a company, or an individual without a company) is placed in the
    most specific territory its address, line of business and company size match, and takes the
    territory's salesperson unless one was chosen. Its contacts follow it (a commercial field)."""

    _inherit = "res.partner"

    kbe_territory_id = fields.Many2one("kbe.territory", string="Territory", index="btree_not_null", tracking=True)

    def _commercial_fields(self):
        return super()._commercial_fields() + ["kbe_territory_id"]

    @api.onchange("country_id", "state_id", "city", "zip", "industry_id", "kbe_company_size")
    def _onchange_kbe_territory(self):
        """Propose the territory of the address typed, and its salesperson."""
        Territory = self.env["kbe.territory"]
        for partner in self.filtered(lambda p: not p.parent_id):
            company_id = partner.company_id.id or self.env.company.id
            if not Territory._kbe_companies_with_territories({company_id}):
                continue
            [territory_id] = Territory._kbe_match(company_id, partner._kbe_territory_facts())
            if not territory_id or territory_id == partner.kbe_territory_id.id:
                continue
            partner.kbe_territory_id = territory_id
            _team_id, user_id, _channel_partner_id = Territory._kbe_assignment(company_id, territory_id)
            if user_id:
                partner.user_id = user_id

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
        """(country, state, city, zip, line of business, company size) of each partner."""
        return [
            (
                partner.country_id.id,
                partner.state_id.id,
                partner.city,
                partner.zip,
                partner.industry_id.id,
                partner.kbe_company_size,
            )
            for partner in self
        ]

    @api.model
    def _kbe_place_in_territories(self, vals_list):
        """Return the create values of new customers without a parent company completed with their
        territory, and its salesperson unless one was chosen. No query when no company has
        territories (the check is cached)."""
        Territory = self.env["kbe.territory"]
        if not Territory._kbe_any_territory():
            return vals_list
        vals_list = [dict(vals) for vals in vals_list]  # the caller's values stay as they were
        default_company = self.env.company.id
        todo = [vals for vals in vals_list if not vals.get("parent_id") and not vals.get("kbe_territory_id")]
        if not todo:
            return vals_list
        companies = Territory._kbe_companies_with_territories(
            {vals.get("company_id") or default_company for vals in todo}
        )
        by_company = {}
        for vals in todo:
            company_id = vals.get("company_id") or default_company
            if company_id in companies:
                by_company.setdefault(company_id, []).append(vals)
        chosen_default_user = self.env.context.get("default_user_id")
        for company_id, company_vals in by_company.items():
            facts = [
                tuple(
                    vals.get(fname) or False
                    for fname in ("country_id", "state_id", "city", "zip", "industry_id", "kbe_company_size")
                )
                for vals in company_vals
            ]
            for vals, territory_id in zip(company_vals, Territory._kbe_match(company_id, facts), strict=True):
                if not territory_id:
                    continue
                vals["kbe_territory_id"] = territory_id
                _team_id, user_id, _channel_partner_id = Territory._kbe_assignment(company_id, territory_id)
                if user_id and not vals.get("user_id") and not chosen_default_user:
                    vals["user_id"] = user_id
        return vals_list

    @api.model
    def _kbe_realign_candidates(self, company_id):
        """The customers territories place in the company: active commercial entities (companies,
        individuals without a company) that are not employees nor a company of this database, shared
        or of the company, and not in another company's territory; with their facts and territory. One query."""
        self.env["res.partner"].flush_model(
            ["active", "commercial_partner_id", "partner_share", "company_id", "kbe_territory_id"]
            + ["country_id", "state_id", "city", "zip", "industry_id", "kbe_company_size"]
        )
        self.env["kbe.territory"].flush_model(["company_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id, partner.kbe_territory_id, partner.country_id, partner.state_id, partner.city,
                       partner.zip, partner.industry_id, partner.kbe_company_size
                  FROM res_partner partner
             LEFT JOIN kbe_territory territory ON territory.id = partner.kbe_territory_id
                 WHERE partner.active
                   AND partner.partner_share
                   AND partner.commercial_partner_id = partner.id
                   AND (partner.company_id IS NULL OR partner.company_id = %(company_id)s)
                   AND (territory.id IS NULL OR territory.company_id = %(company_id)s)
                   AND NOT EXISTS (SELECT 1 FROM res_company company WHERE company.partner_id = partner.id)
                 ORDER BY partner.id
                """,
                company_id=company_id,
            )
        )
        return [(row[0], row[1] or False, tuple(row[2:])) for row in rows]
